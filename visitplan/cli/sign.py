"""sign: the pickup sign and the front-desk welcome screen."""
from __future__ import annotations

from pathlib import Path

import click

from visitplan import api
from visitplan.cli.common import (command_options, echo_problems, lang_option, quiet,
                                  session, strict_message, strict_option)
from visitplan.errors import InputError


@click.command("sign")
@click.argument("visit")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write sign.pdf and welcome.html to (default: the "
                   "configuration's output folder / the visit's id).")
@click.option("--size", type=click.Choice(["a4", "a3"]),
              help="Paper size of the sign, printed landscape (default: the visit's "
                   "`sign: {size:}`, else the configuration's, else a4).")
@click.option("--group/--no-group", default=None,
              help="One page for the whole group (the company large, every name listed) "
                   "instead of one page per guest (default: the visit's `sign: {group:}`, "
                   "else the configuration's).")
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path),
              help="Your templates folder (overrides the configuration's `templates:`); "
                   "a logo.svg or logo.png in it goes on the sign and the screen.")
@lang_option
@strict_option
@command_options
@click.pass_context
def sign_command(ctx, visit, output, size, group, templates, lang, strict, config_file):
    """Print the pickup sign and make the front-desk welcome screen.

    VISIT is a visit file, or a visit id found in the configured `visits:` folder.
    sign.pdf has one landscape page per guest: the name in the guest's own script as
    large as fits on one line (Korean and Chinese names surname first), the Latin name
    under it, the company, and your company's name and logo. welcome.html is the screen
    for the reception's display (16:9): the guests' country, company and names, and a
    welcome in the guests' and the staff language; it is one file that needs no network.
    A name whose capitals print lower than 50 mm (readable from about 15 m) is reported.

    \b
    Example:
      visitplan sign visits/hanbit.yaml --size a3
      visitplan sign visits/hanbit.yaml --group -o /media/usb
    """
    result = api.sign(session(ctx, config_file), visit, output=output, size=size,
                      group=group, templates=templates, lang=lang)
    echo_problems(result.problems)
    if strict and result.problems:
        raise InputError(strict_message(result.problems, written=True))
    if not quiet(ctx):
        click.echo("wrote " + ", ".join(str(p) for p in result.written))
