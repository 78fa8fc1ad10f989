"""`prepare`: itinerary, checklist and calendar — golden HTML and Markdown, PDFs read back
as text, hostile names, templates overrides, all-or-nothing writes, and the command."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

import visitplan.documents.pdf
from visitplan.api import Session
from visitplan.documents.build import prepare
from visitplan.documents.checklist import checklist_context
from visitplan.documents.itinerary import itinerary_context
from visitplan.documents.render import md_escape
from visitplan.errors import RenderError
from visitplan.documents.resources import templates_dir

from golden import check_golden

TODAY = dt.date(2026, 12, 4)
STAMP = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.timezone.utc)
TICKS = {"std-brief": ("zhang.min", "2026-12-01T10:15:00+08:00")}
HOSTILE_IMG = '<img src="file:///etc/passwd">'
HOSTILE_LINK = '<link rel="attachment" href="file:///etc/passwd">'


@pytest.fixture
def session():
    return Session.open(None)


def load(session, examples_dir, name):
    return session.load_visit(examples_dir / name)


def pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(path).pages)


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdffonts(path: Path) -> list[dict]:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                         text=True).stdout.splitlines()[2:]
    fonts = []
    for line in out:
        cols = line.split()
        # name type... encoding emb sub uni object-id generation
        fonts.append({"name": cols[0], "emb": cols[-5], "sub": cols[-4], "uni": cols[-3]})
    return fonts


def write_visit(folder: Path, guests: list[dict], **extra) -> Path:
    lines = ["id: probe-2026", "title: Probe visit", f"language: {extra.get('language', 'ko')}",
             f"staff_language: {extra.get('staff_language', 'zh')}",
             "timezone: Asia/Shanghai", "host:", "  company: Brightway Lighting Co., Ltd.",
             "  company_local: 深圳明辉照明有限公司", "  country: CN",
             "  contact: {name: 李伟, name_latin: Li Wei, email: li.wei@brightway.example, "
             "phone: '+86 138 0000 0000'}", "guests:"]
    lines += ["  - " + json.dumps(g, ensure_ascii=False) for g in guests]
    lines += ["arrival: {by: flight, number: OZ369, at: 2026-12-08 10:35, pickup: true, "
              "place: Shenzhen Bao'an Airport T3}",
              "departure: {by: flight, number: OZ370, at: 2026-12-09 18:40}",
              "schedule:",
              "  - {at: 2026-12-08 14:00, until: 2026-12-08 17:00, kind: showroom, "
              "what: Showroom tour, where: HQ 3F}"]
    path = folder / "probe.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

# ---------------------------------------------------------------- golden text outputs


@pytest.mark.parametrize("example, stem", [("hanbit-korean.yaml", "hanbit"),
                                           ("sakura-vip.yaml", "sakura")])
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_text_outputs_match_golden(session, examples_dir, tmp_path, example, stem, fmt):
    visit = load(session, examples_dir, example)
    written = prepare(session, visit, tmp_path, fmt, today=TODAY, ticks=TICKS, dtstamp=STAMP)
    assert [p.name for p in written] == [f"itinerary.{fmt}", f"checklist.{fmt}",
                                         "itinerary.ics"]
    for path in written[:2]:
        check_golden(f"prepare/{stem}-{path.name}", path.read_bytes())


def test_html_and_markdown_carry_the_same_content(session, examples_dir, tmp_path):
    visit = load(session, examples_dir, "hanbit-korean.yaml")
    html_dir, md_dir = tmp_path / "html", tmp_path / "md"
    prepare(session, visit, html_dir, "html", today=TODAY, ticks=TICKS, dtstamp=STAMP)
    prepare(session, visit, md_dir, "md", today=TODAY, ticks=TICKS, dtstamp=STAMP)
    plan = session.plan(visit)
    for name in ("itinerary", "checklist"):
        html = (html_dir / f"{name}.html").read_text(encoding="utf-8")
        md = (md_dir / f"{name}.md").read_text(encoding="utf-8")
        for needle in ("2026년 12월 8일(화)", "김민준", "Kim Minjun") if name == "itinerary" \
                else ("2026年12月8日（周二）", "김민준", "王建国"):
            assert needle in html and needle in md, (name, needle)
    # every task, in the staff language, in both
    html = (html_dir / "checklist.html").read_text(encoding="utf-8")
    md = (md_dir / "checklist.md").read_text(encoding="utf-8")
    for task in plan.tasks:
        assert task.id in html and task.id in md
    assert (html_dir / "itinerary.ics").read_bytes() == (md_dir / "itinerary.ics").read_bytes()

# ---------------------------------------------------------------- the itinerary's content


def test_itinerary_days_events_home_time_and_pickup(session, examples_dir):
    visit = load(session, examples_dir, "hanbit-korean.yaml")
    ctx = itinerary_context(visit, "ko")
    assert [d["date"] for d in ctx["days"]] == ["2026년 12월 8일(화)", "2026년 12월 9일(수)",
                                              "2026년 12월 10일(목)"]
    day1 = ctx["days"][0]
    arrival = day1["events"][0]
    assert arrival["kind"] == "arrival" and arrival["time"] == "10:35"
    assert arrival["home"] == [{"zone": "한국 시간", "time": "11:35", "date": None}]
    # the host's staff by the name the guest reads, Latin first, no honorific
    assert str(arrival["detail"]) == "마중: Li Wei (李伟), 전화 +86 138 0000 0000"
    assert [e["kind"] for e in day1["events"]] == ["arrival", "showroom", "meal"]
    assert day1["hotel"]["name"] == "Hilton Shenzhen Shekou Nanhai"
    assert ctx["days"][-1]["hotel"] is None                 # no night after departure
    assert ctx["days"][-1]["events"][-1]["kind"] == "departure"
    timeline = day1["timeline"]
    assert timeline["start"] == 8 and timeline["end"] == 21
    assert [(b["kind"], b["start"], b["end"]) for b in timeline["blocks"]] == [
        ("arrival", 10.583, 11.083), ("showroom", 14.0, 17.0), ("meal", 18.5, 20.5)]
    # the senior guest leads the cover
    assert [g["name"] for g in ctx["guests"]] == ["김민준", "이서연"]
    assert ctx["guests"][0]["name"].lang == "ko"
    assert ctx["host"]["company_local"].lang == "zh-Hans"


def test_no_home_time_when_the_guests_share_the_visit_clock(session, examples_dir,
                                                            tmp_path):
    path = write_visit(tmp_path, [{"name": "王芳", "country": "CN"},
                                  {"name": "John Smith", "country": "US"}])
    ctx = itinerary_context(session.load_visit(path), "en")
    arrival = ctx["days"][0]["events"][0]
    assert arrival["home"] == []        # CN shares the clock; the US has no single one


def test_the_home_day_is_shown_when_it_differs(session, tmp_path):
    path = write_visit(tmp_path, [{"name": "Anna Müller", "country": "DE"}])
    visit = session.load_visit(path)
    visit.arrival.at = visit.arrival.at.replace(hour=3, minute=20)
    ctx = itinerary_context(visit, "en")
    assert ctx["days"][0]["events"][0]["home"] == [
        {"zone": "Germany Time", "time": "20:20", "date": "Mon 7 Dec"}]


def test_contact_qr_carries_the_contact_as_a_vcard(session, examples_dir):
    import segno

    from visitplan.documents.itinerary import contact_qr

    uri = contact_qr(load(session, examples_dir, "hanbit-korean.yaml"))
    assert uri.startswith("data:image/png;base64,")
    vcard = ("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Li;Wei\r\nFN:Li Wei (李伟)\r\n"
             "ORG:Brightway Lighting Co.\\, Ltd. / 深圳明辉照明有限公司\r\n"
             "EMAIL:li.wei@brightway.example\r\nTEL:+86 138 0000 0000\r\n"
             "TITLE:Sales Manager\r\nEND:VCARD\r\n")
    # the same symbol as a QR code made from exactly this vCard
    expected = segno.make(vcard, error="m", micro=False)
    assert uri == expected.png_data_uri(scale=1, border=2, dark="#1b2a3a")


# ---------------------------------------------------------------- the checklist's content


def test_checklist_groups_sorts_marks_overdue_and_done(session, examples_dir):
    visit = load(session, examples_dir, "hanbit-korean.yaml")
    plan = session.plan(visit)
    ctx = checklist_context(visit, plan, "zh", TODAY, TICKS)
    assert [g["label"] for g in ctx["groups"]] == ["接机", "公司与展厅", "工厂", "访后跟进"]
    tasks = [t for g in ctx["groups"] for d in g["departments"] for t in d["tasks"]]
    assert len(tasks) == len(plan.tasks) == ctx["total"]
    for group in ctx["groups"]:
        for dept in group["departments"]:
            ids = [t["id"] for t in dept["tasks"]]
            dues = [plan.task(i).due for i in ids]
            assert dues == sorted(dues)
    brief = next(t for t in tasks if t["id"] == "std-brief")
    assert brief["done"] and not brief["urgent"]
    assert brief["done_by"] == "zhang.min" and brief["done_at"] == "12月1日（周二）10:15"
    late = {t.id for t in plan.tasks if t.due.date() < TODAY} - set(TICKS)
    assert {t["id"] for t in tasks if t["urgent"]} == late and late
    assert ctx["late"] == len(late)
    # ft-guest-facts is the same duty as std-brief: one line, the foreign-trade wording
    assert "ft-guest-facts" not in {t["id"] for t in tasks}
    assert brief["due"] == "2026年12月1日（周二）09:00"
    assert brief["department"] == "业务部" and brief["profile"] == "外贸客户来访"
    # … and it names every profile that asks for it
    assert str(brief["profiles"]) == "标准接待、外贸客户来访"
    sign = next(t for t in tasks if t["id"] == "std-pickup-sign")
    assert str(sign["profiles"]) == "标准接待、外贸客户来访"


def test_checklist_brief_seniority_needs_and_notes(session, examples_dir):
    visit = load(session, examples_dir, "hanbit-korean.yaml")
    plan = session.plan(visit)
    ctx = checklist_context(visit, plan, "en", TODAY, {})
    assert [(g["rank"], str(g["name"]), g["senior"]) for g in ctx["guests"]] == [
        (1, "김민준", True), (2, "이서연", False)]
    assert ctx["guests"][0]["diet"] == ["no pork"]
    needs = {n["topic"]: n for n in ctx["needs"]}
    assert list(needs) == ["information", "environment", "emotional"]
    env = [str(line) for line in needs["environment"]["derived"]]
    assert any("김민준: no pork" in line for line in env)
    assert any("Hilton Shenzhen Shekou Nanhai" in line for line in env)
    emo = [str(line) for line in needs["emotional"]["derived"]]
    assert any("김민준 (Purchasing Director) is the senior guest" in line
               and "Wang Jianguo (王建国)" in line for line in emo)
    assert needs["information"]["notes"]          # the standard profile's 篇4 note
    topics = [e["label"] for e in ctx["etiquette"]]
    assert "Gifts" in topics and "Information needs" not in topics
    assert [p["title"] for p in ctx["profiles"]] == [p.title["en"] for p in plan.profiles]


def test_seasonal_notes_from_advice_reach_the_brief(session, examples_dir):
    from visitplan.rules import advice

    visit = load(session, examples_dir, "alnoor-halal.yaml")     # during Ramadan 2027
    notes = advice.extra_notes(visit, dt.date(2027, 2, 1))
    ctx = checklist_context(visit, session.plan(visit), "en", dt.date(2027, 2, 1), {})
    assert notes and len(ctx["extra"]) == len(notes)
    assert [x["profile"] for x in ctx["extra"]] == ["Halal guests"] * len(notes)
    assert all(x["text"] == n.text["en"] for x, n in zip(ctx["extra"], notes))

# ---------------------------------------------------------------- PDFs


@pytest.fixture(scope="module")
def hanbit_pdfs(tmp_path_factory):
    from places import EXAMPLES

    out = tmp_path_factory.mktemp("pdf")
    s = Session.open(None)
    visit = s.load_visit(EXAMPLES / "hanbit-korean.yaml")
    prepare(s, visit, out, "pdf", today=TODAY, ticks=TICKS, dtstamp=STAMP)
    return out


def test_itinerary_pdf_text_pages_fonts_and_size(hanbit_pdfs):
    path = hanbit_pdfs / "itinerary.pdf"
    text = pdftotext(path)
    for needle in ("김민준", "이서연", "Kim Minjun", "深圳明辉照明有限公司", "李伟",
                   "2026년 12월 8일(화)", "2026년 12월 10일(목)", "OZ369", "10:35",
                   "한국 시간 11:35", "Hilton Shenzhen Shekou Nanhai", "Welcome dinner",
                   "+86 138 0000 0000"):
        assert needle in text, needle
    reader = PdfReader(path)
    assert 2 <= len(reader.pages) <= 4
    # the contact runs at the foot of every page
    assert all("li.wei@brightway.example" in p.extract_text() for p in reader.pages)
    fonts = pdffonts(path)
    names = {f["name"].split("+", 1)[1] for f in fonts}
    assert {"NanumGothic", "Visitplan-Sans-SC"} <= names
    assert not any("CJK" in n for n in names)
    assert all(f["emb"] == "yes" and f["sub"] == "yes" and f["uni"] == "yes" for f in fonts)
    assert path.stat().st_size <= 150_000
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})


def test_checklist_pdf_text_tasks_dates_and_marks(hanbit_pdfs, session, examples_dir):
    path = hanbit_pdfs / "checklist.pdf"
    text = pdf_text(path)
    flat = re.sub(r"\s+", "", text)
    for needle in ("김민준", "王建国", "2026年12月1日（周二）09:00", "已逾期", "zhang.min已完成",
                   "信息需求", "环境需求", "情感需求", "接机", "公司与展厅", "访后跟进"):
        assert needle in flat, needle
    visit = load(session, examples_dir, "hanbit-korean.yaml")
    for task in session.plan(visit).tasks:
        assert task.id in flat
        assert re.sub(r"\s+", "", task.text_in("zh"))[:12] in flat, task.id
    assert len(PdfReader(path).pages) >= 3
    fonts = pdffonts(path)
    assert all(f["emb"] == "yes" and f["sub"] == "yes" for f in fonts)


@pytest.mark.renders
def test_built_in_templates_render_without_a_single_weasyprint_warning(session,
                                                                       examples_dir,
                                                                       monkeypatch, tmp_path):
    real = visitplan.documents.pdf.render_pdf
    # strict: any WeasyPrint warning (unsupported CSS and the like) fails the render; the
    # patched function is what forked children run too
    monkeypatch.setattr(visitplan.documents.pdf, "render_pdf",
                        lambda html, **kw: real(html, **{**kw, "strict": True}))
    for example in ("sakura-vip.yaml", "alnoor-halal.yaml"):
        visit = load(session, examples_dir, example)
        written = prepare(session, visit, tmp_path / example, "pdf", today=TODAY)
        assert all(p.stat().st_size > 1000 for p in written)


# ---------------------------------------------------------------- hostile input


def test_hostile_names_render_as_text_open_nothing_and_embed_nothing(session, tmp_path,
                                                                     monkeypatch):
    path = write_visit(tmp_path, [
        {"name": HOSTILE_IMG, "title": HOSTILE_LINK, "company": HOSTILE_IMG,
         "country": "KR"},
        {"name": "김민준", "country": "KR", "title": "*bold* [x](http://evil.example)"}])
    visit = session.load_visit(path)
    policies: list = []
    out = tmp_path / "out"
    prepare(session, visit, out, "pdf", today=TODAY, audit=policies)
    assert len(policies) == 2
    for rules in policies:
        assert rules.refused == []
        assert all(url.startswith("data:") or url.endswith(".css") for url in rules.asked)
        assert not any("passwd" in url for url in rules.asked)
    for name in ("itinerary.pdf", "checklist.pdf"):
        reader = PdfReader(out / name)
        text = re.sub(r"\s+", " ", "".join(p.extract_text() for p in reader.pages))
        assert 'src="file:///etc/passwd"' in text
        assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
        assert "/AF" not in reader.trailer["/Root"]
    assert 'rel="attachment"' in re.sub(r"\s+", " ", pdf_text(out / "checklist.pdf"))
    # HTML: escaped; Markdown: escaped too, so a wiki shows the text
    prepare(session, visit, out, "html", today=TODAY)
    html = (out / "itinerary.html").read_text(encoding="utf-8")
    assert HOSTILE_IMG not in html and "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert HOSTILE_LINK not in (out / "checklist.html").read_text(encoding="utf-8")
    prepare(session, visit, out, "md", today=TODAY)
    md = (out / "checklist.md").read_text(encoding="utf-8")
    assert HOSTILE_IMG not in md and r'\<img src="file:///etc/passwd"\>' in md
    assert r"\*bold\* \[x\](http://evil.example)" in md


def test_md_escape_leaves_plain_text_alone():
    assert md_escape("김민준, Purchasing Director (KR)") == "김민준, Purchasing Director (KR)"
    assert md_escape("a_b|c") == r"a\_b\|c"
    assert md_escape(None) == "" and md_escape(3) == 3

# ---------------------------------------------------------------- templates


def test_a_user_template_overrides_one_block_of_the_built_in(session, examples_dir,
                                                            tmp_path):
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "itinerary.html").write_text(
        '{% extends "builtin/itinerary.html" %}'
        '{% block cover %}<section class="cover"><h1>BRIGHTWAY WELCOMES '
        '{{ guests[0].name }}</h1></section>{% endblock %}', encoding="utf-8")
    visit = load(session, examples_dir, "hanbit-korean.yaml")
    prepare(session, visit, tmp_path / "out", "html", today=TODAY, templates=brand)
    html = (tmp_path / "out" / "itinerary.html").read_text(encoding="utf-8")
    assert 'BRIGHTWAY WELCOMES 김민준</h1>' in html      # the page's own language: no tag
    assert "2026년 12월 9일(수)" in html            # the days block is the built-in one
    assert "방문 일정" not in html                    # the built-in cover's kicker is gone
    prepare(session, visit, tmp_path / "out", "pdf", today=TODAY, templates=brand)
    assert "BRIGHTWAY WELCOMES" in pdf_text(tmp_path / "out" / "itinerary.pdf")


def test_a_brand_asset_replaces_the_built_in_one(session, examples_dir, tmp_path):
    brand = tmp_path / "brand"
    (brand / "css").mkdir(parents=True)
    (brand / "css" / "document.css").write_text(
        (templates_dir() / "css" / "document.css").read_text(encoding="utf-8")
        + "\n.cover h1::after { content: ' — BRAND CSS'; }\n", encoding="utf-8")
    visit = load(session, examples_dir, "hanbit-korean.yaml")
    prepare(session, visit, tmp_path / "out", "pdf", today=TODAY, templates=brand)
    assert "BRAND CSS" in pdf_text(tmp_path / "out" / "itinerary.pdf")


def test_a_missing_logo_fails_with_exit_1_and_leaves_previous_outputs(run, examples_dir,
                                                                      tmp_path):
    out = tmp_path / "out"
    ok = run("prepare", examples_dir / "hanbit-korean.yaml", "-o", out, "--date",
             "2026-12-04")
    assert ok.exit_code == 0, ok.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "itinerary.html").write_text(
        '{% extends "builtin/itinerary.html" %}{% block cover %}'
        '<img src="assets/logo.png">{{ super() }}{% endblock %}', encoding="utf-8")
    bad = run("prepare", examples_dir / "hanbit-korean.yaml", "-o", out, "--templates",
              brand, "--date", "2026-12-04")
    assert bad.exit_code == 1
    assert bad.stderr.splitlines()[-1].startswith("visitplan: the template asks for "
                                                  "assets/logo.png, which is not in ")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.renders
def test_a_failed_render_writes_nothing(session, examples_dir, tmp_path, monkeypatch):
    real = visitplan.documents.pdf.render_pdf

    def checklist_fails(html, **kw):
        if "checklist" in html[:2000]:
            raise RenderError("the checklist could not be rendered")
        return real(html, **kw)

    monkeypatch.setattr(visitplan.documents.pdf, "render_pdf", checklist_fails)
    visit = load(session, examples_dir, "hanbit-korean.yaml")
    out = tmp_path / "out"
    with pytest.raises(RenderError, match="the checklist could not be rendered"):
        prepare(session, visit, out, "pdf", today=TODAY)
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.renders
def test_the_two_pdfs_render_in_parallel_and_one_after_another_alike(session, examples_dir,
                                                                     tmp_path, monkeypatch):
    visit = load(session, examples_dir, "hanbit-korean.yaml")
    forked: list = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forked.append(1) or real_fork())
    prepare(session, visit, tmp_path / "a", "pdf", today=TODAY)
    assert forked == [1]
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    prepare(session, visit, tmp_path / "b", "pdf", today=TODAY)
    assert forked == [1]
    for name in ("itinerary.pdf", "checklist.pdf"):
        assert pdf_text(tmp_path / "a" / name) == pdf_text(tmp_path / "b" / name)


def test_templates_export_copies_the_built_ins_once(run, tmp_path):
    target = tmp_path / "brand"
    result = run("templates", "export", target)
    assert result.exit_code == 0, result.stderr
    for name in ("base.html", "itinerary.html", "checklist.html", "itinerary.md",
                 "checklist.md", "css/fonts.css", "css/document.css"):
        assert (target / name).is_file(), name
    assert not list(target.rglob("__pycache__"))
    again = run("templates", "export", target)
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert run("templates", "export", target, "--force").exit_code == 0


def test_an_exported_folder_renders_like_the_built_ins(run, examples_dir, tmp_path):
    target = tmp_path / "brand"
    assert run("templates", "export", target).exit_code == 0
    a, b = tmp_path / "a", tmp_path / "b"
    assert run("prepare", examples_dir / "sakura-vip.yaml", "-o", a, "--format", "html",
               "--date", "2027-03-01").exit_code == 0
    assert run("prepare", examples_dir / "sakura-vip.yaml", "-o", b, "--format", "html",
               "--date", "2027-03-01", "--templates", target).exit_code == 0
    for name in ("itinerary.html", "checklist.html"):
        assert (a / name).read_text(encoding="utf-8") == (b / name).read_text(encoding="utf-8")

# ---------------------------------------------------------------- the command


def test_prepare_command_warns_first_then_writes(run, examples_dir, tmp_path):
    out = tmp_path / "out"
    result = run("prepare", examples_dir / "hanbit-korean.yaml", "-o", out, "--format",
                 "md", "--date", "2026-12-04")
    assert result.exit_code == 0, result.stderr
    assert "warning: arrival.at:" in result.stderr
    assert result.stdout.splitlines() == [f"wrote {out / 'itinerary.md'}",
                                          f"wrote {out / 'checklist.md'}",
                                          f"wrote {out / 'itinerary.ics'}"]
    # 6, not 7: ft-guest-facts and std-brief are one duty now, listed once
    assert "**6项已逾期**" in (out / "checklist.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["pdf", "md"])
def test_while_rendering_runs_before_anything_is_written(session, examples_dir, tmp_path,
                                                         fmt):
    from visitplan.documents.pdf import start_worker

    visit = load(session, examples_dir, "sakura-vip.yaml")
    out = tmp_path / "out"
    seen = []
    worker = start_worker() if fmt == "pdf" else None
    written = prepare(session, visit, out, fmt, today=TODAY, worker=worker,
                      while_rendering=lambda: seen.append(out.exists()))
    assert seen == [False] and all(p.is_file() for p in written)


def test_warnings_are_printed_even_when_a_template_fails(run, examples_dir, tmp_path):
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "checklist.html").write_text("{{ no_such_value }}", encoding="utf-8")
    result = run("prepare", examples_dir / "hanbit-korean.yaml", "-o", tmp_path / "out",
                 "--templates", brand, "--date", "2026-12-04")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "warning: arrival.at:" in lines[0]
    assert lines[-1] == f"visitplan: {brand / 'checklist.html'}:1: 'no_such_value' is " \
        "undefined"
    assert not (tmp_path / "out").exists()


def test_prepare_command_default_output_dir_lang_and_ticks(run, examples_dir, tmp_path,
                                                           isolated_env):
    config = tmp_path / "visitplan.yaml"
    config.write_text(f"output: {tmp_path / 'docs'}\nstate: {tmp_path / 'state.db'}\n",
                      encoding="utf-8")
    visit = examples_dir / "hanbit-korean.yaml"
    assert run("--config", config, "done", visit, "std-brief").exit_code == 0
    result = run("--config", config, "prepare", visit, "--format", "md", "--lang", "en",
                 "--date", "2026-12-04")
    assert result.exit_code == 0, result.stderr
    folder = tmp_path / "docs" / "hanbit-2026-12"
    itinerary = (folder / "itinerary.md").read_text(encoding="utf-8")
    assert "Tue 8 Dec – Thu 10 Dec 2026" in itinerary and "Day 1" in itinerary
    checklist = (folder / "checklist.md").read_text(encoding="utf-8")
    line = next(x for x in checklist.splitlines() if "std-brief" in x)
    assert line.startswith("- [x] ") and "done by" in line


def test_the_configured_templates_folder_is_searched_first(run, examples_dir, tmp_path):
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "itinerary.md").write_text(
        '{% extends "builtin/itinerary.md" %}{% block contact %}\n'
        'Brightway front desk: +86 755 0000 0000\n{% endblock %}', encoding="utf-8")
    config = tmp_path / "visitplan.yaml"
    config.write_text("templates: brand\n", encoding="utf-8")    # relative to the file
    out = tmp_path / "out"
    result = run("--config", config, "prepare", examples_dir / "sakura-vip.yaml", "-o", out,
                 "--format", "md", "--date", "2027-03-01")
    assert result.exit_code == 0, result.stderr
    text = (out / "itinerary.md").read_text(encoding="utf-8")
    assert text.rstrip().endswith("Brightway front desk: +86 755 0000 0000")
    assert "## Day 2 · Wed 17 Mar 2027" in text


def test_prepare_command_bad_visit_and_bad_templates_folder(run, tmp_path, examples_dir):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\n", encoding="utf-8")
    result = run("prepare", bad, "-o", tmp_path / "out")
    assert result.exit_code == 2 and "bad.yaml" in result.stderr
    assert not (tmp_path / "out").exists()
    missing = run("prepare", examples_dir / "hanbit-korean.yaml", "-o", tmp_path / "out",
                  "--templates", tmp_path / "nope")
    assert missing.exit_code == 2 and "templates folder does not exist" in missing.stderr
    assert not (tmp_path / "out").exists()


def test_prepare_help_ends_with_an_example(run):
    result = run("prepare", "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output and "visitplan prepare visits/hanbit.yaml" in \
        result.output

# ---------------------------------------------------------------- typography


def test_the_jet_lag_line_is_one_sentence_naming_the_country(session, examples_dir):
    visit = load(session, examples_dir, "mueller-foreign-trade.yaml")
    plan = session.plan(visit)

    def jet_lag(lang):
        ctx = checklist_context(visit, plan, lang, TODAY, {})
        env = next(n for n in ctx["needs"] if n["topic"] == "environment")
        return [str(line) for line in env["derived"] if "7" in str(line)]

    assert jet_lag("en") == ["They come from Germany, 7 hours apart: leave time to rest "
                             "after arrival and keep the first day light."]
    [zh] = jet_lag("zh")
    assert zh.startswith("来宾来自德国，时差7小时") and "德国时间" not in zh
    [ko] = jet_lag("ko")
    assert ko.startswith("손님은 7시간 시차가 있는 독일에서 옵니다")


def test_one_weekday_form_and_dates_that_do_not_break(session, examples_dir, tmp_path):
    visit = load(session, examples_dir, "hanbit-korean.yaml")
    prepare(session, visit, tmp_path, "html", today=TODAY, ticks=TICKS, dtstamp=STAMP)
    checklist = (tmp_path / "checklist.html").read_text(encoding="utf-8")     # in zh
    assert "星期" not in checklist                    # 周四 throughout, never 星期四
    assert ('<span class="nobreak">2026年12月8日（周二）</span>至'
            '<span class="nobreak">12月10日（周四）</span>') in checklist
    assert '2026年12月1日（<span class="nobreak">周二</span>）09:00' in checklist
    itinerary = (tmp_path / "itinerary.html").read_text(encoding="utf-8")     # in ko
    assert ('<span class="nobreak">2026년 12월 8일(화)</span>~'
            '<span class="nobreak">12월 10일(목)</span>') in itinerary
    assert "일 (" not in itinerary


def test_chinese_in_an_english_checklist_carries_its_language(session, examples_dir,
                                                               tmp_path):
    visit = load(session, examples_dir, "hanbit-korean.yaml")
    prepare(session, visit, tmp_path, "html", today=TODAY, lang="en", dtstamp=STAMP)
    html = (tmp_path / "checklist.html").read_text(encoding="utf-8")
    assert '<html lang="en" dir="ltr">' in html
    # handbook titles translated, the Chinese citation in brackets and tagged Chinese
    sources = re.findall(r'<span class="source"> \(Source: (.*?)\)</span>', html)
    assert sources and all(s.startswith('Part ') for s in sources), sources
    assert ('Part 6, Business reception etiquette (<span lang="zh-Hans">篇6 商务接待客户礼仪'
            '</span>)') in sources[0]
    # every run of Han characters sits inside an element tagged Chinese
    body = html.split("<body", 1)[1]
    for m in re.finditer(r"[\u4e00-\u9fff]+", body):
        opened = body[:m.start()].rfind('<span lang="zh-Hans">')
        closed = body[:m.start()].rfind("</span>")
        assert opened > closed, body[max(0, m.start() - 80):m.end()]


def test_a_home_time_on_another_day_is_one_sentence(session, tmp_path):
    path = write_visit(tmp_path, [{"name": "Ana Gómez", "country": "AR"}],
                       language="en", staff_language="en")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("OZ370, at: 2026-12-09 18:40",
                                 "OZ370, at: 2026-12-09 08:40"), encoding="utf-8")
    visit = session.load_visit(path)
    departure = itinerary_context(visit, "en")["days"][-1]["events"][-1]
    [home] = departure["home"]
    assert home["date"] == "Tue 8 Dec"
    prepare(session, visit, tmp_path / "out", "md", today=TODAY)
    md = (tmp_path / "out" / "itinerary.md").read_text(encoding="utf-8")
    assert f"{home['zone']} 21:40 (Tue 8 Dec)" in md


@pytest.mark.parametrize("by, zh, en, ko", [
    ("flight", "接机", "Airport pickup", "공항 마중"),
    ("train", "接站", "Station pickup", "역 마중"),
    ("car", "接车", "Pickup by car", "차량 마중"),
])
def test_the_pickup_is_named_by_how_the_guests_come(session, examples_dir, by, zh, en, ko):
    import dataclasses

    visit = load(session, examples_dir, "hanbit-korean.yaml")
    visit = dataclasses.replace(visit, arrival=dataclasses.replace(visit.arrival, by=by))
    plan = session.plan(visit)
    for lang, label in (("zh", zh), ("en", en), ("ko", ko)):
        ctx = checklist_context(visit, plan, lang, TODAY, {})
        assert ctx["groups"][0]["label"] == label


@pytest.mark.parametrize("diet, zh, en, ko", [
    ("allergy:shellfish", "对虾蟹贝类海鲜过敏", "allergic to shellfish", "갑각류·조개류 알레르기"),
    ("allergy:Peanuts", "对花生过敏", "allergic to peanuts", "땅콩 알레르기"),
    ("allergy:prawns", "对虾蟹贝类海鲜过敏", "allergic to shellfish", "갑각류·조개류 알레르기"),
    ("allergy:dairy", "对牛奶及乳制品过敏", "allergic to milk and dairy", "우유·유제품 알레르기"),
    ("allergy:tree-nuts", "对坚果过敏", "allergic to tree nuts", "견과류 알레르기"),
    ("allergy:durian", "对“durian”过敏", "allergic to “durian”", "'durian' 알레르기"),
])
def test_allergens_are_named_in_the_documents_language(diet, zh, en, ko):
    from visitplan.documents.context import diet_label

    assert [diet_label(diet, lang) for lang in ("zh", "en", "ko")] == [zh, en, ko]


def test_our_code_spans_stay_code_and_the_users_are_escaped(session, examples_dir,
                                                            tmp_path):
    """A pack's `visitplan check` prints as a code span in Markdown and <code> in HTML; a
    guest's name with backticks stays escaped."""
    visit = load(session, examples_dir, "hanbit-korean.yaml")
    prepare(session, visit, tmp_path / "md", "md", today=TODAY, lang="zh")
    prepare(session, visit, tmp_path / "html", "html", today=TODAY, lang="zh")
    md = (tmp_path / "md" / "checklist.md").read_text(encoding="utf-8")
    html = (tmp_path / "html" / "checklist.html").read_text(encoding="utf-8")
    assert "（`visitplan check`会列出" in md and "\\`" not in md
    assert "（<code>visitplan check</code>会列出" in html
    assert md_escape("`rm -rf`") == "\\`rm -rf\\`"


def test_en_and_ko_documents_read_the_handbook_and_the_host_staff(session, examples_dir,
                                                                  tmp_path):
    """Handbook titles translated with the Chinese in brackets; the host's staff by the
    Latin name first, never with 님 (the guest's honorific is not for our own people)."""
    visit = load(session, examples_dir, "hanbit-korean.yaml")
    for lang, part, contact in (
            ("en", "Part 6, Business reception etiquette (篇6 商务接待客户礼仪)",
             "Host contact: Li Wei (李伟), Sales Manager, +86 138 0000 0000"),
            ("ko", "제6편 비즈니스 고객 접대 예절 (篇6 商务接待客户礼仪)",
             "담당자: Li Wei (李伟), Sales Manager, +86 138 0000 0000")):
        prepare(session, visit, tmp_path / lang, "md", today=TODAY, lang=lang)
        checklist = (tmp_path / lang / "checklist.md").read_text(encoding="utf-8")
        itinerary = (tmp_path / lang / "itinerary.md").read_text(encoding="utf-8")
        assert part in checklist and contact in checklist.splitlines()
        assert "Li Wei (李伟)" in itinerary and "李伟 님" not in itinerary
    prepare(session, visit, tmp_path / "zh", "md", today=TODAY, lang="zh")
    checklist = (tmp_path / "zh" / "checklist.md").read_text(encoding="utf-8")
    assert "对接人：李伟，Sales Manager，+86 138 0000 0000" in checklist.splitlines()
    assert "（出处：篇6 商务接待客户礼仪；篇8 客户接待行为规范；" in checklist
