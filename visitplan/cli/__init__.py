"""The `visitplan` command. Commands live in small modules loaded when they are used;
every VisitplanError becomes one message on stderr and its exit code, here and only here."""
from __future__ import annotations

import importlib
import os
import tempfile
import traceback

import click

from visitplan import __version__

# command name -> module under visitplan.cli that defines a click command of that name
COMMANDS = {   # in the order of the work: write a visit, print for it, follow up, run daily
    "new": "basic", "check": "basic", "profiles": "basic", "schema": "basic",
    "templates": "documents", "prepare": "documents", "sign": "sign", "followup": "mail",
    "due": "cron", "done": "cron", "run": "cron",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        module = COMMANDS.get(name)
        if module is None:
            return None
        return getattr(importlib.import_module(f"visitplan.cli.{module}"),
                       name.replace("-", "_") + "_command")

    def invoke(self, ctx):
        from visitplan.errors import ValidationFailed, VisitplanError

        try:
            return super().invoke(ctx)
        except ValidationFailed as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            ctx.exit(exc.exit_code)
        except VisitplanError as exc:
            click.echo(f"visitplan: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("visitplan: interrupted", err=True)
            ctx.exit(130)
        except OSError as exc:  # the machine said no: not a folder, no permission, disk full
            if (ctx.obj or {}).get("debug"):
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            what = exc.strerror or str(exc)
            if isinstance(exc, FileExistsError) and not os.path.isdir(exc.filename or ""):
                what = "is a file, so no folder can be made there"   # from mkdir(parents=True)
            click.echo(f"visitplan: {where}{what}", err=True)
            ctx.exit(1)
        except Exception as exc:  # a bug: keep the traceback, but not on the user's screen
            if (ctx.obj or {}).get("debug"):
                raise
            with tempfile.NamedTemporaryFile("w", prefix="visitplan-crash-", suffix=".txt",
                                             delete=False) as fh:
                traceback.print_exc(file=fh)
            click.echo(f"visitplan: internal error ({type(exc).__name__}: {exc}); the "
                       f"traceback is in {fh.name}; rerun with --debug to see it", err=True)
            ctx.exit(1)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="visitplan")
@click.option("--config", "config_file", metavar="FILE", envvar=None,
              help="Configuration file (default: $VISITPLAN_CONFIG, ./visitplan.yaml, then "
                   "the user config folder).")
@click.option("-q", "--quiet", is_flag=True, help="Say nothing but problems.")
@click.option("-v", "--verbose", is_flag=True, help="Say more about what is done.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def main(ctx, config_file, quiet, verbose, debug):
    """Plan business visits from one YAML file: itinerary, pickup sign, checklists,
    welcome screen, calendar, follow-up email, and daily reminders from cron.

    \b
    Example:
      visitplan new --profile korean -o visits/hanbit.yaml
      visitplan check visits/hanbit.yaml
    """
    ctx.ensure_object(dict)
    ctx.obj.update(config_file=config_file, quiet=quiet, verbose=verbose, debug=debug)
