"""Read a filled-in OKR workbook (.xlsx/.xlsm/.ods) back into the model, with cell-precise problems.

The reader finds the key-result table by its header texts and the labelled fields by their
labels, so inserted rows and columns, reordered columns and renamed sheets still read. It
never trusts cached formula results: every score is recomputed with :mod:`okrsheet.scoring`,
and a cached Progress, objective score or team score that disagrees is reported.

Cells are read with python-calamine (cached values only; error cells read as ``""``).
"""

from __future__ import annotations

import datetime as dt
import io
import operator
import os
import re
from dataclasses import dataclass, field

from okrsheet import layout, scoring
from okrsheet.model import CHECK_IN_COLUMNS, KeyResult, Scores, TeamQuarter, objectives_from_rows
from okrsheet.problems import ERROR, WARNING, Problem
from okrsheet.quarter import Quarter, QuarterError, fiscal_year_start_of
from okrsheet.safety import Limits, UnreadableFile, check_workbook_file, read_checked

TOLERANCE = 1e-9
"""Cached and recomputed numbers closer than this agree (LibreOffice keeps 15 digits)."""

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

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == ERROR]

    def cell(self, key: str, row: int | None) -> str | None:
        """A1 address of column ``key`` in 1-based sheet ``row``, if both are known."""
        if row is None or key not in self.columns:
            return None
        return layout.cell(row - 1, self.columns[key])


def read_workbook(path: str | os.PathLike, *, as_of: dt.date | None = None,
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
        reading = _SheetReader(name, *found).read(as_of)
        reading.modified = checked.modified
        return reading
    finally:
        close = getattr(book, "close", None)
        if close is not None:
            close()


def parse_number(value: object) -> tuple[float | None, bool]:
    """A cell value as a number: ``(number, was_text)``; ``(None, True)`` if it isn't one.

    Understands numbers typed as text: ``"45"``, ``"45%"`` (0.45), ``"1,200"``, ``"1 200"``,
    ``"€1,200"``, ``"1.200,50"``, ``"12.5k"`` (12500), ``"-3"``, ``"(3)"`` is not a number.
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


def scorecard(reading: Reading, problems: list[Problem] | None = None,
              as_of: dt.date | None = None) -> dict[str, object]:
    """The scores of a reading as plain data (what ``okrsheet score --format json`` prints).

    Progress and scores are fractions 0..1, blanks are None; ``problems`` defaults to the
    reading's own. ``as_of`` (default: the workbook's As of, else today) sets the pace.
    """
    tq = reading.team_quarter
    problems = reading.problems if problems is None else problems
    data: dict[str, object] = {"file": reading.file, "team": None, "quarter": None,
                               "score": None, "status": None, "objectives": []}
    if tq is not None:
        day = as_of or tq.as_of or dt.date.today()
        data.update({
            "team": tq.team, "quarter": tq.quarter, "score": tq.score, "status": tq.status,
            "as_of": day.isoformat(), "elapsed": tq.elapsed(day),
            "green_from": tq.green_from, "orange_from": tq.orange_from,
            "objectives": [{
                "title": objective.title, "score": objective.score,
                "status": tq.objective_status(objective), "row": objective.row,
                "key_results": [{
                    "title": kr.title, "owner": kr.owner, "kind": kr.kind, "type": kr.type,
                    "unit": kr.unit, "start": kr.start, "target": kr.target,
                    "revised_target": kr.revised_target, "current": kr.current_value,
                    "weight": kr.weight, "lagging": kr.lagging, "progress": kr.progress,
                    "status": tq.kr_status(kr), "pace": tq.pace(kr, day), "row": kr.row,
                } for kr in objective.key_results],
            } for objective in tq.objectives],
            "revised_targets": sum(kr.revised for kr in tq.key_results),
            "lagging": sum(kr.lagging for kr in tq.key_results),
        })
    data["problems"] = [problem.as_dict() for problem in problems]
    return data


# Private API

_NUMBER_RE = re.compile(
    r"^(?P<sign>[+-]?)\s*[€$£]?\s*(?P<digits>\d[\d ,.']*|[.,]\d+)\s*(?P<suffix>%|[kKmM]?)\s*"
    r"(?:EUR|USD|GBP|CHF|€|\$|£)?$"
)


def _digits(text: str) -> float | None:
    """``1,200`` / ``1 200`` / ``1.200,5`` / ``1,5`` / ``1200.5`` to a float; None when ambiguous."""
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
    elif commas:
        groups = text.split(",")
        if all(len(group) == 3 for group in groups[1:]) and groups[0]:
            text = text.replace(",", "")  # thousands: 1,200 or 1,200,000
        elif commas == 1:
            text = text.replace(",", ".")  # decimal comma: 1,5
        else:
            return None
    elif dots > 1:
        groups = text.split(".")
        if not all(len(group) == 3 for group in groups[1:]):
            return None
        text = text.replace(".", "")  # 1.200.000
    try:
        return float(text)
    except ValueError:
        return None


def _open(path: str | os.PathLike, data: bytes, limits: Limits | None):
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
    if not _column.hidden:
        _KEY_OF_HEADER.setdefault(layout.normalise_header(_column.header), _column.key)
_KEY_OF_HEADER.update({"kr": "title", "keyresults": "title", "objectives": "objective",
                       "weighting": "weight"})
# Hidden helper columns are formulas the reader recomputes; "Objective #" would otherwise
# normalise to "Objective".
_HELPER_HEADERS = {column.header.strip().casefold() for column in layout.COLUMNS if column.hidden}
_FIELD_OF_LABEL = {layout.normalise_header(f.label): f.key for f in
                   (layout.TEAM, layout.QUARTER, layout.QUARTER_START, layout.QUARTER_END,
                    layout.AS_OF, layout.TEAM_SCORE, layout.GREEN_FROM, layout.ORANGE_FROM)}
_FIELD_COUNT = len(set(_FIELD_OF_LABEL.values()))
_REQUIRED_KEYS = tuple(_KEY_OF_HEADER[layout.normalise_header(text)] for text in layout.REQUIRED_HEADERS)
_MIN_HEADERS = 3  # "Key result" plus this many other known headers make a header row
_WEEK_KEYS = tuple((week, f"week_{week}") for week in CHECK_IN_COLUMNS)
_ROW_KEYS = ("owner", "kind", "type", "unit", "start", "target", "revised_target",
             "revision_reason", "weight", "lagging", *[key for _, key in _WEEK_KEYS], "current",
             "confidence", "comment")
"""What :meth:`_SheetReader._key_result` reads from a row, in the order it unpacks them."""
_INPUT_KEYS = tuple(column.key for column in layout.COLUMNS if column.user_input)
_HEADER_TEXT = {column.key: column.header for column in layout.COLUMNS}


def _find_table(book, name: str, path, limits: Limits | None):
    """``(sheet name, rows, row offset, column offset, header row index)`` or a Problem."""
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


def _has_values(book, sheet_name: str) -> bool:
    try:
        rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=True)
    except Exception:
        return False
    return any(value not in (None, "") for row in rows for value in row)


def _header_row(rows: list[list[object]]) -> int | None:
    for index, row in enumerate(rows):
        if len(row) - row.count("") - row.count(None) <= _MIN_HEADERS:
            continue  # too few cells filled in (counted in C: most rows above the header)
        texts = [value for value in row if isinstance(value, str) and value]
        if len(texts) <= _MIN_HEADERS:
            continue
        keys = set(map(_header_key, texts))
        if "title" in keys and len(keys - {None, "title"}) >= _MIN_HEADERS:
            return index
    return None


class _Remembered(dict):
    """``text -> compute(text)``, remembered up to 10,000 texts: scans see the same texts often."""

    def __init__(self, compute) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, text: str):
        found = self.compute(text)
        if len(self) < 10_000:
            self[text] = found
        return found


_header_key = _Remembered(lambda text: _KEY_OF_HEADER.get(layout.normalise_header(text))).__getitem__
"""Column key of a header text, or None."""
_column_key = _Remembered(lambda text: None if text.strip().casefold() in _HELPER_HEADERS
                          else _KEY_OF_HEADER.get(layout.normalise_header(text))).__getitem__
"""Column key of a header text, or None (also for okrsheet's hidden helper columns)."""
_label_key = _Remembered(lambda text: _FIELD_OF_LABEL.get(layout.normalise_header(text))).__getitem__
"""Field key of a label text (Team, Quarter...), or None."""


def _merges(sheet) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    try:
        return list(sheet.merged_cell_ranges or [])
    except Exception:  # not every format reports merges
        return []


class _SheetReader:
    """Reads one sheet's labelled fields and key-result table."""

    def __init__(self, file: str, sheet: str, rows: list[list[object]], row_offset: int,
                 column_offset: int, header: int, merges) -> None:
        self.file = file
        self.sheet = sheet
        self.rows = rows
        self.row_offset = row_offset
        self.column_offset = column_offset
        self.header = header
        self.merges = merges
        self.problems: list[Problem] = []
        self.columns: dict[str, int] = {}  # key -> index into a row of self.rows
        # Set by _columns: the cells _key_result reads, and the blank column past every row
        self.fetch = operator.itemgetter(0)
        self.blank_column = 0

    # -- the whole sheet

    def read(self, as_of: dt.date | None) -> Reading:
        self._columns()
        fields = self._fields()
        tq = TeamQuarter(team=None, quarter=None, file=self.file)
        self._settings(tq, fields)
        rows, cached = self._table(tq)
        tq.objectives, orphans = objectives_from_rows([(text, kr) for text, kr, _ in rows])
        self._repeated_objectives(rows)
        for objective, index in zip(tq.objectives, self._objective_rows(rows)):
            objective.row = index + self.row_offset + 1
        for kr in orphans:
            self._problem(WARNING, "title", kr.row - 1,
                          f'Key result "{kr.title}" has no objective above it; it is not scored. '
                          "Type its objective in the Objective column.", "NO-OBJECTIVE")
        scores = tq.scores()
        self._compare_cached(tq, scores, rows, cached, fields)
        if as_of is not None:
            tq.as_of = as_of
        columns = {key: index + self.column_offset for key, index in self.columns.items()}
        return Reading(file=self.file, team_quarter=tq, problems=self.problems,
                       sheet=self.sheet, columns=columns, scores=scores)

    # -- where things are

    def _columns(self) -> None:
        for index, value in enumerate(self.rows[self.header]):
            key = _column_key(value) if isinstance(value, str) else None
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
            if key in ("title", "target") or (key == "current" and not self._has_check_ins()):
                severity = ERROR
            else:
                severity = WARNING
            self._problem(severity, None, self.header,
                          f'no "{_HEADER_TEXT[key]}" column in the header row; '
                          "add it back (copy it from a new workbook).", "MISSING-COLUMN")
        # One C-level gather per key-result row; a missing column reads the blank padding.
        self.blank_column = max(map(len, self.rows), default=0)
        self.fetch = operator.itemgetter(*[self.columns.get(key, self.blank_column)
                                           for key in _ROW_KEYS])

    def _has_check_ins(self) -> bool:
        return any(f"week_{week}" in self.columns for week in CHECK_IN_COLUMNS)

    def _fields(self) -> dict[str, tuple[object, int, int]]:
        """Labelled values above the header: key -> (value, row index, column index)."""
        found: dict[str, tuple[object, int, int]] = {}
        for row_index in range(self.header):
            row = self.rows[row_index]
            for column_index, value in enumerate(row[:-1]):
                if not isinstance(value, str) or not value:
                    continue
                key = _label_key(value)
                if key is not None and key not in found:
                    found[key] = (row[column_index + 1], row_index, column_index + 1)
                    if len(found) == _FIELD_COUNT:
                        return found  # every label found: the first of each counts
        return found

    # -- the labelled settings

    def _settings(self, tq: TeamQuarter, fields) -> None:
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

    def _date(self, fields, key: str, label: str) -> dt.date | None:
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
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))  # a date serial
        if isinstance(value, str):
            try:
                day = dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
            else:
                self._problem(WARNING, None, row, f'{label} "{value}" is text; read as {day}. '
                              "Type it as a date.", "TEXT-DATE", column=column)
                return day
        self._problem(ERROR, None, row, f'{label} is "{value}"; type a date like 2027-01-01.',
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

    def _threshold(self, fields, key: str, label: str, default: float) -> float:
        if key not in fields:
            return default
        value, row, column = fields[key]
        number, was_text = parse_number(value)
        if number is None or value in (None, ""):
            shown = "blank" if value in (None, "") else f'"{value}"'
            self._problem(WARNING, None, row, f"{label} is {shown}; type a percentage like "
                          f"{default:.0%}. Using {default:.0%}.", "BAD-THRESHOLD", column=column)
            return default
        if was_text:
            self._problem(WARNING, None, row, f'{label} "{value}" is text; read as {number:g}. '
                          "Type it as a number.", "TEXT-NUMBER", column=column)
        if number > 1:
            self._problem(WARNING, None, row, f"{label} is {number:g}, more than 100%; "
                          f"did you mean {number / 100:.0%}?", "BAD-THRESHOLD", column=column)
        return number

    # -- the key-result table

    def _table(self, tq: TeamQuarter):
        """``[(objective text, KeyResult | None, row index)]`` and the cached formula values."""
        objective_column = self.columns.get("objective")
        merged_objectives = self._merged_values(objective_column)
        rows = []
        cached: dict[int, list[object]] = {}
        # Current is a formula in every ready row, so it doesn't make a row filled in.
        input_columns = [self.columns[key] for key in _INPUT_KEYS
                         if key in self.columns and key not in ("current", "objective")]
        width = min(map(len, self.rows[self.header + 1:]), default=0)
        input_columns = [c for c in input_columns if c < width] or [0]
        if len(input_columns) == 1:
            input_columns *= 2  # itemgetter of one column gives the cell, not a tuple
        inputs = operator.itemgetter(*input_columns)
        title_column = self.columns.get("title")
        quick = objective_column is not None and title_column is not None \
            and max(objective_column, title_column) < width
        for index in range(self.header + 1, len(self.rows)):
            row = self.rows[index]
            if quick and row[title_column] == "" and row[objective_column] == "" \
                    and index not in merged_objectives:  # the common empty ready row
                if _BLANKS.issuperset(inputs(row)):
                    continue
            if quick:
                objective, title = row[objective_column], row[title_column]
            else:
                objective, title = self._value(row, "objective"), self._value(row, "title")
            if index in merged_objectives:
                objective = merged_objectives[index]
            objective, title = _text(objective), _text(title)
            if title is None:
                if objective is not None:
                    rows.append((objective, None, index))
                elif width and not _BLANKS.issuperset(inputs(row)):
                    self._problem(WARNING, "title", index, "this row has values but no Key "
                                  "result; it is not scored. Type the key result's title.",
                                  "NO-TITLE")
                continue
            rows.append((objective, self._key_result(row, index, title), index))
            cached[index] = row  # its formula results, compared once the scores are known
        return rows, cached

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
        (owner, kind, kr_type, unit, start, target, revised_target, reason, weight, lagging,
         *weeks, current, confidence, comment) = self._gather(row)
        kr_type = _text(kr_type, strip=False)
        milestone = kr_type is not None and kr_type.casefold() == "milestone"
        number = self._number
        # The common cell is a float or blank: only other values go through _number.
        if start.__class__ is not float:
            start = number(start, index, "start")
        if target.__class__ is not float:
            target = number(target, index, "target")
        if revised_target.__class__ is not float:
            revised_target = number(revised_target, index, "revised_target")
        if weight.__class__ is not float:
            weight = number(weight, index, "weight")
        current = self._check_in(current, index, "current", milestone)
        check_ins = {}
        for (week, key), value in zip(_WEEK_KEYS, weeks):
            if value is not None and value != "":
                value = self._check_in(value, index, key, milestone)
                if value is not None:
                    check_ins[week] = value
        return KeyResult(title, _text(owner), kr_type, start, target, current, weight,  # field order
                         _text(kind), _text(unit), revised_target, _text(reason),
                         isinstance(lagging, str) and scoring.same_text(lagging, "yes"),
                         check_ins, _text(confidence), _text(comment),
                         index + self.row_offset + 1)

    def _gather(self, row: list[object]) -> tuple:
        """The row's cells in :data:`_ROW_KEYS` order (None for a missing column)."""
        return self.fetch(row + [None] * (self.blank_column + 1 - len(row)))

    def _check_in(self, value: object, index: int, key: str, milestone: bool) -> object:
        if value.__class__ is float:
            return value
        if value is None or value == "":
            return None
        return _plain(value) if milestone else self._number(value, index, key)

    def _number(self, value: object, index: int, key: str) -> float | None:
        if value.__class__ is float:
            return value
        if value is None or value == "":
            return None
        number, was_text = parse_number(value)
        label = _HEADER_TEXT[key]
        if number is None:
            code = "BAD-WEIGHT" if key == "weight" else "NOT-A-NUMBER"
            self._problem(ERROR, key, index, f'{label} is "{value}"; type a number.', code)
            return None
        if was_text:
            self._problem(WARNING, key, index, f'{label} "{value}" is text; read as {number:g}. '
                          "Type it as a number.", "TEXT-NUMBER")
        return number

    def _value(self, row: list[object], key: str) -> object:
        column = self.columns.get(key)
        if column is None or column >= len(row):
            return None
        return _plain(row[column])

    # -- cached formula results against the recomputed ones

    def _compare_cached(self, tq: TeamQuarter, scores: Scores, rows, cached, fields) -> None:
        if not self._has_cached_values(cached):
            return  # saved by a program that doesn't calculate (openpyxl): nothing to compare
        first_row = self.row_offset + 1
        column = self.columns.get("progress")
        for kr, progress in zip(tq.key_results, scores.progress):
            row = cached.get(kr.row - first_row)
            if row is not None:
                shown = row[column] if column is not None and column < len(row) else None
                self._compare(kr.row - first_row, "progress", "Progress", shown, progress)
        objective_scores = [objective.score for objective in scores.objectives]
        if "objective_score" in self.columns:
            for score, index in zip(objective_scores, self._objective_rows(rows)):
                if index in cached:
                    self._compare(index, "objective_score", "Objective score",
                                  self._value(cached[index], "objective_score"), score)
        if "team_score" in fields:
            value, row, column = fields["team_score"]
            self._compare(row, None, "Team score", value, scores.score, column=column)

    def _has_cached_values(self, cached) -> bool:
        """True when a calculating program saved the file: a KR's Status/Progress has a value."""
        return any(self._value(row, key) not in (None, "") for row in cached.values()
                   for key in ("status", "progress"))

    def _repeated_objectives(self, rows) -> None:
        """Objective text typed again on the next rows makes a new objective each time."""
        previous = None
        for text, _, index in rows:
            if text is not None and previous is not None and scoring.same_text(text, previous):
                self._problem(WARNING, "objective", index,
                              f'Objective "{text}" is typed again, so it counts as another '
                              "objective; leave Objective blank on the rows of the same "
                              "objective.", "REPEATED-OBJECTIVE")
            if text is not None:
                previous = text

    def _objective_rows(self, rows) -> list[int]:
        """Row index where each objective starts (the sheet shows its score there)."""
        return [index for text, _, index in rows if text is not None]

    def _compare(self, index: int, key: str | None, label: str, cached: object,
                 recomputed: float | None, column: int | None = None) -> None:
        if cached.__class__ is float and recomputed is not None \
                and abs(cached - recomputed) <= TOLERANCE:
            return  # the common case, first
        if isinstance(cached, int) and not isinstance(cached, bool):
            cached = float(cached)
        if recomputed is None:
            if cached in (None, ""):
                return
            agree = False
        elif isinstance(cached, float):
            agree = abs(cached - recomputed) <= TOLERANCE
        else:
            agree = False
        if agree:
            return
        shown = "blank" if cached in (None, "") else (f"{cached:.4g}" if isinstance(cached, float)
                                                      else f'"{cached}"')
        expected = "blank" if recomputed is None else f"{recomputed:.4g}"
        if cached in (None, ""):
            message = (f"{label} is blank but should be {expected}; its formula was deleted. "
                       "Copy the formula back from the row above. Using the recomputed value.")
        else:
            message = (f"{label} shows {shown} but the inputs give {expected}; someone typed over "
                       "its formula. Copy the formula back. Using the recomputed value.")
        self._problem(WARNING, key, index, message, "FORMULA-CHANGED", column=column)

    # -- problems

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


_BLANKS = frozenset((None, ""))


def _plain(value: object) -> object:
    """A cell value as the model keeps it: whole numbers as floats (booleans stay booleans)."""
    return float(value) if value.__class__ is int else value


def _text(value: object, strip: bool = True) -> str | None:
    """A cell as text (numbers without a trailing .0); None for blank."""
    if value.__class__ is str:  # most cells: checked first
        return (value.strip() if strip else value) or None
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
