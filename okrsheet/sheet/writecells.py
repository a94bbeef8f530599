"""Writing one cell with XlsxWriter as okrsheet always does: user text as text, numbers
as typed, error values as errors, blanks as blanks."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from okrsheet.domain import scoring
from okrsheet.sheet.cells import date_serial

# Public API


def write_text(sheet: Any, where: str, value: object, fmt: Any) -> None:
    """A text cell as typed: always text (never a formula), an error value, or blank."""
    if value is None or value == "":
        sheet.write_blank(where, None, fmt)
    elif isinstance(value, scoring.CellError):
        sheet.write_formula(where, f"={value.text}", fmt, value.text)
    else:
        sheet.write_string(where, _plain_text(value), fmt)


def write_value(sheet: Any, where: str, value: object, fmt: Any) -> None:
    """A number cell as it was typed: a number, text (kept as text), an error, or blank."""
    if value is None or value == "":
        sheet.write_blank(where, None, fmt)
    elif isinstance(value, scoring.CellError):
        sheet.write_formula(where, f"={value.text}", fmt, value.text)
    elif isinstance(value, str):
        sheet.write_string(where, value, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(where, value, fmt)
    elif isinstance(value, (int, float)) and math.isfinite(value):
        sheet.write_number(where, value, fmt)
    else:
        sheet.write_string(where, str(value), fmt)


def cached_result(value: object) -> object:
    """A formula's cached result for XlsxWriter: blank as "", an error as its text."""
    if value is None:
        return ""
    if isinstance(value, scoring.CellError):
        return value.text
    return value


# Private API


def _plain_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def serial(day: dt.date) -> float:
    """Spreadsheet date serial (1900 date system)."""
    return date_serial(day)
