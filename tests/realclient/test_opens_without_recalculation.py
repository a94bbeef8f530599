"""LibreOffice with its default settings shows the cached results; okrsheet caches the right ones.

XlsxWriter caches 0 for a formula unless told otherwise, and LibreOffice 7.4 does not
recalculate .xlsx files on load by default. The writer caches the values the Python scorer
computes, so a workbook opened straight after generation already shows correct numbers.
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


@pytest.fixture(scope="module")
def shown(libreoffice, tmp_path_factory):
    folder = tmp_path_factory.mktemp("no-recalc")
    cases, paths = [], []
    for number in range(3):
        rows = fill.random_rows(random.Random(500 + number), 30)
        base = starter("blank", team=f"Team {number}", quarter="2027-Q1")
        base.as_of = dt.date(2027, 2, 10)
        expected = fill.team_quarter(rows, base)
        path = folder / f"generated-{number}.xlsx"
        write_workbook(expected, path)
        written = read_workbook(path).team_quarter  # the same key results, with their sheet rows
        assert written.score == pytest.approx(expected.score, abs=1e-12)
        cases.append(written)
        paths.append(path)
    saved = convert(paths, "xlsx", folder / "saved", recalculate=False)
    return [(expected, openpyxl.load_workbook(path, data_only=True)[layout.OKRS_SHEET])
            for expected, path in zip(cases, saved)]


def test_a_generated_workbook_shows_correct_scores_without_recalculation(shown):
    for expected, sheet in shown:
        for kr in expected.key_results:
            row = kr.row - 1
            assert sheet[layout.address("progress", row)].value == pytest.approx(kr.progress, abs=1e-12)
            assert sheet[layout.address("status", row)].value == expected.kr_status(kr)
        assert sheet[layout.TEAM_SCORE.value_cell].value == pytest.approx(expected.score, abs=1e-12)
        assert sheet[layout.TEAM_STATUS.value_cell].value == expected.status


def test_a_formula_cached_as_0_would_show_0_without_recalculation(libreoffice, tmp_path):
    """Why the writer caches values: XlsxWriter's default cache of 0 is what LibreOffice shows."""
    import xlsxwriter

    path = tmp_path / "default-cache.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    sheet.write_number("A1", 5)
    sheet.write_formula("B1", "=A1*2")
    book.close()
    (kept,) = convert([path], "xlsx", tmp_path / "kept", recalculate=False)
    (recalculated,) = convert([path], "xlsx", tmp_path / "recalculated", recalculate=True)
    assert openpyxl.load_workbook(kept, data_only=True).active["B1"].value == 0
    assert openpyxl.load_workbook(recalculated, data_only=True).active["B1"].value == 10
