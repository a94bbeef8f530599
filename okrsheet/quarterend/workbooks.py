"""Reading many workbooks for the quarter end (``summary``, ``export``) through the one way
in (:func:`okrsheet.read.reader.read_workbooks`): each in a child process with a memory
limit, and a file that can't be read left out with one line."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from okrsheet.domain.model import Scores, TeamQuarter
from okrsheet.domain.problems import OkrsheetError, Problem

if TYPE_CHECKING:
    from okrsheet.guard.safety import Limits
    from okrsheet.read.reading import Reading

__all__ = ["Read", "read_one", "read_all"]

Read = tuple[TeamQuarter | None, Scores | None, list[Problem], str | None, float | None]
"""``(team quarter or None, its scores, problems, reason left out, modification time)``."""


def read_one(path: Path, as_of: dt.date | None = None, limits: Limits | None = None) -> Read:
    """``(team quarter or None, its scores, problems, reason left out, modification time)``."""
    [read] = read_all([path], as_of, workers=1, limits=limits)
    return read


def read_all(files: list[Path], as_of: dt.date | None, workers: int | None,
             limits: Limits | None = None, meanwhile: Callable[[], None] | None = None
             ) -> Iterator[Read]:
    """Each file's :func:`read_one`, in order, read in child processes (one per core this
    process may use when ``workers`` is None): a file that crashes the reader is left out
    with one line, and the others are still read. ``meanwhile`` runs in this process while
    they are read."""
    from okrsheet.read.reader import read_workbooks

    if workers is None:  # the cores this process may use (taskset, a container), else all
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
            else os.cpu_count() or 1
    for path, outcome in zip(files, read_workbooks(files, workers=workers, limits=limits,
                                                   as_of=as_of, side_sheets=False,
                                                   actions=True, meanwhile=meanwhile)):
        yield _read(path, outcome)


def _read(path: Path, outcome: Reading | OkrsheetError) -> Read:
    if isinstance(outcome, OkrsheetError):
        return None, None, [], _one_line(outcome), None
    if outcome.team_quarter is None:
        return None, None, outcome.problems, _reason(outcome.problems), None
    outcome.team_quarter.file = str(path)
    return outcome.team_quarter, outcome.scores, outcome.problems, None, outcome.modified


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def _reason(problems: list[Problem]) -> str:
    errors = [problem for problem in problems if problem.severity == "error"]
    chosen = (errors or problems)
    if not chosen:
        return "no OKR table found; is this an okrsheet workbook?"
    return " ".join(chosen[0].message.split())
