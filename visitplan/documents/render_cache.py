"""A folder of rendered PDFs kept by the digest of what went into them, for those who render
the same documents again and again: the test suite, which renders each example's
itinerary, checklist and sign in dozens of tests, and a developer editing one template.

Off unless VISITPLAN_RENDER_CACHE names a folder. A document's key is the SHA-256 of the
HTML, the render options (templates folders, strict), the content of every file in the
templates folders' css/ and assets/, the content of each file the document may load
(photos, a logo), and the versions of visitplan and WeasyPrint. Fonts installed on the
machine are not part of it: empty the folder after installing or removing fonts.

Only documents that rendered are kept (with the URLs they asked for, so an audit of a
cached document reads the same); a failure is rendered again every time. An entry that
cannot be read is a miss and is written again; entries are written atomically, so several
processes may share the folder.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from visitplan import __version__

ENV = "VISITPLAN_RENDER_CACHE"
ASSET_FOLDERS = ("css", "assets")

# (path, size, mtime) -> digest of the file, for the life of the process
_file_digests: dict[tuple, bytes] = {}


def folder(environ=None) -> Path | None:
    """The cache folder VISITPLAN_RENDER_CACHE names, or None (no cache)."""
    value = (os.environ if environ is None else environ).get(ENV, "").strip()
    return Path(value) if value else None


def _file_digest(path: Path) -> bytes:
    try:
        st = path.stat()
    except OSError:
        return b"missing"
    ident = (str(path), st.st_size, st.st_mtime_ns)
    if ident not in _file_digests:
        try:
            _file_digests[ident] = hashlib.sha256(path.read_bytes()).digest()
        except OSError:
            return b"unreadable"
    return _file_digests[ident]


def key(html: str, options: dict) -> str:
    """The digest a document is kept under (see the module docstring)."""
    from importlib import metadata     # only when the cache is on: not on every start-up

    h = hashlib.sha256()
    h.update(f"visitplan {__version__}; weasyprint {metadata.version('weasyprint')}\0"
             .encode())
    h.update(html.encode("utf-8") + b"\0")
    roots = [Path(o) for o in options.get("overlays") or () if o is not None] \
        + [Path(options["base_dir"])]
    h.update(repr((bool(options.get("strict")), [str(r) for r in roots])).encode())
    for root in roots:
        for name in ASSET_FOLDERS:
            base = root / name
            if not base.is_dir():
                continue
            for path in sorted(p for p in base.rglob("*") if p.is_file()):
                h.update(str(path.relative_to(root)).encode() + b"\0" + _file_digest(path))
    for path in sorted(str(p) for p in options.get("allowed") or ()):
        h.update(path.encode() + b"\0" + _file_digest(Path(path)))
    return h.hexdigest()


def get(where: Path, digest: str) -> tuple[bytes, list[str]] | None:
    """The PDF kept under `digest` and the URLs its render asked for, or None."""
    try:
        data = (where / digest[:2] / digest).read_bytes()
        head, _, pdf = data.partition(b"\n")
        asked = json.loads(head)["asked"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not pdf.startswith(b"%PDF-") or not isinstance(asked, list):
        return None
    return pdf, [str(url) for url in asked]


def put(where: Path, digest: str, pdf: bytes, asked: list[str]) -> None:
    """Keep a rendered document: one line of JSON, then the PDF. A folder that cannot be
    written is no error (the document was rendered all the same)."""
    target = where / digest[:2] / digest
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".tmp-",
                                         delete=False) as fh:
            fh.write(json.dumps({"asked": asked}).encode() + b"\n" + pdf)
        os.replace(fh.name, target)
    except OSError:
        return


def through(htmls: list[str], options: dict, render, policy_for) -> list:
    """The outcomes of `htmls` in order, each ("ok", pdf, policy) or a failure: those kept
    in the cache from it (their policy made by `policy_for(asked URLs)`), the others from
    `render(list of html)`, called once, also with an empty list; what rendered is kept."""
    where = folder()
    if where is None:
        return render(htmls)
    digests = [key(html, options) for html in htmls]
    outcomes: list = []
    for digest in digests:
        kept = get(where, digest)
        outcomes.append(None if kept is None else ("ok", kept[0], policy_for(kept[1])))
    missing = [i for i, outcome in enumerate(outcomes) if outcome is None]
    for i, outcome in zip(missing, render([htmls[i] for i in missing])):
        outcomes[i] = outcome
        if outcome[0] == "ok":
            put(where, digests[i], outcome[1], list(outcome[2].asked) if outcome[2] else [])
    return outcomes
