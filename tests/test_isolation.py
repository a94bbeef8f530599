"""okrsheet.read.isolation: every workbook is read in a child process (by the one way in,
``read_workbook``), whatever the reader does there."""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from okrsheet.domain.problems import UnreadableFile
from okrsheet.guard.safety import Limits
from okrsheet.outputs.scorecard import scorecard
from okrsheet.quarterend.summary import summarise
from okrsheet.read.engines import read_here
from okrsheet.read.isolation import crash_reason, read_many
from okrsheet.read.reader import read_workbook

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile"
FILES = sorted([*ROOT.glob("samples/**/*.xlsx"), *ROOT.glob("samples/**/*.ods"),
                *ROOT.glob("tests/fixtures/*.xlsx"), *ROOT.glob("tests/fixtures/*.ods")])
NO_GUARD = dataclasses.replace(Limits(), max_cells=10**15, max_rows=10**12,
                               max_memory_bytes=150 * 1024 * 1024)

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="isolation forks")


def test_an_isolated_reading_equals_reading_in_process():
    isolated = read_workbook(HOSTILE / "valid.xlsx")
    direct = read_here(HOSTILE / "valid.xlsx", Limits())
    assert scorecard(isolated) == scorecard(direct)
    assert isolated.problems == direct.problems


def test_a_reader_out_of_memory_is_one_line():
    with pytest.raises(UnreadableFile, match="far-cell.xlsx: the spreadsheet reader crashed on "
                                             r"it \(SIGABRT"):
        read_workbook(HOSTILE / "far-cell.xlsx", limits=NO_GUARD)


def test_a_native_panic_is_one_line():
    with pytest.raises(UnreadableFile, match="can't be read .*no entry found for key"):
        read_workbook(HOSTILE / "panic-missing-relationship.xlsb")


def test_a_shared_string_bomb_the_guard_passes_is_one_line(tmp_path):
    """A 40 KB workbook whose 20,000 cells all show one 32,767-character shared string: within
    every limit of the guard, yet python-calamine copies the text into each cell (1.3 GB).
    Only the child's memory limit stops it: why every file is read in a child process."""
    import xlsxwriter

    from okrsheet.guard.safety import check_workbook_file

    path = tmp_path / "strings.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("OKRs")
    for cell in range(20_000):
        sheet.write_string(cell // 20, cell % 20, "x" * 32_767)
    book.close()
    assert path.stat().st_size < 100_000
    assert check_workbook_file(path, Limits()) == "xlsx"  # the guard passes it
    limits = dataclasses.replace(Limits(), max_memory_bytes=256 * 1024 * 1024)
    with pytest.raises(UnreadableFile, match="strings.xlsx: the spreadsheet reader crashed on it"):
        read_workbook(path, limits=limits)


def _crash_on_odd(path: Path, limits: Limits) -> str:
    if int(path.stem) % 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return path.stem


@pytest.mark.parametrize("workers", [1, 2])
def test_a_crashing_file_takes_only_itself_with_it(workers):
    paths = [Path(f"{number}.xlsx") for number in range(12)]
    outcomes = list(read_many(_crash_on_odd, paths, Limits(), workers=workers))
    assert [outcome for outcome in outcomes[::2]] == [str(number) for number in range(0, 12, 2)]
    assert all(isinstance(outcome, UnreadableFile) and "SIGKILL" in str(outcome)
               for outcome in outcomes[1::2])


def _pid_and_time(path: Path, limits: Limits) -> tuple[int, float]:
    if path.stem == "3":
        os.kill(os.getpid(), signal.SIGKILL)
    return os.getpid(), time.time()


def test_work_done_meanwhile_runs_in_a_thread_finished_before_another_child_is_forked():
    """The summary imports its table libraries while the children read; a child started
    after a crash is forked only once that work is done (a fork never copies a thread
    midway)."""
    done = []

    def meanwhile():
        time.sleep(0.3)  # the first child crashes on 3.xlsx long before this ends
        done.append((threading.current_thread() is not threading.main_thread(), time.time()))

    outcomes = list(read_many(_pid_and_time, [Path(f"{number}.xlsx") for number in range(8)],
                              Limits(), meanwhile=meanwhile))
    [(in_a_thread, ended)] = done
    assert in_a_thread
    assert isinstance(outcomes[3], UnreadableFile)
    assert outcomes[0][0] != outcomes[4][0]  # read by the child started after the crash
    assert all(read_at >= ended for _, read_at in outcomes[4:])


def test_an_error_in_the_work_done_meanwhile_is_left_to_its_caller(monkeypatch):
    uncaught = []
    monkeypatch.setattr(threading, "excepthook", uncaught.append)

    def meanwhile():
        raise ImportError("No module named 'pandas'")

    outcomes = list(read_many(_crash_on_odd, [Path("0.xlsx"), Path("2.xlsx")], Limits(),
                              meanwhile=meanwhile))
    assert outcomes == ["0", "2"]
    assert uncaught == []  # the summary meets it again, as one line, where it needs pandas


def test_a_file_that_vanished_is_one_line(tmp_path):
    outcomes = list(read_many(lambda path, limits: read_workbook(path, limits=limits),
                              [tmp_path / "gone.xlsx"], Limits()))
    assert str(outcomes[0]) == "gone.xlsx: no such file; check the name and folder."


def test_crash_reasons_name_the_file_and_the_signal():
    assert crash_reason("/x/a.xlsx", signal.SIGABRT).startswith(
        "a.xlsx: the spreadsheet reader crashed on it (SIGABRT: it ran out of memory")
    assert "exit status 3" in crash_reason("a.xlsx", 3 << 8)


def test_the_summary_read_in_processes_equals_reading_each_file_alone():
    summary = summarise(FILES, workers=2)
    by_file = {row["file"]: row for row in summary.teams.to_dict("records")}
    compared = 0
    for path in FILES:
        try:
            reading = read_workbook(path)
        except UnreadableFile:
            continue
        if str(path) not in by_file:
            continue  # left out (no table) or a duplicate team and quarter
        card = scorecard(reading)
        if by_file[str(path)]["status"] == "not started":  # no value yet: shown as "-", not 0%
            assert by_file[str(path)]["score"] != by_file[str(path)]["score"], path  # NaN: blank
        else:
            assert by_file[str(path)]["score"] == card["score"], path
        assert by_file[str(path)]["key_results"] == sum(
            len(objective["key_results"]) for objective in card["objectives"]), path
        compared += 1
    assert compared >= 16
