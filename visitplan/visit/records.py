"""The typed visit that every later stage reads: people, travel, schedule, minutes.

Built by `visitplan.visit.model.load_visit`; `Visit.where` and `Visit.problem` point back at
the line and column of any field, so later stages report problems in the visit file.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from visitplan.errors import Problem
from visitplan.visit.loader import MapNode, SeqNode


@dataclass
class Person:
    name: str
    name_latin: str | None = None
    role: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass
class Host:
    company: str
    country: str
    contact: Person
    company_local: str | None = None
    leader: Person | None = None
    address_local: str | None = None     # for a taxi driver (the pre-arrival email)


@dataclass
class Guest:
    index: int
    name: str
    country: str
    name_latin: str | None = None
    name_latin_derived: bool = False
    title: str | None = None
    company: str | None = None
    gender: str | None = None
    senior: bool = False
    vip: bool = False
    email: str | None = None
    phone: str | None = None
    diet: list[str] = field(default_factory=list)


@dataclass
class Travel:
    at: dt.datetime
    by: str | None = None
    number: str | None = None
    place: str | None = None
    origin: str | None = None      # arrival: from
    destination: str | None = None  # departure: to
    pickup: bool = False


@dataclass
class Hotel:
    name: str
    address: str | None = None
    booked_by: str | None = None


@dataclass
class ScheduleItem:
    index: int
    at: dt.datetime
    kind: str
    what: str
    until: dt.datetime | None = None
    where: str | None = None
    notes: str | None = None


@dataclass
class NextStep:
    what: str
    owner: str | None = None
    due: dt.date | None = None


@dataclass
class Minutes:
    summary: str
    decisions: list[str] = field(default_factory=list)
    next_steps: list[NextStep] = field(default_factory=list)
    photos: list[Path] = field(default_factory=list)


@dataclass
class Followup:
    to: list[str]
    cc: list[str]
    send_on: dt.date


@dataclass
class Visit:
    id: str
    path: Path
    title: str
    timezone: str
    tz: ZoneInfo
    language: str
    staff_language: str
    host: Host
    guests: list[Guest]
    arrival: Travel
    departure: Travel
    source_hash: str
    nodes: MapNode
    purpose: str | None = None
    profiles: list[str] = field(default_factory=list)
    hotel: Hotel | None = None
    schedule: list[ScheduleItem] = field(default_factory=list)
    gifts: bool = False
    value: dict = field(default_factory=dict)
    minutes: Minutes | None = None
    followup: Followup | None = None
    # pickup sign: {"size": "a4" | "a3", "group": bool}, from the visit, else the
    # configuration's sign:, else A4 and one page per guest
    sign: dict = field(default_factory=lambda: {"size": "a4", "group": False})
    warnings: list[Problem] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def label(self) -> str:
        return str(self.path)

    def kinds(self) -> set[str]:
        return {item.kind for item in self.schedule}

    def first(self, kind: str) -> ScheduleItem | None:
        items = [i for i in self.schedule if i.kind == kind]
        return min(items, key=lambda i: i.at) if items else None

    def where(self, path: str) -> tuple[int, int]:
        """Line and column of the value at a dotted path like `guests[1].country`
        (or of its nearest parent that exists)."""
        node, best = self.nodes, (self.nodes.line, self.nodes.col)
        for part in split_path(path):
            if isinstance(part, int) and isinstance(node, SeqNode) and part < len(node):
                node = node[part]
            elif isinstance(part, str) and isinstance(node, MapNode) and part in node:
                node = node[part]
            else:
                break
            best = (getattr(node, "line", best[0]), getattr(node, "col", best[1]))
        return best

    def problem(self, path: str, message: str, severity: str = "warning") -> Problem:
        line, col = self.where(path)
        return Problem(self.label, line, col, path, message, severity)


def split_path(path: str):
    for part in path.replace("]", "").split("."):
        name, *indexes = part.split("[")
        if name:
            yield name
        for i in indexes:
            yield int(i)
