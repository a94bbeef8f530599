"""The collection a new user tried, every edit typed in LibreOffice: a team that left the ID
column blank, ``split`` for week 5, an owner's reply, a row cut and pasted lower in the team
file meanwhile, then ``collect``. Each value lands on its own key result, nothing else of the
team file changes, and LibreOffice recalculates the collected file to okrsheet's numbers."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from okrsheet.cli import main
from okrsheet.read.reader import read_workbook
from okrsheet.sheet import layout
from okrsheet.workflows.kept import typed_cells
from okrsheet.workflows.split import HEADERS
from tests.realclient.one_truth import assert_one_truth
from tests.realclient.uno_edit import edit_in_libreoffice

pytestmark = pytest.mark.libreoffice


def _at(key: str, number: int) -> str:
    return layout.address(key, layout.FIRST_ROW + number)


def _letter(header: str) -> str:
    return layout.column_letter(HEADERS.index(header))


def _run(*arguments):
    return CliRunner().invoke(main, [str(argument) for argument in arguments])


@pytest.fixture(scope="module")
def collected(libreoffice, tmp_path_factory):
    folder = tmp_path_factory.mktemp("collect")
    new = folder / "new.xlsx"
    assert _run("new", "-o", new, "--template", "sales-team", "--team", "Sales",
                "--quarter", "2027-Q1").exit_code == 0
    team = folder / "team.xlsx"  # the team typed its key results and left the IDs blank
    edit_in_libreoffice([{"input": str(new), "output": str(team), "edits": [
        ["clear", f"{_at('id', 0)}:{_at('id', 20)}"],
        ["date", layout.AS_OF.value_cell, "2027-02-01"]]}])
    split = _run("split", team, "-o", folder / "w5", "--week", "5")
    assert split.exit_code == 0, split.output
    sam = next((folder / "w5").glob("*-Sam.xlsx"))
    reply = folder / "sam-reply.xlsx"
    edit_in_libreoffice([{"input": str(sam), "output": str(reply), "sheet": "Check-in", "edits": [
        ["set", f"{_letter('Value')}10", 310],  # the first key result, in Value
        ["set", f"{_letter('Last value')}11", 112],  # the second, typed over Last value
        ["set", f"{_letter('Confidence')}10", "high"]]}])
    moved = folder / "team-moved.xlsx"  # meanwhile a row is cut and pasted lower
    edit_in_libreoffice([{"input": str(team), "output": str(moved), "edits": [
        ["move", f"{_at('objective', 0)}:{_at(layout.COLUMNS[-1].key, 0)}", _at("objective", 30)]]}])
    out = folder / "collected.xlsx"
    result = _run("collect", moved, reply, "-o", out)
    recalculated = folder / "recalculated.xlsx"
    if out.exists():
        edit_in_libreoffice([{"input": str(out), "output": str(recalculated), "edits": []}])
    return moved, sam, out, recalculated, result


def test_each_value_lands_on_its_own_key_result_after_a_row_was_moved(collected):
    moved, sam, out, _, result = collected
    assert result.exit_code == 0, result.output
    sent = {row[1]: row[0] for row in CalamineWorkbook.from_path(str(sam)).get_sheet_by_name(
        "Check-in").to_python()[9:12]}  # title -> the id split gave it
    titles = list(sent)
    team = {kr.title: kr for kr in read_workbook(moved).team_quarter.key_results}
    assert all(kr.id is None for kr in team.values())  # okrsheet numbers them
    assert team[titles[0]].row == layout.FIRST_ROW + 31  # the row cut and pasted lower
    krs = {kr.title: kr for kr in read_workbook(out).team_quarter.key_results}
    assert krs[titles[0]].check_ins.get(5) == 310 and krs[titles[0]].confidences == {5: "high"}
    assert krs[titles[1]].check_ins.get(5) == 112
    assert [title for title, kr in krs.items() if 5 in kr.check_ins] == [
        title for title in krs if title in titles[:2]]


def test_nothing_else_of_the_team_file_changes(collected):
    """Every typed cell of every sheet is as it was, but the two values and the confidence."""
    moved, _, out, _, _ = collected
    before, after = typed_cells(moved.read_bytes()), typed_cells(out.read_bytes())
    changed = {(sheet, layout.cell(*place)) for sheet in before.keys() | after.keys()
               for place in before.get(sheet, {}).keys() | after.get(sheet, {}).keys()
               if before.get(sheet, {}).get(place) != after.get(sheet, {}).get(place)}
    reading = read_workbook(out)
    written = {("OKRs", reading.cell(key, kr.row)) for kr in reading.team_quarter.key_results
               for key, present in (("week_5", 5 in kr.check_ins),
                                    ("confidence_5", 5 in kr.confidences)) if present}
    assert len(written) == 3 and changed == written


def test_libreoffice_recalculates_the_collected_file_to_okrsheets_numbers(collected):
    *_, recalculated, _ = collected
    assert_one_truth(recalculated, None)
