"""HTML → PDF: the one path every printed document takes (WeasyPrint, imported lazily).

Rendering happens in forked processes (a Worker started early, and children of it); each
dies with the process that forked it and holds none of its locks (`visitplan.lifeline`),
so a killed command leaves no renderer behind.

Three things make it safe and exact:

* a URL fetcher that serves only the templates' own asset folders (`css/`, `assets/`, in the
  user's templates folder first, then the built-ins) and the files the caller allows by name
  (the visit's photos, a logo). Everything else — another local file, http(s), ftp — is
  refused and recorded; `data:` URLs (inline SVG, QR codes) need no I/O and are served.
* WeasyPrint logs a missing image or stylesheet instead of raising. Its log records are
  captured during the render; an error among them becomes a RenderError naming the asset.
* fonts are chosen per language by `templates/css/fonts.css` and the `lang` attributes the
  templates put on names (`lang_of` below), never left to fontconfig's fallback.
"""
from __future__ import annotations

import contextlib
import logging
import os
import pickle
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from visitplan import lifeline
from visitplan.documents import pdf_text, render_cache
from visitplan.errors import RenderError
from visitplan.rules.names import script_of

# The folders of a templates folder whose files a document may load.
ASSET_FOLDERS = ("css", "assets")

# country -> language tag of a Han name written by someone from there
_HAN_LANG = {"JP": "ja", "TW": "zh-Hant", "HK": "zh-Hant", "MO": "zh-Hant", "KR": "ko",
             "KP": "ko"}


def lang_of(text: str | None, country: str | None = None) -> str | None:
    """The language tag to put on an element holding `text` (a name, a company), so the
    right face draws it: Hangul → ko; Han → zh-Hans, or ja / zh-Hant / ko by country;
    kana → ja. None for Latin and everything else (the element inherits the page's)."""
    if not text:
        return None
    script = script_of(text)
    if script == "hangul":
        return "ko"
    if script == "han":
        if any("\u3040" <= ch <= "\u30ff" for ch in text):
            return "ja"
        return _HAN_LANG.get((country or "").upper(), "zh-Hans")
    if script == "other" and any("\u3040" <= ch <= "\u30ff" for ch in text):
        return "ja"
    return None


@dataclass
class AssetPolicy:
    """Which URLs a render may load. `roots` are templates folders searched in order for
    `css/…` and `assets/…`; relative URLs resolve against `base_dir` (one of the roots).
    Every URL asked for is kept in `asked`, every refusal in `refused`."""

    base_dir: Path
    roots: list[Path]
    allowed: set[Path]
    asked: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def resolve(self, url: str) -> Path:
        """The local file to serve for a URL; raises PermissionError (not allowed) or
        FileNotFoundError (an asset the templates name is missing), recording the refusal."""
        try:
            return self._resolve(url)
        except OSError as exc:
            self.refused.append(url)
            self.reasons.append(str(exc))
            raise

    def _resolve(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise PermissionError(f"the document asks for {url}, but a document loads only "
                                  "template assets and the visit's own files, never the "
                                  "network")
        path = Path(url2pathname(unquote(parts.path)))
        real = path.resolve()
        if real in self.allowed:
            if real.is_file():
                return real
            raise FileNotFoundError(f"the document needs {real}, which does not exist")
        try:
            rel = path.relative_to(self.base_dir)
        except ValueError:
            rel = None
        if rel is None or not rel.parts or rel.parts[0] not in ASSET_FOLDERS \
                or ".." in rel.parts:
            raise PermissionError(f"the document asks for {path}, which is neither in a "
                                  "templates folder's css/ or assets/ nor a file the visit "
                                  "names, so it was not loaded")
        for root in self.roots:
            folder = (root / rel.parts[0]).resolve()
            candidate = (root / rel).resolve()
            if candidate.is_relative_to(folder) and candidate.is_file():
                return candidate
        raise FileNotFoundError(f"the template asks for {rel.as_posix()}, which is not in "
                                + " nor in ".join(str(r) for r in self.roots))


def policy(base_dir: Path, allowed=(), overlays=()) -> AssetPolicy:
    base = Path(base_dir).resolve()
    roots = [Path(o).resolve() for o in overlays if o is not None] + [base]
    return AssetPolicy(base_dir=base, roots=roots,
                       allowed={Path(p).resolve() for p in allowed})


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def render_pdf(html: str, *, base_dir: Path, allowed=(), overlays=(), strict: bool = False,
               policy_out: list | None = None) -> bytes:
    """Render `html` to PDF bytes.

    base_dir: the templates folder relative URLs resolve against (`css/doc.css`).
    allowed: files the document may load besides the template assets (photos, a logo).
    overlays: templates folders searched before base_dir for the same asset names (a user's
        brand folder), so a brand can replace `assets/logo.svg` without touching templates.
    strict: also fail on WeasyPrint's warnings (unsupported CSS and the like), not only on
        errors; the tests render the built-in templates this way.
    policy_out: a list that receives the AssetPolicy, to see what was asked and refused.

    Raises RenderError naming the missing or refused asset.
    """
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    rules = policy(base_dir, allowed, overlays)
    if policy_out is not None:
        policy_out.append(rules)

    class Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            rules.asked.append(url)
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = rules.resolve(url)
            return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                      headers={"Content-Type": _content_type(path)})

    capture = _Capture()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(capture)
    try:
        document = weasyprint.HTML(string=html, base_url=rules.base_dir.as_uri() + "/",
                                   url_fetcher=Fetcher(allowed_protocols=("file", "data")))
        data = document.write_pdf(finisher=pdf_text.finisher)
    except Exception as exc:
        raise RenderError(f"the PDF could not be rendered: {exc}") from exc
    finally:
        logger.removeHandler(capture)
    failed = [r for r in capture.records if r.levelno >= logging.ERROR
              or (strict and r.levelno >= logging.WARNING)]
    if rules.refused:
        raise RenderError(rules.reasons[0])
    if failed:
        raise RenderError(f"WeasyPrint: {failed[0].getMessage()}")
    return data


def render_pdfs(htmls: list[str], *, base_dir: Path, allowed=(), overlays=(),
                strict: bool = False, audit: list | None = None,
                worker: "Worker | None" = None, while_rendering=None) -> list[bytes]:
    """Render several documents at the same time: the first in one process, each other one
    in a forked child of it, which shares the WeasyPrint already imported there. On two
    cores the itinerary and the checklist then take as long as the longer of the two.

    With `worker` (a Worker started early by the caller, which has been importing
    WeasyPrint meanwhile) all of it happens there and this process never imports
    WeasyPrint; without, here. Without fork, on one core, or with other threads running
    (forking them is unsafe), one after another.

    `audit` receives each document's AssetPolicy, in order, also from the children.
    `while_rendering`, a function without arguments, is called once the worker has the
    documents (before rendering, without a worker): other work overlaps the rendering.
    Raises RenderError like render_pdf; a child that dies is a RuntimeError (a bug).
    Documents rendered before come from the render cache when one is set (render_cache)."""
    options = dict(base_dir=base_dir, allowed=allowed, overlays=overlays, strict=strict)

    def render(todo: list[str]) -> list[Outcome]:
        if worker is not None and todo:
            worker.submit(todo, options)
            try:
                if while_rendering is not None:
                    while_rendering()
            finally:
                outcomes = worker.collect()
            return outcomes
        if worker is not None:
            worker.close()              # every document came from the render cache
        if while_rendering is not None:
            while_rendering()
        return _render_all(todo, options) if todo else []

    outcomes = render_cache.through(htmls, options, render, lambda asked: replace(
        policy(base_dir, allowed, overlays), asked=list(asked)))     # a cached one's audit
    if audit is not None:
        audit.extend(policy for _, _, policy in outcomes)
    for kind, value, _ in outcomes:
        if kind == "error":
            raise RenderError(value)
        if kind == "crash":
            raise RuntimeError(f"rendering a document in a child process failed: {value}")
    return [value for _, value, _ in outcomes]


_forking = True


@contextlib.contextmanager
def forking(enabled: bool):
    """Allow or forbid rendering in forked children while the block runs. `visitplan run`
    forbids it: there the visits are rendered in parallel instead (--jobs)."""
    global _forking
    before, _forking = _forking, enabled
    try:
        yield
    finally:
        _forking = before


def can_fork() -> bool:
    """Whether rendering in a forked child pays and is safe: allowed (see set_forking), fork
    exists, there is more than one core, and no other thread runs (a fork copies only the
    calling thread)."""
    import threading

    return (_forking and hasattr(os, "fork") and (os.cpu_count() or 1) > 1
            and threading.active_count() == 1)


Outcome = tuple  # ("ok", pdf bytes, policy) | ("error", message, policy) | ("crash", text, None)


def _render_all(htmls: list[str], options: dict) -> list[Outcome]:
    """Each document's outcome, as many at once as there are cores (more only fight over
    them): the first of each group rendered here, the others in forked children."""
    import weasyprint  # noqa: F401  (before forking, so that children share it)

    width = (os.cpu_count() or 1) if len(htmls) > 1 and can_fork() else 1
    outcomes: list[Outcome] = []
    for start in range(0, len(htmls), width):
        group = htmls[start:start + width]
        children = [_fork_one(html, options) for html in group[1:]]
        try:
            outcomes.append(_outcome(group[0], options))
        finally:
            outcomes += [collect() for collect in children]
    return outcomes


def _outcome(html: str, options: dict) -> Outcome:
    seen: list = []
    try:
        return ("ok", render_pdf(html, policy_out=seen, **options), seen[0] if seen else None)
    except RenderError as exc:
        return ("error", str(exc), seen[0] if seen else None)


def _fork_one(html: str, options: dict):
    """Render `html` in a forked child; returns a function that waits for its outcome."""
    read, write = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        lifeline.die_with_parent(parent)
        os.close(read)
        _child(write, lambda: [_outcome(html, options)])
    os.close(write)
    return lambda: _collect(pid, read, 1)[0]


def _child(results: int, work) -> None:
    """The life of a forked child: do the work, send its outcomes, exit at once (no atexit,
    no flushing of buffers copied from the parent). Never returns."""
    status = 0
    try:
        try:
            outcomes = work()
        except BaseException as exc:  # noqa: BLE001  (a bug: reported to the parent)
            outcomes = None
            message = f"{type(exc).__name__}: {exc}"
        data = pickle.dumps(outcomes if outcomes is not None else ("crash", message))
        with os.fdopen(results, "wb") as fh:
            fh.write(data)
    except BaseException:  # noqa: BLE001
        status = 1
    finally:
        os._exit(status)


def _collect(pid: int, read: int, count: int) -> list[Outcome]:
    with os.fdopen(read, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    outcomes = pickle.loads(data) if data else ("crash", "it ended without a result")
    if isinstance(outcomes, tuple):      # the child itself failed
        return [("crash", outcomes[1], None)] * count
    return outcomes


class Worker:
    """A forked process that imports WeasyPrint at once and then renders the documents it
    is sent (several at once, through forks of its own that share the import). Start it
    before the slow work that precedes rendering — loading the visit, planning, filling
    the templates — and the import runs meanwhile on the other core."""

    def __init__(self, pid: int, jobs: int | None, results: int | None):
        self.pid, self._jobs, self._results = pid, jobs, results
        self._done, self._count = False, 0

    @classmethod
    def start(cls) -> "Worker":
        job_read, job_write = os.pipe()
        result_read, result_write = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            lifeline.die_with_parent(parent, watchdog=False)    # it forks: one thread only
            os.close(job_write)
            os.close(result_read)
            _child(result_write, lambda: _serve(job_read))
        os.close(job_read)
        os.close(result_write)
        return cls(pid, job_write, result_read)

    def submit(self, htmls: list[str], options: dict) -> None:
        """Send the documents; the worker starts rendering them at once."""
        jobs, self._jobs = self._jobs, None
        self._count = len(htmls)
        with os.fdopen(jobs, "wb") as fh:
            fh.write(pickle.dumps((htmls, options)))

    def collect(self) -> list[Outcome]:
        """Wait for the outcome of every document sent."""
        results, self._results = self._results, None
        self._done = True
        return _collect(self.pid, results, self._count)

    def close(self) -> None:
        """Let a worker that was given nothing go: it reads the end of its job pipe."""
        if self._done:
            return
        for fd in (self._jobs, self._results):
            if fd is not None:
                os.close(fd)
        self._jobs = self._results = None
        os.waitpid(self.pid, 0)
        self._done = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def start_worker() -> Worker | None:
    """A Worker when forking is possible and safe (see can_fork), else None."""
    return Worker.start() if can_fork() else None


def _serve(jobs: int) -> list[Outcome] | None:
    import weasyprint  # noqa: F401  (the point of starting early)

    with os.fdopen(jobs, "rb") as fh:
        job = fh.read()
    if not job:
        os._exit(0)
    htmls, options = pickle.loads(job)
    return _render_all(htmls, options)


_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png",
          ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
          ".webp": "image/webp", ".woff2": "font/woff2", ".woff": "font/woff",
          ".ttf": "font/ttf", ".otf": "font/otf"}


def _content_type(path: Path) -> str:
    return _TYPES.get(path.suffix.lower(), "application/octet-stream")
