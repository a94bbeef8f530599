"""The spreadsheet is the spec: LibreOffice's recalculated formulas equal okrsheet.domain.scoring.

Workbooks from ``okrsheet new`` are filled in like a user would (input cells only, with
openpyxl, which drops every cached result), recalculated by LibreOffice headless, and
every Input check, Progress, Status, Pace, objective score and status, TeamScore and team
status is compared case by case, for good entries and for every kind of unusable one.
"""

import datetime as dt
import random

import openpyxl
import pytest

from okrsheet.read.reader import read_workbook
from okrsheet.sheet import layout
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook
from scripts.libreoffice import convert
from tests import fill

WORKBOOKS = 8
ROWS = 36  # 8 x 36 = 288 random key-result rows
SETTINGS = [(0.7, 0.4), (0.9, 0.7), (0.7, 0.4), (0.5, 0.25)]
AS_OF = [dt.date(2027, 2, 15), dt.date(2027, 1, 1), dt.date(2027, 3, 31), dt.date(2026, 12, 1)]


@pytest.fixture(scope="module")
def filled(libreoffice, tmp_path_factory):
    """(rows typed, the model they mean, path) for each random workbook."""
    folder = tmp_path_factory.mktemp("parity")
    cases = []
    for number in range(WORKBOOKS):
        rng = random.Random(1000 + number)
        rows = fill.random_rows(rng, ROWS, odd=0.06)
        objectives = fill.random_objectives(rng)
        green, orange = SETTINGS[number % len(SETTINGS)]
        base = starter("blank", team=f"Team {number}", quarter="2027-Q1")
        base.green_from, base.orange_from = green, orange
        base.as_of = AS_OF[number % len(AS_OF)]
        path = folder / f"filled-{number}.xlsx"
        write_workbook(base, path)
        fill.fill_with_openpyxl(path, rows, objectives=objectives, green_from=green,
                                orange_from=orange, as_of=base.as_of)
        cases.append((rows, fill.team_quarter(rows, base, objectives), path))
    return cases


@pytest.fixture(scope="module")
def recalculated(filled):
    """(rows, expected model, LibreOffice-recalculated openpyxl sheet) for each workbook."""
    paths = [path for _, _, path in filled]
    saved = convert(paths, "xlsx", paths[0].parent / "recalculated")
    sheets = []
    for path in saved:
        sheet = openpyxl.load_workbook(path, data_only=True)[layout.OKRS_SHEET]
        sheet.parent.path = path
        sheets.append(sheet)
    return [(rows, expected, sheet) for (rows, expected, _), sheet in zip(filled, sheets)]


@pytest.fixture(scope="module")
def rendered(filled):
    """(expected model, rows of (text, background colour) as LibreOffice renders the OKRs sheet)."""
    paths = [path for _, _, path in filled]
    pages = convert(paths, "html", paths[0].parent / "rendered")
    return [(expected, _html_cells(page)) for (_, expected, _), page in zip(filled, pages)]


def _value(sheet, key, row):
    value = sheet[layout.address(key, row)].value
    return "" if value is None else value


def test_input_check_progress_status_and_pace_match_for_every_row(recalculated):
    compared = checked = 0
    for rows, expected, sheet in recalculated:
        by_row = {kr.row: kr for kr in expected.key_results + expected.unassigned}
        for index in range(len(rows)):
            row = layout.FIRST_ROW + index
            kr = by_row.get(row + 1)
            where = (f"{expected.team} row {row + 1}", rows[index])
            if kr is None:
                assert _value(sheet, "progress", row) == "", where
                continue
            check = expected.kr_check(kr)
            assert (_value(sheet, "input_check", row) or None) == check, where
            progress = 0.0 if check else kr.progress
            assert _value(sheet, "progress", row) == pytest.approx(progress, abs=1e-9), where
            assert _value(sheet, "status", row) == expected.kr_status(kr), where
            assert (_value(sheet, "pace", row) or None) == expected.pace(kr), where
            assert (_value(sheet, "confidence", row) or None) == kr.confidence_value, where
            compared += 1
            checked += check is not None
    assert compared >= 200
    assert checked >= 40  # unusable entries of every kind were typed


def test_objective_and_team_scores_and_statuses_match(recalculated):
    for rows, expected, sheet in recalculated:
        by_row = {objective.row: objective for objective in expected.objectives}
        scores = expected.scores()
        for row in range(layout.FIRST_OBJECTIVE_ROW, layout.LAST_OBJECTIVE_ROW + 1):
            objective = by_row.get(row + 1)
            score = sheet[layout.objective_address("score", row)].value
            status = sheet[layout.objective_address("status", row)].value
            where = (expected.team, row + 1)
            if objective is None:
                assert score in (None, "") and status in (None, ""), where
                continue
            if objective.score is None:
                assert score in (None, ""), where
            else:
                assert score == pytest.approx(objective.score, abs=1e-9), where
            assert (status or None) == expected.objective_status(objective), where
        team_score = sheet[layout.TEAM_SCORE.value_cell].value
        if expected.score is None:
            assert team_score in (None, "")
        else:
            assert team_score == pytest.approx(expected.score, abs=1e-9)
            assert scores.score == pytest.approx(expected.score, abs=1e-12)
        assert (sheet[layout.TEAM_STATUS.value_cell].value or None) == expected.status
        assert scores.status == expected.status
        assert sheet[layout.ELAPSED.value_cell].value == pytest.approx(expected.elapsed(), abs=1e-12)


def test_the_reader_reads_what_libreoffice_saved_as_the_sheet_shows_it(recalculated, tmp_path):
    """okrsheet score on LibreOffice's own copy equals LibreOffice's numbers."""
    for rows, expected, sheet in recalculated:
        reading = read_workbook(sheet.parent.path)
        tq = reading.team_quarter
        assert [problem for problem in reading.problems if problem.code == "FORMULA-CHANGED"] == []
        assert (tq.score is None) == (expected.score is None)
        if expected.score is not None:
            assert tq.score == pytest.approx(expected.score, abs=1e-9)
        assert tq.status == expected.status
        assert sorted(kr.row for kr in tq.unassigned) == sorted(kr.row for kr in expected.unassigned)


def test_team_score_name_points_at_the_team_score(recalculated):
    _, expected, sheet = recalculated[0]
    book = sheet.parent
    name = book.defined_names[layout.TEAM_SCORE_NAME]
    sheet_name, ref = next(iter(name.destinations))
    assert book[sheet_name][ref.replace("$", "")].value == pytest.approx(expected.score, abs=1e-9)


def test_conditional_colours_shown_by_libreoffice_match_the_python_status(rendered):
    fills = {status: fill for status, (fill, _) in layout.STATUS_COLOURS.items()}
    pace_fills = {"on track": fills["green"], "at risk": fills["orange"], "behind": fills["red"]}
    visible = [index for index, column in enumerate(layout.COLUMNS) if not column.hidden]
    at = {key: visible.index(layout.COLUMN_INDEX[key]) for key in ("progress", "status", "pace")}
    coloured = 0
    for expected, cells in rendered:
        for kr in expected.key_results + expected.unassigned:
            row = cells[kr.row - 1]
            status = expected.kr_status(kr)
            assert row[at["status"]] == (status, fills[status]), (expected.team, kr.row)
            assert row[at["progress"]][1] == fills[status], (expected.team, kr.row)
            pace = expected.pace(kr)
            if pace:
                assert row[at["pace"]][1] == pace_fills[pace], (expected.team, kr.row)
            coloured += 1
        status_column = layout.OBJECTIVE_COLUMN_INDEX["status"]
        for objective in expected.objectives:
            status = expected.objective_status(objective)
            shown = cells[objective.row - 1][status_column]
            assert shown == ((status, fills[status]) if status else ("", shown[1])), objective.row
        team_row = cells[layout.TEAM_SCORE.row]
        team_colour = team_row[layout.TEAM_SCORE.column + 1][1]
        if expected.status is not None:
            assert team_colour == fills[expected.status], expected.team
    assert coloured >= 200


def _html_cells(page):
    """The first sheet of a LibreOffice HTML export as rows of (text, bgcolor) (hidden columns omitted)."""
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tables, self.cell = [], None

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                self.tables.append([])
            elif tag == "tr":
                self.tables[-1].append([])
            elif tag == "td":
                self.cell = [ "", (dict(attrs).get("bgcolor") or "").upper()]
                for _ in range(int(dict(attrs).get("colspan", 1))):
                    self.tables[-1][-1].append(self.cell)

        def handle_endtag(self, tag):
            if tag == "td":
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell[0] += data

    parser = Cells()
    parser.feed(page.read_text(encoding="utf-8", errors="replace"))
    return [[(text.strip(), colour) for text, colour in row] for row in parser.tables[0]]


@pytest.fixture(scope="module")
def gnumeric(filled):
    """Each random workbook recalculated by Gnumeric (ssconvert --recalc), as openpyxl sheets."""
    import shutil
    import subprocess

    from tests.conftest import IN_CI

    if shutil.which("ssconvert") is None:
        if IN_CI:
            pytest.fail("Gnumeric (ssconvert) is missing in CI; .ci/run must install gnumeric")
        pytest.skip("Gnumeric (ssconvert) is not installed; install gnumeric")
    sheets = []
    for _, _, path in filled:
        out = path.parent / "gnumeric" / path.name
        out.parent.mkdir(exist_ok=True)
        subprocess.run(["ssconvert", "--recalc", str(path), str(out)], check=True,
                       capture_output=True, timeout=120)
        sheets.append(openpyxl.load_workbook(out, data_only=True)[layout.OKRS_SHEET])
    return sheets


def test_gnumeric_computes_every_formula_cell_as_libreoffice_does(recalculated, gnumeric):
    """A third engine: every cell of the two tables and the scores, Gnumeric against LibreOffice."""
    compared = 0
    for (_, expected, libre), gnu in zip(recalculated, gnumeric):
        for row in libre.iter_rows(min_row=1, max_row=layout.FIRST_ROW + layout.READY_ROWS,
                                   max_col=len(layout.COLUMNS)):
            for cell in row:
                ours, theirs = _plain(cell.value), _plain(gnu[cell.coordinate].value)
                if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)):
                    # LibreOffice saves 15 significant digits, Gnumeric 17
                    assert theirs == pytest.approx(ours, rel=1e-14, abs=1e-9), (expected.team, cell.coordinate)
                else:
                    assert theirs == ours, (expected.team, cell.coordinate)
                compared += 1
    assert compared > 10000


def _plain(value):
    """A cell value with blanks as "" and dates as their numbers (programs pass a date format
    on to a formula's result differently)."""
    import datetime as dt

    from okrsheet.sheet.cells import date_serial

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return date_serial(value)
    return value
