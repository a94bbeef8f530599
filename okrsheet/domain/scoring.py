"""The scoring rules, as pure functions.

The workbook's formulas are the specification: for every input the functions here return
what LibreOffice, Excel and Google Sheets show. The formulas themselves, one template per
rule, are the sheet layer's (:mod:`okrsheet.sheet.formulas`); each rule's docstring says
which.

Spreadsheet arithmetic differs from Python's in three ways that matter here:

* a blank cell counts as 0 in arithmetic and comparisons;
* ``=`` on text ignores case (``"Increase" = "increase"``), trailing spaces count;
* numbers that agree to about 15 significant digits compare equal, and subtracting two
  such numbers gives exactly 0 (LibreOffice's ``approxEqual`` / ``approxSub``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence

from okrsheet.domain.arithmetic import CellError as CellError
from okrsheet.domain.arithmetic import approx_equal as approx_equal
from okrsheet.domain.arithmetic import approx_sub as approx_sub
from okrsheet.domain.arithmetic import at_least as at_least
from okrsheet.domain.arithmetic import at_most as at_most
from okrsheet.domain.arithmetic import is_blank as is_blank
from okrsheet.domain.arithmetic import is_number as is_number
from okrsheet.domain.arithmetic import same_text as same_text
from okrsheet.domain.arithmetic import trim
from okrsheet.domain.choices import CONFIDENCES as CONFIDENCES
from okrsheet.domain.choices import KR_KINDS as KR_KINDS
from okrsheet.domain.choices import KR_TYPES as KR_TYPES
from okrsheet.domain.choices import YES_NO as YES_NO
from okrsheet.domain.schema import KEY_RESULT_FIELD

GREEN_FROM = 0.7
ORANGE_FROM = 0.4

GREEN, ORANGE, RED = "green", "orange", "red"
NOT_UPDATED, LAGGING = "not updated", "lagging"
CHECK_INPUT = "check input"
"""The status of a key result whose inputs can't be scored; its Input check cell says why."""
KR_STATUSES = (GREEN, ORANGE, RED, NOT_UPDATED, LAGGING, CHECK_INPUT)
"""Every status a key result can have, in display order."""
ON_TRACK, AT_RISK, BEHIND = "on track", "at risk", "behind"

# Public API: the rules


def latest_check_in(check_ins: Sequence[object]) -> object:
    """The last non-blank check-in value (in week order), or None. An error value counts.

    In the sheet: ``LATEST_CHECK_IN_STEP`` (:mod:`okrsheet.sheet.formulas`).
    """
    for value in reversed(check_ins):
        if not is_blank(value):
            return value
    return None


def effective_current(current: object, check_ins: Sequence[object]) -> object:
    """Current as typed, else the latest check-in value."""
    return current if not is_blank(current) else latest_check_in(check_ins)


def effective_target(target: object, revised_target: object) -> object:
    """A revised target replaces the original one for scoring."""
    return revised_target if not is_blank(revised_target) else target


MILESTONE_DONE = ("done", "yes", "x", "completed", "complete")
"""What people type for a milestone reached (any case, outer spaces ignored), or the number 1."""
MILESTONE_NOT_DONE = ("no", "not done", "open")
"""What people type for a milestone not reached yet, or the number 0."""


def milestone_state(current: object) -> bool | None:
    """True for a milestone reached, False for not yet, None for an entry that is neither.

    In the sheet: ``MILESTONE_DONE_FORMULA and MILESTONE_NOT_DONE_FORMULA`` (:mod:`okrsheet.sheet.formulas`).
    """
    if isinstance(current, str):
        text = trim(current).casefold()
        if text in MILESTONE_DONE:
            return True
        if text in MILESTONE_NOT_DONE:
            return False
        return None
    if isinstance(current, bool):
        return None  # TRUE is 1 in LibreOffice, not in Excel: see docs/compatibility.md
    if is_number(current):
        number = float(current)  # type: ignore[arg-type]
        if approx_equal(number, 1.0):
            return True
        if number == 0:
            return False
    return None


def milestone_done(current: object) -> bool:
    """A milestone counts as done when Current is ``done``, ``yes``, ``x``, ``completed`` or 1."""
    return milestone_state(current) is True


INPUT_CHECK_NAMES = {key: KEY_RESULT_FIELD[key].header for key in (
    "objective", "type", "start", "target", "revised_target", "weight", "lagging", "current")}
"""The inputs the Input check looks at, in its order, each named by its header."""


ERROR_VALUE = "Error value"


def input_check(kr_type: object, start: object, target: object, revised_target: object,
                weight: object, lagging: object, current: object,
                objective: object = "", objective_known: bool = True) -> str | None:
    """The Input check column: the first input that can't be scored, or None.

    ``lagging`` is the Lagging cell as typed; ``current`` is Current as the sheet shows it
    (typed, or the latest check-in). A key result with a check counts for nothing: progress
    0, weight 0, status ``check input``.

    In the sheet: ``INPUT_CHECK_FORMULA`` (:mod:`okrsheet.sheet.formulas`).
    """
    if isinstance(kr_type, CellError):
        return ERROR_VALUE if objective_known else INPUT_CHECK_NAMES["objective"]
    if not objective_known:
        return INPUT_CHECK_NAMES["objective"]
    kind = kr_type.casefold() if isinstance(kr_type, str) else kr_type
    if not is_blank(kind) and kind not in KR_TYPES:
        return INPUT_CHECK_NAMES["type"]
    for key, value in (("start", start), ("target", target), ("revised_target", revised_target)):
        if isinstance(value, CellError):
            return ERROR_VALUE
        if not is_blank(value) and not is_number(value):
            return INPUT_CHECK_NAMES[key]
    if kind != "milestone" and is_blank(target) and is_blank(revised_target):
        return INPUT_CHECK_NAMES["target"]  # nothing to score against: a target to set
    if isinstance(weight, CellError):
        return ERROR_VALUE
    if not is_blank(weight) and (not is_number(weight) or weight < 0):  # type: ignore[operator]
        return INPUT_CHECK_NAMES["weight"]
    if isinstance(lagging, CellError):
        return ERROR_VALUE
    if not is_blank(lagging) and not (isinstance(lagging, str) and lagging.casefold() in YES_NO):
        return INPUT_CHECK_NAMES["lagging"]
    if isinstance(current, CellError):
        return ERROR_VALUE
    if is_blank(current):
        return None
    if kind == "milestone":
        return None if milestone_state(current) is not None else INPUT_CHECK_NAMES["current"]
    return None if is_number(current) else INPUT_CHECK_NAMES["current"]


def progress(kr_type: str | None, start: object, target: object, current: object) -> float:
    """A key result's progress, 0..1, for inputs that pass :func:`input_check`.

    ``target`` is the effective (revised) target.

    * increase/decrease (or blank type): ``clamp((current-start)/(target-start), 0, 1)``;
      start == target gives 0 (a problem the checks report);
    * stay above/below: 1 while current is at or above (below) target, else 0;
    * milestone: 1 when :func:`milestone_done`, else 0;
    * blank current, blank target, or anything that is not a number where one belongs: 0.

    Blank start counts as 0.

    In the sheet: ``PROGRESS_VALUE_FORMULA`` (:mod:`okrsheet.sheet.formulas`).
    """
    kind = (kr_type or "").casefold()
    if is_blank(current):
        return 0.0
    if kind == "milestone":
        return 1.0 if milestone_done(current) else 0.0
    if not is_number(target) or not is_number(current) or not (is_blank(start) or is_number(start)):
        return 0.0
    start_value = 0.0 if is_blank(start) else float(start)  # type: ignore[arg-type]
    target_value, current_value = float(target), float(current)  # type: ignore[arg-type]
    if kind == "stay above":
        return 1.0 if at_least(current_value, target_value) else 0.0
    if kind == "stay below":
        return 1.0 if at_most(current_value, target_value) else 0.0
    if kind not in ("increase", "decrease", ""):
        return 0.0
    if approx_equal(target_value, start_value):
        return 0.0
    share = approx_sub(current_value, start_value) / approx_sub(target_value, start_value)
    if not math.isfinite(share):
        return 0.0  # the sheet's IFERROR: #NUM! on overflow
    return max(0.0, min(1.0, share))


def weight_used(weight: object, lagging: bool = False, check: str | None = None) -> float:
    """The weight a key result counts with: blank = 1; lagging or to check: 0 this quarter.

    In the sheet: ``WEIGHT_USED_FORMULA`` (:mod:`okrsheet.sheet.formulas`).
    """
    if lagging or check:
        return 0.0
    return 1.0 if is_blank(weight) else float(weight)  # type: ignore[arg-type]


def kr_status(progress_value: float, current: object, lagging: bool = False,
              green_from: float = GREEN_FROM, orange_from: float = ORANGE_FROM,
              check: str | None = None) -> str:
    """``check input``, ``lagging``, ``not updated`` (blank Current), else the colour of the progress.

    In the sheet: ``STATUS_VALUE_FORMULA`` (:mod:`okrsheet.sheet.formulas`).
    """
    if check:
        return CHECK_INPUT
    if lagging:
        return LAGGING
    if is_blank(current):
        return NOT_UPDATED
    return status(progress_value, green_from, orange_from)  # type: ignore[return-value]


def score_status(score: float | None, any_updated: bool, green_from: float = GREEN_FROM,
                 orange_from: float = ORANGE_FROM, to_check: bool = False) -> str | None:
    """Status of an objective's or the team's score: ``check input`` while a key result needs
    it, ``not updated`` (grey) until a KR has a Current, else the colour.

    In the sheet: ``OBJECTIVE_STATUS_FORMULA, TEAM_STATUS_FORMULA`` (:mod:`okrsheet.sheet.formulas`).
    """
    if to_check:
        return CHECK_INPUT
    if score is not None and not any_updated:
        return NOT_UPDATED
    return status(score, green_from, orange_from)


def status(score: float | None, green_from: float = GREEN_FROM,
           orange_from: float = ORANGE_FROM) -> str | None:
    """Green from ``green_from``, orange from ``orange_from``, red below; None for no score."""
    if score is None:
        return None
    if at_least(score, green_from):
        return GREEN
    if at_least(score, orange_from):
        return ORANGE
    return RED


def same_id(a: object, b: object) -> bool:
    """Does a key result's Objective cell name this objective id? As SUMIF matches: case ignored."""
    if is_blank(a) or is_blank(b):
        return False
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    return a == b


def objective_score(progresses: Iterable[float], weights: Iterable[float]) -> float | None:
    """Weighted mean of progress, with weights as :func:`weight_used` gives them.

    None when the weights add up to 0 (no key results, or all lagging or to check).

    In the sheet: ``OBJECTIVE_SCORE_VALUE_FORMULA`` (:mod:`okrsheet.sheet.formulas`).
    """
    total_weight = 0.0
    total = 0.0
    for value, weight in zip(progresses, weights):
        total_weight += weight
        total += weight * value
    if total_weight == 0:  # the sheet's SUMIF(...)=0
        return None
    return total / total_weight


def team_score(objective_scores: Iterable[float | None]) -> float | None:
    """Mean of the objectives' scores, ignoring objectives without a score.

    In the sheet: ``TEAM_SCORE_FORMULA`` (:mod:`okrsheet.sheet.formulas`).
    """
    scores = [score for score in objective_scores if score is not None]
    if not scores:
        return None
    return sum(scores) / len(scores)


def sheet_check(to_check: int, duplicate_ids: int = 0, bad_confidences: int = 0,
                actions_to_check: int | None = 0) -> str:
    """What the Sheet check shows for a sheet with every formula in place (as okrsheet writes
    it); ``actions_to_check`` None: the Actions sheet is gone.

    In the sheet: ``SHEET_CHECK_FORMULA`` (:mod:`okrsheet.sheet.formulas`).
    """
    if duplicate_ids:
        return f"{duplicate_ids} row(s) share an ID: give each its own"
    if bad_confidences:
        return f"{bad_confidences} confidence(s) not high, medium or low"
    if actions_to_check is None:
        return "Actions sheet missing: run okrsheet fix"
    if actions_to_check:
        return f"{actions_to_check} action(s) to check: see State on Actions"
    if to_check:
        return f"{to_check} key result(s) to check: see Input check"
    return "OK"


def unknown_confidence(value: object) -> bool:
    """A Confidence cell holding anything but high, medium or low, as the Sheet check
    compares (case ignored, spaces count): ``med``, ``high ``, ``70%`` stored 0.7...

    In the sheet: ``ODD_CONFIDENCES_STEP`` (:mod:`okrsheet.sheet.formulas`).
    """
    if is_blank(value):
        return False
    return not (isinstance(value, str) and value.casefold() in CONFIDENCES)


def shown_differs(shown: object, recomputed: str | None) -> bool:
    """Is a status the sheet shows not its formula's? Compared as ``=`` compares text.

    In the sheet: ``SHOWN_FORMULA`` (:mod:`okrsheet.sheet.formulas`).
    """
    expected = recomputed or ""
    if isinstance(shown, str):
        return not same_text(shown, expected)
    return not (shown is None and expected == "")


CHECK_DUE, CHECK_KEY_RESULT = "check due", "check key result"


def action_state(done: bool, due: object, key_result: object, kr_ids: Iterable[object],
                 as_of: dt.date) -> str:
    """The State column: ``done``, ``check due``, ``check key result``, ``overdue`` or ``open``.

    ``due`` is the Due cell as read: a date, None, or anything else (text) that is no date.

    In the sheet: ``ACTION_STATE_FORMULA`` (:mod:`okrsheet.sheet.formulas`).
    """
    if done:
        return "done"
    if due is not None and not isinstance(due, dt.date):
        return CHECK_DUE
    if not is_blank(key_result) and not any(same_id(key_result, kr_id) for kr_id in kr_ids):
        return CHECK_KEY_RESULT
    return "overdue" if due is not None and due < as_of else "open"


def pace(kr_type: str | None, progress_value: float, current: object, elapsed: float,
         lagging: bool = False, green_from: float = GREEN_FROM,
         orange_from: float = ORANGE_FROM, check: str | None = None) -> str | None:
    """Is an increase/decrease KR on course to end the quarter green?

    Expected progress is the elapsed share of the quarter. ``on track`` when progress is
    at least expected x green threshold, ``at risk`` when at least expected x orange
    threshold, else ``behind``. None for other types, blank Current, lagging KRs or inputs
    to check.

    In the sheet: ``PACE_FORMULA`` (:mod:`okrsheet.sheet.formulas`).
    """
    if check or lagging or is_blank(current):
        return None
    if (kr_type or "").casefold() not in ("increase", "decrease", ""):
        return None
    if at_least(progress_value, elapsed * green_from):
        return ON_TRACK
    if at_least(progress_value, elapsed * orange_from):
        return AT_RISK
    return BEHIND
