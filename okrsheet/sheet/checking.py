"""The guide's checks (:mod:`okrsheet.domain.checks`) on the OKRs sheet: each problem placed
on its cell, by the layout of a new workbook or by the columns a reader found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from okrsheet.domain import checks
from okrsheet.domain.model import TeamQuarter
from okrsheet.domain.problems import Problem
from okrsheet.sheet import layout

_SETTING_CELL = {field.key: field.value_cell for field in layout.FIELDS}

# Public API


def place(columns: Mapping[str, int] | None = None) -> checks.Place:
    """Names cells of the OKRs sheet: a field's cell in a 1-based row (the row, ``10:10``,
    for a field without a column), or a setting's value cell. ``columns`` maps field keys
    to 0-based columns (the reader's :attr:`Reading.columns`); default: a new workbook's."""
    index = layout.COLUMN_INDEX if columns is None else columns

    def cell(key: str | None, row: int | None) -> str | None:
        if row is None:
            return _SETTING_CELL.get(key or "")
        column = index.get(key) if key else None
        return f"{row}:{row}" if column is None else layout.cell(row - 1, column)

    return cell


def check(team_quarter: TeamQuarter, *, sheet: str | None = layout.OKRS_SHEET,
          columns: Mapping[str, int] | None = None, fiscal_year_start: int = 1,
          named_by_start: bool = False, today: dt.date | None = None) -> list[Problem]:
    """All the guide's checks, at their cells. ``columns`` maps field keys to 0-based sheet
    columns (the reader's :attr:`Reading.columns`); default: the layout of a new workbook.
    The fiscal year (default: calendar quarters) is what the Quarter label is checked
    against. ``today`` stands in for a blank As of (default: no date, so no NEVER-UPDATED)."""
    return checks.check(team_quarter, place(columns), sheet=sheet,
                        fiscal_year_start=fiscal_year_start, named_by_start=named_by_start,
                        today=today)


def identity_problems(team_quarter: TeamQuarter, fiscal_year_start: int = 1,
                      named_by_start: bool = False, *,
                      sheet: str | None = layout.OKRS_SHEET) -> list[Problem]:
    """Why the workbook can't be told apart as one team's quarter (a blank Team, a Quarter
    that is not one), at the cells of the OKRs sheet; empty when it can."""
    return checks.identity_problems(team_quarter, place(), fiscal_year_start, named_by_start,
                                    sheet=sheet)
