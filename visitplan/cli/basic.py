"""new, check, profiles, schema."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from visitplan import api
from visitplan.cli.common import (command_options, date_option, echo_json, echo_problems,
                                  json_option, lang_option, problem_json, quiet, session,
                                  strict_option)


@click.command("new")
@click.option("--profile", "profiles", multiple=True, metavar="P",
              help="A profile to list in the new visit (repeatable).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the visit file here (and visit.schema.json beside it); "
                   "default: print it.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@command_options
@click.pass_context
def new_command(ctx, profiles, output, force, config_file):
    """Write a commented visit file to fill in.

    The file starts with a yaml-language-server line pointing at visit.schema.json,
    written beside it, so editors check it as you type. Fill in every <...> value, then
    run `visitplan check`.

    \b
    Example:
      visitplan new --profile korean -o visits/hanbit.yaml
    """
    s = session(ctx, config_file)
    text = api.new_visit(list(profiles), s)
    if output is None:
        click.echo(text, nl=False)
        return
    written = api.write_new(output, text, force)
    if not quiet(ctx):
        click.echo(f"wrote {written[0]} (and {written[1].name}); fill in every <...> value, "
                   f"then run: visitplan check {written[0]}")


@click.command("check")
@click.argument("visits", nargs=-1, required=True, type=click.Path(path_type=Path))
@strict_option
@date_option("The day to check late planning against (default: today).")
@lang_option
@json_option
@command_options
@click.pass_context
def check_command(ctx, visits, strict, date, lang, as_json, config_file):
    """Validate visit files (or folders of them).

    `-` reads a visit from standard input (paths in it are relative to the working
    folder).

    Prints every problem at once, one line each, as FILE:LINE:COL: field: message, to
    stderr; warnings are marked `warning:` and come in the staff language (--lang
    overrides). Exit 0 when valid, 2 otherwise (with --strict, warnings count too).
    Two visit files that give the same visit id are an error naming both.

    \b
    Example:
      visitplan check visits/*.yaml --strict
    """
    s = session(ctx, config_file)
    stdin = None
    if any(str(v) == "-" for v in visits):      # at most 1 MiB and one byte is read
        stdin = sys.stdin.buffer.read(api.MAX_VISIT_BYTES + 1)
    results = api.check(s, list(visits), date, lang, stdin=stdin)
    failed = False
    for result in results:
        echo_problems(result.problems)
        bad = not result.ok or (strict and result.problems)
        failed = failed or bad
        if not as_json and not bad and not quiet(ctx):
            warnings = len(result.problems)
            click.echo(f"{result.path}: ok" + (f" ({warnings} warning"
                                               f"{'s' if warnings > 1 else ''})"
                                               if warnings else ""))
    if as_json:
        echo_json([{"file": str(r.path), "ok": r.ok,
                    "problems": [problem_json(p) for p in r.problems]} for r in results])
    if failed:
        ctx.exit(2)


@click.command("profiles")
@click.argument("name", required=False)
@lang_option
@json_option
@command_options
@click.pass_context
def profiles_command(ctx, name, lang, as_json, config_file):
    """List the profiles, or show one's etiquette notes and tasks.

    \b
    Example:
      visitplan profiles
      visitplan profiles korean --lang zh
    """
    result = api.profiles(session(ctx, config_file), name, lang, as_json)
    if as_json:
        echo_json(result)
    else:
        click.echo(result)


@click.command("schema")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the schema to this file instead of stdout.")
def schema_command(output):
    """Print the JSON Schema of the visit file, for editors.

    \b
    Example:
      visitplan schema -o visits/visit.schema.json
    """
    if output is None:
        click.echo(api.schema_json(), nl=False)
    else:
        api.write_schema(output)


@click.command("languages")
@lang_option
@json_option
def languages_command(lang, as_json):
    """List the languages documents come in, and what each covers.

    Guest languages serve the itinerary, calendar, sign, welcome screen and emails; staff
    languages (zh, en, ko) also serve checklists, digests and warnings. A visit that names
    no `language:` takes its senior guest's country's (the COUNTRIES column; the
    configuration's `guest_languages:` overrides one country), else the configuration's.

    \b
    Example:
      visitplan languages
    """
    rows = api.languages(lang)
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['code']:<8} {row['own_name']} ({row['name']}): {row['documents']} "
                   f"documents, {row['guest_wording']} % of the guest wording, "
                   f"{row['script']}, {row['direction']}, {', '.join(row['faces'][:1])}; "
                   f"guests from {', '.join(row['countries']) or '-'}")
