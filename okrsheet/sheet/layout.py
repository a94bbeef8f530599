"""The workbook contract, defined once: sheets, labelled cells, the two tables, names, colours.

The OKRs sheet holds labelled settings at the top, an **Objectives** table (each objective
once, with an id such as ``O1``) and a **key-result table** whose rows name their
objective's id. The fields (keys, headers, kinds, choices) are the domain's
(:mod:`okrsheet.domain.schema`); this module places them: each column is one
:class:`Column`, a schema field with its position and width (then the hidden helpers the
formulas need), and the writer lays cells out from it while the reader finds columns by
its header text. Workbooks of the first layout (objective text typed on the first row of
its key results) are still read; see :data:`LEGACY_HEADERS`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from okrsheet.domain import schema

OKRS_SHEET = "OKRs"
GUIDE_SHEET = "Guide"
PARENTS_SHEET = "Parents"
ACTIONS_SHEET = "Actions"
"""Priority actions, each naming a key result's id; the OKRs sheet counts the open ones."""
"""Lists the parent workbook's objectives and key results for the Parent drop-downs."""

LEVELS = ("company", "team", "person")

TEAM_SCORE_NAME = "TeamScore"


# Public API: cell addresses


def column_letter(index: int) -> str:
    """0-based column index to letters: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell(row: int, column: int) -> str:
    """0-based row and column to an A1 address: ``cell(0, 0) == "A1"``."""
    return f"{column_letter(column)}{row + 1}"


def absolute(address: str) -> str:
    """``B2`` -> ``$B$2``."""
    letters = address.rstrip("0123456789")
    return f"${letters}${address[len(letters):]}"


# Public API: the labelled cells at the top of the OKRs sheet


@dataclass(frozen=True)
class Field:
    """A labelled value: the label sits in ``label_cell``, the value just right of it."""

    key: str
    label: str
    row: int  # 0-based
    column: int  # 0-based column of the label

    @classmethod
    def at(cls, setting: schema.Setting, row: int, column: int) -> Field:
        """A setting of the domain schema, placed with its label at 0-based ``row``, ``column``."""
        return cls(setting.key, setting.label, row, column)

    @property
    def label_cell(self) -> str:
        return cell(self.row, self.column)

    @property
    def value_cell(self) -> str:
        return cell(self.row, self.column + 1)


TITLE_CELL = "A1"
TEAM = Field.at(schema.TEAM, 1, 0)
QUARTER = Field.at(schema.QUARTER, 2, 0)
QUARTER_START = Field.at(schema.QUARTER_START, 3, 0)
QUARTER_END = Field.at(schema.QUARTER_END, 4, 0)
AS_OF = Field.at(schema.AS_OF, 5, 0)
ELAPSED = Field.at(schema.ELAPSED, 6, 0)
TEAM_SCORE = Field.at(schema.TEAM_SCORE, 1, 3)
GREEN_FROM = Field.at(schema.GREEN_FROM, 2, 3)
ORANGE_FROM = Field.at(schema.ORANGE_FROM, 3, 3)
TEAM_STATUS = Field.at(schema.TEAM_STATUS, 4, 3)
SHEET_CHECK = Field.at(schema.SHEET_CHECK, 5, 3)
LEVEL = Field.at(schema.LEVEL, 6, 3)

FIELDS = (TEAM, QUARTER, QUARTER_START, QUARTER_END, AS_OF, ELAPSED,
          TEAM_SCORE, GREEN_FROM, ORANGE_FROM, TEAM_STATUS, SHEET_CHECK, LEVEL)
INPUT_FIELDS = (TEAM, QUARTER, QUARTER_START, QUARTER_END, AS_OF, GREEN_FROM, ORANGE_FROM, LEVEL)
"""The labelled cells a person fills in (the others are formulas)."""

CALENDAR_ROW = 1  # 0-based: "Week" label, then what / starts rows below
CALENDAR_COLUMN = 6  # G


# Public API: columns

TEXT, NUMBER, CHOICE, CHECK_IN, CURRENT, FORMULA = (
    schema.TEXT, schema.NUMBER, schema.CHOICE, schema.CHECK_IN, schema.CURRENT, schema.FORMULA)
"""What a column's cells hold (the kinds of :mod:`okrsheet.domain.schema`)."""


@dataclass(frozen=True)
class Column:
    """One column of a table: its key (the model's attribute and the JSON/CSV key), header
    text, width, what its cells hold, and for drop-downs the choices."""

    key: str
    header: str
    width: float
    cell: str = TEXT
    hidden: bool = False
    choices: tuple[str, ...] = ()
    check_in_week: int | None = None

    @classmethod
    def of(cls, field: schema.Field, width: float) -> Column:
        """A field of the domain schema as a column ``width`` characters wide."""
        return cls(field.key, field.header, width, field.kind, choices=field.choices,
                   check_in_week=field.week)

    @property
    def user_input(self) -> bool:
        """A person types into it (Current included: typing over it overrides the check-ins)."""
        return self.cell != FORMULA


WIDTHS = {"objective": 14, "title": 44, "id": 11, "owner": 11, "kind": 12, "type": 11,
          "unit": 7, "revision_reason": 18, "weight": 8, "lagging": 8.5, "confidence": 11,
          "comment": 26, "parent": 24, "progress": 9.5, "status": 11.5, "pace": 9,
          "input_check": 13, "open_actions": 8.5, "overdue_actions": 8.5}
"""Key-result columns wider or narrower than :data:`WIDTH`, in characters."""
WIDTH = 10
CHECK_IN_WIDTHS = {schema.CHECK_IN: 8.5, schema.CHOICE: 9}
"""A week's value, and the confidence given with it."""


def _width(field: schema.Field) -> float:
    if field.week is not None:
        return CHECK_IN_WIDTHS[field.kind]
    return WIDTHS.get(field.key, WIDTH)


COLUMNS: tuple[Column, ...] = (
    *(Column.of(field, _width(field)) for field in schema.KEY_RESULT_FIELDS),
    # Helpers the formulas need; hidden, recomputed by the reader, never trusted. Scores add
    # up these (not the visible Progress), so typing over a visible result changes no score.
    Column("progress_value", "Progress value", 6, FORMULA, hidden=True),
    Column("weight_used", "Weight used", 6, FORMULA, hidden=True),
    Column("weighted_progress", "Weighted progress", 6, FORMULA, hidden=True),
    Column("updated", "Updated", 6, FORMULA, hidden=True),
    Column("to_check", "To check", 6, FORMULA, hidden=True),
    Column("counted", "Counted", 6, FORMULA, hidden=True),
    Column("shown", "Shown", 6, FORMULA, hidden=True),
    Column("shared_id", "Shared ID", 6, FORMULA, hidden=True),
    Column("status_value", "Status value", 6, FORMULA, hidden=True),
)
"""The key-result table, one row per key result, in sheet order from column A: the
schema's fields, then the hidden helpers of the formulas."""

COLUMN_INDEX = {column.key: index for index, column in enumerate(COLUMNS)}
COLUMN_OF = {column.key: column for column in COLUMNS}
CHECK_IN_KEYS = schema.CHECK_IN_KEYS
CONFIDENCE_KEYS = schema.CONFIDENCE_KEYS
INPUT_KEYS = tuple(column.key for column in COLUMNS if column.user_input)
"""The cells of a key-result row a person fills in, in sheet order."""
REQUIRED_HEADERS = tuple(schema.KEY_RESULT_FIELD[key].header for key in schema.REQUIRED_KEYS)

OBJECTIVE_WIDTHS = {"id": 14, "title": 44, "score": 11, "status": 12, "key_results": 11,
                    "parent": 12}
OBJECTIVE_COLUMNS: tuple[Column, ...] = tuple(
    Column.of(field, OBJECTIVE_WIDTHS.get(field.key, WIDTH)) for field in schema.OBJECTIVE_FIELDS)
"""The Objectives table, from column A; its hidden helpers sit in the hidden columns below."""
OBJECTIVE_COLUMN_OF = {column.key: column for column in OBJECTIVE_COLUMNS}
OBJECTIVE_HELPERS = ("score_value", "updated", "to_check", "shown", "shared_id")
"""Hidden helper columns of the Objectives table, placed over the KR table's hidden columns."""
OBJECTIVE_COLUMN_INDEX = {
    **{column.key: index for index, column in enumerate(OBJECTIVE_COLUMNS)},
    **{key: COLUMN_INDEX["progress_value"] + index for index, key in enumerate(OBJECTIVE_HELPERS)},
}

ACTION_WIDTHS = {"title": 50, "key_result": 14, "owner": 14, "due": 12, "done": 8, "state": 10}
ACTION_COLUMNS: tuple[Column, ...] = tuple(
    Column.of(field, ACTION_WIDTHS.get(field.key, WIDTH)) for field in schema.ACTION_FIELDS)
"""The Actions sheet, from column A, header in row 1."""
ACTION_INDEX = {column.key: index for index, column in enumerate(ACTION_COLUMNS)}
ACTION_ROWS = 100  # ready rows of the Actions sheet

OBJECTIVES_HEADING_ROW = 8  # 0-based: "Objectives" heading
OBJECTIVES_HEADER_ROW = 9  # 0-based: ID | Objective | Score | Status | Key results
FIRST_OBJECTIVE_ROW = OBJECTIVES_HEADER_ROW + 1
OBJECTIVE_ROWS = 10  # objective rows ready (the guide asks for 3 to 5)
LAST_OBJECTIVE_ROW = FIRST_OBJECTIVE_ROW + OBJECTIVE_ROWS - 1

KEY_RESULTS_HEADING_ROW = LAST_OBJECTIVE_ROW + 2
HEADER_ROW = KEY_RESULTS_HEADING_ROW + 1  # 0-based header row of the key-result table
FIRST_ROW = HEADER_ROW + 1
READY_ROWS = 60  # key-result rows that carry formulas
CHECKED_ROWS = 1000  # rows the sheet check looks at for key results without formulas


objective_id = schema.objective_id


def letter(key: str) -> str:
    """Column letters of a key-result column: ``letter("progress")``."""
    return column_letter(COLUMN_INDEX[key])


def address(key: str, row: int) -> str:
    """A1 address of key-result column ``key`` in 0-based ``row``."""
    return f"{letter(key)}{row + 1}"


def column_range(key: str, last_row: int, first_row: int = FIRST_ROW) -> str:
    """Absolute range of a key-result column from ``first_row`` to 0-based ``last_row``."""
    return f"${letter(key)}${first_row + 1}:${letter(key)}${last_row + 1}"


def objective_address(key: str, row: int) -> str:
    """A1 address of Objectives-table column ``key`` in 0-based ``row``."""
    return cell(row, OBJECTIVE_COLUMN_INDEX[key])


def objective_range(key: str) -> str:
    """Absolute range of an Objectives-table column over its ready rows."""
    column = column_letter(OBJECTIVE_COLUMN_INDEX[key])
    return f"${column}${FIRST_OBJECTIVE_ROW + 1}:${column}${LAST_OBJECTIVE_ROW + 1}"


# Public API: reading headers

LEGACY_HEADERS = {"objective score": "objective_score", "objective #": "objective_number"}
"""Columns of the first layout (objective text typed on a key result's row), still read;
matched on the header text itself (case and outer spaces ignored), not normalised."""

HEADER_ALIASES = {"kr": "title", "keyresults": "title", "objectives": "objective",
                  "weighting": "weight"}
"""Other header texts people use for a column (normalised)."""


def normalise_header(text: object) -> str:
    """Header text as compared by the reader: case, spacing and punctuation ignored. Short
    texts (labels and headers are) are remembered; a long one, a title or a comment, is not,
    so the cache stays small whatever the workbooks hold."""
    text = str(text)
    return _normalise(text) if len(text) <= 100 else _normalise.__wrapped__(text)


@functools.lru_cache(maxsize=4096)
def _normalise(text: str) -> str:
    return _NOT_ALPHANUMERIC.sub("", text.casefold())


_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")
r"""What :func:`normalise_header` drops: exactly the characters for which ``str.isalnum()``
is false (``\w`` is the letters and digits of every script, and ``_``)."""


# Public API: vocabularies and look

STATUS_COLOURS = {  # fill, font
    "green": ("#C6EFCE", "#006100"),
    "orange": ("#FFDCA8", "#8A4B00"),
    "red": ("#FFC7CE", "#9C0006"),
    "not updated": ("#EDEDED", "#595959"),
    "lagging": ("#DDEBF7", "#1F4E78"),
    "check input": ("#E4D7F5", "#5B2C8F"),
}
