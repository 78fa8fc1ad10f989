"""The cron pass (`run`), and reminders by department and ticking tasks.

`run` holds the run lock of the state store (`cron.lock`) while it works: a second run at
the same time says so and exits 0, and a lock whose holder is gone is taken over. It finds
the visits (`scan`: a file that cannot be read is that file's problems, never the end of
the run), then does two halves:

* building (`cron.build`): the documents of each visit whose inputs changed;
* sending (`cron.send`): each department's digest of the day, the guests' pre-arrival
  emails and the follow-ups due, each at most once, through `mail.deliver`, whose two-step
  records make a killed run harmless (the next run sends what was due, at worst one
  duplicate carrying the same Message-ID).

After building, the staff calendars (`<output>/calendars/<department>.ics`, see
`documents.staff_calendar`) are written from every visit that loaded, by every run that
builds: they depend on all visits and every tick, their UIDs are stable and their
SEQUENCE grows only when an event changed, so rewriting them changes nothing a subscribed
client sees unless something changed.

The halves are independent: `run(..., build=False)` sends without rendering anything.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from visitplan.cron import build as building
from visitplan.cron import send as sending
from visitplan.cron.due import (REMIND_DAYS_AFTER_DEPARTURE, DueItem, by_department,  # noqa: F401
                                digest_days, due_items, due_text, tick)  # DueItem, due_items, due_text, tick: part of run's face
from visitplan.cron.lock import exclusive
from visitplan.cron.report import RunReport, error, from_problem, internal_error
from visitplan.cron.state import State
from visitplan.documents import staff_calendar
from visitplan.errors import Problem, ValidationFailed, VisitplanError
from visitplan.session import visit_files
from visitplan.text.i18n import t
from visitplan.visit.config import DEPARTMENTS



@dataclass
class Scan:
    """The visits found in some folders: those that loaded, and the problems of the others."""

    visits: list = field(default_factory=list)        # (path, Visit)
    errors: list = field(default_factory=list)        # (path, [Problem])


def scan(session, paths: list[Path]) -> Scan:
    """Load every visit file under `paths`. A file that cannot be loaded, for whatever
    reason (its problems, or a bug met while reading it, written to a crash file), is kept
    with its problems; the others load all the same."""
    result = Scan()
    for path in visit_files(paths, session):
        try:
            result.visits.append((path, session.load_visit(path)))
        except ValidationFailed as exc:
            result.errors.append((path, exc.problems))
        except VisitplanError as exc:
            result.errors.append((path, [Problem(str(path), 0, 0, "", str(exc))]))
        except Exception as exc:      # a bug met in one file: the others still load
            err = internal_error(exc, f"reading {path}", file=path)
            result.errors.append((path, [Problem(str(path), 0, 0, "", err["message"])]))
    _refuse_shared_ids(result)
    return result


def _refuse_shared_ids(result: Scan) -> None:
    """Two visit files with one id (two `hanbit.yaml` in different folders, without `id:`)
    would share an output folder and a follow-up: both are problems, each naming the
    other file, and neither is built or mailed."""
    paths: dict[str, list] = {}
    for path, visit in result.visits:
        paths.setdefault(visit.id, []).append(path)
    shared = {vid for vid, found in paths.items() if len(found) > 1}
    if not shared:
        return
    kept = []
    for path, visit in result.visits:
        if visit.id not in shared:
            kept.append((path, visit))
            continue
        others = ", ".join(str(p) for p in paths[visit.id] if p != path)
        line, col = visit.where("id")
        result.errors.append((path, [Problem(
            str(path), line, col, "id", f"the visit id '{visit.id}' is also the id of "
            f"{others}; give each visit an id of its own (`id:`)")]))
    result.visits = kept


# ---------------------------------------------------------------- run


def run(session, paths: list[Path], day: dt.date, *, send: bool = False,
        dry_run: bool = False, force: bool = False, build: bool = True,
        jobs: int | None = None, progress=None, environ=None, wait: float = 5.0,
        today: dt.date | None = None, now: dt.datetime | None = None) -> RunReport:
    """One cron pass (see the module docstring): build (unless `build` is False), then, with
    `send` or `dry_run`, send. `force` also sends stale follow-ups and a past day's
    digests. `today` is the real day (default: the session's); `day` the day acted for.
    `progress(visit_id, done, total)` is called after each visit is built. `now`: the
    moment acted at for the pre-arrival emails (see `mail.prearrival.moment`). Raises
    StateError when the run lock has been held longer than a run may last."""
    state_path = session.config.state_path
    report = RunReport(dry_run=dry_run)
    with exclusive(state_path, wait=wait) as acquired:
        if not acquired:
            report.busy = True
            return report
        with State(state_path) as state:
            found = scan(session, paths)
            for _, problems in found.errors:
                report.errors.extend(from_problem(p) for p in problems)
            if build:
                building.build(session, found.visits, day, state, report, dry_run, jobs,
                               progress)
                if not dry_run:
                    calendars(session, found.visits, state, report)
            if send or dry_run:
                digests = _digests(session, found.visits, day, state, report)
                sending.send(session, found.visits, digests, day, state, report,
                             today=today or session.today(), dry_run=dry_run, force=force,
                             environ=environ, now=now)
    return report


def calendars(session, visits, state, report) -> None:
    """Keep `<output>/calendars/<department>.ics` current for the visits that loaded (see
    the module docstring); a failure is the run's error, never the end of it."""
    root = session.config.output or Path("out")
    if root.exists() and not root.is_dir():
        return                          # the build said so already
    folder = root / "calendars"
    try:
        entries = [(visit, session.plan(visit), state.ticks(visit.id)) for _, visit in visits]
        staff_calendar.write_calendars(entries, folder, DEPARTMENTS, session.staff_lang())
    except OSError as exc:
        report.errors.append(error(f"{exc.filename or folder}: cannot write the staff "
                                   f"calendars: {exc.strerror or exc}",
                                   file=session.config.path, field_="output"))
    except VisitplanError as exc:
        report.errors.append(error(f"{folder}: cannot write the staff calendars: {exc}",
                                   file=session.config.path, field_="output"))
    except Exception as exc:      # a bug: the mail still goes out
        report.errors.append(internal_error(exc, f"writing the staff calendars in {folder}"))


def _digests(session, visits, day: dt.date, state, report) -> list[sending.Digest]:
    """Each department's digest of `day`: its tasks due and overdue, not ticked (and on the
    last working day before days off, what falls due over them). None on a day off. A
    visit whose tasks cannot be worked out is reported; the others are listed."""
    if not digest_days(day, session.work_calendar):
        return []
    items = []
    for path, visit in visits:
        try:
            items += due_items(session, [(path, visit)], day, state)
        except VisitplanError as exc:
            report.errors.append(from_problem(Problem(str(path), 0, 0, "", str(exc)),
                                              visit.id))
        except Exception as exc:      # a bug with one visit's tasks: the others go on
            report.errors.append(internal_error(exc, f"listing the tasks of {path}",
                                                visit=visit.id, file=path))
    items.sort(key=lambda i: (i.task.department, i.task.due, i.visit, i.task.id))
    digests = []
    reminders = _minutes_wanted(visits, day)
    for department, group in by_department(items).items():
        group = [i for i in group if not i.done]
        if not group:
            continue
        lang = session.config.staff_language or group[0].staff_language
        digests.append(sending.Digest(
            department, lang, due_text(group, day, lang, session.config), len(group),
            sum(1 for i in group if i.overdue), sorted({i.visit for i in group})))
    if reminders:
        _remind_minutes(session, digests, reminders, day)
    return digests


def _minutes_wanted(visits, day: dt.date) -> list:
    """Visits whose guests have left (within the follow-up's 14 days) and whose minutes are
    still missing: the follow-up waits for them."""
    return [(path, visit) for path, visit in visits if visit.minutes is None
            and visit.departure.at.date() <= day
            <= visit.departure.at.date() + dt.timedelta(days=REMIND_DAYS_AFTER_DEPARTURE)]


def _remind_minutes(session, digests: list, wanted: list, day: dt.date) -> None:
    """The sales digest reminds the visit's owner to write the minutes (a digest of its own
    when sales has no task that day)."""
    sales = next((d for d in digests if d.department == "sales"), None)
    lang = sales.lang if sales else (session.config.staff_language
                                     or wanted[0][1].staff_language)
    lines = "\n".join(t("cron.minutes_missing", lang, title=visit.title, id=visit.id,
                         file=str(path)) for path, visit in wanted)
    if sales is None:
        digests.append(sending.Digest("sales", lang, t("cron.heading", lang,
                                                       day=day.isoformat())
                                      + "\n\n" + lines + "\n", len(wanted), 0,
                                      sorted(v.id for _, v in wanted)))
        return
    sales.body = sales.body.rstrip("\n") + "\n\n" + lines + "\n"
    sales.count += len(wanted)
    sales.visits = sorted(set(sales.visits) | {v.id for _, v in wanted})
