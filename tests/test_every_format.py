"""What one command reads every command reads: each command that reads a team's workbook
reads every format of the samples (.xlsx, .ods, an old .xls); the commands that write back
into the team's own file say in one line which format they write."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsheet.cli import main

SAMPLES = Path(__file__).parent.parent / "samples"
FILES = [SAMPLES / "2026-Q1" / "sales-development.xls",
         SAMPLES / "2026-Q2" / "account-management.ods",
         SAMPLES / "2026-Q3" / "new-business.xlsx"]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.suffix)
@pytest.mark.parametrize("command", ["score", "check", "status", "next", "diff", "fix", "split",
                                     "summary", "export", "merge", "textconv", "remind"])
def test_every_reading_command_reads_every_format(tmp_path, command, path):
    out = tmp_path / "out"
    arguments = {
        "score": ["score", str(path)], "check": ["check", str(path)],
        "status": ["status", str(path)],
        "next": ["next", str(path), "-o", f"{out}.xlsx"],
        "diff": ["diff", str(path), str(path)],
        "fix": ["fix", str(path), "-o", f"{out}.xlsx"],
        "split": ["split", str(path), "-o", str(out), "--week", "13"],
        "summary": ["summary", str(path)],
        "export": ["export", str(path), "-o", str(out)],
        "merge": ["merge", str(path), str(path), "-o", f"{out}.xlsx"],
        "textconv": ["textconv", str(path)],
        "remind": ["remind", str(path), "-o", str(out), "--week", "13"],
    }[command]
    result = CliRunner().invoke(main, arguments)
    assert "Traceback" not in result.output
    assert "save it as .xlsx" not in result.output, result.output
    assert result.exit_code in (0, 1), result.output
    # check, score and fix report the samples' problems; remind wants owners' addresses
    assert result.exit_code == 0 or command in ("check", "score", "fix", "remind"), result.output


def test_collect_into_an_old_format_says_which_format_it_writes(tmp_path):
    result = CliRunner().invoke(main, ["collect", str(FILES[0]), str(FILES[2]), "-o",
                                       str(tmp_path / "out.xlsx")])
    assert result.exit_code == 1
    assert "collect writes into the team's own .xlsx workbook; open it, save it as .xlsx" \
        in result.output


# The library: okrsheet.read_workbook, the one way in, reads every format


def _scores(reading):
    """The team score, then each objective's, then each key result's progress."""
    return [reading.scores.score, *[objective.score for objective in reading.scores.objectives],
            *reading.scores.progress]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.suffix)
def test_read_workbook_scores_every_format_as_the_same_team_quarter_saved_as_xlsx(tmp_path, path):
    import okrsheet

    reading = okrsheet.read_workbook(path)
    assert reading.team_quarter is not None and reading.file == str(path)
    okrsheet.write_workbook(reading.team_quarter, tmp_path / "same.xlsx")
    as_xlsx = okrsheet.read_workbook(tmp_path / "same.xlsx")
    assert _scores(reading) == pytest.approx(_scores(as_xlsx), abs=1e-12)
    assert reading.team_quarter.team == as_xlsx.team_quarter.team


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.suffix)
def test_the_format_is_told_from_the_bytes_not_the_name(tmp_path, path):
    import okrsheet

    renamed = tmp_path / f"{path.stem}.xlsx.bin"
    renamed.write_bytes(path.read_bytes())
    assert _scores(okrsheet.read_workbook(renamed)) == _scores(okrsheet.read_workbook(path))


def test_every_format_has_one_engine_in_one_table():
    from okrsheet.guard.safety import Limits
    from okrsheet.read.engines import ENGINES, sniff

    assert set(ENGINES) == {"xlsx", "xlsb", "ods", "gnumeric-ods", "xls"}
    assert [sniff(path, Limits())[0] for path in FILES] == ["xls", "ods", "xlsx"]
    assert sniff(Path(__file__).parent / "hostile" / "panic-missing-relationship.xlsb",
                 Limits())[0] == "xlsb"
