"""The table of names written by hand (tests/names_cases.txt): the sign's Latin line and the
greeting in every language the table covers; greeting lines of several guests; the sign and
the follow-up email of real visits with the names issue 12 found wrong."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from visitplan.rules.greeting import greetings
from visitplan.rules.names import (address, greeting_line, latin_required, latin_spelling,
                                   sign_line, split_name)

CASES_FILE = Path(__file__).parents[1] / "names_cases.txt"
COUNTRIES = {"KR", "CN", "TW", "HK", "JP", "VN", "MY", "ID", "TH", "SA", "AE", "DE", "US",
             "ES", "RU"}


@dataclass
class Case:
    line: int
    country: str
    name: str
    name_latin: str | None
    gender: str | None
    title: str | None
    sign: str | None
    greetings: dict[str, str]
    latin_required: dict[str, bool]

    def __str__(self):
        return f"{CASES_FILE.name}:{self.line} {self.name}"


def _cases() -> list[Case]:
    cases = []
    for number, raw in enumerate(CASES_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = [c.strip() for c in raw.split("|")]
        assert len(cols) == 10, f"line {number}: {len(cols)} fields"
        country, name, latin, gender, title, sign, zh, en, ko, other = cols
        said = {"zh": zh, "en": en, "ko": ko}
        required: dict[str, bool] = {}
        for item in filter(None, (i.strip() for i in other.split(" ; "))):
            key, _, value = item.partition("=")
            if key == "latin_required":
                lang, _, no = value.partition("=")
                required[lang] = no != "no"
            else:
                said[key] = value
        cases.append(Case(number, country, name, latin or None, gender or None, title or None,
                          None if sign == "-" else sign, said, required))
    return cases


CASES = _cases()


def test_the_table_is_big_and_covers_every_country():
    assert len(CASES) >= 150
    assert COUNTRIES <= {c.country for c in CASES}
    for country in COUNTRIES:
        rows = [c for c in CASES if c.country == country]
        assert any(c.gender is None for c in rows), country
        assert any(c.gender for c in rows), country
    assert any(c.name_latin for c in CASES) and any(not c.name_latin for c in CASES)
    # every language of greetings.yaml is checked by at least one row
    assert set(greetings()) <= {lang for c in CASES for lang in c.greetings}


def _latin(case: Case) -> str | None:
    """name_latin as the loader leaves it: given, or derived where that is safe."""
    return case.name_latin or latin_spelling(case.name, case.country)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_sign_line(case):
    assert sign_line(case.name, case.country, _latin(case)) == case.sign


@pytest.mark.parametrize("case", CASES, ids=str)
def test_greeting_in_each_language(case):
    got = {lang: address(case.name, lang, case.gender, case.title, case.country,
                         _latin(case)) for lang in case.greetings}
    assert got == case.greetings


@pytest.mark.parametrize("case", CASES, ids=str)
def test_latin_name_required_for_guest_facing_text(case):
    # in English exactly the rows that say so; other languages where a row says
    for lang in {"en", *case.latin_required}:
        assert latin_required(case.name, case.country, _latin(case), lang) == \
            case.latin_required.get(lang, False), lang


def test_no_greeting_puts_hangul_before_xiansheng_or_nvshi():
    for case in CASES:
        for gender in ("male", "female"):
            text = address(case.name, "zh", gender, None, case.country, _latin(case))
            assert not any("\uac00" <= ch <= "\ud7a3" for ch in text), text


def test_japanese_kanji_are_never_read_in_mandarin():
    for case in CASES:
        if case.country == "JP":
            assert latin_spelling(case.name, "JP") is None
            for lang in greetings():
                text = address(case.name, lang, "female", None, "JP", case.name_latin)
                assert "Zhong" not in text and "Lin " not in text, (lang, text)


# ---------------------------------------------------------------- a greeting line


@dataclass
class Guest:
    name: str
    country: str
    gender: str | None = None
    name_latin: str | None = None
    title: str | None = None


KOREANS = [Guest("김민준", "KR", "male", "Kim Minjun"), Guest("이서연", "KR", "female", "Lee Seoyeon")]
GERMANS = [Guest("Thomas Müller", "DE", "male"), Guest("Anna Schneider", "DE", "female")]


@pytest.mark.parametrize("guests, language, line", [
    (KOREANS, "zh", "尊敬的Kim先生、Lee女士："),
    (KOREANS, "en", "Dear Mr Kim and Ms Lee,"),
    (KOREANS, "ko", "김민준 님, 이서연 님, 안녕하십니까."),
    (KOREANS, "ja", "Kim様、Lee様"),
    (GERMANS, "de", "Sehr geehrter Herr Müller, sehr geehrte Frau Schneider,"),
    (GERMANS, "es", "Estimado Sr. Müller y estimada Sra. Schneider:"),
    (GERMANS, "pt", "Prezado Sr. Müller e prezada Sra. Schneider,"),
    (GERMANS, "fr", "Monsieur Müller, Madame Schneider,"),
    ([Guest("Nguyễn Văn An", "VN", "male")], "vi", "Kính gửi anh An,"),
    ([Guest("Nurul Aisyah binti Ahmad", "MY", "female"), Guest("Ahmad bin Ismail", "MY", "male")],
     "ms", "Yang dihormati Puan Nurul Aisyah dan Encik Ahmad,"),
    ([Guest("Joko Widodo", "ID", "male")], "id", "Yth. Bapak Joko,"),
    ([Guest("สมชาย ใจดี", "TH", "male", "Somchai Jaidee")], "th", "เรียน คุณสมชาย"),
    ([Guest("Иван Петрович Иванов", "RU", "male"), Guest("Анна Сергеевна Смирнова", "RU", "female")],
     "ru", "Уважаемый Иван Петрович, уважаемая Анна Сергеевна!"),
    ([Guest("山田花子", "JP", None, "Yamada Hanako")], "en", "Dear Yamada Hanako,"),
    ([Guest("김민준", "KR", None, "Kim Min-jun")], "zh", "尊敬的Kim Min-jun："),
    ([Guest("陳美玲", "TW", "female", "Chen Mei-ling")], "zh-TW", "尊敬的陳女士："),
])
def test_greeting_line(guests, language, line):
    assert greeting_line(guests, language) == line


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        greeting_line(KOREANS, "xx")


def test_order_written_is_kept_when_both_words_are_surnames():
    # issue 12: the commoner surname used to win ("Ma Li" -> Ms Li, "Lyu Li" -> LI Lü)
    assert split_name("Ma Li", "CN") == ("Ma", "Li")
    assert split_name("Yi Lin", "CN") == ("Yi", "Lin")
    assert split_name("Lyu Li", "CN") == ("Lyu", "Li")
    assert split_name("Teng Lin", "CN") == ("Teng", "Lin")  # a surname missing from the list


# ---------------------------------------------------------------- real visits


def test_loaded_visit_signs_lyu_li_and_greets_ms_lyu(tmp_path, run):
    from sign_helpers import pdf_text, write_visit

    visit = write_visit(tmp_path, [{"name": "吕丽", "country": "CN", "gender": "female",
                                    "company": "Shanghai Lighting"}], language="en")
    result = run("sign", visit, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    lines = [line.strip() for line in pdf_text(tmp_path / "out" / "sign.pdf").splitlines()]
    assert "吕丽" in lines and "LYU Li" in lines


@pytest.mark.parametrize("lang, expected", [
    ("en", "name_latin is required: the English itinerary, sign and email show this name in "
           "Latin letters, and no Latin spelling can be derived from how it is written; add it "
           "as written in the guest's passport"),
    ("zh", "必须填写name_latin：英文行程单、接机牌和邮件要用拉丁字母姓名，而这个姓名无法自动转写；"
           "请按客人护照填写"),
    ("ko", "name_latin이 꼭 필요합니다. 영어 일정표, 피켓, 이메일에 로마자 이름이 들어가는데 이 이름은 "
           "로마자로 옮길 수 없습니다. 손님 여권에 적힌 대로 적으세요"),
])
def test_the_latin_required_message_reads_in_each_staff_language(lang, expected):
    from visitplan.text.i18n import t

    assert t("names.latin_required", lang, language=t("doc.language.en", lang)) == expected


def test_a_malformed_greetings_block_is_refused_with_its_language_and_key(tmp_path,
                                                                          monkeypatch):
    from visitplan.rules import greeting

    bad = tmp_path / "greetings.yaml"
    bad.write_text("xx:\n  scripts: [latin]\n  part: surname\n  forms:\n"
                   "    male: 'Mr {surname}'\n    neutral: '{full}'\n"
                   "  line: 'Dear {names},'\n  sep: ', '\n  last: ' and '\n", encoding="utf-8")
    monkeypatch.setattr(greeting, "GREETINGS_FILE", bad)
    greeting.greetings.cache_clear()
    try:
        with pytest.raises(ValueError) as caught:
            greeting.greetings()
        assert str(caught.value) == \
            "greetings.yaml: xx: forms.male: the slots are {name} and {full}"
    finally:
        monkeypatch.undo()
        greeting.greetings.cache_clear()
