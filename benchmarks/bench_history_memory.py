"""Peak memory and time of ``okrsheet summary --from STORE --format json|csv -o OUT``.

Each run is the command as typed (``python -m okrsheet``), in its own process: its peak RSS
is that process's maximum (from ``wait4``), its time the wall-clock time from start to
exit, the interpreter's start and the imports included. The output goes to a file in a
temporary folder (removed after each run), so the terminal's speed is not measured.

Stores: ``--stores DIR...`` (made by ``okrsheet export`` or ``bench_history.build_store``),
or, without it, stores of ``-n`` team quarters built in a temporary folder.

Run: python benchmarks/bench_history_memory.py [--stores DIR...] [-n 25000 100000 400000]
     [--repeat 1] [--objectives]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FORMATS = ("json", "csv")


def team_quarters(store: Path) -> int:
    """The rows of the store's team-quarter table (from the Parquet footers alone)."""
    import pyarrow.dataset as ds

    return ds.dataset(store / "team_quarters", format="parquet",
                      partitioning="hive").count_rows()


def measure(store: Path, output_format: str, objectives: bool = False) -> dict[str, float]:
    """Run the command once in a fresh process: seconds, peak RSS (MB), output size (MB)."""
    with tempfile.TemporaryDirectory(prefix="okrsheet-memory-") as folder:
        out = Path(folder) / f"summary.{output_format}"
        command = [sys.executable, "-m", "okrsheet", "summary", "--from", str(store),
                   "--format", output_format, "-o", str(out),
                   *(["--objectives"] if objectives else [])]
        with open(Path(folder) / "stderr.txt", "w+b") as log:
            start = time.perf_counter()
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
            _, status, usage = os.wait4(process.pid, 0)  # the child's own peak RSS
            seconds = time.perf_counter() - start
            process.returncode = os.waitstatus_to_exitcode(status)
            if process.returncode != 0:
                log.seek(0)
                raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): "
                                 f"{log.read().decode(errors='replace')}")
        size = out.stat().st_size / 1e6
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "output_mb": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=Path, nargs="+", help="history stores to summarise")
    parser.add_argument("-n", type=int, nargs="+", default=[25_000, 100_000, 400_000],
                        help="without --stores: build stores of these many team quarters")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (the median shown)")
    parser.add_argument("--objectives", action="store_true",
                        help="one row per objective (--objectives) rather than per team quarter")
    options = parser.parse_args()
    stores = options.stores
    if not stores:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bench_history import build_store

        root = Path(tempfile.mkdtemp(prefix="okrsheet-history-"))
        stores = []
        for count in options.n:
            stores.append(root / f"h{count}")
            build_store(stores[-1], count)
            print(f"built {stores[-1]}")
    flag, rows = (" --objectives", "objective") if options.objectives else ("", "team quarter")
    print(f"okrsheet summary --from STORE --format F -o OUT{flag} (one row per {rows}); "
          f"{options.repeat} run(s) each, the median time and the largest peak\n")
    print(f"{'team quarters':>14} {'format':>6} {'seconds':>8} {'peak RSS MB':>12} "
          f"{'output MB':>10}")
    for store in stores:
        count = team_quarters(store)
        for output_format in FORMATS:
            runs = [measure(store, output_format, options.objectives)
                    for _ in range(options.repeat)]
            seconds = sorted(run["seconds"] for run in runs)[len(runs) // 2]
            peak = max(run["peak_mb"] for run in runs)
            print(f"{count:>14,} {output_format:>6} {seconds:8.2f} {peak:12.0f} "
                  f"{runs[0]['output_mb']:10.1f}", flush=True)


if __name__ == "__main__":
    main()
