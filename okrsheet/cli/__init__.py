"""The ``okrsheet`` command: thin click commands over the library.

Heavy libraries (pandas, openpyxl, XlsxWriter) are imported inside the commands that
need them, so ``okrsheet --help`` starts quickly.
"""

from __future__ import annotations

import click

from okrsheet import __version__
from okrsheet.cli import copies, quarterend, workbook


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="okrsheet")
def main() -> None:
    """Run OKRs in plain spreadsheets: starter workbooks, scores, checks, summaries."""


for command in (workbook.new, workbook.score, workbook.check, workbook.fix_command,
                workbook.next_command, workbook.status_command, workbook.textconv,
                copies.diff_command, copies.merge_command, copies.split_command,
                copies.collect_command, copies.remind_command,
                quarterend.summary_command, quarterend.export_command,
                quarterend.verify_command):
    main.add_command(command)
