"""agenda and the clashes between visits: found when two visits really collide, not found
when they do not, printed as warnings (exit 0, --strict 2), and reported by `check DIR`."""
from __future__ import annotations

import json

from team_helpers import site, visit_text

DAY = "2026-12-08"


def _clashes(run, s, *extra):
    result = run("--config", s["config"], "agenda", "--from", DAY, "--to", "2026-12-09",
                 *extra)
    return result, [line for line in result.stderr.splitlines() if ": warning: " in line]


def test_the_leader_the_room_and_the_car_clash_between_two_visits(run, tmp_path):
    s = site(tmp_path, {"a.yaml": visit_text("a"),
                        "b.yaml": visit_text("b", arrive="11:00")}, "cars: 1\n")
    result, warnings = _clashes(run, s)
    assert result.exit_code == 0, result.stderr
    b = str(s["visits"] / "b.yaml")
    a = str(s["visits"] / "a.yaml")
    leader = [w for w in warnings if "王建国 is needed at 'Welcome dinner'" in w]
    assert len(leader) == 1 and leader[0].startswith(f"{b}:24:10: warning: schedule[1].at: ")
    assert f"of visit a ({a})" in leader[0]
    room = [w for w in warnings if "Room A is booked for 'Negotiation'" in w]
    assert len(room) == 1 and room[0].startswith(f"{b}:23:")
    assert ": schedule[0].where: " in room[0]
    cars = [w for w in warnings if "pickups around" in w]
    assert cars == [f"{b}:19:86: warning: arrival.pickup: 2 pickups around 2026-12-08 11:00 "
                    f"but only 1 car(s): this one and a (10:30, {a}); hire a car or meet "
                    "one group later"]
    # the day by day listing has both visits, in time order
    lines = result.stdout.splitlines()
    assert lines[0] == "2026-12-08 Tue"
    assert lines[1] == "  10:30 Arrival: OZ369 @ Bao'an T3 [a]"
    assert lines[2] == "  11:00 Arrival: OZ369 @ Bao'an T3 [b]"
    assert "5 clash(es) between visits; see the warnings above." == lines[-1]


def test_nothing_clashes_on_other_days_in_other_rooms_with_enough_cars(run, tmp_path):
    room_b = ["{at: 2026-12-08 14:00, until: 2026-12-08 16:00, kind: meeting, "
              "what: Review, where: room  b}"]
    s = site(tmp_path, {
        "a.yaml": visit_text("a"),
        "b.yaml": visit_text("b", "2026-12-14"),          # another week: nothing overlaps
        # the same day and hour, but without the leader, in another room, and two cars
        "d.yaml": visit_text("d", leader=False, arrive="10:45", items=room_b),
    }, "cars: 2\n")
    result, warnings = _clashes(run, s)
    assert result.exit_code == 0
    assert warnings == []
    assert "clash" not in result.stdout


def test_a_moment_just_after_the_other_ends_is_no_clash(run, tmp_path):
    later = ["{at: 2026-12-08 16:00, until: 2026-12-08 17:00, kind: meeting, "
             "what: Follow-up, where: Room A}"]
    s = site(tmp_path, {"a.yaml": visit_text("a"),
                        "b.yaml": visit_text("b", pickup=False, items=later)})
    _, warnings = _clashes(run, s)
    assert warnings == []


def test_too_many_tasks_for_a_department_on_one_day(run, tmp_path):
    s = site(tmp_path, {"a.yaml": visit_text("a"), "b.yaml": visit_text("b")},
             "max_tasks_per_day: 2\n")
    result = run("--config", s["config"], "agenda", "--from", "2026-12-01", "--to",
                 "2026-12-09")
    tasks = [w for w in result.stderr.splitlines() if "more than max_tasks_per_day (2)" in w]
    assert tasks, result.stderr
    assert all("tasks due on 2026-12-0" in w for w in tasks)
    s2 = site(tmp_path / "alone", {"a.yaml": visit_text("a")}, "max_tasks_per_day: 2\n")
    alone = run("--config", s2["config"], "agenda", "--from", "2026-12-01")
    assert "max_tasks_per_day" not in alone.stderr     # one visit's own load is advice's


def test_strict_exits_2_and_json_carries_days_and_clashes(run, tmp_path):
    s = site(tmp_path, {"a.yaml": visit_text("a"), "b.yaml": visit_text("b")})
    strict, warnings = _clashes(run, s, "--strict")
    assert strict.exit_code == 2 and warnings
    assert strict.stderr.splitlines()[-1].startswith("visitplan: --strict: ")
    data = json.loads(run("--config", s["config"], "agenda", "--from", DAY, "--to", DAY,
                          "--json").stdout)
    assert data["from"] == DAY and [d["date"] for d in data["days"]] == [DAY]
    assert {e["visit"] for e in data["days"][0]["entries"]} == {"a", "b"}
    assert {c["field"] for c in data["clashes"]} >= {"schedule[0].at", "schedule[1].where"}
    assert all(c["severity"] == "warning" for c in data["clashes"])


def test_from_and_to_pick_the_days(run, tmp_path):
    s = site(tmp_path, {"a.yaml": visit_text("a"), "c.yaml": visit_text("c", "2026-12-14")})
    result = run("--config", s["config"], "agenda", "--from", "2026-12-10", "--lang", "zh")
    assert result.stdout.startswith("2026-12-14 周一\n")
    assert "[a]" not in result.stdout and "［c］" in result.stdout
    empty = run("--config", s["config"], "agenda", "--from", "2027-01-01")
    assert empty.stdout == "No visits from 2027-01-01 to 2027-01-01.\n"
    backwards = run("--config", s["config"], "agenda", "--from", "2027-01-02", "--to",
                    "2027-01-01")
    assert backwards.exit_code == 2
    assert backwards.stderr == "visitplan: --to 2027-01-01 is before --from 2027-01-02\n"


def test_check_of_a_folder_reports_the_clashes_and_of_one_file_does_not(run, tmp_path):
    s = site(tmp_path, {"a.yaml": visit_text("a"), "b.yaml": visit_text("b")})
    folder = run("--config", s["config"], "check", "--date", "2026-11-01", s["visits"])
    assert folder.exit_code == 0
    assert "Room A is booked for 'Negotiation'" in folder.stderr
    assert f"{s['visits'] / 'b.yaml'}: ok (4 warnings)" in folder.stdout
    one = run("--config", s["config"], "check", "--date", "2026-11-01",
              s["visits"] / "b.yaml")
    assert "booked" not in one.stderr and "needed" not in one.stderr
    strict = run("--config", s["config"], "check", "--date", "2026-11-01", "--strict",
                 s["visits"])
    assert strict.exit_code == 2


def test_the_same_place_written_differently_is_the_same_place(run, tmp_path):
    same = ["{at: 2026-12-08 15:00, until: 2026-12-08 15:30, kind: meeting, what: Samples, "
            "where: '  room   A '}"]
    s = site(tmp_path, {"a.yaml": visit_text("a"),
                        "b.yaml": visit_text("b", leader=False, pickup=False, items=same)})
    _, warnings = _clashes(run, s)
    assert len(warnings) == 1 and "is booked for 'Samples' (2026-12-08 15:00–15:30) and for " \
        "'Negotiation' (2026-12-08 14:00–16:00) of visit a" in warnings[0]
