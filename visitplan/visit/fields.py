"""Field checks shared by the visit and configuration schemas."""
from __future__ import annotations

import functools
import re
from email.utils import parseaddr
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


def check_mailbox(text: str) -> str:
    """`Name <addr@example.com>` or a bare address."""
    if "\r" in text or "\n" in text:
        raise ValueError("a sender may not contain a line break")
    name, addr = parseaddr(text)
    if not addr:
        raise ValueError(f"{text!r} is not an address like 'Name <name@example.com>'")
    check_email(addr)
    return text


@functools.cache
def check_domain(text: str) -> str:
    """A mail domain such as brightway.example (letters, digits, hyphens, dots)."""
    import re

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
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def check_timezone(text: str):
    import zoneinfo

    if text in _zones():
        return text
    try:
        zoneinfo.ZoneInfo(text)
        return text
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{text!r} is not an IANA time zone (like Asia/Shanghai)"
                         + did_you_mean(text, sorted(_zones()))) from None


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


def Language(description="", default=None, staff=False):
    """A language code: any of languages.yaml for guest-facing documents, one of
    STAFF_LANGUAGES for staff documents (`staff=True`)."""
    return Enum(STAFF_LANGUAGES if staff else guest_languages(), description, default)


def Line(description="", default=None, max_len=300):
    return Str(description, default, max_len=max_len)
