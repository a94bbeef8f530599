"""The summary from a history store at scale: DuckDB (``summary --from``) against pandas.

Builds a store of N team quarters (default 100,000: about 1.1 million key results and 3.3
million check-ins) directly as Parquet in the layout ``okrsheet export`` writes (writing
100,000 workbooks would measure the writer, not the store), then measures, each in its own
process (peak RSS is that process's maximum):

- **pandas**: ``pandas.read_parquet`` of the same files (only the columns needed) and the
  same tables with pandas group-bys and merges: the obvious way without DuckDB;
- **okrsheet**: ``okrsheet.quarterend.history_summary.summarise_store`` (DuckDB; the team,
  company and objective tables all made, the large ones kept as Arrow tables as the outputs
  read them), and ``okrsheet summary --from --format json -o FILE`` end to end with ``--cli``;
- **floor**: DuckDB reading into Arrow the columns those tables need, and counting the key
  results by status, with nothing picked, joined or sorted: the least any DuckDB summary
  takes, against which "5x pandas" can be judged.

Run: python benchmarks/bench_history.py [-n 100000] [--repeat 3] [--store DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STATUSES = ("green", "orange", "red", "not updated", "lagging", "check input")
LATEST = "2025-Q4"
"""The store's last quarter: the ``--quarter`` runs summarise it alone."""


# Building the store (vectorised: numpy and pyarrow, in the store's schema)


def build_store(root: Path, team_quarters: int, seed: int = 17) -> dict[str, int]:
    """Write ``team_quarters`` team quarters (40 quarters, equal shares) as a history store."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from okrsheet.quarterend.history import (
        PARTITION_FILE,
        TABLES,
        adopt,
        arrow_schema,
        source_id,
    )

    rng = np.random.default_rng(seed)
    quarters = 40
    per_quarter = team_quarters // quarters
    counts = dict.fromkeys(TABLES, 0)
    for index in range(quarters):
        year, number = 2016 + index // 4, index % 4 + 1
        label = f"{year}-Q{number}"
        teams = np.array([f"Team {team:05}" for team in range(per_quarter)], dtype=object)
        keys = np.array([f"team {team:05}" for team in range(per_quarter)], dtype=object)
        ids = np.array([f"{label}/{key}" for key in keys], dtype=object)
        sources = np.array([f"/data/okrs/{label}/{key}.xlsx" for key in keys], dtype=object)
        source_ids = np.array([source_id(source) for source in sources], dtype=np.int64)
        objectives_per = rng.integers(2, 5, per_quarter)  # 2-4 objectives
        objective_team = np.repeat(np.arange(per_quarter), objectives_per)
        objective_number = np.concatenate([np.arange(1, n + 1) for n in objectives_per])
        krs_per = rng.integers(2, 6, len(objective_team))  # 2-5 key results each
        kr_objective = np.repeat(np.arange(len(objective_team)), krs_per)
        kr_team = objective_team[kr_objective]
        kr_position = np.concatenate([np.arange(1, n + 1) for n in krs_per])
        progress = np.clip(rng.normal(0.6, 0.3, len(kr_objective)), 0, 1)
        status = np.where(progress >= 0.7, "green", np.where(progress >= 0.4, "orange", "red"))
        status = np.where(rng.random(len(status)) < 0.05, "not updated", status).astype(object)
        starts = np.concatenate(([0], np.cumsum(krs_per)[:-1]))
        objective_score = np.add.reduceat(progress, starts) / krs_per
        team_starts = np.concatenate(([0], np.cumsum(objectives_per)[:-1]))
        team_score = np.add.reduceat(objective_score, team_starts) / objectives_per

        def colour(scores):
            return np.where(scores >= 0.7, "green",
                            np.where(scores >= 0.4, "orange", "red")).astype(object)

        objective_ids = np.array([f"O{n}" for n in objective_number], dtype=object)
        kr_objective_ids = objective_ids[kr_objective]
        tables = {
            "team_quarters": {
                "team_quarter_id": ids, "team": teams, "team_key": keys, "source_file": sources,
                "source_id": source_ids, "quarter_index": np.full(per_quarter, year * 4 + number - 1, dtype=np.int32),
                "quarter_start": None, "quarter_end": None, "as_of": None,
                "saved": np.full(per_quarter, 1.7e9 + index), "file_time": np.full(per_quarter, 1.7e9 + index),
                "content_key": keys, "started": np.ones(per_quarter, dtype=bool),
                "green_from": np.full(per_quarter, 0.7), "orange_from": np.full(per_quarter, 0.4),
                "score": team_score, "status": colour(team_score),
                "objectives": objectives_per.astype(np.int32),
                "key_results": np.add.reduceat(krs_per, team_starts).astype(np.int32),
                "revised_targets": np.zeros(per_quarter, dtype=np.int32)},
            "objectives": {
                "team_quarter_id": ids[objective_team], "team": teams[objective_team],
                "team_key": keys[objective_team], "source_file": sources[objective_team],
                "source_id": source_ids[objective_team],
                "objective_id": objective_ids, "number": objective_number.astype(np.int32),
                "title": np.array([f"Objective {n}" for n in objective_number], dtype=object),
                "score": objective_score, "status": colour(objective_score),
                "key_results": krs_per.astype(np.int32),
                "revised_targets": np.zeros(len(objective_team), dtype=np.int32)},
            "key_results": {
                "team_quarter_id": ids[kr_team], "team": teams[kr_team], "team_key": keys[kr_team],
                "source_file": sources[kr_team], "source_id": source_ids[kr_team],
                "key_result_id": np.array([f"{o}.{p}" for o, p in zip(kr_objective_ids, kr_position)],
                                          dtype=object),
                "objective_id": kr_objective_ids, "position": kr_position.astype(np.int32),
                "title": np.array(["Key result"] * len(kr_team), dtype=object),
                "type": np.array(["increase"] * len(kr_team), dtype=object),
                "kind": rng.choice(np.array(["input", "output", "outcome", None], dtype=object),
                                   len(kr_team)),
                "start": np.zeros(len(kr_team)), "target": np.full(len(kr_team), 100.0),
                "current": progress * 100, "weight": np.ones(len(kr_team)),
                "weight_used": np.ones(len(kr_team)), "progress": progress, "status": status,
                "lagging": np.zeros(len(kr_team), dtype=bool),
                "revised": np.zeros(len(kr_team), dtype=bool),
                "confidence": rng.choice(np.array(["high", "medium", "low", None], dtype=object),
                                         len(kr_team))},
        }
        weeks = np.array([3, 5, 7, 9, 11, 13], dtype=np.int32)
        check_in_count = rng.integers(1, 5, len(kr_team))  # 1-4 check-ins
        check_in_kr = np.repeat(np.arange(len(kr_team)), check_in_count)
        check_in_week = weeks[np.concatenate([np.arange(n) for n in check_in_count])]
        tables["check_ins"] = {
            "team_quarter_id": ids[kr_team][check_in_kr], "team": teams[kr_team][check_in_kr],
            "team_key": keys[kr_team][check_in_kr], "source_file": sources[kr_team][check_in_kr],
            "source_id": source_ids[kr_team][check_in_kr],
            "key_result_id": tables["key_results"]["key_result_id"][check_in_kr],
            "week": check_in_week, "value": (progress * 100)[check_in_kr],
            "confidence": rng.choice(np.array(["high", "medium", "low", None], dtype=object),
                                     len(check_in_kr))}
        for table in TABLES:
            schema = arrow_schema(table)
            length = len(next(value for value in tables[table].values() if value is not None))
            columns = [pa.array(tables[table][field.name], type=field.type)
                       if tables[table].get(field.name) is not None
                       else pa.nulls(length, type=field.type) for field in schema]
            folder = root / table / f"quarter={label}"
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.Table.from_arrays(columns, schema=schema), folder / PARTITION_FILE)
            counts[table] += length
    adopt(root)  # committed, as an export would leave it (docs/history.md, transactions)
    return counts


# The pandas baseline: the same tables from the same files


def pandas_summary(store: Path, quarter: str | None = None) -> dict[str, int]:
    """The summary's tables with pandas; with ``quarter``, key results and objectives are
    read from that quarter's partition only (pyarrow filters), as DuckDB does."""
    import pandas as pd

    only = {"filters": [("quarter", "==", quarter)]} if quarter else {}

    teams = pd.read_parquet(store / "team_quarters", columns=[
        "source_id", "source_file", "team", "team_key", "quarter", "quarter_index",
        "score", "status", "started", "objectives", "key_results", "revised_targets", "saved",
        "file_time", "content_key"])
    teams["quarter"] = teams["quarter"].astype(str)
    teams = teams.sort_values(["saved", "file_time", "source_file"], ascending=False)
    chosen = teams.drop_duplicates(["team_key", "quarter"]).copy()
    key_results = pd.read_parquet(store / "key_results",
                                  columns=["source_id", "objective_id", "status"], **only)
    counts = (key_results.groupby(["source_id", "status"]).size()
              .unstack(fill_value=0).reset_index())
    chosen = chosen.merge(counts, on="source_id", how="left")
    names = chosen.sort_values("quarter_index").groupby("team_key")["team"].last()
    chosen["team"] = chosen["team_key"].map(names)
    previous = chosen[["team_key", "quarter_index", "score"]].copy()
    previous["quarter_index"] += 1
    chosen = chosen.merge(previous.rename(columns={"score": "previous_score"}),
                          on=["team_key", "quarter_index"], how="left")
    chosen["change"] = chosen["score"] - chosen["previous_score"]
    present = [status for status in STATUSES if status in chosen]
    total = chosen[present].sum(axis=1)
    for status in present:
        chosen[f"share_{status}"] = chosen[status] / total
    if quarter:
        chosen = chosen[chosen["quarter"] == quarter]
    company = chosen.groupby("quarter").agg(teams=("team", "size"), score=("score", "mean"),
                                            objectives=("objectives", "sum"),
                                            key_results=("key_results", "sum"))
    objectives = pd.read_parquet(store / "objectives", columns=[
        "source_id", "objective_id", "number", "title", "score", "status"], **only)
    by_objective = (key_results.groupby(["source_id", "objective_id", "status"])
                    .size().unstack(fill_value=0).reset_index())
    objectives = objectives.merge(chosen[["source_id", "source_file", "team", "quarter"]],
                                  on="source_id")
    objectives = objectives.merge(by_objective, on=["source_id", "objective_id"], how="left")
    return {"teams": len(chosen), "company": len(company), "objectives": len(objectives)}


def duckdb_floor(store: Path, quarter: str | None = None) -> dict[str, int]:
    """The least any DuckDB summary does: read the columns the tables need into Arrow and
    count the key results by status per workbook and per objective; nothing picked, joined
    or sorted. What is left of 5x pandas for everything else is the distance to this."""
    import duckdb

    db = duckdb.connect()
    db.execute("SET enable_progress_bar = false")

    def source(table: str) -> str:
        return f"read_parquet('{store}/{table}/*/*.parquet', hive_partitioning = true)"

    counts = ", ".join(f"count(*) FILTER (WHERE status = '{status}')" for status in STATUSES)
    teams = db.sql(f"""SELECT source_id, source_file, team, team_key, quarter, quarter_index,
                              score, status, started, objectives, key_results, revised_targets,
                              overdue_actions FROM {source("team_quarters")}""").to_arrow_table()
    db.sql(f"SELECT source_id, {counts}, count(*) FILTER (WHERE stale) "
           f"FROM {source('key_results')} GROUP BY source_id").to_arrow_table()
    db.sql(f"SELECT source_id, objective_id, {counts} FROM {source('key_results')} "
           "GROUP BY ALL").to_arrow_table()
    objectives = db.sql(f"""SELECT source_id, objective_id, number, title, score, status,
                                   key_results, revised_targets
                            FROM {source("objectives")}""").to_arrow_table()
    return {"team_quarters": teams.num_rows, "objectives": objectives.num_rows}


def okrsheet_summary(store: Path, quarter: str | None = None) -> dict[str, int]:
    from okrsheet.quarterend.history_summary import summarise_store

    result = summarise_store(store, quarter)  # every table made, kept in Arrow as the outputs read them
    return {"teams": result.arrow("teams").num_rows, "company": len(result.company),
            "objectives": result.arrow("objectives").num_rows}


# Measuring, each run in its own process


def measure(method: str, store: Path) -> dict[str, float]:
    """Run ``method`` in a fresh process: seconds and peak RSS (MB)."""
    output = subprocess.run([sys.executable, __file__, "--run", method, "--store", str(store)],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.splitlines()[-1])


def _run(method: str, store: Path) -> None:
    start = time.perf_counter()
    import pandas  # noqa: F401  (both pay it: timed apart, as "imports")
    import pyarrow.parquet  # noqa: F401
    if not method.startswith("pandas"):
        import duckdb  # noqa: F401
    imported = time.perf_counter()
    if method == "cli":  # the command as typed, less the interpreter's start
        import contextlib
        import io

        from okrsheet.cli import main as okrsheet_main

        with tempfile.TemporaryDirectory() as folder, contextlib.redirect_stdout(io.StringIO()):
            out = Path(folder) / "summary.json"
            okrsheet_main(["summary", "--from", str(store), "--format", "json", "-o", str(out)],
                          standalone_mode=False)
            rows = {"json_bytes": out.stat().st_size}
    elif method == "floor":
        rows = duckdb_floor(store)
    else:
        quarter = LATEST if method.endswith("-quarter") else None
        rows = (pandas_summary if method.startswith("pandas") else okrsheet_summary)(store, quarter)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "work": time.perf_counter() - imported,
                      "peak_mb": peak, "rows": rows}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000, help="team quarters in the store")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", type=Path, help="reuse (or make) the store here")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--cli", action="store_true", help="also time okrsheet summary --from")
    options = parser.parse_args()
    if options.run:
        _run(options.run, options.store)
        return
    store = options.store or Path(tempfile.mkdtemp(prefix="okrsheet-history-")) / "history"
    if not (store / "team_quarters").is_dir():
        start = time.perf_counter()
        counts = build_store(store, options.n)
        size = sum(path.stat().st_size for path in store.rglob("*.parquet")) / 1e6
        print(f"built a store of {counts['team_quarters']:,} team quarters, "
              f"{counts['objectives']:,} objectives, {counts['key_results']:,} key results, "
              f"{counts['check_ins']:,} check-ins in {time.perf_counter() - start:.1f} s "
              f"({size:.0f} MB of Parquet)")
    else:
        from okrsheet.quarterend.history import adopt

        adopt(store)  # a store built before transactions: committed as it is
    methods = (["pandas", "okrsheet", "floor", "pandas-quarter", "okrsheet-quarter"]
               + (["cli"] if options.cli else []))
    results: dict[str, list[dict[str, float]]] = {method: [] for method in methods}
    for _ in range(options.repeat):
        for method in methods:  # taking turns: a slow moment falls on all alike
            results[method].append(measure(method, store))
    rows = {method: runs[0]["rows"] for method, runs in results.items()}
    assert rows["pandas"] == rows["okrsheet"], rows  # the same tables, row for row
    assert rows["pandas-quarter"] == rows["okrsheet-quarter"], rows
    print(f"\n{options.repeat} runs each, taking turns (median; peak RSS: the largest)\n")
    print(f"{'method':44} {'median s':>9} {'without imports':>16} {'peak RSS MB':>12}")
    names = {"pandas": "pandas.read_parquet + pandas group-bys",
             "okrsheet": "okrsheet summarise_store (DuckDB)",
             "floor": "DuckDB reading what it needs, no summary",
             "pandas-quarter": f"pandas, --quarter {LATEST} (partition filters)",
             "okrsheet-quarter": f"okrsheet summarise_store, --quarter {LATEST}",
             "cli": "okrsheet summary --from, end to end"}
    medians, work = {}, {}
    for method, runs in results.items():
        medians[method] = statistics.median(run["seconds"] for run in runs)
        work[method] = statistics.median(run["work"] for run in runs)
        peak = max(run["peak_mb"] for run in runs)
        print(f"{names[method]:44} {medians[method]:9.2f} {work[method]:16.2f} {peak:12.0f}")
    print(f"\n5x pandas would be {medians['pandas'] / 5:.2f} s ({work['pandas'] / 5:.2f} s "
          f"without the imports); DuckDB's reading alone takes {medians['floor']:.2f} s "
          f"({work['floor']:.2f} s)")
    print(f"okrsheet vs pandas: {medians['pandas'] / medians['okrsheet']:.1f}x faster "
          f"({work['pandas'] / work['okrsheet']:.1f}x without the imports both pay); "
          f"one quarter: {medians['pandas-quarter'] / medians['okrsheet-quarter']:.1f}x "
          f"({work['pandas-quarter'] / work['okrsheet-quarter']:.1f}x)")


if __name__ == "__main__":
    main()
