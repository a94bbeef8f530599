"""Read a filled-in OKR workbook (.xlsx/.xlsm/.ods) back into the model, with cell-precise problems.

The reader finds the key-result table by its header texts, the Objectives table above it
and the labelled fields by their labels, so inserted rows and columns, reordered columns
and renamed sheets still read. It reads every input as the sheet's formulas see it: a
number typed as text stays text (the sheet shows "check input" and so does okrsheet), a
cleared Current stays blank, a row without formulas is not scored. It never trusts cached
formula results: every score is recomputed with :mod:`okrsheet.scoring`, and a cached
result that disagrees is reported.

Cells are read with python-calamine (cached values only; error cells read as ``""``, so
error values are found in the sheet's XML when the sheet reports one).
"""

from __future__ import annotations

import datetime as dt
import io
import os
from typing import Any

from okrsheet import layout, scoring
from okrsheet.cells import parse_number, serial_date
from okrsheet.model import Action
from okrsheet.problems import ERROR, Problem
from okrsheet.reading import LEGACY, MIN_HEADERS, OBJECTIVES, TOLERANCE, Reading, header_key
from okrsheet.safety import Limits, UnreadableFile, check_workbook_file, read_checked
from okrsheet.sheetreader import SheetReader

__all__ = ["Reading", "read_workbook", "parse_number", "scorecard", "TOLERANCE", "OBJECTIVES",
           "LEGACY"]

def read_workbook(path: str | os.PathLike[str], *, as_of: dt.date | None = None,
                  limits: Limits | None = None) -> Reading:
    """Read the OKR workbook at ``path``.

    Raises :class:`~okrsheet.safety.UnreadableFile` for files that can't be read at all;
    anything wrong inside a readable workbook comes back as problems. ``limits`` (default:
    from the environment) bound what the file may unpack to.
    """
    checked = read_checked(path, limits)
    name = str(path)
    book = _open(path, checked.data, limits)
    try:
        found = _find_table(book, name, path, limits)
        if isinstance(found, Problem):
            return Reading(file=name, team_quarter=None, problems=[found], modified=checked.modified)
        reading = SheetReader(name, checked.data, *found).read(as_of)
        reading.modified = checked.modified
        if reading.team_quarter is not None and layout.PARENTS_SHEET in book.sheet_names:
            reading.team_quarter.parent_choices = _parent_choices(book)
        if reading.team_quarter is not None and layout.ACTIONS_SHEET in book.sheet_names:
            reading.team_quarter.actions = _actions(book)
        return reading
    finally:
        close = getattr(book, "close", None)
        if close is not None:
            close()


def scorecard(reading: Reading, problems: list[Problem] | None = None,
              as_of: dt.date | None = None) -> dict[str, object]:
    """The scores of a reading as plain data (see :func:`okrsheet.scorecard.scorecard`)."""
    from okrsheet.scorecard import scorecard as make

    return make(reading, problems, as_of)


# Private API


def _open(path: str | os.PathLike[str], data: bytes, limits: Limits | None) -> Any:
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises its own error types for damaged files
        check_workbook_file(path, limits, deep=True)  # names the hostile part precisely, if any
        raise UnreadableFile(f"{os.path.basename(path)}: the workbook can't be read "
                             f"({_short(error)}); open it, save it as .xlsx and try again.") from None


def _short(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:120]


def _find_table(book: Any, name: str, path: str | os.PathLike[str], limits: Limits | None) -> Any:
    """``(sheet name, rows, row offset, column offset, header row index, merges)`` or a Problem."""
    names = list(book.sheet_names)
    order = sorted(names, key=lambda sheet: not scoring.same_text(sheet, layout.OKRS_SHEET))
    checked = False
    for sheet_name in order:
        try:
            sheet = book.get_sheet_by_name(sheet_name)
            rows = sheet.to_python(skip_empty_area=False)
        except Exception:  # chart sheets and other non-grid sheets, or a hostile part
            if not checked:
                check_workbook_file(path, limits, deep=True)
                checked = True
            continue
        header = _header_row(rows)
        if header is None:
            continue
        row_offset = sheet.end[0] + 1 - len(rows) if rows else 0
        width = max(map(len, rows), default=0)
        column_offset = sheet.end[1] + 1 - width if rows else 0
        merges = _merges(sheet)
        return sheet_name, rows, max(row_offset, 0), max(column_offset, 0), header, merges
    if not names:
        message = "the workbook has no sheets; is this an OKR workbook made by okrsheet new?"
    elif all(not _has_values(book, sheet_name) for sheet_name in names):
        message = "the workbook is empty; fill in the OKR workbook made by okrsheet new."
    else:
        message = ("no key-result table found (a header row with Objective, Key result, "
                   "Target, Current...); is this an OKR workbook made by okrsheet new?")
    return Problem(ERROR, name, None, None, message, "NO-TABLE")


def _has_values(book: Any, sheet_name: str) -> bool:
    try:
        rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=True)
    except Exception:
        return False
    return any(value not in (None, "") for row in rows for value in row)


def _header_row(rows: list[list[object]]) -> int | None:
    for index, row in enumerate(rows):
        texts = [value for value in row if isinstance(value, str) and value]
        if len(texts) <= MIN_HEADERS:
            continue
        keys = {header_key(text) for text in texts}
        if "title" in keys and len(keys - {None, "title"}) >= MIN_HEADERS:
            return index
    return None


def _parent_choices(book: Any) -> list[tuple[str, str]]:
    """The Parents sheet's ``(reference, title)`` rows, kept so ``next`` keeps the drop-downs."""
    try:
        rows = book.get_sheet_by_name(layout.PARENTS_SHEET).to_python(skip_empty_area=False)
    except Exception:  # a damaged or odd sheet: the drop-downs are a convenience
        return []
    return [(str(row[0]).strip(), str(row[1]).strip()) for row in rows[1:]
            if len(row) >= 2 and isinstance(row[0], str) and row[0].strip()]


def _actions(book: Any) -> list[Action]:
    """The Actions sheet's rows with an action typed, found by their header texts."""
    try:
        rows = book.get_sheet_by_name(layout.ACTIONS_SHEET).to_python(skip_empty_area=False)
    except Exception:  # a damaged or odd sheet: leave the actions out
        return []
    if not rows:
        return []
    keys = {layout.normalise_header(column.header): column.key for column in layout.ACTION_COLUMNS}
    at = {keys[layout.normalise_header(text)]: index for index, text in enumerate(rows[0])
          if isinstance(text, str) and layout.normalise_header(text) in keys}
    if "title" not in at:
        return []

    def cell(row: list[object], key: str) -> object:
        column = at.get(key)
        return row[column] if column is not None and column < len(row) else None

    actions = []
    for number, row in enumerate(rows[1:], 2):
        title = cell(row, "title")
        if not isinstance(title, str) or not title.strip():
            continue
        due = cell(row, "due")
        if isinstance(due, dt.datetime):
            due = due.date()
        elif isinstance(due, (int, float)) and not isinstance(due, bool) and 1 <= due < 2958466:
            due = serial_date(due)
        done, key_result, owner = cell(row, "done"), cell(row, "key_result"), cell(row, "owner")
        actions.append(Action(
            title.strip(), key_result if isinstance(key_result, str) and key_result else None,
            owner.strip() or None if isinstance(owner, str) else None,
            due if isinstance(due, dt.date) else None,
            isinstance(done, str) and done.casefold() == "yes", number))
    return actions


def _merges(sheet: Any) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    try:
        return list(sheet.merged_cell_ranges or [])
    except Exception:  # not every format reports merges
        return []


