"""Staff calendars: what each department's .ics holds, UIDs that stay across runs, a
SEQUENCE that grows only for the event that changed, ticked tasks marked done."""
from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import icalendar
from team_helpers import site, visit_text

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _events(path) -> dict:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _calendar(run, s, department, *extra):
    result = run("--config", s["config"], "calendar", "--department", department, *extra)
    assert result.exit_code == 0, result.stderr
    return s["root"] / "out" / "calendars" / f"{department}.ics"


def test_tasks_with_alarms_and_the_items_the_department_attends(run, tmp_path):
    s = site(tmp_path, {"a.yaml": visit_text("a"), "c.yaml": visit_text("c", "2026-12-14")})
    path = _calendar(run, s, "leader")
    assert run("--config", s["config"], "calendar", "--department", "leader").stdout == \
        f"wrote {path}\n"
    evs = _events(path)
    # the leader hosts meetings and meals of both visits
    items = [e for uid, e in evs.items() if "-task-" not in uid]
    assert sorted(str(e["SUMMARY"]) for e in items) == [
        "a visit: Negotiation", "a visit: Welcome dinner",
        "c visit: Negotiation", "c visit: Welcome dinner"]
    dinner = next(e for e in items if str(e["SUMMARY"]) == "a visit: Welcome dinner")
    assert dinner.decoded("DTSTART") == dt.datetime(2026, 12, 8, 18, 30, tzinfo=SHANGHAI)
    assert str(dinner["LOCATION"]) == "Xin Rong Ji"
    # every task of the leader, with an alarm at its due time
    tasks = {uid: e for uid, e in evs.items() if "-task-" in uid}
    assert tasks and all(uid.startswith(("a-task-", "c-task-")) for uid in tasks)
    for event in tasks.values():
        alarms = event.walk("VALARM")
        assert len(alarms) == 1 and alarms[0].decoded("TRIGGER") == dt.timedelta(0)
    sales = _events(_calendar(run, s, "sales"))
    assert "a-sales-arrival@visitplan" in sales and "a-sales-departure@visitplan" in sales
    factory = _events(_calendar(run, s, "factory"))
    assert not [uid for uid in factory if "-factory-meeting" in uid]


def test_uids_stay_and_sequence_grows_only_for_what_changed(run, tmp_path):
    s = site(tmp_path, {"a.yaml": visit_text("a")})
    first = _events(_calendar(run, s, "sales"))
    assert {int(e["SEQUENCE"]) for e in first.values()} == {0}
    again = _events(_calendar(run, s, "sales"))
    assert set(again) == set(first)
    assert {int(e["SEQUENCE"]) for e in again.values()} == {0}     # nothing changed
    # the arrival moves an hour later: the tasks anchored on it move, and only they bump
    moved = visit_text("a").replace("at: 2026-12-08 10:30", "at: 2026-12-08 11:30")
    (s["visits"] / "a.yaml").write_text(moved, encoding="utf-8")
    after = _events(_calendar(run, s, "sales"))
    assert set(after) == set(first)
    bumped = {uid for uid, e in after.items() if int(e["SEQUENCE"]) == 1}
    assert "a-sales-arrival@visitplan" in bumped
    assert "a-sales-meeting" not in " ".join(bumped)        # the meeting did not move
    for uid in bumped:
        assert after[uid].decoded("DTSTART") != first[uid].decoded("DTSTART")
    table = json.loads((s["root"] / "out" / "calendars" / ".sequence.json").read_text())
    assert table["a-sales-arrival@visitplan"]["sequence"] == 1
    # and once more unchanged: still 1, not 2
    last = _events(_calendar(run, s, "sales"))
    assert int(last["a-sales-arrival@visitplan"]["SEQUENCE"]) == 1


def test_a_ticked_task_is_marked_done_without_alarm(run, tmp_path):
    s = site(tmp_path, {"a.yaml": visit_text("a")})
    before = _events(_calendar(run, s, "sales"))
    uid = "a-task-std-day-before-call@visitplan"
    assert uid in before and before[uid].walk("VALARM")
    ticked = run("--config", s["config"], "done", "a", "std-day-before-call")
    assert ticked.exit_code == 0, ticked.stderr
    after = _events(_calendar(run, s, "sales"))
    assert str(after[uid]["SUMMARY"]).startswith("✓ ")
    assert not after[uid].walk("VALARM")
    assert int(after[uid]["SEQUENCE"]) == int(before[uid]["SEQUENCE"]) + 1


def test_output_file_and_unknown_department(run, tmp_path):
    s = site(tmp_path, {"a.yaml": visit_text("a")})
    out = tmp_path / "web" / "sales.ics"
    result = run("--config", s["config"], "calendar", "--department", "sales", "-o", out)
    assert result.exit_code == 0 and out.is_file()
    assert (tmp_path / "web" / ".sequence.json").is_file()
    bad = run("--config", s["config"], "calendar", "--department", "sale")
    assert bad.exit_code == 2 and "sale" in bad.stderr
