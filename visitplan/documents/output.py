"""Writing outputs all-or-nothing.

`switch(folder, files)` is how a command writes its documents into an output folder: every
file is written into a staging folder inside it (`<folder>/.staging-<pid>-<random>/new/`)
and synced; a manifest naming the files is written; then each file replaces its previous
version by rename, the previous one kept as a hard link (or copy) in `old/`. If a rename
fails half way (a target is a folder, the disk is read-only) the files already replaced are
put back from `old/`, and the error names the file. A command killed between two renames
leaves its staging folder and manifest behind; the next command on that folder rolls the
half switch back the same way, so a folder never stays mixed. Stray `.tmp` files of older
versions are removed then too.

`atomic_write(files)` writes files spread over several folders (a new visit file and its
schema, an exported templates folder): each to a temporary file, then all renamed.
"""
from __future__ import annotations

import errno
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from visitplan.errors import VisitplanError

STAGING = ".staging-"
MANIFEST = "switch.json"
_STAGING_NAME = re.compile(r"\.staging-(\d+)-")
# `.NAME.XXXXXXXX.tmp`: a file atomic_write had not renamed yet; removed once it is this
# old (seconds), so a write in progress in another process is never touched
_OLD_TMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
TMP_AGE = 600


class OutputError(VisitplanError):
    """Raised when the outputs cannot be put in place; the previous files are kept."""


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, 0o644)


def _keep(path: Path, copy: Path) -> bool:
    """Keep the file at `path` as `copy` (a hard link, else a copy); False when there is
    no file there."""
    if not path.is_file() or path.is_symlink():
        return False
    try:
        os.link(path, copy)
    except OSError:
        shutil.copy2(path, copy)
    return True


def _roll_back(folder: Path, staging: Path) -> None:
    """Put back the previous version of every file the switch in `staging` had replaced,
    and remove the files it added; then remove the staging folder."""
    manifest = staging / MANIFEST
    if manifest.is_file():
        try:
            entries = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = {}
        for name, had_old in entries.items():
            old, new = staging / "old" / name, staging / "new" / name
            if had_old and old.is_file():
                os.replace(old, folder / name)
            elif not had_old and not new.exists() and (folder / name).is_file():
                (folder / name).unlink()    # the switch had added it
        _fsync_dir(folder)
    shutil.rmtree(staging, ignore_errors=True)


def clean(folder: Path) -> None:
    """Undo what a killed command left in `folder`: half switches are rolled back, staging
    folders and stray `.tmp` files removed. Staging folders of live processes are left."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(STAGING) and entry.is_dir(follow_symlinks=False):
            m = _STAGING_NAME.match(entry.name)
            if m and _alive(int(m.group(1))):
                continue
            _roll_back(folder, Path(entry.path))
        elif _OLD_TMP.match(entry.name) and entry.is_file(follow_symlinks=False):
            try:
                if time.time() - entry.stat(follow_symlinks=False).st_mtime > TMP_AGE:
                    os.unlink(entry.path)
            except OSError:
                pass


def _refuse(path: Path, exc: OSError) -> OutputError:
    reason = {errno.EISDIR: "it is a folder", errno.ENOTDIR: "a part of its path is a file",
              errno.EEXIST: "it is a file, not a folder",
              errno.ENOSPC: "the disk is full", errno.EROFS: "the disk is read-only",
              errno.EACCES: "permission denied", errno.EPERM: "permission denied"}
    why = reason.get(exc.errno, exc.strerror or str(exc))
    return OutputError(f"{path}: cannot write it ({why}); the previous files are kept")


def switch(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write `files` (name → bytes) into `folder` together: all of them or, on failure,
    none (the previous versions stay). Raises OutputError naming the file."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _refuse(folder, exc) from None
    clean(folder)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f"{STAGING}{os.getpid()}-", dir=folder))
    except OSError as exc:
        raise _refuse(folder, exc) from None
    new, old = staging / "new", staging / "old"
    target = folder
    try:
        new.mkdir()
        old.mkdir()
        for name, data in files.items():
            target = folder / name
            _write(new / name, data)
        entries = {}
        for name in files:
            target = folder / name
            entries[name] = _keep(target, old / name)
        manifest = staging / (MANIFEST + ".tmp")
        _write(manifest, json.dumps(entries).encode())
        os.replace(manifest, staging / MANIFEST)
        _fsync_dir(staging)
        for name in files:
            target = folder / name
            os.replace(new / name, target)
        _fsync_dir(folder)
    except OSError as exc:
        _roll_back(folder, staging)
        raise _refuse(target, exc) from None
    except BaseException:
        _roll_back(folder, staging)
        raise
    shutil.rmtree(staging, ignore_errors=True)
    return [folder / name for name in files]


def atomic_write(files: dict[Path, bytes]) -> None:
    """Write every file, or none, across folders (a new visit file and its schema, an
    exported templates folder): each goes to a temporary file in its folder first, and all
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
