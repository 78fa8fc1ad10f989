"""followup and prearrival: the emails to the guests."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from visitplan import api
from visitplan.cli.common import command_options, quiet, session
from visitplan.errors import SendError, VisitplanError


@click.command("followup")
@click.argument("visit")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for followup.eml (default: <output>/<visit id>/ of the "
                   "configuration).")
@click.option("--send", is_flag=True,
              help="Deliver it through the configured SMTP server, once.")
@click.option("--force", is_flag=True,
              help="With --send: send before the departure day, or again although it was "
                   "sent before (same Message-ID).")
@command_options
@click.pass_context
def followup_command(ctx, visit, output, send, force, config_file):
    """Write the follow-up email to the guests, or send it.

    VISIT is a visit file, or a visit id found in the configured `visits:` folder.
    The email thanks the guests in their language, greets each of them properly, gives
    the minutes (summary, decisions, next steps with owner and date) and the photos, and
    invites them to point out anything missing. It is built from the visit's `minutes:`
    and written as followup.eml, which any mail program opens.

    With --send it goes out through the SMTP server of the configuration (smtp:), with
    the password read from the environment variable smtp.password_env names
    (VISITPLAN_SMTP_PASSWORD unless set otherwise); a copy of what was sent is written as
    followup.eml. It is sent once: a second --send says when it went out and sends
    nothing, --force sends it again with the same Message-ID. If a run died while
    sending, the next --send sends it again with the same Message-ID: at worst one
    duplicate the guests' mail programs recognise, never a lost email. To trust an SMTP
    server whose certificate your own CA signed, set SSL_CERT_FILE to that CA's file.

    \b
    Example:
      visitplan followup visits/hanbit.yaml
      visitplan followup visits/hanbit.yaml --send
    """
    if force and not send:
        raise click.UsageError("--force only applies together with --send")
    outcome = api.followup(session(ctx, config_file), visit, output=output, send=send,
                           force=force)
    if not send:
        if not quiet(ctx):
            click.echo(f"wrote {outcome.path}; to send it: visitplan followup {visit} --send")
        return
    _report(ctx, outcome.visit, outcome.delivery, outcome.folder, "the follow-up", "followup")


def _report(ctx, visit, result, folder, what: str, command: str) -> None:
    if result.refused:
        refused = "; ".join(f"{rcpt}: {words}" for rcpt, words in result.refused.items())
        raise SendError(f"{what} of {visit.id} was sent as {result.message_id} but "
                        f"the server refused some recipients ({refused}); fix them, then "
                        "send again with --send --force")
    if quiet(ctx):
        if result.copy_error:
            raise VisitplanError(result.copy_error)
        return
    when = _local(result.sent_at, visit.tz)
    if not result.sent:
        click.echo(f"{what} of {visit.id} was already sent on {when} to "
                   f"{', '.join(result.recipients)}; nothing sent (--force sends it again "
                   "with the same Message-ID)")
        return
    if result.resumed:
        click.echo(f"an earlier attempt to send {what} of {visit.id} (started "
                   f"{_local(result.previous_attempt, visit.tz)}) did not finish; sending "
                   "it again under the same Message-ID")
    again = " again" if result.forced else ""
    copy = f"; a copy is in {result.copy}" if result.copy else ""
    click.echo(f"sent {what} of {visit.id}{again} to {', '.join(result.recipients)} "
               f"on {when} as {result.message_id}{copy}")
    if result.copy_error:
        raise VisitplanError(result.copy_error)


def _local(stamp: str | None, tz) -> str:
    if not stamp:
        return "an unknown time"
    return dt.datetime.fromisoformat(stamp).astimezone(tz).strftime("%Y-%m-%d %H:%M %z")


@click.command("prearrival")
@click.argument("visit")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for prearrival.eml (default: <output>/<visit id>/ of the "
                   "configuration).")
@click.option("--send", is_flag=True,
              help="Deliver it through the configured SMTP server, once.")
@click.option("--force", is_flag=True,
              help="With --send: send it again although it was sent before (same "
                   "Message-ID). Nothing sends it after the guests' arrival.")
@command_options
@click.pass_context
def prearrival_command(ctx, visit, output, send, force, config_file):
    """Write the guests' pre-arrival email, or send it.

    VISIT is a visit file, or a visit id found in the configured `visits:` folder.
    The email, in the guests' language, says who meets them where and how to reach that
    person, gives the hotel and the company's name and address in the local script for a
    taxi driver (host.company_local and host.address_local), and carries the itinerary
    PDF and the calendar (.ics) as attachments. It is written as prearrival.eml, which
    any mail program opens; the output folder's other files are not touched.

    `visitplan run --send` sends it by itself pre_arrival_days before the arrival day
    (default 3). With --send it goes out now, once, through the SMTP server of the
    configuration, with the same Message-ID as run would give it, and a copy of what was
    sent is kept under sent/. It is never sent after the guests' arrival.

    \b
    Example:
      visitplan prearrival visits/hanbit.yaml
      visitplan prearrival visits/hanbit.yaml --send
    """
    if force and not send:
        raise click.UsageError("--force only applies together with --send")
    outcome = api.prearrival(session(ctx, config_file), visit, output=output, send=send,
                             force=force)
    if not send:
        if not quiet(ctx):
            click.echo(f"wrote {outcome.path}; to send it: visitplan prearrival {visit} --send")
        return
    _report(ctx, outcome.visit, outcome.delivery, outcome.folder, "the pre-arrival email",
            "prearrival")
