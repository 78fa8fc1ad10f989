"""The visit model: cross-field checks, time zones, photos, header safety, defaults."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from visitplan.visit.config import Config
from visitplan.errors import ValidationFailed
from visitplan.visit.model import load_visit
from visitplan.rules.engine import load_registry

BASE = """\
title: Test visit
timezone: {tz}
host:
  company: Brightway Lighting
  contact: {{name: Li Wei, email: li.wei@brightway.example}}
guests:
  - {{name: Ola Nordmann, country: NO, email: ola@nordlys.example}}
arrival: {{at: {arrival}}}
departure: {{at: {departure}}}
"""


def visit_text(tz="Asia/Shanghai", arrival="2026-12-08 10:35",
               departure="2026-12-10 11:40", extra="") -> str:
    return BASE.format(tz=tz, arrival=arrival, departure=departure) + extra


def write(folder: Path, text: str, name: str = "visit.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load(folder: Path, text: str, name: str = "visit.yaml", **kw):
    return load_visit(write(folder, text, name), **kw)


def problems(folder: Path, text: str, name: str = "visit.yaml", **kw) -> list[str]:
    path = write(folder, text, name)
    with pytest.raises(ValidationFailed) as info:
        load_visit(path, **kw)
    prefix = f"{path}:"
    lines = [str(p) for p in info.value.problems]
    assert all(line.startswith(prefix) for line in lines), lines
    return [line[len(prefix):] for line in lines]


# ---------------------------------------------------------------- the examples

def test_examples_load_with_the_builtin_profiles(examples_dir):
    known = set(load_registry())
    paths = sorted(examples_dir.glob("*.yaml"))
    assert len(paths) >= 4
    for path in paths:
        visit = load_visit(path, Config(), known)
        assert visit.tz == ZoneInfo(visit.timezone)
        assert visit.arrival.at.tzinfo is visit.tz
        assert visit.arrival.at < visit.departure.at
        assert visit.followup is not None and visit.followup.send_on > visit.arrival.at.date()
        assert [p for p in visit.warnings if p.severity != "warning"] == []


def test_hanbit_example_in_detail(examples_dir):
    visit = load_visit(examples_dir / "hanbit-korean.yaml")
    assert visit.id == "hanbit-2026-12"
    assert visit.guests[0].name == "김민준" and visit.guests[0].country == "KR"
    assert visit.guests[1].gender == "female" and visit.guests[0].senior is True
    assert visit.arrival.at == dt.datetime(2026, 12, 8, 10, 35, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert visit.arrival.pickup is True and visit.arrival.by == "flight"
    assert visit.departure.destination == "Seoul Incheon (ICN)"
    assert visit.hotel.booked_by == "host"
    assert visit.first("meal").what == "Welcome dinner"
    assert visit.kinds() == {"showroom", "meal", "factory", "meeting"}
    assert visit.minutes.photos == [(examples_dir / "photos" / n).resolve()
                                    for n in ("showroom.jpg", "smt-line.jpg")]
    assert visit.minutes.next_steps[0].due == dt.date(2026, 12, 15)
    assert visit.followup.to == ["minjun.kim@hanbit.example", "seoyeon.lee@hanbit.example"]
    assert visit.followup.send_on == dt.date(2026, 12, 11)
    assert visit.where("guests[1].gender") == (34, 13)
    assert str(visit.problem("guests[1].gender", "odd")) == (
        f"{examples_dir / 'hanbit-korean.yaml'}:34:13: warning: guests[1].gender: odd")
    assert visit.where("guests[1].nothing[3]") == visit.where("guests[1]")


# ---------------------------------------------------------------- YAML 1.1 traps

def test_norway_stays_norway_and_times_stay_times(tmp_path):
    visit = load(tmp_path, visit_text(arrival='"2026-12-08 10:35"',
                                      departure="2026-12-10 11:40"))
    assert visit.guests[0].country == "NO"
    assert visit.arrival.at.time() == dt.time(10, 35)
    assert visit.departure.at.time() == dt.time(11, 40)


def test_time_without_a_date(tmp_path):
    assert problems(tmp_path, visit_text(arrival="10:35")) == [
        "8:15: arrival.at: '10:35' has a time but no date; write it as YYYY-MM-DD HH:MM"]


def test_ambiguous_date(tmp_path):
    assert problems(tmp_path, visit_text(departure="12/10/2026 11:40")) == [
        "9:17: departure.at: '12/10/2026 11:40' is ambiguous (day and month could be either "
        "way round); write it as YYYY-MM-DD HH:MM"]


# ---------------------------------------------------------------- zones, dates, ranges

def test_invalid_zone_with_suggestion(tmp_path):
    assert problems(tmp_path, visit_text(tz="Europe/Berln")) == [
        "2:11: timezone: 'Europe/Berln' is not an IANA time zone (like Asia/Shanghai); did "
        "you mean 'Europe/Berlin'?"]


def test_impossible_date(tmp_path):
    assert problems(tmp_path, visit_text(arrival="2026-02-30 10:00")) == [
        "8:15: arrival.at: '2026-02-30 10:00' is not a real date (day is out of range for "
        "month)"]


def test_departure_before_arrival(tmp_path):
    assert problems(tmp_path, visit_text(departure="2026-12-07 11:40")) == [
        "9:17: departure.at: departure 2026-12-07 11:40 is not after arrival 2026-12-08 10:35"]


def test_until_before_at_and_items_outside_the_stay(tmp_path):
    extra = ("schedule:\n"
             "  - {at: 2026-12-08 14:00, until: 2026-12-08 13:00, kind: showroom, what: Tour}\n"
             "  - {at: 2026-12-07 09:00, kind: meal, what: Too early}\n"
             "  - {at: 2026-12-08 09:00, until: 2026-12-08 11:00, kind: meeting, what: Overlap}\n"
             "  - {at: 2026-12-10 10:00, until: 2026-12-10 12:00, kind: meeting, what: Late}\n"
             "  - {at: 2026-12-11 09:00, kind: sightseeing, what: After}\n"
             "  - {at: 2026-12-08 10:35, until: 2026-12-10 11:40, kind: free, what: Whole stay}\n")
    stay = "(2026-12-08 10:35 to 2026-12-10 11:40)"
    assert problems(tmp_path, visit_text(extra=extra)) == [
        "11:35: schedule[0].until: 2026-12-08 13:00 is not after the item's start "
        "2026-12-08 14:00",
        f"12:10: schedule[1].at: 'Too early' at 2026-12-07 09:00 lies outside the stay {stay}",
        f"13:10: schedule[2].at: 'Overlap' from 2026-12-08 09:00 to 2026-12-08 11:00 lies "
        f"outside the stay {stay}",
        f"14:35: schedule[3].until: 'Late' from 2026-12-10 10:00 to 2026-12-10 12:00 lies "
        f"outside the stay {stay}",
        f"15:10: schedule[4].at: 'After' at 2026-12-11 09:00 lies outside the stay {stay}",
    ]


def test_time_in_a_dst_gap_is_an_error(tmp_path):
    extra = "schedule:\n  - {at: 2027-03-28 02:30, kind: meeting, what: Breakfast talk}\n"
    assert problems(tmp_path, visit_text(tz="Europe/Berlin", arrival="2027-03-27 10:00",
                                         departure="2027-03-30 10:00", extra=extra)) == [
        "11:10: schedule[0].at: 2027-03-28 02:30 does not exist in Europe/Berlin (the clocks "
        "jump forward then); pick another time"]


def test_dst_gap_in_new_york_arrival(tmp_path):
    assert problems(tmp_path, visit_text(tz="America/New_York", arrival="2027-03-14 02:15",
                                         departure="2027-03-16 10:00")) == [
        "8:15: arrival.at: 2027-03-14 02:15 does not exist in America/New_York (the clocks "
        "jump forward then); pick another time"]


def test_time_that_happens_twice_is_a_warning_and_the_first_is_taken(tmp_path):
    visit = load(tmp_path, visit_text(tz="Europe/Berlin", arrival="2027-10-31 02:30",
                                      departure="2027-11-02 10:00"))
    assert [str(w) for w in visit.warnings] == [
        f"{tmp_path / 'visit.yaml'}:8:15: warning: arrival.at: 2027-10-31 02:30 happens twice "
        "in Europe/Berlin (the clocks go back then); visitplan takes the first"]
    assert visit.arrival.at.utcoffset() == dt.timedelta(hours=2)


def test_times_are_local_to_the_visit_zone(tmp_path):
    visit = load(tmp_path, visit_text(tz="Europe/Berlin", arrival="2027-07-01 10:00",
                                      departure="2027-07-02 10:00"))
    assert visit.arrival.at.astimezone(dt.timezone.utc) == dt.datetime(
        2027, 7, 1, 8, 0, tzinfo=dt.timezone.utc)


# ---------------------------------------------------------------- photos

def _minutes(*photos: str) -> str:
    return "minutes:\n  summary: Done.\n  photos: [" + ", ".join(photos) + "]\n"


def test_photos_resolve_against_the_visit_folder_not_the_cwd(tmp_path, isolated_env):
    (tmp_path / "photos").mkdir()
    Image.new("RGB", (8, 6)).save(tmp_path / "photos" / "a.jpg")
    visit = load(tmp_path, visit_text(extra=_minutes("photos/a.jpg", "./photos/../photos/a.jpg")))
    assert Path.cwd() == isolated_env["cwd"]
    assert visit.minutes.photos == [(tmp_path / "photos" / "a.jpg").resolve()] * 2


def test_photos_that_escape_or_are_missing(tmp_path):
    visits = tmp_path / "visits"
    visits.mkdir()
    (tmp_path / "outside.jpg").write_bytes(b"\xff\xd8\xff")
    os.symlink(tmp_path / "outside.jpg", visits / "link.jpg")
    (visits / "notes.txt").write_text("x")
    extra = _minutes("../outside.jpg", "/etc/hosts.jpg", "link.jpg", "missing.jpg",
                     "notes.txt")
    assert problems(visits, visit_text(extra=extra)) == [
        "12:12: minutes.photos[0]: '../outside.jpg' lies outside the visit file's folder; "
        "photos must be in that folder or below it",
        "12:28: minutes.photos[1]: '/etc/hosts.jpg' is an absolute path; give it relative to "
        "the visit file's folder",
        "12:44: minutes.photos[2]: 'link.jpg' lies outside the visit file's folder; photos "
        "must be in that folder or below it",
        "12:54: minutes.photos[3]: photo 'missing.jpg' not found next to the visit file",
        "12:67: minutes.photos[4]: 'notes.txt' is not a photo (.jpg, .jpeg, .png, .gif, .webp)",
    ]


# ---------------------------------------------------------------- mail safety

def test_emails_are_validated_everywhere(tmp_path):
    text = visit_text(extra="followup:\n  to: [ok@x.example, bad@]\n  cc: nope\n").replace(
        "li.wei@brightway.example", "li.wei at brightway")
    assert problems(tmp_path, text) == [
        "5:34: host.contact.email: 'li.wei at brightway' is not a valid email address (like "
        "name@example.com)",
        "11:22: followup.to[1]: 'bad@' is not a valid email address (like name@example.com)",
        "12:7: followup.cc[0]: 'nope' is not a valid email address (like name@example.com)",
    ]


@pytest.mark.parametrize("field, old, new, where", [
    ("title", "Test visit", '"Test\\r\\nBcc: all@x.example"', "1:8: title"),
    ("company", "Brightway Lighting", '"Brightway\\nLighting"', "4:12: host.company"),
    ("contact name", "{name: Li Wei,", '{name: "Li\\nWei",', "5:19: host.contact.name"),
    ("guest name", "{name: Ola Nordmann,", '{name: "Ola\\rNordmann",', "7:12: guests[0].name"),
])
def test_line_breaks_in_header_bound_fields(tmp_path, field, old, new, where):
    text = visit_text().replace(old, new, 1)
    assert problems(tmp_path, text) == [
        f"{where}: must be on one line (line breaks are not allowed here)"]


def test_line_break_in_an_email(tmp_path):
    text = visit_text().replace("ola@nordlys.example", '"ola@nordlys.example\\nBcc: x@y.example"')
    assert problems(tmp_path, text) == [
        "7:46: guests[0].email: an email address may not contain a line break"]


def test_guest_title_and_company_are_one_line(tmp_path):
    # a line break at either end is trimmed away with the spaces; inside, it is an error
    text = visit_text().replace("country: NO,", 'country: NO, title: "Boss\\n", '
                                'company: "A\\rB",')
    assert problems(tmp_path, text) == [
        "7:65: guests[0].company: must be on one line (line breaks are not allowed here)"]


# ---------------------------------------------------------------- id, profiles, defaults

def test_id_comes_from_the_file_name(tmp_path):
    assert load(tmp_path, visit_text(), name="acme-2027.yaml").id == "acme-2027"
    assert load(tmp_path, "id: my-id\n" + visit_text(), name="other.yaml").id == "my-id"


def test_a_file_name_that_cannot_be_an_id(tmp_path):
    assert problems(tmp_path, visit_text(), name="visit of acme.yaml") == [
        "1:1: id: the file name 'visit of acme' cannot serve as the visit's id; add `id:` "
        "with letters, digits, '.', '_' and '-'"]


def test_unknown_profile_with_did_you_mean(tmp_path):
    known = {"standard", "korean", "halal", "vip", "foreign-trade"}
    text = "profiles: [koreen, vip, halaal]\n" + visit_text()
    assert problems(tmp_path, text, known_profiles=known) == [
        "1:12: profiles[0]: unknown profile 'koreen'; did you mean 'korean'?; `visitplan "
        "profiles` lists them",
        "1:25: profiles[2]: unknown profile 'halaal'; did you mean 'halal'?; `visitplan "
        "profiles` lists them",
    ]
    assert problems(tmp_path, "profiles: koreen\n" + visit_text(), known_profiles=known) == [
        "1:11: profiles: unknown profile 'koreen'; did you mean 'korean'?; `visitplan "
        "profiles` lists them"]


def test_unknown_keys_everywhere_get_a_hint(tmp_path):
    text = visit_text().replace("  company: Brightway", "  compnay: Brightway").replace(
        "title: Test visit", "tittle: Test visit")
    assert problems(tmp_path, text) == [
        "1:1: tittle: unknown key 'tittle'; did you mean 'title'?",
        "4:3: host.compnay: unknown key 'compnay'; did you mean 'company'?",
    ]


def test_required_fields(tmp_path):
    assert problems(tmp_path, "title: Only a title\nguests: []\n") == [
        "1:1: timezone: is required",
        "1:1: arrival: is required",
        "1:1: departure: is required",
        "2:9: guests: needs at least 1 entry",
    ]


def test_host_comes_from_the_configuration_and_the_visit_overrides_it(tmp_path):
    config = Config(host={"company": "Config Co", "country": "DE",
                          "contact": {"name": "Anna", "role": "Sales"}},
                    language="ko", staff_language="zh")
    text = visit_text().replace(
        "host:\n  company: Brightway Lighting\n  contact: {name: Li Wei, email: "
        "li.wei@brightway.example}\n", "host:\n  contact: {email: anna@config.example}\n")
    visit = load(tmp_path, text, config=config)
    assert visit.host.company == "Config Co" and visit.host.country == "DE"
    assert (visit.host.contact.name, visit.host.contact.role, visit.host.contact.email) == (
        "Anna", "Sales", "anna@config.example")
    assert (visit.language, visit.staff_language) == ("ko", "zh")


def test_without_configuration_host_is_required_and_languages_default_to_english(tmp_path):
    text = visit_text().replace("host:\n  company: Brightway Lighting\n  contact: {name: Li "
                                "Wei, email: li.wei@brightway.example}\n", "")
    assert problems(tmp_path, text) == [
        "1:1: host.company: is required (in the visit or the configuration's host:)",
        "1:1: host.contact.name: is required (in the visit or the configuration's host:)",
    ]
    visit = load(tmp_path, visit_text())
    assert (visit.language, visit.staff_language, visit.host.country) == ("en", "en", "CN")


def test_followup_defaults_and_send_on_before_departure(tmp_path):
    visit = load(tmp_path, visit_text())
    assert visit.followup.to == ["ola@nordlys.example"] and visit.followup.cc == []
    assert visit.followup.send_on == dt.date(2026, 12, 11)
    assert problems(tmp_path, visit_text(extra="followup: {send_on: 2026-12-09}\n")) == [
        "10:21: followup.send_on: 2026-12-09 is before the departure on 2026-12-10; a "
        "follow-up goes out after the visit"]


def test_next_step_due_before_the_visit(tmp_path):
    extra = ("minutes:\n  summary: ok\n  next_steps:\n"
             "    - {what: Quote, due: 2026-12-01}\n")
    assert problems(tmp_path, visit_text(extra=extra)) == [
        "13:26: minutes.next_steps[0].due: 2026-12-01 is before the visit began"]


def test_source_hash_changes_with_the_text(tmp_path):
    a = load(tmp_path, visit_text())
    b = load(tmp_path, visit_text() + "# a comment\n")
    assert len(a.source_hash) == 64 and a.source_hash != b.source_hash


def test_diet_single_value_and_allergy(tmp_path):
    text = visit_text().replace("country: NO,", "country: NO, diet: allergy: peanuts,")
    assert problems(tmp_path, text)  # a colon inside a flow mapping needs quotes
    text = visit_text().replace("country: NO,", 'country: NO, diet: ["allergy: peanuts", '
                                'halal],')
    assert load(tmp_path, text).guests[0].diet == ["allergy:peanuts", "halal"]
    text = visit_text().replace("country: NO,", "country: NO, diet: vegan,")
    assert load(tmp_path, text).guests[0].diet == ["vegan"]


def test_contact_and_leader_without_a_name_anywhere(tmp_path):
    text = visit_text().replace("{name: Li Wei, email: li.wei@brightway.example}",
                                "{email: li.wei@brightway.example}\n  leader: {role: GM}")
    assert problems(tmp_path, text) == [
        "5:12: host.contact.name: is required (in the visit or the configuration's host:)",
        "6:11: host.leader.name: is required (in the visit or the configuration's host:)",
    ]


# ---------------------------------------------------------------- sign settings

def test_sign_settings_come_from_the_visit_then_the_configuration(tmp_path):
    assert load(tmp_path, visit_text()).sign == {"size": "a4", "group": False}
    config = Config(sign={"size": "a3", "group": False})
    assert load(tmp_path, visit_text(), config=config).sign == {"size": "a3", "group": False}
    visit = load(tmp_path, visit_text(extra="sign: {group: true}\n"), config=config)
    assert visit.sign == {"size": "a3", "group": True}
    visit = load(tmp_path, visit_text(extra="sign: {size: A4, group: yes}\n"), config=config)
    assert visit.sign == {"size": "a4", "group": True}


def test_bad_sign_settings(tmp_path):
    assert problems(tmp_path, visit_text(extra="sign: {size: a5, grup: true}\n")) == [
        "10:14: sign.size: 'a5' is not one of a4, a3",
        "10:18: sign.grup: unknown key 'grup'; did you mean 'group'?"]


# ---------------------------------------------------------------- the Latin name comes from the caller

def test_the_latin_name_is_derived_only_by_the_function_given(tmp_path):
    text = visit_text().replace("{name: Ola Nordmann, country: NO,", "{name: 김민준, country: KR,")
    assert load(tmp_path, text).guests[0].name_latin is None
    calls = []

    def latin(name, country):
        calls.append((name, country))
        return "Kim Minjun"

    guest = load(tmp_path, text, latin_name=latin).guests[0]
    assert (guest.name_latin, guest.name_latin_derived) == ("Kim Minjun", True)
    assert calls == [("김민준", "KR")]
    given = text.replace("country: KR,", "name_latin: Kim Min-jun, country: KR,")
    guest = load(tmp_path, given, latin_name=latin).guests[0]
    assert (guest.name_latin, guest.name_latin_derived) == ("Kim Min-jun", False)
    assert len(calls) == 1


def test_the_visit_package_imports_no_later_stage_and_nothing_inside_functions():
    """visit/ is the first stage: it imports nothing of rules/, documents/, mail/, cron/,
    cli/ or api, and every import of visitplan sits at the top of its module."""
    import ast

    folder = Path(__file__).resolve().parents[2] / "visitplan" / "visit"
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= 400, f"{path.name} has {lines} lines"
        assert ast.get_docstring(tree), f"{path.name} has no docstring"
        top = set(id(node) for node in tree.body)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                if name.startswith("visitplan"):
                    assert name.startswith(("visitplan.visit", "visitplan.errors")), \
                        f"{path.name} imports {name}"
                    assert id(node) in top, f"{path.name}:{node.lineno} imports {name} " \
                        "inside a function"
