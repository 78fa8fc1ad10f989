"""All or nothing: one command's files switch together (visitplan.documents.output).

Real processes: `visitplan prepare` run as a subprocess, killed with SIGKILL between two
renames of its switch; the next command on the folder rolls the half switch back. The
only help the killed process gets is a wrapper around os.replace in its own interpreter
that pauses after the first rename, so the kill lands exactly there.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from visitplan.documents.output import clean, switch

from places import EXAMPLES, REPO

NAMES = ("itinerary.html", "checklist.html", "itinerary.ics")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def cli(*args, env=None, **kw) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-m", "visitplan", *map(str, args)],
                          capture_output=True, text=True, env=environ, timeout=300, **kw)


def test_switch_writes_every_file_and_leaves_no_staging(tmp_path):
    written = switch(tmp_path / "out", {"a.txt": b"A", "b.txt": b"B"})
    assert [p.name for p in written] == ["a.txt", "b.txt"]
    assert snapshot(tmp_path / "out") == {"a.txt": b"A", "b.txt": b"B"}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.txt", "b.txt"]


def test_a_rename_failing_half_way_puts_the_previous_files_back(tmp_path):
    out = tmp_path / "out"
    switch(out, {"itinerary.html": b"old 1", "checklist.html": b"old 2"})
    (out / "itinerary.ics").mkdir()                 # the last rename must fail
    (out / "itinerary.ics" / "keep.txt").write_text("mine")
    with pytest.raises(Exception) as raised:
        switch(out, {"itinerary.html": b"new 1", "checklist.html": b"new 2",
                     "itinerary.ics": b"new 3"})
    assert str(raised.value) == (f"{out / 'itinerary.ics'}: cannot write it (it is a "
                                 "folder); the previous files are kept")
    assert snapshot(out) == {"itinerary.html": b"old 1", "checklist.html": b"old 2"}
    assert (out / "itinerary.ics" / "keep.txt").read_text() == "mine"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_prepare_keeps_the_previous_outputs_when_one_cannot_be_replaced(tmp_path):
    out = tmp_path / "out"
    visit = EXAMPLES / "hanbit-korean.yaml"
    first = cli("prepare", visit, "--format", "html", "-o", out, "--date", "2026-12-04")
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    (out / "itinerary.ics").unlink()
    (out / "itinerary.ics").mkdir()
    del before["itinerary.ics"]
    (out / "itinerary.html").write_text("hand-edited", encoding="utf-8")
    before["itinerary.html"] = b"hand-edited"
    second = cli("prepare", visit, "--format", "html", "-o", out, "--date", "2026-12-05")
    assert second.returncode == 1
    assert second.stderr.splitlines()[-1] == (f"visitplan: {out / 'itinerary.ics'}: cannot "
                                              "write it (it is a folder); the previous files "
                                              "are kept")
    assert "Traceback" not in second.stderr
    assert snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


KILLABLE = textwrap.dedent("""
    import os, sys, time
    real = os.replace
    count = 0
    def slow_replace(src, dst, *a, **kw):
        global count
        real(src, dst, *a, **kw)
        if str(dst).endswith(("itinerary.html", "checklist.html", "itinerary.ics")):
            count += 1
            if count == 1:
                open(sys.argv[1], "w").close()     # tell the test: one file switched
                time.sleep(60)
    os.replace = slow_replace
    from visitplan.cli import main
    main(sys.argv[2:], prog_name="visitplan")
""")


def test_kill_9_between_renames_is_rolled_back_by_the_next_command(tmp_path):
    out = tmp_path / "out"
    visit = EXAMPLES / "hanbit-korean.yaml"
    assert cli("prepare", visit, "--format", "html", "-o", out, "--lang", "en",
               "--date", "2026-12-04").returncode == 0
    old = snapshot(out)
    signal_file = tmp_path / "one-switched"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLABLE, str(signal_file), "prepare", str(visit),
         "--format", "html", "-o", str(out), "--date", "2026-12-05"],
        env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not signal_file.exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the command never reached its switch"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    mixed = snapshot(out)
    assert mixed["itinerary.html"] != old["itinerary.html"]     # half switched: mixed
    assert mixed["checklist.html"] == old["checklist.html"]
    assert [p for p in out.iterdir() if p.name.startswith(".staging-")]
    # the next command on the folder (here its first step alone) rolls the switch back
    clean(out)
    assert snapshot(out) == old
    assert sorted(p.name for p in out.iterdir()) == sorted(NAMES)
    # and a whole command afterwards switches everything to its own outputs
    again = cli("prepare", visit, "--format", "html", "-o", out, "--date", "2026-12-05")
    assert again.returncode == 0, again.stderr
    assert snapshot(out)["itinerary.html"] == mixed["itinerary.html"]
    assert sorted(p.name for p in out.iterdir()) == sorted(NAMES)


def test_leftovers_of_a_killed_writer_are_cleaned_but_live_ones_kept(tmp_path):
    out = tmp_path / "out"
    switch(out, {"a.txt": b"A"})
    # a staging folder of a process that is gone, killed before its switch began
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / f".staging-{dead.pid}-x1y2z3").mkdir()
    (out / f".staging-{dead.pid}-x1y2z3" / "new").mkdir()
    (out / f".staging-{dead.pid}-x1y2z3" / "new" / "a.txt").write_bytes(b"half")
    # a staging folder of a process that is alive (this one's parent): not touched
    live = out / f".staging-{os.getppid()}-abcdef"
    live.mkdir()
    # a temporary file of an old atomic write, an hour old; and one just being written
    stale = out / ".a.txt.k2j4h6g8.tmp"
    stale.write_bytes(b"x")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    fresh = out / ".b.txt.abcd1234.tmp"
    fresh.write_bytes(b"y")
    switch(out, {"a.txt": b"A2"})
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([".b.txt.abcd1234.tmp", live.name, "a.txt"])
    assert (out / "a.txt").read_bytes() == b"A2"


def test_prepare_and_sign_can_hand_their_files_to_one_switch(tmp_path, examples_dir):
    """What `run` needs to switch all five files of a visit in one step."""
    import datetime as dt

    from visitplan.api import Session
    from visitplan.documents.build import prepare
    from visitplan.documents.sign import sign

    session = Session.open(None)
    visit = session.load_visit(examples_dir / "hanbit-korean.yaml")
    out = tmp_path / "out"
    files: dict = {}
    prepare(session, visit, out, "html", dt.date(2026, 12, 4), collect=files)
    sign(session, visit, out, collect=files)
    assert not out.exists()                       # nothing written yet
    assert sorted(files) == sorted([*NAMES, "sign.pdf", "welcome.html"])
    switch(out, files)
    assert snapshot(out) == files


def test_an_output_folder_that_is_a_file_is_one_plain_line(tmp_path):
    from visitplan.documents.output import OutputError

    (tmp_path / "out").write_text("not a folder")
    with pytest.raises(OutputError) as raised:
        switch(tmp_path / "out", {"a.txt": b"A"})
    assert str(raised.value) == (f"{tmp_path / 'out'}: cannot write it (it is a file, not a "
                                 "folder); the previous files are kept")
