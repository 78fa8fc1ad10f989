"""The one exception family of visitplan.

The command line turns every `VisitplanError` into a message on stderr and the exit code
of its class; anything else is a bug.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in an input file, with its place."""

    file: str
    line: int          # 1-based; 0 when the problem concerns the whole file
    col: int           # 1-based
    field: str         # dotted path such as guests[1].country; "" for the whole file
    message: str
    severity: str = "error"   # error | warning

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        mark = "warning: " if self.severity == "warning" else ""
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {mark}{field}{self.message}"


class VisitplanError(Exception):
    """Base of every error visitplan reports to the user."""

    exit_code = 1


class InputError(VisitplanError):
    """Raised for bad usage or unreadable input: a missing file, a bad option value."""

    exit_code = 2


class ValidationFailed(InputError):
    """Raised when a visit, configuration or profile file has problems; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class RenderError(VisitplanError):
    """Raised when a document cannot be rendered (a template error, a missing asset)."""


class SendError(VisitplanError):
    """Raised when mail cannot be delivered: the server is down, refuses, or rejects the login."""


class StateError(VisitplanError):
    """Raised when the state store cannot be opened or written."""
