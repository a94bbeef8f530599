"""Starter workbooks: layout, formulas, look, portability, text safety."""

import datetime as dt
import zipfile

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from okrsheet.domain.model import KeyResult, Objective
from okrsheet.sheet import layout
from okrsheet.write.templates import TEMPLATES, starter, template_bytes
from okrsheet.write.writer import workbook_bytes, write_workbook
from tests.portability import portability_problems

TEMPLATES_DIR = __import__("pathlib").Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture
def sales_team(tmp_path):
    path = tmp_path / "sales.xlsx"
    write_workbook(starter("sales-team", quarter="2027-Q1"), path)
    return path


def _cells(path, sheet=layout.OKRS_SHEET):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_committed_templates_are_what_the_code_makes_now(name):
    committed = (TEMPLATES_DIR / f"{name}.xlsx").read_bytes()
    assert committed == template_bytes(name), f"run python scripts/make_templates.py ({name})"


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_template_is_portable(name, tmp_path):
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(template_bytes(name))
    assert portability_problems(path) == []


def test_header_row_holds_the_required_headers(sales_team):
    header = [str(value) for value in _cells(sales_team)[layout.HEADER_ROW]]
    for text in layout.REQUIRED_HEADERS:
        assert text in header


def test_team_quarter_dates_and_calendar_are_filled_in(sales_team):
    rows = _cells(sales_team)
    assert rows[layout.TEAM.row][layout.TEAM.column] == "Team"
    assert rows[layout.TEAM.row][layout.TEAM.column + 1] == "Sales"
    assert rows[layout.QUARTER.row][layout.QUARTER.column + 1] == "2027-Q1"
    assert rows[layout.QUARTER_START.row][1] == dt.date(2027, 1, 1)
    assert rows[layout.QUARTER_END.row][1] == dt.date(2027, 3, 31)
    calendar = rows[layout.CALENDAR_ROW + 2][layout.CALENDAR_COLUMN + 1:layout.CALENDAR_COLUMN + 8]
    assert calendar[0] == dt.date(2027, 1, 1)  # week 1: definition
    assert calendar[1] == dt.date(2027, 1, 15)  # week 3: first check-in
    assert calendar[-1] == dt.date(2027, 3, 26)  # week 13: review


def test_at_least_60_ready_rows_carry_formulas_and_show_nothing_while_empty(sales_team):
    sheet = openpyxl.load_workbook(sales_team)[layout.OKRS_SHEET]
    last = layout.FIRST_ROW + 60
    assert layout.READY_ROWS >= 60
    for row in range(layout.FIRST_ROW, last):
        assert str(sheet[layout.address("progress", row)].value).startswith("=IF(")
        assert str(sheet[layout.address("status", row)].value).startswith("=IF(")
    cached = _cells(sales_team)
    assert cached[last - 1][layout.COLUMN_INDEX["progress"]] == ""
    assert cached[last - 1][layout.COLUMN_INDEX["status"]] == ""


def test_team_score_is_a_defined_name(sales_team):
    book = openpyxl.load_workbook(sales_team)
    destinations = list(book.defined_names[layout.TEAM_SCORE_NAME].destinations)
    assert destinations == [(layout.OKRS_SHEET, layout.absolute(layout.TEAM_SCORE.value_cell))]


def test_formulas_carry_the_python_values_so_libreoffice_shows_them_without_recalculating(tmp_path):
    team_quarter = starter("sales-team", quarter="2027-Q1")
    first = team_quarter.objectives[0].key_results
    first[0].check_ins = {3: 90000, 5: 200000}
    first[1].current = 6
    path = tmp_path / "filled.xlsx"
    write_workbook(team_quarter, path, today=dt.date(2027, 2, 1))
    rows = _cells(path)
    row = rows[layout.FIRST_ROW]
    assert row[layout.COLUMN_INDEX["current"]] == 200000
    assert row[layout.COLUMN_INDEX["progress"]] == pytest.approx(200000 / 450000)
    assert row[layout.COLUMN_INDEX["status"]] == "orange"
    objective_row = rows[layout.FIRST_OBJECTIVE_ROW]
    assert objective_row[layout.OBJECTIVE_COLUMN_INDEX["id"]] == "O1"
    assert objective_row[layout.OBJECTIVE_COLUMN_INDEX["score"]] == pytest.approx(
        team_quarter.objectives[0].score)
    assert row[layout.COLUMN_INDEX["objective"]] == "O1"
    assert rows[layout.TEAM_SCORE.row][layout.TEAM_SCORE.column + 1] == pytest.approx(team_quarter.score)
    assert rows[layout.FIRST_ROW + 2][layout.COLUMN_INDEX["status"]] == "not updated"


def test_drop_downs_colours_frozen_header_and_percent_format(sales_team):
    sheet = openpyxl.load_workbook(sales_team)[layout.OKRS_SHEET]
    lists = {str(validation.sqref).split(":")[0].rstrip("0123456789"): validation.formula1
             for validation in sheet.data_validations.dataValidation if validation.type == "list"}
    assert '"increase,decrease,stay above,stay below,milestone"' == lists[layout.letter("type")]
    assert '"high,medium,low"' == lists[layout.letter("confidence")]
    assert lists[layout.letter("objective")] == layout.objective_range("id")
    assert sheet.freeze_panes == f"C{layout.FIRST_ROW + 1}"
    assert sheet[layout.address("progress", layout.FIRST_ROW)].number_format == "0%"
    coloured = " ".join(str(rule.sqref) for rule in sheet.conditional_formatting)
    for key in ("progress", "status", "pace", "input_check"):
        assert layout.letter(key) in coloured
    assert layout.objective_address("score", layout.FIRST_OBJECTIVE_ROW) in coloured
    assert layout.TEAM_SCORE.value_cell in coloured
    assert "Guide" in openpyxl.load_workbook(sales_team).sheetnames


def test_user_text_is_written_as_text_never_as_a_formula(tmp_path):
    titles = ["=1+1", "+49 123", '=HYPERLINK("http://x","click")', "@SUM(1)", "-2+3"]
    team_quarter = starter("blank", team="=cmd|' /C calc'!A0", quarter="2027-Q1")
    team_quarter.objectives = [Objective(title, [KeyResult(title, owner=title, unit=title)])
                               for title in titles]
    path = tmp_path / "texts.xlsx"
    write_workbook(team_quarter, path)
    sheet = openpyxl.load_workbook(path)[layout.OKRS_SHEET]
    assert sheet[layout.TEAM.value_cell].data_type == "s"
    for index, title in enumerate(titles):
        cell = sheet[layout.objective_address("title", layout.FIRST_OBJECTIVE_ROW + index)]
        assert (cell.value, cell.data_type) == (title, "s")
        for key in ("title", "owner", "unit"):
            cell = sheet[layout.address(key, layout.FIRST_ROW + index)]
            assert (cell.value, cell.data_type) == (title, "s")


def test_writing_is_atomic_and_never_replaces_a_file_without_force(tmp_path):
    path = tmp_path / "okrs.xlsx"
    path.write_bytes(b"precious")
    from okrsheet.domain.problems import OutputExists

    with pytest.raises(OutputExists):
        write_workbook(starter("blank", quarter="2027-Q1"), path)
    assert path.read_bytes() == b"precious"
    write_workbook(starter("blank", quarter="2027-Q1"), path, force=True)
    assert zipfile.is_zipfile(path)
    assert [p.name for p in tmp_path.iterdir()] == ["okrs.xlsx"]  # no temporary left behind


def test_workbook_bytes_are_reproducible():
    team_quarter = starter("sales-team", quarter="2027-Q2")
    day = dt.date(2027, 4, 20)
    assert workbook_bytes(team_quarter, today=day) == workbook_bytes(team_quarter, today=day)


def test_a_fresh_workbook_shows_not_updated_rather_than_a_red_team_score(sales_team):
    rows = _cells(sales_team)
    assert rows[layout.TEAM_SCORE.row][layout.TEAM_SCORE.column + 1] == 0
    assert rows[layout.TEAM_STATUS.row][layout.TEAM_STATUS.column + 1] == "not updated"
    statuses = {row[layout.COLUMN_INDEX["status"]] for row in rows[layout.FIRST_ROW:]}
    assert statuses == {"not updated", ""}


def test_text_longer_than_a_cell_holds_is_refused_not_cut(tmp_path):
    from okrsheet.domain.problems import OkrsheetError

    team_quarter = starter("sales-team", quarter="2027-Q1")
    team_quarter.key_results[0].comment = "x" * 40_000
    with pytest.raises(OkrsheetError, match=r"comment: 40,000 characters; .* at most 32,767"):
        write_workbook(team_quarter, tmp_path / "long.xlsx")
    assert not (tmp_path / "long.xlsx").exists()


def test_the_sheet_check_written_counts_shared_ids_and_odd_confidences(tmp_path):
    tq = starter("sales-team", team="Sales", quarter="2027-Q1")
    tq.key_results[0].id = tq.key_results[1].id = "O1.1"
    path = tmp_path / "shared.xlsx"
    write_workbook(tq, path)
    sheet = openpyxl.load_workbook(path, data_only=True)[layout.OKRS_SHEET]
    assert sheet[layout.SHEET_CHECK.value_cell].value == "2 row(s) share an ID: give each its own"
    tq = starter("sales-team", team="Sales", quarter="2027-Q1")
    tq.key_results[0].confidences = {3: "med"}
    write_workbook(tq, tmp_path / "med.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "med.xlsx", data_only=True)[layout.OKRS_SHEET]
    # the week's cell, and Confidence that shows it
    assert sheet[layout.SHEET_CHECK.value_cell].value == "2 confidence(s) not high, medium or low"
