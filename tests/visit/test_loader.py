"""The YAML loader: safe, position-keeping, and strict about the file as a whole."""
from __future__ import annotations

import time

import pytest

from visitplan.errors import ValidationFailed
from visitplan.visit.loader import MAX_BYTES, MapNode, Scalar, SeqNode, load_file, load_text


def problems_of(text: str, label: str = "v.yaml") -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        load_text(text, label)
    return [str(p) for p in info.value.problems]


# ---------------------------------------------------------------- nothing is constructed

@pytest.mark.parametrize("template", [
    "title: !!python/object/apply:os.system [\"touch {marker}\"]\n",
    "!!python/object/apply:os.system [\"touch {marker}\"]: 1\n",
    "title: ok\nguests:\n  - !!python/object/new:subprocess.Popen [[touch, {marker}]]\n",
    "title: !!python/name:os.system\n",
])
def test_python_tags_are_refused_and_nothing_runs(tmp_path, template):
    marker = tmp_path / "pwned"
    with pytest.raises(ValidationFailed) as info:
        load_text(template.format(marker=marker), "v.yaml")
    (problem,) = info.value.problems
    assert "YAML tags such as !!python/" in problem.message
    assert "are not allowed" in problem.message
    assert problem.line >= 1 and problem.col >= 1
    assert not marker.exists()


@pytest.mark.parametrize("text, tag", [
    ("photo: !!binary aGVsbG8=\n", "!!binary"),
    ("kinds: !!set {a, b}\n", "!!set"),
    ("steps: !!omap [{a: 1}]\n", "!!omap"),
    ("title: !custom x\n", "!custom"),
])
def test_other_constructing_tags_are_refused(text, tag):
    assert problems_of(text) == [f"v.yaml:1:{text.index('!') + 1}: {text.split(':')[0]}: "
                                 f"YAML tags such as {tag} are not allowed; write plain values"]


def test_a_tag_that_only_says_text_is_allowed():
    data = load_text("number: !!str 0369\nother: ! 10:35\n", "v.yaml")
    assert data == {"number": "0369", "other": "10:35"}


# ---------------------------------------------------------------- scalars stay as written

def test_every_scalar_stays_the_string_the_user_wrote():
    data = load_text("country: NO\nanswer: yes\nat: 2026-12-08 10:35\nclock: 10:35\n"
                     "zip: 0123\nratio: 1e3\nempty:\n", "v.yaml")
    assert data == {"country": "NO", "answer": "yes", "at": "2026-12-08 10:35",
                    "clock": "10:35", "zip": "0123", "ratio": "1e3", "empty": ""}
    assert all(isinstance(v, Scalar) for v in data.values())
    assert data["empty"].is_null and not data["clock"].is_null


def test_quoted_empty_and_null_words_are_not_null():
    data = load_text('a: ""\nb: "null"\nc: ~\nd: null\n', "v.yaml")
    assert [data[k].is_null for k in "abcd"] == [False, False, True, True]
    assert data["a"].quoted and not data["c"].quoted


def test_positions_of_keys_values_and_nested_nodes():
    text = ("title: Visit\n"
            "guests:\n"
            "  - name: Kim\n"
            "    country: KR\n"
            "arrival: {at: 2026-12-08 10:35, pickup: true}\n")
    data = load_text(text, "v.yaml")
    assert isinstance(data, MapNode) and (data.line, data.col) == (1, 1)
    assert (data["title"].line, data["title"].col) == (1, 8)
    assert (data.keys_at["guests"].line, data.keys_at["guests"].col) == (2, 1)
    guests = data["guests"]
    assert isinstance(guests, SeqNode) and (guests.line, guests.col) == (3, 3)
    assert (guests[0].line, guests[0].col) == (3, 5)
    assert (guests[0]["country"].line, guests[0]["country"].col) == (4, 14)
    assert (data["arrival"]["pickup"].line, data["arrival"]["pickup"].col) == (5, 41)


def test_block_scalars_are_quoted_text_with_their_line_breaks():
    data = load_text("summary: |\n  line one\n  line two\n", "v.yaml")
    assert data["summary"] == "line one\nline two\n" and data["summary"].quoted


# ---------------------------------------------------------------- duplicate keys

def test_duplicate_keys_are_errors_naming_both_lines_and_all_are_reported():
    text = ("title: One\n"
            "timezone: Asia/Shanghai\n"
            "title: Two\n"
            "host:\n"
            "  contact: {name: Li, name: Wang}\n")
    assert problems_of(text) == [
        "v.yaml:3:1: title: duplicate key 'title' (first given at line 1)",
        "v.yaml:5:23: host.contact.name: duplicate key 'name' (first given at line 5)",
    ]


# ---------------------------------------------------------------- the file as a whole

@pytest.mark.parametrize("text", ["", "\n\n", "# nothing but a comment\n", "---\n",
                                  "--- ~\n"])
def test_empty_file(text):
    assert problems_of(text) == ["v.yaml: is empty; a visit file is a YAML mapping of keys "
                                 "such as `title:` and `guests:` (run `visitplan new` for a "
                                 "start)"]


@pytest.mark.parametrize("text, line, col", [
    ("- title: a\n- title: b\n", 1, 1),
    ("# a visit\njust some words\n", 2, 1),
    ("\n  42\n", 2, 3),
])
def test_top_level_must_be_a_mapping(text, line, col):
    assert problems_of(text) == [f"v.yaml:{line}:{col}: the top level must be a mapping of "
                                 "keys such as `title:` and `guests:`"]


def test_file_over_one_mebibyte(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"title: x\n" + b"# padding padding padding\n" * (MAX_BYTES // 26 + 1))
    with pytest.raises(ValidationFailed) as info:
        load_file(path)
    size = path.stat().st_size // 1024
    assert [str(p) for p in info.value.problems] == [
        f"{path}: is {size} KiB; a visit or configuration file may be at most 1 MiB"]


def test_file_of_exactly_one_mebibyte_is_read(tmp_path):
    path = tmp_path / "edge.yaml"
    body = b"title: x\n"
    path.write_bytes(body + b"#" * (MAX_BYTES - len(body) - 1) + b"\n")
    assert load_file(path) == {"title": "x"}


def test_non_utf8_file_names_the_first_bad_byte(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Visit\nguests:\n  - name: Jos\u00e9\n".encode("latin-1"))
    with pytest.raises(ValidationFailed) as info:
        load_file(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:3:14: is not UTF-8 text; save it as UTF-8"]


def test_utf8_with_bom_is_read(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufefftitle: 한빛\n".encode("utf-8"))
    assert load_file(path) == {"title": "한빛"}


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ValidationFailed) as info:
        load_file(tmp_path / "nope.yaml")
    assert str(info.value) == f"{tmp_path / 'nope.yaml'}: no such file"
    with pytest.raises(ValidationFailed) as info:
        load_file(tmp_path)
    assert str(info.value) == f"{tmp_path}: is a folder, not a YAML file"


def test_syntax_error_has_line_and_column():
    assert problems_of("title: [unclosed\nguests: x\n") == [
        "v.yaml:2:7: invalid YAML: did not find expected ',' or ']'"]


def test_tab_indentation_is_a_syntax_error_with_position():
    (problem,) = problems_of("title: x\nhost:\n\tcompany: y\n")
    assert problem.startswith("v.yaml:3:1: invalid YAML: ")


# ---------------------------------------------------------------- aliases and merge keys

def test_billion_laughs_is_refused_quickly():
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    lines.append("title: *a9")
    start = time.monotonic()
    (problem,) = problems_of("\n".join(lines) + "\n")
    assert time.monotonic() - start < 10
    assert problem.endswith("the file expands to more than 100000 values (anchors and "
                            "aliases repeated too often)")


def test_a_few_aliases_are_fine():
    data = load_text("contact: &li {name: Li Wei, role: Sales}\nleader: *li\n", "v.yaml")
    assert data["leader"] == {"name": "Li Wei", "role": "Sales"}


def test_merge_keys_copy_a_mapping_and_own_keys_win():
    text = ("base: &kim {name: Kim, country: KR, company: Hanbit}\n"
            "guest:\n"
            "  <<: *kim\n"
            "  name: Lee\n"
            "  gender: female\n")
    data = load_text(text, "v.yaml")
    assert data["guest"] == {"name": "Lee", "country": "KR", "company": "Hanbit",
                             "gender": "female"}
    assert data["guest"].keys_at["name"].line == 4


def test_own_key_before_the_merge_also_wins_and_merge_takes_a_list():
    text = ("a: &a {x: 1, y: 1}\n"
            "b: &b {y: 2, z: 2}\n"
            "c:\n"
            "  x: 0\n"
            "  <<: [*a, *b]\n")
    assert load_text(text, "v.yaml")["c"] == {"x": "0", "y": "1", "z": "2"}


def test_merging_something_that_is_not_a_mapping():
    assert problems_of("a: &a hello\nb:\n  <<: *a\n") == [
        "v.yaml:1:4: b: '<<' must merge a mapping"]
    # a list is read as a list of mappings to merge; the first item that is not one is named
    assert problems_of("a: &a [1, 2]\nb:\n  <<: *a\n") == [
        "v.yaml:1:8: b: '<<' must merge a mapping"]


def test_a_key_that_is_not_a_plain_word():
    assert problems_of("? [a, b]\n: value\n") == ["v.yaml:1:3: a key must be a plain word"]


@pytest.mark.parametrize("text, key", [('"a\\rb": 1\n', "'a\\rb'"),
                                       ('host: {"x\\u2028y": 1}\n', "'x\\u2028y'"),
                                       ('"\\t": 1\n', "'\\t'")])
def test_a_key_with_a_line_break_or_control_character(text, key):
    [message] = problems_of(text)
    assert message.endswith(f"the key {key} holds a line break or a control character; a key "
                            "must be a plain word")
    assert len(message.splitlines()) == 1


def test_nesting_and_aliases_that_never_end():
    assert problems_of("a: &a [*a]\n") == [
        "v.yaml:1:4: a[0]: an alias (*name) refers to the value that contains it, which would "
        "never end; repeat the values instead"]
    # the top-level mapping is the first level
    assert problems_of("x: " + "[" * 100 + "]" * 100 + "\n") == [
        "v.yaml:1:103: x: values nest more than 100 levels deep"]
    assert load_text("x: " + "[" * 99 + "]" * 99 + "\n", "v.yaml")["x"] is not None
    # the same mapping twice, side by side, is repetition, not a loop
    data = load_text("a: &a {k: 1}\nb: [*a, *a]\n", "v.yaml")
    assert data["b"] == [{"k": "1"}, {"k": "1"}]


def test_a_raw_control_character_gives_line_and_column():
    assert problems_of("title: ok\nhost: a\x07b\n") == [
        "v.yaml:2:8: invalid YAML: the control character U+0007 is not allowed in a YAML file"]
