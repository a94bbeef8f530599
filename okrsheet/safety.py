"""Guards for files that arrive by email: refuse hostile or non-spreadsheet files early.

Checks run before any parser sees the file, on the raw bytes and the zip directory only,
so they are fast and use bounded memory.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from okrsheet.files import OkrsheetError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


class UnreadableFile(OkrsheetError):
    """A file okrsheet can't or won't read; the message names the file and what to do."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what a workbook may unpack to (overridable)."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_entries: int = 10_000
    max_uncompressed_bytes: int = 200 * 1024 * 1024
    max_ratio: float = 200.0


DEFAULT_LIMITS = Limits()


def check_workbook_file(path: str | os.PathLike, limits: Limits = DEFAULT_LIMITS) -> str:
    """Return the workbook's format (``xlsx`` or ``ods``) or raise :class:`UnreadableFile`."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise UnreadableFile(f"{name}: no such file; check the name and folder.")
    if path.is_dir():
        raise UnreadableFile(f"{name}: is a folder, not a workbook.")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile(f"{name}: the file is empty (0 bytes); ask for the workbook again.")
    if size > limits.max_file_bytes:
        raise UnreadableFile(f"{name}: the file is {size // 1_000_000} MB, over the "
                             f"{limits.max_file_bytes // 1_000_000} MB limit for a workbook.")
    with open(path, "rb") as stream:
        head = stream.read(8)
    if head.startswith(OLE_MAGIC):
        raise UnreadableFile(f"{name}: {_ole_kind(path)}")
    if not head.startswith(ZIP_MAGIC):
        raise UnreadableFile(f"{name}: not an Excel or LibreOffice workbook ({_sniff(head)}); "
                             "save it as .xlsx.")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            _check_zip(name, entries, limits)
            if "content.xml" in names and "mimetype" in names:
                return "ods"
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                return "xlsx"
    except zipfile.BadZipFile:
        raise UnreadableFile(f"{name}: the file is damaged or cut short (not a complete zip); "
                             "ask for the workbook again.") from None
    raise UnreadableFile(f"{name}: a zip file, but not an Excel or LibreOffice workbook.")


def _check_zip(name: str, entries: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(entries) > limits.max_entries:
        raise UnreadableFile(f"{name}: the workbook has {len(entries)} parts, over the limit of "
                             f"{limits.max_entries}; refusing it as unsafe.")
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_uncompressed_bytes:
        raise UnreadableFile(f"{name}: the workbook would unpack to {total // 1_000_000} MB, over "
                             f"the limit of {limits.max_uncompressed_bytes // 1_000_000} MB; "
                             "refusing it as unsafe (a zip bomb?).")
    for entry in entries:
        if entry.compress_size and entry.file_size / entry.compress_size > limits.max_ratio \
                and entry.file_size > 1_000_000:
            raise UnreadableFile(f"{name}: part {entry.filename} is compressed "
                                 f"{entry.file_size // entry.compress_size}:1, over the limit of "
                                 f"{limits.max_ratio:g}:1; refusing it as unsafe (a zip bomb?).")


def _ole_kind(path: Path) -> str:
    with open(path, "rb") as stream:
        blob = stream.read(1 << 20)
    if "EncryptionInfo".encode("utf-16-le") in blob or b"EncryptionInfo" in blob:
        return "password-protected: save an unprotected copy (File > Info > Protect) and try again."
    return "an old Excel 97-2003 (.xls) file; open it and save it as .xlsx."


def _sniff(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf")
    if text[:1] in (b"{", b"["):
        return "looks like JSON"
    if text[:5].lower() in (b"<html", b"<!doc"):
        return "looks like a web page"
    if all(32 <= byte < 127 or byte in (9, 10, 13) for byte in text):
        return "looks like text or CSV"
    return "unknown format"
