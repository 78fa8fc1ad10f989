"""Guest names: script, surname/given split, romanization and e-mail address forms.

Self-contained: standard library plus ``pypinyin``, which is imported lazily (only when a
Chinese name is romanized) to keep CLI start-up fast.

Public API: :func:`script_of`, :func:`split_name`, :func:`romanize`, :func:`address`.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["script_of", "split_name", "romanize", "address"]


# --------------------------------------------------------------------------- scripts

def _char_script(ch: str) -> str | None:
    """Script of one letter, or None for a non-letter."""
    cp = ord(ch)
    if (
        0xAC00 <= cp <= 0xD7A3  # Hangul syllables
        or 0x1100 <= cp <= 0x11FF  # conjoining jamo
        or 0x3130 <= cp <= 0x318F  # compatibility jamo
        or 0xA960 <= cp <= 0xA97F
        or 0xD7B0 <= cp <= 0xD7FF
    ):
        return "hangul"
    if (
        0x4E00 <= cp <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= cp <= 0x4DBF  # extension A
        or 0xF900 <= cp <= 0xFAFF  # compatibility ideographs
        or 0x20000 <= cp <= 0x323AF  # extensions B-H, compatibility supplement
    ):
        return "han"
    if not ch.isalpha():
        return None
    if cp < 0x80:
        return "latin"
    uname = unicodedata.name(ch, "")
    if uname.startswith("LATIN") or uname.startswith("FULLWIDTH LATIN"):
        return "latin"
    return "other"


def _is_han(ch: str) -> bool:
    return _char_script(ch) == "han"


def _is_hangul_syllable(ch: str) -> bool:
    return 0xAC00 <= ord(ch) <= 0xD7A3


def _normalize(name: str | None) -> str:
    """NFC (composes decomposed Hangul jamo) and collapse whitespace (incl. U+3000)."""
    if not name:
        return ""
    return " ".join(unicodedata.normalize("NFC", name).split())


def script_of(name: str) -> str:
    """Dominant script of the letters of ``name``.

    Returns ``"hangul"``, ``"han"``, ``"latin"`` or ``"other"``. Only letters count
    (spaces, digits, punctuation are ignored); the script with the most letters wins, ties
    going to hangul, then han, then latin. A name without letters is ``"other"``.
    Japanese kana, Cyrillic, Arabic, ... are all ``"other"``.
    """
    counts = {"hangul": 0, "han": 0, "latin": 0, "other": 0}
    for ch in _normalize(name):
        s = _char_script(ch)
        if s is not None:
            counts[s] += 1
    order = ("hangul", "han", "latin", "other")
    best = max(order, key=lambda s: (counts[s], -order.index(s)))
    return best if counts[best] else "other"


# --------------------------------------------------------------------------- surname data

# Korean compound (two-syllable) surnames with the spelling used in passports.
_KO_COMPOUND: dict[str, str] = {
    "남궁": "Namgung",
    "황보": "Hwangbo",
    "제갈": "Jegal",
    "선우": "Sunwoo",
    "독고": "Dokgo",
    "사공": "Sagong",
    "서문": "Seomun",
    "동방": "Dongbang",
}

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

# Chinese compound surnames (simplified and traditional forms; Korean hanja compounds such
# as 南宮 皇甫 諸葛 鮮于 獨孤 司空 西門 東方 are included) with their pinyin.
_ZH_COMPOUND: dict[str, str] = {
    "欧阳": "Ouyang", "歐陽": "Ouyang",
    "司马": "Sima", "司馬": "Sima",
    "诸葛": "Zhuge", "諸葛": "Zhuge",
    "上官": "Shangguan",
    "东方": "Dongfang", "東方": "Dongfang",
    "皇甫": "Huangfu",
    "尉迟": "Yuchi", "尉遲": "Yuchi",
    "公孙": "Gongsun", "公孫": "Gongsun",
    "慕容": "Murong",
    "令狐": "Linghu",
    "司徒": "Situ",
    "夏侯": "Xiahou",
    "轩辕": "Xuanyuan", "軒轅": "Xuanyuan",
    "宇文": "Yuwen",
    "长孙": "Zhangsun", "長孫": "Zhangsun",
    "端木": "Duanmu",
    "澹台": "Tantai", "澹臺": "Tantai",
    "公冶": "Gongye",
    "淳于": "Chunyu",
    "太叔": "Taishu",
    "申屠": "Shentu",
    "仲孙": "Zhongsun", "仲孫": "Zhongsun",
    "钟离": "Zhongli", "鍾離": "Zhongli",
    "闻人": "Wenren", "聞人": "Wenren",
    "万俟": "Moqi", "萬俟": "Moqi",
    "赫连": "Helian", "赫連": "Helian",
    "呼延": "Huyan",
    "南宫": "Nangong", "南宮": "Nangong",
    "西门": "Ximen", "西門": "Ximen",
    "百里": "Baili",
    "东郭": "Dongguo", "東郭": "Dongguo",
    "独孤": "Dugu", "獨孤": "Dugu",
    "司空": "Sikong",
    "拓跋": "Tuoba",
    "鲜于": "Xianyu", "鮮于": "Xianyu",
    "闾丘": "Lüqiu", "閭丘": "Lüqiu",
    "第五": "Diwu",
    "谷梁": "Guliang", "穀梁": "Guliang",
    "左丘": "Zuoqiu",
    "梁丘": "Liangqiu",
    "公羊": "Gongyang",
    "羊舌": "Yangshe",
    "漆雕": "Qidiao",
    "巫马": "Wuma", "巫馬": "Wuma",
    "亓官": "Qiguan",
    "司寇": "Sikou",
    "颛孙": "Zhuansun", "顓孫": "Zhuansun",
    "东门": "Dongmen", "東門": "Dongmen",
    "微生": "Weisheng",
    "濮阳": "Puyang", "濮陽": "Puyang",
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

_CJK_COMPOUND = {"hangul": _KO_COMPOUND, "han": _ZH_COMPOUND}

# Romanized surnames, most common first within each group, used to tell the surname of a
# Latin-script East Asian name ("Kim Min-jun" vs "Minjun Kim").
_LATIN_SURNAMES: tuple[str, ...] = (
    # Korean
    "kim lee park choi jung jeong chung kang cho jo yoon yun jang chang lim im han oh seo"
    " suh shin sin kwon hwang ahn an song ryu yoo yu jeon jun chun hong ko koh go moon"
    " mun yang son sohn bae baek paik heo huh hur nam shim sim noh roh no ha kwak sung"
    " seong cha joo ju woo koo ku min jin na ji eom um chae won cheon bang kong hyun ham"
    " byun yeom yeo choo do so seok sun seol ma gil yeon wi pyo myung ki ban wang keum ok"
    " yook in maeng je mo tak kook eo eun pyun yong rhee yi pak bak ri rim namgung"
    " namkoong hwangbo jegal sunwoo seonwoo dokgo sagong seomun dongbang",
    # Chinese (pinyin)
    "wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo"
    " zheng liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan yu"
    " jiang cai du ye cheng wei su lu ding ren shen yao lyu lv cui zhong tan fan qiu qin"
    " dai xia fu fang zou xiong jin bai meng hao kong shao mao wan gu lai yin duan lei hou"
    " long shi tao jia wen ouyang sima zhuge shangguan dongfang murong huangfu situ",
    # Chinese (Cantonese, Wade-Giles, Hokkien/Teochew spellings)
    "chan wong lee cheung lam lau ho ng leung tsang tse yip kwok chow chau chiu chu yeung"
    " hui kwan lo mak poon tam tsui yuen fung siu au lai chung cheng chao chien hsu hsieh"
    " kuo tsai chang teo tan lim goh ong wee toh koh quek",
    # Vietnamese
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly trinh dinh"
    " mai truong",
    # Japanese
    "sato suzuki takahashi tanaka watanabe ito yamamoto nakamura kobayashi kato yoshida"
    " yamada sasaki yamaguchi matsumoto inoue kimura hayashi shimizu yamazaki mori abe"
    " ikeda hashimoto yamashita ishikawa nakajima maeda fujita ogawa goto okada hasegawa"
    " murakami kondo ishii saito sakamoto endo aoki fujii nishimura fukuda ota miura"
    " fujiwara okamoto matsuda nakagawa",
    # Khmer
    "hun sok chea chan kim heng ly lim seng meas keo pich",
)


def _build_rank() -> dict[str, int]:
    rank: dict[str, int] = {}
    for group in _LATIN_SURNAMES:
        for i, s in enumerate(group.split()):
            rank[s] = min(i, rank.get(s, i))
    return rank


_SURNAME_RANK = _build_rank()

# Countries whose people put the surname first.
_SURNAME_FIRST_COUNTRIES = frozenset({"KR", "KP", "CN", "TW", "HK", "MO", "JP", "VN", "SG", "KH"})

# Lower-case surname particles ("Maria de la Cruz", "Ludwig van Beethoven").
_PARTICLES = frozenset({
    "de", "del", "della", "delle", "dei", "degli", "di", "da", "das", "do", "dos", "du",
    "des", "la", "le", "les", "lo", "van", "von", "der", "den", "ter", "ten", "te", "zu",
    "zum", "zur", "af", "av", "bin", "binti", "bint", "ibn", "al", "el", "ben", "st",
    "st.", "op", "'t",
})
# Particles also recognised when capitalised ("Vincent Van Gogh", "Ahmed Al Mansouri").
_PARTICLES_CAPITALISED = frozenset({
    "de", "del", "della", "di", "da", "das", "dos", "du", "van", "von", "der", "den", "ter",
    "ten", "la", "bin", "binti", "ibn", "al", "el", "st", "st.",
})
_CONNECTORS = frozenset({"y", "e", "i"})  # "José Ortega y Gasset"
_SUFFIX_RE = re.compile(r"^(.*?\S)(?:\s*,\s*|\s+)((?i:jr|sr)\.?|II|III|IV)$")
_NAME_DOTS = "·•・‧･"  # separators of transliterated names: 约翰·史密斯


# --------------------------------------------------------------------------- split_name

def split_name(name: str, country: str | None = None) -> tuple[str, str]:
    """Split ``name`` into ``(surname, given)``.

    Hangul and Han names (surname first):
      * with a space, the part before the first space is the surname ("남궁 민수" ->
        ("남궁", "민수"), "田中 太郎" -> ("田中", "太郎")); use a space to override the
        compound-surname rule ("황 보라");
      * otherwise a known compound surname (남궁 황보 제갈 선우 독고 사공 서문 동방;
        欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 ... in simplified and traditional
        forms) is taken when at least one character follows it, else one syllable;
        a two-character name is always surname + one-character given name ("李娜");
      * a Han name with a middle dot is a transliterated foreign name, given name first
        ("约翰·史密斯" -> ("史密斯", "约翰")).

    Latin (and other space-separated) names:
      * one word -> (word, "");
      * "Surname, Given" -> split at the comma;
      * a trailing Jr/Sr/II/III/IV stays with the surname;
      * a word (or run of words) written in capitals beside words that are not marks the
        surname, as in passports and business cards ("KIM Minjun", "John SMITH");
      * if ``country`` is one where the surname comes first (KR KP CN TW HK MO JP VN SG KH):
        a hyphenated word is a given name ("Kim Min-jun", "Min-jun Kim"); else a known
        romanized surname decides the order ("Wang Jianguo", "Jianguo Wang"; the more common
        surname wins when both ends are known); with no evidence the first word is the surname;
      * otherwise western order: the last word is the surname, together with the particles
        before it ("Maria de la Cruz" -> ("de la Cruz", "Maria"), "José Ortega y Gasset" ->
        ("Ortega y Gasset", "José")).
    """
    n = _normalize(name)
    if not n:
        return ("", "")
    script = script_of(n)
    if script in ("hangul", "han"):
        if script == "han" and country == "JP" and " " not in n and len(n) >= 3:
            return n[:2], n[2:]     # most Japanese surnames are two kanji (佐藤, 鈴木, 田中)
        return _split_cjk(n, script)
    patronym = _PATRONYM_RE.search(n)
    if patronym:                    # Malay and Arabic "X bin Y": no surname; X is the name
        return "", n[:patronym.start()].strip()
    return _split_spaced(n, country)


def _called(name: str, country: str | None) -> str:
    """The part of a name that goes after Mr, Ms or 先生: the surname, or for a name with
    none (Malay "Ahmad bin Ismail") the personal name."""
    surname, given = split_name(name, country)
    return surname or given


_PATRONYM_RE = re.compile(r"\s(?:bin|binti|binte|bint|a/l|a/p)\s", re.IGNORECASE)


def _split_cjk(n: str, script: str) -> tuple[str, str]:
    if script == "han" and any(d in n for d in _NAME_DOTS):
        parts = [p.strip() for p in re.split("[" + _NAME_DOTS + "]", n) if p.strip()]
        if len(parts) >= 2:
            return parts[-1], "·".join(parts[:-1])
        return (parts[0] if parts else "", "")
    if " " in n:
        surname, _, rest = n.partition(" ")
        return surname, rest.replace(" ", "")
    compounds = _CJK_COMPOUND[script]
    if len(n) >= 3 and n[:2] in compounds:
        return n[:2], n[2:]
    return n[:1], n[1:]


def _split_spaced(n: str, country: str | None) -> tuple[str, str]:
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

    if country and country.strip().upper() in _SURNAME_FIRST_COUNTRIES:
        if _surname_first(tokens):
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
    return done(" ".join(tokens[start:]), " ".join(tokens[:start]))


def _is_shouted(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _fold(token: str) -> str:
    """Lower-case ASCII letters of a token, accents removed ("Nguyễn" -> "nguyen")."""
    decomposed = unicodedata.normalize("NFD", token.lower())
    return "".join(c for c in decomposed if "a" <= c <= "z")


def _is_hyphenated(token: str) -> bool:
    return bool(re.search(r"[^\W\d_]-[^\W\d_]", token))


def _surname_first(tokens: list[str]) -> bool:
    """For a surname-first country: is the first word the surname?"""
    first, last = tokens[0], tokens[-1]
    if _is_hyphenated(first) != _is_hyphenated(last):
        return _is_hyphenated(last)
    rf, rl = _SURNAME_RANK.get(_fold(first)), _SURNAME_RANK.get(_fold(last))
    if rf is not None and (rl is None or rf <= rl):
        return True
    if rl is not None:
        return False
    return True


# --------------------------------------------------------------------------- romanize

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
    if surname in _KO_COMPOUND:
        return _KO_COMPOUND[surname]
    if surname in _KO_SURNAME:
        return _KO_SURNAME[surname]
    return _rr_name(surname).capitalize()


def _pinyin_word(text: str) -> str | None:
    """Toneless Hanyu Pinyin of ``text`` as one lower-case word, or None if not convertible.

    ü is kept after n/l (nü, lü, lüe); an apostrophe separates a syllable starting with
    a, o or e from the one before it (Xi'an).
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
        if word and syl[0] in "aoe":
            word += "'"
        word += syl
    return word


def _zh_surname(surname: str) -> str | None:
    if surname in _ZH_COMPOUND:
        return _ZH_COMPOUND[surname]
    if surname in _ZH_SURNAME:
        return _ZH_SURNAME[surname]
    word = _pinyin_word(surname)
    return _cap(word) if word else None


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def _romanized_parts(name: str) -> tuple[str, str] | None:
    n = _normalize(name)
    script = script_of(n)
    if script == "hangul":
        if not all(_is_hangul_syllable(c) or c == " " for c in n):
            return None
        surname, given = split_name(n)
        return _ko_surname(surname), _cap(_rr_name(given))
    if script == "han":
        if not all(_is_han(c) or c == " " for c in n):
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

    Hangul (every letter a complete Hangul syllable):
      * the surname (see :func:`split_name`) takes the spelling most Koreans use in their
        passports: 김 Kim, 이 Lee, 박 Park, 최 Choi, 정 Jung, 류 Ryu, 유 Yoo, 남궁 Namgung,
        선우 Sunwoo, ...; a surname not in the table is written in Revised Romanization;
      * the given name is Revised Romanization written as one capitalised word without a
        hyphen, syllable by syllable, because the official rules do not apply the
        between-syllable sound changes to personal names (김민준 "Kim Minjun",
        한복남 "Han Boknam", 이신라 "Lee Sinra").

    Han (every letter a Chinese character):
      * the surname takes its surname reading: compound surnames from a table (欧阳 Ouyang,
        尉迟 Yuchi, 万俟 Moqi, 长孙 Zhangsun), single ones from an override table where the
        reading differs from the everyday one (单 Shan, 曾 Zeng, 区 Ou, 朴 Piao, 乐 Yue),
        otherwise pypinyin's reading;
      * the given name is toneless Hanyu Pinyin from pypinyin as one capitalised word, with
        ü after n/l and an apostrophe before a syllable starting with a, o or e
        (张嘉安 "Zhang Jia'an"). Names are read as Mandarin, also Japanese kanji names.
      * a name with a middle dot (a transliterated foreign name) gives None.

    Latin, other scripts, mixed scripts and empty names give None.
    """
    parts = _romanized_parts(name)
    if parts is None:
        return None
    surname, given = parts
    return f"{surname} {given}" if given else surname


# --------------------------------------------------------------------------- address

_GENDERS = {
    "male": "male", "m": "male", "man": "male", "mr": "male", "男": "male", "남": "male",
    "남성": "male", "男性": "male",
    "female": "female", "f": "female", "woman": "female", "ms": "female", "女": "female",
    "여": "female", "여성": "female", "女性": "female",
}
_HONORIFICS = {
    "dr": "doctor", "doctor": "doctor", "博士": "doctor", "박사": "doctor", "박사님": "doctor",
    "prof": "professor", "professor": "professor", "教授": "professor",
    "교수": "professor", "교수님": "professor",
}
_HONORIFIC_TEXT = {
    "en": {"doctor": "Dr", "professor": "Prof"},
    "zh": {"doctor": "博士", "professor": "教授"},
    "ko": {"doctor": "박사님", "professor": "교수님"},
}


def _unshout(text: str) -> str:
    """'KIM' -> 'Kim', 'O'BRIEN' -> 'O'Brien'; words not all in capitals are left alone."""
    def word(w: str) -> str:
        if not _is_shouted(w):
            return w
        return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), w)
    return " ".join(word(w) for w in text.split())


def address(
    name: str,
    language: str,
    gender: str | None,
    title: str | None = None,
    country: str | None = None,
    name_latin: str | None = None,
) -> str:
    """How to address the person in an e-mail greeting in ``language`` (zh, en or ko).

    ``gender`` is "male"/"female" (also m/f, 男/女, 남/여); anything else is unknown.
    ``title`` is used only when it is an academic honorific (Dr/Doctor/博士/박사 or
    Prof/Professor/教授/교수); then it replaces Mr/Ms, 先生/女士, and needs no gender.
    Other (job) titles are ignored. Capitalised passport-style Latin names are softened
    in the greeting ("KIM" -> "Kim").

    ko: the full name as written (Hangul without spaces) + " 님": "김민준 님",
        "John Smith 님", "王建国 님"; with an honorific "김민준 교수님", "김민준 박사님".
    zh: Han or Hangul name: surname + 先生 (male) / 女士 (female), no space: "王先生",
        "欧阳女士", "김先生"; Latin (or other) name: Latin surname + " 先生"/" 女士":
        "Smith 先生". Honorific: "王教授", "Smith 博士". Gender unknown: the full name
        alone ("王建国", "John Smith") -- the caller writes "尊敬的{address}".
    en: "Mr {surname}" / "Ms {surname}" from the Latin name: ``name_latin`` if given
        (split with ``country``; for a Hangul/Han ``name`` without country, surname-first
        order is assumed), else :func:`romanize` of ``name``, else ``name``:
        "Mr Kim", "Ms Lee", "Mr Smith". Honorific: "Dr Kim", "Prof Wang". Gender
        unknown: the full Latin name ("Kim Minjun", "John Smith").

    Raises ValueError for another language.
    """
    lang = (language or "").strip().lower().replace("_", "-").split("-")[0]
    if lang not in _HONORIFIC_TEXT:
        raise ValueError(f"unsupported language: {language!r} (use zh, en or ko)")
    sex = _GENDERS.get((gender or "").strip().lower())
    honor = _HONORIFICS.get((title or "").strip().rstrip(".").lower())
    n = _normalize(name) or _normalize(name_latin)
    script = script_of(n)
    cjk = script in ("hangul", "han")
    if cjk and not any(d in n for d in _NAME_DOTS):
        written = n.replace(" ", "")
    else:
        written = _unshout(n)

    if lang == "ko":
        if honor:
            return f"{written} {_HONORIFIC_TEXT['ko'][honor]}"
        return f"{written} 님"

    if lang == "zh":
        surname = _called(n, country)
        sep = "" if cjk else " "
        if not cjk:
            surname = _unshout(surname)
        if honor:
            return f"{surname}{sep}{_HONORIFIC_TEXT['zh'][honor]}"
        if sex == "male":
            return f"{surname}{sep}先生"
        if sex == "female":
            return f"{surname}{sep}女士"
        return written

    # en
    latin = _normalize(name_latin)
    parts = None if latin else _romanized_parts(n)
    if latin:
        split_country = country
        if not split_country and cjk:
            split_country = "KR" if script == "hangul" else "CN"
        surname, full = _called(latin, split_country), latin
    elif parts:
        surname, full = parts[0], " ".join(p for p in parts if p)
    else:
        surname, full = _called(n, country), n
    surname, full = _unshout(surname), _unshout(full)
    if honor:
        return f"{_HONORIFIC_TEXT['en'][honor]} {surname}"
    if sex == "male":
        return f"Mr {surname}"
    if sex == "female":
        return f"Ms {surname}"
    return full
