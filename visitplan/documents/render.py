"""The one Jinja2 environment factory: every document, mail body, digest and the `new`
scaffold is rendered by an environment made here.

* Templates are looked up in the user's templates folder first, then in the built-ins; a
  built-in is also reachable as `builtin/<name>`, so a user's template can extend the file
  it replaces and override a single block.
* Undefined names fail (StrictUndefined); HTML is autoescaped, plain text and Markdown are
  not (Markdown escapes every value it prints instead, see `md_escape`; a value that knows
  its own Markdown, `__markdown__`, prints that: a Phrase, a `strong(...)` value, our own
  wording whose `code spans` stay code).
* With a language, the environment carries the one translator, `t(key, **slots)`, bound to
  it (a `Phrase`: plain text in text, HTML whose slot values keep their `lang` in HTML), the
  language facts of visitplan.text.i18n.language (`lang`, `html_lang`, `dir`, `script`),
  and the date filters of visitplan.text.dates (`date`, `time`, `datetime`).
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import re
import unicodedata
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from visitplan.documents.resources import templates_dir
from visitplan.text import dates
from visitplan.text.i18n import language, strings, t as translate

KINDS = ("html", "text", "md")

# the lang attribute of the page being rendered: text in that language needs no tag of its
# own (see visitplan.documents.context.Text)
PAGE_LANG: contextvars.ContextVar[str | None] = contextvars.ContextVar("page_lang",
                                                                      default=None)
# and its direction (ltr, rtl): text of the other direction prints with a `dir` of its own
PAGE_DIR: contextvars.ContextVar[str | None] = contextvars.ContextVar("page_dir",
                                                                     default=None)


@contextlib.contextmanager
def page_language(lang: str):
    """While rendering a page in `lang`, text in that language prints without a tag, and
    text written in the other direction with its own `dir`."""
    token = PAGE_LANG.set(language(lang).html)
    dir_token = PAGE_DIR.set(language(lang).dir)
    try:
        yield
    finally:
        PAGE_DIR.reset(dir_token)
        PAGE_LANG.reset(token)


def direction_of(value: str) -> str | None:
    """The direction a text is written in, as its first letter says (as `dir="auto"`
    decides; digits and punctuation do not count): "ltr" for Latin, Cyrillic, Han or Thai,
    "rtl" for Arabic or Hebrew, None for a text without letters."""
    for ch in value:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


class Phrase:
    """Wording from the locales with its slots filled, rendered late: plain text (`str`) for
    text, Markdown and the calendar; HTML whose slot values keep their own markup (a name's
    `lang` span) through `__html__`."""

    def __init__(self, key: str, lang: str, **values):
        self.key, self.lang, self.values = key, lang, values

    def __str__(self) -> str:
        return translate(self.key, self.lang, **{k: str(v) for k, v in self.values.items()})

    def _text(self) -> str:
        texts = strings()[self.key]
        return texts.get(self.lang) or texts["en"]

    def __html__(self) -> str:
        return Markup(escape(self._text())).format(**self.values)

    def __markdown__(self) -> str:
        """The wording escaped for Markdown (its own `code spans` kept), each slot value
        escaped as md_escape escapes it, so a slot may hold a strong() value or another
        Phrase."""
        return md_with_code(self._text(), self.values)

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __repr__(self) -> str:
        return f"Phrase({str(self)!r})"


class NoBreak(str):
    """A date that must not break across lines: in HTML it prints inside
    `<span class="nobreak">` (all of it, or only its part `keep`, such as the weekday 星期四
    of a date in a narrow column); everywhere else it is a str."""

    keep: str | None

    def __new__(cls, value, keep: str | None = None):
        obj = super().__new__(cls, value)
        obj.keep = keep if keep and keep in value else None
        return obj

    def __html__(self) -> str:
        if self.keep is None:
            return Markup('<span class="nobreak">{}</span>').format(str(self))
        before, _, after = str(self).partition(self.keep)
        return Markup('{}<span class="nobreak">{}</span>{}').format(before, self.keep, after)


class Strong(str):
    """Text printed in bold: <strong> in HTML, **…** in Markdown. What it wraps keeps its
    own markup (a name tagged with its language stays tagged inside the <strong>)."""

    inner: object

    def __new__(cls, value):
        obj = super().__new__(cls, str(value))
        obj.inner = value
        return obj

    def __html__(self) -> str:
        return Markup("<strong>{}</strong>").format(self.inner)

    def __markdown__(self) -> str:
        return f"**{md_escape(self.inner)}**"


def strong(value):
    """`value` in bold; nothing for an empty value."""
    return Strong(value) if value else ""


CODE_SPAN = re.compile(r"`[^`\n]+`")
SLOT = re.compile(r"\{(\w+)\}")


def md_with_code(text: str, values: dict | None = None) -> str:
    """Our own wording for Markdown: everything escaped but its `code spans`, which stay
    code spans (a command such as `visitplan check` in a pack's note). With `values`, `text`
    is a locale template: each {slot} is filled with its value, escaped by md_escape
    outside a code span and as it is inside one."""
    def fill(piece: str, code: bool) -> str:
        if values is None:
            return piece if code else _md_chars(piece)
        out, last = [], 0
        for m in SLOT.finditer(piece):
            literal = piece[last:m.start()]
            out.append(literal if code else _md_chars(literal))
            value = values[m.group(1)]
            out.append(str(value) if code else str(md_escape(value)))
            last = m.end()
        tail = piece[last:]
        out.append(tail if code else _md_chars(tail))
        return "".join(out)

    out, last = [], 0
    for m in CODE_SPAN.finditer(text):
        out.append(fill(text[last:m.start()], False))
        out.append(fill(m.group(), True))
        last = m.end()
    out.append(fill(text[last:], False))
    return "".join(out)


def md_escape(value):
    """Every value a Markdown template prints is escaped, so a name like `<img src=...>` or
    `*bold*` shows as written when pasted into a wiki or chat. A value with its own
    `__markdown__` (a Phrase, strong(), our own wording) prints that instead."""
    if value is None:
        return ""
    markdown = getattr(value, "__markdown__", None)
    if markdown is not None:
        return markdown()
    if not isinstance(value, str):
        return value
    return _md_chars(value)


def _md_chars(value: str) -> str:
    out = []
    for ch in value:
        if ch in "\\`*_[]<>|~#":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


class _Chain(jinja2.ChoiceLoader):
    """ChoiceLoader with a `builtin/` prefix that always reaches the built-in templates."""

    def __init__(self, loaders, builtin):
        super().__init__(loaders)
        self.builtin = builtin

    def load(self, environment, name, globals=None):
        if name.startswith("builtin/"):   # ChoiceLoader.load would ask the loaders directly
            return jinja2.BaseLoader.load(self, environment, name, globals)
        return super().load(environment, name, globals)

    def get_source(self, environment, template):
        if template.startswith("builtin/"):
            return self.builtin.get_source(environment, template[len("builtin/"):])
        return super().get_source(environment, template)

    def list_templates(self):
        return sorted(set(super().list_templates()))


def _loader(user_dir: Path | None) -> jinja2.BaseLoader:
    builtin = jinja2.FileSystemLoader(str(templates_dir()))
    loaders = [jinja2.FileSystemLoader(str(user_dir))] if user_dir is not None else []
    return _Chain([*loaders, builtin], builtin)


@functools.lru_cache(maxsize=64)
def environment(user_dir: Path | None = None, kind: str = "html",
                lang: str | None = None) -> jinja2.Environment:
    """The environment for `kind` (html, text or md) over `user_dir` then the built-ins,
    with the translator and dates bound to `lang` when given. Environments are shared (one
    per folder, kind and language), so each template compiles once per process."""
    if kind not in KINDS:
        raise ValueError(f"unknown template kind {kind!r}")
    env = jinja2.Environment(loader=_loader(user_dir), undefined=jinja2.StrictUndefined,
                             autoescape=kind == "html", keep_trailing_newline=kind != "html",
                             trim_blocks=True, lstrip_blocks=True)
    if kind == "md":
        env.finalize = md_escape
    if lang is not None:
        facts = language(lang)
        env.globals.update(t=lambda key, **values: Phrase(key, lang, **values), lang=lang,
                           strong=strong,
                           html_lang=facts.html, dir=facts.dir, script=facts.script)
        env.filters["date"] = lambda day, style="long": NoBreak(
            dates.format_date(day, lang, style))
        env.filters["time"] = lambda moment: dates.format_time(moment, lang)
        env.filters["datetime"] = lambda moment, style="short": NoBreak(
            dates.format_datetime(moment, lang, style))
    return env


def plain_environment(user_dir: Path | None = None, lang: str | None = None):
    """`environment(user_dir, "text", lang)`, as `new` calls it for the visit file."""
    return environment(user_dir, "text", lang)


def html_environment(user_dir: Path | None = None, lang: str | None = None):
    """`environment(user_dir, "html", lang)`, for callers written before the factory took
    a kind (the badges and tents of visitplan.documents.printables)."""
    return environment(user_dir, "html", lang)
