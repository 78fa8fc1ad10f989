"""The one facade: what the command line, cron and the tests call. Never imports click.

Each command is one function here. It takes the Session (the loaded configuration and
rule packs) and paths or ids, and returns a result object that carries what was done and
every Problem found; the caller prints. Problems come in the staff language (`lang`
overrides) and are printed with `str(problem)`.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from visitplan.cron import agenda as agendas
from visitplan.cron import register as registers
from visitplan.cron import run as cron
from visitplan.cron.state import State
from visitplan.cron import status as statuses
from visitplan.documents import build as documents
from visitplan.documents import pdf
from visitplan.documents import printables as printing
from visitplan.documents import staff_calendar
from visitplan.documents import sign as signs
from visitplan.documents.output import atomic_write
from visitplan.documents.render import plain_environment
from visitplan.errors import InputError, Problem, ValidationFailed
from visitplan.mail import followup as followups
from visitplan.rules import advice
from visitplan.rules import describe
from visitplan.rules.clashes import clashes as find_clashes
from visitplan.session import Session, folders, visit_files  # noqa: F401  (part of the facade)
from visitplan.text import i18n
from visitplan.text.i18n import t
from visitplan.visit.config import DEPARTMENTS
from visitplan.visit.model import json_schema
from visitplan.visit.schema import did_you_mean



# ---------------------------------------------------------------- check


@dataclass
class CheckResult:
    path: Path
    problems: list[Problem]
    visit: object | None = None

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def check(session: Session, paths: list[Path], today: dt.date | None = None,
          lang: str | None = None) -> list[CheckResult]:
    """Validate each visit file; errors and warnings for all of them, in order. Two files
    that give one visit id are an error naming both."""
    results = []
    for path in _expand(session, paths, results):
        try:
            visit = session.load_visit(path)
        except ValidationFailed as exc:
            results.append(CheckResult(Path(path), exc.problems))
            continue
        problems = list(visit.warnings) + advise(session, visit, today, lang)
        results.append(CheckResult(Path(path), problems, visit))
    _same_ids(results)
    _clashes(session, results, lang)
    return results


def _expand(session: Session, paths: list[Path], results: list[CheckResult]) -> list[Path]:
    """The visit files of `paths`; a path that is missing, or a folder without visit files,
    becomes a result with its problem, so every path named gets an answer."""
    found = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            results.append(CheckResult(path, [Problem(str(path), 0, 0, "",
                                                      "no such file or folder")]))
        elif path.is_dir() and not visit_files([path], session):
            results.append(CheckResult(path, [Problem(
                str(path), 0, 0, "", "no visit files (*.yaml) in this folder")]))
        else:
            found += visit_files([path], session)
    return found


def _same_ids(results: list[CheckResult]) -> None:
    first: dict[str, Path] = {}
    for result in results:
        if result.visit is None:
            continue
        other = first.setdefault(result.visit.id, result.path)
        if other != result.path:
            result.problems.insert(0, Problem(
                str(result.path), 0, 0, "id",
                f"the visit id '{result.visit.id}' is also the id of {other}; give one of "
                "them another `id:` (two visits with one id would share their output folder "
                "and their mail)"))


def advise(session: Session, visit, today: dt.date | None = None, lang: str | None = None,
           ticked: set[str] | None = None) -> list[Problem]:
    """Warnings about what a host would forget (holidays, late planning, schedule sense)."""
    if ticked is None:
        ticked = set(ticks(session, visit.id))
    return advice.advise(visit, session.plan(visit), session.today(today), session.config,
                         session.staff_lang(visit, lang), ticked)


def ticks(session: Session, visit_id: str) -> dict:
    """Ticked tasks of a visit from the state store (task id → (who, when)); none when
    there is no store yet (reading never creates one)."""
    path = session.config.state_path
    if not path.is_file():
        return {}
    with State(path) as state:
        return state.ticks(visit_id)


# ---------------------------------------------------------------- new, schema, profiles


def schema_json() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def write_schema(path: Path) -> Path:
    atomic_write({path: schema_json().encode()})
    return path


def new_visit(profiles: list[str], session: Session) -> str:
    """The text of a commented visit file for the given profiles."""
    unknown = [p for p in profiles if p not in session.registry]
    if unknown:
        raise InputError(f"--profile: unknown profile '{unknown[0]}'"
                         + did_you_mean(unknown[0], list(session.registry))
                         + "; `visitplan profiles` lists them")
    template = plain_environment(session.config.templates).get_template("visit.yaml.j2")
    return template.render(profiles=profiles, schema="visit.schema.json",
                           config=session.config, registry=session.registry)


def write_new(path: Path, text: str, force: bool = False) -> list[Path]:
    """Write a new visit file and the JSON Schema beside it (for editors)."""
    if path.exists() and not force:
        raise InputError(f"{path}: already exists; choose another name or pass --force")
    path.parent.mkdir(parents=True, exist_ok=True)
    schema_path = path.parent / "visit.schema.json"
    atomic_write({path: text.encode(), schema_path: schema_json().encode()})
    return [path, schema_path]


def profiles(session: Session, name: str | None = None, lang: str | None = None,
             as_json: bool = False):
    """The list of profiles, or one profile's notes and tasks: text, or data for JSON."""
    lang = session.staff_lang(None, lang)
    registry = session.registry
    if name is None:
        return (describe.listing_data(registry, lang) if as_json
                else describe.listing_text(registry, lang))
    pack = registry.get(name)
    if pack is None:
        raise InputError(f"unknown profile '{name}'" + did_you_mean(name, list(registry))
                         + "; `visitplan profiles` lists them")
    return describe.pack_data(pack, lang) if as_json else describe.pack_text(pack, lang)


# ---------------------------------------------------------------- documents


@dataclass
class Written:
    """What a command wrote, and the problems (warnings) it found on the way."""

    written: list[Path]
    problems: list[Problem] = field(default_factory=list)
    visit: object | None = None


def prepare(session: Session, ref, *, output: Path | None = None, fmt: str = "pdf",
            today: dt.date | None = None, lang: str | None = None,
            templates: Path | None = None, on_problems=None) -> Written:
    """Write the itinerary, the checklist and the calendar of a visit. `on_problems` is
    called with the visit's warnings while the PDFs render, before anything is written."""
    worker = pdf.start_worker() if fmt == "pdf" else None   # WeasyPrint loads meanwhile
    try:
        visit = session.load_visit(session.resolve(ref))
        done = ticks(session, visit.id)
        problems: list[Problem] = []

        def warn():
            if not problems:
                problems.extend(list(visit.warnings)
                                + advise(session, visit, today, lang, set(done)))
                if on_problems is not None:
                    on_problems(problems)

        try:
            written = documents.prepare(session, visit, output or session.config.output_dir(
                visit.id), fmt, today=today, ticks=done, lang=lang, templates=templates,
                worker=worker, while_rendering=warn)
        finally:
            warn()     # also when a template failed before the rendering began
    finally:
        if worker is not None:
            worker.close()
    return Written(written, problems, visit)


def export_templates(folder: Path, force: bool = False) -> list[Path]:
    return documents.export_templates(folder, force=force)


def sign(session: Session, ref, *, output: Path | None = None, size: str | None = None,
         group: bool | None = None, templates: Path | None = None) -> Written:
    """Print the pickup sign and make the welcome screen. Size and grouping: the options
    given, else the visit's `sign:`, else the configuration's."""
    worker = pdf.start_worker()     # WeasyPrint loads on the other core meanwhile
    try:
        if templates is not None:
            session.config.templates = Path(templates).resolve()
        visit = session.load_visit(session.resolve(ref))
        chosen = {**session.config.sign, **(getattr(visit, "sign", None) or {})}
        notes: list = []
        written = signs.sign(session, visit, output or session.config.output_dir(visit.id),
                             size or chosen["size"],
                             chosen["group"] if group is None else group,
                             notes=notes, worker=worker)
    finally:
        if worker is not None:
            worker.close()
    problems = [n if isinstance(n, Problem) else
                Problem(str(visit.path), 0, 0, "", str(n), "warning") for n in notes]
    return Written(written, problems, visit)


# ---------------------------------------------------------------- mail


@dataclass
class FollowupResult:
    visit: object
    folder: Path
    path: Path | None = None          # the draft written (without send)
    delivery: object | None = None    # mail.smtp.DeliveryResult (with send)


def followup(session: Session, ref, *, output: Path | None = None, send: bool = False,
             force: bool = False) -> FollowupResult:
    """Write the follow-up email, or send it once (again only with force). Before the
    departure day it is not sent without force: it thanks the guests for a visit."""
    if force and not send:
        raise InputError("--force only applies together with --send")
    visit = session.load_visit(session.resolve(ref))
    folder = output or session.config.output_dir(visit.id)
    if not send:      # the draft carries the Message-ID the store fixed, when there is one
        if session.config.state_path.exists():
            with State(session.config.state_path) as state:
                path = followups.write_followup(session, visit, folder, state=state)
        else:
            path = followups.write_followup(session, visit, folder)
        return FollowupResult(visit, folder, path=path)
    first = followups.sendable_from(visit)
    if session.today() < first and not force:
        raise InputError(f"{visit.path}: the follow-up thanks the guests for their visit, "
                         f"which ends on {first.isoformat()}; it may be sent from "
                         f"{first.isoformat()} on (--force sends it now)")
    with State(session.config.state_path) as state:
        result = followups.send_followup(session, visit, state, force=force,
                                         output_dir=folder)
    return FollowupResult(visit, folder, delivery=result)


# ---------------------------------------------------------------- the daily side


@dataclass
class DueResult:
    items: list
    text: str
    problems: list[Problem]
    day: dt.date


def due(session: Session, paths: list[Path], day: dt.date | None = None,
        lang: str | None = None) -> DueResult:
    """The tasks due on a day and the overdue ones, across the visits in `paths` (default:
    the visits folder); broken visits come back as problems, the others are listed."""
    day = session.today(day)
    found = cron.scan(session, folders(session, paths))
    problems = [p for _, found_problems in found.errors for p in found_problems]
    state_path = session.config.state_path
    state = State(state_path) if state_path.exists() else None
    try:
        items = cron.due_items(session, found.visits, day, state)
    finally:
        if state:
            state.close()
    staff = lang or session.config.staff_language or (items[0].staff_language if items
                                                      else None)
    staff = session.staff_lang(None, staff)
    text = (cron.due_text(items, day, staff, session.config) if items
            else t("cron.nothing", staff, day=day.isoformat()))
    return DueResult(items, text, problems, day)


def tick(session: Session, ref, task_ids: list[str], undo: bool = False) -> list[str]:
    """Tick (or untick) tasks of a visit named by path or id; returns the ids changed."""
    return cron.tick(session, session.resolve(ref), task_ids, undo=undo)


@dataclass
class StatusResult:
    visit: object
    tasks: list
    text: str


def status(session: Session, ref, lang: str | None = None,
           day: dt.date | None = None) -> StatusResult:
    """Each department's tasks of a visit: done (by whom, when), open, late. With `day`,
    as that day begins: tasks due before it are late."""
    visit = session.load_visit(session.resolve(ref))
    lang = session.staff_lang(visit, lang)
    now = (dt.datetime.combine(day, dt.time(0, 0), visit.tz) if day is not None
           else dt.datetime.now(visit.tz))
    states = statuses.task_states(session.plan(visit), ticks(session, visit.id), now, lang)
    return StatusResult(visit, states, statuses.status_text(visit, states, lang))


def task_ids(session: Session, ref) -> list[str]:
    """The task ids of a visit (for shell completion); none when it cannot be read."""
    try:
        visit = session.load_visit(session.resolve(ref))
    except (InputError, OSError):
        return []
    return [task.id for task in session.plan(visit).tasks]


def run(session: Session, paths: list[Path], day: dt.date | None = None, *,
        send: bool = False, dry_run: bool = False, force: bool = False,
        jobs: int | None = None, progress=None):
    """The cron entry point: rebuild what changed, remind departments, send follow-ups.
    `force` also sends stale follow-ups and a past day's digest."""
    return cron.run(session, folders(session, paths), session.today(day), send=send,
                    dry_run=dry_run, force=force, jobs=jobs, progress=progress)


# ---------------------------------------------------------------- around the visit (team)


def _clashes(session: Session, results: list[CheckResult], lang: str | None) -> None:
    """Clashes between the visits checked together (rules.clashes), each added to the
    result of the file it concerns."""
    loaded = [r for r in results if r.visit is not None]
    if len({r.visit.id for r in loaded}) < 2:
        return
    by_file = {str(r.path): r for r in loaded}
    for clash in find_clashes([(r.visit, session.plan(r.visit)) for r in loaded],
                              session.config, lambda v: session.staff_lang(v, lang)):
        by_file[clash.problem.file].problems.append(clash.problem)


def _loaded(session: Session, paths: list[Path]) -> tuple[list, list[Problem]]:
    """The visits of `paths` (default: the visits folder) that load, and the problems of
    those that do not."""
    found = cron.scan(session, folders(session, paths))
    return ([visit for _, visit in found.visits],
            [p for _, problems in found.errors for p in problems])


@dataclass
class AgendaResult:
    agenda: object          # cron.agenda.Agenda
    text: str
    problems: list[Problem]

    def as_json(self, problem_json) -> dict:
        data = agendas.agenda_json(self.agenda, problem_json)
        data["problems"] = [problem_json(p) for p in self.problems]
        return data


def agenda(session: Session, paths: list[Path], start: dt.date | None = None,
           end: dt.date | None = None, lang: str | None = None) -> AgendaResult:
    """Show the visits day by day, and the clashes between them."""
    start = session.today(start)
    if end is not None and end < start:
        raise InputError(f"--to {end} is before --from {start}")
    visits, problems = _loaded(session, paths)
    result = agendas.agenda([(v, session.plan(v)) for v in visits], session.config, start,
                            end, lambda v: session.staff_lang(v, lang))
    text = agendas.agenda_text(result, session.staff_lang(None, lang))
    return AgendaResult(result, text, problems + result.problems)


@dataclass
class RegisterResult:
    rows: list[dict]
    data: bytes             # the CSV, UTF-8 with BOM
    path: Path | None
    problems: list[Problem]


def register(session: Session, paths: list[Path], start: dt.date, end: dt.date, *,
             output: Path | None = None, lang: str | None = None) -> RegisterResult:
    """Write the visitor register: one row per guest per visit in the days given."""
    if end < start:
        raise InputError(f"--to {end} is before --from {start}")
    visits, problems = _loaded(session, paths)
    lang = session.staff_lang(None, lang)
    rows = registers.rows([v for v in visits if agendas.overlaps_range(v, start, end)],
                          lang)
    data = registers.csv_bytes(rows, lang)
    if output is not None:
        atomic_write({Path(output): data})
    return RegisterResult(rows, data, output, problems)


def calendar(session: Session, paths: list[Path], department: str, *,
             output: Path | None = None, lang: str | None = None,
             dtstamp: dt.datetime | None = None) -> Written:
    """Write a department's calendar of tasks and visits, for calendar subscriptions."""
    if department not in DEPARTMENTS:
        raise InputError(f"--department: unknown department '{department}'"
                         + did_you_mean(department, list(DEPARTMENTS))
                         + f"; one of {', '.join(DEPARTMENTS)}")
    visits, problems = _loaded(session, paths)
    return Written(write_calendars(session, visits, [department], output=output, lang=lang,
                                   dtstamp=dtstamp), problems)


def write_calendars(session: Session, visits: list, departments=DEPARTMENTS, *,
                    output: Path | None = None, lang: str | None = None,
                    dtstamp: dt.datetime | None = None) -> list[Path]:
    """Keep `<output>/calendars/<department>.ics` current for the loaded `visits` (what
    `run` calls after a rebuild); with `output`, one department's calendar to that file
    and the sequence table beside it."""
    folder = Path(output).parent if output else (session.config.output or Path("out")) \
        / "calendars"
    files = {departments[0]: Path(output)} if output else None
    lang = session.staff_lang(None, lang)
    entries = [(v, session.plan(v), ticks(session, v.id)) for v in visits]
    return staff_calendar.write_calendars(entries, folder, departments, lang, files=files,
                                          dtstamp=dtstamp)


def printables(session: Session, ref, kinds=printing.KINDS, *,
               output: Path | None = None) -> Written:
    """Print name badges, table tents and seating plans for a visit."""
    worker = pdf.start_worker()     # WeasyPrint loads on the other core meanwhile
    try:
        visit = session.load_visit(session.resolve(ref))
        user_dir = session.config.templates
        if user_dir is not None and not Path(user_dir).is_dir():
            raise InputError(f"{user_dir}: the templates folder does not exist")
        problems = []
        if "seating" in kinds and not printing.meals(visit):
            problems.append(visit.problem("schedule", t("print.no_meal", session.staff_lang(
                visit)), "warning"))
            kinds = [k for k in kinds if k != "seating"]
            if not kinds:
                raise InputError(f"{visit.label}: no meal in the schedule, so there is no "
                                 "seating plan to print")
        pdfs = printing.render(visit, kinds, user_dir, worker=worker)
    finally:
        if worker is not None:
            worker.close()
    folder = Path(output or session.config.output_dir(visit.id))
    files = {folder / f"{kind}.pdf": data for kind, data in pdfs.items()}
    atomic_write(files)
    return Written(list(files), problems, visit)


def languages(lang: str | None = None) -> list[dict]:
    """Every language visitplan writes: what it covers (guest or also staff documents, the
    share of guest-facing wording of its own), its script, direction, faces and the
    countries whose guests read it by default."""
    from babel import Locale   # heavy; only this command needs language names

    shown = lang or "en"
    out = []
    for code, row in i18n.languages().items():
        guest, overall = i18n.coverage(code)
        language = Locale.parse(code.replace("-", "_"))
        out.append({"code": code, "name": language.get_display_name(i18n.babel_locale(shown)),
                    "own_name": language.get_display_name(language),
                    "documents": "guest and staff" if row.staff else "guest",
                    "guest_wording": round(guest * 100), "all_wording": round(overall * 100),
                    "script": row.script, "direction": row.dir, "faces": list(row.family),
                    "countries": list(row.countries)})
    return out
