"""okrsheet: run OKRs (Objectives and Key Results) in plain spreadsheets.

The library behind the ``okrsheet`` command, for notebooks and scripts (docs/api.md)::

    import okrsheet

    reading = okrsheet.read_workbook("samples/2026-Q4/new-business.xlsx")
    print(reading.team_quarter.score)

Names are imported on first use (PEP 562), so ``import okrsheet`` stays quick and loads
neither pandas nor openpyxl.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# The public API, in one table: name -> the module that defines it (its one home). __all__ is
# built from it and __getattr__ imports from it; the TYPE_CHECKING imports below repeat it for
# type checkers, which can't read a table (tests/test_api.py and tests/test_names.py check
# the three agree, that each type a public function returns is here, and docs/api.md).
_HOMES: dict[str, str] = {
    # read, write, start
    "read_workbook": "okrsheet.read.reader",
    "Reading": "okrsheet.read.reading",
    "write_workbook": "okrsheet.write.writer",
    "starter": "okrsheet.write.templates",
    # check and summarise
    "check": "okrsheet.sheet.checking",
    "check_reading": "okrsheet.read.reading",
    "summarise": "okrsheet.quarterend.summary",
    "summarise_team_quarters": "okrsheet.quarterend.summary",
    "Summary": "okrsheet.quarterend.summary",
    # between copies and quarters
    "diff": "okrsheet.domain.changes",
    "Change": "okrsheet.domain.changes",
    "merge": "okrsheet.domain.merging",
    "MergeResult": "okrsheet.domain.merging",
    "next_quarter": "okrsheet.domain.carryover",
    # the weekly rhythm: owner check-ins by email, the status page
    "write_check_ins": "okrsheet.workflows.split",
    "OwnerCheckIn": "okrsheet.workflows.split",
    "read_reply": "okrsheet.workflows.collect",
    "Reply": "okrsheet.workflows.collect",
    "collect": "okrsheet.workflows.collect",
    "Collected": "okrsheet.workflows.collect",
    "status_page": "okrsheet.domain.status",
    "StatusPage": "okrsheet.domain.status",
    # the model
    "TeamQuarter": "okrsheet.domain.model",
    "Objective": "okrsheet.domain.model",
    "KeyResult": "okrsheet.domain.model",
    "Quarter": "okrsheet.domain.quarter",
    "Problem": "okrsheet.domain.problems",
    # errors
    "OkrsheetError": "okrsheet.domain.problems",
    "UnreadableFile": "okrsheet.domain.problems",
    "MergeConflicts": "okrsheet.domain.merging",
    "ReplyProblems": "okrsheet.workflows.collect",
    "QuarterError": "okrsheet.domain.quarter",
}

__all__ = ["__version__", *_HOMES]

if TYPE_CHECKING:  # for type checkers and editors; at run time __getattr__ imports on demand
    from okrsheet.domain.carryover import next_quarter
    from okrsheet.domain.changes import Change, diff
    from okrsheet.domain.merging import MergeConflicts, MergeResult, merge
    from okrsheet.domain.model import KeyResult, Objective, TeamQuarter
    from okrsheet.domain.problems import OkrsheetError, Problem, UnreadableFile
    from okrsheet.domain.quarter import Quarter, QuarterError
    from okrsheet.domain.status import StatusPage, status_page
    from okrsheet.quarterend.summary import Summary, summarise, summarise_team_quarters
    from okrsheet.read.reader import read_workbook
    from okrsheet.read.reading import Reading, check_reading
    from okrsheet.sheet.checking import check
    from okrsheet.workflows.collect import Collected, Reply, ReplyProblems, collect, read_reply
    from okrsheet.workflows.split import OwnerCheckIn, write_check_ins
    from okrsheet.write.templates import starter
    from okrsheet.write.writer import write_workbook


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is used."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'okrsheet' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
