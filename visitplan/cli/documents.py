"""prepare, templates."""
from __future__ import annotations

from pathlib import Path

import click

from visitplan.cli.common import config_option, date_option, lang_option, quiet, session


@click.command("prepare")
@click.argument("visit", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write into (default: <output>/<visit id>/ of the configuration).")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html", "md"]), default="pdf",
              show_default=True, help="pdf to print; html or md (the same content) to paste "
                                      "into a chat or wiki.")
@date_option("The day of printing: tasks due before it are marked overdue (default: today).")
@lang_option
@click.option("--templates", "templates", type=click.Path(file_okay=False, path_type=Path),
              help="Templates folder searched before the built-in templates (default: the "
                   "configuration's templates:).")
@config_option
@click.pass_context
def prepare_command(ctx, visit, output, fmt, date, lang, templates, config_file):
    """Write the itinerary, the checklist and the calendar of a visit.

    itinerary.<format> is for the guests, in the visit's language: a cover, then each day
    with its timeline, pickup, schedule, meals, hotel and departure, and the host contact
    with a QR code on every page. checklist.<format> is for the staff, in the staff
    language: who the guests are and in what order to serve them, the etiquette of every
    profile applied, the guests' information, environment and emotional needs, then every
    task by place and department with its due date; overdue tasks are marked, ticked ones
    (`visitplan done`) shown as done. itinerary.ics holds the same days for any calendar.

    Warnings about the visit are printed first (to stderr), before anything is written.
    All three files are written together, or none: a failed render leaves the previous
    files as they were. --lang sets the language of both documents.

    \b
    Example:
      visitplan prepare visits/hanbit.yaml
      visitplan prepare visits/hanbit.yaml --format md -o /tmp/hanbit
    """
    import contextlib

    from visitplan import api
    from visitplan.documents.build import prepare
    from visitplan.documents.pdf import start_worker

    # the PDF renderer starts now, so WeasyPrint loads on the other core while this
    # process reads the visit, plans and fills the templates; the warnings are worked out
    # and printed while it renders, before anything is written
    worker = start_worker() if fmt == "pdf" else None
    with worker or contextlib.nullcontext():
        s = session(ctx, config_file)
        v = s.load_visit(visit)

        warned = []

        def warn():
            if not warned:
                warned.append(True)
                for problem in list(v.warnings) + api.advise(s, v, date):
                    click.echo(str(problem), err=True)

        try:
            written = prepare(s, v, output or s.config.output_dir(v.id), fmt, today=date,
                              ticks=_ticks(s, v.id), lang=lang, templates=templates,
                              worker=worker, while_rendering=warn)
        finally:
            warn()     # also when a template failed before the rendering began
    if not quiet(ctx):
        for path in written:
            click.echo(f"wrote {path}")


def _ticks(s, visit_id: str) -> dict:
    """Ticked tasks from the state store; none when there is no store yet (prepare never
    creates one)."""
    path = s.config.state_path
    if not path.is_file():
        return {}
    from visitplan.cron.state import State

    with State(path) as state:
        return state.ticks(visit_id)


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
    from visitplan.documents.build import export_templates

    written = export_templates(folder, force=force)
    if not quiet(ctx):
        click.echo(f"copied {len(written)} files into {folder}; set `templates: {folder}` "
                   "in the configuration to use them")
