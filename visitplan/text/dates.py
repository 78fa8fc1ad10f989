"""Dates and times as every document prints them, in zh, en or ko (Babel, imported lazily).

    long      2026년 12월 8일(화) · 2026年12月8日 星期二 · Tue 8 Dec 2026
    short     12월 8일(화) · 12月8日 星期二 · Tue 8 Dec
    weekday   화 · 星期二 · Tue (the one weekday form the other styles use)
    time      10:35 (24-hour in every language: an itinerary is read against timetables)

The CLDR patterns live in visitplan/text/locales/<lang>.yaml (`doc.date.*`), so a translator
can change them without touching code; ranges take the language's own dash (Korean `~`).
Also: the time zone of a guest's home country, and its name in a language, for "home
time" beside arrival and departure.
"""
from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

from visitplan.text.i18n import babel_locale, strings, t

STYLES = ("long", "short", "weekday", "time")

# Countries with several IANA zones whose offsets differ, but one legal time for everyone
# (China's is Beijing time; Asia/Urumqi is only the unofficial Xinjiang time).
_NATIONAL_ZONE = {"CN": "Asia/Shanghai"}


def _locale(lang: str) -> str:
    return babel_locale(lang)


def _pattern(style: str, lang: str) -> str:
    return t(f"doc.date.{style}", lang)


def format_date(day: dt.date, lang: str, style: str = "long") -> str:
    """A date in `lang`: style long, short or weekday (see the module docstring)."""
    from babel.dates import format_date as babel_date

    if isinstance(day, dt.datetime):
        day = day.date()
    return babel_date(day, _pattern(style, lang), locale=_locale(lang))


def format_time(moment: dt.datetime | dt.time, lang: str) -> str:
    """A time of day, 24-hour: 10:35."""
    from babel.dates import format_time as babel_time

    when = moment.time() if isinstance(moment, dt.datetime) else moment
    return babel_time(when, _pattern("time", lang), locale=_locale(lang))


def format_datetime(moment: dt.datetime, lang: str, style: str = "long") -> str:
    """Date and time: 2026년 12월 8일(화) 10:35, 12月8日 星期二 10:35, Tue 8 Dec, 10:35."""
    return t("doc.date.datetime", lang, date=format_date(moment, lang, style),
             time=format_time(moment, lang))


def date_range(start: dt.date, end: dt.date, lang: str) -> str:
    """The days of a visit: 2026년 12월 8일(화) ~ 12월 10일(목), Tue 8 Dec – Thu 10 Dec 2026."""
    if isinstance(start, dt.datetime):
        start = start.date()
    if isinstance(end, dt.datetime):
        end = end.date()
    if start == end:
        return format_date(start, lang, "long")
    key = "doc.date.range_same_year" if start.year == end.year else "doc.date.range"
    return t(key, lang, long_start=format_date(start, lang, "long"),
             short_start=format_date(start, lang, "short"),
             long_end=format_date(end, lang, "long"),
             short_end=format_date(end, lang, "short"))


def parse_timestamp(text: str) -> dt.datetime | None:
    """An ISO 8601 timestamp as the state store writes it, or None when unreadable."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment


@functools.cache
def _territory_zones() -> dict[str, list[str]]:
    from babel.core import get_global

    return dict(get_global("territory_zones"))


def home_zone(country: str, at: dt.datetime) -> ZoneInfo | None:
    """The time zone of `country` at the moment `at`, or None when the country spans zones
    with different clocks then (the United States, Russia …) and no single home time
    exists, or when it is unknown."""
    country = (country or "").upper()
    if country in _NATIONAL_ZONE:
        return ZoneInfo(_NATIONAL_ZONE[country])
    names = _territory_zones().get(country, [])
    zones = []
    for name in names:
        try:
            zones.append(ZoneInfo(name))
        except (KeyError, ValueError):
            continue
    if not zones:
        return None
    offsets = {at.astimezone(zone).utcoffset() for zone in zones}
    return zones[0] if len(offsets) == 1 else None


def home_name(country: str, lang: str) -> str:
    """How a reader names a country's clock: the locale file's `zone.<country>` where the
    language has one (한국 시간, 韩国时间, Korea time: CLDR's 대한민국 시간 and South Korea
    Time are not what people say), else CLDR's region format (德国时间, Germany Time)."""
    from babel import Locale

    own = strings().get(f"zone.{country.upper()}", {}).get(lang)
    if own:
        return own
    locale = Locale.parse(_locale(lang))
    territory = locale.territories.get(country.upper(), country.upper())
    return locale.zone_formats["region"] % territory
