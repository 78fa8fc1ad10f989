"""The content lines the staff calendars are written with (visitplan.documents.ics_lines):
what icalendar's parser reads back, folding at 75 octets without cutting a character."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from visitplan.documents import ics_lines
from visitplan.documents.staff_calendar import build_ics

SEOUL = ZoneInfo("Asia/Seoul")
STAMP = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("line", [
    "SUMMARY:" + "a" * 67,                       # exactly 75 octets: not folded
    "SUMMARY:" + "a" * 300,
    "SUMMARY:" + "한빛전자 방문 준비: 공항 픽업 차량 확인" * 6,   # 3-octet characters
    "SUMMARY:" + "x" + "é" * 120,               # 2-octet characters at odd offsets
    "DESCRIPTION:" + "🚗" * 40,                    # 4-octet characters
])
def test_folded_lines_are_at_most_75_octets_and_unfold_to_the_line(line):
    data = ics_lines.fold(line)
    assert data.endswith(b"\r\n")
    physical = data[:-2].split(b"\r\n")
    assert all(len(p) <= 75 for p in physical)
    assert all(p.startswith(b" ") for p in physical[1:])
    for p in physical:
        p.decode("utf-8")                          # no character cut in two
    assert b"".join([physical[0], *(p[1:] for p in physical[1:])]).decode() == line
    assert len(physical) == 1 or len(physical[0]) >= 72      # at most 3 octets unused


def test_text_values_survive_escaping():
    tricky = "Dinner; then karaoke, maybe\\not\nline two\r\nline three"
    evs = [{"uid": "v-task-1@visitplan", "summary": tricky, "sequence": 3,
            "start": dt.datetime(2026, 12, 8, 18, 30, tzinfo=SEOUL),
            "end": dt.datetime(2026, 12, 8, 20, 0, tzinfo=SEOUL), "tz": "Asia/Seoul",
            "location": "광장시장, 종로구; 서울", "description": "first\nsecond",
            "alarm": True}]
    cal = icalendar.Calendar.from_ical(build_ics("sales", evs, "ko", dtstamp=STAMP))
    (event,) = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == tricky.replace("\r\n", "\n")
    assert str(event["LOCATION"]) == "광장시장, 종로구; 서울"
    assert str(event["DESCRIPTION"]) == "first\nsecond"
    assert int(event["SEQUENCE"]) == 3
    assert event.decoded("DTSTART") == dt.datetime(2026, 12, 8, 18, 30, tzinfo=SEOUL)
    assert event.decoded("DTEND").utcoffset() == dt.timedelta(hours=9)
    assert event.decoded("DTSTAMP") == STAMP
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == dt.timedelta(0)
    assert [c.name for c in cal.walk("VTIMEZONE")] == ["VTIMEZONE"]
    assert str(cal.walk("VTIMEZONE")[0]["TZID"]) == "Asia/Seoul"


def test_a_moment_in_another_zone_is_written_in_the_events_zone():
    utc_moment = dt.datetime(2026, 12, 8, 1, 30, tzinfo=dt.timezone.utc)
    assert ics_lines.local("DTSTART", utc_moment, "Asia/Seoul") == \
        "DTSTART;TZID=Asia/Seoul:20261208T103000"


@pytest.mark.parametrize("delta, text", [
    (dt.timedelta(0), "P0D"), (-dt.timedelta(minutes=30), "-PT30M"),
    (dt.timedelta(hours=1, minutes=30), "PT1H30M"), (dt.timedelta(days=1, hours=2), "P1DT2H"),
    (dt.timedelta(days=2), "P2D"), (dt.timedelta(seconds=45), "PT45S"),
])
def test_durations(delta, text):
    assert ics_lines.duration(delta) == text
    assert icalendar.vDuration.from_ical(text) == delta
