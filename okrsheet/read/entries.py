"""What is wrong with one input cell of a key-result row, in words a person can act on.

Pure: given the key result, the column, the value as the sheet's formulas see it and the
cell as read, it returns ``(severity, message, code)`` or None. The reader places it at the
cell.
"""

from __future__ import annotations

import datetime as dt

from okrsheet.domain import scoring
from okrsheet.domain.arithmetic import CellError
from okrsheet.domain.model import KeyResult
from okrsheet.domain.problems import ERROR, WARNING
from okrsheet.sheet import layout
from okrsheet.sheet.cells import number_text, parse_number, shown

NUMBER_KEYS = tuple(column.key for column in layout.COLUMNS if column.cell == layout.NUMBER)
"""Input columns that hold numbers (check-ins and Current too, unless a milestone)."""
ENTRY_KEYS = NUMBER_KEYS + layout.CHECK_IN_KEYS + ("current",)


def entry_problem(kr: KeyResult, key: str, value: object, cell: object,
                  check: str | None) -> tuple[str, str, str] | None:
    """The problem with ``kr``'s ``key`` cell, or None.

    ``value`` is the cell as the formulas see it (a date is its number), ``cell`` as read (a
    date is a date), ``check`` the key result's Input check. An entry behind the Input check
    is an error; one the score does not use (an earlier check-in) is a warning.
    """
    label = layout.COLUMN_OF[key].header
    if value is None or (key == "current" and kr.current is None):
        return None  # a Current that follows a check-in: the check-in's own problem says it
    if isinstance(value, CellError):
        return (ERROR, f"{label} holds the error value {value.text}, so the key result is check "
                "input. Fix the cell's formula or type a value.", "ERROR-VALUE")
    if isinstance(cell, (dt.date, dt.datetime)):
        day = cell.date() if isinstance(cell, dt.datetime) else cell
        return (ERROR, f"{label} is a date ({day.isoformat()}), which the sheet counts as the "
                f"number {number_text(float(value))}; type a number without the date "  # type: ignore[arg-type]
                "format.", "DATE-NOT-NUMBER")
    used = key in NUMBER_KEYS or key == "current" or is_latest(kr, key)
    if key in layout.CHECK_IN_KEYS or key == "current":
        if (kr.type or "").casefold() == "milestone":
            if scoring.milestone_state(value) is not None:
                return None
            return (ERROR if used else WARNING,
                    f"{label} is {shown(value)}, neither done nor not done for a milestone; type "
                    f"done ({', '.join(scoring.MILESTONE_DONE)}, 1) or not done "
                    f"({', '.join(scoring.MILESTONE_NOT_DONE)}, 0).", "BAD-MILESTONE")
    if isinstance(value, bool):
        return (ERROR if used else WARNING, f"{label} is {shown(value)}, which is not a number; "
                "type 1 or 0.", "NOT-A-NUMBER")
    if not isinstance(value, str):
        return None
    number, _ = parse_number(value)
    severity = ERROR if used or check == label else WARNING
    if number is None:
        code = "BAD-WEIGHT" if key == "weight" else "NOT-A-NUMBER"
        return severity, f"{label} is {shown(value)}; type a number.", code
    return (severity, f"{label} {shown(value)} is text, so the sheet can't score it; type "
            f"{number_text(number)} as a number, or run okrsheet fix.", "TEXT-NUMBER")


def is_latest(kr: KeyResult, key: str) -> bool:
    """Is ``key`` the check-in column Current follows?"""
    return bool(kr.check_ins) and key == f"week_{max(kr.check_ins)}" and kr.current is None \
        and kr.follows_check_ins
