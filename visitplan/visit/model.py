"""Loading a visit: read the file, validate it against the schema, build the typed Visit
and run the checks that span several fields (ranges, the stay's length, photos, profiles).

`load_visit` is the entry point. The names of the types are re-exported here for callers
that know a visit by this module.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from visitplan.errors import Problem, ValidationFailed
from visitplan.visit.fields import country_language, check_id
from visitplan.visit.loader import SeqNode, load_text, read_text
from visitplan.visit.photos import ImageRefused, find_image
from visitplan.visit.records import (Followup, Guest, Host, Hotel, Minutes, NextStep, Person,
                                     ScheduleItem, Travel, Visit, split_path)
from visitplan.visit.schema import Context, Invalid, did_you_mean
from visitplan.visit.spec import (SCHEDULE_KINDS, TRAVEL_MODES, VISIT, host_schema,
                                  json_schema)

__all__ = ["SCHEDULE_KINDS", "TRAVEL_MODES", "Followup", "Guest", "Host", "Hotel", "Minutes",
           "NextStep", "Person", "ScheduleItem", "Travel", "Visit", "host_schema",
           "json_schema", "load_visit", "parse_visit"]

DEFAULT_MAX_STAY_DAYS = 60
# (name, country) -> the name in Latin letters, or None when none can be derived
LatinName = Callable[[str, str], "str | None"]


def load_visit(path: Path, config=None, known_profiles=None, label: str | None = None,
               latin_name: LatinName | None = None) -> Visit:
    """Read, validate and build a visit. Raises ValidationFailed with every error found.

    `latin_name` derives the Latin spelling of a guest who gave no `name_latin` (the rules
    stage knows how; see visitplan.api); without it such a guest keeps none."""
    label = label or str(path)
    text = read_text(path, label)
    return parse_visit(text, path, label, config, known_profiles, latin_name)


def parse_visit(text: str, path: Path, label: str, config=None, known_profiles=None,
                latin_name: LatinName | None = None) -> Visit:
    nodes = load_text(text, label)
    ctx = Context(label)
    try:
        data = VISIT.convert(nodes, "", ctx)
    except Invalid:
        raise ValidationFailed(_in_file_order(ctx.problems)) from None
    builder = _Builder(nodes, data, path, label, ctx, config, known_profiles, latin_name)
    visit = builder.build(hashlib.sha256(text.encode()).hexdigest())
    if ctx.errors:
        raise ValidationFailed(_in_file_order(ctx.errors))
    visit.warnings.extend(p for p in ctx.problems if p.severity == "warning")
    return visit


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line, p.col))


class _Builder:
    def __init__(self, nodes, data, path, label, ctx, config, known_profiles, latin_name):
        self.nodes, self.data, self.path, self.label = nodes, data, Path(path), label
        self.ctx, self.config, self.known = ctx, config, known_profiles
        self.latin_name = latin_name

    def at(self, dotted: str):
        """The node at a dotted path, for positions."""
        node = self.nodes
        for part in split_path(dotted):
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                break
        return node

    def error(self, dotted, message):
        self.ctx.error(self.at(dotted), dotted, message)

    def warn(self, dotted, message):
        self.ctx.warn(self.at(dotted), dotted, message)

    def _guest_language(self, guests) -> str:
        """A visit that names no language: the senior guest's country's, else the
        configuration's, else English."""
        cfg = self.config
        senior = next((g for g in guests if g.senior), guests[0] if guests else None)
        return (country_language(senior.country if senior else None,
                                 getattr(cfg, "guest_languages", None))
                or getattr(cfg, "language", None) or "en")

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
            language=d.get("language") or self._guest_language(guests),
            staff_language=d.get("staff_language") or getattr(cfg, "staff_language", None)
            or "en",
            host=host, guests=guests, arrival=arrival, departure=departure,
            source_hash=source_hash, nodes=self.nodes, purpose=d.get("purpose"),
            profiles=list(d.get("profiles", [])), gifts=d.get("gifts", False),
            value=d.get("value", {}),
        )
        visit.sign = {"size": "a4", "group": False, **(getattr(cfg, "sign", None) or {}),
                      **d.get("sign", {})}
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
                    address_local=merged.get("address_local"),
                    leader=Person(**leader) if leader and leader.get("name") else None)

    def _guest(self, i: int, g: dict) -> Guest:
        guest = Guest(index=i, **g)
        if not guest.name_latin and self.latin_name:   # for the sign and the email; check warns
            guest.name_latin = self.latin_name(guest.name, guest.country)
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
        for i, rel in enumerate(m.get("photos", [])):
            try:
                photos.append(find_image(self.path.parent, rel))
            except ImageRefused as exc:
                self.error(f"minutes.photos[{i}]", str(exc))
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
        longest = getattr(self.config, "max_stay_days", None) or DEFAULT_MAX_STAY_DAYS
        stay = v.departure.at - v.arrival.at
        if stay > dt.timedelta(days=longest):
            self.error("departure.at", f"the stay lasts {stay.days} days; at most {longest} "
                       "(the configuration's max_stay_days); check the dates")
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
                self.error(f"profiles[{i}]" if isinstance(self.at("profiles"), SeqNode)
                           else "profiles", f"unknown profile '{name}'"
                           + did_you_mean(name, sorted(self.known))
                           + "; `visitplan profiles` lists them")
