"""Printables from what visitplan already knows: name badges, table tents, seating plans.

* badges.pdf: eight badges (90 × 62 mm) to an A4 sheet, with cut marks in the margins:
  the host's logo (a logo.svg/png/jpg in the templates folder, else the host's name), the
  name in its own script, the Latin name (surname first in capitals for Korean and Chinese
  names, as on the pickup sign), the company, and a band with 访客/VISITOR in the staff
  and the guests' language.
* tents.pdf: a folded table card per guest, A4 portrait folded across the middle: the
  name on both halves, the upper half turned 180° so it reads from the other side.
* seating.pdf: a page per meal of the schedule, a round table seen from above with the
  door at the bottom. The seating follows the Chinese banquet custom the handbook
  assumes (篇9 三.1: guests sit together; 篇8 第二十五条: each guest where they can be
  attended to; 第二十六条: served by rank): the host (host.leader, else the contact) sits
  at the head facing the door, the chief guest (the guest marked senior, else the first)
  on the host's right; with a leader, the contact sits opposite as co-host with the
  second guest on their right, the third guest on the host's left, the fourth on the
  co-host's left; the others by rank, nearer the host first, right before left. Each
  seat carries the guest's diet and allergies in red.

Every name is sized to its box with the faces fonts.css gives its language
(visitplan.documents.sign.Fitter) and carries its lang attribute (pdf.lang_of).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from visitplan.documents.context import diet_label
from visitplan.documents.pdf import render_pdfs
from visitplan.documents.render import html_environment
from visitplan.documents.resources import templates_dir
from visitplan.documents.sign import PDF_FILL, Fitter, Fonts, find_logo, latin_name
from visitplan.errors import RenderError
from visitplan.text.dates import format_datetime
from visitplan.text.i18n import language, t

KINDS = ("badges", "tents", "seating")
A4 = (210.0, 297.0)
BADGE = (90.0, 62.0)
BADGE_GRID = (2, 4)
TABLE_DIAMETER = 80.0
SEAT = (40.0, 24.0)


def ranked(guests) -> list:
    """Guests by seniority: the one marked senior, then VIPs, then as the file lists them."""
    return sorted(guests, key=lambda g: (not g.senior, not g.vip, g.index))


def visitor_labels(visit) -> list[tuple[str, str]]:
    """访客/VISITOR in the staff language and the guests' (text, lang attribute)."""
    langs = list(dict.fromkeys([visit.staff_language, visit.language]))
    return list(dict.fromkeys((t("print.visitor", lang), language(lang).html)
                              for lang in langs))

# ---------------------------------------------------------------- badges and tents


@dataclass
class Card:
    name: object
    latin: object | None
    company: object | None


def _card(fit: Fitter, guest, width: float, name_max: float, latin_max: float,
          company_max: float) -> Card:
    latin = latin_name(guest)
    return Card(fit.text(guest.name, width, name_max, bold=True, country=guest.country),
                fit.text(latin, width, latin_max, country=guest.country) if latin else None,
                fit.text(guest.company, width, company_max, country=guest.country)
                if guest.company else None)


def badge_pages(visit, fit: Fitter) -> list[list[dict]]:
    """The badges, eight to a page, each with its place on the sheet in millimetres."""
    cols, rows = BADGE_GRID
    left = (A4[0] - cols * BADGE[0]) / 2
    top = (A4[1] - rows * BADGE[1]) / 2
    inner = BADGE[0] - 10
    badges = []
    for i, guest in enumerate(visit.guests):
        col, row = i % cols, (i // cols) % rows
        badges.append({"x": left + col * BADGE[0], "y": top + row * BADGE[1],
                       "card": _card(fit, guest, inner, 11.0, 5.0, 3.6)})
    per = cols * rows
    return [badges[i:i + per] for i in range(0, len(badges), per)]


def cut_marks(count: int) -> list[dict]:
    """Short lines in the margins where the cuts run (around the rows `count` badges
    fill), never over a badge."""
    cols, full = BADGE_GRID
    rows = min(full, math.ceil(count / cols))
    left = (A4[0] - cols * BADGE[0]) / 2
    top = (A4[1] - full * BADGE[1]) / 2
    length, gap = 6.0, 2.0
    marks = []
    for c in range(cols + 1):
        x = left + c * BADGE[0]
        marks.append({"x": x, "y": top - gap - length, "w": 0, "h": length})
        marks.append({"x": x, "y": top + rows * BADGE[1] + gap, "w": 0, "h": length})
    for r in range(rows + 1):
        y = top + r * BADGE[1]
        marks.append({"x": left - gap - length, "y": y, "w": length, "h": 0})
        marks.append({"x": left + cols * BADGE[0] + gap, "y": y, "w": length, "h": 0})
    return marks


def tent_cards(visit, fit: Fitter) -> list[Card]:
    return [_card(fit, guest, A4[0] - 30, 30.0, 11.0, 7.0) for guest in visit.guests]

# ---------------------------------------------------------------- seating


@dataclass
class Seat:
    person: object
    role: str | None            # host | cohost | chief | None
    guest: bool
    x: float = 0.0
    y: float = 0.0
    number: int = 0
    texts: dict = field(default_factory=dict)
    diet: list[str] = field(default_factory=list)


def seat_order(n: int, cohost: bool) -> list[int]:
    """Seat positions (0 = the host's, at the head; counting clockwise as seen from above,
    so n-1 is the host's right) in the order guests take them, by rank."""
    right = lambda k: k > n / 2
    first = [n - 1]
    if cohost:
        opposite = n // 2
        first += [opposite - 1, 1, opposite + 1]
    else:
        first += [1]
    order, taken = [], {0} | ({n // 2} if cohost else set())
    for k in first + sorted(range(n), key=lambda k: (min(k, n - k), not right(k))):
        if 0 <= k < n and k not in taken:
            taken.add(k)
            order.append(k)
    return order


def diet_marks(guest, lang: str) -> list[str]:
    """A guest's diets as the seating chart marks them, allergens in `lang` (对花生过敏)."""
    return [diet_label(diet, lang) for diet in guest.diet]


def seating(visit, fit: Fitter, lang: str) -> list[Seat]:
    """Everyone at the table, in their seats (see the module docstring)."""
    host = visit.host
    hosts = [Seat(host.leader, "host", False), Seat(host.contact, "cohost", False)] \
        if host.leader else [Seat(host.contact, "host", False)]
    guests = [Seat(g, None, True, diet=diet_marks(g, lang)) for g in ranked(visit.guests)]
    if guests:
        guests[0].role = "chief"
    n = len(hosts) + len(guests)
    positions = {0: hosts[0]}
    if len(hosts) > 1:
        positions[n // 2] = hosts[1]
    for seat, k in zip(guests, seat_order(n, len(hosts) > 1)):
        positions[k] = seat
    # cards sit 4 mm off the table's edge, whatever their side faces it; they narrow when
    # many share the circle
    ring = TABLE_DIAMETER / 2 + 4 + SEAT[1]
    width = min(SEAT[0], 0.92 * 2 * math.pi * ring / n)
    cx, cy = A4[0] / 2, 118.0
    seats = []
    for k, seat in sorted(positions.items()):
        angle = 2 * math.pi * k / n
        reach = (TABLE_DIAMETER / 2 + 4 + abs(math.sin(angle)) * width / 2
                 + abs(math.cos(angle)) * SEAT[1] / 2)
        seat.x, seat.y = cx + reach * math.sin(angle), cy - reach * math.cos(angle)
        seat.number = k + 1
        person = seat.person
        country = person.country if seat.guest else host.country
        latin = latin_name(person) if seat.guest else person.name_latin
        seat.texts = {
            "name": fit.text(person.name, width - 3, 5.0, bold=True, country=country),
            "latin": fit.text(latin, width - 3, 3.0, country=country) if latin else None,
            "role": fit.text(t(f"print.seating.{seat.role}", lang), width - 3, 2.8)
            if seat.role else None,
            "diet": [fit.text(d, width - 3, 2.6, lang=language(lang).html)
                     for d in seat.diet]}
        seats.append(seat)
    for seat in seats:
        seat.texts["width"] = width
    return seats


def meals(visit) -> list:
    return sorted((i for i in visit.schedule if i.kind == "meal"), key=lambda i: i.at)

# ---------------------------------------------------------------- rendering


def _environment(user_dir: Path | None):
    env = html_environment(user_dir)
    env.filters["mm"] = lambda v: f"{math.floor(v * 100) / 100:.2f}mm"
    return env


def _fitter(env, lang: str) -> Fitter:
    source, _, _ = env.loader.get_source(env, "css/fonts.css")
    return Fitter(Fonts(source), language(lang).html, PDF_FILL)


def htmls(visit, kinds, user_dir: Path | None = None) -> dict[str, str]:
    """The HTML of each printable asked for (badges, tents, seating), by kind."""
    import jinja2

    env = _environment(user_dir)
    logo = find_logo(Path(user_dir)) if user_dir else None
    staff = visit.staff_language
    common = {"visit": visit, "logo_url": logo.as_uri() if logo else None,
              "paper": A4, "staff_lang": language(staff).html,
              "guest_lang": language(visit.language).html}
    out = {}
    try:
        if "badges" in kinds:
            fit = _fitter(env, visit.language)
            out["badges"] = env.get_template("badges.html").render(
                pages=[(page, cut_marks(len(page))) for page in badge_pages(visit, fit)],
                badge=BADGE,
                visitor=visitor_labels(visit),
                host=_host_line(visit, fit), **common)
        if "tents" in kinds:
            out["tents"] = env.get_template("tents.html").render(
                cards=tent_cards(visit, _fitter(env, visit.language)), **common)
        if "seating" in kinds and meals(visit):
            fit = _fitter(env, staff)
            tables = [{"item": item, "when": format_datetime(item.at, staff, "long"),
                       "seats": seating(visit, fit, staff)} for item in meals(visit)]
            for table in tables:
                table["door"] = max(s.y for s in table["seats"]) + SEAT[1] / 2 + 4
            out["seating"] = env.get_template("seating.html").render(
                tables=tables, seat=SEAT, diameter=TABLE_DIAMETER, center=(A4[0] / 2, 118.0),
                lang=staff, t=lambda key, **kw: t(key, staff, **kw), **common)
    except jinja2.TemplateError as exc:
        where = f" line {exc.lineno}" if getattr(exc, "lineno", None) else ""
        raise RenderError(f"template{where}: {exc}") from None
    return out


def _host_line(visit, fit: Fitter):
    host = visit.host
    name = host.company_local or host.company
    return fit.text(name, BADGE[0] - 40, 3.2, bold=True, country=host.country)


def render(visit, kinds, user_dir: Path | None = None, worker=None) -> dict[str, bytes]:
    """The PDFs asked for, by kind; seating only when the schedule has a meal."""
    pages = htmls(visit, kinds, user_dir)
    logo = find_logo(Path(user_dir)) if user_dir else None
    pdfs = render_pdfs(list(pages.values()), base_dir=templates_dir(),
                       allowed=[logo] if logo else (),
                       overlays=[user_dir] if user_dir else (), worker=worker) \
        if pages else []
    return dict(zip(pages, pdfs))
