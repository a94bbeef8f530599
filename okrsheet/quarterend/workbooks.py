"""Reading many workbooks for the quarter end (``summary``, ``export``): each one in a child
process with a memory limit, and a file that can't be read left out with one line."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from okrsheet.domain.model import Scores, TeamQuarter
from okrsheet.domain.problems import Problem
from okrsheet.files.writing import OkrsheetError

if TYPE_CHECKING:
    from okrsheet.guard.safety import Limits

__all__ = ["Read", "read_one", "read_all"]

Read = tuple[TeamQuarter | None, Scores | None, list[Problem], str | None, float | None]
"""``(team quarter or None, its scores, problems, reason left out, modification time)``."""


def read_one(path: Path, as_of: dt.date | None = None, limits: Limits | None = None) -> Read:
    """``(team quarter or None, its scores, problems, reason left out, modification time)``."""
    from okrsheet.guard.safety import UnreadableFile
    from okrsheet.read.legacy import read_okr_file as read_workbook

    try:
        reading = read_workbook(path, as_of=as_of, limits=limits, side_sheets=False,
                                actions=True)
    except UnreadableFile as error:
        return None, None, [], _one_line(error), None
    if reading.team_quarter is None:
        return None, None, reading.problems, _reason(reading.problems), None
    reading.team_quarter.file = str(path)
    return reading.team_quarter, reading.scores, reading.problems, None, reading.modified


def read_all(files: list[Path], as_of: dt.date | None, workers: int | None) -> Iterator[Read]:
    """Each file's :func:`read_one`, in order, read in child processes (one per CPU when
    ``workers`` is None) with a memory limit: a file that crashes the reader is left out with
    one line, and the others are still read (:mod:`okrsheet.read.isolation`)."""
    from okrsheet.guard.safety import Limits
    from okrsheet.read.isolation import read_many

    limits = Limits.from_environment()  # once for all files
    if workers is None:
        workers = os.cpu_count() or 1
    for outcome in read_many(read_one, files, limits, workers=workers, as_of=as_of):
        if isinstance(outcome, OkrsheetError):
            yield None, None, [], _one_line(outcome), None
        else:
            yield outcome


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def _reason(problems: list[Problem]) -> str:
    errors = [problem for problem in problems if problem.severity == "error"]
    chosen = (errors or problems)
    if not chosen:
        return "no OKR table found; is this an okrsheet workbook?"
    return " ".join(chosen[0].message.split())
