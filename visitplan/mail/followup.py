"""The follow-up email of a visit (handbook 篇9 四): a greeting to each guest, thanks, the
minutes (summary, decisions, next steps with owner and date), the photos, an invitation to
point out anything missing, and the host contact's signature, in the guest's language.

Templates (mail/followup.txt.j2 and mail/followup.html.j2) give only the text; the message
structure is built here with the `email` package:

    multipart/mixed
      multipart/alternative
        text/plain
        multipart/related
          text/html            (shows each photo through cid:)
          image/* inline ...   (named, so mail programs also list them as attachments;
                                the text part lists them by name)

Sending goes through `visitplan.mail.deliver`, so it happens once; a run that died while
sending leaves a "sending" mark, and the next run sends the message again with the same
Message-ID (at worst one duplicate the guests' mail programs recognise, never a loss).
"""
from __future__ import annotations

import datetime as dt
import math
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import jinja2

from visitplan.documents.output import atomic_write
from visitplan.documents.render import environment
from visitplan.errors import InputError, RenderError, ValidationFailed
from visitplan.mail import smtp as mail
from visitplan.mail.photos import PHOTO_LONG_SIDE, Photo, photo, unique_filenames
from visitplan.mail.sent import keep_guest_copy
from visitplan.mail.smtp import _CONTROL, MAX_MESSAGE_BYTES, DeliveryResult
from visitplan.rules.names import greeting_line, script_detail
from visitplan.text.dates import format_date as document_date
from visitplan.text.i18n import babel_locale, language, t

FILENAME = "followup.eml"
SENT_NAME = "followup"      # sent copies: <output>/<visit id>/sent/followup-<date>.eml


def build_followup(session, visit, now: dt.datetime | None = None,
                   domain: str | None = None) -> EmailMessage:
    """The follow-up email of a visit, ready to write or send. `domain` is the domain of its
    Message-ID (see `mail.ids`; default: the configured one, else the one that would be
    fixed at first use).

    Raises InputError (exit 2) when the visit has no `minutes:` or nobody to send to, and
    ValidationFailed for a photo that cannot be read or a message too big to send."""
    if visit.minutes is None:
        raise InputError(f"{visit.label}: minutes: the visit has no `minutes:` section; the "
                         "follow-up is built from it, so add `minutes:` with at least "
                         "`summary:` (and decisions, next_steps, photos as you have them)")
    lang = visit.language
    sender = mail.sender(session.config) or _contact_sender(visit)
    msg_id = mail.message_id("followup", visit.id, domain=domain or mail.id_domain(
        session.config, fallback=sender.domain))
    photos = [photo(visit, i, path, msg_id) for i, path in enumerate(visit.minutes.photos)]
    unique_filenames(photos)

    msg = mail.new_message()
    company = _company(visit, lang)
    subject_key = "mail.subject" if photos else "mail.subject_no_photos"
    _set(msg, "Subject", t(subject_key, lang, company=company), _at(visit, "host.company"))
    msg["From"] = sender
    contact = visit.host.contact
    if contact.email:
        msg["Reply-To"] = mail.address(_person_name(contact, lang), contact.email,
                                       _at(visit, "host.contact"))
    msg["To"] = _recipients(visit)
    if visit.followup.cc:
        msg["Cc"] = [mail.address("", a, _at(visit, f"followup.cc[{i}]"))
                     for i, a in enumerate(visit.followup.cc)]
    now = stamp(msg, visit, now, msg_id)

    context = _context(session, visit, photos, company)
    text, html = _render(session, context)
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    html_part = msg.get_payload()[1]
    for p in photos:
        html_part.add_related(p.data, maintype="image", subtype=p.subtype, cid=p.cid,
                              disposition="inline", filename=p.filename)
    for part in msg.walk():
        if part is not msg:             # the email package repeats it in parts it creates
            del part["MIME-Version"]
    msg["Content-Language"] = lang      # after the body: set_content clears Content-*
    _check_size(visit, msg, photos)
    return msg


def write_followup(session, visit, output_dir: Path, now: dt.datetime | None = None,
                   state=None) -> Path:
    """Write the follow-up as `followup.eml` in output_dir (all or nothing). The copies of
    sent messages, under `sent/`, are never touched. With a state store, the draft carries
    the Message-ID it will be sent with."""
    msg = build_followup(session, visit, now, domain=id_domain(session, visit, state, False))
    path = Path(output_dir) / FILENAME
    atomic_write({path: msg.as_bytes()})
    return path


def id_domain(session, visit, state=None, fix: bool = True) -> str:
    """The domain of the follow-up's Message-ID (see `mail.ids`): without smtp.from and a
    configured host contact, the visit's contact's domain is the one fixed at first use."""
    sender = mail.sender(session.config) or _contact_sender(visit)
    return mail.id_domain(session.config, state, fix, fallback=sender.domain)


def sendable_from(visit) -> dt.date:
    """The first day the follow-up may be sent: the departure day (it thanks the guests
    for a visit that is over)."""
    return visit.departure.at.astimezone(visit.tz).date()


def send_followup(session, visit, state, force: bool = False, now: dt.datetime | None = None,
                  environ=None, output_dir: Path | None = None,
                  outbox: mail.Outbox | None = None) -> DeliveryResult:
    """Send the follow-up once (again only with force, under the same Message-ID).

    A "sending" mark left by a run that died is resolved by sending again with the same
    Message-ID. When output_dir is given and the message was sent now, the copy that was
    sent is kept as sent/followup-<date>.eml there (never overwritten) and as followup.eml.
    The caller decides whether the day allows sending (see `sendable_from`)."""
    msg = build_followup(session, visit, now, domain=id_domain(session, visit, state))
    result = mail.deliver(msg, session.config, state, kind="followup", visit=visit.id,
                          force=force, environ=environ, outbox=outbox)
    if result.sent and output_dir is not None:
        sent_on = (now or dt.datetime.now(visit.tz)).astimezone(visit.tz).date()
        keep_guest_copy(result, msg, Path(output_dir), SENT_NAME, sent_on)
    return result


# ---------------------------------------------------------------- headers


def stamp(msg, visit, now: dt.datetime | None, msg_id: str) -> dt.datetime:
    """Date (now, or `now`, in the visit's time zone) and Message-ID of a guest email;
    returns the moment used."""
    now = now or dt.datetime.now(visit.tz)
    if now.tzinfo is None:
        now = now.replace(tzinfo=visit.tz)
    msg["Date"] = format_datetime(now.astimezone(visit.tz))
    msg["Message-ID"] = msg_id
    return now


def _at(visit, dotted: str) -> str:
    """FILE:LINE:COL: field, for messages about a value that would reach a header."""
    line, col = visit.where(dotted)
    return f"{visit.label}:{line}:{col}: {dotted}"


def _plain(value: str, where: str, header: str) -> str:
    """Refuse a value with a line break (or another control character) for a header."""
    if _CONTROL.search(value):
        raise InputError(f"{where}: {value!r} contains a line break, which may not reach the "
                         f"{header} header")
    return value


def _set(msg, name, value, where):
    msg[name] = _plain(value, where, name)


def _contact_sender(visit):
    contact = visit.host.contact
    if not contact.email:
        raise InputError(f"{visit.label}: no sender for the follow-up: set smtp.from in the "
                         "configuration (or VISITPLAN_SMTP_FROM), or give host.contact.email")
    return mail.address(_person_name(contact, visit.language), contact.email,
                        _at(visit, "host.contact"))


def _recipients(visit):
    """The To addresses, with the guest's name as display name where the address is a
    guest's."""
    if not visit.followup.to:
        raise InputError(f"{visit.label}: followup.to: nobody to send the follow-up to; give "
                         "the guests an `email:` or list addresses under `followup: to:`")
    guests = {g.email.lower(): g for g in visit.guests if g.email}
    out = []
    for i, addr in enumerate(visit.followup.to):
        guest = guests.get(addr.lower())
        if guest is None:
            out.append(mail.address("", addr, _at(visit, f"followup.to[{i}]")))
            continue
        _plain(guest.name, _at(visit, f"guests[{guest.index}].name"), "To")
        out.append(mail.address(guest.name, addr, _at(visit, f"guests[{guest.index}].email")))
    return out


# ---------------------------------------------------------------- content


def _context(session, visit, photos, company) -> dict:
    from babel.dates import format_date, format_interval


    lang, m = visit.language, visit.minutes
    steps = []
    for step in m.next_steps:
        owner = _owner(step.owner, visit, lang) if step.owner else None
        # as the itinerary and checklists print dates: with the weekday
        due = document_date(step.due, lang, "long") if step.due else None
        key = ("mail.step_owner_due" if owner and due else "mail.step_owner" if owner
               else "mail.step_due" if due else None)
        steps.append(t(key, lang, what=step.what, owner=owner, due=due) if key
                     else step.what)
    start, end = visit.arrival.at.date(), visit.departure.at.date()
    locale = babel_locale(lang)
    dates = (format_date(start, "long", locale=locale) if start == end
             else format_interval(start, end, "yMMMMd", locale=locale))
    contact = visit.host.contact
    return {
        "lang": lang,
        "greeting": greeting_line(_greeted(visit), lang),
        "company": company,
        "dates": dates,
        "summary": [p.strip() for p in m.summary.split("\n\n") if p.strip()],
        "decisions": list(m.decisions),
        "next_steps": steps,
        "photos": [{"filename": p.filename, "cid": p.cid.strip("<>"), "width": p.width,
                    "height": p.height} for p in photos],
        "signature": {
            "name": _signature_name(contact, lang),
            "role": contact.role,
            "company": company,
            # the company's other name, if it has one: in Latin letters for Chinese readers
            "company_other": next((name for name in (visit.host.company_local,
                                                     visit.host.company)
                                   if name and name != company), None),
            "phone": contact.phone,
            "email": contact.email,
        },
    }


def _render(session, context) -> tuple[str, str]:
    lang = context["lang"]

    def translate(key, **values):
        return t(key, lang, **values)

    plain, html_env = _environments(session.config.templates, lang)
    try:
        text = plain.get_template("mail/followup.txt.j2").render(t=translate, **context)
        html = html_env.get_template("mail/followup.html.j2").render(t=translate, **context)
    except jinja2.TemplateError as exc:
        name = getattr(exc, "name", None) or getattr(exc, "filename", None) or "mail template"
        line = getattr(exc, "lineno", None)
        raise RenderError(f"{name}{f':{line}' if line else ''}: {exc}") from None
    return text, html


def _environments(user_dir: Path | None, lang: str):
    """The text and HTML environments of a templates folder and language (shared by the
    render layer, so a cron pass compiles each template once)."""
    return environment(user_dir, "text", lang), environment(user_dir, "html", lang)


def _greeted(visit) -> list:
    """The guests the mail is addressed to, the senior guests first (the greeting line
    names them in this order); all guests when none of them is among the recipients."""
    to = {a.lower() for a in visit.followup.to}
    guests = [g for g in visit.guests if g.email and g.email.lower() in to] or visit.guests
    return sorted(guests, key=lambda g: not g.senior)


# The scripts a reader of a language (by its script in languages.yaml) reads a host's name
# in, besides Latin letters: readers of Chinese (zh, zh-Hant) read Chinese characters,
# simplified or traditional; Japanese readers read them as kanji (Japanese writes Chinese
# companies and people in kanji), and kana; Korean readers Hangul only (hanja are not
# read by most). A host's name in another script is shown in Latin letters.
_READS = {"han": ("han",), "japanese": ("han", "kana"), "hangul": ("hangul",)}


def _reads(text: str | None, lang: str) -> bool:
    """Whether a reader of `lang` reads `text` as it is written."""
    if not text:
        return False
    script = language(lang).script
    return script_detail(text) in (*_READS.get(script, (script,)), "latin")


def _company(visit, lang) -> str:
    """The host company as the guests read it best: its local name where they read its
    script (a Chinese name for zh, zh-Hant and ja readers), else its Latin name."""
    host = visit.host
    local = host.company_local
    return local if local and local != host.company and _reads(local, lang) \
        else host.company


def _person_name(person, lang) -> str:
    """A host person's name as a guest reads it best: as written where the reader reads
    its script (李伟 for zh, zh-Hant and ja readers), else in Latin letters."""
    if _reads(person.name, lang) or not person.name_latin:
        return person.name
    return person.name_latin


def _signature_name(person, lang) -> str:
    """The signature's name: as the guest reads it, and the other spelling in parentheses
    (李伟（Li Wei） for a Japanese reader, Li Wei (李伟) for an English one); a Chinese
    reader needs no Latin spelling of a Chinese name."""
    shown = _person_name(person, lang)
    other = person.name if shown != person.name else person.name_latin
    if not other or other == shown or language(lang).script == "han":
        return shown
    return t("doc.name_latin", lang, name=shown, latin=other)


def _owner(owner: str, visit, lang) -> str:
    """A next step's owner: a host person named by their name is shown as guests read it."""
    for person in (visit.host.contact, visit.host.leader):
        if person and owner in (person.name, person.name_latin):
            return _person_name(person, lang)
    return owner


def _check_size(visit, msg, photos: list[Photo]) -> None:
    """Refuse a message over MAX_MESSAGE_BYTES, naming the photos to drop (largest first)."""
    size = len(msg.as_bytes())
    if size <= MAX_MESSAGE_BYTES:
        return
    drop, left = [], size
    for p in sorted(photos, key=lambda p: len(p.data), reverse=True):
        if left <= MAX_MESSAGE_BYTES:
            break
        drop.append(p)
        left -= _base64_size(len(p.data))       # each photo once, inline
    if left > MAX_MESSAGE_BYTES:
        advice = "shorten the minutes and drop photos"
    else:
        advice = ("drop " + ", ".join(p.label for p in drop) + " from minutes.photos "
                  f"(the largest after shrinking) or replace {'it' if len(drop) == 1 else 'them'}"
                  " with smaller photos")
    raise ValidationFailed([visit.problem(
        "minutes.photos", f"the follow-up would be {_mb(size)} MB, over the "
        f"{_mb(MAX_MESSAGE_BYTES)} MB mail servers accept even with photos shrunk to "
        f"{PHOTO_LONG_SIDE} px; {advice}", "error")])


def _base64_size(n: int) -> int:
    return math.ceil(n / 57) * 78     # 76 characters and CRLF per 57 bytes


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f}"
