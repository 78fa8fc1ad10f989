"""The guests' pre-arrival email (issue 14): sent once by `run --send` across runs, overlaps
and crashes like the follow-up, never after arrival, reported when planned too late; the
itinerary PDF and the calendar attached; the wording in the guest's language. And the run
wiring of the staff calendars.

Real SMTP server (aiosmtpd on 127.0.0.1), real SQLite state file, real processes for the
overlap and SIGKILL cases, real PDF text extraction (pdftotext) and .ics parsing.
"""
from __future__ import annotations

import datetime as dt
import email
import json
import os
import signal
import time
from email import policy

import pytest
from cron_helpers import HANBIT, HANBIT_ARRIVAL, Site, pin_today, spawn_send
from mail_helpers import Mailbox, Server
from sign_helpers import pdf_text

from visitplan.cli import main
from visitplan.cron.state import State
from visitplan.text.i18n import strings

DUE = HANBIT_ARRIVAL - dt.timedelta(days=3)         # Saturday 5 Dec: no digests that day
ADDRESS = "广东省深圳市南山区高新南七道18号"


class Watched(Mailbox):
    """A mailbox that counts the messages whose DATA has begun (before it answers)."""

    entered = 0

    async def handle_DATA(self, server, session, envelope):
        self.entered += 1
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp():
    with Server(mailbox=Watched()) as box:
        yield box


@pytest.fixture
def site(tmp_path, smtp):
    site = Site(tmp_path, smtp.port)
    visit = site.visits / "hanbit.yaml"
    visit.write_text(visit.read_text(encoding="utf-8").replace(
        "  company_local: 深圳明辉照明有限公司\n",
        f"  company_local: 深圳明辉照明有限公司\n  address_local: {ADDRESS}\n"),
        encoding="utf-8")
    return site


def prearrivals(smtp) -> list:
    return [m for m in smtp.messages if m["Message-ID"].startswith("<prearrival.")]


def set_language(site, lang: str) -> None:
    visit = site.visits / "hanbit.yaml"
    visit.write_text(visit.read_text(encoding="utf-8").replace("language: ko\n",
                                                               f"language: {lang}\n"),
                     encoding="utf-8")


# ------------------------------------------------------------------ once


def test_sent_once_across_runs_from_its_day_on_and_kept(site, smtp):
    early = site.send(DUE - dt.timedelta(days=1))
    assert early.prearrivals_sent == [] and prearrivals(smtp) == []
    first = site.send(DUE)
    assert not first.failed, first.errors
    assert [p["visit"] for p in first.prearrivals_sent] == [HANBIT]
    sent = first.prearrivals_sent[0]
    assert sent["recipients"] == ["minjun.kim@hanbit.example", "seoyeon.lee@hanbit.example"]
    assert sent["late"] is False and first.errors == []
    for day in (DUE, DUE + dt.timedelta(days=1)):
        again = site.send(day)
        assert again.prearrivals_sent == [] and again.skipped == [], again.skipped
    assert len(prearrivals(smtp)) == 1
    copy = site.out / HANBIT / "sent" / f"prearrival-{DUE}.eml"
    assert sent["copy"] == str(copy)
    kept = email.message_from_bytes(copy.read_bytes(), policy=policy.default)
    assert kept["Message-ID"] == prearrivals(smtp)[0]["Message-ID"] == sent["message_id"]
    assert (site.out / HANBIT / "prearrival.eml").is_file()
    with State(site.state) as state:
        assert state.mail(sent["message_id"]).status == "sent"
        assert state.mail(sent["message_id"]).kind == "prearrival"


def test_two_overlapping_runs_send_it_once(site, smtp):
    smtp.delay = 0.3
    procs = [spawn_send(site, DUE) for _ in range(2)]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert len(prearrivals(smtp)) == 1


def test_a_run_killed_while_sending_then_a_normal_run_delivers_it(site, smtp):
    """SIGKILL while the server holds the message, then a normal run: it arrives, and a
    duplicate (the server took it after all) carries the same Message-ID."""
    smtp.delay = 2.0
    proc = spawn_send(site, DUE)
    deadline = time.monotonic() + 120
    while not smtp.entered and time.monotonic() < deadline:
        time.sleep(0.02)
    assert smtp.entered, "the run reached the SMTP server"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with State(site.state) as state:
        assert [r.kind for r in state.unfinished()] == ["prearrival"]
    smtp.delay = 0.0
    after = site.send(DUE)
    assert not after.failed, after.errors
    assert len(after.prearrivals_sent) == 1
    ids = [m["Message-ID"] for m in prearrivals(smtp)]
    assert 1 <= len(ids) <= 2 and len(set(ids)) == 1
    assert site.send(DUE).prearrivals_sent == []


# ------------------------------------------------------------------ too late


def test_never_sent_after_arrival_and_reported_once(site, smtp):
    on_the_day = site.send(HANBIT_ARRIVAL)       # a day taken as today counts to its end
    assert on_the_day.prearrivals_sent == [] and not on_the_day.failed
    assert [s["kind"] for s in on_the_day.skipped] == ["prearrival"]
    assert on_the_day.skipped[0]["reason"] == (
        "pre-arrival email not sent: the guests arrived at 2026-12-08 10:35 before a run "
        "could send it (it was due on 2026-12-05, 3 days before); it is never sent after "
        "arrival")
    later = site.send(HANBIT_ARRIVAL + dt.timedelta(days=1))
    assert [s for s in later.skipped if s["kind"] == "prearrival"] == []
    assert prearrivals(smtp) == []


def test_a_visit_planned_too_late_is_sent_and_reported(runner, site, smtp, monkeypatch):
    day = HANBIT_ARRIVAL - dt.timedelta(days=1)   # the visit first appears the day before
    pin_today(monkeypatch, day)
    result = runner.invoke(main, ["--config", str(site.config), "run", str(site.visits),
                                  "--send", "--date", day.isoformat(), "--json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [p["visit"] for p in report["prearrivals_sent"]] == [HANBIT]
    assert report["prearrivals_sent"][0]["late"] is True
    warning = (f"visitplan: {HANBIT}: the pre-arrival email went out on 2026-12-07, 2 days "
               "after it was due (2026-12-05, 3 days before the arrival on 2026-12-08): the "
               "visit was planned, or the runs came, too late for it")
    assert result.stderr.splitlines() == [warning]
    assert [e["severity"] for e in report["errors"]] == ["warning"]
    assert len(prearrivals(smtp)) == 1
    strict = runner.invoke(main, ["--config", str(site.config), "run", str(site.visits),
                                  "--send", "--date", day.isoformat(), "--strict"])
    assert strict.exit_code == 0 and strict.stderr == ""     # sent: nothing more to say


def test_the_command_refuses_after_arrival_and_sends_once_before(runner, site, smtp,
                                                                  monkeypatch):
    args = ["--config", str(site.config), "prearrival", str(site.visits / "hanbit.yaml")]
    pin_today(monkeypatch, HANBIT_ARRIVAL + dt.timedelta(days=1))
    refused = runner.invoke(main, [*args, "--send", "--force"])
    assert refused.exit_code == 2
    assert "never sent after arrival" in refused.stderr and prearrivals(smtp) == []
    pin_today(monkeypatch, HANBIT_ARRIVAL - dt.timedelta(days=10))
    draft = runner.invoke(main, args)
    assert draft.exit_code == 0, draft.stderr
    assert (site.out / HANBIT / "prearrival.eml").is_file() and smtp.messages == []
    sent = runner.invoke(main, [*args, "--send"])
    assert sent.exit_code == 0, sent.stderr
    assert sent.stdout.startswith(f"sent the pre-arrival email of {HANBIT} to "
                                  "minjun.kim@hanbit.example, seoyeon.lee@hanbit.example")
    again = runner.invoke(main, [*args, "--send"])
    assert "was already sent" in again.stdout and len(prearrivals(smtp)) == 1
    # run sends nothing more on its day: the same message, by its Message-ID
    assert site.send(DUE).prearrivals_sent == []
    forced = runner.invoke(main, [*args, "--send", "--force"])
    assert forced.exit_code == 0, forced.stderr
    ids = [m["Message-ID"] for m in prearrivals(smtp)]
    assert len(ids) == 2 and len(set(ids)) == 1


# ------------------------------------------------------------------ content


def _draft(runner, site, tmp_path):
    out = tmp_path / "draft"
    result = runner.invoke(main, ["--config", str(site.config), "prearrival",
                                  str(site.visits / "hanbit.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    return email.message_from_bytes((out / "prearrival.eml").read_bytes(),
                                    policy=policy.default)


def test_the_itinerary_pdf_and_the_calendar_are_attached(runner, site, tmp_path):
    import icalendar

    msg = _draft(runner, site, tmp_path)
    parts = {p.get_filename(): p for p in msg.iter_attachments()}
    assert set(parts) == {"itinerary.pdf", "itinerary.ics"}
    assert parts["itinerary.pdf"].get_content_type() == "application/pdf"
    pdf = tmp_path / "itinerary.pdf"
    pdf.write_bytes(parts["itinerary.pdf"].get_content())
    text = pdf_text(pdf)
    assert "김민준" in text and "OZ369" in text and "Plant 2" in text
    calendar = icalendar.Calendar.from_ical(parts["itinerary.ics"].get_content())
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) >= 5                     # the five schedule items, arrival, departure
    assert any("OZ369" in str(e.get("SUMMARY")) for e in events)
    assert not (site.out / HANBIT / "itinerary.pdf").exists(), "the output folder is untouched"


EXPECTED = {
    "ko": ["김민준 님, 이서연 님, 안녕하십니까.",
           "도착 시 Shenzhen Bao'an Airport T3에서 Li Wei (李伟) 님이 맞이해 드립니다.",
           "전화: +86 138 0000 0000", "Hilton Shenzhen Shekou Nanhai에 객실을 예약해 두었습니다.",
           "택시로 오실 때는 아래 내용을 기사님께 보여 주십시오."],
    "en": ["Dear Mr Kim and Ms Lee,",
           "Li Wei (李伟) will meet you at Shenzhen Bao'an Airport T3 on your arrival "
           "(Flight OZ369 from Seoul Incheon (ICN), Tue 8 Dec 2026, 10:35).",
           "Li Wei (李伟), Sales Manager", "Phone: +86 138 0000 0000",
           "We have booked your room at Hilton Shenzhen Shekou Nanhai.",
           "To come to us by taxi, show the driver these lines:"],
    "zh": ["尊敬的Kim先生、Lee女士：", "李伟将在Shenzhen Bao'an Airport T3迎接各位（",
           "李伟，Sales Manager", "电话：+86 138 0000 0000",
           "我们已为各位预订Hilton Shenzhen Shekou Nanhai。",
           "乘出租车前来时，请将以下内容出示给司机："],
    "ja": ["Kim様、Lee様\n"],     # the greeting of ja.yaml; the rest as its file has it
}


@pytest.mark.parametrize("lang", ["ko", "en", "zh", "ja"])
def test_greeting_and_body_in_the_guests_language(runner, site, tmp_path, lang):
    set_language(site, lang)
    msg = _draft(runner, site, tmp_path)
    body = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = msg.get_body(("html",)).get_content()
    assert msg["Content-Language"] == lang
    assert f'<html lang="{lang}">' in html
    for line in EXPECTED.get(lang, []):
        assert line in body, (line, body)
    # the taxi lines in the local script, whatever the reader's language
    assert f"    深圳明辉照明有限公司\n    {ADDRESS}\n" in body
    # every heading from the locale file of the language (English where it has none yet)
    for key in ("mail.pre.heading_meet", "mail.pre.heading_contact", "mail.pre.heading_hotel",
                "mail.pre.heading_taxi"):
        texts = strings()[key]
        assert (texts.get(lang) or texts["en"]) + "\n" in body


# ------------------------------------------------------------------ run wiring


def test_a_run_writes_the_staff_calendars_and_the_next_keeps_their_uids(site, smtp):
    import icalendar

    from visitplan.cron import run as cron

    day = DUE - dt.timedelta(days=1)
    first = cron.run(site.session(), [site.visits], day, jobs=1, today=day)
    assert not first.failed, first.errors
    folder = site.out / "calendars"
    names = sorted(p.name for p in folder.glob("*.ics"))
    assert names == sorted(f"{d}.ics" for d in ("sales", "admin", "factory", "hr",
                                                 "leader", "reception"))

    def uids(name):
        cal = icalendar.Calendar.from_ical((folder / name).read_bytes())
        return {str(e["UID"]): int(e.get("SEQUENCE", 0)) for e in cal.walk("VEVENT")}

    before = uids("sales.ics")
    assert any("-task-" in uid for uid in before)
    second = cron.run(site.session(), [site.visits], day, jobs=1, today=day)
    assert not second.failed and second.unchanged == [HANBIT]
    assert uids("sales.ics") == before          # same UIDs, nothing changed: same SEQUENCE


def test_a_dry_run_lists_it_and_changes_nothing(runner, site, smtp, monkeypatch):
    pin_today(monkeypatch, DUE)
    args = ["--config", str(site.config), "run", str(site.visits), "--send", "--dry-run",
            "--date"]
    result = runner.invoke(main, [*args, DUE.isoformat()])
    assert result.exit_code == 0, result.stderr
    assert (f"would send the pre-arrival email of {HANBIT} to minjun.kim@hanbit.example, "
            "seoyeon.lee@hanbit.example") in result.stdout.splitlines()
    after = runner.invoke(main, [*args, (HANBIT_ARRIVAL + dt.timedelta(days=1)).isoformat()])
    assert "pre-arrival email not sent: the guests arrived" in after.stdout
    assert smtp.messages == []
    with State(site.state) as state:      # a dry run records no notice: a real run says it
        assert state.noticed(HANBIT, "prearrival-missed") is None
