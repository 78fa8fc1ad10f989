"""Text lint of the rendered documents: the checklist and itinerary of every example, in
Markdown and in HTML (its text), and the calendar's events, read as a Chinese or Korean
reader reads them.

The string lint (test_text_lint.py) reads the locale files, packs and templates one string
at a time; this one reads what the templates glue together: a zh checklist or itinerary has
no ASCII , ; : ( ) beside Han characters or Chinese punctuation, and no escaped Markdown
code span (\\`visitplan check\\`); a ko one no unresolved particle such as 을(를). The
visit's own values (names, places, titles as the user typed them) are masked first: they
are the user's words, not ours.

Run `python tests/test_rendered_lint.py` for the count of findings per document.
"""
from __future__ import annotations

import datetime as dt
import html
import re
import sys
from pathlib import Path

import pytest
import yaml

from visitplan.api import Session
from visitplan.documents.build import prepare

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
TODAY = dt.date(2026, 12, 4)
STAMP = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.timezone.utc)

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019\u2026"
CJK = re.compile(f"[{HAN}{CJK_PUNCT}]")
PARTICLE = re.compile(r"[을를이가은는와과]\([을를이가은는와과]\)|\((?:으|이)\)")


def _values(node) -> list[str]:
    """Every string value of a visit file (its user-typed words)."""
    if isinstance(node, dict):
        return [s for v in node.values() for s in _values(v)]
    if isinstance(node, list):
        return [s for v in node for s in _values(v)]
    return [node] if isinstance(node, str) and len(node) > 1 else []


def masked(text: str, values: list[str]) -> str:
    """`text` with each of the visit's own values replaced by a neutral Latin word."""
    for value in sorted(set(values), key=len, reverse=True):
        text = text.replace(value, "U")
    return text


def html_text(source: str) -> str:
    """The text of an HTML document, a line per block, without styles and tags."""
    source = re.sub(r"<(style|script)\b.*?</\1>", "", source, flags=re.S)
    source = re.sub(r"<(br|/div|/p|/li|/h\d|/tr|/td|/th)\b[^>]*>", "\n", source)
    return html.unescape(re.sub(r"<[^>]+>", "", source))


def _excerpt(text: str, i: int) -> str:
    return text[max(0, i - 10):i + 10].replace("\n", "⏎")


def zh_findings(text: str) -> list[str]:
    """ASCII , ; : ( ) beside a Han character or a Chinese mark; an escaped code span."""
    out = []
    for m in re.finditer(r"[,;:()]", text):
        i = m.start()
        if CJK.match(text[i - 1:i] or " ") or CJK.match(text[i + 1:i + 2] or " "):
            out.append(f"ASCII '{m.group()}' in …{_excerpt(text, i)}…")
    out += [f"escaped code span …{m.group()}…" for m in re.finditer(r"\\`[^`]*\\`", text)]
    return out


def ko_findings(text: str) -> list[str]:
    return [f"particle …{_excerpt(text, m.start())}…"
            for m in PARTICLE.finditer(text)]


def rendered(session, path: Path, lang: str, fmt: str) -> dict[str, str]:
    """The checklist and itinerary of the example at `path`, in `lang`, as text."""
    visit = session.load_visit(path)
    files: dict = {}
    prepare(session, visit, Path("/nonexistent"), fmt, today=TODAY, lang=lang,
            dtstamp=STAMP, collect=files)
    out = {}
    for name in ("checklist", "itinerary"):
        source = files[f"{name}.{fmt}"].decode("utf-8")
        out[name] = html_text(source) if fmt == "html" else source
    if fmt == "md":            # the calendar once: what a calendar shows of each event
        import icalendar

        events = icalendar.Calendar.from_ical(files["itinerary.ics"]).walk("VEVENT")
        out["calendar"] = "\n".join(str(ev.get(field, "")) for ev in events
                                    for field in ("SUMMARY", "DESCRIPTION"))
    return out


def findings(session, path: Path, lang: str, fmt: str) -> dict[str, list[str]]:
    values = _values(yaml.safe_load(path.read_text(encoding="utf-8")))
    check = zh_findings if lang == "zh" else ko_findings
    return {name: check(masked(text, values))
            for name, text in rendered(session, path, lang, fmt).items()}


@pytest.fixture(scope="module")
def session():
    return Session.open(None)


@pytest.mark.parametrize("lang", ["zh", "ko"])
@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_rendered_documents_keep_the_house_typography(session, example, lang, fmt):
    found = findings(session, example, lang, fmt)
    hits = [f"{name}: {msg}" for name, msgs in found.items() for msg in msgs]
    assert not hits, f"{len(hits)} finding(s) in {example.name} ({lang}, {fmt}):\n" \
        + "\n".join(hits[:30])


def test_the_lint_sees_what_it_names():
    """The checks catch glued ASCII punctuation and particles (a lint that finds nothing in
    anything passes everything), and leave Latin text and the user's values alone."""
    assert len(zh_findings("对接人: 李伟, 经理 (主宾)")) == 4
    assert len(zh_findings("来宾（主宾）：李伟，经理；Sales Manager, Hanbit (ICN)")) == 0
    assert len(zh_findings("用\\`visitplan check\\`列出")) == 1
    assert len(ko_findings("출발을(를) 맞이합니다, 공항(으)로")) == 2
    assert masked("在Seoul Incheon (ICN)出发", ["Seoul Incheon (ICN)"]) == "在U出发"
    assert "\n" in html_text("<div>a</div><div>b</div>")


if __name__ == "__main__":
    s = Session.open(None)
    total = 0
    for example in EXAMPLES:
        for lang in ("zh", "ko"):
            for fmt in ("md", "html"):
                for name, msgs in findings(s, example, lang, fmt).items():
                    total += len(msgs)
                    print(f"{example.stem:24} {lang} {fmt:4} {name:10} {len(msgs)}")
                    if "-v" in sys.argv:
                        for msg in msgs:
                            print("    " + msg)
    print(f"total {total}")
