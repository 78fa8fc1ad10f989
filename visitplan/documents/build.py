"""`prepare`: the guest's itinerary, the staff checklist and the calendar of a visit.

The itinerary speaks the guest's language, the checklist the staff's (English fills gaps in
both). Each document is a context of plain data (visitplan.documents.itinerary and
.checklist), rendered by a template (`itinerary.html` / `checklist.html` for PDF and HTML,
`itinerary.md` / `checklist.md` for Markdown: the same content) through the one Jinja
environment of visitplan.documents.render, and all files switch together or not at all
(visitplan.documents.output).
"""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import jinja2
from markupsafe import Markup

from visitplan.documents.calendar import build_ics
from visitplan.documents.checklist import checklist_context
from visitplan.documents.itinerary import itinerary_context
from visitplan.documents.output import atomic_write, switch
from visitplan.documents.pdf import render_pdfs
from visitplan.documents.render import environment, page_language
from visitplan.documents.resources import templates_dir
from visitplan.errors import InputError, RenderError

FORMATS = ("pdf", "html", "md")

__all__ = ["FORMATS", "checklist_context", "itinerary_context", "render", "prepare",
           "export_templates"]


def _stylesheet(roots: list[Path], inline: bool):
    """The template's `stylesheet(name)`: a link (PDF: WeasyPrint loads it through the
    asset policy), or the CSS written into the page (HTML: one self-contained file), marked
    with its name so a test can strip it."""
    def stylesheet(name: str):
        if not inline:
            return Markup('<link rel="stylesheet" href="{}">').format(name)
        for root in roots:
            path = root / name
            if path.is_file():
                css = path.read_text(encoding="utf-8").replace("</", "<\\/")
                return Markup("<style>/* {} */\n{}</style>").format(name, Markup(css))
        raise RenderError(f"the template asks for {name}, which is not in "
                          + " nor in ".join(str(r) for r in roots))
    return stylesheet


def template_place(exc, name: str) -> str:
    """FILE:LINE of a template error: from the error itself (syntax errors), else from the
    last template frame of its traceback (Jinja maps those to template lines)."""
    if getattr(exc, "lineno", None) and getattr(exc, "filename", None):
        return f"{exc.filename}:{exc.lineno}"
    place, tb = None, exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".md", ".svg", ".j2", ".txt")):
            place = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return place or f"template {name}"


def render(name: str, fmt: str, context: dict, user_dir: Path | None,
           timings: dict | None = None) -> str:
    """The source of one document (`itinerary` or `checklist`): HTML for the pdf and html
    formats (inline CSS for html, links to the template assets for pdf), or Markdown."""
    started = time.perf_counter()
    kind = "md" if fmt == "md" else "html"
    env = environment(user_dir, kind, context["lang"])
    roots = ([Path(user_dir)] if user_dir else []) + [templates_dir()]
    template_name = f"{name}.{kind}"
    try:
        with page_language(context["lang"]):
            source = env.get_template(template_name).render(
                stylesheet=_stylesheet(roots, inline=fmt == "html"), **context)
    except jinja2.TemplateError as exc:
        raise RenderError(f"{template_place(exc, template_name)}: {exc.message or exc}") \
            from exc
    _tick(timings, "templates", started)
    return source


def _tick(timings, key, started):
    if timings is not None:
        timings[key] = timings.get(key, 0.0) + time.perf_counter() - started


def prepare(session, visit, output_dir: Path, fmt: str = "pdf", today: dt.date | None = None,
            ticks: dict | None = None, *, lang: str | None = None,
            templates: Path | None = None, dtstamp: dt.datetime | None = None,
            timings: dict | None = None, audit: list | None = None,
            worker=None, while_rendering=None, collect: dict | None = None) -> list[Path]:
    """Write itinerary.<fmt>, checklist.<fmt> and itinerary.ics for `visit` into output_dir,
    all or none. `ticks` maps task id → (who, when) from the state store; `lang` overrides
    both documents' language; `templates` overrides the configuration's templates folder.
    `dtstamp` fixes the calendar's DTSTAMP, `timings` receives seconds per phase, `audit`
    the asset policy of each PDF (what it asked for, what was refused). `worker`, a
    visitplan.documents.pdf.Worker started before loading the visit, renders the PDFs;
    `while_rendering` (no arguments) is called while they render, before anything is
    written (the command prints the visit's warnings then). With `collect` (a dict),
    nothing is written: the files are added to it by name, for a caller that switches
    several commands' files together (`output.switch(folder, collect)`: `run` for prepare
    and sign). Returns the paths written (or to be written)."""
    if fmt not in FORMATS:
        raise InputError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    user_dir = templates if templates is not None else session.config.templates
    if user_dir is not None and not Path(user_dir).is_dir():
        raise InputError(f"{user_dir}: the templates folder does not exist")
    today = session.today(today)
    started = time.perf_counter()
    plan = session.plan(visit)
    _tick(timings, "rules", started)
    guest_lang = lang or visit.language
    staff_lang = lang or visit.staff_language
    started = time.perf_counter()
    itinerary = itinerary_context(visit, guest_lang)
    checklist = checklist_context(visit, plan, staff_lang, today, dict(ticks or {}))
    _tick(timings, "context", started)
    sources = [render("itinerary", fmt, itinerary, user_dir, timings),
               render("checklist", fmt, checklist, user_dir, timings)]
    started = time.perf_counter()
    ics = build_ics(visit, guest_lang, dtstamp=dtstamp)
    _tick(timings, "calendar", started)
    if fmt == "pdf":
        started = time.perf_counter()
        documents = render_pdfs(sources, base_dir=templates_dir(),
                                overlays=[user_dir] if user_dir else [], audit=audit,
                                worker=worker, while_rendering=while_rendering)
        _tick(timings, "pdf", started)
    else:
        if worker is not None:
            worker.close()
        if while_rendering is not None:
            while_rendering()
        documents = [source.encode("utf-8") for source in sources]
    files = {f"itinerary.{fmt}": documents[0], f"checklist.{fmt}": documents[1],
             "itinerary.ics": ics}
    if collect is not None:
        collect.update(files)
        return [Path(output_dir) / name for name in files]
    return switch(Path(output_dir), files)


def export_templates(folder: Path, force: bool = False) -> list[Path]:
    """Copy every built-in template (with css/ and assets/) into `folder`, all or none.
    Raises InputError when a file there already exists, unless `force`."""
    source = templates_dir()
    files = {}
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if not path.is_file() or "__pycache__" in rel.parts or path.suffix == ".pyc" \
                or path.name == "__init__.py":
            continue
        files[Path(folder) / rel] = path.read_bytes()
    existing = [p for p in files if p.exists()]
    if existing and not force:
        raise InputError(f"{existing[0]}: already exists ({len(existing)} of the files do); "
                         "export into an empty folder or pass --force")
    atomic_write(files)
    return list(files)
