"""The configuration: where it is found, what it may say, and the environment's say over it.

Order: --config FILE, else $VISITPLAN_CONFIG, else ./visitplan.yaml, else config.yaml in the
user config folder. Every key can be set as VISITPLAN_<KEY> (nested keys joined by `_`);
the environment wins over the file. Paths are relative to the configuration file.
"""
from __future__ import annotations

import difflib
import os
import re
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path

from visitplan.errors import Problem, ValidationFailed
from visitplan.visit.fields import (Email, Language, Line, check_country, check_domain,
                                    check_mailbox, check_timezone)
from visitplan.visit.loader import MapNode, Scalar, SeqNode, load_file, read_text
from visitplan.visit.spec import host_schema
from visitplan.visit.schema import Bool, Check, Context, Enum, Int, Invalid, List, Obj

DEPARTMENTS = ("sales", "admin", "factory", "hr", "leader", "reception")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ENV_PREFIX = "VISITPLAN_"
# the variable holding the SMTP password unless smtp.password_env names another
DEFAULT_PASSWORD_ENV = ENV_PREFIX + "SMTP_PASSWORD"
# VISITPLAN_* variables that are not settings but are read on purpose: where the
# configuration is, the folder of rendered PDFs (visitplan.documents.render_cache) and the
# test suite's switch to rewrite its golden files. Any other VISITPLAN_* variable that is
# no setting is a misspelling and stops the load.
OTHER_VARIABLES = frozenset({ENV_PREFIX + "CONFIG", ENV_PREFIX + "RENDER_CACHE",
                             ENV_PREFIX + "UPDATE_GOLDEN"})


def _clock(text: str) -> str:
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(f"{text!r} is not a time of day like 08:00")
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def _holiday_country(text: str) -> str:
    if text.lower() == "none":
        return "none"
    try:
        return check_country(text)
    except ValueError:
        raise ValueError(f"{text!r} is neither a country code (two letters, like CN) nor "
                         "'none'") from None


def Clock(description=""):
    return Check(_clock, "a time of day like 08:00", description,
                 json={"type": "string", "pattern": r"^\d{1,2}:\d{2}$"})


CONFIG = Obj({
    "language": Language("default guest language for visits that give none"),
    "staff_language": Language("default staff language", staff=True),
    "host": host_schema(required=()),
    "departments": Obj({d: List(Email(), allow_single=True) for d in DEPARTMENTS},
                       description="who receives each department's reminders"),
    "smtp": Obj({
        "host": Line(), "port": Int(minimum=1, maximum=65535),
        "security": Enum(("none", "starttls", "ssl")),
        "username": Line(), "password_env": Line(max_len=100),
        "from": Check(check_mailbox, "a sender like 'Name <name@example.com>'",
                      placeholder_inside=None),
        "timeout": Int(minimum=1, maximum=600),
    }),
    "output": Line(max_len=1000), "templates": Line(max_len=1000),
    "profiles": Line(max_len=1000), "state": Line(max_len=1000),
    "office_hours": Obj({"start": Clock(), "end": Clock()}),
    "day_start": Clock("when whole-day tasks fall due (default 09:00)"),
    "visits": Line(max_len=1000, description="where visit ids are looked up; the default "
                   "folder of run, due, agenda and register"),
    "timezone": Check(check_timezone, "an IANA time zone like Asia/Shanghai",
                      "what 'today' is for run and due (default: the system's)"),
    "work_week": List(Enum(WEEKDAYS), description="the host's working days "
                      "(default mon to fri)"),
    "holidays": Check(_holiday_country, "a country code or none", "whose public holidays "
                      "and make-up working days count (a country code, or 'none'; default "
                      "host.country)", json={"type": "string", "pattern": "^([A-Za-z]{2}|none)$"}),
    "pre_arrival_days": Int(minimum=0, maximum=30, description="days before arrival the "
                            "guests' pre-arrival email goes out (default 3)"),
    "cars": Int(minimum=1, maximum=100, description="pickups at once before agenda warns"),
    "max_tasks_per_day": Int(minimum=1, maximum=1000, description="tasks a department can "
                             "do in a day before agenda warns"),
    "sign": Obj({"size": Enum(("a4", "a3")), "group": Bool()},
                description="default pickup sign size and grouping"),
    "prepare": Obj({"printables": Bool("also write badges.pdf, tents.pdf and seating.pdf "
                                       "(as `visitplan print`)")},
                   description="what `visitplan prepare` writes besides the itinerary, "
                   "the checklist and the calendar"),
    "guest_languages": Obj({}, extra=Language(), description="the guest language of guests "
                           "from a country, over the table's default: {CH: fr, BE: nl}"),
    "max_stay_days": Int(minimum=1, maximum=366, description="the longest stay a visit "
                         "may have (default 60)"),
    "message_id_domain": Check(check_domain, "a domain like brightway.example",
                               "the domain of every Message-ID visitplan makes (default: "
                               "fixed at first use and kept in the state store)"),
})

_PATH_KEYS = ("output", "templates", "profiles", "state", "visits")


@dataclass
class Config:
    path: Path | None = None
    language: str | None = None
    staff_language: str | None = None
    host: dict = field(default_factory=dict)
    departments: dict = field(default_factory=dict)
    smtp: dict = field(default_factory=dict)
    output: Path | None = None
    templates: Path | None = None
    profiles: Path | None = None
    state: Path | None = None
    office_hours: dict = field(default_factory=lambda: {"start": "08:00", "end": "19:00"})
    day_start: str = "09:00"
    visits: Path | None = None
    timezone: str | None = None
    work_week: tuple[str, ...] = WEEKDAYS[:5]
    holidays: str | None = None
    pre_arrival_days: int = 3
    cars: int | None = None
    max_tasks_per_day: int | None = None
    sign: dict = field(default_factory=lambda: {"size": "a4", "group": False})
    prepare: dict = field(default_factory=lambda: {"printables": False})
    guest_languages: dict = field(default_factory=dict)
    max_stay_days: int = 60
    message_id_domain: str | None = None

    @property
    def state_path(self) -> Path:
        if self.state:
            return self.state
        import platformdirs

        return Path(platformdirs.user_state_dir("visitplan")) / "state.sqlite3"

    def output_dir(self, visit_id: str) -> Path:
        return (self.output or Path("out")) / visit_id

    @property
    def holiday_country(self) -> str | None:
        """Whose public holidays count: the `holidays` setting, else the host's country."""
        if self.holidays:
            return None if self.holidays.lower() == "none" else self.holidays.upper()
        return (self.host.get("country") or "CN").upper()


def find_config(explicit: str | None, cwd: Path | None = None, environ=None) -> Path | None:
    environ = os.environ if environ is None else environ
    if explicit:
        return Path(explicit)
    env = environ.get(ENV_PREFIX + "CONFIG")
    if env:
        return Path(env)
    local = (cwd or Path.cwd()) / "visitplan.yaml"
    if local.is_file():
        return local
    import platformdirs

    user = Path(platformdirs.user_config_dir("visitplan")) / "config.yaml"
    return user if user.is_file() else None


def _env_keys(spec: Obj, prefix: str = "") -> dict[str, tuple[str, ...]]:
    """VISITPLAN_SMTP_PASSWORD_ENV -> ("smtp", "password_env"), for every known key."""
    keys = {}
    for name, sub in spec.fields.items():
        path = (*prefix, name) if prefix else (name,)
        if isinstance(sub, Obj):
            keys.update(_env_keys(sub, path))
        else:
            keys[ENV_PREFIX + "_".join(path).upper()] = path
    return keys


def _apply_env(nodes: MapNode, environ) -> None:
    for var, path in _env_keys(CONFIG).items():
        if var not in environ:
            continue
        target = nodes
        for part in path[:-1]:
            child = target.get(part)
            if not isinstance(child, MapNode):
                child = MapNode(0, 0)
                target[part] = child
                target.keys_at[part] = Scalar(part)
            target = child
        value = Scalar(environ[var], 0, 0, quoted=True)
        if path[-1] in ("to", "cc", "work_week") or path[0] == "departments":
            items = [s.strip() for s in environ[var].split(",") if s.strip()]
            value = SeqNode(0, 0)
            value.extend(Scalar(s, 0, 0, True) for s in items)
        target[path[-1]] = value
        target.keys_at[path[-1]] = Scalar(path[-1])


def _has_settings(path: Path) -> bool:
    text = read_text(path, str(path))
    return any(line.strip() and not line.lstrip().startswith("#")
               and line.strip() not in ("---", "...") for line in text.splitlines())


def load_config(explicit: str | None = None, environ=None, cwd: Path | None = None) -> Config:
    environ = os.environ if environ is None else environ
    path = find_config(explicit, cwd, environ)
    if path is not None and _has_settings(path):
        nodes = load_file(path, what="a configuration file",
                          keys="`host:`, `departments:` and `smtp:`")
    else:       # no file, or one with only comments: no settings
        nodes = MapNode(0, 0)
    _apply_env(nodes, environ)
    ctx = Context(str(path) if path else "environment")
    try:
        data = CONFIG.convert(nodes, "", ctx)
    except Invalid:
        raise ValidationFailed(_name_env_problems(ctx.problems)
                               + unknown_variables(environ, nodes)) from None
    # paths from the file are relative to the file; from the environment, to the working folder
    here = (cwd or Path.cwd()).resolve()
    base = path.parent.resolve() if path else here
    for key in _PATH_KEYS:
        if key in data:
            origin = here if ENV_PREFIX + key.upper() in environ else base
            data[key] = origin / Path(data[key]).expanduser()
    _check_settings(nodes, data, ctx)
    problems = _name_env_problems(ctx.errors) + unknown_variables(environ, nodes, data)
    if problems:
        raise ValidationFailed(problems)
    hours = {"start": "08:00", "end": "19:00", **data.pop("office_hours", {})}
    if "work_week" in data:
        data["work_week"] = tuple(d for d in WEEKDAYS if d in data["work_week"])
    if "sign" in data:
        data["sign"] = {"size": "a4", "group": False, **data["sign"]}
    if "prepare" in data:
        data["prepare"] = {"printables": False, **data["prepare"]}
    if "guest_languages" in data:
        data["guest_languages"] = {c.upper(): lang for c, lang in data["guest_languages"].items()}
    return Config(path=path, office_hours=hours, **data)


def _check_settings(nodes: MapNode, data: dict, ctx: Context) -> None:
    """Checks across keys, and of what a path points at, after each key was read alone."""
    given = nodes.get("guest_languages")
    for code in data.get("guest_languages", {}):
        try:
            check_country(code)
        except ValueError as exc:
            ctx.error(given.keys_at[code], f"guest_languages.{code}", str(exc))
    hours = {"start": "08:00", "end": "19:00", **data.get("office_hours", {})}
    if hours["start"] >= hours["end"]:   # both are HH:MM, so text order is time order
        given = nodes.get("office_hours")
        node = given.get("end", given) if isinstance(given, MapNode) else nodes
        ctx.error(node, "office_hours.end", f"office hours end at {hours['end']}, not after "
                  f"they start at {hours['start']}; give start before end")
    if "state" in data:
        state = data["state"]
        try:
            mode = os.stat(state)
        except OSError:   # missing (made at first use) or unreachable (said when opened)
            return
        if stat.S_ISDIR(mode.st_mode):
            ctx.error(nodes.get("state"), "state", f"{str(state)!r} is a folder; give the "
                      "path of the state file, like "
                      f"{str(Path(state) / 'state.sqlite3')!r}")
        elif not stat.S_ISREG(mode.st_mode):
            ctx.error(nodes.get("state"), "state", f"{str(state)!r} is not a regular file "
                      "(a device, a pipe or a socket); give the path of the state file")


def unknown_variables(environ, nodes: MapNode, data: dict | None = None) -> list[Problem]:
    """A VISITPLAN_* variable that is no setting: a misspelling that would be ignored."""
    known = set(_env_keys(CONFIG)) | OTHER_VARIABLES | {DEFAULT_PASSWORD_ENV}
    smtp = (data or {}).get("smtp") or {}
    if smtp.get("password_env"):
        known.add(smtp["password_env"])
    elif isinstance(nodes.get("smtp"), MapNode) and isinstance(
            nodes["smtp"].get("password_env"), Scalar):
        known.add(str(nodes["smtp"]["password_env"]).strip())
    problems = []
    for var in sorted(environ):
        if var.startswith(ENV_PREFIX) and var not in known:
            close = difflib.get_close_matches(var, sorted(known), n=1, cutoff=0.8)
            hint = f"; did you mean {close[0]}?" if close else \
                "; settings are VISITPLAN_ and the key in capitals, like VISITPLAN_SMTP_HOST"
            problems.append(Problem("environment", 0, 0, "", f"unknown variable {var}{hint}"))
    return problems


def _name_env_problems(problems):
    """Problems found in values that came from the environment name the variable."""
    out = []
    for p in problems:
        if p.line == 0 and p.field:
            var = ENV_PREFIX + p.field.replace(".", "_").split("[")[0].upper()
            p = replace(p, file=f"environment variable {var}")
        out.append(p)
    return out
