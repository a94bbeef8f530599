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
import math
import os
from dataclasses import dataclass, field
from typing import Any

from okrsheet import layout, scoring
from okrsheet.cells import date_serial, number_text, parse_number, serial_date, shown
from okrsheet.errorcells import error_cells
from okrsheet.model import (CHECK_IN_COLUMNS, KeyResult, Objective, Scores, TeamQuarter,
                            objectives_from_rows)
from okrsheet.problems import ERROR, WARNING, Problem
from okrsheet.quarter import Quarter, QuarterError, fiscal_year_start_of
from okrsheet.safety import Limits, UnreadableFile, check_workbook_file, read_checked
from okrsheet.scoring import CellError

__all__ = ["Reading", "read_workbook", "parse_number", "scorecard", "TOLERANCE"]

TOLERANCE = 1e-9
"""Cached and recomputed numbers closer than this agree (LibreOffice keeps 15 digits)."""

OBJECTIVES, LEGACY = "objectives", "legacy"
"""The two layouts: objectives defined once with ids, or objective text on key-result rows."""

# Public API


@dataclass
class Reading:
    """What :func:`read_workbook` found: the model (None if there is no KR table) and problems.

    ``sheet`` is the sheet the table was found on and ``columns`` maps column keys
    (``layout.COLUMNS``) to 0-based sheet columns, so checks can name real cells.
    """

    file: str
    team_quarter: TeamQuarter | None
    problems: list[Problem] = field(default_factory=list)
    sheet: str | None = None
    columns: dict[str, int] = field(default_factory=dict)
    scores: Scores | None = None
    """The team quarter's scores as read (computed once; None without a table)."""
    modified: float | None = None
    """The file's modification time when it was read (seconds since the epoch)."""
    layout: str = OBJECTIVES
    """``objectives`` (the current layout) or ``legacy`` (objective text on the KR rows)."""
    without_formulas: list[tuple[Objective | None, KeyResult]] = field(default_factory=list)
    """Key results typed in rows without formulas (inserted rows, rows below the table):
    not scored, as in the sheet; ``okrsheet fix`` restores them, under this objective."""

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == ERROR]

    def cell(self, key: str, row: int | None) -> str | None:
        """A1 address of column ``key`` in 1-based sheet ``row``, if both are known."""
        if row is None or key not in self.columns:
            return None
        return layout.cell(row - 1, self.columns[key])


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
        reading = _SheetReader(name, checked.data, *found).read(as_of)
        reading.modified = checked.modified
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


_KEY_OF_HEADER: dict[str, str] = {}
for _column in layout.COLUMNS:
    _KEY_OF_HEADER.setdefault(layout.normalise_header(_column.header), _column.key)
_KEY_OF_HEADER.update(layout.HEADER_ALIASES)
_EXACT_HEADERS = {**layout.LEGACY_HEADERS,
                  **{column.header.casefold(): column.key for column in layout.COLUMNS if column.hidden}}
"""Headers matched on their text (``Objective #`` would otherwise normalise to ``Objective``)."""
_OBJECTIVE_KEY_OF_HEADER = {layout.normalise_header(column.header): column.key
                            for column in layout.OBJECTIVE_COLUMNS}
_FIELD_OF_LABEL = {layout.normalise_header(f.label): f.key for f in
                   (layout.TEAM, layout.QUARTER, layout.QUARTER_START, layout.QUARTER_END,
                    layout.AS_OF, layout.TEAM_SCORE, layout.GREEN_FROM, layout.ORANGE_FROM)}
_FIELD_COUNT = len(set(_FIELD_OF_LABEL.values()))
_REQUIRED_KEYS = tuple(_KEY_OF_HEADER[layout.normalise_header(text)] for text in layout.REQUIRED_HEADERS)
_MIN_HEADERS = 3  # "Key result" plus this many other known headers make a header row
_HEADER_TEXT = {column.key: column.header for column in layout.COLUMNS}
_ROW_INPUTS = tuple(key for key in layout.INPUT_KEYS if key not in ("objective", "title"))
"""Input cells that make a row without a title worth a warning."""
_NUMBER_KEYS = tuple(column.key for column in layout.COLUMNS if column.cell == layout.NUMBER)
_TEXT_KEYS = tuple(column.key for column in layout.COLUMNS
                   if column.cell in (layout.TEXT, layout.CHOICE)
                   and column.key not in ("objective", "title", "type", "lagging"))


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
        if len(texts) <= _MIN_HEADERS:
            continue
        keys = {_header_key(text) for text in texts}
        if "title" in keys and len(keys - {None, "title"}) >= _MIN_HEADERS:
            return index
    return None


def _header_key(text: str) -> str | None:
    """Column key of a header text, or None."""
    exact = _EXACT_HEADERS.get(text.strip().casefold())
    return exact or _KEY_OF_HEADER.get(layout.normalise_header(text))


def _merges(sheet: Any) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    try:
        return list(sheet.merged_cell_ranges or [])
    except Exception:  # not every format reports merges
        return []


@dataclass
class _Row:
    """A key-result row as read: the KR, its Objective cell, where, and its cached results."""

    kr: KeyResult
    objective: object
    index: int  # into the sheet's rows
    cached: list[object]


class _SheetReader:
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
        self.columns: dict[str, int] = {}  # key -> index into a row of self.rows
        self.errors: dict[tuple[int, int], str] | None = None  # (row, column) -> "#DIV/0!"
        self.objective_columns: dict[str, int] = {}
        self.objective_cached: dict[int, object] = {}  # id(objective) -> its cached score
        self.objective_rows: list[tuple[object, int]] = []  # legacy: objective text, no KR

    # -- the whole sheet

    def read(self, as_of: dt.date | None) -> Reading:
        self._columns()
        objectives_header = self._objectives_header()
        fields = self._fields(objectives_header)
        tq = TeamQuarter(team=None, quarter=None, file=self.file)
        self._settings(tq, fields)
        rows = self._table()
        calculated = any(self._cached(row, "status") not in (None, "") for row in rows)
        if calculated and any(self._cached(row, "input_check") == scoring.ERROR_VALUE for row in rows):
            self.errors = error_cells(self.data, self.sheet)
            if self.errors:
                rows = self._table()  # again, with the error values in their cells
        for row in rows:
            self._current(row, calculated)
        reading = Reading(file=self.file, team_quarter=tq, sheet=self.sheet,
                          layout=LEGACY if objectives_header is None else OBJECTIVES)
        kept = []
        for row in rows:
            if calculated and self._cached(row, "status") in (None, "") and "status" in self.columns:
                reading.without_formulas.append((None, row.kr))
            else:
                kept.append(row)
        if objectives_header is None:
            self._legacy_objectives(tq, rows, kept, reading)
        else:
            self._objectives(tq, objectives_header, kept, reading, calculated)
        for row in kept:
            if row.cached and self._cached(row, "input_check") == scoring.ERROR_VALUE \
                    and row.kr.check != scoring.ERROR_VALUE and self._kr_check(tq, row) is None:
                row.kr.input_error = CellError("#VALUE!")
                self._problem(ERROR, "title", row.index, "a cell of this row holds an error value "
                              "(#DIV/0!, #N/A...); the sheet shows check input. Fix the cell's "
                              "formula or type a value.", "ERROR-VALUE")
        for _, kr in reading.without_formulas:
            self._problem(ERROR, "title", kr.row - 1 - self.row_offset,  # type: ignore[operator]
                          f'key result "{kr.title}" is in a row without formulas (an inserted '
                          "row, or below the table), so the sheet does not score it. Move it to "
                          "an empty row of the table, or run okrsheet fix.", "NO-FORMULAS")
        self._input_problems(tq, kept)
        scores = tq.scores()
        self._compare_cached(tq, scores, kept, fields, reading.layout)
        if as_of is not None:
            tq.as_of = as_of
        reading.problems = self.problems
        reading.columns = {key: index + self.column_offset for key, index in self.columns.items()}
        reading.scores = scores
        return reading

    # -- where things are

    def _columns(self) -> None:
        for index, value in enumerate(self.rows[self.header]):
            key = _header_key(value) if isinstance(value, str) else None
            if key is None:
                continue
            if key in self.columns:
                self._problem(WARNING, key, self.header,
                              f'a second "{value}" column; only the first one is read.',
                              "DUPLICATE-COLUMN", column=index)
                continue
            self.columns[key] = index
        for key in _REQUIRED_KEYS:
            if key in self.columns:
                continue
            has_check_ins = any(week_key in self.columns for week_key in layout.CHECK_IN_KEYS)
            if key in ("title", "target") or (key == "current" and not has_check_ins):
                severity = ERROR
            else:
                severity = WARNING
            self._problem(severity, None, self.header,
                          f'no "{_HEADER_TEXT[key]}" column in the header row; '
                          "add it back (copy it from a new workbook).", "MISSING-COLUMN")

    def _objectives_header(self) -> tuple[int, dict[str, int]] | None:
        """The Objectives table's header row above the key-result table, if there is one."""
        for index in range(self.header - 1, -1, -1):
            found: dict[str, int] = {}
            for column, value in enumerate(self.rows[index]):
                if isinstance(value, str) and value:
                    key = _OBJECTIVE_KEY_OF_HEADER.get(layout.normalise_header(value))
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
                key = _FIELD_OF_LABEL.get(layout.normalise_header(value))
                if key is not None and key not in found:
                    found[key] = (row[column_index + 1], row_index, column_index + 1)
                    if len(found) == _FIELD_COUNT:
                        return found  # every label found: the first of each counts
        return found

    # -- the labelled settings

    def _settings(self, tq: TeamQuarter, fields: dict[str, tuple[object, int, int]]) -> None:
        tq.team = _text(fields.get("team", (None,))[0])
        tq.quarter = _text(fields.get("quarter", (None,))[0])
        tq.quarter_start = self._date(fields, "quarter_start", "Quarter start")
        tq.quarter_end = self._date(fields, "quarter_end", "Quarter end")
        tq.as_of = self._date(fields, "as_of", "As of")
        if tq.quarter and (tq.quarter_start is None or tq.quarter_end is None):
            self._derive_dates(tq)
        for key, label, default in (("green_from", "Green from", scoring.GREEN_FROM),
                                    ("orange_from", "Orange from", scoring.ORANGE_FROM)):
            setattr(tq, key, self._threshold(fields, key, label, default))

    def _date(self, fields: dict[str, tuple[object, int, int]], key: str,
              label: str) -> dt.date | None:
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
            return serial_date(value)
        if isinstance(value, str):
            try:
                day = dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
            else:
                self._problem(WARNING, None, row, f'{label} "{value}" is text; read as {day}. '
                              "Type it as a date.", "TEXT-DATE", column=column)
                return day
        self._problem(ERROR, None, row, f"{label} is {shown(value)}; type a date like 2027-01-01.",
                      "NOT-A-DATE", column=column)
        return None

    def _derive_dates(self, tq: TeamQuarter) -> None:
        try:
            period = Quarter.parse(tq.quarter)
        except QuarterError:
            self._problem(WARNING, None, None, f'Quarter "{tq.quarter}" is not like 2027-Q1 and '
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

    def _threshold(self, fields: dict[str, tuple[object, int, int]], key: str, label: str,
                   default: float) -> float:
        if key not in fields:
            return default
        value, row, column = fields[key]
        number, was_text = parse_number(value)
        if number is None or value in (None, "") or not math.isfinite(number):
            shown_value = "blank" if value in (None, "") else shown(value)
            self._problem(WARNING, None, row, f"{label} is {shown_value}; type a percentage like "
                          f"{default:.0%}. Using {default:.0%}.", "BAD-THRESHOLD", column=column)
            return default
        if was_text:
            self._problem(WARNING, None, row, f"{label} {shown(value)} is text; read as "
                          f"{number_text(number)}. Type it as a number.", "TEXT-NUMBER", column=column)
        if number > 1:
            self._problem(WARNING, None, row, f"{label} is {number_text(number)}, more than 100%; "
                          f"did you mean {number / 100:.0%}?", "BAD-THRESHOLD", column=column)
        return number

    # -- the key-result table

    def _table(self) -> list[_Row]:
        """Every row with a key-result title, as typed."""
        merged = self._merged_values(self.columns.get("objective"))
        rows: list[_Row] = []
        for index in range(self.header + 1, len(self.rows)):
            row = self.rows[index]
            title = _text(self._value(row, "title"))
            objective = merged[index] if index in merged else self._value(row, "objective")
            if title is None:
                if objective not in (None, ""):
                    self.objective_rows.append((objective, index))
                elif any(self._value(row, key) not in (None, "") for key in _ROW_INPUTS
                         if key != "current"):
                    self._problem(WARNING, "title", index, "this row has values but no Key "
                                  "result; it is not scored. Type the key result's title.",
                                  "NO-TITLE")
                continue
            rows.append(_Row(self._key_result(row, index, title), objective, index, row))
        return rows

    def _merged_values(self, column: int | None) -> dict[int, object]:
        """Row index -> value for cells covered by a merged objective cell."""
        if column is None:
            return {}
        values: dict[int, object] = {}
        absolute = column + self.column_offset
        for (first_row, first_column), (last_row, last_column) in self.merges:
            if not first_column <= absolute <= last_column:
                continue
            top = first_row - self.row_offset
            if not 0 <= top < len(self.rows):
                continue
            value = self._value(self.rows[top], "objective") if first_column == absolute else ""
            values[top] = value
            # Cells covered by the merge are blank, as the sheet's formulas see them.
            for row in range(top + 1, min(last_row - self.row_offset + 1, len(self.rows))):
                values[row] = ""
        return values

    def _key_result(self, row: list[object], index: int, title: str) -> KeyResult:
        kr_type = self._input(row, index, "type")
        kr = KeyResult(title=title, type=_text(kr_type, strip=False) if not isinstance(kr_type, CellError)
                       else None, row=index + self.row_offset + 1)
        if isinstance(kr_type, CellError):
            kr.input_error = kr_type
        for key in _TEXT_KEYS:
            setattr(kr, key, _text(self._value(row, key)))
        for key in _NUMBER_KEYS:
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
        return kr

    def _input(self, row: list[object], index: int, key: str) -> object:
        """An input cell as the sheet's formulas see it: a number, text as typed, an error, None."""
        column = self.columns.get(key)
        if column is None or column >= len(row):
            return None
        value = row[column]
        if value.__class__ is float:  # the common cell, first
            return value if math.isfinite(value) else CellError("#NUM!")  # type: ignore[arg-type]
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

    def _cached(self, row: _Row, key: str) -> object:
        return self._value(row.cached, key)

    def _current(self, row: _Row, calculated: bool) -> None:
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

    # -- objectives

    def _objectives(self, tq: TeamQuarter, header: tuple[int, dict[str, int]], rows: list[_Row],
                    reading: Reading, calculated: bool) -> None:
        header_row, columns = header
        self.objective_columns = columns
        for index in range(header_row + 1, self.header):
            cells = self.rows[index]

            def at(key: str, cells: list[object] = cells) -> object:
                column = columns.get(key)
                return cells[column] if column is not None and column < len(cells) else None

            title = _text(at("title"))
            if title is None:
                continue
            if scoring.same_text(title, "key results") and at("id") in (None, ""):
                break  # the key-result table's heading
            identifier = at("id")
            objective = Objective(title=title, row=index + self.row_offset + 1,
                                  id=_text(identifier, strip=False))
            if calculated and "key_results" in columns and at("key_results") in (None, ""):
                self._problem(ERROR, None, index, f'objective "{title}" is in a row without '
                              "formulas (an inserted row), so the sheet does not score it. Run "
                              "okrsheet fix.", "NO-FORMULAS", column=columns["title"])
                continue
            if objective.id is None:
                self._problem(ERROR, None, index, f'objective "{title}" has no ID; give it one '
                              "(like O4) and pick it in its key results' Objective column.",
                              "NO-OBJECTIVE-ID", column=columns["id"])
            tq.objectives.append(objective)
            self.objective_cached[id(objective)] = at("score")
        seen: set[str] = set()
        for objective in tq.objectives:
            key = (objective.id or "").casefold()
            if key and key in seen:
                self._problem(WARNING, None, (objective.row or 1) - 1 - self.row_offset,
                              f'objective ID "{objective.id}" is used twice; its key results count '
                              "in both objectives. Give each objective its own ID.",
                              "DUPLICATE-OBJECTIVE-ID", column=columns["id"])
            seen.add(key)
        for row in rows:
            owners = [objective for objective in tq.objectives
                      if objective.id is not None and scoring.same_id(row.objective, objective.id)]
            for objective in owners:
                objective.key_results.append(row.kr)
            if not owners:
                row.kr.objective_id = row.objective if row.objective not in (None, "") else None
                tq.unassigned.append(row.kr)
                self._problem(ERROR, "objective", row.index,
                              f"Objective is {shown(row.objective)}, which names no objective of "
                              "the Objectives table, so this key result is not scored (check "
                              "input). Pick an objective ID from the drop-down.", "NO-OBJECTIVE")
        for entry in reading.without_formulas:
            kr = entry[1]
            owner = next((objective for objective in tq.objectives if objective.id is not None
                          and scoring.same_id(self._objective_of(kr), objective.id)), None)
            reading.without_formulas[reading.without_formulas.index(entry)] = (owner, kr)

    def _objective_of(self, kr: KeyResult) -> object:
        index = (kr.row or 1) - 1 - self.row_offset
        return self._value(self.rows[index], "objective")

    def _legacy_objectives(self, tq: TeamQuarter, rows: list[_Row], kept: list[_Row],
                           reading: Reading) -> None:
        """First layout: objective text on the first row of its key results."""
        ordered = sorted([(row.index, _text(row.objective), row.kr) for row in rows]
                         + [(index, _text(text), None) for text, index in self.objective_rows],
                         key=lambda item: item[0])
        tq.objectives, orphans = objectives_from_rows([(text, kr) for _, text, kr in ordered])
        starts = [index for index, text, _ in ordered if text is not None]
        for objective, index in zip(tq.objectives, starts):
            objective.row = index + self.row_offset + 1
        previous = None
        for index, text, _ in ordered:
            if text is not None and previous is not None and scoring.same_text(text, previous):
                self._problem(WARNING, "objective", index,
                              f'Objective "{text}" is typed again, so it counts as another '
                              "objective; leave Objective blank on the rows of the same "
                              "objective.", "REPEATED-OBJECTIVE")
            if text is not None:
                previous = text
        unscored = {id(kr) for _, kr in reading.without_formulas}
        for objective in tq.objectives:
            for kr in [kr for kr in objective.key_results if id(kr) in unscored]:
                objective.key_results.remove(kr)
                entry = next(item for item in reading.without_formulas if item[1] is kr)
                reading.without_formulas[reading.without_formulas.index(entry)] = (objective, kr)
        for kr in orphans:
            if id(kr) in unscored:
                continue
            tq.unassigned.append(kr)
            self._problem(ERROR, "title", (kr.row or 1) - 1 - self.row_offset,
                          f'Key result "{kr.title}" has no objective above it; it is not scored. '
                          "Type its objective in the Objective column.", "NO-OBJECTIVE")
        if "objective_score" in self.columns:
            for objective in tq.objectives:
                index = (objective.row or 1) - 1 - self.row_offset
                self.objective_cached[id(objective)] = self._value(self.rows[index], "objective_score")

    # -- inputs the sheet can't score

    def _kr_check(self, tq: TeamQuarter, row: _Row) -> str | None:
        return tq.kr_check(row.kr)

    def _input_problems(self, tq: TeamQuarter, rows: list[_Row]) -> None:
        """One problem at the input cell behind each key result the sheet shows as check input."""
        for row in rows:
            kr = row.kr
            check = tq.kr_check(kr)
            for key in _NUMBER_KEYS + layout.CHECK_IN_KEYS + ("current",):
                value = self._input(row.cached, row.index, key)
                self._entry_problem(kr, row.index, key, value, check)
            if check == "Lagging":
                self._problem(ERROR, "lagging", row.index,
                              f"Lagging is {shown(kr.lagging_entry)}; pick yes, no or leave it blank.",
                              "BAD-LAGGING")

    def _entry_problem(self, kr: KeyResult, index: int, key: str, value: object,
                       check: str | None) -> None:
        label = _HEADER_TEXT[key]
        milestone = (kr.type or "").casefold() == "milestone"
        if value is None or (key == "current" and kr.current is None):
            return  # a Current that follows a check-in: the check-in's own problem says it
        if isinstance(value, CellError):
            self._problem(ERROR, key, index, f"{label} holds the error value {value.text}; the "
                          "sheet shows check input. Fix the cell's formula or type a value.",
                          "ERROR-VALUE")
            return
        cell_value = self._value(self.rows[index], key)
        if isinstance(cell_value, (dt.date, dt.datetime)) and not isinstance(cell_value, dt.time):
            day = cell_value.date() if isinstance(cell_value, dt.datetime) else cell_value
            self._problem(ERROR, key, index, f"{label} is a date ({day.isoformat()}), which the "
                          f"sheet counts as the number {number_text(float(value))}; type a number "  # type: ignore[arg-type]
                          "without the date format.", "DATE-NOT-NUMBER")
            return
        if key in layout.CHECK_IN_KEYS or key == "current":
            if milestone:
                if scoring.milestone_state(value) is None:
                    self._problem(ERROR if key == "current" or _is_latest(kr, key) else WARNING,
                                  key, index, f"{label} is {shown(value)}, neither done nor not "
                                  f"done for a milestone; type done ({', '.join(scoring.MILESTONE_DONE)}, 1) "
                                  f"or not done ({', '.join(scoring.MILESTONE_NOT_DONE)}, 0).",
                                  "BAD-MILESTONE")
                return
        if isinstance(value, str):
            number, _ = parse_number(value)
            severity = ERROR if (check and check == label) or key in _NUMBER_KEYS \
                or _is_latest(kr, key) or key == "current" else WARNING
            if number is not None:
                message = (f"{label} {shown(value)} is text, so the sheet can't score it; type "
                           f"{number_text(number)} as a number, or run okrsheet fix.")
            else:
                message = f"{label} is {shown(value)}; type a number."
            code = "BAD-WEIGHT" if key == "weight" else "TEXT-NUMBER" if number is not None \
                else "NOT-A-NUMBER"
            self._problem(severity, key, index, message, code)

    # -- cached formula results against the recomputed ones

    def _compare_cached(self, tq: TeamQuarter, scores: Scores, rows: list[_Row],
                        fields: dict[str, tuple[object, int, int]], layout_name: str) -> None:
        if not any(self._cached(row, "status") not in (None, "")
                   or self._cached(row, "progress") not in (None, "") for row in rows):
            return  # saved by a program that doesn't calculate (openpyxl): nothing to compare
        typed_over = layout_name == OBJECTIVES
        progress_of = dict(zip(map(id, tq.key_results), scores.progress))
        for row in rows:
            progress = progress_of.get(id(row.kr))
            if progress is None:
                progress = 0.0  # unassigned: check input
            self._compare(row.index, "progress", "Progress", self._cached(row, "progress"), progress,
                          typed_over=typed_over)
        cached = self.objective_cached
        for objective, found in zip(tq.objectives, scores.objectives):
            if id(objective) not in cached:
                continue
            key = "objective_score" if layout_name == LEGACY else None
            column = None if layout_name == LEGACY else self.objective_columns.get("score")
            self._compare((objective.row or 1) - 1 - self.row_offset, key, "Objective score",
                          _number(cached[id(objective)]), found.score, column=column,
                          typed_over=typed_over)
        if "team_score" in fields:
            value, row_index, column = fields["team_score"]
            self._compare(row_index, None, "Team score", value, scores.score, column=column)

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
                       "over its formula. The scores use the inputs, in the sheet too; run "
                       "okrsheet fix to restore it.")
        else:
            message = (f"{label} shows {shown_value} but the inputs give {expected}; someone typed over "
                       "its formula. Copy the formula back. Using the recomputed value.")
        self._problem(WARNING, key, index, message, "FORMULA-CHANGED", column=column)

    # -- problems

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


def _is_latest(kr: KeyResult, key: str) -> bool:
    """Is ``key`` the check-in column Current follows?"""
    return bool(kr.check_ins) and key == f"week_{max(kr.check_ins)}" and kr.current is None \
        and kr.follows_check_ins


def _same(a: object, b: object) -> bool:
    """Is Current's cached value the latest check-in (its formula's result)?"""
    if isinstance(a, float) and isinstance(b, str):
        a, b = b, a
    if isinstance(a, str) and isinstance(b, float):
        number, _ = parse_number(a)  # a program that stored the formula's text result as a number
        return number is not None and number == b
    if isinstance(a, float) and isinstance(b, float):
        return a == b or abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))
    return a == b


def _number(value: object) -> object:
    return float(value) if value.__class__ is int else value


def _text(value: object, strip: bool = True) -> str | None:
    """A cell as text (numbers without a trailing .0); None for blank."""
    if value.__class__ is str:  # most cells: checked first
        return (value.strip() if strip else value) or None  # type: ignore[union-attr]
    if value is None:
        return None
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, (dt.date, dt.datetime)):
        text = value.isoformat()
    else:
        text = str(value)
    if strip:
        text = text.strip()
    return text or None
