"""When a workbook was last saved, by its own record rather than the file's time.

A file's modification time is when it landed on this disk (an emailed attachment: the
download). The workbook itself records when the spreadsheet program saved it: ``.xlsx`` /
``.xlsm`` in ``docProps/core.xml`` (``dcterms:modified``), ``.ods`` in ``meta.xml``
(``dc:date``). Only those few bytes are read, with a bounded read and no XML parser.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile

_PARTS = (("docProps/core.xml", re.compile(rb"<dcterms:modified[^>]*>\s*([^<\s]+)\s*<")),
          ("meta.xml", re.compile(rb"<dc:date[^>]*>\s*([^<\s]+)\s*<")))
_MAX_PART_BYTES = 1 << 16  # a document's properties are a few hundred bytes

# Public API


def workbook_saved_time(path: str | os.PathLike) -> float | None:
    """Seconds since the epoch at which the workbook says it was saved; None when it doesn't
    say (no such part, a date that doesn't parse, not a zip)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            for part, pattern in _PARTS:
                if part not in names:
                    continue
                with archive.open(part) as stream:
                    match = pattern.search(stream.read(_MAX_PART_BYTES))
                if match:
                    return _timestamp(match.group(1).decode("ascii", "replace"))
    except (OSError, zipfile.BadZipFile, ValueError, RuntimeError, EOFError):
        return None
    return None


def saved_time(path: str | os.PathLike) -> tuple[float | None, str]:
    """``(seconds since the epoch, where it comes from)``: the workbook's own saved time, else
    the file's modification time; ``(None, "")`` when neither is known."""
    saved = workbook_saved_time(path)
    if saved is not None:
        return saved, "saved time in the workbook"
    try:
        return os.stat(path).st_mtime, "file time"
    except OSError:
        return None, ""


def is_summary_workbook(path: str | os.PathLike) -> bool:
    """True for a workbook ``okrsheet summary -o`` wrote (its title says "OKR summary")."""
    try:
        with zipfile.ZipFile(path) as archive:
            with archive.open("docProps/core.xml") as stream:
                head = stream.read(_MAX_PART_BYTES)
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, RuntimeError, EOFError):
        return False
    return re.search(rb"<dc:title>\s*OKR summary\s*</dc:title>", head) is not None


def time_text(seconds: float) -> str:
    """``2027-03-31 17:05`` (UTC) for a time in seconds since the epoch."""
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


# Private API


def _timestamp(text: str) -> float | None:
    """``2027-03-31T17:05:00Z`` (W3CDTF, also without a zone or with fractions) -> seconds."""
    text = re.sub(r"\.\d+", "", text.strip()).replace("Z", "+00:00")  # 3.10 wants 0, 3 or 6 digits
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:  # LibreOffice writes local time without a zone; read it as UTC
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.timestamp()
