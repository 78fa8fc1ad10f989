"""What the cron tests share: a site (visits folder, configuration, state file) served by a
real SMTP server, the sending half run on its own, and `run` started as a real process.

The clock is the machine's edge: `today` is pinned (Session.today) in the process under test
so that a test about 2026-12 still means the same thing after 2026-12 has passed.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import visitplan
from visitplan.api import Session
from visitplan.cron import run as cron

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
HANBIT = "hanbit-2026-12"
HANBIT_ARRIVAL = dt.date(2026, 12, 8)
HANBIT_SEND_ON = dt.date(2026, 12, 11)

CONFIG = """
staff_language: en
departments:
  sales: sales@brightway.example
  admin: admin@brightway.example
  factory: plant2@brightway.example
  hr: hr@brightway.example
  leader: gm@brightway.example
  reception: [frontdesk@brightway.example, guard@brightway.example]
smtp: {{host: 127.0.0.1, port: {port}, from: "{sender}", timeout: {timeout}}}
output: out
state: state/state.sqlite3
"""
SENDER = "Brightway Visits <visits@brightway.example>"


class Site:
    """A visits folder holding the Korean example, a configuration and a state file."""

    def __init__(self, root: Path, port: int):
        self.root = root
        self.visits = root / "visits"
        self.visits.mkdir()
        shutil.copy(EXAMPLES / "hanbit-korean.yaml", self.visits / "hanbit.yaml")
        shutil.copytree(EXAMPLES / "photos", self.visits / "photos")
        self.config = root / "visitplan.yaml"
        self.state = root / "state" / "state.sqlite3"
        self.out = root / "out"
        self.extra = ""
        self.configure(port)

    def configure(self, port: int, sender: str = SENDER, timeout: int = 10,
                  extra: str | None = None) -> None:
        if extra is not None:
            self.extra = extra
        self.port = port
        self.config.write_text(CONFIG.format(port=port, sender=sender, timeout=timeout)
                               + self.extra, encoding="utf-8")

    def session(self) -> Session:
        return Session.open(str(self.config))

    def send(self, day: dt.date, today: dt.date | None = None, **options):
        """The sending half alone (no rendering), in this process: a RunReport."""
        return cron.run(self.session(), [self.visits], day, send=True, build=False,
                        today=today or day, wait=options.pop("wait", 5.0), **options)


def pin_today(monkeypatch, day: dt.date) -> None:
    """Make `today` be `day` for commands run in this process."""
    monkeypatch.setattr(Session, "today", lambda self, date=None: date or day)


_PINNED = """
import datetime, sys
from visitplan.api import Session
today = datetime.date.fromisoformat(sys.argv.pop(1))
Session.today = lambda self, date=None: date or today
from visitplan.cli import main
main(prog_name="visitplan")
"""


def spawn(site: Site, *args: str, today: dt.date) -> subprocess.Popen:
    """`visitplan --config CONFIG ARGS...` as a process of its own, with today pinned."""
    env = {**os.environ, "PYTHONPATH": str(Path(visitplan.__file__).resolve().parent.parent)}
    return subprocess.Popen(
        [sys.executable, "-c", _PINNED, today.isoformat(), "--config", str(site.config),
         *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=site.root)


def spawn_run(site: Site, day: dt.date, *extra: str, today: dt.date | None = None):
    return spawn(site, "run", str(site.visits), "--date", day.isoformat(), "--send",
                 "--jobs", "1", "--json", *extra, today=today or day)


_SEND_ONLY = """
import datetime, json, sys
from pathlib import Path
from visitplan.api import Session
from visitplan.cron import run as cron
config, visits, day = sys.argv[1:4]
day = datetime.date.fromisoformat(day)
report = cron.run(Session.open(config), [Path(visits)], day, send=True, build=False, today=day)
print(json.dumps(report.as_json()))
sys.exit(1 if report.failed else 0)
"""


def spawn_send(site: Site, day: dt.date) -> subprocess.Popen:
    """The sending half of `run` alone, as a process of its own (no rendering)."""
    env = {**os.environ, "PYTHONPATH": str(Path(visitplan.__file__).resolve().parent.parent)}
    return subprocess.Popen([sys.executable, "-c", _SEND_ONLY, str(site.config),
                             str(site.visits), day.isoformat()], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=site.root)


def report_of(proc: subprocess.Popen, timeout: float = 180) -> tuple[dict, str]:
    out, err = proc.communicate(timeout=timeout)
    return (json.loads(out) if out.strip() else {}), err.decode()
