"""The staff checklist: its context (the guests in order of seniority, the profiles that
apply, the guests' needs (篇4), seasonal notes, etiquette by topic, and every task grouped
by place and department with its due time and tick). Rendered by templates/checklist.html
and checklist.md, in the staff language.
"""
from __future__ import annotations

import datetime as dt

from visitplan.documents.context import (Joined, comma, country_name, day, days, diet_label,
                                         guest, host, language_name, localized, moment,
                                         pack_title, seniority, source,
                                         staff_name, text, travel_line)
from visitplan.documents.render import Phrase, strong
from visitplan.rules.advice import extra_notes, late_tasks
from visitplan.rules.engine import TOPICS
from visitplan.text.dates import home_zone, parse_timestamp
from visitplan.text.i18n import language, t
from visitplan.visit.config import DEPARTMENTS

PLACE_GROUPS = (("pickup", ("pickup",)), ("company", ("company", "showroom")),
                ("factory", ("factory",)), ("followup", ("followup",)))
NEED_TOPICS = ("information", "environment", "emotional")


def _jet_lag(visit, lang: str) -> list[Phrase]:
    """One line per guest country whose clock is 3 hours or more from the visit's."""
    out = []
    for country in dict.fromkeys(g.country for g in visit.guests):
        zone = home_zone(country, visit.arrival.at)
        if zone is None:
            continue
        hours = (visit.arrival.at.astimezone(zone).utcoffset()
                 - visit.arrival.at.utcoffset()).total_seconds() / 3600
        if abs(hours) >= 3:
            out.append(Phrase("doc.need.time_difference", lang,
                              country=country_name(country, lang), hours=f"{abs(hours):g}"))
    return out


def _ours(person, country: str, lang: str):
    """One of the host's people as the staff read the name: as written in Chinese; in a
    language read in other letters the Latin spelling first (Li Wei (李伟))."""
    if language(lang).script == "han":
        return text(person.name, country)
    return staff_name(person, country, lang)


def needs(visit, plan, lang: str) -> list[dict]:
    """篇4: the guest's information, environment and emotional needs, from the visit itself
    and from the profile notes on those topics."""
    h = visit.host
    derived = {topic: [] for topic in NEED_TOPICS}
    info, env, emo = derived["information"], derived["environment"], derived["emotional"]
    info.append(Phrase("doc.need.language", lang,
                       language=language_name(visit.language, lang)))
    if visit.purpose:
        info.append(Phrase("doc.need.purpose", lang, purpose=text(visit.purpose)))
    if visit.arrival.pickup:
        info.append(Phrase("doc.need.pickup", lang, name=_ours(h.contact, h.country, lang),
                           travel=travel_line(visit.arrival, lang, True),
                           place=text(visit.arrival.place or "", h.country),
                           when=moment(visit.arrival.at, lang)))
    if visit.hotel is not None:
        key = "doc.need.hotel_host" if visit.hotel.booked_by == "host" else "doc.need.hotel"
        env.append(Phrase(key, lang, hotel=text(visit.hotel.name, h.country)))
    for g in visit.guests:
        if g.diet:
            env.append(Phrase("doc.need.diet", lang, name=text(g.name, g.country),
                              diet=t("doc.list_sep", lang).join(diet_label(d, lang)
                                                                for d in g.diet)))
    env.extend(_jet_lag(visit, lang))
    senior = next((g for g in visit.guests if g.senior), None)
    if senior is not None:
        leader = _ours(h.leader, h.country, lang) if h.leader else t("department.leader", lang)
        if senior.title:
            emo.append(Phrase("doc.need.senior", lang, name=text(senior.name, senior.country),
                              title=text(senior.title, senior.country), leader=leader))
        else:
            emo.append(Phrase("doc.need.senior_untitled", lang,
                              name=text(senior.name, senior.country), leader=leader))
    for g in visit.guests:
        if g.vip:
            emo.append(Phrase("doc.need.vip", lang, name=text(g.name, g.country)))
    if visit.arrival.origin:
        emo.append(Phrase("doc.need.journey", lang, origin=text(visit.arrival.origin)))
    out = []
    for topic in NEED_TOPICS:
        notes = [{"text": text(localized(n.text, lang), code=True),
                  "profile": pack_title(plan, n.profile, lang)}
                 for n in plan.notes if n.topic == topic]
        out.append({"topic": topic, "label": t(f"topic.{topic}", lang),
                    "derived": derived[topic], "notes": notes})
    return out


def seasonal(visit, plan, today: dt.date, lang: str) -> list[dict]:
    """Notes that depend on the visit's dates (Ramadan for guests who eat halal), from
    visitplan.rules.advice.extra_notes."""
    return [{"topic": t(f"topic.{note.topic}", lang),
             "text": text(localized(note.text, lang), code=True),
             "profile": pack_title(plan, note.profile, lang)}
            for note in extra_notes(visit, today)]


def _task(task, plan, lang: str, late: set, ticks: dict) -> dict:
    done = ticks.get(task.id)
    when = parse_timestamp(done[1]) if done else None
    done_at = None
    if done:
        done_at = moment(when, lang) if when else done[1]
    return {
        "id": task.id, "text": text(task.text_in(lang), code=True),
        "due": moment(task.due, lang, "long"),
        "department": t(f"department.{task.department}", lang),
        "profile": pack_title(plan, task.profile, lang),
        # a duty several profiles ask for (visitplan.rules.duties) names all of them
        "profiles": Joined([pack_title(plan, name, lang)
                            for name in (task.sources or [task.profile])],
                           t("doc.list_sep", lang)),
        "urgent": task.id in late and not done, "done": bool(done),
        "done_by": done[0] if done else None, "done_at": done_at,
    }


def _group_label(group: str, visit, lang: str) -> str:
    """A place group's heading; the pickup's by how the guests come: 接机 for a flight,
    接站 for a train, 接车 for a car."""
    if group == "pickup" and visit.arrival.by in ("flight", "train", "car"):
        return t(f"doc.group.pickup.{visit.arrival.by}", lang)
    return t(f"doc.group.{group}", lang)


def _host(visit, lang: str) -> dict:
    """The host with each person's line as the brief prints it: 李伟，Sales Manager，电话
    in Chinese; in a language read in other letters the Latin name first, as the guests
    read it too (Li Wei (李伟), Sales Manager, phone)."""
    out = host(visit)
    h = visit.host
    for who in ("contact", "leader"):
        person = out[who]
        if person is not None:
            name = _ours(getattr(h, who), h.country, lang)
            person["line"] = comma([name, person["role"],
                                    person["phone"] if who == "contact" else None], lang)
    return out


def checklist_context(visit, plan, lang: str, today: dt.date, ticks: dict) -> dict:
    """Everything checklist.html / checklist.md print, in `lang`, as of `today`; `ticks`
    maps task id → (who, when) from the state store."""
    late = {task.id for task in late_tasks(plan, today)}
    groups = []
    for group, places in PLACE_GROUPS:
        tasks = [task for task in plan.tasks if task.place in places]
        if not tasks:
            continue
        departments = []
        for dept in DEPARTMENTS:
            mine = sorted((task for task in tasks if task.department == dept),
                          key=lambda task: (task.due, task.id))
            if mine:
                departments.append({"label": t(f"department.{dept}", lang),
                                    "tasks": [_task(task, plan, lang, late, ticks)
                                              for task in mine]})
        groups.append({"label": _group_label(group, visit, lang), "departments": departments,
                       "count": len(tasks)})
    etiquette = []
    for topic in (topic for topic in TOPICS if topic not in NEED_TOPICS):
        notes = [{"text": text(localized(n.text, lang), code=True),
                  "profile": pack_title(plan, n.profile, lang)}
                 for n in plan.notes if n.topic == topic]
        if notes:
            etiquette.append({"label": t(f"topic.{topic}", lang), "notes": notes})
    guests = []
    for rank, g in enumerate(seniority(visit), 1):
        entry = guest(g)
        entry.update(rank=rank, country_name=country_name(g.country, lang),
                     diet=[diet_label(d, lang) for d in g.diet])
        badges = [t("doc.ck.senior", lang)] if g.senior else []
        badges += ["VIP"] if g.vip else []
        name = strong(entry["name"])
        if badges:
            name = Phrase("doc.aside", lang, text=name,
                          aside=Joined(badges, t("doc.list_sep", lang)))
        entry["line"] = comma([name, entry["name_latin"]], lang)
        entry["work"] = comma([entry["title"], entry["company"]], lang)
        guests.append(entry)
    arrival = visit.arrival.at.astimezone(visit.tz).date()
    departure = visit.departure.at.astimezone(visit.tz).date()
    return {
        "kind": "checklist", "lang": lang, "title": text(visit.title),
        "purpose": text(visit.purpose), "dates": days(arrival, departure, lang),
        "printed": day(today, lang, "long"), "host": _host(visit, lang), "guests": guests,
        "profiles": [{"title": text(localized(p.title, lang)),
                      "summary": text(localized(p.summary, lang), code=True),
                      "source": source(p.source, lang)} for p in plan.profiles],
        "etiquette": etiquette, "needs": needs(visit, plan, lang),
        "extra": seasonal(visit, plan, today, lang), "groups": groups,
        "late": sum(1 for g in groups for d in g["departments"] for x in d["tasks"]
                    if x["urgent"]),
        "total": len(plan.tasks), "done": sum(1 for task in plan.tasks if task.id in ticks),
    }
