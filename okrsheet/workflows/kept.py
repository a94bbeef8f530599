"""Did a rewritten workbook keep every cell a person typed? (``okrsheet fix``'s proof.)

A typed cell is a cell of an .xlsx/.xlsm that holds a value and no formula, on any sheet but
the Guide (okrsheet's own text). The check compares, sheet by sheet, the typed values of
the original with those of the copy as multisets: a value may move (a key result into a
row with formulas, a first-layout objective into the Objectives table), never vanish. Cells
the rewrite changed on purpose (listed by cell) are accounted for.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import Counter
from collections.abc import Iterable

from okrsheet.sheet import layout
from okrsheet.sheet.cells import date_serial

__all__ = ["Lost", "typed_cells", "lost_cells", "other_sheets"]

Typed = dict[str, dict[tuple[int, int], object]]
"""Sheet name -> (row, column) 0-based -> value."""
Lost = tuple[str, str, object, str]
"""(sheet, A1 address, value, what became of it) of a typed cell the copy does not hold as
typed: ``"lost"``, or ``"trimmed"`` (kept without its outer spaces)."""

SKIPPED_SHEETS = (layout.GUIDE_SHEET,)
OWN_TEXTS = frozenset([*layout.LEGACY_HEADERS, "check-in week starts"])
"""Headings of okrsheet's first layout, which the current one no longer writes: not typed by
a person (every other heading is written again, so it matches itself)."""


def typed_cells(data: bytes) -> Typed | None:
    """Every typed (non-formula, non-blank) cell of an .xlsx/.xlsm, by sheet; None for
    another format (its formulas can't be told from its values here)."""
    import python_calamine

    from okrsheet.read.rawxml import formula_cells, placed_cells, sheet_parts

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = sheet_parts(archive)
    except Exception:  # not an OOXML workbook (.ods): no proof here
        return None
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    typed: Typed = {}
    for name in book.sheet_names:
        if name in SKIPPED_SHEETS or name not in parts:
            continue
        try:
            cells = placed_cells(book.get_sheet_by_name(name))
        except Exception:  # a chart sheet
            continue
        formulas = formula_cells(_part(archive, parts[name]))
        typed[name] = {place: value for place, value in cells.items() if place not in formulas}
    return typed


def lost_cells(before: Typed, after: Typed, renamed: dict[str, str],
               accounted: Iterable[tuple[str, str]] = ()) -> list[Lost]:
    """Typed cells of ``before`` whose value ``after`` does not hold on the same sheet
    (``renamed`` maps an original sheet name to the copy's), less ``accounted`` cells."""
    known = set(accounted)
    lost: list[Lost] = []
    for sheet, cells in before.items():
        pool = Counter(_normal(value) for value in after.get(renamed.get(sheet, sheet), {}).values())
        unmatched = []
        for place in sorted(cells):
            key = _normal(cells[place])
            if pool[key] > 0:
                pool[key] -= 1
            else:
                unmatched.append(place)
        for place in unmatched:  # then text kept without its outer spaces
            value, address = cells[place], layout.cell(*place)
            if isinstance(value, str) and value.strip().casefold() in OWN_TEXTS:
                continue
            if (sheet, address) in known:
                continue
            trimmed = value.strip() if isinstance(value, str) else None
            if trimmed is not None and trimmed != value and pool[trimmed] > 0:
                pool[trimmed] -= 1
                lost.append((sheet, address, value, "trimmed"))
            else:
                lost.append((sheet, address, value, "lost"))
    return lost


def other_sheets(data: bytes, known: Iterable[str]) -> list[tuple[str, dict[tuple[int, int], object], int]]:
    """The sheets of a workbook other than ``known`` ones, as ``(name, cells, formulas)``: every
    cell's value (a formula's as its last result) and how many were formulas."""
    import python_calamine

    from okrsheet.read.rawxml import formula_cells, placed_cells, sheet_parts

    names = {name.casefold() for name in known}
    try:
        archive: zipfile.ZipFile | None = zipfile.ZipFile(io.BytesIO(data))
        parts = sheet_parts(archive)  # type: ignore[arg-type]
    except Exception:  # .ods or .xls: values only
        archive, parts = None, {}
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    found = []
    for name in book.sheet_names:
        if name.casefold() in names:
            continue
        try:
            cells = placed_cells(book.get_sheet_by_name(name))
        except Exception:  # a chart sheet: nothing typed
            continue
        formulas = (formula_cells(_part(archive, parts[name]))
                    if archive is not None and name in parts else set())
        found.append((name, cells, len(formulas & cells.keys())))
    return found


# Private API


def _normal(value: object) -> object:
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return round(float(value), 9)
    if isinstance(value, (dt.datetime, dt.date)):
        return round(date_serial(value), 9)
    if isinstance(value, dt.timedelta):
        return round(value.total_seconds() / 86400, 9)
    return str(value)


def _part(archive: zipfile.ZipFile, name: str) -> str:
    from okrsheet.read.rawxml import part_name

    try:
        return archive.read(part_name(archive, name)).decode("utf-8", errors="replace")
    except KeyError:
        return ""
