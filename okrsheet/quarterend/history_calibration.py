"""Calibration from a history store (:mod:`okrsheet.quarterend.calibration`'s tables):
DuckDB counts each team quarter's forecasts by confidence level and result, and the key
results by kind per quarter; :func:`~okrsheet.quarterend.calibration.calibration_from_counts`
makes the tables, as for workbooks, so both agree exactly."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from okrsheet.domain import scoring
from okrsheet.quarterend import summary
from okrsheet.quarterend.history import check_store
from okrsheet.quarterend.history_summary import (
    MEMORY_LIMIT,
    _choose,
    _preferred,
    _reading,
    _records,
    connect,
)

if TYPE_CHECKING:
    from okrsheet.quarterend.calibration import Calibration

__all__ = ["calibrate_store"]


def calibrate_store(store: str | os.PathLike[str], result: summary.Summary, *,
                    memory_limit: str = MEMORY_LIMIT,
                    prefer: Iterable[str | os.PathLike[str]] = ()) -> "Calibration":
    """The calibration tables of the store (see :mod:`okrsheet.quarterend.calibration`), for the team
    quarters of ``result`` (the store's summary, perhaps of one quarter).

    DuckDB counts each team quarter's forecasts (the check-ins' confidences) by confidence
    level and result (six counts a row) and the key results by kind per quarter; the confidence and kind entries are
    read with :mod:`okrsheet.quarterend.calibration`'s own rules (a small table joined in).
    """
    import pyarrow as pa

    from okrsheet.quarterend.calibration import (
        FORECAST_WEEKS,
        PROBABILITY,
        SLOTS,
        calibration_from_slots,
        confidence_level,
        kind_name,
    )

    check_store(store)
    wanted = set(result.quarters)
    only = next(iter(wanted)) if len(wanted) == 1 else None  # read that partition alone
    partition = "" if only is None else f"AND k.quarter = '{only}'"
    levels = tuple(PROBABILITY)
    pivot = ", ".join(
        f"count(*) FILTER (WHERE m.level = '{level}' AND {'' if hit else 'NOT '}k.status = "
        f"'{scoring.GREEN}')::INTEGER AS {level}_{'hit' if hit else 'miss'}"
        for level in levels for hit in (False, True))
    with _reading(store), connect(store, memory_limit) as db:
        _choose(db, only, counts=False, prefer=_preferred(db, prefer))
        weeks = ", ".join(str(week) for week in FORECAST_WEEKS)
        raw = db.execute(f"SELECT DISTINCT k.confidence FROM check_ins k "
                         f"WHERE k.week IN ({weeks}) {partition}").fetchall()
        confidences = sorted({value for value, in raw if value is not None})
        db.register("levels", pa.table({
            "raw": pa.array(confidences, pa.string()),
            "level": pa.array([confidence_level(value) for value in confidences], pa.string())}))
        db.execute("CREATE TEMP TABLE m AS SELECT * FROM levels WHERE level IS NOT NULL")
        forecasts = _records(db, f"""
            WITH names AS (SELECT team_key, arg_max(team, quarter_index) AS display
                           FROM chosen GROUP BY team_key)
            SELECT names.display AS team, c.quarter, {pivot}
            FROM check_ins f
            JOIN m ON m.raw = f.confidence
            JOIN key_results k USING (source_id, key_result_id)
            JOIN chosen c ON c.source_id = k.source_id
            JOIN names ON names.team_key = c.team_key
            WHERE k.objective_id IS NOT NULL AND f.week IN ({weeks}) {partition}
              {partition.replace("k.quarter", "f.quarter")}
              AND k.status IN ('{scoring.GREEN}', '{scoring.ORANGE}', '{scoring.RED}')
            GROUP BY ALL""")
        by_kind = _records(db, f"""
            SELECT c.quarter, k.kind, count(*)::INTEGER AS key_results
            FROM key_results k JOIN chosen c USING (source_id)
            WHERE k.objective_id IS NOT NULL {partition}
            GROUP BY ALL""")
    names = {probability: level for level, probability in PROBABILITY.items()}
    columns = [f"{names[probability]}_{'hit' if hit else 'miss'}" for probability, hit in SLOTS]
    slots = {(row["team"], row["quarter"]): [row[column] for column in columns]
             for row in forecasts if row["quarter"] in wanted}
    kinds: dict[tuple[str, str], int] = {}
    for row in by_kind:
        if row["quarter"] in wanted:
            key = (row["quarter"], kind_name(row["kind"]))
            kinds[key] = kinds.get(key, 0) + row["key_results"]
    return calibration_from_slots(slots, [(*key, count) for key, count in kinds.items()],
                                  result)
