"""Priority actions: an Actions sheet whose rows name key results by id, counted per key result."""

import datetime as dt
import json

import openpyxl
from click.testing import CliRunner

from okrsheet.cli import main
from okrsheet.domain.model import Action
from okrsheet.read.reader import read_workbook
from okrsheet.sheet import layout
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook

AS_OF = dt.date(2027, 2, 10)


def _sales(tmp_path, actions):
    tq = starter("sales-team", team="Sales", quarter="2027-Q1")
    tq.as_of = AS_OF
    tq.actions = actions
    path = tmp_path / "sales.xlsx"
    write_workbook(tq, path)
    return path


ACTIONS = [
    Action("Call the CFO about the renewal", "O1.1", "Sam", dt.date(2027, 2, 1)),  # overdue
    Action("Draft the mid-market pricing page", "o1.1", "Priya", dt.date(2027, 3, 1)),  # open
    Action("Book the kick-off", "O1.1", "Sam", dt.date(2027, 1, 5), done=True),  # done
    Action("Review forecast method", "O2.2", None, None),  # open, no due date
]


def test_each_key_result_shows_its_open_and_overdue_actions(tmp_path):
    path = _sales(tmp_path, ACTIONS)
    sheet = openpyxl.load_workbook(path, data_only=True)[layout.OKRS_SHEET]
    first = layout.FIRST_ROW
    counts = [(sheet[layout.address("open_actions", first + n)].value,
               sheet[layout.address("overdue_actions", first + n)].value) for n in (0, 1, 4)]
    assert counts == [(2, 1), (0, 0), (1, 0)]  # O1.1: two open, one overdue; O2.2: one open
    states = [row[5] for row in openpyxl.load_workbook(path, data_only=True)[layout.ACTIONS_SHEET]
              .iter_rows(min_row=2, max_row=5, values_only=True)]
    assert states == ["overdue", "open", "done", "open"]


def test_actions_read_back_and_unfinished_ones_carry_into_next_quarter(tmp_path):
    path = _sales(tmp_path, ACTIONS)
    read = read_workbook(path).team_quarter
    assert [(a.title, a.key_result, a.due, a.done) for a in read.actions] == [
        (a.title, a.key_result, a.due, a.done) for a in ACTIONS]
    assert read.action_counts("O1.1", AS_OF) == (2, 1)
    following = tmp_path / "q2.xlsx"
    result = CliRunner().invoke(main, ["next", str(path), "-o", str(following)])
    assert result.exit_code == 0, result.output
    assert [a.title for a in read_workbook(following).team_quarter.actions] == [
        "Call the CFO about the renewal", "Draft the mid-market pricing page",
        "Review forecast method"]


def test_score_json_lists_actions_and_counts_them_per_key_result(tmp_path):
    path = _sales(tmp_path, ACTIONS)
    card = json.loads(CliRunner().invoke(main, ["score", str(path), "--format", "json"]).output)
    first = card["objectives"][0]["key_results"][0]
    assert (first["open_actions"], first["overdue_actions"]) == (2, 1)
    assert [action["overdue"] for action in card["actions"]] == [True, False, False, False]


def test_an_action_naming_an_unknown_id_says_check_in_its_state_and_the_sheet_check(tmp_path):
    path = _sales(tmp_path, [Action("Call the CFO", "O9.9", "Sam", dt.date(2027, 2, 1))])
    book = openpyxl.load_workbook(path, data_only=True)
    assert book[layout.ACTIONS_SHEET]["F2"].value == "check key result"
    assert book[layout.OKRS_SHEET][layout.SHEET_CHECK.value_cell].value == \
        "1 action(s) to check: see State on Actions"
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert f"error: {path} Actions!B2: Key result is \"O9.9\", which is the ID of no key " \
        "result" in " ".join(result.output.split())


def test_an_action_due_typed_as_text_is_an_error_at_its_due_cell(tmp_path):
    path = _sales(tmp_path, ACTIONS)
    book = openpyxl.load_workbook(path)
    book[layout.ACTIONS_SHEET]["D3"] = "19/02/2027"  # text: LibreOffice (en-US) keeps it so
    book.save(path)
    reading = read_workbook(path)
    (problem,) = [p for p in reading.problems if p.code == "ACTION-DUE"]
    assert (problem.severity, problem.sheet, problem.cell) == ("error", "Actions", "D3")
    assert '"19/02/2027", which is not a date' in problem.message
    assert reading.team_quarter.actions[1].due is None  # never overdue, as in the sheet
