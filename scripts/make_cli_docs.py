"""Remake docs/cli.md from the commands' own --help texts: python scripts/make_cli_docs.py

A test (tests/test_readme.py) fails when the committed file is out of date, so it never drifts.
"""

from __future__ import annotations

import sys
from pathlib import Path

CLI_DOCS = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def cli_reference() -> str:
    """Markdown with ``okrsheet --help`` and every command's ``--help``."""
    import click
    from click.testing import CliRunner

    from okrsheet.cli import main

    runner = CliRunner()
    parts = ["# okrsheet command reference", "",
             "Made from the commands' `--help` texts by `python scripts/make_cli_docs.py`; "
             "a test fails when it is out of date.", ""]
    for name in [None, *main.list_commands(click.Context(main))]:
        args = ["--help"] if name is None else [name, "--help"]
        output = runner.invoke(main, args, terminal_width=100, prog_name="okrsheet").output
        parts += [f"## okrsheet {name or ''}".rstrip(), "", "```", output.rstrip(), "```", ""]
    return "\n".join(parts)


def main() -> int:
    CLI_DOCS.write_text(cli_reference(), encoding="utf-8")
    print(f"wrote {CLI_DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
