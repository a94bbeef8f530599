"""okrsheet new: a starter workbook, refusals with one-line errors."""

import subprocess
import sys

from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from okrsheet.cli import main


def test_new_writes_a_sales_team_workbook_for_the_quarter(tmp_path):
    out = tmp_path / "okrs.xlsx"
    result = CliRunner().invoke(main, ["new", "-o", str(out), "--template", "sales-team",
                                       "--team", "Sales East", "--quarter", "2027-Q2"])
    assert result.exit_code == 0, result.output
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("OKRs").to_python()
    assert rows[1][:2] == ["Team", "Sales East"]
    assert rows[2][:2] == ["Quarter", "2027-Q2"]
    assert "Grow new business in the mid-market" in [row[1] for row in rows]


def test_new_respects_the_fiscal_year_start(tmp_path):
    out = tmp_path / "okrs.xlsx"
    result = CliRunner().invoke(main, ["new", "-o", str(out), "--quarter", "2027-Q1",
                                       "--fiscal-year-start", "7"])
    assert result.exit_code == 0, result.output
    assert "01 Jul to 30 Sep 2026" in result.output  # FY2027 ends in June 2027


def test_new_names_a_fiscal_year_by_its_start_year_when_asked(tmp_path):
    out = tmp_path / "okrs.xlsx"
    result = CliRunner().invoke(main, ["new", "-o", str(out), "--quarter", "2027-Q1", "--team",
                                       "Ops", "--fiscal-year-start", "7",
                                       "--fiscal-year-named-by", "start"])
    assert result.exit_code == 0, result.output
    assert "01 Jul to 30 Sep 2027" in result.output
    # check needs the same convention, or it names the one the dates fit
    checked = CliRunner().invoke(main, ["check", str(out)])
    assert "2027-Q1 but the quarter starts on 01 Jul 2027, which is 2027-Q3" in checked.output
    assert "use --fiscal-year-start 7 --fiscal-year-named-by start" in checked.output
    agreed = CliRunner().invoke(main, ["check", str(out), "--fiscal-year-start", "7",
                                       "--fiscal-year-named-by", "start"])
    assert "QUARTER-DATES" not in agreed.output


def test_new_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "okrs.xlsx"
    out.write_bytes(b"mine")
    result = CliRunner().invoke(main, ["new", "-o", str(out)])
    assert result.exit_code == 2  # a usage error, as README says
    assert "already exists" in result.output and "--force" in result.output
    assert out.read_bytes() == b"mine"
    assert CliRunner().invoke(main, ["new", "-o", str(out), "--force"]).exit_code == 0


def test_a_malformed_quarter_or_unknown_template_is_a_one_line_usage_error(tmp_path):
    out = tmp_path / "okrs.xlsx"
    result = CliRunner().invoke(main, ["new", "-o", str(out), "--quarter", "2027-Q7"])
    assert result.exit_code == 2
    assert result.output.strip() == 'Error: quarter "2027-Q7" is not like 2027-Q1'
    result = CliRunner().invoke(main, ["new", "-o", str(out), "--template", "nope"])
    assert result.exit_code == 2 and "nope" in result.output
    assert not out.exists()


def test_new_runs_as_a_command_without_a_traceback(tmp_path):
    out = tmp_path / "missing-folder" / "okrs.xlsx"
    result = subprocess.run([sys.executable, "-m", "okrsheet", "new", "-o", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "does not exist" in result.stderr

