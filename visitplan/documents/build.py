"""`prepare`: the guest's itinerary, the staff checklist and the calendar of a visit.

The itinerary speaks the guest's language, the checklist the staff's (English fills gaps in
both). Each document is a context of plain data built here, rendered by a template
(`itinerary.html` / `checklist.html` for PDF and HTML, `itinerary.md` / `checklist.md` for
Markdown: the same content), and all files are written together or not at all.
"""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from visitplan.text.dates import (date_range, format_date, format_datetime, format_time,
                             home_name, home_zone, parse_timestamp)
from visitplan.errors import InputError, RenderError
from visitplan.text.i18n import babel_locale, language, strings, t
from visitplan.documents.pdf import lang_of

FORMATS = ("pdf", "html", "md")
PLACE_GROUPS = (("pickup", ("pickup",)), ("company", ("company", "showroom")),
                ("factory", ("factory",)), ("followup", ("followup",)))
NEED_TOPICS = ("information", "environment", "emotional")


class Text(str):
    """A piece of the visit's own text with the language tag of its script (or None). In
    an HTML template it prints inside `<span lang=…>` so the right face draws it (a Korean
    name in a Chinese checklist stays in a Korean face); everywhere else it is a str."""

    lang: str | None

    def __new__(cls, value, lang: str | None = None):
        obj = super().__new__(cls, value)
        obj.lang = lang
        return obj

    def __html__(self) -> str:
        from markupsafe import Markup, escape

        if self.lang:
            return Markup('<span lang="{}">{}</span>').format(self.lang, str(self))
        return escape(str(self))


def text(value, country: str | None = None) -> Text | None:
    return None if value is None else Text(value, lang_of(value, country))


class Phrase:
    """Wording from the locales with values filled in, rendered late: as plain text (str)
    for Markdown and the calendar, as HTML whose values keep their `lang` (`__html__`)."""

    def __init__(self, key: str, lang: str, **values):
        self.key, self.lang, self.values = key, lang, values

    def __str__(self) -> str:
        return t(self.key, self.lang, **{k: str(v) for k, v in self.values.items()})

    def __html__(self) -> str:
        from markupsafe import Markup, escape

        return Markup(escape(pattern(self.key, self.lang))).format(**self.values)

    def __repr__(self):
        return f"Phrase({str(self)!r})"


def pattern(key: str, lang: str) -> str:
    from visitplan.text.i18n import strings

    texts = strings()[key]
    return texts.get(lang) or texts["en"]


def named(person, country, lang: str):
    """A person's name with the Latin spelling after it: 李伟 (Li Wei)."""
    name = text(person.name, country)
    if person.name_latin and person.name_latin != person.name:
        return Phrase("doc.name_latin", lang, name=name, latin=person.name_latin)
    return name


def _person(person, country) -> dict | None:
    if person is None:
        return None
    latin = person.name_latin if person.name_latin and person.name_latin != person.name \
        else None
    return {"name": text(person.name, country), "name_latin": latin, "role": person.role,
            "email": person.email, "phone": person.phone}


def _guest(g) -> dict:
    latin = g.name_latin if g.name_latin and g.name_latin != g.name else None
    return {"name": text(g.name, g.country), "name_latin": latin,
            "title": text(g.title, g.country), "company": text(g.company, g.country),
            "country": g.country, "senior": g.senior, "vip": g.vip, "gender": g.gender,
            "diet": list(g.diet)}


def seniority(visit) -> list:
    """Guests in the order of introductions and serving: the senior guest first (then VIPs),
    the others as listed."""
    return sorted(visit.guests, key=lambda g: (not g.senior, not g.vip, g.index))


def _host(visit) -> dict:
    host = visit.host
    local = host.company_local if host.company_local != host.company else None
    return {"company": text(host.company, host.country),
            "company_local": text(local, host.country),
            "contact": _person(host.contact, host.country),
            "leader": _person(host.leader, host.country)}

# ---------------------------------------------------------------- itinerary


def _hours(moment: dt.datetime, day: dt.date) -> float:
    """Hours since midnight of `day` (may pass 24 for an item running past midnight)."""
    delta = moment.replace(tzinfo=None) - dt.datetime.combine(day, dt.time())
    return round(delta.total_seconds() / 3600, 3)


def _home_times(visit, moment: dt.datetime, lang: str) -> list[dict]:
    """The guests' home clocks at `moment`, for each home zone that reads differently."""
    shown, out = set(), []
    for guest in visit.guests:
        zone = home_zone(guest.country, moment)
        if zone is None:
            continue
        local = moment.astimezone(zone)
        if local.utcoffset() == moment.utcoffset() or guest.country in shown:
            continue
        shown.add(guest.country)
        other_day = local.date() != moment.date()
        out.append({"zone": home_name(guest.country, lang), "time": format_time(local, lang),
                    "date": format_date(local, lang, "short") if other_day else None})
    return out


def _travel_line(travel, lang: str, arrival: bool) -> str:
    mode = travel.by or "other"
    parts = [t(f"doc.by.{mode}", lang, number=travel.number or "").strip()]
    where = travel.origin if arrival else travel.destination
    if where:
        parts.append(t("doc.it.from" if arrival else "doc.it.to", lang, place=where))
    return " ".join(p for p in parts if p)


def _events(visit, lang: str) -> list[dict]:
    host_country = visit.host.country
    contact = visit.host.contact
    met_by = None
    if visit.arrival.pickup:
        key = "doc.it.met_by_phone" if contact.phone else "doc.it.met_by"
        met_by = Phrase(key, lang, name=named(contact, host_country, lang),
                        phone=contact.phone or "")
    events = [{
        "kind": "arrival", "at": visit.arrival.at, "until": None,
        "label": t("doc.it.arrival", lang), "what": _travel_line(visit.arrival, lang, True),
        "where": text(visit.arrival.place, host_country), "notes": None,
        "detail": met_by, "home": _home_times(visit, visit.arrival.at, lang)}]
    for item in visit.schedule:
        events.append({
            "kind": item.kind, "at": item.at, "until": item.until,
            "label": _capital(t(f"kind.{item.kind}", lang)),
            "what": text(item.what, host_country),
            "where": text(item.where, host_country), "notes": text(item.notes, host_country),
            "detail": None, "home": []})
    events.append({
        "kind": "departure", "at": visit.departure.at, "until": None,
        "label": t("doc.it.departure", lang),
        "what": _travel_line(visit.departure, lang, False),
        "where": text(visit.departure.place, host_country), "notes": None, "detail": None,
        "home": _home_times(visit, visit.departure.at, lang)})
    order = {"arrival": 0, "departure": 2}
    events.sort(key=lambda e: (e["at"], order.get(e["kind"], 1)))
    for e in events:
        e["time"] = format_time(e["at"], lang)
        e["end"] = format_time(e["until"], lang) if e["until"] else None
        if e["until"] and e["until"].date() != e["at"].date():
            e["end"] = format_datetime(e["until"], lang, "short")
    return events


def _capital(label: str) -> str:
    """'showroom visit' → 'Showroom visit' (a heading; CJK text is unchanged)."""
    return label[:1].upper() + label[1:]


def _timeline(events: list[dict], day: dt.date) -> dict:
    """Blocks on an hour scale for the template's SVG: arrival and departure as short marks,
    items from start to end (an hour when no end is given), overlaps on separate lanes."""
    blocks = []
    for e in events:
        start = _hours(e["at"], day)
        if e["kind"] == "arrival":
            end = start + 0.5
        elif e["kind"] == "departure":
            start, end = start - 0.5, start
        else:
            end = _hours(e["until"], day) if e["until"] else start + 1
        blocks.append({"start": max(start, 0), "end": min(end, 24), "kind": e["kind"],
                       "label": e["time"]})
    lanes: list[float] = []
    for b in sorted(blocks, key=lambda b: b["start"]):
        lane = next((i for i, end in enumerate(lanes) if end <= b["start"]), len(lanes))
        if lane == len(lanes):
            lanes.append(0)
        lanes[lane] = b["end"]
        b["lane"] = lane
    first = min((b["start"] for b in blocks), default=8)
    last = max((b["end"] for b in blocks), default=18)
    return {"start": int(min(first, 8)), "end": min(24, int(-(-max(last, 18) // 1))),
            "lanes": max(len(lanes), 1), "blocks": blocks}


def itinerary_context(visit, lang: str) -> dict:
    tz_day = lambda moment: moment.astimezone(visit.tz).date()  # noqa: E731
    first, last = tz_day(visit.arrival.at), tz_day(visit.departure.at)
    events = _events(visit, lang)
    days = []
    hotel = visit.hotel
    for n in range((last - first).days + 1):
        day = first + dt.timedelta(days=n)
        todays = [e for e in events if tz_day(e["at"]) == day]
        days.append({
            "number": n + 1, "label": t("doc.it.day", lang, n=n + 1),
            "date": format_date(day, lang, "long"), "events": todays,
            "timeline": _timeline(todays, day),
            "hotel": {"name": text(hotel.name, visit.host.country),
                      "address": text(hotel.address, visit.host.country)}
            if hotel is not None and day < last else None,
        })
    return {"kind": "itinerary", "lang": lang, "title": text(visit.title),
            "purpose": text(visit.purpose), "dates": date_range(first, last, lang),
            "host": _host(visit), "guests": [_guest(g) for g in seniority(visit)],
            "days": days, "qr": contact_qr(visit)}


def contact_qr(visit) -> str:
    """The host contact as a vCard in a QR code (PNG data URL), so the guest saves the
    contact in one scan."""
    import segno
    import segno.helpers

    from visitplan.rules.names import split_name

    contact, host = visit.host.contact, visit.host
    latin = contact.name_latin or contact.name
    surname, given = split_name(latin, host.country)
    display = contact.name + (f" ({contact.name_latin})" if contact.name_latin
                              and contact.name_latin != contact.name else "")
    org = host.company + (f" / {host.company_local}" if host.company_local else "")
    data = segno.helpers.make_vcard_data(
        name=f"{surname};{given}", displayname=display, email=contact.email,
        phone=contact.phone, org=org, title=contact.role)
    qr = segno.make(data, error="m", micro=False)
    # PNG, one pixel a module, drawn without smoothing: a few hundred bytes, and cheap to
    # paint on every page (an SVG path of the same code costs WeasyPrint ~0.3 s a page)
    return qr.png_data_uri(scale=1, border=2, dark="#1b2a3a")

# ---------------------------------------------------------------- checklist


def _needs(visit, plan, lang: str) -> list[dict]:
    """篇4: the guest's information, environment and emotional needs, from the visit itself
    and from the profile notes on those topics."""
    host = visit.host
    derived = {topic: [] for topic in NEED_TOPICS}
    info, env, emo = derived["information"], derived["environment"], derived["emotional"]
    info.append(Phrase("doc.need.language", lang,
                       language=_language_name(visit.language, lang)))
    if visit.purpose:
        info.append(Phrase("doc.need.purpose", lang, purpose=text(visit.purpose)))
    if visit.arrival.pickup:
        info.append(Phrase("doc.need.pickup", lang, name=text(host.contact.name, host.country),
                           travel=_travel_line(visit.arrival, lang, True),
                           place=text(visit.arrival.place or "", host.country),
                           when=format_datetime(visit.arrival.at, lang, "short")))
    if visit.hotel is not None:
        key = "doc.need.hotel_host" if visit.hotel.booked_by == "host" else "doc.need.hotel"
        env.append(Phrase(key, lang, hotel=text(visit.hotel.name, host.country)))
    for g in visit.guests:
        if g.diet:
            env.append(Phrase("doc.need.diet", lang, name=text(g.name, g.country),
                              diet=t("doc.list_sep", lang).join(diet_label(d, lang)
                                                                for d in g.diet)))
    for country in dict.fromkeys(g.country for g in visit.guests):
        zone = home_zone(country, visit.arrival.at)
        if zone is None:
            continue
        hours = (visit.arrival.at.astimezone(zone).utcoffset()
                 - visit.arrival.at.utcoffset()).total_seconds() / 3600
        if abs(hours) >= 3:
            env.append(Phrase("doc.need.jet_lag", lang, zone=home_name(country, lang),
                              hours=f"{abs(hours):g}"))
    senior = next((g for g in visit.guests if g.senior), None)
    if senior is not None:
        leader = named(host.leader, host.country, lang) if host.leader \
            else t("department.leader", lang)
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
        notes = [{"text": n.text.get(lang) or n.text["en"], "profile": _pack_title(plan,
                                                                                   n.profile,
                                                                                   lang)}
                 for n in plan.notes if n.topic == topic]
        out.append({"topic": topic, "label": t(f"topic.{topic}", lang),
                    "derived": derived[topic], "notes": notes})
    return out


def _pack_title(plan, name: str, lang: str) -> str:
    pack = next((p for p in plan.profiles if p.name == name), None)
    return (pack.title.get(lang) or pack.title["en"]) if pack else name


def diet_label(diet: str, lang: str) -> str:
    if diet.startswith("allergy:"):
        return t("doc.diet.allergy", lang, what=diet.split(":", 1)[1])
    return t(f"doc.diet.{diet}", lang)


def _extra_notes(visit, plan, today: dt.date, lang: str) -> list[dict]:
    """Seasonal notes from visitplan.rules.advice (Ramadan and the like), when it offers them."""
    from visitplan.rules import advice

    extra = getattr(advice, "extra_notes", None)
    if extra is None:
        return []
    out = []
    for note in extra(visit, today):
        body = (note.text.get(lang) or note.text["en"]) if isinstance(note.text, dict) \
            else str(note.text)
        out.append({"topic": t(f"topic.{note.topic}", lang), "text": body,
                    "profile": _pack_title(plan, note.profile, lang)})
    return out


def _task(task, plan, lang: str, late: set, ticks: dict) -> dict:
    done = ticks.get(task.id)
    when = parse_timestamp(done[1]) if done else None
    return {
        "id": task.id, "text": task.text_in(lang), "due": format_datetime(task.due, lang,
                                                                          "long"),
        "department": t(f"department.{task.department}", lang),
        "profile": _pack_title(plan, task.profile, lang),
        "urgent": task.id in late and not done, "done": bool(done),
        "done_by": done[0] if done else None,
        "done_at": (format_datetime(when, lang, "short") if when else done[1]) if done
        else None,
    }


def checklist_context(visit, plan, lang: str, today: dt.date, ticks: dict) -> dict:
    from visitplan.rules.advice import late_tasks
    from visitplan.visit.config import DEPARTMENTS

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
        groups.append({"label": t(f"doc.group.{group}", lang), "departments": departments,
                       "count": len(tasks)})
    topics = [topic for topic in _topic_order() if topic not in NEED_TOPICS]
    etiquette = []
    for topic in topics:
        notes = [{"text": n.text.get(lang) or n.text["en"],
                  "profile": _pack_title(plan, n.profile, lang)}
                 for n in plan.notes if n.topic == topic]
        if notes:
            etiquette.append({"label": t(f"topic.{topic}", lang), "notes": notes})
    guests = []
    for rank, g in enumerate(seniority(visit), 1):
        entry = _guest(g)
        entry.update(rank=rank, country_name=_country(g.country, lang),
                     diet=[diet_label(d, lang) for d in g.diet])
        guests.append(entry)
    arrival = visit.arrival.at.astimezone(visit.tz).date()
    departure = visit.departure.at.astimezone(visit.tz).date()
    return {
        "kind": "checklist", "lang": lang, "title": text(visit.title),
        "purpose": text(visit.purpose), "dates": date_range(arrival, departure, lang),
        "printed": format_date(today, lang, "long"), "host": _host(visit), "guests": guests,
        "profiles": [{"title": p.title.get(lang) or p.title["en"],
                      "summary": p.summary.get(lang) or p.summary.get("en", ""),
                      "source": p.source} for p in plan.profiles],
        "etiquette": etiquette, "needs": _needs(visit, plan, lang),
        "extra": _extra_notes(visit, plan, today, lang), "groups": groups,
        "late": sum(1 for g in groups for d in g["departments"] for x in d["tasks"]
                    if x["urgent"]),
        "total": len(plan.tasks), "done": sum(1 for task in plan.tasks if task.id in ticks),
    }


def _topic_order() -> tuple:
    from visitplan.rules.engine import TOPICS

    return TOPICS


def _country(code: str, lang: str) -> str:
    from babel import Locale

    from visitplan.text.dates import _locale

    return Locale.parse(_locale(lang)).territories.get(code, code)


def _language_name(code: str, lang: str) -> str:
    """A guest language's name for a reader of `lang`: the locale file's word where it has
    one (中文, 英文, 韩文), else CLDR's (日语, 阿拉伯语)."""
    from babel import Locale

    if f"doc.language.{code}" in strings():
        return t(f"doc.language.{code}", lang)
    return Locale.parse(babel_locale(lang)).languages.get(code.replace("-", "_"), code)

# ---------------------------------------------------------------- rendering


def _environment(kind: str, user_dir: Path | None, lang: str, inline_css: bool):
    import jinja2
    from markupsafe import Markup

    from visitplan.documents.render import html_environment, plain_environment
    from visitplan.documents.resources import templates_dir

    def tr(key, **values):
        return Phrase(key, lang, **values)

    if kind == "md":
        env = plain_environment(user_dir)
        env.finalize = md_escape
    else:
        env = html_environment(user_dir)
        roots = ([user_dir] if user_dir else []) + [templates_dir()]

        def stylesheet(name: str):
            if not inline_css:
                return Markup('<link rel="stylesheet" href="{}">').format(name)
            for root in roots:
                path = root / name
                if path.is_file():
                    css = path.read_text(encoding="utf-8").replace("</", "<\\/")
                    return Markup("<style>\n{}</style>").format(Markup(css))
            raise RenderError(f"the template asks for {name}, which is not in "
                              + " nor in ".join(str(r) for r in roots))

        env.globals["stylesheet"] = stylesheet
    env.globals["_"] = tr
    env.globals["html_lang"] = language(lang).html
    env.undefined = jinja2.StrictUndefined
    return env


class Raw(str):
    """Markdown that a template means literally (not escaped)."""


def md_escape(value):
    """Every value a Markdown template prints is escaped, so a name like
    `<img src=...>` or `*bold*` shows as written when pasted into a wiki or chat."""
    if value is None:
        return ""
    if isinstance(value, Raw) or not isinstance(value, (str, Phrase)):
        return value
    value = str(value)
    out = []
    for ch in value:
        if ch in "\\`*_[]<>|~#":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def render(name: str, fmt: str, context: dict, user_dir: Path | None,
           timings: dict | None = None) -> str:
    """The source of one document (`itinerary` or `checklist`): HTML for the pdf and html
    formats (inline CSS for html, links to the template assets for pdf), or Markdown."""
    import jinja2

    lang = context["lang"]
    started = time.perf_counter()
    kind = "md" if fmt == "md" else "html"
    env = _environment(kind, user_dir, lang, inline_css=fmt == "html")
    template_name = f"{name}.{kind}"
    try:
        source = env.get_template(template_name).render(**context)
    except jinja2.TemplateError as exc:
        raise RenderError(f"{_template_place(exc, template_name)}: {exc.message or exc}") \
            from exc
    _tick(timings, "templates", started)
    return source


def _template_place(exc, name: str) -> str:
    """FILE:LINE of a template error: from the error itself (syntax errors), else from the
    last template frame of its traceback (Jinja maps those to template lines)."""
    if getattr(exc, "lineno", None) and getattr(exc, "filename", None):
        return f"{exc.filename}:{exc.lineno}"
    place, tb = None, exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".md", ".svg", ".j2")):
            place = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return place or f"template {name}"


def _tick(timings, key, started):
    if timings is not None:
        timings[key] = timings.get(key, 0.0) + time.perf_counter() - started


def prepare(session, visit, output_dir: Path, fmt: str = "pdf", today: dt.date | None = None,
            ticks: dict | None = None, *, lang: str | None = None,
            templates: Path | None = None, dtstamp: dt.datetime | None = None,
            timings: dict | None = None, audit: list | None = None,
            worker=None, while_rendering=None) -> list[Path]:
    """Write itinerary.<fmt>, checklist.<fmt> and itinerary.ics for `visit` into output_dir,
    all or none. `ticks` maps task id → (who, when) from the state store; `lang` overrides
    both documents' language; `templates` overrides the configuration's templates folder.
    `dtstamp` fixes the calendar's DTSTAMP, `timings` receives seconds per phase, `audit`
    the asset policy of each PDF (what it asked for, what was refused). `worker`, a
    visitplan.documents.pdf.Worker started before loading the visit, renders the PDFs;
    `while_rendering` (no arguments) is called while they render, before anything is
    written (the command prints the visit's warnings then).
    Returns the paths written."""
    from visitplan.documents.calendar import build_ics
    from visitplan.documents.output import atomic_write

    if fmt not in FORMATS:
        raise InputError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    user_dir = templates if templates is not None else session.config.templates
    if user_dir is not None and not Path(user_dir).is_dir():
        raise InputError(f"{user_dir}: the templates folder does not exist")
    today = session.today(today)
    started = time.perf_counter()
    plan = session.plan(visit)
    _tick(timings, "rules", started)
    guest_lang = lang or visit.language
    staff_lang = lang or visit.staff_language
    started = time.perf_counter()
    itinerary = itinerary_context(visit, guest_lang)
    checklist = checklist_context(visit, plan, staff_lang, today, dict(ticks or {}))
    _tick(timings, "context", started)
    output_dir = Path(output_dir)
    sources = [render("itinerary", fmt, itinerary, user_dir, timings),
               render("checklist", fmt, checklist, user_dir, timings)]
    started = time.perf_counter()
    ics = build_ics(visit, guest_lang, dtstamp=dtstamp)
    _tick(timings, "calendar", started)
    if fmt == "pdf":
        from visitplan.documents.pdf import render_pdfs
        from visitplan.documents.resources import templates_dir

        started = time.perf_counter()
        documents = render_pdfs(sources, base_dir=templates_dir(),
                                overlays=[user_dir] if user_dir else [], audit=audit,
                                worker=worker, while_rendering=while_rendering)
        _tick(timings, "pdf", started)
    else:
        if worker is not None:
            worker.close()
        if while_rendering is not None:
            while_rendering()
        documents = [source.encode("utf-8") for source in sources]
    files = {output_dir / f"itinerary.{fmt}": documents[0],
             output_dir / f"checklist.{fmt}": documents[1],
             output_dir / "itinerary.ics": ics}
    atomic_write(files)
    return list(files)


def export_templates(folder: Path, force: bool = False) -> list[Path]:
    """Copy every built-in template (with css/ and assets/) into `folder`, all or none.
    Raises InputError when a file there already exists, unless `force`."""
    from visitplan.documents.output import atomic_write
    from visitplan.documents.resources import templates_dir

    source = templates_dir()
    files = {}
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if not path.is_file() or "__pycache__" in rel.parts or path.suffix == ".pyc" \
                or path.name == "__init__.py":
            continue
        files[Path(folder) / rel] = path.read_bytes()
    existing = [p for p in files if p.exists()]
    if existing and not force:
        raise InputError(f"{existing[0]}: already exists ({len(existing)} of the files do); "
                         "export into an empty folder or pass --force")
    atomic_write(files)
    return list(files)
