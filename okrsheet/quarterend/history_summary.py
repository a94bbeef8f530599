"""The summary from a history store, computed in DuckDB: the same :class:`Summary` the
workbooks give, in bounded memory however many quarters the store holds.

DuckDB (in-process, no server) reads the Parquet tables of :mod:`okrsheet.quarterend.history`, picks
one source per team and quarter, counts the key results by status, and rolls the teams up
by quarter. The few per-row rules the summary applies after that (changes, calibration
flags, status colours) are the summary's own functions, so both summaries agree exactly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
import tempfile
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okrsheet.domain import scoring
from okrsheet.domain.model import TeamQuarter
from okrsheet.domain.problems import OkrsheetError
from okrsheet.domain.quarter import Quarter
from okrsheet.files.writing import remove_left_behind, temporary_prefix
from okrsheet.quarterend import rows, summary
from okrsheet.quarterend.history import SCHEMA, Snapshot, open_snapshot
from okrsheet.quarterend.history_alignment import aligned_team_quarters
from okrsheet.quarterend.summary import COUNT_COLUMNS

if TYPE_CHECKING:
    import duckdb
    import pandas as pd
    import pyarrow as pa

    from okrsheet.domain.alignment import Alignment


MEMORY_LIMIT = "256MB"
"""DuckDB's memory: past it, its tables and sorts spill into a temporary folder, so a store
of any size is summarised in about this much plus the imports and one batch of rows."""

_NOT_STARTED = summary.NOT_STARTED
_SPILL_PREFIX = "okrsheet-duckdb-"
_ADDED = {"team_quarters": ("overdue_actions",), "objectives": ("row",),
          "key_results": ("confidence_fell", "stale", "row")}
"""Columns added to the store's schema after its first release (a store may lack them)."""
_SQL_TYPES = {"string": "VARCHAR", "int64": "BIGINT", "int32": "INTEGER", "float64": "DOUBLE",
              "date32": "DATE", "bool": "BOOLEAN"}
_STATUS_COUNTS = ", ".join(
    f"count(*) FILTER (WHERE status = '{status}')::INTEGER AS {column}"
    for status, column in zip(scoring.KR_STATUSES, COUNT_COLUMNS))


# Public API


def summarise_store(store: str | os.PathLike[str], quarter: str | Quarter | None = None, *,
                    memory_limit: str = MEMORY_LIMIT,
                    prefer: Iterable[str | os.PathLike[str]] = ()) -> "StoreSummary":
    """The summary of every team quarter in the history ``store``.

    ``quarter`` keeps only that quarter's rows (changes still compare with the quarter
    before), as :func:`okrsheet.quarterend.summary.summarise` does. ``prefer`` names
    workbooks (as exported) to use where two claim the same team and quarter; each must
    be in the store (:class:`OkrsheetError` otherwise).
    """
    wanted = None
    if quarter is not None:
        wanted = quarter.label if isinstance(quarter, Quarter) else Quarter.parse(quarter).label
    with store_errors(store):
        snapshot = open_snapshot(store)
        db = connect(store, memory_limit, snapshot)
    try:
        with store_errors(store):
            check_consistent(db, store)
            _choose(db, wanted, prefer=preferred_sources(db, prefer))
            _check_counts(db, store, wanted)
            company = _company_rows(db)
            if wanted is not None and wanted not in [row["quarter"] for row in company]:
                found = ", ".join(row[0] for row in db.execute(
                    "SELECT DISTINCT quarter, quarter_index FROM team_quarters "
                    "ANTI JOIN dropped USING (source_id) WHERE level = 'team' OR level IS NULL "
                    "ORDER BY quarter_index").fetchall()) or "none"
                raise OkrsheetError(f"no team quarter in the history is for {wanted}; "
                                    f"quarters found: {found}.")
            flagged = _records(db, _team_sql(
                wanted, ("team", "quarter", "previous_score", "score", "calibration"),
                where="calibration IS NOT NULL"))
            duplicates, conflicts = _copies(db)
            shells = _shells(db, wanted)
    except BaseException:
        db.close()
        raise
    if wanted is not None:
        company = [row for row in company if row["quarter"] == wanted]
    teams = _Query(db, store, _team_sql(wanted),
                   narrow=lambda columns: _team_sql(wanted, columns))
    objectives = _Query(db, store, _objective_sql(wanted),
                        prepare=lambda: _count_by_objective(db, wanted),
                        of_quarter=lambda label: _objective_sql(
                            label, f"({_by_objective_sql(label)})"))
    result = _summary(teams, company, objectives, flagged, duplicates, conflicts, shells, db)
    result.__dict__["_aligned"] = lambda: aligned_team_quarters(db, wanted)  # when asked
    result.__dict__["_store"] = store
    result.__dict__["_snapshot"] = snapshot  # the commit read: calibrate_store reads it too
    files = f"""
        SELECT team, quarter, coalesce(level, 'team') AS level, source_file AS file,
               quarter_index, team_key
        FROM picked {_only(wanted, "picked")}"""
    result.files = _Query(  # every workbook used, of every level
        db, store, f"SELECT {', '.join(summary.FILE_COLUMNS)} FROM ({files}) "
                   "ORDER BY quarter_index, team_key",
        narrow=lambda columns: f"SELECT {', '.join(columns)} FROM ({files})")
    return result


def connect(store: str | os.PathLike[str], memory_limit: str = MEMORY_LIMIT,
            snapshot: Snapshot | None = None) -> "duckdb.DuckDBPyConnection":
    """An in-memory DuckDB with one view per table of the store (``team_quarters``,
    ``objectives``, ``key_results``, ``check_ins``), for questions of your own.

    The views read the files of the store's last commit (or of ``snapshot``, one
    :func:`~okrsheet.quarterend.history.open_snapshot` gave), which no export removes while
    the connection lives. DuckDB's temporary folder is bounded
    (:func:`temp_limit`) and removed when the connection closes (or by the next summary,
    if the process was killed)."""
    import duckdb

    snapshot = open_snapshot(store) if snapshot is None else snapshot
    remove_left_behind((_SPILL_PREFIX,))
    _exit_handler()
    db = duckdb.connect(":memory:")
    weakref.finalize(db, _keep, snapshot)  # the snapshot's read lock lives as long as db
    db.execute(f"SET memory_limit = '{memory_limit}'")
    # past the limit DuckDB spills here (not into the folder the command runs in); it makes
    # the folder when it first spills and removes it when the connection closes
    spill = os.path.join(tempfile.gettempdir(),
                         f"{temporary_prefix(_SPILL_PREFIX)}{uuid.uuid4().hex}")
    db.execute(f"SET temp_directory = '{spill.replace(chr(39), chr(39) * 2)}'")
    db.execute(f"SET max_temp_directory_size = '{temp_limit(snapshot.size)}B'")
    db.execute("SET preserve_insertion_order = false")
    db.execute("SET enable_progress_bar = false")  # else printed into a summary on stdout
    for table in ("team_quarters", "objectives", "key_results", "check_ins"):
        files = [_literal(path) for _, path in snapshot.files[table]]
        if not files:  # no file yet: the table's columns, no rows
            columns = ", ".join(f"NULL::{_SQL_TYPES[kind]} AS {name}"
                                for name, kind in SCHEMA[table])
            db.execute(f"CREATE VIEW {table} AS SELECT {columns}, NULL::VARCHAR AS quarter "
                       "WHERE false")
            continue
        listed = ", ".join("'" + file.replace("'", "''") + "'" for file in files)
        source = f"read_parquet([{listed}], hive_partitioning = true, union_by_name = true)"
        missing = ""
        if table in _ADDED:  # columns added after a store was written read as blanks
            found = {row[0] for row in db.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
            missing = "".join(f", NULL::{_SQL_TYPES[kind]} AS {name}"
                              for name, kind in SCHEMA[table] if name in _ADDED[table]
                              and name not in found)
        db.execute(f"CREATE VIEW {table} AS SELECT *{missing} FROM {source}")
    return db


def temp_limit(store_bytes: int) -> int:
    """Bytes DuckDB may spill for a store of ``store_bytes`` bytes of Parquet: 64 times the
    store, at least 1 GiB (a summary of a sound store of 100,000 team quarters spills
    nothing at the default memory limit; a tampered one stops here, said in one line)."""
    return max(1 << 30, 64 * store_bytes)


def check_consistent(db: "duckdb.DuckDBPyConnection", store: str | os.PathLike[str]) -> None:
    """:class:`OkrsheetError` (one line) when the team quarters break the rules every export
    keeps (one row per source file; the id made of its quarter and team), which also bound
    the work of every join the summary makes."""
    from okrsheet.quarterend.history import not_consistent

    rows, sources, files, wrong = db.execute("""
        SELECT count(*), count(DISTINCT source_id), count(DISTINCT source_file),
               count(*) FILTER (WHERE team_quarter_id IS DISTINCT FROM quarter || '/' || team_key)
        FROM team_quarters""").fetchone() or (0, 0, 0, 0)
    root = Path(store)
    if rows != sources or rows != files:
        raise not_consistent(root, f"{rows - min(sources, files):,} team quarter row(s) repeat "
                                   "the source file of another")
    if wrong:
        raise not_consistent(root, f"{wrong:,} team quarter id(s) do not match their quarter "
                                   "and team")


@contextlib.contextmanager
def store_errors(store: str | os.PathLike[str]) -> Iterator[None]:
    """DuckDB's errors on a damaged or emptied store, raised inside, as one line to act on."""
    import duckdb

    try:
        yield
    except RuntimeError as error:  # DuckDB stopped by Ctrl-C (or SIGTERM): stop as asked
        if "interrupted" not in str(error).lower():
            raise
        raise KeyboardInterrupt from None
    except duckdb.OutOfMemoryException as error:
        if "max_temp_directory_size" in str(error):
            raise OkrsheetError(f"{store}: the summary needed more temporary space than a "
                                "history of this size ever needs (its cap, 64 times the "
                                "store); the store is probably damaged or tampered with: "
                                "export the workbooks again into a new folder.") from None
        raise OkrsheetError(f"{store}: the history did not fit in DuckDB's memory limit, even "
                            "spilling to the temporary folder; free some disk space there "
                            "(or memory) and run the summary again.") from None
    except duckdb.Error as error:
        first = " ".join(str(error).split())[:160]
        raise OkrsheetError(f"{store}: the history can't be read ({first}); export the "
                            "workbooks again into a new folder.") from None


def preferred_sources(db: "duckdb.DuckDBPyConnection",
               prefer: Iterable[str | os.PathLike[str]]) -> tuple[str, ...]:
    """The ``prefer`` paths as the store names its sources (absolute); an
    :class:`OkrsheetError` for one the store does not hold."""
    paths = tuple(sorted({os.path.abspath(path) for path in prefer}))
    if not paths:
        return ()
    held = {row[0] for row in db.execute(
        "SELECT DISTINCT source_file FROM team_quarters WHERE source_file IN "
        "(SELECT unnest(?::VARCHAR[]))", [list(paths)]).fetchall()}
    for path in paths:
        if path not in held:
            raise OkrsheetError(f"--prefer {path}: no workbook of that name is in the history; "
                                "give one of the files exported (as okrsheet export read it).")
    return paths


# Private API


def _keep(snapshot: Snapshot) -> None:
    """Nothing: holds ``snapshot`` until its connection goes (then it closes itself)."""


def _literal(path: Path) -> str:
    """``path`` as DuckDB reads it literally: its glob characters in brackets (a store in
    ``h[1]`` is not the glob that reads ``h1``)."""
    return re.sub(r"([\[*?])", r"[\1]", str(path))


@functools.cache
def _exit_handler() -> None:
    import atexit

    atexit.register(_remove_own)


def _remove_own() -> None:
    """At exit (SIGTERM made an exit by :func:`okrsheet.files.writing.sigterm_as_interrupt`):
    remove this process's temporary folders, should a connection still be open."""
    import shutil

    folder = tempfile.gettempdir()
    with contextlib.suppress(OSError):
        for name in os.listdir(folder):
            if name.startswith(f"{_SPILL_PREFIX}{os.getpid()}-"):
                shutil.rmtree(os.path.join(folder, name), ignore_errors=True)


def _choose(db: "duckdb.DuckDBPyConnection", wanted: str | None = None,
            prefer: tuple[str, ...] = ()) -> None:
    """Macros; table ``picked``: one source per team and quarter of every level, as the
    summary picks copies (one in ``prefer``, else the later saved; none when copies differ
    in objectives or key results and none is preferred), of the ``wanted`` quarter and the
    one before when one is wanted; view ``chosen``: the teams' only (company and person
    workbooks are not in the summary's tables), each with the name the team's latest
    workbook gives it (``display``) and its place in the summary's order (``team_order``);
    table ``counts`` (:func:`_count`)."""
    _macros(db)
    columns = ("team_quarter_id, source_file, source_id, team, team_key, quarter, quarter_index, "
               "score, status, started, objectives, key_results, revised_targets, saved, "
               "file_time, green_from, orange_from, level, overdue_actions, quarter_start, "
               "quarter_end, as_of")
    # copies are rare: rank only the team quarters that more than one file claims
    quoted = ", ".join("'" + path.replace("'", "''") + "'" for path in prefer)
    preferred = f"source_file IN ({quoted})" if prefer else "false"
    db.execute(f"""
        CREATE TEMP TABLE claims AS
        SELECT team_quarter_id, count(*) AS copy_count,
               min(content_key) <> max(content_key) AS differ,
               bool_or({preferred}) AS preferred
        FROM team_quarters GROUP BY team_quarter_id HAVING count(*) > 1""")
    db.execute(f"""
        CREATE TEMP TABLE ranked AS
        SELECT {columns}, copy_count, differ, preferred,
               row_number() OVER (PARTITION BY team_quarter_id
                                  ORDER BY {preferred} DESC,
                                           saved DESC NULLS LAST, file_time DESC NULLS LAST,
                                           source_file DESC) AS copy_rank
        FROM team_quarters JOIN claims USING (team_quarter_id)""")
    db.execute("""
        CREATE TEMP TABLE dropped AS
        SELECT source_id FROM ranked WHERE copy_rank > 1 OR (differ AND NOT preferred)""")
    team = "(level = 'team' OR level IS NULL)"
    db.execute(f"""
        CREATE TEMP TABLE names AS
        SELECT team_key, display, row_number() OVER (ORDER BY team_key) AS team_order
        FROM (SELECT team_key, arg_max(team, quarter_index) AS display
              FROM team_quarters ANTI JOIN dropped USING (source_id)
              WHERE {team} GROUP BY team_key)""")
    near = ""  # one quarter wanted: it and the one before (its changes) are all picked
    if wanted is not None:
        index = (period := Quarter.parse(wanted)).year * 4 + period.number - 1
        near = f"WHERE quarter_index BETWEEN {index - 1} AND {index}"
    db.execute(f"""
        CREATE TEMP TABLE picked AS
        SELECT t.*, names.display, names.team_order
        FROM (SELECT {columns} FROM team_quarters ANTI JOIN dropped USING (source_id)
              {near}) t
        LEFT JOIN names ON {team} AND names.team_key = t.team_key""")
    db.execute(f"CREATE TEMP VIEW chosen AS SELECT * FROM picked WHERE {team}")
    _count(db, wanted)


def _count(db: "duckdb.DuckDBPyConnection", wanted: str | None) -> None:
    """Table ``counts``: each chosen source's key results by status (all of them) and its
    check-in rhythm (those of objectives only, as the summary counts them)."""
    rhythm = "k.objective_id IS NOT NULL"
    db.execute(f"""
        CREATE TEMP TABLE counts AS
        SELECT k.source_id, {_STATUS_COUNTS},
               count(*) FILTER (WHERE k.confidence_fell AND {rhythm})::INTEGER AS confidence_fell,
               count(k.confidence_fell) FILTER (WHERE {rhythm})::INTEGER AS confidence_trends,
               count(*) FILTER (WHERE k.stale AND {rhythm})::INTEGER AS stale_key_results
        FROM key_results k SEMI JOIN chosen c ON k.source_id = c.source_id
        {_only(wanted, "k")}
        GROUP BY k.source_id""")


def _check_counts(db: "duckdb.DuckDBPyConnection", store: str | os.PathLike[str],
                  wanted: str | None) -> None:
    """:class:`OkrsheetError` when a team quarter summarised has not the key results and
    objectives its row counts (tables from two exports: a store from before transactions
    whose export was stopped halfway, or one tampered with)."""
    from okrsheet.quarterend.history import not_consistent

    total = " + ".join(f"n.{column}" for column in COUNT_COLUMNS)
    found = db.execute(f"""
        SELECT c.quarter, c.team FROM chosen c
        LEFT JOIN counts n USING (source_id)
        LEFT JOIN (SELECT source_id, count(*) AS objectives FROM objectives o
                   SEMI JOIN chosen USING (source_id) {_only(wanted, "o")} GROUP BY ALL) o
             USING (source_id)
        WHERE (c.key_results <> coalesce({total}, 0)
               OR c.objectives <> coalesce(o.objectives, 0)) {_only(wanted).replace("WHERE", "AND")}
        ORDER BY c.quarter_index, c.team_order LIMIT 1""").fetchone()
    if found:
        raise not_consistent(Path(store), f"{found[1]} {found[0]}: its key results or "
                                          "objectives are not the ones its row counts")


def _count_by_objective(db: "duckdb.DuckDBPyConnection", wanted: str | None) -> None:
    """Table ``by_objective``: the chosen sources' key results by status, per objective."""
    db.execute(f"CREATE TEMP TABLE by_objective AS {_by_objective_sql(wanted)}")


def _by_objective_sql(wanted: str | None) -> str:
    return f"""
        SELECT k.source_id, k.objective_id, {_STATUS_COUNTS}
        FROM key_results k SEMI JOIN chosen c ON k.source_id = c.source_id
        {_only(wanted, "k")}
        GROUP BY ALL"""


def _macros(db: "duckdb.DuckDBPyConnection") -> None:
    """The summary's spreadsheet-style comparisons (:mod:`okrsheet.domain.scoring`) in SQL, bit for bit."""
    tiny = repr(2.0 ** -48)  # exact: a power of two
    db.execute(f"""
        CREATE MACRO approx_equal(a, b) AS a = b OR (
            a <> 0 AND b <> 0 AND (a < 0) = (b < 0) AND isfinite(abs(a - b))
            AND abs(a - b) < abs(a) * {tiny} AND abs(a - b) < abs(b) * {tiny})""")
    db.execute("""CREATE MACRO approx_sub(a, b) AS CASE
        WHEN a IS NULL OR b IS NULL THEN NULL
        WHEN ((a < 0 AND b < 0) OR (a > 0 AND b > 0)) AND approx_equal(a, b) THEN 0.0
        ELSE a - b END""")
    db.execute("CREATE MACRO at_least(a, b) AS a > b OR approx_equal(a, b)")
    db.execute("CREATE MACRO at_most(a, b) AS a < b OR approx_equal(a, b)")
    safe, ambitious = repr(summary.TOO_SAFE_FROM), repr(summary.TOO_AMBITIOUS_TO)
    db.execute(f"""CREATE MACRO flag(score, previous) AS CASE
        WHEN score IS NULL OR previous IS NULL THEN NULL
        WHEN at_least(score, {safe}) AND at_least(previous, {safe}) THEN '{summary.TOO_SAFE}'
        WHEN at_most(score, {ambitious}) AND at_most(previous, {ambitious})
            THEN '{summary.TOO_AMBITIOUS}'
        END""")


def _only(wanted: str | None, alias: str = "c") -> str:
    if wanted is None:
        return ""
    return f"WHERE {alias}.quarter = '{wanted}'"  # a Quarter label: digits, '-' and 'Q'


def _team_sql(wanted: str | None, columns: Iterable[str] = summary.TEAM_COLUMNS,
              where: str = "true") -> str:
    """The query of the summary's ``teams`` table (its ``columns``, the rows ``where`` holds),
    every rule applied in SQL."""
    total = " + ".join(f"coalesce(n.{column}, 0)" for column in COUNT_COLUMNS)
    shares = ", ".join(
        f"CASE WHEN {total} > 0 THEN coalesce(n.{column}, 0) / ({total}) END AS share_{column}"
        for column in COUNT_COLUMNS)
    return f"""
        WITH rows AS (
                SELECT c.display AS team, c.quarter, c.source_file AS file,
                       CASE WHEN c.started THEN c.score END AS score,
                       CASE WHEN c.started THEN c.status ELSE '{_NOT_STARTED}' END AS status,
                       c.objectives, c.key_results, {shares}, c.revised_targets,
                       CASE WHEN p.started THEN p.score END AS previous_score,
                       CASE WHEN n.confidence_trends > 0
                            THEN n.confidence_fell / n.confidence_trends END AS confidence_fell,
                       coalesce(n.stale_key_results, 0)::BIGINT AS stale_key_results,
                       coalesce(c.overdue_actions, 0)::BIGINT AS overdue_actions,
                       c.quarter_index, c.team_order
                FROM chosen c
                LEFT JOIN counts n USING (source_id)
                LEFT JOIN chosen p
                     ON p.team_order = c.team_order AND p.quarter_index = c.quarter_index - 1)
        SELECT {", ".join(columns)} FROM (
            SELECT *, approx_sub(score, previous_score) AS change,
                   flag(score, previous_score) AS calibration
            FROM rows c {_only(wanted)})
        WHERE {where} ORDER BY quarter_index, team_order"""


def _objective_sql(wanted: str | None, counted: str = "by_objective") -> str:
    """The query of the summary's ``objectives`` table, its key results counted in table
    ``counted`` (:func:`_count_by_objective`) or the query given."""
    counts = ", ".join(f"coalesce(n.{column}, 0)::BIGINT AS {column}" for column in COUNT_COLUMNS)
    columns = ", ".join(summary.OBJECTIVE_COLUMNS)
    return f"""
        SELECT {columns} FROM (
        SELECT c.quarter_index, c.team_order, c.display AS team, c.quarter, c.source_file AS file, o.number::BIGINT AS number,
               o.title AS objective, CASE WHEN c.started THEN o.score END AS score,
               CASE WHEN c.started THEN o.status ELSE '{_NOT_STARTED}' END AS status,
               o.key_results::BIGINT AS key_results, {counts},
               o.revised_targets::BIGINT AS revised_targets
        FROM objectives o
        JOIN chosen c USING (source_id)
        LEFT JOIN {counted} n USING (source_id, objective_id)
        {_only(wanted, "o")})
        ORDER BY quarter_index, team_order, number"""


def _company_rows(db: "duckdb.DuckDBPyConnection") -> list[dict[str, Any]]:
    """The company roll-up: sums in SQL, the mean of the team scores in Python (the same
    additions in the same order as the workbook summary, so the same last bit)."""
    counted = "started"
    sums = ", ".join(f"coalesce(sum({column}) FILTER (WHERE {counted}), 0)::BIGINT AS {column}"
                     for column in COUNT_COLUMNS)
    found = _records(db, f"""
        SELECT c.quarter, c.quarter_index, count(*)::BIGINT AS teams,
               count(*) FILTER (WHERE NOT c.started)::BIGINT AS not_started,
               list(c.score ORDER BY c.team_order) FILTER (WHERE {counted}) AS team_scores,
               coalesce(sum(c.objectives) FILTER (WHERE {counted}), 0)::BIGINT AS objectives,
               coalesce(sum(c.key_results) FILTER (WHERE {counted}), 0)::BIGINT AS key_results,
               coalesce(sum(c.revised_targets) FILTER (WHERE {counted}), 0)::BIGINT
                   AS revised_targets,
               {sums}
        FROM chosen c LEFT JOIN counts n USING (source_id)
        GROUP BY c.quarter, c.quarter_index
        ORDER BY c.quarter_index""")
    company, scores_by_index = [], {}
    for row in found:
        scores = [score for score in row["team_scores"] or [] if score is not None]
        score = sum(scores) / len(scores) if scores else None
        scores_by_index[row["quarter_index"]] = score
        previous = scores_by_index.get(row["quarter_index"] - 1)
        any_started = row["teams"] > row["not_started"]
        counts = {status: row[column] for status, column in zip(scoring.KR_STATUSES, COUNT_COLUMNS)}
        company.append({
            "quarter": row["quarter"], "teams": row["teams"], "not_started": row["not_started"],
            "score": score, "status": scoring.status(score) if any_started else _NOT_STARTED,
            "objectives": row["objectives"], "key_results": row["key_results"],
            **rows.shares(counts), "revised_targets": row["revised_targets"],
            "previous_score": previous, "change": rows.score_change(score, previous)})
    return company


def _copies(db: "duckdb.DuckDBPyConnection") -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The summary's duplicates (older copies not used) and conflicts (copies that differ)."""
    rows = _records(db, """
        SELECT r.team_quarter_id, r.team, r.quarter, r.source_file, r.copy_rank,
               r.differ AND NOT r.preferred AS differ, r.preferred,
               r.saved, u.source_file AS used, u.saved AS used_saved
        FROM ranked r JOIN ranked u
             ON u.team_quarter_id = r.team_quarter_id AND u.copy_rank = 1
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
                "reason": ("chosen with --prefer" if row["preferred"] else
                           "the same objectives and key results; the copy saved later")})
    conflict_rows = []
    for (team, label), names in files.items():
        conflict_rows.append({
            "team": team, "quarter": label, "files": "; ".join(names),
            "reason": (f"{len(names)} workbooks claim {team} {label} with different objectives "
                       "or key results; neither is used. Fix the Team or Quarter cell of the "
                       f"wrong one and export it again, or choose with --prefer {names[0]}.")})
    return duplicates, conflict_rows


def _shells(db: "duckdb.DuckDBPyConnection", wanted: str | None) -> list[TeamQuarter]:
    """One entry per team quarter, holding what the reports read from team quarters: the
    quarter, its dates and the thresholds. Entries alike share one :class:`TeamQuarter`
    with no team, file or objectives (the store keeps the rest; a summary from the store
    has no workbooks in memory), so they come grouped, not in the teams' order."""
    shells: list[TeamQuarter] = []
    for label, green, orange, start, end, as_of, count in db.execute(f"""
            SELECT quarter, green_from, orange_from, quarter_start, quarter_end, as_of, count(*)
            FROM chosen c {_only(wanted)} GROUP BY ALL
            ORDER BY ALL""").fetchall():
        shells += [TeamQuarter(team=None, quarter=label, green_from=green, orange_from=orange,
                               quarter_start=_day(start), quarter_end=_day(end),
                               as_of=_day(as_of))] * count
    return shells


def _day(value: Any) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def _records(db: "duckdb.DuckDBPyConnection", sql: str) -> list[dict[str, Any]]:
    cursor = db.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


def _summary(teams: "_Query", company: list[dict[str, Any]], objectives: "_Query",
             flagged: list[dict[str, Any]], duplicates: list[dict[str, Any]],
             conflicts: list[dict[str, Any]], shells: list[TeamQuarter],
             db: "duckdb.DuckDBPyConnection") -> "StoreSummary":
    import pandas as pd

    def frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> "pd.DataFrame":
        return pd.DataFrame(rows, columns=list(columns))

    calibration = frame([{**row, "note": rows.calibration_note(row["calibration"])}
                         for row in flagged], summary.CALIBRATION_COLUMNS)
    result = StoreSummary(  # queries where a DataFrame may also go
        teams=teams, company=frame(company, summary.COMPANY_COLUMNS),  # type: ignore[arg-type]
        objectives=objectives,  # type: ignore[arg-type]
        calibration=calibration, left_out=frame([], summary.LEFT_OUT_COLUMNS),
        duplicates=frame(duplicates, summary.DUPLICATE_COLUMNS),
        conflicts=frame(conflicts, summary.CONFLICT_COLUMNS), team_quarters=shells)
    weakref.finalize(result, db.close)  # the queries' connection lives as long as the summary
    return result


class _Query:
    """One of a store summary's large tables, left in DuckDB: the whole as an Arrow table
    (:meth:`table`), or its rows a batch at a time (:meth:`batches`), each run when asked;
    ``prepare`` once before the first; ``narrow`` gives the query of some columns alone,
    ``of_quarter`` that of one quarter's rows."""

    def __init__(self, db: "duckdb.DuckDBPyConnection", store: str | os.PathLike[str], sql: str,
                 prepare: Callable[[], None] | None = None,
                 narrow: Callable[[tuple[str, ...]], str] | None = None,
                 of_quarter: Callable[[str], str] | None = None) -> None:
        self.db, self.store, self.sql, self.prepare, self.narrow = db, store, sql, prepare, narrow
        self.of_quarter = of_quarter

    def quarter_table(self, label: str) -> "pa.Table | None":
        """The rows of one quarter, by a query of that quarter alone (None: no such query)."""
        if self.of_quarter is None:
            return None
        with store_errors(self.store):
            return self.db.sql(self.of_quarter(label)).to_arrow_table()

    def table(self, columns: tuple[str, ...] | None = None) -> "pa.Table":
        """The table; with ``columns``, those alone (the query narrowed when it can be)."""
        with store_errors(self.store):
            self._prepare()
            sql = self.sql
            if columns is not None and self.narrow is not None:
                sql, columns = self.narrow(columns), None
            table = self.db.sql(sql).to_arrow_table()
        return table if columns is None else table.select(list(columns))

    def batches(self, size: int) -> "Iterator[pa.RecordBatch]":
        with store_errors(self.store):
            self._prepare()
            yield from self.db.sql(self.sql).to_arrow_reader(size)

    def _prepare(self) -> None:
        if self.prepare is not None:
            self.prepare()
            self.prepare = None


class StoreSummary(summary.Summary):
    """The :class:`~okrsheet.quarterend.summary.Summary` of a store. Its large tables (one
    row per team quarter, per objective) stay in DuckDB until an output asks for them: as
    rows a batch at a time (:meth:`row_batches`: memory stays flat however large the store),
    or whole as Arrow tables (:meth:`arrow`, made once); ``teams`` and ``objectives`` become
    pandas DataFrames only when asked for (once)."""

    @functools.cached_property
    def alignment(self) -> "dict[str, Alignment]":
        """Each quarter's alignment tree, from the store's objectives and key results
        (:mod:`okrsheet.quarterend.history_alignment`); empty when nothing is aligned."""
        from okrsheet.domain.alignment import align

        made = self.__dict__.get("_aligned")
        if callable(made):  # the store's objectives are read only for an output that shows them
            with store_errors(self.__dict__["_store"]):
                made = made()
        return align(made) if made else {}

    def arrow(self, name: str) -> "pa.Table | None":
        table = self.__dict__.get(f"_arrow_{name}")
        if isinstance(table, _Query):  # not made yet
            table = self.__dict__[f"_arrow_{name}"] = table.table()
        return table

    def columns(self, name: str, names: Iterable[str]) -> "pa.Table":
        query = self.__dict__.get(f"_arrow_{name}")
        if isinstance(query, _Query):  # not made: query those columns alone
            return query.table(tuple(names))
        return super().columns(name, names)

    def quarter_rows(self, name: str, quarter: str) -> "list[summary.Row]":
        query = self.__dict__.get(f"_arrow_{name}")
        found = query.quarter_table(quarter) if isinstance(query, _Query) else None
        return super().quarter_rows(name, quarter) if found is None else found.to_pylist()

    def row_batches(self, name: str, size: int = summary.ROW_BATCH
                    ) -> "Iterator[list[summary.Row]]":
        query = self.__dict__.get(f"_arrow_{name}")
        if not isinstance(query, _Query):  # made already, or set by hand
            yield from super().row_batches(name, size)
            return
        for batch in query.batches(size):
            yield batch.to_pylist()

    def _pandas(self, name: str) -> "pd.DataFrame":
        made = self.__dict__.get(f"_pandas_{name}")
        if made is None:
            table = self.arrow(name)
            assert table is not None  # one of the two is always set
            made = self.__dict__[f"_pandas_{name}"] = table.to_pandas()
        return made

    def _keep(self, name: str, table: Any) -> None:
        if type(table).__name__ == "DataFrame":  # a DataFrame set by hand: the table now
            self.__dict__[f"_arrow_{name}"], self.__dict__[f"_pandas_{name}"] = None, table
        else:  # an Arrow table, or the query that makes it
            self.__dict__[f"_arrow_{name}"], self.__dict__[f"_pandas_{name}"] = table, None

    teams = property(lambda self: self._pandas("teams"),
                     lambda self, table: self._keep("teams", table))
    objectives = property(lambda self: self._pandas("objectives"),
                          lambda self, table: self._keep("objectives", table))
    files = property(lambda self: self._pandas("files"),
                     lambda self, table: self._keep("files", table))
