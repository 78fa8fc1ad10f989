"""HTML → PDF: the one path every printed document takes (WeasyPrint, imported lazily).

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

import logging
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from visitplan.errors import RenderError

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
    from visitplan.names import script_of

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
        data = document.write_pdf()
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
                strict: bool = False, audit: list | None = None) -> list[bytes]:
    """Render several documents, the first in this process and each other one at the same
    time in a forked child, which shares the WeasyPrint already imported here: on two cores
    the itinerary and the checklist take as long as the longer of the two. Without fork, on
    one core, or with other threads running (forking them is unsafe), one after another.

    `audit` receives each document's AssetPolicy, in order, also from the children.
    Raises RenderError like render_pdf; a child that dies is a RuntimeError (a bug)."""
    import threading

    import weasyprint  # noqa: F401  (imported before forking, so children need not)

    options = dict(base_dir=base_dir, allowed=allowed, overlays=overlays, strict=strict)
    parallel = (len(htmls) > 1 and hasattr(os, "fork") and (os.cpu_count() or 1) > 1
                and threading.active_count() == 1)
    if not parallel:
        results, policies = [], []
        for html in htmls:
            results.append(render_pdf(html, policy_out=policies, **options))
        if audit is not None:
            audit.extend(policies)
        return results
    children = [_fork_render(html, options) for html in htmls[1:]]
    first_policy: list = []
    try:
        first = render_pdf(htmls[0], policy_out=first_policy, **options)
    finally:
        outcomes = [collect() for collect in children]
    if audit is not None:
        audit.extend(first_policy + [policy for _, _, policy in outcomes])
    for kind, value, _ in outcomes:
        if kind == "error":
            raise RenderError(value)
        if kind == "crash":
            raise RuntimeError(f"rendering a document in a child process failed: {value}")
    return [first] + [value for _, value, _ in outcomes]


def _fork_render(html: str, options: dict):
    """Start rendering `html` in a forked child; returns a function that waits for it and
    gives (kind, value, policy): ("ok", pdf bytes) / ("error", message) / ("crash", text)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render, send the outcome, leave without any cleanup
        status = 0
        try:
            os.close(read)
            seen: list = []
            try:
                outcome = ("ok", render_pdf(html, policy_out=seen, **options))
            except RenderError as exc:
                outcome = ("error", str(exc))
            except BaseException as exc:  # noqa: BLE001  (reported to the parent)
                outcome = ("crash", f"{type(exc).__name__}: {exc}")
            with os.fdopen(write, "wb") as fh:
                fh.write(pickle.dumps((*outcome, seen[0] if seen else None)))
        except BaseException:  # noqa: BLE001
            status = 1
        finally:
            os._exit(status)
    os.close(write)

    def collect():
        with os.fdopen(read, "rb") as fh:
            data = fh.read()
        os.waitpid(pid, 0)
        if not data:
            return ("crash", "the child process ended without a result", None)
        return pickle.loads(data)

    return collect


_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png",
          ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
          ".webp": "image/webp", ".woff2": "font/woff2", ".woff": "font/woff",
          ".ttf": "font/ttf", ".otf": "font/otf"}


def _content_type(path: Path) -> str:
    return _TYPES.get(path.suffix.lower(), "application/octet-stream")
