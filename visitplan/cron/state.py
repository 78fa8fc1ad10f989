"""The state store: one SQLite file with the mail sent, the tasks ticked, and what was built.

Mail is recorded in two steps so that nothing is lost or silently sent twice:
`begin_send` marks a message as being sent before the server is contacted, `finish_send`
marks it sent once the server accepted it, and `abandon_send` clears the mark when the
server refused. A mark left by a run that crashed means "maybe sent": the next run sends it
again with the same Message-ID (at worst one duplicate that mail clients recognise), never
loses it.

The schema carries its version in `PRAGMA user_version` and migrates itself forward.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from visitplan.cron.lock import exclusive  # noqa: F401  (the run lock, kept importable here)
from visitplan.errors import StateError

MIGRATIONS = [
    # 1: the first schema
    """
    CREATE TABLE mail (
        message_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,               -- followup | digest | prearrival
        visit TEXT,                       -- visit id (followup) or NULL
        department TEXT,                  -- digest: the department
        day TEXT,                         -- digest: the day (YYYY-MM-DD)
        recipients TEXT NOT NULL,         -- JSON list
        status TEXT NOT NULL,             -- sending | sent
        started_at TEXT NOT NULL,
        sent_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE ticks (
        visit TEXT NOT NULL,
        task TEXT NOT NULL,
        who TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (visit, task)
    );
    CREATE TABLE builds (
        visit TEXT PRIMARY KEY,
        input_hash TEXT NOT NULL,
        output TEXT NOT NULL,
        built_at TEXT NOT NULL
    );
    """,
    # 2: settings fixed at first use (the domain of the Message-IDs)
    """
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        set_at TEXT NOT NULL
    );
    """,
    # 3: what a run reported once and need not repeat (a pre-arrival email not sent)
    """
    CREATE TABLE notices (
        visit TEXT NOT NULL,
        kind TEXT NOT NULL,               -- e.g. prearrival-missed
        day TEXT NOT NULL,                -- the day of the run that reported it
        PRIMARY KEY (visit, kind)
    );
    """,
]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass
class MailRecord:
    message_id: str
    kind: str
    visit: str | None
    department: str | None
    day: str | None
    recipients: list[str]
    status: str
    started_at: str
    sent_at: str | None
    attempts: int


class State:
    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._wal()
            self.db.execute("PRAGMA synchronous=FULL")
            self._migrate()
        except (sqlite3.Error, OSError) as exc:
            raise StateError(f"cannot open the state store {self.path}: {exc}") from None

    def close(self) -> None:
        self.db.close()

    def _wal(self, wait: float = 30.0) -> None:
        """Write-ahead logging, set once for the file. Switching a new store to it fails at
        once with "database is locked" while another process opens the same new store (the
        busy timeout does not cover it), so the switch is tried again for up to `wait`
        seconds; a store already in WAL needs no switch."""
        deadline = time.monotonic() + wait
        while True:
            try:
                if self.db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if not ("locked" in str(exc) or "busy" in str(exc)) \
                        or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextlib.contextmanager
    def transaction(self):
        """A write transaction; every SQLite failure in it (a read-only file, a full disk,
        a file of another owner) becomes a StateError naming the store."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        try:
            yield self.db
        except sqlite3.Error as exc:
            self._rollback()
            raise self._error(exc) from None
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                self.db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise self._error(exc) from None

    def _rollback(self) -> None:
        try:
            self.db.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    def _error(self, exc: sqlite3.Error) -> StateError:
        text = str(exc)
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            return StateError(f"cannot write the state store {self.path} ({text}): the file "
                              "or its folder is read-only or belongs to another user; make "
                              "both writable by the user visitplan runs as")
        if "locked" in text or "busy" in text:
            return StateError(f"the state store {self.path} is busy ({text}); another "
                              "program holds it, try again later")
        return StateError(f"cannot use the state store {self.path}: {text}")

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows of a read, with SQLite failures as StateError."""
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StateError(f"the state store {self.path} was written by a newer visitplan "
                             f"(schema {version}); upgrade visitplan")
        if version == len(MIGRATIONS):
            return
        with self.transaction() as db:      # one writer migrates; others find it done
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for number in range(version, len(MIGRATIONS)):
                for statement in _statements(MIGRATIONS[number]):
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")

    @property
    def schema_version(self) -> int:
        return self._query("PRAGMA user_version")[0][0]

    # ------------------------------------------------------------ settings

    def setting(self, key: str) -> str | None:
        """A setting kept in the store, or None when it was never fixed."""
        rows = self._query("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def fix_setting(self, key: str, value: str) -> str:
        """The setting's value: the one fixed earlier if there is one, else `value`, which
        is kept from now on (the first writer wins, also between concurrent processes)."""
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO settings (key, value, set_at) VALUES (?, ?, ?)",
                       (key, value, _now()))
            return db.execute("SELECT value FROM settings WHERE key = ?",
                              (key,)).fetchone()[0]

    # ------------------------------------------------------------ notices

    def noticed(self, visit: str, kind: str) -> str | None:
        """The day a notice was given about a visit, or None."""
        rows = self._query("SELECT day FROM notices WHERE visit = ? AND kind = ?",
                           (visit, kind))
        return rows[0][0] if rows else None

    def notice(self, visit: str, kind: str, day: str) -> bool:
        """Record a notice about a visit; True when it is new (to be reported now)."""
        with self.transaction() as db:
            return db.execute("INSERT OR IGNORE INTO notices (visit, kind, day) VALUES "
                              "(?, ?, ?)", (visit, kind, day)).rowcount == 1

    # ------------------------------------------------------------ mail

    def mail(self, message_id: str) -> MailRecord | None:
        rows = self._query("SELECT message_id, kind, visit, department, day, recipients, "
                           "status, started_at, sent_at, attempts FROM mail "
                           "WHERE message_id = ?", (message_id,))
        if not rows:
            return None
        row = rows[0]
        return MailRecord(*row[:5], json.loads(row[5]), *row[6:])

    def begin_send(self, message_id: str, kind: str, recipients: list[str], *,
                   visit: str | None = None, department: str | None = None,
                   day: str | None = None, force: bool = False) -> bool:
        """Mark a message as being sent. False when it was already sent (and not force)."""
        with self.transaction() as db:
            row = db.execute("SELECT status FROM mail WHERE message_id = ?",
                             (message_id,)).fetchone()
            if row and row[0] == "sent" and not force:
                return False
            if row:
                db.execute("UPDATE mail SET status = 'sending', started_at = ?, recipients = ?,"
                           " attempts = attempts + 1 WHERE message_id = ?",
                           (_now(), json.dumps(recipients), message_id))
            else:
                db.execute("INSERT INTO mail (message_id, kind, visit, department, day, "
                           "recipients, status, started_at) VALUES (?, ?, ?, ?, ?, ?, "
                           "'sending', ?)", (message_id, kind, visit, department, day,
                                             json.dumps(recipients), _now()))
        return True

    def finish_send(self, message_id: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE mail SET status = 'sent', sent_at = ? WHERE message_id = ?",
                       (_now(), message_id))

    def abandon_send(self, message_id: str) -> None:
        """The server refused: forget the attempt so a later run sends it."""
        with self.transaction() as db:
            row = db.execute("SELECT sent_at FROM mail WHERE message_id = ?",
                             (message_id,)).fetchone()
            if row and row[0]:      # sent before (a --force resend failed): keep that record
                db.execute("UPDATE mail SET status = 'sent' WHERE message_id = ?",
                           (message_id,))
            else:
                db.execute("DELETE FROM mail WHERE message_id = ?", (message_id,))

    def unfinished(self) -> list[MailRecord]:
        """Messages marked as being sent by a run that did not finish."""
        ids = [r[0] for r in self._query(
            "SELECT message_id FROM mail WHERE status = 'sending' ORDER BY started_at")]
        return [self.mail(i) for i in ids]

    # ------------------------------------------------------------ ticks

    def tick(self, visit: str, task: str, who: str | None = None) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO ticks (visit, task, who, at) VALUES (?, ?, ?, ?)",
                       (visit, task, who or _user(), _now()))

    def untick(self, visit: str, task: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM ticks WHERE visit = ? AND task = ?", (visit, task))

    def ticks(self, visit: str) -> dict[str, tuple[str, str]]:
        """task id -> (who, when) for a visit."""
        return {task: (who, at) for task, who, at in self._query(
            "SELECT task, who, at FROM ticks WHERE visit = ?", (visit,))}

    # ------------------------------------------------------------ builds

    def build_hash(self, visit: str) -> str | None:
        rows = self._query("SELECT input_hash FROM builds WHERE visit = ?", (visit,))
        return rows[0][0] if rows else None

    def record_build(self, visit: str, input_hash: str, output: Path) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO builds (visit, input_hash, output, built_at) VALUES "
                       "(?, ?, ?, ?) ON CONFLICT(visit) DO UPDATE SET input_hash = "
                       "excluded.input_hash, output = excluded.output, built_at = "
                       "excluded.built_at", (visit, input_hash, str(output), _now()))


def _statements(script: str) -> list[str]:
    lines = [line.split("--")[0] for line in script.splitlines()]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "unknown")
