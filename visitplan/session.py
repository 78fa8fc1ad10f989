"""The session one command works with: the configuration, the rule packs, the visits it
loads and plans (each once), and what "today" is for it. Also where visit files are found:
the files and folders named, or a visit id looked up in the configured visits folder."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from visitplan.errors import InputError, ValidationFailed
from visitplan.rules.advice import derived_name_latin
from visitplan.rules.engine import load_registry, plan
from visitplan.rules.holidays_check import WorkCalendar
from visitplan.text.i18n import staff_languages
from visitplan.visit.config import Config, load_config
from visitplan.visit.loader import decode_text
from visitplan.visit.model import load_visit, parse_visit


@dataclass
class Session:
    """The configuration and profiles one command works with."""

    config: Config
    profiles_dir: Path | None = None
    _registry: dict | None = field(default=None, repr=False)
    _plans: dict = field(default_factory=dict, repr=False)
    _calendar: WorkCalendar | None = field(default=None, repr=False)

    @classmethod
    def open(cls, config_file: str | None = None, environ=None) -> "Session":
        config = load_config(config_file, environ)
        return cls(config=config, profiles_dir=config.profiles)

    @property
    def registry(self):
        if self._registry is None:
            self._registry = load_registry(self.profiles_dir)
        return self._registry

    def load_visit(self, path: Path | str):
        return load_visit(Path(path), self.config, set(self.registry),
                          latin_name=derived_name_latin)

    def load_visit_bytes(self, data: bytes, label: str = "<stdin>"):
        """A visit given as bytes (`check -` reads it from standard input); paths in it are
        relative to the working folder."""
        return parse_visit(decode_text(data, label), Path.cwd() / "stdin.yaml", label,
                           self.config, set(self.registry), latin_name=derived_name_latin)

    def plan(self, visit):
        """The visit's plan, computed once per visit per session."""
        key = (visit.id, visit.source_hash, str(visit.path))
        if key not in self._plans:
            self._plans[key] = plan(visit, self.registry, self.config.day_start,
                                    self.work_calendar)
        return self._plans[key]

    @property
    def work_calendar(self) -> WorkCalendar:
        """The host's working days: the configured work week and public holidays (with
        their make-up working days)."""
        if self._calendar is None:
            self._calendar = WorkCalendar(tuple(self.config.work_week),
                                          self.config.holiday_country)
        return self._calendar

    def today(self, date: dt.date | None = None) -> dt.date:
        """`date`, else today where the office is (the `timezone` setting, else the
        system's): a server kept in UTC still acts on Beijing's day."""
        if date is not None:
            return date
        zone = ZoneInfo(self.config.timezone) if self.config.timezone else None
        return dt.datetime.now(zone).date()

    def now(self) -> dt.datetime:
        """This moment where the office is (the `timezone` setting, else the system's), as
        every date visitplan prints or mails is given."""
        zone = ZoneInfo(self.config.timezone) if self.config.timezone else None
        return dt.datetime.now(zone).astimezone(zone)

    def staff_lang(self, visit=None, lang: str | None = None) -> str:
        """The language problems and staff texts are written in: `lang`, else the visit's
        staff language, else the configuration's, else English."""
        chosen = (lang or (visit.staff_language if visit is not None else None)
                  or self.config.staff_language or "en")
        return chosen if chosen in staff_languages() else "en"

    def resolve(self, ref: Path | str) -> Path:
        """A visit file named by its path, or by its id in the configured visits folder."""
        path = Path(ref)
        if path.exists() or path.suffix in (".yaml", ".yml") or len(path.parts) > 1:
            return path
        folder = self.config.visits
        if folder is not None and Path(folder).is_dir():
            for candidate in visit_files([Path(folder)], self):
                if candidate.stem == str(ref):
                    return candidate
            for candidate in visit_files([Path(folder)], self):
                try:
                    if self.load_visit(candidate).id == str(ref):
                        return candidate
                except ValidationFailed:
                    continue
            raise InputError(f"{ref}: no such file, and no visit with that id in {folder}")
        raise InputError(f"{ref}: no such file (set `visits:` in the configuration to name "
                         "visits by their id)")


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


def folders(session: Session, given: list[Path]) -> list[Path]:
    """The folders a cross-visit command reads: those given, else the configured `visits:`
    folder, else the working folder."""
    if given:
        return list(given)
    return [Path(session.config.visits)] if session.config.visits else [Path.cwd()]
