"""The next quarter's OKRs from this quarter's: ``okrsheet next``.

Every carried key result starts where it ended: its new Start is its last Current (typed,
or the latest check-in). Check-ins, Current, confidence and comment are cleared, so the new
quarter scores 0 until its first check-in. A revised target becomes the target; the
revision is noted in the Comment so the record is not lost.

An over-achieved increase or decrease (it went past its target) starts at its last Current
too, but its old target would now lie behind the start and score any progress as 0: it
comes with a blank target, which the sheet shows as a key result to set (not as a score),
and a note in Comment saying the team must set a new target beyond the start.

Lagging key results (results known only after the quarter, e.g. deals closing next
quarter) are always carried, and differently: they keep their Start and lose the lagging
mark, so the awaited result is measured against the same baseline and counts in the next
quarter's review instead of counting as red in this one (a note in Comment says so).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from okrsheet.domain import scoring
from okrsheet.domain.model import KeyResult, Objective, TeamQuarter
from okrsheet.domain.problems import OkrsheetError
from okrsheet.domain.quarter import Quarter, QuarterError, fiscal_year_start_of

# Public API


def next_quarter(team_quarter: TeamQuarter, unfinished_only: bool = False, *,
                 fiscal_year_start: int | None = None,
                 named_by_start: bool | None = None) -> TeamQuarter:
    """The following quarter's :class:`TeamQuarter`, with objectives and key results carried.

    ``unfinished_only`` carries only key results whose status is not green (red, orange,
    not updated and lagging ones); objectives left without key results are dropped. The
    fiscal year is checked as :func:`quarter_of` does.
    """
    quarter = quarter_of(team_quarter, fiscal_year_start, named_by_start).next()
    kept = {id(kr) for kr in carried_key_results(team_quarter, unfinished_only)}
    objectives = []
    for objective in team_quarter.objectives:
        carried = [carry_key_result(kr, team_quarter.quarter)
                   for kr in objective.key_results if id(kr) in kept]
        if carried or (not unfinished_only and not objective.key_results):
            objectives.append(Objective(title=objective.title, key_results=carried,
                                        id=objective.id, parent=objective.parent))
    return TeamQuarter(
        team=team_quarter.team,
        quarter=quarter.label,
        objectives=objectives,
        quarter_start=quarter.start,
        quarter_end=quarter.end,
        as_of=None,
        green_from=team_quarter.green_from,
        orange_from=team_quarter.orange_from,
        level=team_quarter.level,
        parent_choices=team_quarter.parent_choices,
        owners=dict(team_quarter.owners),
        actions=[replace(action, row=None) for action in team_quarter.actions if not action.done],
    )


def carried_key_results(team_quarter: TeamQuarter, unfinished_only: bool = False) -> list[KeyResult]:
    """This quarter's key results that :func:`next_quarter` carries over."""
    return [kr for kr in team_quarter.key_results
            if not unfinished_only or team_quarter.kr_status(kr) != scoring.GREEN]


def quarter_of(team_quarter: TeamQuarter, fiscal_year_start: int | None = None,
               named_by_start: bool | None = None) -> Quarter:
    """The workbook's quarter, checked against its Quarter start date.

    With ``fiscal_year_start`` (and ``named_by_start``) given, the label must mean those
    dates under that fiscal year; left out, the fiscal year is the one the dates imply, under
    either naming convention. Raises :class:`OkrsheetError` when label and dates disagree.
    """
    name = team_quarter.file or "the workbook"
    if not team_quarter.quarter:
        raise OkrsheetError(f"{name}: the Quarter cell is blank; type the quarter, like 2027-Q1.")
    start = team_quarter.quarter_start
    if isinstance(start, dt.datetime):
        start = start.date()
    try:
        quarter = Quarter.parse(team_quarter.quarter)
        if start is None:
            return Quarter.parse(team_quarter.quarter, fiscal_year_start or 1, bool(named_by_start))
        if fiscal_year_start is not None:
            return Quarter.of_dates(team_quarter.quarter, start, fiscal_year_start,
                                    bool(named_by_start))
        implied = fiscal_year_start_of(quarter.number, start)
        for by_start in (False, True) if named_by_start is None else (named_by_start,):
            period = Quarter(quarter.year, quarter.number, implied, by_start)
            if period.start == start:
                return period
        return Quarter.of_dates(team_quarter.quarter, start)  # raises: the calendar reading
    except QuarterError as error:
        raise OkrsheetError(f"{name}: {error}.") from None


def over_achieved(kr: KeyResult) -> bool:
    """True when ``kr`` (not lagging) ended at or past its target: it needs a new target."""
    current = kr.current_value
    if kr.lagging or not isinstance(current, (int, float)) or isinstance(current, bool):
        return False
    return _passed(kr.type, float(current), kr.target_value)


def carry_key_result(kr: KeyResult, from_quarter: str | None = None) -> KeyResult:
    """``kr`` as it starts the next quarter (see the module's docstring)."""
    quarter = from_quarter or "last quarter"
    notes = []
    start = kr.start
    current = kr.current_value
    if kr.lagging:
        notes.append(f"Lagging result from {quarter}; score it at this quarter's review.")
    elif isinstance(current, (int, float)) and not isinstance(current, bool):
        start = float(current)
    if kr.revised:
        notes.append(f"Target revised in {quarter} (was {_number_text(kr.target)})"
                     + (f": {kr.revision_reason}" if kr.revision_reason else "."))
    target = kr.target_value
    if not kr.lagging and _passed(kr.type, start, target):
        way = "above" if (kr.type or "").strip().casefold() == "increase" else "below"
        notes.append(f"Reached its target {_number_text(target)} in {quarter} (ended at "
                     f"{_number_text(start)}); set a new target {way} {_number_text(start)}.")
        target = None
    return replace(kr, start=start, target=target, revised_target=None,
                   revision_reason=None, lagging=False, current=None, check_ins={},
                   confidence=None, confidences={}, follows_confidences=True,
                   comment=" ".join(notes) or None, row=None)


# Private API


def _passed(kind: str | None, start: object, target: object) -> bool:
    """An increase starting at or beyond its target, or a decrease at or below it."""
    if not isinstance(start, (int, float)) or not isinstance(target, (int, float)) \
            or isinstance(start, bool) or isinstance(target, bool):
        return False
    kind = (kind or "").strip().casefold()
    if kind == "increase":
        return bool(start >= target)
    if kind == "decrease":
        return bool(start <= target)
    return False


def _number_text(value: object) -> str:
    if value is None:
        return "blank"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
