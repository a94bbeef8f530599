"""``okrsheet diff``'s output: the changes between two copies as lines, or as JSON naming
the two files."""

from __future__ import annotations

from okrsheet.domain.changes import Change, format_changes
from okrsheet.outputs.json_document import json_text

__all__ = ["changes_text"]


def changes_text(changes: list[Change], old_name: str, new_name: str,
                 output_format: str = "text") -> str:
    """Lines for people, or JSON (``"json"``) naming the two files."""
    if output_format == "json":
        return json_text({"old": old_name, "new": new_name,
                          "changes": [change.as_dict() for change in changes]})
    return format_changes(changes)
