"""Commands on one team's workbook: ``new``, ``score``, ``check``, ``fix``, ``next`` and
``status``."""

from __future__ import annotations

from pathlib import Path

import click

from okrsheet.cli.common import (
    check_output_option,
    check_quarter_option,
    echo,
    fiscal_year_options,
    read_okrs,
    user_errors,
)

TEMPLATE_NAMES = ("blank", "sales-team", "customer-success")


@click.command()
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
    from okrsheet.domain.text import visible
    from okrsheet.write.templates import starter
    from okrsheet.write.writer import write_workbook

    check_output_option(output, force=force)
    check_quarter_option(quarter)
    parent = read_okrs(parent_file, strict=False) if parent_file else None
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


@click.command()
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
    from okrsheet.outputs.escape import terminal_values as shown
    from okrsheet.outputs.json_document import json_text
    from okrsheet.outputs.scorecard import print_score, score_csv_text, scorecard
    from okrsheet.read.reader import read_workbook
    from okrsheet.read.reading import check_reading

    day = as_of.date() if as_of else None
    reading = read_workbook(file, as_of=day)
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


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--strict", is_flag=True, help="Count warnings as errors (exit status 1).")
@click.option("--format", "output_format", type=click.Choice(["text", "github", "json"]),
              default="text", show_default=True,
              help="Lines for people, GitHub Actions annotations, or the problems as JSON.")
@fiscal_year_options
@user_errors
def check(files, strict, output_format, fiscal_year_start, named_by) -> None:
    """Check OKR workbooks against the guide's rules; print each problem with its cell.

    Exit status 1 when any file has an error (or, with --strict, a warning).
    """
    import datetime as dt

    from okrsheet.domain.problems import ERROR, OkrsheetError, Problem
    from okrsheet.domain.text import visible
    from okrsheet.guard.safety import Limits
    from okrsheet.outputs.textconv import github_annotations, problems_json
    from okrsheet.read.reader import read_workbook
    from okrsheet.read.reading import check_reading

    failing = ("error", "warning") if strict else ("error",)
    limits = Limits.from_environment()
    team_quarters, found = [], []
    for file in files:
        try:
            reading = read_workbook(file, limits=limits)
            problems = check_reading(reading, fiscal_year_start, named_by == "start",
                                     today=dt.date.today())
            if reading.team_quarter is not None:
                team_quarters.append(reading.team_quarter)
        except OkrsheetError as error:
            found.append((file, [Problem(ERROR, file, None, None, str(error).removeprefix(
                f"{file}: ").removeprefix(f"{Path(file).name}: "), "UNREADABLE")], str(error)))
            continue
        found.append((file, problems, ""))
    if len(team_quarters) > 1:  # links between the workbooks given: parents that name nothing
        from okrsheet.domain.alignment import align
        from okrsheet.outputs.alignment_report import dangling_problems

        found.append(("", dangling_problems(align(team_quarters)), ""))
    elif team_quarters:  # one workbook: its Parent shares over 100%
        from okrsheet.domain.alignment import align
        from okrsheet.outputs.alignment_report import share_problems

        found.append(("", share_problems(align(team_quarters)), ""))
    every = [problem for _, problems, _ in found for problem in problems]
    if output_format == "json":
        click.echo(problems_json(every, list(files)), nl=False)
    elif output_format == "github":
        click.echo(github_annotations(every), nl=False)
    else:
        for file, problems, unreadable in found:
            if unreadable:  # the reader's own line, as every command prints it
                click.echo(f"Error: {visible(unreadable)}", err=True)
                continue
            for problem in problems:
                click.echo(visible(f"{problem.severity}: {problem} [{problem.code}]"))
            if file and not problems:
                click.echo(f"{visible(file)}: no problems.")
    raise SystemExit(1 if any(problem.severity in failing for problem in every) else 0)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@user_errors
def textconv(file) -> None:
    """Print a workbook as stable text, one fact a line, for git diff.

    In a repository of workbooks: `*.xlsx diff=okrsheet` in .gitattributes, and
    `git config diff.okrsheet.textconv "okrsheet textconv"`.
    """
    from okrsheet.outputs.textconv import workbook_text

    click.echo(workbook_text(read_okrs(file, strict=False)), nl=False)


@click.command(name="next")
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
    from okrsheet.workflows.next import write_next_quarter

    check_output_option(output, (file,), force)
    echo(write_next_quarter(read_okrs(file), output, unfinished_only=unfinished_only,
                            fiscal_year_start=fiscal_year_start,
                            named_by_start=named_by == "start", force=force))


@click.command(name="fix")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the fixed copy (.xlsx).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@user_errors
def fix_command(file, output, force) -> None:
    """Write a copy of FILE with every formula, drop-down and colour restored.

    Numbers typed as text that convert without doubt are converted; each change is listed by
    cell, and anything ambiguous is left as typed and listed too. Sheets of the team's own
    are copied value for value. Every typed cell of FILE is then looked for in the copy: one
    that is not there is listed by cell (exit status 1).
    """
    from okrsheet.workflows.fix import fix_workbook

    check_output_option(output, (file,), force)
    fixed = fix_workbook(file, output, force=force)
    echo(fixed.lines)
    if fixed.lost:
        raise SystemExit(1)


@click.command(name="status")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Date to judge at (default: the workbook's As of, else today).")
@click.option("--format", "output_format", type=click.Choice(["text", "markdown", "html"]),
              default="text", show_default=True,
              help="Text for the terminal, Markdown for an email or chat, one HTML file.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the page to this file instead of printing it.")
@click.option("--eml", is_flag=True,
              help="Write the page as an email draft to the team (.eml, -o required): To the "
                   "Owners sheet's addresses, the HTML with inline styles and a text part.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@user_errors
def status_command(file, as_of, output_format, output, eml, force) -> None:
    """The page that opens the weekly meeting: per key result its status, progress and change
    since the last check-in, pace, confidence, a week-13 forecast and open actions; then the
    stale key results and the overdue actions."""
    import datetime as dt
    import os

    from okrsheet.domain.status import status_page
    from okrsheet.domain.text import visible
    from okrsheet.files.writing import write_atomic
    from okrsheet.outputs.statuspage import render

    if output is not None and output_format == "html":  # a page, never a .xlsx Excel opens
        check_output_option(output, (file,), force, (".html", ".htm"))
    if output is not None and os.path.exists(output) and os.path.samefile(output, file):
        raise click.BadParameter("the output is the input file; choose another name.",
                                 param_hint="-o/--output")
    team_quarter = read_okrs(file, strict=False)
    day = as_of.date() if as_of else team_quarter.as_of or dt.date.today()
    if eml:  # the weekly update as an email draft (okrsheet.outputs.statusmail)
        from okrsheet.outputs.checkinmail import draft_bytes
        from okrsheet.outputs.statusmail import status_message

        if output is None or not output.lower().endswith(".eml"):
            raise click.BadParameter("--eml writes a draft: give -o NAME.eml.",
                                     param_hint="-o/--output")
        write_atomic(output, draft_bytes(status_message(status_page(team_quarter, day),
                                                        team_quarter)), force=force)
        click.echo(f"Wrote {visible(output)}: open it in your mail program and send it.")
        return
    page = render(status_page(team_quarter, day), output_format)
    if output is None:
        click.echo(page, nl=not page.endswith("\n"))
    else:
        write_atomic(output, page.encode("utf-8"), force=force)
        click.echo(f"Wrote {visible(output)}.")
