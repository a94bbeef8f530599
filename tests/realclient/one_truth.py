"""Issue 12's rule, held against a workbook LibreOffice edited, recalculated and saved.

Either every number and status the sheet shows (each key result's Progress, Status, Pace
and Input check, each objective's Score and Status, Quarter elapsed, the team score and
status) equals what okrsheet reads from the saved file, to 1e-9; or both flag the input:
the sheet shows "check input" or a Sheet check other than "OK", okrsheet reports an error at
the cell the person typed in, and ``okrsheet check`` exits 1. The sheet's values are the
ones LibreOffice stored (openpyxl ``data_only=True``), never formulas read as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner

from okrsheet.cli import main
from okrsheet.domain.problems import ERROR, Problem
from okrsheet.read.reader import read_workbook
from okrsheet.read.reading import Reading, check_reading
from okrsheet.sheet import layout

TOLERANCE = 1e-9


@dataclass
class Seen:
    """A LibreOffice-saved workbook: its recalculated sheet and what okrsheet reads."""

    sheet: Any  # the OKRs worksheet as LibreOffice saved it (openpyxl, data_only)
    problems: list[Problem]  # what ``okrsheet check`` reports
    differences: list[str]  # numbers and statuses the two show differently
    flags: list[str]  # where the sheet says an input can't be used


def assert_one_truth(path: Path, flagged_at: str | None,
                     flagged_sheet: str = layout.OKRS_SHEET) -> Seen:
    """Issue 12's rule for one edited workbook; ``flagged_at`` is the unusable input's cell,
    on ``flagged_sheet``."""
    book = openpyxl.load_workbook(path, data_only=True)
    sheet = book[layout.OKRS_SHEET]
    reading = read_workbook(path)
    problems = check_reading(reading)
    flags = _sheet_flags(sheet)
    if layout.ACTIONS_SHEET in book.sheetnames:
        flags += _action_flags(book[layout.ACTIONS_SHEET])
    seen = Seen(sheet, problems, _differences(sheet, reading), flags)
    errors = [str(problem) for problem in problems if problem.severity == ERROR]
    if flagged_at is None:
        assert seen.differences == [], "the sheet and okrsheet disagree"
        assert seen.flags == [], "the sheet flags an input the edit should not break"
        return seen
    assert seen.flags, f"the sheet does not flag {flagged_at}; okrsheet: {errors}"
    assert any(problem.cell == flagged_at and problem.sheet == flagged_sheet
               and problem.severity == ERROR for problem in problems), \
        f"okrsheet reports no error at {flagged_at}: {errors}; the sheet: {seen.flags}"
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1, result.output
    assert f"error: {path} {flagged_sheet}!{flagged_at}: " in result.output, result.output
    return seen


def _sheet_flags(sheet: Any) -> list[str]:
    """Where the sheet itself says an input can't be used."""
    flags = []
    check = sheet[layout.SHEET_CHECK.value_cell].value
    if check != "OK":
        flags.append(f"Sheet check: {check}")
    if sheet[layout.TEAM_STATUS.value_cell].value == "check input":
        flags.append("team status: check input")
    header, columns = _kr_header(sheet)
    for number in range(header + 1, sheet.max_row + 1):
        if sheet.cell(number, columns["status"] + 1).value == "check input":
            flags.append(f"row {number}: check input "
                         f"({sheet.cell(number, columns['input_check'] + 1).value})")
    return flags


def _action_flags(sheet: Any) -> list[str]:
    """Actions whose State says to check them (a due date or a key result)."""
    state = layout.ACTION_INDEX["state"] + 1
    return [f"Actions row {number}: {sheet.cell(number, state).value}"
            for number in range(2, sheet.max_row + 1)
            if str(sheet.cell(number, state).value or "").startswith("check")]


def _kr_header(sheet: Any) -> tuple[int, dict[str, int]]:
    """1-based header row of the key-result table and its columns (0-based) by key."""
    headers = {column.header: column.key for column in layout.COLUMNS}
    for number in range(1, sheet.max_row + 1):
        if sheet.cell(number, 2).value == "Key result":
            texts = [sheet.cell(number, index + 1).value for index in range(len(layout.COLUMNS))]
            return number, {headers[text]: index for index, text in enumerate(texts)
                            if text in headers}
    raise AssertionError("no key-result table in the saved sheet")


def _differences(sheet: Any, reading: Reading) -> list[str]:
    """Every number and status the sheet shows that okrsheet reads differently."""
    tq = reading.team_quarter
    assert tq is not None, "okrsheet finds no key-result table"
    found: list[str] = []

    def compare(where: str, shown: object, read: object) -> None:
        shown = None if shown == "" else shown
        if isinstance(shown, (int, float)) and isinstance(read, (int, float)):
            if abs(shown - read) <= TOLERANCE:
                return
        elif shown == read:
            return
        found.append(f"{where}: the sheet shows {shown!r}, okrsheet reads {read!r}")

    header, columns = _kr_header(sheet)
    key_results = {kr.row: kr for kr in tq.key_results + tq.unassigned}
    unscored = {kr.row for _, kr in reading.without_formulas}
    for number in range(header + 1, sheet.max_row + 1):
        def shown(key: str) -> object:
            return sheet.cell(number, columns[key] + 1).value

        if shown("title") in (None, ""):
            continue
        kr = key_results.pop(number, None)
        if number in unscored:
            compare(f"row {number} Status (no formulas)", shown("status"), None)
            continue
        if kr is None:
            found.append(f"row {number}: a key result the sheet scores, okrsheet does not read")
            continue
        check = tq.kr_check(kr)
        compare(f"row {number} Progress", shown("progress"), 0.0 if check else kr.progress)
        compare(f"row {number} Status", shown("status"), tq.kr_status(kr))
        compare(f"row {number} Pace", shown("pace"), tq.pace(kr))
        compare(f"row {number} Input check", shown("input_check"), check)
    for left in key_results:
        found.append(f"row {left}: okrsheet reads a key result the sheet does not show")
    objectives = {objective.row: objective for objective in tq.objectives}
    for number in range(layout.FIRST_OBJECTIVE_ROW + 1, layout.LAST_OBJECTIVE_ROW + 2):
        if sheet[layout.objective_address("title", number - 1)].value in (None, ""):
            continue
        objective = objectives.pop(number, None)
        score = sheet[layout.objective_address("score", number - 1)].value
        status = sheet[layout.objective_address("status", number - 1)].value
        if objective is None:
            found.append(f"objective row {number}: okrsheet does not read it")
            continue
        compare(f"objective row {number} Score", score, objective.score)
        compare(f"objective row {number} Status", status, tq.objective_status(objective))
    for extra in objectives:
        found.append(f"objective row {extra}: okrsheet reads an objective the sheet does not show")
    compare("Quarter elapsed", sheet[layout.ELAPSED.value_cell].value, tq.elapsed())
    compare("Team score", sheet[layout.TEAM_SCORE.value_cell].value, tq.score)
    compare("Team status", sheet[layout.TEAM_STATUS.value_cell].value, tq.status)
    return found
