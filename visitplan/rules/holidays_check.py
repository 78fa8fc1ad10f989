"""Public holidays and the Islamic calendar around a stay.

Holidays come from the `holidays` package (the country's own calendar, names in the staff
language where the package has them); Ramadan and the two Eids come from `hijridate`
(the Umm al-Qura calendar). Both are imported inside the functions that need them.

A country's holiday days are grouped into spans: consecutive days, bridged over weekend
days (the country's own weekend, not its make-up working days), so a Saturday between
Friday's Chuseok and Monday's alternative holiday belongs to the same span. Where the
package lists only part of a period the whole country stops for (China's National Day
Golden Week and Spring Festival holiday), the period is filled in from the package's own
anchor date.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from visitplan.text.i18n import t

DAY = dt.timedelta(days=1)

# Periods the package lists only in part: (country, the package's English name of the
# holiday that starts it, first day, last day relative to its first date, wording key,
# the package's names the period stands for). National Day Golden Week is 1-7 October;
# the Spring Festival holiday runs from New Year's Eve to the seventh day of the first
# month (初七), when offices reopen.
PERIODS = (
    ("CN", "National Day", 0, 6, "advice.period.cn_golden_week", ("National Day",)),
    ("CN", "Chinese New Year (Spring Festival)", -1, 6, "advice.period.cn_spring_festival",
     ("Chinese New Year (Spring Festival)", "Chinese New Year's Eve")),
)

# the package's locale for each staff language
_LOCALES = {"en": "en_US", "zh": "zh_CN", "ko": "ko"}
_MARKERS = re.compile(r"\s*\((?:observed|estimated)(?:,\s*(?:observed|estimated))*\)",
                      re.IGNORECASE)
_SUBSTITUTE = re.compile(r"^Day off \(substituted from", re.IGNORECASE)
_MAX_BRIDGE = 3   # at most this many weekend days join two holiday days into one span


@dataclass(frozen=True)
class Name:
    en: str          # the package's English name (used to group and recognise holidays)
    local: str       # the same name in the staff language, or English


@dataclass
class Span:
    """A country's holiday period: first and last day and the names it goes by."""

    country: str
    start: dt.date
    end: dt.date
    names: list[Name] = field(default_factory=list)

    def touches(self, first: dt.date, last: dt.date) -> bool:
        return self.start <= last and first <= self.end

    def mentions(self, word: str) -> bool:
        return any(word.lower() in n.en.lower() for n in self.names)


@dataclass(frozen=True)
class HijriSpan:
    """Ramadan or an Eid in one Hijri year, in Gregorian dates (both ends included)."""

    key: str          # ramadan | fitr | adha
    hijri_year: int
    start: dt.date
    end: dt.date

    def days_within(self, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date] | None:
        lo, hi = max(first, self.start), min(last, self.end)
        return (lo, hi) if lo <= hi else None


def stay_days(visit) -> tuple[dt.date, dt.date]:
    """First and last day of the stay, in the visit's time zone."""
    return (visit.arrival.at.astimezone(visit.tz).date(),
            visit.departure.at.astimezone(visit.tz).date())


def days(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += DAY

# ---------------------------------------------------------------- public holidays


def _calendar(country: str, years: list[int], language: str | None):
    import holidays

    return holidays.country_holidays(country, years=years, language=language)


def _locale(supported, lang: str) -> str | None:
    wanted = _LOCALES.get(lang, "en_US")
    if wanted in supported:
        return wanted
    return "en_US" if "en_US" in supported else None


def calendar_days(country: str, years, lang: str = "en"):
    """{day: [Name, ...]} of a country's public holidays in the given years, with its
    weekend weekdays and make-up working days; None when the package has no calendar
    for the country. Cached: a folder of visits asks for the same calendars again."""
    return _calendar_days(country, tuple(sorted(set(years))), lang)


@functools.lru_cache(maxsize=128)
def _calendar_days(country: str, years: tuple[int, ...], lang: str):
    try:
        base = _calendar(country, years, None)
    except NotImplementedError:
        return None
    supported = tuple(getattr(base, "supported_languages", ()) or ())
    made = {}   # language=None follows the process locale, so it is not reused

    def in_language(code):
        if not supported:
            return base
        if code not in made:
            made[code] = _calendar(country, years, code)
        return made[code]

    en, local = in_language(_locale(supported, "en")), in_language(_locale(supported, lang))
    table = {day: _pair(en.get_list(day), local.get_list(day)) for day in sorted(en)}
    alone = {n.en: n.local for names in table.values() if len(names) == 1 for n in names}
    for day, names in table.items():
        if len(names) > 1:
            table[day] = _pair(en.get_list(day), local.get_list(day), alone)
    weekend = set(getattr(base, "weekend", {5, 6}) or ())
    workdays = set(getattr(base, "weekend_workdays", ()) or ())
    return table, weekend, workdays


def _pair(en_names: list[str], local_names: list[str], alone=None) -> list[Name]:
    """Pair a day's English names with its local ones. The package sorts the names of a
    day with several holidays in each language's own order, so those are paired through
    the days where a holiday stands alone; a name never seen alone stays in English
    unless it is the only one left."""
    if len(en_names) == 1 and len(local_names) == 1:
        return [Name(en_names[0], local_names[0])]
    alone = alone or {}
    left = [n for n in local_names if n not in {alone.get(e) for e in en_names}]
    pairs = []
    for name in en_names:
        if name in alone and alone[name] in local_names:
            pairs.append(Name(name, alone[name]))
        elif len(left) == 1 and sum(e not in alone for e in en_names) == 1:
            pairs.append(Name(name, left[0]))
        else:
            pairs.append(Name(name, name))
    return pairs


def _periods(country: str, table: dict, lang: str) -> dict[dt.date, tuple[Name, tuple]]:
    """The days of the periods the package lists only in part: our name for the period and
    the package's names it stands for."""
    filled = {}
    for where, anchor, first, last, key, absorbs in PERIODS:
        if where != country:
            continue
        starts = {}
        for day in sorted(table):
            if any(_MARKERS.sub("", n.en) == anchor for n in table[day]):
                starts.setdefault(day.year, day)
        for start in starts.values():
            name = Name(t(key, "en"), t(key, lang))
            for day in days(start + first * DAY, start + last * DAY):
                filled[day] = (name, absorbs)
    return filled


def _bridged(prev: dt.date, day: dt.date, weekend: set, workdays: set) -> bool:
    gap = [prev + i * DAY for i in range(1, (day - prev).days)]
    return len(gap) <= _MAX_BRIDGE and all(d.weekday() in weekend and d not in workdays
                                           for d in gap)


def _span_names(run: list[dt.date], table: dict, periods: dict) -> list[Name]:
    """The names of a span: a period's own name first (for the holidays it stands for),
    then the package's names, each once ("Chuseok" stands for "The day preceding
    Chuseok" and "Chuseok (observed)"); substitute days off go by the holiday they
    belong to."""
    period_names = list(dict.fromkeys(periods[d][0] for d in run if d in periods))
    names = list(dict.fromkeys(
        n for d in run for n in table.get(d, [])
        if not (d in periods and _MARKERS.sub("", n.en) in periods[d][1])))
    real = [n for n in names if not _SUBSTITUTE.match(n.en)]
    names = real if (real or period_names) else names
    keys = [_MARKERS.sub("", n.en).lower() for n in names]
    kept, seen = [], set()
    for i, name in enumerate(names):
        key = keys[i]
        if key in seen or any(other != key and other in key for other in keys):
            continue
        seen.add(key)
        kept.append(name)
    return period_names + kept


def holiday_spans(country: str, first: dt.date, last: dt.date, lang: str = "en") -> list[Span]:
    """A country's holiday spans that touch the days first..last (both included)."""
    years = list(range(first.year - 1, last.year + 2))
    found = calendar_days(country, years, lang)
    if found is None:
        return []
    table, weekend, workdays = found
    periods = _periods(country, table, lang)
    all_days = sorted(set(table) | set(periods))
    runs: list[list[dt.date]] = []
    for day in all_days:
        if runs and _bridged(runs[-1][-1], day, weekend, workdays):
            runs[-1].append(day)
        else:
            runs.append([day])
    spans = []
    for run in runs:
        if run[0] <= last and first <= run[-1]:
            spans.append(Span(country, run[0], run[-1], _span_names(run, table, periods)))
    return spans


# ---------------------------------------------------------------- Hijri calendar

# (key, Hijri month, first day, number of days; None = to the end of the month)
_HIJRI = (("ramadan", 9, 1, None), ("fitr", 10, 1, 3), ("adha", 12, 10, 4))


def hijri_spans(first: dt.date, last: dt.date) -> list[HijriSpan]:
    """Ramadan, Eid al-Fitr (1-3 Shawwal) and Eid al-Adha (10-13 Dhu al-Hijjah) that touch
    first..last, by the Umm al-Qura calendar. Outside the years it covers (1924-2077):
    none."""
    from hijridate import Gregorian, Hijri

    try:
        years = range(Gregorian.fromdate(first).to_hijri().year - 1,
                      Gregorian.fromdate(last).to_hijri().year + 2)
    except OverflowError:
        return []
    spans = []
    for year in years:
        for key, month, day, length in _HIJRI:
            try:
                start_h = Hijri(year, month, day)
                g = start_h.to_gregorian()
                start = dt.date(g.year, g.month, g.day)
                count = length or start_h.month_length() - day + 1
            except OverflowError:
                continue
            span = HijriSpan(key, year, start, start + (count - 1) * DAY)
            if span.days_within(first, last):
                spans.append(span)
    return spans


# ---------------------------------------------------------------- working days

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class WorkCalendar:
    """The host's working days: the work week, less the public holidays of a country,
    plus that country's make-up working days (China's 调休: a Saturday or Sunday worked
    in exchange for a bridge day off). `country` None means no holiday calendar."""

    work_week: tuple[str, ...] = _WEEKDAYS[:5]
    country: str | None = None

    def _year(self, year: int) -> tuple[frozenset, frozenset]:
        return _days_off(self.country, year)

    def is_working(self, day: dt.date) -> bool:
        off, worked = self._year(day.year)
        if day in off:
            return False
        return _WEEKDAYS[day.weekday()] in self.work_week or day in worked

    def previous_working(self, day: dt.date) -> dt.date:
        """The day itself when it is a working day, else the last working day before it."""
        return self._step(day, -1)

    def next_working(self, day: dt.date) -> dt.date:
        """The day itself when it is a working day, else the first working day after it."""
        return self._step(day, 1)

    def _step(self, day: dt.date, direction: int) -> dt.date:
        for _ in range(400):       # a year without a working day is a configuration error
            if self.is_working(day):
                return day
            day += direction * DAY
        raise ValueError("no working day within a year: check work_week and holidays")


@functools.lru_cache(maxsize=64)
def _days_off(country: str | None, year: int) -> tuple[frozenset, frozenset]:
    """(public holidays, make-up working days) of a country in one year; empty sets for
    no country or a country the `holidays` package does not know."""
    if not country:
        return frozenset(), frozenset()
    try:
        cal = _calendar(country, [year], None)
    except NotImplementedError:
        return frozenset(), frozenset()
    worked = {d for d in (getattr(cal, "weekend_workdays", ()) or ()) if d.year == year}
    return frozenset(d for d in cal if d.year == year), frozenset(worked)
