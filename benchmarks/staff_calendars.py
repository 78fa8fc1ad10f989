"""Benchmark of the staff calendars `visitplan run` rewrites on every pass: the six
department calendars of N visits (copies of the Korean example under other ids), written

  1. as visitplan writes them (header and time zones by icalendar, events by
     visitplan.documents.ics_lines), and
  2. the same events through icalendar's object model (Event, add, to_ical), the way
     they were written before: the baseline, measured in this run.

Both files are read back with icalendar and compared event by event (UID, SUMMARY,
DTSTART, DTEND, SEQUENCE, LOCATION, DESCRIPTION, alarm), so the speed is not bought with
a different calendar. Prints CPU seconds of each and the ratio (target <= 0.2).

    python3 benchmarks/staff_calendars.py [--visits 500]
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from visitplan.api import DEPARTMENTS, Session  # noqa: E402
from visitplan.documents import staff_calendar  # noqa: E402

STAMP = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.timezone.utc)


def visits(count: int, folder: Path):
    text = (REPO / "examples" / "hanbit-korean.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  photos: .*\n", "", text)     # the calendars do not show them
    session = Session.open(None)
    found = []
    for n in range(count):
        path = folder / f"visit-{n:03d}.yaml"
        path.write_text(text.replace("id: hanbit-2026-12", f"id: visit-{n:03d}"),
                        encoding="utf-8")
        visit = session.load_visit(path)
        found.append((visit, session.plan(visit), {}))
    return found


def with_icalendar(department: str, evs: list[dict]) -> bytes:
    """The baseline: every event through icalendar's object model."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//visitplan//baseline//EN")
    cal.add("version", "2.0")
    for zone in sorted({ev["tz"] for ev in evs}):
        starts = [ev["start"].date() for ev in evs if ev["tz"] == zone]
        cal.add_component(icalendar.Timezone.from_tzid(
            zone, first_date=min(starts) - dt.timedelta(days=366),
            last_date=max(starts) + dt.timedelta(days=366)))
    for ev in sorted(evs, key=lambda e: (e["start"], e["uid"])):
        event = icalendar.Event()
        for key in ("uid", "sequence", "summary"):
            event.add(key, ev[key])
        event.add("dtstamp", STAMP)
        event.add("dtstart", ev["start"])
        event.add("dtend", ev["end"])
        event.add("status", "CONFIRMED")
        for key in ("location", "description"):
            if ev.get(key):
                event.add(key, ev[key])
        if ev["alarm"]:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", ev["summary"])
            alarm.add("trigger", dt.timedelta(0))
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()


def read_back(data: bytes) -> dict:
    import icalendar

    found = {}
    for e in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        found[str(e["UID"])] = (str(e["SUMMARY"]), e.decoded("DTSTART"), e.decoded("DTEND"),
                                int(e["SEQUENCE"]), str(e.get("LOCATION", "")),
                                str(e.get("DESCRIPTION", "")), len(e.walk("VALARM")))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        entries = visits(args.visits, Path(tmp))
        per_department = {}
        for department in DEPARTMENTS:
            evs = [ev for visit, plan, ticks in entries
                   for ev in staff_calendar.events(department, visit, plan, ticks, "en")]
            staff_calendar.number(evs, {})          # gives each its SEQUENCE
            per_department[department] = evs
        count = sum(len(evs) for evs in per_department.values())

        start = time.process_time()
        ours = {d: staff_calendar.build_ics(d, evs, "en", STAMP)
                for d, evs in per_department.items()}
        ours_cpu = time.process_time() - start
        start = time.process_time()
        theirs = {d: with_icalendar(d, evs) for d, evs in per_department.items()}
        theirs_cpu = time.process_time() - start

        for department in DEPARTMENTS:
            if read_back(ours[department]) != read_back(theirs[department]):
                print(f"{department}: the two calendars differ", file=sys.stderr)
                return 1
    lines = sum(data.count(b"\r\n") for data in ours.values())
    ratio = ours_cpu / theirs_cpu
    print(f"{args.visits} visits, {len(DEPARTMENTS)} calendars, {count} events, "
          f"{lines} physical lines; the same events read back from both")
    print(f"  icalendar object model (baseline): {theirs_cpu:6.2f} s CPU")
    print(f"  visitplan (ics_lines):             {ours_cpu:6.2f} s CPU")
    print(f"  ratio {ratio:.3f} (target <= 0.2)")
    return 0 if ratio <= 0.2 else 1


if __name__ == "__main__":
    sys.exit(main())
