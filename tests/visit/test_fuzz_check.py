"""Generated input against `visitplan check`: whatever the file holds, the command ends with
exit 0 (a visit) or 2 (problems, one line each, naming the file), never with a traceback, an
internal error or a long wait.

Three sources: raw bytes, through the command line; YAML built from generated structures
(keys of the visit schema and stray ones, any nesting); and a valid visit with generated
values put in its fields, which reaches the model's cross-field checks, the plan and the
advice. The last two call api.check, the one core call behind `visitplan check`, with one
session (the command line would read the rule packs again for every example, 0.1 s each).
max_examples stays modest and deadline is off so the suite stays quick; each run is timed.
"""
from __future__ import annotations

import copy
import time

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from visitplan import api
from visitplan.cli import main
from visitplan.errors import ValidationFailed, VisitplanError
from visitplan.visit.config import Config, load_config

SETTINGS = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
SLOWEST = 20.0   # seconds one check may take, generously above the ~0.3 s a visit takes

VALID = {
    "title": "Fuzz visit",
    "timezone": "Asia/Shanghai",
    "host": {"company": "Brightway Lighting",
             "contact": {"name": "Li Wei", "email": "li.wei@brightway.example"}},
    "guests": [{"name": "Ola Nordmann", "country": "NO", "email": "ola@nordlys.example"}],
    "arrival": {"at": "2026-12-08 10:35", "by": "flight", "number": "CA123",
                "pickup": True},
    "departure": {"at": "2026-12-10 11:40"},
    "hotel": {"name": "Grand Hotel"},
    "schedule": [{"at": "2026-12-09 10:00", "until": "2026-12-09 11:00", "kind": "meeting",
                  "what": "Talks"}],
}
KEYS = ["title", "purpose", "profiles", "language", "staff_language", "timezone", "host",
        "guests", "arrival", "departure", "hotel", "schedule", "gifts", "value", "minutes",
        "followup", "sign", "id", "name", "name_latin", "country", "email", "at", "until",
        "kind", "what", "where", "notes", "summary", "photos", "next_steps", "due", "to",
        "send_on", "size", "group", "company", "company_local", "contact", "leader", "diet",
        "<<"]
WORDS = ["2026-12-08 10:35", "2026-12-10 11:40", "9999-12-31 23:00", "0001-01-01 00:00",
         "2026-02-30", "10:35", "KR", "NO", "CN", "halal", "allergy:", "flight", "meeting",
         "meal", "a4", "a3", "yes", "no", "~", "vip", "korean", "<name>", "../x.jpg",
         "/dev/zero", "Asia/Shanghai", "Mars/Base", "a@b.example", "a@b", "-1", "1e9",
         "Asia", "9" * 5000, "Name <a@b.example>", "08:00", "25:00", "a3", "none"]
CONFIG_KEYS = ["language", "staff_language", "host", "departments", "smtp", "output",
               "templates", "profiles", "state", "office_hours", "day_start", "visits",
               "timezone", "work_week", "holidays", "pre_arrival_days", "cars",
               "max_tasks_per_day", "sign", "max_stay_days", "message_id_domain", "sales",
               "port", "from", "start", "end", "size", "group", "company"]


def _dates() -> st.SearchStrategy[str]:
    return st.builds(lambda y, mo, d, h, mi: f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}",
                     st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32),
                     st.integers(0, 24), st.integers(0, 60))


SCALARS = st.one_of(st.text(max_size=40), st.sampled_from(WORDS), _dates(),
                    st.integers(-10**12, 10**12), st.booleans(), st.none(),
                    st.floats(allow_nan=True))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.sampled_from(KEYS),
                                                      st.text(max_size=12)),
                                            inner, max_size=5)),
    max_leaves=25)


def check(runner, path) -> None:
    started = time.monotonic()
    result = runner.invoke(main, ["check", str(path)])
    took = time.monotonic() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"{result.exception!r}\n{result.output}"
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    if result.exit_code == 2:
        assert result.stderr.strip(), "exit 2 without saying why"
        for line in result.stderr.splitlines():
            assert line.startswith((str(path), "visitplan: ")), line
    assert took < SLOWEST, f"check took {took:.1f} s"


SESSION = None


def check_core(path) -> None:
    """api.check as `visitplan check` calls it: problems, each one line naming the file, or
    a VisitplanError (exit 1 or 2 with its message); nothing else."""
    global SESSION
    SESSION = SESSION or api.Session.open(None)
    started = time.monotonic()
    try:
        [result] = api.check(SESSION, [path])
    except VisitplanError as exc:
        assert exc.exit_code == 2 and str(exc).strip() and "\n" not in str(exc)
        return
    took = time.monotonic() - started
    for problem in result.problems:
        line = str(problem)
        assert line.startswith(str(path)) and len(line.splitlines()) == 1, repr(line)
    assert took < SLOWEST, f"check took {took:.1f} s"


@SETTINGS
@given(data=st.binary(max_size=3000))
def test_generated_bytes(runner, tmp_path, data):
    path = tmp_path / "visit.yaml"
    path.write_bytes(data)
    check(runner, path)


@SETTINGS
@given(data=st.one_of(VALUES, st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8)))
@example(data={"\r": None})                       # a key that broke the one-line message
@example(data={"title": "<a\u2028b>"})
def test_generated_yaml_structures(tmp_path, data):
    path = tmp_path / "visit.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    check_core(path)


def _at(document: dict, where: list, value) -> dict:
    """A deep copy of `document` with `value` put at the path `where` (made as needed)."""
    out = copy.deepcopy(document)
    node = out
    for key in where[:-1]:
        if isinstance(node, list):
            node = node[0] if node else node
            continue
        if not isinstance(node.get(key), (dict, list)):
            node[key] = {}
        node = node[key]
    if isinstance(node, list):
        node.append(value)
    else:
        node[where[-1]] = value
    return out


PATHS = st.sampled_from([
    ["title"], ["timezone"], ["purpose"], ["host", "company"], ["host", "company_local"],
    ["host", "contact", "email"], ["guests", 0, "name"], ["guests", 0, "country"],
    ["guests", 0, "diet"], ["arrival", "at"], ["departure", "at"], ["arrival", "pickup"],
    ["hotel"], ["schedule"], ["schedule", 0, "at"], ["schedule", 0, "until"],
    ["minutes"], ["minutes", "photos"], ["followup", "send_on"], ["followup", "to"],
    ["sign"], ["profiles"], ["value"], ["id"], ["gifts"], ["language"]])


@SETTINGS
@given(changes=st.lists(st.tuples(PATHS, st.one_of(SCALARS, VALUES)), min_size=1,
                        max_size=3))
def test_a_valid_visit_with_generated_values(tmp_path, changes):
    document = VALID
    for where, value in changes:
        document = _at(document, where, value)
    path = tmp_path / "visit.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    check_core(path)


def test_the_valid_visit_passes(runner, tmp_path):
    """The base of the third test is a visit `check` accepts, so the changes are what fail."""
    path = tmp_path / "visit.yaml"
    path.write_text(yaml.safe_dump(VALID, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output


@SETTINGS
@given(data=st.dictionaries(st.sampled_from(CONFIG_KEYS), VALUES, max_size=6),
       environ=st.dictionaries(st.sampled_from(["VISITPLAN_SMTP_PORT", "VISITPLAN_SMTP_HOTS",
                                                "VISITPLAN_STATE", "VISITPLAN_CARS"]),
                               st.sampled_from(WORDS), max_size=2))
def test_generated_configurations(tmp_path, data, environ):
    """A configuration file and VISITPLAN_* variables: a Config, or problems one line each."""
    path = tmp_path / "visitplan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        assert isinstance(load_config(str(path), environ), Config)
    except ValidationFailed as exc:
        assert exc.problems
        for problem in exc.problems:
            assert len(str(problem).splitlines()) == 1, repr(str(problem))
