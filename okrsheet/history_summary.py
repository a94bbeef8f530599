"""The summary from a history store, computed in DuckDB: the same :class:`Summary` the
workbooks give, in bounded memory however many quarters the store holds.

DuckDB (in-process, no server) reads the Parquet tables of :mod:`okrsheet.history`, picks
one source per team and quarter, counts the key results by status, and rolls the teams up
by quarter. The few per-row rules the summary applies after that (changes, calibration
flags, status colours) are the summary's own functions, so both summaries agree exactly.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from okrsheet import scoring, summary
from okrsheet.files import OkrsheetError
from okrsheet.history import COUNT_COLUMNS, check_store, parquet_glob
from okrsheet.model import TeamQuarter
from okrsheet.quarter import Quarter

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from okrsheet.calibration import Calibration

MEMORY_LIMIT = "1GB"
"""DuckDB spills to disk past this; the summary's own tables are what stays in memory."""

_STATUS_COUNTS = ", ".join(
    f"count(*) FILTER (WHERE status = '{status}')::INTEGER AS {column}"
    for status, column in zip(scoring.KR_STATUSES, COUNT_COLUMNS))


# Public API


def summarise_store(store: str | os.PathLike[str], quarter: str | Quarter | None = None, *,
                    memory_limit: str = MEMORY_LIMIT) -> summary.Summary:
    """The summary of every team quarter in the history ``store``.

    ``quarter`` keeps only that quarter's rows (changes still compare with the quarter
    before), as :func:`okrsheet.summary.summarise` does.
    """
    check_store(store)
    with connect(store, memory_limit) as db:
        _choose(db)
        team_rows = _team_rows(db)
        objective_rows = _objective_rows(db)
        company_rows = _company_rows(db)
        duplicates, conflicts = _copies(db)
        shells = _shells(db)
    return _assemble(team_rows, objective_rows, company_rows, duplicates, conflicts, shells,
                     quarter)


def calibrate_store(store: str | os.PathLike[str], result: summary.Summary, *,
                    memory_limit: str = MEMORY_LIMIT) -> "Calibration":
    """The calibration tables of the store (see :mod:`okrsheet.calibration`), for the team
    quarters of ``result`` (the store's summary, perhaps of one quarter)."""
    from okrsheet.calibration import calibration_from_counts, confidence_level, kind_name

    check_store(store)
    wanted = set(result.quarters)
    with connect(store, memory_limit) as db:
        _choose(db)
        rows = _records(db, """
            WITH names AS (SELECT team_key, arg_max(team, quarter_index) AS display
                           FROM chosen GROUP BY team_key)
            SELECT names.display AS team, c.quarter, k.confidence, k.status, k.kind,
                   count(*)::INTEGER AS key_results
            FROM key_results k
            JOIN chosen c USING (team_quarter_id, source_file)
            JOIN names ON names.team_key = c.team_key
            WHERE k.objective_id IS NOT NULL
            GROUP BY ALL""")
    counts: dict[tuple[str, str, str, bool], int] = {}
    kinds: dict[tuple[str, str], int] = {}
    for row in rows:
        if row["quarter"] not in wanted:
            continue
        kind = (row["quarter"], kind_name(row["kind"]))
        kinds[kind] = kinds.get(kind, 0) + row["key_results"]
        level = confidence_level(row["confidence"])
        if level is None or row["status"] not in (scoring.GREEN, scoring.ORANGE, scoring.RED):
            continue
        key = (row["team"], row["quarter"], level, row["status"] == scoring.GREEN)
        counts[key] = counts.get(key, 0) + row["key_results"]
    return calibration_from_counts([(*key, count) for key, count in counts.items()],
                                   [(*key, count) for key, count in kinds.items()], result)


def connect(store: str | os.PathLike[str], memory_limit: str = MEMORY_LIMIT
            ) -> "duckdb.DuckDBPyConnection":
    """An in-memory DuckDB with one view per table of the store (``team_quarters``,
    ``objectives``, ``key_results``, ``check_ins``), for questions of your own."""
    import duckdb

    db = duckdb.connect(":memory:")
    db.execute(f"SET memory_limit = '{memory_limit}'")
    db.execute("SET preserve_insertion_order = false")
    for table in ("team_quarters", "objectives", "key_results", "check_ins"):
        glob = parquet_glob(store, table).replace("'", "''")
        db.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{glob}', "
                   "hive_partitioning = true, union_by_name = true)")
    return db


# Private API


def _started_rule() -> bool:
    """Whether the summary scores a team that has not started as not started."""
    return hasattr(summary, "has_started")


def _choose(db: "duckdb.DuckDBPyConnection") -> None:
    """Table ``chosen``: one source per team and quarter, as the summary picks copies (the
    later saved; none when copies differ in objectives or key results)."""
    db.execute("""
        CREATE TEMP TABLE ranked AS
        SELECT team_quarter_id, source_file, team, team_key, quarter, quarter_index, score,
               status, started, objectives, key_results, revised_targets, saved, file_time,
               green_from, orange_from, quarter_start, quarter_end, as_of,
               row_number() OVER copies AS copy_rank,
               count(*) OVER claims AS copy_count,
               min(content_key) OVER claims <> max(content_key) OVER claims AS differ
        FROM team_quarters
        WINDOW claims AS (PARTITION BY team_key, quarter),
               copies AS (PARTITION BY team_key, quarter
                          ORDER BY saved DESC NULLS LAST, file_time DESC NULLS LAST,
                                   source_file DESC)""")
    db.execute("CREATE TEMP TABLE chosen AS SELECT * FROM ranked WHERE copy_rank = 1 AND NOT differ")
    db.execute(f"""
        CREATE TEMP TABLE counts AS
        SELECT k.team_quarter_id, k.source_file, {_STATUS_COUNTS}
        FROM key_results k SEMI JOIN chosen c
             ON k.team_quarter_id = c.team_quarter_id AND k.source_file = c.source_file
        GROUP BY ALL""")


def _team_rows(db: "duckdb.DuckDBPyConnection") -> list[dict[str, Any]]:
    counts = ", ".join(f"coalesce(n.{column}, 0) AS {column}" for column in COUNT_COLUMNS)
    return _records(db, f"""
        WITH names AS (SELECT team_key, arg_max(team, quarter_index) AS display
                       FROM chosen GROUP BY team_key)
        SELECT names.display AS team, c.quarter, c.source_file AS file, c.score, c.status,
               c.started, c.objectives, c.key_results, c.revised_targets, {counts},
               p.score AS previous_score, p.started AS previous_started
        FROM chosen c
        JOIN names USING (team_key)
        LEFT JOIN counts n USING (team_quarter_id, source_file)
        LEFT JOIN chosen p ON p.team_key = c.team_key AND p.quarter_index = c.quarter_index - 1
        ORDER BY c.quarter_index, c.team_key""")


def _objective_rows(db: "duckdb.DuckDBPyConnection") -> list[dict[str, Any]]:
    counts = ", ".join(f"coalesce(n.{column}, 0) AS {column}" for column in COUNT_COLUMNS)
    return _records(db, f"""
        WITH names AS (SELECT team_key, arg_max(team, quarter_index) AS display
                       FROM chosen GROUP BY team_key),
             by_objective AS (
                SELECT k.team_quarter_id, k.source_file, k.objective_id, {_STATUS_COUNTS}
                FROM key_results k SEMI JOIN chosen c
                     ON k.team_quarter_id = c.team_quarter_id AND k.source_file = c.source_file
                WHERE k.objective_id IS NOT NULL
                GROUP BY ALL)
        SELECT names.display AS team, c.quarter, c.source_file AS file, o.number,
               o.title AS objective, o.score, o.status, c.started, o.key_results, {counts},
               o.revised_targets
        FROM objectives o
        JOIN chosen c USING (team_quarter_id, source_file)
        JOIN names ON names.team_key = c.team_key
        LEFT JOIN by_objective n USING (team_quarter_id, source_file, objective_id)
        ORDER BY c.quarter_index, c.team_key, o.number""")


def _company_rows(db: "duckdb.DuckDBPyConnection") -> list[dict[str, Any]]:
    counted = "started" if _started_rule() else "true"
    sums = ", ".join(f"sum({column}) FILTER (WHERE {counted})::INTEGER AS {column}"
                     for column in COUNT_COLUMNS)
    return _records(db, f"""
        SELECT c.quarter, c.quarter_index, count(*)::INTEGER AS teams,
               count(*) FILTER (WHERE NOT c.started)::INTEGER AS not_started,
               list(c.score ORDER BY c.team_key) FILTER (WHERE {counted}) AS team_scores,
               coalesce(sum(c.objectives) FILTER (WHERE {counted}), 0)::INTEGER AS objectives,
               coalesce(sum(c.key_results) FILTER (WHERE {counted}), 0)::INTEGER AS key_results,
               coalesce(sum(c.revised_targets) FILTER (WHERE {counted}), 0)::INTEGER
                   AS revised_targets,
               {sums}
        FROM chosen c LEFT JOIN counts n USING (team_quarter_id, source_file)
        GROUP BY c.quarter, c.quarter_index
        ORDER BY c.quarter_index""")


def _copies(db: "duckdb.DuckDBPyConnection") -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The summary's duplicates (older copies not used) and conflicts (copies that differ)."""
    rows = _records(db, """
        SELECT r.team_quarter_id, r.team, r.quarter, r.source_file, r.copy_rank, r.differ,
               r.saved, u.source_file AS used, u.saved AS used_saved
        FROM ranked r JOIN ranked u
             ON u.team_quarter_id = r.team_quarter_id AND u.copy_rank = 1
        WHERE r.copy_count > 1
        ORDER BY r.quarter_index, r.team_key, r.copy_rank DESC""")
    duplicates: list[dict[str, Any]] = []
    files: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        if row["differ"]:
            files.setdefault((row["team"], row["quarter"]), []).append(row["source_file"])
        elif row["copy_rank"] > 1:
            duplicates.append({
                "team": row["team"], "quarter": row["quarter"], "used": row["used"],
                "not_used": row["source_file"],
                "reason": "the same objectives and key results; the copy saved later"})
    conflict_rows = []
    for (team, label), names in files.items():
        conflict_rows.append({
            "team": team, "quarter": label, "files": "; ".join(names),
            "reason": (f"{len(names)} workbooks claim {team} {label} with different objectives "
                       "or key results; neither is used. Fix the Team or Quarter cell of the "
                       "wrong one and export it again.")})
    return duplicates, conflict_rows


def _shells(db: "duckdb.DuckDBPyConnection") -> list[TeamQuarter]:
    """Team quarters without objectives: the names, dates and thresholds the reports use."""
    return [TeamQuarter(team=row["team"], quarter=row["quarter"],
                        quarter_start=row["quarter_start"], quarter_end=row["quarter_end"],
                        as_of=row["as_of"], green_from=row["green_from"],
                        orange_from=row["orange_from"], file=row["source_file"])
            for row in _records(db, """
                SELECT team, quarter, quarter_start, quarter_end, as_of, green_from,
                       orange_from, source_file
                FROM chosen ORDER BY quarter_index, team_key""")]


def _records(db: "duckdb.DuckDBPyConnection", sql: str) -> list[dict[str, Any]]:
    cursor = db.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


def _assemble(team_rows: list[dict[str, Any]], objective_rows: list[dict[str, Any]],
              company_rows: list[dict[str, Any]], duplicates: list[dict[str, Any]],
              conflicts: list[dict[str, Any]], shells: list[TeamQuarter],
              quarter: str | Quarter | None) -> summary.Summary:
    """The summary's tables from the query results, with the summary's own rules."""
    started_rule = _started_rule()
    not_started = getattr(summary, "NOT_STARTED", "not started")
    teams, objectives, company, calibration = [], [], [], []
    for row in team_rows:
        started = row["started"] or not started_rule
        score = row["score"] if started else None
        previous = row["previous_score"] if (row["previous_started"] or not started_rule) else None
        flag = summary._calibration(score, previous)
        teams.append({
            "team": row["team"], "quarter": row["quarter"], "file": row["file"],
            "score": score, "status": row["status"] if started else not_started,
            "objectives": row["objectives"], "key_results": row["key_results"],
            **summary._shares(_counts(row)), "revised_targets": row["revised_targets"],
            "previous_score": previous, "change": summary._change(score, previous),
            "calibration": flag})
        if flag:
            calibration.append({"team": row["team"], "quarter": row["quarter"],
                                "previous_score": previous, "score": score, "calibration": flag,
                                "note": summary._calibration_note(flag)})
    for row in objective_rows:
        started = row["started"] or not started_rule
        objectives.append({
            "team": row["team"], "quarter": row["quarter"], "file": row["file"],
            "number": row["number"], "objective": row["objective"],
            "score": row["score"] if started else None,
            "status": row["status"] if started else not_started,
            "key_results": row["key_results"],
            **{column: row[column] for column in COUNT_COLUMNS},
            "revised_targets": row["revised_targets"]})
    company_scores: dict[int, float | None] = {}
    for row in company_rows:
        scores = [score for score in row["team_scores"] or [] if score is not None]
        score = sum(scores) / len(scores) if scores else None
        company_scores[row["quarter_index"]] = score
        previous = company_scores.get(row["quarter_index"] - 1)
        any_started = row["teams"] > row["not_started"] or not started_rule
        company.append({
            "quarter": row["quarter"], "teams": row["teams"], "not_started": row["not_started"],
            "score": score,
            "status": scoring.status(score) if any_started else not_started,
            "objectives": row["objectives"], "key_results": row["key_results"],
            **summary._shares(_counts(row)), "revised_targets": row["revised_targets"],
            "previous_score": previous, "change": summary._change(score, previous)})
    if quarter is not None:
        wanted = quarter.label if isinstance(quarter, Quarter) else Quarter.parse(quarter).label
        found = [row["quarter"] for row in company]
        if wanted not in found:
            raise OkrsheetError(f"no team quarter in the history is for {wanted}; "
                                        f"quarters found: {', '.join(found) or 'none'}.")
        teams, objectives, company, calibration = (
            [row for row in rows if row["quarter"] == wanted]
            for rows in (teams, objectives, company, calibration))
        shells = [shell for shell in shells if shell.quarter == wanted]
    return _summary(teams, company, objectives, calibration, duplicates, conflicts, shells)


def _counts(row: dict[str, Any]) -> dict[str, int]:
    return {status: row[column] or 0 for status, column in zip(scoring.KR_STATUSES, COUNT_COLUMNS)}


def _summary(teams: list[dict[str, Any]], company: list[dict[str, Any]],
             objectives: list[dict[str, Any]], calibration: list[dict[str, Any]],
             duplicates: list[dict[str, Any]], conflicts: list[dict[str, Any]],
             shells: list[TeamQuarter]) -> summary.Summary:
    import pandas as pd

    def frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> "pd.DataFrame":
        return pd.DataFrame(rows, columns=list(columns))

    tables: dict[str, Any] = {
        "teams": frame(teams, summary.TEAM_COLUMNS),
        "company": frame(company, summary.COMPANY_COLUMNS),
        "objectives": frame(objectives, summary.OBJECTIVE_COLUMNS),
        "calibration": frame(calibration, summary.CALIBRATION_COLUMNS),
        "left_out": frame([], summary.LEFT_OUT_COLUMNS),
        "duplicates": frame(duplicates, summary.DUPLICATE_COLUMNS),
    }
    conflict_columns = getattr(summary, "CONFLICT_COLUMNS", None)
    if conflict_columns is not None:
        tables["conflicts"] = frame(conflicts, conflict_columns)
    return summary.Summary(**tables, team_quarters=shells)
