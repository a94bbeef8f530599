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

# Public name -> the module that defines it. A moved module means editing this, __all__ and
# the imports below; tests/test_api.py checks the three agree.
_HOMES: dict[str, str] = {
    # read, write, start
    "read_workbook": "okrsheet.reader",
    "Reading": "okrsheet.reader",
    "write_workbook": "okrsheet.writer",
    "starter": "okrsheet.templates",
    # check and summarise
    "check": "okrsheet.checks",
    "check_reading": "okrsheet.checks",
    "summarise": "okrsheet.summary",
    "summarise_team_quarters": "okrsheet.summary",
    "Summary": "okrsheet.summary",
    # between copies and quarters
    "diff": "okrsheet.changes",
    "Change": "okrsheet.changes",
    "merge": "okrsheet.merging",
    "MergeResult": "okrsheet.merging",
    "next_quarter": "okrsheet.carryover",
    # the model
    "TeamQuarter": "okrsheet.model",
    "Objective": "okrsheet.model",
    "KeyResult": "okrsheet.model",
    "Quarter": "okrsheet.quarter",
    "Problem": "okrsheet.problems",
    # errors
    "OkrsheetError": "okrsheet.problems",
    "UnreadableFile": "okrsheet.safety",
    "MergeConflicts": "okrsheet.merging",
    "QuarterError": "okrsheet.quarter",
}

__all__ = [  # the same names as _HOMES and the imports below (tests/test_api.py checks)
    "__version__",
    "read_workbook", "Reading", "write_workbook", "starter",
    "check", "check_reading", "summarise", "summarise_team_quarters", "Summary",
    "diff", "Change", "merge", "MergeResult", "next_quarter",
    "TeamQuarter", "Objective", "KeyResult", "Quarter", "Problem",
    "OkrsheetError", "UnreadableFile", "MergeConflicts", "QuarterError",
]

if TYPE_CHECKING:  # for type checkers and editors; at run time __getattr__ imports on demand
    from okrsheet.carryover import next_quarter
    from okrsheet.changes import Change, diff
    from okrsheet.checks import check, check_reading
    from okrsheet.problems import OkrsheetError
    from okrsheet.merging import MergeConflicts, MergeResult, merge
    from okrsheet.model import KeyResult, Objective, TeamQuarter
    from okrsheet.problems import Problem
    from okrsheet.quarter import Quarter, QuarterError
    from okrsheet.reader import Reading, read_workbook
    from okrsheet.safety import UnreadableFile
    from okrsheet.summary import Summary, summarise, summarise_team_quarters
    from okrsheet.templates import starter
    from okrsheet.writer import write_workbook


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
