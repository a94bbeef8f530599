"""OKRs as plain data, independent of any workbook: key results, objectives, a team's quarter.

Scores are computed on demand with :mod:`okrsheet.domain.scoring`, never stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from okrsheet.domain import scoring
from okrsheet.domain.quarter import CHECK_IN_COLUMNS as CHECK_IN_COLUMNS
from okrsheet.domain.quarter import elapsed_share


@dataclass(slots=True)
class KeyResult:
    """One key result row. Numbers are floats, None for blank cells; an entry that is not a
    number where one belongs stays as typed (text, :class:`~okrsheet.domain.scoring.CellError`) and
    makes the key result "check input", as the sheet does."""

    title: str
    owner: str | None = None
    type: str | None = "increase"
    start: object = None
    target: object = None
    current: object = None  # typed over the Current formula; None follows the latest check-in
    weight: object = None
    kind: str | None = None  # input / output / outcome
    unit: str | None = None
    revised_target: object = None
    revision_reason: str | None = None
    lagging: bool = False
    check_ins: dict[int, object] = field(default_factory=dict)  # week -> value
    confidence: str | None = None  # typed over the Confidence formula; None follows the check-ins
    comment: str | None = None
    row: int | None = None  # sheet row it was read from (1-based)
    follows_check_ins: bool = True
    """False when Current's formula is gone: a blank Current then stays blank (not updated)."""
    lagging_entry: object = None
    """The Lagging cell when it is neither blank, yes nor no (it makes the KR "check input")."""
    objective_id: object = None
    """The Objective cell of a key result that names no objective of the workbook."""
    confidences: dict[int, object] = field(default_factory=dict)  # week -> high/medium/low
    follows_confidences: bool = True
    """False when Confidence's formula is gone: a blank Confidence then stays blank."""
    input_error: scoring.CellError | None = None
    """An error value in the row that the reader could not place in a cell (check input)."""
    id: str | None = None
    """Its id, stable across sorting, ``next`` and ``merge``: ``O2.3`` (objective id, number)."""
    parent: str | None = None
    """What it aligns to, as typed: ``Acme/O2`` or the drop-down's ``Acme/O2: Grow revenue``
    (see :mod:`okrsheet.domain.alignment`)."""
    extras: dict[str, object] = field(default_factory=dict)
    """Columns the team added to the key-result table (a Notes column), by header: kept."""

    @property
    def current_value(self) -> object:
        """Current as the sheet shows it: typed, else the latest check-in."""
        return _shown(self.current, self.follows_check_ins, self.check_ins)

    @property
    def confidence_value(self) -> object:
        """Confidence as the sheet shows it: typed, else the one given at the latest check-in."""
        return _shown(self.confidence, self.follows_confidences, self.confidences)

    @property
    def target_value(self) -> object:
        """The revised target when there is one, else the target."""
        return scoring.effective_target(self.target, self.revised_target)

    @property
    def check(self) -> str | None:
        """What the Input check column shows: the input that can't be scored, or None."""
        if self.input_error is not None:
            return scoring.ERROR_VALUE
        return scoring.input_check(self.type, self.start, self.target, self.revised_target,
                                   self.weight, self.lagging_entry, self.current_value)

    @property
    def progress(self) -> float:
        if self.check:
            return 0.0
        return scoring.progress(self.type, self.start, self.target_value, self.current_value)

    @property
    def weight_used(self) -> float:
        return scoring.weight_used(self.weight, self.lagging, self.check)

    @property
    def updated(self) -> bool:
        return not self.check and self.current_value not in (None, "")

    @property
    def revised(self) -> bool:
        return self.revised_target is not None


@dataclass(slots=True)
class Objective:
    title: str
    key_results: list[KeyResult] = field(default_factory=list)
    row: int | None = None
    id: str | None = None
    """Its id in the Objectives table (``O1``); the writer numbers objectives without one."""
    parent: str | None = None
    """What it aligns to, as typed: ``Acme/O2`` or the drop-down's ``Acme/O2: Grow revenue``
    (see :mod:`okrsheet.domain.alignment`)."""

    @property
    def score(self) -> float | None:
        """Weighted mean of the key results' progress; None without weight."""
        return scoring.objective_score(
            [kr.progress for kr in self.key_results],
            [kr.weight_used for kr in self.key_results],
        )


@dataclass(slots=True)
class Action:
    """A priority action that moves a key result: what, for which key result (its id), who,
    by when, and whether it is done."""

    title: str
    key_result: str | None = None  # the key result's id, O2.3
    owner: str | None = None
    due: dt.date | None = None
    done: bool = False
    row: int | None = None  # sheet row it was read from (1-based)

    def is_open(self) -> bool:
        return not self.done

    def is_overdue(self, as_of: dt.date) -> bool:
        """Open and due before ``as_of``."""
        return not self.done and self.due is not None and self.due < as_of


@dataclass(slots=True)
class TeamQuarter:
    """One team's OKRs for one quarter: what one workbook holds."""

    team: str | None
    quarter: str | None
    objectives: list[Objective] = field(default_factory=list)
    quarter_start: dt.date | None = None
    quarter_end: dt.date | None = None
    as_of: dt.date | None = None
    green_from: float = scoring.GREEN_FROM
    orange_from: float = scoring.ORANGE_FROM
    file: str | None = None
    unassigned: list[KeyResult] = field(default_factory=list)
    """Key results whose Objective names no objective: not scored, and "check input"."""
    level: str = "team"
    """company, team or person: which rules the checks apply and where it sits in the tree."""
    actions: list[Action] = field(default_factory=list)
    """The Actions sheet: what the team does next for its key results."""
    parent_choices: list[tuple[str, str]] = field(default_factory=list)
    """``(reference, title)`` of the parent workbook's objectives and key results: the
    Parent drop-down's choices (``("Acme/O2", "Grow revenue")``)."""
    extra_columns: list[str] = field(default_factory=list)
    """Headers of the columns the team added to the key-result table, in sheet order."""
    as_of_entry: object = None
    """The As of cell when it holds something that is not a date (text okrsheet can't read
    as one): kept as typed."""
    owners: dict[str, str] = field(default_factory=dict)
    """The Owners sheet: owner -> email address ("" when none is typed)."""

    @property
    def key_results(self) -> list[KeyResult]:
        return [kr for objective in self.objectives for kr in objective.key_results]

    @property
    def score(self) -> float | None:
        return scoring.team_score(objective.score for objective in self.objectives)

    @property
    def status(self) -> str | None:
        """Colour of the team score; ``check input`` while a key result needs it, ``not
        updated`` while no key result has a Current."""
        return scoring.score_status(self.score, any(kr.updated for kr in self.key_results),
                                    self.green_from, self.orange_from, self.to_check > 0)

    @property
    def to_check(self) -> int:
        """Key results whose inputs can't be scored (unassigned ones included)."""
        return len(self.unassigned) + sum(1 for kr in self.key_results if kr.check)

    def objective_status(self, objective: Objective) -> str | None:
        """Colour of an objective's score; ``not updated`` while none of its KRs has a Current."""
        return scoring.score_status(objective.score,
                                    any(kr.updated for kr in objective.key_results),
                                    self.green_from, self.orange_from,
                                    any(kr.check for kr in objective.key_results))

    def kr_check(self, kr: KeyResult) -> str | None:
        """The Input check of ``kr``: ``Objective`` for an unassigned key result."""
        if any(kr is other for other in self.unassigned):
            if kr.input_error is not None and isinstance(kr.objective_id, scoring.CellError):
                return scoring.ERROR_VALUE
            return scoring.input_check(kr.type, kr.start, kr.target, kr.revised_target, kr.weight,
                                       kr.lagging_entry, kr.current_value, kr.objective_id,
                                       objective_known=False)
        return kr.check

    def kr_status(self, kr: KeyResult) -> str:
        check = self.kr_check(kr)
        return scoring.kr_status(0.0 if check else kr.progress, kr.current_value, kr.lagging,
                                 self.green_from, self.orange_from, check)

    def action_counts(self, kr_id: str | None, as_of: dt.date) -> tuple[int, int]:
        """``(open, overdue)`` actions naming the key result ``kr_id``, as the sheet counts
        them (ids matched ignoring case, overdue when due before ``as_of``)."""
        if not kr_id:
            return 0, 0
        mine = [action for action in self.actions
                if action.title and not action.done and scoring.same_id(action.key_result, kr_id)]
        return len(mine), sum(action.is_overdue(as_of) for action in mine)

    def elapsed(self, as_of: dt.date | None = None) -> float | None:
        """Share of the quarter gone by at ``as_of`` (default: the workbook's As of)."""
        day = as_of or self.as_of
        if day is None or self.quarter_start is None or self.quarter_end is None:
            return None
        return elapsed_share(self.quarter_start, self.quarter_end, day)

    def pace(self, kr: KeyResult, as_of: dt.date | None = None) -> str | None:
        elapsed = self.elapsed(as_of)
        if elapsed is None:
            return None
        return scoring.pace(kr.type, kr.progress, kr.current_value, elapsed, kr.lagging,
                            self.green_from, self.orange_from, self.kr_check(kr))

    def scores(self) -> "Scores":
        """Every score and status in one pass (what the reader and the summary need)."""
        return Scores.of(self)


@dataclass(slots=True)
class ObjectiveScores:
    score: float | None
    status: str | None
    counts: dict[str, int]  # key results by status (scoring.KR_STATUSES)
    revised: int  # key results with a revised target


@dataclass(slots=True)
class Scores:
    """A team quarter's scores computed once: the same numbers as the properties above.

    ``progress`` follows :attr:`TeamQuarter.key_results`; ``objectives`` follows
    :attr:`TeamQuarter.objectives`; ``counts`` are the team's key results by status.
    """

    score: float | None
    status: str | None
    counts: dict[str, int]
    objectives: list[ObjectiveScores]
    progress: list[float]
    revised: int  # key results with a revised target

    @classmethod
    def of(cls, team_quarter: TeamQuarter) -> "Scores":
        green, orange = team_quarter.green_from, team_quarter.orange_from
        total = dict.fromkeys(scoring.KR_STATUSES, 0)
        objectives, all_progress, updated = [], [], False
        for objective in team_quarter.objectives:
            counts = dict.fromkeys(scoring.KR_STATUSES, 0)
            progresses, weights, any_updated, revised, to_check = [], [], False, 0, False
            for kr in objective.key_results:
                current, lagging, check = kr.current_value, kr.lagging, kr.check
                revised += kr.revised
                progress = 0.0 if check else scoring.progress(kr.type, kr.start, kr.target_value,
                                                               current)
                counts[scoring.kr_status(progress, current, lagging, green, orange, check)] += 1
                progresses.append(progress)
                weights.append(scoring.weight_used(kr.weight, lagging, check))
                any_updated = any_updated or not (check or current is None or current == "")
                to_check = to_check or bool(check)
            for status, count in counts.items():
                total[status] += count
            score = scoring.objective_score(progresses, weights)
            objectives.append(ObjectiveScores(
                score, scoring.score_status(score, any_updated, green, orange, to_check),
                counts, revised))
            all_progress.extend(progresses)
            updated = updated or any_updated
        total[scoring.CHECK_INPUT] += len(team_quarter.unassigned)
        score = scoring.team_score(objective.score for objective in objectives)
        team_status = scoring.score_status(score, updated, green, orange,
                                           total[scoring.CHECK_INPUT] > 0)
        return cls(score, team_status, total, objectives, all_progress,
                   sum(objective.revised for objective in objectives))


def objectives_from_rows(rows: list[tuple[str | None, KeyResult | None]]) -> tuple[list[Objective], list[KeyResult]]:
    """Group table rows ``(objective text, key result)`` into objectives, as the sheet does.

    A row with objective text starts a new objective; rows that leave it blank belong to
    the objective above. Returns the objectives and the key results found above the first
    objective (which belong to none).
    """
    objectives: list[Objective] = []
    orphans: list[KeyResult] = []
    for row_objective, kr in rows:
        if row_objective not in (None, ""):
            objectives.append(Objective(title=row_objective, row=kr.row if kr else None))
        if kr is None:
            continue
        if objectives:
            objectives[-1].key_results.append(kr)
        else:
            orphans.append(kr)
    return objectives, orphans


def _shown(typed: object, follows: bool, weekly: dict[int, object]) -> object:
    """A cell that follows the latest week's value until typed over (Current, Confidence);
    blank when its formula is gone."""
    if typed is not None and typed != "":
        return typed
    if not follows:
        return None
    return scoring.latest_check_in([weekly.get(week) for week in CHECK_IN_COLUMNS])
