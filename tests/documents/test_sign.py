"""`visitplan sign`: the pickup sign (checked in the PDF it prints: text, pages, page box,
fonts, cap height, images) and the welcome screen's HTML (golden file, hostile input).
The screen in a real browser is in test_welcome_browser.py."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from golden import check_golden
from sign_helpers import (HOSTILE_IMG, HOSTILE_LINK, embedded_cap_height, korean_guest,
                          pdf_fonts, pdf_images, pdf_text, text_runs, write_visit)

A4 = (841.89, 595.28)     # landscape, points
A3 = (1190.55, 841.89)
MM_PER_PT = 25.4 / 72


def pages_of(path: Path):
    from pypdf import PdfReader

    return PdfReader(str(path)).pages


def one_line(text: str, pdf: Path) -> bool:
    return any(line.strip() == text for line in pdf_text(pdf).splitlines())


@pytest.fixture
def hanbit(examples_dir) -> Path:
    return examples_dir / "hanbit-korean.yaml"


@pytest.fixture
def signed(run, hanbit, tmp_path):
    """sign.pdf and welcome.html of the Korean example, one page per guest."""
    result = run("sign", hanbit, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    return tmp_path / "out"

# ---------------------------------------------------------------- the PDF


def test_one_landscape_a4_page_per_guest_with_names_in_both_scripts(signed, run):
    pdf = signed / "sign.pdf"
    pages = pages_of(pdf)
    assert len(pages) == 2
    for page in pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == \
            pytest.approx(A4, abs=0.1)
    first, second = pages[0].extract_text(), pages[1].extract_text()
    assert "김민준" in first and "KIM Minjun" in first and "이서연" not in first
    assert "이서연" in second and "LEE Seoyeon" in second
    for text in (first, second):
        assert "Hanbit Electronics" in text
        assert "深圳明辉照明有限公司" in text and "Brightway Lighting Co., Ltd." in text
        assert "환영합니다" in text
    # surname first, on one line of its own
    assert one_line("김민준", pdf) and one_line("KIM Minjun", pdf)
    assert (signed / "welcome.html").is_file()


def test_group_gets_one_page_with_the_company_and_every_name(run, hanbit, tmp_path):
    assert run("sign", hanbit, "--group", "-o", tmp_path).exit_code == 0
    pages = pages_of(tmp_path / "sign.pdf")
    assert len(pages) == 1
    text = pages[0].extract_text()
    for expected in ("Hanbit Electronics", "김민준", "KIM Minjun", "이서연", "LEE Seoyeon"):
        assert expected in text
    runs = {r["text"]: r["pt"] for r in text_runs(tmp_path / "sign.pdf")}
    assert runs["김민준"] == pytest.approx(runs["이서연"])     # one size for all names


def test_group_without_company_names_the_delegation(run, tmp_path):
    visit = write_visit(tmp_path, [{"name": "김민준", "country": "KR"},
                                   {"name": "이서연", "country": "KR"}])
    assert run("sign", visit, "--group", "-o", tmp_path / "out").exit_code == 0
    assert "대한민국 대표단" in pdf_text(tmp_path / "out" / "sign.pdf")


def test_a3_is_landscape_a3_and_prints_the_name_larger(run, hanbit, tmp_path):
    assert run("sign", hanbit, "--size", "a3", "-o", tmp_path / "a3").exit_code == 0
    assert run("sign", hanbit, "-o", tmp_path / "a4").exit_code == 0
    page = pages_of(tmp_path / "a3" / "sign.pdf")[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == \
        pytest.approx(A3, abs=0.1)
    big = {r["text"]: r["pt"] for r in text_runs(tmp_path / "a3" / "sign.pdf")}
    small = {r["text"]: r["pt"] for r in text_runs(tmp_path / "a4" / "sign.pdf")}
    assert big["김민준"] == pytest.approx(small["김민준"] * 2 ** 0.5, rel=0.02)


def test_fonts_are_embedded_subset_and_right_for_each_language(run, examples_dir, tmp_path):
    assert run("sign", examples_dir / "hanbit-korean.yaml", "-o", tmp_path / "ko") \
        .exit_code == 0
    assert run("sign", examples_dir / "sakura-vip.yaml", "-o", tmp_path / "ja") \
        .exit_code == 0
    for pdf in (tmp_path / "ko" / "sign.pdf", tmp_path / "ja" / "sign.pdf"):
        fonts = pdf_fonts(pdf)
        assert fonts
        assert all(f["emb"] == "yes" and f["sub"] == "yes" for f in fonts), fonts
    ko = {r["text"]: r["base"] for r in text_runs(tmp_path / "ko" / "sign.pdf")}
    ja = {r["text"]: r["base"] for r in text_runs(tmp_path / "ja" / "sign.pdf")}
    assert "NanumGothic" in ko["김민준"]              # a Korean face for Hangul
    assert "Visitplan-Sans-SC" in ko["深圳明辉照明有限公司"]  # a Simplified Chinese face
    assert "IPAPGothic" in ja["佐藤 健一 様"]           # a Japanese face for kanji names


def test_three_syllable_korean_name_on_a4_reads_from_15_metres(run, tmp_path):
    visit = write_visit(tmp_path, [korean_guest("박지성", "Park Jiseong")])
    assert run("sign", visit, "-o", tmp_path / "out").exit_code == 0
    pdf = tmp_path / "out" / "sign.pdf"
    name = next(r for r in text_runs(pdf) if r["text"] == "박지성")
    cap_mm = embedded_cap_height(name["font"]) * name["pt"] * MM_PER_PT
    assert cap_mm >= 50, f"cap height {cap_mm:.1f} mm"
    # and it is the largest text on the page by far
    others = [r["pt"] for r in text_runs(pdf) if r["text"] != "박지성"]
    assert name["pt"] > 3 * max(others)


def test_size_follows_the_measured_width_not_the_letter_count(run, tmp_path):
    """Three wide Hangul syllables and three narrow Latin letters: same count, and the
    narrow ones print larger (up to the height limit); a long name goes on two lines and
    fills the width with its longer one."""
    guests = [korean_guest("김민준"), {"name": "Li", "country": "DE"},
              {"name": "Maximilian-Alexander von Hohenberg-Schwarzenbach", "country": "DE",
               "company": "Müller Leuchten GmbH"}]
    visit = write_visit(tmp_path, guests, language="en")
    result = run("sign", visit, "-o", tmp_path / "out", "--lang", "en")
    assert result.exit_code == 0
    pdf = tmp_path / "out" / "sign.pdf"
    assert len(pages_of(pdf)) == 3           # nothing spilled onto a page of its own
    sizes = [{r["text"]: r["pt"] for r in text_runs(pdf, i)} for i in range(3)]
    given, surname = "Maximilian-Alexander", "von Hohenberg-Schwarzenbach"
    assert one_line(given, pdf) and one_line(surname, pdf)
    assert sizes[2][surname] == sizes[2][given] < sizes[0]["김민준"] < sizes[1]["Li"] * 1.001
    # the longer line fills the width between the margins: A4 is 297 mm, 2 × 12 mm margin
    from PIL import ImageFont

    run_ = next(r for r in text_runs(pdf, 2) if r["text"] == surname)
    assert "Roboto-Condensed" in run_["base"]
    font = ImageFont.truetype(
        "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Bold.ttf", 1000)
    width_mm = font.getlength(surname) / 1000 * run_["pt"] * MM_PER_PT
    assert 0.9 * 273 < width_mm <= 273
    # names too long to read from 15 m are reported as warnings at the guest's line (the
    # third guest is on line 13 of the file), and still exit 0
    [warning] = result.stderr.splitlines()
    long = f"{given} {surname}"
    assert re.match(r".*visit\.yaml:13:\d+: warning: guests\[2\]\.name: “" + long
                    + r"” prints with \d+ mm capitals, below the 50 mm that read well from "
                    r"15 m; A3 \(--size a3\) prints it larger$", warning), warning


def test_chinese_name_keeps_surname_first_in_both_lines(run, tmp_path):
    visit = write_visit(tmp_path, [{"name": "王小明", "country": "CN",
                                    "company": "Shanghai Lighting"}], language="zh")
    assert run("sign", visit, "-o", tmp_path / "out").exit_code == 0
    pdf = tmp_path / "out" / "sign.pdf"
    assert one_line("王小明", pdf) and one_line("WANG Xiaoming", pdf)
    runs = {r["text"]: r["base"] for r in text_runs(pdf)}
    assert "Visitplan-Sans-SC" in runs["王小明"]


def test_logo_from_the_templates_folder_takes_at_most_a_quarter_of_the_page(run, hanbit,
                                                                               tmp_path):
    from PIL import Image

    brand = tmp_path / "brand"
    brand.mkdir()
    Image.new("RGB", (3000, 3000), (181, 18, 27)).save(brand / "logo.png")
    result = run("sign", hanbit, "--templates", brand, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    images = pdf_images(tmp_path / "out" / "sign.pdf")
    assert [i["page"] for i in images] == [1, 2]
    page_w, page_h = A4
    for image in images:
        w_pt = image["width"] / image["x_ppi"] * 72
        h_pt = image["height"] / image["y_ppi"] * 72
        assert w_pt * h_pt <= page_w * page_h / 4
        assert w_pt <= page_w / 4 and h_pt <= page_h / 4
    html = (tmp_path / "out" / "welcome.html").read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in html


def test_svg_logo_is_drawn_as_vector_and_inlined_in_the_screen(run, hanbit, tmp_path):
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" '
                                    'height="20"><rect width="40" height="20" '
                                    'fill="#b5121b"/></svg>')
    result = run("sign", hanbit, "--templates", brand, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert "data:image/svg+xml;base64," in (tmp_path / "out" / "welcome.html").read_text()

# ---------------------------------------------------------------- hostile input


@pytest.fixture
def hostile(tmp_path):
    return write_visit(tmp_path, [{"name": HOSTILE_IMG, "title": HOSTILE_LINK,
                                   "company": HOSTILE_LINK, "country": "KR"}])


def test_hostile_names_print_as_text_and_load_nothing(hostile, tmp_path):
    from pypdf import PdfReader

    from visitplan.documents import sign as signs
    from visitplan.api import Session

    visit = Session.open(None).load_visit(hostile)
    policies: list = []
    pdf, _ = signs.render_sign(visit, policy_out=policies)
    path = tmp_path / "sign.pdf"
    path.write_bytes(pdf)
    text = " ".join(pdf_text(path).split())      # a long name may take two lines
    assert HOSTILE_IMG in text and HOSTILE_LINK in text
    assert "root:" not in text
    reader = PdfReader(str(path))
    assert not reader.attachments
    assert pdf_images(path) == []
    asked = [u.rsplit("/", 2)[-2:] for u in policies[0].asked]
    assert asked == [["css", "fonts.css"], ["css", "sign.css"]]
    assert not policies[0].refused
    html = signs.render_welcome(visit)
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "&lt;link rel=&#34;attachment&#34;" in html
    assert "<img" not in html and "<link" not in html


def test_the_screen_is_self_contained(signed):
    html = (signed / "welcome.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"url\(|https?://|file:", html)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert 'lang="ko"' in html and 'lang="zh-Hans"' in html

# ---------------------------------------------------------------- golden file


def test_welcome_screen_matches_the_golden_file(signed):
    """VISITPLAN_UPDATE_GOLDEN=1 rewrites the golden file from the current output."""
    check_golden("sign/welcome-hanbit.html", (signed / "welcome.html").read_bytes())

# ---------------------------------------------------------------- the command


def test_missing_asset_in_a_user_template_fails_and_keeps_the_old_files(run, hanbit,
                                                                          tmp_path):
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "sign.html").write_text(
        '<!DOCTYPE html><html><body><h1>{{ visit.title }}</h1>'
        '<img src="assets/brand-logo.png"></body></html>', encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "sign.pdf").write_bytes(b"old sign")
    result = run("sign", hanbit, "--templates", brand, "-o", out)
    assert result.exit_code == 1
    assert "brand-logo.png" in result.stderr
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == ["sign.pdf"]
    assert (out / "sign.pdf").read_bytes() == b"old sign"


def test_missing_visit_and_bad_options_exit_2(run, hanbit, tmp_path):
    result = run("sign", tmp_path / "nope.yaml", "-o", tmp_path / "out")
    assert result.exit_code == 2 and "nope.yaml" in result.stderr
    result = run("sign", hanbit, "--size", "a5", "-o", tmp_path / "out")
    assert result.exit_code == 2 and "a5" in result.stderr
    result = run("sign", hanbit, "--templates", tmp_path / "missing", "-o", tmp_path / "out")
    assert result.exit_code == 2 and "does not exist" in result.stderr
    assert not (tmp_path / "out").exists()


def test_invalid_visit_exits_2_with_the_line(run, tmp_path):
    visit = write_visit(tmp_path, [{"name": "김민준", "country": "XX"}])
    result = run("sign", visit, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert re.search(r"visit\.yaml:\d+:\d+: guests\[0\]\.country", result.stderr)
    assert not (tmp_path / "out").exists()


def test_quiet_prints_nothing_and_default_output_folder(run, hanbit, isolated_env):
    result = run("-q", "sign", hanbit)
    assert result.exit_code == 0 and result.stdout == ""
    out = isolated_env["cwd"] / "out" / "hanbit-2026-12"
    assert sorted(p.name for p in out.iterdir()) == ["sign.pdf", "welcome.html"]


def test_api_returns_both_paths_and_rejects_an_unknown_size(hanbit, tmp_path):
    from visitplan.documents import sign as signs
    from visitplan.api import Session
    from visitplan.errors import InputError

    session = Session.open(None)
    visit = session.load_visit(hanbit)
    paths = signs.sign(session, visit, tmp_path)
    assert paths == [tmp_path / "sign.pdf", tmp_path / "welcome.html"]
    assert all(p.stat().st_size > 0 for p in paths)
    with pytest.raises(InputError, match="a5"):
        signs.sign(session, visit, tmp_path, size="a5")


def test_help_ends_with_an_example(run):
    result = run("sign", "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout and "visitplan sign visits/hanbit.yaml" in \
        result.stdout


# ---------------------------------------------------------------- size and grouping chosen


def test_configuration_chooses_size_and_grouping_and_flags_override(run, hanbit, tmp_path):
    config = tmp_path / "visitplan.yaml"
    config.write_text("sign: {size: a3, group: true}\n", encoding="utf-8")
    assert run("--config", config, "sign", hanbit, "-o", tmp_path / "chosen").exit_code == 0
    pages = pages_of(tmp_path / "chosen" / "sign.pdf")
    assert len(pages) == 1                                     # the group on one page
    assert (float(pages[0].mediabox.width), float(pages[0].mediabox.height)) == \
        pytest.approx(A3, abs=0.1)
    assert run("--config", config, "sign", hanbit, "--size", "a4", "--no-group",
               "-o", tmp_path / "flags").exit_code == 0
    pages = pages_of(tmp_path / "flags" / "sign.pdf")
    assert len(pages) == 2
    assert (float(pages[0].mediabox.width), float(pages[0].mediabox.height)) == \
        pytest.approx(A4, abs=0.1)


def test_run_rebuilds_the_sign_the_configuration_chose(hanbit, tmp_path):
    """`run` builds each visit with visitplan.cron.build.build_visit: its sign follows the
    visit and the configuration, never the A4 default over a chosen A3 group sign."""
    from visitplan.cron.build import build_visit

    config = tmp_path / "visitplan.yaml"
    config.write_text("sign: {size: a3, group: true}\n", encoding="utf-8")
    out = tmp_path / "out" / "hanbit-2026-12"
    build_visit(str(config), str(hanbit), str(out), "2026-12-04", {})
    pages = pages_of(out / "sign.pdf")
    assert len(pages) == 1 and (float(pages[0].mediabox.width),
                                float(pages[0].mediabox.height)) == pytest.approx(A3, abs=0.1)


def test_the_visit_chooses_before_the_configuration():
    from types import SimpleNamespace

    from visitplan.documents.sign import settings

    config = SimpleNamespace(sign={"size": "a4", "group": False})
    assert settings(SimpleNamespace(), config) == ("a4", False)
    chosen = SimpleNamespace(sign={"size": "a3", "group": True})
    assert settings(chosen, config) == ("a3", True)
    assert settings(SimpleNamespace(sign=SimpleNamespace(size="a3", group=None)), config) \
        == ("a3", False)
    assert settings(chosen, config, "a4", False) == ("a4", False)       # flags win

# ---------------------------------------------------------------- the logo's rule


def _sign_with_logo(run, hanbit, tmp_path, make):
    brand = tmp_path / "brand"
    (brand / "assets").mkdir(parents=True)
    make(brand)
    out = tmp_path / "out"
    return run("sign", hanbit, "--templates", brand, "-o", out), brand, out


def test_a_logo_linked_outside_its_brand_folder_is_refused(run, hanbit, tmp_path):
    result, brand, out = _sign_with_logo(
        run, hanbit, tmp_path, lambda b: (b / "logo.svg").symlink_to("/etc/passwd"))
    assert result.exit_code == 2
    assert result.stderr == (f"visitplan: {brand / 'logo.svg'}: the logo is refused: it "
                             f"leads to /etc/passwd, outside the brand folder {brand}\n")
    assert not out.exists()


def test_a_logo_outside_the_folder_is_refused_even_when_it_is_an_image(run, hanbit,
                                                                        tmp_path):
    from PIL import Image

    Image.new("RGB", (20, 10), (1, 2, 3)).save(tmp_path / "elsewhere.png")
    result, brand, out = _sign_with_logo(
        run, hanbit, tmp_path,
        lambda b: (b / "assets" / "logo.png").symlink_to(tmp_path / "elsewhere.png"))
    assert result.exit_code == 2
    assert f"{brand / 'assets' / 'logo.png'}: the logo is refused: it leads to " \
        f"{tmp_path / 'elsewhere.png'}, outside the brand folder" in result.stderr
    assert not out.exists()


def test_a_logo_that_is_no_image_is_refused_naming_the_file(run, hanbit, tmp_path):
    result, brand, out = _sign_with_logo(
        run, hanbit, tmp_path, lambda b: (b / "logo.png").write_text("root:x:0:0"))
    assert result.exit_code == 2
    assert result.stderr == (f"visitplan: {brand / 'logo.png'}: the logo is refused: it is "
                             "not a PNG image\n")
    result, brand, out = _sign_with_logo(
        run, hanbit, tmp_path / "svg", lambda b: (b / "logo.svg").write_text("hello"))
    assert result.exit_code == 2
    assert "logo.svg: the logo is refused: it is not an SVG image" in result.stderr


def test_a_logo_linked_inside_its_brand_folder_is_used(run, hanbit, tmp_path):
    from PIL import Image

    def make(brand):
        Image.new("RGB", (40, 20), (181, 18, 27)).save(brand / "assets" / "mark-2027.png")
        (brand / "logo.png").symlink_to(brand / "assets" / "mark-2027.png")

    result, brand, out = _sign_with_logo(run, hanbit, tmp_path, make)
    assert result.exit_code == 0, result.stderr
    assert [i["page"] for i in pdf_images(out / "sign.pdf")] == [1, 2]
    assert 'src="data:image/png;base64,' in (out / "welcome.html").read_text()


def test_a_logo_of_too_many_pixels_is_refused_before_it_is_decoded(run, hanbit, tmp_path):
    from PIL import Image

    def make(brand):      # 156 megapixels in a few kilobytes of PNG
        Image.new("1", (13000, 12000)).save(brand / "logo.png", optimize=True)

    result, brand, out = _sign_with_logo(run, hanbit, tmp_path, make)
    assert result.exit_code == 2
    assert result.stderr == (f"visitplan: {brand / 'logo.png'}: the logo is refused: it has "
                             "more than 40 million pixels\n")
    assert "DecompressionBomb" not in result.output
    assert not out.exists()


def test_a_checked_logo_stands_where_a_path_is_expected(tmp_path):
    from visitplan.documents.logo import find_logo

    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    logo = find_logo(tmp_path)
    assert Path(logo) == (tmp_path / "assets" / "logo.svg").resolve()
    assert logo.as_uri().startswith("file://") and logo.mime == "image/svg+xml"
    assert find_logo(None) is None and find_logo(tmp_path / "assets" / "none") is None
