"""Field checks shared by the visit and configuration schemas."""
from __future__ import annotations

import functools
import re
import zoneinfo
from pathlib import Path

import yaml

from visitplan.visit.loader import SAFE_LOADER
from visitplan.visit.schema import Check, Enum, Str, did_you_mean

# The languages rule packs and staff documents are written in. Guests may read any language
# of the table of languages, read here as data (visit/ imports no later stage).
LANGUAGES = STAFF_LANGUAGES = ("zh", "en", "ko")
LANGUAGE_TABLE = Path(__file__).resolve().parent.parent / "text" / "languages.yaml"
DIETS = ("halal", "no-pork", "no-beef", "vegetarian", "vegan", "no-alcohol")

_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"{_LOCAL}@{_LABEL}(?:\.{_LABEL})+")
# codes Babel lists among territories that are not countries
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}


def check_email(text: str) -> str:
    if "\r" in text or "\n" in text:
        raise ValueError("an email address may not contain a line break")
    if len(text) > 254 or not _EMAIL.fullmatch(text):
        raise ValueError(f"{text!r} is not a valid email address (like name@example.com)")
    return text


_MAILBOX = re.compile(r'\s*(?:(?P<name>"(?:[^"\\]|\\.)*"|[^<>",;@]*?)\s*<(?P<addr>[^<>]*)>'
                      r'|(?P<bare>[^<>\s]+))\s*')


def check_mailbox(text: str) -> str:
    """`Name <addr@example.com>` or a bare address: exactly one sender, on one line."""
    if len(f"{text}x".splitlines()) > 1:   # CR, LF, U+2028, NEL...
        raise ValueError("a sender may not contain a line break")
    m = _MAILBOX.fullmatch(text)
    if not m and text.count("@") > 1:
        raise ValueError(f"{text!r} gives more than one address; give one sender like "
                         "'Name <name@example.com>'")
    addr = m and (m.group("addr") if m.group("addr") is not None else m.group("bare"))
    if not addr or not _EMAIL.fullmatch(addr.strip()) or len(addr.strip()) > 254:
        hint = (" (a name with a comma goes in double quotes: '\"Name, Ltd.\" <...>')"
                if "," in text else "")
        raise ValueError(f"{text!r} is not a valid sender; write it like "
                         f"'Name <name@example.com>' or name@example.com{hint}")
    return text


@functools.cache
def check_domain(text: str) -> str:
    """A mail domain such as brightway.example (letters, digits, hyphens, dots)."""
    name = text.strip().lower()
    if not re.fullmatch(r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
                        r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", name):
        raise ValueError(f"{text!r} is not a domain like brightway.example")
    return name


def country_codes() -> frozenset[str]:
    from babel import Locale

    return frozenset(code for code in Locale("en").territories
                     if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES)


def check_country(text: str) -> str:
    code = text.upper()
    if code in country_codes():
        return code
    raise ValueError(f"{text!r} is not an ISO 3166 country code (two letters, like KR, CN, "
                     f"DE or NO)")


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def check_timezone(text: str):
    """An IANA zone name the system or tzdata knows. Only listed names count: a folder of
    the zone database (`Asia`) or a file in it that is no zone (`localtime`) is refused
    without being opened."""
    if text in _zones():
        return text
    raise ValueError(f"{text[:100]!r} is not an IANA time zone (like Asia/Shanghai)"
                     + did_you_mean(text[:100], sorted(_zones())))


def check_diet(text: str) -> str:
    if text in DIETS:
        return text
    if text.startswith("allergy:") and text[len("allergy:"):].strip():
        return "allergy:" + text[len("allergy:"):].strip()
    raise ValueError(f"{text!r} is not one of {', '.join(DIETS)} or allergy:<what>"
                     + did_you_mean(text, list(DIETS)))


def check_id(text: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}", text):
        return text
    raise ValueError(f"{text!r} is not a valid id: letters, digits, '.', '_' and '-', "
                     "starting with a letter or digit")


def Email(description="", default=None):
    return Check(check_email, "an email address", description, default,
                 {"type": "string", "format": "email"})


def Country(description="", default=None):
    return Check(check_country, "an ISO 3166 country code", description, default,
                 {"type": "string", "pattern": "^[A-Za-z]{2}$"})


@functools.cache
def guest_languages() -> tuple[str, ...]:
    """Every language code of visitplan/text/languages.yaml, the staff languages first."""
    table = yaml.load(LANGUAGE_TABLE.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    return (*STAFF_LANGUAGES, *(str(code) for code in table if code not in STAFF_LANGUAGES))


@functools.cache
def _country_languages() -> dict[str, str]:
    table = yaml.load(LANGUAGE_TABLE.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    return {str(country): str(code) for code, row in table.items()
            for country in row.get("countries") or ()}


def country_language(country: str | None, overrides: dict | None = None) -> str | None:
    """The language guests from `country` read when a visit names none: the
    configuration's `guest_languages` first, then the table's `countries` (None when
    neither says)."""
    code = (country or "").upper()
    return (overrides or {}).get(code) or _country_languages().get(code)


def Language(description="", default=None, staff=False):
    """A language code: any of languages.yaml for guest-facing documents, one of
    STAFF_LANGUAGES for staff documents (`staff=True`)."""
    return Enum(STAFF_LANGUAGES if staff else guest_languages(), description, default)


def Line(description="", default=None, max_len=300):
    return Str(description, default, max_len=max_len)
