"""An .xls copy saved by LibreOffice (Excel 97-2003) is read by the one way in
(``read_workbook``) and scored as its .xlsx original."""

import shutil
from pathlib import Path

import pytest

from okrsheet.quarterend.summary import summarise
from okrsheet.read.reader import read_workbook
from scripts.libreoffice import convert

ROOT = Path(__file__).resolve().parent.parent.parent
NAMES = ("2026-Q4/new-business.xlsx", "2026-Q3/new-business.xlsx",
         "2026-Q2/sales-development.xlsx")


@pytest.fixture(scope="module")
def xls_copies(libreoffice, tmp_path_factory):
    folder = tmp_path_factory.mktemp("xls")
    originals = [ROOT / "samples" / name for name in NAMES]
    copies = []
    for original in originals:  # one folder each: the stems repeat across quarters
        out = folder / original.parent.name
        copies += convert([original], "xls", out, recalculate=True)
    return list(zip(originals, copies))


def test_an_xls_copy_scores_as_its_original_with_no_problem_of_its_own(xls_copies):
    for original, copy in xls_copies:
        xlsx, xls = read_workbook(original), read_workbook(copy)
        assert (xls.team_quarter.team, xls.team_quarter.quarter) == (
            xlsx.team_quarter.team, xlsx.team_quarter.quarter)
        assert xls.scores.score == pytest.approx(xlsx.scores.score, abs=1e-9)
        assert [o.score for o in xls.scores.objectives] == pytest.approx(
            [o.score for o in xlsx.scores.objectives], abs=1e-9)
        assert [p.code for p in xls.problems] == [p.code for p in xlsx.problems]
        assert all(p.file == str(copy) for p in xls.problems)


def test_a_folder_summary_reads_the_xls_copy_in_place_of_a_missing_xlsx(xls_copies, tmp_path):
    shutil.copytree(ROOT / "samples" / "2026-Q4", tmp_path / "in")
    (tmp_path / "in" / "new-business.xlsx").unlink()
    original, copy = xls_copies[0]
    shutil.copy(copy, tmp_path / "in" / "new-business.xls")
    summary = summarise([tmp_path / "in"])
    assert summary.left_out.empty
    row = summary.teams[summary.teams["team"] == "New Business"].iloc[0]
    assert row["file"].endswith("new-business.xls")
    assert row["score"] == pytest.approx(read_workbook(original).scores.score, abs=1e-9)
