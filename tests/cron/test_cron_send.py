"""The sending half of `run` (and `followup --send`): no mail lost, none sent twice, none
sent too late or too early, every sent message kept, and run-time failures said in one
plain line.

Real SMTP server (aiosmtpd on 127.0.0.1), real SQLite state file; the sending half runs
alone (no PDF is rendered) except in the one test about the command's own output.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess

import pytest
from cron_helpers import HANBIT, HANBIT_ARRIVAL, HANBIT_SEND_ON, Site, pin_today
from mail_helpers import free_port

from visitplan.cli import main
from visitplan.cron.report import line_of
from visitplan.cron.state import State
from visitplan.mail.ids import SETTING

BEFORE = HANBIT_ARRIVAL - dt.timedelta(days=4)     # a Friday: a working day


@pytest.fixture
def site(tmp_path, smtp):
    return Site(tmp_path, smtp.port)


def followups(smtp):
    return [m for m in smtp.messages if "minjun.kim@hanbit.example" in m["To"]]


# ------------------------------------------------------------------ identity


def test_changing_smtp_from_resends_nothing(site, smtp):
    first = site.send(HANBIT_SEND_ON)
    assert not first.failed, first.errors
    assert len(first.followups_sent) == 1 and first.reminders_sent
    sent = len(smtp.messages)
    domain = first.followups_sent[0]["message_id"].rpartition("@")[2].rstrip(">")
    assert domain == "brightway.example"            # fixed at first use, from smtp.from
    site.configure(smtp.port, sender="Visits <noreply@new-name.example>")
    again = site.send(HANBIT_SEND_ON)
    assert not again.failed, again.errors
    assert again.followups_sent == [] and again.reminders_sent == []
    assert len(smtp.messages) == sent
    with State(site.state) as state:
        assert state.setting(SETTING) == "brightway.example"


def test_message_id_domain_of_the_configuration_names_every_message(site, smtp):
    site.configure(smtp.port, extra="message_id_domain: ids.brightway.example\n")
    report = site.send(HANBIT_SEND_ON)
    assert not report.failed, report.errors
    assert smtp.ids() and all(i.endswith("@ids.brightway.example>") for i in smtp.ids())


# ------------------------------------------------------------------ too late, too early


def test_a_lost_state_store_does_not_resend_old_followups(site, smtp):
    assert len(site.send(HANBIT_SEND_ON).followups_sent) == 1
    site.state.unlink()                             # the store is lost
    month_later = HANBIT_SEND_ON + dt.timedelta(days=30)
    report = site.send(month_later)
    assert report.followups_sent == [] and not report.failed
    assert [s["visit"] for s in report.stale] == [HANBIT]
    assert report.stale[0]["send_on"] == "2026-12-11"
    assert "more than 7" in report.stale[0]["reason"]
    assert "--force" in report.stale[0]["reason"]
    assert len(followups(smtp)) == 1
    assert "stale" in report.as_json()
    forced = site.send(month_later, force=True)
    assert len(forced.followups_sent) == 1
    assert len(followups(smtp)) == 2
    assert len(set(m["Message-ID"] for m in followups(smtp))) == 1    # the same message


def test_a_followup_a_week_late_is_still_sent(site, smtp):
    report = site.send(HANBIT_SEND_ON + dt.timedelta(days=7))
    assert len(report.followups_sent) == 1 and report.stale == []


def test_digests_are_not_sent_for_a_day_already_past(site, smtp):
    report = site.send(BEFORE, today=BEFORE + dt.timedelta(days=1))
    assert report.reminders_sent == [] and smtp.messages == []
    assert report.stale[0]["kind"] == "digests" and "that day is past" in \
        report.stale[0]["reason"]
    assert report.reasons() == [f"digests: digests of {BEFORE} not sent: that day is past "
                                f"(today is {BEFORE + dt.timedelta(days=1)}); digests are "
                                "for the day they are sent, and --force sends them anyway"]
    forced = site.send(BEFORE, today=BEFORE + dt.timedelta(days=1), force=True)
    assert forced.reminders_sent and len(smtp.messages) == len(forced.reminders_sent)


def test_followup_send_before_the_departure_day_is_refused(run, site, smtp, monkeypatch):
    visit = site.visits / "hanbit.yaml"
    pin_today(monkeypatch, dt.date(2026, 12, 1))
    early = run("--config", site.config, "followup", visit, "--send")
    assert early.exit_code == 2
    assert early.stderr == (f"visitplan: {visit}: the follow-up thanks the guests for their "
                            "visit, which ends on 2026-12-10; it may be sent from 2026-12-10 "
                            "on (--force sends it now)\n")
    assert smtp.messages == []
    forced = run("--config", site.config, "followup", visit, "--send", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert len(followups(smtp)) == 1
    pin_today(monkeypatch, dt.date(2026, 12, 10))
    on_the_day = run("--config", site.config, "followup", visit, "--send")
    assert on_the_day.exit_code == 0 and "already sent" in on_the_day.stdout


# ------------------------------------------------------------------ copies


def test_every_sent_message_is_kept_and_never_overwritten(run, site, smtp, monkeypatch):
    report = site.send(HANBIT_SEND_ON)
    assert not report.failed, report.errors
    kept = list((site.out / HANBIT / "sent").glob("followup-*.eml"))
    assert len(kept) == 1
    original = kept[0].read_bytes()
    assert original.replace(b"\r\n", b"\n") == \
        followups(smtp)[0].as_bytes().replace(b"\r\n", b"\n")
    digests = sorted((site.out / "_digests" / "sent").glob("*.eml"))
    assert [p.name for p in digests] == sorted(
        f"{r['department']}-{HANBIT_SEND_ON}.eml" for r in report.reminders_sent)
    # a later draft does not touch the sent copy; a forced resend is kept beside it
    pin_today(monkeypatch, HANBIT_SEND_ON)
    assert run("--config", site.config, "followup", site.visits / "hanbit.yaml").exit_code == 0
    assert kept[0].read_bytes() == original
    assert run("--config", site.config, "followup", site.visits / "hanbit.yaml", "--send",
               "--force").exit_code == 0
    assert kept[0].read_bytes() == original
    both = {p.name for p in (site.out / HANBIT / "sent").glob("followup-*.eml")}
    assert both == {kept[0].name, kept[0].name.replace(".eml", "-2.eml")}


def test_digests_say_they_are_automatic(site, smtp):
    report = site.send(BEFORE)
    digests = [m for m in smtp.messages if m not in followups(smtp)]
    assert digests and len(digests) == len(report.reminders_sent)
    for m in digests:
        assert m["Auto-Submitted"] == "auto-generated"


# ------------------------------------------------------------------ failures


def test_a_server_down_is_one_line_for_one_cause(site, smtp):
    port = free_port()
    site.configure(port)
    report = site.send(HANBIT_SEND_ON)
    assert len(report.errors) == 1, report.errors
    line = line_of(report.errors[0])
    assert line.startswith(f"visitplan: {site.config}: smtp: cannot reach the SMTP server "
                           f"127.0.0.1:{port} (Connection refused); nothing was sent")
    assert "1 follow-up not sent" in line and "digest" in line
    assert report.errors[0]["field"] == "smtp"
    site.configure(smtp.port)
    after = site.send(HANBIT_SEND_ON)
    assert not after.failed and len(after.followups_sent) == 1


def test_a_timeout_after_the_message_was_handed_over_may_have_delivered_it(site, smtp):
    site.configure(smtp.port, timeout=1)
    smtp.delay = 2.5                     # the server takes the data, answers too late
    report = site.send(HANBIT_SEND_ON)
    assert report.failed
    messages = [e["message"] for e in report.errors]
    assert any("did not confirm it within 1 seconds: it may have been delivered; the next "
               "run resends it with the same Message-ID" in m for m in messages), messages
    assert not any("nothing was sent" in m for m in messages)
    smtp.delay = 0
    site.configure(smtp.port)
    again = site.send(HANBIT_SEND_ON)
    assert not again.failed, again.errors
    ids = smtp.ids()
    assert len(followups(smtp)) >= 1
    for message_id in set(ids):
        assert ids.count(message_id) <= 2           # at worst one duplicate, same ID


def _immutable(path, on: bool) -> None:
    """Make a file unwritable even for root (chattr), or writable again."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i" if on else "-i", str(path)], check=True)
    else:
        path.chmod(0o444 if on else 0o644)


@pytest.mark.skipif(shutil.which("chattr") is None and os.geteuid() == 0,
                    reason="root needs chattr to make a file unwritable")
def test_an_unwritable_state_file_is_a_plain_state_error(run, site, smtp, monkeypatch):
    with State(site.state) as state:
        state.tick("other-visit", "some-task")
    for leftover in site.state.parent.glob("state.sqlite3-*"):
        leftover.unlink()
    pin_today(monkeypatch, HANBIT_SEND_ON)
    visit = site.visits / "hanbit.yaml"
    _immutable(site.state, True)
    try:
        results = [run("--config", site.config, "done", visit, "ft-gifts-request"),
                   run("--config", site.config, "followup", visit, "--send"),
                   run("--config", site.config, "run", site.visits, "--send", "--date",
                       str(HANBIT_SEND_ON))]
    finally:
        _immutable(site.state, False)
    for result in results:
        assert result.exit_code == 1, result.stderr
        assert result.stderr.startswith("visitplan: ")
        assert str(site.state) in result.stderr
        assert "read-only" in result.stderr or "readonly" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert smtp.messages == []


def test_run_says_why_it_skipped_and_reports_an_output_folder_that_is_a_file(runner, site,
                                                                             smtp):
    """The command itself: a follow-up skipped for want of minutes is
    explained at the default verbosity; an output folder that is a file is one line."""
    text = (site.visits / "hanbit.yaml").read_text(encoding="utf-8")
    head, _, tail = text.partition("\nminutes:\n")
    rest = tail.split("\nfollowup:", 1)[1]
    (site.visits / "hanbit.yaml").write_text(head + "\nfollowup:" + rest, encoding="utf-8")
    site.out.write_text("not a folder")
    args = ["--config", str(site.config), "run", str(site.visits), "--send", "--date",
            str(HANBIT_SEND_ON)]
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "internal error" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == (f"visitplan: {site.config}: output: {site.out}: the output folder is "
                        "a file, so no documents can be written there; nothing was built")
    # the mail went out all the same; that its copies could not be kept is one more line
    assert len(lines) == 2 and "could not be kept: Not a directory" in lines[1]
    assert smtp.messages
    # the pre-arrival email, which the guests' arrival on 12-08 made too late, is said once
    assert "skipped 2" in result.stdout
    assert (f"{HANBIT}: pre-arrival email not sent: the guests arrived at 2026-12-08 10:35 "
            "before a run could send it" in result.stdout)
    assert (f"{HANBIT}: follow-up not sent: no `minutes:` in {site.visits / 'hanbit.yaml'}"
            in result.stdout)
    as_json = json.loads(runner.invoke(main, [*args, "--json"]).stdout)
    assert [s["kind"] for s in as_json["skipped"]] == ["followup"]
    assert as_json["skipped"][0]["visit"] == HANBIT
    assert set(as_json["errors"][0]) == {"visit", "file", "line", "column", "field",
                                         "message", "severity"}


def test_two_visits_with_one_id_are_both_refused_naming_each_other(site, smtp):
    """Two `hanbit.yaml` without `id:` in different folders get the same id: neither is
    mailed (they would share one follow-up record and one output folder)."""
    text = (site.visits / "hanbit.yaml").read_text(encoding="utf-8")
    text = text.replace("id: hanbit-2026-12\n", "")
    (site.visits / "hanbit.yaml").write_text(text, encoding="utf-8")
    (site.visits / "other").mkdir()
    shutil.copytree(site.visits / "photos", site.visits / "other" / "photos")
    (site.visits / "other" / "hanbit.yaml").write_text(text, encoding="utf-8")
    report = site.send(HANBIT_SEND_ON)
    assert report.failed and report.followups_sent == []
    files = {e["file"]: e for e in report.errors}
    one, two = str(site.visits / "hanbit.yaml"), str(site.visits / "other" / "hanbit.yaml")
    assert set(files) == {one, two}
    assert two in files[one]["message"] and one in files[two]["message"]
    assert files[one]["field"] == "id"
    assert followups(smtp) == []
