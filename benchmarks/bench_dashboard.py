"""Time and peak memory of the quarter-end dashboard (``summary -o dashboard.html``) of a big
company.

Each run is its own process: it builds ``-n`` teams' team quarters for ``-q`` quarters in
memory (1-2 objectives of 1-3 key results each: the dashboard's work does not grow with
them, and the objects would weigh more than the page; scores from 0 to 100%), summarises
them (``summarise_team_quarters``), then writes the dashboard. It prints the seconds the
dashboard took, the process's peak RSS (the summary included) and its RSS before the
dashboard began, the page's size, and how many paths the trend chart draws.

With ``--store``, it runs the command as typed instead, ``python -m okrsheet summary --from
STORE -o dashboard.html`` in a fresh process (wall and CPU seconds, peak RSS from ``wait4``,
the terminal table to /dev/null); ``--build-store DIR -n 5000 -q 4`` writes such a store.
Each run starts in a temporary folder, so ``PYTHONPATH`` picks the code measured (e.g.
``git archive COMMIT okrsheet | tar -x -C /tmp/before`` and ``PYTHONPATH=/tmp/before``).

Run: python benchmarks/bench_dashboard.py [-n 5000] [-q 8] [--repeat 1]
     python benchmarks/bench_dashboard.py --build-store /tmp/store4 -n 5000 -q 4
     python benchmarks/bench_dashboard.py --store /tmp/store4 [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import datetime as dt, json, random, resource, sys, time
from okrsheet.domain.model import KeyResult, Objective, TeamQuarter
from okrsheet.domain.quarter import Quarter
from okrsheet.quarterend.summary import summarise_team_quarters
from okrsheet.outputs.dashboard import write_dashboard

teams, quarters, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(17)
labels = [f"{2020 + index // 4}-Q{index % 4 + 1}" for index in range(quarters)]
made = []
for team in range(teams):
    skill = rng.random()
    for label in labels:
        period = Quarter.parse(label)
        skill = min(1.0, max(0.0, skill + rng.gauss(0, 0.1)))
        objectives = [Objective(f"Objective {number}", [
            KeyResult(f"KR {number}.{kr}", type="increase", start=0, target=100,
                      current=round(100 * min(1.0, max(0.0, rng.gauss(skill, 0.25)))))
            for kr in range(rng.randint(1, 3))]) for number in range(rng.randint(1, 2))]
        made.append(TeamQuarter(f"Team {team:05}", label, objectives,
                                quarter_start=period.start, quarter_end=period.end,
                                as_of=period.end))
summary = summarise_team_quarters(made)
del made
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
write_dashboard(summary, out)
seconds = time.perf_counter() - start
page = open(out, encoding="utf-8").read()
trend = page[page.index('id="chart-trend"'):page.index("</figure>", page.index('id="chart-trend"'))]
print(json.dumps({"seconds": seconds, "rss_before_mb": before,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "lines": trend.count("<path"), "page_mb": len(page.encode()) / 1e6}))
"""


def measure(teams: int, quarters: int) -> dict[str, float]:
    """One in-memory run in a fresh process: the dashboard's seconds, peak RSS, page size."""
    with tempfile.TemporaryDirectory(prefix="okrsheet-dashboard-") as folder:
        out = Path(folder) / "dashboard.html"
        process = subprocess.Popen([sys.executable, "-c", CHILD, str(teams), str(quarters),
                                    str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   cwd=folder)  # okrsheet from PYTHONPATH, not the folder run in
        stdout, stderr = process.communicate()
    if process.returncode:
        raise SystemExit(stderr.decode(errors="replace"))
    return json.loads(stdout)


def measure_command(store: Path) -> dict[str, float]:
    """``okrsheet summary --from STORE -o dashboard.html`` in a fresh process: wall and CPU
    seconds, peak RSS, page size (the terminal table goes to /dev/null)."""
    with tempfile.TemporaryDirectory(prefix="okrsheet-dashboard-") as folder:
        out = Path(folder) / "dashboard.html"
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "okrsheet", "summary", "--from",
                                    str(store.resolve()), "-o", str(out)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=folder)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise SystemExit(process.stderr.read().decode(errors="replace"))  # type: ignore[union-attr]
        size = out.stat().st_size / 1e6
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024, "page_mb": size}


def build_store(root: Path, teams: int, quarters: int) -> None:
    """A history store of ``teams`` teams over the latest ``quarters`` of the 40 quarters
    :func:`bench_history.build_store` writes (its other quarters' partitions removed)."""
    import shutil

    sys.path.insert(0, str(Path(__file__).parent))
    from bench_history import build_store as build_all

    build_all(root, teams * 40)
    for table in root.iterdir():
        partitions = sorted(path for path in table.iterdir() if path.name.startswith("quarter="))
        for partition in partitions[:len(partitions) - quarters]:
            shutil.rmtree(partition)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, nargs="+", default=[5000], help="teams")
    parser.add_argument("-q", type=int, default=8, help="quarters")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--store", type=Path, nargs="+",
                        help="run the command on these history stores instead")
    parser.add_argument("--build-store", type=Path, metavar="DIR",
                        help="write a store of -n teams over -q quarters to DIR, then stop")
    options = parser.parse_args()
    if options.build_store:
        build_store(options.build_store, options.n[0], options.q)
        return
    import okrsheet

    print(f"okrsheet from {Path(okrsheet.__file__).parent}")
    if options.store:
        print(f"{'store':<30} {'wall s':>7} {'CPU s':>6} {'peak RSS MB':>11} {'page MB':>7}")
        for store in options.store:
            runs = [measure_command(store) for _ in range(options.repeat)]
            best = min(runs, key=lambda run: run["cpu"])
            print(f"{str(store):<30} {best['seconds']:>7.2f} {best['cpu']:>6.2f} "
                  f"{max(run['peak_mb'] for run in runs):>11.0f} {best['page_mb']:>7.2f}")
        return
    print(f"{'teams':>6} {'quarters':>8} {'dashboard s':>11} {'peak RSS MB':>11} "
          f"{'RSS before MB':>13} {'page MB':>7} {'SVG paths':>9}")
    for teams in options.n:
        runs = [measure(teams, options.q) for _ in range(options.repeat)]
        best = min(runs, key=lambda run: run["seconds"])
        print(f"{teams:>6} {options.q:>8} {best['seconds']:>11.2f} "
              f"{max(run['peak_mb'] for run in runs):>11.0f} {best['rss_before_mb']:>13.0f} "
              f"{best['page_mb']:>7.2f} {best['lines']:>9}")


if __name__ == "__main__":
    main()
