"""The summary workbook, recalculated by LibreOffice, shows the numbers `okrsheet summary`
prints (json), and keeps its charts."""

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from okrsheet.cli import main
from okrsheet.outputs.summary_workbook import header_text
from okrsheet.quarterend.summary import TEAM_COLUMNS
from scripts.libreoffice import convert

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def outputs(libreoffice, tmp_path_factory):
    """(json document, LibreOffice-recalculated workbook, path of LibreOffice's .xlsx)."""
    folder = tmp_path_factory.mktemp("summary-workbook")
    written = folder / "summary.xlsx"
    result = CliRunner().invoke(main, ["summary", str(ROOT / "samples"), "-o", str(written),
                                       "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (saved,) = convert([written], "xlsx", folder / "libreoffice", recalculate=True)
    return json.loads(result.stdout), openpyxl.load_workbook(saved, data_only=True), saved


def test_team_by_quarter_table_matches_the_json(outputs):
    document, book, _ = outputs
    sheet = book["Summary"]
    quarters = [row["quarter"] for row in document["company"]]
    header = [sheet.cell(5, column).value for column in range(1, len(quarters) + 3)]
    assert header == ["Team", *quarters, f"Change {quarters[-1]}"]
    rows = {}
    for row in range(6, sheet.max_row + 1):  # the table ends with the company row
        rows[sheet.cell(row, 1).value] = row
        if sheet.cell(row, 1).value == "Company (mean of teams)":
            break
    for team_row in document["teams"]:
        column = 2 + quarters.index(team_row["quarter"])
        value = sheet.cell(rows[team_row["team"]], column).value
        if team_row["status"] == "not started":
            assert value == "-", team_row
        else:
            assert value == pytest.approx(team_row["score"], abs=1e-9), team_row
        if team_row["quarter"] == quarters[-1] and team_row["change"] is not None:
            change = sheet.cell(rows[team_row["team"]], 2 + len(quarters)).value
            assert change == pytest.approx(team_row["change"] * 100, abs=1e-6), team_row  # points
    company = rows["Company (mean of teams)"]
    for index, row in enumerate(document["company"]):  # formulas recalculated by LibreOffice
        assert sheet.cell(company, 2 + index).value == pytest.approx(row["score"], abs=1e-9)
    assert sheet.cell(company, 2 + len(quarters)).value == pytest.approx(
        document["company"][-1]["change"] * 100, abs=1e-6)


def test_team_quarters_sheet_matches_the_json_rows(outputs):
    document, book, _ = outputs
    sheet = book["Team quarters"]
    assert [cell.value for cell in sheet[1]] == [header_text(column) for column in TEAM_COLUMNS]
    got = [dict(zip(TEAM_COLUMNS, (cell.value for cell in row)))
           for row in sheet.iter_rows(min_row=2)]
    assert len(got) == len(document["teams"])
    for mine, theirs in zip(got, document["teams"]):
        for column in TEAM_COLUMNS:
            if column == "change" and theirs[column] is not None:  # in points
                assert mine[column] == pytest.approx(theirs[column] * 100, abs=1e-6)
            elif isinstance(theirs[column], float):
                assert mine[column] == pytest.approx(theirs[column], abs=1e-9), column
            else:
                assert mine[column] == theirs[column], column


def test_quarter_sheets_and_charts_survive(outputs):
    document, book, saved = outputs
    for row in document["company"]:
        assert row["quarter"] in book.sheetnames
    with zipfile.ZipFile(saved) as archive:
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
    assert len(charts) == 2


def test_the_summary_workbook_renders_with_every_table_readable(outputs, tmp_path):
    """Rendered as a person sees it (PDF, then PNG pages to look at): the Summary page holds
    both tables' headers, Change in points, the not-started dash, and both charts."""
    import shutil
    import subprocess

    _, _, saved = outputs
    written = saved.parent.parent / "summary.xlsx"
    (pdf,) = convert([written], "pdf", tmp_path, recalculate=True)
    text = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, timeout=60).stdout
    for words in ("Change 2027-", "Key results by status", "Not updated", "Check input",
                  "pts", "Team scores by quarter"):
        assert words in text, words
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf),
                        str(tmp_path / "page")], check=True, timeout=60)
        assert list(tmp_path.glob("page*.png"))
