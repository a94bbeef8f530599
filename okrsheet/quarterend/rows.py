"""One team quarter's rows of the summary tables, and the rules they follow (the choices are
documented once, in :mod:`okrsheet.quarterend.summary`)."""

from __future__ import annotations

from dataclasses import dataclass

from okrsheet.domain import scoring
from okrsheet.domain.model import Scores, TeamQuarter
from okrsheet.domain.quarter import Quarter
from okrsheet.quarterend.summary import (
    COUNT_COLUMNS,
    KR_STATUSES,
    NOT_STARTED,
    SHARE_COLUMNS,
    TOO_AMBITIOUS,
    TOO_AMBITIOUS_TO,
    TOO_SAFE,
    TOO_SAFE_FROM,
    Row,
    has_started,
)

_COUNTED = tuple(zip(COUNT_COLUMNS, KR_STATUSES))  # (count column, KR status)


@dataclass
class Entry:
    team_quarter: TeamQuarter
    file: str
    saved: float | None  # file modification time, None when not from a file
    team_key: str = ""
    period: Quarter | None = None
    scored: Scores | None = None

    def quarter(self) -> Quarter:
        """The quarter :func:`identify` found: only identified entries are summarised."""
        if self.period is None:
            raise ValueError(f"{self.file}: summarised before its quarter was identified")
        return self.period

    def scores(self) -> Scores:
        """The scores :func:`_summarise` computed for each entry it uses."""
        if self.scored is None:
            raise ValueError(f"{self.file}: summarised before it was scored")
        return self.scored


def team_key(team: str) -> str:
    """How teams are matched: ``"  Sales  Team"`` -> ``"sales team"``."""
    return " ".join(team.split()).casefold()


def identify(entry: Entry, fiscal_year_start: int, named_by_start: bool) -> str | None:
    """Set the entry's team key and quarter; return why it can't be used, if so (the words
    ``okrsheet check`` uses for the same workbook)."""
    from okrsheet.sheet.checking import identity_problems

    team_quarter = entry.team_quarter
    problems = identity_problems(team_quarter, fiscal_year_start, named_by_start)
    if problems:
        return f"{problems[0].cell}: {problems[0].message}"
    # identity_problems found none, so Team and Quarter are filled in.
    entry.period = Quarter.parse(team_quarter.quarter or "", fiscal_year_start, named_by_start)
    entry.team_key = team_key(team_quarter.team or "")
    return None


def shares(counts: dict[str, int]) -> dict[str, float | None]:
    total = sum(counts.values())
    return {column: (counts[status] / total if total else None)
            for column, status in zip(SHARE_COLUMNS, KR_STATUSES)}


def score_change(score: float | None, previous: float | None) -> float | None:
    if score is None or previous is None:
        return None
    return scoring.approx_sub(score, previous)


def calibration_flag(score: float | None, previous: float | None) -> str | None:
    if score is None or previous is None:
        return None
    if scoring.at_least(score, TOO_SAFE_FROM) and scoring.at_least(previous, TOO_SAFE_FROM):
        return TOO_SAFE
    if scoring.at_most(score, TOO_AMBITIOUS_TO) and scoring.at_most(previous, TOO_AMBITIOUS_TO):
        return TOO_AMBITIOUS
    return None


def calibration_note(flag: str | None) -> str:
    if flag == TOO_SAFE:
        return (f"scored {TOO_SAFE_FROM:.0%} or more two quarters running: "
                "targets may be too safe (sandbagging)")
    if flag == TOO_AMBITIOUS:
        return (f"scored {TOO_AMBITIOUS_TO:.0%} or less two quarters running: "
                "targets may be too ambitious")
    return ""


def is_started(entry: Entry) -> bool:
    return has_started(entry.team_quarter)


def counted_score(entry: Entry) -> float | None:
    """The team score the summary counts: None while the team has not started."""
    return entry.scores().score if is_started(entry) else None


def team_row(entry: Entry, display: dict[str, str],
              scores: dict[tuple[str, str], float | None]) -> Row:
    from okrsheet.domain.status import rhythm

    team_quarter, scored, period = entry.team_quarter, entry.scores(), entry.quarter()
    score = counted_score(entry)
    found = rhythm(team_quarter)
    previous = scores.get((entry.team_key, period.previous().label))
    return {
        "team": display[entry.team_key],
        "quarter": period.label,
        "file": entry.file,
        "score": score,
        "status": scored.status if is_started(entry) else NOT_STARTED,
        "objectives": len(team_quarter.objectives),
        "key_results": len(scored.progress),
        **shares(scored.counts),
        "revised_targets": scored.revised,
        "previous_score": previous,
        "change": score_change(score, previous),
        "calibration": calibration_flag(score, previous),
        "confidence_fell": found.share_confidence_fell,
        "stale_key_results": found.stale_key_results,
        "overdue_actions": found.overdue_actions,
    }


def objective_rows(entry: Entry, display: dict[str, str]) -> list[Row]:
    team_quarter = entry.team_quarter
    started = is_started(entry)
    rows = []
    for number, (objective, scores) in enumerate(
            zip(team_quarter.objectives, entry.scores().objectives), 1):
        rows.append({
            "team": display[entry.team_key],
            "quarter": entry.quarter().label,
            "file": entry.file,
            "number": number,
            "objective": objective.title,
            "score": scores.score if started else None,
            "status": scores.status if started else NOT_STARTED,
            "key_results": len(objective.key_results),
            **{column: scores.counts[status] for column, status in _COUNTED},
            "revised_targets": scores.revised,
        })
    return rows


def company_rows(chosen: list[Entry]) -> list[Row]:
    by_quarter: dict[Quarter, list[Entry]] = {}
    for entry in chosen:
        key = Quarter(entry.quarter().year, entry.quarter().number)
        by_quarter.setdefault(key, []).append(entry)
    rows: list[Row] = []
    company_scores: dict[Quarter, float | None] = {}
    for period in sorted(by_quarter):
        group = by_quarter[period]
        started = [entry for entry in group if is_started(entry)]
        team_scores = [score for score in map(counted_score, started) if score is not None]
        score = sum(team_scores) / len(team_scores) if team_scores else None
        company_scores[period] = score
        previous = company_scores.get(period.previous())
        counts = dict.fromkeys(KR_STATUSES, 0)
        key_results = 0
        for entry in started:
            key_results += len(entry.scores().progress)
            for status, count in entry.scores().counts.items():
                counts[status] += count
        rows.append({
            "quarter": period.label,
            "teams": len(group),
            "not_started": len(group) - len(started),
            "score": score,
            "status": scoring.status(score) if started else NOT_STARTED,
            "objectives": sum(len(entry.team_quarter.objectives) for entry in started),
            "key_results": key_results,
            **shares(counts),
            "revised_targets": sum(entry.scores().revised for entry in started),
            "previous_score": previous,
            "change": score_change(score, previous),
        })
    return rows
