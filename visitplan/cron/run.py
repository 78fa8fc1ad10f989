"""Reminders by department, ticking tasks, and the cron pass (`run`).

`run` rebuilds what changed, mails each department one digest a day, and sends the
follow-ups that are due, each at most once. It holds the state store's exclusive lock
while it works: a second run at the same time says so and exits 0. Mail goes through
`mail.deliver`, whose two-step records make a killed run harmless: the next run sends
what was due (at worst one duplicate carrying the same Message-ID).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from visitplan import __version__
from visitplan.errors import InputError, ValidationFailed, VisitplanError

# overdue tasks are repeated daily until ticked, but not for visits long over
REMIND_DAYS_AFTER_DEPARTURE = 14
# a render worker is replaced after this many visits, which bounds its memory
RECYCLE_AFTER = 20


@dataclass
class DueItem:
    visit: str
    path: Path
    task: object            # profiles.Task
    overdue: bool
    done: bool
    staff_language: str
    visit_title: str

    def as_json(self) -> dict:
        return {"visit": self.visit, "task": self.task.id,
                "department": self.task.department, "place": self.task.place,
                "due": self.task.due.isoformat(), "overdue": self.overdue, "done": self.done,
                "text": self.task.text_in(self.staff_language)}


@dataclass
class Scan:
    """The visits found in some folders: those that loaded, and the problems of the others."""

    visits: list = field(default_factory=list)        # (path, Visit)
    errors: list = field(default_factory=list)        # (path, [Problem])


def scan(session, paths: list[Path]) -> Scan:
    from visitplan.api import visit_files

    result = Scan()
    for path in visit_files(paths, session):
        try:
            result.visits.append((path, session.load_visit(path)))
        except ValidationFailed as exc:
            result.errors.append((path, exc.problems))
    return result


def due_items(session, visits, day: dt.date, state) -> list[DueItem]:
    """Tasks due on `day` (done or not) and earlier ones not yet ticked, for every visit."""
    items = []
    for path, visit in visits:
        if day > visit.departure.at.date() + dt.timedelta(days=REMIND_DAYS_AFTER_DEPARTURE):
            continue
        ticks = state.ticks(visit.id) if state else {}
        for task in session.plan(visit).tasks:
            when = task.due.astimezone(visit.tz).date()
            done = task.id in ticks
            if when == day or (when < day and not done):
                items.append(DueItem(visit.id, path, task, when < day, done,
                                     visit.staff_language, visit.title))
    items.sort(key=lambda i: (i.task.department, i.task.due, i.visit, i.task.id))
    return items


def by_department(items: list[DueItem]) -> dict[str, list[DueItem]]:
    from visitplan.visit.config import DEPARTMENTS

    groups = {d: [i for i in items if i.task.department == d] for d in DEPARTMENTS}
    return {d: group for d, group in groups.items() if group}


def due_text(items: list[DueItem], day: dt.date, lang: str, config) -> str:
    """The `due` listing and the body of a digest: tasks grouped by department."""
    from visitplan.documents.render import environment

    env = environment(config.templates, "text", lang)
    return env.get_template("digest.txt").render(
        groups=by_department(items), day=day, lang=lang, **_template_helpers())


def _template_helpers():
    from visitplan.text.i18n import t

    def when(task, lang):
        from visitplan.text import dates

        return dates.format_datetime(task.due, lang, "short")

    return {"t": t, "when": when}

# ---------------------------------------------------------------- done


def tick(session, visit_path: Path, task_ids: list[str], undo: bool = False,
         who: str | None = None) -> list[str]:
    """Tick (or untick) tasks of a visit in the state store; returns the ids changed."""
    from visitplan.visit.schema import did_you_mean
    from visitplan.cron.state import State

    visit = session.load_visit(visit_path)
    known = [t.id for t in session.plan(visit).tasks]
    unknown = [t for t in task_ids if t not in known]
    if unknown:
        hint = did_you_mean(unknown[0], known) or ("; `visitplan due` and the checklist "
                                                   "show the task ids")
        raise InputError(f"{visit_path}: task '{unknown[0]}' is not a task of visit "
                         f"'{visit.id}'{hint}")
    with State(session.config.state_path) as state:
        for task_id in dict.fromkeys(task_ids):
            if undo:
                state.untick(visit.id, task_id)
            else:
                state.tick(visit.id, task_id, who)
    return list(dict.fromkeys(task_ids))

# ---------------------------------------------------------------- run


@dataclass
class RunReport:
    built: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    reminders_sent: list = field(default_factory=list)
    followups_sent: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    busy: bool = False
    dry_run: bool = False

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    @property
    def idle(self) -> bool:
        return not (self.built or self.reminders_sent or self.followups_sent or self.errors)

    def as_json(self) -> dict:
        return {"built": self.built, "unchanged": self.unchanged,
                "reminders_sent": self.reminders_sent, "followups_sent": self.followups_sent,
                "skipped": self.skipped, "errors": self.errors}

    def summary(self) -> str:
        verb = "would build" if self.dry_run else "built"
        send = "would send" if self.dry_run else "sent"
        return (f"{verb} {len(self.built)}, unchanged {len(self.unchanged)}, reminders "
                f"{send} {len(self.reminders_sent)}, follow-ups {send} "
                f"{len(self.followups_sent)}, skipped {len(self.skipped)}, errors "
                f"{len(self.errors)}")


def _files_digest(h, folder: Path | None, pattern: str = "*") -> None:
    if folder is None or not folder.is_dir():
        return
    for path in sorted(p for p in folder.rglob(pattern) if p.is_file() and not any(
            part.startswith(".") or part == "__pycache__"
            for part in p.relative_to(folder).parts)):
        h.update(str(path.relative_to(folder)).encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())


def shared_inputs(session) -> str:
    """The digest of what every visit's documents depend on: the profiles, the templates,
    the configuration (file and environment) and the visitplan version. Once per run."""
    from visitplan.rules.engine import BUILTIN_DIR
    from visitplan.documents.resources import templates_dir

    h = hashlib.sha256()
    h.update(f"visitplan {__version__}\0".encode())
    for folder in (BUILTIN_DIR, session.profiles_dir):
        _files_digest(h, folder, "*.yaml")
    for folder in (templates_dir(), session.config.templates):
        _files_digest(h, folder)
    config = session.config.path
    if config is not None and config.is_file():
        h.update(config.read_bytes())
    h.update(repr(sorted((k, v) for k, v in os.environ.items()
                         if k.startswith("VISITPLAN_") and "PASSWORD" not in k)).encode())
    return h.hexdigest()


def input_hash(shared: str, visit, late_ids: list[str], ticks: dict) -> str:
    """What a visit's documents depend on: the shared inputs, the visit file, its photos,
    and which of its tasks are ticked or late (their marks are printed)."""
    h = hashlib.sha256(shared.encode())
    h.update(visit.source_hash.encode())
    for photo in (visit.minutes.photos if visit.minutes else []):
        h.update(hashlib.sha256(photo.read_bytes()).digest())
    h.update(("late:" + ",".join(sorted(late_ids))).encode())
    h.update(("done:" + ",".join(sorted(ticks))).encode())
    return h.hexdigest()


_sessions: dict = {}


def _worker_session(config_file: str | None):
    """One Session per worker process and configuration: a worker builds up to
    RECYCLE_AFTER visits, and the configuration and rule packs are the same for all."""
    from visitplan.api import Session

    if config_file not in _sessions:
        _sessions[config_file] = Session.open(config_file)
    return _sessions[config_file]


def build_visit(config_file: str | None, visit_path: str, output_dir: str, today: str,
                ticks: dict) -> list[str]:
    """Render every document of one visit into a staging folder, then move them into
    place together. Runs in worker processes, so it takes and returns plain values."""
    from visitplan.documents import pdf
    from visitplan.documents.build import prepare
    from visitplan.documents.sign import sign

    session = _worker_session(config_file)
    visit = session.load_visit(Path(visit_path))
    out = Path(output_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        with pdf.forking(False):        # the run's --jobs decides how many renders at once
            files = prepare(session, visit, staging, "pdf", dt.date.fromisoformat(today),
                            ticks)
            files += sign(session, visit, staging)
        out.mkdir(exist_ok=True)
        for f in files:
            os.replace(f, out / f.name)
        return [str(out / f.name) for f in files]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def run(session, paths: list[Path], day: dt.date, *, send: bool = False,
        dry_run: bool = False, jobs: int | None = None, progress=None,
        environ=None, wait: float = 5.0) -> RunReport:
    """One cron pass (see the module docstring). `progress(visit_id, done, total)` is called
    after each visit is built."""
    from visitplan.cron.state import State, exclusive

    state_path = session.config.state_path
    report = RunReport(dry_run=dry_run)
    with exclusive(state_path, wait=wait) as acquired:
        if not acquired:
            report.busy = True
            return report
        with State(state_path) as state:
            found = scan(session, paths)
            for path, problems in found.errors:
                report.errors.append({"file": str(path), "message": str(problems[0]),
                                      "problems": [str(p) for p in problems]})
            _build(session, found.visits, day, state, report, dry_run, jobs, progress)
            if send or dry_run:
                _send_digests(session, found.visits, day, state, report, dry_run, environ)
                _send_followups(session, found.visits, day, state, report, dry_run, environ)
    return report


def _build(session, visits, day, state, report, dry_run, jobs, progress) -> None:
    from visitplan.rules.advice import late_tasks

    todo = []
    shared = shared_inputs(session)
    for path, visit in visits:
        ticks = state.ticks(visit.id)
        late = [t.id for t in late_tasks(session.plan(visit), day) if t.id not in ticks]
        digest = input_hash(shared, visit, late, ticks)
        if state.build_hash(visit.id) == digest:
            report.unchanged.append(visit.id)
            continue
        todo.append((path, visit, ticks, digest))
    if dry_run:
        report.built.extend(v.id for _, v, _, _ in todo)
        return
    config_file = str(session.config.path) if session.config.path else None
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    args = [(config_file, str(p), str(session.config.output_dir(v.id)), day.isoformat(),
             ticks) for p, v, ticks, _ in todo]
    for (path, visit, _, digest), outcome in zip(todo, _render_all(args, jobs)):
        ok, value = outcome
        if ok:
            state.record_build(visit.id, digest, session.config.output_dir(visit.id))
            report.built.append(visit.id)
        else:
            report.errors.append({"visit": visit.id, "file": str(path), "message": value})
        if progress:
            progress(visit.id, len(report.built) + len([e for e in report.errors
                                                        if "visit" in e]), len(todo))


def _render_all(args: list[tuple], jobs: int):
    """Build each visit in worker processes (even with --jobs 1), yielding the outcomes in
    order. The workers are replaced after RECYCLE_AFTER visits each: a long-lived renderer
    keeps growing (font and layout caches), and a crash in one render must not take the run
    with it. (One pool per batch rather than max_tasks_per_child, which can deadlock on
    Python 3.11 when a worker is replaced while work is queued.)"""
    batch = RECYCLE_AFTER * jobs
    for start in range(0, len(args), batch):
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_attempt, build_visit, *a)
                       for a in args[start:start + batch]]
            for future in futures:
                try:
                    yield future.result()
                except BrokenProcessPool as exc:   # a worker died (killed, or crashed)
                    yield False, f"the render worker died while building this visit: {exc}"


def _attempt(fn, *args):
    """Run fn, turning any failure into a message: one bad visit stops no other."""
    try:
        return True, fn(*args)
    except ValidationFailed as exc:
        return False, str(exc.problems[0]) if exc.problems else str(exc)
    except VisitplanError as exc:
        return False, str(exc)
    except Exception as exc:  # a bug in rendering one visit; the others still get built
        import traceback

        return False, (f"internal error while building {args[1]}: {type(exc).__name__}: "
                       f"{exc}\n{traceback.format_exc()}")


def digest_message(session, department: str, items: list[DueItem], day: dt.date):
    from email.message import EmailMessage
    from email.utils import format_datetime

    from visitplan.mail import smtp as mail
    from visitplan.text.i18n import t

    config = session.config
    lang = config.staff_language or items[0].staff_language
    overdue = sum(1 for i in items if i.overdue)
    msg = EmailMessage()
    msg["Subject"] = t("cron.subject", lang, department=t(f"department.{department}", lang),
                       n=len(items), day=day.isoformat(),
                       overdue=t("cron.subject_overdue", lang, n=overdue) if overdue else "")
    msg["From"] = config.smtp.get("from", "visitplan <visitplan@localhost>")
    msg["To"] = ", ".join(config.departments[department])
    msg["Date"] = format_datetime(dt.datetime.now(dt.timezone.utc))
    msg["Message-ID"] = mail.message_id("digest", department, day.isoformat(),
                                        domain=_sender_domain(config))
    msg.set_content(due_text(items, day, lang, config))
    return msg


def _sender_domain(config) -> str:
    from email.utils import parseaddr

    address = parseaddr(config.smtp.get("from", ""))[1]
    return address.rpartition("@")[2] or "localhost"


def _send_digests(session, visits, day, state, report, dry_run, environ) -> None:
    from visitplan.mail import smtp as mail

    for department, items in by_department(due_items(session, visits, day, state)).items():
        items = [i for i in items if not i.done]
        if not items:
            continue
        recipients = session.config.departments.get(department)
        if not recipients:
            report.errors.append({"department": department, "message":
                                  f"{len(items)} task(s) for department '{department}' but no "
                                  f"address in the configuration's departments.{department}"})
            continue
        msg = digest_message(session, department, items, day)
        entry = {"department": department, "recipients": recipients,
                 "message_id": msg["Message-ID"],
                 "visits": sorted({i.visit for i in items})}
        if dry_run:
            record = state.mail(msg["Message-ID"])
            if record is None or record.status != "sent":
                report.reminders_sent.append(entry)
            continue
        try:
            result = mail.deliver(msg, session.config, state, kind="digest",
                                  department=department, day=day.isoformat(), environ=environ)
        except VisitplanError as exc:
            report.errors.append({**entry, "message": str(exc)})
            continue
        if result.sent:
            report.reminders_sent.append(entry)


def _send_followups(session, visits, day, state, report, dry_run, environ) -> None:
    from visitplan.mail.followup import build_followup, send_followup

    for path, visit in visits:
        if visit.followup.send_on > day:
            continue
        if visit.minutes is None:
            report.skipped.append({"visit": visit.id, "reason": "follow-up due since "
                                   f"{visit.followup.send_on} but the visit has no minutes "
                                   "yet"})
            continue
        try:
            if dry_run:
                msg = build_followup(session, visit)
                record = state.mail(msg["Message-ID"])
                if record is None or record.status != "sent":
                    report.followups_sent.append({"visit": visit.id,
                                                  "recipients": visit.followup.to,
                                                  "message_id": msg["Message-ID"]})
                continue
            result = send_followup(session, visit, state, environ=environ)
        except VisitplanError as exc:
            report.errors.append({"visit": visit.id, "file": str(path), "message": str(exc)})
            continue
        if result.sent:
            report.followups_sent.append({"visit": visit.id, "recipients": result.recipients,
                                          "message_id": result.message_id})
