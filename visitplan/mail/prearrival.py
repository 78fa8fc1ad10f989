"""The guests' pre-arrival email (issue 14): `pre_arrival_days` before arrival (default 3),
in the guest's language, with the itinerary PDF and the calendar (.ics) attached, who meets
the guests where and how to reach that person, the hotel, and the company's name and
address in the local script for a taxi driver.

The attachments are rendered for the message itself, from the visit file as it is now and
in the guest's language (`visitplan.documents.build.render`, the itinerary template and
`calendar.build_ics`): the output folder is never rewritten, and a message built by `run`
without a build, or by `visitplan prearrival` before `prepare`, carries the same documents.

Sending goes through `visitplan.mail.deliver` with a Message-ID derived from the visit
(`prearrival`, visit id; see `mail.ids`), so it is sent once across runs, overlaps and
crashes, exactly like the follow-up; a copy of what was sent is kept as
`<output>/<visit id>/sent/prearrival-<date>.eml`. It is never sent once the guests have
arrived (`sendable`).
"""
from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from pathlib import Path

import jinja2

from visitplan.documents.build import render as render_document
from visitplan.documents.calendar import build_ics
from visitplan.documents.context import days, travel_line
from visitplan.documents.itinerary import itinerary_context
from visitplan.documents.output import atomic_write
from visitplan.documents.pdf import lang_of, render_pdfs
from visitplan.documents.render import environment
from visitplan.documents.resources import templates_dir
from visitplan.errors import InputError, RenderError, ValidationFailed
from visitplan.mail import smtp as mail
from visitplan.mail.followup import (_at, _company, _contact_sender, _person_name, _plain,
                                     _signature_name, id_domain, stamp)
from visitplan.mail.sent import keep_guest_copy
from visitplan.mail.smtp import MAX_MESSAGE_BYTES, DeliveryResult
from visitplan.rules.names import greeting_line
from visitplan.text.dates import format_datetime as local_datetime
from visitplan.text.i18n import t

FILENAME = "prearrival.eml"
SENT_NAME = "prearrival"    # sent copies: <output>/<visit id>/sent/prearrival-<date>.eml
KIND = "prearrival"
PDF_NAME = "itinerary.pdf"
ICS_NAME = "itinerary.ics"


def due_on(visit, days_before: int) -> dt.date:
    """The day the pre-arrival email is due: `days_before` days before the arrival day."""
    return visit.arrival.at.astimezone(visit.tz).date() - dt.timedelta(days=days_before)


def sendable(visit, now: dt.datetime) -> bool:
    """Whether it may still go out at `now`: only while the guests have not arrived."""
    return now < visit.arrival.at


def moment(day: dt.date, today: dt.date, tz, office_tz=None) -> dt.datetime:
    """The moment a run (or command) acts at, for `sendable`: the clock when `today` is
    the real day where the office is (`office_tz`, default the system's); the end of
    `today` where the visit is (`tz`) when the day is taken as today (a pinned clock), so
    that a run acting for the arrival day never sends after the guests may have arrived;
    and the end of `day` when a run acts for a day after today (`--date`)."""
    real = dt.datetime.now(dt.timezone.utc)
    local = real.astimezone(office_tz) if office_tz else real.astimezone()

    def end(d: dt.date) -> dt.datetime:
        return dt.datetime.combine(d, dt.time(23, 59, 59), tz)

    clock = real if today == local.date() else end(today)
    return max(clock, end(day)) if day > today else clock


def recipients(visit) -> list[str]:
    """The guests' addresses, the senior guest first."""
    guests = sorted(visit.guests, key=lambda g: (not g.senior, g.index))
    return list(dict.fromkeys(g.email for g in guests if g.email))


def message_id(session, visit, state=None, fix: bool = False) -> str:
    return mail.message_id(KIND, visit.id, domain=id_domain(session, visit, state, fix))


def build_prearrival(session, visit, now: dt.datetime | None = None,
                     domain: str | None = None, worker=None) -> EmailMessage:
    """The pre-arrival email of a visit, ready to write or send. Raises InputError when no
    guest has an email address, RenderError when the itinerary cannot be rendered."""
    to = recipients(visit)
    if not to:
        raise InputError(f"{visit.label}: guests: no guest has an `email:`, so there is "
                         "nobody to send the pre-arrival email to")
    lang = visit.language
    sender = mail.sender(session.config) or _contact_sender(visit)
    msg_id = mail.message_id(KIND, visit.id, domain=domain or mail.id_domain(
        session.config, fallback=sender.domain))
    company = _company(visit, lang)
    dates = str(days(visit.arrival.at.astimezone(visit.tz).date(),
                     visit.departure.at.astimezone(visit.tz).date(), lang))

    msg = mail.new_message()
    msg["Subject"] = _plain(t("mail.pre.subject", lang, company=company, dates=dates),
                            _at(visit, "host.company"), "Subject")
    msg["From"] = sender
    contact = visit.host.contact
    if contact.email:
        msg["Reply-To"] = mail.address(_person_name(contact, lang), contact.email,
                                       _at(visit, "host.contact"))
    guests = {g.email.lower(): g for g in visit.guests if g.email}
    msg["To"] = [mail.address(_plain(guests[a.lower()].name, _at(
        visit, f"guests[{guests[a.lower()].index}].name"), "To"), a,
        _at(visit, f"guests[{guests[a.lower()].index}].email")) for a in to]
    now = stamp(msg, visit, now, msg_id)

    context = _context(visit, lang, company, dates)
    text, html = _render(session, context)
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    pdf, ics = attachments(session, visit, now, worker)
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=PDF_NAME)
    msg.add_attachment(ics, maintype="text", subtype="calendar", filename=ICS_NAME)
    for part in msg.walk():
        if part is not msg:             # the email package repeats it in parts it creates
            del part["MIME-Version"]
    msg["Content-Language"] = lang      # after the body: set_content clears Content-*
    size = len(msg.as_bytes())
    if size > MAX_MESSAGE_BYTES:
        raise ValidationFailed([visit.problem("schedule", f"the pre-arrival email would be "
                                              f"{size / 1e6:.1f} MB, over what mail servers "
                                              "accept; shorten the programme", "error")])
    return msg


def attachments(session, visit, now: dt.datetime, worker=None) -> tuple[bytes, bytes]:
    """The itinerary PDF and the calendar in the guest's language, rendered in memory."""
    lang = visit.language
    user_dir = session.config.templates
    if user_dir is not None and not Path(user_dir).is_dir():
        raise InputError(f"{user_dir}: the templates folder does not exist")
    source = render_document("itinerary", "pdf", itinerary_context(visit, lang), user_dir)
    pdf = render_pdfs([source], base_dir=templates_dir(),
                      overlays=[user_dir] if user_dir else [], worker=worker)[0]
    return pdf, build_ics(visit, lang, dtstamp=now)


def write_prearrival(session, visit, output_dir: Path, state=None, worker=None) -> Path:
    """Write the pre-arrival email as `prearrival.eml` in output_dir (a draft carrying the
    Message-ID it will be sent with); sent copies under `sent/` are never touched."""
    msg = build_prearrival(session, visit, domain=id_domain(session, visit, state, False),
                           worker=worker)
    path = Path(output_dir) / FILENAME
    atomic_write({path: msg.as_bytes()})
    return path


def send_prearrival(session, visit, state, force: bool = False,
                    day: dt.date | None = None, environ=None,
                    output_dir: Path | None = None, outbox=None,
                    worker=None) -> DeliveryResult:
    """Send the pre-arrival email once (again only with force, under the same Message-ID);
    keep the copy sent as sent/prearrival-<day>.eml (`day`: the day acted for, default
    today where the visit is) and prearrival.eml in output_dir. The caller decides whether
    the moment allows it (see `sendable`)."""
    msg = build_prearrival(session, visit, domain=id_domain(session, visit, state),
                           worker=worker)
    result = mail.deliver(msg, session.config, state, kind=KIND, visit=visit.id,
                          force=force, environ=environ, outbox=outbox)
    if result.sent and output_dir is not None:
        sent_on = day or dt.datetime.now(visit.tz).date()
        keep_guest_copy(result, msg, Path(output_dir), SENT_NAME, sent_on)
    return result


# ---------------------------------------------------------------- content


def _context(visit, lang: str, company: str, dates: str) -> dict:
    contact, host = visit.host.contact, visit.host
    greeted = sorted([g for g in visit.guests if g.email] or visit.guests,
                     key=lambda g: (not g.senior, g.index))
    meeter = _signature_name(contact, lang)
    arrival = visit.arrival
    when = local_datetime(arrival.at.astimezone(visit.tz), lang, "long")
    if arrival.pickup:
        travel = travel_line(arrival, lang, True)
        meet = (t("mail.pre.pickup", lang, name=meeter, place=arrival.place, travel=travel,
                  time=when) if arrival.place else
                t("mail.pre.pickup_no_place", lang, name=meeter, travel=travel, time=when))
    else:
        meet = t("mail.pre.no_pickup", lang, name=meeter, company=company)
    hotel = None
    if visit.hotel is not None:
        key = "mail.pre.hotel_booked" if visit.hotel.booked_by == "host" else \
            "mail.pre.hotel_own"
        hotel = {"line": t(key, lang, hotel=visit.hotel.name),
                 "address": visit.hotel.address}
    # for a taxi driver: the company's name and address in the local script, when known
    local_name = host.company_local or host.company
    taxi = ([local_name] + ([host.address_local] if host.address_local else [])
            if host.address_local or host.company_local else [])
    return {
        "lang": lang,
        "greeting": greeting_line(greeted, lang),
        "company": company, "dates": dates, "meet": meet,
        "contact": {"name": meeter, "role": contact.role, "phone": contact.phone,
                    "email": contact.email},
        "hotel": hotel, "taxi": taxi, "taxi_lang": lang_of(local_name, host.country) or "",
        "pdf": PDF_NAME, "ics": ICS_NAME,
        "contact_short": _person_name(contact, lang),
        "signature": {"name": meeter, "role": contact.role, "company": company,
                      "company_other": next((name for name in (host.company_local,
                                                               host.company)
                                             if name and name != company), None)},
    }


def _render(session, context) -> tuple[str, str]:
    """The plain and HTML bodies (templates mail/prearrival.txt.j2 and .html.j2)."""
    lang = context["lang"]

    def translate(key, **values):
        return t(key, lang, **values)

    user_dir = session.config.templates
    try:
        text = environment(user_dir, "text", lang).get_template(
            "mail/prearrival.txt.j2").render(t=translate, **context)
        html = environment(user_dir, "html", lang).get_template(
            "mail/prearrival.html.j2").render(t=translate, **context)
    except jinja2.TemplateError as exc:
        name = getattr(exc, "name", None) or getattr(exc, "filename", None) or "mail template"
        line = getattr(exc, "lineno", None)
        raise RenderError(f"{name}{f':{line}' if line else ''}: {exc}") from None
    return text, html
