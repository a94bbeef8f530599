"""Rows deleted and inserted in LibreOffice keep the workbook's formulas and the reader in agreement."""

import shutil

import pytest

from okrsheet.read.reader import read_workbook
from okrsheet.sheet import layout
from tests.realclient.uno_edit import edit_in_libreoffice

SAMPLE = "samples/2026-Q3/new-business.xlsx"


@pytest.fixture(scope="module")
def edited(libreoffice, tmp_path_factory):
    folder = tmp_path_factory.mktemp("row-edits")
    source = folder / "source.xlsx"
    shutil.copy(SAMPLE, source)
    first_kr, objective_row = layout.FIRST_ROW + 2, layout.FIRST_ROW + 1  # 1-based sheet rows
    jobs = [
        {"input": str(source), "output": str(folder / "kr-deleted.xlsx"), "edits": [["delete_row", first_kr + 1]]},
        {"input": str(source), "output": str(folder / "objective-deleted.xlsx"), "edits": [["delete_row", objective_row]]},
    ]
    edit_in_libreoffice(jobs)
    return {name: read_workbook(folder / f"{name}.xlsx")
            for name in ("kr-deleted", "objective-deleted")}


@pytest.mark.parametrize("name", ["kr-deleted", "objective-deleted"])
def test_deleting_a_row_in_libreoffice_leaves_formulas_that_agree_with_the_reader(edited, name):
    reading = edited[name]
    assert [str(p) for p in reading.problems if p.code == "FORMULA-CHANGED"] == []
    assert reading.team_quarter.score is not None


def test_deleting_a_key_result_row_removes_that_key_result(edited):
    original = read_workbook(SAMPLE).team_quarter
    after = edited["kr-deleted"].team_quarter
    assert len(after.key_results) == len(original.key_results) - 1
