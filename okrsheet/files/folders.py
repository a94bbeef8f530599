"""Which files in the folders given to ``summary`` are workbooks, and a line for every other
file that looks like a spreadsheet, so nothing is skipped without a word.

* read: ``.xlsx``, ``.xlsm``, ``.ods``, and old Excel ``.xls`` (:mod:`okrsheet.read.legacy`);
* left out, with what to do (they count as problems: exit status 1): ``.xlsb``, ``.csv``,
  ``.tsv``, ``.numbers``, ``.fods``, templates (``.xltx``, ``.xltm``, ``.ots``) and
  ``.gnumeric`` files;
* skipped, with a line (not a problem): lock files a spreadsheet program leaves while a
  workbook is open (``~$team.xlsx``, ``.~lock.team.xlsx#``), hidden spreadsheet files, links
  to files that no longer exist, links to files or folders outside the folder given,
  folder links that loop back to a folder already read, folders that can't be listed, and
  named pipes, devices and sockets with a spreadsheet's name (never opened: a pipe would
  wait forever).

Folders are walked with a list of folders still to read, not by recursion, so a folder
1,100 levels deep is read like any other. Files named on the command line are read
whatever their name, if they are regular files (a pipe, device or socket is left out).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from okrsheet.domain.problems import OkrsheetError

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
    """Search ``paths``: files as given, folders and their subfolders (following links that
    stay inside the folder given, each folder once).

    Raises :class:`OkrsheetError` for a path that does not exist.
    """
    found = Found()
    seen_folders: set[tuple[int, int]] = set()
    for path in map(Path, paths):
        try:
            mode = os.stat(path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            raise OkrsheetError(f"{path}: no such file or folder.") from None
        except OSError as error:
            raise OkrsheetError(f"{path}: can't be opened ({error.strerror or error}).") from None
        if stat.S_ISDIR(mode):
            _search(path, found, seen_folders)
        elif stat.S_ISREG(mode):
            found.workbooks.append(path)
        else:
            found.left_out.append((str(path), f"{_special(mode)}, not a file; okrsheet reads "
                                              "only regular files (never opened)."))
    unique: dict[str, Path] = {}
    for path in found.workbooks:
        unique.setdefault(os.path.normpath(path), path)
    found.workbooks = list(unique.values())
    return found


# Private API


def _search(folder: Path, found: Found, seen: set[tuple[int, int]]) -> None:
    """Walk ``folder`` without recursion: a stack of folders still to read, in the order
    ``os.walk`` gives (a folder's files, then its subfolders by name)."""
    top = os.path.realpath(folder)
    waiting = [folder]
    while waiting:
        current = waiting.pop()
        try:
            status = os.stat(current)
            key = (status.st_dev, status.st_ino)
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            found.skipped.append((str(current), f"a folder that can't be read "
                                                f"({error.strerror or error}); skipped."))
            continue
        if key in seen:
            found.skipped.append((str(current), "a folder link back to a folder already read; "
                                                "each workbook is read once."))
            continue
        seen.add(key)
        folders = []
        for entry in entries:
            path = current / entry.name
            verdict, reason = _classify(entry.name)
            try:
                link = entry.is_symlink()
                mode = entry.stat().st_mode  # the link's target's
            except OSError:  # a link to nothing (or into a loop of links)
                if verdict != "ignored":
                    found.skipped.append((str(path), "a link to a file that no longer exists."))
                continue
            if link and stat.S_ISDIR(mode) and entry.name.startswith("."):
                continue
            if link and not _inside(os.path.realpath(path), top):
                if stat.S_ISDIR(mode) or verdict != "ignored":
                    found.skipped.append((str(path), f"a link to {os.path.realpath(path)}, "
                                                     f"outside {folder}; okrsheet reads only "
                                                     "inside the folders given (give the "
                                                     "target itself to read it)."))
                continue
            if stat.S_ISDIR(mode):
                if not entry.name.startswith("."):
                    folders.append(path)
                continue
            if verdict in ("read", "left out") and not stat.S_ISREG(mode):
                found.skipped.append((str(path), f"{_special(mode)} with a spreadsheet's name, "
                                                 "not a file; never opened."))
            elif verdict == "read":
                found.workbooks.append(path)
            elif verdict == "left out":
                found.left_out.append((str(path), reason))
            elif verdict == "skipped":
                found.skipped.append((str(path), reason))
        waiting.extend(reversed(folders))


def _inside(target: str, top: str) -> bool:
    return target == top or target.startswith(top.rstrip(os.sep) + os.sep)


def _special(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


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
