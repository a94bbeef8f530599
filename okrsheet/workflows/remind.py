"""``okrsheet remind``: a reminder draft (.eml) to each owner with no reply for the week.

Which owners replied is read from the replies as ``collect`` takes them
(:mod:`okrsheet.workflows.mail`); each reminder attaches the owner's Check-in workbook again
(:mod:`okrsheet.workflows.split`). The drafts are rendered by the caller (``draft``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from okrsheet.domain.model import TeamQuarter
from okrsheet.domain.text import visible
from okrsheet.workflows.lines import Line
from okrsheet.workflows.split import (
    Draft,
    check_in_bytes,
    draft_path,
    owner_check_ins,
    refuse_missing_addresses,
    write_files,
)

__all__ = ["write_reminders"]


def write_reminders(team_quarter: TeamQuarter, file: str,
                    replies: Sequence[str | os.PathLike[str]], folder: str | os.PathLike[str],
                    week: int, *, draft: Draft, force: bool = False) -> list[Line]:
    """Write into ``folder`` a reminder draft to each owner with no reply for ``week`` among
    ``replies`` (workbooks, saved emails, folders of them); what to tell the team.

    Raises :class:`~okrsheet.workflows.collect.ReplyProblems` for replies that can't be read
    and :class:`~okrsheet.workflows.split.MissingAddresses` (nothing written) for an owner
    with no usable address.
    """
    from okrsheet.sheet.owners import address_of
    from okrsheet.workflows.mail import read_inbox, unanswered

    answered = read_inbox(team_quarter, replies, file).replies if replies else []
    missing = unanswered(team_quarter, answered, week)
    if not missing:
        return [Line(f"Every owner replied for week {week}; no reminder written.")]
    wanted = {owner.casefold() for owner in missing}
    owners = [owner for owner in owner_check_ins(team_quarter, folder, week)
              if owner.owner and owner.owner.casefold() in wanted]
    refuse_missing_addresses(team_quarter, file, [owner.owner for owner in owners
                                                  if owner.owner])
    files = []
    for owner in owners:
        to = address_of(team_quarter, owner.owner) if owner.owner else None
        assert to is not None  # refuse_missing_addresses made sure
        path = draft_path(owner.path)
        files.append((path.with_name(f"{path.stem}-reminder.eml"),
                      draft(owner, check_in_bytes(team_quarter, owner, week), to)))
    write_files(files, folder, force=force)
    lines = [Line(visible(f"Wrote {path}: reminder to {owner.owner}."))
             for owner, (path, _) in zip(owners, files)]
    return lines + [Line(visible(f"Week {week}: no reply yet from {', '.join(missing)}; open "
                                 "each draft in your mail program and send it."))]
