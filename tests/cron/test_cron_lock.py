"""No silent stop: a killed run leaves nothing that blocks the next one, a lock whose holder
is gone is taken over, and a lock held longer than a run may last fails the run (exit 1).

Real processes: `visitplan run` started as a process and killed with SIGKILL, lock holders
in processes of their own, a real SMTP server and a real state file.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cron_helpers import HANBIT_ARRIVAL, Site, report_of, spawn_run

import visitplan
from visitplan.cron.lock import exclusive, holder, lock_path
from visitplan.errors import StateError

ENV = {**os.environ, "PYTHONPATH": str(Path(visitplan.__file__).resolve().parent.parent)}


@pytest.fixture
def site(tmp_path, smtp):
    return Site(tmp_path, smtp.port)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] == "Z"       # a zombie is gone too


def _wait_for(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.renders
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_run_killed_while_rendering_does_not_block_the_next_one(site, smtp):
    """The issue's silent stop: SIGKILL of `run` while its workers render, then a run
    started at once delivers every digest due."""
    day = HANBIT_ARRIVAL - dt.timedelta(days=4)   # a Friday: digests go out
    first = spawn_run(site, day)
    _wait_for(lambda: site.out.is_dir() and any(site.out.glob(".hanbit-2026-12*")), 120,
              "the first run to start rendering")
    workers = _children(first.pid)
    assert workers, "the run renders in worker processes"
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    killed = time.monotonic()
    _wait_for(lambda: all(_gone(w) for w in workers), 5, "the workers to die with the run")
    second = spawn_run(site, day)
    assert time.monotonic() - killed < 10
    report, err = report_of(second)
    assert second.returncode == 0, err
    assert "another run is active" not in err
    assert report["built"] == ["hanbit-2026-12"]
    assert {"sales", "admin"} <= {r["department"] for r in report["reminders_sent"]}
    assert len(smtp.messages) == len(report["reminders_sent"])
    assert not list(site.out.glob(".hanbit-2026-12*")), "the killed run's staging is gone"


def _hold(path: Path, *, inherit_to_sleeper: bool = False) -> subprocess.Popen:
    """A process holding the run lock of `path`; with inherit_to_sleeper, it hands a copy of
    the lock's descriptor to a `sleep` it starts (as a careless helper program would keep
    it), prints that sleeper's pid and waits."""
    code = (
        "import os, subprocess, sys, time\n"
        "from visitplan.cron.lock import exclusive\n"
        f"with exclusive({str(path)!r}) as got:\n"
        "    assert got\n"
    )
    if inherit_to_sleeper:
        code += (
            "    fds = [int(fd) for fd in os.listdir('/proc/self/fd')]\n"
            "    lock = [fd for fd in fds if os.path.realpath(f'/proc/self/fd/{fd}')"
            ".endswith('.lock')][0]\n"
            "    sleeper = subprocess.Popen(['sleep', '60'], pass_fds=[lock])\n"
            "    print(sleeper.pid, flush=True)\n")
    else:
        code += "    print(os.getpid(), flush=True)\n"
    code += "    time.sleep(60)\n"
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            env=ENV)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_lock_whose_holder_is_gone_is_taken_over(tmp_path):
    state = tmp_path / "state.sqlite3"
    holder_proc = _hold(state, inherit_to_sleeper=True)
    sleeper = int(holder_proc.stdout.readline())
    try:
        with exclusive(state, wait=0.3) as got:
            assert got is False                # its holder is alive: another run works
        holder_proc.send_signal(signal.SIGKILL)
        holder_proc.wait()
        # the sleeper still holds the old file's flock; the holder written in it is gone
        started = time.monotonic()
        with exclusive(state, wait=0) as got:
            assert got is True
            assert holder(lock_path(state)).pid == os.getpid()
            with exclusive(state, wait=0.2) as again:      # and it is exclusive again
                assert again is False
        assert time.monotonic() - started < 2
    finally:
        os.kill(sleeper, signal.SIGKILL)


def test_a_lock_held_longer_than_a_run_may_last_is_an_error(tmp_path, site):
    holder_proc = _hold(site.state)
    try:
        pid = int(holder_proc.stdout.readline())
        with pytest.raises(StateError, match=f"held by process {pid} since .* longer than "
                                             "a run may last"):
            with exclusive(site.state, wait=0, max_run=0):
                pass
        # the real limit, through the command: a holder that took it three hours ago
        path = lock_path(site.state)
        info = json.loads(path.read_text())
        info["since"] = (dt.datetime.now(dt.timezone.utc)
                         - dt.timedelta(hours=3)).isoformat(timespec="seconds")
        path.write_text(json.dumps(info))
        proc = spawn_run(site, HANBIT_ARRIVAL)
        out, err = proc.communicate(timeout=120)
    finally:
        holder_proc.kill()
        holder_proc.wait()
    assert proc.returncode == 1
    assert "Traceback" not in err.decode()
    assert err.decode().startswith(f"visitplan: the run lock {path} has been held by process "
                                   f"{pid} since ")
    assert "longer than a run may last (2 hours)" in err.decode()


def test_a_busy_lock_of_a_live_run_still_exits_0(site):
    holder_proc = _hold(site.state)
    try:
        holder_proc.stdout.readline()
        proc = spawn_run(site, HANBIT_ARRIVAL)
        out, err = proc.communicate(timeout=120)
    finally:
        holder_proc.kill()
        holder_proc.wait()
    assert proc.returncode == 0
    assert err.decode() == ("visitplan: another run is active on the same state store; "
                            "nothing done\n")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_pdf_worker_dies_with_its_parent(tmp_path):
    """A process that started a PDF worker is killed: the worker does not live on."""
    code = ("import os, time\n"
            "from visitplan.documents import pdf\n"
            "w = pdf.Worker.start()\n"
            "print(w.pid, flush=True)\n"
            "time.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                              text=True, env=ENV)
    worker = int(parent.stdout.readline())
    assert not _gone(worker)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    _wait_for(lambda: _gone(worker), 5, "the worker to die with its parent")
