"""YAML text -> plain data that remembers where each value stood.

Nothing here constructs objects: the text is composed into PyYAML's node graph with the
safe loader and converted by us. Every scalar stays a string (`Scalar`), so the schema, not
YAML 1.1, decides what `NO` or `10:30` means. Mappings and sequences keep their line and
column, and so does every key.

Hostile files cost little and end as one Problem at their place: only a regular file of at
most MAX_BYTES is read (checked before reading, never more read than the limit), aliases
may repeat a value at most MAX_NODES times in all and never contain themselves, values nest
at most MAX_DEPTH levels, and a character YAML refuses is reported by line and column.
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import yaml

from visitplan.errors import Problem, ValidationFailed

# libyaml's composer when PyYAML was built with it (several times faster; same nodes, same
# marks), else the pure-Python one. Either way only nodes are made, never objects.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_BYTES = 1024 * 1024
MAX_NODES = 100_000
# a visit nests four levels; a hundred leaves room for anything sensible and keeps the
# conversion far from Python's recursion limit
MAX_DEPTH = 100
_STANDARD_TAG = "tag:yaml.org,2002:"
# tags the safe resolver gives plain values (or a user writes to force text); any other tag,
# `!!python/object/apply:...`, `!!binary` or `!!set` included, is refused
_PLAIN_TAGS = {_STANDARD_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp",
                                            "value", "map", "seq")} | {"!"}
_NULLS = {"", "~", "null", "Null", "NULL"}
# a key holding one of these could not be named on one line of a message
_ODD_KEY = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class Scalar(str):
    """A scalar as written, with its position (1-based) and whether it was quoted."""

    line: int
    col: int
    quoted: bool

    def __new__(cls, value: str, line: int = 0, col: int = 0, quoted: bool = False):
        obj = super().__new__(cls, value)
        obj.line, obj.col, obj.quoted = line, col, quoted
        return obj

    @property
    def is_null(self) -> bool:
        return not self.quoted and str(self) in _NULLS


class MapNode(dict):
    """A mapping; `keys` maps each key to its Scalar (for the key's own position)."""

    def __init__(self, line: int, col: int):
        super().__init__()
        self.line, self.col = line, col
        self.keys_at: dict[str, Scalar] = {}


class SeqNode(list):
    def __init__(self, line: int, col: int):
        super().__init__()
        self.line, self.col = line, col


def position(value) -> tuple[int, int]:
    return getattr(value, "line", 0), getattr(value, "col", 0)


def _mark(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Converter:
    def __init__(self, filename: str):
        self.filename = filename
        self.count = 0
        self.problems: list[Problem] = []   # problems that do not stop the reading
        self.active: list = []               # the nodes being converted, outermost first

    def fail(self, node, message: str, field: str = ""):
        line, col = _mark(node)
        raise ValidationFailed([*self.problems,
                                Problem(self.filename, line, col, field, message)])

    def check_tag(self, node, path: str) -> None:
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace(_STANDARD_TAG, "!!")
            self.fail(node, f"YAML tags such as {tag} are not allowed; write plain values",
                      path)

    def convert(self, node, path: str = ""):
        self.count += 1
        if self.count > MAX_NODES:
            self.fail(node, f"the file expands to more than {MAX_NODES} values "
                            "(anchors and aliases repeated too often)", path)
        self.check_tag(node, path)
        line, col = _mark(node)
        if isinstance(node, yaml.ScalarNode):
            return Scalar(node.value, line, col, node.style in ("'", '"', "|", ">"))
        if any(node is outer for outer in self.active):
            self.fail(node, "an alias (*name) refers to the value that contains it, which "
                            "would never end; repeat the values instead", path)
        if len(self.active) >= MAX_DEPTH:
            top = path.split("[")[0].split(".")[0]   # the full path would be 100 levels long
            self.fail(node, f"values nest more than {MAX_DEPTH} levels deep", top)
        self.active.append(node)
        try:
            return self._collection(node, path, line, col)
        finally:
            self.active.pop()

    def _collection(self, node, path: str, line: int, col: int):
        if isinstance(node, yaml.SequenceNode):
            seq = SeqNode(line, col)
            for i, item in enumerate(node.value):
                seq.append(self.convert(item, f"{path}[{i}]"))
            return seq
        mapping = MapNode(line, col)
        for key_node, value_node in node.value:
            if key_node.tag == _STANDARD_TAG + "merge":
                self._merge(mapping, value_node, path)
                continue
            self.check_tag(key_node, path)
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, "a key must be a plain word", path)
            if _ODD_KEY.search(key_node.value):
                self.fail(key_node, f"the key {key_node.value!r} holds a line break or a "
                          "control character; a key must be a plain word", path)
            kline, kcol = _mark(key_node)
            key = Scalar(key_node.value, kline, kcol, key_node.style not in (None, ""))
            if key in mapping and key in mapping.keys_at and not getattr(
                    mapping.keys_at[key], "merged", False):
                first = mapping.keys_at[key]
                self.problems.append(Problem(
                    self.filename, kline, kcol, _join(path, key),
                    f"duplicate key '{key}' (first given at line {first.line})"))
                continue
            mapping[str(key)] = self.convert(value_node, _join(path, key))
            mapping.keys_at[str(key)] = key
        return mapping

    def _merge(self, mapping: MapNode, node, path: str) -> None:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                self.fail(source, "'<<' must merge a mapping", path)
            merged = self.convert(source, path)
            for key, value in merged.items():
                if key not in mapping:
                    mapping[key] = value
                    k = merged.keys_at[key]
                    k.merged = True
                    mapping.keys_at[key] = k


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else str(key)


def _too_big(label: str, size: int) -> ValidationFailed:
    return ValidationFailed([Problem(label, 0, 0, "", f"is {size // 1024} KiB; a visit or "
                                     "configuration file may be at most 1 MiB")])


def read_bytes(path: Path, label: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file no larger than `limit`. A device, a pipe or a folder is
    refused before anything is read (opening does not wait for a pipe's writer), and never
    more than `limit` + 1 bytes are read, whatever the file claims."""
    def fail(message: str) -> ValidationFailed:
        return ValidationFailed([Problem(label, 0, 0, "", message)])

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise fail("no such file") from None
    except IsADirectoryError:
        raise fail("is a folder, not a YAML file") from None
    except (OSError, ValueError) as exc:   # ValueError: a NUL in the path
        raise fail(f"cannot be read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        mode = os.fstat(fd)
        if stat.S_ISDIR(mode.st_mode):
            raise fail("is a folder, not a YAML file")
        if not stat.S_ISREG(mode.st_mode):
            raise fail("is not a regular file (a device, a pipe or a socket); give a "
                       "YAML file")
        if mode.st_size > limit:
            raise _too_big(label, mode.st_size)
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, left)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise fail(f"cannot be read: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > limit:   # it grew while we read
        raise _too_big(label, len(data))
    return data


def read_text(path: Path, label: str) -> str:
    """Read a UTF-8 file no larger than 1 MiB, or fail with one clear problem."""
    return decode_text(read_bytes(path, label), label)


def decode_text(data: bytes, label: str) -> str:
    """UTF-8 bytes (at most 1 MiB, a byte-order mark allowed) as text, or one problem."""
    if len(data) > MAX_BYTES:      # read up to the limit and one byte: "over", not a size
        raise ValidationFailed([Problem(label, 0, 0, "", "is over 1 MiB; a visit or "
                                        "configuration file may be at most 1 MiB")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ValidationFailed([Problem(label, line, col, "", "is not UTF-8 text; "
                                        "save it as UTF-8")]) from None
    return text


def load_text(text: str, label: str, what: str = "a visit file",
              keys: str = "`title:` and `guests:`") -> MapNode:
    """Parse YAML text whose top level must be a mapping. `what` and `keys` name the kind
    of file in the messages for an empty file or a top level that is not a mapping."""
    try:
        node = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = exc.problem or exc.context or "invalid YAML"
        raise ValidationFailed([Problem(label, line, col, "", f"invalid YAML: {what}")]) from None
    except yaml.reader.ReaderError as exc:   # a character YAML does not allow, by offset
        line, col = line_col(text, exc.position)
        raise ValidationFailed([Problem(label, line, col, "", "invalid YAML: "
                                        f"{_character(exc.character)} is not allowed in a "
                                        "YAML file")]) from None
    except yaml.YAMLError as exc:
        raise ValidationFailed([Problem(label, 0, 0, "", f"invalid YAML: {exc}")]) from None
    if node is None or (isinstance(node, yaml.ScalarNode) and not node.style
                        and node.value in _NULLS):   # nothing, or only `---`
        hint = " (run `visitplan new` for a start)" if what == "a visit file" else ""
        raise ValidationFailed([Problem(label, 0, 0, "", f"is empty; {what} is a YAML "
                                        f"mapping of keys such as {keys}{hint}")])
    if not isinstance(node, yaml.MappingNode):
        line, col = _mark(node)
        raise ValidationFailed([Problem(label, line, col, "", "the top level must be a mapping "
                                        f"of keys such as {keys}")])
    converter = _Converter(label)
    mapping = converter.convert(node)
    if converter.problems:
        raise ValidationFailed(converter.problems)
    return mapping


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    offset = max(0, min(offset, len(text)))
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _character(char) -> str:
    code = char if isinstance(char, int) else ord(char)
    if code == 0:
        return "a NUL character (U+0000)"
    return f"the control character U+{code:04X}"


def load_file(path: Path, label: str | None = None, what: str = "a visit file",
              keys: str = "`title:` and `guests:`") -> MapNode:
    label = label or str(path)
    return load_text(read_text(path, label), label, what, keys)
