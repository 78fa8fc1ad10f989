"""The schema language: each field type reads what the user wrote and says what is wrong."""
from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest

from visitplan.visit.fields import Country, Email, check_diet, check_timezone
from visitplan.visit.loader import load_file, load_text
from visitplan.visit.model import json_schema
from visitplan.visit.datefields import Date, DateTime
from visitplan.visit.schema import (Bool, Check, Context, Enum, Int, Invalid, List,
                              Obj, Str, did_you_mean)


def convert(field, yaml_value: str):
    """Convert `v: <yaml_value>` with a field; returns (value, []) or (None, [problems])."""
    node = load_text(f"v: {yaml_value}\n", "f.yaml")["v"]
    ctx = Context("f.yaml")
    try:
        value = field.convert(node, "v", ctx)
    except Invalid:
        assert ctx.errors, "Invalid raised without a recorded problem"
        return None, [str(p) for p in ctx.problems]
    assert not ctx.errors
    return value, []


def error(field, yaml_value: str) -> str:
    value, problems = convert(field, yaml_value)
    assert len(problems) == 1, (value, problems)
    return problems[0]


# ---------------------------------------------------------------- Str

def test_str_strips_and_keeps_unicode():
    assert convert(Str(), "  김민준  ") == ("김민준", [])
    assert convert(Str(), '"0369"') == ("0369", [])


@pytest.mark.parametrize("value", ['"Li\\nWei"', '"Li\\rWei"', '"Li\\r\\nWei"', "|\n  a\n  b",
                                   '"Li\\u2028Wei"', '"Li\\x85Wei"', '"Li\\vWei"'])
def test_one_line_text_refuses_line_breaks(value):
    assert error(Str(), value) == ("f.yaml:1:4: v: must be on one line (line breaks are not "
                                   "allowed here)")


def test_multiline_text_keeps_line_breaks():
    assert convert(Str(multiline=True), "|\n  first\n  second") == ("first\nsecond", [])


def test_str_empty_too_long_and_pattern():
    assert error(Str(), '"  "') == "f.yaml:1:4: v: is empty; give a value or leave the key out"
    assert error(Str(max_len=3), "abcd") == "f.yaml:1:4: v: is 4 characters long; at most 3"
    assert error(Str(pattern=r"[a-z]+", pattern_hint="lower-case letters"), "AB1") == (
        "f.yaml:1:4: v: 'AB1' is not lower-case letters")


def test_str_refuses_a_mapping_or_a_list():
    assert error(Str(), "{a: 1}") == "f.yaml:1:4: v: expected text, found a mapping"
    assert error(Str(), "[a, b]") == "f.yaml:1:4: v: expected text, found a list"


@pytest.mark.parametrize("field, expected", [
    (Str(), "text"),
    (Enum(("male", "female")), "one of male, female"),
    (DateTime(), "a date and time like 2026-12-08 10:35"),
    (Email(), "an email address"),
])
def test_placeholders_are_named(field, expected):
    assert error(field, "<fill me in>") == (f"f.yaml:1:4: v: still holds the placeholder "
                                            f"<fill me in>; fill in {expected}")


def test_angle_brackets_inside_text_are_not_a_placeholder():
    assert convert(Str(), "a <b> c") == ("a <b> c", [])
    assert convert(Str(), "<b>bold</b>") == ("<b>bold</b>", [])


# ---------------------------------------------------------------- Enum, Bool, Int

def test_enum_folds_case_and_suggests():
    assert convert(Enum(("flight", "train")), "Flight") == ("flight", [])
    assert error(Enum(("flight", "train")), "flght") == (
        "f.yaml:1:4: v: 'flght' is not one of flight, train; did you mean 'flight'?")
    assert error(Enum(("flight", "train")), "boat") == (
        "f.yaml:1:4: v: 'boat' is not one of flight, train")


@pytest.mark.parametrize("value, expected", [
    ("true", True), ("yes", True), ("On", True), ("false", False), ("NO", False), ("off", False),
])
def test_bool_reads_yaml_words(value, expected):
    assert convert(Bool(), value) == (expected, [])


def test_bool_refuses_anything_else():
    assert error(Bool(), "maybe") == "f.yaml:1:4: v: 'maybe' is not true or false"


def test_int_range_and_form():
    assert convert(Int(minimum=1, maximum=10), "7") == (7, [])
    assert error(Int(minimum=1, maximum=10), "0") == "f.yaml:1:4: v: 0 is out of range 1 to 10"
    assert error(Int(), "7.5") == "f.yaml:1:4: v: '7.5' is not a whole number"
    assert error(Int(), "0x1f") == "f.yaml:1:4: v: '0x1f' is not a whole number"


# ---------------------------------------------------------------- Date, DateTime

def test_date():
    assert convert(Date(), "2026-12-08") == (dt.date(2026, 12, 8), [])
    assert error(Date(), "2026-02-30") == ("f.yaml:1:4: v: '2026-02-30' is not a real date "
                                           "(day is out of range for month)")
    assert error(Date(), "12/08/2026") == ("f.yaml:1:4: v: '12/08/2026' is not a date "
                                           "written as YYYY-MM-DD (day and month could be "
                                           "either way round)")
    assert error(Date(), "next week") == ("f.yaml:1:4: v: 'next week' is not a date written "
                                          "as YYYY-MM-DD")


@pytest.mark.parametrize("value, expected", [
    ("2026-12-08 10:35", dt.datetime(2026, 12, 8, 10, 35)),
    ('"2026-12-08 10:35"', dt.datetime(2026, 12, 8, 10, 35)),
    ("2026-12-08T10:35", dt.datetime(2026, 12, 8, 10, 35)),
    ("2026-12-08 10:35:00", dt.datetime(2026, 12, 8, 10, 35)),
    ("2026-1-8 9:05", dt.datetime(2026, 1, 8, 9, 5)),
])
def test_datetime_reads_local_times(value, expected):
    assert convert(DateTime(), value) == (expected, [])


@pytest.mark.parametrize("value, message", [
    ("10:35", "'10:35' has a time but no date; write it as YYYY-MM-DD HH:MM"),
    ('"10:35"', "'10:35' has a time but no date; write it as YYYY-MM-DD HH:MM"),
    ("12/08/2026 10:35", "'12/08/2026 10:35' is ambiguous (day and month could be either way "
                         "round); write it as YYYY-MM-DD HH:MM"),
    ("08.12.2026 10:35", "'08.12.2026 10:35' is ambiguous (day and month could be either way "
                         "round); write it as YYYY-MM-DD HH:MM"),
    ("2026-12-08 10:35+08:00", "'2026-12-08 10:35+08:00' carries a UTC offset; write local "
                               "time as YYYY-MM-DD HH:MM (the visit's timezone applies)"),
    ("2026-12-08T02:35Z", "'2026-12-08T02:35Z' carries a UTC offset; write local time as "
                          "YYYY-MM-DD HH:MM (the visit's timezone applies)"),
    ("2026-12-08", "'2026-12-08' has no time of day; write it as YYYY-MM-DD HH:MM"),
    ("2026-12-08 24:00", "'2026-12-08 24:00' has no such time of day"),
    ("2026-02-29 10:00", "'2026-02-29 10:00' is not a real date (day is out of range for "
                         "month)"),
    ("tomorrow", "'tomorrow' is not a date and time written as YYYY-MM-DD HH:MM"),
])
def test_datetime_problems(value, message):
    assert error(DateTime(), value) == f"f.yaml:1:4: v: {message}"


def test_a_time_is_never_the_sexagesimal_integer():
    value, _ = convert(DateTime(), "2026-12-08 10:35")
    assert value.hour == 10 and value.minute == 35
    assert "630" not in error(DateTime(), "10:30")


# ---------------------------------------------------------------- Check-based fields

def test_country_codes():
    assert convert(Country(), "NO") == ("NO", [])
    assert convert(Country(), "kr") == ("KR", [])
    assert error(Country(), "XX") == ("f.yaml:1:4: v: 'XX' is not an ISO 3166 country code "
                                      "(two letters, like KR, CN, DE or NO)")
    assert error(Country(), "EU").startswith("f.yaml:1:4: v: 'EU' is not an ISO 3166")
    assert error(Country(), "Korea").startswith("f.yaml:1:4: v: 'Korea' is not an ISO 3166")


@pytest.mark.parametrize("address", [
    "minjun.kim@hanbit.example", "a+tag@sub.example.co.kr", "o'brien@example.ie"])
def test_valid_emails(address):
    assert convert(Email(), f'"{address}"') == (address, [])


@pytest.mark.parametrize("address", [
    "not-an-email", "a@b", "a@@b.example", "a b@example.com", "a@-b.example",
    "Kim <kim@hanbit.example>", "kim@hanbit.example,evil@x.example", "kim@hanbit..example"])
def test_invalid_emails(address):
    assert error(Email(), f'"{address}"') == (f"f.yaml:1:4: v: {address!r} is not a valid "
                                              f"email address (like name@example.com)")


@pytest.mark.parametrize("address", ['"kim@hanbit.example\\nBcc: all@x.example"',
                                     '"kim\\r@hanbit.example"'])
def test_email_with_a_line_break(address):
    assert error(Email(), address) == ("f.yaml:1:4: v: an email address may not contain a "
                                       "line break")


def test_timezone_check_suggests():
    assert check_timezone("Europe/Berlin") == "Europe/Berlin"
    with pytest.raises(ValueError, match=r"'Asia/Shangai' is not an IANA time zone \(like "
                                         r"Asia/Shanghai\); did you mean 'Asia/Shanghai'\?"):
        check_timezone("Asia/Shangai")
    with pytest.raises(ValueError, match="not an IANA time zone"):
        check_timezone("../../etc/passwd")


def test_diets():
    assert check_diet("halal") == "halal"
    assert check_diet("allergy: peanuts") == "allergy:peanuts"
    with pytest.raises(ValueError, match="did you mean 'halal'"):
        check_diet("hallal")
    with pytest.raises(ValueError):
        check_diet("allergy:")


def test_check_with_custom_function():
    field = Check(lambda s: int(s) * 2, "a number")
    assert convert(field, "21") == (42, [])
    assert error(field, "x").startswith("f.yaml:1:4: v: invalid literal")


# ---------------------------------------------------------------- List, Obj

def test_list_single_value_and_bounds():
    assert convert(List(Str(), allow_single=True), "halal") == (["halal"], [])
    assert error(List(Str()), "halal") == "f.yaml:1:4: v: expected a list, found 'halal'"
    assert error(List(Str(), min_items=1), "[]") == "f.yaml:1:4: v: needs at least 1 entry"
    assert error(List(Str(), max_items=2), "[a, b, c]") == (
        "f.yaml:1:4: v: has 3 entries; at most 2")


def test_list_reports_every_bad_item():
    value, problems = convert(List(Int()), "[1, x, 3, y]")
    assert problems == ["f.yaml:1:8: v[1]: 'x' is not a whole number",
                        "f.yaml:1:14: v[3]: 'y' is not a whole number"]


PERSON = Obj({"name": Str(), "country": Country(), "vip": Bool(default=False)},
             required=("name",))


def test_obj_converts_and_fills_defaults():
    assert convert(PERSON, "{name: Kim, country: kr}") == (
        {"name": "Kim", "country": "KR", "vip": False}, [])


def test_obj_unknown_key_did_you_mean_stands_for_the_missing_key():
    value, problems = convert(PERSON, "{nmae: Kim, countyr: KR}")
    assert problems == [
        "f.yaml:1:5: v.nmae: unknown key 'nmae'; did you mean 'name'?",
        "f.yaml:1:16: v.countyr: unknown key 'countyr'; did you mean 'country'?",
    ]
    # without a misspelling that points at it, a missing required key is named
    _, problems = convert(PERSON, "{country: KR, vip: no}")
    assert problems == ["f.yaml:1:4: v.name: is required"]


def test_obj_required_but_empty_and_optional_empty():
    _, problems = convert(PERSON, "{name: , country: }")
    assert problems == ["f.yaml:1:5: v.name: is required but empty"]


def test_obj_comma_in_flow_mapping_hint():
    _, problems = convert(PERSON, "{name: Kim, Min-jun, country: KR}")
    assert problems == [
        "f.yaml:1:16: v.Min-jun: unknown key 'Min-jun'; if it belongs to the value before "
        "it, put that value in quotes (a comma separates entries inside {...})"]


def test_obj_refuses_a_scalar_and_says_what_an_empty_one_needs():
    assert error(PERSON, "Kim") == "f.yaml:1:4: v: expected a mapping, found 'Kim'"
    assert error(PERSON, "") == "f.yaml:1:3: v: is empty; expected a mapping of name, country, vip"


def test_did_you_mean():
    assert did_you_mean("korea", ["korean", "halal"]) == "; did you mean 'korean'?"
    assert did_you_mean("VIP", ["vip", "halal"]) == "; did you mean 'vip'?"
    assert did_you_mean("zzz", ["vip", "halal"]) == ""


# ---------------------------------------------------------------- JSON Schema for editors

def test_json_schema_is_valid_and_accepts_every_example(examples_dir):
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    examples = sorted(examples_dir.glob("*.yaml"))
    assert examples
    for path in examples:
        data = json.loads(json.dumps(_plain(load_file(path))))
        assert not list(validator.iter_errors(data)), path


def test_json_schema_rejects_what_check_rejects():
    validator = jsonschema.Draft202012Validator(json_schema())
    base = {"title": "t", "timezone": "Asia/Shanghai", "guests": [{"name": "a",
            "country": "KR"}], "arrival": {"at": "2026-12-08 10:35"},
            "departure": {"at": "2026-12-10 11:40"}}
    assert not list(validator.iter_errors(base))
    for bad in ({**base, "titel": "x"}, {**base, "guests": []},
                {**base, "arrival": {"at": "2026-12-08 10:35", "by": "boat"}},
                {k: v for k, v in base.items() if k != "timezone"}):
        assert list(validator.iter_errors(bad))


def _plain(node):
    """Loader nodes -> what an editor's YAML parser would give for our examples: booleans
    as booleans, everything else as text."""
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if not node.quoted and str(node) in ("true", "false"):
        return str(node) == "true"
    return str(node)


def test_the_exported_schema_carries_the_list_limits():
    """Editors learn the limits `check` enforces: 200 schedule items, 100 guests."""
    from visitplan.visit.spec import MAX_SCHEDULE_ITEMS

    properties = json_schema()["properties"]
    assert properties["schedule"]["maxItems"] == MAX_SCHEDULE_ITEMS == 200
    assert properties["guests"]["maxItems"] == 100
    assert properties["sign"]["properties"]["size"] == {
        "enum": ["a4", "a3"], "description": "paper size of the pickup sign"}


@pytest.mark.parametrize("name", ["Asia", "Europe", "posixrules", "a" * 5000, "../UTC",
                                  "Asia/../Asia/Shanghai"])
def test_only_listed_time_zones_count(name):
    with pytest.raises(ValueError, match="is not an IANA time zone"):
        check_timezone(name)


def test_a_number_of_thousands_of_digits_is_out_of_range():
    assert error(Int(minimum=1, maximum=65535), "9" * 5000) == (
        f"f.yaml:1:4: v: {'9' * 30}… is out of range 1 to 65535")
    assert convert(Int(minimum=1, maximum=65535), "0000025") == (25, [])
