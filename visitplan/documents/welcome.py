"""The front-desk welcome screen (welcome.html), 篇9 二.2: the guests' countries, company
and names, with a welcome in the guests' and the staff language.

Laid out in units of one hundredth of the screen's width (`--u` in the template), so it
fills any 16:9 display; every name is measured as on the sign (visitplan.documents.fit).
One self-contained file: CSS inline, the logo as a data: URL, fonts named, never
downloaded.
"""
from __future__ import annotations

from pathlib import Path

import jinja2

from visitplan.documents.context import country_name
from visitplan.documents.fit import (Fitter, companies, countries, flag, fonts_of,
                                     latin_name, layout_environment, name_grid, sign_name)
from visitplan.documents.logo import Logo, find_logo
from visitplan.errors import RenderError
from visitplan.text.i18n import language, t

# a screen elsewhere may substitute a face of its own, so it keeps more room than the PDF
SCREEN_FILL = 0.88
# a flag emoji is about this many em wide in the colour emoji faces
FLAG_EM = 1.3


def _host_name(host, lang: str) -> str:
    return host.company_local if lang == "zh" and host.company_local else host.company


SCREEN_W, SCREEN_H = 100.0, 56.25


def welcome_layout(visit, fit: Fitter, logo: Logo | None = None) -> dict:
    """Every text of the welcome screen with its size in hundredths of the screen width."""
    pad_x, pad_y = 4.0, 2.8
    inner = SCREEN_W - 2 * pad_x
    height = SCREEN_H - 2 * pad_y
    langs = list(dict.fromkeys([visit.language, visit.staff_language]))
    # the countries, each named in the guests' and the staff language
    found = []
    for code in countries(visit):
        names = list(dict.fromkeys(country_name(code, lang) for lang in langs))
        found.append({"code": code, "flag": flag(code),
                      "names": [(n, language(lang).html) for n, lang in zip(names, langs)]})
    em = sum(FLAG_EM + 0.6 + sum(fit.advance(n, lang) for n, lang in c["names"])
             + 1.5 * (len(c["names"]) - 1) for c in found) + 2.5 * (len(found) - 1)
    country_size = min(2.2, inner * fit.fill / em)
    welcomes = [fit.text(t("sign.screen.welcome", lang, host=_host_name(visit.host, lang)),
                         inner, 3.4 if i == 0 else 2.4, lang=language(lang).html)
                for i, lang in enumerate(langs)]
    names = companies(visit)
    company = fit.text(" / ".join(names), inner, 5.0, bold=True, two_lines_below=2.6,
                       country=visit.guests[0].country) if names else None
    host = visit.host
    logo_w = 18.0 if logo else 0.0
    host_local = fit.text(host.company_local, inner - logo_w, 1.7, bold=True,
                          country=host.country) if host.company_local else None
    rest = inner - logo_w - (fit.advance(host_local.text, host_local.lang, True)
                             * host_local.size + 1.5 if host_local else 0)
    host_latin = fit.text(host.company, rest, 1.5, country=host.country)
    gaps = {"header": 1.8, "welcome": 0.5, "main": 2.4, "company": 2.4, "footer": 1.6}
    footer_h = 3.2
    used = (country_size * 1.3 + gaps["header"]
            + sum(w.size * 1.25 for w in welcomes) + gaps["welcome"] * (len(welcomes) - 1)
            + gaps["main"]
            + (company.size * 1.15 * len(company.lines) + gaps["company"] if company else 0)
            + gaps["footer"] + footer_h)
    people = [(sign_name(g, visit.language), latin_name(g), g.country) for g in visit.guests]
    titles = [g.title for g in visit.guests]
    grid = name_grid(fit, people, inner, height - used - 0.5, max_size=9.0, col_gap=4.0,
                     row_gap=2.2, latin_ratio=0.42, title_ratio=0.28, titles=titles)
    return {"pad_x": pad_x, "pad_y": pad_y, "countries": found,
            "country_size": country_size, "welcomes": welcomes, "company": company,
            "grid": grid, "host_local": host_local, "host_latin": host_latin,
            "gaps": gaps, "footer_h": footer_h, "logo_w": logo_w}


def render_welcome(visit, user_dir: Path | None = None) -> str:
    """welcome.html as text."""
    env = layout_environment(user_dir, visit.language)
    logo = find_logo(user_dir)
    fit = Fitter(fonts_of(env), language(visit.language).html, SCREEN_FILL)
    layout = welcome_layout(visit, fit, logo)
    try:
        return env.get_template("welcome.html").render(
            visit=visit, layout=layout, logo_url=logo.data_url() if logo else None)
    except jinja2.TemplateError as exc:
        where = f" line {exc.lineno}" if getattr(exc, "lineno", None) else ""
        raise RenderError(f"template welcome.html{where}: {exc}") from None
