"""Measuring names: each text's advance width is measured with the font file that will
draw it — the first installed family of the stack that templates/css/fonts.css gives the
text's language, found through fontconfig and measured with Pillow (FreeType and HarfBuzz,
as WeasyPrint and Chromium shape it) — and the font size follows from the width available.
A text's language is its own when its script says it (Hangul, Han, kana; Thai, Arabic,
Cyrillic map to the language of visitplan/text/languages.yaml written in that script, so
a Thai name on an English sign is measured and drawn in Noto Sans Thai), else the page's.
Shaping: Pillow lays text out with libraqm (HarfBuzz and FriBiDi) when it has it, so
Arabic letters are measured in their joined forms and Thai marks stacked, as drawn; a
Pillow without it measures unshaped glyph advances, an approximation that is close for
Thai and Cyrillic and up to about a tenth off for Arabic.
Also what the sign and the welcome screen both print: the Latin line under a name, the
guests' companies and countries, flags, and the Jinja environment with their length units.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from visitplan.documents.pdf import lang_of
from visitplan.documents.render import environment
from visitplan.errors import RenderError
from visitplan.rules.names import script_detail, sign_line, split_name
from visitplan.text.i18n import languages, t

GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}

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

    def ink(self, text: str) -> tuple[float, float]:
        """How far the drawn letters of `text` reach above and below the baseline, in em."""
        if not text.strip():
            return 0.0, 0.0
        _, top, _, bottom = self._font.getbbox(text, anchor="ls")
        return max(0.0, -top / 1000), max(0.0, bottom / 1000)

    @property
    def extents(self) -> tuple[float, float]:
        """The ascent and descent (em) a line box centres its leading around."""
        ascent, descent = self._font.getmetrics()
        return ascent / 1000, descent / 1000


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
                elif re.fullmatch(r"\.[\w-]+", selector):     # a class: a role's face
                    self.stacks[selector] = families
                elif selector in (":root", "html", "body"):
                    self.stacks.setdefault("", families)
        self.stacks.setdefault("", ["sans-serif"])

    def stack(self, lang: str | None) -> list[str]:
        lang = lang or ""
        while lang and lang not in self.stacks:
            lang = lang.rpartition("-")[0]
        return self.stacks.get(lang) or self.stacks[""]

    def face(self, lang: str | None, bold: bool, role: str | None = None) -> Face:
        """The face that draws text of `lang`; with `role` (a class of fonts.css, as
        ".condensed"), that class's stack, which the class overrides the language's with."""
        stack = self.stacks.get(role) if role else None
        for family in [*(stack or self.stack(lang)), "sans-serif"]:
            found = _fc_match(family, bold)
            if found is not None:
                return found
        raise RenderError(f"no font is installed for the language {lang or 'of the page'}; "
                          "install the fonts scripts/setup.sh lists")


@dataclass
class Fitted:
    """A line (or two) of text at the size that fits; size in the layout's unit."""

    lines: list[str]
    lang: str
    size: float
    bold: bool
    face: Face
    # set by Fitter.block: each line's box (height, line-height), and the fonts.css class
    # whose face draws it
    boxes: list[tuple[float, float]] | None = None
    role: str | None = None

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    @property
    def css_class(self) -> str:
        return self.role.lstrip(".") if self.role else ""


def script_lang(text: str) -> str | None:
    """The language (html tag) of visitplan/text/languages.yaml written in the script of
    `text`, for the scripts whose face the page's may lack (Thai, Arabic, Cyrillic, ...):
    the first such language of the table draws it. None for Latin, Han, Hangul, kana."""
    return _script_langs().get(script_detail(text))


@functools.cache
def _script_langs() -> dict[str, str]:
    out: dict[str, str] = {}
    for row in languages().values():
        if row.script not in ("latin", "han", "hangul", "japanese"):
            out.setdefault(row.script, row.html)
    return out


class Fitter:
    """Sizes text to a width with the faces of a fonts.css, for a document language."""

    def __init__(self, fonts: Fonts, doc_lang: str, fill: float):
        self.fonts, self.doc_lang, self.fill = fonts, doc_lang, fill

    def text(self, text: str, width: float, max_size: float, *, bold=False,
             country: str | None = None, lang: str | None = None,
             two_lines_below: float | None = None) -> Fitted:
        """`text` on one line at the largest size up to `max_size` that fits `width`. With
        `two_lines_below`, a text that would print smaller than that on one line is split at
        the space that balances two lines best, if that prints it larger."""
        lang = lang or lang_of(text, country) or script_lang(text) or self.doc_lang
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
        return Fitted(lines, lang, size, bold, face)

    def block(self, options: list[list[str]], width: float, height: float, max_size: float,
              *, bold=False, country: str | None = None, role: str | None = None,
              gap: float = 0.12) -> Fitted:
        """The setting of a text that prints it largest within `width` and `height`: each
        option is the text's lines (one line, or a name cut in two). Lines are stacked by
        the ink of their letters, not by line boxes: a line takes from the top of its
        tallest letter to the bottom of its lowest, `gap` em from the next, so a name of
        two lines without descenders is not charged for them. `boxes` gives each line's
        height and the line-height that puts its baseline at the top letter's height (the
        line box centres the face's ascent and descent, CSS 2.1 10.8.1). `role`: a class
        of fonts.css whose face draws the text instead of the language's."""
        text = " ".join(options[0])
        lang = lang_of(text, country) or script_lang(text) or self.doc_lang
        face = self.fonts.face(lang, bold, role)
        best = None
        for lines in options:
            inks = [face.ink(line) for line in lines]
            em = sum(top + bottom for top, bottom in inks) + gap * (len(lines) - 1)
            size = self._size(face, lines, width, max_size)
            if em:
                size = min(size, height / em)
            if best is None or size > best[0] * 1.001:
                best = (size, lines, inks)
        size, lines, inks = best
        ascent, descent = face.extents
        boxes = [((top + bottom + (gap if i < len(lines) - 1 else 0)) * size,
                  (2 * top - ascent + descent) * size) for i, (top, bottom) in enumerate(inks)]
        return Fitted(lines, lang, size, bold, face, boxes, role)

    def _size(self, face: Face, lines: list[str], width: float, max_size: float) -> float:
        widest = max(face.advance(line) for line in lines)
        return min(max_size, width * self.fill / widest) if widest else max_size

    def advance(self, text: str, lang: str | None, bold=False) -> float:
        return self.fonts.face(lang or self.doc_lang, bold).advance(text)


def fonts_of(env) -> Fonts:
    """The font stacks of the templates folder an environment reads."""
    source, _, _ = env.loader.get_source(env, "css/fonts.css")
    return _parse_fonts(source)


@functools.cache
def _parse_fonts(source: str) -> Fonts:
    return Fonts(source)


def layout_environment(user_dir, lang: str):
    """The HTML environment of the sign and the screen, with their length filters: `mm`
    and `u` (hundredths of the screen width). Sizes are cut (never rounded up) to two
    decimals, so a text never exceeds its fit."""
    env = environment(user_dir, "html", lang)
    env.filters["mm"] = lambda v: f"{math.floor(v * 100) / 100:.2f}mm"
    env.filters["u"] = lambda v: f"calc(var(--u) * {math.floor(v * 100) / 100:.2f})"
    return env

# ---------------------------------------------------------------- names in a grid


@dataclass
class Grid:
    """Names in a grid of cells: every name at one size, its Latin line below."""

    cols: int
    cells: list[tuple[Fitted, Fitted | None, Fitted | None]]
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


# ---------------------------------------------------------------- what both print


def latin_name(guest) -> str | None:
    """The Latin line under a guest's name, as visitplan.rules.names.sign_line gives it: for
    a name in Hangul, Chinese characters or kana the surname first and in capitals ("KIM
    Minjun", "YAMADA Hanako"), as on a passport; otherwise as written. None when there is
    no Latin name or it repeats the name."""
    return sign_line(guest.name, guest.country, guest.name_latin)


def sign_name(guest, lang: str) -> str:
    """The name a sign or the welcome screen prints large (sign.name of the guest's own
    language when the name is in its script, else the reader's): as written, or for
    Japanese names surname and given name apart and 様 after them ("佐藤 健一 様")."""
    spaced = guest.name
    script = script_detail(guest.name)
    if script in ("han", "kana"):
        surname, given = split_name(guest.name, guest.country)
        if surname and given:
            spaced = f"{surname} {given}"
    return t("sign.name", _own_reader(guest, script) or lang, name=guest.name,
             spaced=spaced)


_OWN_SCRIPTS = {"japanese": ("han", "kana"), "han": ("han",), "hangul": ("hangul",)}


def _own_reader(guest, script: str) -> str | None:
    """The language of a guest whose name is in their own country's script (see
    _OWN_SCRIPTS): a Japanese guest's kanji name takes 様 whatever the sign's language."""
    country = (guest.country or "").upper()
    for code, row in languages().items():
        if country in row.countries and script in _OWN_SCRIPTS.get(row.script, ()):
            return code
    return None


def companies(visit) -> list[str]:
    """The guests' companies, each once, in order."""
    return list(dict.fromkeys(g.company for g in visit.guests if g.company))


def countries(visit) -> list[str]:
    """The guests' countries, each once, in order."""
    return list(dict.fromkeys(g.country for g in visit.guests))


def flag(code: str) -> str:
    """The flag emoji of a country: its two regional indicator letters."""
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in code.upper())
