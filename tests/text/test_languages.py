"""The guest languages: each is a row of visitplan/text/languages.yaml and a locale file
(visitplan/text/locales/<code>.yaml) holding every guest-facing key with the slots of
English, dates in its own CLDR forms, text that keeps the house typography, and faces that
are installed (scripts/setup.sh) and draw every character it writes.

Guest-facing: the itinerary (PDF, HTML, Markdown), the calendar's text, the pickup sign's
welcome line, the welcome screen and the follow-up email. Staff documents stay in zh, en
and ko, so their keys are allowed to fall back to English.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
import yaml

from visitplan.documents.sign import Fonts
from visitplan.text.dates import date_range, format_date, format_datetime, format_time
from visitplan.text.i18n import LOCALES, languages, t
from visitplan.visit.fields import STAFF_LANGUAGES

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"
NEW = ("ja", "zh-Hant", "vi", "th", "id", "ms", "ar", "de", "fr", "es", "pt", "ru")
GUEST = ("zh", "en", "ko", *NEW)

# Every key the guest-facing outputs print (templates/itinerary*, sign, welcome, mail/*;
# documents/itinerary.py, documents/context.py travel_line, documents/calendar.py, documents/sign.py,
# mail/followup.py, text/dates.py).
GUEST_KEYS = (
    *(f"kind.{k}" for k in ("showroom", "factory", "meeting", "meal", "sightseeing",
                            "transfer", "free")),
    *(f"doc.date.{k}" for k in ("long", "short", "weekday", "time", "datetime", "range",
                                "range_same_year")),
    *(f"doc.it.{k}" for k in ("kicker", "host", "guests", "day", "arrival", "departure",
                              "from", "to", "met_by", "met_by_phone", "home_time", "where",
                              "hotel", "free_day", "contact", "contact_plain", "qr_alt",
                              "home_time_date")),
    "doc.travel.from", "doc.travel.to",
    "doc.by.flight", "doc.by.train", "doc.by.car", "doc.by.other",
    "doc.ics.arrival", "doc.ics.departure", "doc.ics.contact", "doc.name_latin",
    *(f"mail.{k}" for k in ("subject", "subject_no_photos", "thanks", "intro", "intro_photos",
                            "summary",
                            "decisions", "next_steps", "step_owner_due", "step_owner",
                            "step_due", "photos", "photos_attached_one", "photos_attached",
                            "missing", "call_offer", "closing")),
    "sign.welcome", "sign.screen.welcome", "sign.delegation", "sign.list_join", "sign.name",
)
GUEST_TEMPLATES = ("itinerary.html", "itinerary.md", "itinerary_timeline.html", "sign.html",
                   "welcome.html", "mail/followup.txt.j2", "mail/followup.html.j2")
# keys whose text is a separator: spaces around them are meant
SEPARATORS = {"sign.list_join"}
SLOT = re.compile(r"\{(\w+)\}")
RANGES = ("doc.date.range", "doc.date.range_same_year")
RANGE_SLOTS = {"long_start", "short_start", "long_end", "short_end"}
# the code passes a name as written and spaced; a language prints one of them
NAME_SLOTS = {"name", "spaced"}
# whole sentences, which no language shares with English
SENTENCES = ("doc.it.kicker", "doc.it.free_day", "mail.thanks", "mail.intro", "mail.missing",
             "mail.call_offer", "mail.closing", "sign.welcome", "sign.screen.welcome")


@functools.cache
def own(code: str) -> dict[str, str]:
    """The keys a locale file itself holds (no English fallback)."""
    data = yaml.safe_load((LOCALES / f"{code}.yaml").read_text(encoding="utf-8")) or {}
    return {key: str(text) for key, text in data.items()}


# ---------------------------------------------------------------- the table and the files


def test_every_guest_language_has_a_row_and_a_locale_file():
    table = languages()
    assert set(GUEST) <= set(table)
    for code in GUEST:
        assert (LOCALES / f"{code}.yaml").is_file(), code
    assert sorted(c for c, row in table.items() if row.staff) == sorted(STAFF_LANGUAGES)
    assert not any(table[code].staff for code in NEW)


@pytest.mark.parametrize("code, babel, html, script, direction", [
    ("ja", "ja_JP", "ja", "japanese", "ltr"), ("zh-Hant", "zh_Hant_TW", "zh-Hant", "han", "ltr"),
    ("vi", "vi_VN", "vi", "latin", "ltr"), ("th", "th_TH", "th", "thai", "ltr"),
    ("id", "id_ID", "id", "latin", "ltr"), ("ms", "ms_MY", "ms", "latin", "ltr"),
    ("ar", "ar_SA", "ar", "arabic", "rtl"), ("de", "de_DE", "de", "latin", "ltr"),
    ("fr", "fr_FR", "fr", "latin", "ltr"), ("es", "es_ES", "es", "latin", "ltr"),
    ("pt", "pt_BR", "pt", "latin", "ltr"), ("ru", "ru_RU", "ru", "cyrillic", "ltr"),
])
def test_row(code, babel, html, script, direction):
    from babel import Locale

    row = languages()[code]
    assert (row.babel, row.html, row.script, row.dir) == (babel, html, script, direction)
    assert str(Locale.parse(row.babel)) == babel and row.family


def test_the_key_list_covers_what_the_guest_templates_print():
    """GUEST_KEYS is checked against the templates, so a new guest-facing key in a template
    cannot be forgotten here (and so in the locale files)."""
    used = set()
    for name in GUEST_TEMPLATES:
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        used |= set(re.findall(r"""\b(?:_|t)\(\s*["']([a-z_.-]+)["']""", text))
    assert used, "no key found in the guest templates"
    assert used <= set(GUEST_KEYS), sorted(used - set(GUEST_KEYS))
    assert set(GUEST_KEYS) <= set(own("en")), sorted(set(GUEST_KEYS) - set(own("en")))


@pytest.mark.parametrize("code", NEW)
def test_every_guest_key_is_translated_with_the_slots_of_english(code):
    mine, en = own(code), own("en")
    missing = [key for key in GUEST_KEYS if key not in mine]
    assert not missing, f"{code}.yaml lacks {missing}"
    for key in GUEST_KEYS:
        slots = set(SLOT.findall(mine[key]))
        if key in RANGES:
            # the code passes both forms of each end; a language picks one of each
            assert len(slots) == 2 and {s.split("_")[1] for s in slots} == {"start", "end"} \
                and slots <= RANGE_SLOTS, (code, key)
        elif key == "sign.name":
            assert len(slots) == 1 and slots <= NAME_SLOTS, (code, key)
        else:
            assert slots == set(SLOT.findall(en[key])), (code, key)
        assert mine[key].strip() or key in SEPARATORS, (code, key)
    for key in SENTENCES:
        assert mine[key] != en[key], f"{code}: {key} is still English"
    unknown = set(mine) - set(en)
    assert not unknown, f"{code}.yaml has keys English does not: {sorted(unknown)}"


@pytest.mark.parametrize("code", NEW)
def test_every_sentence_formats(code):
    """Each text takes the values its slots name (a stray brace would raise here)."""
    for key in GUEST_KEYS:
        values = {name: "X" for name in SLOT.findall(own("en")[key])}
        if key in RANGES:
            values = dict.fromkeys(RANGE_SLOTS, "X")
        if key == "sign.name":
            values = dict.fromkeys(NAME_SLOTS, "X")
        assert t(key, code, **values) if values else t(key, code)


# ---------------------------------------------------------------- dates from CLDR

DAY = dt.date(2026, 12, 8)          # a Tuesday
LONG = {
    "ja": "2026年12月8日（火）", "zh-Hant": "2026年12月8日（星期二）",
    "vi": "Thứ Ba, ngày 8 tháng 12 năm 2026", "th": "วันอังคารที่ 8 ธันวาคม ค.ศ. 2026",
    "id": "Selasa, 8 Desember 2026", "ms": "Selasa, 8 Disember 2026",
    "ar": "الثلاثاء، 8 ديسمبر 2026", "de": "Dienstag, 8. Dezember 2026",
    "fr": "mardi 8 décembre 2026", "es": "martes, 8 de diciembre de 2026",
    "pt": "terça-feira, 8 de dezembro de 2026", "ru": "вторник, 8 декабря 2026 г.",
}
# the month as the locale writes it in a date, and the weekday
WORDS = {
    "ja": ("12月", "火"), "zh-Hant": ("12月", "星期二"), "vi": ("tháng 12", "Thứ Ba"),
    "th": ("ธันวาคม", "วันอังคาร"), "id": ("Desember", "Selasa"), "ms": ("Disember", "Selasa"),
    "ar": ("ديسمبر", "الثلاثاء"), "de": ("Dezember", "Dienstag"), "fr": ("décembre", "mardi"),
    "es": ("diciembre", "martes"), "pt": ("dezembro", "terça-feira"), "ru": ("декабря", "вторник"),
}


@pytest.mark.parametrize("code", NEW)
def test_long_date_in_the_locales_own_form(code):
    assert format_date(DAY, code, "long") == LONG[code]


@pytest.mark.parametrize("code", NEW)
def test_every_date_pattern_formats_with_the_locales_own_words(code):
    month, weekday = WORDS[code]
    long, short = format_date(DAY, code, "long"), format_date(DAY, code, "short")
    assert month in long and weekday in long, long
    assert month in short and weekday in short and "2026" not in short, short
    assert weekday in format_date(DAY, code, "weekday")
    assert format_time(dt.time(9, 5), code) == "09:05"
    moment = dt.datetime(2026, 12, 8, 9, 5)
    assert "09:05" in format_datetime(moment, code) and long in format_datetime(moment, code)
    same_year = date_range(DAY, dt.date(2026, 12, 10), code)
    assert same_year.count("2026") == 1 and weekday in same_year
    assert date_range(dt.date(2026, 12, 30), dt.date(2027, 1, 2), code).count("202") == 2
    # no pattern letter escaped the quotes: no ASCII letter is left but the locale's own
    ascii_letters = set(re.findall(r"[A-Za-z]", long)) - set(re.findall(r"[A-Za-z]",
                                                                           LONG[code]))
    assert not ascii_letters


# ---------------------------------------------------------------- typography

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
KANA = "\u3040-\u30ff"
FULLWIDTH = "，；：（）！？。、"


def _texts(code):
    for key, text in own(code).items():
        if not key.startswith("doc.date.") or key in ("doc.date.datetime", "doc.date.range",
                                                      "doc.date.range_same_year"):
            yield key, text


def _findings(code: str, key: str, text: str) -> list[str]:
    out = []
    plain = SLOT.sub("\u25a1", text)          # a slot as an opaque mark
    if re.search(r"(?<=\S)  +(?=\S)", text):
        out.append("doubled space")
    if key not in SEPARATORS and text != text.strip():
        out.append("space at an end")
    if code in ("zh-Hant", "ja"):
        cjk = HAN + KANA + FULLWIDTH + "\u25a1"
        for m in re.finditer(r"[,;:()!?]", plain):
            around = plain[max(0, m.start() - 1):m.start()] + plain[m.end():m.end() + 1]
            if re.search(f"[{cjk}]", around):
                out.append(f"ASCII {m.group()!r} in CJK text")
        if re.search(f"[{HAN}{KANA}][ ]+[A-Za-z0-9\u25a1]|[A-Za-z0-9\u25a1][ ]+[{HAN}{KANA}]",
                     plain) and code == "zh-Hant":
            out.append("space between Han and Latin")
        if code == "zh-Hant" and re.search(r"[0-9\u25a1][ ]*[-–—~～][ ]*[0-9\u25a1]", plain):
            out.append("range not written with 至")
        if re.search(r"\.\.\.", plain):
            out.append("ASCII ellipsis")
    else:
        if re.search(f"[{FULLWIDTH}]", text):
            out.append("full-width punctuation")
    if code == "ar" and re.search(r"[\u0600-\u06ff] ?[,;?]|[,;?] ?[\u0600-\u06ff]", plain):
        out.append("Latin , ; or ? in Arabic (write ، ؛ ؟)")
    if code == "fr" and re.search(r"[^\u00a0\u202f]:", plain):
        out.append("colon without the no-break space French sets before it")
    if code in ("de", "fr", "es", "pt", "ru", "vi", "id", "ms") and re.search(r" [,.;:]", plain):
        out.append("space before punctuation")
    return out


@pytest.mark.parametrize("code", NEW)
def test_text_keeps_the_house_typography(code):
    found = [f"{key}: {msg}" for key, text in _texts(code) for msg in _findings(code, key, text)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("code, key, text, msg", [
    ("zh-Hant", "x", "聯絡人(掃描即可儲存)", "ASCII '('"),
    ("zh-Hant", "x", "航班 {number}", "space between Han and Latin"),
    ("zh-Hant", "x", "{a}–{b}", "range not written with 至"),
    ("ja", "x", "{name}がお出迎えいたします(電話:{phone})", "ASCII '('"),
    ("de", "x", "Vielen Dank，Herr", "full-width punctuation"),
    ("fr", "x", "Arrivée : {travel}", "colon without"),
    ("ar", "x", "الوصول, {travel}", "Latin , ; or ?"),
    ("ru", "x", "Прибытие  {travel}", "doubled space"),
    ("es", "x", "Llegada : {travel}", "space before punctuation"),
])
def test_the_typography_check_catches_what_it_names(code, key, text, msg):
    assert any(f.startswith(msg) for f in _findings(code, key, text)), _findings(code, key, text)


# ---------------------------------------------------------------- faces

SCRIPT_OF = {"japanese": ("CJK", "HIRAGANA", "KATAKANA", "IDEOGRAPHIC"),
             "han": ("CJK", "IDEOGRAPHIC"), "thai": ("THAI",), "arabic": ("ARABIC",),
             "cyrillic": ("CYRILLIC",), "latin": ("LATIN",)}


@functools.cache
def installed_families() -> frozenset[str]:
    out = subprocess.run(["fc-list", "--format", "%{family}\n"], capture_output=True,
                         text=True, check=True).stdout
    return frozenset(name.strip().lower() for line in out.splitlines()
                     for name in line.split(","))


@functools.cache
def cmap_of(family: str) -> frozenset[int]:
    """The characters of the face fontconfig gives for `family` (its file and index)."""
    from fontTools.ttLib import TTFont

    out = subprocess.run(["fc-match", "--format", "%{family}|%{file}|%{index}", family],
                         capture_output=True, text=True, check=True).stdout
    names, file, index = out.split("|")
    assert family.lower() in {n.strip().lower() for n in names.split(",")}, \
        f"fontconfig gives {names} for {family}: install the fonts scripts/setup.sh lists"
    font = TTFont(file, fontNumber=int(index or 0), lazy=True)
    return frozenset(font.getBestCmap())


@pytest.mark.parametrize("code", NEW)
def test_the_faces_are_installed(code):
    missing = [f for f in languages()[code].family if f.lower() not in installed_families()]
    assert not missing, f"{code}: {missing} not installed; run scripts/setup.sh"


@pytest.mark.parametrize("code", NEW)
def test_fonts_css_names_the_faces_of_the_table(code):
    """The stack the documents and the sign take for the language (templates/css/fonts.css,
    read as visitplan.documents.sign reads it) starts with the table's first face and holds
    all of them."""
    stack = Fonts((TEMPLATES / "css" / "fonts.css").read_text(encoding="utf-8")).stack(
        languages()[code].html)
    family = languages()[code].family
    assert stack[0] == family[0] and set(family) <= set(stack), (stack, family)


@pytest.mark.parametrize("code", NEW)
def test_every_character_has_a_glyph_and_the_script_its_own_face(code):
    """Every character of the guest texts is drawn by a face of the language's families;
    the letters of the language's script by the first, so a line is one design."""
    row = languages()[code]
    words = "".join(SLOT.sub("", own(code)[key]) for key in GUEST_KEYS
                    if not key.startswith("doc.date.")) + format_date(DAY, code, "long")
    chars = {ch for ch in words if unicodedata.category(ch) not in ("Cf", "Zs", "Cc")}
    covered = set().union(*(cmap_of(f) for f in row.family))
    assert not [ch for ch in chars if ord(ch) not in covered], code
    script = [ch for ch in chars
              if unicodedata.name(ch, "").split(" ")[0] in SCRIPT_OF[row.script]]
    assert script, f"no {row.script} letters in the {code} texts"
    first = cmap_of(row.family[0])
    assert not [ch for ch in script if ord(ch) not in first], (code, row.family[0])


# ---------------------------------------------------------------- the visit file


def _visit(tmp_path, language, staff="zh"):
    path = tmp_path / "visit.yaml"
    path.write_text(f"""title: Languages
language: {language}
staff_language: {staff}
timezone: Asia/Shanghai
host:
  company: Brightway Lighting Co., Ltd.
  country: CN
  contact: {{name: 李伟, name_latin: Li Wei, email: li.wei@brightway.example}}
guests:
  - {{name: 佐藤健一, name_latin: Sato Kenichi, country: JP, gender: male}}
arrival: {{by: flight, number: NH933, from: Tokyo Haneda (HND), at: 2026-12-08 13:05}}
departure: {{by: flight, number: NH934, to: Tokyo Haneda (HND), at: 2026-12-10 17:40}}
""", encoding="utf-8")
    return path


@pytest.mark.parametrize("code", NEW)
def test_a_visit_in_each_guest_language_gives_its_itinerary(code, run, tmp_path):
    """`language: <code>` is accepted and the itinerary (Markdown) and the checklist come
    out: the itinerary in the guest's words, the checklist in the staff language naming
    the guests' language by its Chinese name from CLDR."""
    from babel import Locale

    visit = _visit(tmp_path, code if code != "zh-Hant" else "zh-hant")
    result = run("prepare", visit, "--format", "md", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    itinerary = (tmp_path / "out" / "itinerary.md").read_text(encoding="utf-8")
    for key in ("doc.it.host", "doc.it.guests"):
        assert t(key, code) in itinerary, key
    assert format_date(DAY, code, "long") in itinerary
    checklist = (tmp_path / "out" / "checklist.md").read_text(encoding="utf-8")
    name = Locale.parse("zh_Hans_CN").languages[code.replace("-", "_")]
    assert name in checklist


def test_staff_language_stays_zh_en_ko(run, tmp_path):
    result = run("check", _visit(tmp_path, "ja", staff="ja"))
    assert result.exit_code == 2
    assert "staff_language: 'ja' is not one of zh, en, ko" in result.stderr


def test_the_visit_stage_reads_the_same_table():
    """visit/ reads languages.yaml as data (it imports no later stage): the same codes."""
    from visitplan.visit.fields import guest_languages

    assert set(guest_languages()) == set(languages())
    assert guest_languages()[:3] == STAFF_LANGUAGES
