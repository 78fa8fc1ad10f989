"""The state store: a real SQLite file, its migrations, the two-step mail records, the lock."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from visitplan.errors import StateError
from visitplan.cron.state import MIGRATIONS, State, exclusive


def test_a_new_store_is_at_the_latest_schema(tmp_path):
    with State(tmp_path / "s.sqlite3") as state:
        assert state.schema_version == len(MIGRATIONS)


def test_an_older_store_is_migrated_forward_and_keeps_its_data(tmp_path):
    path = tmp_path / "s.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE unrelated (x TEXT)")       # what an older version left behind
    db.execute("INSERT INTO unrelated VALUES ('kept')")
    db.commit()
    db.close()
    with State(path) as state:
        assert state.schema_version == len(MIGRATIONS)
        state.tick("v", "t")
        assert state.db.execute("SELECT x FROM unrelated").fetchall() == [("kept",)]
    with State(path) as again:                           # reopening migrates nothing twice
        assert "t" in again.ticks("v")


def test_a_store_written_by_a_newer_visitplan_is_refused(tmp_path):
    path = tmp_path / "s.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(StateError, match="written by a newer visitplan"):
        State(path)


def test_mail_is_recorded_in_two_steps(tmp_path):
    with State(tmp_path / "s.sqlite3") as state:
        assert state.begin_send("<a@x>", "followup", ["g@x.example"], visit="v")
        assert [r.message_id for r in state.unfinished()] == ["<a@x>"]
        state.finish_send("<a@x>")
        assert state.unfinished() == []
        assert state.mail("<a@x>").status == "sent"
        assert not state.begin_send("<a@x>", "followup", ["g@x.example"], visit="v")
        assert state.begin_send("<a@x>", "followup", ["g@x.example"], visit="v", force=True)
        state.abandon_send("<a@x>")                      # a refused resend keeps the first
        assert state.mail("<a@x>").status == "sent"


def test_a_refused_first_send_leaves_no_record(tmp_path):
    with State(tmp_path / "s.sqlite3") as state:
        state.begin_send("<b@x>", "digest", ["d@x.example"], department="admin",
                         day="2026-12-03")
        state.abandon_send("<b@x>")
        assert state.mail("<b@x>") is None


def test_the_lock_is_exclusive_and_freed_when_its_holder_is_killed(tmp_path):
    path = tmp_path / "s.sqlite3"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "from visitplan.cron.state import exclusive\n"
        f"with exclusive({str(path)!r}) as got:\n"
        "    print(got, flush=True)\n"
        "    time.sleep(60)\n")], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert holder.stdout.readline().strip() == "True"
    with exclusive(path, wait=0.2) as got:
        assert got is False
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    started = time.monotonic()
    with exclusive(path, wait=5) as got:
        assert got is True
    assert time.monotonic() - started < 5


def test_a_schema_1_store_gains_the_settings_table_and_keeps_its_mail(tmp_path):
    """Stores written before the Message-ID domain was kept: migrated, nothing lost."""
    from visitplan.cron.state import _statements

    path = tmp_path / "s.sqlite3"
    db = sqlite3.connect(path)
    for statement in _statements(MIGRATIONS[0]):
        db.execute(statement)
    db.execute("INSERT INTO mail (message_id, kind, recipients, status, started_at) VALUES "
               "('<old@x>', 'followup', '[]', 'sent', '2026-01-01T00:00:00+00:00')")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with State(path) as state:
        assert state.schema_version == len(MIGRATIONS) == 3
        assert state.mail("<old@x>").status == "sent"
        assert state.noticed("v", "prearrival-missed") is None
        assert state.notice("v", "prearrival-missed", "2026-12-09") is True
        assert state.notice("v", "prearrival-missed", "2026-12-10") is False
        assert state.noticed("v", "prearrival-missed") == "2026-12-09"
        assert state.setting("message_id_domain") is None
        assert state.fix_setting("message_id_domain", "a.example") == "a.example"
        assert state.fix_setting("message_id_domain", "b.example") == "a.example"


def _open_and_tick(paths: list[str], n: int, start) -> str:
    start.wait()
    try:
        for path in paths:              # each a new store, opened by all at once
            with State(Path(path)) as state:
                state.tick("v", f"task-{n}")
        return "ok"
    except Exception as exc:           # reported to the test, which names it
        return repr(exc)


def test_many_processes_opening_a_new_store_at_once_all_succeed(tmp_path):
    """Switching a brand-new store to WAL fails at once with "database is locked" while
    another process opens it too (the busy timeout does not cover that switch): eight
    senders starting together must all get in."""
    import multiprocessing

    paths = [tmp_path / f"state-{i}" / "state.sqlite3" for i in range(20)]
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Manager().Event()
    with ctx.Pool(8) as pool:
        pending = [pool.apply_async(_open_and_tick, ([str(p) for p in paths], n, start))
                   for n in range(8)]
        start.set()
        outcomes = [p.get(timeout=120) for p in pending]
    assert outcomes == ["ok"] * 8
    for path in paths:
        with State(path) as state:
            assert set(state.ticks("v")) == {f"task-{n}" for n in range(8)}
