"""The `japanese` etiquette profile (issue 13) and the Southeast Asian names note (issue 12):
when they apply, what they add to a visit, their three languages, the text lint, and how
`visitplan profiles` shows them."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from visitplan.rules.engine import load_registry, plan
from visitplan.visit.model import load_visit

from text.test_text_lint import CHECKS, _pack_strings

PACKS = Path(__file__).resolve().parents[2] / "visitplan" / "rules" / "packs"
HAN = re.compile(r"[\u4e00-\u9fff]")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def visit(folder: Path, *countries: str, gifts: bool = False, meal: bool = False,
          registry=None):
    guests = "".join(f"  - {{name: Guest {i}, country: {c}}}\n" for i, c in enumerate(countries))
    schedule = ("schedule:\n  - {at: 2026-12-08 14:00, kind: meeting, what: Talks}\n"
                + ("  - {at: 2026-12-08 19:00, kind: meal, what: Dinner}\n" if meal else ""))
    text = ("title: Test visit\ntimezone: Asia/Shanghai\n"
            "host: {company: Brightway, country: CN, contact: {name: Li Wei}}\n"
            f"guests:\n{guests}"
            "arrival: {at: 2026-12-08 10:35}\ndeparture: {at: 2026-12-10 11:40}\n"
            + schedule + f"gifts: {'true' if gifts else 'false'}\n")
    path = folder / f"visit-{'-'.join(countries)}-{gifts}-{meal}.yaml"
    path.write_text(text, encoding="utf-8")
    return load_visit(path, None, set(registry) if registry else None)


def applied(registry, v) -> list[str]:
    return [p.name for p in plan(v, registry).profiles]


# ---------------------------------------------------------------- when it applies


def test_japanese_applies_like_korean(registry):
    """Same shape as `korean`: one alternative, the guest's country."""
    assert registry["korean"].applies_when == [{"guest.country": ["KR"]}]
    assert registry["japanese"].applies_when == [{"guest.country": ["JP"]}]


@pytest.mark.parametrize("countries, expected", [
    (("JP",), True), (("US", "JP"), True), (("KR",), False), (("CN",), False),
    (("US", "DE"), False), (("TW",), False)])
def test_japanese_applies_to_a_guest_from_japan_only(tmp_path, registry, countries, expected):
    names = applied(registry, visit(tmp_path, *countries, registry=registry))
    assert ("japanese" in names) is expected
    assert ("korean" in names) is ("KR" in countries)


def test_a_japanese_visit_gets_the_notes_and_tasks_with_real_lead_times(tmp_path, registry):
    v = visit(tmp_path, "JP", gifts=True, meal=True, registry=registry)
    p = plan(v, registry)
    notes = {n.id for n in p.notes if n.profile == "japanese"}
    assert notes == {n.id for n in registry["japanese"].notes}
    tasks = {t.id: t for t in p.tasks if t.profile == "japanese"}
    assert set(tasks) == {t.id for t in registry["japanese"].tasks}
    tz = v.arrival.at.tzinfo
    assert tasks["jp-cards"].due == dt.datetime(2026, 12, 3, 9, 0, tzinfo=tz)
    assert tasks["jp-ranks"].due == dt.datetime(2026, 12, 5, 9, 0, tzinfo=tz)
    assert tasks["jp-omiyage"].due == dt.datetime(2026, 12, 5, 9, 0, tzinfo=tz)
    assert tasks["jp-in-place"].due == dt.datetime(2026, 12, 8, 13, 45, tzinfo=tz)


def test_gift_and_dinner_etiquette_only_when_the_visit_has_them(tmp_path, registry):
    p = plan(visit(tmp_path, "JP", registry=registry), registry)
    notes = {n.id for n in p.notes if n.profile == "japanese"}
    tasks = {t.id for t in p.tasks if t.profile == "japanese"}
    assert {"gifts-give", "kanpai", "pouring"}.isdisjoint(notes)
    assert "gifts-receive" in notes and "jp-omiyage" not in tasks and "jp-cards" in tasks


# ---------------------------------------------------------------- the text


@pytest.mark.parametrize("pack", ["japanese", "asean-names"])
def test_every_entry_has_chinese_english_and_korean(registry, pack):
    p = registry[pack]
    entries = [p.title, p.summary] + [n.text for n in p.notes] + [t.text for t in p.tasks]
    assert len(entries) > 2
    for text in entries:
        assert HAN.search(text["zh"]), text["zh"]
        assert HANGUL.search(text["ko"]), text["ko"]
        assert text["en"].strip() and not HANGUL.search(text["en"]), text["en"]


@pytest.mark.parametrize("pack", ["japanese", "asean-names"])
def test_passes_the_text_lint(pack):
    strings = list(_pack_strings(PACKS / f"{pack}.yaml"))
    assert len(strings) >= 9
    hits = [(where, name, msg) for where, lang, text in strings
            for name, check in CHECKS.items() for msg in check(lang, text)]
    assert not hits, hits


def test_the_japanese_pack_names_its_sources(registry):
    """The handbook has no Japanese part: the pack says so and names what it follows."""
    source = registry["japanese"].source
    assert "JETRO" in source and "非手册" in source and "篇5" in source
    assert "not from the handbook" in registry["japanese"].summary["en"]


def test_profiles_command_shows_the_japanese_pack(run):
    result = run("profiles", "japanese", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    for task in ("jp-cards", "jp-ranks", "jp-omiyage", "jp-seating", "jp-in-place"):
        assert task in result.stdout
    assert "JETRO" in result.stdout and "seat of honour" in result.stdout
    assert "5 days before arrival" in result.stdout
    listing = run("profiles").stdout
    assert re.search(r"^japanese\s", listing, re.M)


# ---------------------------------------------------------------- Southeast Asian names


@pytest.mark.parametrize("country, expected", [
    ("MY", True), ("BN", True), ("SG", True), ("ID", True), ("VN", True),
    ("CN", False), ("JP", False), ("TH", False)])
def test_names_note_reaches_malay_indonesian_and_vietnamese_guests(tmp_path, registry,
                                                                   country, expected):
    p = plan(visit(tmp_path, country, registry=registry), registry)
    assert any(n.id == "no-surname" for n in p.notes) is expected


def test_names_note_says_how_to_address_them(registry):
    text = registry["asean-names"].notes[0].text
    assert text["en"].startswith("Malay names have no surname: Ahmad bin Ismail is Encik (Mr) "
                                 "Ahmad, Nurul Aisyah binti Ahmad is Puan (Ms) Nurul Aisyah;")
    assert "Nguyễn Văn An is Mr An" in text["en"]
    assert "Puan（女士）Nurul Aisyah" in text["zh"] and "An先生" in text["zh"]
    assert "Puan(여성 존칭) Nurul Aisyah" in text["ko"] and "‘An 선생님’" in text["ko"]
