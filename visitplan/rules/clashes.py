"""Clashes between visits: what one visit alone looks fine for, two at once do not.

Four kinds, each a warning on the item that clashes, naming the other visit and its file:

* the leader needed at two places at once. The leader is needed at a visit's meetings and
  meals when the visit has a `host.leader` (its own or the configuration's), and for
  `LEADER_TASK_MINUTES` from the due time of every task of the `leader` department that
  falls due during the stay (being at the car park to greet a VIP, say). Two visits clash
  only when they name the same leader (or both name none: the department then).
* the same `where` (the same room, showroom or restaurant, compared without case and
  spacing) booked by two visits at overlapping times.
* more pickups at once than `cars:` in the configuration. A pickup keeps a car from
  `PICKUP_HOURS` before the arrival (driving out) until as long after (the flight late,
  the drive back); more such windows overlapping than there are cars is a clash.
* a department with more tasks due on one day, across visits, than `max_tasks_per_day`.

Clashes within one visit are the advice's business (advice.overlap), not this module's.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from visitplan.errors import Problem
from visitplan.text.i18n import t

LEADER_KINDS = ("meeting", "meal")
LEADER_TASK_MINUTES = 30
PICKUP_HOURS = 1
ITEM_MINUTES = 60          # an item without `until` occupies its place this long


@dataclass(frozen=True)
class Clash:
    """A warning and the day it concerns (for the agenda's --from/--to)."""

    visit_id: str
    day: dt.date
    problem: Problem


@dataclass(frozen=True)
class Slot:
    """A stretch of time a visit holds something (the leader, a room, a car)."""

    visit: object
    start: dt.datetime
    end: dt.datetime
    path: str           # the field it comes from, for line and column
    what: str
    where: str | None = None

    def overlaps(self, other: Slot) -> bool:
        return self.start < other.end and other.start < self.end


def _span(slot: Slot) -> str:
    start = slot.start.strftime("%Y-%m-%d %H:%M")
    end = slot.end.astimezone(slot.start.tzinfo)
    return f"{start}–{end:%H:%M}" if end.date() == slot.start.date() \
        else f"{start}–{end:%Y-%m-%d %H:%M}"


def _item_end(item) -> dt.datetime:
    return item.until or item.at + dt.timedelta(minutes=ITEM_MINUTES)


def leader_slots(visit, plan, lang: str = "en") -> list[Slot]:
    """When the visit needs the leader (see the module docstring)."""
    slots = []
    if visit.host.leader is not None:
        slots += [Slot(visit, item.at, _item_end(item), f"schedule[{item.index}].at",
                       item.what) for item in visit.schedule if item.kind in LEADER_KINDS]
    for task in plan.tasks:
        if task.department == "leader" and visit.arrival.at <= task.due <= visit.departure.at:
            slots.append(Slot(visit, task.due,
                              task.due + dt.timedelta(minutes=LEADER_TASK_MINUTES),
                              anchor_path(visit, task.anchor), task.text_in(lang)))
    return slots


def anchor_path(visit, anchor: str) -> str:
    """The field a task's due time follows from: arrival.at, departure.at, or the first
    schedule item of its kind."""
    if anchor in ("arrival", "departure"):
        return f"{anchor}.at"
    kinds = ("showroom", "factory", "meeting") if anchor == "on-site" else (anchor,)
    items = [i for i in visit.schedule if i.kind in kinds]
    return f"schedule[{min(items, key=lambda i: i.at).index}].at" if items else "arrival.at"


def _place(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def _leader_key(visit) -> str:
    return _place(visit.host.leader.name) if visit.host.leader else ""


def _pairs(slots: list[Slot]):
    """Each pair of slots of two different visits that overlap, the later one first."""
    ordered = sorted(slots, key=lambda s: (s.start, s.visit.id))
    for j, later in enumerate(ordered):
        for earlier in ordered[:j]:
            if earlier.visit.id != later.visit.id and earlier.overlaps(later):
                yield later, earlier


def clashes(plans: list[tuple], config, lang_of) -> list[Clash]:
    """Every clash among the visits. `plans` is a list of (visit, plan); `lang_of(visit)`
    gives the language a visit's warnings are written in."""
    found: list[Clash] = []

    def add(slot: Slot, key: str, **values):
        visit = slot.visit
        found.append(Clash(visit.id, slot.start.date(), visit.problem(
            slot.path, t(key, lang_of(visit), **values))))

    leaders = defaultdict(list)
    for visit, plan in plans:
        for slot in leader_slots(visit, plan, lang_of(visit)):
            leaders[_leader_key(visit)].append(slot)
    for key, slots in leaders.items():
        for slot, other in _pairs(slots):
            lang = lang_of(slot.visit)
            add(slot, "clash.leader", leader=slot.visit.host.leader.name if key else
                t("department.leader", lang), what=slot.what, span=_span(slot),
                other=other.what, other_span=_span(other), visit=other.visit.id,
                file=other.visit.label)
    places = defaultdict(list)
    for visit, _ in plans:
        for item in visit.schedule:
            if item.where:
                places[_place(item.where)].append(Slot(
                    visit, item.at, _item_end(item), f"schedule[{item.index}].where",
                    item.what, item.where))
    for slots in places.values():
        for slot, other in _pairs(slots):
            add(slot, "clash.where", where=slot.where, what=slot.what, span=_span(slot),
                other=other.what, other_span=_span(other), visit=other.visit.id,
                file=other.visit.label)
    _cars(plans, config, lang_of, add)
    return found + _tasks(plans, config, lang_of)


def pickup_slot(visit) -> Slot | None:
    if not visit.arrival.pickup:
        return None
    hours = dt.timedelta(hours=PICKUP_HOURS)
    return Slot(visit, visit.arrival.at - hours, visit.arrival.at + hours, "arrival.pickup",
                visit.title)


def _cars(plans, config, lang_of, add) -> None:
    """A pickup that starts while `cars` others are already out is one too many."""
    cars = getattr(config, "cars", None)
    if not cars:
        return
    slots = sorted((s for s in (pickup_slot(v) for v, _ in plans) if s),
                   key=lambda s: (s.start, s.visit.id))
    for j, slot in enumerate(slots):
        out = [o for o in slots[:j] if o.overlaps(slot) and o.visit.id != slot.visit.id]
        if len(out) >= cars:
            add(slot, "clash.cars", n=len(out) + 1, cars=cars,
                arrival=slot.visit.arrival.at.strftime("%Y-%m-%d %H:%M"),
                others=t("clash.join", lang_of(slot.visit)).join(
                    t("clash.other_pickup", lang_of(slot.visit), visit=o.visit.id,
                      time=f"{o.visit.arrival.at:%H:%M}", file=o.visit.label)
                    for o in out))


def _tasks(plans, config, lang_of) -> list[Clash]:
    """The task that takes a department over `max_tasks_per_day` on a day, once per
    department and day, on the visit it belongs to."""
    limit = getattr(config, "max_tasks_per_day", None)
    if not limit:
        return []
    days = defaultdict(list)
    for visit, plan in plans:
        for task in plan.tasks:
            days[(task.department, task.due.date())].append((task.due, visit.id, visit, task))
    found = []
    for (department, day), tasks in sorted(days.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len(tasks) <= limit or len({v for _, v, _, _ in tasks}) < 2:
            continue
        tasks.sort(key=lambda x: (x[0], x[1]))
        _, _, visit, task = tasks[limit]
        lang = lang_of(visit)
        others = sorted({t("clash.other", lang, visit=v.id, file=v.label)
                         for _, _, v, _ in tasks if v.id != visit.id})
        found.append(Clash(visit.id, day, visit.problem(
            anchor_path(visit, task.anchor), t(
                "clash.tasks", lang, department=t(f"department.{department}", lang),
                n=len(tasks), day=day.isoformat(), limit=limit, task=task.id,
                others=t("clash.join", lang).join(others)))))
    return found
