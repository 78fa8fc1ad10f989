"""The welcome screen in a real browser: Debian's headless Chromium opens welcome.html at
1920×1080 (and 1280×720), a probe script records the box of every fitted text, and a
screenshot shows nothing reaching the screen's edges."""
from __future__ import annotations

from pathlib import Path

import pytest
from sign_helpers import (HOSTILE_IMG, HOSTILE_LINK, assert_fits, korean_guest, probe,
                          screenshot, write_visit)

LONG_COMPANY = ("Müller Leuchten Beleuchtungstechnik und Lichtplanung Süddeutschland "
                "GmbH & Co. KG")
GERMAN_GROUP = [
    {"name": "Maximilian-Alexander von Hohenberg-Schwarzenbach", "title":
     "Geschäftsführender Gesellschafter und Leiter Internationaler Einkauf"},
    {"name": "Anna Schneider", "title": "Produktmanagerin"},
    {"name": "Friedrich Wilhelm Oberhäuser", "title": "Qualitätssicherung"},
    {"name": "Jürgen Weiß", "title": "Technischer Einkauf"},
    {"name": "Katharina Müller-Lüdenscheidt", "title": "Logistik"},
]


def make_screen(run, tmp_path: Path, guests, **visit) -> Path:
    path = write_visit(tmp_path, guests, **visit)
    result = run("sign", path, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    return tmp_path / "out" / "welcome.html"


def names(found: dict) -> list[str]:
    return [f["text"] for f in found["fits"] if f["cls"] == "fit name"]


def test_korean_example_fits_a_1920x1080_screen(run, examples_dir, tmp_path):
    result = run("sign", examples_dir / "hanbit-korean.yaml", "-o", tmp_path / "out")
    assert result.exit_code == 0
    found = probe(tmp_path / "out" / "welcome.html", tmp_path)
    assert_fits(found, (1920, 1080))
    assert names(found) == ["김민준", "이서연"]
    texts = [f["text"] for f in found["fits"]]
    assert "KIM Minjun" in texts and "Hanbit Electronics" in texts
    assert any("대한민국" in t and "韩国" in t for t in texts)       # guest and staff language
    assert any("환영합니다" in t for t in texts) and any("热烈欢迎" in t for t in texts)
    assert found["resources"] == [] and found["linked"] == []
    # the names are the largest texts, each fills a good part of its cell
    name = next(f for f in found["fits"] if f["cls"] == "fit name")
    assert name["textBottom"] - name["textTop"] > 100


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_five_guests_and_a_very_long_german_company_fit(run, tmp_path, size):
    guests = [{**g, "country": "DE", "company": LONG_COMPANY} for g in GERMAN_GROUP]
    page = make_screen(run, tmp_path, guests, language="en")
    found = probe(page, tmp_path, size)
    assert_fits(found, size)
    assert names(found) == [g["name"] for g in GERMAN_GROUP]
    company = next(f for f in found["fits"] if f["cls"] == "fit company")
    assert company["text"].split() == LONG_COMPANY.split()


def test_korean_delegation_of_five(run, tmp_path):
    guests = [korean_guest(n, latin, company="한빛전자 주식회사 글로벌 구매본부")
              for n, latin in [("김민준", "Kim Minjun"), ("이서연", "Lee Seoyeon"),
                               ("남궁민수", "Namgung Minsu"), ("박지성", "Park Jiseong"),
                               ("황보혜정", "Hwangbo Hyejeong")]]
    found = probe(make_screen(run, tmp_path, guests), tmp_path)
    assert_fits(found, (1920, 1080))
    assert names(found) == ["김민준", "이서연", "남궁민수", "박지성", "황보혜정"]
    assert "NAMGUNG Minsu" in [f["text"] for f in found["fits"]]


def test_screenshot_shows_the_names_and_nothing_touches_the_edges(run, tmp_path):
    from PIL import Image

    guests = [{**g, "country": "DE", "company": LONG_COMPANY} for g in GERMAN_GROUP]
    page = make_screen(run, tmp_path, guests, language="en")
    png = screenshot(page, tmp_path / "welcome.png", tmp_path)
    image = Image.open(png).convert("L")
    assert image.size == (1920, 1080)

    def bright(box) -> int:
        """Pixels light enough to be text (the background is dark navy)."""
        return sum(image.crop(box).point(lambda v: 255 if v > 150 else 0).histogram()[255:])

    # text within the 4 % side margins and the top/bottom padding only
    assert bright((0, 0, 40, 1080)) == 0 and bright((1880, 0, 1920, 1080)) == 0
    assert bright((0, 0, 1920, 20)) == 0 and bright((0, 1060, 1920, 1080)) == 0
    assert bright((0, 0, 1920, 1080)) > 20000     # and there is a lot of text


def test_hostile_names_are_text_in_the_browser_and_nothing_loads(run, tmp_path):
    page = make_screen(run, tmp_path, [{"name": HOSTILE_IMG, "title": HOSTILE_LINK,
                                        "company": HOSTILE_LINK, "country": "KR"}])
    found = probe(page, tmp_path)
    texts = [f["text"] for f in found["fits"]]
    assert HOSTILE_IMG in texts and HOSTILE_LINK in texts
    assert found["linked"] == []        # no element with src or href at all
    assert found["resources"] == []     # nothing fetched
    assert_fits(found, (1920, 1080))
