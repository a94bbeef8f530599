"""Workbooks git can diff: ``okrsheet textconv`` prints a stable text of a workbook, and
``check --format github|json`` gives problems to a CI run."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from okrsheet.cli import main
from okrsheet.sheet import layout

SAMPLE = Path(__file__).parent.parent / "samples" / "2026-Q3" / "new-business.xlsx"


def _text(path) -> str:
    result = CliRunner().invoke(main, ["textconv", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def test_textconv_prints_one_fact_a_line_in_the_sheets_order():
    lines = _text(SAMPLE).splitlines()
    assert lines[:2] == ["team: New Business", "quarter: 2026-Q3"]
    at = lines.index("  key result O1.1: Close new ARR from mid-market logos")
    assert lines[at + 1:at + 3] == ["    owner: Sam", "    kind: outcome"]
    assert "    week 3: 50000 (medium)" in lines


def test_a_one_cell_change_is_one_line_of_diff(tmp_path):
    changed = tmp_path / "changed.xlsx"
    book = openpyxl.load_workbook(SAMPLE)
    book[layout.OKRS_SHEET][layout.address("week_5", layout.FIRST_ROW)] = 120000
    book.save(changed)
    before, after = _text(SAMPLE).splitlines(), _text(changed).splitlines()
    assert [line for line in after if line not in before] == ["    week 5: 120000 (medium)"]
    assert [line for line in before if line not in after] == ["    week 5: 100000 (medium)"]


def test_check_speaks_github_actions_and_json(tmp_path):
    broken = tmp_path / "broken.xlsx"
    book = openpyxl.load_workbook(SAMPLE)
    book[layout.OKRS_SHEET][layout.address("target", layout.FIRST_ROW)] = "fifty"
    book.save(broken)
    github = CliRunner().invoke(main, ["check", "--format", "github", str(broken)])
    assert github.exit_code == 1
    assert any(line.startswith(f"::error file={broken},title=OKRs!"
                               f"{layout.address('target', layout.FIRST_ROW)}")
               for line in github.output.splitlines()), github.output
    data = json.loads(CliRunner().invoke(main, ["check", "--format", "json", str(broken)]).output)
    assert data["files"] == [str(broken)]
    assert {"severity", "file", "sheet", "cell", "message", "code"} <= set(data["problems"][0])


def test_an_unreadable_file_is_a_problem_in_json_too(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook")
    result = CliRunner().invoke(main, ["check", "--format", "json", str(junk)])
    assert result.exit_code == 1
    [problem] = json.loads(result.output)["problems"]
    assert problem["code"] == "UNREADABLE" and "not an Excel or LibreOffice workbook" \
        in problem["message"]
