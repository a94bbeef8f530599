"""Cell values as people type them: numbers typed as text, dates, and how to show values.

Pure functions shared by the reader, ``okrsheet fix`` and every output.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re

from okrsheet.domain.arithmetic import CellError

# Public API


def parse_number(value: object) -> tuple[float | None, bool]:
    """A cell value as a number: ``(number, was_text)``; ``(None, True)`` if it isn't one.

    Understands numbers typed as text: ``"45"``, ``"45%"`` (0.45), ``"1,200,000"``,
    ``"1 200"``, ``"€1,200"``, ``"1.200,50"``, ``"20,5"``, ``"12.5k"`` (12500), ``"-3"``.
    A text that could be read two ways (``"1.200"``: 1.2 or 1200?) is not a number.
    """
    if isinstance(value, bool):
        return (1.0 if value else 0.0), False
    if isinstance(value, (int, float)):
        return float(value), False
    if not isinstance(value, str):
        return None, True
    text = value.strip().replace("\u00a0", " ").replace("\u202f", " ")
    match = _NUMBER_RE.match(text)
    if not match:
        return None, True
    sign, digits, suffix = match.group("sign"), match.group("digits"), match.group("suffix")
    number = _digits(digits.strip())
    if number is None:
        return None, True
    number *= {"": 1, "%": 0.01, "k": 1e3, "m": 1e6}[suffix.casefold()]
    return (-number if sign == "-" else number), True


_DAY_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def text_date(value: object) -> dt.date | None:
    """A date typed as text, when it can be read only one way: ``2027-02-19``,
    ``19/02/2027`` (the day is past 12), ``02/19/2027``; None for ``03/04/2027`` (3 April or
    4 March?) and anything that is not a date."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        pass
    match = _DAY_MONTH_YEAR.match(value)
    if match is None:
        return None
    first, second, year = (int(part) for part in match.groups())
    readings = set()
    for day, month in ((first, second), (second, first)):
        try:
            readings.add(dt.date(year, month, day))
        except ValueError:
            continue
    return readings.pop() if len(readings) == 1 else None


def date_serial(day: dt.date | dt.datetime) -> float:
    """A date as the number a spreadsheet stores (1900 date system): 2027-01-01 -> 46388."""
    if isinstance(day, dt.datetime):
        delta = day - dt.datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400
    return float((day - dt.date(1899, 12, 30)).days)


def serial_date(serial: float) -> dt.date:
    """The date of a spreadsheet date number (1900 date system)."""
    return dt.date(1899, 12, 30) + dt.timedelta(days=int(serial))


def number_text(number: float) -> str:
    """A number as a person reads it: ``1200000``, ``20.5``, ``0.125`` (no exponent)."""
    if not math.isfinite(number):
        return str(number)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    text = f"{number:.10f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else repr(number)


def shown(value: object) -> str:
    """A cell's value quoted as typed, for messages: ``"1,200"`` (text), ``12``, ``#N/A``, blank."""
    if value is None or value == "":
        return "blank"
    if isinstance(value, CellError):
        return value.text
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return number_text(value)
    return str(value)


def round_half_away(number: float, digits: int = 0) -> float:
    """Round as spreadsheets do (``ROUND``): halves away from zero, 0.125 -> 0.13 at 2 digits."""
    quantum = decimal.Decimal(1).scaleb(-digits)
    rounded = decimal.Decimal(repr(number)).quantize(quantum, rounding=decimal.ROUND_HALF_UP)
    return float(rounded)


def percent(share: float | None, blank: str = "-") -> str:
    """A share as the sheet's ``0%`` format shows it: 0.125 -> ``13%``; None -> ``blank``."""
    if share is None or not math.isfinite(share):
        return blank
    return f"{round_half_away(share * 100):.0f}%"


# Private API

_NUMBER_RE = re.compile(
    r"^(?P<sign>[+-]?)\s*[€$£]?\s*(?P<digits>\d[\d ,.']*|[.,]\d+)\s*(?P<suffix>%|[kKmM]?)\s*"
    r"(?:EUR|USD|GBP|CHF|€|\$|£)?$"
)


def _digits(text: str) -> float | None:
    """``1,200,000`` / ``1 200`` / ``1.200,5`` / ``20,5`` / ``1200.5`` to a float; None when
    the text is not a number or could be read two ways (``1,200`` or ``1.200``)."""
    for separator in (" ", "'"):
        if separator in text:
            groups = text.split(separator)
            if not all(len(group.split(",")[0].split(".")[0]) == 3 for group in groups[1:]):
                return None
            text = text.replace(separator, "")
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        # Whichever comes last is the decimal mark.
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif commas > 1 or dots > 1:
        separator = "," if commas else "."
        groups = text.split(separator)
        if not all(len(group) == 3 for group in groups[1:]) or not groups[0]:
            return None
        text = text.replace(separator, "")  # thousands: 1,200,000 or 1.200.000
    elif commas or dots:
        separator = "," if commas else "."
        whole, fraction = text.split(separator)
        if len(fraction) == 3 and whole not in ("", "0"):
            return None  # 1,200 or 1.200: thousands in one locale, a decimal in another
        text = f"{whole or '0'}.{fraction}"
    try:
        return float(text)
    except ValueError:
        return None
