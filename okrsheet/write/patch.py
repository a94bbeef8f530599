"""Change a few cells of a person's .xlsx and keep every other byte of every sheet.

``collect`` folds owners' replies into the team's own workbook: whatever the team did to it
(a Notes column, sorted rows, a sheet of its own, colours, comments), only the cells a reply
fills change. The sheet's XML is edited in place, cell by cell: each changed cell's element
is replaced (its style kept) or inserted in order; nothing is parsed and written back, so
no program's extensions are lost. Formulas of the changed sheet lose their cached results
and the workbook asks to be recalculated on load (Excel's ``fullCalcOnLoad``; LibreOffice
and Google Sheets compute a formula that has no cached result), so no stale score shows.

:func:`patched_cells` then reads both files with python-calamine and proves that every cell
of every sheet is as before but the changed ones and the formulas' cached results.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from okrsheet.domain.problems import OkrsheetError
from okrsheet.read.rawxml import (
    CELL_REFERENCE,
    cell_place,
    column_number,
    formula_cell_pattern,
    placed_cells,
    sheet_part,
    sheet_parts,
    workbook_part,
    xml_prefix,
)
from okrsheet.sheet.layout import cell as a1

__all__ = ["Patch", "patch_xlsx", "patched_cells"]



@dataclass
class Patch:
    """The new workbook's bytes, and the cells whose cached formula results were dropped
    (sheet name -> set of (row, column), 0-based)."""

    data: bytes
    recalculated: dict[str, set[tuple[int, int]]]


# Public API


def patch_xlsx(data: bytes, sheet: str, values: Mapping[tuple[int, int], object],
               *, file: str = "the workbook") -> Patch:
    """``data`` (an .xlsx or .xlsm) with the cells ``values`` of ``sheet`` set: ``(row,
    column)`` 0-based -> a number, text, or None for blank. Raises a one-line
    :class:`OkrsheetError` when the sheet's XML is not laid out so that a cell can be
    placed with certainty (a row or cell without its reference)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        part = sheet_part(archive, sheet)
        names = {info.filename: info for info in archive.infolist()}
        xml = archive.read(part).decode("utf-8")
    except (KeyError, zipfile.BadZipFile, UnicodeDecodeError, ElementTree.ParseError) as error:
        raise OkrsheetError(f"{file}: the {sheet} sheet can't be found in the workbook's parts "
                            f"({error}); open it, save it as .xlsx and try again.") from None
    prefix = xml_prefix(xml)
    xml = _set_cells(xml, prefix, values, file, sheet)
    recalculated: dict[str, set[tuple[int, int]]] = {}
    xml, recalculated[sheet] = _drop_cached_results(xml, prefix)
    parts = {part: xml.encode("utf-8")}
    sheet_names = sheet_parts(archive)
    for other_name, other_part in sheet_names.items():
        if other_part == part:
            continue
        text = archive.read(other_part).decode("utf-8", errors="replace")
        if _mentions(text, sheet):  # its formulas read the changed sheet: recalculated too
            other_prefix = xml_prefix(text)
            text, recalculated[other_name] = _drop_cached_results(text, other_prefix)
            parts[other_part] = text.encode("utf-8")
    workbook = "xl/workbook.xml" if "xl/workbook.xml" in names else workbook_part(archive)
    parts[workbook] = _full_calculation_on_load(archive.read(workbook).decode("utf-8")).encode()
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as written:
        for info in archive.infolist():
            content = parts.get(info.filename)
            written.writestr(info, archive.read(info.filename) if content is None else content,
                             compress_type=info.compress_type)
    return Patch(output.getvalue(), recalculated)


def patched_cells(before: bytes, after: bytes, patch: Patch) -> dict[str, dict[tuple[int, int],
                                                                               tuple[object, object]]]:
    """Every cell, of every sheet, that reads differently in ``after`` than in ``before``
    (sheet -> (row, column) -> (before, after)), leaving out the formulas whose cached
    results the patch dropped. ``collect`` checks this is exactly the cells it meant."""
    import python_calamine

    def grids(data: bytes) -> dict[str, dict[tuple[int, int], object]]:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        found = {}
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            found[name] = placed_cells(sheet)
        return found

    old, new = grids(before), grids(after)
    differences: dict[str, dict[tuple[int, int], tuple[object, object]]] = {}
    for name in sorted(set(old) | set(new)):
        skipped = patch.recalculated.get(name, set())
        a, b = old.get(name, {}), new.get(name, {})
        for place in set(a) | set(b):
            if place in skipped:
                continue
            if a.get(place, "") != b.get(place, ""):
                differences.setdefault(name, {})[place] = (a.get(place), b.get(place))
    return differences


# Private API


_ROW_NUMBER = re.compile(r'\br="(\d+)"')


def _set_cells(xml: str, prefix: str, values: Mapping[tuple[int, int], object], file: str,
               sheet: str) -> str:
    by_row: dict[int, dict[int, object]] = {}
    for (row, column), value in values.items():
        by_row.setdefault(row, {})[column] = value
    start = re.search(rf"<{prefix}sheetData\b[^>]*?(/>|>)", xml)
    if start is None:
        raise OkrsheetError(f"{file}: the {sheet} sheet has no cell data; open it, save it as "
                            ".xlsx and try again.")
    if start.group(1) == "/>":  # an empty sheet: open it up
        xml = xml[:start.start()] + f"<{prefix}sheetData></{prefix}sheetData>" + xml[start.end():]
        start = re.search(rf"<{prefix}sheetData\b[^>]*>", xml)
        assert start is not None
    end = xml.index(f"</{prefix}sheetData>", start.end())
    unplaced = (f"{file}: a {{}} of the {sheet} sheet has no reference, so a value can't be "
                "placed with certainty; open the workbook, save it as .xlsx and try again.")

    def row_number(opening: str) -> int:
        number = _ROW_NUMBER.search(opening)
        if number is None:
            raise OkrsheetError(unplaced.format("row"))
        return int(number.group(1)) - 1

    def row_element(row: int, element: str | None) -> str:
        if element is None:
            return _new_row(prefix, row, by_row[row])
        return _row_with(element, prefix, row, by_row[row], unplaced)

    body = _splice(xml[start.end():end], rf"<{prefix}row\b[^>]*?(?:/>|>.*?</{prefix}row>)",
                   sorted(by_row), row_number, row_element)
    return xml[:start.end()] + body + xml[end:]


def _splice(text: str, pattern: str, places: list[int], place_of: Callable[[str], int],
            element: Callable[[int, str | None], str]) -> str:
    """``text`` (a run of elements in order of their place: rows, or a row's cells) with the
    element at each of ``places`` made anew by ``element(place, old element or None)``, new
    ones inserted where their place falls; every other byte as it was."""
    pieces: list[str] = []
    position = 0
    pending = list(places)
    for match in re.finditer(pattern, text, re.S):
        found = match.group(0)
        place = place_of(found[:found.index(">") + 1])
        pieces.append(text[position:match.start()])
        while pending and pending[0] < place:  # places with no element yet
            pieces.append(element(pending.pop(0), None))
        if pending and pending[0] == place:
            pending.pop(0)
            pieces.append(element(place, found))
        else:
            pieces.append(found)
        position = match.end()
    pieces.append(text[position:])
    pieces += [element(place, None) for place in pending]
    return "".join(pieces)


def _row_with(element: str, prefix: str, row: int, values: dict[int, object],
              unplaced: str) -> str:
    if element.endswith("/>"):
        opening = element[:-2] + ">"
        inner, closing = "", f"</{prefix}row>"
    else:
        opening = element[:element.index(">") + 1]
        closing = f"</{prefix}row>"
        inner = element[len(opening):-len(closing)]

    def column_of(cell_opening: str) -> int:
        reference = CELL_REFERENCE.search(cell_opening)
        if reference is None:
            raise OkrsheetError(unplaced.format(f"cell in row {row + 1}"))
        return column_number(reference.group(1))

    def cell_element(column: int, old: str | None) -> str:
        style = re.search(r'\bs="(\d+)"', old[:old.index(">") + 1]) if old else None
        return _cell(prefix, row, column, values[column], style.group(1) if style else None)

    cells = _splice(inner, rf"<{prefix}c\b[^>]*?(?:/>|>.*?</{prefix}c>)", sorted(values),
                    column_of, cell_element)
    spans = re.compile(r'\s+spans="[^"]*"')
    return spans.sub("", opening) + cells + closing  # spans are only a hint


def _new_row(prefix: str, row: int, values: dict[int, object]) -> str:
    cells = "".join(_cell(prefix, row, column, values[column], None) for column in sorted(values))
    return f'<{prefix}row r="{row + 1}">{cells}</{prefix}row>'


def _cell(prefix: str, row: int, column: int, value: object, style: str | None) -> str:
    attributes = f'r="{a1(row, column)}"' + (f' s="{style}"' if style else "")
    if value is None or value == "":
        return f"<{prefix}c {attributes}/>"
    if isinstance(value, bool):
        return f'<{prefix}c {attributes} t="b"><{prefix}v>{int(value)}</{prefix}v></{prefix}c>'
    if isinstance(value, (int, float)):
        return f"<{prefix}c {attributes}><{prefix}v>{_number(float(value))}</{prefix}v></{prefix}c>"
    text = _ooxml_text(str(value))
    return (f'<{prefix}c {attributes} t="inlineStr"><{prefix}is><{prefix}t xml:space="preserve">'
            f"{text}</{prefix}t></{prefix}is></{prefix}c>")


def _number(number: float) -> str:
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


_ESCAPED = re.compile(r"_x[0-9A-Fa-f]{4}_")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _ooxml_text(text: str) -> str:
    """Text as an OOXML string: XML-escaped, characters XML can't hold as ``_xHHHH_``, and a
    typed ``_x0041_`` kept literally (its underscore escaped)."""
    text = _ESCAPED.sub(lambda match: "_x005F" + match.group(0), text)
    text = _NOT_XML.sub(lambda match: f"_x{ord(match.group(0)):04X}_", text)
    return escape(text)


def _drop_cached_results(xml: str, prefix: str) -> tuple[str, set[tuple[int, int]]]:
    """Every formula cell without its cached result (so it is computed on load)."""
    dropped: set[tuple[int, int]] = set()
    value = re.compile(rf"<{prefix}v>.*?</{prefix}v>|<{prefix}v/>", re.S)

    def strip(match: re.Match[str]) -> str:
        element = match.group(0)
        place = cell_place(element)
        if place is not None:
            dropped.add(place)
        opening = re.sub(r'\s+t="[^"]*"', "", element[:element.index(">") + 1])
        return opening + value.sub("", element[element.index(">") + 1:])

    return formula_cell_pattern(prefix).sub(strip, xml), dropped


def _mentions(xml: str, sheet: str) -> bool:
    """Does a formula of this sheet part name ``sheet``?"""
    quoted = "'" + sheet.replace("'", "''") + "'!"
    return (f"{sheet}!" in xml or escape(quoted, {"'": "&apos;"}) in xml or quoted in xml) \
        and "<f" in xml


def _full_calculation_on_load(xml: str) -> str:
    match = re.search(r"<(\w+:)?calcPr\b[^>]*?/?>", xml)
    if match is None:
        prefix = re.search(r"<(\w+:)?workbook\b", xml)
        tag = f"{(prefix.group(1) or '') if prefix else ''}calcPr"
        for anchor in (r"</(\w+:)?definedNames>", r"<(\w+:)?definedNames\s*/>", r"</(\w+:)?sheets>"):
            found = re.search(anchor, xml)
            if found:
                return xml[:found.end()] + f'<{tag} fullCalcOnLoad="1"/>' + xml[found.end():]
        return xml
    element = match.group(0)
    if "fullCalcOnLoad=" in element:
        updated = re.sub(r'fullCalcOnLoad="[^"]*"', 'fullCalcOnLoad="1"', element)
    else:
        updated = re.sub(r"\s*(/?>)$", r' fullCalcOnLoad="1"\1', element)
    return xml[:match.start()] + updated + xml[match.end():]
