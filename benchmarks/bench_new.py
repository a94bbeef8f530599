"""How long `okrsheet new` takes to build a starter workbook in memory.

Baseline: an empty XlsxWriter workbook with one cell, built the same way.
Run: python benchmarks/bench_new.py
"""

from __future__ import annotations

import io
import statistics
import time

import xlsxwriter

from okrsheet.write.templates import starter
from okrsheet.write.writer import workbook_bytes


def _time(function, repeat: int = 30) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _baseline() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet().write("A1", 1)
    book.close()
    return buffer.getvalue()


def main() -> None:
    team_quarter = starter("sales-team", quarter="2027-Q1")
    okrsheet = _time(lambda: workbook_bytes(team_quarter))
    baseline = _time(_baseline)
    print(f"okrsheet new (sales-team, in memory): {okrsheet * 1000:.1f} ms median")
    print(f"baseline (one-cell XlsxWriter workbook): {baseline * 1000:.1f} ms median")
    print(f"ratio okrsheet/baseline: {okrsheet / baseline:.1f}x")


if __name__ == "__main__":
    main()
