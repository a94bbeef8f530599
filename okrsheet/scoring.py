"""The scoring rules, as pure functions, each beside the spreadsheet formula that computes it.

The workbook's formulas are the specification: for every input the functions here return
what LibreOffice, Excel and Google Sheets show. Formula templates use ``{name}``
placeholders that :mod:`okrsheet.writer` fills with cell references from
:mod:`okrsheet.layout`.

Spreadsheet arithmetic differs from Python's in three ways that matter here:

* a blank cell counts as 0 in arithmetic and comparisons;
* ``=`` on text ignores case (``"Increase" = "increase"``), trailing spaces count;
* numbers that agree to about 15 significant digits compare equal, and subtracting two
  such numbers gives exactly 0 (LibreOffice's ``approxEqual`` / ``approxSub``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

KR_TYPES = ("increase", "decrease", "stay above", "stay below", "milestone")
KR_KINDS = ("input", "output", "outcome")
CONFIDENCES = ("high", "medium", "low")
YES_NO = ("yes", "no")
MILESTONE_DONE = ("done", "yes")  # or the number 1

GREEN_FROM = 0.7
ORANGE_FROM = 0.4

GREEN, ORANGE, RED = "green", "orange", "red"
NOT_UPDATED, LAGGING = "not updated", "lagging"
KR_STATUSES = (GREEN, ORANGE, RED, NOT_UPDATED, LAGGING)
"""Every status a key result can have, in display order."""
ON_TRACK, AT_RISK, BEHIND = "on track", "at risk", "behind"

# Public API: spreadsheet-style arithmetic


def approx_equal(a: float, b: float) -> bool:
    """Equal as a spreadsheet compares numbers (about 15 significant digits)."""
    if a == b:
        return True
    if a == 0.0 or b == 0.0 or (a < 0) != (b < 0):
        return False
    difference = abs(a - b)
    if not math.isfinite(difference):
        return False
    return difference < abs(a) * 2.0**-48 and difference < abs(b) * 2.0**-48


def approx_sub(a: float, b: float) -> float:
    """``a - b`` as a spreadsheet computes it: nearly equal numbers give exactly 0."""
    if ((a < 0 and b < 0) or (a > 0 and b > 0)) and approx_equal(a, b):
        return 0.0
    return a - b


def at_least(a: float, b: float) -> bool:
    """``a >= b`` as a spreadsheet compares."""
    return a > b or approx_equal(a, b)


def at_most(a: float, b: float) -> bool:
    """``a <= b`` as a spreadsheet compares."""
    return a < b or approx_equal(a, b)


def same_text(a: str, b: str) -> bool:
    """``a = b`` on text, as a spreadsheet compares: case does not matter."""
    return a.casefold() == b.casefold()


# Public API: the rules

LATEST_CHECK_IN_STEP = 'IF({check_in}<>"",{check_in},{earlier})'
"""Current follows the latest check-in (nested from week 3 to 13) until a value is typed over it."""


def latest_check_in(check_ins: Sequence[object]) -> object:
    """The last non-blank check-in value (in week order), or None."""
    for value in reversed(check_ins):
        if not _blank(value):
            return value
    return None


def effective_current(current: object, check_ins: Sequence[object]) -> object:
    """Current as typed, else the latest check-in value."""
    return current if not _blank(current) else latest_check_in(check_ins)


def effective_target(target: object, revised_target: object) -> object:
    """A revised target replaces the original one for scoring."""
    return revised_target if not _blank(revised_target) else target


PROGRESS_FORMULA = (
    'IF({title}="","",IFERROR('
    'IF({current}="",0,'
    'IF({type}="milestone",IF(OR({current}=1,{current}="done",{current}="yes"),1,0),'
    'IF(AND({revised}="",{target}=""),0,'
    'IF({type}="stay above",IF({current}>=IF({revised}<>"",{revised},{target}),1,0),'
    'IF({type}="stay below",IF({current}<=IF({revised}<>"",{revised},{target}),1,0),'
    'IF(OR({type}="increase",{type}="decrease",{type}=""),'
    'IF(IF({revised}<>"",{revised},{target})={start},0,'
    "MAX(0,MIN(1,({current}-{start})/(IF({revised}<>\"\",{revised},{target})-{start})))),"
    "0)))))),0))"
)


def progress(kr_type: str | None, start: float | None, target: float | None,
             current: object) -> float:
    """A key result's progress, 0..1. ``target`` is the effective (revised) target.

    * increase/decrease (or blank type): ``clamp((current-start)/(target-start), 0, 1)``;
      start == target gives 0 (a problem the checks report);
    * stay above/below: 1 while current is at or above (below) target, else 0;
    * milestone: 1 when current is ``done``, ``yes`` or 1, else 0;
    * blank current, blank target or an unknown type: 0.

    Blank start counts as 0. Numbers must already be numbers (the reader converts text).
    """
    kind = (kr_type or "").casefold()
    if _blank(current):
        return 0.0
    if kind == "milestone":
        return 1.0 if milestone_done(current) else 0.0
    if target is None:
        return 0.0
    start = 0.0 if start is None else start
    if not isinstance(current, (int, float)):
        return 0.0
    if kind == "stay above":
        return 1.0 if at_least(current, target) else 0.0
    if kind == "stay below":
        return 1.0 if at_most(current, target) else 0.0
    if kind not in ("increase", "decrease", ""):
        return 0.0
    if approx_equal(target, start):
        return 0.0
    share = approx_sub(current, start) / approx_sub(target, start)
    return max(0.0, min(1.0, share))


def milestone_done(current: object) -> bool:
    """A milestone counts as done when Current is ``done``, ``yes`` (any case) or 1."""
    if isinstance(current, str):
        return current.casefold() in MILESTONE_DONE
    if isinstance(current, bool):
        return current
    if isinstance(current, (int, float)):
        return approx_equal(float(current), 1.0)
    return False


WEIGHT_USED_FORMULA = 'IF(OR({title}="",{lagging}="yes"),0,IF({weight}="",1,{weight}))'


def weight_used(weight: float | None, lagging: bool = False) -> float:
    """The weight a key result counts with: blank = 1; a lagging KR counts 0 this quarter."""
    if lagging:
        return 0.0
    return 1.0 if weight is None else float(weight)


STATUS_FORMULA = (
    'IF({title}="","",IF({lagging}="yes","lagging",IF({current}="","not updated",'
    'IF({progress}>={green},"green",IF({progress}>={orange},"orange","red")))))'
)


def kr_status(progress_value: float, current: object, lagging: bool = False,
              green_from: float = GREEN_FROM, orange_from: float = ORANGE_FROM) -> str:
    """``lagging``, ``not updated`` (blank Current), else the colour of the progress."""
    if lagging:
        return LAGGING
    if _blank(current):
        return NOT_UPDATED
    return status(progress_value, green_from, orange_from)


UPDATED_FORMULA = 'IF(AND({title}<>"",{current}<>""),1,0)'
"""1 for a key result with a Current value: colours of scores with nothing updated stay grey."""

TEAM_STATUS_FORMULA = (
    'IF(ISNUMBER({score}),IF(SUM({updated})=0,"not updated",'
    'IF({score}>={green},"green",IF({score}>={orange},"orange","red"))),"")'
)

OBJECTIVE_NOT_UPDATED_RULE = "AND(ISNUMBER({score}),SUMIF({numbers},{number},{updated})=0)"


def score_status(score: float | None, any_updated: bool, green_from: float = GREEN_FROM,
                 orange_from: float = ORANGE_FROM) -> str | None:
    """Status of an objective's or the team's score: ``not updated`` (grey) until a KR has a Current."""
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


OBJECTIVE_NUMBER_FORMULA = "COUNTA({first_objective}:{objective})"
"""Which objective a row belongs to: the objectives typed from the first row down to it.

Rows that leave Objective blank belong to the objective above. The formula refers to no
other row's formula, so deleting or sorting rows never breaks it."""

WEIGHTED_PROGRESS_FORMULA = "{weight_used}*IF(ISNUMBER({progress}),{progress},0)"

OBJECTIVE_SCORE_FORMULA = (
    'IF({objective}="","",IF(SUMIF({numbers},{number},{weights})=0,"",'
    "SUMIF({numbers},{number},{weighted})/SUMIF({numbers},{number},{weights})))"
)
"""Shown on the row where the objective is typed."""


def objective_score(progresses: Iterable[float], weights: Iterable[float]) -> float | None:
    """Weighted mean of progress, with weights as :func:`weight_used` gives them.

    None when the weights add up to 0 (no key results, or all lagging).
    """
    total_weight = 0.0
    total = 0.0
    for value, weight in zip(progresses, weights):
        total_weight += weight
        total += weight * value
    if total_weight == 0:  # the sheet's SUMIF(...)=0
        return None
    return total / total_weight


TEAM_SCORE_FORMULA = 'IFERROR(AVERAGE({scores}),"")'


def team_score(objective_scores: Iterable[float | None]) -> float | None:
    """Mean of the objectives' scores, ignoring objectives without a score."""
    scores = [score for score in objective_scores if score is not None]
    if not scores:
        return None
    return sum(scores) / len(scores)


ELAPSED_FORMULA = "MAX(0,MIN(1,({as_of}-{quarter_start}+1)/({quarter_end}-{quarter_start}+1)))"

PACE_FORMULA = (
    'IF(OR({title}="",{current}="",{lagging}="yes"),"",'
    'IF(OR({type}="increase",{type}="decrease",{type}=""),'
    'IF({progress}>={elapsed}*{green},"on track",'
    'IF({progress}>={elapsed}*{orange},"at risk","behind")),""))'
)


def pace(kr_type: str | None, progress_value: float, current: object, elapsed: float,
         lagging: bool = False, green_from: float = GREEN_FROM,
         orange_from: float = ORANGE_FROM) -> str | None:
    """Is an increase/decrease KR on course to end the quarter green?

    Expected progress is the elapsed share of the quarter. ``on track`` when progress is
    at least expected x green threshold, ``at risk`` when at least expected x orange
    threshold, else ``behind``. None for other types, blank Current or lagging KRs.
    """
    if lagging or _blank(current):
        return None
    if (kr_type or "").casefold() not in ("increase", "decrease", ""):
        return None
    if at_least(progress_value, elapsed * green_from):
        return ON_TRACK
    if at_least(progress_value, elapsed * orange_from):
        return AT_RISK
    return BEHIND


# Private API


def _blank(value: object) -> bool:
    return value is None or value == ""
