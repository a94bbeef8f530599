"""Facts python-calamine does not give, read from the workbook's own XML when needed.

- Where a sheet holds error values (``#DIV/0!``, ``#N/A``...): calamine reads error cells as
  blanks; the reader asks only when the sheet's own Input check says a row holds an error
  value. OpenDocument files are not searched: the reader then names the row instead.
- Whether dates count from 1904 (old Mac Excel files): a date typed as a plain number then
  means another day; the reader asks only when a date cell holds a plain number.
- Where each sheet's part is in the zip, its formula cells, and a sheet's cells by place:
  what ``collect``'s patch and ``fix``'s proof need to find cells in a person's own file.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"

_CELL = re.compile(rb'<c\b[^>]*?\bt="e"[^>]*>.*?</c>', re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_VALUE = re.compile(rb"<v>([^<]{1,40})</v>")
CELL_REFERENCE = re.compile(r'\br="([A-Z]+)(\d+)"')


def error_cells(data: bytes, sheet: str) -> dict[tuple[int, int], str]:
    """``(row, column) -> "#DIV/0!"`` (0-based, as in the sheet) for an .xlsx/.xlsm sheet.

    Empty for other formats or anything unexpected: the caller falls back to naming the row.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = sheet_part(archive, sheet)
            xml = archive.read(part)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError):  # SyntaxError: ParseError
        return {}
    found: dict[tuple[int, int], str] = {}
    for match in _CELL.finditer(xml):
        text = match.group(0)
        ref, value = _REF.search(text), _VALUE.search(text)
        if ref is None:
            continue
        found[int(ref.group(2)) - 1, column_number(ref.group(1).decode())] = (
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


def placed_cells(sheet: object) -> dict[tuple[int, int], object]:
    """A sheet's non-blank cells by their 0-based place in the sheet."""
    rows = sheet.to_python(skip_empty_area=False)  # type: ignore[attr-defined]
    if not rows:
        return {}
    width = max(map(len, rows))
    row_offset = max(sheet.end[0] + 1 - len(rows), 0)  # type: ignore[attr-defined]
    column_offset = max(sheet.end[1] + 1 - width, 0)  # type: ignore[attr-defined]
    return {(row_offset + r, column_offset + c): value for r, line in enumerate(rows)
            for c, value in enumerate(line) if value != ""}

def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part's name in the zip, as the workbook's relationships say."""
    workbook = workbook_part(archive)
    root = ElementTree.fromstring(archive.read(workbook))
    folder = workbook.rsplit("/", 1)[0]
    rels_name = f"{folder}/_rels/{workbook.rsplit('/', 1)[1]}.rels"
    rels = ElementTree.fromstring(archive.read(rels_name))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels
               if rel.tag == f"{{{_PACKAGE_RELATIONSHIPS}}}Relationship"}
    parts = {}
    for element in root.iter(f"{{{_MAIN}}}sheet"):
        target = targets.get(element.get(f"{{{_RELATIONSHIPS}}}id"))
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
        parts[element.get("name", "")] = normal_path(path)
    return parts

def formula_cells(xml: str) -> set[tuple[int, int]]:
    """(row, column), 0-based, of every cell of a sheet part that holds a formula."""
    places = (cell_place(match.group(0)) for match in formula_cell_pattern(xml_prefix(xml)).finditer(xml))
    return {place for place in places if place is not None}

def part_name(archive: zipfile.ZipFile, wanted: str) -> str:
    """The zip's own spelling of part ``wanted`` (names match ignoring case, as readers do)."""
    for name in archive.namelist():
        if name.casefold() == wanted.casefold():
            return name
    raise KeyError(wanted)

def sheet_part(archive: zipfile.ZipFile, sheet: str) -> str:
    parts = sheet_parts(archive)
    if sheet not in parts:
        raise KeyError(sheet)
    return part_name(archive, parts[sheet])

def workbook_part(archive: zipfile.ZipFile) -> str:
    rels = ElementTree.fromstring(archive.read("_rels/.rels"))
    for rel in rels:
        if rel.get("Type", "").endswith("/officeDocument"):
            return normal_path(rel.get("Target", "").lstrip("/"))
    raise KeyError("officeDocument")

def normal_path(path: str) -> str:
    parts: list[str] = []
    for piece in path.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)

def xml_prefix(xml: str) -> str:
    """The namespace prefix of the sheet's elements (``""``, or ``"x:"``)."""
    match = re.search(r"<(\w+:)?worksheet\b", xml)
    return (match.group(1) or "") if match else ""

def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1

def formula_cell_pattern(prefix: str) -> re.Pattern[str]:
    """A whole cell element that holds a formula (``<c ...>...<f>...</f>...</c>``)."""
    return re.compile(
        rf"<{prefix}c\b[^>/]*>(?:(?!</{prefix}c>|<{prefix}c\b).)*<{prefix}f\b.*?</{prefix}c>", re.S)

def cell_place(element: str) -> tuple[int, int] | None:
    """(row, column), 0-based, of a cell element by its ``r`` reference."""
    reference = CELL_REFERENCE.search(element[:element.index(">") + 1])
    if reference is None:
        return None
    return int(reference.group(2)) - 1, column_number(reference.group(1))
