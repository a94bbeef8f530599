"""What reading a workbook gives, how the reader recognises headers and labels, and the
reading checked against the guide's rules."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from okrsheet.domain.model import KeyResult, Objective, Scores, TeamQuarter
from okrsheet.domain.problems import ERROR, Problem
from okrsheet.sheet import layout
from okrsheet.sheet.checking import check

TOLERANCE = 1e-9
"""Cached and recomputed numbers closer than this agree (LibreOffice keeps 15 digits)."""

OBJECTIVES, LEGACY = "objectives", "legacy"
"""The two layouts: objectives defined once with ids, or objective text on key-result rows."""

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


# Header and label texts

KEY_OF_HEADER: dict[str, str] = {}
for _column in layout.COLUMNS:
    KEY_OF_HEADER.setdefault(layout.normalise_header(_column.header), _column.key)
KEY_OF_HEADER.update(layout.HEADER_ALIASES)
EXACT_HEADERS = {**layout.LEGACY_HEADERS,
                  **{column.header.casefold(): column.key for column in layout.COLUMNS if column.hidden}}
"""Headers matched on their text (``Objective #`` would otherwise normalise to ``Objective``)."""
OBJECTIVE_KEY_OF_HEADER = {layout.normalise_header(column.header): column.key
                           for column in layout.OBJECTIVE_COLUMNS}
FIELD_OF_LABEL = {layout.normalise_header(f.label): f.key for f in
                   (layout.TEAM, layout.QUARTER, layout.QUARTER_START, layout.QUARTER_END,
                    layout.AS_OF, layout.TEAM_SCORE, layout.GREEN_FROM, layout.ORANGE_FROM,
                    layout.LEVEL)}
FIELD_COUNT = len(set(FIELD_OF_LABEL.values()))
REQUIRED_KEYS = tuple(KEY_OF_HEADER[layout.normalise_header(text)] for text in layout.REQUIRED_HEADERS)
MIN_HEADERS = 3  # the Key result header plus this many other known headers make a header row
HEADER_TEXT = {column.key: column.header for column in layout.COLUMNS}
ROW_INPUTS = tuple(key for key in layout.INPUT_KEYS if key not in ("objective", "title"))
"""Input cells that make a row without a title worth a warning."""
NUMBER_KEYS = tuple(column.key for column in layout.COLUMNS if column.cell == layout.NUMBER)
TEXT_KEYS = tuple(column.key for column in layout.COLUMNS
                   if column.cell in (layout.TEXT, layout.CHOICE) and column.check_in_week is None
                   and column.key not in ("objective", "title", "type", "lagging"))


LONGEST_HEADER = 100
"""Longer texts (spaces around them aside) are never headers: okrsheet's longest has 17
characters."""


def header_key(text: str) -> str | None:
    """Column key of a header text, or None."""
    text = text.strip()
    return _header_key(text) if len(text) <= LONGEST_HEADER else None


@functools.lru_cache(maxsize=16_384)
def _header_key(text: str) -> str | None:
    """Remembered: every workbook has the same header texts, and a sheet without a header
    is looked through whole, its texts often repeated (short texts only: the cache stays
    under a few MB)."""
    exact = EXACT_HEADERS.get(text.casefold())
    return exact or KEY_OF_HEADER.get(layout.normalise_header(text))


def check_reading(reading: Reading, fiscal_year_start: int = 1, named_by_start: bool = False,
                  today: dt.date | None = None) -> list[Problem]:
    """The reader's problems followed by the checks' problems for a :class:`Reading`.
    ``today`` stands in for a blank As of (``okrsheet check`` passes the real date)."""
    if reading.team_quarter is None:
        return list(reading.problems)
    # A cell the reader already reported as an error (say Target "fifty") isn't reported twice.
    reported = {(problem.sheet, problem.cell) for problem in reading.problems
                if problem.severity == ERROR}
    found = check(reading.team_quarter, sheet=reading.sheet, columns=reading.columns,
                  fiscal_year_start=fiscal_year_start, named_by_start=named_by_start,
                  today=today)
    codes = {problem.code for problem in found}
    kept = [problem for problem in reading.problems if problem.code not in codes]
    return kept + [problem for problem in found if (problem.sheet, problem.cell) not in reported]
