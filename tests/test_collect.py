"""collect's promise: a value an owner types ends on that owner's key result, or collect
refuses by name, and nothing else of the team workbook changes."""

import random

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from okrsheet.cli import main
from okrsheet.read.reader import read_workbook
from okrsheet.sheet.layout import COLUMN_INDEX, FIRST_ROW
from okrsheet.workflows.collect import ReplyProblems, collect, collected_bytes, read_reply
from okrsheet.workflows.split import HEADERS, write_check_ins
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook
from tests.test_checkin import TODAY, _collect, _fill, _split

VALUE, LAST_VALUE = HEADERS.index("Value") + 1, HEADERS.index("Last value") + 1


@pytest.fixture
def team(tmp_path):
    path = tmp_path / "team.xlsx"
    write_workbook(starter("sales-team", team="Sales", quarter="2027-Q1"), path, today=TODAY)
    return path


def _cells(path, sheet=None):
    """Every non-blank cell of every sheet (or one), as python-calamine reads it."""
    book = CalamineWorkbook.from_path(str(path))
    found = {}
    for name in [sheet] if sheet else book.sheet_names:
        for r, row in enumerate(book.get_sheet_by_name(name).to_python(skip_empty_area=False)):
            for c, value in enumerate(row):
                if value != "":
                    found[name, r, c] = value
    return found


def _type(path, edits):
    """Type into a reply as its owner would: ``{cell: value}`` on the Check-in sheet."""
    book = openpyxl.load_workbook(path)
    for cell, value in edits.items():
        book["Check-in"][cell] = value
    book.save(path)
    return path


def _krs(path):
    return {kr.title: kr for kr in read_workbook(path).team_quarter.key_results}


def test_a_value_typed_over_last_value_is_taken_into_the_week(team, tmp_path):
    week5 = _split(team, tmp_path / "w5", week="5")
    sam = _type(week5["Sam"], {f"{chr(64 + LAST_VALUE)}10": 123000})  # Value left blank
    result = _collect(team, [sam], tmp_path / "out.xlsx")
    assert result.exit_code == 0, result.output
    assert "O1.1 week 5: 123000" in result.output
    kr = next(kr for kr in _krs(tmp_path / "out.xlsx").values() if kr.id == "O1.1")
    assert kr.check_ins == {5: 123000}


def test_a_value_typed_as_text_that_converts_without_doubt_is_taken(team, tmp_path):
    sam = _fill(_split(team, tmp_path / "w")["Sam"], tmp_path / "sam.xlsx",
                {"O1.1": ("310", None, None), "O3.1": ("1.200", None, None)})
    result = _collect(team, [sam], tmp_path / "out.xlsx", "--week", "3")
    assert result.exit_code == 1
    assert 'sam.xlsx Check-in!H12: O3.1 Value is "1.200", not a number' in result.output
    _type(sam, {"H12": "70"})
    result = _collect(team, [sam], tmp_path / "out.xlsx", "--week", "3")
    assert result.exit_code == 0, result.output
    krs = {kr.id: kr for kr in _krs(tmp_path / "out.xlsx").values()}
    assert (krs["O1.1"].check_ins, krs["O3.1"].check_ins) == ({3: 310.0}, {3: 70.0})


def test_a_title_edited_in_the_reply_retitles_its_key_result(team, tmp_path):
    sam = _type(_split(team, tmp_path / "w")["Sam"], {"B10": "Close new ARR, mid-market"})
    result = _collect(team, [sam], tmp_path / "out.xlsx", "--week", "3")
    assert result.exit_code == 0, result.output
    assert 'O1.1 title: Close new ARR, mid-market (was Close new annual' in result.output
    assert "Close new ARR, mid-market" in _krs(tmp_path / "out.xlsx")


def test_a_target_changed_in_the_reply_is_refused_by_cell(team, tmp_path):
    sam = _type(_split(team, tmp_path / "w")["Sam"], {"F10": 500000, "H10": 100000})
    result = _collect(team, [sam], tmp_path / "out.xlsx", "--week", "3")
    assert result.exit_code == 1
    assert ('Sam.xlsx Check-in!F10: O1.1 Target was changed in the reply (sent "450000", now '
            '"500000"); a check-in doesn\'t change it.') in result.output
    assert not (tmp_path / "out.xlsx").exists()


def test_a_note_typed_beside_the_table_is_refused_not_lost(team, tmp_path):
    sam = _type(_split(team, tmp_path / "w")["Sam"], {"N10": "call me"})
    result = _collect(team, [sam], tmp_path / "out.xlsx", "--week", "3")
    assert result.exit_code == 1
    assert 'Sam.xlsx Check-in!N10: "call me" is typed outside the key results\' rows' \
        in result.output


def test_a_reply_sets_only_its_own_owners_key_results(team, tmp_path):
    sam = _fill(_split(team, tmp_path / "w")["Sam"], tmp_path / "sam.xlsx",
                {"O1.1": (90000, None, None)})
    book = openpyxl.load_workbook(team)  # the team lead gives O1.1 to Priya meanwhile
    book["OKRs"].cell(FIRST_ROW + 1, COLUMN_INDEX["owner"] + 1).value = "Priya"
    book.save(tmp_path / "moved.xlsx")
    result = _collect(tmp_path / "moved.xlsx", [sam], tmp_path / "out.xlsx", "--week", "3")
    assert result.exit_code == 1
    assert "is Priya's in the team workbook, and this reply is Sam's" in result.output


def test_the_same_reply_given_twice_counts_once(team, tmp_path):
    sam = _fill(_split(team, tmp_path / "w")["Sam"], tmp_path / "sam.xlsx",
                {"O1.1": (90000, None, None)})
    copy = tmp_path / "sam-copy.xlsx"
    copy.write_bytes(sam.read_bytes())
    result = _collect(team, [sam, copy], tmp_path / "out.xlsx")
    assert result.exit_code == 0, result.output
    assert "sam-copy.xlsx is the same file as sam.xlsx: counted once." in result.output


def test_the_week_comes_from_the_replies_and_replies_of_two_weeks_need_collecting_apart(
        team, tmp_path):
    sam5 = _fill(_split(team, tmp_path / "w5", "5")["Sam"], tmp_path / "s5.xlsx",
                 {"O1.1": (90000, None, None)})
    sam7 = _fill(_split(team, tmp_path / "w7", "7")["Sam"], tmp_path / "s7.xlsx",
                 {"O1.1": (95000, None, None)})
    assert "(week 5)" in _collect(team, [sam5], tmp_path / "a.xlsx").output
    result = _collect(team, [sam5, sam7], tmp_path / "b.xlsx")
    assert result.exit_code == 1
    assert "the replies are for weeks 5, 7; collect each week's replies on their own" \
        in result.output


def test_every_other_cell_of_the_team_workbook_is_kept(team, tmp_path):
    """A Notes column, a sheet of the team's own and a typed-over Current stay as they are."""
    book = openpyxl.load_workbook(team)
    okrs = book["OKRs"]
    notes = len(HEADERS) + 60
    okrs.cell(FIRST_ROW, notes).value = "Notes"
    okrs.cell(FIRST_ROW + 1, notes).value = "ask finance"
    book.create_sheet("Ideas")["C3"] = "a second sheet"
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    sam = _fill(_split(edited, tmp_path / "w")["Sam"], tmp_path / "sam.xlsx",
                {"O1.1": (90000, "high", "signed")})
    result = _collect(edited, [sam], tmp_path / "out.xlsx", "--week", "3")
    assert result.exit_code == 0, result.output
    before, after = _cells(edited), _cells(tmp_path / "out.xlsx")
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    row = FIRST_ROW  # O1.1's row, 0-based
    assert changed == {("OKRs", row, COLUMN_INDEX[key])
                       for key in ("week_3", "confidence_3", "comment")}
    assert after["OKRs", row, notes - 1] == "ask finance" and after["Ideas", 2, 2] == "a second sheet"


def test_an_ods_team_workbook_is_refused_with_what_to_do(team, tmp_path):
    ods = tmp_path / "team.ods"
    ods.write_bytes(b"not really")
    result = _collect(ods, [team], tmp_path / "out.xlsx")
    assert result.exit_code == 1
    assert "collect writes into the team's own .xlsx workbook; open it, save it as .xlsx" \
        in result.output


# The property: random teams, random edits of the team workbook between split and collect,
# random replies.

TITLES = [f"Key result number {n}" for n in range(1, 10)]


def _team_book(path, ids_typed):
    team_quarter = starter("blank", team="West", quarter="2027-Q1")
    from okrsheet.domain.model import KeyResult, Objective

    team_quarter.objectives = [Objective(f"Objective {n}", id=f"O{n}") for n in (1, 2, 3)]
    for n, title in enumerate(TITLES):
        team_quarter.objectives[n % 3].key_results.append(KeyResult(
            title, owner=("Ana", "Ben")[n % 2], type="increase", start=0.0,
            target=100.0 + n, unit=f"tag{n}", check_ins={3: float(n)}))
    write_workbook(team_quarter, path, today=TODAY)
    if not ids_typed:  # the team left the ID column blank (okrsheet numbers them)
        book = openpyxl.load_workbook(path)
        for row in range(FIRST_ROW + 1, FIRST_ROW + 1 + len(TITLES)):
            book["OKRs"].cell(row, COLUMN_INDEX["id"] + 1).value = None
        book.save(path)


INPUTS = [key for key in ("objective", "title", "id", "owner", "type", "unit", "start", "target",
                          "week_3", "confidence_3", "comment")]


def _edit_team(path, out, rng, edit):
    """Edits a person makes between split and collect: rows moved (a permutation of the rows'
    inputs, as a sort or a cut-and-paste does), a key result deleted or added, an ID
    duplicated, a title changed."""
    book = openpyxl.load_workbook(path)
    sheet = book["OKRs"]
    rows = list(range(FIRST_ROW + 1, FIRST_ROW + 1 + len(TITLES)))
    grid = {row: [sheet.cell(row, COLUMN_INDEX[key] + 1).value for key in INPUTS] for row in rows}
    order = rows[:]
    rng.shuffle(order)
    for row, source in zip(rows, order):
        for key, value in zip(INPUTS, grid[source]):
            sheet.cell(row, COLUMN_INDEX[key] + 1).value = value
    title_at = COLUMN_INDEX["title"] + 1
    if edit == "delete":
        for key in INPUTS:
            sheet.cell(rows[0], COLUMN_INDEX[key] + 1).value = None
    elif edit == "add":
        row = rows[-1] + 1
        for key, value in zip(INPUTS, ["O1", "A new one", None, "Ana", "increase", "new", 0, 9]):
            sheet.cell(row, COLUMN_INDEX[key] + 1).value = value
    elif edit == "duplicate id":
        sheet.cell(rows[1], COLUMN_INDEX["id"] + 1).value = "O1.1"
        sheet.cell(rows[2], COLUMN_INDEX["id"] + 1).value = "O1.1"
    elif edit == "retitle":
        sheet.cell(rows[3], title_at).value = sheet.cell(rows[3], title_at).value + " (v2)"
    book.save(out)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), ids_typed=st.booleans(),
       edit=st.sampled_from(["none", "none", "delete", "add", "duplicate id", "retitle"]),
       typing=st.lists(st.sampled_from(["value", "over last", "text", "title", "nothing"]),
                       min_size=9, max_size=9))
def test_every_typed_value_lands_on_its_own_key_result_or_is_refused_by_name(
        tmp_path_factory, seed, ids_typed, edit, typing):
    rng = random.Random(seed)
    folder = tmp_path_factory.mktemp("property")
    original, edited = folder / "team.xlsx", folder / "edited.xlsx"
    _team_book(original, ids_typed)
    owners = write_check_ins(read_workbook(original).team_quarter, folder / "replies", 5)
    typed = {}  # unit tag (the key result's true identity) -> (reply, cell, what, value)
    for owner in owners:
        book = openpyxl.load_workbook(owner.path)
        sheet = book["Check-in"]
        for row in range(10, 10 + len(owner.key_results)):
            tag = sheet.cell(row, HEADERS.index("Unit") + 1).value
            how = typing[int(tag[3:])]
            value = 200 + int(tag[3:])
            if how == "value":
                sheet.cell(row, VALUE).value = value
            elif how == "over last":
                sheet.cell(row, LAST_VALUE).value = value
            elif how == "text":
                sheet.cell(row, VALUE).value = str(value)
            elif how == "title":
                sheet.cell(row, 2).value = f"Retitled {tag}"
            if how != "nothing":
                typed[tag] = (owner.path.name, row, how, value)
        book.save(owner.path)
    _edit_team(original, edited, rng, edit)
    reading = read_workbook(edited)
    replies = [read_reply(owner.path) for owner in owners]
    before = _cells(edited)
    try:
        result = collect(reading.team_quarter, replies)
    except ReplyProblems as refused:
        for problem in refused.problems:  # refused by name: reply file and cell
            assert any(problem.startswith(f"{owner.path.name} Check-in!") for owner in owners)
        # Moving rows alone never stops a collection.
        assert edit not in ("none", "add") or not typed, refused.problems
        return
    data = collected_bytes(edited.read_bytes(), reading, result)
    (folder / "out.xlsx").write_bytes(data)
    after = _cells(folder / "out.xlsx")
    by_tag = {kr.unit: kr for kr in read_workbook(folder / "out.xlsx").team_quarter.key_results}
    for tag, (_, _, how, value) in typed.items():
        kr = by_tag[tag]
        if how == "title":
            assert kr.title == f"Retitled {tag}"
        else:
            assert kr.check_ins.get(5) == value, (tag, how)
    untouched = {tag for tag in by_tag if tag not in typed}
    for tag in untouched:
        assert 5 not in by_tag[tag].check_ins
    written = {(row - 1, reading.columns[key]) for row, key in result.cells}
    for key in before.keys() | after.keys():
        if key[0] != "OKRs" or key[1:] not in written:
            assert before.get(key) == after.get(key), key


def test_a_progress_typed_over_is_refused_by_cell(team, tmp_path):
    sam = _type(_split(team, tmp_path / "w")["Sam"], {"H10": 90000, "I10": 0.9})
    result = _collect(team, [sam], tmp_path / "out.xlsx", "--week", "3")
    assert result.exit_code == 1
    assert "Sam.xlsx Check-in!I10: O1.1 Progress was typed over (0.9)" in result.output


def test_split_refuses_key_results_a_reply_could_not_be_told_apart_by(team, tmp_path):
    book = openpyxl.load_workbook(team)
    okrs = book["OKRs"]
    okrs.cell(FIRST_ROW + 2, COLUMN_INDEX["id"] + 1).value = "O1.1"  # an ID typed twice
    book.save(tmp_path / "twice.xlsx")
    result = CliRunner().invoke(main, ["split", str(tmp_path / "twice.xlsx"), "-o",
                                       str(tmp_path / "w"), "--week", "3"])
    assert result.exit_code == 1
    assert "the ID O1.1 is given to 2 key results" in result.output
    assert not (tmp_path / "w").exists() or not any((tmp_path / "w").iterdir())


def test_a_reply_sent_before_a_check_in_column_was_added_reads_its_record_by_header(
        team, tmp_path, monkeypatch):
    from okrsheet.workflows import collect as collecting
    from okrsheet.workflows.split import CONTEXT, SENT_HEADERS

    week5 = _split(team, tmp_path / "w5", week="5")
    sam = _type(week5["Sam"], {f"{chr(64 + LAST_VALUE)}10": 123000})  # typed over Last value
    after = SENT_HEADERS.index(CONTEXT[0])  # a newer okrsheet sends a Risk column too
    monkeypatch.setattr(collecting, "SENT_HEADERS",
                        (*SENT_HEADERS[:after], "Risk", *SENT_HEADERS[after:]))
    result = _collect(team, [sam], tmp_path / "out.xlsx")
    assert result.exit_code == 0, result.output
    kr = next(kr for kr in _krs(tmp_path / "out.xlsx").values() if kr.id == "O1.1")
    assert kr.check_ins == {5: 123000}
