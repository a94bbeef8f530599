"""Which files in the folders given to ``summary`` are workbooks, and a line for every other
file that looks like a spreadsheet, so nothing is skipped without a word.

* read: ``.xlsx``, ``.xlsm``, ``.ods``, and old Excel ``.xls`` (:mod:`okrsheet.sheet.legacy`);
* left out, with what to do (they count as problems: exit status 1): ``.xlsb``, ``.csv``,
  ``.tsv``, ``.numbers``, ``.fods``, templates (``.xltx``, ``.xltm``, ``.ots``) and
  ``.gnumeric`` files;
* skipped, with a line (not a problem): lock files a spreadsheet program leaves while a
  workbook is open (``~$team.xlsx``, ``.~lock.team.xlsx#``), hidden spreadsheet files, links
  to files that no longer exist, and folder links that loop back to a folder already read.

Files named on the command line are read whatever their name.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from okrsheet.sheet.files import OkrsheetError

READ_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls")
LEFT_OUT_SUFFIXES = {
    ".xlsb": "an Excel binary workbook (.xlsb), which okrsheet does not read; open it and save "
             "it as .xlsx (File > Save As > Excel Workbook).",
    ".csv": "a CSV file holds one sheet's values, not an OKR workbook; send the workbook itself "
            "(.xlsx).",
    ".tsv": "a tab-separated text file, not an OKR workbook; send the workbook itself (.xlsx).",
    ".numbers": "an Apple Numbers file; export it as Excel (File > Export To > Excel) and use "
                "the .xlsx.",
    ".fods": "a flat OpenDocument file (.fods); save it as .ods or .xlsx.",
    ".xltx": "an Excel template, not a filled-in workbook; open it and save it as .xlsx.",
    ".xltm": "an Excel template, not a filled-in workbook; open it and save it as .xlsx.",
    ".ots": "an OpenDocument template, not a filled-in workbook; open it and save it as .ods.",
    ".gnumeric": "a Gnumeric file; save it as .xlsx (File > Save As > Excel 2007).",
}
"""Spreadsheet-looking files that can't be read, and the one line saying what to do."""

# Public API


@dataclass
class Found:
    """What a search of files and folders found."""

    workbooks: list[Path] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)
    """``(file, reason)`` for spreadsheet files that can't be read: a problem."""
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """``(file, reason)`` for files that are not a team's workbook: said, not a problem."""


def find(paths: Iterable[str | os.PathLike[str]]) -> Found:
    """Search ``paths``: files as given, folders recursively (following folder links once).

    Raises :class:`OkrsheetError` for a path that does not exist.
    """
    found = Found()
    seen_folders: set[str] = set()
    for path in map(Path, paths):
        try:
            folder = stat.S_ISDIR(os.stat(path).st_mode)
        except (FileNotFoundError, NotADirectoryError):
            raise OkrsheetError(f"{path}: no such file or folder.") from None
        except OSError as error:
            raise OkrsheetError(f"{path}: can't be opened ({error.strerror or error}).") from None
        if folder:
            _search(path, found, seen_folders)
        else:
            found.workbooks.append(path)
    unique: dict[str, Path] = {}
    for path in found.workbooks:
        unique.setdefault(os.path.normpath(path), path)
    found.workbooks = list(unique.values())
    return found


# Private API


def _search(folder: Path, found: Found, seen: set[str]) -> None:
    for root, folders, names in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:
            found.skipped.append((root, "a folder link back to a folder already read; "
                                        "each workbook is read once."))
            folders[:] = []
            continue
        seen.add(real)
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(names):
            path = Path(root) / name
            verdict, reason = _classify(name)
            if verdict == "read" and not os.path.exists(path):
                verdict, reason = "skipped", "a link to a file that no longer exists."
            if verdict == "read":
                found.workbooks.append(path)
            elif verdict == "left out":
                found.left_out.append((str(path), reason))
            elif verdict == "skipped":
                found.skipped.append((str(path), reason))


def _classify(name: str) -> tuple[str, str]:
    """``("read" | "left out" | "skipped" | "ignored", reason)`` for a file name in a folder."""
    lower = name.lower()
    looks_like = lower.endswith(READ_SUFFIXES) or lower.endswith(tuple(LEFT_OUT_SUFFIXES))
    if name.startswith("~$") and looks_like:
        return "skipped", ("an Excel lock file, left while someone has the workbook open; "
                           "not a workbook.")
    if name.startswith(".~lock.") and name.endswith("#"):
        return "skipped", ("a LibreOffice lock file, left while someone has the workbook open; "
                           "not a workbook.")
    if name.startswith("."):
        return ("skipped", "a hidden file; name it without the leading dot to include it.") \
            if looks_like else ("ignored", "")
    if lower.endswith(READ_SUFFIXES):
        return "read", ""
    for suffix, reason in LEFT_OUT_SUFFIXES.items():
        if lower.endswith(suffix):
            return "left out", reason
    return "ignored", ""
