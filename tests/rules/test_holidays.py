"""Holiday, Ramadan and Eid warnings for 2026-2028, checked against the `holidays`
package's own dates and `hijridate`'s Umm al-Qura calendar (computed here, never typed)."""
from __future__ import annotations

import datetime as dt
import re

import holidays
import pytest
from hijridate import Gregorian, Hijri
from hypothesis import given, settings
from hypothesis import strategies as st

from visitplan.rules import advice
from visitplan.rules.holidays_check import WorkCalendar, hijri_spans, holiday_spans
from visitplan.visit.model import load_visit

YEARS = (2026, 2027, 2028)
DAY = dt.timedelta(days=1)
SPAN = re.compile(r"\((?P<country>[A-Z]{2}), (?P<start>\d{4}-\d\d-\d\d)"
                  r"(?: to (?P<end>\d{4}-\d\d-\d\d))?\)")


def package(country: str, year: int, language: str = "en_US"):
    return holidays.country_holidays(country, years=year, language=language)


def days_named(country: str, year: int, test) -> list[dt.date]:
    """The package's days in a year with a name for which test(name) holds."""
    cal = package(country, year)
    return sorted(d for d in cal if any(test(n) for n in cal.get_list(d)))


def gregorian(hijri: Hijri) -> dt.date:
    g = hijri.to_gregorian()
    return dt.date(g.year, g.month, g.day)


def visit_on(tmp_path, first: dt.date, last: dt.date | None = None, *, guest_country="DE",
             host_country="CN", staff_language="en", diet=None, name="visit.yaml"):
    last = last or first
    diet_text = f", diet: [{diet}]" if diet else ""
    path = tmp_path / name
    path.write_text(f"""title: Holiday test
timezone: Asia/Shanghai
staff_language: {staff_language}
host: {{company: Host Co, country: {host_country}, contact: {{name: Li Wei}}}}
guests:
  - {{name: Guest One, country: {guest_country}, email: guest@example.com{diet_text}}}
arrival: {{by: car, at: {first} 09:00}}
departure: {{by: car, at: {last} 17:00}}
hotel: {{name: Hotel}}
""", encoding="utf-8")
    return load_visit(path)


def spans_in(problems, country: str):
    """(start, end, message) of each holiday warning for a country."""
    found = []
    for p in problems:
        m = SPAN.search(p.message)
        if m and m.group("country") == country:
            start = dt.date.fromisoformat(m.group("start"))
            end = dt.date.fromisoformat(m.group("end") or m.group("start"))
            found.append((start, end, p.message))
    return found


def covering(problems, country: str, day: dt.date):
    hits = [(s, e, msg) for s, e, msg in spans_in(problems, country) if s <= day <= e]
    assert len(hits) == 1, (country, day, [p.message for p in problems])
    return hits[0]

# ---------------------------------------------------------------- Korea


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("holiday,korean", [("Korean New Year", "설날"), ("Chuseok", "추석")])
def test_seollal_and_chuseok_for_korean_guests(tmp_path, year, holiday, korean):
    main_days = days_named("KR", year, lambda n: n == holiday)
    assert main_days, f"the package has no {holiday} in {year}"
    for day in days_named("KR", year, lambda n: holiday in n):
        visit = visit_on(tmp_path, day, guest_country="KR")
        start, end, message = covering(advice.holiday_warnings(visit), "KR", day)
        # a span may run into the next holiday (Chuseok and National Foundation Day, 2028)
        names = message.removeprefix("the stay overlaps ").split(" (KR, ")[0]
        assert holiday in names.split(", ")
        assert "a public holiday in South Korea; guests from there may prefer other dates" \
            in message
        assert start in package("KR", start.year) and end in package("KR", end.year)
    # in Korean where the staff speak it, with the English name beside it
    visit = visit_on(tmp_path, main_days[0], guest_country="KR", staff_language="ko")
    _, _, message = covering(advice.holiday_warnings(visit), "KR", main_days[0])
    assert korean in package("KR", year, "ko").get_list(main_days[0])
    assert message.startswith("the stay overlaps ") and f"{korean} / {holiday}" in message
    # the same in Korean wording
    ko = advice.holiday_warnings(visit, "ko")
    assert any(p.message.startswith("방문 기간이 ") and korean in p.message.split("(KR, ")[0]
               for p in ko)

# ---------------------------------------------------------------- China


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("holiday", ["Tomb-Sweeping Day", "Labor Day"])
def test_qingming_and_labour_day_in_china(tmp_path, year, holiday):
    days = days_named("CN", year, lambda n: n.startswith(holiday))
    assert days
    local = package("CN", year, "zh_CN")[days[0]]
    for day in days:
        visit = visit_on(tmp_path, day, staff_language="zh")
        start, end, message = covering(advice.holiday_warnings(visit), "CN", day)
        assert start == days[0] or start in package("CN", year)
        assert message.startswith(f"the stay overlaps {local} / {holiday} (CN, {start}")
        assert "a public holiday where you host" in message


@pytest.mark.parametrize("year", YEARS)
def test_national_day_golden_week_is_the_whole_week(tmp_path, year):
    national = days_named("CN", year, lambda n: n.startswith("National Day"))
    assert dt.date(year, 10, 1) in national
    assert set(national) <= {dt.date(year, 10, d) for d in range(1, 8)}
    for d in range(1, 8):
        day = dt.date(year, 10, d)
        visit = visit_on(tmp_path, day)
        start, end, message = covering(advice.holiday_warnings(visit), "CN", day)
        assert (start, end) == (dt.date(year, 10, 1), dt.date(year, 10, 7))
        assert message.startswith("the stay overlaps National Day Golden Week")
    # the day after is a working day again, unless the package itself says otherwise
    after = dt.date(year, 10, 8)
    if after not in package("CN", year):
        assert spans_in(advice.holiday_warnings(visit_on(tmp_path, after)), "CN") == []


@pytest.mark.parametrize("year", YEARS)
def test_spring_festival_holiday_runs_from_new_years_eve_to_the_seventh_day(tmp_path, year):
    festival = days_named("CN", year, lambda n: n.startswith("Chinese New Year (Spring"))
    assert festival
    first = festival[0]
    eve, seventh = first - DAY, first + 6 * DAY
    for day in set(festival) | {eve, seventh}:
        visit = visit_on(tmp_path, day, staff_language="zh")
        start, end, message = covering(advice.holiday_warnings(visit), "CN", day)
        assert start <= eve and end >= max(seventh, festival[-1])
        assert message.startswith("the stay overlaps 春节假期 / Spring Festival holiday (CN, ")

# ---------------------------------------------------------------- Eid, national days, Christmas


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("country", ["MY", "ID", "SA", "AE", "TR", "PK", "EG"])
def test_eids_of_muslim_majority_countries(tmp_path, year, country):
    for word in ("Fitr", "Adha"):
        days = days_named(country, year, lambda n: word in n)
        assert days, f"{country} {year} lists no Eid al-{word}"
        first = days[0]
        problems = advice.holiday_warnings(visit_on(tmp_path, first, guest_country=country))
        _, _, message = covering(problems, country, first)
        assert word in message and "Eid" in message


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("country,holiday", [
    ("KR", "National Foundation Day"), ("MY", "National Day"), ("ID", "Independence Day"),
    ("DE", "German Unity Day"), ("US", "Independence Day"), ("VN", "National Day"),
    ("SA", "National Day Holiday"), ("TR", "Republic Day")])
def test_national_days(tmp_path, year, country, holiday):
    days = days_named(country, year, lambda n: n == holiday)
    assert days
    visit = visit_on(tmp_path, days[0], guest_country=country)
    _, _, message = covering(advice.holiday_warnings(visit), country, days[0])
    assert holiday in message


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("country", ["DE", "GB", "US", "KR", "PH"])
def test_christmas(tmp_path, year, country):
    days = days_named(country, year, lambda n: n == "Christmas Day")
    assert days
    visit = visit_on(tmp_path, days[0], guest_country=country)
    _, _, message = covering(advice.holiday_warnings(visit), country, days[0])
    assert "Christmas Day" in message


def test_host_and_guest_countries_each_get_their_own_warning(tmp_path):
    # 2027-09-15: Chuseok in Korea and the Mid-Autumn Festival in China
    problems = advice.holiday_warnings(visit_on(tmp_path, dt.date(2027, 9, 15),
                                                guest_country="KR"))
    assert [m.split(",")[0] for _, _, m in spans_in(problems, "CN")] == \
        ["the stay overlaps Mid-Autumn Festival (CN"]
    assert [m.split(",")[0] for _, _, m in spans_in(problems, "KR")] == \
        ["the stay overlaps Chuseok (KR"]
    assert len(problems) == 2
    assert all(p.field == "arrival.at" and p.severity == "warning" for p in problems)


def test_a_quiet_week_gives_no_holiday_warning(tmp_path):
    for year in YEARS:
        for country in ("KR", "DE", "MY"):
            first = dt.date(year, 11, 16)
            while any(d in package(c, year) for c in ("CN", country)
                      for d in (first + i * DAY for i in range(3))):
                first += DAY
            visit = visit_on(tmp_path, first, first + 2 * DAY, guest_country=country)
            assert advice.holiday_warnings(visit) == []


def test_a_country_the_package_does_not_know_gives_no_warning(tmp_path):
    from visitplan.visit.fields import country_codes

    unknown = sorted(c for c in country_codes() if c not in
                     holidays.list_supported_countries())
    assert unknown
    assert holiday_spans(unknown[0], dt.date(2026, 12, 20), dt.date(2026, 12, 31)) == []


COUNTRIES = ["KR", "DE", "US", "MY", "JP", "GB", "SA", "ID", "TR"]


@given(country=st.sampled_from(COUNTRIES),
       first=st.dates(dt.date(2026, 1, 1), dt.date(2028, 12, 31)),
       length=st.integers(0, 6))
@settings(max_examples=150, deadline=None)
def test_spans_agree_with_the_package(country, first, length):
    last = first + length * DAY
    cal = holidays.country_holidays(country, years=range(first.year - 1, last.year + 2))
    spans = holiday_spans(country, first, last)
    for span in spans:
        assert span.touches(first, last)
        assert span.start in cal and span.end in cal
        assert span.names
        for i in range((span.end - span.start).days + 1):
            day = span.start + i * DAY
            assert day in cal or day.weekday() in cal.weekend
    day = first
    while day <= last:
        if day in cal:
            assert sum(s.start <= day <= s.end for s in spans) == 1, day
        day += DAY

# ---------------------------------------------------------------- Ramadan and Eid


def ramadan(year: int) -> tuple[dt.date, dt.date]:
    start = Hijri(year, 9, 1)
    first = gregorian(start)
    return first, first + (start.month_length() - 1) * DAY


@pytest.mark.parametrize("hijri_year", [1447, 1448, 1449, 1450])
def test_ramadan_for_halal_guests(tmp_path, hijri_year):
    first, last = ramadan(hijri_year)
    visit = visit_on(tmp_path, first - DAY, first + DAY, guest_country="MY", diet="halal")
    ramadan_warnings = [p for p in advice.islamic_calendar_warnings(visit)
                        if "Ramadan" in p.message]
    assert [p.message.split(":")[0] for p in ramadan_warnings] == [
        f"the stay falls in Ramadan {hijri_year} AH on {first} to {first + DAY} "
        f"({first} to {last} by the Umm al-Qura calendar; the guests' own dates may differ "
        f"by a day)"]
    assert ramadan_warnings[0].field == "guests[0].diet"
    assert "iftar" in ramadan_warnings[0].message
    # the whole stay inside Ramadan
    visit = visit_on(tmp_path, first + 3 * DAY, first + 5 * DAY, diet="halal")
    assert any(p.message.startswith(f"the whole stay falls in Ramadan {hijri_year} AH")
               for p in advice.islamic_calendar_warnings(visit))
    # the day before Ramadan, or a guest who does not eat halal: nothing about Ramadan
    before = visit_on(tmp_path, first - 2 * DAY, first - DAY, diet="halal")
    assert not any("Ramadan" in p.message for p in advice.islamic_calendar_warnings(before))
    plain = visit_on(tmp_path, first, first + DAY, diet="vegetarian")
    assert advice.islamic_calendar_warnings(plain) == []


@pytest.mark.parametrize("hijri_year", [1447, 1448, 1449])
@pytest.mark.parametrize("key,month,day,length,name", [
    ("fitr", 10, 1, 3, "Eid al-Fitr"), ("adha", 12, 10, 4, "Eid al-Adha")])
def test_eid_for_halal_guests_whose_country_lacks_it(tmp_path, hijri_year, key, month, day,
                                                      length, name):
    first = gregorian(Hijri(hijri_year, month, day))
    last = first + (length - 1) * DAY
    for country in ("CN", "DE", "KR"):
        assert not any(word in n for d in package(country, first.year)
                       for n in package(country, first.year).get_list(d)
                       for word in ("Fitr", "Adha"))
        visit = visit_on(tmp_path, first, guest_country=country, diet="halal")
        eid = [p for p in advice.islamic_calendar_warnings(visit) if name in p.message]
        assert [p.message.split(";")[0] for p in eid] == [
            f"the stay overlaps {name} ({first} to {last} by the Umm al-Qura calendar"]
        assert "guests who eat halal (Guest One)" in eid[0].message
    # a halal guest from a country whose calendar keeps the Eid on the days of the stay gets
    # the country's warning, not a second one from the Hijri calendar
    word = name.split("-")[1]
    malaysia = days_named("MY", first.year, lambda n: word in n)
    day = min(malaysia, key=lambda d: abs(d - first))
    visit = visit_on(tmp_path, day, guest_country="MY", diet="halal")
    assert not any(name in p.message for p in advice.islamic_calendar_warnings(visit))
    assert any(name in m for _, _, m in spans_in(advice.holiday_warnings(visit), "MY"))
    # on a day of the Hijri Eid that Malaysia's calendar does not keep, the Hijri one warns
    others = [first + i * DAY for i in range(length) if first + i * DAY not in
              package("MY", first.year)]
    if others:
        visit = visit_on(tmp_path, others[0], guest_country="MY", diet="halal")
        assert any(name in p.message for p in advice.islamic_calendar_warnings(visit))


@given(first=st.dates(dt.date(2026, 1, 1), dt.date(2028, 12, 31)), length=st.integers(0, 40))
@settings(max_examples=200, deadline=None)
def test_ramadan_days_match_the_hijri_calendar_day_by_day(first, length):
    last = first + length * DAY
    spans = [s for s in hijri_spans(first, last) if s.key == "ramadan"]
    found = set()
    for span in spans:
        lo, hi = span.days_within(first, last)
        found |= {lo + i * DAY for i in range((hi - lo).days + 1)}
    expected = {first + i * DAY for i in range(length + 1)
                if Gregorian.fromdate(first + i * DAY).to_hijri().month == 9}
    assert found == expected


def test_hijri_spans_outside_the_calendar_are_empty():
    assert hijri_spans(dt.date(1900, 1, 1), dt.date(1900, 2, 1)) == []
    assert hijri_spans(dt.date(2090, 1, 1), dt.date(2090, 2, 1)) == []

# ---------------------------------------------------------------- working days


@pytest.mark.parametrize("year", (2026, 2027))
def test_china_working_days_follow_the_package_with_its_make_up_days(year):
    """Every public holiday the package lists is a day off; every make-up working day
    (调休, a Saturday or Sunday worked) the package lists is a working day; other days go
    by the Monday-to-Friday week."""
    calendar = WorkCalendar(country="CN")
    cal = holidays.China(years=year)
    worked = {d for d in cal.weekend_workdays if d.year == year}
    if year == 2026:
        assert worked, "the package knows China's 2026 make-up working days"
    day = dt.date(year, 1, 1)
    while day.year == year:
        expected = day not in cal and (day.weekday() < 5 or day in worked)
        assert calendar.is_working(day) is expected, day
        day += DAY
    for off in cal:
        before = calendar.previous_working(off)
        assert before < off and calendar.is_working(before)
        assert all(not calendar.is_working(before + i * DAY)
                   for i in range(1, (off - before).days + 1))


def test_a_work_week_and_no_holiday_calendar():
    six = WorkCalendar(("mon", "tue", "wed", "thu", "fri", "sat"), None)
    assert six.is_working(dt.date(2026, 10, 3)) and not six.is_working(dt.date(2026, 10, 4))
    assert six.is_working(dt.date(2026, 10, 1))          # no country: National Day worked
    assert six.next_working(dt.date(2026, 10, 4)) == dt.date(2026, 10, 5)
    with pytest.raises(ValueError):
        WorkCalendar((), None).previous_working(dt.date(2026, 10, 4))
