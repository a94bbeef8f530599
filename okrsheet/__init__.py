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
    "read_workbook": "okrsheet.read.reader",
    "Reading": "okrsheet.read.reader",
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
    "read_reply": "okrsheet.workflows.collect",
    "collect": "okrsheet.workflows.collect",
    "status_page": "okrsheet.domain.status",
    # the model
    "TeamQuarter": "okrsheet.domain.model",
    "Objective": "okrsheet.domain.model",
    "KeyResult": "okrsheet.domain.model",
    "Quarter": "okrsheet.domain.quarter",
    "Problem": "okrsheet.domain.problems",
    # errors
    "OkrsheetError": "okrsheet.domain.problems",
    "UnreadableFile": "okrsheet.guard.safety",
    "MergeConflicts": "okrsheet.domain.merging",
    "QuarterError": "okrsheet.domain.quarter",
}

__all__ = [  # the same names as _HOMES and the imports below (tests/test_api.py checks)
    "__version__",
    "read_workbook", "Reading", "write_workbook", "starter",
    "check", "check_reading", "summarise", "summarise_team_quarters", "Summary",
    "diff", "Change", "merge", "MergeResult", "next_quarter",
    "write_check_ins", "read_reply", "collect", "status_page",
    "TeamQuarter", "Objective", "KeyResult", "Quarter", "Problem",
    "OkrsheetError", "UnreadableFile", "MergeConflicts", "QuarterError",
]

if TYPE_CHECKING:  # for type checkers and editors; at run time __getattr__ imports on demand
    from okrsheet.domain.carryover import next_quarter
    from okrsheet.domain.changes import Change, diff
    from okrsheet.domain.merging import MergeConflicts, MergeResult, merge
    from okrsheet.domain.model import KeyResult, Objective, TeamQuarter
    from okrsheet.domain.problems import OkrsheetError, Problem
    from okrsheet.domain.quarter import Quarter, QuarterError
    from okrsheet.domain.status import status_page
    from okrsheet.guard.safety import UnreadableFile
    from okrsheet.quarterend.summary import Summary, summarise, summarise_team_quarters
    from okrsheet.read.reader import Reading, read_workbook
    from okrsheet.read.reading import check_reading
    from okrsheet.sheet.checking import check
    from okrsheet.workflows.collect import collect, read_reply
    from okrsheet.workflows.split import write_check_ins
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
