"""Guest names, the public face: script, surname/given split, Latin spelling, the Latin
line of a pickup sign, greetings, and whether a guest-facing text lacks a Latin name.

The work is done in three modules: :mod:`visitplan.rules.name_order` (scripts, splitting,
the part a title goes with), :mod:`visitplan.rules.romanize` (Korean and Chinese Latin
spellings) and :mod:`visitplan.rules.greeting` (greetings, data in greetings.yaml).
"""

from __future__ import annotations

from visitplan.rules.greeting import address, greeting_line, latin_required
from visitplan.rules.name_order import (NameParts, name_parts, normalize, script_detail,
                                        script_of, split_name)
from visitplan.rules.romanize import NOT_PINYIN, latin_spelling, romanize

__all__ = ["script_of", "script_detail", "split_name", "name_parts", "NameParts",
           "romanize", "latin_spelling", "NOT_PINYIN", "address", "greeting_line",
           "latin_required", "sign_line"]


def sign_line(name: str, country: str | None, name_latin: str | None) -> str | None:
    """The Latin line a pickup sign prints under a guest's name, or None.

    For a name in Hangul, Chinese characters or Japanese kana, ``name_latin`` as a passport
    prints it: the surname first and in capitals, the given name as written ("KIM Minjun",
    "LYU Li", "NAKAMURA Yui"), the order being the one written (see :func:`split_name`).
    For a name in another script (Thai, Arabic, Cyrillic) ``name_latin`` as written. None
    when there is no ``name_latin`` or it repeats the name (a name in Latin letters is the
    sign's name line itself)."""
    latin = normalize(name_latin)
    if not latin or latin == normalize(name):
        return None
    if script_detail(name) in ("hangul", "han", "kana") and script_of(latin) == "latin":
        surname, given = split_name(latin, country)
        if surname and given:
            return f"{surname.upper()} {given}"
    return latin
