"""Helpers of the prepare and calendar tests: golden files with an update flag."""
from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden" / "prepare"
# read at import: the autouse fixture of conftest.py clears VISITPLAN_* before each test
UPDATE_GOLDEN = os.environ.get("VISITPLAN_UPDATE_GOLDEN") == "1"


def check_golden(name: str, data: bytes) -> None:
    """Compare with tests/golden/prepare/<name> and show a diff; VISITPLAN_UPDATE_GOLDEN=1
    rewrites the file instead."""
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if not path.is_file():
        pytest.fail(f"golden/prepare/{name} is missing; run with VISITPLAN_UPDATE_GOLDEN=1")
    expected = path.read_bytes().decode("utf-8")
    actual = data.decode("utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            f"golden/prepare/{name}", "actual", n=2))
        pytest.fail(f"{name} differs from its golden file (VISITPLAN_UPDATE_GOLDEN=1 "
                    f"rewrites it):\n{diff[:6000]}")
