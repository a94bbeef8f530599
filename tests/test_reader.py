"""read_workbook: messy fixtures give the exact problems (sheet, cell, code) and the right scores."""

import datetime as dt
import random
from pathlib import Path

import pytest

from okrsheet.domain.problems import UnreadableFile
from okrsheet.read.reader import read_workbook
from okrsheet.read.reading import check_reading
from okrsheet.sheet import layout
from okrsheet.sheet.cells import parse_number
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook
from tests import fill

FIXTURES = Path(__file__).parent / "fixtures"
EAST_SCORES = [0.575, 0.75, 0.625]
TYPED_OVER = [
    ("warning", "OKRs", "V10", "FORMULA-CHANGED"),
    ("warning", "OKRs", "Y12", "FORMULA-CHANGED"),
    ("warning", "OKRs", "E2", "FORMULA-CHANGED"),
]
# LibreOffice recalculates the objective score from the typed-over Progress: one more.
TYPED_OVER_LO = TYPED_OVER[:1] + [("warning", "OKRs", "Y10", "FORMULA-CHANGED")] + TYPED_OVER[1:]

CASES = {  # fixture: (sheet, objective scores, team score, expected problems incl. checks)
    "clean.xlsx": ("OKRs", EAST_SCORES, 0.65, []),
    "clean-lo.xlsx": ("OKRs", EAST_SCORES, 0.65, []),
    "clean-lo.ods": ("OKRs", EAST_SCORES, 0.65, []),
    "merged-objectives.xlsx": ("OKRs", EAST_SCORES, 0.65, []),
    "merged-objectives-lo.xlsx": ("OKRs", EAST_SCORES, 0.65, []),
    "merged-objectives-lo.ods": ("OKRs", EAST_SCORES, 0.65, []),
    "renamed-sheet.xlsx": ("East Q1", EAST_SCORES, 0.65, []),
    # A number typed as text can't be scored by the sheet: that key result is "check input"
    # and counts for nothing (the KR at G11 here), in okrsheet as in the sheet.
    "inserted-reordered.xlsx": ("OKRs", [0.45, 0.75, 0.5], (0.45 + 0.75 + 0.5) / 3,
                                [("error", "OKRs", "G11", "TEXT-NUMBER")]),
    "text-numbers.xlsx": ("OKRs", [None, None, 1.0], 1.0, [
        ("error", "OKRs", "H10", "TEXT-NUMBER"),
        ("error", "OKRs", "M11", "TEXT-NUMBER"),
        ("error", "OKRs", "G12", "TEXT-NUMBER"),
        ("error", "OKRs", "H13", "NOT-A-NUMBER"),
        ("error", "OKRs", "H15", "TEXT-NUMBER"),
        ("error", "OKRs", "K15", "BAD-WEIGHT"),
    ]),
    "typed-over.xlsx": ("OKRs", EAST_SCORES, 0.65, TYPED_OVER),
    "typed-over-lo.xlsx": ("OKRs", EAST_SCORES, 0.65, TYPED_OVER_LO),
    "typed-over-lo.ods": ("OKRs", EAST_SCORES, 0.65, TYPED_OVER_LO),
    "missing-header.xlsx": ("OKRs", EAST_SCORES, 0.65, [("warning", "OKRs", "9:9", "MISSING-COLUMN")]),
}


def _where(problems):
    return [(problem.severity, problem.sheet, problem.cell, problem.code) for problem in problems]


@pytest.mark.parametrize("name", sorted(CASES))
def test_messy_fixture_reads_with_exact_problems(name):
    sheet, objective_scores, team_score, expected = CASES[name]
    reading = read_workbook(FIXTURES / name)
    assert _where(check_reading(reading)) == expected
    tq = reading.team_quarter
    assert reading.sheet == sheet
    assert [objective.score for objective in tq.objectives] == pytest.approx(objective_scores, abs=1e-9)
    assert tq.score == pytest.approx(team_score, abs=1e-9)
    assert tq.file == str(FIXTURES / name)


@pytest.mark.parametrize("name", ["no-header.xlsx", "other-kind.xlsx", "empty.xlsx"])
def test_workbook_without_a_table_is_one_error_and_no_model(name):
    reading = read_workbook(FIXTURES / name)
    assert reading.team_quarter is None
    assert _where(reading.problems) == [("error", None, None, "NO-TABLE")]


def test_empty_workbook_says_it_is_empty():
    assert "empty" in read_workbook(FIXTURES / "empty.xlsx").problems[0].message


def test_labelled_fields_found_where_they_moved_and_dates_derived_from_quarter():
    tq = read_workbook(FIXTURES / "inserted-reordered.xlsx").team_quarter
    assert (tq.team, tq.quarter) == ("East", "2027-Q1")
    assert (tq.green_from, tq.orange_from) == (0.8, 0.5)
    assert (tq.quarter_start, tq.quarter_end) == (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    assert tq.as_of == dt.date(2027, 2, 15)
    assert [kr.row for kr in tq.key_results] == [10, 11, 13, 14, 17, 18]
    assert [len(objective.key_results) for objective in tq.objectives] == [2, 2, 2]


def test_merged_objective_cells_belong_to_their_objective():
    tq = read_workbook(FIXTURES / "merged-objectives-lo.ods").team_quarter
    assert [[kr.title for kr in o.key_results] for o in tq.objectives] == [
        ["New ARR", "New logos"], ["Churned logos", "NPS"],
        ["Playbook published", "Reps trained on the playbook"]]


def test_as_of_argument_wins_over_the_workbook():
    reading = read_workbook(FIXTURES / "clean.xlsx", as_of=dt.date(2027, 3, 1))
    assert reading.team_quarter.as_of == dt.date(2027, 3, 1)


def test_message_names_the_value_and_what_to_do():
    problems = read_workbook(FIXTURES / "text-numbers.xlsx").problems
    error = next(problem for problem in problems if problem.cell == "H13")
    assert str(error) == f'{FIXTURES / "text-numbers.xlsx"} OKRs!H13: Target is "fifty"; type a number.'


@pytest.mark.parametrize("template", ["blank", "sales-team", "customer-success"])
def test_committed_templates_read_without_problems(template):
    reading = read_workbook(Path(__file__).parent.parent / "templates" / f"{template}.xlsx")
    assert reading.problems == []


def test_generated_filled_workbooks_read_back_the_same_scores(tmp_path):
    for seed in range(6):
        rng = random.Random(seed)
        rows, objectives = fill.random_rows(rng, 30), fill.random_objectives(rng)
        base = starter("blank", team="T", quarter="2027-Q1")
        base.as_of = dt.date(2027, 2, 1)
        expected = fill.team_quarter(rows, base, objectives)
        path = tmp_path / f"generated-{seed}.xlsx"
        write_workbook(expected, path)
        reading = read_workbook(path)
        assert [p for p in reading.problems if p.code == "FORMULA-CHANGED"] == []
        got = reading.team_quarter
        assert [o.score for o in got.objectives] == pytest.approx([o.score for o in expected.objectives], abs=1e-9)
        assert got.score == pytest.approx(expected.score, abs=1e-9)
        assert got.status == expected.status
        assert [got.kr_status(kr) for kr in got.key_results] == [
            expected.kr_status(kr) for kr in expected.key_results]
        assert [got.kr_check(kr) for kr in got.unassigned] == [
            expected.kr_check(kr) for kr in expected.unassigned]


def test_openpyxl_filled_workbook_has_no_cached_values_to_compare(tmp_path):
    rng = random.Random(7)
    rows, objectives = fill.random_rows(rng, 20), fill.random_objectives(rng)
    base = starter("blank", team="T", quarter="2027-Q1")
    path = tmp_path / "filled.xlsx"
    write_workbook(base, path)
    fill.fill_with_openpyxl(path, rows, objectives=objectives)
    reading = read_workbook(path)
    assert [p for p in reading.problems if p.code == "FORMULA-CHANGED"] == []
    assert reading.team_quarter.score == pytest.approx(
        fill.team_quarter(rows, base, objectives).score, abs=1e-9)


def test_missing_file_raises_unreadable():
    with pytest.raises(UnreadableFile, match="no such file"):
        read_workbook(FIXTURES / "nope.xlsx")


@pytest.mark.parametrize("text, number", [
    ("45", 45), ("45%", 0.45), ("1,200,000", 1200000), ("1 200", 1200), ("€1,200,000", 1200000),
    ("12.5k", 12500), ("1.200,50", 1200.5), ("8,0", 8), ("20,5", 20.5), ("-3", -3),
    ("100 EUR", 100), ("1\u00a0200", 1200), ("1.100.000,5", 1100000.5), ("0,125", 0.125),
])
def test_numbers_typed_as_text(text, number):
    assert parse_number(text) == (pytest.approx(number), True)


@pytest.mark.parametrize("text", ["fifty", "1,2,3", "1 0", "0.5.1", "n/a", "--3",
                                  "1,200", "1.200"])  # the last two: 1.2 or 1200, by locale
def test_text_that_is_not_a_number(text):
    assert parse_number(text) == (None, True)


def test_header_columns_map_to_layout_keys():
    reading = read_workbook(FIXTURES / "clean.xlsx")  # the first layout: no ID column
    assert reading.columns["target"] == layout.COLUMN_INDEX["target"] - 1
    assert reading.cell("target", 13) == "H13"
    current = read_workbook(Path(__file__).parent.parent / "templates" / "sales-team.xlsx")
    assert current.columns == {key: layout.COLUMN_INDEX[key] for key in current.columns}
    assert set(current.columns) == {column.key for column in layout.COLUMNS}


def test_two_objectives_with_one_id_both_count_its_key_results_with_a_warning(tmp_path):
    import openpyxl

    from okrsheet.domain.model import KeyResult, Objective

    team_quarter = starter("blank", team="T", quarter="2027-Q1")
    team_quarter.objectives = [Objective("Grow revenue", [KeyResult("ARR", target=10.0, current=5.0)]),
                               Objective("Grow revenue", [KeyResult("Logos", target=4.0, current=4.0)])]
    path = tmp_path / "repeated.xlsx"
    write_workbook(team_quarter, path)
    assert [o.score for o in read_workbook(path).team_quarter.objectives] == [0.5, 1.0]
    book = openpyxl.load_workbook(path)  # the second objective's ID typed as the first's
    book[layout.OKRS_SHEET][layout.objective_address("id", layout.FIRST_OBJECTIVE_ROW + 1)] = "o1"
    book.save(path)
    reading = read_workbook(path)
    assert [o.score for o in reading.team_quarter.objectives] == [0.5, 0.5]
    assert [(p.cell, p.code) for p in reading.problems if p.code != "FORMULA-CHANGED"] == [
        (f"A{layout.FIRST_OBJECTIVE_ROW + 2}", "DUPLICATE-OBJECTIVE-ID"),
        (f"A{layout.FIRST_ROW + 2}", "NO-OBJECTIVE")]


def test_a_1904_workbook_reads_a_plain_number_as_of_as_its_own_date(tmp_path):
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    path = tmp_path / "mac.xlsx"
    write_workbook(starter("sales-team", team="T", quarter="2027-Q1"), path)
    book = openpyxl.load_workbook(path)
    book.epoch = CALENDAR_MAC_1904
    book[layout.OKRS_SHEET][layout.AS_OF.value_cell] = 45_000  # a plain number, no date format
    book[layout.OKRS_SHEET][layout.AS_OF.value_cell].number_format = "General"
    book.save(path)
    as_of = read_workbook(path).team_quarter.as_of
    assert as_of == dt.date(1904, 1, 1) + dt.timedelta(days=45_000)  # 2027-03-16, not 2023


def test_the_header_row_is_the_first_with_key_result_and_three_other_known_headers():
    from okrsheet.read.calamine import header_row as _header_row

    notes = ["a note", "another", "more", "text"]
    rows = [notes * 3,
            ["Key result", "Owner", "Kind", "x", "y", "z"],  # two other headers: not enough
            ["x", "y", "z", "Key result", "Owner", "Kind", "Type"],  # the unknown texts first
            ["Key result", "Owner", "Kind", "Type"]]
    assert _header_row(rows) == 2
    assert _header_row(rows[:2] + [["Key result", "Owner", "Owner", "Kind", "Kind"]]) is None


def test_a_header_is_known_whatever_the_spaces_around_it_and_a_long_text_is_never_one():
    from okrsheet.read.reading import LONGEST_HEADER, header_key

    assert header_key(" " * 300 + "Key result ") == "title"
    assert header_key("Key result" + "." * LONGEST_HEADER) is None


def _retyped(path, cells):
    """The workbook at ``path`` with OKRs-sheet cells replaced as a spreadsheet saves them:
    ``{"AE25": '<c r="AE25" t="inlineStr"><is><t>green</t></is></c>'}``."""
    import re
    import zipfile

    out = path.with_name(f"retyped-{path.name}")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for ref, cell in cells.items():
                    text, count = re.subn(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', cell, text, count=1)
                    assert count == 1, ref
                data = text.encode()
            target.writestr(item, data)
    return out


def _text_cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _sales_team(tmp_path):
    tq = starter("sales-team", team="Sales", quarter="2027-Q1")
    tq.key_results[0].check_ins = {3: 30000.0}  # red: 30,000 of 200,000
    path = tmp_path / "sales.xlsx"
    write_workbook(tq, path)
    return path


def test_green_typed_over_a_red_status_is_an_error_at_the_cell_not_what_the_summary_uses(tmp_path):
    status = layout.address("status", layout.FIRST_ROW)
    path = _retyped(_sales_team(tmp_path), {status: _text_cell(status, "green")})
    reading = read_workbook(path)
    (problem,) = [p for p in reading.problems if p.cell == status]
    assert (problem.severity, problem.code) == ("error", "FORMULA-CHANGED")
    assert 'Status shows "green" but the inputs give red' in problem.message
    tq = reading.team_quarter
    assert tq.kr_status(tq.key_results[0]) == "red"


def test_a_status_typed_over_in_other_capitals_is_the_same_status(tmp_path):
    status = layout.address("status", layout.FIRST_ROW)
    path = _retyped(_sales_team(tmp_path), {status: _text_cell(status, "RED")})
    assert [p for p in read_workbook(path).problems if p.cell == status] == []


def test_green_typed_over_an_objective_status_is_an_error_at_the_cell(tmp_path):
    status = layout.objective_address("status", layout.FIRST_OBJECTIVE_ROW)
    path = _retyped(_sales_team(tmp_path), {status: _text_cell(status, "green")})
    (problem,) = [p for p in read_workbook(path).problems if p.cell == status]
    assert problem.severity == "error" and "Objective status shows \"green\"" in problem.message


def test_green_typed_over_the_team_status_is_an_error_at_the_cell(tmp_path):
    status = layout.TEAM_STATUS.value_cell
    path = _retyped(_sales_team(tmp_path), {status: _text_cell(status, "green")})
    (problem,) = [p for p in read_workbook(path).problems if p.cell == status]
    assert problem.severity == "error" and 'Team status shows "green"' in problem.message


def test_open_actions_showing_ref_means_the_actions_sheet_was_deleted(tmp_path):
    cell = layout.address("open_actions", layout.FIRST_ROW)
    path = _retyped(_sales_team(tmp_path), {cell: f'<c r="{cell}" t="e"><v>#REF!</v></c>'})
    (problem,) = [p for p in read_workbook(path).problems if p.code == "NO-ACTIONS-SHEET"]
    assert (problem.severity, problem.cell) == ("error", cell)
    assert "Open actions shows #REF!: the Actions sheet was deleted" in problem.message


def test_merged_objective_cells_are_named_and_no_formula_is_said_to_be_typed_over(tmp_path):
    import openpyxl

    path = _sales_team(tmp_path)
    book = openpyxl.load_workbook(path)
    first, last = (layout.address("objective", layout.FIRST_ROW + n) for n in (0, 2))
    book[layout.OKRS_SHEET].merge_cells(f"{first}:{last}")  # as Excel: covered cells emptied
    book.save(path)
    problems = check_reading(read_workbook(path))
    covered = [layout.address("objective", layout.FIRST_ROW + n) for n in (1, 2)]
    merged = [p for p in problems if p.code == "MERGED-CELLS"]
    assert [(p.severity, p.cell) for p in merged] == [("error", cell) for cell in covered]
    assert f"merged cells {first}:{last} show \"O1\" only in their first cell" in merged[0].message
    assert merged[0].message.endswith("Unmerge and type the objective id in each row.")
    assert not [p for p in problems if p.code in ("FORMULA-CHANGED", "NO-OBJECTIVE")]


@pytest.mark.parametrize("cell, value, shown", [
    ("N10", '<c r="N10" t="e"><v>#DIV/0!</v></c>', "#DIV/0!"),
    ("N10", '<c r="N10"><v>NaN</v></c>', "#NUM!"),
    ("H10", '<c r="H10"><v>INF</v></c>', "#NUM!"),
    ("H10", '<c r="H10" t="e"><v>#N/A</v></c>', "#N/A"),
])
def test_the_first_layout_names_error_values_nan_and_inf_at_their_cell(tmp_path, cell, value, shown):
    import shutil

    path = tmp_path / "clean.xlsx"
    shutil.copy(FIXTURES / "clean.xlsx", path)  # the first layout: objective text on KR rows
    problems = check_reading(read_workbook(_retyped(path, {cell: value})))
    (problem,) = [p for p in problems if p.cell == cell]
    assert (problem.severity, problem.code) == ("error", "ERROR-VALUE")
    assert f"holds the error value {shown}" in problem.message
