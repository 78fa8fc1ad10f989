"""Options and helpers shared by the commands."""
from __future__ import annotations

import datetime as dt
import json

import click


def session(ctx: click.Context, config_file: str | None = None):
    from visitplan.api import Session

    obj = ctx.find_root().obj or {}
    return Session.open(config_file or obj.get("config_file"))


def config_option(f):
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
                        help="Language of the output (zh, en or ko).")(f)


def json_option(f):
    return click.option("--json", "as_json", is_flag=True,
                        help="Print one JSON document to stdout.")(f)


def quiet(ctx: click.Context) -> bool:
    return bool((ctx.find_root().obj or {}).get("quiet"))


def verbose(ctx: click.Context) -> bool:
    return bool((ctx.find_root().obj or {}).get("verbose"))


def echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
