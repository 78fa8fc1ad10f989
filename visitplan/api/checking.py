"""The facade's commands that read visits and packs without writing documents: check
(with the clashes between visits), new, schema, profiles, languages."""
from __future__ import annotations

from __future__ import annotations
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from visitplan.cron.state import State
from visitplan.documents.output import atomic_write
from visitplan.documents.render import plain_environment
from visitplan.errors import InputError, Problem, ValidationFailed
from visitplan.rules import advice
from visitplan.rules import describe
from visitplan.rules.clashes import clashes as find_clashes
from visitplan.session import Session, visit_files
from visitplan.text import i18n
from visitplan.visit.model import json_schema
from visitplan.visit.schema import did_you_mean


@dataclass
class CheckResult:
    path: Path
    problems: list[Problem]
    visit: object | None = None

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def check(session: Session, paths: list[Path], today: dt.date | None = None,
          lang: str | None = None, stdin: bytes | None = None) -> list[CheckResult]:
    """Validate each visit file; errors and warnings for all of them, in order. Two files
    that give one visit id are an error naming both."""
    results = []
    if stdin is not None:        # `check -`: the visit comes from standard input
        paths = [p for p in paths if str(p) != "-"]
        try:
            visit = session.load_visit_bytes(stdin)
            results.append(CheckResult(Path("-"), list(visit.warnings)
                                       + advise(session, visit, today, lang), visit))
        except ValidationFailed as exc:
            results.append(CheckResult(Path("-"), exc.problems))
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
