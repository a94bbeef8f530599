"""The weekly status: what opens the team meeting (``okrsheet status``), as plain data.

Pure functions over the model; :mod:`okrsheet.outputs.statuspage` renders them as text, Markdown or
HTML. The rules, for a key result at the check-in week ``week`` (the latest one started):

* **change**: progress now minus progress at the previous check-in week (its latest value
  then); None when it had no value before.
* **forecast** for the week-13 review, from the check-ins so far:
  increase and decrease follow the straight line from Start (week 1) through the latest
  value (so 40 -> 52 by week 5 forecasts 40 + 12 * 12 / 4 = 76), taken at ``week``: a key
  result with no value at the check-ins since has not moved (52 at week 5, nothing at week
  7: 40 + 12 * 12 / 6 = 64), as its Pace says; stay above and stay
  below extend the last two check-ins' trend (or keep the one value) and score 1 only if
  the forecast stays on the right side; a milestone done stays done, one not done is
  ``open`` (no forecast). No check-in, or an input to check: no forecast.
* **confidence**: the latest given (or typed over), and the one at the previous check-in
  week, so the page can say ``high -> medium``.
* **actions**: the open priority actions naming the key result (Actions sheet), and those
  overdue (due before ``as_of``), as the OKRs sheet counts them.
* **stale**: no value in the last two check-in weeks that have started (lagging key
  results are left out: they are measured at the review).

The quarter-end summary counts three of these per team quarter (:func:`rhythm`), judged on
the workbook's As of, else today but not past the quarter's end (:func:`judged_on`):

* **confidence fell**: of the key results (of objectives) given a confidence on the
  high / medium / low scale at two check-ins or more, the share whose latest such
  confidence is lower than their first (high > medium > low). A Confidence typed over in
  the OKRs sheet is not a check-in and does not count. None when no key result has two.
* **stale key results**: key results of objectives that are stale (above) on that day.
* **overdue actions**: priority actions (Actions sheet) not done and due before that day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from okrsheet.domain import scoring
from okrsheet.domain.alignment import kr_ids, objective_ids
from okrsheet.domain.model import Action, KeyResult, TeamQuarter
from okrsheet.domain.quarter import CHECK_IN_COLUMNS, REVIEW_WEEK, week_start

__all__ = ["Forecast", "KeyResultStatus", "ObjectiveStatus", "StatusPage", "check_in_values",
           "progress_at", "progress_change", "confidence_trend", "forecast", "is_stale",
           "started_weeks", "status_page", "Rhythm", "confidence_fell", "judged_on", "rhythm"]


@dataclass(frozen=True)
class Forecast:
    """Where a key result is heading at the week-13 review: ``value`` (a number, or a
    milestone's ``done`` / ``open``), its ``progress`` (None for an open milestone) and
    ``status`` (the colour of that progress)."""

    value: object
    progress: float | None
    status: str | None


@dataclass
class KeyResultStatus:
    id: str
    title: str
    owner: str | None
    status: str
    progress: float
    change: float | None
    pace: str | None
    confidence: str | None
    confidence_before: str | None  # at the previous check-in week, when it was different
    forecast: Forecast | None
    stale: bool
    latest_week: int | None  # the last check-in week with a value
    open_actions: int = 0
    overdue_actions: int = 0
    value: object = None  # Current as the sheet shows it
    target: object = None  # the revised target when there is one
    unit: str | None = None


@dataclass
class ObjectiveStatus:
    id: str
    title: str
    score: float | None
    status: str | None
    key_results: list[KeyResultStatus] = field(default_factory=list)


@dataclass
class StatusPage:
    team: str | None
    quarter: str | None
    as_of: dt.date
    week: int  # the latest check-in week started at ``as_of`` (1 before week 3)
    score: float | None
    status: str | None
    objectives: list[ObjectiveStatus]
    overdue: list[Action] = field(default_factory=list)  # open actions due before ``as_of``

    @property
    def stale(self) -> list[KeyResultStatus]:
        return [kr for objective in self.objectives for kr in objective.key_results if kr.stale]

    @property
    def stale_weeks(self) -> list[int]:
        return [week for week in CHECK_IN_COLUMNS if week <= self.week][-2:]


# Public API


def check_in_values(kr: KeyResult, week: int = REVIEW_WEEK) -> list[tuple[int, object]]:
    """``(week, value)`` of every check-in with a value, up to ``week``, in week order."""
    return [(column, kr.check_ins[column]) for column in CHECK_IN_COLUMNS
            if column <= week and not scoring.is_blank(kr.check_ins.get(column))]


def progress_at(kr: KeyResult, week: int) -> float | None:
    """Progress with the latest check-in at or before ``week``; None without one."""
    values = check_in_values(kr, week)
    if not values or kr.check:
        return None
    return scoring.progress(kr.type, kr.start, kr.target_value, values[-1][1])


def progress_change(kr: KeyResult, week: int) -> float | None:
    """Progress now minus progress at the check-in before ``week``; None with no value then."""
    earlier = [column for column in CHECK_IN_COLUMNS if column < week]
    before = progress_at(kr, earlier[-1]) if earlier else None
    if before is None or kr.check:
        return None
    return kr.progress - before


def confidence_trend(kr: KeyResult, week: int) -> tuple[str | None, str | None]:
    """``(latest confidence, the one at the previous check-in week if different)``:
    ``("medium", "high")`` for high at week 3 and medium at week 5. A typed-over Confidence
    has no trend."""
    latest = kr.confidence_value
    shown = None if scoring.is_blank(latest) else str(latest)
    earlier = [column for column in CHECK_IN_COLUMNS if column < week]
    if not earlier or not scoring.is_blank(kr.confidence) or not kr.follows_confidences:
        return shown, None
    before = scoring.latest_check_in([kr.confidences.get(column) for column in CHECK_IN_COLUMNS
                                      if column <= earlier[-1]])
    if scoring.is_blank(before) or str(before).casefold() == (shown or "").casefold():
        return shown, None
    return shown, str(before)


def forecast(kr: KeyResult, green_from: float = scoring.GREEN_FROM,
             orange_from: float = scoring.ORANGE_FROM, week: int | None = None) -> Forecast | None:
    """The week-13 forecast from the check-ins so far, judged at check-in week ``week``
    (default: the latest check-in's; rules in the module docstring)."""
    values = check_in_values(kr)
    if not values or kr.check:
        return None
    kind = (kr.type or "increase").casefold()
    target = kr.target_value
    if kind == "milestone":
        if scoring.milestone_done(values[-1][1]):
            return Forecast("done", 1.0, scoring.status(1.0, green_from, orange_from))
        return Forecast("open", None, None)
    numbers = [(week, float(value)) for week, value in values  # type: ignore[arg-type]
               if scoring.is_number(value) and not isinstance(value, bool)]
    if not numbers or not scoring.is_number(target):
        return None
    latest_week, latest = numbers[-1]
    if kind in ("stay above", "stay below"):
        value = latest
        if len(numbers) > 1:
            previous_week, previous = numbers[-2]
            value = latest + (latest - previous) / (latest_week - previous_week) * (
                REVIEW_WEEK - latest_week)
    else:
        if not (scoring.is_blank(kr.start) or scoring.is_number(kr.start)):
            return None
        start = 0.0 if scoring.is_blank(kr.start) else float(kr.start)  # type: ignore[arg-type]
        # Check-in week k is measured k - 1 weeks into the quarter; the review 12 weeks in.
        at = max(latest_week, min(week or latest_week, REVIEW_WEEK))
        value = start + (latest - start) * (REVIEW_WEEK - 1) / (at - 1)
    share = scoring.progress(kr.type, kr.start, target, value)
    return Forecast(value, share, scoring.status(share, green_from, orange_from))


def started_weeks(quarter_start: dt.date | None, as_of: dt.date) -> list[int]:
    """Check-in weeks (3, 5... 13) that have started by ``as_of``."""
    if quarter_start is None:
        return []
    return [week for week in CHECK_IN_COLUMNS if week_start(quarter_start, week) <= as_of]


def is_stale(kr: KeyResult, weeks: list[int]) -> bool:
    """No value in the last two of ``weeks`` (the started check-in weeks); never before two
    have started, never for a lagging key result."""
    last_two = weeks[-2:]
    if len(last_two) < 2 or kr.lagging:
        return False
    return all(scoring.is_blank(kr.check_ins.get(week)) for week in last_two)


@dataclass(frozen=True)
class Rhythm:
    """A team quarter's check-in rhythm, as the summary shows it (rules in the module docstring)."""

    confidence_trends: int  # key results with a confidence at two check-ins or more
    confidence_fell: int  # of those, the ones whose latest is lower than their first
    stale_key_results: int
    overdue_actions: int

    @property
    def share_confidence_fell(self) -> float | None:
        return self.confidence_fell / self.confidence_trends if self.confidence_trends else None


def confidence_fell(kr: KeyResult) -> bool | None:
    """Is the latest confidence given at a check-in lower than the first? None with fewer
    than two check-ins giving high, medium or low."""
    given = [_CONFIDENCE_RANK[level] for level in
             (str(kr.confidences.get(week) or "").strip().casefold() for week in CHECK_IN_COLUMNS)
             if level in _CONFIDENCE_RANK]
    return given[-1] < given[0] if len(given) > 1 else None


def judged_on(team_quarter: TeamQuarter, today: dt.date | None = None) -> dt.date | None:
    """The day the summary judges stale key results and overdue actions on: the As of,
    else ``today`` (default: the date today) as the sheet does, but not past the quarter's end."""
    if team_quarter.as_of is not None:
        return team_quarter.as_of
    day = today or dt.date.today()
    end = team_quarter.quarter_end
    return min(day, end) if end is not None else day


def overdue_actions(team_quarter: TeamQuarter, day: dt.date | None) -> int:
    """Priority actions with a title, not done and due before ``day`` (none without a day)."""
    if day is None:
        return 0
    return sum(1 for action in team_quarter.actions if action.title and action.is_overdue(day))


def rhythm(team_quarter: TeamQuarter) -> Rhythm:
    """Confidence fell, stale key results and overdue actions of one team quarter."""
    day = judged_on(team_quarter)
    weeks = started_weeks(team_quarter.quarter_start, day) if day is not None else []
    key_results = [kr for objective in team_quarter.objectives for kr in objective.key_results]
    fell = [confidence_fell(kr) for kr in key_results]
    return Rhythm(sum(found is not None for found in fell), sum(found is True for found in fell),
                  sum(is_stale(kr, weeks) for kr in key_results),
                  overdue_actions(team_quarter, day))


_CONFIDENCE_RANK = {level: rank for rank, level in enumerate(reversed(scoring.CONFIDENCES))}


def status_page(team_quarter: TeamQuarter, as_of: dt.date) -> StatusPage:
    """Everything the weekly status shows, judged at ``as_of``."""
    tq = team_quarter
    weeks = started_weeks(tq.quarter_start, as_of)
    week = weeks[-1] if weeks else 1
    ids, objective_names = kr_ids(tq), objective_ids(tq.objectives)
    objectives = []
    for objective, objective_id in zip(tq.objectives, objective_names):
        shown = ObjectiveStatus(objective_id, objective.title, objective.score,
                                tq.objective_status(objective))
        for kr in objective.key_results:
            values = check_in_values(kr)
            shown.key_results.append(KeyResultStatus(
                ids.get(id(kr), kr.id or ""), kr.title, kr.owner, tq.kr_status(kr),
                0.0 if kr.check else kr.progress, progress_change(kr, week),
                tq.pace(kr, as_of), *confidence_trend(kr, week),
                forecast(kr, tq.green_from, tq.orange_from, week), is_stale(kr, weeks),
                values[-1][0] if values else None,
                *tq.action_counts(ids.get(id(kr), kr.id), as_of),
                kr.current_value, kr.target_value, kr.unit))
        objectives.append(shown)
    overdue = sorted((action for action in tq.actions if action.title and action.is_overdue(as_of)),
                     key=lambda action: (action.due or as_of, str(action.key_result or "")))
    return StatusPage(tq.team, tq.quarter, as_of, week, tq.score, tq.status, objectives, overdue)
