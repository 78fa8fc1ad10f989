"""The run lock: one `run` at a time per state store, and never a lock that outlives its run.

The lock is an flock on `<state>.lock`. The holder writes who it is into the file (process
id, the process's start time as the kernel counts it, and when it took the lock), so that a
process that cannot get the lock can tell what is going on:

* the flock is free: it is taken (a killed run's flock ends with it);
* the holder is gone, yet the flock is still held (a descendant of a killed run kept a
  copy of the descriptor — visitplan's own children close theirs, see `lifeline`, but
  a render helper or a hand-started program may not): the lock is *taken over*. A new
  lock file replaces the old one under a short second lock (`<state>.lock.takeover`), and
  every holder checks, under the same short lock, that the file it locked is still the
  one at the path, so two processes never both believe they hold it;
* the holder is alive and has held the lock for less than MAX_RUN_SECONDS: another run is
  working; the caller is told so (`exclusive` yields False);
* the holder is alive and has held it longer than a run may last (MAX_RUN_SECONDS, two
  hours): that is an error (StateError, exit 1), so cron mails the admin instead of
  staying silent day after day.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from visitplan import lifeline
from visitplan.errors import StateError

# The longest a run may take (rendering a few hundred visits, a slow SMTP server). A run
# that finds the lock held longer than this by a live process fails instead of waiting.
MAX_RUN_SECONDS = 2 * 60 * 60


@dataclass
class Holder:
    """Who holds (or last held) the lock, as written in the lock file."""

    pid: int
    started: str | None        # the process's start time (kernel clock ticks), if known
    since: str                 # when it took the lock (ISO 8601, UTC)

    def alive(self) -> bool:
        """Whether this process still runs (and is the same process, not a reused id)."""
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:         # another user's process: it exists
            return True
        return self.started is None or _start_time(self.pid) in (None, self.started)

    def held_for(self) -> float:
        """Seconds since the lock was taken."""
        try:
            since = dt.datetime.fromisoformat(self.since)
        except ValueError:
            return 0.0
        return (dt.datetime.now(dt.timezone.utc) - since).total_seconds()


def lock_path(state_path: Path) -> Path:
    return Path(f"{state_path}.lock")


@contextlib.contextmanager
def exclusive(state_path: Path, wait: float = 0.0, max_run: float = MAX_RUN_SECONDS):
    """Hold the run lock of a state store while the block runs (see the module docstring).

    Yields True once held; yields False when a live run holds it and `wait` seconds passed.
    Raises StateError when a live process has held it for more than `max_run` seconds, or
    when the lock file cannot be made."""
    path = lock_path(state_path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StateError(f"cannot make the folder of the run lock {path}: "
                         f"{exc.strerror or exc}") from None
    fd = _acquire(path, wait, max_run)
    if fd is None:
        yield False
        return
    lifeline.hold(fd)
    try:
        yield True
    finally:
        lifeline.release(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def holder(path: Path) -> Holder | None:
    """The holder written in a lock file, or None (empty, unreadable, from an older
    visitplan that wrote only a process id)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Holder(int(data["pid"]), data.get("started"), str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _acquire(path: Path, wait: float, max_run: float) -> int | None:
    deadline = time.monotonic() + wait
    while True:
        fd = _open(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            found = holder(path)
            if found is not None and not found.alive():
                taken = _take_over(path, found)
                if taken is not None:
                    return taken
                continue
            if found is not None and found.held_for() > max_run:
                raise StateError(
                    f"the run lock {path} has been held by process {found.pid} since "
                    f"{found.since}, longer than a run may last ({max_run / 3600:g} hours); "
                    f"nothing was done. If that process hangs, end it (kill {found.pid}); "
                    "the next run then takes over") from None
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.1)
            continue
        if _claim(path, fd):
            return fd
        os.close(fd)                 # the file was replaced by a take-over: try the new one


def _open(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise StateError(f"cannot open the run lock {path}: {exc.strerror or exc}") from None


def _claim(path: Path, fd: int) -> bool:
    """Having the flock of fd: check it is still the file at `path`, and write who holds
    it, under the take-over lock. False when a take-over replaced the file meanwhile."""
    with _takeover_lock(path):
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if not same:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        _write_holder(fd)
        return True


def _take_over(path: Path, gone: Holder) -> int | None:
    """Replace a lock file whose holder is gone by a new one held by this process; None when
    another process changed it first."""
    with _takeover_lock(path):
        if holder(path) != gone:
            return None
        fresh = path.with_name(f"{path.name}.{os.getpid()}.new")
        fd = os.open(fresh, os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)          # a new file: nobody else has it
        _write_holder(fd)
        os.replace(fresh, path)
        return fd


@contextlib.contextmanager
def _takeover_lock(path: Path):
    fd = _open(path.with_name(path.name + ".takeover"))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _write_holder(fd: int) -> None:
    info = {"pid": os.getpid(), "started": _start_time(os.getpid()),
            "since": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(info).encode() + b"\n", 0)
    os.fsync(fd)


def _start_time(pid: int) -> str | None:
    """When a process started, in clock ticks since boot (Linux /proc); None elsewhere.
    With the process id it names one process, even after the id is reused."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rpartition(")")[2].split()[19]      # field 22: starttime
