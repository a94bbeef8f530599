"""Reads one sheet's labelled cells, Objectives table and key-result table into the model.

Used by :func:`okrsheet.read.reader.read_workbook`, which finds the sheet and its header row.
Every input is read as the sheet's formulas see it; see the reader's docstring.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from typing import Any

from okrsheet.domain import scoring
from okrsheet.domain.arithmetic import CellError
from okrsheet.domain.model import KeyResult, Scores, TeamQuarter
from okrsheet.domain.problems import ERROR, WARNING, Problem
from okrsheet.domain.quarter import CHECK_IN_COLUMNS
from okrsheet.read.entries import ENTRY_KEYS, entry_problem
from okrsheet.read.objectivesreader import ObjectivesReader, Row, text_of
from okrsheet.read.rawxml import error_cells, uses_1904_dates
from okrsheet.read.reading import (
    FIELD_COUNT,
    FIELD_OF_LABEL,
    HEADER_TEXT,
    LEGACY,
    NUMBER_KEYS,
    OBJECTIVE_KEY_OF_HEADER,
    OBJECTIVES,
    REQUIRED_KEYS,
    ROW_INPUTS,
    TEXT_KEYS,
    TOLERANCE,
    Reading,
    header_key,
)
from okrsheet.sheet import layout
from okrsheet.sheet.cells import date_serial, parse_number, shown
from okrsheet.sheet.fields import read_settings

_BLANKS = frozenset((None, ""))


class SheetReader(ObjectivesReader):
    """Reads one sheet's labelled fields, Objectives table and key-result table."""

    def __init__(self, file: str, data: bytes, sheet: str, rows: list[list[object]],
                 row_offset: int, column_offset: int, header: int, merges: Any) -> None:
        self.file = file
        self.data = data
        self.sheet = sheet
        self.rows = rows
        self.row_offset = row_offset
        self.column_offset = column_offset
        self.header = header
        self.merges = merges
        self.problems: list[Problem] = []
        self.legacy = False  # the first layout: objective text on its first key result's row
        self.columns: dict[str, int] = {}  # key -> index into a row of self.rows
        self.errors: dict[tuple[int, int], str] | None = None  # (row, column) -> "#DIV/0!"
        self.objective_columns: dict[str, int] = {}
        self.objective_cached: dict[int, object] = {}  # id(objective) -> its cached score
        self.objective_cached_status: dict[int, object] = {}  # id(objective) -> its status
        self.objective_rows: list[tuple[object, int]] = []  # legacy: objective text, no KR
        self.extra_columns: dict[int, str] = {}  # index -> header of a column of the team's own

    # -- the whole sheet

    def read(self, as_of: dt.date | None) -> Reading:
        self._columns()
        objectives_header = self._objectives_header()
        self.legacy = objectives_header is None
        fields = self._fields(objectives_header)
        tq = TeamQuarter(team=None, quarter=None, file=self.file)
        read_settings(tq, fields, self._problem, lambda: uses_1904_dates(self.data))
        tq.extra_columns = list(dict.fromkeys(self.extra_columns.values()))
        rows = self._table()
        calculated = any(self._cached(row, "status") not in (None, "") for row in rows)
        # Error values read as blank: find them in the sheet's XML when the sheet says it
        # holds one, or always in the first layout, which has no Input check to say so.
        if self.legacy or (calculated and any(self._cached(row, "input_check") == scoring.ERROR_VALUE
                                              for row in rows)):
            self.errors = error_cells(self.data, self.sheet)
            if self.errors:
                rows = self._table()  # again, with the error values in their cells
        reading = Reading(file=self.file, team_quarter=tq, sheet=self.sheet,
                          layout=LEGACY if objectives_header is None else OBJECTIVES)
        kept = []
        for row in rows:
            if calculated and "status" in self.columns and self._cached(row, "status") in (None, ""):
                reading.without_formulas.append((None, row.kr))  # not scored, as in the sheet
                continue
            self._current(row, calculated)
            self._confidence(row, calculated)
            kept.append(row)
        if objectives_header is None:
            self._legacy_objectives(tq, rows, kept, reading)
        else:
            self._objectives(tq, objectives_header, kept, reading, calculated)
        self._unplaced_errors(tq, kept)
        self._merged_problems(None if objectives_header is None else objectives_header[0])
        self._actions_sheet_gone(kept, calculated)
        for _, kr in reading.without_formulas:
            self._problem(ERROR, "title", kr.row - 1 - self.row_offset,  # type: ignore[operator]
                          f'key result "{kr.title}" is in a row without formulas (an inserted '
                          "row, or below the table), so the sheet does not score it. Move it to "
                          "an empty row of the table, or run okrsheet fix.", "NO-FORMULAS")
        checks = {id(row.kr): tq.kr_check(row.kr) for row in kept}  # each Input check once
        for row in kept:
            self._entry_problems(row, checks[id(row.kr)])
        scores = tq.scores()
        self._compare_cached(tq, scores, kept, fields, reading.layout, checks)
        if as_of is not None:
            tq.as_of = as_of
        reading.problems = self.problems
        reading.columns = {key: index + self.column_offset for key, index in self.columns.items()}
        reading.scores = scores
        return reading

    # -- where things are

    def _columns(self) -> None:
        for index, value in enumerate(self.rows[self.header]):
            key = header_key(value) if isinstance(value, str) else None
            if key is None:
                if isinstance(value, str) and value.strip():  # a column of the team's own
                    self.extra_columns.setdefault(index, value.strip())
                continue
            if key in self.columns:
                self._problem(WARNING, key, self.header,
                              f'a second "{value}" column; only the first one is read.',
                              "DUPLICATE-COLUMN", column=index)
                continue
            self.columns[key] = index
        for key in REQUIRED_KEYS:
            if key in self.columns:
                continue
            has_check_ins = any(week_key in self.columns for week_key in layout.CHECK_IN_KEYS)
            if key in ("title", "target") or (key == "current" and not has_check_ins):
                severity = ERROR
            else:
                severity = WARNING
            self._problem(severity, None, self.header,
                          f'no "{HEADER_TEXT[key]}" column in the header row; '
                          "add it back (copy it from a new workbook).", "MISSING-COLUMN")

    def _objectives_header(self) -> tuple[int, dict[str, int]] | None:
        """The Objectives table's header row above the key-result table, if there is one."""
        for index in range(self.header - 1, -1, -1):
            found: dict[str, int] = {}
            for column, value in enumerate(self.rows[index]):
                if isinstance(value, str) and value:
                    key = OBJECTIVE_KEY_OF_HEADER.get(layout.normalise_header(value))
                    if key is not None:
                        found.setdefault(key, column)
            if "id" in found and "title" in found:
                return index, found
        return None

    def _fields(self, objectives_header: tuple[int, dict[str, int]] | None
                ) -> dict[str, tuple[object, int, int]]:
        """Labelled values above the tables: key -> (value, row index, column index)."""
        found: dict[str, tuple[object, int, int]] = {}
        last = self.header if objectives_header is None else objectives_header[0]
        for row_index in range(last):
            row = self.rows[row_index]
            for column_index, value in enumerate(row[:-1]):
                if not isinstance(value, str) or not value:
                    continue
                key = FIELD_OF_LABEL.get(layout.normalise_header(value))
                if key is not None and key not in found:
                    found[key] = (row[column_index + 1], row_index, column_index + 1)
                    if len(found) == FIELD_COUNT:
                        return found  # every label found: the first of each counts
        return found

    # -- the key-result table

    def _table(self) -> list[Row]:
        """Every row with a key-result title, as typed."""
        merged = self._legacy_merged_objectives() if self.legacy else {}
        rows: list[Row] = []
        width = min(map(len, self.rows[self.header + 1:]), default=0)
        # Most rows are empty ready rows: their inputs are gathered in one step (in C).
        inputs = [self.columns[key] for key in ROW_INPUTS
                  if key in self.columns and key != "current" and self.columns[key] < width]
        gather = operator.itemgetter(*inputs, 0, 0)  # two more: itemgetter(one) is no tuple
        title_at, objective_at = self.columns.get("title"), self.columns.get("objective")
        for index in range(self.header + 1, len(self.rows)):
            row = self.rows[index]
            title_cell = row[title_at] if title_at is not None and title_at < len(row) else None
            if title_cell == "" and not merged and _BLANKS.issuperset(gather(row)) \
                    and (objective_at is None or row[objective_at] == ""):
                continue  # an empty ready row, the most common
            title = text_of(title_cell)
            objective = merged[index] if index in merged else self._value(row, "objective")
            if title is None:
                if objective not in (None, ""):
                    self.objective_rows.append((objective, index))
                elif not _BLANKS.issuperset([row[column] for column in inputs]):
                    self._problem(WARNING, "title", index, "this row has values but no Key "
                                  "result; it is not scored. Type the key result's title.",
                                  "NO-TITLE")
                continue
            rows.append(Row(self._key_result(row, index, title), objective, index, row))
        return rows

    def _legacy_merged_objectives(self) -> dict[int, object]:
        """First layout: row index -> "" for rows an objective cell merged over them covers.

        There a blank Objective continues the objective above, which is what merging the
        objective's cells over its key results means, whatever the covered cells kept."""
        column = self.columns.get("objective")
        if column is None:
            return {}
        covered: dict[int, object] = {}
        absolute = column + self.column_offset
        for (first_row, first_column), (last_row, last_column) in self.merges:
            if first_column == absolute == last_column:
                top = first_row - self.row_offset
                for row in range(max(top + 1, 0), min(last_row - self.row_offset + 1,
                                                        len(self.rows))):
                    covered[row] = ""
        return covered

    def _merged_problems(self, objectives_header: int | None) -> None:
        """One problem per merged range inside a table: an error at the first covered cell
        the sheet sees as blank while the range shows a value, else a warning.

        A program that merges keeps the value in the top-left cell; the covered cells hold
        what it saved there (LibreOffice may keep them, Excel empties them) and the sheet's
        formulas see exactly that, so the reader reads them as saved."""
        first_table = self.header + 1 if objectives_header is None else objectives_header + 1
        for (first_row, first_column), (last_row, last_column) in self.merges:
            top, left = first_row - self.row_offset, first_column - self.column_offset
            bottom, right = last_row - self.row_offset, last_column - self.column_offset
            if bottom < first_table or (top == bottom and left == right) \
                    or top <= self.header <= bottom or not 0 <= top < len(self.rows):
                continue  # the labelled cells at the top, or a header
            if self.legacy and left == right == self.columns.get("objective"):
                continue  # first layout: an objective over its key results, as meant
            shown_value = _at(self.rows, top, left)
            covered = [(row, column) for row in range(top, bottom + 1)
                       for column in range(left, right + 1) if (row, column) != (top, left)]
            blanks = [cell for cell in covered if _at(self.rows, *cell) in (None, "")]
            span = f"{layout.cell(first_row, first_column)}:{layout.cell(last_row, last_column)}"
            key = self._header_of(left, top)
            what = "the objective id" if key == "objective" else "the value"
            if not blanks or shown_value in (None, ""):
                self._problem(WARNING, None, top,
                              f"merged cells {span} hide the values of the cells they cover, "
                              "which the sheet's formulas still use. Unmerge and type "
                              f"{what} in each row.", "MERGED-CELLS", column=left)
                continue
            places = {self._cell_of(row, column) for row, column in blanks}
            self.problems = [problem for problem in self.problems if not (
                problem.code == "NO-OBJECTIVE" and problem.cell in places)]  # said below
            for row, column in blanks:
                self._problem(ERROR, None, row,
                              f"merged cells {span} show {shown(shown_value)} only in their "
                              "first cell; the sheet's formulas see this cell as blank. Unmerge "
                              f"and type {what} in each row.", "MERGED-CELLS", column=column)

    def _header_of(self, column: int, index: int) -> str | None:
        """The key of the key-result column ``column`` (for a row below the header), else None."""
        if index <= self.header:
            return None
        return next((key for key, at in self.columns.items() if at == column), None)

    def _key_result(self, row: list[object], index: int, title: str) -> KeyResult:
        kr_type = self._input(row, index, "type")
        kr = KeyResult(title=title, type=text_of(kr_type, strip=False) if not isinstance(kr_type, CellError)
                       else None, row=index + self.row_offset + 1)
        if isinstance(kr_type, CellError):
            kr.input_error = kr_type
        for key in TEXT_KEYS:
            setattr(kr, key, text_of(self._value(row, key)))
        for key in NUMBER_KEYS:
            setattr(kr, key, self._input(row, index, key))
        lagging = self._input(row, index, "lagging")
        if isinstance(lagging, str) and lagging.casefold() == "yes":
            kr.lagging = True
        elif lagging is not None and not (isinstance(lagging, str) and lagging.casefold() == "no"):
            kr.lagging_entry = lagging
        for week, key in zip(CHECK_IN_COLUMNS, layout.CHECK_IN_KEYS):
            value = self._input(row, index, key)
            if value is not None:
                kr.check_ins[week] = value
        for week, key in zip(CHECK_IN_COLUMNS, layout.CONFIDENCE_KEYS):
            confidence = text_of(self._value(row, key))
            if confidence is not None:
                kr.confidences[week] = confidence
        for column, header in self.extra_columns.items():
            value = row[column] if column < len(row) else ""
            if value not in ("", None) and header not in kr.extras:
                kr.extras[header] = value
        return kr

    def _input(self, row: list[object], index: int, key: str) -> object:
        """An input cell as the sheet's formulas see it: a number, text as typed, an error, None."""
        column = self.columns.get(key)
        if column is None or column >= len(row):
            return None
        value = row[column]
        if value.__class__ is float:  # the common cell, first
            return value if math.isfinite(value) else CellError("#NUM!")
        if value is None or value == "":
            if self.errors and (index, column) in self.errors:
                return CellError(self.errors[index, column])
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return float(value)
        if isinstance(value, (dt.date, dt.datetime)):
            return date_serial(value)  # a date is a number to the sheet; checks name it
        if isinstance(value, dt.timedelta):
            return value.total_seconds() / 86400
        return value

    def _value(self, row: list[object], key: str) -> object:
        column = self.columns.get(key)
        if column is None or column >= len(row):
            return None
        value = row[column]
        return float(value) if value.__class__ is int else value

    def _cached(self, row: Row, key: str) -> object:
        return self._value(row.cached, key)

    def _confidence(self, row: Row, calculated: bool) -> None:
        """Confidence: typed over (kept), following the check-ins' (None), or cleared."""
        kr = row.kr
        shown_value = text_of(self._value(row.cached, "confidence"))
        latest = scoring.latest_check_in([kr.confidences.get(week) for week in CHECK_IN_COLUMNS])
        if shown_value is None:
            if calculated and latest is not None and "confidence" in self.columns:
                kr.follows_confidences = False
        elif shown_value != latest:
            kr.confidence = shown_value

    def _current(self, row: Row, calculated: bool) -> None:
        """Current: typed over (kept), following the check-ins (None), or cleared (blank)."""
        kr = row.kr
        current = self._input(row.cached, row.index, "current")
        latest = scoring.latest_check_in([kr.check_ins.get(week) for week in CHECK_IN_COLUMNS])
        if current is None:
            if calculated and latest is not None and "current" in self.columns:
                kr.follows_check_ins = False  # its formula was deleted: the sheet shows blank
                self._problem(WARNING, "current", row.index,
                              f"Current is blank although a check-in has {shown(latest)}, so the "
                              "sheet shows not updated. Type the value, or run okrsheet fix to "
                              "make Current follow the check-ins again.", "CURRENT-CLEARED")
            return
        if _same(current, latest):
            return  # the formula's result
        if latest is None and isinstance(current, CellError):
            return  # an error in a check-in column the scan could not place
        kr.current = current
        if latest is not None:
            week = max(kr.check_ins)
            self._problem(WARNING, "current", row.index,
                          f"Current was typed over as {shown(current)}, but the latest check-in "
                          f"({layout.COLUMN_OF[f'week_{week}'].header}, "
                          f"{self._address(f'week_{week}', row.index)}) is {shown(latest)}; the "
                          "sheet uses the typed value. Clear the override with okrsheet fix if "
                          "Current should follow the check-ins.", "CURRENT-OVERRIDE")

    def _actions_sheet_gone(self, rows: list[Row], calculated: bool) -> None:
        """Open actions shows an error (``#REF!`` once the Actions sheet is deleted)."""
        if not calculated or "open_actions" not in self.columns:
            return
        for row in rows:
            if row.kr.id in (None, "") or self._cached(row, "open_actions") not in (None, ""):
                continue
            if self.errors is None:
                self.errors = error_cells(self.data, self.sheet)
            error = (self.errors or {}).get((row.index, self.columns["open_actions"]))
            if error is None:
                return  # blank, not an error: a formula deleted (nothing is scored from it)
            self._problem(ERROR, "open_actions", row.index,
                          f"Open actions shows {error}: the {layout.ACTIONS_SHEET} sheet was "
                          "deleted, so no action is counted (the Sheet check says so too). Run "
                          "okrsheet fix to add it back, or undo the change.",
                          "NO-ACTIONS-SHEET")
            return

    # -- inputs the sheet can't score

    def _unplaced_errors(self, tq: TeamQuarter, rows: list[Row]) -> None:
        """Rows whose Input check shows an error value the reader found in no cell (.ods)."""
        for row in rows:
            if self._cached(row, "input_check") == scoring.ERROR_VALUE \
                    and tq.kr_check(row.kr) is None:
                row.kr.input_error = CellError("#VALUE!")
                self._problem(ERROR, "title", row.index, "a cell of this row holds an error value "
                              "(#DIV/0!, #N/A...); the sheet shows check input. Fix the cell's "
                              "formula or type a value.", "ERROR-VALUE")

    def _entry_problems(self, row: Row, check: str | None) -> None:
        """One problem at each input cell of ``row`` that the sheet can't use as typed
        (``check``: its Input check)."""
        kr, cells = row.kr, row.cached
        for key in ENTRY_KEYS:
            column = self.columns.get(key)
            if column is None or column >= len(cells):
                continue
            cell = cells[column]
            if cell.__class__ is float and math.isfinite(cell):
                continue  # a number: nothing to say (NaN and inf are #NUM! to the sheet)
            if (cell is None or cell == "") and not (self.errors and (row.index, column)
                                                      in self.errors):
                continue  # blank, the other common cell
            value = self._input(cells, row.index, key)
            if value is None:
                continue
            if cell.__class__ is int:
                cell = float(cell)
            found = entry_problem(kr, key, value, cell, check)
            if found is not None:
                self._problem(found[0], key, row.index, found[1], found[2])
        for key in (*layout.CONFIDENCE_KEYS, "confidence"):
            raw = self._value(row.cached, key)
            if key == "confidence" and kr.confidence is None:
                continue  # it follows a week's: that cell says it
            if isinstance(raw, str) and raw != raw.strip() \
                    and raw.strip().casefold() in scoring.CONFIDENCES:  # others: the checks
                self._problem(ERROR, key, row.index, f"{HEADER_TEXT[key]} is {shown(raw)}, with "
                              "spaces the sheet counts as outside the list (the Sheet check says "
                              f"so); type {raw.strip()} without them.", "UNKNOWN-CONFIDENCE")
        if check == layout.COLUMN_OF["lagging"].header:
            self._problem(ERROR, "lagging", row.index, f"Lagging is {shown(kr.lagging_entry)}; "
                          "pick yes, no or leave it blank.", "BAD-LAGGING")
        for key in ("objective", "type", "lagging"):
            value = self._input(row.cached, row.index, key)
            if isinstance(value, CellError):
                self._problem(ERROR, key, row.index, f"{HEADER_TEXT[key]} holds the error value "
                              f"{value.text}; the sheet shows check input. Fix the cell's formula "
                              "or pick a value.", "ERROR-VALUE")

    # -- cached formula results against the recomputed ones

    def _compare_cached(self, tq: TeamQuarter, scores: Scores, rows: list[Row],
                        fields: dict[str, tuple[object, int, int]], layout_name: str,
                        checks: dict[int, str | None]) -> None:
        """Each cached score and status against the one computed (from ``scores``: the
        statuses are not worked out a second time)."""
        if not any(self._cached(row, "status") not in (None, "")
                   or self._cached(row, "progress") not in (None, "") for row in rows):
            return  # saved by a program that doesn't calculate (openpyxl): nothing to compare
        typed_over = layout_name == OBJECTIVES
        progress_of = dict(zip(map(id, tq.key_results), scores.progress))
        for row in rows:
            progress = progress_of.get(id(row.kr))
            if progress is None:
                progress = 0.0  # unassigned: check input
            self._compare(row.index, "progress", layout.COLUMN_OF["progress"].header,
                          self._cached(row, "progress"), progress, typed_over=typed_over)
            if typed_over and "status" in self.columns:
                check = checks[id(row.kr)]
                status = scoring.kr_status(0.0 if check else progress, row.kr.current_value,
                                           row.kr.lagging, tq.green_from, tq.orange_from, check)
                self._compare_status(row.index, "status", None, self._cached(row, "status"),
                                     status)
        cached = self.objective_cached
        for objective, found in zip(tq.objectives, scores.objectives):
            if id(objective) not in cached:
                continue
            key = "objective_score" if layout_name == LEGACY else None
            column = None if layout_name == LEGACY else self.objective_columns.get("score")
            self._compare((objective.row or 1) - 1 - self.row_offset, key, "Objective score",
                          _number(cached[id(objective)]), found.score, column=column,
                          typed_over=typed_over)
            if typed_over and id(objective) in self.objective_cached_status:
                self._compare_status((objective.row or 1) - 1 - self.row_offset, None,
                                     self.objective_columns.get("status"),
                                     self.objective_cached_status[id(objective)],
                                     found.status, "Objective status")
        if "team_score" in fields:
            value, row_index, column = fields["team_score"]
            self._compare(row_index, None, "Team score", value, scores.score, column=column,
                          typed_over=typed_over)
        team_status = self._team_status() if typed_over else None
        if team_status is not None:
            value, row_index, column = team_status
            self._compare_status(row_index, None, column, value, scores.status,
                                 layout.TEAM_STATUS.label)

    def _team_status(self) -> tuple[object, int, int] | None:
        """The Team status cell, found by its label above the tables: (value, row, column)."""
        label = layout.normalise_header(layout.TEAM_STATUS.label)
        for row_index in range(min(self.header, layout.OBJECTIVES_HEADER_ROW + 5)):
            row = self.rows[row_index]
            for column, value in enumerate(row[:-1]):
                if isinstance(value, str) and layout.normalise_header(value) == label:
                    return row[column + 1], row_index, column + 1
        return None

    def _compare_status(self, index: int, key: str | None, column: int | None, cached: object,
                        recomputed: str | None, label: str | None = None) -> None:
        """A status typed over its formula (``green`` over red) is an error at its cell."""
        if not scoring.shown_differs(cached, recomputed):
            return
        label = label or layout.COLUMN_OF["status"].header
        expected = recomputed or "blank"
        if cached in (None, ""):
            message = (f"{label} is blank but should be {expected}; its formula was deleted. "
                       "Run okrsheet fix to restore it. Using the recomputed status.")
        else:
            message = (f"{label} shows {shown(cached)} but the inputs give {expected}; someone "
                       "typed over its formula (the Sheet check says so too). The scores and "
                       "the summary use the inputs; run okrsheet fix to restore it.")
        self._problem(ERROR, key, index, message, "FORMULA-CHANGED", column=column)

    def _compare(self, index: int, key: str | None, label: str, cached: object,
                 recomputed: float | None, column: int | None = None,
                 typed_over: bool = False) -> None:
        if isinstance(cached, (int, float)) and not isinstance(cached, bool):
            if recomputed is not None and abs(float(cached) - recomputed) <= TOLERANCE:
                return
        elif cached in (None, "") and recomputed is None:
            return
        shown_value = "blank" if cached in (None, "") else shown(cached) if not isinstance(
            cached, float) else f"{cached:.4g}"
        expected = "blank" if recomputed is None else f"{recomputed:.4g}"
        if cached in (None, ""):
            message = (f"{label} is blank but should be {expected}; its formula was deleted. "
                       "Run okrsheet fix to restore it. Using the recomputed value.")
        elif typed_over:
            message = (f"{label} shows {shown_value} but the inputs give {expected}; someone typed "
                       "over its formula (the Sheet check says so too). The scores use the "
                       "inputs; run okrsheet fix to restore it.")
        else:
            message = (f"{label} shows {shown_value} but the inputs give {expected}; someone typed over "
                       "its formula. Copy the formula back. Using the recomputed value.")
        self._problem(ERROR if typed_over else WARNING, key, index, message, "FORMULA-CHANGED",
                      column=column)

    # -- problems

    def _cell_of(self, index: int, column: int) -> str:
        return layout.cell(index + self.row_offset, column + self.column_offset)

    def _address(self, key: str, index: int) -> str:
        return layout.cell(index + self.row_offset, self.columns[key] + self.column_offset)

    def _problem(self, severity: str, key: str | None, index: int | None, message: str,
                 code: str, column: int | None = None) -> None:
        """A problem at row ``index`` (into self.rows) and column ``key`` or ``column``."""
        if column is None and key is not None:
            column = self.columns.get(key)
        cell = None
        if index is not None:
            if column is None:
                cell = f"{index + self.row_offset + 1}:{index + self.row_offset + 1}"
            else:
                cell = layout.cell(index + self.row_offset, column + self.column_offset)
        self.problems.append(Problem(severity, self.file, self.sheet, cell, message, code))


def _same(a: object, b: object) -> bool:
    """Is Current's cached value the latest check-in (its formula's result)?"""
    if isinstance(a, float) and isinstance(b, str):
        number, _ = parse_number(b)  # a program that stored the formula's text result as a number
        return number is not None and number == a
    if isinstance(a, float) and isinstance(b, float):
        return a == b or abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))
    return a == b


def _at(rows: list[list[object]], index: int, column: int) -> object:
    if 0 <= index < len(rows) and 0 <= column < len(rows[index]):
        return rows[index][column]
    return None


def _number(value: object) -> object:
    return float(value) if value.__class__ is int else value
