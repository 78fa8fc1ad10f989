"""The building half of a cron pass: render the documents of each visit whose inputs changed.

A visit is rebuilt when the digest of what its documents depend on (`input_hash`) differs
from the one recorded in the state store at its last build. Visits are rendered in worker
processes (even with --jobs 1): a crash or a runaway render of one visit stops no other,
and the workers are replaced after RECYCLE_AFTER visits each, which bounds their memory.

Workers die with the run: each asks the kernel to kill it when its parent ends and holds
none of the run's locks (see `visitplan.lifeline`). A killed run can leave a staging folder
behind (`.<visit id>.run-*` in the output folder); the next build removes those, which is
safe because builds only happen under the run lock.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from visitplan import __version__, lifeline
from visitplan.session import Session
from visitplan.cron.report import error, from_problem, internal_error
from visitplan.documents import pdf, render_cache
from visitplan.documents.build import prepare
from visitplan.documents.resources import templates_dir
from visitplan.documents.sign import sign
from visitplan.errors import ValidationFailed, VisitplanError
from visitplan.rules.advice import late_tasks
from visitplan.rules.engine import BUILTIN_DIR

# a render worker is replaced after this many visits, which bounds its memory
RECYCLE_AFTER = 20
STAGING = ".run-"         # staging folders: <output>/.<visit id>.run-XXXXXXXX


def _files_digest(h, folder: Path | None, pattern: str = "*") -> None:
    if folder is None or not folder.is_dir():
        return
    for path in sorted(p for p in folder.rglob(pattern) if p.is_file() and not any(
            part.startswith(".") or part == "__pycache__"
            for part in p.relative_to(folder).parts)):
        h.update(str(path.relative_to(folder)).encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())


def shared_inputs(session) -> str:
    """The digest of what every visit's documents depend on: the profiles, the templates,
    the configuration (file and environment) and the visitplan version. Once per run."""
    h = hashlib.sha256()
    h.update(f"visitplan {__version__}\0".encode())
    for folder in (BUILTIN_DIR, session.profiles_dir):
        _files_digest(h, folder, "*.yaml")
    for folder in (templates_dir(), session.config.templates):
        _files_digest(h, folder)
    config = session.config.path
    if config is not None and config.is_file():
        h.update(config.read_bytes())
    h.update(repr(sorted((k, v) for k, v in os.environ.items()
                         if k.startswith("VISITPLAN_") and "PASSWORD" not in k
                         and k != render_cache.ENV)).encode())     # changes no document
    return h.hexdigest()


def input_hash(shared: str, visit, late_ids: list[str], ticks: dict) -> str:
    """What a visit's documents depend on: the shared inputs, the visit file, its photos,
    and which of its tasks are ticked or late (their marks are printed)."""
    h = hashlib.sha256(shared.encode())
    h.update(visit.source_hash.encode())
    for photo in (visit.minutes.photos if visit.minutes else []):
        h.update(hashlib.sha256(photo.read_bytes()).digest())
    h.update(("late:" + ",".join(sorted(late_ids))).encode())
    h.update(("done:" + ",".join(sorted(ticks))).encode())
    return h.hexdigest()


def build(session, visits, day: dt.date, state, report, dry_run: bool = False,
          jobs: int | None = None, progress=None) -> None:
    """Rebuild the visits whose inputs changed; record each build in the state store and
    in the report (built, unchanged, errors). `progress(visit_id, done, total)` is called
    after each visit."""
    output_root = session.config.output or Path("out")
    if output_root.exists() and not output_root.is_dir():
        report.errors.append(error(f"{output_root}: the output folder is a file, so no "
                                   "documents can be written there; nothing was built",
                                   file=session.config.path, field_="output"))
        return
    todo = []
    shared = shared_inputs(session)
    for path, visit in visits:
        try:
            ticks = state.ticks(visit.id)
            late = [t.id for t in late_tasks(session.plan(visit), day) if t.id not in ticks]
            digest = input_hash(shared, visit, late, ticks)
        except VisitplanError:
            raise
        except Exception as exc:   # a bug in planning one visit: the others go on
            report.errors.append(internal_error(exc, f"planning {path}", visit=visit.id,
                                                file=path))
            continue
        if state.build_hash(visit.id) == digest:
            report.unchanged.append(visit.id)
            continue
        todo.append((path, visit, ticks, digest))
    if dry_run:
        report.built.extend(v.id for _, v, _, _ in todo)
        return
    _clean_staging(output_root)
    config_file = str(session.config.path) if session.config.path else None
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    args = [(config_file, str(p), str(session.config.output_dir(v.id)), day.isoformat(),
             ticks) for p, v, ticks, _ in todo]
    done = 0
    for (path, visit, _, digest), (ok, value) in zip(todo, _render_all(args, jobs), strict=True):
        done += 1
        if ok:
            state.record_build(visit.id, digest, session.config.output_dir(visit.id))
            report.built.append(visit.id)
        else:
            for err in value:
                report.errors.append({**err, "visit": visit.id,
                                      "file": err.get("file") or str(path)})
        if progress:
            progress(visit.id, done, len(todo))


def _clean_staging(output_root: Path) -> None:
    """Remove the staging folders a killed run left in the output folder."""
    if not output_root.is_dir():
        return
    for leftover in output_root.glob(f".*{STAGING}*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


_sessions: dict = {}


def _worker_session(config_file: str | None):
    """One Session per worker process and configuration: a worker builds up to
    RECYCLE_AFTER visits, and the configuration and rule packs are the same for all."""
    if config_file not in _sessions:
        _sessions[config_file] = Session.open(config_file)
    return _sessions[config_file]


def build_visit(config_file: str | None, visit_path: str, output_dir: str, today: str,
                ticks: dict) -> list[str]:
    """Render every document of one visit into a staging folder, then move them into
    place together. Runs in worker processes, so it takes and returns plain values."""
    session = _worker_session(config_file)
    visit = session.load_visit(Path(visit_path))
    out = Path(output_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}{STAGING}", dir=out.parent))
    try:
        with pdf.forking(False):        # the run's --jobs decides how many renders at once
            files = prepare(session, visit, staging, "pdf", dt.date.fromisoformat(today),
                            ticks)
            files += sign(session, visit, staging)
        out.mkdir(exist_ok=True)
        for f in files:
            os.replace(f, out / f.name)
        return [str(out / f.name) for f in files]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _start_worker(parent: int) -> None:
    """The first thing a render worker does: end when the run ends."""
    lifeline.die_with_parent(parent)


def _render_all(args: list[tuple], jobs: int):
    """Build each visit in worker processes (even with --jobs 1), yielding the outcomes in
    order. The workers are replaced after RECYCLE_AFTER visits each: a long-lived renderer
    keeps growing (font and layout caches), and a crash in one render must not take the run
    with it. (One pool per batch rather than max_tasks_per_child, which can deadlock on
    Python 3.11 when a worker is replaced while work is queued.)"""
    batch = RECYCLE_AFTER * jobs
    context = multiprocessing.get_context("fork")      # workers share what is imported
    if args:
        # imported once here, not by each worker of each batch (0.35 s of CPU apiece)
        import weasyprint  # noqa: F401
    for start in range(0, len(args), batch):
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                 initializer=_start_worker, initargs=(os.getpid(),)) as pool:
            futures = [pool.submit(_attempt, build_visit, *a)
                       for a in args[start:start + batch]]
            for future in futures:
                try:
                    yield future.result()
                except BrokenProcessPool as exc:   # a worker died (killed, or crashed)
                    yield False, [error("the render worker died while building this visit "
                                        f"({exc})")]


def _attempt(fn, *args):
    """Run fn, turning any failure into errors of the one shape: one bad visit stops no
    other. (ok, paths) or (False, [error, ...])."""
    visit_path = args[1]
    try:
        return True, fn(*args)
    except ValidationFailed as exc:
        return False, [from_problem(p) for p in exc.problems] or [error(str(exc))]
    except VisitplanError as exc:
        return False, [error(str(exc), file=visit_path)]
    except OSError as exc:     # the machine said no: a full disk, a folder that is a file
        where = exc.filename or args[2]
        return False, [error(f"{where}: cannot write the documents: {exc.strerror or exc}",
                             file=visit_path)]
    except Exception as exc:  # a bug in rendering one visit; the others still get built
        return False, [internal_error(exc, f"building {visit_path}", file=visit_path)]
