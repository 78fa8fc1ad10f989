"""How a guest is greeted in each guest language: one guest's form ("Mr Kim", "Kim先生",
"김민준 님", "Sehr geehrter Herr Müller") and the greeting line of an email.

The wording and which part of a name each language uses are data, in greetings.yaml
next to this module (its header says the format); this module picks the name to show
(the written name where the reader reads its script, else the Latin one) and fills in
the forms.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Iterable

import yaml

from visitplan.rules.name_order import NameParts, name_parts, normalize, script_detail
from visitplan.rules.romanize import latin_spelling
from visitplan.visit.loader import SAFE_LOADER

GREETINGS_FILE = Path(__file__).parent / "greetings.yaml"

_GENDERS = {
    "male": "male", "m": "male", "man": "male", "mr": "male", "男": "male", "남": "male",
    "남성": "male", "男性": "male",
    "female": "female", "f": "female", "woman": "female", "ms": "female", "女": "female",
    "여": "female", "여성": "female", "女性": "female",
}
_HONORIFICS = {
    "dr": "doctor", "doctor": "doctor", "博士": "doctor", "박사": "doctor", "박사님": "doctor",
    "prof": "professor", "professor": "professor", "教授": "professor",
    "교수": "professor", "교수님": "professor",
}
_PARTS = {"surname": "called", "given": "personal", "full": "full",
          "patronymic": "patronymic"}


_REQUIRED = ("scripts", "part", "forms", "line", "sep", "last")
_SCRIPTS = {"hangul", "han", "kana", "latin", "cyrillic", "arabic", "thai"}
_SLOTS = re.compile(r"\{(\w*)\}")


@functools.cache
def greetings() -> dict[str, dict]:
    """The greetings table by language code, as greetings.yaml gives it. Raises ValueError
    naming the language and key of a block that does not follow the file's format."""
    table = yaml.load(GREETINGS_FILE.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    for code, block in table.items():
        _check_block(code, block, top=True)
    return table


def _check_block(code: str, block: dict, top: bool = False) -> None:
    def fail(what: str):
        raise ValueError(f"{GREETINGS_FILE.name}: {code}: {what}")

    for key in _REQUIRED if top else ("part", "forms"):
        if key not in block:
            fail(f"{key} is missing")
    if top and not set(block["scripts"]) <= _SCRIPTS:
        fail(f"scripts: use some of {', '.join(sorted(_SCRIPTS))}")
    if block["part"] not in _PARTS or (block["part"] == "patronymic") != ("otherwise" in block):
        fail("part: surname, given, full, or patronymic with an otherwise: block")
    if "neutral" not in block["forms"]:
        fail("forms.neutral is missing")
    for group in ("forms", "latin", "next"):
        for key, form in (block.get(group) or {}).items():
            if not set(_SLOTS.findall(str(form))) <= {"name", "full"}:
                fail(f"{group}.{key}: the slots are {{name}} and {{full}}")
    if top and _SLOTS.findall(block["line"]) != ["names"]:
        fail("line: takes one slot, {names}")
    if "otherwise" in block:
        _check_block(code, block["otherwise"])


def greeting_language(language: str) -> str:
    """The table's code for a language tag (zh-CN -> zh, zh-TW -> zh-Hant, EN -> en).
    Raises ValueError for a language the table does not have."""
    tag = (language or "").strip().replace("_", "-")
    low = tag.lower()
    if low in ("zh-hant", "zh-tw", "zh-hk", "zh-mo") or low.startswith("zh-hant"):
        code = "zh-Hant"
    else:
        code = low.split("-")[0]
    if code not in greetings():
        raise ValueError(f"unsupported language: {language!r} (use one of "
                         f"{', '.join(greetings())})")
    return code


def _unshout(text: str) -> str:
    """'KIM' -> 'Kim', 'O'BRIEN' -> 'O'Brien'; words not all in capitals are left alone."""
    def word(w: str) -> str:
        letters = [c for c in w if c.isalpha()]
        if len(letters) < 2 or not all(c.isupper() for c in letters):
            return w
        return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), w)
    return " ".join(word(w) for w in text.split())


def shown_name(name: str, language: str, country: str | None = None,
               name_latin: str | None = None) -> tuple[str, str | None, bool]:
    """The name a reader of ``language`` is shown: (name, country to split it by, whether
    it is in Latin letters). The name as written when the reader reads its script, else
    ``name_latin``, else a Latin spelling derived where that is safe, else as written."""
    code = greeting_language(language)
    n = normalize(name) or normalize(name_latin)
    script = script_detail(n)
    if script in greetings()[code]["scripts"]:
        return n, country, script == "latin"
    latin = normalize(name_latin) or (latin_spelling(n, country) if script != "latin"
                                      else None)
    if not latin:
        return n, country, False
    split_country = country
    if not split_country and script in ("hangul", "han"):
        split_country = "KR" if script == "hangul" else "CN"
    return _unshout(latin), split_country, True


def _parts(shown: str, country: str | None, latin: bool) -> NameParts:
    parts = name_parts(shown, country)
    if not latin:
        return parts
    return NameParts(*(_unshout(getattr(parts, f)) for f in NameParts.__dataclass_fields__))


def address(
    name: str,
    language: str,
    gender: str | None,
    title: str | None = None,
    country: str | None = None,
    name_latin: str | None = None,
    position: int = 0,
) -> str:
    """How one guest is greeted in ``language``, as greetings.yaml says.

    ``gender`` is "male"/"female" (also m/f, 男/女, 남/여); anything else is unknown, and
    gets the language's neutral form, never a bare surname ("Kim Minjun", "김민준 님").
    ``title`` counts only as an academic honorific (Dr/Doctor/博士/박사, Prof/Professor/
    教授/교수), which replaces Mr/Ms; job titles are ignored. ``country`` is the guest's:
    it decides the order of a Latin name (surname first from KR CN TW HK MO SG JP VN KH)
    and which part a title goes with (Nguyễn Văn An -> An, Ahmad bin Ismail -> Ahmad).
    ``position`` > 0 picks the language's forms for a later guest of one greeting line.

    Examples: zh "王先生", "Kim先生" (a Hangul name in Latin letters, no space), "佐藤先生";
    en "Mr Kim", "Ms Lyu", "Ms Nurul Aisyah", "Mr An", "Dr Kim"; ko "김민준 님".
    Raises ValueError for a language greetings.yaml does not have.
    """
    code = greeting_language(language)
    block = greetings()[code]
    sex = _GENDERS.get((gender or "").strip().lower())
    honor = _HONORIFICS.get((title or "").strip().rstrip(".").lower())
    shown, split_country, latin = shown_name(name, code, country, name_latin)
    parts = _parts(shown, split_country, latin)
    part = block["part"]
    if part == "patronymic" and not parts.patronymic:
        block = {**block, **block["otherwise"]}
        part = block["part"]
    forms = dict(block["forms"])
    if latin and block.get("latin"):
        forms.update(block["latin"])
    if position and block.get("next"):
        forms.update(block["next"])
    keys = ([f"{honor}.{sex}", honor] if honor else []) + [sex or "neutral", "neutral"]
    form = next(forms[k] for k in keys if k in forms)
    return form.format(name=getattr(parts, _PARTS[part]) or parts.full, full=parts.full)


def greeting_line(guests: Iterable, language: str) -> str:
    """The greeting line of an email to ``guests`` (objects with name, gender, title,
    country and name_latin, in the order to greet them): "Dear Mr Kim and Ms Lee,",
    "尊敬的Kim先生、Lee女士：", "Sehr geehrter Herr Müller, sehr geehrte Frau Schneider,"."""
    code = greeting_language(language)
    block = greetings()[code]
    names = [address(g.name, code, g.gender, g.title, g.country, g.name_latin, position=i)
             for i, g in enumerate(guests)]
    if len(names) > 1:
        joined = block["sep"].join(names[:-1]) + block["last"] + names[-1]
    else:
        joined = "".join(names)
    return block["line"].format(names=joined)


def latin_required(name: str, country: str | None, name_latin: str | None,
                   language: str) -> bool:
    """True when a guest-facing text in ``language`` needs the guest's name in Latin
    letters and there is none: the name is in a script the reader does not read, no
    ``name_latin`` is given, and none may be derived (a Japanese name in kanji or kana, a
    Chinese-character name from TW HK MO SG MY, Thai, Arabic or Cyrillic letters).
    ``check`` should make this an error for the guest-facing outputs."""
    n = normalize(name)
    if not n or normalize(name_latin) or script_detail(n) == "latin":
        return False
    if script_detail(n) in greetings()[greeting_language(language)]["scripts"]:
        return False
    return latin_spelling(n, country) is None

