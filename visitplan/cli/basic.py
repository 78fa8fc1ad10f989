"""new, check, profiles, schema."""
from __future__ import annotations

from pathlib import Path

import click

from visitplan.cli.common import (config_option, date_option, echo_json, json_option,
                                  lang_option, quiet, session)


@click.command("new")
@click.option("--profile", "profiles", multiple=True, metavar="P",
              help="A profile to list in the new visit (repeatable).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the visit file here (and visit.schema.json beside it); "
                   "default: print it.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@config_option
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
    from visitplan import api

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
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 2).")
@date_option("The day to check late planning against (default: today).")
@json_option
@config_option
@click.pass_context
def check_command(ctx, visits, strict, date, as_json, config_file):
    """Validate visit files (or folders of them).

    Prints every problem at once, one line each, as FILE:LINE:COL: field: message, to
    stderr; warnings are marked `warning:`. Exit 0 when valid, 2 otherwise (with
    --strict, warnings count too).

    \b
    Example:
      visitplan check visits/*.yaml --strict
    """
    from visitplan import api

    s = session(ctx, config_file)
    results = api.check(s, api.visit_files(list(visits), s, require=True), date)
    failed = False
    for result in results:
        for problem in result.problems:
            click.echo(str(problem), err=True)
        bad = not result.ok or (strict and result.problems)
        failed = failed or bad
        if not as_json and not bad and not quiet(ctx):
            warnings = len(result.problems)
            click.echo(f"{result.path}: ok" + (f" ({warnings} warning"
                                               f"{'s' if warnings > 1 else ''})"
                                               if warnings else ""))
    if as_json:
        echo_json([{"file": str(r.path), "ok": r.ok,
                    "problems": [{"line": p.line, "column": p.col, "field": p.field,
                                  "severity": p.severity, "message": p.message}
                                 for p in r.problems]} for r in results])
    if failed:
        ctx.exit(2)


@click.command("profiles")
@click.argument("name", required=False)
@lang_option
@json_option
@config_option
@click.pass_context
def profiles_command(ctx, name, lang, as_json, config_file):
    """List the profiles, or show one's etiquette notes and tasks.

    \b
    Example:
      visitplan profiles
      visitplan profiles korean --lang zh
    """
    from visitplan.errors import InputError
    from visitplan.text.i18n import lead_time, t
    from visitplan.visit.schema import did_you_mean

    s = session(ctx, config_file)
    lang = lang or s.config.staff_language or "en"
    registry = s.registry
    if name is None:
        if as_json:
            echo_json([{"name": p.name, "title": p.title[lang], "source": p.source,
                        "builtin": p.builtin, "applies_when": p.applies_when}
                       for p in registry.values()])
            return
        width = max(len(n) for n in registry)
        for pack in registry.values():
            click.echo(f"{pack.name:<{width}}  {pack.title[lang]}"
                       + ("" if pack.builtin else "  (your own)"))
        return
    pack = registry.get(name)
    if pack is None:
        raise InputError(f"unknown profile '{name}'" + did_you_mean(name, list(registry))
                         + "; `visitplan profiles` lists them")
    if as_json:
        echo_json({"name": pack.name, "title": pack.title[lang], "source": pack.source,
                   "summary": pack.summary.get(lang, ""), "applies_when": pack.applies_when,
                   "notes": [{"id": n.id, "topic": n.topic, "when": n.when,
                              "text": n.text[lang]} for n in pack.notes],
                   "tasks": [{"id": k.id, "department": k.department, "place": k.place,
                              "anchor": k.anchor, "offset": k.offset.text, "when": k.when,
                              "lead_time": lead_time(k.anchor, k.offset, lang),
                              "text": k.text[lang]} for k in pack.tasks]})
        return
    out = [f"{pack.title[lang]} ({pack.name})"]
    if pack.summary:
        out.append(pack.summary[lang])
    if pack.source:
        out.append(f"{t('label.source', lang)}: {pack.source}")
    from visitplan.rules.engine import describe

    conditions = " | ".join(describe(c) for c in pack.applies_when)
    out.append(f"{t('label.applies_when', lang)}: "
               + (conditions or t("label.only_when_listed", lang)))
    if pack.notes:
        out += ["", t("label.notes", lang)]
        for note in pack.notes:
            cond = _condition(note.when, lang)
            out.append(f"  [{t('topic.' + note.topic, lang)}] {note.text[lang]}{cond}")
    if pack.tasks:
        out += ["", t("label.tasks", lang)]
        for task in pack.tasks:
            cond = _condition(task.when, lang)
            out.append(f"  {task.id}: {t('department.' + task.department, lang)} · "
                       f"{t('place.' + task.place, lang)} · "
                       f"{lead_time(task.anchor, task.offset, lang)}")
            out.append(f"      {task.text[lang]}{cond}")
    click.echo("\n".join(out))


def _condition(when, lang):
    from visitplan.text.i18n import t
    from visitplan.rules.engine import describe

    if not when:
        return ""
    return f" ({t('label.condition', lang)}: {describe(when)})"


@click.command("schema")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the schema to this file instead of stdout.")
def schema_command(output):
    """Print the JSON Schema of the visit file, for editors.

    \b
    Example:
      visitplan schema -o visits/visit.schema.json
    """
    from visitplan import api

    text = api.schema_json()
    if output is None:
        click.echo(text, nl=False)
    else:
        from visitplan.documents.output import atomic_write

        atomic_write({output: text.encode()})
