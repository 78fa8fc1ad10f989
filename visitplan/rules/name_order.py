"""Guest names: the script a name is written in, its surname/given split, and the part of
it a title goes with in the bearer's own culture.

The romanized surnames that tell the order of a Latin name are data (latin_surnames.yaml). Romanization is in :mod:`visitplan.rules.romanize`, greetings in
:mod:`visitplan.rules.greeting`; :mod:`visitplan.rules.names` is the public face of all three.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from visitplan.visit.loader import SAFE_LOADER

# --------------------------------------------------------------------------- scripts


def _letter_script(ch: str) -> str | None:
    """Script of one letter (hangul han kana latin cyrillic arabic thai other), or None for
    a non-letter."""
    cp = ord(ch)
    if (0xAC00 <= cp <= 0xD7A3 or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F
            or 0xA960 <= cp <= 0xA97F or 0xD7B0 <= cp <= 0xD7FF):
        return "hangul"
    if (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF
            or 0x20000 <= cp <= 0x323AF):
        return "han"
    if 0x3040 <= cp <= 0x30FF or 0x31F0 <= cp <= 0x31FF:
        return "kana" if ch.isalpha() or cp in (0x30FC,) else None
    if not ch.isalpha():
        return None
    if cp < 0x80:
        return "latin"
    uname = unicodedata.name(ch, "")
    for prefix, script in (("LATIN", "latin"), ("FULLWIDTH LATIN", "latin"),
                           ("CYRILLIC", "cyrillic"), ("ARABIC", "arabic"), ("THAI", "thai")):
        if uname.startswith(prefix):
            return script
    return "other"


def normalize(name: str | None) -> str:
    """NFC (composes decomposed Hangul jamo) and collapse whitespace (incl. U+3000)."""
    if not name:
        return ""
    return " ".join(unicodedata.normalize("NFC", name).split())


def _counts(name: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ch in normalize(name):
        s = _letter_script(ch)
        if s is not None:
            counts[s] = counts.get(s, 0) + 1
    return counts


@functools.lru_cache(maxsize=4096)
def script_of(name: str) -> str:
    """Dominant script of the letters of ``name``: ``"hangul"``, ``"han"``, ``"latin"`` or
    ``"other"``. Only letters count; the script with the most letters wins, ties going to
    hangul, then han, then latin. Kana, Cyrillic, Arabic, Thai ... are all ``"other"``, as is
    a name without letters (see :func:`script_detail` for those)."""
    counts = _counts(name)
    coarse = {"hangul": 0, "han": 0, "latin": 0, "other": 0}
    for s, n in counts.items():
        coarse[s if s in coarse else "other"] += n
    order = ("hangul", "han", "latin", "other")
    best = max(order, key=lambda s: (coarse[s], -order.index(s)))
    return best if coarse[best] else "other"


def script_detail(name: str) -> str:
    """Like :func:`script_of` but telling the other scripts apart: ``"kana"`` for any name
    with kana in it (a Japanese name, even if mostly kanji), ``"cyrillic"``, ``"arabic"``,
    ``"thai"``, else what :func:`script_of` says."""
    counts = _counts(name)
    if counts.get("kana"):
        return "kana"
    coarse = script_of(name)
    if coarse != "other" or not counts:
        return coarse
    return max(counts, key=counts.get)


# --------------------------------------------------------------------------- surname data

# Korean compound (two-syllable) surnames with the spelling used in passports.
KO_COMPOUND: dict[str, str] = {
    "남궁": "Namgung", "황보": "Hwangbo", "제갈": "Jegal", "선우": "Sunwoo",
    "독고": "Dokgo", "사공": "Sagong", "서문": "Seomun", "동방": "Dongbang",
}

# Chinese compound surnames (simplified and traditional forms; Korean hanja compounds such
# as 南宮 皇甫 諸葛 鮮于 獨孤 司空 西門 東方 are included) with their pinyin as
# mainland passports spell it (ü as yu).
ZH_COMPOUND: dict[str, str] = {
    "欧阳": "Ouyang", "歐陽": "Ouyang", "司马": "Sima", "司馬": "Sima", "诸葛": "Zhuge",
    "諸葛": "Zhuge", "上官": "Shangguan", "东方": "Dongfang", "東方": "Dongfang",
    "皇甫": "Huangfu", "尉迟": "Yuchi", "尉遲": "Yuchi", "公孙": "Gongsun", "公孫": "Gongsun",
    "慕容": "Murong", "令狐": "Linghu", "司徒": "Situ", "夏侯": "Xiahou", "轩辕": "Xuanyuan",
    "軒轅": "Xuanyuan", "宇文": "Yuwen", "长孙": "Zhangsun", "長孫": "Zhangsun",
    "端木": "Duanmu", "澹台": "Tantai", "澹臺": "Tantai", "公冶": "Gongye", "淳于": "Chunyu",
    "太叔": "Taishu", "申屠": "Shentu", "仲孙": "Zhongsun", "仲孫": "Zhongsun",
    "钟离": "Zhongli", "鍾離": "Zhongli", "闻人": "Wenren", "聞人": "Wenren", "万俟": "Moqi",
    "萬俟": "Moqi", "赫连": "Helian", "赫連": "Helian", "呼延": "Huyan", "南宫": "Nangong",
    "南宮": "Nangong", "西门": "Ximen", "西門": "Ximen", "百里": "Baili", "东郭": "Dongguo",
    "東郭": "Dongguo", "独孤": "Dugu", "獨孤": "Dugu", "司空": "Sikong", "拓跋": "Tuoba",
    "鲜于": "Xianyu", "鮮于": "Xianyu", "闾丘": "Lyuqiu", "閭丘": "Lyuqiu", "第五": "Diwu",
    "谷梁": "Guliang", "穀梁": "Guliang", "左丘": "Zuoqiu", "梁丘": "Liangqiu",
    "公羊": "Gongyang", "羊舌": "Yangshe", "漆雕": "Qidiao", "巫马": "Wuma", "巫馬": "Wuma",
    "亓官": "Qiguan", "司寇": "Sikou", "颛孙": "Zhuansun", "顓孫": "Zhuansun",
    "东门": "Dongmen", "東門": "Dongmen", "微生": "Weisheng", "濮阳": "Puyang",
    "濮陽": "Puyang",
}

LATIN_SURNAMES_FILE = Path(__file__).parent / "latin_surnames.yaml"

# Countries whose people write the surname first, with the traditions their names follow.
SURNAME_FIRST: dict[str, tuple[str, ...]] = {
    "KR": ("ko",), "KP": ("ko",), "CN": ("zh",), "TW": ("zh", "zh-other"),
    "HK": ("zh", "zh-other"), "MO": ("zh", "zh-other"), "SG": ("zh", "zh-other"),
    "JP": ("ja",), "VN": ("vi",), "KH": ("km",),
}
# Traditions in which a romanized surname is one syllable (a one-syllable first word may be
# a surname missing from the lists above).
_ONE_SYLLABLE = {"ko", "zh", "zh-other"}
# Malaysia and Brunei: Malay names have no surname; a Chinese name there is surname first.
NO_SURNAME = frozenset({"MY", "BN", "ID"})
# How a name is called with a title (Mr, 先生) when it is not by the surname:
CALLED_BY_LAST_GIVEN = frozenset({"VN"})            # Nguyễn Văn An -> An
CALLED_BY_FIRST = frozenset({"ID", "TH", "SA", "AE", "QA", "KW", "BH", "OM"})
HISPANIC = frozenset({"ES", "MX", "AR", "CO", "CL", "PE", "VE", "EC", "GT", "CU", "BO",
                      "DO", "HN", "PY", "SV", "NI", "CR", "PA", "UY"})
PATRONYMIC_COUNTRIES = frozenset({"RU", "BY", "UA", "KZ", "KG"})
# Indonesian first words that are called together with the next one (Ibu Sri Mulyani).
_ID_PREFIX = frozenset({"sri", "siti", "muhammad", "muhamad", "mohammad"})
# Spanish given names that commonly pair ("María José García" has one surname).
_ES_PAIRED = frozenset({"maria", "jose", "juan", "ana", "luis", "carlos", "pablo", "miguel",
                        "angel", "antonio", "manuel", "francisco", "javier", "luz", "isabel"})

_PARTICLES = frozenset({
    "de", "del", "della", "delle", "dei", "degli", "di", "da", "das", "do", "dos", "du",
    "des", "la", "le", "les", "lo", "van", "von", "der", "den", "ter", "ten", "te", "zu",
    "zum", "zur", "af", "av", "bin", "binti", "bint", "ibn", "al", "el", "ben", "st",
    "st.", "op", "'t",
})
_PARTICLES_CAPITALISED = frozenset({
    "de", "del", "della", "di", "da", "das", "dos", "du", "van", "von", "der", "den", "ter",
    "ten", "la", "bin", "binti", "ibn", "al", "el", "st", "st.",
})
_CONNECTORS = frozenset({"y", "e", "i"})  # "José Ortega y Gasset"
_SUFFIX_RE = re.compile(r"^(.*?\S)(?:\s*,\s*|\s+)((?i:jr|sr)\.?|II|III|IV)$")
NAME_DOTS = "·•・‧･"  # separators of transliterated names: 约翰·史密斯
_PATRONYM_RE = re.compile(r"\s(?:bin|binti|binte|bte|bt|bint|ibn|a/l|a/p)\.?\s",
                          re.IGNORECASE)
_KANA_RE = re.compile("[\u3040-\u30ff]")
_KANJI_KANA_RE = re.compile("^([\u3400-\u9fff\uf900-\ufaff々]+)([\u3040-\u30ff]+)$")
_RU_PATRONYMIC_RE = re.compile(
    r"(?:ович|евич|ич|овна|евна|ична|инична|ovich|evich|ovitch|ovych|ovna|evna|ichna)$",
    re.IGNORECASE)




@functools.cache
def _surname_sets() -> dict[str, frozenset[str]]:
    data = yaml.load(LATIN_SURNAMES_FILE.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    return {tradition: frozenset(words.split()) for tradition, words in data.items()}


# --------------------------------------------------------------------------- split_name

def split_name(name: str, country: str | None = None) -> tuple[str, str]:
    """Split ``name`` into ``(surname, given)``.

    Hangul and Han names (surname first): a space separates surname and given name
    ("남궁 민수", "田中 太郎"); otherwise a known compound surname (남궁 황보 제갈 ...; 欧阳
    司马 诸葛 ... in both forms) when a character follows it, else one character; a Japanese
    kanji name of three or more characters takes two (佐藤健一); a Han name with a middle
    dot is a transliterated foreign name, given name first (约翰·史密斯 -> 史密斯, 约翰).

    A name with kana is Japanese, surname first: at the space, else a leading run of
    kanji before kana (伊藤さくら -> 伊藤, さくら), else the whole name.

    Names with a patronymic marker (Malay "bin/binti", Arabic "bin/ibn", Tamil "a/l, a/p")
    have no surname: ("", the name before the marker). So do Malaysian, Bruneian and
    Indonesian names without one, unless a Malaysian name starts with a Chinese surname.

    Latin (and other spaced) names: one word is a surname; "Surname, Given" splits at the
    comma; Jr/Sr/II/III/IV stay with the surname; a word or run written in capitals beside
    words that are not is the surname ("KIM Minjun", "John SMITH"). A Russian name with a
    patronymic keeps it with the given name ("Иванов", "Иван Петрович").
    From a surname-first country (KR KP CN TW HK MO SG JP VN KH) the name is taken in the
    order written: the first word is the surname, unless the last word is a known surname
    of that country and the first cannot be one (a hyphenated given name "Min-jun Kim",
    "Jianguo Wang", "Michael Wong"). Otherwise western order: the last word, with the
    particles before it ("Maria de la Cruz" -> "de la Cruz"); Spanish-speaking countries
    give two surnames ("Gabriel García Márquez" -> "García Márquez").
    """
    n = normalize(name)
    if not n:
        return ("", "")
    script = script_of(n)
    code = (country or "").strip().upper()
    if script in ("hangul", "han"):
        if script == "han" and code == "JP" and " " not in n and len(n) >= 3:
            return n[:2], n[2:]
        return _split_cjk(n, script)
    if _KANA_RE.search(n):                  # Japanese: surname first
        if " " in n:
            surname, _, given = n.partition(" ")
            return surname, given
        m = _KANJI_KANA_RE.match(n)         # 伊藤さくら: kanji surname, kana given name
        return (m.group(1), m.group(2)) if m else (n, "")
    patronym = _PATRONYM_RE.search(n)
    if patronym:
        return "", n[:patronym.start()].strip()
    if code in NO_SURNAME and not _is_shouted_any(n):
        tokens = n.split()
        if code == "MY" and len(tokens) >= 2 and _fold(tokens[0]) in _surname_sets()["zh-other"]:
            return tokens[0], " ".join(tokens[1:])
        return "", n
    return _split_spaced(n, code)


def _is_shouted_any(n: str) -> bool:
    tokens = n.split()
    return len(tokens) > 1 and any(map(_is_shouted, tokens)) and not all(map(_is_shouted, tokens))


def _split_cjk(n: str, script: str) -> tuple[str, str]:
    if script == "han" and any(d in n for d in NAME_DOTS):
        parts = [p.strip() for p in re.split("[" + NAME_DOTS + "]", n) if p.strip()]
        if len(parts) >= 2:
            return parts[-1], "·".join(parts[:-1])
        return (parts[0] if parts else "", "")
    if " " in n:
        surname, _, rest = n.partition(" ")
        return surname, rest.replace(" ", "")
    compounds = KO_COMPOUND if script == "hangul" else ZH_COMPOUND
    if len(n) >= 3 and n[:2] in compounds:
        return n[:2], n[2:]
    return n[:1], n[1:]


def _split_spaced(n: str, code: str) -> tuple[str, str]:
    suffix = ""
    m = _SUFFIX_RE.match(n)
    if m and (" " in m.group(1).strip(" ,") or "," in m.group(1)):
        n, suffix = m.group(1).rstrip(" ,"), m.group(2)

    def done(surname: str, given: str) -> tuple[str, str]:
        return (f"{surname} {suffix}" if suffix else surname, given)

    if "," in n:
        before, _, after = n.partition(",")
        before, after = before.strip(), " ".join(after.replace(",", " ").split())
        if before and after:
            return done(before, after)
        n = before or after
    tokens = n.split()
    if len(tokens) == 1:
        return done(tokens[0], "")

    shouted = [_is_shouted(t) for t in tokens]
    if any(shouted) and not all(shouted):
        k = shouted.index(False)
        if not any(shouted[k:]):  # capitals at the start
            return done(" ".join(tokens[:k]), " ".join(tokens[k:]))
        k = len(tokens) - shouted[::-1].index(False)
        if all(shouted[k:]) and not any(shouted[:k]):  # capitals at the end
            return done(" ".join(tokens[k:]), " ".join(tokens[:k]))

    if len(tokens) == 3 and (code in PATRONYMIC_COUNTRIES or script_of(n) == "other"):
        if _RU_PATRONYMIC_RE.search(tokens[1]):     # Иван Петрович Иванов
            return done(tokens[2], " ".join(tokens[:2]))
        if _RU_PATRONYMIC_RE.search(tokens[2]):     # Иванов Иван Петрович
            return done(tokens[0], " ".join(tokens[1:]))

    if code in SURNAME_FIRST:
        if _surname_first(tokens, SURNAME_FIRST[code]):
            return done(tokens[0], " ".join(tokens[1:]))
        return done(tokens[-1], " ".join(tokens[:-1]))

    start = len(tokens) - 1
    while start > 1:
        prev = tokens[start - 1]
        low = prev.lower()
        if low in _CONNECTORS and prev == low and start > 2:
            start -= 2
        elif low in _PARTICLES and (prev == low or low in _PARTICLES_CAPITALISED):
            start -= 1
        else:
            break
    if (code in HISPANIC and start == len(tokens) - 1 and len(tokens) >= 3
            and not (len(tokens) == 3 and _fold(tokens[1]) in _ES_PAIRED)):
        start -= 1                                  # two surnames: paternal, maternal
    return done(" ".join(tokens[start:]), " ".join(tokens[:start]))


def _is_shouted(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _fold(token: str) -> str:
    """Lower-case ASCII letters of a token, accents removed ("Nguyễn" -> "nguyen")."""
    decomposed = unicodedata.normalize("NFD", token.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if "a" <= c <= "z")


def _is_hyphenated(token: str) -> bool:
    return bool(re.search(r"[^\W\d_]-[^\W\d_]", token))


def _one_syllable(token: str) -> bool:
    """One vowel group ("Teng", "Lyu", "Hyun"; not "Jianguo", "Pansy")."""
    return len(re.findall(r"[aeiou]+|(?<=[^aeiou])y(?![aeiou])", _fold(token))) == 1


def _surname_first(tokens: list[str], traditions: tuple[str, ...]) -> bool:
    """For a surname-first country: is the first word the surname? Yes, unless the name
    shows it was written given name first."""
    first, last = tokens[0], tokens[-1]
    if _is_hyphenated(first) != _is_hyphenated(last):
        return _is_hyphenated(last)
    known = frozenset().union(*(_surname_sets()[t] for t in traditions))
    if _fold(first) in known or _fold(last) not in known:
        return True
    # the last word is a known surname and the first is not: the first is a given name
    # unless it could be a one-syllable surname missing from the list
    return bool(_ONE_SYLLABLE.intersection(traditions)) and _one_syllable(first)


# --------------------------------------------------------------------------- name parts

@dataclass(frozen=True)
class NameParts:
    """A name taken apart. ``called`` goes with a title (Mr, 先生, Herr) as the bearer's
    culture does it: the surname, or the personal name where names have no surname or are
    called by a given name (An, Nurul Aisyah, Joko, Somchai). ``personal`` is what a
    first-name culture uses (คุณ Somchai, anh An). ``patronymic`` is a Russian given name
    with the patronymic ("Иван Петрович"), or empty."""

    full: str
    surname: str
    given: str
    called: str
    personal: str
    patronymic: str


def name_parts(name: str, country: str | None = None) -> NameParts:
    """The parts of ``name`` (see :class:`NameParts`), by the customs of ``country``."""
    n = normalize(name)
    code = (country or "").strip().upper()
    surname, given = split_name(n, code or None)
    cjk = script_of(n) in ("hangul", "han") and not any(d in n for d in NAME_DOTS)
    full = n.replace(" ", "") if cjk else n
    personal = given or surname
    patronymic = ""
    words = given.split()
    if code in CALLED_BY_LAST_GIVEN and words:
        personal = words[-1]
    elif code == "ID" and words:
        k = 2 if len(words) > 1 and _fold(words[0]) in _ID_PREFIX else 1
        personal = " ".join(words[:k])
    elif code in CALLED_BY_FIRST and words and not _PATRONYM_RE.search(n):
        personal = words[0]
    if len(words) == 2 and _RU_PATRONYMIC_RE.search(words[1]):
        patronymic, personal = given, words[0]
    called = surname
    if not surname or code in CALLED_BY_LAST_GIVEN or code in CALLED_BY_FIRST:
        called = personal
    elif code in HISPANIC and len(surname.split()) == 2:
        called = surname.split()[0]                 # Sr. García (García Márquez)
    return NameParts(full=full, surname=surname, given=given, called=called or full,
                     personal=personal or full, patronymic=patronymic)
