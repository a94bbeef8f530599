"""okrsheet score / okrsheet check: JSON shape, exit statuses, bad files, inputs untouched."""

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsheet.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def _run(*args):
    return subprocess.run([sys.executable, "-m", "okrsheet", *map(str, args)],
                          capture_output=True, text=True, timeout=60)


def _sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_score_json_shape():
    result = CliRunner().invoke(main, ["score", str(FIXTURES / "clean.xlsx"), "--format", "json"])
    assert result.exit_code == 0, result.output
    card = json.loads(result.output)
    assert {"file", "team", "quarter", "score", "status", "objectives", "problems"} <= set(card)
    assert (card["team"], card["quarter"], card["status"]) == ("East", "2027-Q1", "orange")
    assert card["score"] == pytest.approx(0.65)
    objective = card["objectives"][0]
    assert {"title", "score", "status", "key_results"} <= set(objective)
    kr = objective["key_results"][0]
    assert {"title", "owner", "type", "start", "target", "current", "weight", "progress",
            "status"} <= set(kr)
    assert (kr["title"], kr["current"], kr["weight"], kr["progress"]) == ("New ARR", 45, None, 0.45)
    assert card["problems"] == []


def test_score_json_lists_problems_with_cells_and_exits_1_on_errors():
    result = CliRunner().invoke(main, ["score", str(FIXTURES / "text-numbers.xlsx"), "--format", "json"])
    assert result.exit_code == 1
    problems = json.loads(result.output)["problems"]
    assert {"severity", "file", "sheet", "cell", "code", "message"} <= set(problems[0])
    assert ("error", "H13", "NOT-A-NUMBER") in [(p["severity"], p["cell"], p["code"]) for p in problems]


def test_score_as_of_sets_the_pace():
    args = ["score", str(FIXTURES / "clean.xlsx"), "--format", "json"]
    early = json.loads(CliRunner().invoke(main, args + ["--as-of", "2027-01-10"]).output)
    late = json.loads(CliRunner().invoke(main, args + ["--as-of", "2027-03-31"]).output)
    assert early["objectives"][0]["key_results"][0]["pace"] == "on track"
    assert late["objectives"][0]["key_results"][0]["pace"] == "at risk"


def test_score_table_and_csv():
    table = CliRunner().invoke(main, ["score", str(FIXTURES / "typed-over.xlsx")])
    assert table.exit_code == 0
    assert "team score 65%" in table.output and "V10" in table.output
    csv = CliRunner().invoke(main, ["score", str(FIXTURES / "clean.xlsx"), "--format", "csv"])
    lines = csv.output.splitlines()
    assert lines[0].startswith("team,quarter,objective,objective_score")
    assert len(lines) == 1 + 6


@pytest.mark.parametrize("files, strict, status", [
    (["clean.xlsx"], False, 0),
    (["typed-over.xlsx"], False, 0),
    (["typed-over.xlsx"], True, 1),
    (["clean.xlsx", "text-numbers.xlsx"], False, 1),
    (["other-kind.xlsx"], False, 1),
])
def test_check_exit_status(files, strict, status):
    args = ["check", *[str(FIXTURES / name) for name in files]] + (["--strict"] if strict else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == status, result.output


def test_check_prints_cell_and_code():
    result = CliRunner().invoke(main, ["check", str(FIXTURES / "text-numbers.xlsx")])
    assert f'error: {FIXTURES / "text-numbers.xlsx"} OKRs!H13: Target is "fifty"; type a number. ' \
           "[NOT-A-NUMBER]" in result.output.splitlines()


def _bad_files(folder):
    (folder / "notes.xlsx").write_text("just some notes\n")
    (folder / "export.xlsx").write_text("Objective,Key result\nGrow,Win\n")
    data = (FIXTURES / "clean.xlsx").read_bytes()
    (folder / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(FIXTURES / "clean.xlsx", "rb") as source, open(folder / "locked.xlsx", "wb") as out:
        OOXMLFile(source).encrypt("secret", out)
    return {"notes.xlsx": "not an Excel", "export.xlsx": "CSV", "truncated.xlsx": "cut short",
            "locked.xlsx": "password", "missing.xlsx": "no such file"}


@pytest.mark.parametrize("command", ["score", "check"])
def test_bad_files_give_one_line_and_exit_1(tmp_path, command):
    for name, reason in _bad_files(tmp_path).items():
        path = tmp_path / name
        before = _sha(path) if path.exists() else None
        result = _run(command, path)
        assert result.returncode == 1, (name, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, (name, result.stderr)
        assert lines[0].startswith(f"Error: {name}:") and reason in lines[0], lines
        if before is not None:
            assert _sha(path) == before


def test_input_files_are_byte_identical_after_every_command(tmp_path):
    names = ["clean.xlsx", "typed-over-lo.ods", "text-numbers.xlsx"]
    for name in names:
        shutil.copy(FIXTURES / name, tmp_path / name)
    before = {name: _sha(tmp_path / name) for name in names}
    runner = CliRunner()
    for name in names:
        for args in (["score", "--format", "json"], ["score"], ["score", "--format", "csv"], ["check"]):
            runner.invoke(main, [args[0], str(tmp_path / name), *args[1:]])
    assert {name: _sha(tmp_path / name) for name in names} == before


@pytest.mark.parametrize("command", ["score", "check"])
def test_help_imports_neither_pandas_nor_openpyxl(command):
    code = ("import sys; from okrsheet.cli import main\n"
            f"try:\n    main(['{command}', '--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pandas', 'openpyxl') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_reading_imports_neither_pandas_nor_openpyxl():
    code = ("import sys; from okrsheet.read.reader import read_workbook; from okrsheet.read.reading import check_reading\n"
            f"check_reading(read_workbook({str(FIXTURES / 'clean.xlsx')!r}))\n"
            "print(sorted(m for m in ('pandas', 'openpyxl') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
