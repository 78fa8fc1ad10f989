"""The guest's itinerary: its context (days, events with home clocks, an hour-scale timeline
per day, the hotel) and the host contact's QR code. Rendered by templates/itinerary.html
and itinerary.md, in the guest's language.
"""
from __future__ import annotations

import datetime as dt
import functools

from visitplan.documents.context import (Joined, capital, comma, day, days, guest,
                                         home_times, host, seniority, staff_name, text,
                                         travel_line)
from visitplan.documents.render import Phrase, strong
from visitplan.rules.names import split_name
from visitplan.text.dates import format_datetime, format_time
from visitplan.text.i18n import t


def _hours(moment: dt.datetime, start: dt.date) -> float:
    """Hours since midnight of `start` (may pass 24 for an item running past midnight)."""
    delta = moment.replace(tzinfo=None) - dt.datetime.combine(start, dt.time())
    return round(delta.total_seconds() / 3600, 3)


def events(visit, lang: str) -> list[dict]:
    """Arrival, every schedule item and departure in time order, as the templates print
    them (time, end, label, what, where, notes, the pickup detail, the home clocks)."""
    host_country = visit.host.country
    contact = visit.host.contact
    met_by = None
    if visit.arrival.pickup:
        key = "doc.it.met_by_phone" if contact.phone else "doc.it.met_by"
        met_by = Phrase(key, lang, name=staff_name(contact, host_country, lang),
                        phone=contact.phone or "")
    out = [{
        "kind": "arrival", "at": visit.arrival.at, "until": None,
        "label": t("doc.it.arrival", lang), "what": travel_line(visit.arrival, lang, True),
        "where": text(visit.arrival.place, host_country), "notes": None,
        "detail": met_by, "home": home_times(visit, visit.arrival.at, lang)}]
    for item in visit.schedule:
        out.append({
            "kind": item.kind, "at": item.at, "until": item.until,
            "label": capital(t(f"kind.{item.kind}", lang)),
            "what": text(item.what, host_country),
            "where": text(item.where, host_country), "notes": text(item.notes, host_country),
            "detail": None, "home": []})
    out.append({
        "kind": "departure", "at": visit.departure.at, "until": None,
        "label": t("doc.it.departure", lang),
        "what": travel_line(visit.departure, lang, False),
        "where": text(visit.departure.place, host_country), "notes": None, "detail": None,
        "home": home_times(visit, visit.departure.at, lang)})
    order = {"arrival": 0, "departure": 2}
    out.sort(key=lambda e: (e["at"], order.get(e["kind"], 1)))
    for e in out:
        what = e["what"]
        if e["where"]:
            what = Phrase("doc.event_where", lang, what=what, where=e["where"],
                          where_label=t("doc.it.where", lang))
        e["headline"] = Phrase("doc.label", lang, label=e["label"], value=what)
        e["time"] = format_time(e["at"], lang)
        e["end"] = format_time(e["until"], lang) if e["until"] else None
        if e["until"] and e["until"].date() != e["at"].date():
            e["end"] = format_datetime(e["until"], lang, "short")
    return out


def timeline(todays: list[dict], start: dt.date) -> dict:
    """Blocks on an hour scale for the template's SVG: arrival and departure as short marks,
    items from start to end (an hour when no end is given), overlaps on separate lanes."""
    blocks = []
    for e in todays:
        begin = _hours(e["at"], start)
        if e["kind"] == "arrival":
            end = begin + 0.5
        elif e["kind"] == "departure":
            begin, end = begin - 0.5, begin
        else:
            end = _hours(e["until"], start) if e["until"] else begin + 1
        blocks.append({"start": max(begin, 0), "end": min(end, 24), "kind": e["kind"],
                       "label": e["time"]})
    lanes: list[float] = []
    for b in sorted(blocks, key=lambda b: b["start"]):
        lane = next((i for i, end in enumerate(lanes) if end <= b["start"]), len(lanes))
        if lane == len(lanes):
            lanes.append(0)
        lanes[lane] = b["end"]
        b["lane"] = lane
    first = min((b["start"] for b in blocks), default=8)
    last = max((b["end"] for b in blocks), default=18)
    return {"start": int(min(first, 8)), "end": min(24, int(-(-max(last, 18) // 1))),
            "lanes": max(len(lanes), 1), "blocks": blocks}


def itinerary_context(visit, lang: str) -> dict:
    """Everything itinerary.html / itinerary.md print, in `lang`."""
    def tz_day(moment):
        return moment.astimezone(visit.tz).date()

    first, last = tz_day(visit.arrival.at), tz_day(visit.departure.at)
    all_events = events(visit, lang)
    hotel = visit.hotel
    out_days = []
    for n in range((last - first).days + 1):
        date = first + dt.timedelta(days=n)
        todays = [e for e in all_events if tz_day(e["at"]) == date]
        out_days.append({
            "number": n + 1, "label": t("doc.it.day", lang, n=n + 1),
            "date": day(date, lang, "long"), "events": todays,
            "timeline": timeline(todays, date),
            "hotel": _hotel(hotel, visit.host.country, lang)
            if hotel is not None and date < last else None,
        })
    return {"kind": "itinerary", "lang": lang, "title": text(visit.title),
            "purpose": text(visit.purpose), "dates": days(first, last, lang),
            "host": _host(visit, lang), "guests": [_guest(g, lang) for g in seniority(visit)],
            "days": out_days, "qr": contact_qr(visit, lang)}


def _hotel(hotel, country, lang: str) -> dict:
    name, address = text(hotel.name, country), text(hotel.address, country)
    return {"name": name, "address": address,
            "line": Phrase("doc.label", lang, label=t("doc.it.hotel", lang),
                           value=comma([strong(name), address], lang))}


def _guest(g, lang: str) -> dict:
    """A guest on the cover: the name (with its Latin spelling), title and company, the
    language's own brackets and commas between them."""
    out = guest(g)
    name = strong(out["name"])
    if out["name_latin"]:
        name = Phrase("doc.name_latin", lang, name=name, latin=out["name_latin"])
    out["work"] = comma([out["title"], out["company"]], lang)
    out["line"] = comma([name, out["work"]], lang)
    return out


def _host(visit, lang: str) -> dict:
    """The host as the guest reads it: the company line, and the contact by the name the
    guest can read first (Li Wei (李伟) in en and ko, 李伟（Li Wei）in zh)."""
    out = host(visit)
    h = visit.host
    out["line"] = Phrase("doc.label", lang, label=t("doc.it.host", lang),
                         value=Joined([out["company_local"], out["company"]], " / "))
    out["guests_label"] = Phrase("doc.label_end", lang, label=t("doc.it.guests", lang))
    contact = out["contact"]
    contact["shown"] = staff_name(h.contact, h.country, lang)
    contact["line"] = Phrase("doc.label", lang, label=t("doc.it.contact_plain", lang),
                             value=Joined([comma([strong(contact["shown"]), contact["role"]],
                                                 lang),
                                           contact["phone"], contact["email"]], " · "))
    return out


def contact_qr(visit, lang: str | None = None) -> str:
    """The host contact as a vCard in a QR code (PNG data URL), so the guest saves the
    contact in one scan."""
    import segno.helpers

    contact, h = visit.host.contact, visit.host
    latin = contact.name_latin or contact.name
    surname, given = split_name(latin, h.country)
    display = str(staff_name(contact, h.country, lang or visit.language))
    org = h.company + (f" / {h.company_local}" if h.company_local else "")
    return _qr_png(segno.helpers.make_vcard_data(
        name=f"{surname};{given}", displayname=display, email=contact.email,
        phone=contact.phone, org=org, title=contact.role))


@functools.lru_cache(maxsize=64)
def _qr_png(data: str) -> str:
    """The QR code of `data` as a PNG data URL, made once per text in a process (choosing
    the best mask takes 30 ms; the pre-arrival email and the itinerary draw the same)."""
    import segno

    qr = segno.make(data, error="m", micro=False)
    # PNG, one pixel a module, drawn without smoothing: a few hundred bytes, and cheap to
    # paint on every page (an SVG path of the same code costs WeasyPrint ~0.3 s a page)
    return qr.png_data_uri(scale=1, border=2, dark="#1b2a3a")
