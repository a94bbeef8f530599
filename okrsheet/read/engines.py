"""The formats okrsheet reads, told from a file's bytes, and the engine that reads each: one
table (:data:`ENGINES`), as ``pandas.io.excel`` keeps one.

Every engine takes a file the guard (:mod:`okrsheet.guard.safety`) has passed and gives a
:class:`~okrsheet.read.reading.Reading`. :func:`read_here` sniffs the format and runs its
engine in the calling process; :func:`okrsheet.read.reader.read_workbook`, the one way in,
runs it in a child process with a memory limit.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from okrsheet.domain.problems import UnreadableFile
from okrsheet.guard.safety import OLE_MAGIC, CheckedFile, Limits, read_checked
from okrsheet.guard.sniffing import ole_kind
from okrsheet.read.calamine import read_calamine
from okrsheet.read.legacy import read_gnumeric_ods, read_xls, without_indentation
from okrsheet.read.reading import Reading

__all__ = ["ENGINES", "Engine", "calamine_bytes", "read_here", "sniff"]

# Public API


@dataclass(frozen=True)
class Engine:
    """How one format is read: ``read(path, checked, limits, options)`` gives the Reading
    (``checked`` is the guard's :class:`CheckedFile`, None for an .xls)."""

    format: str
    what: str
    read: Callable[..., Reading]


def read_here(path: str | os.PathLike[str], limits: Limits, **options: Any) -> Reading:
    """Sniff the file's format and read it with its engine, in this process: what
    :func:`okrsheet.read.reader.read_workbook` runs in its child process (call that, not
    this: here nothing contains a crash of the native reader).

    Raises :class:`UnreadableFile` (one line) for a file that can't be read; ``options`` are
    :func:`okrsheet.read.reader.read_workbook`'s (``as_of``, ``side_sheets``, ``actions``).
    """
    format, checked = sniff(path, limits)
    return ENGINES[format].read(path, checked, limits, options)


def sniff(path: str | os.PathLike[str], limits: Limits) -> tuple[str, CheckedFile | None]:
    """The file's format (a key of :data:`ENGINES`), from its bytes whatever its name, and
    the file as the guard checked it (None for an old .xls, which its engine checks).

    Raises :class:`UnreadableFile` for anything else: a Word file, a password-protected
    workbook, a zip bomb, a CSV renamed .xlsx (docs/hostile-files.md)."""
    if _head(path).startswith(OLE_MAGIC):
        kind = ole_kind(path)
        if not kind.startswith("an old Excel"):  # encrypted, Word, another Office file
            raise UnreadableFile(f"{os.path.basename(path)}: {kind}")
        return "xls", None
    checked = read_checked(path, limits)
    if checked.kind == "ods":
        return ("gnumeric-ods" if _saved_by_gnumeric(checked.data) else "ods"), checked
    # the part's name in the zip's directory (a false "xlsb" would read the same way)
    return ("xlsb" if b"xl/workbook.bin" in checked.data else "xlsx"), checked


def calamine_bytes(path: str | os.PathLike[str], limits: Limits | None = None) -> bytes | None:
    """The bytes python-calamine reads for the workbook at ``path``, after the guard: the
    file's own, a copy without the indentation of an .ods Gnumeric saved, None for an .xls
    (read through a copy of its values). For ``fix``'s proof that every typed cell is kept."""
    format, checked = sniff(path, Limits.from_environment() if limits is None else limits)
    if checked is None:
        return None
    return without_indentation(checked.data) if format == "gnumeric-ods" else checked.data


ENGINES: dict[str, Engine] = {
    "xlsx": Engine("xlsx", "an Excel workbook (.xlsx, .xlsm)", read_calamine),
    "xlsb": Engine("xlsb", "an Excel binary workbook (.xlsb)", read_calamine),
    "ods": Engine("ods", "an OpenDocument spreadsheet (.ods)", read_calamine),
    "gnumeric-ods": Engine("gnumeric-ods", "an .ods saved by Gnumeric (indented XML, read "
                           "through a copy without the indentation)", read_gnumeric_ods),
    "xls": Engine("xls", "an old Excel 97-2003 workbook (.xls), read through an .xlsx copy of "
                  "its values", read_xls),
}
"""Format -> engine. Every format goes through the same guard and the same containment."""


# Private API


def _head(path: str | os.PathLike[str]) -> bytes:
    """The first 8 bytes, or nothing when the file can't be opened as a regular file (the
    guard then says why, in one line). Non-blocking: a named pipe never waits."""
    import stat

    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0)
                             | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return b""
        return os.read(descriptor, 8)
    except OSError:
        return b""
    finally:
        os.close(descriptor)


def _saved_by_gnumeric(data: bytes) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("meta.xml") as stream:
            head = stream.read(1 << 16)
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, RuntimeError, EOFError):
        return False
    return b"<meta:generator>gnumeric" in head.lower()
