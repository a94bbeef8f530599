"""Every hostile file through ``okrsheet score``, ``check`` and ``summary`` (and the files of
issue 18 through ``next``, ``diff`` and ``merge`` too), in subprocesses.

Each run must end with exit status 0 or 1, a one-line message naming the file, no traceback
and no raw control character on stdout or stderr, within 200 MB (measured on the command's
own process and its children), and leave its input byte-identical. How fast they are
refused is measured in benchmarks/, not here (a timeout catches a hang).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile"
sys.path.insert(0, str(ROOT / "scripts"))
from hostile_grids import CONTROL_TEXTS, EXPECTED_GRIDS  # noqa: E402
from make_hostile import (  # noqa: E402
    EXPECTED,
    EXPECTED_LARGE,
    REFUSED_BY_READER,
    current_grid_files,
    large_corpus,
)

MAX_MEGABYTES = 200
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""What must never reach a terminal (newline aside)."""

# A small launcher runs the command and reports its peak memory. It is needed
# because ru_maxrss of a process forked from pytest starts at pytest's own size; forked from
# this small launcher it starts at a few megabytes. RUSAGE_CHILDREN also covers any worker
# processes the command waits for.
LAUNCHER = r"""
import json, os, resource, subprocess, sys
with open(sys.argv[1], "wb") as out, open(sys.argv[2], "wb") as err:
    process = subprocess.Popen(sys.argv[3:], stdout=out, stderr=err)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
peak = max(usage.ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"status": process.returncode, "megabytes": peak / 1024}))
"""

COMMANDS = {
    "score": ["score", "{in}"],
    "check": ["check", "{in}"],
    "summary": ["summary", "{in}"],
    "next": ["next", "{in}", "-o", "{out}/next.xlsx"],
    "diff": ["diff", "{valid}", "{in}"],
    "merge": ["merge", "{in}", "{in}", "-o", "{out}/merged.xlsx"],
}
READING_ONLY = ("score", "check", "summary")
"""Every corpus file goes through these; the files of issue 18 through all of COMMANDS."""


def run_measured(arguments: list[str], cwd: Path, environment: dict | None = None) -> dict:
    """Run ``okrsheet ARGUMENTS`` and return status, stdout, stderr, megabytes."""
    out, err = cwd / "stdout.txt", cwd / "stderr.txt"
    launched = subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(out), str(err),
         sys.executable, "-m", "okrsheet", *arguments],
        cwd=cwd, capture_output=True, text=True, timeout=60, check=True,
        env={**os.environ, **(environment or {})})
    result = json.loads(launched.stdout)
    result["stdout"] = out.read_text(errors="replace")
    result["stderr"] = err.read_text(errors="replace")
    return result


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> Path:
    """The corpus copied out of the repository, so a misbehaving command can't damage it."""
    folder = tmp_path_factory.mktemp("hostile")
    for path in HOSTILE.iterdir():
        shutil.copy(path, folder / path.name)
    for name, data in current_grid_files().items():  # made with today's writer and layout
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> Path:
    """The files just under and over the default limits (too large to commit)."""
    folder = tmp_path_factory.mktemp("large")
    for name, data in large_corpus().items():
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize("command", READING_ONLY)
@pytest.mark.parametrize("name", sorted(set(EXPECTED) - set(EXPECTED_GRIDS)))
def test_hostile_file_through_the_cli(copies, tmp_path, command, name):
    run_and_judge(copies / name, REFUSED_BY_READER.get(name, EXPECTED[name]), command, tmp_path)


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("name", sorted(EXPECTED_GRIDS))
def test_file_of_issue_18_through_every_reading_command(copies, tmp_path, command, name):
    run_and_judge(copies / name, REFUSED_BY_READER.get(name, EXPECTED[name]), command, tmp_path)


@pytest.mark.parametrize("command", READING_ONLY)
@pytest.mark.parametrize("name", sorted(EXPECTED_LARGE))
def test_largest_accepted_file_through_the_cli(large, tmp_path, command, name):
    run_and_judge(large / name, EXPECTED_LARGE[name], command, tmp_path)


def run_and_judge(path: Path, expected: str | None, command: str, tmp_path: Path) -> None:
    name = path.name
    before = sha256(path)
    outputs = tmp_path.parent / f"{tmp_path.name}-outputs"
    outputs.mkdir()
    arguments = [part.format(**{"in": path, "out": outputs, "valid": HOSTILE / "valid.xlsx"})
                 for part in COMMANDS[command]]
    result = run_measured(arguments, tmp_path)
    output = result["stdout"] + result["stderr"]
    assert "Traceback" not in output, output
    assert result["status"] in (0, 1), output
    assert not RAW_CONTROL.search(output), output
    if expected is not None:
        assert result["status"] == 1, output
        lines = [line for line in result["stderr"].splitlines() if line.strip()]
        assert any(name in line and expected in line for line in lines), result["stderr"]
        assert len(lines) <= 2, result["stderr"]  # summary adds "nothing to summarise"
    assert result["megabytes"] < MAX_MEGABYTES, result
    assert sha256(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stderr.txt", "stdout.txt"]


def test_formula_looking_titles_read_back_as_text(copies, tmp_path):
    result = run_measured(["score", "--format", "json", str(copies / "formula-titles.xlsx")],
                          tmp_path)
    card = json.loads(result["stdout"])
    titles = [objective["title"] for objective in card["objectives"]]
    titles += [kr["title"] for objective in card["objectives"] for kr in objective["key_results"]]
    for text in ('=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3"):
        assert text in titles
    assert card["team"] == "=cmd|x"


def test_right_to_left_titles_read_back_unchanged(copies, tmp_path):
    result = run_measured(["score", "--format", "json", str(copies / "rtl-text.xlsx")], tmp_path)
    card = json.loads(result["stdout"])
    assert card["team"] == "فريق المبيعات"
    assert "\u202etxt.exe" in [kr["title"] for objective in card["objectives"]
                               for kr in objective["key_results"]]


def test_summary_of_the_whole_corpus_leaves_the_bad_files_out(copies, tmp_path):
    before = {path.name: sha256(path) for path in copies.iterdir()}
    result = run_measured(["summary", "--format", "csv", str(copies)], tmp_path)
    assert "Traceback" not in result["stderr"]
    assert result["status"] == 1
    assert result["megabytes"] < MAX_MEGABYTES
    assert not RAW_CONTROL.search(result["stdout"] + result["stderr"])
    left_out = "\n".join(line for line in result["stderr"].splitlines() if "Left out" in line)
    for name, expected in EXPECTED.items():
        if expected is not None and name.endswith((".xlsx", ".ods")):
            assert name in left_out, name
    assert {path.name: sha256(path) for path in copies.iterdir()} == before


def test_summary_keeps_going_past_every_hostile_file_and_summarises_the_good_ones(copies,
                                                                                   tmp_path):
    result = run_measured(["summary", "--keep-going", "--format", "json", str(copies)],
                          tmp_path)
    assert result["status"] == 0, result["stderr"]
    document = json.loads(result["stdout"])
    teams = {row["team"] for row in document["teams"]}
    assert CONTROL_TEXTS["team"] in teams  # JSON keeps the text exactly
    left_out = [line for line in result["stderr"].splitlines() if line.startswith("Left out")]
    assert len(left_out) == len(document["left_out"])  # one line each, none forged
    assert all(line.count("Left out") == 1 for line in left_out)


# Native crashes: a file that kills its reader is one line, and the summary goes on

NO_GUARD = {"OKRSHEET_MAX_CELLS": "1e15", "OKRSHEET_MAX_ROWS": "1e12",
            "OKRSHEET_MAX_MEMORY_MB": "150"}
"""Limits that let a grid bomb past the guard, so the reader's own process runs out."""


@pytest.mark.parametrize("command", ["score", "check"])
def test_a_reader_that_runs_out_of_memory_is_one_line(copies, tmp_path, command):
    result = run_measured([command, str(copies / "far-cell.xlsx")], tmp_path, NO_GUARD)
    assert result["status"] == 1, result
    lines = result["stderr"].splitlines()
    assert len(lines) == 1, result["stderr"]
    assert "far-cell.xlsx: the spreadsheet reader crashed on it" in lines[0]
    assert "Traceback" not in result["stdout"] + result["stderr"]


def test_summary_leaves_out_only_the_files_that_crash_their_reader(copies, tmp_path):
    folder = tmp_path.parent / f"{tmp_path.name}-mixed"
    folder.mkdir()
    for name in ("valid.xlsx", "far-cell.xlsx", "opposite-corners.xlsx", "rtl-text.xlsx"):
        shutil.copy(copies / name, folder / name)
    result = run_measured(["summary", "--keep-going", "--format", "csv", str(folder)], tmp_path,
                          NO_GUARD)
    assert result["status"] == 0, result["stderr"]
    crashed = [line for line in result["stderr"].splitlines() if "crashed on it" in line]
    assert len(crashed) == 2, result["stderr"]
    assert len(result["stdout"].splitlines()) == 3  # a header and the two good workbooks


def test_a_panicking_reader_is_one_line_in_a_summary(copies, tmp_path):
    folder = tmp_path.parent / f"{tmp_path.name}-panic"
    folder.mkdir()
    shutil.copy(copies / "valid.xlsx", folder / "valid.xlsx")
    shutil.copy(copies / "panic-missing-relationship.xlsb", folder / "panic.xlsb")
    result = run_measured(["summary", "--keep-going", str(folder / "valid.xlsx"),
                           str(folder / "panic.xlsb")], tmp_path)
    assert result["status"] == 0, result["stderr"]
    assert "Traceback" not in result["stdout"] + result["stderr"]
    assert not RAW_CONTROL.search(result["stdout"] + result["stderr"])


# Text is inert: control characters never reach the terminal raw


@pytest.mark.parametrize("arguments", [["score"], ["score", "--format", "csv"], ["check"],
                                       ["summary"], ["summary", "--objectives"],
                                       ["summary", "--format", "markdown"],
                                       ["summary", "--format", "csv", "--objectives"]],
                         ids=lambda arguments: " ".join(arguments))
def test_control_characters_are_shown_escaped(copies, tmp_path, arguments):
    result = run_measured([*arguments, str(copies / "control-characters.xlsx")], tmp_path)
    output = result["stdout"] + result["stderr"]
    assert result["status"] == 0, output
    assert not RAW_CONTROL.search(output), output
    if arguments != ["check"]:  # check names no team when there is no problem
        assert r"Sales\x1b]0;owned\x07" in output


def test_markdown_shows_html_and_table_syntax_as_text(copies, tmp_path):
    result = run_measured(["summary", "--format", "markdown", "--objectives",
                           str(copies / "control-characters.xlsx")], tmp_path)
    assert result["status"] == 0, result["stderr"]
    assert "<script>" not in result["stdout"] and "&lt;script&gt;" in result["stdout"]
    table_rows = [line for line in result["stdout"].splitlines() if line.startswith("|")]
    cells = {line.count(" | ") for line in table_rows if "Grow" in line}
    assert cells == {4}  # the objective row keeps its five cells


def test_json_keeps_the_text_exactly_and_stays_valid(copies, tmp_path):
    result = run_measured(["score", "--format", "json", str(copies / "control-characters.xlsx")],
                          tmp_path)
    card = json.loads(result["stdout"])
    assert card["team"] == CONTROL_TEXTS["team"]
    titles = [kr["title"] for objective in card["objectives"] for kr in objective["key_results"]]
    assert set(CONTROL_TEXTS["key_results"]) <= set(titles)
    assert not RAW_CONTROL.search(result["stdout"])


@pytest.mark.parametrize("arguments", [["score", "--format", "json", "{nan}"],
                                       ["diff", "--format", "json", "{nan}", "{valid}"],
                                       ["summary", "--format", "json", "{nan}"]],
                         ids=["score", "diff", "summary"])
def test_json_output_is_valid_json_with_nan_and_infinity_inputs(copies, tmp_path, arguments):
    result = run_measured([part.format(nan=copies / "nan-and-infinity.xlsx",
                                       valid=copies / "valid.xlsx") for part in arguments],
                          tmp_path)
    assert "Traceback" not in result["stderr"]
    json.loads(result["stdout"], parse_constant=lambda name: pytest.fail(f"{name} in JSON"))


# Text stays text: formula-looking titles never become formulas in any output

FORMULA_LOOKING = ('=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3")


@pytest.mark.parametrize("arguments", [["score", "--format", "csv"],
                                       ["summary", "--format", "csv", "--objectives"]],
                         ids=["score", "summary"])
def test_csv_output_escapes_formula_looking_text(copies, tmp_path, arguments):
    import csv
    import io

    from okrsheet.outputs.escape import csv_value

    result = run_measured([*arguments, str(copies / "formula-titles.xlsx")], tmp_path)
    assert result["status"] == 0, result["stderr"]
    cells = [cell for row in csv.reader(io.StringIO(result["stdout"])) for cell in row]
    dangerous = [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                 and not _is_number(cell)]
    assert dangerous == []
    for text in FORMULA_LOOKING:
        assert text in [csv_value(cell) for cell in cells]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("arguments", [["summary", "{in}", "-o", "{out}"],
                                       ["next", "{in}", "-o", "{out}"]], ids=["summary", "next"])
def test_workbook_outputs_keep_formula_looking_text_as_text(copies, tmp_path, arguments):
    import openpyxl

    output = tmp_path / "out.xlsx"
    result = run_measured([a.format(**{"in": copies / "formula-titles.xlsx", "out": output})
                           for a in arguments], tmp_path)
    assert result["status"] == 0, result["stderr"]
    book = openpyxl.load_workbook(output)
    found = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value in FORMULA_LOOKING:
                    found[cell.value] = cell.data_type
    assert set(found) == set(FORMULA_LOOKING)  # the objective titles
    assert set(found.values()) == {"s"}  # text cells, never formulas ("f")


# Scale

def test_a_summary_of_300_teams_charts_254_of_them_and_the_company_line(tmp_path):
    import re as regular
    import warnings
    import zipfile

    from okrsheet.outputs.summary_workbook import write_summary_workbook
    from okrsheet.quarterend.summary import KR_STATUSES, summarise_team_quarters
    from okrsheet.write.templates import starter

    quarters = [starter("sales-team", team=f"Team {number:03d}", quarter="2027-Q1")
                for number in range(300)]
    summary = summarise_team_quarters(quarters)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # XlsxWriter warns when it drops series
        write_summary_workbook(summary, tmp_path / "summary.xlsx")
    with zipfile.ZipFile(tmp_path / "summary.xlsx") as archive:
        charts = [archive.read(name).decode() for name in archive.namelist()
                  if name.startswith("xl/charts/chart")]
    series = sorted(len(regular.findall("<c:ser>", chart)) for chart in charts)
    assert series == [len(KR_STATUSES), 255]  # statuses; 254 teams and the company line
    assert any("the first 254 of 300 teams" in chart for chart in charts)


def test_a_file_name_with_a_newline_cannot_forge_a_left_out_line(copies, tmp_path):
    folder = tmp_path.parent / f"{tmp_path.name}-names"
    folder.mkdir()
    shutil.copy(copies / "valid.xlsx", folder / "valid.xlsx")
    shutil.copy(copies / "truncated.xlsx", folder / "bad\nLeft out everything.xlsx: forged.xlsx")
    result = run_measured(["summary", "--format", "csv", str(folder)], tmp_path)
    left_out = [line for line in result["stderr"].splitlines() if line.startswith("Left out")]
    assert len(left_out) == 1, result["stderr"]
    assert "bad\\nLeft out everything.xlsx" in left_out[0]


# The file system (issue 25): pipes, sockets and links out, made at test time


def special_file(folder: Path, kind: str) -> Path:
    """A file named like a workbook that is not one to open: a named pipe (opening it would
    wait for a writer forever), a socket, or a link out of the folder."""
    import socket

    path = folder / f"{kind}.xlsx"
    if kind == "pipe":
        os.mkfifo(path)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.close()  # the socket file stays
    else:
        outside = folder.parent / f"{folder.name}-outside"
        outside.mkdir()
        shutil.copy(HOSTILE / "valid.xlsx", outside / "private.xlsx")
        path.symlink_to(outside / "private.xlsx")
    return path


@pytest.mark.parametrize("command", ["score", "check", "summary", "export"])
@pytest.mark.parametrize("kind", ["pipe", "socket", "link-out"])
def test_a_file_that_is_not_a_regular_file_in_a_folder_is_named_and_never_opened(
        tmp_path, command, kind):
    folder = tmp_path.parent / f"{tmp_path.name}-folder"
    folder.mkdir()
    shutil.copy(HOSTILE / "valid.xlsx", folder / "valid.xlsx")
    path = special_file(folder, kind)
    history = tmp_path.parent / f"{tmp_path.name}-history"
    arguments = {"score": ["score", str(path)], "check": ["check", str(path)],
                 "summary": ["summary", str(folder)],
                 "export": ["export", str(folder), "-o", str(history)]}[command]
    result = run_measured(arguments, tmp_path)  # its timeout catches a hang
    output = result["stdout"] + result["stderr"]
    assert "Traceback" not in output and result["status"] in (0, 1), output
    assert not RAW_CONTROL.search(output), output
    said = "".join(output.split())  # the terminal table wraps long lines anywhere
    if command in ("summary", "export"):
        assert f"Skipped{path}:" in said, output
        assert ("outside" if kind == "link-out" else "neveropened") in said, output
        assert said.count("private.xlsx") <= 1  # named in the line that skips it, never read
    elif kind != "link-out":  # named on the command line: one line naming it
        lines = [line for line in result["stderr"].splitlines() if line.strip()]
        assert result["status"] == 1 and len(lines) == 1 and path.name in lines[0], output
    assert result["megabytes"] < MAX_MEGABYTES, result
