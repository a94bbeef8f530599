"""Calibration: did the confidence teams gave at check-ins predict their results?

Choices, documented once here:

* **Confidence as a probability.** Every confidence given at a check-in (weeks 3 to 11:
  high, medium or low) is a forecast of the key result's end, read as the chance it ends
  green: high = 0.8, medium = 0.5, low = 0.2 (:data:`PROBABILITY`). So a key result given
  a confidence at four check-ins makes four forecasts, and an early "high" that ended red
  counts against the team even if the last check-in said "low". A confidence given at the
  week-13 review (the result is known then) or typed over in the OKRs sheet's Confidence
  column (not a check-in) is not a forecast; nor are other entries and blanks.
* **Only ended quarters.** A forecast counts once its quarter has ended, its outcome being
  the quarter-end status. A team quarter has ended when its workbook's As of is on or after
  its Quarter end (a blank As of: today); one with no Quarter end is taken as ended. A
  quarter in progress is left out of the Brier scores and the reliability table, and the
  outputs say so ("2027-Q1 is in progress: left out of the calibration"); the balance of
  kinds counts every quarter.
* **What counts.** A key result of an objective with such a confidence and a result scored
  green, orange or red (not lagging, not updated, not to check). It *reached* when its
  status is green, against the team's own green threshold, as the workbook stands (the
  final result once the week-13 review is typed in).
* **Other entries.** A confidence given at a check-in before the review that is not high,
  medium or low (``med``, ``70%``) is not a forecast, but it is never dropped silently: the
  outputs count them ("3 confidences not high, medium or low were not counted").
* **Brier score.** The mean of ``(probability - reached)**2`` over a team's forecasts: 0 is
  perfect, 0.25 is what always saying "medium" scores on a coin flip, lower is better.
* **Reliability table.** For each confidence level, over all teams and quarters: how many
  forecasts and the share that reached green. Well calibrated: high reaches about 80%.
* **Balance.** The share of input, output and outcome key results each quarter (the
  guide's balance; blank or other entries are "not set").

Both summaries (workbooks and history store) reduce to the same counts (six per team
quarter, :data:`SLOTS`) and then share :func:`calibration_from_team_counts`, so they agree
exactly: it adds up in numpy, column by column, in the order the Brier score is defined.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from okrsheet.domain import scoring
from okrsheet.domain.quarter import CHECK_IN_COLUMNS, REVIEW_WEEK
from okrsheet.sheet.layout import COLUMN_OF

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from okrsheet.domain.model import KeyResult
    from okrsheet.quarterend.summary import Summary

FORECAST_WEEKS = tuple(week for week in CHECK_IN_COLUMNS if week < REVIEW_WEEK)
"""The check-in weeks whose confidence is a forecast (3 to 11; at 13 the result is known)."""
PROBABILITY = {"high": 0.8, "medium": 0.5, "low": 0.2}
"""Confidence given -> the probability of ending green it stands for."""
CONFIDENCE = COLUMN_OF["confidence"].header
KINDS = (*scoring.KR_KINDS, "not set")
SCORED = (scoring.GREEN, scoring.ORANGE, scoring.RED)

FORECAST_COLUMNS = ("team", "quarter", "forecasts", "reached", "brier", "calibration")
TEAM_COLUMNS = ("team", "quarters", "forecasts", "reached", "brier")
RELIABILITY_COLUMNS = ("confidence", "probability", "key_results", "reached", "reached_share")
KIND_COLUMNS = ("quarter", "key_results", *(f"share_{kind.replace(' ', '_')}" for kind in KINDS))
IN_PROGRESS_COLUMNS = ("team", "quarter")


@dataclass
class Calibration:
    """Calibration tables (pandas DataFrames).

    * ``forecasts``: one row per team and quarter with forecasts, its Brier score and the
      summary's sandbagging/over-ambition flag beside it;
    * ``teams``: one row per team over all its quarters;
    * ``reliability``: one row per confidence level;
    * ``kinds``: one row per quarter, the shares of input, output and outcome key results;
    * ``in_progress``: the team quarters left out, their quarter not ended (team, quarter);
    * ``other_entries``: check-in confidences that are not high, medium or low, not counted.
    """

    forecasts: "pd.DataFrame"
    teams: "pd.DataFrame"
    reliability: "pd.DataFrame"
    kinds: "pd.DataFrame"
    in_progress: "pd.DataFrame" = field(default_factory=lambda: _frame([], IN_PROGRESS_COLUMNS))
    other_entries: int = 0
    quarter_teams: dict[str, int] = field(default_factory=dict, repr=False)
    """Team quarters of each quarter in the summary (to tell a whole quarter in progress)."""

    def notes(self) -> list[str]:
        """What the calibration leaves out, one sentence each: quarters in progress, and
        confidences that are not a level."""
        teams: dict[str, list[str]] = {}
        for row in self.in_progress.to_dict("records"):
            teams.setdefault(str(row["quarter"]), []).append(str(row["team"]))
        lines = []
        for quarter, names in teams.items():
            whom = "" if len(names) == self.quarter_teams.get(quarter) else (
                f" for {names[0] if len(names) == 1 else ', '.join(names[:-1]) + ' and ' + names[-1]}")
            lines.append(f"{quarter} is in progress{whom}: left out of the calibration "
                         "(a forecast counts once its quarter has ended).")
        if self.other_entries:
            many = self.other_entries != 1
            lines.append(f"{self.other_entries} confidence{'s' if many else ''} given at a "
                         f"check-in {'were' if many else 'was'} not high, medium or low and "
                         f"{'were' if many else 'was'} not counted.")
        return lines


# Public API


def confidence_level(value: object) -> str | None:
    """``" High "`` -> ``"high"``; None for anything that is not a confidence level."""
    text = str(value).strip().casefold() if value is not None else ""
    return text if text in PROBABILITY else None


def forecasts_of(kr: "KeyResult") -> list[str]:
    """The confidence levels given at the key result's check-ins before the review, in
    week order: its forecasts."""
    levels = (confidence_level(kr.confidences.get(week)) for week in FORECAST_WEEKS)
    return [level for level in levels if level is not None]


def is_other_entry(value: object) -> bool:
    """A confidence entry that is neither blank nor a level (``med``, ``0.7``)."""
    return value is not None and str(value).strip() != "" and confidence_level(value) is None


def has_ended(quarter_end: dt.date | None, as_of: dt.date | None,
              today: dt.date | None = None) -> bool:
    """True when a team quarter is over: its As of (blank: ``today``, else today's date) is
    on or after its Quarter end; True with no Quarter end (nothing says it is not)."""
    if quarter_end is None:
        return True
    return (as_of or today or dt.date.today()) >= quarter_end


def kind_name(value: object) -> str:
    text = str(value).strip().casefold() if value is not None else ""
    return text if text in scoring.KR_KINDS else "not set"


def calibrate(summary: "Summary", today: dt.date | None = None) -> Calibration:
    """The calibration of a summary made from workbooks (its team quarters); ``today``
    stands for today's date where a workbook's As of is blank."""
    import numpy as np

    counts: list[list[int]] = []
    kinds: dict[tuple[str, str], int] = {}
    ended: list[bool] = []
    other = 0
    teams = [tq for tq in summary.team_quarters if tq.level == "team"]  # the tables' rows
    quarters = summary.columns("teams", ["quarter"])["quarter"].to_pylist()
    for team_quarter, quarter in zip(teams, quarters):
        found = [0] * len(SLOTS)
        over = has_ended(team_quarter.quarter_end, team_quarter.as_of, today)
        ended.append(over)
        for objective in team_quarter.objectives:
            for kr in objective.key_results:
                kind = kind_name(kr.kind)
                kinds[(quarter, kind)] = kinds.get((quarter, kind), 0) + 1
                if not over:
                    continue
                other += sum(is_other_entry(kr.confidences.get(week)) for week in FORECAST_WEEKS)
                status = team_quarter.kr_status(kr)
                if status not in SCORED:
                    continue
                for level in forecasts_of(kr):
                    found[SLOTS.index((PROBABILITY[level], status == scoring.GREEN))] += 1
        counts.append(found)
    return calibration_from_team_counts(
        np.array(counts, dtype=np.int64).reshape(-1, len(SLOTS)),
        [(*key, count) for key, count in kinds.items()], summary,
        ended=np.array(ended, dtype=bool), other_entries=other)


SLOTS = tuple((probability, reached) for probability in sorted(PROBABILITY.values())
              for reached in (False, True))
"""``(probability, reached green)`` in the order forecasts are added up (as sorted)."""
_SQUARED = tuple((probability - 1.0) ** 2 if reached else probability ** 2
                 for probability, reached in SLOTS)


def calibration_from_team_counts(counts: "np.ndarray", kinds: Iterable[tuple[str, str, int]],
                                 summary: "Summary", columns: "pa.Table | None" = None, *,
                                 ended: "np.ndarray | None" = None, other_entries: int = 0
                                 ) -> Calibration:
    """The tables from each team quarter's forecasts counted in the :data:`SLOTS` order
    (``counts``: six a row, one row per row of the summary's teams, in that order) and kind
    counts (``(quarter, kind, key results)``); ``columns``: the teams' team, quarter and
    calibration columns when the caller has them (else
    :meth:`~okrsheet.quarterend.summary.Summary.columns`). Column by column in numpy, adding
    up in the order the Brier score's definition reads (slot by slot; over a team's
    quarters, each slot's counts from the smallest), so the last bit never depends on the
    way here. ``ended``: whether each team quarter has ended (:func:`has_ended`; the counts
    of one that has not are left out); ``other_entries``: the confidences not counted."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    if columns is None:
        columns = summary.columns("teams", ("team", "quarter", "calibration"))
    if len(counts) != len(columns):
        raise ValueError(f"{len(counts)} rows of counts for {len(columns)} team quarters")
    if ended is None:
        ended = np.ones(len(counts), dtype=bool)
    counts = np.where(ended[:, None], counts, 0)  # a quarter in progress: nothing known yet
    open_rows = columns.filter(pa.array(~ended))
    in_progress = pd.DataFrame({"team": open_rows["team"].to_pylist(),
                                "quarter": open_rows["quarter"].to_pylist()},
                               columns=list(IN_PROGRESS_COLUMNS))
    every = pc.value_counts(columns["quarter"]).to_pylist() if len(columns) else []
    used = counts.any(axis=1)
    found, rows = counts[used], columns.filter(pa.array(used))
    forecasts, teams = _frame([], FORECAST_COLUMNS), _frame([], TEAM_COLUMNS)
    if len(found):
        total = found.sum(axis=1)
        squared = np.zeros(len(found))
        for slot, weight in enumerate(_SQUARED):  # a zero count adds 0.0: no change
            squared = squared + found[:, slot] * weight
        forecasts = pd.DataFrame({
            "team": rows["team"].to_pandas(), "quarter": rows["quarter"].to_pandas(),
            "forecasts": total, "reached": found[:, 1::2].sum(axis=1), "brier": squared / total,
            "calibration": pd.Series(rows["calibration"].to_pylist())})  # typed as before
        encoded = pc.dictionary_encode(rows["team"]).combine_chunks()
        names = encoded.dictionary.to_pylist()  # as first met: sorted() keeps that for ties
        pooled = _pooled(found, encoded.indices.to_numpy(zero_copy_only=False), len(names))
        order = sorted(range(len(names)), key=lambda code: names[code].casefold())
        teams = pd.DataFrame({"team": [names[code] for code in order], **{
            column: values[order] for column, values in zip(TEAM_COLUMNS[1:], pooled)}})
    return Calibration(forecasts, teams, _reliability(counts),
                       _kind_shares(kinds, summary.quarters), in_progress, other_entries,
                       {item["values"]: item["counts"] for item in every})


def calibration_records(calibration: Calibration) -> dict[str, list[dict[str, Any]]]:
    """The tables as plain rows for the summary's JSON (NaN as None)."""
    from okrsheet.quarterend.summary import plain_rows as records

    return {"teams": records(calibration.teams), "team_quarters": records(calibration.forecasts),
            "reliability": records(calibration.reliability), "kinds": records(calibration.kinds),
            **left_out_records(calibration)}


def left_out_records(calibration: Calibration) -> dict[str, Any]:
    """What the JSON says the calibration leaves out: the team quarters in progress, the
    count of confidences not counted, and the sentences the other outputs show."""
    from okrsheet.quarterend.summary import plain_rows as records

    return {"in_progress": records(calibration.in_progress),
            "other_entries": calibration.other_entries, "notes": calibration.notes()}


# Private API


def _frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> "pd.DataFrame":
    import pandas as pd

    return pd.DataFrame(rows, columns=list(columns))


def _reliability(counts: "np.ndarray") -> "pd.DataFrame":
    """One row per confidence level given: forecasts, reached green and the share."""
    levels = {probability: level for level, probability in PROBABILITY.items()}
    rows = []
    for slot in range(0, len(SLOTS), 2):
        missed, reached = int(counts[:, slot].sum()), int(counts[:, slot + 1].sum())
        if missed + reached:
            rows.append({"confidence": levels[SLOTS[slot][0]], "probability": SLOTS[slot][0],
                         "key_results": missed + reached, "reached": reached,
                         "reached_share": reached / (missed + reached)})
    return _frame(rows, RELIABILITY_COLUMNS)


def _kind_shares(kinds: Iterable[tuple[str, str, int]], quarters: list[str]) -> "pd.DataFrame":
    """One row per quarter with key results: the share of each kind."""
    counted: dict[str, dict[str, int]] = {}
    for quarter, kind, count in kinds:
        counted.setdefault(quarter, dict.fromkeys(KINDS, 0))[kind] += count
    rows = []
    for quarter in quarters:
        found = counted.get(quarter)
        if found:
            total = sum(found.values())
            rows.append({"quarter": quarter, "key_results": total,
                         **{column: found[kind] / total
                            for column, kind in zip(KIND_COLUMNS[2:], KINDS)}})
    return _frame(rows, KIND_COLUMNS)


def _pooled(found: "np.ndarray", codes: "np.ndarray", teams: int
            ) -> tuple["np.ndarray", "np.ndarray", "np.ndarray", "np.ndarray"]:
    """Per team (``codes``: each row's team, 0 to ``teams`` - 1): quarters, forecasts,
    reached and the Brier score of its quarters' forecasts pooled. The squares are added
    slot by slot and, within a slot, the quarters' counts from the smallest up: the order
    of ``sorted((probability, reached, count), ...)``, so the last bit is always the same."""
    import numpy as np

    quarters = np.bincount(codes, minlength=teams)
    forecasts = np.zeros(teams, np.int64)
    reached = np.zeros(teams, np.int64)
    np.add.at(forecasts, codes, found.sum(axis=1))
    np.add.at(reached, codes, found[:, 1::2].sum(axis=1))
    squared = np.zeros(teams)
    if not len(found):
        return quarters, forecasts, reached, squared
    team = np.sort(codes)  # each team's rows together, as every slot's order below has them
    starts = np.flatnonzero(np.r_[True, team[1:] != team[:-1]])
    rank = np.arange(len(team)) - np.repeat(starts, np.diff(np.r_[starts, len(team)]))
    by_rank = np.argsort(rank, kind="stable")  # the first of each team's rows, the second...
    steps = np.searchsorted(rank[by_rank], np.arange(int(rank.max()) + 2))
    for slot, weight in enumerate(_SQUARED):
        scale = int(found[:, slot].max()) + 1
        ordered = np.sort(codes.astype(np.int64) * scale + found[:, slot])  # team, then count
        term = ((ordered % scale) * weight)[by_rank]
        for begin, end in zip(steps[:-1], steps[1:]):  # each team at most once a step
            squared[team[by_rank[begin:end]]] += term[begin:end]
    return quarters, forecasts, reached, squared / forecasts
