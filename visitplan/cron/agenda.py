"""The agenda across visits: every visit's arrival, schedule and departure day by day, and
the clashes between visits (visitplan.rules.clashes) in the days shown."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from visitplan.rules.clashes import Clash, clashes
from visitplan.text.dates import format_date
from visitplan.text.i18n import t


@dataclass
class Entry:
    """One line of a day: an arrival, a schedule item or a departure of a visit."""

    at: dt.datetime
    visit: object
    kind: str            # arrival | departure | a schedule kind
    what: str
    where: str | None = None
    until: dt.datetime | None = None

    def as_json(self) -> dict:
        return {"at": self.at.isoformat(), "until": self.until.isoformat() if self.until
                else None, "visit": self.visit.id, "file": self.visit.label,
                "kind": self.kind, "what": self.what, "where": self.where}


@dataclass
class Agenda:
    start: dt.date
    end: dt.date
    days: dict[dt.date, list[Entry]] = field(default_factory=dict)
    clashes: list[Clash] = field(default_factory=list)

    @property
    def problems(self):
        return [c.problem for c in self.clashes]


def overlaps_range(visit, start: dt.date | None, end: dt.date | None) -> bool:
    """The stay touches the days from `start` to `end` (either may be open)."""
    return ((start is None or visit.departure.at.date() >= start)
            and (end is None or visit.arrival.at.date() <= end))


def _travel(travel) -> str:
    return " ".join(x for x in (travel.number, travel.origin or travel.destination) if x)


def entries(visit) -> list[Entry]:
    arrival, departure = visit.arrival, visit.departure
    found = [Entry(arrival.at, visit, "arrival", _travel(arrival) or visit.title,
                   arrival.place)]
    found += [Entry(item.at, visit, item.kind, item.what, item.where, item.until)
              for item in visit.schedule]
    found.append(Entry(departure.at, visit, "departure", _travel(departure) or visit.title,
                       departure.place))
    return found


def agenda(plans: list[tuple], config, start: dt.date, end: dt.date | None,
           lang_of) -> Agenda:
    """The days from `start` to `end` (default: the last departure) of the visits in
    `plans` ((visit, plan) pairs), and the clashes among all of them that fall in those
    days."""
    shown = [(v, p) for v, p in plans if overlaps_range(v, start, end)]
    if end is None:
        end = max((v.departure.at.date() for v, _ in shown), default=start)
    result = Agenda(start, end)
    for visit, _ in shown:
        for entry in entries(visit):
            if start <= entry.at.date() <= end:
                result.days.setdefault(entry.at.date(), []).append(entry)
    for day in result.days.values():
        day.sort(key=lambda e: (e.at, e.visit.id))
    result.days = dict(sorted(result.days.items()))
    result.clashes = [c for c in clashes(plans, config, lang_of) if start <= c.day <= end]
    return result


def kind_label(kind: str, lang: str) -> str:
    return t(f"doc.it.{kind}" if kind in ("arrival", "departure") else f"kind.{kind}", lang)


def agenda_text(result: Agenda, lang: str) -> str:
    """The agenda as the terminal shows it: a heading per day, a line per entry."""
    if not result.days:
        return t("agenda.none", lang, start=result.start.isoformat(),
                 end=result.end.isoformat()) + "\n"
    lines = []
    for day, day_entries in result.days.items():
        lines.append(t("agenda.day", lang, date=day.isoformat(),
                       weekday=format_date(day, lang, "weekday")))
        for e in day_entries:
            time = f"{e.at:%H:%M}" + (f"–{e.until:%H:%M}" if e.until else "")
            lines.append(t("agenda.entry" if e.where else "agenda.entry_nowhere", lang,
                           time=time, kind=kind_label(e.kind, lang), what=e.what,
                           where=e.where or "", visit=e.visit.id))
        lines.append("")
    if result.clashes:
        lines.append(t("agenda.clashes", lang, n=len(result.clashes)))
    return "\n".join(lines).rstrip("\n") + "\n"


def agenda_json(result: Agenda, problem_json) -> dict:
    return {"from": result.start.isoformat(), "to": result.end.isoformat(),
            "days": [{"date": day.isoformat(), "entries": [e.as_json() for e in es]}
                     for day, es in result.days.items()],
            "clashes": [problem_json(c.problem) for c in result.clashes]}
