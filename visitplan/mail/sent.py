"""Copies of sent mail: each message visitplan sends is kept as it was sent, once.

A follow-up is kept as `<output>/<visit id>/sent/followup-<date>.eml`, a department's digest
as `<output>/_digests/sent/<department>-<date>.eml` (`_digests` cannot be a visit id, which
starts with a letter or digit). <date> is the day it was sent. A copy is never overwritten:
a second message of the same name and day (a `--force` resend) is kept as `…-<date>-2.eml`,
and a later draft (`visitplan followup` without `--send`) writes only `followup.eml`.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from email.message import EmailMessage
from pathlib import Path

from visitplan.documents.output import atomic_write
from visitplan.errors import VisitplanError

SENT = "sent"
DIGESTS = "_digests"


def digests_folder(output_root: Path) -> Path:
    """The folder whose sent/ keeps the digests, under the configured output folder."""
    return Path(output_root) / DIGESTS


def keep_sent(msg: EmailMessage, folder: Path, name: str, day: dt.date,
              data: bytes | None = None) -> Path:
    """Keep `msg` as folder/sent/<name>-<day>.eml without ever replacing a file: the copy is
    written under a temporary name and linked into place, which fails when the name is
    taken, and the next free `-2`, `-3` … is used instead. Raises VisitplanError naming the
    path when it cannot be written (the message was sent all the same). `data`: the message
    already serialized, when the caller has it."""
    target_dir = Path(folder) / SENT
    data = msg.as_bytes() if data is None else data
    tmp = None
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".sent-", suffix=".tmp", dir=target_dir)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        number = 1
        while True:
            suffix = "" if number == 1 else f"-{number}"
            path = target_dir / f"{name}-{day.isoformat()}{suffix}.eml"
            try:
                os.link(tmp, path)
                return path
            except FileExistsError:
                number += 1
    except OSError as exc:
        where = exc.filename or target_dir
        raise VisitplanError(f"{where}: the message {msg['Message-ID']} was sent, but its copy "
                             f"could not be kept: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def keep_guest_copy(result, msg: EmailMessage, folder: Path, name: str, day: dt.date) -> None:
    """After a guest email went out: keep the copy sent (`keep_sent`) and write it as
    <name>.eml in the visit's folder. A failure is recorded as `result.copy_error`, never
    raised: the message was sent all the same."""
    data = msg.as_bytes()
    try:
        result.copy = keep_sent(msg, Path(folder), name, day, data)
        atomic_write({Path(folder) / f"{name}.eml": data})
    except (VisitplanError, OSError) as exc:
        result.copy_error = str(exc)
