"""Profiles: rule packs in YAML (see docs/rule-packs.md) and the engine that applies them.

A pack says when it applies, which etiquette notes it adds to the staff brief, and which
tasks it gives each department, due relative to an anchor of the visit.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from visitplan.errors import Problem, ValidationFailed
from visitplan.rules import duties
from visitplan.rules.conditions import CONDITION, describe, holds  # noqa: F401 (re-exported)
from visitplan.rules.holidays_check import WorkCalendar
from visitplan.visit.config import DEPARTMENTS
from visitplan.visit.fields import LANGUAGES
from visitplan.visit.loader import load_file
from visitplan.visit.model import SCHEDULE_KINDS, Visit
from visitplan.visit.schema import (
    Check,
    Context,
    Enum,
    Invalid,
    List,
    Obj,
    Str,
    did_you_mean,
)

BUILTIN_DIR = Path(__file__).parent / "packs"
BUILTIN_ORDER = ("standard", "foreign-trade", "vip", "prospect", "keep", "korean", "japanese",
                 "halal", "asean-names")
PLACES = ("pickup", "company", "showroom", "factory", "followup")
ANCHORS = ("arrival", "on-site", "departure") + SCHEDULE_KINDS
ON_SITE_KINDS = ("showroom", "factory", "meeting")
TOPICS = ("greeting", "names", "conversation", "gifts", "diet", "meals", "prayer", "elders",
          "tea", "seating", "cards", "introductions", "photography", "send-off", "staffing",
          "environment", "information", "emotional", "general")
_OFFSET = re.compile(r"([+-]?)((?:\d+[dhm])+)")

# ---------------------------------------------------------------- offsets


@dataclass(frozen=True)
class Offset:
    text: str
    days: int
    minutes: int     # the hours-and-minutes part, signed like days

    @property
    def whole_days(self) -> bool:
        return self.minutes == 0 and "h" not in self.text and "m" not in self.text

    def delta(self) -> dt.timedelta:
        return dt.timedelta(days=self.days, minutes=self.minutes)


def parse_offset(text: str) -> Offset:
    m = _OFFSET.fullmatch(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not an offset like -5d, -1h, -30m or +1d")
    sign = -1 if m.group(1) == "-" else 1
    days = minutes = 0
    for n, unit in re.findall(r"(\d+)([dhm])", m.group(2)):
        if unit == "d":
            days += int(n)
        else:
            minutes += int(n) * (60 if unit == "h" else 1)
    if days > 366 or minutes > 366 * 24 * 60:
        raise ValueError(f"{text!r} is more than a year away")
    return Offset(text.strip(), sign * days, sign * minutes)


def due_at(anchor: dt.datetime, offset: Offset, day_start: str = "09:00",
           calendar: WorkCalendar | None = None) -> dt.datetime:
    """When a task falls due. Whole-day offsets land on the start of that office day, in the
    anchor's time zone; with a calendar, a day off moves to the previous working day (a
    lead time is a minimum), or for an offset after the anchor (+1d) to the next one, so
    a follow-up never falls before what it follows. Otherwise the day part keeps the
    anchor's wall-clock time on another day, and the hours and minutes are real elapsed
    time: `-1h` is one hour before the anchor even when the clocks change in between;
    such tasks are never moved."""
    tz = anchor.tzinfo
    local = anchor.replace(tzinfo=None)
    utc = dt.timezone.utc
    if offset.whole_days:
        hour, minute = (int(x) for x in day_start.split(":"))
        day = local.date() + dt.timedelta(days=offset.days)
        if calendar is not None:
            day = (calendar.next_working(day) if offset.days > 0
                   else calendar.previous_working(day))
        naive = dt.datetime.combine(day, dt.time(hour, minute))
        # a wall-clock time skipped by a clock change moves to the real instant after the gap
        return naive.replace(tzinfo=tz).astimezone(utc).astimezone(tz)
    base = anchor
    if offset.days:
        base = (local + dt.timedelta(days=offset.days)).replace(tzinfo=tz, fold=anchor.fold)
    return (base.astimezone(utc) + dt.timedelta(minutes=offset.minutes)).astimezone(tz)

# ---------------------------------------------------------------- packs


def _text():
    return Obj({lang: Str(max_len=1000) for lang in LANGUAGES}, required=LANGUAGES)


_ID = Check(lambda s: s if re.fullmatch(r"[a-z0-9][a-z0-9-]*", s) else
            (_ for _ in ()).throw(ValueError(f"{s!r} is not an id of a-z, 0-9 and '-'")),
            "an id", json={"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"})

_REF = Check(lambda s: s if re.fullmatch(r"[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*", s) else
             (_ for _ in ()).throw(ValueError(f"{s!r} is not a reference like "
                                              "standard/std-hotel (profile/id)")),
             "a reference profile/id",
             json={"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*$"})

PACK = Obj({
    "name": _ID,
    "title": _text(),
    "source": Str(max_len=300),
    "summary": _text(),
    "applies_when": List(CONDITION),
    "notes": List(Obj({"id": _ID, "topic": Enum(TOPICS), "when": CONDITION,
                       "replaces": List(_REF, allow_single=True),
                       "text": _text()}, required=("id", "topic", "text"))),
    "tasks": List(Obj({
        "id": _ID, "department": Enum(DEPARTMENTS), "place": Enum(PLACES),
        "anchor": Enum(ANCHORS), "offset": Check(parse_offset, "an offset like -5d"),
        "when": CONDITION, "same_as": _REF, "replaces": List(_REF, allow_single=True),
        "text": _text(),
    }, required=("id", "department", "place", "anchor", "offset", "text"))),
}, required=("name", "title"))


@dataclass(frozen=True)
class Note:
    id: str
    topic: str
    text: dict
    profile: str = ""
    when: dict | None = None
    replaces: list | None = None
    where: tuple = field(default=(0, 0), compare=False, repr=False)  # line, col of its id


@dataclass(frozen=True)
class TaskRule:
    id: str
    department: str
    place: str
    anchor: str
    offset: Offset
    text: dict
    profile: str = ""
    when: dict | None = None
    same_as: str | None = None
    replaces: list | None = None
    where: tuple = field(default=(0, 0), compare=False, repr=False)  # line, col of its id


@dataclass(frozen=True)
class Pack:
    name: str
    title: dict
    path: Path
    source: str = ""
    summary: dict = field(default_factory=dict)
    applies_when: list = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    tasks: list[TaskRule] = field(default_factory=list)
    builtin: bool = True

    def applies(self, visit: Visit) -> bool:
        return self.name in visit.profiles or any(holds(c, visit) for c in self.applies_when)


def load_pack(path: Path, builtin: bool) -> Pack:
    nodes = load_file(path, what="a profile", keys="`name:`, `title:` and `tasks:`")
    ctx = Context(str(path))
    try:
        data = PACK.convert(nodes, "", ctx)
    except Invalid:
        raise ValidationFailed(ctx.problems) from None
    if data["name"] != path.stem:
        ctx.error(nodes["name"], "name", f"'{data['name']}' must match the file name "
                  f"'{path.stem}'")
    for kind in ("notes", "tasks"):
        seen = {}
        for i, item in enumerate(data.get(kind, [])):
            if item["id"] in seen:
                ctx.error(nodes[kind][i]["id"], f"{kind}[{i}].id", f"duplicate id "
                          f"'{item['id']}' (also {kind}[{seen[item['id']]}])")
            seen[item["id"]] = i
    if ctx.errors:
        raise ValidationFailed(ctx.errors)
    name = data["name"]
    return Pack(name=name, title=data["title"], path=path, source=data.get("source", ""),
                summary=data.get("summary", {}), applies_when=data.get("applies_when", []),
                notes=[Note(profile=name, where=(nodes["notes"][i]["id"].line,
                                                 nodes["notes"][i]["id"].col), **n)
                       for i, n in enumerate(data.get("notes", []))],
                tasks=[TaskRule(profile=name, where=(nodes["tasks"][i]["id"].line,
                                                     nodes["tasks"][i]["id"].col), **t)
                       for i, t in enumerate(data.get("tasks", []))],
                builtin=builtin)


def load_registry(user_dir: Path | None = None) -> dict[str, Pack]:
    """Built-in packs, then the user's folder (which adds packs or replaces one by name)."""
    files = {p.stem: (p, True) for p in sorted(BUILTIN_DIR.glob("*.yaml"))}
    if user_dir is not None:
        if not user_dir.is_dir():
            raise ValidationFailed([Problem(str(user_dir), 0, 0, "", "the profiles folder "
                                            "does not exist")])
        files.update({p.stem: (p, False) for p in sorted(user_dir.glob("*.yaml"))})
    problems, packs = [], {}
    for name, (path, builtin) in files.items():
        try:
            packs[name] = _kept_pack(path, builtin)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    owners = {}
    for pack in packs.values():
        for i, task in enumerate(pack.tasks):
            if task.id in owners:
                problems.append(Problem(str(pack.path), *task.where, f"tasks[{i}].id",
                                        f"task id '{task.id}' is also used by profile "
                                        f"'{owners[task.id]}'; task ids are unique across "
                                        "profiles (prefix them with the profile's name)"))
            owners[task.id] = pack.name
    problems.extend(_check_references(packs))
    if problems:
        raise ValidationFailed(problems)
    order = [n for n in BUILTIN_ORDER if n in packs] + sorted(set(packs) - set(BUILTIN_ORDER))
    return {n: packs[n] for n in order}


# (path, builtin, SHA-256 of the file) -> its Pack, for the life of the process
_packs: dict[tuple, Pack] = {}
PACKS_KEPT = 256


def _kept_pack(path: Path, builtin: bool) -> Pack:
    """load_pack, once per content of a file in a process: every command opens a session
    and reads the packs (30 ms for the built-ins); a process that runs many (the test
    suite runs hundreds) reads each unchanged file once. Packs are frozen, so the one kept
    cannot be changed by whoever got it; a file that does not load is read again."""
    try:
        key = (str(path), builtin, hashlib.sha256(path.read_bytes()).digest())
    except OSError:
        return load_pack(path, builtin)        # which says what is wrong with the file
    if key not in _packs:
        pack = load_pack(path, builtin)
        while len(_packs) >= PACKS_KEPT:
            _packs.pop(next(iter(_packs)))
        _packs[key] = pack
    return _packs[key]


def _check_references(packs: dict[str, Pack]) -> list[Problem]:
    """Every `same_as:` and `replaces:` names an entry of the same kind that exists."""
    known = {"notes": {f"{p.name}/{n.id}" for p in packs.values() for n in p.notes},
             "tasks": {f"{p.name}/{t.id}" for p in packs.values() for t in p.tasks}}
    problems = []
    for pack in packs.values():
        for kind in ("notes", "tasks"):
            for i, item in enumerate(getattr(pack, kind)):
                refs = [("replaces", r) for r in (item.replaces or [])]
                if kind == "tasks" and item.same_as:
                    refs.append(("same_as", item.same_as))
                line, col = getattr(item, "where", (0, 0))
                for key, target in refs:
                    if target == f"{pack.name}/{item.id}":
                        message = f"'{target}' is this entry itself"
                    elif target not in known[kind]:
                        message = (f"'{target}' is not a {kind[:-1]} of any profile"
                                   + did_you_mean(target, sorted(known[kind])))
                    else:
                        continue
                    problems.append(Problem(str(pack.path), line, col, f"{kind}[{i}].{key}",
                                            message))
    return problems


# ---------------------------------------------------------------- planning


@dataclass
class Task:
    id: str
    profile: str
    department: str
    place: str
    due: dt.datetime
    text: dict
    anchor: str
    offset: str
    sources: list = field(default_factory=list)   # every profile that asks for this duty
    aliases: tuple = ()                           # every task id merged into this one

    def text_in(self, lang: str) -> str:
        return self.text.get(lang) or self.text["en"]


@dataclass
class Plan:
    profiles: list[Pack]
    notes: list[Note]
    tasks: list[Task]

    def task(self, task_id: str) -> Task | None:
        return next((t for t in self.tasks if t.id == task_id or task_id in t.aliases), None)


def place_reached(place: str, visit: Visit) -> bool:
    if place == "pickup":
        return visit.arrival.pickup
    if place in ("showroom", "factory"):
        return place in visit.kinds()
    return True


def anchor_time(anchor: str, visit: Visit) -> dt.datetime | None:
    if anchor == "arrival":
        return visit.arrival.at
    if anchor == "departure":
        return visit.departure.at
    if anchor == "on-site":
        items = [i for i in visit.schedule if i.kind in ON_SITE_KINDS]
        return min(i.at for i in items) if items else None
    item = visit.first(anchor)
    return item.at if item else None


def plan(visit: Visit, registry: dict[str, Pack], day_start: str = "09:00",
         calendar: WorkCalendar | None = None) -> Plan:
    """The profiles that apply to a visit, their notes, and its tasks with real due times
    (whole-day tasks on the calendar's working days when one is given). An entry replaced
    by another that applies is left out, and the tasks of one duty are merged into one
    (see visitplan.rules.duties)."""
    packs = [p for p in registry.values() if p.name == "standard" or p.applies(visit)]
    notes, rules = [], []
    for pack in packs:
        notes.extend(n for n in pack.notes if holds(n.when, visit))
        for rule in pack.tasks:
            anchor = anchor_time(rule.anchor, visit)
            if anchor is None or not place_reached(rule.place, visit) or not holds(rule.when,
                                                                                   visit):
                continue
            rules.append((rule, anchor))
    kept = {id(r) for r in duties.without_replaced([r for r, _ in rules])}
    tasks = [Task(id=rule.id, profile=rule.profile, department=rule.department,
                  place=rule.place, due=due_at(anchor, rule.offset, day_start, calendar),
                  text=rule.text, anchor=rule.anchor, offset=rule.offset.text,
                  sources=[rule.profile], aliases=(rule.id,))
             for rule, anchor in rules if id(rule) in kept]
    links = {f"{r.profile}/{r.id}": r.same_as for r, _ in rules if r.same_as}
    order = {name: i for i, name in enumerate(registry)}
    position = {f"{p.name}/{t.id}": i for p in packs for i, t in enumerate(p.tasks)}
    tasks = duties.merge(tasks, links, order, position)
    tasks.sort(key=lambda t: (t.due, PLACES.index(t.place), t.id))
    return Plan(profiles=packs, notes=duties.without_replaced(notes), tasks=tasks)
