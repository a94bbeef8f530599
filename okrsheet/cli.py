"""The ``okrsheet`` command: thin click commands over the library.

Heavy libraries (pandas, openpyxl, XlsxWriter) are imported inside the commands that
need them, so ``okrsheet --help`` starts quickly.
"""

from __future__ import annotations

import functools

import click

from okrsheet import __version__


def user_errors(function):
    """Turn okrsheet's own errors into one-line messages: exit status 1 for problems in the
    data, 2 for usage errors (an output that exists without --force)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        from okrsheet.sheet.files import OkrsheetError, OutputExists
        from okrsheet.domain.quarter import QuarterError
        from okrsheet.sheet.safety import LimitError
        from okrsheet.domain.text import visible

        try:
            return function(*args, **kwargs)
        except (LimitError, OutputExists) as error:  # usage errors, like a bad option
            click.echo(f"Error: {visible(error)}", err=True)
            raise SystemExit(2) from None
        except (OkrsheetError, QuarterError) as error:
            click.echo(f"Error: {visible(error)}", err=True)
            raise SystemExit(1) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="okrsheet")
def main() -> None:
    """Run OKRs in plain spreadsheets: starter workbooks, scores, checks, summaries."""


TEMPLATE_NAMES = ("blank", "sales-team", "customer-success")


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


@main.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the workbook (.xlsx).")
@click.option("--template", default="blank", show_default=True,
              type=click.Choice(TEMPLATE_NAMES),
              help="Starter OKRs to fill the workbook with.")
@click.option("--team", help="Team name written in the Team cell.")
@click.option("--quarter", help="Quarter like 2027-Q1 (default: the current quarter).")
@fiscal_year_options
@click.option("--level", type=click.Choice(["company", "team", "person"]), default="team",
              show_default=True, help="Whose OKRs: the company's, a team's or a person's.")
@click.option("--parent", "parent_file", type=click.Path(dir_okay=False),
              help="The workbook this one aligns to (the company's, or the team's for a person): "
                   "its objectives and key results fill the Parent drop-downs.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@user_errors
def new(output, template, team, quarter, fiscal_year_start, named_by, level, parent_file,
        force) -> None:
    """Write a starter OKR workbook to fill in with Excel, LibreOffice or Google Sheets."""
    import dataclasses
    import datetime as dt

    from okrsheet.domain.quarter import Quarter
    from okrsheet.sheet.templates import starter
    from okrsheet.domain.text import visible
    from okrsheet.sheet.writer import write_workbook

    _check_output(output, force=force)
    _check_quarter_option(quarter)
    parent = _read_okrs(parent_file, strict=False) if parent_file else None
    team_quarter = starter(template, team=team, quarter=quarter,
                           fiscal_year_start=fiscal_year_start, level=level, parent=parent)
    named_by_start = named_by == "start"
    period = (Quarter.parse(quarter, fiscal_year_start, named_by_start) if quarter else
              Quarter.containing(dt.date.today(), fiscal_year_start, named_by_start))
    team_quarter = dataclasses.replace(team_quarter, quarter=period.label,
                                       quarter_start=period.start, quarter_end=period.end)
    write_workbook(team_quarter, output, force=force)
    click.echo(f"Wrote {visible(output)}: {visible(team_quarter.team or 'your team')}, {team_quarter.quarter} "
               f"({team_quarter.quarter_start:%d %b} to {team_quarter.quarter_end:%d %b %Y}).")
    if not (team_quarter.team or "").strip():
        click.echo("The Team cell is blank: type the team's name there (or use --team); check "
                   "and summary need it.")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv"]),
              default="table", show_default=True, help="How to print the scores.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Date the pace is judged at (default: the workbook's As of, else today).")
@user_errors
def score(file, output_format, as_of) -> None:
    """Score a filled-in OKR workbook: team, objectives, key results, and its problems.

    Exit status 1 when the workbook has errors (listed with the cell to fix).
    """
    from okrsheet.domain.checks import check_reading
    from okrsheet.sheet.legacy import read_okr_file_isolated as read_workbook_isolated
    from okrsheet.outputs.scorecard import print_score, score_csv_text, scorecard
    from okrsheet.domain.text import json_text, shown

    day = as_of.date() if as_of else None
    reading = read_workbook_isolated(file, as_of=day)
    problems = check_reading(reading)
    card = scorecard(reading, problems, as_of=day)
    if output_format == "json":
        click.echo(json_text(card))
    elif output_format == "csv":
        click.echo(score_csv_text(shown(card)), nl=False)
    else:
        print_score(shown(card), shown(problems))
    if any(problem.severity == "error" for problem in problems):
        raise SystemExit(1)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--strict", is_flag=True, help="Count warnings as errors (exit status 1).")
@fiscal_year_options
@user_errors
def check(files, strict, fiscal_year_start, named_by) -> None:
    """Check OKR workbooks against the guide's rules; print each problem with its cell.

    Exit status 1 when any file has an error (or, with --strict, a warning).
    """
    import datetime as dt

    from okrsheet.domain.checks import check_reading
    from okrsheet.sheet.files import OkrsheetError
    from okrsheet.sheet.legacy import read_okr_file_isolated as read_workbook_isolated
    from okrsheet.sheet.safety import Limits
    from okrsheet.domain.text import visible

    failing = ("error", "warning") if strict else ("error",)
    failed = False
    limits = Limits.from_environment()
    team_quarters = []
    for file in files:
        try:
            reading = read_workbook_isolated(file, limits=limits)
            problems = check_reading(reading, fiscal_year_start, named_by == "start",
                                     today=dt.date.today())
            if reading.team_quarter is not None:
                team_quarters.append(reading.team_quarter)
        except OkrsheetError as error:
            click.echo(f"Error: {visible(error)}", err=True)
            failed = True
            continue
        for problem in problems:
            click.echo(visible(f"{problem.severity}: {problem} [{problem.code}]"))
        failed = failed or any(problem.severity in failing for problem in problems)
        if not problems:
            click.echo(f"{visible(file)}: no problems.")
    if len(team_quarters) > 1:  # links between the workbooks given: parents that name nothing
        from okrsheet.domain.alignment import align
        from okrsheet.outputs.alignment_report import dangling_problems

        for problem in dangling_problems(align(team_quarters)):
            click.echo(visible(f"{problem.severity}: {problem} [{problem.code}]"))
            failed = failed or problem.severity in failing
    raise SystemExit(1 if failed else 0)


def _read_okrs(path: str, strict: bool = True):
    """Read an OKR workbook for next/diff/merge; with ``strict``, refuse one with errors."""
    from okrsheet.sheet.files import OkrsheetError
    from okrsheet.sheet.isolation import read_workbook_isolated
    from okrsheet.domain.text import visible

    reading = read_workbook_isolated(path)
    for problem in reading.problems:
        click.echo(visible(f"{problem.severity}: {problem}"), err=True)
    if reading.team_quarter is None:
        raise OkrsheetError(f"{path}: no OKR table found; is this an okrsheet workbook?")
    if strict and reading.errors:
        raise OkrsheetError(f"{path}: {len(reading.errors)} error(s) above; fix them first, "
                            "so no value is lost.")
    if strict:
        _refuse_numbers_that_are_not_numbers(reading, path)
    reading.team_quarter.file = path
    return reading.team_quarter


def _refuse_numbers_that_are_not_numbers(reading, path: str) -> None:
    """NaN or infinity in an input (a script's or a broken exporter's) can't be written back
    to a workbook: refuse, naming the cell, rather than fail halfway through writing."""
    import math

    from okrsheet.sheet.files import OkrsheetError

    for kr in reading.team_quarter.key_results:
        values = {key: getattr(kr, key) for key in ("start", "target", "revised_target",
                                                     "current", "weight")}
        values.update({f"week_{week}": value for week, value in kr.check_ins.items()})
        for key, value in values.items():
            if isinstance(value, float) and not math.isfinite(value):
                cell = reading.cell(key, kr.row)
                where = f" {reading.sheet}!{cell}" if cell else ""
                raise OkrsheetError(f"{path}{where}: {value} is not a number; type a number "
                                    "there (or clear the cell) first.")


def _check_quarter_option(quarter: str | None) -> None:
    """Refuse a --quarter that is not like 2027-Q1 (a usage error, exit status 2)."""
    from okrsheet.domain.quarter import Quarter, QuarterError

    if quarter is not None:
        try:
            Quarter.parse(quarter)
        except QuarterError as error:
            click.echo(f"Error: {error}", err=True)
            raise SystemExit(2) from None


def _check_output(output: str, inputs=(), force: bool = False,
                  suffixes: tuple[str, ...] = (".xlsx",)) -> None:
    """Refuse, before any work, an output that does not end in one of ``suffixes``, is an
    input, exists (without --force), or can't be written (missing or read-only folder, name
    too long)."""
    import os

    from okrsheet.sheet.files import check_output

    if not output.lower().endswith(suffixes):
        raise click.BadParameter(f"the output must end in {' or '.join(suffixes)}",
                                 param_hint="-o/--output")
    if any(os.path.exists(output) and os.path.samefile(output, path) for path in inputs):
        raise click.BadParameter("the output is one of the input files; okrsheet never "
                                 "writes over an input. Choose another name.",
                                 param_hint="-o/--output")
    check_output(output, force)


@main.command(name="next")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the next quarter's workbook (.xlsx).")
@click.option("--unfinished-only", is_flag=True,
              help="Carry only key results that are not green (lagging ones included).")
@fiscal_year_options
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@user_errors
def next_command(file, output, unfinished_only, fiscal_year_start, named_by, force) -> None:
    """Start next quarter's workbook from FILE: each Start is the last Current, check-ins cleared."""
    from okrsheet.domain.carryover import carried_key_results, next_quarter, over_achieved
    from okrsheet.domain.text import visible
    from okrsheet.sheet.writer import write_workbook

    _check_output(output, (file,), force)
    team_quarter = _read_okrs(file)
    carried = carried_key_results(team_quarter, unfinished_only)
    following = next_quarter(team_quarter, unfinished_only=unfinished_only,
                             fiscal_year_start=fiscal_year_start,
                             named_by_start=named_by == "start")
    write_workbook(following, output, force=force)
    left = len(team_quarter.key_results) - len(carried)
    click.echo(f"Wrote {visible(output)}: {visible(following.team or 'your team')}, {following.quarter} "
               f"({following.quarter_start:%d %b} to {following.quarter_end:%d %b %Y}), "
               f"{len(carried)} key result(s) carried"
               + (f", {left} green one(s) left behind" if left else "") + ".")
    revised = sum(kr.revised for kr in carried)
    lagging = sum(kr.lagging for kr in carried)
    if revised:
        click.echo(f"{revised} revised target(s) became the target (noted in Comment).")
    if lagging:
        click.echo(f"{lagging} lagging key result(s) kept their Start, to score at the review.")
    passed = sum(map(over_achieved, carried))
    if passed:
        click.echo(f"{passed} key result(s) went past their target: their Target is blank for "
                   "the team to set a new one (noted in Comment).")


@main.command(name="fix")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the fixed copy (.xlsx).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@user_errors
def fix_command(file, output, force) -> None:
    """Write a copy of FILE with every formula, drop-down and colour restored.

    Every input is kept; numbers typed as text that convert without doubt are converted.
    Each change is listed by cell; anything ambiguous is left as typed and listed too.
    """
    from okrsheet.sheet.fix import fix_reading
    from okrsheet.sheet.reader import read_workbook
    from okrsheet.sheet.writer import write_workbook

    _check_output(output, (file,), force)
    team_quarter, changes = fix_reading(read_workbook(file))
    write_workbook(team_quarter, output, force=force)
    click.echo(f"Wrote {output}: formulas, drop-downs and colours restored; every input kept.")
    for change in changes:
        click.echo(("left as typed: " if change.kept else "") + str(change))


@main.command(name="diff")
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Text for people, JSON for programs.")
@user_errors
def diff_command(old, new, output_format) -> None:
    """What changed from OLD to NEW, by objective and key result (not by cell)."""
    from okrsheet.domain.changes import diff, format_changes
    from okrsheet.domain.text import json_text

    changes = diff(_read_okrs(old, strict=False), _read_okrs(new, strict=False))
    if output_format == "json":
        click.echo(json_text({"old": old, "new": new,
                              "changes": [change.as_dict() for change in changes]}))
    else:
        click.echo(format_changes(changes))


@main.command(name="merge")
@click.argument("base", type=click.Path(exists=True, dir_okay=False))
@click.argument("copies", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the merged workbook (.xlsx).")
@click.option("--prefer", metavar="COPY|first|last",
              help="Which copy wins where copies disagree (default: stop and list conflicts).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@user_errors
def merge_command(base, copies, output, prefer, force) -> None:
    """Merge COPIES edited from BASE (say, emailed back by owners) into one workbook."""
    from okrsheet.domain.merging import MergeConflicts, UnknownCopy, merge
    from okrsheet.domain.text import visible
    from okrsheet.sheet.writer import write_workbook

    _check_output(output, (base, *copies), force)
    originals = [_read_okrs(path) for path in (base, *copies)]
    try:
        result = merge(originals[0], originals[1:], prefer=prefer, names=list(copies))
    except UnknownCopy as error:
        raise click.BadParameter(str(error), param_hint="--prefer") from None
    except MergeConflicts as error:
        for conflict in error.conflicts:
            click.echo(f"Conflict: {visible(conflict)}", err=True)
        raise
    write_workbook(result.team_quarter, output, force=force)
    for copy in copies:
        count = sum(name == copy for name, _ in result.changes)
        click.echo(f"{visible(copy)}: {count} change(s)")
    for conflict in result.conflicts:
        click.echo(f"Resolved: {visible(conflict)}")
    click.echo(f"Wrote {visible(output)}.")


SUMMARY_OUTPUTS = (".xlsx", ".html")
"""What summary -o writes: the summary workbook, or the dashboard."""


@main.command(name="export")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "history", required=True, type=click.Path(file_okay=False),
              help="The history folder (made if missing).")
@fiscal_year_options
@user_errors
def export_command(paths, history, fiscal_year_start, named_by) -> None:
    """Export workbooks to a history store: Parquet tables partitioned by quarter.

    PATHS are workbooks or folders. Exporting a workbook again replaces its rows and
    nothing else; a workbook that can't be read changes nothing and is listed with the
    reason (exit status 1). Query the store with okrsheet summary --from HISTORY, or with
    DuckDB, Spark or pandas (docs/history.md).
    """
    from okrsheet.quarterend.history import export
    from okrsheet.domain.text import visible

    result = export(paths, history, fiscal_year_start=fiscal_year_start,
                    named_by_start=named_by == "start")
    for file, reason in result.left_out:
        click.echo(visible(f"Left out {file}: {reason}"), err=True)
    quarters = sorted({quarter for _, _, quarter in result.written})
    span = "" if not quarters else f" ({quarters[0]}" + (
        f" to {quarters[-1]})" if len(quarters) > 1 else ")")
    count = len(result.written)
    click.echo(f"Exported {count} workbook{'s' if count != 1 else ''} to "
               f"{visible(history)}{span}.")
    if result.left_out:
        raise SystemExit(1)


@main.command(name="summary")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--from", "history", type=click.Path(file_okay=False),
              help="Summarise the history store made by okrsheet export (computed in DuckDB) "
                   "instead of workbooks.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Also write a summary workbook (.xlsx) with charts, or a dashboard (.html): "
                   "one self-contained page.")
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
@fiscal_year_options
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@user_errors
def summary_command(paths, history, output, output_format, quarter, objectives, tree,
                    keep_going, prefer, fiscal_year_start, named_by, force) -> None:
    """Summarise many teams' workbooks over quarters: scores, changes, calibration.

    PATHS are workbooks or folders (searched for .xlsx, .xlsm, .ods and .xls). Files that
    can't be read (.xlsb, .csv, .numbers...) are listed with the reason and left out: exit
    status 1 then, unless --keep-going. Lock files and the summary's own output are skipped,
    with a line. With --from HISTORY, the store made by okrsheet export is summarised
    instead (docs/history.md). An OUTPUT ending in .html is the dashboard.
    """
    import sys

    from okrsheet.domain.quarter import Quarter, QuarterError
    from okrsheet.sheet.folders import find
    from okrsheet.quarterend.summary import summarise

    if quarter is not None:
        try:
            quarter = Quarter.parse(quarter)
        except QuarterError as error:
            raise click.BadParameter(str(error), param_hint="--quarter") from None
    if history is not None or not paths:
        if history is None:
            raise click.UsageError("give workbooks or folders, or --from HISTORY.")
        if paths or prefer:
            raise click.UsageError("--from HISTORY summarises the store alone; give no "
                                   "workbooks or --prefer with it.")
        _summary_from_history(history, output, output_format, quarter, objectives, tree, force)
        return
    search = find(paths)
    files = search.workbooks
    if not files and not search.left_out:
        from okrsheet.sheet.files import OkrsheetError

        raise OkrsheetError(f"no workbooks (.xlsx, .xlsm, .ods, .xls) found in "
                            f"{', '.join(paths)}.")
    if output is not None:
        _check_output(output, files, force, SUMMARY_OUTPUTS)
    _check_preferred(prefer, files)
    fiscal = {"fiscal_year_start": fiscal_year_start, "named_by_start": named_by == "start"}
    workers = None if len(files) >= 100 else 1  # processes pay off only for many files
    if sys.stderr.isatty() and len(files) >= 20:
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("Reading workbooks", total=len(files))
            result = summarise(paths, quarter, workers=workers, prefer=prefer,
                               on_file=lambda _path: progress.advance(task), **fiscal)
    else:
        result = summarise(paths, quarter, workers=workers, prefer=prefer, **fiscal)
    if result.teams.empty:
        raise _no_summary(result)
    from okrsheet.quarterend.calibration import calibrate

    _print_summary(result, calibrate(result), output, output_format, objectives, tree, force)
    if (len(result.left_out) or len(result.conflicts)) and not keep_going:
        raise SystemExit(1)


def _summary_from_history(history, output, output_format, quarter, objectives, tree,
                          force) -> None:
    from okrsheet.quarterend.history_summary import calibrate_store, summarise_store

    if output is not None:
        _check_output(output, (), force, SUMMARY_OUTPUTS)
    result = summarise_store(history, quarter)
    _print_summary(result, calibrate_store(history, result), output, output_format,
                   objectives, tree, force)
    if len(result.conflicts):
        raise SystemExit(1)


def _print_summary(result, calibration, output, output_format, objectives, tree,
                   force) -> None:
    """Print ``result`` as asked and write OUTPUT (an .xlsx workbook or an .html dashboard)."""
    from okrsheet.outputs import report, report_terminal, report_text, summary_workbook
    from okrsheet.domain.text import shown, visible

    if output_format == "json":
        click.echo(report.json_text(result, objectives, calibration), nl=False)
    elif output_format == "csv" and tree:
        from okrsheet.outputs.alignment_report import csv_rows

        click.echo(report.csv_table_text(csv_rows(result.alignment)), nl=False)
    elif output_format == "csv":
        click.echo(report.csv_rows_text(result, objectives), nl=False)
    elif output_format == "markdown":
        click.echo(report_text.markdown(result, objectives, calibration))
    else:
        report_terminal.print_table(shown(result), objectives=objectives)
        if tree:
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
    if output is not None and str(output).lower().endswith(".html"):
        from okrsheet.outputs.dashboard import write_dashboard

        write_dashboard(result, output, force=force, calibration=calibration)
        click.echo(f"Wrote {visible(output)}.", err=True)
    elif output is not None:
        summary_workbook.write_summary_workbook(result, output, force=force,
                                                confidence=calibration)
        click.echo(f"Wrote {visible(output)}.", err=True)


def _check_preferred(prefer, files) -> None:
    """Refuse a --prefer file that is not one of the workbooks read."""
    import os

    read = {os.path.normpath(path) for path in files}
    for path in prefer:
        if os.path.normpath(path) not in read:
            raise click.BadParameter(f"{path} is not one of the workbooks summarised.",
                                     param_hint="--prefer")


def _no_summary(result):
    from okrsheet.sheet.files import OkrsheetError
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


def _week_of(team_quarter, week, as_of=None) -> int:
    """``--week``, else the check-in week of ``as_of``, the workbook's As of, or today."""
    import datetime as dt

    from okrsheet.sheet.checkin import check_in_week

    if week is not None:
        return week
    return check_in_week(team_quarter, as_of or team_quarter.as_of or dt.date.today())


CHECK_IN_WEEK_CHOICES = click.Choice(["3", "5", "7", "9", "11", "13"])


@main.command(name="split")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "folder", required=True, type=click.Path(file_okay=False),
              help="Folder for the owners' Check-in workbooks (made if missing).")
@click.option("--week", type=CHECK_IN_WEEK_CHOICES,
              help="Check-in week (default: the check-in week of the workbook's As of, "
                   "else today).")
@click.option("--force", is_flag=True, help="Replace Check-in workbooks that exist.")
@user_errors
def split_command(file, folder, week, force) -> None:
    """Write one small Check-in workbook per owner, to email: only their key results, with
    Value, Confidence and Comment to fill in. Bring the replies back with okrsheet collect."""
    from okrsheet.sheet.checkin import write_check_ins

    team_quarter = _read_okrs(file, strict=False)
    chosen = _week_of(team_quarter, int(week) if week else None)
    from okrsheet.domain.text import visible

    for owner in write_check_ins(team_quarter, folder, chosen, force=force):
        click.echo(visible(f"Wrote {owner.path}: {owner.owner or 'no owner'}, "
                             f"{len(owner.key_results)} key result(s)."))
    click.echo(visible(f"Week {chosen}: send each owner their file; collect the replies with "
                       f"okrsheet collect {file} REPLY... -o UPDATED.xlsx --week {chosen}"))


@main.command(name="collect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.argument("replies", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the updated team workbook (.xlsx).")
@click.option("--week", type=CHECK_IN_WEEK_CHOICES,
              help="The week being collected (default: the check-in week of the workbook's "
                   "As of, else today); a late reply is collected with its own week.")
@click.option("--prefer", metavar="REPLY|first|last",
              help="Which reply wins where two disagree (default: stop and list conflicts).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@user_errors
def collect_command(file, replies, output, week, prefer, force) -> None:
    """Write owners' Check-in replies (values, confidences, comments) into FILE's check-in week.

    A reply for another team, quarter or week, an unknown key result or a value that is not
    a number (done / not done for a milestone): one line each, nothing written, exit status 1.
    """
    from okrsheet.sheet.collect import ReplyProblems, collect, read_reply
    from okrsheet.domain.merging import MergeConflicts, UnknownCopy
    from okrsheet.domain.text import visible
    from okrsheet.sheet.writer import write_workbook

    _check_output(output, (file, *replies), force)
    team_quarter = _read_okrs(file)
    chosen = _week_of(team_quarter, int(week) if week else None)
    try:
        result = collect(team_quarter, [read_reply(reply) for reply in replies], chosen, prefer)
    except UnknownCopy as error:
        raise click.BadParameter(str(error), param_hint="--prefer") from None
    except ReplyProblems as error:
        for problem in error.problems:
            click.echo(visible(f"Problem: {problem}"), err=True)
        raise
    except MergeConflicts as error:
        for conflict in error.conflicts:
            click.echo(visible(f"Conflict: {conflict}"), err=True)
        raise
    write_workbook(result.team_quarter, output, force=force)
    for reply in replies:
        changes = [change for name, change in result.changes if name == reply]
        click.echo(visible(f"{reply}: {len(changes)} change(s)"))
        for change in changes:
            click.echo("  " + visible(change))
    for conflict in result.conflicts:
        click.echo(visible(f"Resolved: {conflict}"))
    for note in result.notes:
        click.echo(visible(f"Note: {note}"))
    click.echo(f"Wrote {visible(output)} (week {chosen}).")


@main.command(name="status")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Date to judge at (default: the workbook's As of, else today).")
@click.option("--format", "output_format", type=click.Choice(["text", "markdown", "html"]),
              default="text", show_default=True,
              help="Text for the terminal, Markdown for an email or chat, one HTML file.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the page to this file instead of printing it.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@user_errors
def status_command(file, as_of, output_format, output, force) -> None:
    """The page that opens the weekly meeting: per key result its status, progress and change
    since the last check-in, pace, confidence, a week-13 forecast and open actions; then the
    stale key results and the overdue actions."""
    import datetime as dt
    import os

    from okrsheet.sheet.files import write_atomic
    from okrsheet.domain.status import status_page
    from okrsheet.outputs.statuspage import render
    from okrsheet.domain.text import visible

    if output is not None and os.path.exists(output) and os.path.samefile(output, file):
        raise click.BadParameter("the output is the input file; choose another name.",
                                 param_hint="-o/--output")
    team_quarter = _read_okrs(file, strict=False)
    day = as_of.date() if as_of else team_quarter.as_of or dt.date.today()
    page = render(status_page(team_quarter, day), output_format)
    if output is None:
        click.echo(page, nl=not page.endswith("\n"))
    else:
        write_atomic(output, page.encode("utf-8"), force=force)
        click.echo(f"Wrote {visible(output)}.")
