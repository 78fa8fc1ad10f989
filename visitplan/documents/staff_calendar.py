"""Staff calendars: `<folder>/<department>.ics` across visits, for a calendar subscribed to
the file (Outlook, Thunderbird, Google through a web folder).

What a department's calendar holds:

* every task of the department, as an event at its due time (15 minutes) with an alarm at
  that moment; a ticked task (`visitplan done`) keeps its event, its summary marked ✓ and
  its alarm dropped. (A VEVENT has no "completed" status in RFC 5545 — STATUS:COMPLETED
  belongs to VTODO, and Outlook and Google would drop or refuse it — so the mark is in the
  summary and the event keeps STATUS:CONFIRMED.)
* every schedule item the department attends, by kind (ATTENDS below): sales accompany the
  guests everywhere but in their free time; the leader hosts meetings and meals; the
  factory its tours; reception the showroom and the meetings at the company (tea, the
  welcome); admin the transfers. Sales and admin also get the arrival when the guests are
  picked up (the contact meets them, admin sends the car) and the departure.

UIDs never change while an event is the same thing: `<visit>-task-<task id>` for a task,
`<visit>-<department>-<kind>-<digest of what>-<n>` for a schedule item (the guest
calendar's item keys, visitplan.documents.calendar.item_keys), `<visit>-<department>-arrival`
and `-departure`.

SEQUENCE grows exactly when an event's content changes: `.sequence.json` beside the
calendars keeps, per UID, a digest of the content and the sequence given to it. An event
whose digest differs from the one kept gets the next sequence; one that did not change
keeps its number, so an unchanged rebuild changes nothing a client sees. The table is
written in the same atomic step as the calendars. (The guest calendar counts minutes
instead, because it is imported, not subscribed; a subscribed calendar is rebuilt by every
`run` and would otherwise bump every event daily.)
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from visitplan import __version__
from visitplan.documents import ics_lines
from visitplan.documents.calendar import item_keys, vtimezone
from visitplan.documents.output import atomic_write
from visitplan.text.i18n import t

ALL_KINDS = ("showroom", "factory", "meeting", "meal", "sightseeing", "transfer")
ATTENDS = {
    "sales": ALL_KINDS,
    "leader": ("meeting", "meal"),
    "factory": ("factory",),
    "reception": ("showroom", "meeting"),
    "admin": ("transfer",),
    "hr": (),
}
TRAVEL_DEPARTMENTS = ("sales", "admin")
TASK_MINUTES = 15
SEQUENCE_FILE = ".sequence.json"


def _digest(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str,
                                     ensure_ascii=False).encode()).hexdigest()[:16]


def events(department: str, visit, plan, ticks: dict, lang: str) -> list[dict]:
    """The events of one visit for one department, as plain fields (no sequence yet)."""
    found = []
    for task in plan.tasks:
        if task.department != department:
            continue
        done = task.id in ticks
        summary = t("staff_cal.task", lang, visit=visit.title, text=task.text_in(lang))
        found.append({
            "uid": f"{visit.id}-task-{task.id}@visitplan",
            "summary": t("staff_cal.done", lang, summary=summary) if done else summary,
            "start": task.due, "end": task.due + dt.timedelta(minutes=TASK_MINUTES),
            "description": t("staff_cal.task_about", lang, id=task.id, visit=visit.id,
                             file=visit.label),
            "alarm": not done, "tz": visit.timezone})
    kinds = ATTENDS.get(department, ())
    keys = item_keys(visit)
    for item in visit.schedule:
        if item.kind not in kinds:
            continue
        found.append({
            "uid": f"{visit.id}-{department}-{keys[item.index]}@visitplan",
            "summary": t("staff_cal.item", lang, visit=visit.title, what=item.what),
            "start": item.at, "end": item.until or item.at + dt.timedelta(hours=1),
            "location": item.where, "description": "\n".join(
                x for x in (t(f"kind.{item.kind}", lang), item.notes) if x),
            "alarm": False, "tz": visit.timezone})
    if department in TRAVEL_DEPARTMENTS:
        for name, travel in (("arrival", visit.arrival), ("departure", visit.departure)):
            if name == "arrival" and not travel.pickup:
                continue
            found.append({
                "uid": f"{visit.id}-{department}-{name}@visitplan",
                "summary": t(f"staff_cal.{name}", lang, visit=visit.title,
                             number=travel.number or ""),
                "start": travel.at, "end": travel.at + dt.timedelta(minutes=30),
                "location": travel.place, "description": "", "alarm": False,
                "tz": visit.timezone})
    return found


def read_sequences(folder: Path) -> dict:
    path = Path(folder) / SEQUENCE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def number(evs: list[dict], table: dict) -> dict:
    """Give each event its SEQUENCE from `table` (uid → {hash, sequence}), bumping those
    whose content changed; returns the updated table (kept entries of other UIDs too)."""
    table = dict(table)
    for ev in evs:
        digest = _digest({k: v for k, v in ev.items() if k != "uid"})
        known = table.get(ev["uid"])
        if known is None:
            known = {"hash": digest, "sequence": 0}
        elif known.get("hash") != digest:
            known = {"hash": digest, "sequence": int(known.get("sequence", 0)) + 1}
        table[ev["uid"]] = known
        ev["sequence"] = known["sequence"]
    return table


def build_ics(department: str, evs: list[dict], lang: str,
              dtstamp: dt.datetime | None = None) -> bytes:
    """The calendar file of one department. The header and the time zones come from
    `icalendar`; the events, which are many, are written by `ics_lines` (20 times faster)."""
    import icalendar

    stamp = ics_lines.utc((dtstamp or dt.datetime.now(dt.UTC)).replace(microsecond=0))
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//visitplan//visitplan {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", t("staff_cal.name", lang,
                              department=t(f"department.{department}", lang)))
    for zone in sorted({ev["tz"] for ev in evs}):
        starts = [ev["start"].date() for ev in evs if ev["tz"] == zone]
        cal.add_component(vtimezone(zone, min(starts) - dt.timedelta(days=366),
                                    max(starts) + dt.timedelta(days=366)))
    closing = b"END:VCALENDAR\r\n"
    body = b"".join(_vevent(ev, stamp)
                    for ev in sorted(evs, key=lambda e: (e["start"], e["uid"])))
    return cal.to_ical().removesuffix(closing) + body + closing


def _vevent(ev: dict, stamp: str) -> bytes:
    summary = ics_lines.text(ev["summary"])
    lines = [f"UID:{ics_lines.text(ev['uid'])}", f"DTSTAMP:{stamp}",
             f"SEQUENCE:{ev['sequence']}", f"SUMMARY:{summary}",
             ics_lines.local("DTSTART", ev["start"], ev["tz"]),
             ics_lines.local("DTEND", ev["end"], ev["tz"]), "STATUS:CONFIRMED"]
    if ev.get("location"):
        lines.append(f"LOCATION:{ics_lines.text(ev['location'])}")
    if ev.get("description"):
        lines.append(f"DESCRIPTION:{ics_lines.text(ev['description'])}")
    alarm = ics_lines.component("VALARM", [
        "ACTION:DISPLAY", f"DESCRIPTION:{summary}",
        f"TRIGGER:{ics_lines.duration(dt.timedelta(0))}"]) if ev["alarm"] else b""
    return ics_lines.component("VEVENT", lines, alarm)


def write_calendars(visits: list[tuple], folder: Path, departments, lang: str,
                    files: dict | None = None, dtstamp: dt.datetime | None = None) \
        -> list[Path]:
    """Write `<folder>/<department>.ics` for each department (or the file named in
    `files`, department → path) from `visits`, a list of (visit, plan, ticks) with ticks
    a task id → tick mapping, and the sequence table beside them, all in one atomic step.
    The function `visitplan run` calls to keep the calendars current."""
    folder = Path(folder)
    table = read_sequences(folder)
    out: dict[Path, bytes] = {}
    for department in departments:
        evs = [ev for visit, plan, ticks in visits
               for ev in events(department, visit, plan, ticks, lang)]
        table = number(evs, table)
        path = Path((files or {}).get(department) or folder / f"{department}.ics")
        out[path] = build_ics(department, evs, lang, dtstamp)
    out[folder / SEQUENCE_FILE] = (json.dumps(table, indent=1, sort_keys=True)
                                   + "\n").encode()
    atomic_write(out)
    return [p for p in out if p.name != SEQUENCE_FILE]
