"""Warnings about what a host would forget, and the notes they add to the staff brief.

`advise` returns Problems with severity "warning", each made with `visit.problem` so it
prints as FILE:LINE:COL: warning: field: message and says what to do:

- names: a Hangul or Chinese name without `name_latin` (the loader derives one, see
  `derived_name_latin`; the warning asks the host to confirm it), or one that cannot be
  derived;
- schedule: items that overlap, and items outside office hours (meals, transfers and free
  time are exempt: a welcome dinner in the evening is normal); an item outside the stay,
  even in part, is already an error of the model;
- travel: a pickup from a flight or train without its number, a stay of more than one
  night without a hotel, a follow-up with nobody to send it to;
- holidays in the host's country and each guest's country on any day of the stay;
- for guests who eat halal, Ramadan (and meals in its daylight hours) and the Eids;
- late planning: tasks due before today that are not ticked.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from visitplan.errors import Problem
from visitplan.text.i18n import babel_locale

OFFICE_HOURS_EXEMPT = ("meal", "transfer", "free")
# A name in Chinese characters from these places is not usually spelt in Hanyu Pinyin in
# the passport (Japanese and Korean readings; Wade-Giles, Cantonese and dialect spellings).
NOT_PINYIN = frozenset({"JP", "KR", "KP", "TW", "HK", "MO", "SG", "MY"})
# a meal starting in this window falls in the fast (after dawn, before sunset) almost
# anywhere people live, in any season; later meals may be an iftar and are left alone
DAYLIGHT = (dt.time(7, 0), dt.time(15, 0))
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
           "Dec")


def advise(visit, plan, today: dt.date, config, lang: str = "en",
           ticked: set[str] | None = None) -> list[Problem]:
    """Every warning for a visit, in the order of the lines they point at. `ticked` is the
    set of task ids already done; by default it is read from the state store (when one
    exists)."""
    if ticked is None:
        ticked = ticked_tasks(visit, config)
    found: list[Problem] = []
    found += name_warnings(visit, lang)
    found += schedule_warnings(visit, config, lang)
    found += travel_warnings(visit, lang)
    found += holiday_warnings(visit, lang)
    found += islamic_calendar_warnings(visit, lang)
    found += late_planning(visit, plan, today, lang, ticked)
    return sorted(found, key=lambda p: (p.line, p.col))


def _t(key, lang, **values):
    from visitplan.text.i18n import t

    return t(key, lang, **values)


def _join(items, lang):
    return _t("advice.list.join", lang).join(items)


def _range(start: dt.date, end: dt.date, lang: str) -> str:
    if start == end:
        return start.isoformat()
    return _t("advice.dates.range", lang, start=start.isoformat(), end=end.isoformat())


def _long_range(start: dt.date, end: dt.date, lang: str) -> str:
    from babel.dates import format_date

    first = format_date(start, "long", locale=babel_locale(lang))
    if start == end:
        return first
    return _t("advice.dates.range", lang, start=first,
              end=format_date(end, "long", locale=babel_locale(lang)))


def _day_month(day: dt.date, lang: str) -> str:
    return _t("advice.date.day_month", lang, day=day.day, month=day.month,
              mon=_MONTHS[day.month - 1])


def _country_name(code: str, lang: str) -> str:
    from babel import Locale

    return Locale.parse(babel_locale(lang)).territories.get(code, code)

# ---------------------------------------------------------------- names


def derived_name_latin(name: str, country: str) -> str | None:
    """The Latin spelling to use for a guest who gave none: Revised Romanization (with
    the usual surname spellings) for Hangul, Hanyu Pinyin for Chinese characters unless
    the guest comes from a place whose passports spell such names otherwise. None when
    no spelling can be derived."""
    from visitplan.rules.names import romanize, script_of

    script = script_of(name)
    if script == "hangul" or (script == "han" and country not in NOT_PINYIN):
        return romanize(name)
    return None


def name_warnings(visit, lang: str = "en") -> list[Problem]:
    from visitplan.rules.names import script_of

    found = []
    for guest in visit.guests:
        path = f"guests[{guest.index}].name"
        if guest.name_latin_derived:
            found.append(visit.problem(path, _t("advice.name.derived", lang,
                                                latin=guest.name_latin)))
        elif not guest.name_latin and script_of(guest.name) != "latin":
            if script_of(guest.name) == "han" and guest.country in NOT_PINYIN:
                found.append(visit.problem(path, _t(
                    "advice.name.missing_han", lang,
                    country=_country_name(guest.country, lang))))
            else:
                found.append(visit.problem(path, _t("advice.name.missing", lang)))
    return found

# ---------------------------------------------------------------- schedule


def _end(item) -> dt.datetime:
    return item.until or item.at


def _span(item) -> str:
    start = item.at.strftime("%Y-%m-%d %H:%M")
    if item.until is None:
        return start
    if item.until.date() == item.at.date():
        return f"{start}–{item.until:%H:%M}"
    return f"{start}–{item.until:%Y-%m-%d %H:%M}"


def overlaps(a, b) -> bool:
    """Two schedule items share time. An item without `until` is a moment: it overlaps an
    item it falls strictly inside, or one that starts at the same minute."""
    if a.at == b.at:
        return True
    return a.at < _end(b) and b.at < _end(a)


def _clock(text: str) -> dt.time:
    hour, minute = (int(x) for x in text.split(":"))
    return dt.time(hour, minute)


def outside_office_hours(item, start: dt.time, end: dt.time) -> bool:
    finish = _end(item)
    return (item.at.time() < start or finish.time() > end
            or finish.date() != item.at.date())


def schedule_warnings(visit, config=None, lang: str = "en") -> list[Problem]:
    found = []
    items = visit.schedule
    for j, later in enumerate(items):
        for earlier in items[:j]:
            if overlaps(earlier, later):
                found.append(visit.problem(f"schedule[{later.index}].at", _t(
                    "advice.overlap", lang, what=later.what, span=_span(later),
                    other=earlier.what, other_span=_span(earlier))))
    hours = getattr(config, "office_hours", None) or {}
    start_text, end_text = hours.get("start", "08:00"), hours.get("end", "19:00")
    start, end = _clock(start_text), _clock(end_text)
    for item in items:
        if item.kind not in OFFICE_HOURS_EXEMPT and outside_office_hours(item, start, end):
            found.append(visit.problem(f"schedule[{item.index}].at", _t(
                "advice.office_hours", lang, what=item.what, span=_span(item),
                start=start_text, end=end_text)))
    return found

# ---------------------------------------------------------------- travel, hotel, follow-up


def nights(visit) -> int:
    from visitplan.rules.holidays_check import stay_days

    first, last = stay_days(visit)
    return (last - first).days


def travel_warnings(visit, lang: str = "en") -> list[Problem]:
    found = []
    arrival = visit.arrival
    if arrival.pickup and arrival.by in ("flight", "train") and not arrival.number:
        found.append(visit.problem("arrival.number", _t(
            "advice.pickup_number", lang, mode=_t(f"advice.mode.{arrival.by}", lang))))
    stay = nights(visit)
    if stay > 1 and visit.hotel is None:
        found.append(visit.problem("hotel", _t("advice.no_hotel", lang, nights=stay)))
    if visit.followup is not None and not visit.followup.to:
        path = "followup.to" if "followup" in visit.nodes else "guests"
        found.append(visit.problem(path, _t("advice.no_email", lang)))
    return found

# ---------------------------------------------------------------- holidays


def _holiday_name(names, lang: str) -> str:
    shown = []
    for name in names:
        if lang == "en" and name.local != name.en:
            shown.append(f"{name.local} / {name.en}")
        else:
            shown.append(name.local)
    return _join(shown, lang)


def holiday_warnings(visit, lang: str = "en") -> list[Problem]:
    """Public holidays of the host's country and of each guest's country on the days of
    the stay, named in the staff language where the `holidays` package can."""
    from visitplan.rules.holidays_check import holiday_spans, stay_days

    first, last = stay_days(visit)
    host = visit.host.country
    countries = [host] + list(dict.fromkeys(g.country for g in visit.guests
                                            if g.country != host))
    found = []
    for country in countries:
        for span in holiday_spans(country, first, last, visit.staff_language):
            key = "advice.holiday.host" if country == host else "advice.holiday.guest"
            found.append(visit.problem("arrival.at", _t(
                key, lang, holiday=_holiday_name(span.names, lang), country=country,
                dates=_range(span.start, span.end, lang),
                country_name=_country_name(country, lang))))
    return found

# ---------------------------------------------------------------- Ramadan and Eid


def halal_guests(visit) -> list:
    return [g for g in visit.guests if "halal" in g.diet]


def _guest_label(guest) -> str:
    return guest.name_latin or guest.name


def islamic_calendar_warnings(visit, lang: str = "en") -> list[Problem]:
    """For guests who eat halal: the stay in Ramadan, meals in its daylight hours, and an
    Eid their own country's calendar does not already give a holiday warning for."""
    from visitplan.rules.holidays_check import hijri_spans, holiday_spans, stay_days

    halal = halal_guests(visit)
    if not halal:
        return []
    first, last = stay_days(visit)
    found = []
    for span in hijri_spans(first, last):
        if span.key == "ramadan":
            found += _ramadan(visit, span, first, last, halal, lang)
            continue
        word = "Fitr" if span.key == "fitr" else "Adha"
        who = [g for g in halal if not any(s.mentions(word) for s in
                                           holiday_spans(g.country, first, last))]
        if who:
            found.append(visit.problem(f"guests[{who[0].index}].diet", _t(
                "advice.eid", lang, holiday=_t(f"advice.hijri.{span.key}", lang),
                dates=_range(span.start, span.end, lang),
                names=_join([_guest_label(g) for g in who], lang))))
    return found


def _ramadan(visit, span, first, last, halal, lang) -> list[Problem]:
    lo, hi = span.days_within(first, last)
    ramadan = _t("advice.hijri.ramadan", lang, year=span.hijri_year)
    if (lo, hi) == (first, last):
        when = _t("advice.ramadan.all", lang, ramadan=ramadan)
    else:
        when = _t("advice.ramadan.part", lang, ramadan=ramadan, dates=_range(lo, hi, lang))
    found = [visit.problem(f"guests[{halal[0].index}].diet", _t(
        "advice.ramadan", lang, when=when, dates=_range(span.start, span.end, lang)))]
    for item in visit.schedule:
        if (item.kind == "meal" and lo <= item.at.date() <= hi
                and DAYLIGHT[0] <= item.at.time() < DAYLIGHT[1]):
            found.append(visit.problem(f"schedule[{item.index}].at", _t(
                "advice.ramadan.meal", lang, what=item.what, time=f"{item.at:%H:%M}",
                date=item.at.date().isoformat())))
    return found


def extra_notes(visit, today: dt.date | None = None) -> list:
    """Notes for the staff brief that depend on the visit's dates, as
    visitplan.rules.engine.Note objects of the `halal` profile: when guests who eat halal come
    during Ramadan, one on meals (iftar, suhoor, not eating in front of them) and one on
    prayer and the day's rhythm. `today` is accepted so callers can pass the day they plan
    with; the notes depend only on the visit's dates."""
    from visitplan.rules.engine import Note
    from visitplan.rules.holidays_check import hijri_spans, stay_days
    from visitplan.visit.fields import LANGUAGES

    if not halal_guests(visit):
        return []
    first, last = stay_days(visit)
    notes = []
    for span in hijri_spans(first, last):
        if span.key != "ramadan":
            continue
        lo, hi = span.days_within(first, last)
        values = {lang: {"stay": _long_range(lo, hi, lang),
                         "ramadan": _t("advice.hijri.ramadan", lang, year=span.hijri_year),
                         "dates": _long_range(span.start, span.end, lang)}
                  for lang in LANGUAGES}
        for topic, key in (("meals", "advice.note.ramadan_meals"),
                           ("prayer", "advice.note.ramadan_prayer")):
            notes.append(Note(id=f"ramadan-{span.hijri_year}-{topic}", topic=topic,
                              text={lang: _t(key, lang, **values[lang])
                                    for lang in LANGUAGES}, profile="halal"))
    return notes

# ---------------------------------------------------------------- late planning


def ticked_tasks(visit, config) -> set[str]:
    """Ids of the visit's tasks ticked in the state store; none when there is no store yet
    (checking never creates one)."""
    path = getattr(config, "state_path", None) if config is not None else None
    if path is None or not Path(path).is_file():
        return set()
    from visitplan.cron.state import State

    with State(Path(path)) as state:
        return set(state.ticks(visit.id))


def late_tasks(plan, today: dt.date, done=()) -> list:
    """Tasks whose due day is already past on `today` (in the visit's time zone) and whose
    id is not in `done` (the ticked tasks), in due order."""
    done = set(done)
    return [task for task in plan.tasks if task.due.date() < today and task.id not in done]


def _shorten(text: str, limit: int = 60) -> str:
    text = text.strip().rstrip(".。")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(",;:，、 ") + "…"


def late_planning(visit, plan, today: dt.date, lang: str = "en", done=(),
                  shown: int = 3) -> list[Problem]:
    """One warning listing the tasks before the follow-up that were due before today and
    are not ticked, while the visit is not over."""
    if today > visit.departure.at.date():
        return []
    late = [task for task in late_tasks(plan, today, done) if task.place != "followup"]
    if not late:
        return []
    items = "; ".join(_t("advice.late.item", lang, text=_shorten(task.text_in(lang)),
                         id=task.id, date=_day_month(task.due.date(), lang))
                      for task in late[:shown])
    more = _t("advice.late.more", lang, n=len(late) - shown) if len(late) > shown else ""
    count = _t("advice.late.one" if len(late) == 1 else "advice.late.many", lang, n=len(late))
    return [visit.problem("arrival.at", _t("advice.late", lang, count=count, items=items,
                                           more=more))]
