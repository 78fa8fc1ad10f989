"""The pieces every document's context is built from: the visit's own text tagged with its
language, people and companies as plain data, travel lines, home clocks, dates that do not
break, country names and diet labels — shared by the itinerary, the checklist, the sign,
the welcome screen and the calendar.
"""
from __future__ import annotations

import datetime as dt
import re

from markupsafe import Markup, escape

from visitplan.documents.pdf import lang_of
from visitplan.documents.render import (CODE_SPAN, PAGE_DIR, PAGE_LANG, NoBreak, Phrase,
                                        direction_of, md_escape, md_with_code)
from visitplan.text.dates import (format_date, format_datetime, format_time, home_name,
                                  home_zone)
from visitplan.text.i18n import babel_locale, language, strings, t


class Text(str):
    """A piece of text with the language tag of its script (or None). In an HTML template
    it prints inside `<span lang=…>` when that differs from the page's language, so the
    right face draws it (a Korean name in a Chinese checklist stays in a Korean face, the
    Chinese source title of a rule pack in an English one in a Chinese face); everywhere
    else it is a str. Our own wording (`code=True`: the packs' notes and tasks) prints its
    `code spans` as code, in HTML and in Markdown; the user's values never do."""

    lang: str | None
    code: bool

    def __new__(cls, value, lang: str | None = None, code: bool = False):
        obj = super().__new__(cls, value)
        obj.lang = lang
        obj.code = code
        return obj

    def __html__(self) -> str:
        inner = escape(str(self))
        if self.code:
            inner = Markup(CODE_SPAN.sub(lambda m: f"<code>{m.group()[1:-1]}</code>", inner))
        lang = self.lang if self.lang and self.lang != PAGE_LANG.get() else None
        # a Latin name in an Arabic page (or an Arabic one in a Latin page) is set in its
        # own direction, so "Co., Ltd." keeps its full stop at the end
        page_dir = PAGE_DIR.get()
        own_dir = direction_of(str(self)) if page_dir else None
        own_dir = own_dir if own_dir and own_dir != page_dir else None
        if lang and own_dir:
            return Markup('<span lang="{}" dir="{}">{}</span>').format(lang, own_dir, inner)
        if lang:
            return Markup('<span lang="{}">{}</span>').format(lang, inner)
        if own_dir:
            return Markup('<span dir="{}">{}</span>').format(own_dir, inner)
        return inner

    def __markdown__(self) -> str:
        return md_with_code(str(self)) if self.code else md_escape(str(self))


def text(value, country: str | None = None, code: bool = False) -> Text | None:
    """`value` as a Text tagged with the language its script says (None stays None);
    `code` for our own wording, whose `code spans` print as code."""
    return None if value is None else Text(value, lang_of(value, country), code)


class Joined:
    """Parts printed one after the other with a separator (the language's comma), the empty
    ones left out, each keeping its own markup in HTML and Markdown."""

    def __init__(self, parts, sep):
        self.parts = [part for part in parts if part]
        self.sep = str(sep)

    def __bool__(self) -> bool:
        return bool(self.parts)

    def __str__(self) -> str:
        return self.sep.join(str(part) for part in self.parts)

    def __html__(self) -> str:
        return Markup(escape(self.sep)).join(escape(part) for part in self.parts)

    def __markdown__(self) -> str:
        return md_escape(self.sep).join(str(md_escape(part)) for part in self.parts)


def comma(parts, lang: str) -> Joined:
    """The non-empty `parts` joined by the language's comma: 李伟，销售经理 / Li Wei, Sales."""
    return Joined(parts, t("doc.comma", lang))


def staff_name(person, country, lang: str):
    """A host-side person as a guest reads the name, without honorific: Chinese first for a
    reader of Chinese or Japanese (李伟（Li Wei）), the Latin spelling first for everyone
    else (Li Wei (李伟)). Both take the language's own `doc.name_latin` brackets (a name and
    its other spelling), so every guest language has the form without a key of its own."""
    name = text(person.name, country)
    if not person.name_latin or person.name_latin == person.name:
        return name
    if language(lang).script in ("han", "japanese"):
        return Phrase("doc.name_latin", lang, name=name, latin=person.name_latin)
    return Phrase("doc.name_latin", lang, name=person.name_latin, latin=name)


def person(p, country) -> dict | None:
    """A host-side person (contact, leader) as the templates print them."""
    if p is None:
        return None
    latin = p.name_latin if p.name_latin and p.name_latin != p.name else None
    return {"name": text(p.name, country), "name_latin": latin, "role": p.role,
            "email": p.email, "phone": p.phone}


def guest(g) -> dict:
    """A guest as the templates print them."""
    latin = g.name_latin if g.name_latin and g.name_latin != g.name else None
    return {"name": text(g.name, g.country), "name_latin": latin,
            "title": text(g.title, g.country), "company": text(g.company, g.country),
            "country": g.country, "senior": g.senior, "vip": g.vip, "gender": g.gender,
            "diet": list(g.diet)}


def host(visit) -> dict:
    """The host company, its contact and leader."""
    h = visit.host
    local = h.company_local if h.company_local != h.company else None
    return {"company": text(h.company, h.country), "company_local": text(local, h.country),
            "contact": person(h.contact, h.country), "leader": person(h.leader, h.country)}


def seniority(visit) -> list:
    """Guests in the order of introductions and serving: the senior guest first (then VIPs),
    the others as listed."""
    return sorted(visit.guests, key=lambda g: (not g.senior, not g.vip, g.index))


def travel_line(travel, lang: str, arrival: bool):
    """How the guests travel, as one translated phrase: 'Flight OZ369 from Incheon',
    '인천발 항공편 OZ369', '航班OZ369，自仁川'."""
    mode = travel.by or "other"
    vehicle = t(f"doc.by.{mode}", lang, number=travel.number or "").strip()
    where = travel.origin if arrival else travel.destination
    if not where:
        return vehicle
    key = "doc.travel.from" if arrival else "doc.travel.to"
    if not vehicle:
        key = "doc.it.from" if arrival else "doc.it.to"
    return t(key, lang, travel=vehicle, place=where)


def home_times(visit, moment: dt.datetime, lang: str) -> list[dict]:
    """The guests' home clocks at `moment`, for each home zone that reads differently."""
    shown, out = set(), []
    for g in visit.guests:
        zone = home_zone(g.country, moment)
        if zone is None:
            continue
        local = moment.astimezone(zone)
        if local.utcoffset() == moment.utcoffset() or g.country in shown:
            continue
        shown.add(g.country)
        other_day = local.date() != moment.date()
        out.append({"zone": home_name(g.country, lang), "time": format_time(local, lang),
                    "date": day(local, lang, "short") if other_day else None})
    return out


def day(moment, lang: str, style: str = "long") -> NoBreak:
    """A date that never breaks across lines (2026年12月8日 星期二 stays whole)."""
    return NoBreak(format_date(moment, lang, style))


def moment(when: dt.datetime, lang: str, style: str = "short") -> str:
    """A date and time for a narrow column: it may break between its words, but a weekday
    of several characters (星期四) is kept whole."""
    weekday = format_date(when, lang, "weekday")
    value = format_datetime(when, lang, style)
    return NoBreak(value, keep=weekday) if len(weekday) > 1 and weekday in value else value


def days(start: dt.date, end: dt.date, lang: str):
    """The days of a visit as one translated range whose two dates do not break."""
    if start == end:
        return day(start, lang, "long")
    key = "doc.date.range_same_year" if start.year == end.year else "doc.date.range"
    return Phrase(key, lang, long_start=day(start, lang, "long"),
                  short_start=day(start, lang, "short"), long_end=day(end, lang, "long"),
                  short_end=day(end, lang, "short"))


def country_name(code: str, lang: str) -> str:
    """A country's name in `lang` (CLDR): 德国, 독일, Germany; the code when unknown."""
    from babel import Locale

    return Locale.parse(babel_locale(lang)).territories.get(code, code)


def language_name(code: str, lang: str) -> str:
    """A guest language's name for a reader of `lang`: the locale file's word where it has
    one (中文, 英文, 韩文), else CLDR's (日语, 阿拉伯语)."""
    if f"doc.language.{code}" in strings():
        return t(f"doc.language.{code}", lang)
    from babel import Locale

    return Locale.parse(babel_locale(lang)).languages.get(code.replace("-", "_"), code)


# what guests type after `allergy:` → the allergen key of the locale files (allergen.<key>)
ALLERGENS = {
    "peanut": "peanut", "groundnut": "peanut",
    "nut": "nuts", "tree nut": "nuts", "almond": "nuts", "walnut": "nuts", "cashew": "nuts",
    "hazelnut": "nuts", "pistachio": "nuts", "pecan": "nuts",
    "shellfish": "shellfish", "shrimp": "shellfish", "prawn": "shellfish",
    "crab": "shellfish", "lobster": "shellfish", "crustacean": "shellfish",
    "crayfish": "shellfish",
    "mollusc": "molluscs", "mollusk": "molluscs", "squid": "molluscs",
    "octopus": "molluscs", "clam": "molluscs", "oyster": "molluscs", "mussel": "molluscs",
    "scallop": "molluscs",
    "fish": "fish", "milk": "milk", "dairy": "milk", "egg": "egg", "gluten": "gluten",
    "wheat": "wheat", "soy": "soy", "soya": "soy", "soybean": "soy", "sesame": "sesame",
    "celery": "celery", "mustard": "mustard", "sulphite": "sulphites",
    "sulfite": "sulphites", "lupin": "lupin", "lupine": "lupin",
}


def allergen(word: str) -> str | None:
    """The allergen key for what a guest typed (peanuts → peanut, prawns → shellfish), or
    None when it is not one of the common allergens."""
    key = " ".join(word.casefold().replace("_", " ").replace("-", " ").split())
    for candidate in (key, key[:-2] if key.endswith("es") else key, key.rstrip("s")):
        if candidate in ALLERGENS:
            return ALLERGENS[candidate]
    return None


def diet_label(diet: str, lang: str) -> str:
    """A diet in `lang`: no pork, 清真, 对花生过敏; an allergen outside the vocabulary is
    quoted as typed (对“榴莲”过敏)."""
    if diet.startswith("allergy:"):
        word = diet.split(":", 1)[1].strip()
        key = allergen(word)
        if key is None:
            return t("doc.diet.allergy_other", lang, what=word)
        return t("doc.diet.allergy", lang, what=t(f"allergen.{key}", lang))
    return t(f"doc.diet.{diet}", lang)


def localized(texts: dict, lang: str) -> str:
    """A pack's text in `lang`, English when the pack has none."""
    return texts.get(lang) or texts.get("en", "")


def pack_title(plan, name: str, lang: str):
    """The title of the rule pack `name` in `lang`, tagged Chinese where it is Chinese (a
    zh-only title in a ko or en checklist is drawn by a Chinese face)."""
    pack = next((p for p in plan.profiles if p.name == name), None)
    return text(localized(pack.title, lang)) if pack else name


HANDBOOK_PART = re.compile(r"^篇([1-9])(?![0-9])")


def source(citation: str | None, lang: str):
    """A pack's `source:` for a reader of `lang`: each of its citations (split at `; `)
    naming a handbook part gets the part's translated title, with the Chinese in brackets
    (Part 6, Business reception etiquette (篇6 商务接待客户礼仪)); other citations print as
    written. The citations are joined by the language's semicolon."""
    if not citation:
        return None
    parts = []
    for cite in citation.split("; "):
        m = HANDBOOK_PART.match(cite)
        if m:
            parts.append(Phrase("handbook.cite", lang, chinese=text(cite, "CN"),
                                part=t(f"handbook.{m.group(1)}", lang)))
        else:
            parts.append(text(cite, "CN"))
    return Joined(parts, t("doc.ck.source_sep", lang))


def capital(label: str) -> str:
    """'showroom visit' → 'Showroom visit' (a heading; CJK text is unchanged)."""
    return label[:1].upper() + label[1:]
