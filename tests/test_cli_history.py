"""okrsheet export and okrsheet summary --from / -o dashboard.html: the commands over the
history store, the dashboard and calibration."""

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from okrsheet.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def run(*args):
    result = CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def without_paths(document):
    """The JSON summary with file paths and reasons left out (absolute in the store)."""
    for rows in document.values():
        if isinstance(rows, list):
            for row in rows:
                for key in ("file", "used", "not_used", "files", "reason"):
                    row.pop(key, None)
    return document


def test_summary_from_the_exported_samples_prints_the_json_of_the_samples(tmp_path):
    exported = run("export", SAMPLES, "-o", tmp_path / "history")
    assert exported.exit_code == 0
    workbooks = run("summary", SAMPLES, "--format", "json")
    assert "Exported 26 workbooks to" in exported.output  # 20 teams', 4 company, 2 people
    history = run("summary", "--from", tmp_path / "history", "--format", "json")
    assert history.exit_code == 0
    # every table equal, the alignment tree (rebuilt from the store) too
    from_workbooks = json.loads(workbooks.stdout)
    assert from_workbooks["alignment"] and from_workbooks["orphans"]
    assert without_paths(json.loads(history.stdout)) == without_paths(from_workbooks)
    assert "confidence" in json.loads(history.stdout)  # calibration is part of the JSON


def test_export_of_a_workbook_that_cannot_be_read_names_it_and_exits_1(tmp_path):
    folder = tmp_path / "books"
    shutil.copytree(SAMPLES / "2026-Q1", folder)
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    result = run("export", folder, "-o", tmp_path / "history")
    assert result.exit_code == 1
    assert "Left out" in result.output and "broken.xlsx" in result.output
    assert "Exported 5 workbooks" in result.output  # four teams and the company


def test_summary_needs_workbooks_or_a_history_but_not_both(tmp_path):
    assert run("summary").exit_code == 2
    run("export", SAMPLES / "2026-Q1", "-o", tmp_path / "history")
    both = run("summary", SAMPLES, "--from", tmp_path / "history")
    assert both.exit_code == 2 and "--from HISTORY summarises the store alone" in both.output


def test_summary_from_a_folder_that_is_no_history_is_one_line(tmp_path):
    result = run("summary", "--from", tmp_path)
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "okrsheet export" in result.output


def test_summary_writes_the_dashboard_for_an_html_output_and_never_over_a_file(tmp_path):
    result = run("summary", SAMPLES, "-o", tmp_path / "dashboard.html", "--quarter", "2026-Q4")
    assert result.exit_code == 0
    page = (tmp_path / "dashboard.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    again = run("summary", SAMPLES, "-o", tmp_path / "dashboard.html")
    assert again.exit_code != 0 and "already exists" in again.output
    assert (tmp_path / "dashboard.html").read_text() == page


def test_the_markdown_and_the_workbook_carry_the_calibration(tmp_path):
    import openpyxl

    markdown = run("summary", SAMPLES, "--format", "markdown")
    assert "## Input, output and outcome key results" in markdown.stdout
    run("summary", SAMPLES, "-o", tmp_path / "summary.xlsx")
    assert "Calibration" in openpyxl.load_workbook(tmp_path / "summary.xlsx").sheetnames


def test_the_dashboard_from_the_store_shows_the_numbers_of_the_workbooks_dashboard(tmp_path):
    import re

    run("export", SAMPLES, "-o", tmp_path / "history")
    assert run("summary", "--from", tmp_path / "history", "-o", tmp_path / "store.html").exit_code == 0
    assert run("summary", SAMPLES, "-o", tmp_path / "books.html").exit_code == 0

    def numbers(name):  # every checked number, the alignment tree's too
        page = (tmp_path / name).read_text()
        return re.findall(r'data-ref="([^"]+)" data-value="([^"]*)"', page)

    assert numbers("store.html") == numbers("books.html") and len(numbers("store.html")) > 50
    # 2026-Q4 has a tree: its numbers too
    run("summary", "--from", tmp_path / "history", "--quarter", "2026-Q4", "-o", tmp_path / "s4.html")
    run("summary", SAMPLES, "--quarter", "2026-Q4", "-o", tmp_path / "b4.html")
    assert numbers("s4.html") == numbers("b4.html")
    assert any(ref.startswith("alignment/") for ref, _ in numbers("s4.html"))


def test_summary_from_a_history_prints_the_alignment_tree_of_the_workbooks(tmp_path):
    run("export", SAMPLES, "-o", tmp_path / "history")
    tree_csv = run("summary", "--from", tmp_path / "history", "--tree", "--format", "csv")
    assert "Acme" in tree_csv.output
    assert tree_csv.output == run("summary", SAMPLES, "--tree", "--format", "csv").output
    for options in (["--tree"], ["--format", "markdown"], ["--tree", "--quarter", "2026-Q4"]):
        from_store = run("summary", "--from", tmp_path / "history", *options).output
        from_workbooks = run("summary", SAMPLES, *options).output
        tree = from_store[from_store.index("Alignment"):]
        assert "Acme" in tree, options
        assert tree == from_workbooks[from_workbooks.index("Alignment"):], options


def test_summary_from_a_history_takes_prefer_and_refuses_a_file_it_does_not_hold(tmp_path):
    run("export", SAMPLES / "2026-Q1", "-o", tmp_path / "history")
    held = next((SAMPLES / "2026-Q1").glob("*.xlsx")).resolve()
    assert run("summary", "--from", tmp_path / "history", "--prefer", held).exit_code == 0
    unknown = run("summary", "--from", tmp_path / "history", "--prefer", tmp_path / "x.xlsx")
    assert unknown.exit_code == 2 and "no workbook of that name is in the history" in unknown.output


def test_the_store_says_the_latest_quarter_of_the_samples_is_in_progress_as_the_workbooks_do(
        tmp_path):
    run("export", SAMPLES, "-o", tmp_path / "history")
    line = ("- 2027-Q1 is in progress (week 8 of 13 on 19 Feb 2027): its scores, and their change "
            "from the whole of 2026-Q4, will still move.")
    for source in (["--from", tmp_path / "history"], [SAMPLES]):
        assert line in run("summary", *source, "--format", "markdown").output.splitlines()
