"""The workbook contract, defined once: sheets, labelled cells, columns, names, colours.

The writer lays workbooks out from these definitions and the reader finds them again
(by label and header text, so moved columns and renamed sheets still read).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from okrsheet.model import CHECK_IN_COLUMNS

OKRS_SHEET = "OKRs"
GUIDE_SHEET = "Guide"

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

    @property
    def label_cell(self) -> str:
        return cell(self.row, self.column)

    @property
    def value_cell(self) -> str:
        return cell(self.row, self.column + 1)


TITLE_CELL = "A1"
TEAM = Field("team", "Team", 1, 0)
QUARTER = Field("quarter", "Quarter", 2, 0)
QUARTER_START = Field("quarter_start", "Quarter start", 3, 0)
QUARTER_END = Field("quarter_end", "Quarter end", 4, 0)
AS_OF = Field("as_of", "As of", 5, 0)
ELAPSED = Field("elapsed", "Quarter elapsed", 6, 0)
TEAM_SCORE = Field("team_score", "Team score", 1, 3)
GREEN_FROM = Field("green_from", "Green from", 2, 3)
ORANGE_FROM = Field("orange_from", "Orange from", 3, 3)
TEAM_STATUS = Field("team_status", "Team status", 4, 3)

FIELDS = (TEAM, QUARTER, QUARTER_START, QUARTER_END, AS_OF, ELAPSED,
          TEAM_SCORE, GREEN_FROM, ORANGE_FROM, TEAM_STATUS)

CALENDAR_ROW = 1  # 0-based: "Calendar" label, then week / what / date rows below
CALENDAR_COLUMN = 6  # G


# Public API: the key-result table


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    user_input: bool = True
    hidden: bool = False
    check_in_week: int | None = None


def _check_in_columns() -> list[Column]:
    return [Column(f"week_{week}", f"Week {week}", 8, check_in_week=week)
            for week in CHECK_IN_COLUMNS]


COLUMNS: tuple[Column, ...] = (
    Column("objective", "Objective", 34),
    Column("title", "Key result", 44),
    Column("owner", "Owner", 12),
    Column("kind", "Kind", 12),
    Column("type", "Type", 12),
    Column("unit", "Unit", 8),
    Column("start", "Start", 10),
    Column("target", "Target", 10),
    Column("revised_target", "Revised target", 10),
    Column("revision_reason", "Revision reason", 22),
    Column("weight", "Weight", 10),
    Column("lagging", "Lagging", 10),
    *_check_in_columns(),
    Column("current", "Current", 9),  # a formula (latest check-in) until typed over
    Column("confidence", "Confidence", 11),
    Column("comment", "Comment", 30),
    Column("progress", "Progress", 10, user_input=False),
    Column("status", "Status", 12, user_input=False),
    Column("pace", "Pace", 10, user_input=False),
    Column("objective_score", "Objective score", 10, user_input=False),
    # Helpers the formulas need; hidden, recomputed by the reader, never trusted.
    Column("objective_number", "Objective #", 6, False, hidden=True),
    Column("weight_used", "Weight used", 6, False, hidden=True),
    Column("weighted_progress", "Weighted progress", 6, False, hidden=True),
    Column("updated", "Updated", 6, False, hidden=True),
)

COLUMN_INDEX = {column.key: index for index, column in enumerate(COLUMNS)}
REQUIRED_HEADERS = ("Objective", "Key result", "Owner", "Type", "Start", "Target",
                    "Current", "Weight", "Progress", "Status")

CHECK_IN_DATE_ROW = 7  # 0-based: dates sit above the Week columns
HEADER_ROW = 8  # 0-based: row 9 in the sheet
FIRST_ROW = HEADER_ROW + 1
READY_ROWS = 40  # rows below the header that carry formulas (5 objectives x 5 KRs and more)


def letter(key: str) -> str:
    """Column letters of a KR-table column: ``letter("progress")``."""
    return column_letter(COLUMN_INDEX[key])


def address(key: str, row: int) -> str:
    """A1 address of column ``key`` in 0-based ``row``."""
    return f"{letter(key)}{row + 1}"


def column_range(key: str, last_row: int) -> str:
    """Absolute range of a column from the first KR row to 0-based ``last_row``."""
    return f"${letter(key)}${FIRST_ROW + 1}:${letter(key)}${last_row + 1}"


def normalise_header(text: object) -> str:
    """Header text as compared by the reader: case, spacing and punctuation ignored."""
    return _normalise(str(text))


@functools.lru_cache(maxsize=4096)
def _normalise(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


# Public API: vocabularies and look

STATUS_COLOURS = {  # fill, font
    "green": ("#C6EFCE", "#006100"),
    "orange": ("#FFDCA8", "#8A4B00"),
    "red": ("#FFC7CE", "#9C0006"),
    "not updated": ("#EDEDED", "#595959"),
    "lagging": ("#DDEBF7", "#1F4E78"),
}
