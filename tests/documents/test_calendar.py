"""itinerary.ics: golden file, and what a calendar reading it back finds."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from visitplan.api import Session
from visitplan.documents.calendar import build_ics

from golden import check_golden

STAMP = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def hanbit(examples_dir):
    return Session.open(None).load_visit(examples_dir / "hanbit-korean.yaml")


def events(data: bytes) -> list:
    return [c for c in icalendar.Calendar.from_ical(data).walk("VEVENT")]


def test_ics_matches_golden(hanbit):
    check_golden("prepare/hanbit-itinerary.ics", build_ics(hanbit, "ko", dtstamp=STAMP))


def test_one_event_per_item_plus_arrival_and_departure_in_the_visit_zone(hanbit):
    data = build_ics(hanbit, "ko", dtstamp=STAMP)
    cal = icalendar.Calendar.from_ical(data)
    zones = cal.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Asia/Shanghai"]
    evs = events(data)
    assert len(evs) == len(hanbit.schedule) + 2
    first = evs[0]
    assert first.decoded("DTSTART") == dt.datetime(2026, 12, 8, 10, 35,
                                                   tzinfo=ZoneInfo("Asia/Shanghai"))
    assert first["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert "OZ369" in str(first["SUMMARY"]) and "도착" in str(first["SUMMARY"])
    assert str(first["LOCATION"]) == "Shenzhen Bao'an Airport T3"
    description = str(first["DESCRIPTION"])
    assert "李伟" in description and "+86 138 0000 0000" in description
    assert "한국 시간 11:35" in description          # the guests' home time
    dinner = next(e for e in evs if str(e["SUMMARY"]) == "Welcome dinner")
    assert dinner.decoded("DTEND") - dinner.decoded("DTSTART") == dt.timedelta(hours=2)
    assert str(dinner["LOCATION"]) == "Xin Rong Ji Nanshan"
    assert all(e.decoded("DTSTAMP") == STAMP for e in evs)
    assert evs[-1]["UID"] == "hanbit-2026-12-departure@visitplan"


def test_lines_are_folded_to_75_octets_and_end_in_crlf(hanbit):
    data = build_ics(hanbit, "ko", dtstamp=STAMP)
    lines = data.split(b"\r\n")
    assert lines[-1] == b""
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_uids_survive_moving_an_item_so_a_reimport_updates_it(hanbit):
    before = {str(e["SUMMARY"]): str(e["UID"]) for e in events(build_ics(hanbit, "en",
                                                                          dtstamp=STAMP))}
    lunch = next(i for i in hanbit.schedule if i.what == "Lunch")
    lunch.at += dt.timedelta(minutes=30)
    lunch.until += dt.timedelta(minutes=30)
    lunch.where = "HQ guest dining room"
    later = STAMP + dt.timedelta(days=1)
    moved = events(build_ics(hanbit, "en", dtstamp=later))
    after = {str(e["SUMMARY"]): str(e["UID"]) for e in moved}
    assert after == before
    # the rebuilt file outranks the first one, so clients take it as the newer version
    assert all(int(e["SEQUENCE"]) > 0 for e in moved)
    first = events(build_ics(hanbit, "en", dtstamp=STAMP))
    assert int(moved[0]["SEQUENCE"]) > int(first[0]["SEQUENCE"])


def test_two_items_with_the_same_kind_and_text_get_different_uids(hanbit):
    import copy

    item = hanbit.schedule[1]          # the welcome dinner
    twin = copy.copy(item)
    twin.index = len(hanbit.schedule)
    twin.at += dt.timedelta(days=1)
    twin.until += dt.timedelta(days=1)
    hanbit.schedule.append(twin)
    uids = [str(e["UID"]) for e in events(build_ics(hanbit, "en", dtstamp=STAMP))]
    assert len(uids) == len(set(uids)) == len(hanbit.schedule) + 2


def test_a_visit_in_a_zone_with_summer_time_carries_its_transitions(tmp_path, examples_dir):
    text = (examples_dir / "mueller-foreign-trade.yaml").read_text(encoding="utf-8")
    path = tmp_path / "berlin.yaml"
    path.write_text(text.replace("timezone: Asia/Shanghai", "timezone: Europe/Berlin"),
                    encoding="utf-8")
    visit = Session.open(None).load_visit(path)
    cal = icalendar.Calendar.from_ical(build_ics(visit, "en", dtstamp=STAMP))
    zone = cal.walk("VTIMEZONE")[0]
    assert str(zone["TZID"]) == "Europe/Berlin"
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    first = cal.walk("VEVENT")[0]
    assert first["DTSTART"].params["TZID"] == "Europe/Berlin"


def test_arrival_and_departure_last_and_items_remind_the_guest(hanbit):
    evs = events(build_ics(hanbit, "en", dtstamp=STAMP))
    arrival, departure = evs[0], evs[-1]
    landing = dt.datetime(2026, 12, 8, 10, 35, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert arrival.decoded("DTEND") - arrival.decoded("DTSTART") == dt.timedelta(hours=1)
    assert arrival.decoded("DTSTART") == landing
    assert not arrival.walk("VALARM")            # the guest is in the air
    # departure: from the time to be at the airport (two hours) until the flight leaves
    take_off = dt.datetime(2026, 12, 10, 11, 40, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert departure.decoded("DTEND") == take_off
    assert departure.decoded("DTSTART") == take_off - dt.timedelta(hours=2)
    [alarm] = departure.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == -dt.timedelta(hours=1)
    assert str(alarm["DESCRIPTION"]) == str(departure["SUMMARY"])
    items = evs[1:-1]
    assert len(items) == len(hanbit.schedule)
    for ev in items:
        [alarm] = ev.walk("VALARM")
        assert alarm.decoded("TRIGGER") == -dt.timedelta(minutes=30)
        assert str(alarm["DESCRIPTION"]) == str(ev["SUMMARY"])


def test_summaries_are_one_sentence_in_each_language(hanbit):
    def first(lang):
        evs = events(build_ics(hanbit, lang, dtstamp=STAMP))
        return str(evs[0]["SUMMARY"]), str(evs[-1]["SUMMARY"])

    assert first("ko") == ("도착: Seoul Incheon (ICN)발 항공편 OZ369",
                           "출발: Seoul Incheon (ICN)행 항공편 OZ370")
    assert first("en") == ("Arrival: Flight OZ369 from Seoul Incheon (ICN)",
                           "Departure: Flight OZ370 to Seoul Incheon (ICN)")
    arrival, departure = first("zh")
    assert arrival.endswith("Seoul Incheon (ICN)出发的航班OZ369")
    assert departure.endswith("前往Seoul Incheon (ICN)的航班OZ370")


@pytest.mark.parametrize("lang, phone, email, expected", [
    ("zh", None, None, "联系人：李伟（Li Wei）"),
    ("zh", "+86 138", None, "联系人：李伟（Li Wei），+86 138"),
    ("zh", None, "li@x.example", "联系人：李伟（Li Wei），li@x.example"),
    ("en", None, None, "Contact: Li Wei (李伟)"),
    ("en", "+86 138", "li@x.example", "Contact: Li Wei (李伟), +86 138, li@x.example"),
    ("ko", None, "li@x.example", "담당자: Li Wei (李伟), li@x.example"),
])
def test_the_contact_line_holds_only_the_details_there_are(hanbit, lang, phone, email,
                                                           expected):
    """A contact without a phone or an email ends with the name, not with "，，" or ", ,";
    the guest reads the host's staff by the name they can read first, without honorific."""
    import dataclasses

    contact = dataclasses.replace(hanbit.host.contact, phone=phone, email=email)
    visit = dataclasses.replace(hanbit, host=dataclasses.replace(hanbit.host, contact=contact))
    description = str(events(build_ics(visit, lang, dtstamp=STAMP))[1]["DESCRIPTION"])
    assert description.splitlines()[-1] == expected


def test_the_home_clock_is_named_as_people_say_it(hanbit):
    """zone.KR of the locale files, not CLDR's 대한민국 시간 / South Korea Time."""
    def home(lang):
        return str(events(build_ics(hanbit, lang, dtstamp=STAMP))[0]["DESCRIPTION"])

    assert "한국 시간 11:35" in home("ko") and "대한민국" not in home("ko")
    assert "Korea time 11:35" in home("en") and "South Korea" not in home("en")
    assert "韩国时间11:35" in home("zh")


@pytest.mark.parametrize("lang, expected", [
    ("th", "ผู้ประสานงาน: Li Wei อีเมล li@x.example"),
    ("ar", "جهة الاتصال: \u2068Li Wei\u2069، \u2068li@x.example\u2069"),
    ("ja", "ご連絡先：Li Wei、li@x.example"),
])
def test_a_missing_detail_takes_its_label_or_comma_with_it(lang, expected):
    from visitplan.documents.calendar import contact_details

    assert contact_details(lang, "Li Wei", None, "li@x.example") == expected
