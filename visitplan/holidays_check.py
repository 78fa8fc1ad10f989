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
import re
from dataclasses import dataclass, field

DAY = dt.timedelta(days=1)

# Periods the package lists only in part: (country, the package's English name of the
# holiday that starts it, first day, last day relative to its first date, wording key).
# National Day Golden Week is 1-7 October; the Spring Festival holiday runs from New
# Year's Eve to the seventh day of the first month (初七), when offices reopen.
PERIODS = (
    ("CN", "National Day", 0, 6, "advice.period.cn_golden_week"),
    ("CN", "Chinese New Year (Spring Festival)", -1, 6, "advice.period.cn_spring_festival"),
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


def calendar_days(country: str, years: list[int], lang: str = "en"):
    """{day: [Name, ...]} of a country's public holidays in the given years, with its
    weekend weekdays and make-up working days; None when the package has no calendar
    for the country."""
    try:
        base = _calendar(country, years, None)
    except NotImplementedError:
        return None
    supported = tuple(getattr(base, "supported_languages", ()) or ())
    en = _calendar(country, years, _locale(supported, "en")) if supported else base
    local = _calendar(country, years, _locale(supported, lang)) if supported else base
    table = {}
    for day in sorted(en):
        en_names = en.get_list(day)
        local_names = local.get_list(day)
        if len(local_names) != len(en_names):
            local_names = en_names
        table[day] = [Name(e, loc) for e, loc in zip(en_names, local_names)]
    weekend = set(getattr(base, "weekend", {5, 6}) or ())
    workdays = set(getattr(base, "weekend_workdays", ()) or ())
    return table, weekend, workdays


def _periods(country: str, table: dict, lang: str) -> dict[dt.date, Name]:
    """The days of the periods the package lists only in part, named by us."""
    from visitplan.i18n import t

    filled = {}
    for where, anchor, first, last, key in PERIODS:
        if where != country:
            continue
        starts = {}
        for day in sorted(table):
            if any(_MARKERS.sub("", n.en) == anchor for n in table[day]):
                starts.setdefault(day.year, day)
        for start in starts.values():
            name = Name(t(key, "en"), t(key, lang))
            for day in days(start + first * DAY, start + last * DAY):
                filled[day] = name
    return filled


def _bridged(prev: dt.date, day: dt.date, weekend: set, workdays: set) -> bool:
    gap = [prev + i * DAY for i in range(1, (day - prev).days)]
    return len(gap) <= _MAX_BRIDGE and all(d.weekday() in weekend and d not in workdays
                                           for d in gap)


def _span_names(run: list[dt.date], table: dict, periods: dict) -> list[Name]:
    period_names = list(dict.fromkeys(periods[d] for d in run if d in periods))
    if period_names:
        return period_names
    names = list(dict.fromkeys(n for d in run for n in table.get(d, [])))
    real = [n for n in names if not _SUBSTITUTE.match(n.en)]
    names = real or names
    keys = [_MARKERS.sub("", n.en).lower() for n in names]
    kept, seen = [], set()
    for i, name in enumerate(names):
        key = keys[i]
        # "Chuseok" stands for "The day preceding Chuseok" and "Chuseok (observed)"
        if key in seen or any(other != key and other in key for other in keys):
            continue
        seen.add(key)
        kept.append(name)
    return kept


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


def lists_near(country: str, word: str, start: dt.date, end: dt.date, slack: int = 2) -> bool:
    """True when the country's calendar has a holiday whose English name contains `word`
    within `slack` days of start..end (used to tell whether it already keeps an Eid)."""
    found = calendar_days(country, sorted({start.year - 1, start.year, end.year}), "en")
    if found is None:
        return False
    table = found[0]
    return any(word.lower() in n.en.lower() for d in days(start - slack * DAY,
                                                            end + slack * DAY)
               for n in table.get(d, []))

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
