"""The spreadsheet is the spec: LibreOffice's recalculated formulas equal okrsheet.scoring.

Workbooks from ``okrsheet new`` are filled in like a user would (input cells only, with
openpyxl, which drops every cached result), recalculated by LibreOffice headless, and
every Progress, Status, Pace, objective score and TeamScore is compared case by case.
"""

import datetime as dt
import random

import openpyxl
import pytest

from okrsheet import layout
from okrsheet.templates import starter
from okrsheet.writer import write_workbook
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
        rows = fill.random_rows(rng, ROWS)
        green, orange = SETTINGS[number % len(SETTINGS)]
        base = starter("blank", team=f"Team {number}", quarter="2027-Q1")
        base.green_from, base.orange_from = green, orange
        base.as_of = AS_OF[number % len(AS_OF)]
        path = folder / f"filled-{number}.xlsx"
        write_workbook(base, path)
        fill.fill_with_openpyxl(path, rows, green_from=green, orange_from=orange, as_of=base.as_of)
        cases.append((rows, fill.team_quarter(rows, base), path))
    return cases


@pytest.fixture(scope="module")
def recalculated(filled):
    """(rows, expected model, LibreOffice-recalculated openpyxl sheet) for each workbook."""
    paths = [path for _, _, path in filled]
    saved = convert(paths, "xlsx", paths[0].parent / "recalculated")
    sheets = [openpyxl.load_workbook(path, data_only=True)[layout.OKRS_SHEET] for path in saved]
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


def test_progress_status_and_pace_match_for_every_row(recalculated):
    compared = 0
    for rows, expected, sheet in recalculated:
        by_row = {kr.row: kr for kr in expected.key_results}
        for index in range(len(rows)):
            row = layout.FIRST_ROW + index
            kr = by_row.get(row + 1)
            where = f"{expected.team} {layout.address('progress', row)}"
            if kr is None:
                assert _value(sheet, "progress", row) == "", where
                continue
            assert _value(sheet, "progress", row) == pytest.approx(kr.progress, abs=1e-9), (where, rows[index])
            assert _value(sheet, "status", row) == expected.kr_status(kr), (where, rows[index])
            assert (_value(sheet, "pace", row) or None) == expected.pace(kr), (where, rows[index])
            compared += 1
    assert compared >= 200


def test_objective_and_team_scores_match(recalculated):
    for rows, expected, sheet in recalculated:
        starts = _objective_first_rows(sheet)
        assert len(starts) == len(expected.objectives), expected.team
        for row, objective in zip(starts, expected.objectives):
            value = _value(sheet, "objective_score", row)
            if objective.score is None:
                assert value == "", (expected.team, row)
            else:
                assert value == pytest.approx(objective.score, abs=1e-9), (expected.team, row)
        others = set(range(layout.FIRST_ROW, layout.FIRST_ROW + layout.READY_ROWS)) - set(starts)
        assert all(_value(sheet, "objective_score", row) == "" for row in others)
        team_score = sheet[layout.TEAM_SCORE.value_cell].value
        if expected.score is None:
            assert team_score in (None, "")
        else:
            assert team_score == pytest.approx(expected.score, abs=1e-9)
        assert (sheet[layout.TEAM_STATUS.value_cell].value or None) == expected.status
        assert sheet[layout.ELAPSED.value_cell].value == pytest.approx(expected.elapsed(), abs=1e-12)


def test_team_score_name_points_at_the_team_score(recalculated):
    _, expected, sheet = recalculated[0]
    book = sheet.parent
    name = book.defined_names[layout.TEAM_SCORE_NAME]
    sheet_name, ref = next(iter(name.destinations))
    assert book[sheet_name][ref.replace("$", "")].value == pytest.approx(expected.score, abs=1e-9)


def _objective_first_rows(sheet):
    """Rows where LibreOffice's own objective numbering starts a new objective."""
    starts, previous = [], 0
    for row in range(layout.FIRST_ROW, layout.FIRST_ROW + layout.READY_ROWS):
        number = _value(sheet, "objective_number", row)
        if number and number != previous:
            starts.append(row)
        previous = number
    return starts


def test_conditional_colours_shown_by_libreoffice_match_the_python_status(rendered):
    fills = {status: fill for status, (fill, _) in layout.STATUS_COLOURS.items()}
    pace_fills = {"on track": fills["green"], "at risk": fills["orange"], "behind": fills["red"]}
    visible = [index for index, column in enumerate(layout.COLUMNS) if not column.hidden]
    at = {key: visible.index(layout.COLUMN_INDEX[key])
          for key in ("progress", "status", "pace", "objective_score")}
    coloured = 0
    for expected, cells in rendered:
        for kr in expected.key_results:
            row = cells[kr.row - 1]
            status = expected.kr_status(kr)
            assert row[at["status"]] == (status, fills[status]), (expected.team, kr.row)
            assert row[at["progress"]][1] == fills[status], (expected.team, kr.row)
            pace = expected.pace(kr)
            if pace:
                assert row[at["pace"]][1] == pace_fills[pace], (expected.team, kr.row)
            coloured += 1
        shown = [row[at["objective_score"]][1] for row in cells[layout.FIRST_ROW:]
                 if len(row) > at["objective_score"] and row[at["objective_score"]][0]]
        scored = [objective for objective in expected.objectives if objective.score is not None]
        assert shown == [fills[expected.objective_status(objective)] for objective in scored]
        team_row = cells[layout.TEAM_SCORE.row]
        team_colour = team_row[layout.TEAM_SCORE.column + 1][1]
        if expected.score is not None:
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
