"""JSON for programs: always valid, the text kept exactly, written a piece at a time.

NaN and infinity are ``null``; a date or an error cell (``#DIV/0!``) is its text; the
control characters JSON leaves raw (DEL, C1, bidi: see :mod:`okrsheet.domain.text`) are
written as ``\\uXXXX``, so the JSON can be printed to a terminal as it is. A
:class:`Batches` in a document is written a batch at a time (``okrsheet summary --format
json`` of many thousand workbooks never holds the whole text).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from okrsheet.domain.text import BEYOND_C0

__all__ = ["Batches", "finite", "json_text", "write_json"]

_JSON_RAW = re.compile(f"[{BEYOND_C0}]")  # what JSON leaves raw (it escapes C0 itself)

# Public API


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
