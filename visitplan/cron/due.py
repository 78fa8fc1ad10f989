"""What is due, for whom, on which day: the `due` listing, the body of each department's
digest, and ticking tasks off.

Digests go out on the host's working days only. A digest on a working day covers that day
and the days off that follow it up to the next working day (`digest_days`), so Friday's
digest carries what falls due over the weekend.

Overdue tasks are repeated until ticked, with one exception: preparation. Once the guests
have arrived, a preparation task still open is listed once more, in the digest that covers
the day of arrival, under "not ticked before the visit", and then never again. Follow-up
tasks (place `followup`, or anchored after departure) are repeated until ticked, for at
most REMIND_DAYS_AFTER_DEPARTURE days after the guests left.
"""
from __future__ import annotations

import datetime as dt
import shlex
from dataclasses import dataclass
from pathlib import Path

from visitplan.cron.state import State
from visitplan.documents.render import plain_environment
from visitplan.errors import InputError
from visitplan.rules.holidays_check import WorkCalendar
from visitplan.text import dates
from visitplan.text.i18n import t
from visitplan.visit.config import DEPARTMENTS
from visitplan.visit.schema import did_you_mean

# follow-up tasks are repeated daily until ticked, but not for visits long over
REMIND_DAYS_AFTER_DEPARTURE = 14
_LONGEST_BREAK = 60       # days off in a row a digest may cover (a factory's New Year)


@dataclass
class DueItem:
    visit: str
    path: Path
    task: object            # rules.engine.Task
    overdue: bool
    done: bool
    staff_language: str
    visit_title: str
    stale: bool = False     # preparation not ticked before the guests arrived (shown once)

    @property
    def command(self) -> str:
        """The command that ticks this task."""
        return f"visitplan done {shlex.quote(self.visit)} {shlex.quote(self.task.id)}"

    def as_json(self) -> dict:
        return {"visit": self.visit, "title": self.visit_title, "task": self.task.id,
                "department": self.task.department, "place": self.task.place,
                "due": self.task.due.isoformat(), "overdue": self.overdue, "done": self.done,
                "not_ticked_before_visit": self.stale, "sources": list(self.task.sources),
                "text": self.task.text_in(self.staff_language), "command": self.command}


def work_calendar(config) -> WorkCalendar:
    """The host's working days from the configuration (work_week, holidays)."""
    return WorkCalendar(tuple(config.work_week), config.holiday_country)


def digest_days(day: dt.date, calendar: WorkCalendar) -> list[dt.date]:
    """The days a digest sent on `day` covers: none when `day` is not a working day (no
    digest goes out); else `day` and the days off after it, up to the next working day."""
    if not calendar.is_working(day):
        return []
    covered = [day]
    nxt = day + dt.timedelta(days=1)
    while not calendar.is_working(nxt) and len(covered) <= _LONGEST_BREAK:
        covered.append(nxt)
        nxt += dt.timedelta(days=1)
    return covered


def is_followup(task) -> bool:
    """A task done after the guests left: it keeps being reminded until ticked."""
    return task.place == "followup" or (task.anchor == "departure"
                                        and task.offset.startswith("+"))


def due_items(session, visits, day: dt.date, state,
              covers: list[dt.date] | None = None) -> list[DueItem]:
    """Tasks due on the days covered (done or not), and earlier ones not yet ticked, for
    every visit. `covers` defaults to the days a digest on `day` covers, or `day` alone
    on a day off (so `due` still answers on a Saturday)."""
    covers = covers or digest_days(day, work_calendar(session.config)) or [day]
    first, last = covers[0], covers[-1]
    items = []
    for path, visit in visits:
        left = visit.departure.at.astimezone(visit.tz).date()
        if first > left + dt.timedelta(days=REMIND_DAYS_AFTER_DEPARTURE):
            continue
        arrived = visit.arrival.at.astimezone(visit.tz).date()
        ticks = state.ticks(visit.id) if state else {}
        for task in session.plan(visit).tasks:
            when = task.due.astimezone(visit.tz).date()
            done = any(i in ticks for i in (task.aliases or (task.id,)))
            stale = False
            if when > last:
                continue
            if when < first:
                if done:
                    continue
                if not is_followup(task):
                    if arrived < first:        # the visit began before: never again
                        continue
                    stale = arrived <= last    # the digest of the day they arrive
            items.append(DueItem(visit.id, path, task, when < first, done,
                                 visit.staff_language, visit.title, stale))
    items.sort(key=lambda i: (i.task.department, i.stale, i.task.due, i.visit, i.task.id))
    return items


def by_department(items: list[DueItem]) -> dict[str, list[DueItem]]:
    groups = {d: [i for i in items if i.task.department == d] for d in DEPARTMENTS}
    return {d: group for d, group in groups.items() if group}


def by_visit(items: list[DueItem]) -> list[tuple[str, str, list, list]]:
    """(visit title, visit id, items to do, items not ticked before the visit) per visit,
    in the order the visits first appear."""
    groups: dict[str, tuple] = {}
    for item in items:
        entry = groups.setdefault(item.visit, (item.visit_title, item.visit, [], []))
        entry[3 if item.stale else 2].append(item)
    return list(groups.values())


def due_text(items: list[DueItem], day: dt.date, lang: str, config) -> str:
    """The `due` listing and the body of a digest: tasks by department, then by visit."""
    env = plain_environment(config.templates)
    return env.get_template("digest.txt").render(
        groups=by_department(items), day=day, lang=lang, **_template_helpers())


def _template_helpers():
    def when(task, lang):
        return dates.format_datetime(task.due, lang, "short")

    return {"t": t, "when": when, "by_visit": by_visit}

# ---------------------------------------------------------------- done


def tick(session, visit_path: Path, task_ids: list[str], undo: bool = False,
         who: str | None = None) -> list[str]:
    """Tick (or untick) tasks of a visit in the state store; returns the ids changed.
    The id of any task merged into a duty ticks (or unticks) the duty; the tick is kept
    under the id the plan shows for it."""
    visit = session.load_visit(visit_path)
    the_plan = session.plan(visit)
    known = [a for t in the_plan.tasks for a in (t.aliases or (t.id,))]
    unknown = [t for t in task_ids if t not in known]
    if unknown:
        hint = did_you_mean(unknown[0], known) or ("; `visitplan due` and the checklist "
                                                   "show the task ids")
        raise InputError(f"{visit_path}: task '{unknown[0]}' is not a task of visit "
                         f"'{visit.id}'{hint}")
    with State(session.config.state_path) as state:
        for task_id in dict.fromkeys(task_ids):
            task = the_plan.task(task_id)
            if undo:
                for alias in task.aliases or (task.id,):
                    state.untick(visit.id, alias)
            else:
                state.tick(visit.id, task.id, who)     # under the id the plan shows
    return list(dict.fromkeys(task_ids))


def schedule_lines(visit, plan) -> list[str]:
    """One line per task of a plan, in the visit's time zone: due date, weekday and time,
    department, id, anchor and offset, and the profiles that ask for it (the schedule
    tables of tests/schedule_cases and scripts/schedule-report.py)."""
    lines = []
    for task in plan.tasks:
        due = task.due.astimezone(visit.tz)
        lines.append(f"{due:%Y-%m-%d %a %H:%M}  {task.department:<9}  {task.id:<26}  "
                     f"{task.anchor} {task.offset}  [{', '.join(task.sources)}]")
    return lines
