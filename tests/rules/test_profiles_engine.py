"""The profile rule engine: packs and their schema, the registry, automatic application,
conditions, place filtering, anchors, and the date arithmetic of lead times."""
from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from visitplan.visit.config import Config
from visitplan.errors import ValidationFailed
from visitplan.visit.fields import LANGUAGES
from visitplan.visit.model import load_visit
from visitplan.rules.engine import (BUILTIN_ORDER, due_at, holds, load_registry, parse_offset,
                                plan)

UTC = dt.timezone.utc

# ---------------------------------------------------------------- helpers


def make_visit(folder: Path, guests: str = "  - {name: Kim, country: KR}\n",
               schedule: str = "", extra: str = "", host_country: str = "CN",
               arrival: str = "2026-12-08 10:35", departure: str = "2026-12-10 11:40",
               tz: str = "Asia/Shanghai", arrival_extra: str = "", registry=None,
               config=None, name: str = "visit.yaml"):
    text = (f"title: Test visit\ntimezone: {tz}\n"
            f"host: {{company: Brightway, country: {host_country}, contact: {{name: Li Wei}}}}\n"
            f"guests:\n{guests}"
            f"arrival: {{at: {arrival}{arrival_extra}}}\n"
            f"departure: {{at: {departure}}}\n"
            + (f"schedule:\n{schedule}" if schedule else "") + extra)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    known = set(registry) if registry is not None else None
    return load_visit(path, config, known)


TEXT = "{zh: 中文, en: English, ko: 한국어}"


def pack_text(name: str, applies_when: str = "", notes: str = "", tasks: str = "") -> str:
    out = f"name: {name}\ntitle: {{zh: {name}标题, en: {name} title, ko: {name} 제목}}\n"
    out += f"summary: {TEXT}\nsource: test\n"
    if applies_when:
        out += f"applies_when:\n{applies_when}"
    if notes:
        out += f"notes:\n{notes}"
    if tasks:
        out += f"tasks:\n{tasks}"
    return out


def task(tid: str, place="company", anchor="arrival", offset="-1d", department="admin",
         when: str | None = None) -> str:
    line = (f"  - {{id: {tid}, department: {department}, place: {place}, anchor: {anchor}, "
            f"offset: {offset}")
    if when:
        line += f", when: {when}"
    return line + f", text: {TEXT}}}\n"


@pytest.fixture
def user_packs(tmp_path):
    folder = tmp_path / "packs"
    folder.mkdir()

    def add(name: str, text: str) -> Path:
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    add.folder = folder
    return add


@pytest.fixture(scope="module")
def builtin():
    return load_registry()


def ids(the_plan) -> list[str]:
    return [t.id for t in the_plan.tasks]


# ---------------------------------------------------------------- the registry

def test_builtin_registry(builtin):
    # BUILTIN_ORDER first, then the other built-in packs by name
    extra = sorted(set(builtin) - set(BUILTIN_ORDER))
    assert list(builtin) == list(BUILTIN_ORDER) + extra
    for pack in builtin.values():
        assert pack.builtin
        assert set(pack.title) == set(LANGUAGES) and all(pack.title.values())
        assert set(pack.summary) == set(LANGUAGES) and pack.source
        for item in [*pack.notes, *pack.tasks]:
            assert set(item.text) == set(LANGUAGES) and all(item.text.values()), item.id
    task_ids = [t.id for p in builtin.values() for t in p.tasks]
    assert len(task_ids) == len(set(task_ids))


def test_user_folder_adds_a_profile_and_overrides_one_by_name(user_packs):
    user_packs("trade-fair", pack_text("trade-fair", tasks=task("tf-booth")))
    user_packs("korean", pack_text("korean", applies_when="  - {guest.country: KR}\n",
                                   tasks=task("kr-own-task", offset="-4d")))
    registry = load_registry(user_packs.folder)
    assert list(registry)[:len(BUILTIN_ORDER)] == list(BUILTIN_ORDER)
    assert list(registry)[-1] == "trade-fair"
    assert not registry["trade-fair"].builtin and not registry["korean"].builtin
    assert [t.id for t in registry["korean"].tasks] == ["kr-own-task"]
    assert registry["korean"].path == user_packs.folder / "korean.yaml"
    assert registry["standard"].builtin


def test_missing_user_folder(tmp_path):
    with pytest.raises(ValidationFailed) as info:
        load_registry(tmp_path / "nope")
    assert str(info.value) == f"{tmp_path / 'nope'}: the profiles folder does not exist"


def test_invalid_user_packs_get_file_line_column_messages(user_packs):
    bad = user_packs("bad", textwrap.dedent("""\
        name: bad
        title: {zh: 坏, en: Bad}
        applies_when:
          - {guest.contry: KR}
          - {guests.count: many, value.current: medium}
        notes:
          - {id: n1, topic: greetings, text: {zh: a, en: b, ko: c}}
          - {id: N 2, topic: tea, text: {zh: a, en: b, ko: c}, colour: red}
        tasks:
          - {id: bad-a, department: sale, place: showroom, anchor: arival, offset: 5 days, text: {zh: a, en: b, ko: c}}
          - {id: bad-b, department: admin, place: company, anchor: arrival, offset: -1d}
        """))
    with pytest.raises(ValidationFailed) as info:
        load_registry(user_packs.folder)
    assert [str(p) for p in info.value.problems] == [f"{bad}:{line}" for line in [
        "2:8: title.ko: is required",
        "4:6: applies_when[0].guest.contry: unknown key 'guest.contry'; did you mean "
        "'guest.country'?",
        "5:20: applies_when[1].guests.count: 'many' is not a count like 3, '>=6' or '<=2'",
        "5:41: applies_when[1].value.current: 'medium' is not one of high, low",
        "7:21: notes[0].topic: 'greetings' is not one of " + ", ".join(
            ["greeting", "names", "conversation", "gifts", "diet", "meals", "prayer", "elders",
             "tea", "seating", "cards", "introductions", "photography", "send-off", "staffing",
             "environment", "information", "emotional", "general"])
        + "; did you mean 'greeting'?",
        "8:10: notes[1].id: 'N 2' is not an id of a-z, 0-9 and '-'",
        "8:56: notes[1].colour: unknown key 'colour'",
        "10:29: tasks[0].department: 'sale' is not one of sales, admin, factory, hr, leader, "
        "reception; did you mean 'sales'?",
        "10:60: tasks[0].anchor: 'arival' is not one of arrival, on-site, departure, "
        "showroom, factory, meeting, meal, sightseeing, transfer, free; did you mean "
        "'arrival'?",
        "10:76: tasks[0].offset: '5 days' is not an offset like -5d, -1h, -30m or +1d",
        "11:5: tasks[1].text: is required",
    ]]


def test_pack_name_must_match_its_file_and_ids_must_be_unique(user_packs):
    renamed = user_packs("renamed", pack_text("other-name"))
    dup = user_packs("dup", pack_text("dup", tasks=task("dup-a") + task("dup-a", offset="-2d")))
    clash = user_packs("clash", pack_text("clash", tasks=task("ft-itinerary")))
    with pytest.raises(ValidationFailed) as info:
        load_registry(user_packs.folder)
    assert sorted(str(p) for p in info.value.problems) == sorted([
        f"{renamed}:1:7: name: 'other-name' must match the file name 'renamed'",
        f"{dup}:7:10: tasks[1].id: duplicate id 'dup-a' (also tasks[0])",
        f"{clash}:6:10: tasks[0].id: task id 'ft-itinerary' is also used by profile "
        "'foreign-trade'; task ids are unique across profiles (prefix them with the "
        "profile's name)",
    ])


def test_empty_pack_file(user_packs):
    path = user_packs("empty", "# to do\n")
    with pytest.raises(ValidationFailed) as info:
        load_registry(user_packs.folder)
    assert str(info.value) == (f"{path}: is empty; a profile is a YAML mapping of keys such "
                               "as `name:`, `title:` and `tasks:`")


# ---------------------------------------------------------------- automatic application

def applied(the_plan) -> list[str]:
    return [p.name for p in the_plan.profiles]


def test_korean_applies_for_a_korean_guest(tmp_path, builtin):
    visit = make_visit(tmp_path, guests="  - {name: Kim, country: KR}\n", host_country="KR")
    assert applied(plan(visit, builtin)) == ["standard", "korean"]
    visit = make_visit(tmp_path, guests="  - {name: Wang, country: CN}\n")
    assert applied(plan(visit, builtin)) == ["standard"]


def test_foreign_trade_applies_when_a_guest_comes_from_another_country(tmp_path, builtin):
    visit = make_visit(tmp_path, guests="  - {name: Wang, country: CN}\n"
                                        "  - {name: Anna, country: DE}\n")
    assert applied(plan(visit, builtin)) == ["standard", "foreign-trade"]
    visit = make_visit(tmp_path, guests="  - {name: Anna, country: DE}\n", host_country="DE")
    assert applied(plan(visit, builtin)) == ["standard"]


def test_host_country_from_the_configuration_decides_foreign_trade(tmp_path, builtin):
    visit = make_visit(tmp_path, guests="  - {name: Anna, country: DE}\n",
                       config=Config(host={"country": "DE"}), host_country="DE")
    assert "foreign-trade" not in applied(plan(visit, builtin))


def test_halal_applies_for_a_guest_with_a_halal_diet(tmp_path, builtin):
    visit = make_visit(tmp_path, guests="  - {name: Aisyah, country: MY, diet: [halal]}\n",
                       host_country="MY")
    # (asean-names applies to every guest from MY, whatever the diet)
    assert applied(plan(visit, builtin)) == ["standard", "halal", "asean-names"]
    visit = make_visit(tmp_path, guests="  - {name: Aisyah, country: MY, diet: [no-pork]}\n",
                       host_country="MY")
    assert applied(plan(visit, builtin)) == ["standard", "asean-names"]


@pytest.mark.parametrize("guest, extra, expected", [
    ("{name: Sato, country: JP, vip: true}", "", True),
    ("{name: Sato, country: JP}", "value: {current: high, potential: high}\n", True),
    ("{name: Sato, country: JP}", "value: {current: high, potential: low}\n", False),
    ("{name: Sato, country: JP}", "value: {current: low, potential: high}\n", False),
    ("{name: Sato, country: JP, vip: false}", "", False),
])
def test_vip_applies_for_a_vip_guest_or_high_high_value(tmp_path, builtin, guest, extra,
                                                        expected):
    visit = make_visit(tmp_path, guests=f"  - {guest}\n", extra=extra, host_country="JP")
    assert ("vip" in applied(plan(visit, builtin))) is expected


def test_a_listed_profile_applies_whatever_applies_when_says(tmp_path, builtin):
    visit = make_visit(tmp_path, guests="  - {name: Wang, country: CN}\n",
                       extra="profiles: [korean, vip]\n", registry=builtin)
    assert applied(plan(visit, builtin)) == ["standard", "vip", "korean"]


def test_a_pack_without_applies_when_applies_only_when_listed(tmp_path, user_packs):
    user_packs("fair", pack_text("fair", tasks=task("fair-booth")))
    registry = load_registry(user_packs.folder)
    visit = make_visit(tmp_path, guests="  - {name: Wang, country: CN}\n")
    assert "fair" not in applied(plan(visit, registry))
    visit = make_visit(tmp_path, guests="  - {name: Wang, country: CN}\n",
                       extra="profiles: fair\n", registry=registry)
    assert "fair" in applied(plan(visit, registry)) and "fair-booth" in ids(plan(visit,
                                                                                registry))


# ---------------------------------------------------------------- conditions

COND_GUESTS = ("  - {name: Kim, country: KR, gender: male, senior: true, diet: [no-pork]}\n"
               "  - {name: Lee, country: KR, gender: female, diet: ['allergy: nuts']}\n"
               "  - {name: Wang, country: CN, gender: female, vip: true}\n")


@pytest.fixture
def cond_visit(tmp_path):
    return make_visit(
        tmp_path, guests=COND_GUESTS, arrival_extra=", by: train, pickup: true",
        schedule="  - {at: 2026-12-08 14:00, kind: showroom, what: Show}\n"
                 "  - {at: 2026-12-09 12:00, kind: meal, what: Lunch}\n",
        extra="language: ko\ngifts: true\nvalue: {current: high, potential: low}\n"
              "hotel: {name: Hilton, booked_by: guest}\n")


@pytest.mark.parametrize("condition, expected", [
    ({}, True),
    (None, True),
    ({"gifts": True}, True),
    ({"gifts": False}, False),
    ({"arrival.pickup": True}, True),
    ({"arrival.by": ["flight", "train"]}, True),
    ({"arrival.by": "flight"}, False),
    ({"departure.by": "flight"}, False),
    ({"hotel": True}, True),
    ({"hotel.booked_by": "host"}, False),
    ({"hotel.booked_by": "guest"}, True),
    ({"value.current": "high"}, True),
    ({"value.current": "high", "value.potential": "high"}, False),
    ({"schedule": "meal"}, True),
    ({"schedule": ["factory", "meal"]}, True),
    ({"schedule": "factory"}, False),
    ({"language": ["ko", "zh"]}, True),
    ({"language": "en"}, False),
    ({"guests.count": ("==", 3)}, True),
    ({"guests.count": (">=", 4)}, False),
    ({"guests.count": ("<=", 3)}, True),
    ({"guest.country": ["KR"]}, True),
    ({"guest.country": ["JP", "DE"]}, False),
    ({"guest.foreign": True}, True),
    ({"guest.diet": ["no-pork"]}, True),
    ({"guest.diet": ["allergy"]}, True),
    ({"guest.diet": ["halal", "vegan"]}, False),
    ({"guest.gender": "female", "guest.country": ["KR"]}, True),
    # all guest.* keys must hold for one and the same guest
    ({"guest.senior": True, "guest.gender": "female"}, False),
    ({"guest.vip": True, "guest.country": ["KR"]}, False),
    ({"guest.vip": True, "guest.country": ["CN"], "guest.foreign": False}, True),
    ({"guest.gender": "male", "gifts": False}, False),
])
def test_conditions(cond_visit, condition, expected):
    assert holds(condition, cond_visit) is expected


def test_conditions_written_in_a_pack_select_tasks_and_notes(tmp_path, user_packs):
    tasks = (task("c-gifts", when="{gifts: true}")
             + task("c-no-gifts", when="{gifts: false}")
             + task("c-halal", when="{guest.diet: halal}")
             + task("c-female-kr", when="{guest.gender: female, guest.country: KR}")
             + task("c-big", when="{guests.count: '>=3'}")
             + task("c-small", when='{guests.count: "<=2"}')
             + task("c-meal", when="{schedule: [meal, sightseeing]}")
             + task("c-host-hotel", when="{hotel.booked_by: host}"))
    notes = ("  - {id: always, topic: general, text: " + TEXT + "}\n"
             "  - {id: women, topic: greeting, when: {guest.gender: female}, text: " + TEXT
             + "}\n  - {id: men, topic: greeting, when: {guest.gender: male}, text: " + TEXT
             + "}\n")
    user_packs("conds", pack_text("conds", applies_when="  - {guest.country: [KR, JP]}\n",
                                  notes=notes, tasks=tasks))
    registry = load_registry(user_packs.folder)
    visit = make_visit(tmp_path, guests="  - {name: Lee, country: KR, gender: female}\n"
                                        "  - {name: Park, country: KR}\n",
                       schedule="  - {at: 2026-12-09 12:00, kind: meal, what: Lunch}\n",
                       extra="gifts: true\n", host_country="KR")
    result = plan(visit, registry)
    assert applied(result) == ["standard", "korean", "conds"]
    mine = [t for t in ids(result) if t.startswith("c-")]
    assert sorted(mine) == ["c-female-kr", "c-gifts", "c-meal", "c-small"]
    assert [n.id for n in result.notes if n.profile == "conds"] == ["always", "women"]


# ---------------------------------------------------------------- places and anchors

PLACE_TASKS = (task("p-company") + task("p-showroom", place="showroom")
               + task("p-factory", place="factory") + task("p-pickup", place="pickup")
               + task("p-followup", place="followup", anchor="departure", offset="+1d")
               + task("p-meal-anchored", anchor="meal") + task("p-on-site", anchor="on-site",
                                                               offset="-30m"))


@pytest.fixture
def place_registry(user_packs):
    user_packs("places", pack_text("places", applies_when="  - {guests.count: '>=1'}\n",
                                   tasks=PLACE_TASKS))
    return load_registry(user_packs.folder)


def test_places_the_visit_never_reaches_are_left_out(tmp_path, place_registry):
    visit = make_visit(tmp_path, host_country="KR")
    mine = sorted(t for t in ids(plan(visit, place_registry)) if t.startswith("p-"))
    assert mine == ["p-company", "p-followup"]
    # and the built-in packs follow the same rule
    everything = plan(make_visit(tmp_path, guests="  - {name: Anna, country: DE}\n"),
                      place_registry)
    assert {t.place for t in everything.tasks} <= {"company", "followup"}
    assert not any(t.anchor in ("factory", "showroom", "meal") for t in everything.tasks)


def test_every_place_is_reached_by_a_full_visit(tmp_path, place_registry):
    visit = make_visit(tmp_path, host_country="KR", arrival_extra=", pickup: true",
                       schedule="  - {at: 2026-12-09 09:00, kind: factory, what: Plant}\n"
                                "  - {at: 2026-12-08 14:00, kind: showroom, what: Show}\n"
                                "  - {at: 2026-12-09 12:00, kind: meal, what: Lunch}\n")
    mine = sorted(t for t in ids(plan(visit, place_registry)) if t.startswith("p-"))
    assert mine == ["p-company", "p-factory", "p-followup", "p-meal-anchored", "p-on-site",
                    "p-pickup", "p-showroom"]


def test_builtin_factory_and_pickup_tasks_follow_the_visit(tmp_path, builtin):
    bare = plan(make_visit(tmp_path, guests="  - {name: Anna, country: DE}\n"), builtin)
    full = plan(make_visit(tmp_path, guests="  - {name: Anna, country: DE}\n",
                           arrival_extra=", pickup: true",
                           schedule="  - {at: 2026-12-09 09:00, kind: factory, what: Plant}\n"
                                    "  - {at: 2026-12-08 14:00, kind: showroom, what: Show}\n"),
                builtin)
    for place in ("factory", "pickup", "showroom"):
        assert not [t for t in bare.tasks if t.place == place]
        assert [t for t in full.tasks if t.place == place], place


def test_anchor_is_the_first_item_of_its_kind_by_time(tmp_path, place_registry):
    visit = make_visit(tmp_path, host_country="KR",
                       schedule="  - {at: 2026-12-10 09:00, kind: meal, what: Breakfast}\n"
                                "  - {at: 2026-12-09 19:00, kind: meal, what: Dinner}\n"
                                "  - {at: 2026-12-09 15:00, kind: meeting, what: Talk}\n"
                                "  - {at: 2026-12-09 10:00, kind: factory, what: Plant}\n")
    tz = ZoneInfo("Asia/Shanghai")
    result = plan(visit, place_registry)
    assert result.task("p-meal-anchored").due == dt.datetime(2026, 12, 8, 9, 0, tzinfo=tz)
    # on-site: the first showroom, factory or meeting item
    assert result.task("p-on-site").due == dt.datetime(2026, 12, 9, 9, 30, tzinfo=tz)


def test_due_times_and_order(tmp_path, place_registry):
    visit = make_visit(tmp_path, host_country="KR")
    result = plan(visit, place_registry, day_start="08:30")
    tz = ZoneInfo("Asia/Shanghai")
    assert result.task("p-company").due == dt.datetime(2026, 12, 7, 8, 30, tzinfo=tz)
    assert result.task("p-followup").due == dt.datetime(2026, 12, 11, 8, 30, tzinfo=tz)
    dues = [t.due for t in result.tasks]
    assert dues == sorted(dues)
    assert all(t.due.tzinfo == tz for t in result.tasks)
    assert result.task("nope") is None
    assert result.task("p-company").text_in("ko") == "한국어"


# ---------------------------------------------------------------- offsets

@pytest.mark.parametrize("text, days, minutes, whole", [
    ("-5d", -5, 0, True), ("+1d", 1, 0, True), ("0d", 0, 0, True), ("+0d", 0, 0, True),
    ("-1h", 0, -60, False), ("-30m", 0, -30, False), ("-1d12h", -1, -720, False),
    ("+2h15m", 0, 135, False), ("-0h", 0, 0, False), ("1d", 1, 0, True),
])
def test_parse_offset(text, days, minutes, whole):
    offset = parse_offset(text)
    assert (offset.days, offset.minutes, offset.whole_days) == (days, minutes, whole)


@pytest.mark.parametrize("text", ["", "-", "5", "-5", "d", "-5 d", "--5d", "-5w", "-1.5d",
                                  "-400d", "+9000h", "-5d+1h"])
def test_parse_offset_refuses(text):
    with pytest.raises(ValueError):
        parse_offset(text)


@given(sign=st.sampled_from(["-", "+", ""]), days=st.integers(0, 366),
       hours=st.one_of(st.none(), st.integers(0, 48)),
       minutes=st.one_of(st.none(), st.integers(0, 600)))
def test_parse_offset_round_trip(sign, days, hours, minutes):
    text = sign + (f"{days}d" if days or (hours is None and minutes is None) else "")
    text += (f"{hours}h" if hours is not None else "") + (
        f"{minutes}m" if minutes is not None else "")
    offset = parse_offset(text)
    factor = -1 if sign == "-" else 1
    assert offset.days == (factor * days if "d" in text else 0)
    assert offset.minutes == factor * ((hours or 0) * 60 + (minutes or 0))
    assert offset.whole_days == (hours is None and minutes is None)
    assert offset.text == text
    assert offset.delta() == dt.timedelta(days=offset.days, minutes=offset.minutes)


ZONES = ["Europe/Berlin", "America/New_York", "Asia/Shanghai", "Australia/Sydney",
         "Asia/Kolkata"]


def _exists(naive: dt.datetime, tz: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive


anchors = st.builds(
    lambda zone, naive: (ZoneInfo(zone), naive),
    st.sampled_from(ZONES),
    st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2028, 12, 31)))
day_starts = st.sampled_from(["09:00", "08:30", "07:45", "10:00"])


@settings(max_examples=300, deadline=None)
@given(anchor=anchors, days=st.integers(-30, 30), day_start=day_starts)
@example(anchor=(ZoneInfo("Europe/Berlin"), dt.datetime(2027, 3, 29, 10, 0)), days=-1,
         day_start="09:00")
@example(anchor=(ZoneInfo("Europe/Berlin"), dt.datetime(2027, 3, 30, 10, 0)), days=-5,
         day_start="09:00")
@example(anchor=(ZoneInfo("America/New_York"), dt.datetime(2027, 11, 8, 6, 0)), days=-1,
         day_start="09:00")
@example(anchor=(ZoneInfo("America/New_York"), dt.datetime(2027, 11, 5, 10, 0)), days=3,
         day_start="09:00")
def test_whole_day_offsets_land_on_that_local_day_at_day_start(anchor, days, day_start):
    tz, naive = anchor
    assume(_exists(naive, tz))
    sign = "-" if days < 0 else "+"
    due = due_at(naive.replace(tzinfo=tz), parse_offset(f"{sign}{abs(days)}d"), day_start)
    assert due.tzinfo is tz
    assert due.date() == naive.date() + dt.timedelta(days=days)
    assert due.strftime("%H:%M") == day_start
    assert _exists(due.replace(tzinfo=None), tz)


@settings(max_examples=300, deadline=None)
@given(anchor=anchors, minutes=st.integers(-72 * 60, 72 * 60))
@example(anchor=(ZoneInfo("Europe/Berlin"), dt.datetime(2027, 3, 28, 3, 30)), minutes=-60)
@example(anchor=(ZoneInfo("Europe/Berlin"), dt.datetime(2027, 10, 31, 3, 30)), minutes=-120)
@example(anchor=(ZoneInfo("America/New_York"), dt.datetime(2027, 3, 14, 3, 15)),
         minutes=-30)
@example(anchor=(ZoneInfo("America/New_York"), dt.datetime(2027, 11, 7, 1, 30)),
         minutes=60)
def test_hour_offsets_are_exact_elapsed_time(anchor, minutes):
    tz, naive = anchor
    assume(_exists(naive, tz))
    start = naive.replace(tzinfo=tz)
    sign = "-" if minutes < 0 else "+"
    due = due_at(start, parse_offset(f"{sign}{abs(minutes)}m"))
    assert due.tzinfo is tz
    assert due.astimezone(UTC) - start.astimezone(UTC) == dt.timedelta(minutes=minutes)
    # and the local wall-clock time shown is a real one
    assert _exists(due.replace(tzinfo=None), tz)
    # hours written as hours give the same moment as the same minutes
    if minutes % 60 == 0:
        assert due_at(start, parse_offset(f"{sign}{abs(minutes) // 60}h")) == due


@settings(max_examples=200, deadline=None)
@given(anchor=anchors, days=st.integers(-10, 10), hours=st.integers(1, 23))
def test_day_and_hour_offsets_move_the_calendar_then_the_clock(anchor, days, hours):
    tz, naive = anchor
    assume(_exists(naive, tz))
    shifted = naive + dt.timedelta(days=days)
    assume(_exists(shifted, tz))
    start = naive.replace(tzinfo=tz)
    due = due_at(start, parse_offset(f"-{abs(days)}d{hours}h" if days < 0
                                     else f"+{days}d{hours}h"))
    sign = -1 if days < 0 else 1
    expected = shifted.replace(tzinfo=tz).astimezone(UTC) + dt.timedelta(hours=sign * hours)
    assert due.astimezone(UTC) == expected


@settings(max_examples=200, deadline=None)
@given(anchor=anchors, a=st.integers(-30, 30), b=st.integers(-30, 30))
def test_more_days_never_fall_due_earlier(anchor, a, b):
    tz, naive = anchor
    assume(_exists(naive, tz) and a < b)
    start = naive.replace(tzinfo=tz)
    due_a = due_at(start, parse_offset(f"{'-' if a < 0 else '+'}{abs(a)}d"))
    due_b = due_at(start, parse_offset(f"{'-' if b < 0 else '+'}{abs(b)}d"))
    assert due_a < due_b


def test_minus_one_hour_across_spring_forward_is_one_hour_earlier():
    berlin = ZoneInfo("Europe/Berlin")
    due = due_at(dt.datetime(2027, 3, 28, 3, 30, tzinfo=berlin), parse_offset("-1h"))
    assert due == dt.datetime(2027, 3, 28, 1, 30, tzinfo=berlin)
    assert due.utcoffset() == dt.timedelta(hours=1)


def test_whole_day_before_a_dst_change_keeps_office_time():
    new_york = ZoneInfo("America/New_York")
    due = due_at(dt.datetime(2027, 11, 8, 10, 0, tzinfo=new_york), parse_offset("-2d"))
    assert due == dt.datetime(2027, 11, 6, 9, 0, tzinfo=new_york)
    assert due.utcoffset() == dt.timedelta(hours=-4)


# ---------------------------------------------------------------- the handbook's lead times

def _tasks(pack):
    return [(t.place, t.anchor, t.offset.text, t) for t in pack.tasks]


def test_foreign_trade_has_the_handbooks_lead_times(builtin):
    ft = builtin["foreign-trade"]
    tasks = ft.tasks
    by_offset = {}
    for t in tasks:
        by_offset.setdefault(t.offset.text, []).append(t)
    # 篇9: five days ahead, sales tells admin how to set up the showroom
    assert any(t.place == "showroom" and t.anchor == "showroom" and t.department == "sales"
               for t in by_offset["-5d"])
    # an hour before the guests come, the showroom air-conditioning goes on
    assert any(t.place == "showroom" and "空调" in t.text["zh"] for t in by_offset["-1h"])
    # three days ahead, sales tells admin whether souvenirs are needed
    assert any(t.department == "sales" and t.when == {"gifts": True}
               and "纪念品" in t.text["zh"] for t in by_offset["-3d"])
    # admin buys them and hands them over the day before
    assert any(t.department == "admin" and t.when == {"gifts": True}
               for t in by_offset["-1d"])
    # the quotation kit the day before; the pickup sign only when there is a pickup
    assert any(t.department == "sales" and "报价" in t.text["zh"] for t in by_offset["-1d"])
    assert all(t.when == {"arrival.pickup": True} or t.place == "pickup"
               for t in tasks if "接人牌" in t.text["zh"])
    # the factory cleans one to two days ahead
    assert any(t.department == "factory" and t.place == "factory" and "清扫" in t.text["zh"]
               and t.offset.days in (-1, -2) for t in tasks)
    # after the visit, the follow-up email
    assert any(t.place == "followup" and t.anchor == "departure" and t.offset.days > 0
               for t in tasks)
    assert ft.applies_when == [{"guest.foreign": True}]


def test_other_builtin_packs_carry_their_handbook_parts(builtin):
    vip = builtin["vip"]
    assert any(t.offset.minutes == -30 and t.offset.days == 0 for t in vip.tasks)
    assert {"guest.vip": True} in vip.applies_when
    assert {"value.current": "high", "value.potential": "high"} in vip.applies_when
    korean = builtin["korean"]
    assert korean.applies_when == [{"guest.country": ["KR"]}]
    gift_notes = [n for n in korean.notes if n.topic == "gifts"]
    assert {"guest.gender": "male"} in [
        {k: v for k, v in (n.when or {}).items() if k.startswith("guest.")} for n in gift_notes]
    assert {"guest.gender": "female"} in [
        {k: v for k, v in (n.when or {}).items() if k.startswith("guest.")} for n in gift_notes]
    assert {n.topic for n in korean.notes} >= {"greeting", "names", "gifts", "elders"}
    halal = builtin["halal"]
    assert halal.applies_when == [{"guest.diet": ["halal"]}]
    assert {n.topic for n in halal.notes} >= {"prayer", "meals", "gifts"}
    standard = builtin["standard"]
    assert any(t.anchor == "arrival" and t.offset.text == "-1d" and t.department == "sales"
               and re.search(r"\bcall\b", t.text["en"], re.I) for t in standard.tasks)
    assert {n.topic for n in standard.notes} >= {"tea", "cards", "seating", "send-off"}
