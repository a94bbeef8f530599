"""Facts python-calamine does not give, read from the workbook's own XML when needed.

- Where a sheet holds error values (``#DIV/0!``, ``#N/A``...): calamine reads error cells as
  blanks; the reader asks only when the sheet's own Input check says a row holds an error
  value. OpenDocument files are not searched: the reader then names the row instead.
- Whether dates count from 1904 (old Mac Excel files): a date typed as a plain number then
  means another day; the reader asks only when a date cell holds a plain number.
"""

from __future__ import annotations

import io
import re
import zipfile

_CELL = re.compile(rb'<c\b[^>]*?\bt="e"[^>]*>.*?</c>', re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_VALUE = re.compile(rb"<v>([^<]{1,40})</v>")


def error_cells(data: bytes, sheet: str) -> dict[tuple[int, int], str]:
    """``(row, column) -> "#DIV/0!"`` (0-based, as in the sheet) for an .xlsx/.xlsm sheet.

    Empty for other formats or anything unexpected: the caller falls back to naming the row.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = _sheet_part(archive, sheet)
            if part is None:
                return {}
            xml = archive.read(part)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError):  # SyntaxError: ParseError
        return {}
    found: dict[tuple[int, int], str] = {}
    for match in _CELL.finditer(xml):
        text = match.group(0)
        ref, value = _REF.search(text), _VALUE.search(text)
        if ref is None:
            continue
        found[int(ref.group(2)) - 1, _column(ref.group(1).decode())] = (
            value.group(1).decode("utf-8", "replace") if value else "#VALUE!")
    return found


def uses_1904_dates(data: bytes) -> bool:
    """True for an .xlsx/.xlsm whose workbook counts dates from 1904 (``date1904``)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("xl/workbook.xml")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False
    return re.search(rb'date1904="(1|true)"', xml) is not None


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip path of the worksheet named ``sheet``, as the zip spells it."""
    from okrsheet.sheet.patch import part_name, sheet_parts

    wanted = sheet_parts(archive).get(sheet)
    try:
        return None if wanted is None else part_name(archive, wanted)
    except KeyError:
        return None


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1
