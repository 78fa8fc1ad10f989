"""What the command line, cron and the tests call. Never imports click."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path

from visitplan.visit.config import Config, load_config
from visitplan.errors import InputError, Problem, ValidationFailed


@dataclass
class Session:
    """The configuration and profiles one command works with."""

    config: Config
    profiles_dir: Path | None = None
    _registry: dict | None = field(default=None, repr=False)
    _plans: dict = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, config_file: str | None = None, environ=None) -> "Session":
        config = load_config(config_file, environ)
        return cls(config=config, profiles_dir=config.profiles)

    @property
    def registry(self):
        if self._registry is None:
            from visitplan.rules.engine import load_registry

            self._registry = load_registry(self.profiles_dir)
        return self._registry

    def load_visit(self, path: Path | str):
        from visitplan.visit.model import load_visit

        return load_visit(Path(path), self.config, set(self.registry))

    def plan(self, visit):
        """The visit's plan, computed once per visit per session."""
        from visitplan.rules.engine import plan
        from visitplan.rules.holidays_check import WorkCalendar

        key = (visit.id, visit.source_hash, str(visit.path))
        if key not in self._plans:
            self._plans[key] = plan(visit, self.registry, self.config.day_start,
                                    WorkCalendar(tuple(self.config.work_week),
                                                 self.config.holiday_country))
        return self._plans[key]

    def today(self, date: dt.date | None = None) -> dt.date:
        return date or dt.date.today()


@dataclass
class CheckResult:
    path: Path
    problems: list[Problem]
    visit: object | None = None

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def check(session: Session, paths: list[Path], today: dt.date | None = None) -> list[CheckResult]:
    """Validate each visit file; errors and warnings for all of them, in order."""
    results = []
    for path in paths:
        try:
            visit = session.load_visit(path)
        except ValidationFailed as exc:
            results.append(CheckResult(Path(path), exc.problems))
            continue
        problems = list(visit.warnings) + advise(session, visit, today)
        results.append(CheckResult(Path(path), problems, visit))
    return results


def advise(session: Session, visit, today: dt.date | None = None) -> list[Problem]:
    """Warnings about what a host would forget (holidays, late planning, schedule sense)."""
    from visitplan.rules import advice

    return advice.advise(visit, session.plan(visit), session.today(today), session.config)


def visit_files(paths: list[Path], session: Session | None = None,
                require: bool = False) -> list[Path]:
    """The visit files named, and those in the folders named (recursively, skipping hidden
    folders, the configuration file, and the profiles and templates folders: a visits
    folder often holds those too), in order. With `require`, a folder without any visit
    file is an error (for `check`; an empty folder is a quiet day for cron)."""
    skip_files, skip_dirs = set(), []
    if session is not None:
        config = session.config
        if config.path is not None:
            skip_files.add(Path(config.path).resolve())
        skip_dirs = [Path(d).resolve() for d in (config.profiles, config.templates) if d]
    found = []
    for path in paths:
        if path.is_dir():
            folder = []
            for p in sorted(path.rglob("*.y*ml")):
                if p.suffix not in (".yaml", ".yml") or not p.is_file() or any(
                        part.startswith(".") for part in p.relative_to(path).parts):
                    continue
                real = p.resolve()
                if p.name == "visitplan.yaml" or real in skip_files or any(
                        real.is_relative_to(d) for d in skip_dirs):
                    continue
                folder.append(p)
            if not folder and require:
                raise InputError(f"{path}: no visit files (*.yaml) in this folder")
            found.extend(folder)
        elif path.exists():
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return found


@functools.cache
def _schema_text() -> str:
    import json

    from visitplan.visit.model import json_schema

    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def schema_json() -> str:
    return _schema_text()


def new_visit(profiles: list[str], session: Session, today: dt.date | None = None) -> str:
    """The text of a commented visit file for the given profiles."""
    from visitplan.documents.render import plain_environment

    unknown = [p for p in profiles if p not in session.registry]
    if unknown:
        from visitplan.visit.schema import did_you_mean

        raise InputError(f"--profile: unknown profile '{unknown[0]}'"
                         + did_you_mean(unknown[0], list(session.registry))
                         + "; `visitplan profiles` lists them")
    template = plain_environment(session.config.templates).get_template("visit.yaml.j2")
    return template.render(profiles=profiles, schema="visit.schema.json",
                           config=session.config, registry=session.registry)


def write_new(path: Path, text: str, force: bool = False) -> list[Path]:
    """Write a new visit file and the JSON Schema beside it (for editors)."""
    from visitplan.documents.output import atomic_write

    if path.exists() and not force:
        raise InputError(f"{path}: already exists; choose another name or pass --force")
    path.parent.mkdir(parents=True, exist_ok=True)
    schema_path = path.parent / "visit.schema.json"
    atomic_write({path: text.encode(), schema_path: schema_json().encode()})
    return [path, schema_path]
