"""Guards for files that arrive by email: refuse hostile or non-spreadsheet files early.

Checks run before any parser sees the file, on the raw bytes and the zip's parts, with
bounded reads and bounded memory: a zip bomb, an XML entity bomb, a password-protected or
legacy file, or a sheet too large to read in a couple of seconds is refused with a one-line
message that names the file and says what to do. See docs/hostile-files.md.

Limits can be raised for one run with environment variables, e.g.
``OKRSHEET_MAX_UNPACKED_MB=500 okrsheet score big.xlsx`` (see :meth:`Limits.from_environment`).
"""

from __future__ import annotations

import dataclasses
import io
import math
import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from okrsheet.domain.problems import OkrsheetError, UnreadableFile
from okrsheet.guard.parts import (
    INFLATE_ERROR,
    ZIP_MAGIC,
    SheetTooLarge,
    check_declared_dimensions,
    check_part,
)
from okrsheet.guard.sniffing import ole_kind, sheet_parts, sheet_title, sniff

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

__all__ = ["DEFAULT_LIMITS", "CheckedFile", "Limits", "check_workbook_file", "read_checked"]

# Public API


@dataclass(frozen=True)
class Limits:
    """Bounds on what a workbook may unpack to.

    The defaults are above any OKR workbook okrsheet writes (10,000 key results unpack to
    about 31 MB, 10,050 rows x 40 columns) and low enough that anything accepted reads in a
    few seconds and under 200 MB of memory (docs/hostile-files.md).
    """

    max_file_bytes: int = 50 * 1024 * 1024
    """Size of the file on disk."""
    max_entries: int = 10_000
    """Parts (files) inside the zip."""
    max_uncompressed_bytes: int = 40 * 1024 * 1024
    """All parts together once unpacked (the sizes the zip declares, and checked for real)."""
    max_ratio: float = 200.0
    """Unpacked size / packed size of one part larger than 1 MB unpacked."""
    max_rows: int = 100_000
    """Rows in one sheet (counted, the sheet's declared dimension, and the row of its last
    value)."""
    max_cells: int = 1_500_000
    """Cells of the grid python-calamine builds for one sheet: from A1 to the last row and
    column holding a value (:mod:`okrsheet.guard.sheetsize`)."""
    max_memory_bytes: int = 1024 * 1024 * 1024
    """Memory the process reading a workbook may add (:mod:`okrsheet.read.isolation`): past it,
    the reader stops, and the file is refused, instead of the machine running out."""
    xml_head_bytes: int = 64 * 1024
    """How far into a part the XML prolog (where a DOCTYPE would be) must end."""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> "Limits":
        """Defaults, overridden by ``OKRSHEET_MAX_UNPACKED_MB``, ``OKRSHEET_MAX_FILE_MB``,
        ``OKRSHEET_MAX_ROWS``, ``OKRSHEET_MAX_CELLS``, ``OKRSHEET_MAX_ENTRIES``,
        ``OKRSHEET_MAX_RATIO`` and ``OKRSHEET_MAX_MEMORY_MB`` when set; a value that is not a
        finite number above 0 raises :class:`LimitError`."""
        values: Mapping[str, str] = os.environ if environ is None else environ
        changes: dict[str, Any] = {}
        for variable, (field, scale, kind) in _ENVIRONMENT.items():
            text = values.get(variable, "").strip()
            if not text:
                continue
            try:
                number = float(text) * scale
            except ValueError:
                number = math.nan
            if not math.isfinite(number) or number <= 0:
                raise LimitError(f"{variable}={text!r}: expected a number above 0, like "
                                 f"{variable}={getattr(cls(), field) // scale}.")
            changes[field] = kind(number)
        return dataclasses.replace(cls(), **changes) if changes else cls()


class LimitError(OkrsheetError):
    """A limit in the environment that is not a number: a usage error (exit status 2)."""


DEFAULT_LIMITS = Limits()

_ENVIRONMENT = {  # variable -> (Limits field, scale, type)
    "OKRSHEET_MAX_UNPACKED_MB": ("max_uncompressed_bytes", 1024 * 1024, int),
    "OKRSHEET_MAX_FILE_MB": ("max_file_bytes", 1024 * 1024, int),
    "OKRSHEET_MAX_ROWS": ("max_rows", 1, int),
    "OKRSHEET_MAX_CELLS": ("max_cells", 1, int),
    "OKRSHEET_MAX_MEMORY_MB": ("max_memory_bytes", 1024 * 1024, int),
    "OKRSHEET_MAX_ENTRIES": ("max_entries", 1, int),
    "OKRSHEET_MAX_RATIO": ("max_ratio", 1, float),
}


def check_workbook_file(path: str | os.PathLike, limits: Limits | None = None, *,
                        deep: bool = True) -> str:
    """Return the workbook's format (``xlsx`` or ``ods``) or raise :class:`UnreadableFile`.

    ``limits`` defaults to :meth:`Limits.from_environment`. ``deep=False`` is the reader's
    fast path: it unpacks only the sheets (sizes, rows, the grid they make) and leaves the
    XML prolog and encoding checks of every part to a deep check run when python-calamine
    fails on the file (calamine never expands entities and stops at a part's declared size).
    """
    return _check(path, limits, deep)[0]


class CheckedFile(NamedTuple):
    """A workbook file that passed the fast check, with the bytes read for it."""

    kind: str  # xlsx or ods
    data: bytes
    modified: float  # the file's modification time (os.stat)


def read_checked(path: str | os.PathLike, limits: Limits | None = None) -> CheckedFile:
    """The file after the fast check (``deep=False``) of :func:`check_workbook_file`: it is
    read once, for the check and the parser."""
    return _check(path, limits, deep=False)


def _check(path: str | os.PathLike, limits: Limits | None, deep: bool) -> CheckedFile:
    limits = Limits.from_environment() if limits is None else limits
    name = os.path.basename(path)
    status, data = _read_file(path, name, limits)
    size, head = len(data), data[:8]
    if size == 0:
        raise UnreadableFile(f"{name}: the file is empty (0 bytes); ask for the workbook again.")
    if size > limits.max_file_bytes:  # it grew after its size was taken
        raise _too_large(name, size, limits)
    if head.startswith(OLE_MAGIC):
        raise UnreadableFile(f"{name}: {ole_kind(path)}")
    if not head.startswith(ZIP_MAGIC):
        raise UnreadableFile(f"{name}: not an Excel or LibreOffice workbook ({sniff(path)}); "
                             "save it as .xlsx.")
    stream = io.BytesIO(data)
    kind = "xlsx"
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            kind = _workbook_kind(name, archive, entries)
            sheets = sheet_parts(archive, kind)
            check_declared_dimensions(archive, entries, kind, limits, sheets)
            _check_zip(name, entries, limits)
        for entry in entries:
            if deep or entry.filename in sheets:
                check_part(name, stream, entry, kind, limits, sheets, deep)
    except SheetTooLarge as too_large:
        raise _sheet_too_large(path, name, kind, too_large, limits) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, INFLATE_ERROR,
            struct.error, ValueError, NotImplementedError, RuntimeError):
        raise UnreadableFile(f"{name}: the file is damaged or cut short (not a complete zip); "
                             "ask for the workbook again.") from None
    except OSError as error:
        raise UnreadableFile(f"{name}: can't be read ({error.strerror or error}).") from None
    return CheckedFile(kind, data, status.st_mtime)


def _read_file(path: str | os.PathLike, name: str, limits: Limits) -> tuple[os.stat_result, bytes]:
    """The file's status and bytes (at most ``max_file_bytes`` + 1), with few system calls.

    Non-blocking, so a named pipe reads as empty instead of waiting forever."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise UnreadableFile(f"{name}: no such file; check the name and folder.") from None
    except OSError as error:
        if os.path.isdir(path):  # Windows can't open a folder
            raise UnreadableFile(f"{name}: is a folder, not a workbook.") from None
        raise UnreadableFile(f"{name}: can't be opened ({error.strerror or error}).") from None
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise UnreadableFile(f"{name}: is a folder, not a workbook.")
        if not stat.S_ISREG(status.st_mode):  # a named pipe, a device, a socket
            raise UnreadableFile(f"{name}: is not a file but a named pipe, device or socket; "
                                 "okrsheet reads workbook files only.")
        if status.st_size > limits.max_file_bytes:
            raise _too_large(name, status.st_size, limits)
        chunks, total = [], 0
        wanted = status.st_size + 1  # one byte more: a file that grew since fstat
        while total <= limits.max_file_bytes:
            chunk = os.read(descriptor, wanted - total if total < wanted else 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except BlockingIOError:
        chunks = []
    except OSError as error:
        raise UnreadableFile(f"{name}: can't be read ({error.strerror or error}).") from None
    finally:
        os.close(descriptor)
    return status, chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _too_large(name: str, size: int, limits: Limits) -> UnreadableFile:
    return UnreadableFile(f"{name}: the file is {_mb(size)}, over the "
                          f"{_mb(limits.max_file_bytes)} limit for a workbook "
                          "(OKRSHEET_MAX_FILE_MB raises it).")


# Private API: what kind of zip


def _workbook_kind(name: str, archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> str:
    names = {entry.filename for entry in entries}
    if "mimetype" in names:
        mimetype = archive.open("mimetype").read(200).strip()
        if mimetype.startswith(ODS_MIMETYPE) and "content.xml" in names:
            return "ods"
        if mimetype.startswith(b"application/vnd.oasis.opendocument."):
            what = mimetype.rsplit(b".", 1)[-1].decode("ascii", "replace")
            raise UnreadableFile(f"{name}: an OpenDocument {what} file, not a spreadsheet; "
                                 "open the OKR workbook itself (.xlsx or .ods).")
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        raise UnreadableFile(f"{name}: a Word or PowerPoint file, not a spreadsheet; "
                             "open the OKR workbook itself (.xlsx).")
    raise UnreadableFile(f"{name}: a zip file, but not an Excel or LibreOffice workbook.")


# Private API: the zip directory (cheap: no unpacking)


def _check_zip(name: str, entries: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(entries) > limits.max_entries:
        raise UnreadableFile(f"{name}: the workbook has {len(entries)} parts, over the limit of "
                             f"{limits.max_entries}; refusing it as unsafe.")
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_uncompressed_bytes:
        raise _too_big(name, total, limits)
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise UnreadableFile(f"{name}: part {entry.filename} is zip-encrypted; "
                                 "save an unprotected copy of the workbook.")
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnreadableFile(f"{name}: part {entry.filename} uses an unusual compression "
                                 "method; open and save the workbook again in Excel or "
                                 "LibreOffice.")


def _sheet_too_large(path: str | os.PathLike, name: str, kind: str, too_large: SheetTooLarge,
                     limits: Limits) -> UnreadableFile:
    title = sheet_title(path, too_large.part) if kind == "xlsx" else None
    where = f'sheet "{title}"' if title else f"a sheet ({too_large.part})"
    size = too_large.size
    if size is not None and size.row_tags <= limits.max_rows and size.rows <= limits.max_rows:
        return UnreadableFile(
            f"{name}: {where} has a value as far as {_cell_name(size.rows, size.columns)}, so "
            f"reading it means {size.rows:,} rows x {size.columns:,} columns "
            f"({size.cells:,} cells), over the limit of {limits.max_cells:,}; delete the "
            "far-away cells (OKRSHEET_MAX_CELLS raises the limit).")
    if too_large.declared:
        rows = f"{too_large.declared:,} rows"
    elif size is not None and size.row_tags <= limits.max_rows:
        rows = f"a value in row {size.rows:,}"
    else:
        rows = f"over {limits.max_rows:,} rows"
    return UnreadableFile(f"{name}: {where} has {rows}, over the limit of {limits.max_rows:,} "
                          "for an OKR workbook; delete the extra rows (OKRSHEET_MAX_ROWS "
                          "raises the limit).")


def _cell_name(row: int, column: int) -> str:
    """``XFD1048576`` for row 1,048,576, column 16,384 (beyond Excel's grid too)."""
    letters = ""
    while column > 0:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return f"{letters or 'A'}{max(row, 1)}"


def _too_big(name: str, total: int, limits: Limits) -> UnreadableFile:
    return UnreadableFile(f"{name}: the workbook would unpack to {_mb(total)}, over the "
                          f"limit of {_mb(limits.max_uncompressed_bytes)}; refusing it as unsafe "
                          "(a zip bomb?; OKRSHEET_MAX_UNPACKED_MB raises the limit).")


def _mb(size: int) -> str:
    megabytes = size / (1024 * 1024)
    if megabytes < 1:
        return f"{size:,} bytes"
    return f"{megabytes:,.1f} MB" if megabytes < 100 else f"{megabytes:,.0f} MB"
