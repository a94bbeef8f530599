"""Text from workbooks and file names, made inert for where it is shown.

A cell or a file name can hold control characters: ``ESC`` sequences that set the terminal's
title or clear the screen, a carriage return that fakes a line, a right-to-left override
that reverses what follows. Wherever okrsheet shows such text to a person (the terminal,
markdown, HTML, CSV, messages) they are written as visible escapes (``\\x1b``, ``\\r``,
``\\u202e``); JSON and workbooks keep the text exactly (JSON escapes them its own way).

:func:`visible` lives in the domain, the lowest layer, because every layer writes messages
that quote a workbook's text (a change, a problem, an email's subject); all rendering is in
``okrsheet/outputs``: :mod:`okrsheet.outputs.escape` has the one helper per output format
built on :func:`visible`, :mod:`okrsheet.outputs.json_document` writes JSON.

    >>> visible("Sales\\x1b]0;owned\\x07")
    'Sales\\\\x1b]0;owned\\\\x07'
"""

from __future__ import annotations

import re

__all__ = ["visible", "BEYOND_C0"]

# C0 (tab, newline and carriage return included), DEL, C1; every bidi control (the Arabic
# letter mark, the left-to-right and right-to-left marks, embeddings, overrides, isolates);
# the invisible ones that hide or join text (zero-width space, word joiner, invisible
# operators, the deprecated format characters, the byte order mark, interlinear
# annotations); the line and paragraph separators; and lone surrogates, which no terminal
# or file encoding can write.
BEYOND_C0 = ("\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064"
             "\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff")
"""The control characters past C0, as a regular expression's character ranges: what
:mod:`json` leaves raw (it escapes C0 itself)."""
_CONTROL = re.compile(f"[\x00-\x1f{BEYOND_C0}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

# Public API


def visible(text: object) -> str:
    """``text`` with every control character written as a visible escape."""
    text = str(text)
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(_escape, text)


# Private API


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
