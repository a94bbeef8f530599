"""Read a filled-in OKR workbook back into the model, with cell-precise problems: the one way
in, for every command and the library.

:func:`read_workbook` opens any format okrsheet reads (.xlsx, .xlsm, .xlsb, .ods, Gnumeric's
.ods, .xls), told from the file's bytes whatever its name, through the table of engines in
:mod:`okrsheet.read.engines`. Every file passes the guard (:mod:`okrsheet.guard.safety`)
first and is read in a child process with a memory limit (:mod:`okrsheet.read.isolation`),
so a file that crashes the native reader costs one line, not the run.

It reads every input as the sheet's formulas see it: a number typed as text stays text (the
sheet shows "check input" and so does okrsheet), a cleared Current stays blank, a row
without formulas is not scored. It never trusts cached formula results: every score is
recomputed with :mod:`okrsheet.domain.scoring`, and a cached result that disagrees is
reported.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from okrsheet.domain.problems import OkrsheetError
from okrsheet.guard.safety import Limits
from okrsheet.read.reading import Reading

__all__ = ["read_workbook", "read_workbooks"]


def read_workbook(path: str | os.PathLike[str], *, as_of: dt.date | None = None,
                  limits: Limits | None = None, side_sheets: bool = True,
                  actions: bool | None = None) -> Reading:
    """Read the OKR workbook at ``path``, whatever its format.

    Raises :class:`~okrsheet.guard.safety.UnreadableFile` (one line naming the file) for a
    file that can't be read at all, the reader's crash included; anything wrong inside a
    readable workbook comes back as problems. ``limits`` (default: from the environment)
    bound what the file may unpack to and the memory its reading may take.
    ``side_sheets=False`` skips the Actions, Parents and Owners sheets; ``actions`` reads the
    Actions sheet or not whatever ``side_sheets`` says (the quarter-end summary counts
    overdue actions only).
    """
    [outcome] = read_workbooks([path], as_of=as_of, limits=limits, side_sheets=side_sheets,
                               actions=actions)
    if isinstance(outcome, OkrsheetError):
        raise outcome
    return outcome


def read_workbooks(paths: Sequence[str | os.PathLike[str]], *, workers: int = 1,
                   limits: Limits | None = None, meanwhile: Callable[[], None] | None = None,
                   **options: Any) -> Iterator[Reading | OkrsheetError]:
    """:func:`read_workbook` for each path, in order, in up to ``workers`` child processes:
    each file's Reading, or the error (an :class:`UnreadableFile`) that says in one line why
    it can't be read (a file that crashes its reader takes only itself with it). ``options`` are
    :func:`read_workbook`'s; ``meanwhile`` runs in this process while the files are read
    (:func:`okrsheet.read.isolation.read_many`)."""
    from okrsheet.read.engines import read_here
    from okrsheet.read.isolation import read_many

    limits = Limits.from_environment() if limits is None else limits  # once for all files
    yield from read_many(read_here, [Path(path) for path in paths], limits, workers=workers,
                         meanwhile=meanwhile, **options)
