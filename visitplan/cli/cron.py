"""due, done, run: the daily side of visitplan."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from visitplan import api
from visitplan.cli.common import (command_options, date_option, echo_json, echo_problems,
                                  json_option, lang_option, quiet, session,
                                  strict_option, verbose)


def _complete_tasks(ctx, param, incomplete):
    """Shell completion of task ids: those of the visit named before them."""
    visit = ctx.params.get("visit")
    if not visit:
        return []
    try:
        s = api.Session.open(ctx.params.get("config_file")
                             or (ctx.find_root().params or {}).get("config_file"))
    except Exception:     # completion never fails loudly
        return []
    return [task for task in api.task_ids(s, visit) if task.startswith(incomplete)]


@click.command("due")
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
@date_option("The day to list (default: today, in the configured time zone).")
@lang_option
@strict_option
@json_option
@command_options
@click.pass_context
def due_command(ctx, folders, date, lang, strict, as_json, config_file):
    """List the tasks due on a day, and the overdue ones not done, by department.

    Looks through the visit files in the folders (recursively; default: the configured
    `visits:` folder, else the current folder). Visits that fail `check` are reported on
    stderr without stopping the others (exit 2).

    \b
    Example:
      visitplan due /srv/visits --date 2026-12-03
    """
    result = api.due(session(ctx, config_file), list(folders), date, lang)
    echo_problems(result.problems)
    if as_json:
        echo_json([i.as_json() for i in result.items])
    elif result.items or not quiet(ctx):
        click.echo(result.text, nl=not result.items)
    if any(p.severity == "error" for p in result.problems) or (strict and result.problems):
        ctx.exit(2)


@click.command("done")
@click.argument("visit")
@click.argument("tasks", nargs=-1, required=True, shell_complete=_complete_tasks)
@click.option("--undo", is_flag=True, help="Untick the tasks instead.")
@command_options
@click.pass_context
def done_command(ctx, visit, tasks, undo, config_file):
    """Tick tasks of a visit as done (or --undo); ticked tasks leave the reminders.

    VISIT is a visit file, or the visit id that `due` and the digests print (looked up
    in the configured `visits:` folder). Records who ticked them and when, in the state
    store. Task ids complete in the shell (see README, "Shell completion").

    \b
    Example:
      visitplan done hanbit-2026-12 ft-admin-pickup-sign std-day-before-call
    """
    changed = api.tick(session(ctx, config_file), visit, list(tasks), undo=undo)
    if not quiet(ctx):
        click.echo(f"{'unticked' if undo else 'ticked'}: {', '.join(changed)}")


@click.command("run")
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
@date_option("The day to act as if it were today (default: today, in the configured time "
             "zone).")
@click.option("--send", is_flag=True, help="Mail the department digests, the guests' "
              "pre-arrival emails and due follow-ups.")
@click.option("--dry-run", is_flag=True, help="Show what would be built and sent; change "
              "nothing.")
@click.option("--force", is_flag=True, help="Also send follow-ups due more than 7 days ago "
              "and the digest of a day already past.")
@click.option("--jobs", type=click.IntRange(1, 64), help="Render this many visits at once "
              "(default: the number of cores).")
@strict_option
@json_option
@command_options
@click.pass_context
def run_command(ctx, folders, date, send, dry_run, force, jobs, strict, as_json, config_file):
    """The cron entry point: rebuild what changed, remind departments, send follow-ups.

    Reads the visits in the folders (default: the configured `visits:` folder). Each
    visit's documents are rebuilt only when its inputs changed. With --send, each
    department gets at most one digest a working day and each follow-up goes out once; a
    follow-up due more than 7 days ago is reported as stale instead (--force sends it).
    The guests' pre-arrival email goes out once from pre_arrival_days before arrival
    (default 3) until the guests arrive, never after; one sent late is a warning, one
    that could not go out is reported once. The staff calendars in <output>/calendars/
    are kept current. A
    visit with problems is skipped with every problem printed, the others are done, and
    the run exits 1. A run that finds another one active exits 0 after saying so; one
    that finds the lock held longer than a run may last (2 hours) exits 1. Quiet when
    there is nothing to do.

    \b
    Example (crontab):
      30 7 * * * visitplan --config /srv/visits/visitplan.yaml run --send
    """
    s = session(ctx, config_file)
    bar = _ProgressBar() if sys.stderr.isatty() and not as_json and not quiet(ctx) else None
    try:
        report = api.run(s, list(folders), date, send=send, dry_run=dry_run, force=force,
                         jobs=jobs, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    if report.busy:
        click.echo("visitplan: another run is active on the same state store; nothing done",
                   err=True)
        return
    for line in report.error_lines():
        click.echo(line, err=True)
    if as_json:
        echo_json(report.as_json())
    elif dry_run:
        for visit_id in report.built:
            click.echo(f"would build {visit_id}")
        for r in report.reminders_sent:
            click.echo(f"would remind {r['department']} ({', '.join(r['recipients'])})")
        for f in report.prearrivals_sent:
            click.echo(f"would send the pre-arrival email of {f['visit']} to "
                       f"{', '.join(f['recipients'])}")
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
    if strict and report.warned:
        ctx.exit(2)


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


@click.command("status")
@click.argument("visit")
@date_option("Show the state as this day begins: tasks due before it are late "
             "(default: now).")
@lang_option
@json_option
@command_options
@click.pass_context
def status_command(ctx, visit, date, lang, as_json, config_file):
    """Show where a visit's preparation stands: each department's tasks, done, open or late.

    VISIT is a visit file, or a visit id found in the configured `visits:` folder.

    \b
    Example:
      visitplan status hanbit-2026-12
    """
    result = api.status(session(ctx, config_file), visit, lang, date)
    if as_json:
        echo_json({"visit": result.visit.id, "tasks": [s.as_json() for s in result.tasks]})
    else:
        click.echo(result.text, nl=False)
