"""Text lint: every zh, ko and en string of the rule packs, the locale files and the literal
text of the templates keeps the house typography (docs/text-style.md).

Chinese: full-width ，；：（）！？ beside Han characters, no space between Han and Latin
letters, digits, code spans or slots, ranges with 至, …… for an ellipsis, one weekday form in
the date patterns. Korean: no unresolved particle such as 을(를). Every language: no doubled
space, no full-width punctuation in en and ko, and the terms of the term table.

Run `python tests/test_text_lint.py` for the count of findings per category.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from visitplan.text.i18n import strings

ROOT = Path(__file__).resolve().parents[2]
PACKS = ROOT / "visitplan" / "rules" / "packs"
TEMPLATES = ROOT / "templates"
LANGS = ("zh", "en", "ko")          # the staff languages: every pack string has these
CHINESE = ("zh", "zh-Hant")
FULL_WIDTH = CHINESE + ("ja",)       # scripts that take full-width punctuation

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HANGUL = "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f"
# Full-width punctuation and the curly quotes Chinese text uses.
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019\u2014\u2026"
HAN_RE = re.compile(f"[{HAN}]")
CODE_RE = re.compile(r"`[^`]*`")
SLOT_RE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")

# Words that are wrong where they appear, with what to write instead.
TERMS = {
    "zh": {"首席": "主宾", "顺颂商祺！": "顺颂商祺", "顺颂商祺!": "顺颂商祺"},
    "ko": {"해지기": "해 지기", "대한민국 시간": "한국 시간"},
    "en": {"South Korea Time": "Korea time"},
}


# ---------------------------------------------------------------- the strings


def _pack_strings(path: Path):
    """(where, lang, text) of every zh/en/ko value of a pack file (titles, summaries, notes,
    tasks). `source:` is a citation (篇6 商务接待客户礼仪 · 第二十六条), not running text."""
    root = yaml.compose(path.read_text(encoding="utf-8"))

    def walk(node):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(value, yaml.ScalarNode) and key.value in LANGS:
                    yield f"{path.name}:{value.start_mark.line + 1}", key.value, value.value
                else:
                    yield from walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                yield from walk(item)

    yield from walk(root)


def _locale_strings():
    for key, texts in strings().items():
        for lang, text in texts.items():
            yield f"locales/{lang}.yaml {key}", lang, text


_TEMPLATE_CODE = re.compile(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}|<[^>]*>", re.S)


def _template_strings():
    """The literal text of the templates (outside tags, expressions and comments) that is
    written in Chinese or Korean."""
    files = sorted(TEMPLATES.glob("*.html")) + sorted(TEMPLATES.glob("*.md")) \
        + sorted((TEMPLATES / "mail").glob("*")) + [TEMPLATES / "digest.txt"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for piece in _TEMPLATE_CODE.split(text):
            for n, line in enumerate(piece.splitlines()):
                if HAN_RE.search(line):
                    yield f"templates/{path.name}", "zh", line.strip()
                elif re.search(f"[{HANGUL}]", line):
                    yield f"templates/{path.name}", "ko", line.strip()


def all_strings():
    out = []
    for path in sorted(PACKS.glob("*.yaml")):
        out.extend(_pack_strings(path))
    out.extend(_locale_strings())
    out.extend(_template_strings())
    return out


# ---------------------------------------------------------------- the checks


def _masked(text: str) -> str:
    """Code spans and slots reduced to a marker, so what is inside them is not linted."""
    return SLOT_RE.sub("{S}", CODE_RE.sub("`C`", text))


def _cjk_side(ch: str) -> bool:
    return bool(re.match(f"[{HAN}{CJK_PUNCT}]", ch))


def zh_punct(lang, text):
    """ASCII , ; : ( ) ! ? beside a Han character, a full-width mark or a slot."""
    if lang not in FULL_WIDTH:
        return []
    s = _masked(text)
    out = []
    for m in re.finditer(r"[,;:()!?]", s):
        i = m.start()
        before, after = s[i - 1:i], s[i + 1:i + 2]
        if _cjk_side(before) or _cjk_side(after) or before == "}" or after == "{":
            out.append(f"ASCII '{m.group()}' in …{s[max(0, i - 8):i + 8]}…")
    return out


def zh_space(lang, text):
    """A space between Han and Latin letters, digits, a code span or a slot."""
    if lang not in CHINESE:
        return []
    s = _masked(text)
    pattern = (f"(?<=[{HAN}])[ \u00a0]+(?=[A-Za-z0-9`{{])|(?<=[A-Za-z0-9`}}])[ \u00a0]+(?=[{HAN}])"
               f"|(?<=[{HAN}\uff0c\u3002\uff1a\uff1b])[ \u00a0]+(?=[{HAN}])")
    return [f"space in …{s[max(0, m.start() - 4):m.end() + 4]}…" for m in re.finditer(pattern, s)]


def zh_range(lang, text):
    """A range written with - – — ~ ～ between numbers or slots (Chinese writes 3至5天)."""
    if lang not in CHINESE:
        return []
    return [f"range …{m.group()}…"
            for m in re.finditer(r"[0-9}][ ]*[-\u2013\u2014~\uff5e][ ]*[0-9{]", text)]


def zh_ellipsis(lang, text):
    """"..." or a single … in Chinese or Japanese (write ……)."""
    if lang not in FULL_WIDTH:
        return []
    return [f"ellipsis …{m.group()}…"
            for m in re.finditer(r"\.\.\.|(?<!\u2026)\u2026(?!\u2026)", text)]


def ko_particle(lang, text):
    """An unresolved Korean particle: 을(를), 이(가), 은(는), 와(과), (으)로 …"""
    if lang != "ko":
        return []
    pattern = r"[을를이가은는와과]\([을를이가은는와과]\)|\((?:으|이)\)"
    return [f"particle {m.group()}" for m in re.finditer(pattern, text)]


def ko_slot_particle(lang, text):
    """A Korean particle whose form depends on the word before it (을/를, 이/가, 은/는, 와/과,
    으로/로) right after a slot, or after a slot's bracket or quote: the slot's last syllable
    is not known when the sentence is written, so the sentence is phrased without one."""
    if lang != "ko":
        return []
    pattern = (r"\}(?:'|\([^)]*\))?(을|를|이|가|은|는|와|과|으로|로|이나|나|이라|라)"
               r"(?![\uac00-\ud7a3])")
    return [f"particle after a slot …{text[max(0, m.start() - 8):m.end() + 2]}…"
            for m in re.finditer(pattern, text)]


def double_space(lang, text):
    """Two spaces in a row inside a string."""
    return [f"double space …{text[max(0, m.start() - 6):m.end() + 6]}…"
            for m in re.finditer(r"(?<=\S)  +(?=\S)", text)]


def fullwidth_in_latin(lang, text):
    """Full-width punctuation in a string of a language written with Latin letters, Hangul,
    or another script that uses its own or Latin punctuation."""
    if lang in FULL_WIDTH:
        return []
    return [f"full-width '{m.group()}'" for m in re.finditer("[，；：（）！？。、]", text)]


def terms(lang, text):
    """A word of the term table (TERMS)."""
    return [f"'{wrong}' (write '{right}')"
            for wrong, right in TERMS.get(lang, {}).items() if wrong in text]


CHECKS = {f.__name__: f for f in (zh_punct, zh_space, zh_range, zh_ellipsis, ko_particle,
                                   ko_slot_particle, double_space, fullwidth_in_latin, terms)}


def weekday_forms():
    """One weekday form per language's date patterns: 星期二 (EEEE) and 周二 (EEE) must not
    both appear in the Chinese patterns; Korean writes 12월 8일(화), without a space."""
    table = strings()
    out = []
    zh = {k: v["zh"] for k, v in table.items() if k.startswith("doc.date.") and "zh" in v}
    widths = {k: {len(run) >= 4 for run in re.findall(r"E+", v)} for k, v in zh.items()}
    if {True, False} <= set().union(*widths.values()):
        out.append("zh date patterns mix 星期 (EEEE) and 周 (E–EEE): " + ", ".join(
            f"{k}={zh[k]}" for k in sorted(zh) if widths[k]))
    for key, texts in sorted(table.items()):
        if key.startswith("doc.date.") and "ko" in texts and re.search(r"일 \(E", texts["ko"]):
            out.append(f"ko {key}: '{texts['ko']}' (write d일(E), no space)")
    return out


def findings():
    """{category: [(where, message), …]} over every string."""
    found = {name: [] for name in CHECKS}
    for where, lang, text in all_strings():
        for name, check in CHECKS.items():
            found[name].extend((where, f"{lang}: {msg}") for msg in check(lang, text))
    found["weekday"] = [("locales", msg) for msg in weekday_forms()]
    return found


# ---------------------------------------------------------------- the tests


@pytest.fixture(scope="module")
def found():
    return findings()


@pytest.mark.parametrize("category", [*CHECKS, "weekday"])
def test_no_findings(found, category):
    hits = found[category]
    assert not hits, f"{len(hits)} {category} finding(s):\n" + "\n".join(
        f"  {where}: {msg}" for where, msg in hits[:40])


def test_lint_reads_every_source():
    """The lint sees the packs, the three locale files and the templates (a lint that reads
    nothing passes everything)."""
    seen = Counter((where.split(":")[0].split(" ")[0], lang) for where, lang, _ in all_strings())
    for pack in PACKS.glob("*.yaml"):
        assert all(seen[(pack.name, lang)] > 0 for lang in LANGS), pack.name
    for lang in LANGS:
        assert seen[(f"locales/{lang}.yaml", lang)] > 100


@pytest.mark.parametrize("category, lang, text, hits", [
    ("zh_punct", "zh", "到达前,请确认(航班)", 3),
    ("zh_punct", "zh", "时间为 `HH:mm`，例如10:35", 0),
    ("zh_punct", "zh", "{name}({latin})", 2),
    ("zh_punct", "en", "Arrival (flight), then: lunch", 0),
    ("zh_space", "zh", "到达前 5 天用 `visitplan done` 勾掉", 4),
    ("zh_space", "zh", "打印于 {date}", 1),
    ("zh_space", "zh", "到达前5天用`visitplan done`勾掉", 0),
    ("zh_range", "zh", "提前3-5天，{start}–{end}", 2),
    ("zh_range", "zh", "提前3至5天", 0),
    ("zh_ellipsis", "zh", "等等...以及…", 2),
    ("zh_ellipsis", "zh", "等等……", 0),
    ("ko_particle", "ko", "{travel}을(를) 맞이합니다; {x}(으)로; 이(가)", 3),
    ("ko_particle", "ko", "인천(ICN) 출발 항공편을 맞이합니다", 0),
    ("ko_slot_particle", "ko", "{language}를 읽습니다; {holiday}({dates})와 겹칩니다", 2),
    ("ko_slot_particle", "ko", "{hotel}에 묵습니다; {name} 님이; {n}건이", 0),
    ("double_space", "en", "two  spaces", 1),
    ("fullwidth_in_latin", "ko", "준비，확인", 1),
    ("terms", "zh", "首席", 1),
    ("terms", "zh", "顺颂商祺！", 1),
    ("terms", "ko", "해지기 전에", 1),
])
def test_checks_catch_what_they_name(category, lang, text, hits):
    assert len(CHECKS[category](lang, text)) == hits


def test_template_literals_are_read(tmp_path, monkeypatch):
    """Literal Chinese in a template is linted like a locale string."""
    (tmp_path / "mail").mkdir()
    (tmp_path / "digest.txt").write_text("{# 注释, 不查 #}\n{{ x }} 完成后,请勾选\n",
                                         encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "TEMPLATES", tmp_path)
    got = list(_template_strings())
    assert got == [("templates/digest.txt", "zh", "完成后,请勾选")]
    assert zh_punct("zh", got[0][2])


if __name__ == "__main__":
    result = findings()
    for name, hits in result.items():
        print(f"{name:20} {len(hits)}")
    print(f"{'total':20} {sum(len(h) for h in result.values())}")
    if "-v" in sys.argv:
        for name, hits in result.items():
            for where, msg in hits:
                print(f"{name}\t{where}\t{msg}")
