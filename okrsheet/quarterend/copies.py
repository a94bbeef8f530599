"""Two workbooks that claim one team and quarter: an older copy, or a conflict.

Copies with the same objectives and key results (one is an older copy of the other): the
one saved later is used, by the saved time the workbook records (:mod:`okrsheet.files.saved`),
else the file time. Copies that differ (a workbook relabelled with another team's name, say):
a conflict, and neither is used unless one is preferred.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from okrsheet.domain.model import TeamQuarter
    from okrsheet.quarterend.rows import Entry

# Public API


def pick(entries: list[Entry], prefer: set[str]) -> tuple[
        list[Entry], list[dict[str, object]], list[dict[str, object]]]:
    """One entry per team and quarter: ``(used, duplicates, conflicts)``.

    Copies with the same objectives and key results: the one saved later (or given later,
    in memory) is used. Copies that differ: a conflict, neither is used, unless one of them
    is in ``prefer`` (normalised paths).
    """
    groups: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        label = entry.period.label if entry.period is not None else ""
        groups.setdefault((entry.team_key, label), []).append(entry)
    chosen: list[Entry] = []
    duplicates: list[dict[str, object]] = []
    conflicts: list[dict[str, object]] = []
    for (_, label), group in groups.items():
        if len(group) == 1:
            chosen.append(group[0])
            continue
        team = " ".join((group[-1].team_quarter.team or "").split())
        preferred = [entry for entry in group if os.path.normpath(entry.file) in prefer]
        if preferred:
            used, reason = preferred[-1], "chosen with --prefer"
        elif len({content(entry.team_quarter) for entry in group}) > 1:
            names = [entry.file for entry in group]
            conflicts.append({
                "team": team, "quarter": label, "files": "; ".join(names),
                "reason": (f"{len(names)} workbooks claim {team} {label} with different "
                           "objectives or key results; neither is used. Fix the Team or "
                           f"Quarter cell of the wrong one, or choose with --prefer {names[0]}.")})
            continue
        else:
            used, reason = _latest(group)
        chosen.append(used)
        for other in group:
            if other is not used:
                duplicates.append({"team": team, "quarter": label, "used": used.file,
                                   "not_used": other.file, "reason": reason})
    return chosen, duplicates, conflicts


def content(team_quarter: TeamQuarter) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The objectives and key results by title (case and spacing ignored): what makes two
    workbooks copies of one another, whatever their values."""
    return tuple((_key(objective.title or ""),
                  tuple(_key(kr.title or "") for kr in objective.key_results))
                 for objective in team_quarter.objectives)


# Private API


def _latest(group: list[Entry]) -> tuple[Entry, str]:
    """The copy saved later (by the workbook's own saved time, else the file time), and why."""
    from okrsheet.files.saved import saved_time, time_text

    if any(entry.saved is None for entry in group):  # in memory: the one given later
        return group[-1], "the same objectives and key results; the copy given later"
    timed: list[tuple[float, float, str, str, Entry]] = []
    for entry in group:
        seconds, source = saved_time(entry.file)
        file_time = entry.saved or 0.0
        timed.append((seconds if seconds is not None else file_time, file_time, entry.file,
                      source or "file time", entry))
    timed.sort(key=lambda item: item[:3])
    newest, before = timed[-1], timed[-2]
    if newest[0] == before[0] and newest[1] != before[1]:
        how = (f"the same saved time in both; the later file time: {time_text(newest[1])}, "
               f"the other {time_text(before[1])}")
    elif newest[0] == before[0]:
        how = "saved at the same time; the later file name"
    else:
        how = (f"the later {newest[3]}: {time_text(newest[0])}, the other "
               f"{time_text(before[0])}")
    return newest[4], f"the same objectives and key results; {how}"


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()
