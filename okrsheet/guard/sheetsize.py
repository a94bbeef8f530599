"""How large a grid a sheet makes python-calamine build, told from the sheet's own bytes.

python-calamine builds each sheet as one rectangle, from A1 (okrsheet reads with
``skip_empty_area=False``) to the last cell holding a value, whatever lies between: two
values at ``A1`` and ``XFD1048576`` make it allocate 17 billion cells from a 1.6 KB file.
The scanners here read a sheet part as it is unpacked, in chunks, and bound that rectangle
from above (rows x columns) without building anything, so the guard in
:mod:`okrsheet.guard.safety` can refuse the sheet before python-calamine sees it.

- ``.xlsx``: the ``r`` references of cells that hold something (a self-closing ``<c/>`` is
  a formatted blank, which python-calamine skips); a cell or row without ``r`` follows the
  one before, so each such tag may push the bound one further.
- ``.ods``: ``number-rows-repeated`` and ``number-columns-repeated`` multiply a cell or a
  row; repeated blanks after the last value of a row or a table (how LibreOffice pads every
  sheet to 1,048,576 rows) are not built, repeated values and blanks between values are.
- ``.xlsb``: the row header and cell records (their row and column numbers).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable

# Public API


def measure(kind: str, data: bytes, max_rows: int, max_cells: int) -> "SheetSize":
    """The size of the sheet part ``data`` of format ``kind`` (``xlsx``, ``ods``, ``xlsb``).

    For an .xlsx sheet written the usual way (every cell ``<c r="..."``, no namespace
    prefixes) with every value within A1:CZ9999, one quick search is enough: the grid is
    at most 9,999 rows x 104 columns, and exact figures are worked out only when that
    bound would break a limit.
    """
    size = SheetSize(kind)
    if kind == "xlsx" and len(data) >= 6 * max_rows:  # a row takes 6 bytes (<row/>) or more
        # every tag starting <row (a junk <rowX> counts too: never fewer), bar <rowBreaks>
        size.row_tags = data.count(b"<row") - data.count(b"<rowBreaks")
        if b":row" in data:  # rows with a namespace prefix (rare): one by one, in little memory
            size.row_tags = sum(1 for _ in _XLSX_ROW.finditer(data))
        if size.row_tags > max_rows:
            return size
    if kind == "xlsx" and not _OUTSIDE_BOX.search(data) and not _PREFIXED_OUTSIDE_BOX.search(data):
        size.rows, size.columns = _BOX
        if size.rows <= max_rows and size.cells <= max_cells:
            return size
    size = SheetSize(kind)
    for start in range(0, len(data), _CHUNK):  # in chunks: the lists of matches stay small
        size.feed(data[start:start + _CHUNK])
    return size.finish()


class SheetSize:
    """Feed a sheet part's bytes in order (:meth:`feed`), then :meth:`finish`; ``rows`` and
    ``columns`` then bound the grid python-calamine builds, and ``row_tags`` counts the rows
    the part lists (a sheet may list a million empty rows without a value)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.rows = 0
        self.columns = 0
        self.row_tags = 0
        self._carry = b""
        self._scan: Callable[[bytes, int], None] = self._ods if kind == "ods" else self._xlsx
        # .xlsx: the largest reference, and the tags that carry none
        self._cells_without_reference = False
        self._row_reference = 0  # the largest r of a row tag
        self._run = 0  # cells without r since the last row tag
        self._longest_run = 0
        # .ods: the table being read
        self._table_rows = 0
        self._row_repeat = 1
        self._row_width = 0
        self._row_filled_width = 0
        self._filled_rows = 0
        self._table_columns = 0
        # .xlsb: the row of the record being read
        self._xlsb_row = 0

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    def feed(self, chunk: bytes) -> None:
        buffer = self._carry + chunk
        if self.kind == "xlsb":
            self._carry = buffer[self._xlsb(buffer):]
            return
        cut = max(buffer.rfind(b"<"), 0)  # a tag starts with "<": none straddles the cut
        self._scan(buffer, cut)
        self._carry = buffer[cut:]

    def finish(self) -> "SheetSize":
        if self.kind != "xlsb":
            self._scan(self._carry, len(self._carry))
        self._carry = b""
        if self.kind == "xlsx" and self._cells_without_reference:
            # a row without r follows the one before: at most one more per row tag
            self.rows = max(self.rows, self._row_reference) + self.row_tags
            self.columns += self._longest_run
        return self

    # Private API: .xlsx

    def _xlsx(self, buffer: bytes, end: int) -> None:
        part = buffer[:end]
        if b":c" in part or b":row" in part or _NOT_PLAIN_TAG.search(part):
            self._xlsx_any(part)  # prefixed tags, or tags without r first: the general way
            return
        # as Excel, LibreOffice and XlsxWriter write: every cell starts <c r="A1"
        self.row_tags += part.count(b'<row r="')
        references = _PLAIN_ROW_REFERENCE.findall(part)
        if references:
            self._row_reference = max(self._row_reference, max(map(int, set(references))))
            self._run = 0
        # two passes of one group each: a set of a few thousand row numbers and a few column
        # names is cheaper than half a million (column, row) pairs
        self._widen(set(_PLAIN_FILLED_COLUMN.findall(part)), set(_PLAIN_FILLED_ROW.findall(part)))

    def _xlsx_any(self, part: bytes) -> None:
        self.row_tags += len(_XLSX_ROW.findall(part))
        references = _XLSX_ROW_REFERENCE.findall(part)
        if references:
            self._row_reference = max(self._row_reference, max(map(int, set(references))))
        cells = _XLSX_CELL.findall(part)
        filled = [(letters, digits) for letters, digits, closed in cells if not closed]
        self._widen({letters.upper() for letters, _ in filled if letters},
                    {digits for _, digits in filled if digits})
        if any(not digits for _, digits in filled):
            self._cells_without_reference = True
            self._count_runs(part)
        elif _XLSX_ROW.search(part):
            self._run = 0

    def _widen(self, letters: set[bytes], digits: set[bytes]) -> None:
        letters.discard(b"")
        digits.discard(b"")
        if digits:
            self.rows = max(self.rows, max(map(int, digits)))
        if letters:
            widest = max({name.upper() for name in letters}, key=lambda name: (len(name), name))
            self.columns = max(self.columns, _column_number(widest))

    def _count_runs(self, part: bytes) -> None:
        """The most cells without ``r`` in one row: each sits one column past the cell
        before it (rare: Excel, LibreOffice and XlsxWriter always write ``r``)."""
        for tag, reference, closed in _XLSX_ROW_OR_CELL.findall(part):
            if tag == b"row":
                self._run = 0
            elif not reference and not closed:
                self._run += 1
                self._longest_run = max(self._longest_run, self._run)

    # Private API: .ods

    def _ods(self, buffer: bytes, end: int) -> None:
        for closing, tag, attributes in _ODS_TAG.findall(buffer, 0, end):
            if tag == b"table":
                if closing or attributes.endswith(b"/"):
                    self._end_table()
                else:
                    self._table_rows = self._filled_rows = self._table_columns = 0
            elif tag == b"table-row":
                if closing:
                    self._end_row()
                else:
                    self.row_tags += 1
                    self._row_repeat = _repeat(_ODS_ROWS_REPEATED, attributes)
                    self._row_width = self._row_filled_width = 0
                    if attributes.endswith(b"/"):
                        self._end_row()
            elif not closing:  # a cell or covered cell
                self._row_width += _repeat(_ODS_COLUMNS_REPEATED, attributes)
                if _ODS_VALUE.search(attributes):
                    self._row_filled_width = self._row_width

    def _end_row(self) -> None:
        self._table_rows += self._row_repeat
        if self._row_filled_width:
            self._filled_rows = self._table_rows
            self._table_columns = max(self._table_columns, self._row_filled_width)
        self._row_repeat = 1

    def _end_table(self) -> None:
        """Keep the largest table's grid (a workbook's sheets are read one at a time)."""
        if self._filled_rows * self._table_columns >= self.cells:
            self.rows, self.columns = self._filled_rows, self._table_columns
        self._table_rows = self._filled_rows = self._table_columns = 0

    # Private API: .xlsb

    def _xlsb(self, buffer: bytes) -> int:
        """Read the complete records in ``buffer``; return where the incomplete one starts."""
        position, end = 0, len(buffer)
        while True:
            start = position
            kind, position = _varint(buffer, position, 2)
            size, position = _varint(buffer, position, 4)
            if kind is None or size is None or position + size > end:
                return start
            if kind == 0 and size >= 4:  # BrtRowHdr: the row number
                self._xlsb_row = struct.unpack_from("<I", buffer, position)[0] + 1
                self.row_tags += 1
            elif kind in _XLSB_CELLS and size >= 4:  # a cell with a value: its column
                column = struct.unpack_from("<I", buffer, position)[0] + 1
                self.columns = max(self.columns, column)
                self.rows = max(self.rows, self._xlsb_row)
            position += size


def describe(size: SheetSize) -> str:
    """The grid in words: ``1,048,576 rows x 16,384 columns``."""
    return f"{size.rows:,} rows x {size.columns:,} columns"


# Private API

_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
_UNIT = rb"""(?:[^>"']|"[^"]*"|'[^']*')"""
"""One piece of a tag up to its ``>``: a character, or a quoted attribute value whole (a value
may hold ``>``, and a tag regex that stopped there would miss the attributes after it)."""
_BOX = (9_999, 104)  # A1:CZ9999
_CHUNK = 256 * 1024
_OUTSIDE_BOX = re.compile(rb'<c(?! r="[A-C]?[A-Z]\d{1,4}")[\s/>]')
"""A cell tag that does not start ``<c r="..."`` with a reference within A1:CZ9999 (a cell
beyond it, a cell without ``r`` first, quotes or spaces written otherwise): anything
:func:`measure` can't bound with this one search."""
_PREFIXED_OUTSIDE_BOX = re.compile(rb':c(?! r="[A-C]?[A-Z]\d{1,4}")[\s/>]')
"""The same for a cell tag with a namespace prefix (``<x:c``); a search of its own, as a
search starting with a literal is several times quicker than one trying every tag."""
_NOT_PLAIN_TAG = re.compile(rb'<(?:c|row)(?! r=")[\s/>]')
"""A cell or row tag that does not start ``<c r="`` or ``<row r="`` (``<c>``, ``<c s="1"
r="A1">``, a new line before ``r``...): the general scan reads those."""
_XLSX_ROW = re.compile(rb"<" + _PREFIX + rb"row[\s/>]")
_PLAIN_ROW_REFERENCE = re.compile(rb'<row r="(\d+)"')
_PLAIN_FILLED_COLUMN = re.compile(rb'<c r="([A-Za-z]*)\d*"(?:>|\s' + _UNIT + rb'*(?<!/)>)')
_PLAIN_FILLED_ROW = re.compile(rb'<c r="[A-Za-z]*(\d*)"(?:>|\s' + _UNIT + rb'*(?<!/)>)')
"""A cell holding something (not a self-closing formatted blank), written the usual way."""
_XLSX_ROW_REFERENCE = re.compile(rb"<" + _PREFIX + rb"row\s(?:" + _UNIT + rb"*?\s)?"
                                 rb"r\s*=\s*[\"'](\d+)")
_XLSX_ROW_OR_CELL = re.compile(rb"<" + _PREFIX + rb"(row|c)(?=[\s/>])(?:(?!\sr\s*=)" + _UNIT
                               + rb")*(\sr\s*=)?" + _UNIT + rb"*?(/?)>")
_XLSX_CELL = re.compile(rb"<" + _PREFIX + rb"c(?=[\s/>])"
                        rb"(?:(?:(?!\sr\s*=)" + _UNIT + rb")*\sr\s*=\s*[\"']([A-Za-z]*)(\d*)[\"'])?"
                        + _UNIT + rb"*?(/?)>")
_XLSB_CELLS = {*range(2, 12), *range(13, 19), 62}
"""BrtCellRk ... BrtFmlaError, BrtShortRk ... BrtShortIsst, BrtCellRString (not the blanks
1 and 12)."""
_ODS_TAG = re.compile(rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)"
                      rb"(?=[\s/>])(" + _UNIT + rb"*)>")
_ODS_ROWS_REPEATED = re.compile(rb"table:number-rows-repeated\s*=\s*[\"']\s*(\d+)")
_ODS_COLUMNS_REPEATED = re.compile(rb"table:number-columns-repeated\s*=\s*[\"']\s*(\d+)")
_ODS_VALUE = re.compile(rb"(?:office:(?:value|string-value|date-value|time-value|boolean-value"
                        rb"|value-type)|table:formula)\s*=")


def _repeat(pattern: re.Pattern[bytes], attributes: bytes) -> int:
    match = pattern.search(attributes)
    return int(match.group(1)) if match else 1


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def _varint(buffer: bytes, position: int, most: int) -> tuple[int | None, int]:
    """A record type (at most 2 bytes) or size (at most 4) of an .xlsb record."""
    value = 0
    for index in range(most):
        if position + index >= len(buffer):
            return None, position
        byte = buffer[position + index]
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            return value, position + index + 1
    return value, position + most
