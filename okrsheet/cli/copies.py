"""Commands on copies of a team's workbook: ``diff`` and ``merge``; ``split`` into owners'
check-ins and ``collect`` their replies."""

from __future__ import annotations

from pathlib import Path

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
    from okrsheet.domain.text import visible
    from okrsheet.workflows.split import write_check_ins

    team_quarter = read_okrs(file, strict=False)
    chosen = week_of(team_quarter, int(week) if week else None)
    also = None
    if eml:
        also = _drafts_for(team_quarter, file, folder, chosen, reply_to, due)
    elif reply_to or due:
        raise click.BadParameter("--reply-to and --due go with --eml.", param_hint="--eml")
    for owner in write_check_ins(team_quarter, folder, chosen, force=force, also=also):
        click.echo(visible(f"Wrote {owner.path}: {owner.owner or 'no owner'}, "
                           f"{len(owner.key_results)} key result(s)."))
    numbered = sum(1 for kr in team_quarter.key_results + team_quarter.unassigned if not kr.id)
    if numbered:
        click.echo(f"{numbered} key result(s) have no ID in {visible(file)}: their replies are "
                   "matched by title. Type IDs (okrsheet fix writes them) so that a key result "
                   "retitled meanwhile still matches.")
    if eml:
        from okrsheet.outputs.checkinmail import draft_path

        for owner in _owners(team_quarter, folder, chosen):
            if owner.owner:
                click.echo(visible(f"Wrote {draft_path(owner.path)}: draft to {owner.owner}."))
            else:
                click.echo(visible(f"No draft for {owner.path.name}: its key results have no "
                                   "owner; send it to whoever checks them in."))
        click.echo(visible(f"Week {chosen}: open each draft (.eml) in your mail program and "
                           f"send it; collect the replies (saved emails or their files) with "
                           f"okrsheet collect {file} INBOX... -o UPDATED.xlsx"))
    else:
        click.echo(visible(f"Week {chosen}: send each owner their file; collect the replies "
                           f"with okrsheet collect {file} REPLY... -o UPDATED.xlsx"))


def _owners(team_quarter, folder, week):
    from okrsheet.workflows.split import owner_check_ins

    return owner_check_ins(team_quarter, folder, week)


def _drafts_for(team_quarter, file, folder, week, reply_to, due, *, only=None,
                reminder=False):
    """``also`` for write_check_ins: each owner's .eml draft, after checking (before anything
    is written) that every owner has an address."""
    from okrsheet.domain.problems import OkrsheetError
    from okrsheet.domain.text import visible
    from okrsheet.outputs.checkinmail import check_in_message, draft_bytes, draft_path
    from okrsheet.sheet.owners import address_of, missing_addresses, valid_address

    if reply_to is not None and not valid_address(reply_to):
        raise click.BadParameter(f'"{reply_to}" is not an address like sam@example.com.',
                                 param_hint="--reply-to")
    owners = [owner.owner for owner in _owners(team_quarter, folder, week)
              if owner.owner and (only is None or owner.owner.casefold() in only)]
    problems = missing_addresses(team_quarter, owners, file)
    if problems:
        for problem in problems:
            click.echo(visible(f"Problem: {problem}"), err=True)
        raise OkrsheetError(f"{file}: {len(problems)} owner(s) without a usable email "
                            "address (listed above); nothing was written.")

    def also(owner, workbook):
        if not owner.owner:
            return []
        message = check_in_message(team_quarter, owner, week, workbook,
                                   address_of(team_quarter, owner.owner), reply_to=reply_to,
                                   due=due.date() if due else None, reminder=reminder)
        return [(draft_path(owner.path), draft_bytes(message))]

    return also


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
    from pathlib import Path

    from okrsheet.domain.merging import MergeConflicts, UnknownCopy
    from okrsheet.domain.problems import OkrsheetError
    from okrsheet.domain.text import visible
    from okrsheet.files.writing import write_atomic
    from okrsheet.workflows.collect import ReplyProblems, collect, collected_bytes
    from okrsheet.workflows.mail import read_inbox, unanswered

    suffix = Path(file).suffix.lower()
    if suffix not in (".xlsx", ".xlsm"):
        raise OkrsheetError(f"{file}: collect writes into the team's own .xlsx workbook; open "
                            "it, save it as .xlsx (Excel 2007-365) and collect again.")
    check_output_option(output, (file, *replies), force, suffixes=(suffix,))
    reading = read_reading(file)
    places = {kr.row: f"{reading.sheet}!{reading.cell('title', kr.row)}"
              for kr in reading.team_quarter.key_results + reading.team_quarter.unassigned}
    try:
        inbox = read_inbox(reading.team_quarter, replies, file)
        for line in inbox.notes:
            click.echo(visible(f"Left out: {line}"))
        for line in inbox.set_aside:
            click.echo(visible(f"Set aside: {line}"))
        result = collect(reading.team_quarter, inbox.replies,
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
    for name in dict.fromkeys(reply.file for reply in inbox.replies):
        changes = [change for source, change in result.changes if source == name]
        click.echo(visible(f"{name}: {len(changes)} change(s)"))
        for change in changes:
            click.echo("  " + visible(change))
    for conflict in result.conflicts:
        click.echo(visible(f"Resolved: {conflict}"))
    for note in result.notes:
        click.echo(visible(f"Note: {note}"))
    click.echo(visible(f"Wrote {output} (week {result.week}): only the cells above changed."))
    missing = unanswered(result.team_quarter, inbox.replies, result.week)
    if missing:
        click.echo(visible(f"No reply from: {', '.join(missing)} (okrsheet remind {file} "
                           f"INBOX... --week {result.week} -o DRAFTS/ writes them a reminder)."))
    else:
        click.echo(f"Every owner replied for week {result.week}.")


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
    import contextlib

    from okrsheet.domain.problems import OkrsheetError, OutputExists
    from okrsheet.domain.text import visible
    from okrsheet.files.writing import atomic_output
    from okrsheet.workflows.collect import ReplyProblems
    from okrsheet.workflows.mail import read_inbox, unanswered
    from okrsheet.workflows.split import check_in_bytes

    team_quarter = read_okrs(file, strict=False)
    chosen = week_of(team_quarter, int(week) if week else None)
    inbox = None
    if replies:
        try:
            inbox = read_inbox(team_quarter, replies, file)
        except ReplyProblems as error:
            for problem in error.problems:
                click.echo(visible(f"Problem: {problem}"), err=True)
            raise
    missing = unanswered(team_quarter, inbox.replies if inbox else [], chosen)
    if not missing:
        click.echo(f"Every owner replied for week {chosen}; no reminder written.")
        return
    wanted = {owner.casefold() for owner in missing}
    drafts = _drafts_for(team_quarter, file, folder, chosen, reply_to, due, only=wanted,
                         reminder=True)
    files = []
    for owner in _owners(team_quarter, folder, chosen):
        if owner.owner and owner.owner.casefold() in wanted:
            for path, data in drafts(owner, check_in_bytes(team_quarter, owner, chosen)):
                files.append((owner, path.with_name(f"{path.stem}-reminder.eml"), data))
    existing = [str(path) for _, path, _ in files if path.exists()]
    if existing and not force:
        raise OutputExists(f"{existing[0]}: already exists; choose another folder or use "
                           "--force.")
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OkrsheetError(f"{folder}: can't make the folder ({error.strerror or error}); "
                            "choose another -o folder.") from None
    with contextlib.ExitStack() as stack:  # every draft, or (on any error) none
        writers = [stack.enter_context(atomic_output(path, force)) for _, path, _ in files]
        for write, (_, _, data) in zip(writers, files):
            write(data)
    for owner, path, _ in files:
        click.echo(visible(f"Wrote {path}: reminder to {owner.owner}."))
    click.echo(visible(f"Week {chosen}: no reply yet from {', '.join(missing)}; open each "
                       "draft in your mail program and send it."))
