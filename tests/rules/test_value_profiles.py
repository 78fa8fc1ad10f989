"""篇2's value quadrants: each of the four does something. High/high applies vip, low
current with high potential applies prospect, high current with low potential applies keep,
low/low gets the standard note about receiving without extra spending; no value, none."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from visitplan.rules.engine import load_registry, plan
from visitplan.visit.model import load_visit

QUADRANT_PACKS = {"vip", "prospect", "keep"}


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def visit(folder: Path, value: str, registry):
    path = folder / "visit.yaml"
    path.write_text(
        "title: Test visit\ntimezone: Asia/Shanghai\n"
        "host: {company: Brightway, country: CN, contact: {name: Li Wei}}\n"
        "guests:\n  - {name: Zhang Wei, country: CN}\n"
        "arrival: {at: 2026-12-08 10:35}\ndeparture: {at: 2026-12-10 11:40}\n"
        "schedule:\n  - {at: 2026-12-08 14:00, kind: meeting, what: Talks}\n"
        + (f"value: {value}\n" if value else ""), encoding="utf-8")
    return load_visit(path, None, set(registry))


@pytest.mark.parametrize("value, pack, low_low_note", [
    ("{current: high, potential: high}", "vip", False),
    ("{current: low, potential: high}", "prospect", False),
    ("{current: high, potential: low}", "keep", False),
    ("{current: low, potential: low}", None, True),
    ("", None, False)])
def test_each_quadrant_does_something(tmp_path, registry, value, pack, low_low_note):
    p = plan(visit(tmp_path, value, registry), registry)
    applied = {x.name for x in p.profiles} & QUADRANT_PACKS
    assert applied == ({pack} if pack else set())
    assert any(n.id == "value-standard" for n in p.notes) is low_low_note
    if pack in ("prospect", "keep"):
        assert {t.id for t in p.tasks if t.profile == pack} == {
            t.id for t in registry[pack].tasks}


def test_the_prospect_follow_up_cadence(tmp_path, registry):
    p = plan(visit(tmp_path, "{current: low, potential: high}", registry), registry)
    tz = p.tasks[0].due.tzinfo
    due = {t.id: t.due for t in p.tasks if t.profile == "prospect"}
    assert due["prospect-senior-sales"] == dt.datetime(2026, 12, 3, 9, 0, tzinfo=tz)
    assert due["prospect-samples-budget"] == dt.datetime(2026, 12, 3, 9, 0, tzinfo=tz)
    assert due["prospect-call-week"] == dt.datetime(2026, 12, 17, 9, 0, tzinfo=tz)
    assert due["prospect-review-month"] == dt.datetime(2027, 1, 9, 9, 0, tzinfo=tz)
    assert due["prospect-review-quarter"] == dt.datetime(2027, 3, 10, 9, 0, tzinfo=tz)


def test_ready_to_close_tasks_come_with_the_talks(tmp_path, registry):
    """std-close-* are anchored on the guests reaching the company: 3 days and 1 day before."""
    p = plan(visit(tmp_path, "", registry), registry)
    tz = p.tasks[0].due.tzinfo
    due = {t.id: (t.department, t.due) for t in p.tasks if t.id.startswith("std-close-")}
    assert due == {
        "std-close-terms": ("sales", dt.datetime(2026, 12, 5, 9, 0, tzinfo=tz)),
        "std-close-papers": ("sales", dt.datetime(2026, 12, 7, 9, 0, tzinfo=tz)),
        "std-close-signer": ("leader", dt.datetime(2026, 12, 7, 9, 0, tzinfo=tz))}
    satisfaction = p.task("std-satisfaction-call")
    assert satisfaction.place == "followup"
    assert satisfaction.due == dt.datetime(2026, 12, 13, 9, 0, tzinfo=tz)
