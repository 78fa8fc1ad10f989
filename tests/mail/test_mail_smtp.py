"""Sending the follow-up for real: `visitplan followup --send` against an SMTP server on
127.0.0.1 (aiosmtpd, started here), with a real SQLite state file.

What must hold: the message arrives with every part, attachment and header intact; it is
sent once (a second --send sends nothing, --force resends under the same Message-ID); a
server that is down or refuses leaves nothing recorded and a later run delivers exactly
one; STARTTLS and SSL check the certificate; a wrong password is a clear failure; a
"sending" mark left by a crash is resolved by one resend; CR/LF never reaches a header.
"""
from __future__ import annotations

import io
import shutil
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from PIL import Image

from cron_helpers import pin_today
from mail_helpers import PASSWORD, USER, Mailbox, Server, TestCA, free_port
from visitplan.mail import smtp as mail
from visitplan.errors import InputError, SendError
from visitplan.cron.state import State

REPO = Path(__file__).resolve().parents[2]
SENDER = "Brightway Visits <visits@brightway.example>"
HANBIT_ID = mail.message_id("followup", "hanbit-2026-12", domain="brightway.example")


@pytest.fixture(autouse=True)
def after_the_visit(monkeypatch):
    """Today is the Hanbit visit's follow-up day: the follow-up may be sent."""
    import datetime as dt

    pin_today(monkeypatch, dt.date(2026, 12, 11))


@pytest.fixture
def site(tmp_path):
    """The Hanbit visit (with a Cc added) and its photos in a folder of their own, and a
    function writing the configuration for a given SMTP server."""
    visits = tmp_path / "visits"
    visits.mkdir()
    shutil.copytree(REPO / "examples" / "photos", visits / "photos")
    text = (REPO / "examples" / "hanbit-korean.yaml").read_text(encoding="utf-8")
    text = text.replace("followup:\n  send_on: 2026-12-11",
                        "followup:\n  cc: [gm@brightway.example]\n  send_on: 2026-12-11")
    visit = visits / "hanbit.yaml"
    visit.write_text(text, encoding="utf-8")

    class Site:
        root = tmp_path
        state = tmp_path / "state" / "state.sqlite3"
        out = tmp_path / "out" / "hanbit-2026-12"

        def __init__(self):
            self.visit = visit
            self.config = tmp_path / "visitplan.yaml"

        def configure(self, port, security="none", username=None, password_env=None):
            lines = ["smtp:", "  host: 127.0.0.1", f"  port: {port}",
                     f"  security: {security}", f'  from: "{SENDER}"', "  timeout: 10"]
            if username:
                lines.append(f"  username: {username}")
            if password_env:
                lines.append(f"  password_env: {password_env}")
            lines += [f"state: {self.state}", f"output: {tmp_path / 'out'}"]
            self.config.write_text("\n".join(lines) + "\n", encoding="utf-8")

        def record(self):
            with State(self.state) as state:
                return state.mail(HANBIT_ID)

    return Site()


def send(run, site, *more):
    return run("--config", site.config, "followup", site.visit, "--send", *more)


# ---------------------------------------------------------------- delivered intact


def test_the_message_arrives_with_every_part_attachment_and_header(run, site):
    with Server() as box:
        site.configure(box.port)
        result = send(run, site)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert len(box.received) == 1
    envelope = box.received[0]
    assert envelope["from"] == "visits@brightway.example"
    assert envelope["to"] == ["minjun.kim@hanbit.example", "seoyeon.lee@hanbit.example",
                              "gm@brightway.example"]
    msg = box.messages[0]
    assert msg["From"] == SENDER
    assert msg["Reply-To"] == "Li Wei <li.wei@brightway.example>"
    assert msg["To"] == "김민준 <minjun.kim@hanbit.example>, 이서연 <seoyeon.lee@hanbit.example>"
    assert [a.display_name for a in msg["To"].addresses] == ["김민준", "이서연"]
    assert msg["Cc"] == "gm@brightway.example"
    assert msg["Subject"] == "Brightway Lighting Co., Ltd. 방문에 감사드립니다: 회의록 및 사진"
    assert msg["Message-ID"] == HANBIT_ID
    assert msg["Content-Language"] == "ko"
    assert msg["Date"].datetime.utcoffset().total_seconds() == 8 * 3600
    # on the wire every header is plain ASCII (RFC 2047 for the Korean names and subject)
    head = envelope["data"].split(b"\r\n\r\n", 1)[0]
    assert head.isascii()
    assert [p.get_content_type() for p in msg.walk()] == [
        "multipart/alternative", "text/plain", "multipart/related",
        "text/html", "image/jpeg", "image/jpeg"]
    # text parts are in canonical form, lines ending in CRLF
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = msg.get_body(("html",)).get_content().replace("\r\n", "\n")
    assert text.startswith("김민준 님, 이서연 님, 안녕하십니까.\n")
    assert "Send revised quotation for 50k units (담당: Li Wei, 기한: 2026년 12월 15일(화))" \
        in text
    inline = [p for p in msg.walk() if p.get_content_disposition() == "inline"]
    attached = [p for p in msg.walk() if p.get_filename()]
    assert [p.get_filename() for p in inline] == ["showroom.jpg", "smt-line.jpg"]
    assert attached == inline                   # each photo once (issue 11), inline and named
    for part in inline:
        assert f'src="cid:{part["Content-ID"].strip("<>")}"' in html
    for part in inline:
        with Image.open(io.BytesIO(part.get_content())) as image:
            assert image.format == "JPEG" and image.size == (1600, 1067)
    # the copy kept under sent/ (and as followup.eml) is the message that was sent
    kept = site.out / "sent" / f"followup-{_shown_time(site.record().sent_at)[:10]}.eml"
    copy = kept.read_bytes()
    assert copy.replace(b"\r\n", b"\n") == envelope["data"].replace(b"\r\n", b"\n")
    assert (site.out / "followup.eml").read_bytes() == copy
    record = site.record()
    assert record.status == "sent" and record.kind == "followup"
    assert record.visit == "hanbit-2026-12"
    assert record.recipients == envelope["to"]
    when = _shown_time(record.sent_at)
    assert result.stdout == (
        f"sent the follow-up of hanbit-2026-12 to minjun.kim@hanbit.example, "
        f"seoyeon.lee@hanbit.example, gm@brightway.example on {when} as {HANBIT_ID}; a copy "
        f"is in {kept}\n")


def test_a_second_send_delivers_nothing_and_says_when_it_was_sent(run, site):
    with Server() as box:
        site.configure(box.port)
        assert send(run, site).exit_code == 0
        copy = (site.out / "followup.eml").read_bytes()
        again = send(run, site)
    assert again.exit_code == 0
    assert again.stderr == ""
    assert len(box.received) == 1
    record = site.record()
    assert again.stdout == (
        f"the follow-up of hanbit-2026-12 was already sent on {_shown_time(record.sent_at)} "
        "to minjun.kim@hanbit.example, seoyeon.lee@hanbit.example, gm@brightway.example; "
        "nothing sent (--force sends it again with the same Message-ID)\n")
    assert (site.out / "followup.eml").read_bytes() == copy     # the sent copy is kept
    assert record.attempts == 1


def test_force_sends_it_again_with_the_same_message_id(run, site):
    with Server() as box:
        site.configure(box.port)
        assert send(run, site).exit_code == 0
        forced = send(run, site, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert box.ids() == [HANBIT_ID, HANBIT_ID]
    assert forced.stdout.startswith("sent the follow-up of hanbit-2026-12 again to ")
    record = site.record()
    assert record.status == "sent" and record.attempts == 2


def test_force_needs_send(run, site):
    site.configure(free_port())
    result = run("--config", site.config, "followup", site.visit, "--force")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: --force only applies together with --send\n")


# ---------------------------------------------------------------- failures


def test_server_down_then_up_delivers_exactly_one(run, site):
    port = free_port()
    site.configure(port)
    down = send(run, site)
    assert down.exit_code == 1
    assert down.stdout == ""
    assert down.stderr == (f"visitplan: cannot reach the SMTP server 127.0.0.1:{port} "
                           "(Connection refused); nothing was sent, try again later\n")
    assert site.record() is None
    assert not (site.out / "followup.eml").exists()
    with Server(port=port) as box:
        assert send(run, site).exit_code == 0
        assert send(run, site).exit_code == 0
    assert box.ids() == [HANBIT_ID]


@pytest.mark.parametrize("where, reply, words", [
    ("rcpt", "550 5.1.1 <minjun.kim@hanbit.example>: Recipient address rejected",
     "the SMTP server 127.0.0.1:{port} refused every recipient ("
     "minjun.kim@hanbit.example: 550 5.1.1 <minjun.kim@hanbit.example>: Recipient address "
     "rejected; seoyeon.lee@hanbit.example: 550 5.1.1 <minjun.kim@hanbit.example>: "
     "Recipient address rejected; gm@brightway.example: 550 5.1.1 "
     "<minjun.kim@hanbit.example>: Recipient address rejected); nothing was sent"),
    ("data", "451 4.3.0 Mail server temporarily unavailable, try again later",
     "the SMTP server 127.0.0.1:{port} refused the message: 451 4.3.0 Mail server "
     "temporarily unavailable, try again later; nothing was sent"),
    ("data", "554 5.6.0 Message rejected as spam",
     "the SMTP server 127.0.0.1:{port} refused the message: 554 5.6.0 Message rejected as "
     "spam; nothing was sent"),
])
def test_a_refusal_exits_1_with_the_servers_words_and_records_nothing(run, site, where,
                                                                      reply, words):
    mailbox = Mailbox()
    if where == "rcpt":
        mailbox.refuse_rcpt = {a: reply for a in ("minjun.kim@hanbit.example",
                                                  "seoyeon.lee@hanbit.example",
                                                  "gm@brightway.example")}
    else:
        mailbox.refuse_data = reply
    with Server(mailbox=mailbox) as box:
        port = box.port
        site.configure(port)
        refused = send(run, site)
        assert refused.exit_code == 1
        assert refused.stderr == "visitplan: " + words.format(port=port) + "\n"
        assert box.received == []
        assert site.record() is None
        # the server accepts again: a later --send delivers it, once
        box.refuse_rcpt, box.refuse_data = {}, None
        assert send(run, site).exit_code == 0
        assert send(run, site).exit_code == 0
    assert box.ids() == [HANBIT_ID]


def test_one_refused_recipient_is_reported_and_the_rest_not_sent_twice(run, site):
    mailbox = Mailbox()
    mailbox.refuse_rcpt = {"gm@brightway.example": "550 5.1.1 No such user"}
    with Server(mailbox=mailbox) as box:
        site.configure(box.port)
        partly = send(run, site)
        assert partly.exit_code == 1
        assert partly.stderr == (
            f"visitplan: the follow-up of hanbit-2026-12 was sent as {HANBIT_ID} but the "
            "server refused some recipients (gm@brightway.example: 550 5.1.1 No such user); "
            "fix them, then send again with --send --force\n")
        assert send(run, site).exit_code == 0      # the guests got it: not again
    assert len(box.received) == 1
    assert box.received[0]["to"] == ["minjun.kim@hanbit.example",
                                     "seoyeon.lee@hanbit.example"]
    assert site.record().status == "sent"


# ---------------------------------------------------------------- TLS and login


def test_starttls_with_a_certificate_from_our_own_ca(run, site, tmp_path, monkeypatch):
    ca = TestCA(tmp_path / "ca")
    with Server(security="starttls", tls=ca) as box:
        site.configure(box.port, security="starttls")
        untrusted = send(run, site)
        assert untrusted.exit_code == 1
        assert untrusted.stderr.startswith(
            f"visitplan: the TLS certificate of the SMTP server 127.0.0.1:{box.port} cannot "
            "be trusted (")
        assert untrusted.stderr.endswith("); if your own CA signed it, set SSL_CERT_FILE to "
                                         "that CA's certificate file\n")
        assert site.record() is None
        monkeypatch.setenv("SSL_CERT_FILE", str(ca.ca_file))
        trusted = send(run, site)
    assert trusted.exit_code == 0, trusted.stderr
    assert box.ids() == [HANBIT_ID]


def test_starttls_refused_by_a_server_without_it(run, site):
    with Server() as box:
        site.configure(box.port, security="starttls")
        result = send(run, site)
    assert result.exit_code == 1
    assert result.stderr == (f"visitplan: the SMTP server 127.0.0.1:{box.port} cannot do "
                             "what smtp.security or smtp.username asks: STARTTLS extension "
                             "not supported by server.\n")
    assert box.received == []


def test_ssl_with_a_login(run, site, tmp_path, monkeypatch):
    ca = TestCA(tmp_path / "ca")
    monkeypatch.setenv("SSL_CERT_FILE", str(ca.ca_file))
    monkeypatch.setenv("VISITPLAN_SMTP_PASSWORD", PASSWORD)
    with Server(security="ssl", tls=ca, login=True) as box:
        site.configure(box.port, security="ssl", username=USER)
        result = send(run, site)
    assert result.exit_code == 0, result.stderr
    assert box.logins == [USER]
    assert box.ids() == [HANBIT_ID]


def test_starttls_login_reads_the_password_from_the_variable_the_config_names(
        run, site, tmp_path, monkeypatch):
    ca = TestCA(tmp_path / "ca")
    monkeypatch.setenv("SSL_CERT_FILE", str(ca.ca_file))
    monkeypatch.setenv("BRIGHTWAY_MAIL_PASSWORD", PASSWORD)
    with Server(security="starttls", tls=ca, login=True) as box:
        site.configure(box.port, security="starttls", username=USER,
                       password_env="BRIGHTWAY_MAIL_PASSWORD")
        result = send(run, site)
    assert result.exit_code == 0, result.stderr
    assert box.logins == [USER]
    assert len(box.received) == 1


def test_a_wrong_password_exits_1_with_a_clear_message(run, site, tmp_path, monkeypatch):
    ca = TestCA(tmp_path / "ca")
    monkeypatch.setenv("SSL_CERT_FILE", str(ca.ca_file))
    monkeypatch.setenv("VISITPLAN_SMTP_PASSWORD", "not-the-password")
    with Server(security="starttls", tls=ca, login=True) as box:
        site.configure(box.port, security="starttls", username=USER)
        result = send(run, site)
    assert result.exit_code == 1
    assert result.stderr == (
        f"visitplan: the SMTP server 127.0.0.1:{box.port} refused the login of 'visits': "
        "535 5.7.8 Authentication credentials invalid; check smtp.username and the password "
        "in $VISITPLAN_SMTP_PASSWORD\n")
    assert box.received == [] and box.logins == []
    assert site.record() is None


def test_a_missing_password_is_said_before_connecting(run, site):
    port = free_port()           # nothing listens: the check must come first
    site.configure(port, username=USER)
    result = send(run, site)
    assert result.exit_code == 2
    assert result.stderr == ("visitplan: smtp.username is 'visits' but the environment "
                             "variable VISITPLAN_SMTP_PASSWORD (smtp.password_env) holding the "
                             "password is not set\n")
    assert site.record() is None


# ---------------------------------------------------------------- crash leftovers


def test_a_leftover_sending_mark_is_resolved_by_one_resend(run, site):
    with State(site.state) as state:       # a run died after marking, before finishing
        assert state.begin_send(HANBIT_ID, "followup", ["minjun.kim@hanbit.example"],
                                visit="hanbit-2026-12")
        started = state.mail(HANBIT_ID).started_at
    with Server() as box:
        site.configure(box.port)
        result = send(run, site)
        assert send(run, site).exit_code == 0
    assert result.exit_code == 0, result.stderr
    assert box.ids() == [HANBIT_ID]
    assert result.stdout.startswith(
        "an earlier attempt to send the follow-up of hanbit-2026-12 (started "
        f"{_shown_time(started)}) did not finish; sending it again under the same "
        "Message-ID\nsent the follow-up of hanbit-2026-12 to ")
    record = site.record()
    assert record.status == "sent" and record.attempts == 2


def test_overlapping_senders_deliver_once(site, tmp_path):
    """Two runs sending the same message at the same moment (cron and a person) take turns:
    the second finds it sent, not a leftover to resend."""
    from visitplan.api import Session
    from visitplan.mail.followup import send_followup

    mailbox = Mailbox()
    mailbox.delay = 0.5
    results, errors = [], []
    with Server(mailbox=mailbox) as box:
        site.configure(box.port)
        session = Session.open(str(site.config))
        visit = session.load_visit(site.visit)

        def one():
            try:
                with State(site.state) as state:
                    results.append(send_followup(session, visit, state))
            except Exception as exc:      # reported below
                errors.append(exc)

        threads = [threading.Thread(target=one) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert errors == []
    assert sorted(r.sent for r in results) == [False, True]
    assert box.ids() == [HANBIT_ID]


# ---------------------------------------------------------------- header injection


def test_crlf_in_a_guest_name_in_the_visit_file_is_refused(run, site):
    text = site.visit.read_text(encoding="utf-8").replace(
        "  - name: 김민준\n", '  - name: "김민준\\r\\nBcc: spy@evil.example"\n')
    site.visit.write_text(text, encoding="utf-8")
    with Server() as box:
        site.configure(box.port)
        result = send(run, site)
    assert result.exit_code == 2
    assert result.stderr == (f"{site.visit}:20:11: guests[0].name: must be on one line (line "
                             "breaks are not allowed here)\n")
    assert box.received == []
    assert site.record() is None


@pytest.mark.parametrize("field, value, shown", [
    ("name", "김민준\r\nBcc: spy@evil.example", "20:11: guests[0].name"),
    ("name", "김민준\nBcc: spy@evil.example", "20:11: guests[0].name"),
    ("name", "김민준\u2028Bcc: spy@evil.example", "20:11: guests[0].name"),
    ("email", "minjun.kim@hanbit.example\r\nBcc: spy@evil.example",
     "27:12: guests[0].email"),
])
def test_crlf_reaching_a_header_from_a_built_visit_is_refused_before_sending(
        site, field, value, shown):
    from visitplan.api import Session
    from visitplan.mail.followup import send_followup

    with Server() as box:
        site.configure(box.port)
        session = Session.open(str(site.config))
        visit = session.load_visit(site.visit)
        setattr(visit.guests[0], field, value)
        if field == "email":          # as if it had been in the file: to defaults to it
            visit.followup.to[0] = value
        with State(site.state) as state, pytest.raises(InputError) as caught:
            send_followup(session, visit, state)
    assert str(caught.value).startswith(f"{site.visit}:{shown}: ")
    assert "line break" in str(caught.value)
    assert box.received == []
    assert site.record() is None


def _raw_message(headers: list[tuple[str, str]]) -> EmailMessage:
    """A message built without the header checks of the default policy, as careless code
    might build one: deliver must still refuse it."""
    msg = EmailMessage(policy=policy.compat32)
    for name, value in headers:
        msg._headers.append((name, value))
    msg.set_payload("hello\n")
    return msg


GOOD = [("From", SENDER), ("To", "guest@example.com"), ("Subject", "Hello"),
        ("Date", "Fri, 11 Dec 2026 09:00:00 +0800"),
        ("Message-ID", mail.message_id("test", "1", domain="brightway.example"))]


@pytest.mark.parametrize("header, value, expected", [
    ("Subject", "Hello\r\nBcc: spy@evil.example",
     "Subject header: 'Hello\\r\\nBcc: spy@evil.example' contains a line break or control "
     "character; nothing was sent"),
    ("To", "guest@example.com\nBcc: spy@evil.example",
     "To header: 'guest@example.com\\nBcc: spy@evil.example' contains a line break or "
     "control character; nothing was sent"),
    ("To", "Kim\r <guest@example.com>",
     "To header: 'Kim\\r <guest@example.com>' contains a line break or control character; "
     "nothing was sent"),
    ("To", "not an address",
     "To header: 'not an address' is not a valid list of addresses (addr-spec local part "
     "with no domain); nothing was sent"),
    ("To", "guest@example..com",
     "To header: 'guest@example..com' is not a valid list of addresses (invalid address in "
     "address-list); nothing was sent"),
    ("To", "guest@localhost",
     "To header: 'guest@localhost' is not a valid email address (like name@example.com); "
     "nothing was sent"),
    ("Message-ID", "<no domain>",
     "Message-ID header: '<no domain>' is not like <id@domain>; nothing was sent"),
])
def test_deliver_refuses_a_bad_header_before_anything_is_sent_or_recorded(
        site, header, value, expected):
    from visitplan.api import Session

    msg = _raw_message([(h, value if h == header else v) for h, v in GOOD])
    with Server() as box:
        site.configure(box.port)
        session = Session.open(str(site.config))
        with State(site.state) as state:
            with pytest.raises(InputError) as caught:
                mail.deliver(msg, session.config, state, kind="test")
            assert state.unfinished() == []
            assert state.mail(GOOD[-1][1]) is None
    assert str(caught.value) == expected
    assert box.received == []


def test_deliver_is_generic_and_sends_a_hand_made_message_once(site):
    """The cron digest uses deliver too: any well-formed message, its own kind and keys."""
    from visitplan.api import Session

    msg = EmailMessage(policy=policy.SMTP)
    for name, value in GOOD:
        msg[name] = value
    del msg["To"]
    msg["To"] = "Sales <sales@brightway.example>"
    msg.set_content("3 tasks due today\n")
    with Server() as box:
        site.configure(box.port)
        session = Session.open(str(site.config))
        with State(site.state) as state:
            first = mail.deliver(msg, session.config, state, kind="digest",
                                 department="sales", day="2026-12-07")
            second = mail.deliver(msg, session.config, state, kind="digest",
                                  department="sales", day="2026-12-07")
            record = state.mail(msg["Message-ID"])
    assert first.sent and not second.sent
    assert second.sent_at == first.sent_at == record.sent_at
    assert first.recipients == ["sales@brightway.example"]
    assert (record.kind, record.department, record.day) == ("digest", "sales", "2026-12-07")
    assert len(box.received) == 1


def test_send_message_reports_a_timeout(site):
    """A server that accepts the connection but never speaks."""
    import socket

    from visitplan.api import Session

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        site.configure(port)
        text = site.config.read_text().replace("timeout: 10", "timeout: 1")
        site.config.write_text(text)
        session = Session.open(str(site.config))
        msg = EmailMessage(policy=policy.SMTP)
        for name, value in GOOD:
            msg[name] = value
        with pytest.raises(SendError) as caught:
            mail.send_message(msg, session.config, environ={})
    assert str(caught.value) == (f"the SMTP server 127.0.0.1:{port} did not answer within 1 "
                                 "seconds; nothing was sent, try again later")


def test_one_connection_serves_a_pass_and_is_opened_again_when_dropped(site):
    """An Outbox sends several messages over one connection; when the server went away
    between two messages (restarted), the next message opens a new connection."""
    from visitplan.api import Session

    def message(n):
        msg = EmailMessage(policy=policy.SMTP)
        for name, value in GOOD:
            msg[name] = value if name != "Message-ID" else f"<m{n}@brightway.example>"
        msg.set_content(f"message {n}\n")
        return msg

    box = Mailbox()
    port = free_port()
    site.configure(port)
    session = Session.open(str(site.config))
    with mail.Outbox(session.config, environ={}) as outbox:
        with Server(port=port, mailbox=box):
            mail.send_message(message(1), session.config, outbox=outbox)
            first = outbox.client
            mail.send_message(message(2), session.config, outbox=outbox)
            assert outbox.client is first               # the same connection
        with Server(port=port, mailbox=box):
            mail.send_message(message(3), session.config, outbox=outbox)
            assert outbox.client is not first
    assert box.ids() == ["<m1@brightway.example>", "<m2@brightway.example>",
                         "<m3@brightway.example>"]


# ---------------------------------------------------------------- helpers


def _shown_time(stamp: str) -> str:
    import datetime as dt
    from zoneinfo import ZoneInfo

    return dt.datetime.fromisoformat(stamp).astimezone(ZoneInfo("Asia/Shanghai")).strftime(
        "%Y-%m-%d %H:%M %z")


@pytest.mark.parametrize("subject", [
    "Ihr Besuch bei Brightway Lighting Co., Ltd. (Dienstag, 16. März – Mittwoch, 17. März "
    "2027): Programm und Ansprechpartner",
    "Su visita a Brightway Lighting Co., Ltd. (martes, 16 de marzo – miércoles, 17 de marzo "
    "de 2027): programa y contactos",
    "深圳明辉照明有限公司感谢您的来访：会议纪要与照片（2026年12月8日至10日）",
    "Cảm ơn Quý khách đã đến thăm Brightway Lighting Co., Ltd.: biên bản và hình ảnh"])
def test_a_subject_in_any_language_reads_back_exactly(subject):
    """The standard library's folding drops or doubles spaces around encoded words; the
    policy encodes such a Subject whole, so every reader shows it as written."""
    msg = mail.new_message()
    msg["Subject"] = subject
    msg.set_content("x")
    raw = msg.as_bytes()
    assert raw.isascii() and all(len(line) <= 78 for line in raw.split(b"\r\n"))
    assert message_from_bytes(raw, policy=policy.default)["Subject"] == subject
