"""Every hostile file through ``okrsheet score``, ``check`` and ``summary``, in subprocesses.

Each run must end with exit status 0 or 1, a one-line message naming the file, no traceback,
in under 200 MB (measured on the command's own process), and leave its input byte-identical.
How fast they are refused is measured in benchmarks/, not here.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile"
sys.path.insert(0, str(ROOT / "scripts"))
from make_hostile import EXPECTED, EXPECTED_LARGE, large_corpus  # noqa: E402

MAX_MEGABYTES = 200

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
    "score": ["score"],
    "check": ["check"],
    "summary": ["summary"],
}


def run_measured(arguments: list[str], cwd: Path) -> dict:
    """Run ``okrsheet ARGUMENTS`` and return status, stdout, stderr, megabytes."""
    out, err = cwd / "stdout.txt", cwd / "stderr.txt"
    launched = subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(out), str(err),
         sys.executable, "-m", "okrsheet", *arguments],
        cwd=cwd, capture_output=True, text=True, timeout=60, check=True)
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
    return folder


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> Path:
    """The files just under and over the default limits (too large to commit)."""
    folder = tmp_path_factory.mktemp("large")
    for name, data in large_corpus().items():
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_through_the_cli(copies, tmp_path, command, name):
    run_and_judge(copies / name, EXPECTED[name], command, tmp_path)


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("name", sorted(EXPECTED_LARGE))
def test_largest_accepted_file_through_the_cli(large, tmp_path, command, name):
    run_and_judge(large / name, EXPECTED_LARGE[name], command, tmp_path)


def run_and_judge(path: Path, expected: str | None, command: str, tmp_path: Path) -> None:
    name = path.name
    before = sha256(path)
    result = run_measured([*COMMANDS[command], str(path)], tmp_path)
    output = result["stdout"] + result["stderr"]
    assert "Traceback" not in output, output
    assert result["status"] in (0, 1), output
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
    left_out = "\n".join(line for line in result["stderr"].splitlines() if "Left out" in line)
    for name, expected in EXPECTED.items():
        if expected is not None and name.endswith((".xlsx", ".ods")):
            assert name in left_out, name
    assert {path.name: sha256(path) for path in copies.iterdir()} == before


# Text stays text: formula-looking titles never become formulas in any output

FORMULA_LOOKING = ('=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3")


@pytest.mark.parametrize("arguments", [["score", "--format", "csv"],
                                       ["summary", "--format", "csv", "--objectives"]],
                         ids=["score", "summary"])
def test_csv_output_escapes_formula_looking_text(copies, tmp_path, arguments):
    import csv
    import io

    from okrsheet.report import csv_value

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
