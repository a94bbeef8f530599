"""``okrsheet diff``'s output: the changes between two copies as lines, or as JSON naming
the two files."""

from __future__ import annotations

from okrsheet.domain.changes import (
    ADDED,
    CHANGED,
    CHECK_IN_ADDED,
    CHECK_IN_CHANGED,
    CHECK_IN_REMOVED,
    MOVED,
    REMOVED,
    RENAMED,
    Change,
)
from okrsheet.domain.text import visible
from okrsheet.outputs.json_document import json_text

__all__ = ["changes_text", "format_changes"]

_MARKS = {ADDED: "+", REMOVED: "-", RENAMED: "~", MOVED: ">", CHANGED: "~",
          CHECK_IN_ADDED: "+", CHECK_IN_CHANGED: "~", CHECK_IN_REMOVED: "-"}


def changes_text(changes: list[Change], old_name: str, new_name: str,
                 output_format: str = "text") -> str:
    """Lines for people, or JSON (``"json"``) naming the two files."""
    if output_format == "json":
        return json_text({"old": old_name, "new": new_name,
                          "changes": [change.as_dict() for change in changes]})
    return format_changes(changes)


def format_changes(changes: list[Change]) -> str:
    """Changes as text, grouped by objective, one change a line."""
    if not changes:
        return "No changes."
    lines = [f"Workbook: {visible(change)}" for change in changes if change.what == "workbook"]
    groups: dict[str, list[Change]] = {}
    for change in changes:
        if change.what != "workbook":
            groups.setdefault(change.objective or "", []).append(change)
    for objective, items in groups.items():  # user text shown inert: a "\r" can't fake a line
        lines.append(f'Objective "{visible(objective)}":')
        lines += [f"  {_MARKS.get(change.kind, '~')} {visible(change)}" for change in items]
    return "\n".join(lines)
