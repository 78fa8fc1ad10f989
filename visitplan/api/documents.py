"""The facade's commands that write for one visit: prepare, sign, printables, the
follow-up and pre-arrival emails, and the export of the built-in templates."""
from __future__ import annotations

from __future__ import annotations
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo
from visitplan.cron.state import State
from visitplan.documents import build as documents
from visitplan.documents import pdf
from visitplan.documents import printables as printing
from visitplan.documents import sign as signs
from visitplan.documents.output import atomic_write
from visitplan.errors import InputError, Problem
from visitplan.mail import followup as followups
from visitplan.mail import prearrival as prearrivals
from visitplan.api.checking import advise, ticks
from visitplan.session import Session
from visitplan.text.i18n import t


@dataclass
class Written:
    """What a command wrote, and the problems (warnings) it found on the way."""

    written: list[Path]
    problems: list[Problem] = field(default_factory=list)
    visit: object | None = None


def prepare(session: Session, ref, *, output: Path | None = None, fmt: str = "pdf",
            today: dt.date | None = None, lang: str | None = None,
            templates: Path | None = None, on_problems=None) -> Written:
    """Write the itinerary, the checklist and the calendar of a visit. `on_problems` is
    called with the visit's warnings while the PDFs render, before anything is written.
    With `prepare: {printables: true}` in the configuration (and the pdf format), the
    badges, table tents and seating plans (`printables`) are written after them."""
    worker = pdf.start_worker() if fmt == "pdf" else None   # WeasyPrint loads meanwhile
    extra = fmt == "pdf" and session.config.prepare.get("printables", False)
    kinds = list(printing.KINDS)
    try:
        visit = session.load_visit(session.resolve(ref))
        done = ticks(session, visit.id)
        problems: list[Problem] = []

        def warn():
            if not problems:
                problems.extend(list(visit.warnings)
                                + advise(session, visit, today, lang, set(done)))
                if extra and not printing.meals(visit):
                    kinds.remove("seating")
                    problems.append(visit.problem("schedule", t(
                        "print.no_meal", session.staff_lang(visit, lang)), "warning"))
                if on_problems is not None:
                    on_problems(problems)

        try:
            written = documents.prepare(session, visit, output or session.config.output_dir(
                visit.id), fmt, today=today, ticks=done, lang=lang, templates=templates,
                worker=worker, while_rendering=warn)
        finally:
            warn()     # also when a template failed before the rendering began
    finally:
        if worker is not None:
            worker.close()
    if extra:
        written += printables(session, visit.path, kinds, output=output).written
    return Written(written, problems, visit)


def export_templates(folder: Path, force: bool = False) -> list[Path]:
    return documents.export_templates(folder, force=force)


def sign(session: Session, ref, *, output: Path | None = None, size: str | None = None,
         group: bool | None = None, templates: Path | None = None,
         lang: str | None = None) -> Written:
    """Print the pickup sign and make the welcome screen. Size and grouping: the options
    given, else the visit's `sign:`, else the configuration's. Names too small to read from
    15 metres come back as warnings in the staff language (`lang` overrides)."""
    worker = pdf.start_worker()     # WeasyPrint loads on the other core meanwhile
    try:
        if templates is not None:
            session.config.templates = Path(templates).resolve()
        visit = session.load_visit(session.resolve(ref))
        notes: list[Problem] = []
        written = signs.sign(session, visit, output or session.config.output_dir(visit.id),
                             size, group, notes=notes, worker=worker,
                             lang=session.staff_lang(visit, lang))
    finally:
        if worker is not None:
            worker.close()
    return Written(written, notes, visit)


@dataclass
class FollowupResult:
    visit: object
    folder: Path
    path: Path | None = None          # the draft written (without send)
    delivery: object | None = None    # mail.smtp.DeliveryResult (with send)


def followup(session: Session, ref, *, output: Path | None = None, send: bool = False,
             force: bool = False) -> FollowupResult:
    """Write the follow-up email, or send it once (again only with force). Before the
    departure day it is not sent without force: it thanks the guests for a visit."""
    if force and not send:
        raise InputError("--force only applies together with --send")
    visit = session.load_visit(session.resolve(ref))
    folder = output or session.config.output_dir(visit.id)
    if not send:      # the draft carries the Message-ID the store fixed, when there is one
        if session.config.state_path.exists():
            with State(session.config.state_path) as state:
                path = followups.write_followup(session, visit, folder, state=state)
        else:
            path = followups.write_followup(session, visit, folder)
        return FollowupResult(visit, folder, path=path)
    first = followups.sendable_from(visit)
    if session.today() < first and not force:
        raise InputError(f"{visit.path}: the follow-up thanks the guests for their visit, "
                         f"which ends on {first.isoformat()}; it may be sent from "
                         f"{first.isoformat()} on (--force sends it now)")
    with State(session.config.state_path) as state:
        result = followups.send_followup(session, visit, state, force=force,
                                         output_dir=folder)
    return FollowupResult(visit, folder, delivery=result)


def printables(session: Session, ref, kinds=printing.KINDS, *,
               output: Path | None = None) -> Written:
    """Print name badges, table tents and seating plans for a visit."""
    worker = pdf.start_worker()     # WeasyPrint loads on the other core meanwhile
    try:
        visit = session.load_visit(session.resolve(ref))
        user_dir = session.config.templates
        if user_dir is not None and not Path(user_dir).is_dir():
            raise InputError(f"{user_dir}: the templates folder does not exist")
        problems = []
        if "seating" in kinds and not printing.meals(visit):
            problems.append(visit.problem("schedule", t("print.no_meal", session.staff_lang(
                visit)), "warning"))
            kinds = [k for k in kinds if k != "seating"]
            if not kinds:
                raise InputError(f"{visit.label}: no meal in the schedule, so there is no "
                                 "seating plan to print")
        pdfs = printing.render(visit, kinds, user_dir, worker=worker)
    finally:
        if worker is not None:
            worker.close()
    folder = Path(output or session.config.output_dir(visit.id))
    files = {folder / f"{kind}.pdf": data for kind, data in pdfs.items()}
    atomic_write(files)
    return Written(list(files), problems, visit)


@dataclass
class PrearrivalResult:
    visit: object
    folder: Path
    path: Path | None = None          # the draft written (without send)
    delivery: object | None = None    # mail.smtp.DeliveryResult (with send)
    due: dt.date | None = None        # the day it is due (pre_arrival_days before arrival)


def prearrival(session: Session, ref, *, output: Path | None = None, send: bool = False,
               force: bool = False) -> PrearrivalResult:
    """Write the guests' pre-arrival email, or send it once (again only with force). It is
    never sent once the guests have arrived, not even with force."""
    if force and not send:
        raise InputError("--force only applies together with --send")
    visit = session.load_visit(session.resolve(ref))
    folder = output or session.config.output_dir(visit.id)
    due = prearrivals.due_on(visit, session.config.pre_arrival_days)
    today = session.today()
    now = prearrivals.moment(today, today, visit.tz, ZoneInfo(session.config.timezone)
                             if session.config.timezone else None)
    if send and not prearrivals.sendable(visit, now):
        raise InputError(f"{visit.path}: the guests arrive at "
                         f"{visit.arrival.at:%Y-%m-%d %H:%M}, which has passed; the "
                         "pre-arrival email is never sent after arrival")
    worker = pdf.start_worker()     # WeasyPrint loads on the other core meanwhile
    try:
        if not send:    # the draft carries the Message-ID the store fixed, when there is one
            state = State(session.config.state_path) \
                if session.config.state_path.exists() else None
            try:
                path = prearrivals.write_prearrival(session, visit, folder, state=state,
                                                    worker=worker)
            finally:
                if state is not None:
                    state.close()
            return PrearrivalResult(visit, folder, path=path, due=due)
        with State(session.config.state_path) as state:
            result = prearrivals.send_prearrival(session, visit, state, force=force,
                                                 day=today, output_dir=folder, worker=worker)
    finally:
        if worker is not None:
            worker.close()
    return PrearrivalResult(visit, folder, delivery=result, due=due)
