"""What the store's transactions and checks cost: ``summarise_store`` with and without the
consistency checks, and one workbook exported into a large store (lock, commit, cleanup).

Each figure is the median of ``--repeat`` runs taken in turns (with, without, with...), in
one process after a warm-up, as wall time and CPU time (user + system, DuckDB's threads
included: steadier than wall time on a shared machine).

Run: python benchmarks/bench_history_transactions.py [-n 100000] [--repeat 5] [--store DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def timed(function) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of ``function()``."""
    start, cpu = time.perf_counter(), os.times()
    function()
    after = os.times()
    return time.perf_counter() - start, (after.user - cpu.user) + (after.system - cpu.system)


def main() -> None:
    from bench_history import build_store

    from okrsheet.quarterend import history_summary
    from okrsheet.quarterend.history import open_snapshot
    from okrsheet.workflows.export import export

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000, help="team quarters in the store")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--store", type=Path, help="reuse (or make) the store here")
    options = parser.parse_args()
    store = options.store or Path(tempfile.mkdtemp(prefix="okrsheet-history-")) / "history"
    if not (store / "team_quarters").is_dir():
        build_store(store, options.n)
    snapshot = open_snapshot(store)
    print(f"store: {store} ({snapshot.size / 1e6:.0f} MB of Parquet, commit {snapshot.version})")
    snapshot.close()

    def summary() -> None:
        result = history_summary.summarise_store(store)
        result.arrow("teams")
        result.arrow("objectives")

    checks = (history_summary.check_consistent, history_summary._check_counts)
    runs: dict[str, list[tuple[float, float]]] = {"with the checks": [], "without": []}
    summary()  # warm-up: the imports and the file cache
    for _ in range(options.repeat):
        runs["with the checks"].append(timed(summary))
        history_summary.check_consistent = lambda *args: None  # type: ignore[assignment]
        history_summary._check_counts = lambda *args: None  # type: ignore[assignment]
        runs["without"].append(timed(summary))
        history_summary.check_consistent, history_summary._check_counts = checks

    root = Path(__file__).resolve().parent.parent
    workbook = root / "samples" / "2026-Q1" / "customer-success.xlsx"
    copy = store.parent / f"{store.name}-export"
    shutil.copytree(store, copy, dirs_exist_ok=True)
    export([workbook], copy)  # warm-up
    runs["export one workbook into it"] = [timed(lambda: export([workbook], copy))
                                           for _ in range(options.repeat)]
    shutil.rmtree(copy)
    print(f"\n{options.repeat} runs each (median)\n")
    print(f"{'summarise_store (every table made)':38} {'wall s':>8} {'CPU s':>8}")
    for name, figures in runs.items():
        wall = statistics.median(figure[0] for figure in figures)
        cpu = statistics.median(figure[1] for figure in figures)
        print(f"{name:38} {wall:8.2f} {cpu:8.2f}")


if __name__ == "__main__":
    main()
