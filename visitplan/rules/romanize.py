"""Latin spellings of Korean and Chinese names: Revised Romanization with the passport
spellings of surnames for Hangul, Hanyu Pinyin as mainland passports write it for Chinese
characters, and the rule of which names may be spelt that way at all.

``pypinyin`` is imported lazily (only when a Chinese name is romanized) to keep CLI
start-up fast.
"""

from __future__ import annotations

import re

from visitplan.rules.name_order import (KO_COMPOUND, ZH_COMPOUND, normalize, script_of,
                                        split_name)

# A name in Chinese characters from these places is not spelt in Hanyu Pinyin in the
# passport (Japanese and Korean readings; Wade-Giles, Cantonese and dialect spellings): its
# Latin spelling is never derived from the characters.
NOT_PINYIN = frozenset({"JP", "KR", "KP", "TW", "HK", "MO", "SG", "MY"})

# Korean one-syllable surnames: the spelling most holders use in their passports (which
# often differs from Revised Romanization: 김 Kim not Gim, 이 Lee not I, 박 Park not Bak).
# A surname not listed here is written in Revised Romanization.
_KO_SURNAME: dict[str, str] = {
    "김": "Kim", "이": "Lee", "박": "Park", "최": "Choi", "정": "Jung", "강": "Kang",
    "조": "Cho", "윤": "Yoon", "장": "Jang", "임": "Lim", "한": "Han", "오": "Oh",
    "서": "Seo", "신": "Shin", "권": "Kwon", "황": "Hwang", "안": "Ahn", "송": "Song",
    "류": "Ryu", "유": "Yoo", "전": "Jeon", "홍": "Hong", "고": "Ko", "문": "Moon",
    "양": "Yang", "손": "Son", "배": "Bae", "백": "Baek", "허": "Heo", "남": "Nam",
    "심": "Shim", "노": "Noh", "하": "Ha", "곽": "Kwak", "성": "Sung", "차": "Cha",
    "주": "Joo", "우": "Woo", "구": "Koo", "민": "Min", "진": "Jin", "나": "Na",
    "지": "Ji", "엄": "Eom", "채": "Chae", "원": "Won", "천": "Cheon", "방": "Bang",
    "공": "Kong", "현": "Hyun", "함": "Ham", "변": "Byun", "염": "Yeom", "여": "Yeo",
    "추": "Choo", "도": "Do", "소": "So", "석": "Seok", "선": "Sun", "설": "Seol",
    "마": "Ma", "길": "Gil", "연": "Yeon", "위": "Wi", "표": "Pyo", "명": "Myung",
    "기": "Ki", "반": "Ban", "왕": "Wang", "금": "Keum", "옥": "Ok", "육": "Yook",
    "인": "In", "맹": "Maeng", "제": "Je", "모": "Mo", "탁": "Tak", "국": "Kook",
    "어": "Eo", "은": "Eun", "편": "Pyun", "용": "Yong", "경": "Kyung", "두": "Doo",
    "부": "Boo", "라": "Ra", "봉": "Bong", "태": "Tae", "빈": "Bin", "피": "Pi",
}

# Single-character surnames whose surname reading differs from pypinyin's default reading
# (pypinyin 0.55 has no surname mode: e.g. it reads 单 dan, 曾 ceng, 区 qu, 朴 pu).
_ZH_SURNAME: dict[str, str] = {
    "单": "Shan", "單": "Shan", "曾": "Zeng", "解": "Xie", "区": "Ou", "區": "Ou",
    "仇": "Qiu", "查": "Zha", "朴": "Piao", "盖": "Ge", "蓋": "Ge", "乐": "Yue",
    "樂": "Yue", "缪": "Miao", "繆": "Miao", "翟": "Zhai", "尉": "Wei", "覃": "Qin",
    "种": "Chong", "種": "Chong", "重": "Chong", "秘": "Bi", "繁": "Po", "折": "She",
    "佴": "Nai", "粘": "Nian", "藏": "Zang", "都": "Du", "六": "Lu", "薄": "Bo",
    "员": "Yun", "員": "Yun", "郇": "Xun", "句": "Gou", "隗": "Wei", "阚": "Kan",
    "闞": "Kan", "召": "Shao", "祭": "Zhai", "卜": "Bu", "能": "Nai", "黑": "He",
    "炅": "Gui", "长": "Chang", "長": "Chang", "沈": "Shen", "贾": "Jia", "賈": "Jia",
    "柏": "Bai", "石": "Shi", "宿": "Su", "那": "Na", "燕": "Yan", "纪": "Ji",
    "紀": "Ji", "华": "Hua", "華": "Hua", "过": "Guo", "過": "Guo", "任": "Ren",
}


_RR_INITIAL = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj",
               "ch", "k", "t", "p", "h")
_RR_MEDIAL = ("a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo",
              "u", "wo", "we", "wi", "yu", "eu", "ui", "i")
# Final consonants as pronounced at the end of a syllable (RR 제1장 / ch. 2, 1-2 and note 2):
#   (none) ㄱ ㄲ ㄳ ㄴ ㄵ ㄶ ㄷ ㄹ ㄺ ㄻ ㄼ ㄽ ㄾ ㄿ ㅀ ㅁ ㅂ ㅄ ㅅ ㅆ ㅇ ㅈ ㅊ ㅋ ㅌ ㅍ ㅎ
_RR_FINAL = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l",
             "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t")


def _rr_syllable(ch: str) -> str:
    code = ord(ch) - 0xAC00
    return (_RR_INITIAL[code // 588] + _RR_MEDIAL[(code % 588) // 28]
            + _RR_FINAL[code % 28])


def _rr_name(syllables: str) -> str:
    """Revised Romanization of a personal name part, syllable by syllable.

    The official rules (국어의 로마자 표기법, 제3장 제4항) write personal names without the
    sound changes that apply between syllables of ordinary words: 한복남 Han Boknam (not
    Bongnam), 홍빛나 Hong Bitna (not Binna). Each syllable is therefore romanized on its own
    -- initial, vowel, and the final as pronounced at the end of a syllable -- which also
    gives the usual spelling of liaison cases (서연 Seoyeon, 정은 Jeongeun, 하늘 Haneul).
    The syllables are joined without the optional hyphen.
    """
    return "".join(_rr_syllable(ch) for ch in syllables)


def _ko_surname(surname: str) -> str:
    if surname in KO_COMPOUND:
        return KO_COMPOUND[surname]
    if surname in _KO_SURNAME:
        return _KO_SURNAME[surname]
    return _rr_name(surname).capitalize()


def _pinyin_word(text: str) -> str | None:
    """Toneless Hanyu Pinyin of ``text`` as one lower-case word, or None if not convertible.

    ü is written yu after l and n, as mainland passports do (吕 lyu, 女 nyu, 略 lyue); an
    apostrophe separates a syllable starting with a, o or e from the one before it (Xi'an).
    """
    if not text:
        return ""
    from pypinyin import Style, lazy_pinyin  # lazy: pypinyin's dictionaries load slowly

    syllables = lazy_pinyin(text, style=Style.NORMAL, v_to_u=True,
                            errors=lambda s: ["\0"] * len(s))
    word = ""
    for syl in syllables:
        if not re.fullmatch("[a-zü]+", syl):
            return None
        syl = syl.replace("ü", "yu")
        if word and syl[0] in "aoe":
            word += "'"
        word += syl
    return word


def _zh_surname(surname: str) -> str | None:
    if surname in ZH_COMPOUND:
        return ZH_COMPOUND[surname]
    if surname in _ZH_SURNAME:
        return _ZH_SURNAME[surname]
    word = _pinyin_word(surname)
    return _cap(word) if word else None


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def romanized_parts(name: str) -> tuple[str, str] | None:
    """(surname, given) of :func:`romanize`, or None."""
    n = normalize(name)
    script = script_of(n)
    if script == "hangul":
        if not all(0xAC00 <= ord(c) <= 0xD7A3 or c == " " for c in n):
            return None
        surname, given = split_name(n)
        return _ko_surname(surname), _cap(_rr_name(given))
    if script == "han":
        if not all(script_of(c) == "han" or c == " " for c in n):
            return None
        surname, given = split_name(n)
        sur = _zh_surname(surname)
        giv = _pinyin_word(given)
        if sur is None or giv is None:
            return None
        return sur, _cap(giv)
    return None


def romanize(name: str) -> str | None:
    """Latin spelling of a Hangul or Chinese name: ``"Surname Given"``, or None.

    Hangul (every letter a complete Hangul syllable): the surname takes the spelling most
    Koreans use in their passports (김 Kim, 이 Lee, 박 Park, 남궁 Namgung, ...; else Revised
    Romanization); the given name is Revised Romanization as one capitalised word, syllable
    by syllable, without the between-syllable sound changes the official rules leave out of
    personal names (김민준 "Kim Minjun", 한복남 "Han Boknam", 이신라 "Lee Sinra").

    Han (every letter a Chinese character): the surname takes its surname reading (compound
    surnames 欧阳 Ouyang, 万俟 Moqi; readings that differ from the everyday one 单 Shan, 曾
    Zeng, 区 Ou, 朴 Piao; else pypinyin's); the given name is toneless Hanyu Pinyin as one
    capitalised word with an apostrophe before a, o or e (张嘉安 "Zhang Jia'an"); ü is
    written yu after l and n as in mainland passports (吕丽 "Lyu Li", 吕布 "Lyu Bu"). This is
    Mandarin: see :func:`latin_spelling` for whose names may be read so. A name with a
    middle dot (a transliterated foreign name) gives None.

    Latin, other scripts, mixed scripts and empty names give None.
    """
    parts = romanized_parts(name)
    if parts is None:
        return None
    surname, given = parts
    return f"{surname} {given}" if given else surname


def latin_spelling(name: str, country: str | None) -> str | None:
    """The Latin spelling to use for a guest who gave none, or None when it may not be
    derived: Hangul always (passport surname spellings + Revised Romanization); Chinese
    characters only when the guest's country spells them in Hanyu Pinyin (not JP KR KP TW
    HK MO SG MY: 中村 is Nakamura, never Zhongcun, and 陳 in Hong Kong is Chan); kana,
    Cyrillic, Arabic, Thai and other scripts never."""
    script = script_of(name)
    code = (country or "").strip().upper()
    if script == "hangul" or (script == "han" and code not in NOT_PINYIN
                              and not any("\u3040" <= c <= "\u30ff" for c in name)):
        return romanize(name)
    return None
