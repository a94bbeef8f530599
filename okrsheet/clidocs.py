"""The CLI reference (docs/cli.md), made from the commands' own --help texts so it never drifts."""

from __future__ import annotations


def cli_reference() -> str:
    """Markdown with ``okrsheet --help`` and every command's ``--help``."""
    from click.testing import CliRunner

    from okrsheet.cli import main

    runner = CliRunner()
    parts = ["# okrsheet command reference", "",
             "Made from the commands' `--help` texts by `python -m okrsheet.clidocs`; "
             "a test fails when it is out of date.", ""]
    for name in [None, *main.list_commands(None)]:
        args = ["--help"] if name is None else [name, "--help"]
        output = runner.invoke(main, args, terminal_width=100, prog_name="okrsheet").output
        parts += [f"## okrsheet {name or ''}".rstrip(), "", "```", output.rstrip(), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    from pathlib import Path

    target = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
    target.write_text(cli_reference(), encoding="utf-8")
    print(f"wrote {target}")
