"""Right task, right day, right person (issue 11): due dates on the host's working days,
true anchors, one duty listed once, rules replaced under a condition (Ramadan), and
reminders that stop nagging once the guests have arrived.

The schedule tables in tests/schedule_cases/ were written by scripts/schedule-report.py
--cases, then read line by line against the handbook before they were kept."""
from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from visitplan.api import Session
from visitplan.cron.due import (
    digest_days,
    due_items,
    due_text,
    is_followup,
    schedule_lines,
    tick,
    work_calendar,
)
from visitplan.cron.state import State
from visitplan.errors import ValidationFailed
from visitplan.rules.engine import load_registry, plan
from visitplan.rules.holidays_check import WorkCalendar, hijri_spans, stay_days
from visitplan.visit.config import Config

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CASES = Path(__file__).resolve().parents[1] / "schedule_cases"
STEMS = ("alnoor-halal", "hanbit-korean", "mueller-foreign-trade", "sakura-vip")
DAY = dt.timedelta(days=1)


@pytest.fixture
def session(tmp_path):
    return Session(config=Config(state=tmp_path / "state.sqlite3"))


def example(session, stem):
    path = EXAMPLES / f"{stem}.yaml"
    visit = session.load_visit(path)
    return path, visit, session.plan(visit)


def whole_day(task) -> bool:
    return "h" not in task.offset and "m" not in task.offset

# ---------------------------------------------------------------- the kept tables


@pytest.mark.parametrize("stem", STEMS)
def test_every_task_of_every_example_is_due_as_the_kept_table_says(session, stem):
    _, visit, the_plan = example(session, stem)
    kept = (CASES / f"{stem}.txt").read_text(encoding="utf-8").splitlines()
    assert schedule_lines(visit, the_plan) == kept

# ---------------------------------------------------------------- working days


@pytest.mark.parametrize("stem", STEMS)
def test_no_whole_day_task_falls_on_a_day_off_and_timed_ones_stay(session, stem):
    _, visit, the_plan = example(session, stem)
    calendar = work_calendar(session.config)
    blind = {t.id: t for t in plan(visit, session.registry, session.config.day_start).tasks}
    for task in the_plan.tasks:
        day = task.due.astimezone(visit.tz).date()
        if whole_day(task):
            assert calendar.is_working(day), (task.id, day)
        else:       # -1h, -30m: never moved
            assert task.due == blind[task.id].due, task.id


def write_visit(folder: Path, arrival: dt.datetime, days: int = 2, extra: str = "",
                guests: str = "  - {name: Anna Weber, country: DE, senior: true}\n",
                leader: bool = True, name: str = "visit.yaml") -> Path:
    departure = arrival + dt.timedelta(days=days, hours=3)
    kinds = (f"  - {{at: {arrival + dt.timedelta(hours=4):%Y-%m-%d %H:%M}, kind: showroom, "
             "what: Showroom}\n"
             f"  - {{at: {arrival + dt.timedelta(days=1):%Y-%m-%d} 09:00, kind: factory, "
             "what: Plant}\n"
             f"  - {{at: {arrival + dt.timedelta(days=1):%Y-%m-%d} 12:00, kind: meal, "
             "what: Lunch}\n")
    host_leader = ", leader: {name: Wang Jianguo}" if leader else ""
    path = folder / name
    path.write_text(
        "title: Schedule test\ntimezone: Asia/Shanghai\n"
        f"host: {{company: Brightway, country: CN, contact: {{name: Li Wei}}{host_leader}}}\n"
        f"guests:\n{guests}"
        f"arrival: {{by: train, at: {arrival:%Y-%m-%d %H:%M}, pickup: true}}\n"
        f"departure: {{by: flight, at: {departure:%Y-%m-%d %H:%M}}}\n"
        "hotel: {name: Hotel, booked_by: host}\ngifts: true\n"
        f"schedule:\n{kinds}{extra}", encoding="utf-8")
    return path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(day=st.dates(dt.date(2026, 1, 10), dt.date(2027, 12, 20)),
       minutes=st.integers(7 * 60, 20 * 60))
def test_a_day_off_moves_a_whole_day_task_to_the_nearest_working_day_before(tmp_path,
                                                                             day, minutes):
    """Any arrival in 2026-2027, China's calendar: each whole-day task is due on the last
    working day on or before its handbook date (after it, for a follow-up)."""
    registry = load_registry()
    calendar = WorkCalendar(country="CN")
    arrival = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))
    session = Session(config=Config())
    visit = session.load_visit(write_visit(tmp_path, arrival))
    blind = {t.id: t for t in plan(visit, registry).tasks}
    for task in session.plan(visit).tasks:
        if not whole_day(task):
            continue
        nominal = blind[task.id].due.date()
        due = task.due.date()
        assert calendar.is_working(due)
        lo, hi = sorted((due, nominal))
        skipped = [lo + i * DAY for i in range(1, (hi - lo).days)]
        if due != nominal:
            skipped.append(nominal)
        assert not any(calendar.is_working(d) for d in skipped), (task.id, nominal, due)
        assert (due >= nominal) if task.offset.startswith("+") else (due <= nominal)


def test_the_work_week_and_holiday_calendar_come_from_the_configuration(tmp_path):
    path = EXAMPLES / "hanbit-korean.yaml"
    six_days = Session(config=Config(work_week=("mon", "tue", "wed", "thu", "fri", "sat")))
    gifts = six_days.plan(six_days.load_visit(path)).task("ft-gifts-request")
    assert gifts.due.date() == dt.date(2026, 12, 5)          # -3d: a Saturday, worked
    default = Session(config=Config())
    assert default.plan(default.load_visit(path)).task("ft-gifts-request").due.date() \
        == dt.date(2026, 12, 4)
    # National Day 2026 is a holiday in China; with `holidays: none` only the week counts
    arrival = dt.datetime(2026, 10, 8, 10, 0)               # the Thursday after Golden Week
    visit_path = write_visit(tmp_path, arrival)
    cn = Session(config=Config())
    cn_due = cn.plan(cn.load_visit(visit_path)).task("std-day-before-call").due.date()
    assert cn_due == dt.date(2026, 9, 30)                   # 1-7 Oct off: the day before
    bare = Session(config=Config(holidays="none"))
    assert bare.plan(bare.load_visit(visit_path)).task("std-day-before-call").due.date() \
        == dt.date(2026, 10, 7)


def test_a_digest_covers_its_day_and_the_days_off_after_it():
    calendar = WorkCalendar(country="CN")
    assert digest_days(dt.date(2026, 12, 4), calendar) == [dt.date(2026, 12, 4),
                                                          dt.date(2026, 12, 5),
                                                          dt.date(2026, 12, 6)]
    assert digest_days(dt.date(2026, 12, 5), calendar) == []          # Saturday: none
    assert digest_days(dt.date(2026, 12, 7), calendar) == [dt.date(2026, 12, 7)]
    # the last working day before National Day carries the whole Golden Week
    golden = digest_days(dt.date(2026, 9, 30), calendar)
    assert golden[0] == dt.date(2026, 9, 30) and golden[-1] == dt.date(2026, 10, 7)
    # a make-up working day (调休) is a digest day of its own
    for worked in WorkCalendar(country="CN")._year(2026)[1]:
        assert digest_days(worked, calendar)[0] == worked

# ---------------------------------------------------------------- true anchors


@pytest.mark.parametrize("stem", STEMS)
def test_the_call_and_the_final_check_come_an_hour_before_the_guests_reach_us(session,
                                                                              stem):
    _, visit, the_plan = example(session, stem)
    on_site = min(i.at for i in visit.schedule if i.kind in ("showroom", "factory",
                                                              "meeting"))
    for task_id in ("ft-call-guest", "ft-final-check", "ft-welcome-screen"):
        assert the_plan.task(task_id).due == on_site - dt.timedelta(hours=1), task_id
    # the register and every follow-up come after the guests left
    for task in the_plan.tasks:
        if is_followup(task):
            assert task.due > visit.departure.at, task.id
    assert is_followup(the_plan.task("std-register"))
    # nothing falls due in the small hours
    assert all(t.due.astimezone(visit.tz).hour >= 7 for t in the_plan.tasks)


def test_an_early_train_puts_no_task_before_seven(tmp_path):
    session = Session(config=Config())
    visit = session.load_visit(write_visit(tmp_path, dt.datetime(2027, 4, 13, 8, 40)))
    early = [(t.id, t.due.time()) for t in session.plan(visit).tasks if t.due.hour < 7]
    assert early == []

# ---------------------------------------------------------------- one duty once


def test_a_duty_several_profiles_ask_for_is_listed_once(session):
    _, _, the_plan = example(session, "hanbit-korean")
    registry = session.registry
    ids = [t.id for t in the_plan.tasks]
    aliases = [a for t in the_plan.tasks for a in t.aliases]
    assert len(aliases) == len(set(aliases)) and set(ids) <= set(aliases)
    sign = the_plan.task("ft-pickup-sign")
    assert sign.id == "std-pickup-sign" and the_plan.task("ft-hr-sign") is sign
    assert set(sign.aliases) == {"std-pickup-sign", "ft-pickup-sign", "ft-hr-sign"}
    assert sign.sources == ["standard", "foreign-trade"] and sign.department == "admin"
    ft_sign = next(r for r in registry["foreign-trade"].tasks if r.id == "ft-pickup-sign")
    assert sign.text == ft_sign.text               # the most specific wording for admin
    food = the_plan.task("std-restaurant")
    assert {"ft-meals", "ft-hr-meals"} <= set(food.aliases) and food.department == "admin"
    hotel = the_plan.task("ft-hr-hotel")
    assert hotel.id == "std-hotel" and hotel.department == "admin"
    # the earliest member's due time: ft-hr-hotel (factory -3d) is later than -5d
    assert hotel.due.date() == dt.date(2026, 12, 3)
    assert the_plan.task("kr-titles").sources == ["standard", "korean"]


def test_vip_wording_wins_and_the_leader_task_fires_only_where_the_handbook_puts_it(
        session, tmp_path):
    _, _, sakura = example(session, "sakura-vip")
    photos = sakura.task("vip-photographer")
    assert photos.id == "ft-photographer" and photos.sources == ["foreign-trade", "vip"]
    assert photos.profile == "vip"
    leader = sakura.task("vip-leader-diary")
    assert leader.id == "ft-leader-attend" and leader.department == "leader"
    assert [t.id for t in sakura.tasks].count("ft-leader-attend") == 1
    arrival = dt.datetime(2027, 4, 13, 10, 0)
    received = session.plan(session.load_visit(write_visit(tmp_path, arrival)))
    assert received.task("ft-leader-attend")                 # senior guest, leader given
    no_leader = session.plan(session.load_visit(write_visit(tmp_path, arrival, leader=False,
                                                            name="b.yaml")))
    assert no_leader.task("ft-leader-attend") is None
    domestic = session.plan(session.load_visit(write_visit(
        tmp_path, arrival, guests="  - {name: Wang Fang, country: CN, senior: true}\n",
        name="c.yaml")))
    assert domestic.task("ft-leader-attend") is None
    vip = session.plan(session.load_visit(write_visit(
        tmp_path, arrival, leader=False, name="d.yaml",
        guests="  - {name: Anna Weber, country: DE, vip: true}\n")))
    assert vip.task("vip-leader-diary") is not None


def test_ticking_any_member_of_a_duty_ticks_the_duty(session):
    path, visit, _ = example(session, "hanbit-korean")
    assert tick(session, path, ["ft-hr-sign"]) == ["ft-hr-sign"]
    day = dt.date(2026, 12, 7)
    with State(session.config.state_path) as state:
        assert "std-pickup-sign" in state.ticks(visit.id)
        items = {i.task.id: i for i in due_items(session, [(path, visit)], day, state)}
    assert items["std-pickup-sign"].done


def user_pack(folder: Path, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "extra.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_references_that_name_nothing_are_errors_with_their_line(tmp_path):
    pack = user_pack(tmp_path / "packs", """\
        name: extra
        title: {zh: 额外, en: Extra, ko: 추가}
        notes:
          - {id: n1, topic: tea, replaces: [standard/std-hotel], text: {zh: a, en: b, ko: c}}
        tasks:
          - {id: x-a, department: admin, place: company, anchor: arrival, offset: -1d, same_as: standard/std-hotle, text: {zh: a, en: b, ko: c}}
          - {id: x-b, department: admin, place: company, anchor: arrival, offset: -1d, same_as: extra/x-b, text: {zh: a, en: b, ko: c}}
        """)
    with pytest.raises(ValidationFailed) as info:
        load_registry(tmp_path / "packs")
    assert [str(p) for p in info.value.problems] == [
        f"{pack}:4:10: notes[0].replaces: 'standard/std-hotel' is not a note of any "
        "profile; did you mean 'standard/phone'?",
        f"{pack}:6:10: tasks[0].same_as: 'standard/std-hotle' is not a task of any "
        "profile; did you mean 'standard/std-hotel'?",
        f"{pack}:7:10: tasks[1].same_as: 'extra/x-b' is this entry itself"]


def test_the_earliest_member_sets_the_due_time(tmp_path):
    user_pack(tmp_path / "packs", """\
        name: extra
        title: {zh: 额外, en: Extra, ko: 추가}
        applies_when: [{guests.count: ">=1"}]
        tasks:
          - {id: x-hotel, department: hr, place: company, anchor: arrival, offset: -9d, same_as: standard/std-hotel, text: {zh: 订酒店, en: Book it, ko: 예약}}
        """)
    session = Session(config=Config(profiles=tmp_path / "packs"),
                      profiles_dir=tmp_path / "packs")
    visit = session.load_visit(write_visit(tmp_path, dt.datetime(2027, 4, 13, 10, 0)))
    hotel = session.plan(visit).task("std-hotel")
    assert hotel.due.date() == dt.date(2027, 4, 2)      # -9d: Sunday 4 Apr -> Friday 2 Apr
    assert hotel.department == "admin" and hotel.sources == ["standard", "foreign-trade",
                                                             "extra"]

# ---------------------------------------------------------------- one rule, said once


def test_during_ramadan_the_serving_rules_are_replaced_not_joined(session, tmp_path):
    path, visit, the_plan = example(session, "alnoor-halal")
    assert any(s.key == "ramadan" for s in hijri_spans(*stay_days(visit)))
    notes = {f"{n.profile}/{n.id}" for n in the_plan.notes}
    assert "halal/ramadan-serving" in notes
    assert not notes & {"standard/tea-ask", "standard/tea-refill", "foreign-trade/drinks"}
    aliases = {a for t in the_plan.tasks for a in t.aliases}
    assert {"halal-ramadan-refreshments", "halal-ramadan-factory"} <= aliases
    assert not aliases & {"ft-drinks-order", "ft-drinks-fruit", "halal-refreshments",
                          "ft-factory-refreshments", "halal-factory-food"}
    # the same visit in June: no Ramadan, the ordinary rules
    june = tmp_path / "june.yaml"
    june.write_text(path.read_text(encoding="utf-8").replace("2027-02-", "2027-06-"),
                    encoding="utf-8")
    later = session.load_visit(june)
    assert not any(s.key == "ramadan" for s in hijri_spans(*stay_days(later)))
    ordinary = session.plan(later)
    notes = {f"{n.profile}/{n.id}" for n in ordinary.notes}
    assert "halal/ramadan-serving" not in notes and "foreign-trade/drinks" in notes
    assert ordinary.task("halal-refreshments") and not ordinary.task(
        "halal-ramadan-refreshments")

# ---------------------------------------------------------------- no nagging


def test_preparation_is_listed_once_more_on_arrival_then_never(session):
    path, visit, the_plan = example(session, "hanbit-korean")
    calendar = work_calendar(session.config)
    arrival = dt.date(2026, 12, 8)
    seen = {}
    for n in range(-7, 15):
        day = arrival + n * DAY
        if not digest_days(day, calendar):
            continue
        for item in due_items(session, [(path, visit)], day, None):
            seen.setdefault(item.task.id, []).append((day, item.overdue, item.stale))
    hotel = seen["std-hotel"]                     # due Thu 3 Dec, never ticked
    assert [d for d, _, _ in hotel] == [dt.date(2026, 12, 3), dt.date(2026, 12, 4),
                                        dt.date(2026, 12, 7), arrival]
    assert hotel[-1][1:] == (True, True)          # on arrival: under "not ticked"
    assert not any(stale for _, _, stale in hotel[:-1])
    # a follow-up keeps coming until ticked (working days, up to 14 days after departure)
    email = [d for d, _, _ in seen["ft-followup-email"]]
    assert email[0] == dt.date(2026, 12, 11) and email[-1] == dt.date(2026, 12, 22)
    # after the day of arrival, no preparation task due before that day is listed
    for task_id, rows in seen.items():
        for day, overdue, _ in rows:
            if day > arrival and overdue:
                assert is_followup(the_plan.task(task_id)), (task_id, day)


def test_a_digest_names_the_visit_and_the_command_that_ticks_each_task(session):
    path, visit, _ = example(session, "hanbit-korean")
    items = due_items(session, [(path, visit)], dt.date(2026, 12, 8), None)
    text = due_text(items, dt.date(2026, 12, 8), "en", session.config)
    assert "Hanbit Electronics — LED driver sourcing visit (hanbit-2026-12)" in text
    assert "visitplan done hanbit-2026-12 std-hotel" in text
    assert "Not ticked before the visit" in text
    admin = text.split("Admin office")[1].split("Factory")[0]
    assert "std-hotel" in admin.split("Not ticked before the visit")[1]
    for item in items:
        assert item.command in text
    zh = due_text(items, dt.date(2026, 12, 8), "zh", session.config)
    assert "来访前未勾选的任务" in zh and "visitplan done hanbit-2026-12 std-hotel" in zh
