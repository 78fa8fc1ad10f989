"""The visitor register (篇8 来访登记): one row per guest per visit, as CSV for Excel or as
data for JSON.

The CSV is UTF-8 with a byte-order mark: Excel opens a BOM-less UTF-8 file in the
machine's ANSI code page and turns Chinese and Korean names into mojibake; with the mark
it reads UTF-8. Rows end in CRLF (RFC 4180, what Excel writes). The column headings come
in the staff language; the JSON keys are fixed English names for scripts.
"""
from __future__ import annotations

import csv
import io

from visitplan.documents.sign import country_name, latin_name
from visitplan.text.i18n import t

COLUMNS = ("from", "to", "visit", "visit_title", "name", "name_latin", "title", "company",
           "country", "host_contact", "purpose", "arrival", "departure")


def _person(person) -> str:
    if person is None or not person.name:
        return ""
    parts = [person.name + (f" ({person.name_latin})" if person.name_latin else "")]
    parts += [x for x in (person.phone, person.email) if x]
    return ", ".join(parts)


def _travel(travel) -> str:
    text = f"{travel.at:%Y-%m-%d %H:%M}"
    extra = " ".join(x for x in (travel.number, travel.place) if x)
    return f"{text} {extra}" if extra else text


def rows(visits: list, lang: str) -> list[dict]:
    """A row per guest of each visit, in the order of arrival, then of the visit file."""
    out = []
    for visit in sorted(visits, key=lambda v: (v.arrival.at, v.id)):
        for guest in visit.guests:
            out.append({
                "from": visit.arrival.at.date().isoformat(),
                "to": visit.departure.at.date().isoformat(),
                "visit": visit.id, "visit_title": visit.title,
                "name": guest.name, "name_latin": latin_name(guest) or guest.name,
                "title": guest.title or "", "company": guest.company or "",
                "country": f"{guest.country} {country_name(guest.country, lang)}",
                "host_contact": _person(visit.host.contact),
                "purpose": " ".join((visit.purpose or "").split()),
                "arrival": _travel(visit.arrival), "departure": _travel(visit.departure),
            })
    return out


def csv_bytes(table: list[dict], lang: str) -> bytes:
    """The register as Excel reads it: UTF-8 with BOM, a heading row, CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([t(f"register.col.{c}", lang) for c in COLUMNS])
    for row in table:
        writer.writerow([row[c] for c in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")
