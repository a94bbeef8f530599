"""What a workflow says: the lines a command prints, each to standard output or error.

The workflows compose their messages (made inert with :func:`okrsheet.domain.text.visible`);
the command line only prints them, in order.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Line"]


class Line(NamedTuple):
    """One line a command prints; ``err`` sends it to standard error."""

    text: str
    err: bool = False
