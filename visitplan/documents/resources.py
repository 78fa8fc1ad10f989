"""Where the built-in templates live: inside the installed package, or in the source tree."""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).parent.parent


def templates_dir() -> Path:
    installed = _PACKAGE / "templates"
    return installed if installed.is_dir() else _PACKAGE.parent / "templates"
