"""The sending half of a cron pass: each department's digest of the day, the guests'
pre-arrival emails and the follow-ups that are due, each at most once, none too late, and a
copy of each kept as sent.

It needs no rendered document, so the send-once behaviour can be exercised (and run) on its
own: `visitplan.cron.run.run(..., build=False)`.

What is not sent, and why, is reported rather than silently dropped:

* a follow-up whose `send_on` is more than STALE_AFTER_DAYS days before the run's day is
  *stale* (a state store that was lost or replaced would otherwise mail every past guest
  again); `force` sends it;
* digests are for the day they are sent: a run for a day before today sends none
  (reported as stale); `force` sends them;
* a follow-up due without `minutes:` is *skipped*, with the file to write them in;
* a pre-arrival email is due `pre_arrival_days` before the arrival day and goes out at the
  first run from then on while the guests have not arrived. One sent after its day (a
  visit planned too late, or runs that did not happen) is sent all the same and reported
  as a warning; one that can no longer go out (the guests arrived) is *skipped* with the
  reason, once (the state store's notices), and never sent.

When the server cannot be reached (or refuses the login, or TLS fails), the first message
that meets it reports the cause once, and the others are not tried: one line for one cause.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from visitplan.cron.report import error, from_problem, internal_error
from visitplan.errors import ValidationFailed, VisitplanError
from visitplan.mail import smtp as mail
from visitplan.mail import prearrival
from visitplan.mail.followup import build_followup, id_domain, send_followup
from visitplan.mail.sent import digests_folder, keep_sent
from visitplan.text.i18n import t

# a follow-up due longer ago than this is not sent by `run` without --force
STALE_AFTER_DAYS = 7


@dataclass
class Digest:
    """One department's digest of a day, as the due listing made it."""

    department: str
    lang: str
    body: str                                   # the text (the due listing)
    count: int                                  # tasks in it
    overdue: int                                # of which overdue
    visits: list = field(default_factory=list)  # the visit ids it names


@dataclass
class _Server:
    """Whether the server was found unavailable in this pass, and what waits for it; and
    the copies of sent mail that could not be kept (one cause, said once)."""

    down: mail.ServerUnavailable | None = None
    waiting: dict = field(default_factory=dict)     # "digest" | "follow-up" -> count
    copy_failures: list = field(default_factory=list)
    outbox: mail.Outbox | None = None               # one connection for the whole pass

    def wait(self, kind: str) -> None:
        self.waiting[kind] = self.waiting.get(kind, 0) + 1

    def copies_error(self, config) -> dict | None:
        if not self.copy_failures:
            return None
        more = len(self.copy_failures) - 1
        return error(self.copy_failures[0] + (f" (and {more} more message{'s' * (more > 1)}"
                                              " whose copy could not be kept)" if more else ""),
                     file=config.path, field_="output")

    def error(self, config) -> dict | None:
        if self.down is None:
            return None
        left = ", ".join(f"{n} {kind}{'s' if n > 1 else ''}"
                         for kind, n in self.waiting.items())
        return error(f"{self.down} ({left} not sent; the next run sends them)",
                     file=config.path, field_="smtp")


def send(session, visits, digests: list[Digest], day: dt.date, state, report, *,
         today: dt.date | None = None, dry_run: bool = False, force: bool = False,
         environ=None, now: dt.datetime | None = None) -> None:
    """Send the day's digests, the due pre-arrival emails and follow-ups (or, with dry_run,
    list what would be sent), filling in the report. `today` is the real day; digests for
    an earlier `day` are not sent without `force`. `now`: the moment acted at (default:
    `prearrival.moment` of each visit), before which the guests must not have arrived."""
    with mail.Outbox(session.config, environ) as outbox:
        server = _Server(outbox=outbox)
        _send_digests(session, digests, day, state, report, server, today, dry_run, force,
                      environ)
        _send_prearrivals(session, visits, day, today or day, now, state, report, server,
                          dry_run, environ)
        _send_followups(session, visits, day, state, report, server, dry_run, force,
                        environ)
    for failure in (server.error(session.config), server.copies_error(session.config)):
        if failure is not None:
            report.errors.append(failure)


def digest_message(session, digest: Digest, day: dt.date, domain: str):
    """The email of one department's digest: automatic (Auto-Submitted), with a Message-ID
    derived from the department and the day."""
    config = session.config
    lang = digest.lang
    msg = mail.new_message()
    msg["Subject"] = t("cron.subject", lang, department=t(f"department.{digest.department}",
                                                           lang),
                       n=digest.count, day=day.isoformat(),
                       overdue=t("cron.subject_overdue", lang, n=digest.overdue)
                       if digest.overdue else "")
    msg["From"] = config.smtp.get("from", "visitplan <visitplan@localhost>")
    msg["To"] = ", ".join(config.departments[digest.department])
    msg["Date"] = format_datetime(session.now())     # the office's time zone
    msg["Message-ID"] = mail.message_id("digest", digest.department, day.isoformat(),
                                        domain=domain)
    msg["Auto-Submitted"] = "auto-generated"        # RFC 3834: no vacation replies to it
    msg.set_content(digest.body)
    return msg


def _send_digests(session, digests, day, state, report, server, today, dry_run, force,
                  environ) -> None:
    config = session.config
    if today is not None and day < today and not force and digests:
        report.stale.append({
            "visit": None, "kind": "digests", "day": day.isoformat(),
            "departments": [d.department for d in digests],
            "reason": f"digests of {day.isoformat()} not sent: that day is past (today is "
                      f"{today.isoformat()}); digests are for the day they are sent, and "
                      "--force sends them anyway"})
        return
    domain = mail.id_domain(config, state, fix=not dry_run)
    for digest in digests:
        recipients = config.departments.get(digest.department)
        if not recipients:
            report.errors.append(error(
                f"{digest.count} task(s) for department '{digest.department}' but no "
                f"address in the configuration's departments.{digest.department}",
                file=config.path, field_=f"departments.{digest.department}"))
            continue
        msg = digest_message(session, digest, day, domain)
        entry = {"department": digest.department, "recipients": recipients,
                 "message_id": msg["Message-ID"], "visits": digest.visits}
        if dry_run:
            record = state.mail(msg["Message-ID"])
            if record is None or record.status != "sent":
                report.reminders_sent.append(entry)
            continue
        if server.down is not None:
            server.wait("digest")
            continue
        try:
            result = mail.deliver(msg, config, state, kind="digest",
                                  department=digest.department, day=day.isoformat(),
                                  environ=environ, outbox=server.outbox)
        except mail.ServerUnavailable as exc:
            server.down = exc
            server.wait("digest")
            continue
        except VisitplanError as exc:
            report.errors.append(error(f"digest for {digest.department}: {exc}",
                                       file=config.path, field_=f"departments."
                                       f"{digest.department}"))
            continue
        if result.sent:
            report.reminders_sent.append(entry)
            try:
                keep_sent(msg, digests_folder(config.output or Path("out")),
                          digest.department, day)
            except VisitplanError as exc:
                server.copy_failures.append(str(exc))


def _send_followups(session, visits, day, state, report, server, dry_run, force,
                    environ) -> None:
    for path, visit in visits:
        send_on = visit.followup.send_on
        if send_on > day:
            continue
        try:
            domain = id_domain(session, visit, state, fix=False)
            record = state.mail(mail.message_id("followup", visit.id, domain=domain))
        except VisitplanError as exc:
            report.errors.append(error(str(exc), visit=visit.id, file=path))
            continue
        if record is not None and record.status == "sent":
            continue
        late = (day - send_on).days
        if late > STALE_AFTER_DAYS and not force:
            report.stale.append({
                "visit": visit.id, "file": str(path), "kind": "followup",
                "send_on": send_on.isoformat(),
                "reason": f"follow-up not sent: it was due on {send_on.isoformat()}, {late} "
                          f"days ago (more than {STALE_AFTER_DAYS}); `visitplan run --force` "
                          "or `visitplan followup FILE --send` sends it"})
            continue
        if visit.minutes is None:
            report.skipped.append({
                "visit": visit.id, "file": str(path), "kind": "followup",
                "reason": f"follow-up not sent: no `minutes:` in {path}; write them and the "
                          "next run sends it"})
            continue
        if server.down is not None and not dry_run:
            server.wait("follow-up")
            continue
        _send_one(session, path, visit, state, report, server, dry_run, environ)


def _send_one(session, path, visit, state, report, server, dry_run, environ) -> None:
    config = session.config
    try:
        if dry_run:
            msg = build_followup(session, visit, domain=id_domain(session, visit, state, False))
            report.followups_sent.append({"visit": visit.id, "recipients": visit.followup.to,
                                          "message_id": msg["Message-ID"]})
            return
        result = send_followup(session, visit, state, environ=environ,
                               output_dir=config.output_dir(visit.id), outbox=server.outbox)
    except mail.ServerUnavailable as exc:
        server.down = exc
        server.wait("follow-up")
        return
    except ValidationFailed as exc:
        report.errors.extend(from_problem(p, visit.id) for p in exc.problems)
        return
    except VisitplanError as exc:
        report.errors.append(error(str(exc), visit=visit.id, file=path))
        return
    except Exception as exc:  # a bug with one visit's mail: the others still go out
        report.errors.append(internal_error(exc, f"sending the follow-up of {path}",
                                            visit=visit.id, file=path))
        return
    if result.sent:
        report.followups_sent.append({"visit": visit.id, "recipients": result.recipients,
                                      "message_id": result.message_id,
                                      "copy": str(result.copy) if result.copy else None})
    if result.copy_error:
        server.copy_failures.append(result.copy_error)


# ---------------------------------------------------------------- pre-arrival

MISSED = "prearrival-missed"       # notices: each reported by one run only
NOBODY = "prearrival-nobody"


def _send_prearrivals(session, visits, day, today, now, state, report, server, dry_run,
                      environ) -> None:
    days_before = session.config.pre_arrival_days
    office = ZoneInfo(session.config.timezone) if session.config.timezone else None
    for path, visit in visits:
        due = prearrival.due_on(visit, days_before)
        if day < due:
            continue
        try:
            record = state.mail(prearrival.message_id(session, visit, state))
        except VisitplanError as exc:
            report.errors.append(error(str(exc), visit=visit.id, file=path))
            continue
        if record is not None and record.status == "sent":
            continue
        arrival = visit.arrival.at.astimezone(visit.tz)
        if not prearrival.sendable(visit, now or prearrival.moment(day, today, visit.tz,
                                                                   office)):
            _report_once(state, report, visit, path, day, dry_run, MISSED,
                         f"pre-arrival email not sent: the guests arrived at "
                         f"{arrival:%Y-%m-%d %H:%M} before a run could send it (it was due on "
                         f"{due.isoformat()}, {days_before} days before); it is never sent "
                         "after arrival")
            continue
        if not prearrival.recipients(visit):
            _report_once(state, report, visit, path, day, dry_run, NOBODY,
                         f"pre-arrival email not sent: no guest has an `email:` in {path}; "
                         "add one and the next run sends it")
            continue
        if server.down is not None and not dry_run:
            server.wait("pre-arrival email")
            continue
        late = (day - due).days
        entry = {"visit": visit.id, "recipients": prearrival.recipients(visit),
                 "due": due.isoformat(), "late": late > 0}
        if dry_run:
            report.prearrivals_sent.append({**entry, "message_id": prearrival.message_id(
                session, visit, state)})
            continue
        result = _attempt_prearrival(session, path, visit, state, report, server, day,
                                     environ)
        if result is None:
            continue
        if result.sent:
            report.prearrivals_sent.append({**entry, "recipients": result.recipients,
                                            "message_id": result.message_id,
                                            "copy": str(result.copy) if result.copy
                                            else None})
            if late > 0:
                report.errors.append(error(
                    f"the pre-arrival email went out on {day.isoformat()}, {late} day"
                    f"{'s' * (late > 1)} after it was due ({due.isoformat()}, "
                    f"{days_before} days before the arrival on {arrival:%Y-%m-%d}): the "
                    "visit was planned, or the runs came, too late for it",
                    visit=visit.id, file=path, severity="warning"))
        if result.copy_error:
            server.copy_failures.append(result.copy_error)


def _report_once(state, report, visit, path, day, dry_run, kind: str, reason: str) -> None:
    """A pre-arrival email that cannot go out is reported by one run, not every day."""
    if dry_run:
        if state.noticed(visit.id, kind) is None:
            report.skipped.append({"visit": visit.id, "file": str(path),
                                   "kind": "prearrival", "reason": reason})
        return
    if state.notice(visit.id, kind, day.isoformat()):
        report.skipped.append({"visit": visit.id, "file": str(path), "kind": "prearrival",
                               "reason": reason})


def _attempt_prearrival(session, path, visit, state, report, server, day, environ):
    """Send one pre-arrival email; None when it failed (the failure is in the report)."""
    try:
        return prearrival.send_prearrival(session, visit, state, day=day, environ=environ,
                                          output_dir=session.config.output_dir(visit.id),
                                          outbox=server.outbox)
    except mail.ServerUnavailable as exc:
        server.down = exc
        server.wait("pre-arrival email")
    except ValidationFailed as exc:
        report.errors.extend(from_problem(p, visit.id) for p in exc.problems)
    except VisitplanError as exc:
        report.errors.append(error(str(exc), visit=visit.id, file=path))
    except Exception as exc:  # a bug with one visit's mail: the others still go out
        report.errors.append(internal_error(exc, f"sending the pre-arrival email of {path}",
                                            visit=visit.id, file=path))
    return None
