"""due, done and run: reminders by department and follow-ups, each sent once.

Real components: an SMTP server on 127.0.0.1 (aiosmtpd), a real SQLite state file, and
real processes for the overlap and SIGKILL cases. Only the tests about building render
documents; the send-once tests run the sending half of `run` alone (build=False).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from cron_helpers import CONFIG, EXAMPLES, HANBIT_ARRIVAL, SENDER, spawn_send
from mail_helpers import free_port

from visitplan.api import Session
from visitplan.cli import main
from visitplan.cron import run as cron
from visitplan.documents.render_cache import ENV as RENDER_CACHE


@pytest.fixture
def site(tmp_path, smtp, monkeypatch):
    """A visits folder with the Korean example, a configuration and a state file."""
    visits = tmp_path / "visits"
    visits.mkdir()
    shutil.copy(EXAMPLES / "hanbit-korean.yaml", visits / "hanbit.yaml")
    shutil.copytree(EXAMPLES / "photos", visits / "photos")
    config = tmp_path / "visitplan.yaml"

    def point_smtp_at(port: int) -> None:
        config.write_text(CONFIG.format(port=port, sender=SENDER, timeout=10),
                          encoding="utf-8")

    point_smtp_at(smtp.port)
    monkeypatch.chdir(tmp_path / "visits")      # cron runs in some other folder
    return {"root": tmp_path, "visits": visits, "config": config,
            "state": tmp_path / "state" / "state.sqlite3", "point_smtp_at": point_smtp_at}


def cli(runner, site, *args):
    return runner.invoke(main, ["--config", str(site["config"]), *args])


def run_cli(runner, site, day: dt.date, *extra):
    return cli(runner, site, "run", str(site["visits"]), "--date", day.isoformat(),
               "--send", "--jobs", "1", "--json", *extra)


# ------------------------------------------------------------------ due and done

def test_due_lists_tasks_of_the_day_and_overdue_ones_by_department(runner, site):
    # Friday 4 Dec: three days before arrival is Saturday 5 Dec, a day off, so the gifts
    # request moved to Friday; Friday's listing also covers Saturday and Sunday
    day = HANBIT_ARRIVAL - dt.timedelta(days=4)
    result = cli(runner, site, "due", str(site["visits"]), "--date", day.isoformat(), "--json")
    assert result.exit_code == 0, result.stderr
    items = json.loads(result.stdout)
    assert items, "four days before arrival something is due"
    assert {i["visit"] for i in items} == {"hanbit-2026-12"}
    for item in items:
        due = dt.datetime.fromisoformat(item["due"])
        assert due.utcoffset() == dt.timedelta(hours=8)
        assert due.date() <= day + dt.timedelta(days=2)
        assert item["overdue"] == (due.date() < day)
        assert set(item) == {"visit", "title", "task", "department", "place", "due", "overdue",
                             "done", "not_ticked_before_visit", "sources", "text", "command"}
        assert item["command"] == f"visitplan done hanbit-2026-12 {item['task']}"
    # the gifts request is due three days ahead (篇9: 提前3天告知行政), on a working day
    assert any(i["task"] == "ft-gifts-request" and not i["overdue"] for i in items)
    text = cli(runner, site, "due", str(site["visits"]), "--date", day.isoformat())
    assert text.exit_code == 0
    assert "Admin office" in text.stdout and "Sales" in text.stdout
    assert "OVERDUE" in text.stdout


def test_done_removes_a_task_from_the_overdue_list_and_undo_brings_it_back(runner, site):
    day = HANBIT_ARRIVAL - dt.timedelta(days=1)
    visit = str(site["visits"] / "hanbit.yaml")

    def overdue_ids():
        out = cli(runner, site, "due", str(site["visits"]), "--date", day.isoformat(),
                  "--json")
        return {i["task"] for i in json.loads(out.stdout) if i["overdue"]}

    assert "ft-gifts-request" in overdue_ids()
    result = cli(runner, site, "done", visit, "ft-gifts-request")
    assert result.exit_code == 0, result.stderr
    assert "ft-gifts-request" not in overdue_ids()
    assert cli(runner, site, "done", visit, "ft-gifts-request", "--undo").exit_code == 0
    assert "ft-gifts-request" in overdue_ids()


def test_done_refuses_an_unknown_task_with_a_suggestion(runner, site):
    result = cli(runner, site, "done", str(site["visits"] / "hanbit.yaml"), "ft-gift-request")
    assert result.exit_code == 2
    assert "did you mean 'ft-gifts-request'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_visit_is_reported_without_stopping_the_others(runner, site):
    (site["visits"] / "broken.yaml").write_text("title: x\ntimezone: Asia/Shanghai\n"
                                                "guests: []\n", encoding="utf-8")
    day = HANBIT_ARRIVAL - dt.timedelta(days=4)   # a Friday: digests go out on working days
    result = cli(runner, site, "due", str(site["visits"]), "--date", day.isoformat(), "--json")
    assert result.exit_code == 2
    assert "broken.yaml" in result.stderr
    assert json.loads(result.stdout)     # the good visit is still listed

# ------------------------------------------------------------------ run


def test_run_builds_once_mails_only_with_send_and_sends_once(runner, site, smtp):
    """The whole command, rendering included: without --send nothing is mailed; with it
    each digest goes out once; nothing is built or sent twice."""
    day = HANBIT_ARRIVAL - dt.timedelta(days=4)   # a Friday: digests go out on working days
    quiet = cli(runner, site, "run", str(site["visits"]), "--date", day.isoformat(), "--json")
    assert quiet.exit_code == 0, quiet.stderr
    report = json.loads(quiet.stdout)
    assert report["built"] == ["hanbit-2026-12"] and report["reminders_sent"] == []
    assert smtp.messages == []
    out = site["root"] / "out" / "hanbit-2026-12"
    assert {p.name for p in out.iterdir()} >= {"itinerary.pdf", "checklist.pdf",
                                               "itinerary.ics", "sign.pdf", "welcome.html"}
    first = run_cli(runner, site, day)
    assert first.exit_code == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["built"] == [] and report["unchanged"] == ["hanbit-2026-12"]
    assert {"sales", "admin"} <= {r["department"] for r in report["reminders_sent"]}
    assert len(smtp.messages) == len(report["reminders_sent"])
    second = run_cli(runner, site, day)
    assert second.exit_code == 0
    again = json.loads(second.stdout)
    assert again["built"] == [] and again["unchanged"] == ["hanbit-2026-12"]
    assert again["reminders_sent"] == [] and again["followups_sent"] == []
    assert len(smtp.messages) == len(report["reminders_sent"])
    quiet = cli(runner, site, "run", str(site["visits"]), "--date", day.isoformat())
    assert quiet.exit_code == 0                 # nothing to do: nothing said
    assert quiet.stdout == "" and quiet.stderr == ""


def _send(site, day, **options):
    """The sending half of `run` alone: no document is rendered."""
    return cron.run(Session.open(str(site["config"])), [site["visits"]], day, send=True,
                    build=False, today=day, **options)


def test_the_sending_half_sends_each_digest_once_to_every_address(site, smtp):
    day = HANBIT_ARRIVAL - dt.timedelta(days=4)   # a Friday: digests go out on working days
    first = _send(site, day)
    assert not first.failed, first.errors
    assert first.built == [] and not (site["root"] / "out" / "hanbit-2026-12").exists()
    assert {"sales", "admin"} <= {r["department"] for r in first.reminders_sent}
    assert len(smtp.messages) == len(first.reminders_sent)
    again = _send(site, day)
    assert again.reminders_sent == [] and again.followups_sent == []
    assert len(smtp.messages) == len(first.reminders_sent)
    # a digest goes to every address of its department, with a Message-ID of its own
    reception = [m for m in smtp.messages if "frontdesk@" in m["To"]]
    for m in reception:
        assert "guard@brightway.example" in m["To"]
    assert len(set(smtp.ids())) == len(smtp.ids())


def test_walking_a_whole_visit_sends_each_digest_and_the_followup_exactly_once(site, smtp):
    start = HANBIT_ARRIVAL - dt.timedelta(days=7)
    for n in range(0, 11):            # day -7 .. day +3 (the follow-up is on 12-11)
        day = start + dt.timedelta(days=n)
        for _ in range(2):            # every day's run is repeated: the repeat sends nothing
            report = _send(site, day)
            assert not report.failed, (day, report.errors)
    ids = smtp.ids()
    assert len(ids) == len(set(ids)), "no message was sent twice"
    followups = [m for m in smtp.messages if m["Message-ID"].startswith("<followup.")]
    assert len(followups) == 1
    assert followups[0]["Date"] is not None
    prearrivals = [m for m in smtp.messages if m["Message-ID"].startswith("<prearrival.")]
    assert len(prearrivals) == 1 and "minjun.kim@hanbit.example" in prearrivals[0]["To"]
    digests = [m for m in smtp.messages if m not in followups + prearrivals]
    days_by_dept: dict[str, set] = {}
    for m in digests:
        days_by_dept.setdefault(m["To"], set()).add(m["Subject"])
    # one digest per department per day, and the sales department hears every day
    assert len(digests) == sum(len(s) for s in days_by_dept.values())
    assert "sales@brightway.example" in days_by_dept


def test_dry_run_changes_nothing(runner, site, smtp):
    day = HANBIT_ARRIVAL - dt.timedelta(days=4)   # a Friday: digests go out on working days
    result = cli(runner, site, "run", str(site["visits"]), "--date", day.isoformat(),
                 "--send", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "would build hanbit-2026-12" in result.stdout
    assert "would remind sales" in result.stdout
    assert smtp.messages == []
    assert not (site["root"] / "out").exists()
    as_json = cli(runner, site, "run", str(site["visits"]), "--date", day.isoformat(),
                  "--send", "--dry-run", "--json")
    assert json.loads(as_json.stdout)["dry_run"] is True
    assert smtp.messages == []


def test_a_server_down_fails_the_run_and_the_next_run_delivers(site, smtp):
    day = HANBIT_ARRIVAL - dt.timedelta(days=4)   # a Friday: digests go out on working days
    site["point_smtp_at"](free_port())          # nothing listens there
    down = _send(site, day)
    assert down.failed
    assert smtp.messages == []
    site["point_smtp_at"](smtp.port)
    up = _send(site, day)
    assert not up.failed, up.errors
    assert len(smtp.messages) == len(up.reminders_sent) > 0


def test_two_concurrent_runs_send_once(site, smtp):
    smtp.delay = 0.3
    day = HANBIT_ARRIVAL - dt.timedelta(days=4)   # a Friday: digests go out on working days
    procs = [spawn_send(Sited(site), day) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    ids = smtp.ids()
    assert ids and len(ids) == len(set(ids))


def test_a_run_killed_mid_way_loses_nothing(site, smtp):
    """SIGKILL while the server is slowly accepting mail, then a normal run: every digest
    arrives, and any duplicate carries the same Message-ID."""
    day = HANBIT_ARRIVAL - dt.timedelta(days=4)   # a Friday: digests go out on working days
    smtp.delay = 1.0
    proc = spawn_send(Sited(site), day)
    deadline = time.monotonic() + 120
    while not smtp.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    assert smtp.messages, "the run reached the SMTP server"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    smtp.delay = 0.0
    finish = spawn_send(Sited(site), day)
    out, err = finish.communicate(timeout=120)
    assert finish.returncode == 0, err
    ids = smtp.ids()
    subjects = " ".join(m["Subject"] for m in smtp.messages)
    for department in ("Sales", "Admin office"):
        assert department in subjects
    for message_id in set(ids):
        assert ids.count(message_id) <= 2


class Sited:
    """The dict site of this module as the Site that cron_helpers.spawn_send expects."""

    def __init__(self, site):
        self.config, self.visits, self.root = site["config"], site["visits"], site["root"]


def test_run_skips_the_configuration_and_brand_folders_kept_among_the_visits(runner, site):
    """The design's crontab keeps visitplan.yaml (and a brand folder) in the visits folder."""
    brand = site["visits"] / "brand" / "profiles"
    brand.mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parents[2] / "visitplan" / "rules" / "packs" /
                "korean.yaml", brand / "korean.yaml")
    config = site["visits"] / "visitplan.yaml"
    config.write_text(site["config"].read_text() + "profiles: brand/profiles\n",
                      encoding="utf-8")
    day = HANBIT_ARRIVAL - dt.timedelta(days=4)   # a Friday: digests go out on working days
    result = runner.invoke(main, ["--config", str(config), "due", str(site["visits"]),
                                  "--date", day.isoformat(), "--json"])
    assert result.exit_code == 0, result.stderr
    assert {i["visit"] for i in json.loads(result.stdout)} == {"hanbit-2026-12"}


def test_check_on_a_folder_without_visits_says_so(runner, tmp_path):
    result = runner.invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path}: no visit files (*.yaml) in this folder\n"


def test_jobs_2_builds_what_jobs_1_builds(runner, site, monkeypatch):
    """Rendering in parallel changes nothing in the documents. The run with --jobs 1 may
    take documents from the session's render cache; the one with --jobs 2 renders them all
    in its worker processes."""
    from pypdf import PdfReader

    shutil.copy(EXAMPLES / "sakura-vip.yaml", site["visits"] / "sakura.yaml")
    day = HANBIT_ARRIVAL - dt.timedelta(days=4)   # a Friday: digests go out on working days
    outputs = {}
    for jobs in ("1", "2"):
        if jobs == "2":
            monkeypatch.delenv(RENDER_CACHE)
        config = site["root"] / f"jobs{jobs}.yaml"
        config.write_text(f"output: out{jobs}\nstate: state{jobs}.sqlite3\n", encoding="utf-8")
        result = runner.invoke(main, ["--config", str(config), "run", str(site["visits"]),
                                      "--date", day.isoformat(), "--jobs", jobs, "--json"])
        assert result.exit_code == 0, result.stderr
        assert sorted(json.loads(result.stdout)["built"]) == ["hanbit-2026-12",
                                                              "sakura-2027-03"]
        outputs[jobs] = site["root"] / f"out{jobs}"
    for visit in ("hanbit-2026-12", "sakura-2027-03"):
        one, two = outputs["1"] / visit, outputs["2"] / visit
        assert sorted(p.name for p in one.iterdir()) == sorted(p.name for p in two.iterdir())
        assert (one / "welcome.html").read_bytes() == (two / "welcome.html").read_bytes()
        ics = [[line for line in (d / "itinerary.ics").read_text().splitlines()
                if not line.startswith(("DTSTAMP", "SEQUENCE"))]     # the build's time
               for d in (one, two)]
        assert ics[0] == ics[1]
        for name in ("itinerary.pdf", "checklist.pdf", "sign.pdf"):
            texts = [[page.extract_text() for page in PdfReader(d / name).pages]
                     for d in (one, two)]
            assert texts[0] == texts[1], name
