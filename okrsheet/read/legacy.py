"""The engines for old Excel 97-2003 workbooks (.xls) and Gnumeric's .ods: each read through
a copy the calamine engine reads, scored like any other.

An OKR workbook's inputs are plain values, so an ``.xls`` copy (a team that saved in the
old format) loses nothing that scoring needs. Its cells are read with python-calamine and
copied, value for value and cell for cell, into an ``.xlsx`` that the calamine engine then
reads; problems name the ``.xls`` file and the same cells. Formulas come across as the
values they showed, and the reader recomputes every score from the inputs anyway (so it
says nothing of "typed-over" formulas here).

A BIFF8 sheet is at most 65,536 rows by 256 columns, which the guard does not measure:
like every file, an ``.xls`` is read in a child process with a memory limit
(:func:`okrsheet.read.reader.read_workbook`).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okrsheet.domain.problems import UnreadableFile
from okrsheet.guard.safety import OLE_MAGIC, CheckedFile, Limits, read_checked
from okrsheet.read.calamine import read_calamine

if TYPE_CHECKING:
    from okrsheet.read.reading import Reading

_INDENT = re.compile(rb">\n[ \t\r\n]*<")
"""Indentation between two tags (a new line, then spaces): never content in ODF, whose
text keeps its spaces in <text:s/> elements and never holds a raw new line."""
_FORMULAS_AS_VALUES = {"FORMULA-CHANGED"}
"""What the reader says of a formula it finds as a plain value: true of every formula here."""
_SWEPT: set[int] = set()
"""The processes that removed the copies killed reading children left."""

# Public API: the engines of :data:`okrsheet.read.engines.ENGINES` (read a workbook with
# :func:`okrsheet.read.reader.read_workbook`, which picks them)


def read_xls(path: str | os.PathLike[str], checked: None, limits: Limits,
             options: dict[str, Any]) -> Reading:
    """The engine for an ``.xls``: its values copied into an ``.xlsx`` the calamine engine
    reads; raises :class:`UnreadableFile` with a one-line reason."""
    name = os.path.basename(path)
    data = _bytes(path, name, limits)
    book = _open(data, name)
    with _temporary_folder("okrsheet-xls-") as folder:
        copy = Path(folder) / (Path(name).stem + ".xlsx")
        copy.write_bytes(_as_xlsx(book, name))
        try:
            reading = read_calamine(copy, read_checked(copy, limits), limits, options)
        except UnreadableFile as error:
            raise UnreadableFile(str(error).replace(copy.name, name)) from None
    if reading.team_quarter is None:  # not an OKR workbook: refused as any other .xls was
        raise UnreadableFile(f"{name}: an old Excel 97-2003 (.xls) file with no OKR table in it; "
                             "if it is an OKR workbook, open it and save it as .xlsx.")
    return _renamed(reading, str(path), str(copy))


def read_gnumeric_ods(path: str | os.PathLike[str], checked: CheckedFile, limits: Limits,
                      options: dict[str, Any]) -> Reading:
    """The engine for an ``.ods`` saved by Gnumeric.

    Gnumeric indents its content.xml, and python-calamine stops at the first run of spaces
    between two cells ("Cannot detect file format"). The file has passed the same guards as
    any workbook; a copy with that indentation removed (nothing else changes) is read.
    """
    name = os.path.basename(path)
    with _temporary_folder("okrsheet-ods-") as folder:
        copy = Path(folder) / name
        copy.write_bytes(without_indentation(checked.data))
        reading = read_calamine(copy, read_checked(copy, limits), limits, options)
    return _renamed(reading, str(path), str(copy))


def without_indentation(data: bytes) -> bytes:
    """The bytes of an .ods (one the guard passed) with the indentation Gnumeric puts
    between the tags of its content.xml removed; nothing else changes."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "content.xml":
                part = _INDENT.sub(b"><", part)
            method = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info.filename, part, compress_type=method)
    return buffer.getvalue()


# Private API


def _temporary_folder(kind: str) -> "tempfile.TemporaryDirectory[str]":
    """A temporary folder for a copy, named for this process (``okrsheet-xls-<pid>-...``):
    removed when the block ends, on Ctrl-C and SIGTERM too; one left by a reading child
    killed on Ctrl-C is removed by the command (and by any later read)."""
    from okrsheet.files.writing import remove_left_behind, temporary_prefix

    if os.getpid() not in _SWEPT:  # once per process
        _SWEPT.add(os.getpid())
        remove_left_behind(("okrsheet-xls-", "okrsheet-ods-"))
    return tempfile.TemporaryDirectory(prefix=temporary_prefix(kind))


def _bytes(path: str | os.PathLike[str], name: str, limits: Limits) -> bytes:
    try:
        size = os.stat(path).st_size
        if size > limits.max_file_bytes:
            raise UnreadableFile(f"{name}: {size:,} bytes, over the limit of "
                                 f"{limits.max_file_bytes:,} for an OKR workbook.")
        with open(path, "rb") as stream:
            data = stream.read(limits.max_file_bytes + 1)
    except OSError as error:
        raise UnreadableFile(f"{name}: can't be read ({error.strerror or error}).") from None
    if not data.startswith(OLE_MAGIC):
        raise UnreadableFile(f"{name}: not an Excel 97-2003 workbook, whatever its name says; "
                             "open it and save it as .xlsx.")
    if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00" in data or b"FILEPASS" in data:
        raise UnreadableFile(f"{name}: password-protected; save an unprotected copy as .xlsx.")
    return data


def _open(data: bytes, name: str) -> Any:
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as error:  # calamine panics are BaseExceptions
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        raise UnreadableFile(f"{name}: the old Excel file can't be read ({_first_line(error)}); "
                             "open it and save it as .xlsx.") from None


def _as_xlsx(book: Any, name: str) -> bytes:
    """The workbook's cell values, at the same addresses, as .xlsx bytes."""
    import xlsxwriter

    buffer = io.BytesIO()
    out = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                       "strings_to_numbers": False, "strings_to_urls": False})
    date_format = out.add_format({"num_format": "yyyy-mm-dd"})
    for sheet_name in book.sheet_names:
        target = out.add_worksheet(sheet_name[:31])
        try:
            sheet = book.get_sheet_by_name(sheet_name)
            rows = sheet.to_python(skip_empty_area=False)
        except BaseException as error:
            if isinstance(error, (KeyboardInterrupt, SystemExit)):
                raise
            continue  # a chart sheet: nothing to read, as in the reader
        top = max(sheet.end[0] + 1 - len(rows), 0) if rows else 0
        width = max(map(len, rows), default=0)
        left = max(sheet.end[1] + 1 - width, 0) if rows else 0
        fixed = _current_following_check_ins(rows)
        for row_index, row in enumerate(rows):
            for column_index, value in enumerate(row):
                value = fixed.get((row_index, column_index), value)
                _write(target, top + row_index, left + column_index, value, date_format)
    out.close()
    return buffer.getvalue()


def _current_following_check_ins(rows: list[list[object]]) -> dict[tuple[int, int], object]:
    """Current cells to write as the latest check-in: an .xls keeps a formula's text result
    (a milestone's "done") as 0, which would read as a Current typed over the check-ins."""
    import re

    for header_index, row in enumerate(rows):
        texts = [str(value).strip().casefold() if isinstance(value, str) else "" for value in row]
        if "current" not in texts or "key result" not in texts:
            continue
        current = texts.index("current")
        weeks = sorted((int(text.split()[-1]), index) for index, text in enumerate(texts)
                       if re.fullmatch(r"week\s*\d+", text))
        fixed: dict[tuple[int, int], object] = {}
        for index in range(header_index + 1, len(rows)):
            cells = rows[index]
            values = [cells[column] for _, column in weeks if column < len(cells)]
            latest = next((value for value in reversed(values) if value not in (None, "")), None)
            shown = cells[current] if current < len(cells) else None
            if isinstance(latest, str) and isinstance(shown, (int, float)):
                fixed[(index, current)] = latest
        return fixed
    return {}


def _write(sheet: Any, row: int, column: int, value: object, date_format: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, column, value)
    elif isinstance(value, (dt.datetime, dt.date)):
        sheet.write_datetime(row, column, value, date_format)
    elif isinstance(value, dt.time):
        sheet.write_string(row, column, value.isoformat())
    else:
        sheet.write_string(row, column, str(value))


def _renamed(reading: Reading, file: str, copy: str) -> Reading:
    """The reading as if of ``file``: its name in the reading, the model and every problem."""
    reading.file = file
    if reading.team_quarter is not None:
        reading.team_quarter.file = file
    reading.problems = [replace(problem, file=file) if problem.file == copy else problem
                        for problem in reading.problems
                        if problem.code not in _FORMULAS_AS_VALUES]
    try:
        reading.modified = os.stat(file).st_mtime
    except OSError:
        pass
    return reading


def _first_line(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:120]
