"""The visit: its schema, its typed model, and the checks that span several fields."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from visitplan.errors import Problem, ValidationFailed
from visitplan.visit.fields import (DIETS, Country, Email, Language, Line, check_diet, check_id,
                              check_timezone)
from visitplan.visit.loader import MapNode, SeqNode, load_text, read_text
from visitplan.visit.schema import (Bool, Check, Context, Date, DateTime, Enum, Invalid, List, Obj,
                              Str)

SCHEDULE_KINDS = ("showroom", "factory", "meeting", "meal", "sightseeing", "transfer", "free")
TRAVEL_MODES = ("flight", "train", "car", "other")
PHOTO_TYPES = (".jpg", ".jpeg", ".png", ".gif", ".webp")

# ---------------------------------------------------------------- schema

def _person(required=("name",), what="person"):
    return Obj({
        "name": Line(f"the {what}'s name as written in their own script"),
        "name_latin": Line("the name in Latin letters, as in the passport"),
        "role": Line("job title"),
        "email": Email(),
        "phone": Line(max_len=40),
    }, required=required)


def host_schema(required=("company",)) -> Obj:
    return Obj({
        "company": Line("the host company's name in Latin letters"),
        "company_local": Line("the host company's name in its own script"),
        "country": Country("the host's country; guests from elsewhere make it foreign trade"),
        # names may come from the configuration's host:, so the merge checks them
        "contact": _person(required=(), what="contact"),
        "leader": _person(required=(), what="leader"),
    }, required=required, description="the hosting company")


GUEST = Obj({
    "name": Line("the guest's name in their own script (Hangul, Chinese or Latin)"),
    "name_latin": Line("the name in Latin letters as in the passport, surname first for "
                       "Korean and Chinese names"),
    "title": Line("job title"),
    "company": Line(),
    "country": Country("ISO 3166-1 alpha-2"),
    "gender": Enum(("male", "female")),
    "senior": Bool("the most senior guest leads introductions and serving order"),
    "vip": Bool("true applies the vip profile"),
    "email": Email(),
    "phone": Line(max_len=40),
    "diet": List(Check(check_diet, "a diet", json={"type": "string", "pattern":
                 "^(" + "|".join(DIETS) + "|allergy:.+)$"}), allow_single=True),
}, required=("name", "country"))


def _travel(arrival: bool) -> Obj:
    fields = {
        "by": Enum(TRAVEL_MODES),
        "number": Line("flight or train number", max_len=40),
        "from" if arrival else "to": Line("where from" if arrival else "where to"),
        "at": DateTime("local date and time, YYYY-MM-DD HH:MM"),
        "place": Line("airport, station or address"),
    }
    if arrival:
        fields["pickup"] = Bool("true when the host meets the guests")
    return Obj(fields, required=("at",))


VISIT = Obj({
    "id": Check(check_id, "an id", "default: the file name without extension"),
    "title": Line(),
    "purpose": Str(multiline=True),
    "profiles": List(Line(max_len=60), allow_single=True,
                     description="profiles besides those applied automatically"),
    "language": Language("guest-facing documents"),
    "staff_language": Language("staff documents", staff=True),
    "timezone": Check(check_timezone, "an IANA time zone", "the visit's IANA time zone"),
    "host": host_schema(required=()),
    "guests": List(GUEST, min_items=1, max_items=100),
    "arrival": _travel(True),
    "departure": _travel(False),
    "hotel": Obj({"name": Line(), "address": Line(max_len=500),
                  "booked_by": Enum(("host", "guest"))}, required=("name",)),
    "schedule": List(Obj({
        "at": DateTime(), "until": DateTime(), "kind": Enum(SCHEDULE_KINDS),
        "what": Line(max_len=500), "where": Line(), "notes": Str(multiline=True),
    }, required=("at", "kind", "what"))),
    "gifts": Bool("the host gives gifts"),
    "value": Obj({"current": Enum(("high", "low")), "potential": Enum(("high", "low"))},
                 description="customer value (current / potential); high/high applies vip"),
    "minutes": Obj({
        "summary": Str(multiline=True, max_len=20000),
        "decisions": List(Str(multiline=True), allow_single=True),
        "next_steps": List(Obj({"what": Line(max_len=500), "owner": Line(),
                                "due": Date()}, required=("what",))),
        "photos": List(Line(max_len=500), allow_single=True,
                       description="paths relative to the visit file"),
    }, required=("summary",), description="filled in after the visit; `followup` needs it"),
    "followup": Obj({
        "to": List(Email(), allow_single=True, description="default: the guests' emails"),
        "cc": List(Email(), allow_single=True),
        "send_on": Date("default: the day after departure"),
    }),
}, required=("title", "timezone", "guests", "arrival", "departure"))


def json_schema() -> dict:
    schema = VISIT.json_schema()
    schema.update({"$schema": "https://json-schema.org/draft/2020-12/schema",
                   "title": "visitplan visit file"})
    return schema

# ---------------------------------------------------------------- model


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
        for part in _split_path(path):
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


def _split_path(path: str):
    for part in path.replace("]", "").split("."):
        name, *indexes = part.split("[")
        if name:
            yield name
        for i in indexes:
            yield int(i)

# ---------------------------------------------------------------- loading


def load_visit(path: Path, config=None, known_profiles=None, label: str | None = None) -> Visit:
    """Read, validate and build a visit. Raises ValidationFailed with every error found."""
    label = label or str(path)
    text = read_text(path, label)
    return parse_visit(text, path, label, config, known_profiles)


def parse_visit(text: str, path: Path, label: str, config=None, known_profiles=None) -> Visit:
    nodes = load_text(text, label)
    ctx = Context(label)
    try:
        data = VISIT.convert(nodes, "", ctx)
    except Invalid:
        raise ValidationFailed(_in_file_order(ctx.problems)) from None
    builder = _Builder(nodes, data, path, label, ctx, config, known_profiles)
    visit = builder.build(hashlib.sha256(text.encode()).hexdigest())
    if ctx.errors:
        raise ValidationFailed(_in_file_order(ctx.errors))
    visit.warnings.extend(p for p in ctx.problems if p.severity == "warning")
    return visit


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line, p.col))


class _Builder:
    def __init__(self, nodes, data, path, label, ctx, config, known_profiles):
        self.nodes, self.data, self.path, self.label = nodes, data, Path(path), label
        self.ctx, self.config, self.known = ctx, config, known_profiles

    def at(self, dotted: str):
        """The node at a dotted path, for positions."""
        node = self.nodes
        for part in _split_path(dotted):
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                break
        return node

    def error(self, dotted, message):
        self.ctx.error(self.at(dotted), dotted, message)

    def warn(self, dotted, message):
        self.ctx.warn(self.at(dotted), dotted, message)

    def build(self, source_hash: str) -> Visit:
        d, cfg = self.data, self.config
        tz = ZoneInfo(d["timezone"])
        visit_id = d.get("id") or self._default_id()
        host = self._host(d.get("host", {}))
        guests = [self._guest(i, g) for i, g in enumerate(d["guests"])]
        arrival = self._travel(d["arrival"], tz, "arrival")
        departure = self._travel(d["departure"], tz, "departure")
        visit = Visit(
            id=visit_id, path=self.path, title=d["title"], timezone=d["timezone"], tz=tz,
            language=d.get("language") or getattr(cfg, "language", None) or "en",
            staff_language=d.get("staff_language") or getattr(cfg, "staff_language", None)
            or "en",
            host=host, guests=guests, arrival=arrival, departure=departure,
            source_hash=source_hash, nodes=self.nodes, purpose=d.get("purpose"),
            profiles=list(d.get("profiles", [])), gifts=d.get("gifts", False),
            value=d.get("value", {}),
        )
        if "hotel" in d:
            visit.hotel = Hotel(**d["hotel"])
        visit.schedule = [self._item(i, s, tz) for i, s in enumerate(d.get("schedule", []))]
        if "minutes" in d:
            visit.minutes = self._minutes(d["minutes"])
        self._check_ranges(visit)
        self._check_profiles(visit)
        visit.followup = self._followup(d.get("followup", {}), visit)
        return visit

    def _default_id(self) -> str:
        stem = self.path.stem
        try:
            return check_id(stem)
        except ValueError:
            self.ctx.error(self.nodes, "id", f"the file name {stem!r} cannot serve as the "
                           "visit's id; add `id:` with letters, digits, '.', '_' and '-'")
            return "invalid"

    def _host(self, given: dict) -> Host:
        base = getattr(self.config, "host", None) or {}
        merged = {**base, **given}
        for key in ("contact", "leader"):
            if isinstance(base.get(key), dict) and isinstance(given.get(key), dict):
                merged[key] = {**base[key], **given[key]}
        if not merged.get("company"):
            self.error("host.company", "is required (in the visit or the configuration's "
                       "host:)")
        contact = merged.get("contact") or {}
        if not contact.get("name"):
            self.error("host.contact.name", "is required (in the visit or the "
                       "configuration's host:)")
        leader = merged.get("leader")
        if leader and not leader.get("name"):
            self.error("host.leader.name", "is required (in the visit or the "
                       "configuration's host:)")
        return Host(company=merged.get("company", ""), country=merged.get("country", "CN"),
                    contact=Person(**contact) if contact.get("name") else Person(name=""),
                    company_local=merged.get("company_local"),
                    leader=Person(**leader) if leader and leader.get("name") else None)

    def _guest(self, i: int, g: dict) -> Guest:
        guest = Guest(index=i, **g)
        if not guest.name_latin:   # derived for the sign and the email; check warns
            from visitplan.rules.advice import derived_name_latin

            guest.name_latin = derived_name_latin(guest.name, guest.country)
            guest.name_latin_derived = guest.name_latin is not None
        return guest

    def _travel(self, t: dict, tz, name: str) -> Travel:
        at = self._aware(t["at"], tz, f"{name}.at")
        return Travel(at=at, by=t.get("by"), number=t.get("number"), place=t.get("place"),
                      origin=t.get("from"), destination=t.get("to"),
                      pickup=t.get("pickup", False))

    def _item(self, i: int, s: dict, tz) -> ScheduleItem:
        at = self._aware(s["at"], tz, f"schedule[{i}].at")
        until = self._aware(s["until"], tz, f"schedule[{i}].until") if "until" in s else None
        return ScheduleItem(index=i, at=at, until=until, kind=s["kind"], what=s["what"],
                            where=s.get("where"), notes=s.get("notes"))

    def _aware(self, naive: dt.datetime, tz, dotted: str) -> dt.datetime:
        aware = naive.replace(tzinfo=tz)
        # a local time that does not exist (clocks jump forward) does not survive a round trip
        back = aware.astimezone(dt.timezone.utc).astimezone(tz).replace(tzinfo=None)
        if back != naive:
            self.error(dotted, f"{naive:%Y-%m-%d %H:%M} does not exist in {tz.key} "
                       "(the clocks jump forward then); pick another time")
        elif aware.utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset():
            self.warn(dotted, f"{naive:%Y-%m-%d %H:%M} happens twice in {tz.key} (the clocks "
                      "go back then); visitplan takes the first")
        return aware

    def _minutes(self, m: dict) -> Minutes:
        photos = []
        folder = self.path.parent.resolve()
        for i, rel in enumerate(m.get("photos", [])):
            dotted = f"minutes.photos[{i}]"
            p = Path(rel)
            if p.is_absolute():
                self.error(dotted, f"{rel!r} is an absolute path; give it relative to the "
                           "visit file's folder")
                continue
            full = (folder / p).resolve()
            if not full.is_relative_to(folder):
                self.error(dotted, f"{rel!r} lies outside the visit file's folder; "
                           "photos must be in that folder or below it")
                continue
            if full.suffix.lower() not in PHOTO_TYPES:
                self.error(dotted, f"{rel!r} is not a photo ({', '.join(PHOTO_TYPES)})")
                continue
            if not full.is_file():
                self.error(dotted, f"photo {rel!r} not found next to the visit file")
                continue
            photos.append(full)
        steps = [NextStep(**s) for s in m.get("next_steps", [])]
        return Minutes(summary=m["summary"], decisions=list(m.get("decisions", [])),
                       next_steps=steps, photos=photos)

    def _followup(self, f: dict, visit: Visit) -> Followup:
        to = f.get("to") or [g.email for g in visit.guests if g.email]
        send_on = f.get("send_on") or (visit.departure.at.date() + dt.timedelta(days=1))
        if "send_on" in f and f["send_on"] < visit.departure.at.date():
            self.error("followup.send_on", f"{f['send_on']} is before the departure on "
                       f"{visit.departure.at.date()}; a follow-up goes out after the visit")
        return Followup(to=list(dict.fromkeys(to)), cc=list(f.get("cc", [])), send_on=send_on)

    def _check_ranges(self, v: Visit) -> None:
        if v.departure.at <= v.arrival.at:
            self.error("departure.at", f"departure {v.departure.at:%Y-%m-%d %H:%M} is not "
                       f"after arrival {v.arrival.at:%Y-%m-%d %H:%M}")
            return
        for item in v.schedule:
            dotted = f"schedule[{item.index}]"
            end = item.until or item.at
            if item.until is not None and item.until <= item.at:
                self.error(f"{dotted}.until", f"{item.until:%Y-%m-%d %H:%M} is not after "
                           f"the item's start {item.at:%Y-%m-%d %H:%M}")
            elif item.at < v.arrival.at or end > v.departure.at:
                starts_out = item.at < v.arrival.at or item.at > v.departure.at
                when = (f"at {item.at:%Y-%m-%d %H:%M}" if item.until is None else
                        f"from {item.at:%Y-%m-%d %H:%M} to {item.until:%Y-%m-%d %H:%M}")
                self.error(f"{dotted}.{'at' if starts_out else 'until'}",
                           f"'{item.what}' {when} lies outside the stay "
                           f"({v.arrival.at:%Y-%m-%d %H:%M} to "
                           f"{v.departure.at:%Y-%m-%d %H:%M})")
        if v.minutes:
            for i, step in enumerate(v.minutes.next_steps):
                if step.due and step.due < v.arrival.at.date():
                    self.error(f"minutes.next_steps[{i}].due", f"{step.due} is before the "
                               "visit began")

    def _check_profiles(self, v: Visit) -> None:
        if self.known is None:
            return
        for i, name in enumerate(v.profiles):
            if name not in self.known:
                from visitplan.visit.schema import did_you_mean
                self.error(f"profiles[{i}]" if isinstance(self.at("profiles"), SeqNode)
                           else "profiles", f"unknown profile '{name}'"
                           + did_you_mean(name, sorted(self.known))
                           + "; `visitplan profiles` lists them")
