"""Forked children of visitplan die with their parent and hold none of its locks.

visitplan forks to render (the PDF worker and its children, the render workers of `run`).
A fork copies every open file descriptor, and an flock belongs to the open file, not to the
process: a child that kept the run lock's descriptor would keep the lock after its parent
was killed, and every later run would find "another run active" for ever. Two rules stop
that:

* every lock file descriptor is registered here (`hold`), and each forked child closes
  them at once (an `os.register_at_fork` hook), which leaves the parent's lock untouched;
* a child calls `die_with_parent` first thing: on Linux the kernel sends it SIGKILL when
  its parent ends (prctl PR_SET_PDEATHSIG); elsewhere a watchdog thread ends it once its
  parent is gone (its parent process id changes).

A forked child also leaves the objects it inherited out of its garbage collections
(`gc.freeze` at the fork, as the gc module advises for fork without exec): a collection
walks every tracked object and writes into its header, which made each render child copy
its parent's whole heap page by page (measured: 0.25 s of CPU for a child of a 300 MB
process, 0.03 s frozen). The children are short-lived; what they inherit is their
parent's to free.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1          # from <linux/prctl.h>
WATCH_INTERVAL = 0.5          # seconds between two looks of the fallback watchdog

_lock_fds: set[int] = set()


def hold(fd: int) -> None:
    """Register a descriptor that holds a lock: forked children close it at once."""
    _lock_fds.add(fd)


def release(fd: int) -> None:
    """Forget a descriptor registered with `hold` (before the parent closes it)."""
    _lock_fds.discard(fd)


def _close_locks_in_child() -> None:
    # closing (never unlocking) the child's copy leaves the parent's flock in place
    for fd in _lock_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    _lock_fds.clear()


def _after_fork_in_child() -> None:
    _close_locks_in_child()
    gc.freeze()


os.register_at_fork(after_in_child=_after_fork_in_child)


def _set_death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent ends; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def die_with_parent(parent: int, watchdog: bool = True) -> None:
    """Make this (forked) process end when `parent`, the process that forked it, ends.

    Call it first thing in the child. When the kernel cannot do it (not Linux), a daemon
    thread watches the parent process id instead, unless `watchdog` is False (a child
    that must stay single-threaded because it forks again)."""
    if _set_death_signal():
        if os.getppid() != parent:          # the parent ended before the request was made
            os._exit(1)
        return
    if os.getppid() != parent:
        os._exit(1)
    if watchdog:
        threading.Thread(target=_watch, args=(parent,), name="lifeline",
                         daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL)
    os._exit(1)
