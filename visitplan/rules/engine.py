"""Profiles: rule packs in YAML (see docs/rule-packs.md) and the engine that applies them.

A pack says when it applies, which etiquette notes it adds to the staff brief, and which
tasks it gives each department, due relative to an anchor of the visit.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from visitplan.visit.config import DEPARTMENTS
from visitplan.errors import Problem, ValidationFailed
from visitplan.visit.fields import DIETS, LANGUAGES, check_country
from visitplan.visit.loader import load_file
from visitplan.visit.model import SCHEDULE_KINDS, TRAVEL_MODES, Guest, Visit
from visitplan.visit.schema import (Check, Context, Enum, Invalid, List, Obj, Str,
                              did_you_mean)

BUILTIN_DIR = Path(__file__).parent / "packs"
BUILTIN_ORDER = ("standard", "foreign-trade", "vip", "korean", "halal")
PLACES = ("pickup", "company", "showroom", "factory", "followup")
ANCHORS = ("arrival", "on-site", "departure") + SCHEDULE_KINDS
ON_SITE_KINDS = ("showroom", "factory", "meeting")
TOPICS = ("greeting", "names", "conversation", "gifts", "diet", "meals", "prayer", "elders",
          "tea", "seating", "cards", "introductions", "photography", "send-off", "staffing",
          "environment", "information", "emotional", "general")
_OFFSET = re.compile(r"([+-]?)((?:\d+[dhm])+)")

# ---------------------------------------------------------------- conditions


def _bool(text):
    low = text.lower()
    if low in ("true", "yes", "on"):
        return True
    if low in ("false", "no", "off"):
        return False
    raise ValueError(f"{text!r} is not true or false")


def _one_of(choices):
    def check(text):
        if text in choices:
            return text
        raise ValueError(f"{text!r} is not one of {', '.join(choices)}"
                         + did_you_mean(text, list(choices)))
    return check


def _count(text):
    m = re.fullmatch(r"(>=|<=|>|<|==)?\s*(\d+)", text)
    if not m:
        raise ValueError(f"{text!r} is not a count like 3, '>=6' or '<=2'")
    return (m.group(1) or "=="), int(m.group(2))


def _diet(text):
    return text if text == "allergy" else _one_of(DIETS)(text)


_CONDITION_VALUES = {
    "gifts": _bool, "arrival.pickup": _bool, "hotel": _bool,
    "arrival.by": _one_of(TRAVEL_MODES), "departure.by": _one_of(TRAVEL_MODES),
    "hotel.booked_by": _one_of(("host", "guest")),
    "value.current": _one_of(("high", "low")), "value.potential": _one_of(("high", "low")),
    "schedule": _one_of(SCHEDULE_KINDS), "language": _one_of(LANGUAGES),
    "guests.count": _count,
    "guest.country": check_country, "guest.foreign": _bool, "guest.diet": _diet,
    "guest.gender": _one_of(("male", "female")), "guest.senior": _bool, "guest.vip": _bool,
}
_MULTI = {"arrival.by", "departure.by", "schedule", "language", "guest.country", "guest.diet"}


def _condition_value(key):
    check = _CONDITION_VALUES[key]
    item = Check(check, f"a value for {key}")
    return List(item, allow_single=True) if key in _MULTI else item


CONDITION = Obj({key: _condition_value(key) for key in _CONDITION_VALUES},
                description="all keys must hold; guest.* keys for the same guest")


def describe(condition: dict) -> str:
    """A condition as the user would write it: `guest.country: KR, gifts: true`."""
    def show(value):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, tuple):
            return ("" if value[0] == "==" else value[0]) + str(value[1])
        if isinstance(value, list):
            return "[" + ", ".join(show(v) for v in value) + "]"
        return str(value)
    return ", ".join(f"{key}: {show(value)}" for key, value in condition.items())


def _listed(value):
    return value if isinstance(value, list) else [value]


def _guest_holds(guest: Guest, visit: Visit, key: str, want) -> bool:
    if key == "guest.country":
        return guest.country in _listed(want)
    if key == "guest.foreign":
        return (guest.country != visit.host.country) == want
    if key == "guest.diet":
        diets = {"allergy" if d.startswith("allergy:") else d for d in guest.diet}
        return bool(diets & set(_listed(want)))
    if key == "guest.gender":
        return guest.gender == want
    if key == "guest.senior":
        return guest.senior == want
    if key == "guest.vip":
        return guest.vip == want
    raise KeyError(key)


def _visit_holds(visit: Visit, key: str, want) -> bool:
    if key == "gifts":
        return visit.gifts == want
    if key == "arrival.pickup":
        return visit.arrival.pickup == want
    if key == "hotel":
        return (visit.hotel is not None) == want
    if key == "arrival.by":
        return visit.arrival.by in _listed(want)
    if key == "departure.by":
        return visit.departure.by in _listed(want)
    if key == "hotel.booked_by":
        return visit.hotel is not None and visit.hotel.booked_by == want
    if key in ("value.current", "value.potential"):
        return visit.value.get(key.split(".")[1]) == want
    if key == "schedule":
        return bool(visit.kinds() & set(_listed(want)))
    if key == "language":
        return visit.language in _listed(want)
    if key == "guests.count":
        op, n = want
        count = len(visit.guests)
        return {"==": count == n, ">=": count >= n, "<=": count <= n,
                ">": count > n, "<": count < n}[op]
    raise KeyError(key)


def holds(condition: dict | None, visit: Visit) -> bool:
    """True when every key of the condition holds (guest.* keys for one and the same guest)."""
    if not condition:
        return True
    guest_keys = {k: v for k, v in condition.items() if k.startswith("guest.")}
    if not all(_visit_holds(visit, k, v) for k, v in condition.items() if k not in guest_keys):
        return False
    if guest_keys:
        return any(all(_guest_holds(g, visit, k, v) for k, v in guest_keys.items())
                   for g in visit.guests)
    return True

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


def due_at(anchor: dt.datetime, offset: Offset, day_start: str = "09:00") -> dt.datetime:
    """When a task falls due. Whole-day offsets land on the start of that office day, in the
    anchor's time zone. Otherwise the day part keeps the anchor's wall-clock time on another
    day, and the hours and minutes are real elapsed time: `-1h` is one hour before the
    anchor even when the clocks change in between."""
    tz = anchor.tzinfo
    local = anchor.replace(tzinfo=None)
    utc = dt.timezone.utc
    if offset.whole_days:
        hour, minute = (int(x) for x in day_start.split(":"))
        day = local.date() + dt.timedelta(days=offset.days)
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

PACK = Obj({
    "name": _ID,
    "title": _text(),
    "source": Str(max_len=300),
    "summary": _text(),
    "applies_when": List(CONDITION),
    "notes": List(Obj({"id": _ID, "topic": Enum(TOPICS), "when": CONDITION,
                       "text": _text()}, required=("id", "topic", "text"))),
    "tasks": List(Obj({
        "id": _ID, "department": Enum(DEPARTMENTS), "place": Enum(PLACES),
        "anchor": Enum(ANCHORS), "offset": Check(parse_offset, "an offset like -5d"),
        "when": CONDITION, "text": _text(),
    }, required=("id", "department", "place", "anchor", "offset", "text"))),
}, required=("name", "title"))


@dataclass
class Note:
    id: str
    topic: str
    text: dict
    profile: str = ""
    when: dict | None = None


@dataclass
class TaskRule:
    id: str
    department: str
    place: str
    anchor: str
    offset: Offset
    text: dict
    profile: str = ""
    when: dict | None = None
    where: tuple = field(default=(0, 0), compare=False, repr=False)  # line, col of its id


@dataclass
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
                notes=[Note(profile=name, **n) for n in data.get("notes", [])],
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
            packs[name] = load_pack(path, builtin)
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
    if problems:
        raise ValidationFailed(problems)
    order = [n for n in BUILTIN_ORDER if n in packs] + sorted(set(packs) - set(BUILTIN_ORDER))
    return {n: packs[n] for n in order}


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

    def text_in(self, lang: str) -> str:
        return self.text.get(lang) or self.text["en"]


@dataclass
class Plan:
    profiles: list[Pack]
    notes: list[Note]
    tasks: list[Task]

    def task(self, task_id: str) -> Task | None:
        return next((t for t in self.tasks if t.id == task_id), None)


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


def plan(visit: Visit, registry: dict[str, Pack], day_start: str = "09:00") -> Plan:
    """The profiles that apply to a visit, their notes, and its tasks with real due times."""
    packs = [p for p in registry.values() if p.name == "standard" or p.applies(visit)]
    notes, tasks = [], []
    for pack in packs:
        notes.extend(n for n in pack.notes if holds(n.when, visit))
        for rule in pack.tasks:
            anchor = anchor_time(rule.anchor, visit)
            if anchor is None or not place_reached(rule.place, visit) or not holds(rule.when,
                                                                                   visit):
                continue
            tasks.append(Task(id=rule.id, profile=pack.name, department=rule.department,
                              place=rule.place, due=due_at(anchor, rule.offset, day_start),
                              text=rule.text, anchor=rule.anchor, offset=rule.offset.text))
    tasks.sort(key=lambda t: (t.due, PLACES.index(t.place), t.id))
    return Plan(profiles=packs, notes=notes, tasks=tasks)
