"""Writing outputs all-or-nothing: every file to a temporary name, then all renamed."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write(files: dict[Path, bytes]) -> None:
    """Write every file, or none: each goes to a temporary file in its folder first, and all
    are renamed into place only when all were written."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
        for tmp, path in staged:
            os.replace(tmp, path)
        staged = []
    finally:
        for tmp, _ in staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
