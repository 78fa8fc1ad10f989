"""followup."""
from __future__ import annotations

from pathlib import Path

import click

from visitplan.cli.common import config_option, quiet, session


@click.command("followup")
@click.argument("visit", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for followup.eml (default: <output>/<visit id>/ of the "
                   "configuration).")
@click.option("--send", is_flag=True,
              help="Deliver it through the configured SMTP server, once.")
@click.option("--force", is_flag=True,
              help="With --send: send before the departure day, or again although it was "
                   "sent before (same Message-ID).")
@config_option
@click.pass_context
def followup_command(ctx, visit, output, send, force, config_file):
    """Write the follow-up email to the guests, or send it.

    The email thanks the guests in their language, greets each of them properly, gives
    the minutes (summary, decisions, next steps with owner and date) and the photos, and
    invites them to point out anything missing. It is built from the visit's `minutes:`
    and written as followup.eml, which any mail program opens.

    With --send it goes out through the SMTP server of the configuration (smtp:), with
    the password read from the environment variable smtp.password_env names
    (VISITPLAN_SMTP_PASSWORD unless set otherwise); a copy of what was sent is written as
    sent/followup-<date>.eml (never overwritten) and as followup.eml. It is sent once: a
    second --send says when it went out and sends nothing, --force sends it again with
    the same Message-ID. It thanks the guests for a visit that is over, so before the
    departure day --send refuses (exit 2) unless --force. If a run died while
    sending, the next --send sends it again with the same Message-ID: at worst one
    duplicate the guests' mail programs recognise, never a lost email. To trust an SMTP
    server whose certificate your own CA signed, set SSL_CERT_FILE to that CA's file.

    \b
    Example:
      visitplan followup visits/hanbit.yaml
      visitplan followup visits/hanbit.yaml --send
    """
    from visitplan.errors import InputError
    from visitplan.mail.followup import send_followup, sendable_from, write_followup
    from visitplan.cron.state import State

    if force and not send:
        raise click.UsageError("--force only applies together with --send")
    s = session(ctx, config_file)
    v = s.load_visit(visit)
    folder = output or s.config.output_dir(v.id)
    if not send:
        state_path = s.config.state_path
        if state_path.exists():
            with State(state_path) as state:
                path = write_followup(s, v, folder, state=state)
        else:
            path = write_followup(s, v, folder)
        if not quiet(ctx):
            click.echo(f"wrote {path}; to send it: visitplan followup {visit} --send")
        return
    first = sendable_from(v)
    if s.today() < first and not force:
        raise InputError(f"{visit}: the follow-up thanks the guests for their visit, which "
                         f"ends on {first.isoformat()}; it may be sent from "
                         f"{first.isoformat()} on (--force sends it now)")
    with State(s.config.state_path) as state:
        result = send_followup(s, v, state, force=force, output_dir=folder)
    _report(ctx, v, result, folder)


def _report(ctx, visit, result, folder) -> None:
    from visitplan.errors import SendError, VisitplanError

    if result.refused:
        refused = "; ".join(f"{rcpt}: {words}" for rcpt, words in result.refused.items())
        raise SendError(f"the follow-up of {visit.id} was sent as {result.message_id} but "
                        f"the server refused some recipients ({refused}); fix them, then "
                        "send again with --send --force")
    if quiet(ctx):
        if result.copy_error:
            raise VisitplanError(result.copy_error)
        return
    when = _local(result.sent_at, visit.tz)
    if not result.sent:
        click.echo(f"the follow-up of {visit.id} was already sent on {when} to "
                   f"{', '.join(result.recipients)}; nothing sent (--force sends it again "
                   "with the same Message-ID)")
        return
    if result.resumed:
        click.echo(f"an earlier attempt to send the follow-up of {visit.id} (started "
                   f"{_local(result.previous_attempt, visit.tz)}) did not finish; sending "
                   "it again under the same Message-ID")
    again = " again" if result.forced else ""
    copy = f"; a copy is in {result.copy}" if result.copy else ""
    click.echo(f"sent the follow-up of {visit.id}{again} to {', '.join(result.recipients)} "
               f"on {when} as {result.message_id}{copy}")
    if result.copy_error:
        raise VisitplanError(result.copy_error)


def _local(stamp: str | None, tz) -> str:
    import datetime as dt

    if not stamp:
        return "an unknown time"
    return dt.datetime.fromisoformat(stamp).astimezone(tz).strftime("%Y-%m-%d %H:%M %z")
