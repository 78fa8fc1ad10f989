"""Wording and language facts: one locale file per language in visitplan/text/locales/
(`<code>.yaml`, a key a line, English filling gaps) and one table of languages
(`languages.yaml`: CLDR locale, lang attribute, script, direction, faces).

`t("lead.before", "zh", amount=..., anchor=...)` formats a whole sentence with named slots.
Adding a language is one locale file and one line in languages.yaml.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from visitplan.visit.loader import SAFE_LOADER

LOCALES = Path(__file__).parent / "locales"
LANGUAGES_FILE = Path(__file__).parent / "languages.yaml"


@dataclass(frozen=True)
class Language:
    """What visitplan knows of one language besides its wording."""

    code: str
    babel: str
    html: str
    script: str
    dir: str
    staff: bool
    family: tuple[str, ...]
    countries: tuple[str, ...] = ()


@functools.cache
def languages() -> dict[str, Language]:
    """Every language visitplan writes, by code, in the table's order."""
    data = yaml.load(LANGUAGES_FILE.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    return {code: Language(code=code, babel=row["babel"], html=row["html"],
                           script=row["script"], dir=row["dir"], staff=str(row["staff"]).lower() == "true",
                           family=tuple(row["family"]),
                           countries=tuple(str(c) for c in row.get("countries") or ()))
            for code, row in data.items()}


def language(code: str) -> Language:
    """The table's row for `code`; English for a code it does not know."""
    table = languages()
    return table.get(code) or table["en"]


def babel_locale(code: str) -> str:
    return language(code).babel


def staff_languages() -> list[str]:
    return [code for code, row in languages().items() if row.staff]


# what guest-facing outputs print (itinerary, calendar, sign, welcome screen, guest email);
# everything else is staff wording, in the staff languages (the sign's warnings about small
# names, sign.small.*, are read by staff)
GUEST_KEY_PREFIXES = ("kind.", "doc.date.", "doc.it.", "doc.by.", "doc.travel.", "doc.ics.",
                      "doc.name_latin", "mail.", "sign.welcome", "sign.screen.",
                      "sign.delegation", "sign.list_join", "sign.name")


def coverage(code: str) -> tuple[float, float]:
    """The share of English's guest-facing keys, and of all its keys, that `code`'s own
    locale file translates (the rest falls back to English)."""
    table = strings()
    english = [k for k, texts in table.items() if "en" in texts]
    guest = [k for k in english if k.startswith(GUEST_KEY_PREFIXES)]
    own = {k for k, texts in table.items() if code in texts}
    return (sum(k in own for k in guest) / len(guest), sum(k in own for k in english)
            / len(english))


@functools.cache
def strings() -> dict[str, dict[str, str]]:
    """Every key, with its text in each language that has it."""
    table: dict[str, dict[str, str]] = {}
    for code in languages():
        path = LOCALES / f"{code}.yaml"
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
        for key, text in data.items():
            table.setdefault(key, {})[code] = str(text)
    return table


def t(key: str, lang: str, **values) -> str:
    texts = strings()[key]
    text = texts.get(lang) or texts["en"]
    return text.format(**values) if values else text


def lead_time(anchor: str, offset, lang: str) -> str:
    """'5 days before arrival', '到达前5天', '도착 5일 전' for an anchor and an Offset."""
    if anchor in ("arrival", "departure", "on-site"):
        anchor_text = t(f"anchor.{anchor}", lang)
    else:
        anchor_text = t("anchor.kind", lang, kind=t(f"kind.{anchor}", lang))
    days, minutes = abs(offset.days), abs(offset.minutes)
    parts = []
    if days:
        parts.append(t("unit.day" if days == 1 else "unit.days", lang, n=days))
    if minutes // 60:
        n = minutes // 60
        parts.append(t("unit.hour" if n == 1 else "unit.hours", lang, n=n))
    if minutes % 60:
        n = minutes % 60
        parts.append(t("unit.minute" if n == 1 else "unit.minutes", lang, n=n))
    if not parts:
        return t("lead.on" if offset.whole_days else "lead.at", lang, anchor=anchor_text)
    amount = t("unit.join", lang).join(parts)
    negative = offset.days < 0 or offset.minutes < 0
    return t("lead.before" if negative else "lead.after", lang, amount=amount,
             anchor=anchor_text)
