"""Options and printing shared by the commands: the one place problems are printed."""
from __future__ import annotations

import datetime as dt
import json

import click

from visitplan import api
from visitplan.errors import InputError, Problem


def session(ctx: click.Context, config_file: str | None = None) -> api.Session:
    obj = ctx.find_root().obj or {}
    return api.Session.open(config_file or obj.get("config_file"))


def _root_flag(name):
    def store(ctx, param, value):
        if value:
            ctx.find_root().ensure_object(dict)[name] = True
        return value
    return store


def command_options(f):
    """--config, -q/--quiet and -v/--verbose, accepted after the subcommand as well as
    before it."""
    f = click.option("-v", "--verbose", is_flag=True, expose_value=False,
                     callback=_root_flag("verbose"), help="Say more about what is done.")(f)
    f = click.option("-q", "--quiet", is_flag=True, expose_value=False,
                     callback=_root_flag("quiet"), help="Say nothing but problems.")(f)
    return click.option("--config", "config_file", metavar="FILE",
                        help="Configuration file (overrides the global --config).")(f)


def parse_date(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date written as YYYY-MM-DD") from None


def date_option(help_text="The day to act as if it were today (YYYY-MM-DD)."):
    return click.option("--date", "date", metavar="YYYY-MM-DD", callback=parse_date,
                        help=help_text)


def lang_option(f):
    return click.option("--lang", type=click.Choice(["zh", "en", "ko"]),
                        help="Language of the output and of the problems printed "
                             "(default: the staff language).")(f)


def strict_option(f):
    return click.option("--strict", is_flag=True,
                        help="Treat warnings as errors (exit 2).")(f)


def json_option(f):
    return click.option("--json", "as_json", is_flag=True,
                        help="Print one JSON document to stdout.")(f)


def quiet(ctx: click.Context) -> bool:
    return bool((ctx.find_root().obj or {}).get("quiet"))


def verbose(ctx: click.Context) -> bool:
    return bool((ctx.find_root().obj or {}).get("verbose"))


def echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def echo_problems(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


def problem_json(problem: Problem) -> dict:
    return {"file": problem.file, "line": problem.line, "column": problem.col,
            "field": problem.field, "severity": problem.severity, "message": problem.message}


def strict_guard(strict: bool):
    """An `on_problems` callback for commands that write: prints the problems as they are
    found and stops before anything is written when one is an error or, under --strict,
    when there is any."""
    def on_problems(problems: list[Problem]) -> None:
        echo_problems(problems)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise InputError(f"{len(errors)} error{'s' if len(errors) > 1 else ''} in the "
                             "visit; nothing was written")
        if strict and problems:
            raise InputError(strict_message(problems))
    return on_problems


def strict_message(problems: list[Problem], written: bool = False) -> str:
    n = len(problems)
    return (f"--strict: {n} warning{'s' if n > 1 else ''}"
            + ("" if written else "; nothing was written"))
