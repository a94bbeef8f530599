"""okrsheet fix: a copy with formulas restored, every input kept, each change listed by cell."""

import hashlib

import openpyxl
import pytest
from click.testing import CliRunner

from okrsheet.cli import main
from okrsheet.read.reader import read_workbook
from okrsheet.sheet import layout
from okrsheet.workflows.fix import fix_reading
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook

FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures"


def _typed(path, cells: dict[str, object]) -> None:
    """Type values into cells with openpyxl (text stays text)."""
    book = openpyxl.load_workbook(path)
    sheet = book[layout.OKRS_SHEET]
    for address, value in cells.items():
        sheet[address] = value
        if isinstance(value, str):
            sheet[address].data_type = "s"
    book.save(path)


@pytest.fixture
def messy(tmp_path):
    """The sales-team starter with numbers typed as text, an ambiguous one and a milestone 'Done '."""
    path = tmp_path / "messy.xlsx"
    write_workbook(starter("sales-team", quarter="2027-Q1"), path)
    first = layout.FIRST_ROW
    _typed(path, {
        layout.address("week_3", first): "1,200,000",  # text: converts without doubt
        layout.address("target", first + 1): "1.200",  # 1.2 or 1200? left as typed
        layout.address("weight", first + 2): "50%",
        layout.address("week_3", first + 7): "Done ",  # the milestone
        layout.address("type", first + 3): "Increase ",
    })
    return path


def test_fix_converts_what_is_certain_and_lists_each_change_by_cell(messy):
    tq, changes = fix_reading(read_workbook(messy))
    listed = {change.cell: (change.message, change.kept) for change in changes}
    first = layout.FIRST_ROW
    assert listed[layout.address("week_3", first)] == ('Week 3 "1,200,000" (text) -> 1200000', False)
    assert listed[layout.address("weight", first + 2)] == ('Weight "50%" (text) -> 0.5', False)
    assert listed[layout.address("week_3", first + 7)] == ('Week 3 "Done " -> "done"', False)
    assert listed[layout.address("type", first + 3)] == ('Type "Increase " -> "increase"', False)
    message, kept = listed[layout.address("target", first + 1)]
    assert kept and '"1.200"' in message
    assert tq.key_results[0].check_ins[3] == 1200000
    assert tq.key_results[1].target == "1.200"  # never guessed


def test_the_fixed_copy_scores_what_was_meant_and_only_the_ambiguous_input_is_left(messy, tmp_path):
    fixed = tmp_path / "fixed.xlsx"
    before = hashlib.sha256(messy.read_bytes()).hexdigest()
    result = CliRunner().invoke(main, ["fix", str(messy), "-o", str(fixed)])
    assert result.exit_code == 0, result.output
    assert hashlib.sha256(messy.read_bytes()).hexdigest() == before  # input untouched
    reading = read_workbook(fixed)
    errors = [(problem.cell, problem.code) for problem in reading.problems if problem.severity == "error"]
    assert errors == [(layout.address("target", layout.FIRST_ROW + 1), "NOT-A-NUMBER")]
    tq = reading.team_quarter
    assert tq.to_check == 1
    first = tq.key_results[0]
    assert first.check_ins[3] == 1200000 and first.current is None  # Current follows it
    assert first.progress == 1.0  # 1,200,000 of a 450,000 target


def test_fix_moves_a_legacy_workbook_to_the_objectives_layout_with_the_same_scores(tmp_path):
    source = FIXTURES / "clean.xlsx"
    before = read_workbook(source).team_quarter
    fixed = tmp_path / "fixed.xlsx"
    result = CliRunner().invoke(main, ["fix", str(source), "-o", str(fixed)])
    assert result.exit_code == 0, result.output
    assert "current layout" in result.output
    reading = read_workbook(fixed)
    assert reading.layout == "objectives"
    after = reading.team_quarter
    assert [o.title for o in after.objectives] == [o.title for o in before.objectives]
    assert [o.id for o in after.objectives] == ["O1", "O2", "O3"]
    assert [o.score for o in after.objectives] == pytest.approx([o.score for o in before.objectives])
    assert after.score == pytest.approx(before.score)


def test_fix_never_replaces_a_file_without_force(messy, tmp_path):
    existing = tmp_path / "exists.xlsx"
    existing.write_bytes(b"keep me")
    result = CliRunner().invoke(main, ["fix", str(messy), "-o", str(existing)])
    assert result.exit_code != 0
    assert existing.read_bytes() == b"keep me"


def test_fix_keeps_a_sheet_of_the_teams_own_and_lists_every_typed_cell_it_could_not_keep(
        tmp_path):
    """"Every typed cell kept" is said only when a cell-by-cell check says so; a Notes column,
    an As of typed as text and a due date typed as text are named, not silently dropped."""
    path = tmp_path / "team.xlsx"
    write_workbook(starter("sales-team", team="West", quarter="2027-Q1"), path)
    book = openpyxl.load_workbook(path)
    okrs = book[layout.OKRS_SHEET]
    notes = len(layout.COLUMNS) + 2
    okrs.cell(layout.HEADER_ROW + 1, notes).value = "Notes"
    okrs.cell(layout.FIRST_ROW + 1, notes).value = "ask finance"
    okrs[layout.AS_OF.value_cell] = "19/02/2027"
    book[layout.ACTIONS_SHEET]["A2"] = "Call the CFO"
    book[layout.ACTIONS_SHEET]["B2"] = "O1.1"
    book[layout.ACTIONS_SHEET]["D2"] = "next friday"
    book.create_sheet("Ideas")["C3"] = "a second sheet"
    book.save(path)
    result = CliRunner().invoke(main, ["fix", str(path), "-o", str(tmp_path / "fixed.xlsx")])
    assert result.exit_code == 1, result.output
    assert 'not kept: Actions!D2 "next friday"' in result.output
    assert "every typed cell kept" not in result.output
    assert f'{layout.AS_OF.value_cell}: As of "19/02/2027" (text) -> 2027-02-19' in result.output
    assert "Ideas: copied value for value (1 cell(s))." in result.output
    fixed = openpyxl.load_workbook(tmp_path / "fixed.xlsx")
    assert fixed["Ideas"]["C3"].value == "a second sheet"
    kept = read_workbook(tmp_path / "fixed.xlsx").team_quarter
    assert kept.key_results[0].extras == {"Notes": "ask finance"}
    assert kept.as_of == __import__("datetime").date(2027, 2, 19)


@pytest.mark.parametrize(("text", "day"), [("2027-02-19", (2027, 2, 19)),
                                           ("19/02/2027", (2027, 2, 19)),
                                           ("02/19/2027", (2027, 2, 19)),
                                           ("03/04/2027", None), ("next friday", None)])
def test_a_date_typed_as_text_is_read_only_when_it_can_be_read_one_way(text, day):
    from okrsheet.sheet.cells import text_date

    expected = None if day is None else __import__("datetime").date(*day)
    assert text_date(text) == expected


def test_fix_says_every_typed_cell_is_kept_only_after_checking(messy, tmp_path):
    result = CliRunner().invoke(main, ["fix", str(messy), "-o", str(tmp_path / "fixed.xlsx")])
    assert result.exit_code == 0, result.output
    assert "every typed cell kept (checked cell by cell)" in result.output
