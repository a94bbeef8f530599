"""Calibration from a history store (:mod:`okrsheet.quarterend.calibration`'s tables): DuckDB
joins the forecasts (check-ins' confidences) to their key results' results and numpy counts
them in six slots per team quarter of the summary; DuckDB counts the key results by kind
per quarter. :func:`~okrsheet.quarterend.calibration.calibration_from_team_counts` makes the
tables, as for workbooks, so both agree to the last bit."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from okrsheet.domain import scoring
from okrsheet.quarterend import summary
from okrsheet.quarterend.history import check_store
from okrsheet.quarterend.history_summary import (
    MEMORY_LIMIT,
    connect,
    preferred_sources,
    store_errors,
)

if TYPE_CHECKING:
    import duckdb
    import numpy as np

    from okrsheet.quarterend.calibration import Calibration

__all__ = ["calibrate_store"]

BATCH = 1_000_000
"""Forecasts counted per step: memory stays flat however many check-ins the store holds."""
GROUP = 1_000_000
"""Key results joined to their forecasts at a time (whole quarters: a quarter's partition
holds both): DuckDB's join of so many fits in its memory limit without spilling."""


def calibrate_store(store: str | os.PathLike[str], result: summary.Summary, *,
                    memory_limit: str = MEMORY_LIMIT,
                    prefer: Iterable[str | os.PathLike[str]] = (),
                    today: dt.date | None = None) -> "Calibration":
    """The calibration tables of the store (see :mod:`okrsheet.quarterend.calibration`) for
    the team quarters of ``result``, the store's summary (perhaps of one quarter): each of
    its team rows is the workbook of its ``file`` column, so the copies it picked (with
    ``prefer``, which must name workbooks the store holds) are the ones counted here.

    The confidence and kind entries are read with :mod:`okrsheet.quarterend.calibration`'s
    own rules (a small table joined in), and a team quarter has ended as
    :func:`~okrsheet.quarterend.calibration.has_ended` says (``today`` where As of is
    blank); nothing is held per check-in or key result. A summary made by
    :func:`~okrsheet.quarterend.history_summary.summarise_store` is calibrated from the
    commit it read, whatever an export has committed since.
    """
    import numpy as np
    import pyarrow as pa

    from okrsheet.quarterend.calibration import (
        SLOTS,
        calibration_from_team_counts,
        kind_name,
    )

    check_store(store)
    quarters = set(result.quarters)
    only = [*quarters] if len(quarters) == 1 else None  # read that partition alone
    teams = result.columns("teams", ("team", "quarter", "file", "calibration"))
    files = teams["file"]
    snapshot = result.__dict__.get("_snapshot")  # the commit the summary read, if from a store
    with store_errors(store), connect(store, memory_limit, snapshot) as db:
        preferred_sources(db, prefer)
        db.register("wanted", pa.table({"file": files,
                                        "team_row": np.arange(len(files), dtype=np.int64)}))
        day = (today or dt.date.today()).isoformat()
        db.execute(f"""
            CREATE TEMP TABLE sources AS SELECT w.team_row, t.source_id, t.quarter, t.key_results,
                   t.quarter_end IS NULL OR coalesce(t.as_of, DATE '{day}') >= t.quarter_end
                       AS ended
            FROM wanted w JOIN team_quarters t ON t.source_file = w.file
            {_partition(only, "t", "WHERE")}""")
        _levels(db, only)
        ended = np.ones(len(files), dtype=bool)
        for row, in db.execute("SELECT team_row FROM sources WHERE NOT ended").fetchall():
            ended[row] = False
        other = _other_entries(db, only)
        counts = np.zeros(len(files) * len(SLOTS), np.int64)
        for group in _groups(db, only):
            for cells in _forecasts(db, group):
                counts += np.bincount(cells, minlength=len(counts))
        by_kind = db.sql(f"""
            SELECT k.quarter, k.kind, count(*)::BIGINT AS key_results
            FROM key_results k SEMI JOIN sources s ON s.source_id = k.source_id
            WHERE k.objective_id IS NOT NULL {_partition(only, "k")}
            GROUP BY ALL""").fetchall()
    kinds: dict[tuple[str, str], int] = {}
    for quarter, kind, count in by_kind:
        if quarter in quarters:
            key = (quarter, kind_name(kind))
            kinds[key] = kinds.get(key, 0) + count
    return calibration_from_team_counts(counts.reshape(-1, len(SLOTS)),
                                        [(*key, count) for key, count in kinds.items()], result,
                                        teams, ended=ended, other_entries=other)


# Private API


def _levels(db: "duckdb.DuckDBPyConnection", only: list[str] | None) -> None:
    """Table ``levels``: each confidence entry given that is a level (as
    :func:`~okrsheet.quarterend.calibration.confidence_level` reads it) and its slot in
    :data:`~okrsheet.quarterend.calibration.SLOTS` when the key result did not reach green."""
    import pyarrow as pa

    from okrsheet.quarterend.calibration import PROBABILITY, SLOTS, confidence_level

    given = db.sql("SELECT DISTINCT f.confidence FROM check_ins f "  # any week: cheaper
                   f"{_partition(only, 'f', 'WHERE')}").fetchall()
    levels = {value: level for value, in given
              if value is not None and (level := confidence_level(value)) is not None}
    db.register("levels", pa.table({
        "raw": pa.array(list(levels), pa.string()),
        "slot": pa.array([SLOTS.index((PROBABILITY[level], False)) for level in levels.values()],
                         pa.int64())}))


def _other_entries(db: "duckdb.DuckDBPyConnection", only: list[str] | None) -> int:
    """Confidences given at a check-in before the review, of key results of objectives in
    ended team quarters of table ``sources``, that are neither blank nor a level."""
    import pyarrow as pa

    from okrsheet.quarterend.calibration import FORECAST_WEEKS, is_other_entry

    given = db.sql("SELECT DISTINCT f.confidence FROM check_ins f "
                   f"{_partition(only, 'f', 'WHERE')}").fetchall()
    db.register("other_entries", pa.table({"raw": pa.array(
        [value for value, in given if is_other_entry(value)], pa.string())}))
    weeks = ", ".join(str(week) for week in FORECAST_WEEKS)
    found = db.execute(f"""
        SELECT count(*) FROM check_ins f
        SEMI JOIN other_entries o ON o.raw = f.confidence
        SEMI JOIN (SELECT k.source_id, k.key_result_id FROM key_results k
                   JOIN sources s USING (source_id)
                   WHERE s.ended AND k.objective_id IS NOT NULL {_partition(only, "k")}) k
             ON k.source_id = f.source_id AND k.key_result_id = f.key_result_id
        WHERE f.week IN ({weeks}) {_partition(only, "f")}""").fetchone()
    return int(found[0]) if found else 0


def _groups(db: "duckdb.DuckDBPyConnection", only: list[str] | None
            ) -> "list[list[str] | None]":
    """The quarters of table ``sources`` in groups of about :data:`GROUP` key results (None:
    all of them at once)."""
    groups: list[list[str]] = [[]]
    size = 0
    for quarter, key_results in db.execute(
            "SELECT quarter, sum(key_results) FROM sources GROUP BY quarter ORDER BY quarter"
    ).fetchall():
        if groups[-1] and size + (key_results or 0) > GROUP:
            groups.append([])
            size = 0
        groups[-1].append(quarter)
        size += key_results or 0
    return [only] if len(groups) == 1 else [*groups]


def _forecasts(db: "duckdb.DuckDBPyConnection", quarters: list[str] | None
               ) -> "Iterator[np.ndarray]":
    """Every forecast of a key result with a result (of an objective; green, orange or red)
    in a team quarter of table ``sources`` (in those ``quarters``' partitions), a batch at a
    time: ``team_row * 6 + slot`` (the row of the summary's teams; the slot in
    :data:`~okrsheet.quarterend.calibration.SLOTS`)."""
    from okrsheet.quarterend.calibration import FORECAST_WEEKS, SLOTS

    weeks = ", ".join(str(week) for week in FORECAST_WEEKS)
    # the key results (their row and result packed in one number) join the sources first
    reader = db.sql(f"""
        SELECT (k.packed // 2) * {len(SLOTS)} + m.slot + k.packed % 2 AS cell
        FROM check_ins f
        JOIN levels m ON m.raw = f.confidence
        JOIN (SELECT k.source_id, k.key_result_id,
                     s.team_row * 2 + (k.status = '{scoring.GREEN}')::BIGINT AS packed
              FROM key_results k JOIN sources s USING (source_id)
              WHERE s.ended AND k.objective_id IS NOT NULL {_partition(quarters, "k")}
                AND k.status IN ('{scoring.GREEN}', '{scoring.ORANGE}', '{scoring.RED}')) k
             USING (source_id, key_result_id)
        WHERE f.week IN ({weeks}) {_partition(quarters, "f")}""").to_arrow_reader(BATCH)
    for batch in reader:
        yield batch.column(0).to_numpy(zero_copy_only=False)


def _partition(quarters: list[str] | None, alias: str, word: str = "AND") -> str:
    """The filter that reads those quarters' partitions alone, or nothing."""
    if quarters is None:
        return ""
    listed = ", ".join("'" + quarter.replace("'", "''") + "'" for quarter in quarters)
    return f"{word} {alias}.quarter IN ({listed})"
