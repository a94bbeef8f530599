"""okrsheet fix on a copy edited in LibreOffice: a cleared Current and a key result typed
below the ready rows are flagged in the sheet and by okrsheet alike, and fix restores both."""

import pytest
from click.testing import CliRunner

from okrsheet.cli import main
from okrsheet.read.reader import read_workbook
from okrsheet.sheet import layout
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook
from tests.realclient.uno_edit import edit_in_libreoffice

BELOW = layout.FIRST_ROW + layout.READY_ROWS + 3  # 0-based row past the ready rows


@pytest.fixture(scope="module")
def edited(libreoffice, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fix")
    source = folder / "source.xlsx"
    write_workbook(starter("sales-team", quarter="2027-Q1"), source)
    first = layout.FIRST_ROW
    edits = [
        ["set", layout.address("week_3", first), 100000],
        ["set", layout.address("week_5", first), 200000],
        ["clear", layout.address("current", first)],  # Delete on Current: its formula is gone
        ["set", layout.address("objective", BELOW), "O2"],
        ["set", layout.address("title", BELOW), "Partner-sourced pipeline"],
        ["set", layout.address("start", BELOW), 0],
        ["set", layout.address("target", BELOW), 100],
        ["set", layout.address("week_3", BELOW), 50],
    ]
    edit_in_libreoffice([{"input": str(source), "output": str(folder / "edited.xlsx"), "edits": edits}])
    return folder / "edited.xlsx"


def test_the_sheet_and_okrsheet_both_flag_the_cleared_current_and_the_row_without_formulas(edited):
    import openpyxl

    sheet = openpyxl.load_workbook(edited, data_only=True)[layout.OKRS_SHEET]
    first = layout.FIRST_ROW
    assert sheet[layout.address("status", first)].value == "not updated"  # as okrsheet reads it
    assert sheet[layout.SHEET_CHECK.value_cell].value.startswith("1 row(s) without formulas")
    reading = read_workbook(edited)
    codes = {(problem.cell, problem.code) for problem in reading.problems}
    assert (layout.address("current", first), "CURRENT-CLEARED") in codes
    assert (layout.address("title", BELOW), "NO-FORMULAS") in codes
    tq = reading.team_quarter
    assert tq.kr_status(tq.key_results[0]) == "not updated"
    assert "Partner-sourced pipeline" not in [kr.title for kr in tq.key_results]
    assert tq.score == pytest.approx(sheet[layout.TEAM_SCORE.value_cell].value, abs=1e-9)


def test_fix_restores_current_and_moves_the_key_result_into_the_table(edited, tmp_path):
    fixed = tmp_path / "fixed.xlsx"
    result = CliRunner().invoke(main, ["fix", str(edited), "-o", str(fixed)])
    assert result.exit_code == 0, result.output
    tq = read_workbook(fixed).team_quarter
    first = tq.key_results[0]
    assert first.current_value == 200000 and first.follows_check_ins
    added = next(kr for kr in tq.key_results if kr.title == "Partner-sourced pipeline")
    assert added.progress == 0.5
    assert added in tq.objectives[1].key_results
