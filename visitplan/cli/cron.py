"""due, done, run: the daily side of visitplan."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from visitplan.cli.common import (config_option, date_option, echo_json, json_option,
                                  lang_option, quiet, session, verbose)


@click.command("due")
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
@date_option("The day to list (default: today).")
@lang_option
@json_option
@config_option
@click.pass_context
def due_command(ctx, folders, date, lang, as_json, config_file):
    """List the tasks due on a day, and the overdue ones not done, by department.

    Looks through the visit files in the folders (recursively; default: the current
    folder). Visits that fail `check` are reported on stderr without stopping the others.

    \b
    Example:
      visitplan due /srv/visits --date 2026-12-03
    """
    from visitplan.cron import run as cron
    from visitplan.cron.state import State

    s = session(ctx, config_file)
    day = s.today(date)
    found = cron.scan(s, list(folders) or [Path.cwd()])
    for _, problems in found.errors:
        for problem in problems:
            click.echo(str(problem), err=True)
    state_path = s.config.state_path
    state = State(state_path) if state_path.exists() else None
    try:
        items = cron.due_items(s, found.visits, day, state)
    finally:
        if state:
            state.close()
    if as_json:
        echo_json([i.as_json() for i in items])
    elif items:
        lang = lang or s.config.staff_language or items[0].staff_language
        click.echo(cron.due_text(items, day, lang, s.config), nl=False)
    elif not quiet(ctx):
        from visitplan.text.i18n import t

        click.echo(t("cron.nothing", lang or s.config.staff_language or "en",
                     day=day.isoformat()))
    if found.errors:
        ctx.exit(2)


@click.command("done")
@click.argument("visit", type=click.Path(path_type=Path))
@click.argument("tasks", nargs=-1, required=True)
@click.option("--undo", is_flag=True, help="Untick the tasks instead.")
@config_option
@click.pass_context
def done_command(ctx, visit, tasks, undo, config_file):
    """Tick tasks of a visit as done (or --undo); ticked tasks leave the reminders.

    Records who ticked them and when, in the state store.

    \b
    Example:
      visitplan done visits/hanbit.yaml ft-admin-pickup-sign std-day-before-call
    """
    from visitplan.cron import run as cron

    s = session(ctx, config_file)
    changed = cron.tick(s, visit, list(tasks), undo=undo)
    if not quiet(ctx):
        click.echo(f"{'unticked' if undo else 'ticked'}: {', '.join(changed)}")


@click.command("run")
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@date_option("The day to act as if it were today (default: today).")
@click.option("--send", is_flag=True, help="Mail the department digests and due follow-ups.")
@click.option("--dry-run", is_flag=True, help="Show what would be built and sent; change "
              "nothing.")
@click.option("--force", is_flag=True, help="With --send: also send follow-ups due more "
              "than 7 days ago, and the digests of a --date already past.")
@click.option("--jobs", type=click.IntRange(1, 64), help="Render this many visits at once "
              "(default: the number of cores).")
@json_option
@config_option
@click.pass_context
def run_command(ctx, folders, date, send, dry_run, force, jobs, as_json, config_file):
    """The cron entry point: rebuild what changed, remind departments, send follow-ups.

    Each visit's documents are rebuilt only when its inputs changed. With --send, each
    department gets at most one digest a day and each follow-up goes out once; a
    follow-up due more than 7 days ago is reported as stale instead (--force sends it).
    A run that finds another one active exits 0 after saying so; one that finds the lock
    held longer than a run may last (2 hours) exits 1. Quiet when there is nothing to do.

    \b
    Example (crontab):
      30 7 * * * visitplan --config /srv/visits/visitplan.yaml run /srv/visits --send
    """
    from visitplan.cron import run as cron
    from visitplan.cron.report import line_of

    s = session(ctx, config_file)
    day = s.today(date)
    bar = _ProgressBar() if sys.stderr.isatty() and not as_json and not quiet(ctx) else None
    try:
        report = cron.run(s, list(folders), day, send=send, dry_run=dry_run, force=force,
                          jobs=jobs, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    if report.busy:
        click.echo("visitplan: another run is active on the same state store; nothing done",
                   err=True)
        return
    for error in report.errors:
        click.echo(line_of(error), err=True)
    if as_json:
        echo_json(report.as_json())
    elif dry_run:
        for visit_id in report.built:
            click.echo(f"would build {visit_id}")
        for r in report.reminders_sent:
            click.echo(f"would remind {r['department']} ({', '.join(r['recipients'])})")
        for f in report.followups_sent:
            click.echo(f"would send the follow-up of {f['visit']} to "
                       f"{', '.join(f['recipients'])}")
        for reason in report.reasons():
            click.echo(reason)
    elif not report.idle or verbose(ctx):
        click.echo(report.summary())
        for reason in report.reasons():
            click.echo(reason)
    if report.failed:
        ctx.exit(1)


class _ProgressBar:
    """click's progress bar on stderr, drawn once the number of visits to build is known."""

    def __init__(self):
        self.bar = None

    def __call__(self, visit_id: str, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="building", file=sys.stderr,
                                         item_show_func=lambda item: item)
            self.bar.render_progress()
        self.bar.update(1, visit_id)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()
