"""The scoring rules, as pure functions, each beside the spreadsheet formula that computes it.

The workbook's formulas are the specification: for every input the functions here return
what LibreOffice, Excel and Google Sheets show. Formula templates use ``{name}``
placeholders that :mod:`okrsheet.write.writer` fills with cell references from
:mod:`okrsheet.sheet.layout`.

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
from okrsheet.domain.arithmetic import _trim
from okrsheet.domain.arithmetic import approx_equal as approx_equal
from okrsheet.domain.arithmetic import approx_sub as approx_sub
from okrsheet.domain.arithmetic import at_least as at_least
from okrsheet.domain.arithmetic import at_most as at_most
from okrsheet.domain.arithmetic import is_blank as is_blank
from okrsheet.domain.arithmetic import is_number as is_number
from okrsheet.domain.arithmetic import same_text as same_text
from okrsheet.domain.choices import CONFIDENCES as CONFIDENCES
from okrsheet.domain.choices import KR_KINDS as KR_KINDS
from okrsheet.domain.choices import KR_TYPES as KR_TYPES
from okrsheet.domain.choices import YES_NO as YES_NO
from okrsheet.sheet.layout import COLUMN_OF

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

LATEST_CHECK_IN_STEP = 'IF({check_in}<>"",{check_in},{earlier})'
"""Current follows the latest check-in (nested from week 3 to 13) until a value is typed over it."""


def latest_check_in(check_ins: Sequence[object]) -> object:
    """The last non-blank check-in value (in week order), or None. An error value counts."""
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


MILESTONE_DONE_FORMULA = (
    'OR({current}=1,TRIM({current})="done",TRIM({current})="yes",TRIM({current})="x",'
    'TRIM({current})="completed",TRIM({current})="complete")'
)
MILESTONE_NOT_DONE_FORMULA = (
    'OR({current}=0,TRIM({current})="no",TRIM({current})="not done",TRIM({current})="open")'
)
MILESTONE_DONE = ("done", "yes", "x", "completed", "complete")
"""What people type for a milestone reached (any case, outer spaces ignored), or the number 1."""
MILESTONE_NOT_DONE = ("no", "not done", "open")
"""What people type for a milestone not reached yet, or the number 0."""


def milestone_state(current: object) -> bool | None:
    """True for a milestone reached, False for not yet, None for an entry that is neither."""
    if isinstance(current, str):
        text = _trim(current).casefold()
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


_NAMED = {key: COLUMN_OF[key].header for key in ("objective", "type", "start", "target",
                                                  "revised_target", "weight", "lagging", "current")}
"""The Input check names a column by its header in the key-result table."""

INPUT_CHECK_FORMULA = (
    'IF({title}="","",IFERROR('
    'IF(OR({objective}="",COUNTIFS({ids},{objective},{objective_titles},"<>")=0),"%(objective)s",'
    'IF(AND({type}<>"",{type}<>"increase",{type}<>"decrease",{type}<>"stay above",'
    '{type}<>"stay below",{type}<>"milestone"),"%(type)s",'
    'IF(AND({start}<>"",NOT(ISNUMBER({start}))),"%(start)s",'
    'IF(AND({target}<>"",NOT(ISNUMBER({target}))),"%(target)s",'
    'IF(AND({revised}<>"",NOT(ISNUMBER({revised}))),"%(revised_target)s",'
    'IF(AND({type}<>"milestone",{target}="",{revised}=""),"%(target)s",'
    'IF(AND({weight}<>"",OR(NOT(ISNUMBER({weight})),{weight}<0)),"%(weight)s",'
    'IF(AND({lagging}<>"",{lagging}<>"yes",{lagging}<>"no"),"%(lagging)s",'
    'IF({current}="","",'
    'IF({type}="milestone",IF(OR(' + MILESTONE_DONE_FORMULA + ',' + MILESTONE_NOT_DONE_FORMULA
    + '),"","%(current)s"),'
    'IF(ISNUMBER({current}),"","%(current)s"))))))))))),"Error value"))'
) % _NAMED
"""Which input of a key-result row can't be scored, checked in this order; blank when none.

Any error value met on the way (``#DIV/0!`` in Weight...) makes it ``Error value``."""

ERROR_VALUE = "Error value"


def input_check(kr_type: object, start: object, target: object, revised_target: object,
                weight: object, lagging: object, current: object,
                objective: object = "", objective_known: bool = True) -> str | None:
    """The Input check column: the first input that can't be scored, or None.

    ``lagging`` is the Lagging cell as typed; ``current`` is Current as the sheet shows it
    (typed, or the latest check-in). A key result with a check counts for nothing: progress
    0, weight 0, status ``check input``.
    """
    if isinstance(kr_type, CellError):
        return ERROR_VALUE if objective_known else _NAMED["objective"]
    if not objective_known:
        return _NAMED["objective"]
    kind = kr_type.casefold() if isinstance(kr_type, str) else kr_type
    if not is_blank(kind) and kind not in KR_TYPES:
        return _NAMED["type"]
    for key, value in (("start", start), ("target", target), ("revised_target", revised_target)):
        if isinstance(value, CellError):
            return ERROR_VALUE
        if not is_blank(value) and not is_number(value):
            return _NAMED[key]
    if kind != "milestone" and is_blank(target) and is_blank(revised_target):
        return _NAMED["target"]  # nothing to score against: a target to set
    if isinstance(weight, CellError):
        return ERROR_VALUE
    if not is_blank(weight) and (not is_number(weight) or weight < 0):  # type: ignore[operator]
        return _NAMED["weight"]
    if isinstance(lagging, CellError):
        return ERROR_VALUE
    if not is_blank(lagging) and not (isinstance(lagging, str) and lagging.casefold() in YES_NO):
        return _NAMED["lagging"]
    if isinstance(current, CellError):
        return ERROR_VALUE
    if is_blank(current):
        return None
    if kind == "milestone":
        return None if milestone_state(current) is not None else _NAMED["current"]
    return None if is_number(current) else _NAMED["current"]


PROGRESS_VALUE_FORMULA = (
    'IF({title}="","",IFERROR(IF({check}<>"",0,'
    'IF({current}="",0,'
    'IF({type}="milestone",IF(' + MILESTONE_DONE_FORMULA + ',1,0),'
    'IF(AND({revised}="",{target}=""),0,'
    'IF({type}="stay above",IF({current}>=IF({revised}<>"",{revised},{target}),1,0),'
    'IF({type}="stay below",IF({current}<=IF({revised}<>"",{revised},{target}),1,0),'
    'IF(IF({revised}<>"",{revised},{target})={start},0,'
    "MAX(0,MIN(1,({current}-{start})/(IF({revised}<>\"\",{revised},{target})-{start})))))))))),0))"
)
"""Hidden: the progress every score adds up (the visible Progress shows it)."""

PROGRESS_FORMULA = 'IF({title}="","",{progress})'


def progress(kr_type: str | None, start: object, target: object, current: object) -> float:
    """A key result's progress, 0..1, for inputs that pass :func:`input_check`.

    ``target`` is the effective (revised) target.

    * increase/decrease (or blank type): ``clamp((current-start)/(target-start), 0, 1)``;
      start == target gives 0 (a problem the checks report);
    * stay above/below: 1 while current is at or above (below) target, else 0;
    * milestone: 1 when :func:`milestone_done`, else 0;
    * blank current, blank target, or anything that is not a number where one belongs: 0.

    Blank start counts as 0.
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


WEIGHT_USED_FORMULA = ('IF({title}="",0,IF({check}<>"",0,IF({lagging}="yes",0,'
                       'IF({weight}="",1,{weight}))))')


def weight_used(weight: object, lagging: bool = False, check: str | None = None) -> float:
    """The weight a key result counts with: blank = 1; lagging or to check: 0 this quarter."""
    if lagging or check:
        return 0.0
    return 1.0 if is_blank(weight) else float(weight)  # type: ignore[arg-type]


STATUS_VALUE_FORMULA = (
    'IF({title}="","",IF({check}<>"","check input",IF({lagging}="yes","lagging",'
    'IF({current}="","not updated",'
    'IF({progress}>={green},"green",IF({progress}>={orange},"orange","red"))))))'
)
"""Hidden: the status the visible Status shows (the Shown helper compares the two)."""
STATUS_FORMULA = 'IF({title}="","",{status_value})'


def kr_status(progress_value: float, current: object, lagging: bool = False,
              green_from: float = GREEN_FROM, orange_from: float = ORANGE_FROM,
              check: str | None = None) -> str:
    """``check input``, ``lagging``, ``not updated`` (blank Current), else the colour of the progress."""
    if check:
        return CHECK_INPUT
    if lagging:
        return LAGGING
    if is_blank(current):
        return NOT_UPDATED
    return status(progress_value, green_from, orange_from)  # type: ignore[return-value]


UPDATED_FORMULA = 'IF({title}="",0,IF({check}<>"",0,IF({current}<>"",1,0)))'
"""1 for a key result with a usable Current: colours of scores with nothing updated stay grey."""

TO_CHECK_FORMULA = 'IF({title}="",0,IF({check}="",0,1))'
"""Hidden: 1 for a key result to check (objective and team statuses add these up)."""
COUNTED_FORMULA = 'IF({title}="",0,1)'
"""Hidden: 1 for a key result in a row with formulas (the Sheet check counts the others)."""

TEAM_STATUS_FORMULA = (
    'IF(SUM({to_check})>0,"check input",'
    'IF(ISNUMBER({score}),IF(SUM({updated})=0,"not updated",'
    'IF({score}>={green},"green",IF({score}>={orange},"orange","red"))),""))'
)


def score_status(score: float | None, any_updated: bool, green_from: float = GREEN_FROM,
                 orange_from: float = ORANGE_FROM, to_check: bool = False) -> str | None:
    """Status of an objective's or the team's score: ``check input`` while a key result needs
    it, ``not updated`` (grey) until a KR has a Current, else the colour."""
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


WEIGHTED_PROGRESS_FORMULA = 'IF({title}="",0,{weight_used}*{progress})'

OBJECTIVE_SCORE_VALUE_FORMULA = (
    'IF(OR({title}="",{id}=""),"",IF(SUMIF({objectives},{id},{weights})=0,"",'
    "SUMIF({objectives},{id},{weighted})/SUMIF({objectives},{id},{weights})))"
)
"""Hidden, in the Objectives table: the weighted mean of the progress of the key results
whose Objective is this id (ids match ignoring case, as SUMIF does)."""
OBJECTIVE_SCORE_FORMULA = 'IF({score_value}="","",{score_value})'
OBJECTIVE_UPDATED_FORMULA = 'IF(OR({title}="",{id}=""),0,SUMIF({objectives},{id},{kr_updated}))'
OBJECTIVE_TO_CHECK_FORMULA = 'IF(OR({title}="",{id}=""),0,SUMIF({objectives},{id},{kr_to_check}))'
OBJECTIVE_STATUS_FORMULA = (
    'IF(OR({title}="",{id}=""),"",IF({to_check}>0,"check input",IF({score_value}="","",'
    'IF({updated}=0,"not updated",'
    'IF({score_value}>={green},"green",IF({score_value}>={orange},"orange","red"))))))'
)
OBJECTIVE_KEY_RESULTS_FORMULA = 'IF({title}="","",IF({id}="",0,COUNTIFS({objectives},{id},{titles},"<>")))'


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


SHARED_ID_FORMULA = ('IF(OR({title}="",{id}=""),0,'
                     'IF(COUNTIFS({id_range},{id},{title_range},"<>")>1,1,0))')
"""Hidden, in both tables: 1 for a row with a title whose ID another titled row has too
(case ignored, as COUNTIF matches). One cell per row: Gnumeric does not take a range as
COUNTIF's criterion inside SUMPRODUCT."""
ODD_CONFIDENCES_STEP = ('SUMPRODUCT(({titles}<>"")*({confidences}<>"")*({confidences}<>"high")'
                        '*({confidences}<>"medium")*({confidences}<>"low"))')
"""Confidence cells of one column (a week's, or Confidence) holding anything but high,
medium or low (case ignored; spaces count, as ``=`` compares text). The Sheet check adds
one per column. No function of a cell inside: Gnumeric does not take a range as a
scalar function's argument in SUMPRODUCT (``TRIM(range)``, ``COUNTIF(range,range)``)."""
ACTIONS_TO_CHECK_FORMULA = ('IFERROR(COUNTIF({action_states},"check due")'
                            '+COUNTIF({action_states},"check key result"),-1)')
"""Actions whose State says check; -1 when the Actions sheet is gone (#REF!)."""

SHEET_CHECK_FORMULA = (
    'IFERROR(IF(COUNTA({titles})-SUM({counted})+COUNTA({objective_titles})-COUNT({objective_counts})>0,'
    'COUNTA({titles})-SUM({counted})+COUNTA({objective_titles})-COUNT({objective_counts})'
    '&" row(s) without formulas: see Guide",'
    'IF(SUM({shown})+SUM({objective_shown})+{team_shown}>0,'
    'SUM({shown})+SUM({objective_shown})+{team_shown}&" result(s) typed over: run okrsheet fix",'
    'IF(OR(NOT(ISNUMBER({green})),NOT(ISNUMBER({orange}))),"Green from and Orange from: type a percentage",'
    'IF(SUM({shared_ids})+SUM({objective_shared_ids})>0,'
    'SUM({shared_ids})+SUM({objective_shared_ids})&" row(s) share an ID: give each its own",'
    'IF({odd_confidences}>0,{odd_confidences}&" confidence(s) not high, medium or low",'
    'IF({actions_to_check}<0,"Actions sheet missing: run okrsheet fix",'
    'IF({actions_to_check}>0,{actions_to_check}&" action(s) to check: see State on Actions",'
    'IF(SUM({to_check})>0,SUM({to_check})&" key result(s) to check: see Input check","OK")))))))),'
    '"Error value in the table")'
)
"""Near the team score, the first of: rows a person added without formulas (inserted, or
typed below the ready rows), results typed over their formulas, thresholds that are not
numbers, IDs used twice, confidences outside the list, actions to check (or the Actions
sheet gone), key results whose inputs need checking; ``OK`` otherwise."""

def sheet_check(to_check: int, duplicate_ids: int = 0, bad_confidences: int = 0,
                actions_to_check: int | None = 0) -> str:
    """What the Sheet check shows for a sheet with every formula in place (as okrsheet writes
    it); ``actions_to_check`` None: the Actions sheet is gone."""
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
    compares (case ignored, spaces count): ``med``, ``high ``, ``70%`` stored 0.7..."""
    if is_blank(value):
        return False
    return not (isinstance(value, str) and value.casefold() in CONFIDENCES)


SHOWN_FORMULA = ('IF({title}="",0,IF(ISNUMBER({shown_progress}),'
                 'IF(AND({shown_progress}={progress},{shown_status}={status_value}),0,1),1))')
"""Hidden: 1 when the visible Progress or Status is not the formula's (someone typed over it;
a status is compared as the sheet compares text, case ignored)."""
OBJECTIVE_SHOWN_FORMULA = ('IF({title}="",0,IF(AND({score}={score_value},'
                           '{status}=' + OBJECTIVE_STATUS_FORMULA + '),0,1))')
TEAM_SHOWN_FORMULA = ('IF(AND({team_score}=IFERROR(AVERAGE({score_values}),""),'
                      '{team_status}=' + TEAM_STATUS_FORMULA.replace("{score}", "{team_score}")
                      + '),0,1)')
"""1 when the team score or the team status is not its formula's (typed over)."""


def shown_differs(shown: object, recomputed: str | None) -> bool:
    """Is a status the sheet shows not its formula's? Compared as ``=`` compares text."""
    expected = recomputed or ""
    if isinstance(shown, str):
        return not same_text(shown, expected)
    return not (shown is None and expected == "")


OPEN_ACTIONS_FORMULA = ('IF(OR({title}="",{id}=""),"",COUNTIFS({action_krs},{id},'
                        '{action_titles},"<>",{action_done},"<>yes"))')
"""Actions on the Actions sheet naming this key result's id and not done."""
OVERDUE_ACTIONS_FORMULA = ('IF(OR({title}="",{id}=""),"",COUNTIFS({action_krs},{id},'
                           '{action_titles},"<>",{action_done},"<>yes",'
                           '{action_due},"<"&IF({as_of}="",TODAY(),{as_of})))')
"""Of those, the ones due before As of (today when blank)."""
ACTION_STATE_FORMULA = ('IF({title}="","",IF({done}="yes","done",'
                        'IF(AND({due}<>"",NOT(ISNUMBER({due}))),"check due",'
                        'IF(AND({key_result}<>"",COUNTIF({kr_ids},{key_result})=0),"check key result",'
                        'IF(AND(ISNUMBER({due}),{due}<IF({as_of}="",TODAY(),{as_of})),"overdue","open")))))')
"""An action's State: done, then a due date that is not a date or a key-result ID the OKRs
sheet does not have (both "check ..."), then overdue or open."""
CHECK_DUE, CHECK_KEY_RESULT = "check due", "check key result"


def action_state(done: bool, due: object, key_result: object, kr_ids: Iterable[object],
                 as_of: dt.date) -> str:
    """The State column: ``done``, ``check due``, ``check key result``, ``overdue`` or ``open``.

    ``due`` is the Due cell as read: a date, None, or anything else (text) that is no date."""
    if done:
        return "done"
    if due is not None and not isinstance(due, dt.date):
        return CHECK_DUE
    if not is_blank(key_result) and not any(same_id(key_result, kr_id) for kr_id in kr_ids):
        return CHECK_KEY_RESULT
    return "overdue" if due is not None and due < as_of else "open"


ELAPSED_FORMULA = "MAX(0,MIN(1,({as_of}-{quarter_start}+1)/({quarter_end}-{quarter_start}+1)))"

PACE_FORMULA = (
    'IF({title}="","",IF({check}<>"","",IF(OR({current}="",{lagging}="yes"),"",'
    'IF(OR({type}="increase",{type}="decrease",{type}=""),'
    'IF({progress}>={elapsed}*{green},"on track",'
    'IF({progress}>={elapsed}*{orange},"at risk","behind")),""))))'
)


def pace(kr_type: str | None, progress_value: float, current: object, elapsed: float,
         lagging: bool = False, green_from: float = GREEN_FROM,
         orange_from: float = ORANGE_FROM, check: str | None = None) -> str | None:
    """Is an increase/decrease KR on course to end the quarter green?

    Expected progress is the elapsed share of the quarter. ``on track`` when progress is
    at least expected x green threshold, ``at risk`` when at least expected x orange
    threshold, else ``behind``. None for other types, blank Current, lagging KRs or inputs
    to check.
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
