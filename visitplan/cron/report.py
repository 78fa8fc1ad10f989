"""What a cron pass did: the RunReport both halves (building, sending) fill in, and the one
shape of its errors.

Every error of a run, whatever went wrong, is one dict of the same shape (and one line on
stderr):

    {"visit": id or None, "file": path, "line": n, "column": n, "field": str,
     "message": str, "severity": "error"}

`line` and `column` are 0 when the error concerns the whole file (a render that failed, a
server that refused). A bug never escapes as a traceback: it is written to a crash file and
reported as an error naming that file.
"""
from __future__ import annotations

import tempfile
import traceback
from dataclasses import dataclass, field

from visitplan.errors import Problem


def error(message: str, *, visit: str | None = None, file=None, line: int = 0,
          column: int = 0, field_: str = "", severity: str = "error") -> dict:
    """One error of a run, in the one shape (see the module docstring)."""
    return {"visit": visit, "file": str(file) if file is not None else None, "line": line,
            "column": column, "field": field_, "message": message, "severity": severity}


def from_problem(problem: Problem, visit: str | None = None) -> dict:
    """A Problem (of a visit file or the configuration) as an error of a run."""
    return error(problem.message, visit=visit, file=problem.file, line=problem.line,
                 column=problem.col, field_=problem.field, severity=problem.severity)


def crash_file(exc: BaseException) -> str:
    """Write the traceback of a bug to a file of its own; return its path."""
    with tempfile.NamedTemporaryFile("w", prefix="visitplan-crash-", suffix=".txt",
                                     delete=False) as fh:
        traceback.print_exception(exc, file=fh)
    return fh.name


def internal_error(exc: BaseException, doing: str, *, visit: str | None = None,
                   file=None) -> dict:
    """A bug met while `doing` something for one visit: the traceback goes to a crash file,
    the run goes on with the other visits."""
    where = crash_file(exc)
    return error(f"internal error while {doing} ({type(exc).__name__}: {exc}); the traceback "
                 f"is in {where}", visit=visit, file=file)


def line_of(err: dict) -> str:
    """The line on stderr for one error: FILE:LINE:COL: field: message, as `check` prints
    problems, or `visitplan: VISIT: message` for what concerns a visit as a whole."""
    if err.get("line"):
        return str(Problem(err["file"] or "", err["line"], err["column"], err["field"],
                           err["message"], err["severity"]))
    who = err.get("visit") or ""
    if not who and err.get("file") and err.get("field"):
        who = f"{err['file']}: {err['field']}"
    elif not who and err.get("file"):
        who = err["file"]
    return f"visitplan: {who}: {err['message']}" if who else f"visitplan: {err['message']}"


@dataclass
class RunReport:
    """What one pass built and sent, and why anything was left out."""

    built: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    reminders_sent: list = field(default_factory=list)
    followups_sent: list = field(default_factory=list)
    prearrivals_sent: list = field(default_factory=list)
    skipped: list = field(default_factory=list)     # {"visit", "file", "reason"}
    stale: list = field(default_factory=list)       # not sent: too late (see send.py)
    errors: list = field(default_factory=list)      # dicts of the one shape (see above)
    busy: bool = False
    dry_run: bool = False

    @property
    def failed(self) -> bool:
        return any(e["severity"] == "error" for e in self.errors)

    @property
    def idle(self) -> bool:
        """Nothing happened that cron should mail about (stale mail is reported in the
        summary of a run that did something, not every day on its own)."""
        return not (self.built or self.reminders_sent or self.followups_sent
                    or self.prearrivals_sent or self.skipped or self.errors)

    def as_json(self) -> dict:
        return {"dry_run": self.dry_run, "built": self.built, "unchanged": self.unchanged,
                "reminders_sent": self.reminders_sent, "followups_sent": self.followups_sent,
                "prearrivals_sent": self.prearrivals_sent,
                "skipped": self.skipped, "stale": self.stale, "errors": self.errors}

    def summary(self) -> str:
        verb = "would build" if self.dry_run else "built"
        send = "would send" if self.dry_run else "sent"
        return (f"{verb} {len(self.built)}, unchanged {len(self.unchanged)}, reminders "
                f"{send} {len(self.reminders_sent)}, follow-ups {send} "
                f"{len(self.followups_sent)}, pre-arrival emails {send} "
                f"{len(self.prearrivals_sent)}, skipped {len(self.skipped)}, stale "
                f"{len(self.stale)}, errors {len(self.errors)}")

    def error_lines(self) -> list[str]:
        """Every error and warning of the run, one line each, as stderr shows them."""
        return [line_of(err) for err in self.errors]

    @property
    def warned(self) -> bool:
        return any(e["severity"] == "warning" for e in self.errors)

    def reasons(self) -> list[str]:
        """One line for each thing skipped or stale, saying why."""
        return [f"{s.get('visit') or s.get('kind')}: {s['reason']}"
                for s in self.skipped + self.stale]
