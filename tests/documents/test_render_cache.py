"""The render cache (VISITPLAN_RENDER_CACHE): a document rendered once is read back while
its HTML, assets and allowed files are the same, rendered again when any of them changes,
never kept when it failed, and a damaged entry is rendered again."""
from __future__ import annotations

import io
import os
import shutil

import pytest
from pypdf import PdfReader

from visitplan.documents import render_cache
from visitplan.documents.pdf import Worker, render_pdfs
from visitplan.documents.resources import templates_dir
from visitplan.errors import RenderError

pytestmark = pytest.mark.renders        # each test sets its own cache folder


def page(body: str) -> str:
    return ('<html lang="en"><head><link rel="stylesheet" href="css/fonts.css"></head>'
            f"<body>{body}</body></html>")


def words(pdf: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).strip()


def entries(folder) -> list:
    return sorted(p for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(render_cache.ENV, str(folder))
    return folder


def test_off_without_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv(render_cache.ENV, raising=False)
    assert render_cache.folder() is None
    (pdf,) = render_pdfs([page("<p>plain</p>")], base_dir=templates_dir())
    assert words(pdf) == "plain"


def test_a_second_render_is_read_back_with_its_audit(cache):
    audit: list = []
    (first,) = render_pdfs([page("<p>once</p>")], base_dir=templates_dir(), audit=audit)
    (kept,) = entries(cache)
    # what is read back is what the folder holds: change the kept PDF's text, see it come back
    other = render_pdfs([page("<p>changed</p>")], base_dir=templates_dir())[0]
    kept.write_bytes(kept.read_bytes().partition(b"\n")[0] + b"\n" + other)
    again: list = []
    (second,) = render_pdfs([page("<p>once</p>")], base_dir=templates_dir(), audit=again)
    assert words(first) == "once" and words(second) == "changed"
    assert [p.asked for p in again] == [p.asked for p in audit]
    assert any(url.endswith("css/fonts.css") for url in again[0].asked)


def test_a_changed_asset_or_allowed_file_renders_again(cache, tmp_path):
    brand = tmp_path / "brand"
    (brand / "css").mkdir(parents=True)
    shutil.copy(templates_dir() / "css" / "fonts.css", brand / "css" / "fonts.css")
    photo = tmp_path / "photo.txt"
    photo.write_text("one")
    options = dict(base_dir=templates_dir(), overlays=[brand], allowed=[photo])
    render_pdfs([page("<p>brand</p>")], **options)
    render_pdfs([page("<p>brand</p>")], **options)
    assert len(entries(cache)) == 1
    with (brand / "css" / "fonts.css").open("a") as fh:
        fh.write("\np { letter-spacing: 1px; }\n")
    render_pdfs([page("<p>brand</p>")], **options)
    assert len(entries(cache)) == 2
    photo.write_text("two")
    render_pdfs([page("<p>brand</p>")], **options)
    assert len(entries(cache)) == 3
    render_pdfs([page("<p>brand</p>")], **{**options, "strict": True})
    assert len(entries(cache)) == 4


def test_a_failure_is_not_kept_and_a_damaged_entry_is_rendered_again(cache):
    for _ in range(2):
        with pytest.raises(RenderError, match="/etc/passwd"):
            render_pdfs([page('<img src="file:///etc/passwd">')], base_dir=templates_dir())
    assert entries(cache) == []
    render_pdfs([page("<p>whole</p>")], base_dir=templates_dir())
    (kept,) = entries(cache)
    kept.write_bytes(b"{not json\n%PDF-")
    (pdf,) = render_pdfs([page("<p>whole</p>")], base_dir=templates_dir())
    assert words(pdf) == "whole"
    assert render_cache.get(cache, kept.name) is not None      # written again, whole


def test_a_worker_is_let_go_when_everything_was_kept(cache):
    render_pdfs([page("<p>a</p>"), page("<p>b</p>")], base_dir=templates_dir())
    worker = Worker.start()
    seen = []
    out = render_pdfs([page("<p>a</p>"), page("<p>b</p>")], base_dir=templates_dir(),
                      worker=worker, while_rendering=lambda: seen.append(True))
    assert [words(x) for x in out] == ["a", "b"] and seen == [True]
    with pytest.raises(ChildProcessError):       # the worker is gone, and was reaped
        os.waitpid(worker.pid, 0)


def test_only_the_missing_documents_are_rendered(cache):
    render_pdfs([page("<p>a</p>")], base_dir=templates_dir())
    out = render_pdfs([page("<p>a</p>"), page("<p>new</p>")], base_dir=templates_dir(),
                      worker=Worker.start())
    assert [words(x) for x in out] == ["a", "new"]
    assert len(entries(cache)) == 2


def test_an_unwritable_folder_still_renders(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(render_cache.ENV, str(blocker))
    (pdf,) = render_pdfs([page("<p>fine</p>")], base_dir=templates_dir())
    assert words(pdf) == "fine"
