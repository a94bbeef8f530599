"""``okrsheet diff``: what changed between two copies of a team's workbook.

Matching objectives and key results across the copies is the domain's
(:mod:`okrsheet.domain.changes`); the text and JSON people read are
:mod:`okrsheet.outputs.changes_report`'s.
"""

from __future__ import annotations

from okrsheet.domain.changes import Change, diff
from okrsheet.domain.model import TeamQuarter

__all__ = ["diff_copies"]


def diff_copies(old: TeamQuarter, new: TeamQuarter) -> list[Change]:
    """What changed from copy ``old`` to copy ``new``, by objective and key result."""
    return diff(old, new)
