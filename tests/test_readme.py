"""The README's commands are true: CI runs its test command, and its first command works as written."""

import re
import shutil
import subprocess
from pathlib import Path

from okrsheet.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = re.findall(r"^```\n(.*?)\n```", README, re.M | re.S)


def test_the_readme_starts_with_two_commands_and_ci_runs_the_second():
    install_and_run, run_tests = COMMANDS[:2]
    assert install_and_run.endswith("okrsheet summary samples/")
    assert "pytest" in run_tests
    assert run_tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme():
    for name in main.list_commands(None):
        assert f"okrsheet {name}" in README, name


def test_the_first_command_works_as_written_on_a_fresh_copy(tmp_path):
    copy = tmp_path / "okrsheet"
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    result = subprocess.run(["bash", "-c", COMMANDS[0]], cwd=copy, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    for team in ("New Business", "Account Management", "Sales Development", "Customer Success"):
        assert team in result.stdout
    assert "Traceback" not in result.stderr


def test_the_cli_reference_is_current():
    from scripts.make_cli_docs import cli_reference

    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == cli_reference(), "run python scripts/make_cli_docs.py"
