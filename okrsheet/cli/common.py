"""What the commands share: one-line errors, the fiscal-year options, checking an output
before any work, reading a workbook for next, diff and merge."""

from __future__ import annotations

import functools

import click


def user_errors(function):
    """Turn okrsheet's own errors into one-line messages: exit status 1 for problems in the
    data, 2 for usage errors (an output that exists without --force)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        from okrsheet.domain.problems import OkrsheetError, OutputExists
        from okrsheet.domain.quarter import QuarterError
        from okrsheet.domain.text import visible
        from okrsheet.guard.safety import LimitError

        try:
            return function(*args, **kwargs)
        except (LimitError, OutputExists) as error:  # usage errors, like a bad option
            click.echo(f"Error: {visible(error)}", err=True)
            raise SystemExit(2) from None
        except (OkrsheetError, QuarterError) as error:
            click.echo(f"Error: {visible(error)}", err=True)
            raise SystemExit(1) from None

    return wrapper


def echo(lines) -> None:
    """Print a workflow's lines (:class:`okrsheet.workflows.lines.Line`), each where it goes."""
    for line in lines:
        click.echo(line.text, err=line.err)


def fiscal_year_options(function):
    """--fiscal-year-start and --fiscal-year-named-by, shared by the commands that need them."""
    function = click.option(
        "--fiscal-year-named-by", "named_by", type=click.Choice(["end", "start"]), default="end",
        show_default=True,
        help="Name a fiscal year by the calendar year it ends in (FY2027 = Oct 2026 to Sep "
             "2027 with an October start) or starts in.")(function)
    return click.option(
        "--fiscal-year-start", type=click.IntRange(1, 12), default=1, show_default=True,
        help="Month the fiscal year starts in (1 = January: calendar quarters).")(function)


def read_okrs(path: str, strict: bool = True):
    """Read an OKR workbook for next/diff/merge; with ``strict``, refuse one with errors."""
    return read_reading(path, strict).team_quarter


def read_reading(path: str, strict: bool = True):
    """:func:`read_okrs`, giving the whole reading (its sheet and columns)."""
    from okrsheet.domain.problems import OkrsheetError
    from okrsheet.domain.text import visible
    from okrsheet.read.reader import read_workbook

    reading = read_workbook(path)  # the one way in: every format, guarded, in a child process
    for problem in reading.problems:
        click.echo(visible(f"{problem.severity}: {problem}"), err=True)
    if reading.team_quarter is None:
        raise OkrsheetError(f"{path}: no OKR table found; is this an okrsheet workbook?")
    if strict and reading.errors:
        raise OkrsheetError(f"{path}: {len(reading.errors)} error(s) above; fix them first, "
                            "so no value is lost.")
    if strict:
        refuse_numbers_that_are_not_numbers(reading, path)
    reading.team_quarter.file = path
    return reading


def refuse_numbers_that_are_not_numbers(reading, path: str) -> None:
    """NaN or infinity in an input (a script's or a broken exporter's) can't be written back
    to a workbook: refuse, naming the cell, rather than fail halfway through writing."""
    import math

    from okrsheet.domain import schema
    from okrsheet.domain.problems import OkrsheetError

    for kr in reading.team_quarter.key_results:
        values = {key: getattr(kr, key) for key in (*schema.NUMBERS, "current")}
        values.update({f"week_{week}": value for week, value in kr.check_ins.items()})
        for key, value in values.items():
            if isinstance(value, float) and not math.isfinite(value):
                cell = reading.cell(key, kr.row)
                where = f" {reading.sheet}!{cell}" if cell else ""
                raise OkrsheetError(f"{path}{where}: {value} is not a number; type a number "
                                    "there (or clear the cell) first.")


def check_quarter_option(quarter: str | None) -> None:
    """Refuse a --quarter that is not like 2027-Q1 (a usage error, exit status 2)."""
    from okrsheet.domain.quarter import Quarter, QuarterError

    if quarter is not None:
        try:
            Quarter.parse(quarter)
        except QuarterError as error:
            click.echo(f"Error: {error}", err=True)
            raise SystemExit(2) from None


def check_output_option(output: str, inputs=(), force: bool = False,
                  suffixes: tuple[str, ...] = (".xlsx",)) -> None:
    """Refuse, before any work, an output that does not end in one of ``suffixes``, is an
    input, exists (without --force), or can't be written (missing or read-only folder, name
    too long)."""
    import os

    from okrsheet.files.writing import check_output

    if not output.lower().endswith(suffixes):
        raise click.BadParameter(f"the output must end in {' or '.join(suffixes)}",
                                 param_hint="-o/--output")
    if any(os.path.exists(output) and os.path.samefile(output, path) for path in inputs):
        raise click.BadParameter("the output is one of the input files; okrsheet never "
                                 "writes over an input. Choose another name.",
                                 param_hint="-o/--output")
    check_output(output, force)


def week_of(team_quarter, week, as_of=None) -> int:
    """``--week``, else the check-in week of ``as_of``, the workbook's As of, or today."""
    import datetime as dt

    from okrsheet.workflows.split import check_in_week

    if week is not None:
        return week
    return check_in_week(team_quarter, as_of or team_quarter.as_of or dt.date.today())
