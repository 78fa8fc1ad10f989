"""A small schema language: one definition converts YAML nodes into typed values,
collects every problem with its line and column, and exports JSON Schema for editors.

Each field type reads the string the user wrote (see loader.Scalar), so YAML 1.1 guesses
never reach the model: a country stays `NO`, a time stays `10:35`.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field as dc_field
from typing import Any, Callable

from visitplan.errors import Problem
from visitplan.visit.loader import MapNode, Scalar, SeqNode, position


@dataclass
class Context:
    filename: str
    problems: list[Problem] = dc_field(default_factory=list)

    def error(self, node, path: str, message: str) -> None:
        line, col = position(node)
        self.problems.append(Problem(self.filename, line, col, path, message))

    def warn(self, node, path: str, message: str) -> None:
        line, col = position(node)
        self.problems.append(Problem(self.filename, line, col, path, message, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


# what `visitplan new` writes for the user to fill in: <like this>, <name in the guest's own
# script>, <rep@your-company.example>; not markup such as <a href="..."> or </b>
PLACEHOLDER = re.compile(r"<[^<>=\"/\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+>")
# inside a longer value only a placeholder of several words counts (`Kim <as in the
# passport>`); `a <b> c` is text
_PLACEHOLDER_INSIDE = re.compile(r"<[^<>=\"/\s]*[ \t][^<>=\"/\n\r\x0b\x0c\x1c-\x1e\x85"
                                 r"\u2028\u2029]*>")
# C0 and C1 control characters and DEL; tab is text, and what Python counts as a line break
# (LF, CR, VT, FF, FS, GS, RS, NEL) has its own rule: one-line text refuses it, and
# multi-line text keeps only LF and CR (_ODD_BREAKS)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
_ODD_BREAKS = re.compile(r"[\x0b\x0c\x1c-\x1e\x85]")


class Invalid(Exception):
    """Internal: a value could not be converted; the problem is already recorded."""


def _describe(value) -> str:
    if isinstance(value, MapNode):
        return "a mapping"
    if isinstance(value, SeqNode):
        return "a list"
    return repr(str(value))


class Field:
    description = ""
    # a placeholder that is the whole value, or one of several words inside it; multi-line
    # text (which may quote markup) only counts the first; None: never (a mailbox)
    placeholder_inside: bool | None = True

    def __init__(self, description: str = "", default: Any = None):
        self.description = description
        self.default = default

    def convert(self, value, path: str, ctx: Context):
        raise NotImplementedError

    def scalar(self, value, path: str, ctx: Context, expected: str) -> Scalar:
        if not isinstance(value, Scalar):
            ctx.error(value, path, f"expected {expected}, found {_describe(value)}")
            raise Invalid
        control = _CONTROL.search(str(value))
        if control:
            ctx.error(value, path, "contains a control character "
                      f"(U+{ord(control.group()):04X}); remove it")
            raise Invalid
        text = str(value).strip()
        found = None if self.placeholder_inside is None else (
            PLACEHOLDER.fullmatch(text)
            or (self.placeholder_inside and _PLACEHOLDER_INSIDE.search(text)))
        if found:
            ctx.error(value, path, f"still holds the placeholder {found.group()}; "
                      f"fill in {expected}")
            raise Invalid
        return value

    def json_schema(self) -> dict:
        raise NotImplementedError

    def _doc(self, schema: dict) -> dict:
        if self.description:
            schema["description"] = self.description
        return schema


class Str(Field):
    """Text on one line (`header=True`, the default, refuses CR and LF) or several."""

    def __init__(self, description="", default=None, multiline=False, max_len=2000,
                 pattern: str | None = None, pattern_hint: str = ""):
        super().__init__(description, default)
        self.multiline, self.max_len = multiline, max_len
        self.placeholder_inside = not multiline
        self.pattern, self.pattern_hint = pattern, pattern_hint

    def convert(self, value, path, ctx):
        s = self.scalar(value, path, ctx, "text")
        text = str(s).strip() if not self.multiline else str(s).rstrip()
        if not text:
            ctx.error(value, path, "is empty; give a value or leave the key out")
            raise Invalid
        if not self.multiline and len(f"{text}x".splitlines()) > 1:   # CR, LF, U+2028, ...
            ctx.error(value, path, "must be on one line (line breaks are not allowed here)")
            raise Invalid
        odd = _ODD_BREAKS.search(text)
        if odd:
            ctx.error(value, path, f"contains a control character (U+{ord(odd.group()):04X}); "
                      "remove it")
            raise Invalid
        if len(text) > self.max_len:
            ctx.error(value, path, f"is {len(text)} characters long; at most {self.max_len}")
            raise Invalid
        if self.pattern and not re.fullmatch(self.pattern, text):
            ctx.error(value, path, f"{text!r} is not {self.pattern_hint}")
            raise Invalid
        return text

    def json_schema(self):
        schema = {"type": "string", "minLength": 1, "maxLength": self.max_len}
        if self.pattern:
            schema["pattern"] = f"^(?:{self.pattern})$"
        return self._doc(schema)


class Enum(Field):
    def __init__(self, choices, description="", default=None):
        super().__init__(description, default)
        self.choices = list(choices)

    def convert(self, value, path, ctx):
        s = str(self.scalar(value, path, ctx, "one of " + ", ".join(self.choices))).strip()
        if s in self.choices:
            return s
        folded = {c.lower(): c for c in self.choices}
        if s.lower() in folded:
            return folded[s.lower()]
        ctx.error(value, path, f"{s!r} is not one of {', '.join(self.choices)}"
                  + did_you_mean(s, self.choices))
        raise Invalid

    def json_schema(self):
        return self._doc({"enum": self.choices})


_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}


class Bool(Field):
    def convert(self, value, path, ctx):
        s = str(self.scalar(value, path, ctx, "true or false")).strip().lower()
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
        ctx.error(value, path, f"{str(value)!r} is not true or false")
        raise Invalid

    def json_schema(self):
        return self._doc({"type": "boolean"})


class Int(Field):
    def __init__(self, description="", default=None, minimum=None, maximum=None):
        super().__init__(description, default)
        self.minimum, self.maximum = minimum, maximum

    def convert(self, value, path, ctx):
        s = str(self.scalar(value, path, ctx, "a whole number")).strip()
        if not re.fullmatch(r"[+-]?\d+", s):
            ctx.error(value, path, f"{s[:100]!r} is not a whole number")
            raise Invalid
        if len(s.lstrip("+-0")) > 18:   # int() refuses past 4300 digits; no setting needs 19
            ctx.error(value, path, f"{s[:30]}… is out of range {self.minimum} to "
                      f"{self.maximum}")
            raise Invalid
        n = int(s)
        if (self.minimum is not None and n < self.minimum) or (
                self.maximum is not None and n > self.maximum):
            ctx.error(value, path, f"{n} is out of range {self.minimum} to {self.maximum}")
            raise Invalid
        return n

    def json_schema(self):
        schema = {"type": "integer"}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        return self._doc(schema)


class Check(Field):
    """A string checked by a function that returns the converted value or raises ValueError."""

    def __init__(self, check: Callable[[str], Any], expected: str, description="",
                 default=None, json: dict | None = None,
                 placeholder_inside: bool | None = True):
        super().__init__(description, default)
        self.check, self.expected, self.json = check, expected, json or {"type": "string"}
        self.placeholder_inside = placeholder_inside

    def convert(self, value, path, ctx):
        s = str(self.scalar(value, path, ctx, self.expected)).strip()
        try:
            return self.check(s)
        except ValueError as exc:
            ctx.error(value, path, str(exc) or f"{s!r} is not {self.expected}")
            raise Invalid from None

    def json_schema(self):
        return self._doc(dict(self.json))


class List(Field):
    def __init__(self, item: Field, description="", default=None, min_items=0,
                 max_items=500, allow_single=False):
        super().__init__(description, default)
        self.item, self.min_items, self.max_items = item, min_items, max_items
        self.allow_single = allow_single

    def convert(self, value, path, ctx):
        if isinstance(value, Scalar) and self.allow_single:
            value_list = [value]
        elif not isinstance(value, SeqNode):
            ctx.error(value, path, f"expected a list, found {_describe(value)}")
            raise Invalid
        else:
            value_list = value
        if len(value_list) < self.min_items:
            ctx.error(value, path, f"needs at least {self.min_items} "
                      f"entr{'y' if self.min_items == 1 else 'ies'}")
            raise Invalid
        if len(value_list) > self.max_items:
            ctx.error(value, path, f"has {len(value_list)} entries; at most {self.max_items}")
            raise Invalid
        out, failed = [], False
        for i, item in enumerate(value_list):
            try:
                out.append(self.item.convert(item, f"{path}[{i}]", ctx))
            except Invalid:
                failed = True
        if failed:
            raise Invalid
        return out

    def json_schema(self):
        schema = {"type": "array", "items": self.item.json_schema(),
                  "maxItems": self.max_items}
        if self.min_items:
            schema["minItems"] = self.min_items
        if self.allow_single:
            schema = {"anyOf": [schema, self.item.json_schema()]}
        return self._doc(schema)


class Obj(Field):
    """A mapping with known keys. Unknown keys are errors with a "did you mean" hint."""

    def __init__(self, fields: dict[str, Field], required=(), description="", default=None,
                 extra: Field | None = None):
        super().__init__(description, default)
        self.fields, self.required, self.extra = fields, set(required), extra

    def convert(self, value, path, ctx):
        if not isinstance(value, MapNode):
            if isinstance(value, Scalar) and value.is_null:
                ctx.error(value, path, "is empty; expected a mapping of "
                          + ", ".join(self.fields) if self.fields else "is empty")
            else:
                ctx.error(value, path, f"expected a mapping, found {_describe(value)}")
            raise Invalid
        out, failed, suggested = {}, False, set()
        for key, item in value.items():
            sub = f"{path}.{key}" if path else key
            spec = self.fields.get(key, self.extra)
            if spec is None:
                hint = did_you_mean(key, list(self.fields))
                suggested.add(closest(key, list(self.fields)))
                if not hint and isinstance(item, Scalar) and item.is_null:
                    hint = ("; if it belongs to the value before it, put that value in quotes "
                            "(a comma separates entries inside {...})")
                ctx.error(value.keys_at[key], sub, f"unknown key '{key}'" + hint)
                failed = True
                continue
            if isinstance(item, Scalar) and item.is_null:
                if key in self.required:
                    ctx.error(value.keys_at[key], sub, "is required but empty")
                    failed = True
                continue
            try:
                out[key] = spec.convert(item, sub, ctx)
            except Invalid:
                failed = True
        for key in self.fields:
            # a misspelt key already says "did you mean"; no second line saying it is missing
            if key in self.required and key not in value and key not in suggested:
                sub = f"{path}.{key}" if path else key
                ctx.error(value, sub, "is required")
                failed = True
        if failed:
            raise Invalid
        for key, spec in self.fields.items():
            if key not in out and spec.default is not None:
                out[key] = spec.default() if callable(spec.default) else spec.default
        return out

    def json_schema(self):
        schema = {"type": "object",
                  "properties": {k: f.json_schema() for k, f in self.fields.items()},
                  "additionalProperties": self.extra.json_schema() if self.extra else False}
        if self.required:
            schema["required"] = sorted(self.required, key=list(self.fields).index)
        return self._doc(schema)


def closest(word: str, choices: list[str]) -> str | None:
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    if not close:
        close = [c for c in choices if c.lower() == str(word).lower()]
    return close[0] if close else None


def did_you_mean(word: str, choices: list[str]) -> str:
    close = closest(word, choices)
    return f"; did you mean '{close}'?" if close else ""
