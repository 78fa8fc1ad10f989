"""prepare, templates."""
from __future__ import annotations

from pathlib import Path

import click

from visitplan import api
from visitplan.cli.common import (command_options, date_option, lang_option, quiet, session,
                                  strict_guard, strict_option)


@click.command("prepare")
@click.argument("visit")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write into (default: <output>/<visit id>/ of the configuration).")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html", "md"]), default="pdf",
              show_default=True, help="pdf to print; html or md (the same content) to paste "
                                      "into a chat or wiki.")
@date_option("The day of printing: tasks due before it are marked overdue (default: today).")
@lang_option
@strict_option
@click.option("--templates", "templates", type=click.Path(file_okay=False, path_type=Path),
              help="Templates folder searched before the built-in templates (default: the "
                   "configuration's templates:).")
@command_options
@click.pass_context
def prepare_command(ctx, visit, output, fmt, date, lang, strict, templates, config_file):
    """Write the itinerary, the checklist and the calendar of a visit.

    VISIT is a visit file, or a visit id found in the configured `visits:` folder.
    itinerary.<format> is for the guests, in the visit's language: a cover, then each day
    with its timeline, pickup, schedule, meals, hotel and departure, and the host contact
    with a QR code on every page. checklist.<format> is for the staff, in the staff
    language: who the guests are and in what order to serve them, the etiquette of every
    profile applied, the guests' information, environment and emotional needs, then every
    task by place and department with its due date; overdue tasks are marked, ticked ones
    (`visitplan done`) shown as done. itinerary.ics holds the same days for any calendar.

    Warnings about the visit are printed first (to stderr), before anything is written;
    with --strict they stop the command (exit 2) and nothing is written. All three files
    are written together, or none: a failed render leaves the previous files as they
    were. --lang sets the language of both documents. With `prepare: {printables: true}`
    in the configuration, badges.pdf, tents.pdf and seating.pdf (`visitplan print`) are
    written after them.

    \b
    Example:
      visitplan prepare visits/hanbit.yaml
      visitplan prepare visits/hanbit.yaml --format md -o /tmp/hanbit
    """
    result = api.prepare(session(ctx, config_file), visit, output=output, fmt=fmt,
                         today=date, lang=lang, templates=templates,
                         on_problems=strict_guard(strict))
    if not quiet(ctx):
        for path in result.written:
            click.echo(f"wrote {path}")


@click.group("templates")
def templates_command():
    """Work with the document templates.

    Files in your templates folder (configuration `templates:` or --templates) replace
    the built-in ones of the same name. A template may also extend the built-in file it
    replaces and override one block: {% extends "builtin/itinerary.html" %}.

    \b
    Example:
      visitplan templates export brand/templates
    """


@templates_command.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that already exist there.")
@click.pass_context
def export_command(ctx, folder, force):
    """Copy the built-in templates into FOLDER to start a brand folder.

    Copies every template with its css/ and assets/; then set `templates: FOLDER` in the
    configuration (or pass --templates FOLDER) and edit the copies. Delete the files you
    do not change, so they keep following the built-ins.

    \b
    Example:
      visitplan templates export brand/templates
    """
    written = api.export_templates(folder, force=force)
    if not quiet(ctx):
        click.echo(f"copied {len(written)} files into {folder}; set `templates: {folder}` "
                   "in the configuration to use them")
