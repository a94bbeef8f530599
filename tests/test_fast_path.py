"""The fast path (cheap guard, python-calamine, processes) gives exactly what the full path gives."""

from pathlib import Path

import pytest

from okrsheet.reader import read_workbook, scorecard
from okrsheet.safety import UnreadableFile, check_workbook_file
from okrsheet.summary import summarise

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*ROOT.glob("samples/**/*.xlsx"), *ROOT.glob("samples/**/*.ods"),
                *ROOT.glob("tests/fixtures/*.xlsx"), *ROOT.glob("tests/fixtures/*.ods")])


@pytest.mark.parametrize("path", FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_the_deep_guard_accepts_every_file_the_fast_guard_accepts(path):
    assert check_workbook_file(path, deep=False) == check_workbook_file(path, deep=True)


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
        assert by_file[str(path)]["score"] == card["score"], path
        assert by_file[str(path)]["key_results"] == sum(
            len(objective["key_results"]) for objective in card["objectives"]), path
        compared += 1
    assert compared >= 16
