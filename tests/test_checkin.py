"""okrsheet split and collect: owners' Check-in workbooks out, their replies back in."""

import datetime as dt
import hashlib

import pytest
from click.testing import CliRunner

from okrsheet.cli import main
from okrsheet.read.reader import read_workbook
from okrsheet.workflows.split import (
    HEADERS,
    SENT_SHEET,
    check_in_week,
    last_value,
    owner_check_ins,
)
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook

TODAY = dt.date(2027, 1, 18)  # week 3 of 2027-Q1


@pytest.fixture
def team(tmp_path):
    path = tmp_path / "team.xlsx"
    write_workbook(starter("sales-team", team="Sales", quarter="2027-Q1"), path, today=TODAY)
    return path


def _split(team, folder, week="3"):
    result = CliRunner().invoke(main, ["split", str(team), "-o", str(folder), "--week", week])
    assert result.exit_code == 0, result.output
    return {path.name.split("-")[-1][:-5]: path for path in folder.iterdir()}


def _fill(path, out, rows, **labels):
    """Fill a Check-in reply as an owner would: ``rows`` maps an id to
    (value, confidence, comment)."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book["Check-in"]
    for label, value in labels.items():  # a file split for another team, quarter or week
        for labelled in (sheet, book[SENT_SHEET]):
            for row in range(2, 7):
                if labelled.cell(row, 1).value == label.capitalize():
                    labelled.cell(row, 2).value = value
    for row in range(10, sheet.max_row + 1):
        identifier = sheet.cell(row, 1).value
        if identifier in rows:
            for header, value in zip(("Value", "Confidence", "Comment"), rows[identifier]):
                sheet.cell(row, HEADERS.index(header) + 1).value = value
    book.save(out)
    return out


def _collect(team, replies, out, *options):
    args = ["collect", str(team), *map(str, replies), "-o", str(out), *options]
    return CliRunner().invoke(main, args)


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(("day", "week"), [
    (dt.date(2027, 1, 1), 3),   # week 1: the first check-in is next
    (dt.date(2027, 1, 15), 3),  # day 14, the first day of week 3
    (dt.date(2027, 1, 28), 3),  # day 27: week 27 // 7 + 1 = 4, so still the week-3 check-in
    (dt.date(2027, 1, 29), 5),  # day 28, week 5
    (dt.date(2027, 3, 26), 13),  # day 84, week 13
    (dt.date(2027, 5, 1), 13),  # after the quarter: the review
])
def test_the_check_in_week_is_the_latest_one_started(day, week):
    assert check_in_week(starter("blank", quarter="2027-Q1"), day) == week


def test_split_writes_one_workbook_per_owner_with_only_their_key_results(team, tmp_path):
    files = _split(team, tmp_path / "out")
    assert sorted(files) == ["Alex", "Jonas", "Priya", "Sam"]
    reading = read_workbook(team)
    owners = {owner.owner: [identifier for identifier, _ in owner.key_results]
              for owner in owner_check_ins(reading.team_quarter, tmp_path, 3)}
    assert owners["Sam"] == ["O1.1", "O1.3", "O3.1"]
    assert owners["Priya"] == ["O1.2", "O2.2", "O3.2"]
    import openpyxl

    sheet = openpyxl.load_workbook(files["Sam"])["Check-in"]
    assert [cell.value for cell in sheet[9]] == list(HEADERS)
    assert [sheet[f"A{row}"].value for row in (2, 3, 4, 5)] == ["Team", "Quarter", "Week", "Owner"]
    assert [sheet[f"B{row}"].value for row in (2, 3, 4, 5)] == ["Sales", "2027-Q1", 3, "Sam"]
    assert [sheet[f"A{row}"].value for row in (10, 11, 12)] == ["O1.1", "O1.3", "O3.1"]
    assert sheet["I10"].value.startswith("=IF(B10")  # a live Progress formula
    validations = {str(rule.sqref): rule.formula1 for rule in sheet.data_validations.dataValidation}
    assert validations["K10:K12"] == '"high,medium,low"'
    priya = openpyxl.load_workbook(files["Priya"])["Check-in"]
    rules = {str(rule.sqref): rule.formula1 for rule in priya.data_validations.dataValidation}
    assert rules["H12"] == '"done,not done"'  # O3.2 is a milestone


def test_split_caches_each_progress_so_libreoffice_shows_it_without_recalculating(tmp_path):
    team_quarter = starter("sales-team", team="Sales", quarter="2027-Q1")
    kr = team_quarter.objectives[2].key_results[0]  # O3.1 decrease 74 -> 55 days
    kr.check_ins[3] = 70.0
    path = tmp_path / "team.xlsx"
    write_workbook(team_quarter, path, today=TODAY)
    files = _split(path, tmp_path / "out", week="5")
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(files["Sam"])).get_sheet_by_name("Check-in").to_python()
    row = next(line for line in rows if line[0] == "O3.1")
    # Last value 70 (week 3); progress (70 - 74) / (55 - 74) = 4 / 19 = 0.2105...
    assert row[HEADERS.index("Last value")] == 70
    assert row[HEADERS.index("Progress")] == pytest.approx(4 / 19)


def test_split_refuses_to_write_over_existing_files_without_force(team, tmp_path):
    _split(team, tmp_path / "out")
    result = CliRunner().invoke(main, ["split", str(team), "-o", str(tmp_path / "out"),
                                       "--week", "3"])
    assert result.exit_code == 2  # a usage error, as for every command
    assert "already exists" in result.output and "Traceback" not in result.output


def test_collect_writes_values_confidences_and_comments_into_the_week(team, tmp_path):
    files = _split(team, tmp_path / "out")
    sam = _fill(files["Sam"], tmp_path / "sam.xlsx",
                {"O1.1": (90000, "high", "two deals signed"), "O3.1": (70, "medium", None)})
    priya = _fill(files["Priya"], tmp_path / "priya.xlsx", {"O3.2": ("done", "high", "signed")})
    before = _sha(team), _sha(sam), _sha(priya)
    result = _collect(team, [sam, priya], tmp_path / "updated.xlsx", "--week", "3")
    assert result.exit_code == 0, result.output
    assert (_sha(team), _sha(sam), _sha(priya)) == before  # inputs never modified
    krs = {kr.id: kr for kr in read_workbook(tmp_path / "updated.xlsx").team_quarter.key_results}
    assert (krs["O1.1"].check_ins, krs["O1.1"].confidences) == ({3: 90000}, {3: "high"})
    assert (krs["O1.1"].confidence_value, krs["O1.1"].comment) == ("high", "two deals signed")
    # O1.1 progress 90000 / 450000 = 20%; O3.1 (70 - 74) / (55 - 74) = 21%
    assert krs["O1.1"].progress == pytest.approx(0.2)
    assert krs["O3.1"].progress == pytest.approx(4 / 19)
    assert krs["O3.2"].progress == 1.0
    assert "sam.xlsx: 5 change(s)" in result.output


def test_a_reply_for_the_wrong_team_quarter_or_week_is_refused_one_line_each(team, tmp_path):
    files = _split(team, tmp_path / "out")
    wrong = _fill(files["Sam"], tmp_path / "wrong.xlsx", {"O1.1": (1, None, None)},
                  team="Ops", quarter="2026-Q4", week=5)
    result = _collect(team, [wrong], tmp_path / "updated.xlsx", "--week", "3")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("Problem:")]
    assert lines == [
        'Problem: wrong.xlsx Check-in!B2: the reply is for team "Ops", not "Sales"; '
        "collect it into that team's workbook.",
        "Problem: wrong.xlsx Check-in!B3: the reply is for quarter 2026-Q4, not 2027-Q1; "
        "collect it into that quarter's workbook.",
        "Problem: wrong.xlsx Check-in!B4: the reply is for week 5, and this collection is for "
        "week 3; collect it with --week 5 (a late reply), or ask the owner for the week-3 file."]
    assert not (tmp_path / "updated.xlsx").exists()


def test_unknown_key_results_and_values_that_are_not_numbers_are_named_by_cell(team, tmp_path):
    files = _split(team, tmp_path / "out")
    sam = _fill(files["Sam"], tmp_path / "sam.xlsx",
                {"O1.1": ("ninety k", None, None), "O3.1": (70, "sure", None)})
    priya = _fill(files["Priya"], tmp_path / "priya.xlsx", {"O3.2": ("almost", None, None)})
    import openpyxl

    book = openpyxl.load_workbook(priya)
    book["Check-in"]["A10"] = "O9.9"
    book.save(priya)
    result = _collect(team, [sam, priya], tmp_path / "updated.xlsx", "--week", "3")
    assert result.exit_code == 1
    assert 'sam.xlsx Check-in!H10: O1.1 Value is "ninety k", not a number' in result.output
    assert 'sam.xlsx Check-in!K12: O3.1 Confidence is "sure"; choose high' in result.output
    assert ("priya.xlsx Check-in!A10: ID O9.9 is not a row okrsheet split sent in this reply "
            "(O1.2, O2.2, O3.2); was the ID changed or the row added?") in result.output
    assert 'priya.xlsx Check-in!H12: O3.2 is a milestone; its Value is "almost"' in result.output
    assert not (tmp_path / "updated.xlsx").exists()


def test_two_replies_with_different_values_stop_unless_prefer_chooses(team, tmp_path):
    files = _split(team, tmp_path / "out")
    first = _fill(files["Sam"], tmp_path / "sam.xlsx", {"O1.1": (90000, None, None)})
    second = _fill(files["Sam"], tmp_path / "sam-again.xlsx", {"O1.1": (95000, None, None)})
    result = _collect(team, [first, second], tmp_path / "updated.xlsx", "--week", "3")
    assert result.exit_code == 1
    assert ('Conflict: Key result O1.1 "Close new annual recurring revenue from mid-market '
            f'logos", Week 3: base blank; {first}: 90000; {second}: 95000') in result.output
    assert not (tmp_path / "updated.xlsx").exists()
    result = _collect(team, [first, second], tmp_path / "updated.xlsx", "--week", "3",
                      "--prefer", "sam-again.xlsx")
    assert result.exit_code == 0, result.output
    assert f"(kept {second})" in result.output
    krs = {kr.id: kr for kr in read_workbook(tmp_path / "updated.xlsx").team_quarter.key_results}
    assert krs["O1.1"].check_ins == {3: 95000}


def test_a_late_reply_fills_its_own_week_and_leaves_the_latest_confidence_and_comment(
        team, tmp_path):
    week3 = _split(team, tmp_path / "w3", week="3")
    week5 = _split(team, tmp_path / "w5", week="5")
    on_time = _fill(week5["Sam"], tmp_path / "sam5.xlsx", {"O1.1": (150000, "high", "on plan")})
    assert _collect(team, [on_time], tmp_path / "t5.xlsx", "--week", "5").exit_code == 0
    late = _fill(week3["Sam"], tmp_path / "sam3.xlsx", {"O1.1": (60000, "low", "slow start")})
    result = _collect(tmp_path / "t5.xlsx", [late], tmp_path / "t53.xlsx", "--week", "3")
    assert result.exit_code == 0, result.output
    kr = next(kr for kr in read_workbook(tmp_path / "t53.xlsx").team_quarter.key_results
              if kr.id == "O1.1")
    assert (kr.check_ins, kr.confidences) == ({3: 60000, 5: 150000}, {3: "low", 5: "high"})
    assert (kr.confidence_value, kr.comment) == ("high", "on plan")
    assert kr.progress == pytest.approx(150000 / 450000)


def test_the_check_in_file_shows_the_last_confidence_and_this_weeks(tmp_path):
    team_quarter = starter("sales-team", team="Sales", quarter="2027-Q1")
    kr = team_quarter.objectives[0].key_results[0]  # O1.1
    kr.check_ins, kr.confidences = {3: 1.0, 5: 2.0}, {3: "high", 5: "low"}
    path = tmp_path / "team.xlsx"
    write_workbook(team_quarter, path, today=TODAY)
    from python_calamine import CalamineWorkbook

    for week, last, this in (("5", "high", "low"), ("7", "low", "")):
        files = _split(path, tmp_path / f"w{week}", week=week)
        rows = CalamineWorkbook.from_path(str(files["Sam"])).get_sheet_by_name(
            "Check-in").to_python()
        row = next(line for line in rows if line[0] == "O1.1")
        assert (row[HEADERS.index("Last confidence")], row[HEADERS.index("Confidence")]) == (
            last, this)


def test_the_last_value_is_the_latest_check_in_before_the_week():
    kr = starter("sales-team").objectives[0].key_results[0]
    kr.check_ins = {3: 10.0, 5: 20.0, 9: 40.0}
    assert [last_value(kr, week) for week in (3, 5, 7, 11)] == [None, 10.0, 20.0, 40.0]


def test_a_reply_that_leaves_a_prefilled_cell_as_it_was_changes_nothing(team, tmp_path):
    """As in merge: only cells a reply changed can conflict (the split file prefills the
    week's confidence and the comment)."""
    files = _split(team, tmp_path / "out")
    first = _fill(files["Sam"], tmp_path / "one.xlsx", {"O1.1": (90000, "high", "signed")})
    assert _collect(team, [first], tmp_path / "t.xlsx", "--week", "3").exit_code == 0
    again = _split(tmp_path / "t.xlsx", tmp_path / "again")  # prefilled high / signed
    changed = _fill(again["Sam"], tmp_path / "changed.xlsx", {"O3.1": (70, "low", None)})
    untouched = _fill(again["Sam"], tmp_path / "untouched.xlsx", {"O3.1": (70, None, None)})
    result = _collect(tmp_path / "t.xlsx", [changed, untouched], tmp_path / "t2.xlsx",
                      "--week", "3")
    assert result.exit_code == 0, result.output
    krs = {kr.id: kr for kr in read_workbook(tmp_path / "t2.xlsx").team_quarter.key_results}
    assert (krs["O1.1"].confidence_value, krs["O1.1"].comment) == ("high", "signed")
    assert (krs["O3.1"].check_ins, krs["O3.1"].confidences) == ({3: 70}, {3: "low"})


def test_replies_that_are_not_check_in_files_get_one_line_each(team, tmp_path):
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    for reply, words in ((text, "notes.xlsx: not an Excel or LibreOffice workbook"),
                         (team, "team.xlsx: no sheet named Check-in; is this a reply to "
                                "okrsheet split?")):
        result = _collect(team, [reply], tmp_path / "updated.xlsx", "--week", "3")
        assert result.exit_code == 1
        assert words in result.output and "Traceback" not in result.output
        assert not (tmp_path / "updated.xlsx").exists()


def test_a_row_whose_id_was_cleared_is_matched_by_its_title(team, tmp_path):
    files = _split(team, tmp_path / "out")
    sam = _fill(files["Sam"], tmp_path / "sam.xlsx", {"O1.3": (20, None, None)})
    import openpyxl

    book = openpyxl.load_workbook(sam)
    book["Check-in"]["A11"] = None
    book.save(sam)
    result = _collect(team, [sam], tmp_path / "updated.xlsx", "--week", "3")
    assert result.exit_code == 0, result.output
    krs = {kr.id: kr for kr in read_workbook(tmp_path / "updated.xlsx").team_quarter.key_results}
    assert krs["O1.3"].check_ins == {3: 20}


def test_control_characters_in_replies_are_shown_escaped(team, tmp_path):
    files = _split(team, tmp_path / "out")
    escape = "_x001B_"  # ESC, as OOXML escapes it: the reader gets a real ESC
    sam = _fill(files["Sam"], tmp_path / "sam.xlsx", {"O1.1": (f"{escape}[31mlots", None, None)})
    result = _collect(team, [sam], tmp_path / "updated.xlsx", "--week", "3")
    assert result.exit_code == 1
    assert "\x1b" not in result.output and '"\\x1b[31mlots", not a number' in result.output
