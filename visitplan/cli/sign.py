"""sign: the pickup sign and the front-desk welcome screen."""
from __future__ import annotations

from pathlib import Path

import click

from visitplan.cli.common import config_option, quiet, session


@click.command("sign")
@click.argument("visit", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write sign.pdf and welcome.html to (default: the "
                   "configuration's output folder / the visit's id).")
@click.option("--size", type=click.Choice(["a4", "a3"]), default=None,
              help="Paper size of the sign, printed landscape (default: the visit's "
                   "`sign: {size: …}`, else the configuration's, else a4).")
@click.option("--group/--no-group", default=None,
              help="One page for the whole group (the company large, every name listed) "
                   "instead of one page per guest (default: the visit's `sign: {group: …}`, "
                   "else the configuration's).")
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path),
              help="Your templates folder (overrides the configuration's `templates:`); "
                   "a logo.svg or logo.png in it goes on the sign and the screen.")
@config_option
@click.pass_context
def sign_command(ctx, visit, output, size, group, templates, config_file):
    """Print the pickup sign and make the front-desk welcome screen.

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
    import contextlib

    from visitplan.documents import sign as signs
    from visitplan.documents.pdf import start_worker

    # the sign's renderer starts now, so WeasyPrint loads on the other core while this
    # process reads the visit and lays the sign out
    worker = start_worker()
    with worker or contextlib.nullcontext():
        s = session(ctx, config_file)
        if templates is not None:
            s.config.templates = templates.resolve()
        v = s.load_visit(visit)
        problems: list = []
        written = signs.sign(s, v, output or s.config.output_dir(v.id), size, group,
                             notes=problems, worker=worker)
    for problem in problems:
        click.echo(str(problem), err=True)
    if not quiet(ctx):
        click.echo("wrote " + ", ".join(str(p) for p in written))
