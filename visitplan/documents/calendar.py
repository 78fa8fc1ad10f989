"""itinerary.ics: the visit as an RFC 5545 calendar, built with `icalendar`.

One event for the arrival, one per schedule item, one for the departure, all in the visit's
time zone with its VTIMEZONE included, so Outlook, Google and Apple show the local times.

UIDs are derived from what an event is, not from when it is: `<visit id>-arrival`,
`<visit id>-departure`, and for a schedule item its kind, a digest of its `what`, and which
occurrence of that pair it is in time order. Moving an item to another time, place or end
keeps its UID, so a re-import updates the event instead of adding a second one.
SEQUENCE counts minutes since 2020 at DTSTAMP, so every rebuild outranks the last one.

Arrival lasts an hour from the landing (meeting, luggage, the drive); departure runs from
the time the guests should be at the station or airport until it leaves. Schedule items
remind the guest 30 minutes before they begin, the departure an hour before (VALARM with
ACTION:DISPLAY, which every calendar shows).
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re

from visitplan import __version__
from visitplan.documents.context import home_times, staff_name, travel_line
from visitplan.text.i18n import strings, t

_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
ARRIVAL_LASTS = dt.timedelta(hours=1)
# how long before it leaves the guests should be at the airport / the station
DEPARTURE_LEAD = {"flight": dt.timedelta(hours=2), "train": dt.timedelta(minutes=30)}
DEPARTURE_LEAD_OTHER = dt.timedelta(hours=1)
ITEM_REMINDER = dt.timedelta(minutes=30)
DEPARTURE_REMINDER = dt.timedelta(hours=1)


def _uid(visit, key: str) -> str:
    return f"{visit.id}-{key}@visitplan"


def item_keys(visit) -> dict[int, str]:
    """Schedule item index → the stable part of its UID."""
    seen: dict[tuple[str, str], int] = {}
    keys = {}
    for item in sorted(visit.schedule, key=lambda i: (i.at, i.index)):
        digest = hashlib.sha256(" ".join(item.what.casefold().split()).encode()).hexdigest()
        pair = (item.kind, digest[:10])
        seen[pair] = seen.get(pair, 0) + 1
        keys[item.index] = f"{item.kind}-{digest[:10]}-{seen[pair]}"
    return keys


# doc.ics.contact: its wording before, between and after the three details
_CONTACT = re.compile(
    r"(?P<head>[^{}]*)\{name\}(?P<before_phone>[^{}]*)\{phone\}(?P<before_email>[^{}]*)"
    r"\{email\}(?P<tail>[^{}]*)", re.S)


def contact_details(lang: str, name: str, phone: str | None, email: str | None) -> str:
    """`doc.ics.contact` (Contact: {name}, {phone}, {email}) with only the details the
    contact has: the wording just before {phone} and before {email} (the language's comma,
    or a label such as Thai โทร.) goes with its detail, so no language ends in ", ," or
    "，，" or shows a label without its number."""
    texts = strings()["doc.ics.contact"]
    wording = texts.get(lang) or texts["en"]
    m = _CONTACT.fullmatch(wording)
    if m is None:       # another order or form: fill the slots as written
        return t("doc.ics.contact", lang, name=name, phone=phone or "", email=email or "")
    return (m["head"] + name + (m["before_phone"] + phone if phone else "")
            + (m["before_email"] + email if email else "") + m["tail"])


@functools.lru_cache(maxsize=32)
def vtimezone(zone: str, first: dt.date, last: dt.date):
    """The VTIMEZONE of `zone` with its transitions from `first` to `last`, worked out once
    per process for the same span (icalendar takes 25 ms). Calendars only add it and
    write it out; none changes it."""
    import icalendar

    return icalendar.Timezone.from_tzid(zone, first_date=first, last_date=last)


def build_ics(visit, lang: str, dtstamp: dt.datetime | None = None) -> bytes:
    """The calendar of a visit, wording in `lang`. `dtstamp` (UTC) defaults to now; tests
    fix it."""
    import icalendar

    stamp = (dtstamp or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    stamp = stamp.replace(microsecond=0)
    sequence = max(0, int((stamp - _EPOCH).total_seconds() // 60))

    cal = icalendar.Calendar()
    cal.add("prodid", f"-//visitplan//visitplan {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", visit.title)
    cal.add("x-wr-timezone", visit.timezone)
    first = visit.arrival.at.date() - dt.timedelta(days=366)
    last = visit.departure.at.date() + dt.timedelta(days=366)
    cal.add_component(vtimezone(visit.timezone, first, last))

    def event(key, summary, start, end, location=None, lines=(), category=None,
              remind=None):
        ev = icalendar.Event()
        ev.add("uid", _uid(visit, key))
        ev.add("dtstamp", stamp)
        ev.add("sequence", sequence)
        ev.add("summary", summary)
        ev.add("dtstart", start)
        ev.add("dtend", end)
        if location:
            ev.add("location", location)
        description = "\n".join(line for line in lines if line)
        if description:
            ev.add("description", description)
        if category:
            ev.add("categories", [category])
        ev.add("transp", "OPAQUE")
        if remind is not None:
            alarm = icalendar.Alarm()
            alarm.add("uid", _uid(visit, key + "-alarm"))
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", -remind)
            alarm.add("description", summary)
            ev.add_component(alarm)
        cal.add_component(ev)

    def home_lines(moment):
        return [t("doc.it.home_time_date" if h["date"] else "doc.it.home_time", lang,
                  zone=h["zone"], time=h["time"], date=h["date"] or "")
                for h in home_times(visit, moment, lang)]

    contact = visit.host.contact
    name = str(staff_name(contact, visit.host.country, lang))
    contact_line = contact_details(lang, name, contact.phone, contact.email)
    arrival = visit.arrival
    met = t("doc.it.met_by", lang, name=name) if arrival.pickup else None
    event("arrival", t("doc.ics.arrival", lang, travel=travel_line(arrival, lang, True)),
          arrival.at, arrival.at + ARRIVAL_LASTS, location=arrival.place,
          lines=[met, *home_lines(arrival.at), contact_line], category=t(
              "doc.it.arrival", lang))
    keys = item_keys(visit)
    for item in visit.schedule:
        end = item.until or item.at + dt.timedelta(hours=1)
        event(keys[item.index], item.what, item.at, end, location=item.where,
              lines=[t(f"kind.{item.kind}", lang), item.notes, contact_line],
              category=t(f"kind.{item.kind}", lang), remind=ITEM_REMINDER)
    departure = visit.departure
    lead = DEPARTURE_LEAD.get(departure.by, DEPARTURE_LEAD_OTHER)
    event("departure", t("doc.ics.departure", lang,
                         travel=travel_line(departure, lang, False)),
          departure.at - lead, departure.at, location=departure.place,
          lines=[*home_lines(departure.at), contact_line],
          category=t("doc.it.departure", lang), remind=DEPARTURE_REMINDER)
    return cal.to_ical()
