"""The `visitplan` command. Commands live in small modules loaded when they are used;
every VisitplanError becomes one message on stderr and its exit code, here and only here."""
from __future__ import annotations

import importlib
import os
import tempfile
import traceback

import click

from visitplan import __version__
from visitplan.errors import ValidationFailed, VisitplanError

# command name -> (module under visitplan.cli that defines it, its one-line help), in the
# order of the work: write a visit, print for it, follow up, run daily. The help line is
# here so `visitplan --help` lists the commands without importing them (a test keeps it
# equal to each command's own first docstring line).
COMMANDS = {
    "new": ("basic", "Write a commented visit file to fill in."),
    "check": ("basic", "Validate visit files (or folders of them)."),
    "profiles": ("basic", "List the profiles, or show one's etiquette notes and tasks."),
    "schema": ("basic", "Print the JSON Schema of the visit file, for editors."),
    "templates": ("documents", "Work with the document templates."),
    "prepare": ("documents", "Write the itinerary, the checklist and the calendar of a visit."),
    "sign": ("sign", "Print the pickup sign and make the front-desk welcome screen."),
    "followup": ("mail", "Write the follow-up email to the guests, or send it."),
    "due": ("cron", "List the tasks due on a day, and the overdue ones not done, by "
                    "department."),
    "done": ("cron", "Tick tasks of a visit as done (or --undo); ticked tasks leave the "
                     "reminders."),
    "run": ("cron", "The cron entry point: rebuild what changed, remind departments, send "
                    "follow-ups."),
    "status": ("cron", "Show where a visit's preparation stands: each department's tasks, "
                       "done, open or late."),
    "prearrival": ("mail", "Write the guests' pre-arrival email, or send it."),
    "calendar": ("team", "Write a department's calendar of tasks and visits, for calendar "
                         "subscriptions."),
    "agenda": ("team", "Show the visits day by day, and the clashes between them."),
    "register": ("team", "Write the visitor register: one row per guest per visit in the "
                         "days given."),
    "print": ("team", "Print name badges, table tents and seating plans for a visit."),
    "languages": ("basic", "List the languages documents come in, and what each covers."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module = importlib.import_module(f"visitplan.cli.{COMMANDS[name][0]}")
        return getattr(module, name.replace("-", "_") + "_command")

    def format_commands(self, ctx, formatter):
        """The command list from COMMANDS, without importing every command module."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, text) for name, (_, text) in COMMANDS.items()])

    def invoke(self, ctx):
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
