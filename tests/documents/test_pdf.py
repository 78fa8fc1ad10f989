"""visitplan.documents.pdf: the guarded URL fetcher, WeasyPrint's logged failures as RenderError, and
the face each language is drawn in."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from visitplan.errors import RenderError
from visitplan.documents.pdf import AssetPolicy, lang_of, policy, render_pdf
from visitplan.documents.resources import templates_dir

# about rendering itself: the worker, the forks, the fetcher; never from the render cache
pytestmark = pytest.mark.renders

FONTS_CSS = '<link rel="stylesheet" href="css/fonts.css">'


def page(body: str, lang: str = "en") -> str:
    return f'<html lang="{lang}"><head>{FONTS_CSS}</head><body>{body}</body></html>'


def fonts_by_text(pdf: bytes) -> dict[str, set[str]]:
    """Every piece of text drawn → the base font names it was drawn with (no subset tag)."""
    found: dict[str, set[str]] = {}

    def visit(text, cm, tm, font, size):
        if font is not None and text.strip():
            name = str(font.get("/BaseFont", "")).split("+", 1)[-1]
            found.setdefault(text.strip(), set()).add(name)

    for p in PdfReader(io.BytesIO(pdf)).pages:
        p.extract_text(visitor_text=visit)
    return found


def font_dicts(pdf: bytes) -> list:
    reader = PdfReader(io.BytesIO(pdf))
    fonts = []
    for p in reader.pages:
        for ref in (p["/Resources"].get("/Font") or {}).values():
            fonts.append(ref.get_object())
    return fonts


def embedded(font) -> bool:
    for desc in font.get("/DescendantFonts", [font]):
        descriptor = desc.get_object().get("/FontDescriptor")
        if descriptor is None:
            return False
        descriptor = descriptor.get_object()
        if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            return False
    return True


# ---------------------------------------------------------------- lang_of


@pytest.mark.parametrize("text, country, expected", [
    ("김민준", "KR", "ko"),
    ("김민준", None, "ko"),
    ("李伟", "CN", "zh-Hans"),
    ("李伟", None, "zh-Hans"),
    ("陳大文", "TW", "zh-Hant"),
    ("佐藤健一", "JP", "ja"),
    ("さくら トレーディング", None, "ja"),
    ("Kim Minjun", "KR", None),
    ("", "KR", None),
    (None, "KR", None),
])
def test_lang_of_tags_names_by_script_and_country(text, country, expected):
    assert lang_of(text, country) == expected

# ---------------------------------------------------------------- the fetcher's policy


@pytest.fixture
def brand(tmp_path) -> Path:
    root = tmp_path / "brand"
    (root / "assets").mkdir(parents=True)
    (root / "assets" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    (root / "assets" / "escape.txt").symlink_to("/etc/passwd")
    return root


def test_policy_serves_built_in_assets_and_brand_overlays_first(brand):
    rules = policy(templates_dir(), overlays=[brand])
    css = (templates_dir() / "css" / "fonts.css").resolve()
    assert rules.resolve(css.as_uri()) == css
    # assets/logo.svg asked relative to the built-ins comes from the brand folder
    asked = (templates_dir() / "assets" / "logo.svg").as_uri()
    assert rules.resolve(asked) == (brand / "assets" / "logo.svg").resolve()
    assert rules.refused == []


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "https://example.com/logo.png",
    "http://127.0.0.1:8080/x.css",
    "ftp://example.com/x",
    "file://otherhost/etc/passwd",
])
def test_policy_refuses_files_outside_the_assets_and_every_network_url(url):
    rules = policy(templates_dir())
    with pytest.raises(PermissionError):
        rules.resolve(url)
    assert rules.refused == [url]


def test_policy_refuses_template_files_that_are_not_assets_and_escaping_symlinks(brand):
    rules = policy(templates_dir(), overlays=[brand])
    with pytest.raises(PermissionError):
        rules.resolve((templates_dir() / "itinerary.html").as_uri())
    with pytest.raises(FileNotFoundError):   # a symlink out of assets/ is not an asset
        rules.resolve((templates_dir() / "assets" / "escape.txt").as_uri())
    assert len(rules.refused) == 2


def test_policy_serves_allowed_files_by_name_only(tmp_path):
    photo = tmp_path / "visit" / "photos" / "a.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8")
    (photo.parent / "b.jpg").write_bytes(b"\xff\xd8")
    rules = policy(templates_dir(), allowed=[photo])
    assert rules.resolve(photo.as_uri()) == photo.resolve()
    with pytest.raises(PermissionError):
        rules.resolve((photo.parent / "b.jpg").as_uri())


def test_asset_policy_is_a_plain_dataclass():
    rules = AssetPolicy(base_dir=Path("/x"), roots=[Path("/x")], allowed=set())
    assert rules.asked == [] and rules.refused == []

# ---------------------------------------------------------------- rendering


def test_each_language_is_drawn_in_its_own_face_embedded_and_subset():
    pdf = render_pdf(page(
        '<p lang="ko">김민준 이서연</p><p lang="zh-Hans">深圳明辉照明有限公司</p>'
        '<p lang="ja">佐藤健一</p><p>Brightway Lighting</p>'), base_dir=templates_dir(),
        strict=True)
    faces = fonts_by_text(pdf)
    assert faces["김민준 이서연"] == {"NanumGothic"}
    assert faces["深圳明辉照明有限公司"] == {"Visitplan-Sans-SC"}
    assert faces["佐藤健一"] == {"IPAPGothic"}
    assert faces["Brightway Lighting"] == {"Noto-Sans"}
    fonts = font_dicts(pdf)
    assert fonts and all(embedded(f) for f in fonts)
    # a subset font's name carries a six-letter tag: ABCDEF+Name
    assert all(str(f["/BaseFont"]).lstrip("/")[6:7] == "+" for f in fonts)
    assert len(pdf) < 40_000


def test_a_korean_name_inside_chinese_text_keeps_the_korean_face():
    pdf = render_pdf(page('<p>来宾 <span lang="ko">김민준</span> 首席</p>', lang="zh-Hans"),
                     base_dir=templates_dir(), strict=True)
    faces = fonts_by_text(pdf)
    korean = {face for text, found in faces.items() if "김민준" in text for face in found}
    assert korean == {"NanumGothic"}


def test_a_missing_stylesheet_is_a_render_error_naming_it():
    html = page("<p>x</p>").replace("</head>", '<link rel="stylesheet" '
                                    'href="css/brand-missing.css"></head>')
    with pytest.raises(RenderError, match="css/brand-missing.css"):
        render_pdf(html, base_dir=templates_dir())


def test_a_missing_allowed_photo_is_a_render_error(tmp_path):
    photo = tmp_path / "gone.jpg"
    with pytest.raises(RenderError, match="gone.jpg"):
        render_pdf(page(f'<img src="{photo.as_uri()}">'), base_dir=templates_dir(),
                   allowed=[photo])


@pytest.mark.parametrize("markup", [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/passwd">',
    '<img src="https://example.com/track.png">',
    '<link rel="stylesheet" href="../../../../etc/passwd">',
])
def test_markup_that_reaches_outside_is_refused_and_fails_the_render(markup):
    seen: list = []
    with pytest.raises(RenderError):
        render_pdf(page(markup), base_dir=templates_dir(), policy_out=seen)
    assert seen[0].refused


def test_data_urls_need_no_fetch_policy_and_render():
    svg = ("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='4' "
           "height='4'%3E%3Crect width='4' height='4'/%3E%3C/svg%3E")
    seen: list = []
    pdf = render_pdf(page(f'<img src="{svg}">'), base_dir=templates_dir(), strict=True,
                     policy_out=seen)
    assert pdf.startswith(b"%PDF")
    assert seen[0].refused == []


def test_strict_mode_fails_on_weasyprint_warnings():
    html = page('<p style="display: bogus-value">x</p>')
    assert render_pdf(html, base_dir=templates_dir()).startswith(b"%PDF")
    with pytest.raises(RenderError, match="WeasyPrint"):
        render_pdf(html, base_dir=templates_dir(), strict=True)

# ---------------------------------------------------------------- rendering in a worker


def pdf_words(pdf: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_a_worker_started_early_renders_the_second_document():
    from visitplan.documents.pdf import Worker, render_pdfs

    worker = Worker.start()
    audit: list = []
    first, second = render_pdfs([page('<p lang="ko">일정표</p>'),
                                 page('<p lang="zh-Hans">任务清单</p>')],
                                base_dir=templates_dir(), worker=worker, audit=audit)
    assert "일정표" in pdf_words(first) and "任务清单" in pdf_words(second)
    assert len(audit) == 2 and all(p.refused == [] for p in audit)
    with pytest.raises(ChildProcessError):       # the worker is gone, and was reaped
        os.waitpid(worker.pid, 0)


def test_a_refusal_in_the_worker_comes_back_as_render_error_with_its_policy():
    from visitplan.documents.pdf import Worker, render_pdfs

    audit: list = []
    with pytest.raises(RenderError, match="/etc/passwd"):
        render_pdfs([page("<p>ok</p>"), page('<img src="file:///etc/passwd">')],
                    base_dir=templates_dir(), worker=Worker.start(), audit=audit)
    assert audit[1].refused == ["file:///etc/passwd"]


def test_a_worker_given_nothing_leaves_when_closed():
    from visitplan.documents.pdf import Worker

    with Worker.start() as worker:
        pid = worker.pid
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)


def test_one_document_or_no_fork_renders_here(monkeypatch):
    import visitplan.documents.pdf as pdf

    monkeypatch.setattr(pdf, "can_fork", lambda: False)
    monkeypatch.setattr(pdf.Worker, "start", classmethod(lambda cls: pytest.fail("forked")))
    out = pdf.render_pdfs([page("<p>a</p>"), page("<p>b</p>")], base_dir=templates_dir())
    assert [pdf_words(x).strip() for x in out] == ["a", "b"]


def test_more_documents_than_cores_come_back_in_order(monkeypatch):
    """Documents are rendered as many at once as there are cores, group after group; the
    outcomes keep the order of the documents, a failure included."""
    import visitplan.documents.pdf as pdf

    monkeypatch.setattr(pdf.os, "cpu_count", lambda: 2)
    audit: list = []
    bodies = [f"<p>doc {n}</p>" for n in range(5)]
    with pytest.raises(RenderError, match="/etc/passwd"):
        pdf.render_pdfs([page(b) for b in bodies] + [page('<img src="file:///etc/passwd">')],
                        base_dir=templates_dir(), audit=audit)
    assert [p.refused for p in audit] == [[]] * 5 + [["file:///etc/passwd"]]
    out = pdf.render_pdfs([page(b) for b in bodies], base_dir=templates_dir())
    assert [pdf_words(x).strip() for x in out] == [f"doc {n}" for n in range(5)]
