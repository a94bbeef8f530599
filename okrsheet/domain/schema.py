"""The fields of a team's OKRs, defined once: each one's key, header text, kind and choices.

The key is the model's attribute and the JSON/CSV/store key; the header is the text the
OKRs sheet shows and the reader looks for. Where each field sits in a workbook (columns,
widths, formulas) is the sheet layer's business (:mod:`okrsheet.sheet.layout` builds its
columns from these fields, in this order). Every edge takes its fields from here: the
writer and reader, JSON and CSV, the history store, the owners' check-in files, the
text-length guard and diff. A new key-result column is one :class:`Field` in
:data:`KEY_RESULT_FIELDS` and the :class:`~okrsheet.domain.model.KeyResult` attribute of
the same name; a flag leaves a field out of an edge on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

from okrsheet.domain.choices import CONFIDENCES, KR_KINDS, KR_TYPES, YES_NO
from okrsheet.domain.quarter import CHECK_IN_COLUMNS

TEXT, NUMBER, CHOICE, CHECK_IN, CURRENT, FORMULA = (
    "text", "number", "choice", "check-in", "current", "formula")
"""What a field holds. CHECK_IN: a week's value. CURRENT: the latest check-in's value (or
confidence) until typed over. FORMULA: computed by the scoring rules, never typed."""


@dataclass(frozen=True)
class Field:
    """One field of a key result, an objective or an action.

    ``attribute`` is the model attribute that holds (or computes) it; None when the model
    holds it elsewhere (a key result's objective is the objective it sits in).
    The flags say which edges carry it: the scorecard's JSON and CSV, the history store,
    the owners' check-in files (read-only context there), the text-length guard (every
    typed text); ``long_text`` ones wrap in the sheet."""

    key: str
    header: str
    kind: str = TEXT
    choices: tuple[str, ...] = ()
    week: int | None = None
    attribute: str | None = ""
    in_json: bool = True
    in_csv: bool = True
    stored: bool = True
    in_check_in: bool = False
    long_text: bool = False

    def __post_init__(self) -> None:
        if self.attribute == "":
            object.__setattr__(self, "attribute", self.key)

    @property
    def data_key(self) -> str:
        """Its key in JSON and CSV: the model attribute's name (``check`` for Input check),
        else the field's key."""
        return self.attribute or self.key

    @property
    def typed(self) -> bool:
        """A person types it (Current included: typing over it overrides the check-ins)."""
        return self.kind != FORMULA


@dataclass(frozen=True)
class Setting:
    """A labelled value at the top of a team's OKRs: team, quarter, its dates, thresholds."""

    key: str
    label: str


TEAM = Setting("team", "Team")
QUARTER = Setting("quarter", "Quarter")
QUARTER_START = Setting("quarter_start", "Quarter start")
QUARTER_END = Setting("quarter_end", "Quarter end")
AS_OF = Setting("as_of", "As of")
ELAPSED = Setting("elapsed", "Quarter elapsed")
TEAM_SCORE = Setting("team_score", "Team score")
GREEN_FROM = Setting("green_from", "Green from")
ORANGE_FROM = Setting("orange_from", "Orange from")
TEAM_STATUS = Setting("team_status", "Team status")
SHEET_CHECK = Setting("sheet_check", "Sheet check")
LEVEL = Setting("level", "Level")
SETTINGS = (TEAM, QUARTER, QUARTER_START, QUARTER_END, AS_OF, ELAPSED, TEAM_SCORE, GREEN_FROM,
            ORANGE_FROM, TEAM_STATUS, SHEET_CHECK, LEVEL)


def _check_in_fields() -> list[Field]:
    """Each check-in week's value, then the confidence given with it."""
    fields = []
    for week in CHECK_IN_COLUMNS:
        fields.append(Field(f"week_{week}", f"Week {week}", CHECK_IN, week=week,
                            attribute="check_ins", in_json=False, in_csv=False, stored=False))
        fields.append(Field(f"confidence_{week}", f"Confidence {week}", CHOICE, CONFIDENCES,
                            week=week, attribute="confidences", in_json=False, in_csv=False,
                            stored=False))
    return fields


# The JSON gives every week at once ("confidences"), the store keeps them in its check_ins
# table; id and objective are the store's key_result_id and objective_id.
KEY_RESULT_FIELDS: tuple[Field, ...] = (
    Field("objective", "Objective", CHOICE, attribute=None, in_json=False, in_csv=False,
          stored=False),  # the objective's id
    Field("title", "Key result", in_check_in=True, long_text=True),
    Field("id", "ID", in_csv=False, stored=False, in_check_in=True),  # O2.3: kept when rows move
    Field("owner", "Owner"),
    Field("kind", "Kind", CHOICE, KR_KINDS, in_csv=False),
    Field("type", "Type", CHOICE, KR_TYPES, in_check_in=True),
    Field("unit", "Unit", in_csv=False, in_check_in=True),
    Field("start", "Start", NUMBER, in_check_in=True),
    Field("target", "Target", NUMBER, in_check_in=True),
    Field("revised_target", "Revised target", NUMBER),
    Field("revision_reason", "Revision reason", in_json=False, in_csv=False, long_text=True),
    Field("weight", "Weight", NUMBER),
    Field("lagging", "Lagging", CHOICE, YES_NO, in_csv=False),
    *_check_in_fields(),
    Field("current", "Current", CURRENT),
    Field("confidence", "Confidence", CURRENT, CONFIDENCES, in_csv=False),
    Field("comment", "Comment", in_json=False, in_csv=False, long_text=True),
    Field("parent", "Parent", CHOICE, in_csv=False),  # Owner/ID of what it aligns to
    Field("progress", "Progress", FORMULA),
    Field("status", "Status", FORMULA, attribute=None),
    Field("pace", "Pace", FORMULA, attribute=None, stored=False),
    Field("input_check", "Input check", FORMULA, attribute="check"),
    Field("open_actions", "Open actions", FORMULA, attribute=None, in_csv=False, stored=False),
    Field("overdue_actions", "Overdue actions", FORMULA, attribute=None, in_csv=False,
          stored=False),
)
"""A key result's fields, in the order of the OKRs sheet's key-result table."""

KEY_RESULT_FIELD = {field.key: field for field in KEY_RESULT_FIELDS}
KEY_RESULT_BOOKKEEPING = ("row", "follows_check_ins", "lagging_entry", "objective_id",
                          "follows_confidences", "input_error", "extras")
""":class:`~okrsheet.domain.model.KeyResult` attributes that are no field: where it was read
and what the reader kept beside the cells."""
CHECK_IN_KEYS = tuple(f"week_{week}" for week in CHECK_IN_COLUMNS)
CONFIDENCE_KEYS = tuple(f"confidence_{week}" for week in CHECK_IN_COLUMNS)
TYPED_KEYS = tuple(field.key for field in KEY_RESULT_FIELDS if field.typed)
"""The fields of a key result a person fills in, in sheet order."""
OWN_VALUES = tuple(field.key for field in KEY_RESULT_FIELDS
                   if field.typed and field.week is None and field.attribute not in (None, "title"))
"""A key result's own typed values, each one attribute (not its title, objective or weeks)."""
TEXTS = tuple(field.key for field in KEY_RESULT_FIELDS
              if field.kind in (TEXT, CHOICE) and field.week is None and field.attribute)
"""The fields typed as text (drop-downs included): what the text-length guard measures."""
NUMBERS = tuple(field.key for field in KEY_RESULT_FIELDS if field.kind == NUMBER)
"""The fields typed as numbers (Current and the weeks' values aside): Start, Target..."""
LONG_TEXTS = tuple(field.key for field in KEY_RESULT_FIELDS if field.long_text)
"""Free text that can run long: it wraps, and its row grows."""
REQUIRED_KEYS = ("objective", "title", "owner", "type", "start", "target", "current", "weight",
                 "progress", "status")
"""The fields a key-result table must have for the reader to find it."""

OBJECTIVE_FIELDS: tuple[Field, ...] = (
    Field("id", "ID"),
    Field("title", "Objective"),
    Field("score", "Score", FORMULA),
    Field("status", "Status", FORMULA, attribute=None),
    Field("key_results", "KRs", FORMULA),
    Field("parent", "Parent", CHOICE),
)
"""An objective's fields, in the order of the OKRs sheet's Objectives table."""
OBJECTIVE_FIELD = {field.key: field for field in OBJECTIVE_FIELDS}

ACTION_FIELDS: tuple[Field, ...] = (
    Field("title", "Action"),
    Field("key_result", "Key result", CHOICE),  # its id, from the key results' IDs
    Field("owner", "Owner"),
    Field("due", "Due", NUMBER),
    Field("done", "Done", CHOICE, YES_NO),
    Field("state", "State", FORMULA, attribute=None),
)
"""A priority action's fields, in the order of the Actions sheet."""


def objective_id(number: int) -> str:
    """The id of the ``number``-th objective (1-based) when it has none of its own: ``O1``."""
    return f"O{number}"
