"""``okrsheet diff``: what changed between two copies of a workbook, as text or JSON.

Matching objectives and key results across the copies is the domain's,
:mod:`okrsheet.domain.changes`; this module gives the command's output.
"""

from __future__ import annotations

from okrsheet.domain.changes import diff, format_changes
from okrsheet.domain.model import TeamQuarter
from okrsheet.domain.text import json_text

__all__ = ["diff_text"]


def diff_text(old: TeamQuarter, new: TeamQuarter, old_name: str, new_name: str,
              output_format: str = "text") -> str:
    """What changed from ``old`` to ``new``: lines for people, or JSON (``"json"``) naming the
    two files."""
    changes = diff(old, new)
    if output_format == "json":
        return json_text({"old": old_name, "new": new_name,
                          "changes": [change.as_dict() for change in changes]})
    return format_changes(changes)
