"""The facade's commands across visits and days: due, done (tick), status, run, and the
outputs around the visit (agenda, register, staff calendars)."""
from __future__ import annotations

from __future__ import annotations
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from visitplan.cron import agenda as agendas
from visitplan.cron import register as registers
from visitplan.cron import run as cron
from visitplan.cron.state import State
from visitplan.cron import status as statuses
from visitplan.documents import staff_calendar
from visitplan.documents.output import atomic_write
from visitplan.errors import InputError, Problem
from visitplan.api.checking import ticks
from visitplan.api.documents import Written
from visitplan.session import Session, folders
from visitplan.text.i18n import t
from visitplan.visit.config import DEPARTMENTS
from visitplan.visit.schema import did_you_mean


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
