"""How large the sign prints a name (issue 12 "Signs", issue 13 "Signs"): Latin names fill
the width, on two lines when that is larger; Thai, Arabic and Cyrillic names are measured
with the face that draws them; a Japanese name takes 様. Checked in the PDF: the sizes,
positions and fonts pypdf reads, the line boxes pdftotext reports."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from sign_helpers import embedded_cap_height, one_line_texts, pdf_text, text_runs, write_visit

MM_PER_PT = 25.4 / 72
PAGE_H_MM = 210.0
INNER_MM = 297 - 2 * 12          # A4 landscape between the margins

NAMES = [("Thomas Müller", "DE"), ("Ahmad bin Ismail", "MY"),
         ("Maximiliano Alejandro Fernández-Gutiérrez", "ES"), ("Nguyễn Văn An", "VN"),
         ("Иванов Иван Петрович", "RU"), ("สมชาย ใจดี", "TH"), ("محمد العتيبي", "SA"),
         ("ณัฐวุฒิ ศรีสวัสดิ์วงศ์ไพบูลย์", "TH"), ("عبد الرحمن بن عبد العزيز آل سعود", "SA")]


@pytest.fixture(scope="module")
def signs(tmp_path_factory):
    """The A4 sign of a visit with one guest per name above (English page), its layout
    and its PDF."""
    from visitplan.documents.sign import render_sign
    from visitplan.session import Session

    folder = tmp_path_factory.mktemp("names")
    guests = [{"name": n, "country": c, "company": "Example Trading"} for n, c in NAMES]
    visit_file = write_visit(folder, guests, language="en")
    (folder / "c.yaml").write_text(f"state: {folder / 's.sqlite3'}\n", encoding="utf-8")
    visit = Session.open(str(folder / "c.yaml")).load_visit(visit_file)
    pdf, layout = render_sign(visit)
    path = folder / "sign.pdf"
    path.write_bytes(pdf)
    return layout, path


def name_runs(pdf: Path, page: int) -> list[dict]:
    """The name's lines on a page, top first: the runs printed over 60 pt."""
    runs = [r for r in text_runs(pdf, page) if r["pt"] > 60]
    return sorted(runs, key=lambda r: -baseline_mm(r))


def baseline_mm(run: dict) -> float:
    return run["y"] * MM_PER_PT


def cap_mm(run: dict) -> float:
    return embedded_cap_height(run["font"]) * run["pt"] * MM_PER_PT


def test_a_latin_name_goes_on_two_lines_and_reads_from_15_metres(signs):
    layout, pdf = signs
    runs = name_runs(pdf, 0)
    assert [r["text"] for r in runs] == ["Thomas", "Müller"]    # given name, then surname
    assert all(cap_mm(r) >= 50 for r in runs), [round(cap_mm(r), 1) for r in runs]
    assert "Roboto-Condensed" in runs[0]["base"]
    # the fit module computed what the PDF prints
    name = layout.pages[0]["name"]
    assert name.lines == ["Thomas", "Müller"]
    assert name.face.cap_height * name.size == pytest.approx(cap_mm(runs[0]), abs=0.2)


def test_a_name_without_surname_is_cut_after_the_name_one_is_called_by(signs):
    """Ahmad bin Ismail: "bin Ismail" is as wide as the page allows (at 48 mm capitals, short
    of 50: that name does not fit at 50 mm on A4)."""
    layout, pdf = signs
    name = layout.pages[1]["name"]
    assert name.lines == ["Ahmad", "bin Ismail"]
    widest = max(name.face.advance(line) for line in name.lines) * name.size
    assert 0.95 * INNER_MM < widest <= INNER_MM
    assert [r["text"] for r in name_runs(pdf, 1)] == ["Ahmad", "bin Ismail"]


def test_a_long_name_goes_on_two_lines(signs):
    layout, pdf = signs
    name = layout.pages[2]["name"]
    assert name.lines == ["Maximiliano Alejandro", "Fernández-Gutiérrez"]
    assert [r["text"] for r in name_runs(pdf, 2)] == name.lines
    one_line = name.face.advance(" ".join(name.lines))
    assert name.size > 1.5 * INNER_MM * 0.96 / one_line   # much larger than on one line


def test_stacked_lines_neither_touch_each_other_nor_the_company(signs):
    """Lines are stacked by the ink of their letters: between the lowest point of a line
    and the highest of the next (Vietnamese tone marks, Thai vowels above) stays a gap."""
    layout, pdf = signs
    for page, fitted in enumerate(p["name"] for p in layout.pages):
        if fitted.lang == "ar":
            continue      # pypdf reads both Arabic lines as one run: no baseline of each
        runs = name_runs(pdf, page)
        assert [r["text"] for r in runs] == fitted.lines, page
        inks = [fitted.face.ink(line) for line in fitted.lines]
        for (upper, (_, down)), (lower, (up, _)) in zip(zip(runs, inks), zip(runs[1:], inks[1:])):
            gap = baseline_mm(upper) - down * fitted.size - (baseline_mm(lower) + up * fitted.size)
            assert gap > 0.05 * fitted.size, (fitted.lines, gap)
        company = next(r for r in text_runs(pdf, page) if r["text"] == "Example Trading")
        lowest = baseline_mm(runs[-1]) - inks[-1][1] * fitted.size
        assert lowest - (baseline_mm(company) + 9 * 0.8) > 1, fitted.lines
        # and the block sits in the middle of the space above the footer, not at its top
        top = baseline_mm(runs[0]) + inks[0][0] * fitted.size
        assert top < PAGE_H_MM - 12 - 14, fitted.lines


def drawn_widths(pdf: Path, page: int, min_height: float) -> list[float]:
    """The width (mm) of each line of words at least `min_height` mm tall on a page, the
    words grouped into lines by where pdftotext puts their bottom edge."""
    xml = subprocess.run(["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1),
                          str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    lines: dict[int, list[float]] = {}
    for m in re.finditer(r'<word xMin="(-?[\d.]+)" yMin="(-?[\d.]+)" xMax="(-?[\d.]+)" '
                         r'yMax="(-?[\d.]+)">', xml):
        x0, y0, x1, y1 = (float(m.group(i)) * MM_PER_PT for i in range(1, 5))
        if y1 - y0 >= min_height:
            box = lines.setdefault(round(y1), [x0, x1])
            box[0], box[1] = min(box[0], x0), max(box[1], x1)
    return sorted(x1 - x0 for x0, x1 in lines.values())


@pytest.mark.parametrize("index, face", [(4, "Roboto Condensed"), (5, "Noto Sans Thai"),
                                         (6, "Noto Naskh Arabic"), (7, "Noto Sans Thai"),
                                         (8, "Noto Naskh Arabic")])
def test_thai_arabic_and_cyrillic_names_are_measured_with_the_face_that_draws_them(
        signs, index, face):
    """The width the fit module computed for each line is the width the PDF prints (within
    2 %), with the face of the script's language: measured with the page's Noto Sans,
    Thai and Arabic letters would have come out as boxes of another width."""
    layout, pdf = signs
    fitted = layout.pages[index]["name"]
    assert fitted.face.family == face
    runs = name_runs(pdf, index)
    assert runs and all(face.replace(" ", "-") in r["base"] for r in runs), \
        [r["base"] for r in runs]
    drawn = drawn_widths(pdf, index, fitted.size / 2)
    computed = sorted(fitted.face.advance(line) * fitted.size for line in fitted.lines)
    assert drawn == pytest.approx(computed, rel=0.02)
    assert max(computed) <= INNER_MM


def test_a_japanese_name_takes_sama_on_the_sign(run, tmp_path):
    guests = [{"name": "山田 太郎", "name_latin": "Yamada Taro", "country": "JP",
               "company": "Sakura Denki"},
              {"name": "Kenji Sato", "country": "JP"}, {"name": "王小明", "country": "CN"}]
    visit = write_visit(tmp_path, guests, language="en")
    result = run("sign", visit, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    pdf = tmp_path / "out" / "sign.pdf"
    lines = one_line_texts(pdf)
    assert "山田 太郎 様" in lines
    assert not any("様" in line for line in lines if "Sato" in line or "王小明" in line)
    assert "王小明" in lines
    runs = {r["text"]: r["base"] for r in text_runs(pdf, 0)}
    assert "IPAPGothic" in runs["山田 太郎 様"]
    assert "様" not in pdf_text(pdf).split("\f")[1]
