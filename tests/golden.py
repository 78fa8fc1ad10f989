"""The one golden-file helper: compare an output with tests/golden/<name>, show a unified
diff on failure, and rewrite the file instead when VISITPLAN_UPDATE_GOLDEN=1:

    VISITPLAN_UPDATE_GOLDEN=1 pytest tests/test_prepare.py tests/test_sign.py

HTML goldens are kept without their stylesheets: the body of every <style> block is
reduced to the `/* css/NAME.css */` marks the templates write, so a CSS edit changes no
golden file (the CSS itself is tested by rendering, in the PDF and browser tests).
"""
from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent / "golden"
# read at import: the autouse fixture of conftest.py clears VISITPLAN_* before each test
UPDATE = os.environ.get("VISITPLAN_UPDATE_GOLDEN") == "1"

_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S)
_MARK = re.compile(r"/\* (css/[\w.-]+\.css) \*/")


def without_css(html: str) -> str:
    """`html` with each <style> block's CSS replaced by the names of its stylesheets."""
    def strip(m):
        names = _MARK.findall(m.group(2))
        inner = "".join(f"/* {name} */" for name in names) or "/* css */"
        return m.group(1) + inner + m.group(3)
    return _STYLE.sub(strip, html)


def check_golden(name: str, data: bytes | str) -> None:
    """Compare `data` with tests/golden/<name> (`prepare/hanbit-itinerary.html`); HTML is
    compared without its CSS (see the module docstring)."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    if name.endswith(".html"):
        text = without_css(text)
    path = ROOT / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    if not path.is_file():
        pytest.fail(f"golden/{name} is missing; run with VISITPLAN_UPDATE_GOLDEN=1")
    expected = path.read_bytes().decode("utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                            f"golden/{name}", "actual", n=2))
        pytest.fail(f"{name} differs from its golden file (VISITPLAN_UPDATE_GOLDEN=1 "
                    f"rewrites it):\n{diff[:8000]}")
