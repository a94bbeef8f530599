"""Commands on copies of a team's workbook: ``diff`` and ``merge``; ``split`` into owners'
check-ins and ``collect`` their replies."""

from __future__ import annotations

import click

from okrsheet.cli.common import (
    check_output_option,
    read_okrs,
    read_reading,
    user_errors,
    week_of,
)

CHECK_IN_WEEK_CHOICES = click.Choice(["3", "5", "7", "9", "11", "13"])


@click.command(name="diff")
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Text for people, JSON for programs.")
@user_errors
def diff_command(old, new, output_format) -> None:
    """What changed from OLD to NEW, by objective and key result (not by cell)."""
    from okrsheet.domain.changes import diff, format_changes
    from okrsheet.domain.text import json_text

    changes = diff(read_okrs(old, strict=False), read_okrs(new, strict=False))
    if output_format == "json":
        click.echo(json_text({"old": old, "new": new,
                              "changes": [change.as_dict() for change in changes]}))
    else:
        click.echo(format_changes(changes))


@click.command(name="merge")
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

    check_output_option(output, (base, *copies), force)
    originals = [read_okrs(path) for path in (base, *copies)]
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


@click.command(name="split")
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

    team_quarter = read_okrs(file, strict=False)
    chosen = week_of(team_quarter, int(week) if week else None)
    from okrsheet.domain.text import visible

    for owner in write_check_ins(team_quarter, folder, chosen, force=force):
        click.echo(visible(f"Wrote {owner.path}: {owner.owner or 'no owner'}, "
                             f"{len(owner.key_results)} key result(s)."))
    numbered = sum(1 for kr in team_quarter.key_results + team_quarter.unassigned if not kr.id)
    if numbered:
        click.echo(f"{numbered} key result(s) have no ID in {visible(file)}: their replies are "
                   "matched by title. Type IDs (okrsheet fix writes them) so that a key result "
                   "retitled meanwhile still matches.")
    click.echo(visible(f"Week {chosen}: send each owner their file; collect the replies with "
                       f"okrsheet collect {file} REPLY... -o UPDATED.xlsx"))


@click.command(name="collect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.argument("replies", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the updated team workbook (.xlsx, or .xlsm for an .xlsm).")
@click.option("--week", type=CHECK_IN_WEEK_CHOICES,
              help="The week being collected (default: the week the replies are for); a late "
                   "reply is collected with its own week.")
@click.option("--prefer", metavar="REPLY|first|last",
              help="Which reply wins where two disagree (default: stop and list conflicts).")
@click.option("--by-id", is_flag=True,
              help="Match a reply's key result by its typed ID alone, even if the team "
                   "workbook has retitled it (default: the ID and the title must agree).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@user_errors
def collect_command(file, replies, output, week, prefer, by_id, force) -> None:
    """Write owners' Check-in replies (values, confidences, comments) into FILE's check-in week.

    Only the cells the replies fill change; every other cell of FILE is kept as it is. A
    reply for another team, quarter or week, a key result that can't be found for sure, a
    cell typed that can't be taken (a value that is not a number, a changed target...): one
    line each, nothing written, exit status 1.
    """
    from pathlib import Path

    from okrsheet.domain.merging import MergeConflicts, UnknownCopy
    from okrsheet.domain.text import visible
    from okrsheet.sheet.collect import ReplyProblems, collect, collected_bytes, read_replies
    from okrsheet.sheet.files import OkrsheetError, write_atomic

    suffix = Path(file).suffix.lower()
    if suffix not in (".xlsx", ".xlsm"):
        raise OkrsheetError(f"{file}: collect writes into the team's own .xlsx workbook; open "
                            "it, save it as .xlsx (Excel 2007-365) and collect again.")
    check_output_option(output, (file, *replies), force, suffixes=(suffix,))
    reading = read_reading(file)
    places = {kr.row: f"{reading.sheet}!{reading.cell('title', kr.row)}"
              for kr in reading.team_quarter.key_results + reading.team_quarter.unassigned}
    try:
        result = collect(reading.team_quarter, read_replies(replies),
                         int(week) if week else None, prefer, by_id=by_id, rows=places)
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
    write_atomic(output, collected_bytes(Path(file).read_bytes(), reading, result), force=force)
    for reply in replies:
        changes = [change for name, change in result.changes if name == reply]
        click.echo(visible(f"{reply}: {len(changes)} change(s)"))
        for change in changes:
            click.echo("  " + visible(change))
    for conflict in result.conflicts:
        click.echo(visible(f"Resolved: {conflict}"))
    for note in result.notes:
        click.echo(visible(f"Note: {note}"))
    click.echo(visible(f"Wrote {output} (week {result.week}): only the cells above changed."))
