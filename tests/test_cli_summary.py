"""okrsheet summary: the README's first command, formats, exit statuses, the workbook output."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsheet.cli import main

ROOT = Path(__file__).resolve().parent.parent
TEAMS = ("New Business", "Account Management", "Sales Development", "Customer Success")


def run(*args):
    return CliRunner().invoke(main, ["summary", *map(str, args)], catch_exceptions=False)


def test_readme_first_command_names_every_sample_team():
    result = subprocess.run([sys.executable, "-m", "okrsheet", "summary", "samples/"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    for team in TEAMS:
        assert team in result.stdout
    assert "Company (mean)" in result.stdout
    assert "Traceback" not in result.stderr


def test_json_rows_for_every_team_and_quarter():
    result = run(ROOT / "samples", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert len(document["teams"]) == 20
    assert {row["team"] for row in document["teams"]} == set(TEAMS)
    assert [row["quarter"] for row in document["company"]] == [
        "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]
    latest = document["company"][-1]
    assert (latest["teams"], latest["not_started"]) == (4, 2)


def test_quarter_and_objectives():
    result = run(ROOT / "samples", "--format", "csv", "--quarter", "Q4 2026", "--objectives")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("team,quarter,file,number,objective,score")
    assert all(",2026-Q4," in line for line in lines[1:])
    assert len(lines) == 1 + 3 + 3 + 3 + 3  # a header, then 3 objectives for each of 4 teams


def test_markdown_output():
    result = run(ROOT / "samples", "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout.startswith("# OKR summary, 2027-Q1")
    assert "the mean of 2 teams (2 not started, left out), down 51 pts on 2026-Q4." in result.stdout
    assert "Account Management and Customer Success have not started 2027-Q1" in result.stdout
    assert "| Sales Development |" in result.stdout


def test_left_out_files_give_exit_status_1_unless_keep_going(tmp_path):
    shutil.copytree(ROOT / "samples" / "2026-Q4", tmp_path / "in")
    (tmp_path / "in" / "broken.xlsx").write_bytes(b"PK\x03\x04 cut short")
    result = run(tmp_path / "in")
    assert result.exit_code == 1
    assert "Left out" in result.stdout and "broken.xlsx" in result.stdout
    assert "damaged or cut short" in result.stdout
    assert run(tmp_path / "in", "--keep-going").exit_code == 0
    json_run = run(tmp_path / "in", "--format", "json", "--keep-going")
    assert json_run.exit_code == 0
    assert json.loads(json_run.stdout)["left_out"][0]["file"].endswith("broken.xlsx")


def test_nothing_readable_is_an_error(tmp_path):
    (tmp_path / "a.xlsx").write_text("not a workbook")
    result = run(tmp_path)
    assert result.exit_code == 1
    assert "Error: none of the workbooks could be read" in result.output
    assert run(tmp_path / "missing").exit_code == 1


def test_usage_mistakes_exit_2(tmp_path):
    assert run(ROOT / "samples", "--quarter", "spring").exit_code == 2
    assert run(ROOT / "samples", "-o", tmp_path / "out.txt").exit_code == 2
    assert run().exit_code == 2


def test_unknown_quarter_is_a_one_line_error():
    result = run(ROOT / "samples", "--quarter", "2025-Q1")
    assert result.exit_code == 1
    assert "Error: no workbook is for 2025-Q1; quarters found: 2026-Q1, 2026-Q2" in result.output


def test_output_workbook_is_not_overwritten_without_force(tmp_path):
    out = tmp_path / "summary.xlsx"
    first = run(ROOT / "samples", "-o", out, "--format", "json")
    assert first.exit_code == 0 and out.exists()
    json.loads(first.stdout)  # the "Wrote" line goes to stderr
    before = out.read_bytes()
    again = run(ROOT / "samples", "-o", out)
    assert again.exit_code == 2 and "already exists" in again.output  # a usage error
    assert out.read_bytes() == before
    assert run(ROOT / "samples", "-o", out, "--force").exit_code == 0


def test_output_never_replaces_an_input(tmp_path):
    shutil.copytree(ROOT / "samples" / "2026-Q1", tmp_path / "in")
    target = tmp_path / "in" / "new-business.xlsx"
    before = target.read_bytes()
    result = run(tmp_path / "in", "-o", target, "--force")
    assert result.exit_code == 2
    assert target.read_bytes() == before


@pytest.mark.parametrize("name", ["~$new-business.xlsx", ".new-business.xlsx"])
def test_lock_and_hidden_files_are_skipped(tmp_path, name):
    shutil.copytree(ROOT / "samples" / "2026-Q1", tmp_path / "in")
    (tmp_path / "in" / name).write_bytes(b"lock")
    assert run(tmp_path / "in").exit_code == 0


@pytest.mark.parametrize("name", ["2026-Q2/sales-development.xlsx", "2026-Q3/customer-success.xlsx",
                                  "2026-Q4/account-management.xlsx", "2026-Q4/customer-success.ods"])
def test_summary_score_equals_okrsheet_score(name):
    path = ROOT / "samples" / name
    summary = json.loads(run(ROOT / "samples", "--format", "json").stdout)
    (row,) = [row for row in summary["teams"] if row["file"] == str(path)]
    scored = CliRunner().invoke(main, ["score", str(path), "--format", "json"])
    assert row["score"] == json.loads(scored.stdout)["score"]


def test_a_folder_without_workbooks_is_named_in_the_error(tmp_path):
    (tmp_path / "notes.txt").write_text("no workbooks here")
    result = run(tmp_path)
    assert result.exit_code == 1
    assert f"no workbooks (.xlsx, .xlsm, .ods, .xls) found in {tmp_path}." in result.output


def test_two_differing_workbooks_for_one_team_quarter_exit_1_naming_both(tmp_path):
    from tests.test_summary import relabelled_copy

    real, copy = relabelled_copy(tmp_path)
    shutil.copy(ROOT / "samples" / "2026-Q4" / "new-business.xlsx", tmp_path)
    result = run(tmp_path, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["conflicts"][0]["files"] == f"{copy}; {real}"
    assert f"Conflict: {copy} and {real}: 2 workbooks claim Sales East 2027-Q2" in result.stderr
    chosen = run(tmp_path, "--prefer", real)
    assert chosen.exit_code == 0 and "Conflict" not in chosen.output


def test_prefer_of_a_file_not_summarised_is_a_usage_error(tmp_path):
    result = run(ROOT / "samples", "--prefer", tmp_path / "elsewhere.xlsx")
    assert result.exit_code == 2
    assert "is not one of the workbooks summarised" in result.output


def _made(tmp_path, name, **changes):
    """A sample workbook written again with some cells changed, as a person would edit them."""
    import dataclasses

    from okrsheet.read.reader import read_workbook
    from okrsheet.write.writer import write_workbook

    sample = read_workbook(ROOT / "samples" / "2026-Q4" / "new-business.xlsx").team_quarter
    path = tmp_path / name
    write_workbook(dataclasses.replace(sample, **changes), path)
    return path


@pytest.mark.parametrize("changes, words", [
    ({"team": None}, "B2: the Team cell is blank; type the team's name"),
    ({"quarter": "FY2027-Q1"}, 'B3: the Quarter cell says "FY2027-Q1"; type the quarter like'),
    ({"quarter": "2027-Q1"}, "B3: the Quarter cell says 2027-Q1 but the quarter starts on "
                             "01 Oct 2026, which is 2026-Q4"),
], ids=["blank team", "unparsable quarter", "label disagrees with its dates"])
def test_check_fails_with_the_same_words_summary_leaves_the_file_out_with(tmp_path, changes,
                                                                          words):
    path = _made(tmp_path, "odd.xlsx", **changes)
    checked = CliRunner().invoke(main, ["check", str(path)])
    assert checked.exit_code == 1
    assert f"error: {path} OKRs!{words}" in checked.output
    shutil.copy(ROOT / "samples" / "2026-Q4" / "account-management.xlsx", tmp_path)
    summary = run(tmp_path, "--format", "json")
    assert summary.exit_code == 1
    (left_out,) = json.loads(summary.stdout)["left_out"]
    assert left_out["file"] == str(path) and left_out["reason"].startswith(words)
    assert left_out["reason"] in checked.output


def test_a_new_workbook_without_a_team_fails_check_until_the_team_is_typed(tmp_path):
    out = tmp_path / "okrs.xlsx"
    made = CliRunner().invoke(main, ["new", "-o", str(out)])  # the blank template, no --team
    assert "The Team cell is blank: type the team's name there" in made.output
    checked = CliRunner().invoke(main, ["check", str(out)])
    assert checked.exit_code == 1 and "[NO-TEAM]" in checked.output


def test_check_and_score_read_the_old_excel_sample_as_summary_does():
    path = ROOT / "samples" / "2026-Q1" / "sales-development.xls"
    scored = CliRunner().invoke(main, ["score", str(path), "--format", "json"])
    assert scored.exit_code == 0, scored.output
    summary = json.loads(run(ROOT / "samples", "--format", "json").stdout)
    (row,) = [row for row in summary["teams"] if row["file"] == str(path)]
    assert json.loads(scored.stdout)["score"] == row["score"]
    assert "old Excel" not in CliRunner().invoke(main, ["check", str(path)]).output


@pytest.mark.parametrize("output_format", ["json", "csv"])
def test_a_json_or_csv_output_file_gets_the_bytes_the_terminal_gets_and_is_never_overwritten(
        tmp_path, output_format):
    out = tmp_path / f"summary.{output_format}"
    printed = run(ROOT / "samples", "--format", output_format, "--objectives")
    written = run(ROOT / "samples", "--format", output_format, "--objectives", "-o", out)
    assert written.exit_code == 0 and written.stdout == ""
    assert written.stderr == f"Wrote {out}.\n"
    assert out.read_bytes() == printed.stdout.encode("utf-8")
    again = run(ROOT / "samples", "--format", output_format, "-o", out)
    assert again.exit_code == 2 and "already exists" in again.output  # a usage error
    assert out.read_bytes() == printed.stdout.encode("utf-8")
    assert run(ROOT / "samples", "--format", output_format, "-o", out, "--force").exit_code == 0
    assert out.read_bytes() != printed.stdout.encode("utf-8")  # the teams' rows now
    assert [path.name for path in tmp_path.iterdir()] == [out.name]


def test_a_csv_or_json_output_must_match_the_format_printed(tmp_path):
    result = run(ROOT / "samples", "--format", "csv", "-o", tmp_path / "summary.json")
    assert result.exit_code == 2
    assert "an output ending in .json gets the JSON summary, not --format csv" in result.output
    assert run(ROOT / "samples", "--format", "json", "-o", tmp_path / "x.txt").exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_an_output_ending_in_csv_or_json_without_a_format_gets_that_format(tmp_path):
    for suffix in ("csv", "json"):
        out = tmp_path / f"summary.{suffix}"
        assert run(ROOT / "samples", "-o", out).exit_code == 0
        printed = run(ROOT / "samples", "--format", suffix)
        assert out.read_bytes() == printed.stdout.encode("utf-8")


def test_an_error_while_the_json_is_written_leaves_no_file_behind(tmp_path, monkeypatch):
    from okrsheet.domain.problems import OkrsheetError
    from okrsheet.outputs import report

    def fails_halfway(summary, write, *args, **kwargs):
        write('{"teams": [')
        raise OkrsheetError("the history can't be read (cut short)")

    monkeypatch.setattr(report, "write_json", fails_halfway)
    result = run(ROOT / "samples", "--format", "json", "-o", tmp_path / "summary.json")
    assert result.exit_code == 1
    assert result.output == "Error: the history can't be read (cut short)\n"
    assert list(tmp_path.iterdir()) == []
