"""RFC 5545 content lines written directly, for calendars too large for `icalendar`'s
object model.

The staff calendars of `visitplan run` hold every task and attended item of every visit:
with 500 visits that is about 37 000 events and half a million content lines, rebuilt by
every run. `icalendar` spends about 75 µs of CPU on each line (a parameter object, a typed
value and a character-by-character fold), 40 s a run; these few functions write the same
lines in about 1/20 of that. The calendar header and the VTIMEZONE components still come
from `icalendar` (once per zone), which knows the zone rules.

Only what the staff calendars use is here: TEXT values (escaped), DATE-TIME values in a
named zone or UTC, INTEGER and DURATION values, and folding at 75 octets, never inside a
UTF-8 sequence (RFC 5545 §3.1, §3.3).
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LINE_OCTETS = 75
_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n", "\r": ""})


def text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped (§3.3.11)."""
    return value.replace("\r\n", "\n").translate(_ESCAPES)


def fold(line: str) -> bytes:
    """One content line as bytes ending in CRLF, folded so that no physical line is longer
    than 75 octets; a continuation starts with one space (§3.1)."""
    data = line.encode("utf-8")
    if len(data) <= LINE_OCTETS:
        return data + b"\r\n"
    pieces = []
    start, limit = 0, LINE_OCTETS
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:     # do not cut a character in two
            end -= 1
        pieces.append(data[start:end])
        start, limit = end, LINE_OCTETS - 1  # the leading space counts
    pieces.append(data[start:])
    return b"\r\n ".join(pieces) + b"\r\n"


def utc(moment: dt.datetime) -> str:
    """A DATE-TIME in UTC: 20261208T013000Z."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def local(name: str, moment: dt.datetime, zone: str) -> str:
    """A property line of a DATE-TIME in the time zone `zone` (its VTIMEZONE must be in the
    calendar): `DTSTART;TZID=Asia/Shanghai:20261201T090000`. A naive moment is taken as
    already in that zone."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(zone))
    return f"{name};TZID={zone}:{moment.strftime('%Y%m%dT%H%M%S')}"


def duration(delta: dt.timedelta) -> str:
    """A DURATION value (§3.3.6): P0D, -PT30M, PT1H30M, P1DT2H."""
    seconds = int(delta.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (secs, "S"))
                    if n)
    if not days and not clock:
        return "P0D"
    return f"{sign}P{f'{days}D' if days else ''}{'T' + clock if clock else ''}"


def component(name: str, lines: list[str], inner: bytes = b"") -> bytes:
    """BEGIN:name, the property lines (already `name:value` strings) folded, the inner
    components' bytes, END:name."""
    return (f"BEGIN:{name}\r\n".encode() + b"".join(fold(line) for line in lines) + inner
            + f"END:{name}\r\n".encode())
