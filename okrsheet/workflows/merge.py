"""``okrsheet merge``: merge copies edited from one workbook into one workbook.

The merge itself (what each copy changed, conflicts, ``--prefer``) is the domain's,
:mod:`okrsheet.domain.merging`; this module writes the merged workbook and says what each
copy brought.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from okrsheet.domain.merging import merge
from okrsheet.domain.model import TeamQuarter
from okrsheet.domain.text import visible
from okrsheet.workflows.lines import Line

__all__ = ["write_merged"]


def write_merged(base: TeamQuarter, copies: Sequence[TeamQuarter], names: Sequence[str],
                 output: str | os.PathLike[str], *, prefer: str | None = None,
                 force: bool = False) -> list[Line]:
    """Merge ``copies`` (named ``names``) edited from ``base`` and write the result to
    ``output``; what to tell the team. Raises :class:`~okrsheet.domain.merging.MergeConflicts`
    (nothing written) when copies disagree and ``prefer`` does not say which wins, and
    :class:`~okrsheet.domain.merging.UnknownCopy` for a ``prefer`` that names no copy."""
    from okrsheet.write.writer import write_workbook

    result = merge(base, list(copies), prefer=prefer, names=list(names))
    write_workbook(result.team_quarter, output, force=force)
    lines = [Line(f"{visible(name)}: {sum(source == name for source, _ in result.changes)} "
                  "change(s)") for name in names]
    lines += [Line(f"Resolved: {visible(conflict)}") for conflict in result.conflicts]
    return lines + [Line(f"Wrote {visible(output)}.")]
