"""Text from workbooks and file names, made inert for where it is shown.

A cell or a file name can hold control characters: ``ESC`` sequences that set the terminal's
title or clear the screen, a carriage return that fakes a line, a right-to-left override
that reverses what follows. Wherever okrsheet shows such text to a person (the terminal,
markdown, HTML, CSV, messages) they are written as visible escapes (``\\x1b``, ``\\r``,
``\\u202e``); JSON and workbooks keep the text exactly (JSON escapes them its own way).
:mod:`okrsheet.outputs.escape` has the one helper per output format built on :func:`visible`.

    >>> visible("Sales\\x1b]0;owned\\x07")
    'Sales\\\\x1b]0;owned\\\\x07'
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

# C0 (tab, newline and carriage return included), DEL, C1; every bidi control (the Arabic
# letter mark, the left-to-right and right-to-left marks, embeddings, overrides, isolates);
# the invisible ones that hide or join text (zero-width space, word joiner, invisible
# operators, the deprecated format characters, the byte order mark, interlinear
# annotations); the line and paragraph separators; and lone surrogates, which no terminal
# or file encoding can write.
_BEYOND_C0 = ("\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064"
              "\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff")
_CONTROL = re.compile(f"[\x00-\x1f{_BEYOND_C0}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_JSON_RAW = re.compile(f"[{_BEYOND_C0}]")  # what JSON leaves raw (it escapes C0 itself)

# Public API


def visible(text: object) -> str:
    """``text`` with every control character written as a visible escape."""
    text = str(text)
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(_escape, text)


def shown(value: Any) -> Any:
    """``value`` with :func:`visible` applied to every text in it: strings, and the strings
    in lists, tuples, dicts, dataclasses and pandas DataFrames (for terminal renderers)."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {key: shown(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(shown(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {field.name: shown(getattr(value, field.name))
                   for field in dataclasses.fields(value) if field.init}
        return dataclasses.replace(value, **changes)
    if type(value).__name__ == "DataFrame":
        return value.map(lambda item: visible(item) if isinstance(item, str) else item)
    return value


def finite(value: Any) -> Any:
    """``value`` with NaN and infinity (in floats, lists, tuples and dicts) as None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(item) for item in value]
    return value


class Batches:
    """A JSON array whose items come a list at a time, for :func:`write_json`: only one
    batch is in memory while the array is written."""

    def __init__(self, batches: Iterable[list[Any]]) -> None:
        self.batches = batches


def json_text(document: Any, indent: int | None = 2) -> str:
    """Always valid JSON: NaN and infinity as ``null``, other values JSON has no type for as
    their text; the text kept exactly, with the control characters JSON would leave raw
    (DEL, C1, bidi) written as ``\\uXXXX``."""
    parts: list[str] = []
    write_json(document, parts.append, indent)
    return "".join(parts)


def write_json(document: Any, write: Callable[[str], object], indent: int | None = 2) -> None:
    """Write the JSON of :func:`json_text` by pieces, ``write(text)`` after ``write(text)``: a
    :class:`Batches` in ``document`` (or in a dict in it) is written a batch at a time, so
    the whole text is never in memory; the text is the same as ``json.dumps`` would give
    for the batches as one list."""
    _write_value(document, write, indent, 0)


# Private API


def _dumps(value: Any, indent: int | None, depth: int) -> str:
    """``value``'s JSON as it reads ``depth`` levels down a document."""
    options: dict[str, Any] = {"indent": indent, "ensure_ascii": False, "allow_nan": False,
                               "default": str}  # a date, an error cell (#DIV/0!): as its text
    try:  # most documents have no NaN: walk them for one only when json refuses
        text = json.dumps(value, **options)
    except ValueError:
        text = json.dumps(finite(value), **options)
    if indent and depth:  # JSON text has no raw newline but between its lines
        text = text.replace("\n", "\n" + " " * (indent * depth))
    return _JSON_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _write_value(value: Any, write: Callable[[str], object], indent: int | None,
                 depth: int) -> None:
    if isinstance(value, Batches):
        _write_array(value, write, indent, depth)
    elif isinstance(value, dict) and _holds_batches(value):
        _write_object(value, write, indent, depth)
    else:
        write(_dumps(value, indent, depth))


def _holds_batches(value: Any) -> bool:
    return isinstance(value, Batches) or (
        isinstance(value, dict) and any(_holds_batches(item) for item in value.values()))


def _write_object(document: dict[str, Any], write: Callable[[str], object],
                  indent: int | None, depth: int) -> None:
    inner = "" if indent is None else "\n" + " " * (indent * (depth + 1))
    separator = ", " if indent is None else ","  # as json.dumps separates
    write("{")
    for number, (key, value) in enumerate(document.items()):
        write(f"{separator if number else ''}{inner}{_dumps(key, None, 0)}: ")
        _write_value(value, write, indent, depth + 1)
    write(("" if indent is None else "\n" + " " * (indent * depth)) + "}")


def _write_array(array: Batches, write: Callable[[str], object], indent: int | None,
                 depth: int) -> None:
    """Each batch as json.dumps writes a list, less its brackets, joined as one list."""
    closing = "]" if indent is None else "\n" + " " * (indent * depth) + "]"
    separator = ", " if indent is None else ","
    started = False
    for batch in array.batches:
        if not batch:
            continue
        text = _dumps(list(batch), indent, depth)
        write(("[" if not started else separator) + text[1:len(text) - len(closing)])
        started = True
    write(closing if started else "[]")


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
