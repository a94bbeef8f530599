"""The labelled cells at the top of the OKRs sheet: team, quarter, its dates, thresholds."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from okrsheet.domain import scoring
from okrsheet.domain.model import TeamQuarter
from okrsheet.domain.problems import ERROR, WARNING
from okrsheet.domain.quarter import Quarter, QuarterError, fiscal_year_start_of
from okrsheet.sheet import layout
from okrsheet.sheet.cells import number_text, parse_number, serial_date, shown

Fields = dict[str, tuple[object, int, int]]
"""Field key -> (value, row index, column index) as found beside its label."""
Report = Callable[..., Any]
"""``report(severity, column key, row index, message, code, column=...)``: the reader's problem."""


def read_settings(tq: TeamQuarter, fields: Fields, problem: Report,
                  dates_from_1904: Callable[[], bool] = lambda: False) -> None:
    """Team, quarter, dates and thresholds from the labelled cells, into ``tq``.

    ``dates_from_1904`` tells (when asked) whether the workbook counts dates from 1904.
    """
    tq.team = _text(fields.get("team", (None,))[0])
    tq.quarter = _text(fields.get("quarter", (None,))[0])
    tq.quarter_start = _date(problem, fields, "quarter_start", "Quarter start", dates_from_1904)
    tq.quarter_end = _date(problem, fields, "quarter_end", "Quarter end", dates_from_1904)
    tq.as_of = _date(problem, fields, "as_of", "As of", dates_from_1904)
    if tq.as_of is None and "as_of" in fields and fields["as_of"][0] not in (None, ""):
        tq.as_of_entry = fields["as_of"][0]  # not a date: kept as typed
    if tq.quarter and (tq.quarter_start is None or tq.quarter_end is None):
        _derive_dates(problem, tq)
    level = _text(fields.get("level", (None,))[0])
    if level is not None and level.casefold() in layout.LEVELS:
        tq.level = level.casefold()
    elif level is not None:
        _, row, column = fields["level"]
        problem(WARNING, None, row, f"Level is {shown(level)}; pick company, team or person. "
                "Read as team.", "BAD-LEVEL", column=column)
    for key, label, default in (("green_from", "Green from", scoring.GREEN_FROM),
                                ("orange_from", "Orange from", scoring.ORANGE_FROM)):
        setattr(tq, key, _threshold(problem, fields, key, label, default))


def _date(problem: Report, fields: Fields, key: str, label: str,
          dates_from_1904: Callable[[], bool]) -> dt.date | None:
    if key not in fields:
        return None
    value, row, column = fields[key]
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        day = serial_date(value)
        return day + dt.timedelta(days=1462) if dates_from_1904() else day
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            problem(WARNING, None, row, f'{label} "{value}" is text; read as {day}. '
                    "Type it as a date.", "TEXT-DATE", column=column)
            return day
    problem(ERROR, None, row, f"{label} is {shown(value)}; type a date like 2027-01-01.",
            "NOT-A-DATE", column=column)
    return None


def _derive_dates(problem: Report, tq: TeamQuarter) -> None:
    try:
        period = Quarter.parse(tq.quarter or "")
    except QuarterError:
        problem(WARNING, None, None, f'Quarter "{tq.quarter}" is not like 2027-Q1 and '
                "the quarter's dates are missing; pace can't be computed.", "BAD-QUARTER")
        return
    fiscal_start = 1
    if tq.quarter_start is not None:
        fiscal_start = fiscal_year_start_of(period.number, tq.quarter_start)
    elif tq.quarter_end is not None:
        first_month = (tq.quarter_end.month - 3) % 12 + 1
        fiscal_start = fiscal_year_start_of(period.number, dt.date(2000, first_month, 1))
    period = Quarter(period.year, period.number, fiscal_start)
    tq.quarter_start = tq.quarter_start or period.start
    tq.quarter_end = tq.quarter_end or period.end


def _threshold(problem: Report, fields: Fields, key: str, label: str, default: float) -> float:
    """A threshold as the sheet's comparisons use it: blank is 0 (everything reaches it), text
    is above every number (nothing reaches it); both are errors the Sheet check shows too."""
    if key not in fields:
        return default
    value, row, column = fields[key]
    if value in (None, ""):
        problem(ERROR, None, row, f"{label} is blank, which the sheet counts as 0%; type a "
                f"percentage like {default:.0%}.", "BAD-THRESHOLD", column=column)
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        number, _ = parse_number(value)
        hint = f"type {number:.0%} as a number" if number is not None and math.isfinite(number) \
            else f"type a percentage like {default:.0%}"
        problem(ERROR, None, row, f"{label} is {shown(value)}, not a number, so the sheet can't "
                f"compare scores with it; {hint}.", "BAD-THRESHOLD", column=column)
        return math.inf
    number = float(value)
    if number > 1:
        problem(WARNING, None, row, f"{label} is {number_text(number)}, more than 100%; "
                f"did you mean {number / 100:.0%}?", "BAD-THRESHOLD", column=column)
    return number


def _text(value: object) -> str | None:
    """A cell as text (numbers without a trailing .0); None for blank."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)
    return text.strip() or None
