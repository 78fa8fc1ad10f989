"""The building half of `run` when the machine says no: a write that fails half way (here
the file size limit, as a full disk would) is one plain line naming the path, exit 1, no
traceback, and no staging folder is left behind. A real process renders for real.
"""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cron_helpers import HANBIT_ARRIVAL, Site

import visitplan

LIMIT = 48 * 1024      # bytes: the state store fits, no PDF does


def _small_files():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)      # EFBIG instead of death
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs RLIMIT_FSIZE")
def test_a_write_that_fails_is_one_plain_line_naming_the_path(tmp_path):
    site = Site(tmp_path, 25)
    env = {**os.environ, "PYTHONPATH": str(Path(visitplan.__file__).resolve().parent.parent)}
    proc = subprocess.run(
        [sys.executable, "-m", "visitplan", "--config", str(site.config), "run",
         str(site.visits), "--date", HANBIT_ARRIVAL.isoformat(), "--jobs", "1"],
        capture_output=True, text=True, env=env, cwd=tmp_path, preexec_fn=_small_files,
        timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"visitplan: hanbit-2026-12: {site.out}")
    assert lines[0].endswith(": cannot write it (File too large); the previous files are kept")
    assert not [p for p in site.out.iterdir() if p.name.startswith(".")]
