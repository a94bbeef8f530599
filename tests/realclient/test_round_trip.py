"""Round trip through LibreOffice: workbooks from `okrsheet new`, filled in like a user would,
opened and saved by LibreOffice as .xlsx and .ods (one batch each), read back with the same
scores Python computed before the trip, and no cached formula disagreeing."""

import datetime as dt
import random

import pytest

from okrsheet.read.reader import read_workbook
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook
from scripts.libreoffice import convert
from tests import fill

WORKBOOKS = 4
ROWS = 30


@pytest.fixture(scope="module")
def trips(libreoffice, tmp_path_factory):
    folder = tmp_path_factory.mktemp("round-trip")
    expected, paths = [], []
    for number in range(WORKBOOKS):
        rows = fill.random_rows(random.Random(2000 + number), ROWS)
        base = starter("blank", team=f"Team {number}", quarter="2027-Q1")
        base.as_of = dt.date(2027, 2, 1) + dt.timedelta(days=9 * number)
        base.green_from, base.orange_from = [(0.7, 0.4), (0.8, 0.5)][number % 2]
        path = folder / f"team-{number}.xlsx"
        write_workbook(base, path)
        fill.fill_with_openpyxl(path, rows, team=base.team, green_from=base.green_from,
                                orange_from=base.orange_from, as_of=base.as_of)
        expected.append(fill.team_quarter(rows, base))
        paths.append(path)
    saved = {to: convert(paths, to, folder / to) for to in ("xlsx", "ods")}
    return [(to, model, read_workbook(path))
            for to, outputs in saved.items() for model, path in zip(expected, outputs)]


def test_same_scores_after_libreoffice_saves_as_xlsx_and_ods(trips):
    assert {to for to, _, _ in trips} == {"xlsx", "ods"}
    for to, expected, reading in trips:
        got = reading.team_quarter
        where = (to, expected.team)
        assert (got.team, got.quarter, got.as_of) == (expected.team, expected.quarter, expected.as_of), where
        assert (got.green_from, got.orange_from) == (expected.green_from, expected.orange_from)
        assert [kr.title for kr in got.key_results] == [kr.title for kr in expected.key_results], where
        assert [kr.progress for kr in got.key_results] == pytest.approx(
            [kr.progress for kr in expected.key_results], abs=1e-9), where
        assert [o.score for o in got.objectives] == pytest.approx(
            [o.score for o in expected.objectives], abs=1e-9), where
        if expected.score is None:
            assert got.score is None
        else:
            assert got.score == pytest.approx(expected.score, abs=1e-9), where
        assert [got.kr_status(kr) for kr in got.key_results] == [
            expected.kr_status(kr) for kr in expected.key_results], where
        assert got.status == expected.status, where


def test_libreoffice_cached_results_agree_with_the_recomputed_ones(trips):
    for to, expected, reading in trips:
        assert [p for p in reading.problems if p.code == "FORMULA-CHANGED"] == [], (to, expected.team)
