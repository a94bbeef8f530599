"""The engine for .xlsx, .xlsm, .xlsb and .ods (:data:`okrsheet.read.engines.ENGINES`):
python-calamine reads the bytes the guard checked.

It finds the key-result table by its header texts, the Objectives table above it and the
labelled fields by their labels, so inserted rows and columns, reordered columns and renamed
sheets still read (:mod:`okrsheet.read.sheetreader`). Cells are read with python-calamine
(cached values only; error cells read as ``""``, so error values are found in the sheet's
XML when the sheet reports one).
"""

from __future__ import annotations

import io
import os
from typing import Any

from okrsheet.domain import scoring
from okrsheet.domain.problems import ERROR, Problem, UnreadableFile
from okrsheet.guard.safety import CheckedFile, Limits, check_workbook_file
from okrsheet.read.reading import MIN_HEADERS, Reading, header_key
from okrsheet.read.sheetreader import SheetReader
from okrsheet.sheet import layout
from okrsheet.sheet.owners import read_owners
from okrsheet.sheet.sidesheets import read_actions_checked, read_parents

__all__ = ["header_row", "read_calamine"]

# Public API


def read_calamine(path: str | os.PathLike[str], checked: CheckedFile, limits: Limits,
                  options: dict[str, Any]) -> Reading:
    """The engine for .xlsx, .xlsm, .xlsb and .ods: python-calamine reads the bytes the
    guard checked. ``options``: ``as_of``, ``side_sheets`` (False skips the Actions, Parents
    and Owners sheets) and ``actions`` (the Actions sheet or not, whatever ``side_sheets``
    says: the quarter-end summary counts overdue actions only)."""
    as_of = options.get("as_of")
    side_sheets = options.get("side_sheets", True)
    actions = options.get("actions")
    name = str(path)
    book = _open(path, checked.data, limits)
    try:
        found = _find_table(book, name, path, limits)
        if isinstance(found, Problem):
            return Reading(file=name, team_quarter=None, problems=[found], modified=checked.modified)
        reading = SheetReader(name, checked.data, *found).read(as_of)
        reading.modified = checked.modified
        if reading.team_quarter is None:
            return reading
        if side_sheets and layout.PARENTS_SHEET in book.sheet_names:
            reading.team_quarter.parent_choices = read_parents(book)
        wanted = side_sheets if actions is None else actions
        if wanted and layout.ACTIONS_SHEET in book.sheet_names:
            tq = reading.team_quarter
            tq.actions, found = read_actions_checked(
                book, name, [kr.id for kr in tq.key_results + tq.unassigned])
            reading.problems.extend(found)
        if side_sheets:
            reading.team_quarter.owners = read_owners(book)
        return reading
    finally:
        close = getattr(book, "close", None)
        if close is not None:
            close()


def header_row(rows: list[list[object]]) -> int | None:
    """The first row with a Key result header and at least ``MIN_HEADERS`` other known
    headers (a row stops being looked at once too few of its texts are left to make one)."""
    for index, row in enumerate(rows):
        texts = [value for value in row if isinstance(value, str) and value]
        spare = len(texts) - MIN_HEADERS - 1  # texts that may be something else
        keys = set()
        for text in texts if spare >= 0 else ():
            key = header_key(text)
            if key is not None:
                keys.add(key)
            elif spare == 0:
                break
            else:
                spare -= 1
        if "title" in keys and len(keys) > MIN_HEADERS:
            return index
    return None


# Private API


def _open(path: str | os.PathLike[str], data: bytes, limits: Limits | None) -> Any:
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as error:  # its own error types, OSError, or a native panic
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        check_workbook_file(path, limits, deep=True)  # names the hostile part precisely, if any
        raise UnreadableFile(f"{os.path.basename(path)}: the workbook can't be read "
                             f"({_short(error)}); open it, save it as .xlsx and try again.") from None


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text[:120] if text else type(error).__name__


def _find_table(book: Any, name: str, path: str | os.PathLike[str], limits: Limits | None) -> Any:
    """``(sheet name, rows, row offset, column offset, header row index, merges)`` or a Problem."""
    names = list(book.sheet_names)
    order = sorted(names, key=lambda sheet: not scoring.same_text(sheet, layout.OKRS_SHEET))
    checked = filled = False
    for sheet_name in order:
        try:
            sheet = book.get_sheet_by_name(sheet_name)
            rows = sheet.to_python(skip_empty_area=False)
        except BaseException as error:  # chart sheets, non-grid sheets, a hostile part, a panic
            if isinstance(error, (KeyboardInterrupt, SystemExit)):
                raise
            if not checked:
                check_workbook_file(path, limits, deep=True)
                checked = True
            continue
        header = header_row(rows)
        if header is None:
            filled = filled or _has_values(rows)
            continue
        row_offset = sheet.end[0] + 1 - len(rows) if rows else 0
        width = max(map(len, rows), default=0)
        column_offset = sheet.end[1] + 1 - width if rows else 0
        merges = _merges(sheet)
        return sheet_name, rows, max(row_offset, 0), max(column_offset, 0), header, merges
    if not names:
        message = "the workbook has no sheets; is this an OKR workbook made by okrsheet new?"
    elif not filled:
        message = "the workbook is empty; fill in the OKR workbook made by okrsheet new."
    else:
        message = ("no key-result table found (a header row with Objective, Key result, "
                   "Target, Current...); is this an OKR workbook made by okrsheet new?")
    return Problem(ERROR, name, None, None, message, "NO-TABLE")


def _has_values(rows: list[list[object]]) -> bool:
    return any(value not in (None, "") for row in rows for value in row)


def _merges(sheet: Any) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    try:
        return list(sheet.merged_cell_ranges or [])
    except Exception:  # not every format reports merges
        return []
