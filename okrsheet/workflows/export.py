"""``okrsheet export``: read workbooks and write their rows to the history store.

The store itself (its tables, ids, transactions, the commit file) is
:mod:`okrsheet.quarterend.history`; this module finds and reads the workbooks, hands their
rows to the store in one transaction, and says what was exported and left out.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from okrsheet.domain.problems import OkrsheetError
from okrsheet.domain.text import visible
from okrsheet.workflows.lines import Line

__all__ = ["Export", "export"]


@dataclass
class Export:
    """What :func:`export` did: team quarters written, and files left out with the reason."""

    written: list[tuple[str, str, str]] = field(default_factory=list)  # (file, team, quarter)
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    removed: int = 0  # rows of earlier exports of the same files replaced
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason): not a problem
    store: str = ""  # the store's folder, as given

    def lines(self) -> list[Line]:
        """What ``okrsheet export`` prints: the files skipped and left out (standard error),
        then how many workbooks went to the store, for which quarters."""
        lines = [Line(visible(f"Skipped {file}: {reason}"), err=True)
                 for file, reason in self.skipped]
        lines += [Line(visible(f"Left out {file}: {reason}"), err=True)
                  for file, reason in self.left_out]
        quarters = sorted({quarter for _, _, quarter in self.written})
        span = "" if not quarters else f" ({quarters[0]}" + (
            f" to {quarters[-1]})" if len(quarters) > 1 else ")")
        count = len(self.written)
        return lines + [Line(f"Exported {count} workbook{'s' if count != 1 else ''} to "
                             f"{visible(self.store)}{span}.")]


def export(paths: Iterable[str | os.PathLike[str]], store: str | os.PathLike[str], *,
           fiscal_year_start: int = 1, named_by_start: bool = False,
           on_file: Callable[[Path], None] | None = None) -> Export:
    """Read the workbooks in ``paths`` (files or folders) and write their rows to ``store``.

    Rows from the same files replace their earlier rows; a workbook that can't be read
    changes nothing. The store folder is made if missing. Quarters are named as the
    summary names them (``fiscal_year_start``, ``named_by_start``).
    """
    from okrsheet.files.folders import find
    from okrsheet.files.saved import is_summary_workbook, saved_time
    from okrsheet.quarterend.history import store_folder, team_quarter_rows, write_rows
    from okrsheet.quarterend.workbooks import read_one

    paths = list(paths)
    search = find(paths)
    files = [path for path in search.workbooks if not is_summary_workbook(path)]
    if not files and not search.left_out:
        names = ", ".join(str(path) for path in paths)
        raise OkrsheetError(f"no workbooks (.xlsx, .xlsm, .ods, .xls) found in {names}.")
    root = store_folder(store)
    result = Export(store=str(store), left_out=list(search.left_out),
                    skipped=list(search.skipped))
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {}  # quarter -> table -> rows
    sources: set[str] = set()
    for path in files:
        team_quarter, scores, _, reason, file_time = read_one(path)[:5]
        if team_quarter is None:
            result.left_out.append((str(path), reason or "it can't be read."))
        else:
            source = os.path.abspath(path)
            saved = saved_time(path)[0]
            found = team_quarter_rows(team_quarter, source, saved, file_time, scores,
                                      fiscal_year_start=fiscal_year_start,
                                      named_by_start=named_by_start)
            if isinstance(found, str):
                result.left_out.append((str(path), found))
            else:
                label, tables = found
                sources.add(source)
                for table, table_rows in tables.items():
                    rows.setdefault(label, {}).setdefault(table, []).extend(table_rows)
                result.written.append((str(path), team_quarter.team or "", label))
        if on_file is not None:
            on_file(path)
    if sources:
        result.removed = write_rows(root, rows, sources)
    return result
