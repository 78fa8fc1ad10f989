"""Tests for visitplan.rules.names. All expected values are written by hand."""

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from visitplan.rules.names import address, romanize, script_of, split_name

# --------------------------------------------------------------------------- romanize: Korean

KOREAN = [
    # common surnames with their passport spelling; given names in RR, one word
    ("김민준", "Kim Minjun"),
    ("이서연", "Lee Seoyeon"),  # liaison: no final before ㅇ
    ("박지훈", "Park Jihun"),
    ("최지우", "Choi Jiu"),
    ("정은지", "Jung Eunji"),
    ("강하늘", "Kang Haneul"),
    ("조민영", "Cho Minyeong"),  # ㄴ before ㅇ stays n
    ("윤서현", "Yoon Seohyeon"),
    ("장원영", "Jang Wonyeong"),
    ("임윤아", "Lim Yuna"),
    ("오정은", "Oh Jeongeun"),  # ㅇ final before ㅇ initial
    ("서태지", "Seo Taeji"),
    ("신동엽", "Shin Dongyeop"),  # final ㅂ -> p
    ("권지용", "Kwon Jiyong"),
    ("황희찬", "Hwang Huichan"),  # ㅢ -> ui
    ("안중근", "Ahn Junggeun"),
    ("송강호", "Song Gangho"),
    ("류현진", "Ryu Hyeonjin"),
    ("유재석", "Yoo Jaeseok"),
    ("전지현", "Jeon Jihyeon"),
    ("고아라", "Ko Ara"),
    ("문재인", "Moon Jaein"),
    ("손흥민", "Son Heungmin"),
    ("배수지", "Bae Suji"),
    ("백종원", "Baek Jongwon"),
    ("허준", "Heo Jun"),
    ("남주혁", "Nam Juhyeok"),  # final ㄱ -> k
    ("심은하", "Shim Eunha"),
    ("노무현", "Noh Muhyeon"),
    ("곽철용", "Kwak Cheolyong"),  # final ㄹ -> l
    ("성시경", "Sung Sigyeong"),
    ("차은우", "Cha Eunu"),
    ("주지훈", "Joo Jihun"),
    ("우영우", "Woo Yeongu"),
    ("구혜선", "Koo Hyeseon"),
    ("민경훈", "Min Gyeonghun"),
    ("엄정화", "Eom Jeonghwa"),
    ("채시라", "Chae Sira"),
    ("현빈", "Hyun Bin"),
    ("추신수", "Choo Sinsu"),
    ("금잔디", "Keum Jandi"),
    ("육성재", "Yook Seongjae"),
    ("반기문", "Ban Gimun"),
    ("소지섭", "So Jiseop"),
    ("편승엽", "Pyun Seungyeop"),
    ("변요한", "Byun Yohan"),
    ("염정아", "Yeom Jeonga"),
    ("표창원", "Pyo Changwon"),
    ("명세빈", "Myung Sebin"),
    ("기성용", "Ki Seongyong"),
    ("천정명", "Cheon Jeongmyeong"),
    ("여진구", "Yeo Jingu"),
    ("설경구", "Seol Gyeonggu"),
    ("방시혁", "Bang Sihyeok"),
    ("함소원", "Ham Sowon"),
    ("도경수", "Do Gyeongsu"),
    ("위하준", "Wi Hajun"),
    ("탁재훈", "Tak Jaehun"),
    ("은지원", "Eun Jiwon"),
    ("길용우", "Gil Yongu"),
    ("마동석", "Ma Dongseok"),
    ("인교진", "In Gyojin"),
    ("연우진", "Yeon Ujin"),
    ("공유", "Kong Yu"),
    ("하정우", "Ha Jeongu"),
    ("박찬호", "Park Chanho"),
    ("황의조", "Hwang Uijo"),
    ("김연아", "Kim Yeona"),
    ("이뿌리", "Lee Ppuri"),  # tense initial
    # personal names do not show between-syllable sound changes (official RR examples
    # 한복남 Han Boknam, 홍빛나 Hong Bitna); word-level RR would give Bongnam, Binna ...
    ("한복남", "Han Boknam"),
    ("홍빛나", "Hong Bitna"),
    ("홍길동", "Hong Gildong"),
    ("이석민", "Lee Seokmin"),  # not Seongmin
    ("이신라", "Lee Sinra"),  # not Silla
    ("옥택연", "Ok Taekyeon"),  # not Taegyeon
    ("정꽃님", "Jung Kkotnim"),  # final ㅊ -> t
    ("김빛내리", "Kim Bitnaeri"),  # three-syllable given name
    ("제갈성렬", "Jegal Seongryeol"),  # not Seongnyeol
    # compound surnames
    ("남궁민", "Namgung Min"),
    ("황보관", "Hwangbo Gwan"),
    ("선우은숙", "Sunwoo Eunsuk"),
    ("독고영재", "Dokgo Yeongjae"),
    ("사공일", "Sagong Il"),
    ("서문탁", "Seomun Tak"),
    ("동방우", "Dongbang U"),
    # written with a space
    ("남궁 민수", "Namgung Minsu"),
    ("김 민준", "Kim Minjun"),
    # surnames outside the passport table: Revised Romanization
    ("갈소원", "Gal Sowon"),
    ("팽현숙", "Paeng Hyeonsuk"),
]


@pytest.mark.parametrize(("name", "expected"), KOREAN)
def test_romanize_korean(name, expected):
    assert romanize(name) == expected


def test_korean_table_is_big_enough():
    assert len(KOREAN) >= 40


def test_romanize_korean_decomposed_jamo():
    # macOS pastes Hangul as conjoining jamo (NFD); it must read the same
    import unicodedata

    assert romanize(unicodedata.normalize("NFD", "김민준")) == "Kim Minjun"


def test_romanize_korean_single_syllable():
    assert romanize("김") == "Kim"


# --------------------------------------------------------------------------- romanize: Chinese

CHINESE = [
    ("王建国", "Wang Jianguo"),
    ("李娜", "Li Na"),
    ("张伟", "Zhang Wei"),
    ("刘洋", "Liu Yang"),
    ("陈静", "Chen Jing"),
    ("杨帆", "Yang Fan"),
    ("黄晓明", "Huang Xiaoming"),
    ("周杰伦", "Zhou Jielun"),
    ("徐静蕾", "Xu Jinglei"),
    ("马云", "Ma Yun"),
    ("刘德华", "Liu Dehua"),
    ("王长江", "Wang Changjiang"),
    ("沈从文", "Shen Congwen"),
    ("贾宝玉", "Jia Baoyu"),
    # polyphonic surnames: surname reading
    ("任正非", "Ren Zhengfei"),
    ("曾国藩", "Zeng Guofan"),
    ("单田芳", "Shan Tianfang"),
    ("單雄信", "Shan Xiongxin"),
    ("解缙", "Xie Jin"),
    ("区志航", "Ou Zhihang"),
    ("仇英", "Qiu Ying"),
    ("查良镛", "Zha Liangyong"),
    ("朴树", "Piao Shu"),
    ("盖聂", "Ge Nie"),
    ("乐毅", "Yue Yi"),
    ("缪晓东", "Miao Xiaodong"),
    ("翟天临", "Zhai Tianlin"),
    ("覃海洋", "Qin Haiyang"),
    ("吕布", "Lyu Bu"),  # mainland passports write ü as yu (issue 12)
    ("吕丽", "Lyu Li"),
    ("女娲", "Nyu Wa"),
    # compound surnames
    ("欧阳娜娜", "Ouyang Nana"),
    ("歐陽修", "Ouyang Xiu"),
    ("司马光", "Sima Guang"),
    ("诸葛亮", "Zhuge Liang"),
    ("上官婉儿", "Shangguan Wan'er"),
    ("东方朔", "Dongfang Shuo"),
    ("皇甫嵩", "Huangfu Song"),
    ("尉迟恭", "Yuchi Gong"),
    ("长孙无忌", "Zhangsun Wuji"),
    ("令狐冲", "Linghu Chong"),
    ("慕容复", "Murong Fu"),
    ("夏侯惇", "Xiahou Dun"),
    ("公孙策", "Gongsun Ce"),
    ("万俟卨", "Moqi Xie"),
    # apostrophe before a/o/e inside the given name
    ("张嘉安", "Zhang Jia'an"),
    ("欧阳 娜娜", "Ouyang Nana"),
]


@pytest.mark.parametrize(("name", "expected"), CHINESE)
def test_romanize_chinese(name, expected):
    assert romanize(name) == expected


def test_chinese_table_is_big_enough():
    assert len(CHINESE) >= 25


@pytest.mark.parametrize(
    "name",
    ["John Smith", "Иван Петров", "やまだ", "", "   ", "ㄱㄴ", "约翰·史密斯", "王Jianguo", "김John"],
)
def test_romanize_nothing_to_derive(name):
    assert romanize(name) is None


def test_pypinyin_is_imported_lazily():
    code = (
        "import sys, visitplan.rules.names as n; "
        "assert 'pypinyin' not in sys.modules; "
        "n.romanize('김민준'); n.split_name('王建国'); "
        "assert 'pypinyin' not in sys.modules; "
        "print(n.romanize('王建国'))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "Wang Jianguo"


# --------------------------------------------------------------------------- script_of


@pytest.mark.parametrize(
    ("name", "script"),
    [
        ("김민준", "hangul"),
        ("남궁 민수", "hangul"),
        ("王建国", "han"),
        ("歐陽修", "han"),
        ("John Smith", "latin"),
        ("José Ortega y Gasset", "latin"),
        ("Nguyễn Văn An", "latin"),
        ("Иван Петров", "other"),
        ("やまだ", "other"),
        ("", "other"),
        ("123 !", "other"),
        ("Kim 민준", "latin"),  # 3 Latin letters against 2 Hangul
        ("金민준", "hangul"),
    ],
)
def test_script_of(name, script):
    assert script_of(name) == script


# --------------------------------------------------------------------------- split_name


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        # Hangul
        ("김민준", None, ("김", "민준")),
        ("김민준", "KR", ("김", "민준")),
        ("이뿌리", None, ("이", "뿌리")),
        ("남궁민수", None, ("남궁", "민수")),
        ("남궁민", None, ("남궁", "민")),
        ("황보관", None, ("황보", "관")),
        ("선우은숙", None, ("선우", "은숙")),
        ("남궁 민수", None, ("남궁", "민수")),
        ("황 보라", None, ("황", "보라")),  # a space overrides the compound
        ("김 민 준", None, ("김", "민준")),
        ("김솔", None, ("김", "솔")),
        ("남궁", None, ("남", "궁")),  # two syllables: surname + one-syllable name
        # Han
        ("王建国", None, ("王", "建国")),
        ("李娜", "CN", ("李", "娜")),
        ("欧阳娜娜", None, ("欧阳", "娜娜")),
        ("歐陽修", None, ("歐陽", "修")),
        ("司马光", None, ("司马", "光")),
        ("诸葛亮", None, ("诸葛", "亮")),
        ("南宮民", None, ("南宮", "民")),
        ("欧阳 娜娜", None, ("欧阳", "娜娜")),
        ("田中 太郎", "JP", ("田中", "太郎")),
        ("约翰·史密斯", None, ("史密斯", "约翰")),
        # Latin, western order
        ("John Smith", None, ("Smith", "John")),
        ("John Smith", "US", ("Smith", "John")),
        ("Mary Ann Evans", "GB", ("Evans", "Mary Ann")),
        ("Maria de la Cruz", None, ("de la Cruz", "Maria")),
        ("Ludwig van Beethoven", "DE", ("van Beethoven", "Ludwig")),
        ("Vincent Van Gogh", "NL", ("Van Gogh", "Vincent")),
        ("José Ortega y Gasset", "ES", ("Ortega y Gasset", "José")),
        ("Ahmed Al Mansouri", "AE", ("Al Mansouri", "Ahmed")),
        ("Martin Luther King Jr.", "US", ("King Jr.", "Martin Luther")),
        ("Smith, John", None, ("Smith", "John")),
        ("Madonna", None, ("Madonna", "")),
        ("Иван Петров", "RU", ("Петров", "Иван")),
        ("やまだ", None, ("やまだ", "")),
        ("", None, ("", "")),
        ("  John   Smith ", None, ("Smith", "John")),
        # capitals mark the surname, whatever the country
        ("KIM Minjun", None, ("KIM", "Minjun")),
        ("John SMITH", None, ("SMITH", "John")),
        ("Maria DE LA CRUZ", None, ("DE LA CRUZ", "Maria")),
        # surname-first countries
        ("Kim Min-jun", "KR", ("Kim", "Min-jun")),
        ("Min-jun Kim", "KR", ("Kim", "Min-jun")),
        ("Kim Minjun", "KR", ("Kim", "Minjun")),
        ("Minjun Kim", "KR", ("Kim", "Minjun")),
        ("Min Kim", "KR", ("Min", "Kim")),  # both known: the order written (issue 12)
        ("Namgung Minsu", "KR", ("Namgung", "Minsu")),
        ("Wang Jianguo", "CN", ("Wang", "Jianguo")),
        ("Jianguo Wang", "cn", ("Wang", "Jianguo")),
        ("Ouyang Nana", "CN", ("Ouyang", "Nana")),
        ("Michael Wong", "HK", ("Wong", "Michael")),
        ("Chan Tai Man", "HK", ("Chan", "Tai Man")),
        ("Chan Tai-man", "HK", ("Chan", "Tai-man")),
        ("Nguyễn Văn An", "VN", ("Nguyễn", "Văn An")),
        ("Tanaka Taro", "JP", ("Tanaka", "Taro")),
        ("Taro Tanaka", "JP", ("Tanaka", "Taro")),
        ("Xyzzy Plugh", "KR", ("Xyzzy", "Plugh")),  # no evidence: surname first
        # without a surname-first country the western order applies
        ("Wang Jianguo", None, ("Jianguo", "Wang")),
    ],
)
def test_split_name(name, country, expected):
    assert split_name(name, country) == expected


# --------------------------------------------------------------------------- address


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # ko: full name + 님, whatever the gender
        (dict(name="김민준", language="ko", gender="male"), "김민준 님"),
        (dict(name="이서연", language="ko", gender="female"), "이서연 님"),
        (dict(name="김민준", language="ko", gender=None), "김민준 님"),
        (dict(name="남궁 민수", language="ko", gender="male"), "남궁민수 님"),
        (dict(name="John Smith", language="ko", gender="male"), "John Smith 님"),
        (dict(name="王建国", language="ko", gender="male"), "王建国 님"),
        (dict(name="김민준", language="ko", gender="male", title="부장"), "김민준 님"),
        (dict(name="김민준", language="ko", gender="male", title="교수"), "김민준 교수님"),
        (dict(name="김민준", language="ko", gender=None, title="Dr"), "김민준 박사님"),
        # zh
        (dict(name="王建国", language="zh", gender="male"), "王先生"),
        (dict(name="李娜", language="zh", gender="female"), "李女士"),
        (dict(name="王建国", language="zh", gender=None), "王建国"),
        (dict(name="欧阳娜娜", language="zh", gender="female"), "欧阳女士"),
        (dict(name="欧阳 娜娜", language="zh", gender=None), "欧阳娜娜"),
        (dict(name="王建国", language="zh", gender="男"), "王先生"),
        (dict(name="王建国", language="zh", gender=None, title="教授"), "王教授"),
        (dict(name="John Smith", language="zh", gender="male"), "Smith先生"),
        (dict(name="Jane Smith", language="zh", gender="female"), "Smith女士"),
        (dict(name="John Smith", language="zh", gender=None), "John Smith"),
        (dict(name="John SMITH", language="zh", gender="male"), "Smith先生"),
        (dict(name="John Smith", language="zh", gender="male", title="Dr."), "Smith博士"),
        # no Hangul before 先生/女士, no space between Han and Latin (issue 12)
        (dict(name="김민준", language="zh", gender="male"), "Kim先生"),
        (dict(name="이서연", language="zh", gender="female"), "Lee女士"),
        (dict(name="김민준", language="zh", gender=None), "Kim Minjun"),
        (dict(name="Wang Jianguo", language="zh-CN", gender="male", country="CN"), "Wang先生"),
        # en
        (dict(name="김민준", language="en", gender="male"), "Mr Kim"),
        (dict(name="이서연", language="en", gender="female"), "Ms Lee"),
        (dict(name="김민준", language="en", gender=None), "Kim Minjun"),
        (dict(name="남궁민", language="en", gender="male"), "Mr Namgung"),
        (dict(name="王建国", language="en", gender="male"), "Mr Wang"),
        (dict(name="欧阳娜娜", language="en", gender="female"), "Ms Ouyang"),
        (dict(name="王建国", language="en", gender=None), "Wang Jianguo"),
        (dict(name="John Smith", language="en", gender="male"), "Mr Smith"),
        (dict(name="Jane Smith", language="en", gender="F"), "Ms Smith"),
        (dict(name="John Smith", language="en", gender=None), "John Smith"),
        (dict(name="John Smith", language="en", gender="unknown"), "John Smith"),
        (dict(name="Maria de la Cruz", language="en", gender="female"), "Ms de la Cruz"),
        (dict(name="Wang Jianguo", language="en", gender="male", country="CN"), "Mr Wang"),
        (dict(name="김민준", language="en", gender="female", name_latin="Minjun Kim"), "Ms Kim"),
        (dict(name="정민호", language="en", gender="male", name_latin="Jeong Minho"), "Mr Jeong"),
        (dict(name="정민호", language="en", gender="male", name_latin="Jeong Minho",
              country="KR"), "Mr Jeong"),
        (dict(name="김민준", language="en", gender=None, name_latin="KIM MINJUN"), "Kim Minjun"),
        (dict(name="김민준", language="en", gender="male", name_latin="KIM MIN-JUN"), "Mr Kim"),
        (dict(name="김민준", language="en", gender=None, title="Dr"), "Dr Kim"),
        (dict(name="王建国", language="en", gender="male", title="Professor"), "Prof Wang"),
        (dict(name="王建国", language="en", gender="male", title="General Manager"), "Mr Wang"),
        (dict(name="John Smith", language="EN", gender="male"), "Mr Smith"),
        (dict(name="", language="en", gender="male", name_latin="John Smith"), "Mr Smith"),
    ],
)
def test_address(kwargs, expected):
    assert address(**kwargs) == expected


def test_address_rejects_unknown_language():
    with pytest.raises(ValueError):
        address("John Smith", "xx", "male")


# --------------------------------------------------------------------------- properties

_KO_COMPOUNDS = ("남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방")
_hangul_names = st.text(
    alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),
    min_size=2,
    max_size=4,
)


@settings(max_examples=500)
@given(_hangul_names)
def test_romanize_any_hangul_name_is_one_ascii_surname_and_one_given_word(name):
    assume(name[:2] not in _KO_COMPOUNDS)
    out = romanize(name)
    assert out is not None
    assert out.isascii()
    assert out[0].isupper()
    assert out.count(" ") == 1
    surname, given_name = out.split(" ")
    assert surname.isalpha() and given_name.isalpha()
    assert given_name[0].isupper() and given_name[1:] == given_name[1:].lower()


def test_japanese_kanji_names_take_a_two_kanji_surname():
    assert split_name("佐藤健一", "JP") == ("佐藤", "健一")
    assert address("佐藤健一", "zh", "male", country="JP") == "佐藤先生"
    assert split_name("林優", "JP") == ("林", "優")


def test_malay_patronymic_names_are_addressed_by_the_personal_name():
    assert split_name("Ahmad bin Ismail", "MY") == ("", "Ahmad")
    assert address("Ahmad bin Ismail", "en", "male", country="MY") == "Mr Ahmad"
    assert address("Nurul Aisyah binti Rahman", "en", "female", country="MY") == \
        "Ms Nurul Aisyah"
