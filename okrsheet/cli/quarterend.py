"""Commands across many workbooks: ``summary`` and ``export`` to the history store."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator

import click
from click.core import ParameterSource

from okrsheet.cli.common import check_output_option, echo, fiscal_year_options, user_errors
from okrsheet.cli.extras import require

SUMMARY_OUTPUTS = (".xlsx", ".html")
"""What summary -o writes: the summary workbook, or the dashboard."""
TEXT_OUTPUTS = (".csv", ".json")
"""What summary -o writes instead of the terminal: the CSV or JSON (its --format)."""


def _stoppable(function):
    """SIGTERM stops the command as Ctrl-C does, and temporary folders are removed either
    way (those of reading children killed on the way too)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        from okrsheet.files.writing import remove_left_behind, sigterm_as_interrupt

        try:
            with sigterm_as_interrupt():
                return function(*args, **kwargs)
        finally:  # the copies of reading children stopped by Ctrl-C or SIGTERM
            remove_left_behind()

    return wrapper


@click.command(name="export")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "history", required=True, type=click.Path(),
              metavar="DIRECTORY", help="The history folder (made if missing).")
@fiscal_year_options
@user_errors
@_stoppable
def export_command(paths, history, fiscal_year_start, named_by) -> None:
    """Export workbooks to a history store: Parquet tables partitioned by quarter.

    PATHS are workbooks or folders. Exporting a workbook again replaces its rows and
    nothing else; a workbook that can't be read changes nothing and is listed with the
    reason (exit status 1). Query the store with okrsheet summary --from HISTORY, or with
    DuckDB, Spark or pandas (docs/history.md).
    """
    from okrsheet.workflows.export import export

    result = export(paths, history, fiscal_year_start=fiscal_year_start,
                    named_by_start=named_by == "start")
    echo(result.lines())
    if result.left_out:
        raise SystemExit(1)


@click.command(name="summary")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--from", "history", type=click.Path(), metavar="DIRECTORY",
              help="Summarise the history store made by okrsheet export (computed in DuckDB) "
                   "instead of workbooks.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Also write a summary workbook (.xlsx) with charts, or a dashboard (.html): "
                   "one self-contained page. An OUTPUT ending in .csv or .json gets the CSV "
                   "or JSON instead of the terminal (its --format).")
@click.option("--format", "output_format", default="table", show_default=True,
              type=click.Choice(["table", "markdown", "csv", "json"]),
              help="How to print the summary.")
@click.option("--quarter", help="Show only this quarter, like 2026-Q4 (changes still compare "
                                "with the quarter before).")
@click.option("--objectives", is_flag=True,
              help="One row per objective (csv/json); an objectives table (table/markdown).")
@click.option("--tree", is_flag=True,
              help="The alignment tree: company objectives with the team objectives aligned to "
                   "them (table: printed after the table; csv: one row per node).")
@click.option("--keep-going", is_flag=True,
              help="Exit status 0 even when some files were left out or conflict.")
@click.option("--prefer", "prefer", multiple=True, type=click.Path(dir_okay=False),
              help="Use this workbook where two that differ claim the same team and quarter "
                   "(repeatable).")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="The day that stands for today where a workbook's As of is blank (whether "
                   "its quarter has ended, stale key results, overdue actions). Default: today.")
@click.option("--pack", "pack", type=click.Path(file_okay=False), metavar="DIRECTORY",
              help="Write the whole quarter-end into DIRECTORY: summary workbook, dashboard, "
                   "markdown, JSON, CSV and MANIFEST.json (inputs' SHA-256, the command, the "
                   "As of used, outputs' SHA-256). The same inputs and command give the same "
                   "bytes; check it with okrsheet verify DIRECTORY.")
@fiscal_year_options
@click.option("--force", is_flag=True, help="Replace OUTPUT (or the pack) if it exists.")
@user_errors
@_stoppable
def summary_command(paths, history, output, output_format, quarter, objectives, tree,
                    keep_going, prefer, as_of, pack, fiscal_year_start, named_by,
                    force) -> None:
    """Summarise many teams' workbooks over quarters: scores, changes, calibration.

    PATHS are workbooks or folders (searched for .xlsx, .xlsm, .ods and .xls). Files that
    can't be read (.xlsb, .csv, .numbers...) are listed with the reason and left out: exit
    status 1 then, unless --keep-going. Lock files and the summary's own output are skipped,
    with a line. With --from HISTORY, the store made by okrsheet export is summarised
    instead (docs/history.md). An OUTPUT ending in .html is the dashboard.
    """
    import sys

    from okrsheet.domain.quarter import Quarter, QuarterError
    from okrsheet.files.folders import find
    from okrsheet.quarterend.summary import summarise

    as_of = as_of.date() if as_of is not None else None
    if pack is not None:
        _summary_pack(paths, history, output, pack, as_of, quarter, objectives, prefer,
                      fiscal_year_start, named_by, force, keep_going)
        return
    output_format = _format_of(output, output_format)
    if output is not None and str(output).lower().endswith(".html"):
        require("dashboard", "okrsheet summary -o X.html (the dashboard)")
    if quarter is not None:
        try:
            quarter = Quarter.parse(quarter)
        except QuarterError as error:
            raise click.BadParameter(str(error), param_hint="--quarter") from None
    if history is not None or not paths:
        if history is None:
            raise click.UsageError("give workbooks or folders, or --from HISTORY.")
        if paths:
            raise click.UsageError("--from HISTORY summarises the store alone; give no "
                                   "workbooks with it.")
        _summary_from_history(history, output, output_format, quarter, objectives, tree, force,
                              prefer)
        return
    search = find(paths)
    files = search.workbooks
    if not files and not search.left_out:
        from okrsheet.domain.problems import OkrsheetError

        raise OkrsheetError(f"no workbooks (.xlsx, .xlsm, .ods, .xls) found in "
                            f"{', '.join(paths)}.")
    if output is not None:
        _check_output(output, files, force, output_format)
    _check_preferred(prefer, files)
    fiscal = {"fiscal_year_start": fiscal_year_start, "named_by_start": named_by == "start"}
    workers = None if len(files) >= 100 else 1  # processes pay off only for many files
    if sys.stderr.isatty() and len(files) >= 20:
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("Reading workbooks", total=len(files))
            result = summarise(paths, quarter, workers=workers, prefer=prefer, today=as_of,
                               on_file=lambda _path: progress.advance(task), **fiscal)
    else:
        result = summarise(paths, quarter, workers=workers, prefer=prefer, today=as_of,
                           **fiscal)
    if result.teams.empty and result.files.empty:  # a company workbook alone: its tree
        raise _no_summary(result)
    from okrsheet.quarterend.calibration import calibrate

    _print_summary(result, lambda: calibrate(result, today=as_of), output, output_format, objectives, tree,
                   force)
    if (len(result.left_out) or len(result.conflicts)) and not keep_going:
        raise SystemExit(1)


def _summary_pack(paths, history, output, pack, as_of, quarter, objectives, prefer,
                  fiscal_year_start, named_by, force, keep_going) -> None:
    """summary --pack: every output at once, with its manifest (okrsheet.outputs.pack)."""
    from okrsheet.domain.quarter import Quarter, QuarterError
    from okrsheet.domain.text import visible
    from okrsheet.outputs import report
    from okrsheet.outputs.pack import make_pack

    if history is not None or not paths:
        raise click.UsageError("--pack is made from workbooks (their SHA-256 is recorded); "
                               "give workbooks or folders, not --from HISTORY.")
    if output is not None:
        raise click.UsageError("--pack writes every output into its folder; give no -o with it.")
    if quarter is not None:
        try:
            quarter = str(Quarter.parse(quarter))
        except QuarterError as error:
            raise click.BadParameter(str(error), param_hint="--quarter") from None
    require("dashboard", "okrsheet summary --pack (its dashboard)")
    made = make_pack(paths, pack, force=force, as_of=as_of, quarter=quarter,
                     objectives=objectives, prefer=prefer, fiscal_year_start=fiscal_year_start,
                     named_by_start=named_by == "start")
    result = made.summary
    for row in report.records(result.left_out):
        click.echo(visible(f"Left out {row['file']}: {row['reason']}"), err=True)
    for line in report.conflict_lines(result):
        click.echo(visible(line), err=True)
    click.echo(f"Wrote the pack {visible(pack)}: {len(made.files)} files, "
               f"{len(made.manifest['inputs'])} inputs, as of {made.manifest['as_of']}.")
    if (len(result.left_out) or len(result.conflicts)) and not keep_going:
        raise SystemExit(1)


@click.command(name="verify")
@click.argument("directory", type=click.Path(file_okay=False))
@user_errors
@_stoppable
def verify_command(directory) -> None:
    """Re-make a pack from okrsheet summary --pack and check it, file by file.

    The inputs MANIFEST.json names are read again (paths as given, from the current
    folder), the outputs re-made with the command it records, and each file said to match
    or not. A changed, missing or new input, or an output that differs: exit status 1.
    """
    from okrsheet import __version__
    from okrsheet.domain.text import visible
    from okrsheet.outputs.pack import verify_pack

    require("dashboard", "okrsheet verify (the pack's dashboard)")
    found = verify_pack(directory)
    for check in found.checks:
        click.echo(visible(check.line()))
    if found.made_with and found.made_with != __version__:
        click.echo(f"The pack was made with okrsheet {found.made_with}, checked with "
                   f"{__version__}: an output may differ for that alone.", err=True)
    failed = sum(not check.ok for check in found.checks)
    inputs = [check for check in found.checks if check.kind == "input"]
    if inputs and all(check.reason == "missing" for check in inputs):
        click.echo("No input is where the manifest says: its paths are read from the current "
                   "folder, as when the pack was made; run okrsheet verify from that folder.",
                   err=True)
    if failed:
        click.echo(f"{visible(directory)}: {failed} of {len(found.checks)} files do not "
                   "match.", err=True)
        raise SystemExit(1)
    click.echo(f"{visible(directory)}: every file matches ({len(found.checks)}).")


def _summary_from_history(history, output, output_format, quarter, objectives, tree,
                          force, prefer=()) -> None:
    from okrsheet.domain.problems import OkrsheetError
    from okrsheet.quarterend.history_calibration import calibrate_store
    from okrsheet.quarterend.history_summary import summarise_store

    require("history", "okrsheet summary --from")
    if output is not None:
        _check_output(output, (), force, output_format)
    try:
        result = summarise_store(history, quarter, prefer=prefer)
    except OkrsheetError as error:
        if str(error).startswith("--prefer"):
            raise click.BadParameter(str(error).split(": ", 1)[1], param_hint="--prefer") from None
        raise
    _print_summary(result, lambda: calibrate_store(history, result, prefer=prefer), output,
                   output_format, objectives, tree, force)
    if len(result.conflicts):
        raise SystemExit(1)


def _print_summary(result, calibrate, output, output_format, objectives, tree,
                   force) -> None:
    """Print ``result`` as asked and write OUTPUT (an .xlsx workbook, an .html dashboard, or
    the CSV or JSON printed otherwise). ``calibrate()`` gives the calibration, asked for only
    by the outputs that show it (the JSON, markdown, workbook and dashboard)."""
    from okrsheet.domain.text import visible
    from okrsheet.outputs import report, report_terminal, report_text, summary_workbook

    calibration = functools.cache(calibrate)

    if output_format in ("json", "csv"):
        written = output if _is_text_output(output) else None
        with _text_output(written, force) as write:
            if output_format == "json":
                report.write_json(result, write, objectives, calibration())
            elif tree:
                from okrsheet.outputs.alignment_report import csv_rows

                report.write_csv_table([csv_rows(result.alignment)], write)
            else:
                report.write_csv(result, write, objectives)
    elif output_format == "markdown":
        click.echo(report_text.markdown(result, objectives, calibration()))
    else:
        report_terminal.print_table(result, objectives=objectives)
        if tree or result.company.empty:  # the tree is all a company workbook alone gives
            from okrsheet.outputs.alignment_report import tree_lines

            for line in tree_lines(result.alignment) or ["No alignment: no company workbook and "
                                                         "no Parent named."]:
                click.echo(line)
    if output_format in ("json", "csv"):
        for row in report.records(result.left_out):
            click.echo(visible(f"Left out {row['file']}: {row['reason']}"), err=True)
        for line in report.conflict_lines(result):
            click.echo(visible(line), err=True)
        for row in report.records(result.skipped):
            click.echo(visible(f"Skipped {row['file']}: {row['reason']}"), err=True)
    if output is None:
        return
    if str(output).lower().endswith(".html"):
        from okrsheet.outputs.dashboard import write_dashboard

        write_dashboard(result, output, force=force, calibration=calibration())
    elif not _is_text_output(output):  # a .csv or .json is written above, as it went
        summary_workbook.write_summary_workbook(result, output, force=force,
                                                confidence=calibration())
    click.echo(f"Wrote {visible(output)}.", err=True)


def _check_output(output, inputs, force, output_format) -> None:
    """Refuse, before any work, an OUTPUT that can't be written, or a .csv or .json one that
    is not what --format prints."""
    suffix = _text_suffix(output)
    if suffix is not None and suffix != f".{output_format}":
        raise click.BadParameter(f"an output ending in {suffix} gets the {suffix[1:].upper()} "
                                 f"summary, not --format {output_format}; leave --format out, "
                                 f"or end the name in {' or '.join(SUMMARY_OUTPUTS)}.",
                                 param_hint="-o/--output")
    check_output_option(output, inputs, force, SUMMARY_OUTPUTS + ((suffix,) if suffix else ()))


def _format_of(output, output_format: str) -> str:
    """The --format an OUTPUT ending in .csv or .json asks for, when none is given."""
    suffix = _text_suffix(output)
    given = click.get_current_context().get_parameter_source("output_format")
    if suffix is None or given is not ParameterSource.DEFAULT:
        return output_format
    return suffix[1:]


def _text_suffix(output) -> str | None:
    """``.csv`` or ``.json`` for an OUTPUT that gets that text, else None."""
    if output is None:
        return None
    return next((end for end in TEXT_OUTPUTS if str(output).lower().endswith(end)), None)


def _is_text_output(output) -> bool:
    return _text_suffix(output) is not None


@contextlib.contextmanager
def _text_output(output, force) -> Iterator[Callable[[str], object]]:
    """``write(text)`` to the terminal, or to OUTPUT (UTF-8, a temporary file renamed into
    place at the end: nothing is left behind on an error)."""
    if output is None:
        yield lambda text: click.echo(text, nl=False)
        return
    from okrsheet.files.writing import atomic_output

    with atomic_output(output, force) as write:
        yield lambda text: write(text.encode("utf-8"))


def _check_preferred(prefer, files) -> None:
    """Refuse a --prefer file that is not one of the workbooks read."""
    import os

    read = {os.path.normpath(path) for path in files}
    for path in prefer:
        if os.path.normpath(path) not in read:
            raise click.BadParameter(f"{path} is not one of the workbooks summarised.",
                                     param_hint="--prefer")


def _no_summary(result):
    from okrsheet.domain.problems import OkrsheetError
    from okrsheet.domain.text import visible
    from okrsheet.outputs import report

    for row in result.left_out.itertuples():
        click.echo(visible(f"Left out {row.file}: {row.reason}"), err=True)
    for line in report.conflict_lines(result):
        click.echo(visible(line), err=True)
    if len(result.conflicts):
        return OkrsheetError("none of the workbooks could be used (left out, or in conflict), "
                             "so there is nothing to summarise.")
    return OkrsheetError("none of the workbooks could be read, so there is nothing to summarise.")
