"""The pickup sign (sign.pdf) and the front-desk welcome screen (welcome.html), 篇9 二.2.

Both print names as large as they fit on one line. The size is never guessed from a
character count: each text's advance width is measured with the font file that will draw
it — the first installed family of the stack that templates/css/fonts.css gives the text's
language, found through fontconfig and measured with Pillow (FreeType and HarfBuzz, as
WeasyPrint and Chromium shape it) — and the font size follows from the width available.

The sign is laid out in millimetres for A4 or A3 landscape; the screen in units of one
hundredth of the screen's width (`--u` in the template), so it fills any 16:9 display.
"""
from __future__ import annotations

import base64
import functools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from visitplan.errors import InputError, RenderError
from visitplan.text.i18n import babel_locale

PAPER = {"a4": (297.0, 210.0), "a3": (420.0, 297.0)}   # landscape, millimetres
LOGO_NAMES = ("logo.svg", "logo.png", "logo.jpg", "logo.jpeg")
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
              ".jpeg": "image/jpeg"}
# Fill at most this share of the width: the PDF is drawn with the very face measured; a
# screen elsewhere may substitute a face of its own, so it keeps more room.
PDF_FILL = 0.96
SCREEN_FILL = 0.88
# capitals this high (mm) read from 15 m (rule of thumb: about 3 mm per metre)
READABLE_CAP_MM = 50.0
# share of a height budget the texts may use, for rounding and line boxes
SLACK = 0.96
GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}
# a flag emoji is about this many em wide in the colour emoji faces
FLAG_EM = 1.3

# ---------------------------------------------------------------- faces and measuring


@dataclass(frozen=True)
class Face:
    """One font file (and face index within a collection) a family resolves to."""

    family: str
    file: str
    index: int

    @functools.cached_property
    def _font(self):
        from PIL import ImageFont

        return ImageFont.truetype(self.file, 1000, index=self.index)

    def advance(self, text: str) -> float:
        """Width of `text` in em (font size 1), shaped as one line."""
        return self._font.getlength(text) / 1000 if text else 0.0

    @property
    def cap_height(self) -> float:
        """Height of a capital H above the baseline, in em."""
        return -self._font.getbbox("H", anchor="ls")[1] / 1000


@functools.cache
def _fontconfig():
    """libfontconfig through ctypes: the library WeasyPrint (Pango) and Chromium match
    fonts with, asked in-process instead of running fc-match for every family."""
    import ctypes
    import ctypes.util

    try:
        lib = ctypes.CDLL("libfontconfig.so.1")
    except OSError:
        found = ctypes.util.find_library("fontconfig")
        if not found:
            raise RenderError("the fontconfig library is not installed; install the "
                              "packages scripts/setup.sh lists") from None
        lib = ctypes.CDLL(found)
    p, s, i = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    lib.FcNameParse.restype, lib.FcNameParse.argtypes = p, [s]
    lib.FcConfigSubstitute.argtypes = [p, p, i]
    lib.FcDefaultSubstitute.argtypes = [p]
    lib.FcFontMatch.restype = p
    lib.FcFontMatch.argtypes = [p, p, ctypes.POINTER(i)]
    lib.FcPatternGetString.argtypes = [p, s, i, ctypes.POINTER(s)]
    lib.FcPatternGetInteger.argtypes = [p, s, i, ctypes.POINTER(i)]
    lib.FcPatternDestroy.argtypes = [p]
    return lib


@functools.cache
def _fc_match(family: str, bold: bool) -> Face | None:
    """The face fontconfig picks for a family (as `fc-match "FAMILY:weight=bold"` would),
    or None when it has no such family and would substitute another; generic families
    (sans-serif) always resolve."""
    import ctypes

    fc = _fontconfig()
    pattern = fc.FcNameParse(f"{family}:weight={'bold' if bold else 'regular'}".encode())
    if not pattern:
        return None
    fc.FcConfigSubstitute(None, pattern, 0)      # FcMatchPattern
    fc.FcDefaultSubstitute(pattern)
    result = ctypes.c_int()
    match = fc.FcFontMatch(None, pattern, ctypes.byref(result))
    fc.FcPatternDestroy(pattern)
    if not match:
        return None
    try:
        names, value, n = set(), ctypes.c_char_p(), 0
        while fc.FcPatternGetString(match, b"family", n, ctypes.byref(value)) == 0:
            names.add(value.value.decode("utf-8", "replace").lower())
            n += 1
        if fc.FcPatternGetString(match, b"file", 0, ctypes.byref(value)) != 0:
            return None
        file = value.value.decode()
        index = ctypes.c_int(0)
        fc.FcPatternGetInteger(match, b"index", 0, ctypes.byref(index))
    finally:
        fc.FcPatternDestroy(match)
    if family.lower() not in names and family.lower() not in GENERIC:
        return None
    return Face(family, file, index.value)


class Fonts:
    """The font stacks of a templates folder's css/fonts.css, by language."""

    def __init__(self, css: str):
        self.stacks: dict[str, list[str]] = {}
        css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
            m = re.search(r"font-family\s*:\s*([^;]+)", body)
            if not m:
                continue
            families = [f.strip().strip("'\"") for f in m.group(1).split(",") if f.strip()]
            for selector in selectors.split(","):
                selector = selector.strip()
                lang = re.fullmatch(r":lang\(([\w-]+)\)", selector)
                if lang:
                    self.stacks[lang.group(1)] = families
                elif selector in (":root", "html", "body"):
                    self.stacks.setdefault("", families)
        self.stacks.setdefault("", ["sans-serif"])

    def stack(self, lang: str | None) -> list[str]:
        lang = lang or ""
        while lang and lang not in self.stacks:
            lang = lang.rpartition("-")[0]
        return self.stacks.get(lang) or self.stacks[""]

    def face(self, lang: str | None, bold: bool) -> Face:
        for family in [*self.stack(lang), "sans-serif"]:
            found = _fc_match(family, bold)
            if found is not None:
                return found
        raise RenderError(f"no font is installed for the language {lang or 'of the page'}; "
                          "install the fonts scripts/setup.sh lists")


@dataclass
class Text:
    """A line (or two) of text at the size that fits; size in the layout's unit."""

    lines: list[str]
    lang: str
    size: float
    bold: bool
    face: Face

    @property
    def text(self) -> str:
        return " ".join(self.lines)


class Fitter:
    """Sizes text to a width with the faces of a fonts.css, for a document language."""

    def __init__(self, fonts: Fonts, doc_lang: str, fill: float):
        self.fonts, self.doc_lang, self.fill = fonts, doc_lang, fill

    def text(self, text: str, width: float, max_size: float, *, bold=False,
             country: str | None = None, lang: str | None = None,
             two_lines_below: float | None = None) -> Text:
        """`text` on one line at the largest size up to `max_size` that fits `width`. With
        `two_lines_below`, a text that would print smaller than that on one line is split at
        the space that balances two lines best, if that prints it larger."""
        from visitplan.documents.pdf import lang_of

        lang = lang or lang_of(text, country) or self.doc_lang
        face = self.fonts.face(lang, bold)
        lines = [text]
        size = self._size(face, lines, width, max_size)
        if two_lines_below is not None and size < two_lines_below and " " in text.strip():
            words = text.split()
            splits = ([" ".join(words[:i]), " ".join(words[i:])] for i in range(1, len(words)))
            best = min(splits, key=lambda ls: max(face.advance(x) for x in ls))
            two = self._size(face, best, width, max_size)
            if two > size:
                lines, size = best, two
        return Text(lines, lang, size, bold, face)

    def _size(self, face: Face, lines: list[str], width: float, max_size: float) -> float:
        widest = max(face.advance(line) for line in lines)
        return min(max_size, width * self.fill / widest) if widest else max_size

    def advance(self, text: str, lang: str | None, bold=False) -> float:
        return self.fonts.face(lang or self.doc_lang, bold).advance(text)


def _fonts(env) -> Fonts:
    source, _, _ = env.loader.get_source(env, "css/fonts.css")
    return _parse_fonts(source)


@functools.cache
def _parse_fonts(source: str) -> Fonts:
    return Fonts(source)

# ---------------------------------------------------------------- what the sign says


def latin_name(guest) -> str | None:
    """The Latin line under a guest's name: for a name in Hangul or Chinese characters the
    surname first and in capitals ("KIM Minjun"), as on a passport; otherwise as written.
    None when there is no Latin name or it repeats the name."""
    from visitplan.rules.names import script_of, split_name

    latin = " ".join((guest.name_latin or "").split())
    if not latin or latin == " ".join(guest.name.split()):
        return None
    if script_of(guest.name) in ("hangul", "han"):
        surname, given = split_name(latin, guest.country)
        if surname and given and script_of(latin) == "latin":
            return f"{surname.upper()} {given}"
    return latin


def _companies(visit) -> list[str]:
    return list(dict.fromkeys(g.company for g in visit.guests if g.company))


def _countries(visit) -> list[str]:
    return list(dict.fromkeys(g.country for g in visit.guests))


def country_name(code: str, lang: str) -> str:
    from babel import Locale

    return Locale.parse(babel_locale(lang)) \
        .territories.get(code, code)


def flag(code: str) -> str:
    """The flag emoji of a country: its two regional indicator letters."""
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in code.upper())


def _host_name(host, lang: str) -> str:
    return host.company_local if lang == "zh" and host.company_local else host.company


def find_logo(user_dir: Path | None) -> Path | None:
    """The host's logo: logo.svg / .png / .jpg in the user's templates folder (or its
    assets/ folder). The built-in templates have none: a sign without a logo shows the host
    company's name alone."""
    if user_dir is None:
        return None
    for folder in (user_dir, user_dir / "assets"):
        for name in LOGO_NAMES:
            if (folder / name).is_file():
                return (folder / name).resolve()
    return None

# ---------------------------------------------------------------- the sign (millimetres)


@dataclass
class Grid:
    """Names in a grid of cells: every name at one size, its Latin line below."""

    cols: int
    cells: list[tuple[Text, Text | None, Text | None]]
    cell: float      # width of a cell
    col_gap: float
    row_gap: float

    @property
    def rows(self) -> int:
        return math.ceil(len(self.cells) / self.cols)


def name_grid(fit: Fitter, people, width: float, height: float, *, max_size: float,
              col_gap: float, row_gap: float, latin_ratio: float, title_ratio: float = 0.0,
              titles=None) -> Grid:
    """Lay names out in the number of columns that prints them largest on average, every
    name on one line in its cell and all rows within `height`. Names share one size; a
    name much longer than the others gets a size of its own rather than shrinking them
    all. The Latin line and the title follow at a share of the name's size, each shrunk
    to its cell if need be. `people` are (name, latin, country) triples."""
    lh_name, lh_small = 1.2, 1.3
    has_latin = any(p[1] for p in people)
    has_title = bool(titles) and any(titles)
    row_em = lh_name + (latin_ratio * lh_small if has_latin else 0) \
        + (title_ratio * lh_small if has_title else 0)
    best = None
    for cols in range(1, len(people) + 1):
        rows = math.ceil(len(people) / cols)
        cell = (width - (cols - 1) * col_gap) / cols
        cap = min(max_size, (height - (rows - 1) * row_gap) / rows / row_em)
        fits = [fit.text(name, cell, cap, bold=True, country=country).size
                for name, _, country in people]
        middle = sorted(fits)[len(fits) // 2]
        shared = min(f for f in fits if f >= 0.75 * middle)
        sizes = [min(shared, f) for f in fits]
        score = sum(sizes) / len(sizes)
        if best is None or score > best[0] * 1.001:
            best = (score, cols, cell, shared, sizes)
        if rows == 1:
            break
    _, cols, cell, shared, sizes = best
    cells = []
    for i, (name, latin, country) in enumerate(people):
        n = fit.text(name, cell, sizes[i], bold=True, country=country)
        lt = fit.text(latin, cell, latin_ratio * sizes[i], country=country) if latin else None
        title = titles[i] if titles else None
        tt = fit.text(title, cell, title_ratio * shared) if title else None
        cells.append((n, lt, tt))
    return Grid(cols, cells, cell, col_gap, row_gap)


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
    logo: Path | None = None
    lang: str = "en"
    gaps: dict = field(default_factory=dict)


def sign_layout(visit, fit: Fitter, size: str = "a4", group: bool = False,
                logo: Path | None = None) -> SignLayout:
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
    welcome = fit.text(_welcome_word(lang), inner, 8 * k, lang=lang)
    used_top = welcome.size * 1.3 + gaps["welcome"]
    pages = []
    if group:
        companies = _companies(visit)
        if companies:
            big = " / ".join(companies)
        else:
            from visitplan.text.i18n import t

            names = t("sign.list_join", lang).join(country_name(c, lang)
                                                  for c in _countries(visit))
            big = t("sign.delegation", lang, country=names)
        company = fit.text(big, inner, 30 * k, bold=True, two_lines_below=14 * k,
                           country=visit.guests[0].country)
        used = used_top + company.size * 1.15 * len(company.lines) + gaps["company"]
        people = [(g.name, latin_name(g), g.country) for g in visit.guests]
        grid = name_grid(fit, people, inner, (main_h - used) * SLACK, max_size=60 * k,
                         col_gap=10 * k, row_gap=5 * k, latin_ratio=0.45)
        pages.append({"welcome": welcome, "company": company, "grid": grid})
    else:
        for guest in visit.guests:
            latin = latin_name(guest)
            lt = fit.text(latin, inner, 15 * k, country=guest.country) if latin else None
            co = fit.text(guest.company, inner, 9 * k, country=guest.country) \
                if guest.company else None
            used = used_top + (lt.size * 1.25 + gaps["name"] if lt else 0) \
                + (co.size * 1.3 + gaps["latin"] if co else 0)
            name = fit.text(guest.name, inner, min(120 * k, (main_h - used) / 1.2 * SLACK),
                            bold=True, country=guest.country)
            pages.append({"welcome": welcome, "name": name, "latin": lt, "company": co,
                          "grid": None})
    host = visit.host
    text_w = inner - (0.25 * w + 8 * k if logo else 0)
    local = fit.text(host.company_local, text_w, 10 * k, bold=True, country=host.country) \
        if host.company_local else None
    latin = fit.text(host.company, text_w, 6.5 * k if local else 10 * k, bold=not local,
                     country=host.country)
    return SignLayout(size, w, h, margin, main_h, footer_h, footer_gap, pages,
                      {"local": local, "latin": latin}, logo, lang, gaps)


def _welcome_word(lang: str) -> str:
    from visitplan.text.i18n import t

    return t("sign.welcome", lang)


def cap_height_mm(text: Text) -> float:
    """The cap height a text prints with, in the layout's unit (from the face's H)."""
    return text.face.cap_height * text.size


def readability(layout: SignLayout) -> list[str]:
    """A sentence for each page whose names' capitals print lower than READABLE_CAP_MM."""
    out = []
    for page in layout.pages:
        names = [c[0] for c in page["grid"].cells] if page["grid"] else [page["name"]]
        cap = min(cap_height_mm(n) for n in names)
        if cap >= READABLE_CAP_MM:
            continue
        if page["grid"]:
            what, hint = "the group's names print", "without --group each guest gets a page"
        else:
            what = f"{names[0].text!r} prints"
            hint = ("--size a3 prints it larger" if layout.paper == "a4"
                    else "a shorter name prints larger")
        out.append(f"{what} with {cap:.0f} mm capitals, below the {READABLE_CAP_MM:.0f} mm "
                   f"that read well from 15 m; {hint}")
    return out


# ---------------------------------------------------------------- the screen (--u units)

SCREEN_W, SCREEN_H = 100.0, 56.25


def welcome_layout(visit, fit: Fitter, logo: Path | None = None) -> dict:
    """Every text of the welcome screen with its size in hundredths of the screen width."""
    from visitplan.text.i18n import t

    pad_x, pad_y = 4.0, 2.8
    inner = SCREEN_W - 2 * pad_x
    height = SCREEN_H - 2 * pad_y
    langs = list(dict.fromkeys([visit.language, visit.staff_language]))
    # the countries, each named in the guests' and the staff language
    countries = []
    for code in _countries(visit):
        names = list(dict.fromkeys(country_name(code, lang) for lang in langs))
        countries.append({"code": code, "flag": flag(code),
                          "names": [(n, lang) for n, lang in zip(names, langs)]})
    em = sum(FLAG_EM + 0.6 + sum(fit.advance(n, lang) for n, lang in c["names"])
             + 1.5 * (len(c["names"]) - 1) for c in countries) + 2.5 * (len(countries) - 1)
    country_size = min(2.2, inner * fit.fill / em)
    welcomes = [fit.text(t("sign.screen.welcome", lang, host=_host_name(visit.host, lang)),
                         inner, 3.4 if i == 0 else 2.4, lang=lang)
                for i, lang in enumerate(langs)]
    companies = _companies(visit)
    company = fit.text(" / ".join(companies), inner, 5.0, bold=True, two_lines_below=2.6,
                       country=visit.guests[0].country) if companies else None
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
    people = [(g.name, latin_name(g), g.country) for g in visit.guests]
    titles = [g.title for g in visit.guests]
    grid = name_grid(fit, people, inner, height - used - 0.5, max_size=9.0, col_gap=4.0,
                     row_gap=2.2, latin_ratio=0.42, title_ratio=0.28, titles=titles)
    return {"pad_x": pad_x, "pad_y": pad_y, "countries": countries,
            "country_size": country_size, "welcomes": welcomes, "company": company,
            "grid": grid, "host_local": host_local, "host_latin": host_latin,
            "gaps": gaps, "footer_h": footer_h, "logo_w": logo_w}

# ---------------------------------------------------------------- rendering


@functools.cache
def _environment(user_dir: Path | None):
    """One Jinja2 environment per templates folder, shared by the sign and the screen (and
    by every visit a `run` signs), so each template is compiled once."""
    from visitplan.documents.render import html_environment

    env = html_environment(user_dir)
    # sizes are cut (never rounded up) to two decimals, so a text never exceeds its fit
    env.filters["mm"] = lambda v: f"{math.floor(v * 100) / 100:.2f}mm"
    env.filters["u"] = lambda v: f"calc(var(--u) * {math.floor(v * 100) / 100:.2f})"
    return env


def _template(env, name: str):
    import jinja2

    try:
        return env.get_template(name)
    except jinja2.TemplateError as exc:
        raise RenderError(f"template {name}: {exc}") from None


def _render(template, name: str, **context) -> str:
    import jinja2

    try:
        return template.render(**context)
    except jinja2.TemplateError as exc:
        where = f" line {exc.lineno}" if getattr(exc, "lineno", None) else ""
        raise RenderError(f"template {name}{where}: {exc}") from None


def sign_html(visit, user_dir: Path | None = None, size: str = "a4",
              group: bool = False) -> tuple[str, SignLayout]:
    """The sign's HTML (for WeasyPrint, relative to the templates folder) and its layout."""
    env = _environment(user_dir)
    logo = find_logo(user_dir)
    layout = sign_layout(visit, Fitter(_fonts(env), visit.language, PDF_FILL), size, group,
                         logo)
    html = _render(_template(env, "sign.html"), "sign.html", visit=visit, layout=layout,
                   logo_url=logo.as_uri() if logo else None)
    return html, layout


def render_sign(visit, user_dir: Path | None = None, size: str = "a4",
                group: bool = False, policy_out: list | None = None, worker=None) \
        -> tuple[bytes, SignLayout]:
    """sign.pdf as bytes, and the layout it was drawn from. `policy_out` receives the
    asset policy of the render (what was asked for, what refused). `worker`, a
    visitplan.documents.pdf.Worker started before the visit was loaded, renders the PDF (it has
    imported WeasyPrint on another core meanwhile); without one it renders here."""
    from visitplan.documents.pdf import render_pdfs
    from visitplan.documents.resources import templates_dir

    html, layout = sign_html(visit, user_dir, size, group)
    logo = layout.logo
    pdf = render_pdfs([html], base_dir=templates_dir(), allowed=[logo] if logo else (),
                      overlays=[user_dir] if user_dir else (), audit=policy_out,
                      worker=worker)[0]
    return pdf, layout


def render_welcome(visit, user_dir: Path | None = None) -> str:
    """welcome.html: one self-contained file (CSS inline, the logo as a data: URL, fonts
    named, never downloaded)."""
    env = _environment(user_dir)
    logo = find_logo(user_dir)
    layout = welcome_layout(visit, Fitter(_fonts(env), visit.language, SCREEN_FILL), logo)
    logo_url = None
    if logo:
        data = base64.b64encode(logo.read_bytes()).decode()
        logo_url = f"data:{LOGO_TYPES[logo.suffix.lower()]};base64,{data}"
    return _render(_template(env, "welcome.html"), "welcome.html", visit=visit,
                   layout=layout, logo_url=logo_url)


def sign(session, visit, output_dir: Path, size: str = "a4", group: bool = False,
         notes: list[str] | None = None, worker=None) -> list[Path]:
    """Write sign.pdf and welcome.html into `output_dir`, both or neither. `notes`, if
    given, receives a sentence for each name too small to read from 15 metres. `worker`:
    see render_sign."""
    from visitplan.documents.output import atomic_write

    user_dir = session.config.templates
    if user_dir is not None and not Path(user_dir).is_dir():
        raise InputError(f"{user_dir}: the templates folder does not exist")
    html = render_welcome(visit, user_dir)
    pdf, layout = render_sign(visit, user_dir, size, group, worker=worker)
    if notes is not None:
        notes.extend(readability(layout))
    paths = [Path(output_dir) / "sign.pdf", Path(output_dir) / "welcome.html"]
    atomic_write({paths[0]: pdf, paths[1]: html.encode()})
    return paths
