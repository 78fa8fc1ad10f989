"""The warnings of `visitplan check`: the table of cases in tests/advice_cases/, the
command line (exit codes, --strict, --date, --json), late planning against ticked tasks,
derived Latin names, the Ramadan notes for the staff brief, and the wording files.

Each tests/advice_cases/NAME.yaml says on a `# date:` line the day to check it on; NAME.expected
holds exactly the lines `visitplan check` must print (nothing else). Set
UPDATE_ADVICE_CASES=1 to rewrite the .expected files from the current output, then
review the diff before committing it.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from visitplan.rules import advice
from visitplan.api import Session
from visitplan.visit.model import ScheduleItem, load_visit

CASES = Path(__file__).parents[1] / "advice_cases"
CASE_FILES = sorted(CASES.glob("*.yaml"))


def _case_date(path: Path) -> str:
    match = re.search(r"^# date: (\d{4}-\d\d-\d\d)$", path.read_text(encoding="utf-8"), re.M)
    assert match, f"{path.name} has no '# date: YYYY-MM-DD' line"
    return match.group(1)


def _stderr_lines(result, folder: Path) -> list[str]:
    prefix = str(folder) + os.sep
    return [line.replace(prefix, "") for line in result.stderr.splitlines()]


def test_every_case_has_its_expected_lines():
    assert CASE_FILES, "no cases found"
    for path in CASE_FILES:
        assert path.with_suffix(".expected").is_file(), f"{path.name} has no .expected file"


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case_gives_exactly_its_warnings(path, run):
    result = run("check", "--date", _case_date(path), path)
    lines = _stderr_lines(result, path.parent)
    expected_file = path.with_suffix(".expected")
    if os.environ.get("UPDATE_ADVICE_CASES"):
        expected_file.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert lines == expected
    if any(": warning: " not in line for line in lines):    # an error among them
        assert result.exit_code == 2 and result.stdout == ""
        return
    assert result.exit_code == 0
    count = len(lines)
    summary = f"{path}: ok" + (f" ({count} warning{'s' if count > 1 else ''})" if count else "")
    assert result.stdout.strip() == summary

    strict = run("check", "--strict", "--date", _case_date(path), path)
    assert strict.exit_code == (2 if expected else 0)
    assert _stderr_lines(strict, path.parent) == expected

# ---------------------------------------------------------------- helpers


def write_visit(folder: Path, name: str = "visit.yaml", *, guests=None, arrival="2026-11-17 10:00",
                departure="2026-11-19 17:00", schedule=(), extra: str = "",
                staff_language="en", hotel=True) -> Path:
    guests = guests or ["{name: Anna Schneider, country: DE, email: anna@example.com}"]
    lines = ["title: Test visit", "timezone: Asia/Shanghai", f"staff_language: {staff_language}",
             "host: {company: Brightway, country: CN, contact: {name: Li Wei}}", "guests:"]
    lines += [f"  - {g}" for g in guests]
    lines += [f"arrival: {{by: car, at: {arrival}}}", f"departure: {{by: car, at: {departure}}}"]
    if hotel:
        lines.append("hotel: {name: InterContinental Shenzhen}")
    if schedule:
        lines.append("schedule:")
        lines += [f"  - {s}" for s in schedule]
    path = folder / name
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def write_config(folder: Path, **settings_) -> Path:
    path = folder / "visitplan.yaml"
    data = {"state": str(folder / "state.sqlite3"), **settings_}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


PROFILE = """\
name: planning-test
title: {zh: 测试, en: Planning test, ko: 테스트}
applies_when:
  - {guest.country: DE}
tasks:
  - id: pt-hotel
    department: admin
    place: company
    anchor: arrival
    offset: -20d
    text: {zh: 预订酒店。, en: Book the hotel., ko: 호텔을 예약하세요.}
  - id: pt-car
    department: admin
    place: pickup
    anchor: arrival
    offset: -15d
    text: {zh: 订车。, en: Book the car for the pickup., ko: 차를 예약하세요.}
  - id: pt-badges
    department: reception
    place: company
    anchor: arrival
    offset: -12d
    text: {zh: 准备胸卡。, en: "Print the visitor badges, one per guest, with the name in Latin letters and the company, and hand them to reception.", ko: 출입증을 준비하세요.}
  - id: pt-slides
    department: sales
    place: company
    anchor: arrival
    offset: -10d
    text: {zh: 准备幻灯片。, en: Prepare the slides., ko: 슬라이드를 준비하세요.}
  - id: pt-thanks
    department: sales
    place: followup
    anchor: departure
    offset: +1d
    text: {zh: 发感谢信。, en: Send the thank-you note., ko: 감사 편지를 보내세요.}
"""


@pytest.fixture
def planning(tmp_path):
    """A configuration with a profile of its own whose tasks fall due 20, 15, 12 and 10
    days before arrival (before any built-in task), and a visit arriving 2026-11-17."""
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "planning-test.yaml").write_text(PROFILE, encoding="utf-8")
    config = write_config(tmp_path, profiles=str(profiles))
    return config, write_visit(tmp_path)

# ---------------------------------------------------------------- late planning


def test_late_tasks_are_those_due_before_the_day_and_not_ticked(planning):
    config, path = planning
    session = Session.open(str(config))
    visit = session.load_visit(path)
    plan = session.plan(visit)
    # 2026-11-05 is 12 days before arrival: the -20d and -15d tasks are past, -12d is today
    late = advice.late_tasks(plan, dt.date(2026, 11, 5))
    assert [t.id for t in late] == ["pt-hotel"]
    late = advice.late_tasks(plan, dt.date(2026, 11, 6))
    assert [t.id for t in late] == ["pt-hotel", "pt-badges"]
    assert [t.id for t in advice.late_tasks(plan, dt.date(2026, 11, 6), done={"pt-hotel"})] \
        == ["pt-badges"]
    assert all(t.due.date() < dt.date(2026, 11, 6) for t in late)


def test_late_planning_lists_tasks_with_due_dates_and_ids(planning, run):
    config, path = planning
    result = run("--config", config, "check", "--date", "2026-11-08", path)
    assert result.exit_code == 0
    [line] = [x for x in result.stderr.splitlines() if "preparation task" in x]
    assert line.startswith(f"{path}:")
    assert ": warning: arrival.at: 3 preparation tasks were due before today: " in line
    # the slides (-10d) fell on Saturday 7 Nov: whole-day tasks land on the previous working day
    assert ("Book the hotel (due 28 Oct) [pt-hotel]; "
            "Print the visitor badges, one per guest, with the name in… "
            "(due 5 Nov) [pt-badges]; Prepare the slides (due 6 Nov) [pt-slides]; ") in line
    assert line.endswith("; do them today, or tick those already done with `visitplan done`")
    # the -15d task is a pickup task and the visit has no pickup: not in the plan at all
    assert "pt-car" not in line
    strict = run("--config", config, "check", "--strict", "--date", "2026-11-08", path)
    assert strict.exit_code == 2


def test_late_planning_counts_more_than_three(planning, run):
    config, path = planning
    result = run("--config", config, "check", "--date", "2026-11-16", path)
    [line] = [x for x in result.stderr.splitlines() if "preparation task" in x]
    late = [t for t in Session.open(str(config)).plan(load_visit(path)).tasks
            if t.due.date() < dt.date(2026, 11, 16) and t.place != "followup"]
    assert len(late) > 3
    assert f": {len(late)} preparation tasks were due before today: " in line
    assert f"; and {len(late) - 3} more; do them today" in line


def test_no_late_warning_before_anything_is_due_or_after_the_visit(planning, run):
    config, path = planning
    for day in ("2026-10-28", "2026-11-20", "2027-01-01"):
        result = run("--config", config, "check", "--date", day, path)
        assert "preparation task" not in result.stderr, day
    # the follow-up task is late after the visit but is not a preparation task
    assert "thank-you" not in run("--config", config, "check", "--date", "2026-11-25",
                                  path).stderr


def test_ticked_tasks_are_not_late(planning, run):
    from visitplan.cron.state import State

    config, path = planning
    with State(Path(config).parent / "state.sqlite3") as state:
        state.tick("visit", "pt-hotel")
    result = run("--config", config, "check", "--date", "2026-11-06", path)
    assert ": 1 preparation task was due before today: Print the visitor badges" in result.stderr
    assert "pt-hotel" not in result.stderr


def test_check_does_not_create_the_state_store(planning, run):
    config, path = planning
    run("--config", config, "check", "--date", "2026-11-08", path)
    assert not (Path(config).parent / "state.sqlite3").exists()


def test_late_planning_defaults_to_today(tmp_path, run):
    today = dt.date.today()
    path = write_visit(tmp_path, arrival=f"{today + dt.timedelta(days=2)} 10:00",
                       departure=f"{today + dt.timedelta(days=3)} 17:00")
    session = Session.open(None)
    plan = session.plan(session.load_visit(path))
    late = [t for t in advice.late_tasks(plan, today) if t.place != "followup"]
    assert late, "the built-in profiles have tasks due more than two days ahead"
    result = run("check", path)
    assert re.search(rf": {len(late)} preparation tasks? (was|were) due before today: ",
                     result.stderr)

# ---------------------------------------------------------------- command line


def test_check_json_marks_warnings(tmp_path, run):
    path = write_visit(tmp_path, hotel=False)
    result = run("check", "--json", "--date", "2026-10-01", path)
    assert result.exit_code == 0
    import json

    [entry] = json.loads(result.stdout)
    assert entry["ok"] is True
    assert [(p["severity"], p["field"]) for p in entry["problems"]] == [("warning", "hotel")]


def test_errors_still_fail_and_warnings_of_valid_files_print(tmp_path, run):
    good = write_visit(tmp_path, "good.yaml", hotel=False)
    bad = write_visit(tmp_path, "bad.yaml", departure="2026-11-16 10:00")
    result = run("check", "--date", "2026-10-01", good, bad)
    assert result.exit_code == 2
    assert f"{good}:" in result.stderr and ": warning: hotel: " in result.stderr
    assert f"{bad}:" in result.stderr and "is not after arrival" in result.stderr


def test_office_hours_come_from_the_configuration(tmp_path, run):
    config = write_config(tmp_path, office_hours={"start": "09:00", "end": "17:00"})
    path = write_visit(tmp_path, schedule=[
        "{at: 2026-11-18 08:30, until: 2026-11-18 10:00, kind: factory, what: Line tour}",
        "{at: 2026-11-18 16:00, until: 2026-11-18 18:00, kind: meeting, what: Review}",
        "{at: 2026-11-18 12:00, until: 2026-11-18 13:00, kind: meeting, what: Lunch talk}",
    ])
    result = run("--config", config, "check", "--date", "2026-10-01", path)
    warnings = [x for x in result.stderr.splitlines() if "office hours" in x]
    assert len(warnings) == 2
    assert "schedule[0].at: 'Line tour' (2026-11-18 08:30–10:00) runs outside office hours " \
        "(09:00–17:00)" in warnings[0]
    assert "schedule[1].at: 'Review' (2026-11-18 16:00–18:00)" in warnings[1]


def test_an_item_across_midnight_is_outside_office_hours(tmp_path):
    path = write_visit(tmp_path, schedule=[
        "{at: 2026-11-18 17:00, until: 2026-11-19 09:00, kind: factory, what: Night shift}"])
    visit = load_visit(path)
    [problem] = advice.schedule_warnings(visit)
    assert problem.message.startswith("'Night shift' (2026-11-18 17:00–2026-11-19 09:00) runs "
                                      "outside office hours (08:00–19:00)")


def test_warnings_in_chinese_and_korean(tmp_path):
    path = write_visit(tmp_path, hotel=False, guests=["{name: 김민준, country: KR}"])
    visit = load_visit(path, latin_name=advice.derived_name_latin)
    session = Session.open(None)
    plan = session.plan(visit)
    zh = advice.advise(visit, plan, dt.date(2026, 10, 1), session.config, lang="zh")
    ko = advice.advise(visit, plan, dt.date(2026, 10, 1), session.config, lang="ko")
    # in the order of the lines they point at: hotel (missing, so the top), guests, the name
    assert [p.field for p in zh] == ["hotel", "guests", "guests[0].name"]
    assert zh[0].message.startswith("客人停留2晚，但未填写酒店")
    assert zh[2].message == "未填写`name_latin`；已自动拼写为“Kim Minjun”，请按客人护照核对拼写"
    assert ko[0].message.startswith("손님이 2박 머무르는데 호텔이 없습니다")
    assert ko[1].message.startswith("이메일이 있는 손님이 없고")

# ---------------------------------------------------------------- names


def test_derived_latin_names_are_stored_on_the_guest(tmp_path):
    path = write_visit(tmp_path, guests=[
        "{name: 박지훈, country: KR}", "{name: 이서연, name_latin: Lee Seo-yeon, country: KR}",
        "{name: 王建国, country: CN}", "{name: 佐藤健一, country: JP}",
        "{name: 張大明, country: TW}", "{name: Ahmad bin Ismail, country: MY}"])
    guests = load_visit(path, latin_name=advice.derived_name_latin).guests
    assert [(g.name_latin, g.name_latin_derived) for g in guests] == [
        ("Park Jihun", True), ("Lee Seo-yeon", False), ("Wang Jianguo", True),
        (None, False), (None, False), (None, False)]


def test_derived_name_latin_uses_the_names_module():
    from visitplan.rules.names import romanize

    for name, country in (("김민준", "KR"), ("최지우", "US"), ("王建国", "CN"),
                          ("欧阳娜娜", "CA")):
        assert advice.derived_name_latin(name, country) == romanize(name)
        assert advice.derived_name_latin(name, country)
    for name, country in (("佐藤健一", "JP"), ("陳大文", "HK"), ("金民俊", "KR"),
                          ("Thomas Müller", "DE"), ("Олег", "RU")):
        assert advice.derived_name_latin(name, country) is None

# ---------------------------------------------------------------- Ramadan notes


def test_extra_notes_for_halal_guests_in_ramadan(tmp_path):
    from hijridate import Hijri

    from visitplan.rules.engine import Note

    start = Hijri(1448, 9, 1).to_gregorian()
    start = dt.date(start.year, start.month, start.day)
    path = write_visit(tmp_path, arrival=f"{start + dt.timedelta(days=10)} 10:00",
                       departure=f"{start + dt.timedelta(days=12)} 17:00",
                       guests=["{name: Ahmad bin Ismail, country: MY, diet: [halal]}"])
    notes = advice.extra_notes(load_visit(path), dt.date(2027, 1, 1))
    assert [(type(n), n.profile, n.topic, n.id) for n in notes] == [
        (Note, "halal", "meals", "ramadan-1448-meals"),
        (Note, "halal", "prayer", "ramadan-1448-prayer")]
    meals, prayer = notes
    assert set(meals.text) == {"zh", "en", "ko"}
    assert meals.text["en"].startswith("This visit (18 February 2027 to 20 February 2027) "
                                       "falls in Ramadan 1448 AH (8 February 2027 to "
                                       "8 March 2027;")
    for word in ("iftar", "suhoor", "in front of them"):
        assert word in meals.text["en"]
    assert "2027年2月18日至2027年2月20日" in meals.text["zh"]
    assert "开斋饭" in meals.text["zh"] and "封斋饭" in meals.text["zh"]
    assert "이프타르" in meals.text["ko"] and "수후르" in meals.text["ko"]
    assert "afternoons light" in prayer.text["en"]


def test_no_extra_notes_without_halal_guests_or_outside_ramadan(tmp_path):
    in_ramadan = dict(arrival="2027-02-20 10:00", departure="2027-02-22 17:00")
    plain = write_visit(tmp_path, "plain.yaml", **in_ramadan)
    assert advice.extra_notes(load_visit(plain)) == []
    autumn = write_visit(tmp_path, "autumn.yaml", guests=[
        "{name: Ahmad bin Ismail, country: MY, diet: [halal]}"])
    assert advice.extra_notes(load_visit(autumn)) == []

# ---------------------------------------------------------------- overlaps (hypothesis)


BASE = dt.datetime(2026, 11, 18, 8, 0, tzinfo=dt.timezone.utc)


def _item(start, length):
    at = BASE + dt.timedelta(minutes=start)
    until = at + dt.timedelta(minutes=length) if length else None
    return ScheduleItem(index=0, at=at, kind="meeting", what="x", until=until)


def _minutes(start, length):
    return set(range(start, start + length))


@given(st.integers(0, 300), st.integers(0, 120), st.integers(0, 300), st.integers(0, 120))
@settings(max_examples=300)
def test_overlap_matches_shared_minutes(s1, n1, s2, n2):
    a, b = _item(s1, n1), _item(s2, n2)
    assert advice.overlaps(a, b) == advice.overlaps(b, a)
    if n1 and n2:
        expected = bool(_minutes(s1, n1) & _minutes(s2, n2))
    elif n1:            # b is a moment: inside a, or at a's start
        expected = s1 < s2 < s1 + n1 or s1 == s2
    elif n2:
        expected = s2 < s1 < s2 + n2 or s1 == s2
    else:
        expected = s1 == s2
    assert advice.overlaps(a, b) == expected

# ---------------------------------------------------------------- wording


OFFERED_SLOTS = {   # keys whose callers pass more slots than one language uses
    "advice.date.day_month": {"day", "mon", "month"},        # a month name or its number
    "doc.date.range_same_year": {"short_start", "long_start", "short_end", "long_end"},
    "date.range_same_year": {"short_start", "long_start", "short_end", "long_end"},
    "sign.name": {"name", "spaced"},                        # as written, or spaced (ja)
    "handbook.cite": {"part", "chinese"},          # zh cites as written, en/ko title it first
}


def test_every_key_has_the_staff_languages_with_the_same_fields():
    from visitplan.text.i18n import staff_languages, strings

    formatter = string.Formatter()
    for key, texts in strings().items():
        assert set(texts) >= set(staff_languages()), key
        fields = {lang: {f for _, f, _, _ in formatter.parse(text) if f}
                  for lang, text in texts.items()}
        offered = OFFERED_SLOTS.get(key)
        if offered:        # the code offers several forms; each language takes its own
            assert all(f <= offered for f in fields.values()), key
        else:
            assert all(f == fields["en"] for f in fields.values()), key


def test_every_advice_key_is_used():
    source = "".join(p.read_text(encoding="utf-8") for p in
                     (Path(advice.__file__), Path(advice.__file__).with_name(
                         "holidays_check.py")))
    from visitplan.text.i18n import strings

    for key in (k for k in strings() if k.startswith("advice.")):
        stem = key.rsplit(".", 1)[0] + "."
        assert (f'"{key}"' in source or stem + "{" in source
                or f'f"{stem}' in source), key
