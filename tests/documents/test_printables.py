"""badges.pdf, tents.pdf, seating.pdf: the text a PDF reader finds in them (names in their
own script and in Latin letters, the visitor label, diets), the faces that draw the
names, the page counts, and the seats the handbook's order gives."""
from __future__ import annotations

from pypdf import PdfReader
from sign_helpers import pdf_images, text_runs
from team_helpers import site, visit_text

from visitplan.api import Session
from visitplan.documents.printables import seat_order, seating
from visitplan.documents.resources import templates_dir
from visitplan.documents.sign import PDF_FILL, Fitter, Fonts


def _pages(path) -> list[str]:
    return [page.extract_text() for page in PdfReader(str(path)).pages]


def _print(run, s, vid, *extra):
    result = run("--config", s["config"], "print", vid, *extra)
    return result, s["root"] / "out" / vid


def test_all_three_for_a_korean_visit(run, tmp_path):
    s = site(tmp_path, {"a.yaml": visit_text("a")})
    result, out = _print(run, s, "a")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (f"wrote {out / 'badges.pdf'}, {out / 'tents.pdf'}, "
                             f"{out / 'seating.pdf'}\n")
    badges = _pages(out / "badges.pdf")
    assert len(badges) == 1                       # two guests: one sheet of eight
    for text in ("김민준", "KIM Minjun", "이서연", "LEE Seoyeon", "Hanbit Electronics",
                 "VISITOR", "방문객", "深圳明辉照明有限公司"):
        assert text in badges[0], text
    fonts = {r["text"]: r["base"] for r in text_runs(out / "badges.pdf")}
    assert "NanumGothic" in fonts["김민준"] and "Visitplan-Sans-SC" in fonts["深圳明辉照明有限公司"]
    tents = _pages(out / "tents.pdf")
    assert len(tents) == 2                        # a card per guest
    assert tents[0].count("김민준") == 2 and tents[0].count("KIM Minjun") == 2
    assert tents[1].count("이서연") == 2
    # one of the two names is drawn upside down (its text matrix turned 180°)
    turns = []
    PdfReader(str(out / "tents.pdf")).pages[0].extract_text(
        visitor_text=lambda text, cm, tm, font, size: turns.append(
            (cm[0] * tm[0] > 0) if text.strip() == "김민준" else None))
    assert sorted(x for x in turns if x is not None) == [False, True]
    seating_pages = _pages(out / "seating.pdf")
    assert len(seating_pages) == 1                # one meal in the schedule
    plan = seating_pages[0]
    for text in ("Seating plan: Welcome dinner", "王建国", "Wang Jianguo", "李伟", "김민준",
                 "KIM Minjun", "Chief guest", "Host", "Co-host", "no pork",
                 "allergic to peanuts", "Entrance"):
        assert text in plan, text


def test_nine_guests_take_two_sheets_of_badges(run, tmp_path):
    nine = "".join(f"  - {{name: 김민{c}, name_latin: Kim Min{c.lower()}, country: KR, "
                   f"email: g{i}@hanbit.example}}\n"
                   for i, c in enumerate("가나다라마바사아자"))
    s = site(tmp_path, {"a.yaml": visit_text("a", guests=nine)})
    result, out = _print(run, s, "a", "--badges")
    assert result.exit_code == 0, result.stderr
    pages = _pages(out / "badges.pdf")
    assert len(pages) == 2
    assert pages[0].count("VISITOR") == 8 and pages[1].count("VISITOR") == 1
    assert "김민자" in pages[1]
    assert not (out / "tents.pdf").exists() and not (out / "seating.pdf").exists()


def test_without_meals_there_is_no_seating_plan(run, tmp_path):
    s = site(tmp_path, {"a.yaml": visit_text("a", items=[])})
    only = run("--config", s["config"], "print", "a", "--seating")
    assert only.exit_code == 2
    assert "no meal in the schedule, so there is no seating plan to print" in only.stderr
    result, out = _print(run, s, "a")
    assert result.exit_code == 0
    assert "warning: schedule: the schedule has no meal" in result.stderr
    assert (out / "badges.pdf").is_file() and not (out / "seating.pdf").exists()
    strict = run("--config", s["config"], "print", "a", "--strict")
    assert strict.exit_code == 2


def test_the_hosts_logo_goes_on_the_badges(run, tmp_path):
    from PIL import Image

    brand = tmp_path / "brand"
    brand.mkdir()
    Image.new("RGB", (400, 120), (181, 18, 27)).save(brand / "logo.png")
    s = site(tmp_path, {"a.yaml": visit_text("a")}, f"templates: {brand}\n")
    result, out = _print(run, s, "a", "--badges")
    assert result.exit_code == 0, result.stderr
    assert len(pdf_images(out / "badges.pdf")) == 2        # one logo per badge


def test_the_chief_guest_sits_on_the_hosts_right_then_by_rank(tmp_path):
    # seats count clockwise from the host's (0), seen from above with the door below:
    # n-1 is the host's right hand
    assert seat_order(4, cohost=False) == [3, 1, 2]
    assert seat_order(6, cohost=True)[:4] == [5, 2, 1, 4]
    s = site(tmp_path, {"a.yaml": visit_text("a")})
    session = Session.open(str(s["config"]))
    visit = session.load_visit(s["visits"] / "a.yaml")
    fonts = Fonts((templates_dir() / "css" / "fonts.css").read_text(encoding="utf-8"))
    seats = {seat.number - 1: seat for seat in seating(visit, Fitter(fonts, "en", PDF_FILL),
                                                       "en")}
    assert len(seats) == 4
    assert seats[0].person.name == "王建国" and seats[0].role == "host"
    assert seats[2].person.name == "李伟" and seats[2].role == "cohost"
    assert seats[3].person.name == "김민준" and seats[3].role == "chief"
    assert seats[3].diet == ["no pork"] and seats[1].diet == ["allergic to peanuts"]
    assert seats[3].x < seats[0].x < seats[1].x   # the host faces the door: right is west
