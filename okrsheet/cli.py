"""The ``okrsheet`` command: thin click commands over the library.

Heavy libraries (pandas, openpyxl, XlsxWriter) are imported inside the commands that
need them, so ``okrsheet --help`` starts quickly.
"""

from __future__ import annotations

import datetime as dt
import functools

import click

from okrsheet import __version__


def user_errors(function):
    """Turn okrsheet's own errors into one-line messages and exit status 1."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        from okrsheet.files import OkrsheetError
        from okrsheet.quarter import QuarterError

        try:
            return function(*args, **kwargs)
        except (OkrsheetError, QuarterError) as error:
            click.echo(f"Error: {error}", err=True)
            raise SystemExit(1) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="okrsheet")
def main() -> None:
    """Run OKRs in plain spreadsheets: starter workbooks, scores, checks, summaries."""


TEMPLATE_NAMES = ("blank", "sales-team", "customer-success")


@main.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the workbook (.xlsx).")
@click.option("--template", default="blank", show_default=True,
              type=click.Choice(TEMPLATE_NAMES),
              help="Starter OKRs to fill the workbook with.")
@click.option("--team", help="Team name written in the Team cell.")
@click.option("--quarter", help="Quarter like 2027-Q1 (default: the current quarter).")
@click.option("--fiscal-year-start", type=click.IntRange(1, 12), default=1, show_default=True,
              help="Month the fiscal year starts in (1 = January).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@user_errors
def new(output, template, team, quarter, fiscal_year_start, force) -> None:
    """Write a starter OKR workbook to fill in with Excel, LibreOffice or Google Sheets."""
    from okrsheet.templates import starter
    from okrsheet.writer import write_workbook

    if not output.lower().endswith(".xlsx"):
        raise click.BadParameter("the output must end in .xlsx", param_hint="-o/--output")
    team_quarter = starter(template, team=team, quarter=quarter,
                           fiscal_year_start=fiscal_year_start)
    write_workbook(team_quarter, output, force=force)
    click.echo(f"Wrote {output}: {team_quarter.team or 'your team'}, {team_quarter.quarter} "
               f"({team_quarter.quarter_start:%d %b} to {team_quarter.quarter_end:%d %b %Y}).")
