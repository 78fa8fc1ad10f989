#!/usr/bin/env python3
"""The closing figures of issue 11, printed from the real engine and the four examples:
tasks per example before and after merging duplicate duties, whole-day tasks on days off
(before: the old calendar-blind dates; after: the host's working days), and the digest
each department would receive from day -7 to day +3 of one visit (nothing ticked).

    PYTHONPATH=. python scripts/schedule-report.py [--visit hanbit-korean] [--cases DIR]

--cases DIR writes the schedule table of every example into DIR (tests/schedule_cases),
to be read against the handbook before it is committed.
"""
from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from visitplan.api import Session
from visitplan.cron.due import (by_department, digest_days, due_items, schedule_lines,
                                work_calendar)
from visitplan.rules.engine import plan as make_plan
from visitplan.visit.config import Config

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def whole_day_off(visit, tasks, calendar) -> int:
    return sum(1 for t in tasks if ("h" not in t.offset and "m" not in t.offset)
               and not calendar.is_working(t.due.astimezone(visit.tz).date()))


def timed_off(visit, tasks, calendar) -> int:
    return sum(1 for t in tasks if ("h" in t.offset or "m" in t.offset)
               and not calendar.is_working(t.due.astimezone(visit.tz).date()))


def figures(session) -> None:
    calendar = work_calendar(session.config)
    print("example                      tasks before merge  after  whole-day on days off "
          "(calendar-blind -> now)  timed on days off")
    for path in EXAMPLES:
        visit = session.load_visit(path)
        the_plan = session.plan(visit)
        blind = make_plan(visit, session.registry, session.config.day_start)
        before = sum(len(t.aliases) for t in the_plan.tasks)
        print(f"{path.stem:<28} {before:>18}  {len(the_plan.tasks):>5}  "
              f"{whole_day_off(visit, blind.tasks, calendar):>22} -> "
              f"{whole_day_off(visit, the_plan.tasks, calendar):<2}  "
              f"{timed_off(visit, the_plan.tasks, calendar):>17}")


def digests(session, stem: str) -> None:
    path = ROOT / "examples" / f"{stem}.yaml"
    visit = session.load_visit(path)
    arrival = visit.arrival.at.astimezone(visit.tz).date()
    calendar = work_calendar(session.config)
    print(f"\nDigests for {visit.title} ({visit.id}), arrival {arrival}, nothing ticked:")
    print("n = tasks listed (o overdue, s not ticked before the visit, listed once)")
    for n in range(-7, 4):
        day = arrival + dt.timedelta(days=n)
        covers = digest_days(day, calendar)
        head = f"day {n:+d} {day:%a %Y-%m-%d}"
        if not covers:
            print(f"{head}: no digest (day off)")
            continue
        items = [i for i in due_items(session, [(path, visit)], day, None) if not i.done]
        span = f" covers to {covers[-1]:%a %m-%d}" if len(covers) > 1 else ""
        parts = []
        for dept, group in by_department(items).items():
            over = sum(i.overdue and not i.stale for i in group)
            stale = sum(i.stale for i in group)
            parts.append(f"{dept} {len(group)}" + (f" ({over}o" if over or stale else "")
                         + (f" {stale}s" if stale else "") + (")" if over or stale else ""))
        print(f"{head}{span}: " + ("; ".join(parts) or "nothing"))


def write_cases(session, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for path in EXAMPLES:
        visit = session.load_visit(path)
        lines = schedule_lines(visit, session.plan(visit))
        (folder / f"{path.stem}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {folder / (path.stem + '.txt')} ({len(lines)} tasks)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visit", default="hanbit-korean", help="example for the digests")
    parser.add_argument("--cases", type=Path, help="write the schedule tables here")
    args = parser.parse_args()
    session = Session(config=Config())       # the defaults: Mon-Fri, China's calendar
    if args.cases:
        write_cases(session, args.cases)
        return
    figures(session)
    digests(session, args.visit)


if __name__ == "__main__":
    main()
