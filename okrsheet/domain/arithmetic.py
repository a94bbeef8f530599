"""Spreadsheet arithmetic reproduced in Python: comparisons to 15 digits, text equality
ignoring case, blanks, numbers, error values and TRIM, as LibreOffice and Excel compute them."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# Public API: comparisons


def approx_equal(a: float, b: float) -> bool:
    """Equal as a spreadsheet compares numbers (about 15 significant digits)."""
    if a == b:
        return True
    if a == 0.0 or b == 0.0 or (a < 0) != (b < 0):
        return False
    difference = abs(a - b)
    if not math.isfinite(difference):
        return False
    return difference < abs(a) * 2.0**-48 and difference < abs(b) * 2.0**-48


def approx_sub(a: float, b: float) -> float:
    """``a - b`` as a spreadsheet computes it: nearly equal numbers give exactly 0."""
    if ((a < 0 and b < 0) or (a > 0 and b > 0)) and approx_equal(a, b):
        return 0.0
    return a - b


def at_least(a: float, b: float) -> bool:
    """``a >= b`` as a spreadsheet compares."""
    return a > b or approx_equal(a, b)


def at_most(a: float, b: float) -> bool:
    """``a <= b`` as a spreadsheet compares."""
    return a < b or approx_equal(a, b)


def same_text(a: str, b: str) -> bool:
    """``a = b`` on text, as a spreadsheet compares: case does not matter."""
    return a.casefold() == b.casefold()


# Public API: cell values the rules see


@dataclass(frozen=True, slots=True)
class CellError:
    """An error value in a cell (``#DIV/0!``, ``#N/A``...): it makes its key result "check input".

    Only the error values spreadsheets have are kept (:data:`ERROR_VALUES`); any other text
    a file claims as an error becomes ``#VALUE!``, so nothing from a file is ever written
    back as a formula."""

    text: str

    def __post_init__(self) -> None:
        if self.text not in ERROR_VALUES:
            object.__setattr__(self, "text", "#VALUE!")

    def __str__(self) -> str:
        return self.text


ERROR_VALUES = frozenset((
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"))
"""The error values Excel, LibreOffice and Google Sheets store in a file."""


def is_number(value: object) -> bool:
    """``ISNUMBER``: a number (a date is one too); text, blanks and errors are not, nor
    TRUE/FALSE (as in Excel and Google Sheets; LibreOffice counts them as 1 and 0)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def is_blank(value: object) -> bool:
    """A blank cell, or a formula showing nothing."""
    return value is None or value == ""


# Private API


def trim(text: str) -> str:
    """``TRIM``: outer spaces removed, inner runs of spaces made one."""
    return _SPACES.sub(" ", text.strip(" "))


_SPACES = re.compile(" {2,}")
