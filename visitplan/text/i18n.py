"""Wording in zh, en and ko, from the YAML files in visitplan/text/locales/ (English fills gaps).

Every file there maps a key to its text in each language; a key may be defined in one file
only. `t("lead.before", "zh", amount=..., anchor=...)` formats with str.format.
"""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

from visitplan.visit.loader import SAFE_LOADER

LOCALES = Path(__file__).parent / "locales"


@functools.cache
def strings() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALES.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
        for key, texts in data.items():
            if key in table:
                raise RuntimeError(f"{path.name}: key {key!r} is defined twice")
            table[key] = {lang: str(text) for lang, text in texts.items()}
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
