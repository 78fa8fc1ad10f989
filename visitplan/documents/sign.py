"""The pickup sign (sign.pdf), 篇9 二.2, and the command that writes it with the welcome
screen (`sign`).

The sign prints each guest's name as large as it fits (visitplan.documents.fit measures it
with the very face that draws it): on one line, or a Latin or Cyrillic name on two (given
names, surname) in a condensed face when that prints it larger, laid out in millimetres for
A4 or A3 landscape; with grouping, one page for the whole group. Size and grouping come from the
command line, else the visit (`sign: {size: a3, group: true}`), else the configuration
(`sign:`), so `run` rebuilds the sign the user chose. A name whose capitals print lower
than READABLE_CAP_MM is reported as a warning Problem at the guest's line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from visitplan.documents.context import country_name
from visitplan.documents.fit import (Fitted, Fitter, Fonts, Grid, companies, countries,
                                     fonts_of, latin_name, layout_environment, name_grid,
                                     sign_name)
from visitplan.documents.logo import Logo, find_logo
from visitplan.documents.output import switch
from visitplan.documents.pdf import render_pdfs
from visitplan.documents.resources import templates_dir
from visitplan.documents.welcome import render_welcome
from visitplan.errors import InputError, Problem, RenderError
from visitplan.rules.name_order import script_detail, split_name
from visitplan.text.i18n import language, t

PAPER = {"a4": (297.0, 210.0), "a3": (420.0, 297.0)}   # landscape, millimetres
# Fill at most this share of the width: the PDF is drawn with the very face measured.
PDF_FILL = 0.96
# capitals this high (mm) read from 15 m (rule of thumb: about 3 mm per metre)
READABLE_CAP_MM = 50.0
# share of a height budget the texts may use, for rounding and line boxes
SLACK = 0.96
# names in these scripts are drawn in the condensed face of fonts.css (`.condensed`,
# Roboto Condensed), which prints them about a fifth larger in the same width
CONDENSED_SCRIPTS = ("latin", "cyrillic")
# names in these scripts may go on two lines, cut at a space: between surname and given
# names, or elsewhere if that prints the name this many times larger
SPACED_SCRIPTS = ("latin", "cyrillic", "thai", "arabic")
OTHER_CUT = 1.25

# what the other printed documents (badges, tents) take from here
__all__ = ["PAPER", "PDF_FILL", "Fitter", "Fonts", "Grid", "SignLayout", "find_logo",
           "latin_name", "sign_name", "name_lines", "sign_layout", "readability", "sign_html", "render_sign",
           "render_welcome", "sign", "settings"]


@dataclass
class SignLayout:
    paper: str
    width: float
    height: float
    margin: float
    main_height: float
    footer_height: float
    footer_gap: float
    pages: list[dict]
    host: dict
    logo: Logo | None = None
    lang: str = "en"
    gaps: dict = field(default_factory=dict)


def sign_layout(visit, fit: Fitter, size: str = "a4", group: bool = False,
                logo: Logo | None = None) -> SignLayout:
    """Every text of the sign with its size in millimetres."""
    if size not in PAPER:
        raise InputError(f"--size: {size!r} is not a paper size; use a4 or a3")
    w, h = PAPER[size]
    k = w / PAPER["a4"][0]
    margin, footer_h, footer_gap = 12 * k, 26 * k, 5 * k
    inner = w - 2 * margin
    main_h = h - 2 * margin - footer_h - footer_gap
    gaps = {"welcome": 4 * k, "name": 2 * k, "latin": 3 * k, "company": 7 * k}
    lang = visit.language
    welcome = fit.text(t("sign.welcome", lang), inner, 8 * k, lang=language(lang).html)
    used_top = welcome.size * 1.3 + gaps["welcome"]
    pages = []
    if group:
        names = companies(visit)
        if names:
            big = " / ".join(names)
        else:
            names = t("sign.list_join", lang).join(country_name(c, lang)
                                                  for c in countries(visit))
            big = t("sign.delegation", lang, country=names)
        company = fit.text(big, inner, 30 * k, bold=True, two_lines_below=14 * k,
                           country=visit.guests[0].country)
        used = used_top + company.size * 1.15 * len(company.lines) + gaps["company"]
        people = [(sign_name(g, lang), latin_name(g), g.country) for g in visit.guests]
        grid = name_grid(fit, people, inner, (main_h - used) * SLACK, max_size=60 * k,
                         col_gap=10 * k, row_gap=5 * k, latin_ratio=0.45)
        pages.append({"welcome": welcome, "company": company, "grid": grid, "pad": 0.0})
    else:
        for guest in visit.guests:
            latin = latin_name(guest)
            lt = fit.text(latin, inner, 15 * k, country=guest.country) if latin else None
            co = fit.text(guest.company, inner, 9 * k, country=guest.country) \
                if guest.company else None
            used = used_top + (lt.size * 1.25 + gaps["name"] if lt else 0) \
                + (co.size * 1.3 + gaps["latin"] if co else 0)
            preferred, others = name_lines(sign_name(guest, lang), guest.country)
            how = {"width": inner, "height": (main_h - used) * SLACK, "max_size": 120 * k,
                   "bold": True, "country": guest.country,
                   "role": ".condensed" if script_detail(guest.name) in CONDENSED_SCRIPTS
                   else None}
            name = fit.block(preferred, **how)
            if others:
                other = fit.block(others, **how)
                if other.size > OTHER_CUT * name.size:
                    name = other
            # centred in the space above the footer: every height is known here
            pad = max(0.0, (main_h - used - sum(h for h, _ in name.boxes)) / 2)
            pages.append({"welcome": welcome, "name": name, "latin": lt, "company": co,
                          "grid": None, "pad": pad})
    host = visit.host
    text_w = inner - (0.25 * w + 8 * k if logo else 0)
    local = fit.text(host.company_local, text_w, 10 * k, bold=True, country=host.country) \
        if host.company_local else None
    latin = fit.text(host.company, text_w, 6.5 * k if local else 10 * k, bold=not local,
                     country=host.country)
    return SignLayout(size, w, h, margin, main_h, footer_h, footer_gap, pages,
                      {"local": local, "latin": latin}, logo, lang, gaps)


def name_lines(name: str, country: str | None) -> tuple[list[list[str]], list[list[str]]]:
    """The ways to set a guest's name on the sign, as (preferred, others): on one line, and
    for a spaced name in Latin, Cyrillic, Thai or Arabic letters also on two, in the order
    written. Preferred is the cut between the surname and the given names ("Thomas" /
    "Müller", "Иванов" / "Иван Петрович"; a name without a surname after the name the
    guest is called by, "Ahmad" / "bin Ismail"); the other cuts are taken only when they
    print the name OTHER_CUT times larger ("Maximiliano Alejandro" / "Fernández-Gutiérrez",
    where the surname found is "Alejandro Fernández-Gutiérrez")."""
    words = name.split()
    whole = " ".join(words)
    if len(words) < 2 or script_detail(whole) not in SPACED_SCRIPTS:
        return [[whole]], []
    cuts = [[" ".join(words[:i]), " ".join(words[i:])] for i in range(1, len(words))]
    surname, given = split_name(whole, country)
    first = None
    if surname and whole.startswith(surname + " "):
        first = [surname, whole[len(surname) + 1:]]
    elif surname and whole.endswith(" " + surname):
        first = [whole[:-len(surname) - 1], surname]
    elif not surname and given and whole.startswith(given + " "):
        first = [given, whole[len(given) + 1:]]
    if first not in cuts:
        return [[whole], *cuts], []
    return [[whole], first], [cut for cut in cuts if cut != first]


def cap_height_mm(text: Fitted) -> float:
    """The cap height a text prints with, in the layout's unit (from the face's H)."""
    return text.face.cap_height * text.size


def readability(layout: SignLayout, visit, lang: str = "en") -> list[Problem]:
    """A warning for each page whose names' capitals print lower than READABLE_CAP_MM, at
    the line of the guest (or of the guests, for a group page), worded in `lang`."""
    out = []
    for i, page in enumerate(layout.pages):
        names = [c[0] for c in page["grid"].cells] if page["grid"] else [page["name"]]
        cap = min(cap_height_mm(n) for n in names)
        if cap >= READABLE_CAP_MM:
            continue
        values = {"cap": f"{cap:.0f}", "readable": f"{READABLE_CAP_MM:.0f}"}
        if page["grid"]:
            out.append(visit.problem("guests", t("sign.small.group", lang, **values)))
        else:
            key = "sign.small.name_a4" if layout.paper == "a4" else "sign.small.name_a3"
            out.append(visit.problem(f"guests[{i}].name",
                                     t(key, lang, name=names[0].text, **values)))
    return out


def settings(visit, config, size: str | None = None,
             group: bool | None = None) -> tuple[str, bool]:
    """The sign's paper size and grouping: the command line's, else the visit's `sign:`,
    else the configuration's `sign:`, else A4 one page per guest."""
    chosen = getattr(visit, "sign", None) or {}
    if not isinstance(chosen, dict):
        chosen = {"size": getattr(chosen, "size", None), "group": getattr(chosen, "group", None)}
    defaults = getattr(config, "sign", None) or {}
    if size is None:
        size = chosen.get("size") or defaults.get("size") or "a4"
    if group is None:
        group = chosen.get("group")
        group = defaults.get("group", False) if group is None else group
    return size, bool(group)


def sign_html(visit, user_dir: Path | None = None, size: str = "a4",
              group: bool = False) -> tuple[str, SignLayout]:
    """The sign's HTML (for WeasyPrint, relative to the templates folder) and its layout."""
    env = layout_environment(user_dir, visit.language)
    logo = find_logo(user_dir)
    fit = Fitter(fonts_of(env), language(visit.language).html, PDF_FILL)
    layout = sign_layout(visit, fit, size, group, logo)
    try:
        html = env.get_template("sign.html").render(
            visit=visit, layout=layout, logo_url=logo.path.as_uri() if logo else None)
    except jinja2.TemplateError as exc:
        where = f" line {exc.lineno}" if getattr(exc, "lineno", None) else ""
        raise RenderError(f"template sign.html{where}: {exc}") from None
    return html, layout


def render_sign(visit, user_dir: Path | None = None, size: str = "a4",
                group: bool = False, policy_out: list | None = None, worker=None) \
        -> tuple[bytes, SignLayout]:
    """sign.pdf as bytes, and the layout it was drawn from. `policy_out` receives the
    asset policy of the render (what was asked for, what refused). `worker`, a
    visitplan.documents.pdf.Worker started before the visit was loaded, renders the PDF (it
    has imported WeasyPrint on another core meanwhile); without one it renders here."""
    html, layout = sign_html(visit, user_dir, size, group)
    logo = layout.logo
    pdf = render_pdfs([html], base_dir=templates_dir(), allowed=[logo.path] if logo else (),
                      overlays=[user_dir] if user_dir else (), audit=policy_out,
                      worker=worker)[0]
    return pdf, layout


def sign(session, visit, output_dir: Path, size: str | None = None,
         group: bool | None = None, notes: list | None = None, worker=None,
         lang: str | None = None, collect: dict | None = None) -> list[Path]:
    """Write sign.pdf and welcome.html into `output_dir`, both or neither. Size and grouping
    left None come from the visit, then the configuration (see `settings`). `notes`, if
    given, receives a warning Problem (at the guest's line) for each name too small to read
    from 15 metres, in `lang`
    (default English, as every warning of the command line today). `worker`: see
    render_sign. With `collect` (a dict) nothing is written: the files are added to it by
    name (see visitplan.documents.build.prepare)."""
    user_dir = session.config.templates
    if user_dir is not None and not Path(user_dir).is_dir():
        raise InputError(f"{user_dir}: the templates folder does not exist")
    size, group = settings(visit, session.config, size, group)
    html = render_welcome(visit, user_dir)
    pdf, layout = render_sign(visit, user_dir, size, group, worker=worker)
    if notes is not None:
        notes.extend(readability(layout, visit, lang or "en"))
    files = {"sign.pdf": pdf, "welcome.html": html.encode()}
    if collect is not None:
        collect.update(files)
        return [Path(output_dir) / name for name in files]
    return switch(Path(output_dir), files)
