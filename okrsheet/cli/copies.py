"""Commands on copies of a team's workbook: ``diff`` and ``merge``; ``split`` into owners'
check-ins, ``collect`` their replies and ``remind`` those who did not reply."""

from __future__ import annotations

import contextlib

import click

from okrsheet.cli.common import (
    check_output_option,
    echo,
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
    from okrsheet.outputs.changes_report import changes_text
    from okrsheet.workflows.diff import diff_copies

    changes = diff_copies(read_okrs(old, strict=False), read_okrs(new, strict=False))
    click.echo(changes_text(changes, old, new, output_format))


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
    from okrsheet.domain.merging import MergeConflicts, UnknownCopy
    from okrsheet.domain.text import visible
    from okrsheet.workflows.merge import write_merged

    check_output_option(output, (base, *copies), force)
    originals = [read_okrs(path) for path in (base, *copies)]
    try:
        echo(write_merged(originals[0], originals[1:], copies, output, prefer=prefer,
                          force=force))
    except UnknownCopy as error:
        raise click.BadParameter(str(error), param_hint="--prefer") from None
    except MergeConflicts as error:
        for conflict in error.conflicts:
            click.echo(f"Conflict: {visible(conflict)}", err=True)
        raise


@click.command(name="split")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "folder", required=True, type=click.Path(file_okay=False),
              help="Folder for the owners' Check-in workbooks (made if missing).")
@click.option("--week", type=CHECK_IN_WEEK_CHOICES,
              help="Check-in week (default: the check-in week of the workbook's As of, "
                   "else today).")
@click.option("--eml", is_flag=True,
              help="Also write one email draft (.eml) per owner beside their workbook, to "
                   "their address from the Owners sheet, the workbook attached.")
@click.option("--reply-to", metavar="ADDRESS",
              help="With --eml: the address replies go to (the collector's).")
@click.option("--due", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="With --eml: the date to reply by (default: the check-in week's start + "
                   "4 days).")
@click.option("--force", is_flag=True, help="Replace Check-in workbooks that exist.")
@user_errors
def split_command(file, folder, week, eml, reply_to, due, force) -> None:
    """Write one small Check-in workbook per owner, to email: only their key results, with
    Value, Confidence and Comment to fill in. Bring the replies back with okrsheet collect."""
    from okrsheet.workflows.split import split_workbook

    if not eml and (reply_to or due):
        raise click.BadParameter("--reply-to and --due go with --eml.", param_hint="--eml")
    _check_reply_to(reply_to)
    team_quarter = read_okrs(file, strict=False)
    chosen = week_of(team_quarter, int(week) if week else None)
    draft = _drafts(team_quarter, chosen, reply_to, due) if eml else None
    with _refusals():
        echo(split_workbook(team_quarter, file, folder, chosen, draft=draft, force=force))


@click.command(name="collect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.argument("replies", nargs=-1, required=True, type=click.Path(exists=True))
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

    REPLIES are the returned workbooks, or the saved emails that carry them (.eml, .mbox,
    Outlook .msg with okrsheet[msg]) or folders of them: an email's workbook attachments are
    taken, its sender must be the owner's address (Owners sheet), and an owner's latest
    reply by date is kept. Only the cells the replies fill change; every other cell of FILE
    is kept as it is. A reply for another team, quarter or week, a key result that can't be
    found for sure, a cell typed that can't be taken (a value that is not a number, a changed
    target...): one line each, nothing written, exit status 1. Then the owners with no
    reply are listed.
    """
    from okrsheet.workflows.collect import team_workbook_suffix, write_collected

    suffix = team_workbook_suffix(file)
    check_output_option(output, (file, *replies), force, suffixes=(suffix,))
    reading = read_reading(file)
    with _refusals():
        write_collected(reading, file, replies, output, week=int(week) if week else None,
                        prefer=prefer, by_id=by_id, force=force, say=lambda line: echo([line]))


@click.command(name="remind")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.argument("replies", nargs=-1, type=click.Path(exists=True))
@click.option("-o", "--output", "folder", required=True, type=click.Path(file_okay=False),
              help="Folder for the reminder drafts (made if missing).")
@click.option("--week", type=CHECK_IN_WEEK_CHOICES,
              help="Check-in week (default: the check-in week of the workbook's As of, "
                   "else today).")
@click.option("--reply-to", metavar="ADDRESS", help="The address replies go to.")
@click.option("--due", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The date to reply by (default: the check-in week's start + 4 days).")
@click.option("--force", is_flag=True, help="Replace drafts that exist.")
@user_errors
def remind_command(file, replies, folder, week, reply_to, due, force) -> None:
    """Write a reminder draft (.eml) to each owner with no reply for the week among REPLIES
    (workbooks, saved emails, folders of them, as collect takes them), their Check-in
    workbook attached again."""
    from okrsheet.workflows.remind import write_reminders

    _check_reply_to(reply_to)
    team_quarter = read_okrs(file, strict=False)
    chosen = week_of(team_quarter, int(week) if week else None)
    draft = _drafts(team_quarter, chosen, reply_to, due, reminder=True)
    with _refusals():
        echo(write_reminders(team_quarter, file, replies, folder, chosen, draft=draft,
                             force=force))


def _check_reply_to(reply_to) -> None:
    """Refuse a --reply-to that is not an address (a usage error, exit status 2)."""
    from okrsheet.sheet.owners import valid_address

    if reply_to is not None and not valid_address(reply_to):
        raise click.BadParameter(f'"{reply_to}" is not an address like sam@example.com.',
                                 param_hint="--reply-to")


def _drafts(team_quarter, week, reply_to, due, *, reminder=False):
    """The workflow's ``draft``: an owner's check-in email (a reminder: asking again) as .eml
    bytes, rendered by okrsheet.outputs.checkinmail."""
    from okrsheet.outputs.checkinmail import check_in_message, draft_bytes

    def draft(owner, workbook, to):
        return draft_bytes(check_in_message(team_quarter, owner, week, workbook, to,
                                            reply_to=reply_to, due=due.date() if due else None,
                                            reminder=reminder))

    return draft


@contextlib.contextmanager
def _refusals():
    """Print the lines a refusal carries (each problem, each conflict) before its one-line
    error; a --prefer that names no reply is a usage error."""
    from okrsheet.domain.merging import MergeConflicts, UnknownCopy
    from okrsheet.domain.text import visible
    from okrsheet.workflows.collect import ReplyProblems
    from okrsheet.workflows.split import MissingAddresses

    try:
        yield
    except UnknownCopy as error:
        raise click.BadParameter(str(error), param_hint="--prefer") from None
    except (ReplyProblems, MissingAddresses) as error:
        for problem in error.problems:
            click.echo(visible(f"Problem: {problem}"), err=True)
        raise
    except MergeConflicts as error:
        for conflict in error.conflicts:
            click.echo(visible(f"Conflict: {conflict}"), err=True)
        raise
