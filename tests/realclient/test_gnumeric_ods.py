"""An .ods saved by Gnumeric (ssconvert) is read by the summary and scored as its original:
python-calamine alone refuses it ("Cannot detect file format")."""

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from okrsheet.quarterend.summary import summarise
from okrsheet.read.reader import read_workbook

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def gnumeric_ods(tmp_path_factory):
    if shutil.which("ssconvert") is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("Gnumeric (ssconvert) is missing in CI; .ci/run must install gnumeric")
        pytest.skip("Gnumeric (ssconvert) is not installed; install gnumeric")
    folder = tmp_path_factory.mktemp("gnumeric")
    original = ROOT / "samples" / "2026-Q4" / "new-business.xlsx"
    saved = folder / "new-business.ods"
    subprocess.run(["ssconvert", str(original), str(saved)], capture_output=True, timeout=120,
                   check=True)
    return original, saved


def test_a_gnumeric_ods_scores_as_its_original(gnumeric_ods):
    import python_calamine

    original, saved = gnumeric_ods
    with pytest.raises(Exception, match="Cannot detect file format"):  # calamine alone
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(saved.read_bytes()))
    reading, expected = read_workbook(saved), read_workbook(original)
    assert reading.file == str(saved) and reading.team_quarter.team == "New Business"
    assert reading.scores.score == pytest.approx(expected.scores.score, abs=1e-9)
    assert [p.code for p in reading.problems] == [p.code for p in expected.problems]


def test_a_folder_summary_uses_the_gnumeric_ods(gnumeric_ods, tmp_path):
    original, saved = gnumeric_ods
    shutil.copytree(ROOT / "samples" / "2026-Q4", tmp_path / "in")
    (tmp_path / "in" / "new-business.xlsx").unlink()
    shutil.copy(saved, tmp_path / "in")
    summary = summarise([tmp_path / "in"])
    assert summary.left_out.empty and len(summary.teams) == 4


@pytest.mark.parametrize("command", ["score", "check", "status", "textconv", "fix", "next",
                                     "split"])
def test_every_command_reads_the_gnumeric_ods(gnumeric_ods, tmp_path, command):
    from click.testing import CliRunner

    from okrsheet.cli import main

    _, saved = gnumeric_ods
    out = tmp_path / "out"
    arguments = {"fix": ["-o", f"{out}.xlsx"], "next": ["-o", f"{out}.xlsx"],
                 "split": ["-o", str(out), "--week", "13"]}.get(command, [])
    result = CliRunner().invoke(main, [command, str(saved), *arguments])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output and "can't be read" not in result.output
    assert result.exit_code in (0, 1), result.output
