"""Quarter-end summary speed and memory on N generated workbooks, against named baselines.

Baseline A: the obvious pandas way, ``pandas.read_excel(path, sheet_name="OKRs",
engine="openpyxl")`` per file plus the same scores computed with pandas.
Baseline B: raw python-calamine reading the same cells, no scoring (the floor).
okrsheet: ``okrsheet.quarterend.summary.summarise`` on one core and on all cores, and the
``okrsheet summary`` command end to end.

Each measurement runs in its own process (peak RSS is that process's maximum). B and the
okrsheet methods take turns over several rounds, so a slower moment of a shared machine
falls on all of them alike; a median is over every run of every round.
Run: python benchmarks/bench_summary.py [-n 1000] [--repeat 5] [--rounds 5]

``--pinned``: whole processes instead, as a person runs them, pinned with ``taskset`` to one
core and then to two: B (raw python-calamine reading the sheets the summary reads, OKRs and
Actions), ``okrsheet summary DIR --format json`` and A, each started afresh (interpreter and
imports included); wall time, CPU time (user + system, children included) and peak RSS of
the process and its children, medians of ``--rounds`` runs taking turns. ``--workbooks DIR``
reuses a folder of generated workbooks (made there if empty).
Run: python benchmarks/bench_summary.py --pinned -n 1000 --rounds 3 --workbooks /tmp/w1000

``--pairs N`` (with ``--pinned``): only B and the summary, run back to back N times on one
core and then on two; the median of each pair's ratio, which a virtual machine whose speed
drifts from minute to minute moves much less than a ratio of medians.
Run: python benchmarks/bench_summary.py --pinned --pairs 8 -n 1000 --workbooks /tmp/w1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

TEAMS = ["New Business", "Account Management", "Sales Development", "Customer Success",
         "Partners", "Enterprise", "Mid-Market", "EMEA", "APAC", "Renewals"]


# Generating the workbooks (the project's own writer, inputs filled in)


def _team_quarter(number: int):
    from okrsheet.domain.model import KeyResult, Objective
    from okrsheet.write.templates import starter

    rng = random.Random(number)
    quarter = f"{2020 + number // 40}-Q{number // 10 % 4 + 1}"
    team = f"{TEAMS[number % len(TEAMS)]} {number // 160}"
    team_quarter = starter("blank", team=team, quarter=quarter)
    for index in range(rng.randint(3, 5)):
        key_results = []
        for kr_number in range(rng.randint(2, 5)):
            kr_type = rng.choice(["increase", "increase", "decrease", "stay above", "milestone"])
            start, target = (0.0, float(rng.randint(5, 500))) if kr_type != "decrease" else (100.0, 60.0)
            check_ins = {week: round(start + (target - start) * rng.uniform(0, 1.2), 1)
                         for week in (3, 5, 7, 9)[:rng.randint(0, 4)]}
            if kr_type == "milestone":
                check_ins = {3: rng.choice(["done", "no"])}
            key_results.append(KeyResult(f"Key result {index}.{kr_number}", owner="Sam", type=kr_type,
                                         start=start, target=target, check_ins=check_ins,
                                         weight=rng.choice([None, 1.0, 2.0])))
        team_quarter.objectives.append(Objective(f"Objective {index}", key_results))
    return team_quarter


def _write(args: tuple[int, str]) -> None:
    from okrsheet.write.writer import workbook_bytes

    number, folder = args
    Path(folder, f"okrs-{number:05d}.xlsx").write_bytes(
        workbook_bytes(_team_quarter(number), today=dt.date(2026, 1, 1)))


def generate(count: int, folder: Path) -> None:
    with ProcessPoolExecutor() as pool:
        list(pool.map(_write, [(number, str(folder)) for number in range(count)], chunksize=20))


# The methods measured, each run in a child process


def baseline_pandas(paths: list[str]) -> dict[str, float]:
    """Baseline A: pandas.read_excel with openpyxl, scores computed with pandas."""
    import pandas as pd

    scores = {}
    for path in paths:
        frame = pd.read_excel(path, sheet_name="OKRs", engine="openpyxl", header=None)
        header_row = frame.index[frame[1].astype(str).str.strip() == "Key result"][0]
        table = frame.iloc[header_row + 1:].copy()
        table.columns = [str(name) for name in frame.iloc[header_row]]
        table = table[table["Key result"].notna()]
        table["Objective"] = table["Objective"].ffill()
        weeks = [f"Week {week}" for week in (3, 5, 7, 9, 11, 13)]
        current = table[weeks].ffill(axis=1).iloc[:, -1]
        current = table["Current"].where(table["Current"].notna(), current)
        start = pd.to_numeric(table["Start"], errors="coerce").fillna(0)
        target = pd.to_numeric(table["Target"], errors="coerce")
        number = pd.to_numeric(current, errors="coerce")
        share = ((number - start) / (target - start)).clip(0, 1).fillna(0)
        kind = table["Type"].astype(str).str.lower()
        progress = share.where(kind.isin(["increase", "decrease"]), 0.0)
        progress = progress.mask(kind == "stay above", (number >= target).astype(float))
        progress = progress.mask(kind == "stay below", (number <= target).astype(float))
        done = current.astype(str).str.lower().isin(["done", "yes", "1", "1.0"])
        progress = progress.mask(kind == "milestone", done.astype(float))
        weight = pd.to_numeric(table["Weight"], errors="coerce").fillna(1.0)
        grouped = (progress * weight).groupby(table["Objective"], sort=False).sum() \
            / weight.groupby(table["Objective"], sort=False).sum()
        scores[path] = float(grouped.mean())
    return scores


def baseline_calamine(paths: list[str]) -> dict[str, float]:
    """Baseline B: raw python-calamine reading the same cells, no scoring."""
    from python_calamine import CalamineWorkbook

    cells = 0
    for path in paths:
        rows = CalamineWorkbook.from_path(path).get_sheet_by_name("OKRs").to_python(
            skip_empty_area=False)
        cells += sum(len(row) for row in rows)
    return {"cells": cells}


def raw_calamine_process(folder: str) -> None:
    """B as a whole process: open each workbook and read the OKRs and Actions sheets."""
    from python_calamine import CalamineWorkbook

    cells = 0
    for path in sorted(Path(folder).glob("*.xlsx")):
        book = CalamineWorkbook.from_path(str(path))
        for name in ("OKRs", "Actions"):
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            cells += sum(len(row) for row in rows)
    print(cells)


def reading_process(folder: str, contained: bool) -> None:
    """What containment costs: every workbook read as the summary reads it, through
    ``read_workbooks`` (each in a child process) or by its engine in this process."""
    from okrsheet.guard.safety import Limits
    from okrsheet.read.engines import read_here
    from okrsheet.read.reader import read_workbooks

    paths = sorted(Path(folder).glob("*.xlsx"))
    options = {"side_sheets": False, "actions": True}
    if contained:
        readings = list(read_workbooks(paths, **options))
    else:
        limits = Limits.from_environment()
        readings = [read_here(path, limits, **options) for path in paths]
    print(len(readings))


def pandas_process(folder: str) -> None:
    """A as a whole process."""
    baseline_pandas(sorted(str(path) for path in Path(folder).glob("*.xlsx")))


def okrsheet_library(paths: list[str], workers: int) -> dict[str, float]:
    from okrsheet.quarterend.summary import summarise

    summary = summarise(paths, workers=workers)
    return {"teams": len(summary.teams), "left_out": len(summary.left_out)}


def _measure(method: str, folder: str, repeat: int) -> dict[str, object]:
    paths = sorted(str(path) for path in Path(folder).glob("*.xlsx"))
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        if method == "A":
            result = baseline_pandas(paths)
            result = {"teams": len(result)}
        elif method == "B":
            result = baseline_calamine(paths)
        elif method == "okrsheet-1":
            result = okrsheet_library(paths, workers=1)
        elif method == "okrsheet-all":
            result = okrsheet_library(paths, workers=os.cpu_count() or 1)
        times.append(time.perf_counter() - started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"times": times, "peak_rss_mb": max(peak, children), "result": result}


def run_child(method: str, folder: Path, repeat: int) -> dict[str, object]:
    output = subprocess.run([sys.executable, __file__, "--child", method, "--dir", str(folder),
                             "--repeat", str(repeat)], capture_output=True, text=True, check=True)
    return json.loads(output.stdout)


def run_cli(folder: Path, repeat: int) -> dict[str, object]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "okrsheet", "summary", str(folder), "--format", "json"],
                       capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return {"times": times,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def in_rounds(methods: dict[str, object], rounds: int) -> dict[str, dict[str, object]]:
    """Run each method once per round, in turn; pool the times of all rounds."""
    pooled: dict[str, dict[str, object]] = {name: {"times": [], "peak_rss_mb": 0.0}
                                            for name in methods}
    for _ in range(rounds):
        for name, run in methods.items():
            result = run()
            pooled[name]["times"] += result["times"]
            pooled[name]["peak_rss_mb"] = max(pooled[name]["peak_rss_mb"], result["peak_rss_mb"])
    for result in pooled.values():
        result["median_s"] = statistics.median(result["times"])
    return pooled


def run_pinned(command: list[str], cores: str) -> dict[str, float]:
    """One whole process pinned to ``cores``: wall s, CPU s (its children too), peak RSS MB."""
    started = time.perf_counter()
    process = subprocess.Popen(["taskset", "-c", cores, *command], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed ({status})")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024}


def pinned(folder: Path, rounds: int, small: Path) -> None:
    """Whole processes pinned to one core, then two, taking turns; medians of ``rounds``."""
    me = [sys.executable, __file__]
    methods = {
        "B raw python-calamine (OKRs, Actions)": me + ["--raw", str(folder)],
        "okrsheet summary --format json": [sys.executable, "-m", "okrsheet", "summary",
                                           str(folder), "--format", "json"],
        "okrsheet reading only, in child processes": me + ["--reading", str(folder)],
        "okrsheet reading only, in this process": me + ["--reading-here", str(folder)],
    }
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for cores in ("0", "0,1"):
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in methods}
        for _ in range(rounds):
            for name, command in methods.items():
                runs[name].append(run_pinned(command, cores))
        runs["A pandas.read_excel(openpyxl) + scores"] = [
            run_pinned(me + ["--pandas", str(folder)], cores)]
        medians = {name: {key: statistics.median(run[key] for run in found)
                          for key in ("wall", "cpu", "rss")} for name, found in runs.items()}
        print(f"\ntaskset -c {cores} ({len(cores.split(','))} core(s)); medians of {rounds} "
              "runs (A: one run)")
        print(f"{'method':<44} {'wall s':>8} {'CPU s':>8} {'peak RSS MB':>12}")
        for name, median in medians.items():
            print(f"{name:<44} {median['wall']:>8.2f} {median['cpu']:>8.2f} {median['rss']:>12.0f}")
        b = medians["B raw python-calamine (OKRs, Actions)"]
        ok = medians["okrsheet summary --format json"]
        a = medians["A pandas.read_excel(openpyxl) + scores"]
        print(f"okrsheet / B: {ok['wall'] / b['wall']:.2f}x wall, {ok['cpu'] / b['cpu']:.2f}x CPU; "
              f"A / okrsheet: {a['wall'] / ok['wall']:.1f}x wall, {a['cpu'] / ok['cpu']:.1f}x CPU")
        contained = medians["okrsheet reading only, in child processes"]
        here = medians["okrsheet reading only, in this process"]
        print(f"reading in child processes / in this process: {contained['wall'] / here['wall']:.2f}x "
              f"wall, {contained['cpu'] / here['cpu']:.2f}x CPU")
    few = run_pinned(methods["okrsheet summary --format json"][:4] + [str(small), "--format",
                                                                      "json"], "0")
    print(f"\npeak RSS of okrsheet summary on one core: {few['rss']:.0f} MB for "
          f"{len(list(small.glob('*.xlsx')))} workbooks")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def pairs(folder: Path, count: int) -> None:
    """B and the summary back to back, ``count`` times on one core and then on two: the median
    of each pair's ratio (a shared machine whose speed drifts moves both runs of a pair alike)."""
    b = [sys.executable, __file__, "--raw", str(folder)]
    summary = [sys.executable, "-m", "okrsheet", "summary", str(folder), "--format", "json"]
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for cores in ("0", "0,1"):
        runs = [(run_pinned(b, cores), run_pinned(summary, cores)) for _ in range(count)]
        wall = [ok["wall"] / raw["wall"] for raw, ok in runs]
        cpu = [ok["cpu"] / raw["cpu"] for raw, ok in runs]
        print(f"\ntaskset -c {cores}: {count} pairs (B, then okrsheet summary --format json)")
        for name, index in (("B raw python-calamine", 0), ("okrsheet summary", 1)):
            print(f"{name:<24} median wall {statistics.median(r[index]['wall'] for r in runs):.2f} s, "
                  f"CPU {statistics.median(r[index]['cpu'] for r in runs):.2f} s, "
                  f"peak RSS {max(r[index]['rss'] for r in runs):.0f} MB")
        print(f"okrsheet / B, median of the pairs: {statistics.median(wall):.2f}x wall "
              f"({min(wall):.2f}-{max(wall):.2f}), {statistics.median(cpu):.2f}x CPU "
              f"({min(cpu):.2f}-{max(cpu):.2f})")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="number of workbooks")
    parser.add_argument("--repeat", type=int, default=5, help="runs in each round")
    parser.add_argument("--rounds", type=int, default=5, help="turns each method takes")
    parser.add_argument("--pinned", action="store_true",
                        help="whole processes pinned to one core, then two (taskset)")
    parser.add_argument("--workbooks", help="a folder of generated workbooks to reuse")
    parser.add_argument("--pairs", type=int, default=0,
                        help="with --pinned: only B and the summary, back to back, this many times")
    parser.add_argument("--child")
    parser.add_argument("--dir")
    parser.add_argument("--raw")
    parser.add_argument("--pandas")
    parser.add_argument("--reading")
    parser.add_argument("--reading-here")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(args.child, args.dir, args.repeat)))
        return
    if args.raw:
        raw_calamine_process(args.raw)
        return
    if args.pandas:
        pandas_process(args.pandas)
        return
    if args.reading or args.reading_here:
        reading_process(args.reading or args.reading_here, contained=bool(args.reading))
        return
    if args.pinned:
        folder = Path(args.workbooks or tempfile.mkdtemp(prefix="okrsheet-bench-"))
        folder.mkdir(parents=True, exist_ok=True)
        if len(list(folder.glob("*.xlsx"))) != args.n:
            generate(args.n, folder)
        small = folder.parent / f"{folder.name}-tenth"
        if not small.exists():
            small.mkdir()
            for path in sorted(folder.glob("*.xlsx"))[:max(1, args.n // 10)]:
                (small / path.name).write_bytes(path.read_bytes())
        if args.pairs:
            pairs(folder, args.pairs)
        else:
            pinned(folder, args.rounds, small)
        return

    with tempfile.TemporaryDirectory(prefix="okrsheet-bench-") as tmp:
        folder = Path(tmp) / "workbooks"
        folder.mkdir()
        started = time.perf_counter()
        generate(args.n, folder)
        print(f"generated {args.n} workbooks in {time.perf_counter() - started:.1f} s "
              f"({sum(p.stat().st_size for p in folder.iterdir()) / 1e6:.1f} MB)")
        small = Path(tmp) / "small"
        small.mkdir()
        for path in sorted(folder.iterdir())[:max(1, args.n // 10)]:
            (small / path.name).write_bytes(path.read_bytes())

        results = {"A pandas.read_excel(openpyxl) + pandas scores": run_child("A", folder, 1)}
        results["A pandas.read_excel(openpyxl) + pandas scores"]["median_s"] = statistics.median(
            results["A pandas.read_excel(openpyxl) + pandas scores"]["times"])
        results.update(in_rounds({
            "B raw python-calamine, no scoring": lambda: run_child("B", folder, args.repeat),
            "okrsheet summarise, 1 process": lambda: run_child("okrsheet-1", folder, args.repeat),
            f"okrsheet summarise, {os.cpu_count()} processes":
                lambda: run_child("okrsheet-all", folder, args.repeat),
            "okrsheet summary CLI end to end": lambda: run_cli(folder, args.repeat),
        }, args.rounds))
        small_run = run_child("okrsheet-1", small, args.repeat)

    print(f"A once; the others in {args.rounds} rounds of {args.repeat} runs, taking turns "
          f"(median of all {args.rounds * args.repeat} runs)")
    print(f"\n{'method':<48} {'median s':>9} {'ms/workbook':>12} {'peak RSS MB':>12}")
    for name, result in results.items():
        print(f"{name:<48} {result['median_s']:>9.3f} {1000 * result['median_s'] / args.n:>12.3f} "
              f"{result['peak_rss_mb']:>12.0f}")
    a = results["A pandas.read_excel(openpyxl) + pandas scores"]["median_s"]
    b = results["B raw python-calamine, no scoring"]["median_s"]
    one = results["okrsheet summarise, 1 process"]["median_s"]
    many = results[f"okrsheet summarise, {os.cpu_count()} processes"]["median_s"]
    print(f"\nokrsheet (1 process) vs A: {a / one:.1f}x faster")
    print(f"okrsheet (1 process) / B: {one / b:.2f}x the raw calamine floor")
    print(f"okrsheet ({os.cpu_count()} processes) / B: {many / b:.2f}x the raw calamine floor")
    print(f"okrsheet ({os.cpu_count()} processes) vs 1 process: {one / many:.2f}x speed-up")
    print(f"peak RSS, okrsheet 1 process: {small_run['peak_rss_mb']:.0f} MB for {max(1, args.n // 10)} "
          f"workbooks, {results['okrsheet summarise, 1 process']['peak_rss_mb']:.0f} MB for {args.n}")


if __name__ == "__main__":
    main()
