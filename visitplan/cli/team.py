"""agenda, register, calendar, print: the team around the visit."""
from __future__ import annotations

from pathlib import Path

import click

from visitplan import api
from visitplan.cli.common import (command_options, echo_json, echo_problems, json_option,
                                  lang_option, parse_date, problem_json, quiet, session,
                                  strict_message, strict_option)
from visitplan.errors import InputError


def _range_options(required: bool):
    def wrap(f):
        f = click.option("--to", "end", metavar="YYYY-MM-DD", callback=parse_date,
                         required=required,
                         help="The last day (default: the last departure).")(f)
        return click.option("--from", "start", metavar="YYYY-MM-DD", callback=parse_date,
                            required=required, help="The first day (default: today).")(f)
    return wrap


@click.command("agenda")
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
@_range_options(required=False)
@strict_option
@lang_option
@json_option
@command_options
@click.pass_context
def agenda_command(ctx, folders, start, end, strict, lang, as_json, config_file):
    """Show the visits day by day, and the clashes between them.

    Reads the visit files in FOLDERS (default: the configured `visits:` folder): each
    day's arrivals, schedule items and departures, then the clashes, printed as warnings
    on stderr: the leader needed at two visits at once (meetings and meals of visits with
    a host.leader, and the leader's own tasks during a stay), the same `where` booked
    twice, more pickups within an hour of each other than `cars:`, and a department with
    more tasks due on a day than `max_tasks_per_day:`. Exit 0 (2 with --strict when there
    is a clash).

    \b
    Example:
      visitplan agenda visits --from 2026-12-01 --to 2026-12-31
    """
    result = api.agenda(session(ctx, config_file), list(folders), start, end, lang)
    echo_problems(result.problems)
    if as_json:
        echo_json(result.as_json(problem_json))
    elif not quiet(ctx):
        click.echo(result.text, nl=False)
    if strict and result.problems:
        raise InputError(strict_message(result.problems, written=True))


@click.command("register")
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
@_range_options(required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the CSV to this file (default: stdout).")
@lang_option
@json_option
@command_options
@click.pass_context
def register_command(ctx, folders, start, end, output, lang, as_json, config_file):
    """Write the visitor register: one row per guest per visit in the days given.

    One row per guest of every visit whose stay touches the days from --from to --to:
    the dates, the visit's title and id, the name in its own script and in Latin
    letters, title, company, country, the host contact, the purpose, arrival and
    departure. The CSV is UTF-8 with a byte-order mark, so Excel opens Chinese and
    Korean names intact; its headings come in the staff language (--lang). --json prints
    the rows with fixed English keys instead.

    \b
    Example:
      visitplan register visits --from 2026-12-01 --to 2026-12-31 -o register.csv
    """
    result = api.register(session(ctx, config_file), list(folders), start, end,
                          output=None if as_json else output, lang=lang)
    echo_problems(result.problems)
    if as_json:
        echo_json(result.rows)
    elif output is None:
        click.echo(result.data, nl=False)      # bytes: written as they are, BOM and all
    elif not quiet(ctx):
        click.echo(f"wrote {output} ({len(result.rows)} rows)")


@click.command("calendar")
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
@click.option("--department", required=True, type=click.Choice(api.DEPARTMENTS),
              help="Whose calendar.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write it here (default: <output>/calendars/<department>.ics).")
@lang_option
@command_options
@click.pass_context
def calendar_command(ctx, folders, department, output, lang, config_file):
    """Write a department's calendar of tasks and visits, for calendar subscriptions.

    Every task of the department across the visits in FOLDERS (default: the configured
    `visits:` folder) as an event with an alarm at its due time (ticked tasks marked ✓,
    without alarm), and every schedule item the department attends. UIDs stay the same
    from one run to the next and SEQUENCE grows when an event changes (kept in
    .sequence.json beside the calendar), so a subscribed calendar updates instead of
    doubling.

    \b
    Example:
      visitplan calendar visits --department sales -o /srv/calendars/sales.ics
    """
    result = api.calendar(session(ctx, config_file), list(folders), department,
                          output=output, lang=lang)
    echo_problems(result.problems)
    if not quiet(ctx):
        click.echo("wrote " + ", ".join(str(p) for p in result.written))


@click.command("print")
@click.argument("visit")
@click.option("--badges", is_flag=True, help="badges.pdf: eight name badges to an A4 sheet.")
@click.option("--tents", is_flag=True, help="tents.pdf: a folded table card per guest.")
@click.option("--seating", is_flag=True, help="seating.pdf: a seating plan per meal.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write into (default: <output>/<visit id>/).")
@strict_option
@command_options
@click.pass_context
def print_command(ctx, visit, badges, tents, seating, output, strict, config_file):
    """Print name badges, table tents and seating plans for a visit.

    VISIT is a visit file, or a visit id found in the configured `visits:` folder.
    Without --badges, --tents or --seating all three are written. badges.pdf: eight to
    an A4 sheet with cut marks, each with the host's logo (logo.svg/png in the templates
    folder), the name in its own script and in Latin letters, the company and 访客/VISITOR
    in the staff and the guests' language. tents.pdf: an A4 card per guest, folded across
    the middle, the name on both halves. seating.pdf: a round-table plan per meal, the
    chief guest on the host's right, then by rank, with diet and allergy marks.

    \b
    Example:
      visitplan print visits/hanbit.yaml --badges --seating
    """
    kinds = [k for k, on in (("badges", badges), ("tents", tents), ("seating", seating))
             if on] or ["badges", "tents", "seating"]
    result = api.printables(session(ctx, config_file), visit, kinds, output=output)
    echo_problems(result.problems)
    if strict and result.problems:
        raise InputError(strict_message(result.problems, written=True))
    if not quiet(ctx):
        click.echo("wrote " + ", ".join(str(p) for p in result.written))
