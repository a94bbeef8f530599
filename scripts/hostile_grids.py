"""The hostile files of issue 18, used by make_hostile.py: sheets that make python-calamine
build a huge grid from a few bytes, a damaged .xlsb that makes it panic, control characters
in cell text, and numbers that are not numbers (NaN, infinity).

Each is tiny; ``EXPECTED_GRIDS`` says what the guards do with it (None: read).
"""

from __future__ import annotations

import io
import struct
import zipfile

FIXED_TIME = (2027, 1, 4, 0, 0, 0)

EXPECTED_GRIDS: dict[str, str | None] = {
    "far-cell.xlsx": "delete the far-away cells",
    "opposite-corners.xlsx": "a value in row 1,048,576",
    "row-4294967295.xlsx": "a value in row 4,294,967,295",
    "repeated-columns.ods": "delete the far-away cells",
    "repeated-rows.ods": "a value in row 1,048,576",
    "libreoffice-padding.ods": None,
    "panic-missing-relationship.xlsb": None,
    "control-characters.xlsx": None,
    "nan-and-infinity.xlsx": None,
}

REFUSED_BY_READER: dict[str, str] = {
    "panic-missing-relationship.xlsb": "can't be read",
}
"""Files the guards let through but python-calamine fails on (here: panics): the reader
refuses them in one line."""

CONTROL_TEXTS = {
    "team": "Sales\x1b]0;owned\x07",
    "objective": "\x1b[2J\x1b[HGrow <script>alert(1)</script> revenue",
    "key_results": ("Win logos\r  ~ fake line", "Renew | pipe\nnewline",
                    "<img src=x onerror=alert(1)>", "Invoice \u202egnp.exe", "Bell\x07\x9b31m"),
}
"""Text put in control-characters.xlsx (XlsxWriter writes ESC as ``_x001B_``; every reader
decodes it back to the control character)."""

NOT_NUMBERS = {"current": 12345.125, "weight": 6789.375}
"""Unusual values written by the writer, then replaced by NaN and infinity in the XML."""


# Public API


def grid_files(base: bytes, team_quarter, workbook, replace, sheet, ods) -> dict[str, bytes]:
    """Every file of :data:`EXPECTED_GRIDS`, made from make_hostile's helpers: ``base`` is
    the valid workbook, ``team_quarter()``/``workbook()`` make others, ``replace`` swaps a
    part, ``sheet`` gives the OKRs sheet XML and ``ods`` zips an OpenDocument file."""
    xml = sheet(base)

    def with_cells(cells: bytes) -> bytes:
        return replace(base, "xl/worksheets/sheet1.xml",
                       xml.replace(b"</sheetData>", cells + b"</sheetData>"))

    files = {
        "far-cell.xlsx": with_cells(b'<row r="2000"><c r="XFD2000"><v>1</v></c></row>'),
        "opposite-corners.xlsx": with_cells(
            b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
        "row-4294967295.xlsx": with_cells(b'<row r="4294967295"><c r="A4294967295"><v>1</v>'
                                          b'</c></row>'),
        "repeated-columns.ods": ods(_ods_table(
            b'<table:table-row table:number-rows-repeated="1000"><table:table-cell '
            b'table:number-columns-repeated="16384" office:value-type="float" office:value="1"/>'
            b'</table:table-row>')),
        "repeated-rows.ods": ods(_ods_table(
            b'<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
            b'office:value-type="float" office:value="1"/></table:table-row>')),
        "libreoffice-padding.ods": ods(_ods_table(
            b'<table:table-row><table:table-cell office:value-type="string"><text:p>OKRs'
            b'</text:p></table:table-cell><table:table-cell table:number-columns-repeated='
            b'"1023"/></table:table-row><table:table-row table:number-rows-repeated="1048575">'
            b'<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')),
        "panic-missing-relationship.xlsb": xlsb(relation="rId9"),
        "control-characters.xlsx": _control_characters(team_quarter, workbook),
        "nan-and-infinity.xlsx": _not_numbers(team_quarter, workbook),
    }
    assert set(files) == set(EXPECTED_GRIDS)
    return files


def xlsb(relation: str = "rId1") -> bytes:
    """A small .xlsb whose sheet entry names the relationship ``relation`` (python-calamine
    0.9.1 panics, "no entry found for key", when no relationship has that id)."""
    book = (_record(131) + _record(156, struct.pack("<II", 0, 1) + _wide(relation)
                                   + _wide("OKRs")) + _record(132))
    sheet = (_record(129) + _record(148, struct.pack("<IIII", 0, 0, 0, 0)) + _record(145)
             + _record(0, struct.pack("<IIH", 0, 0, 0) + b"\x00" * 8)
             + _record(5, struct.pack("<II", 0, 0) + struct.pack("<d", 1.0))
             + _record(146) + _record(130))
    types = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
             b'.org/package/2006/content-types"><Default Extension="rels" ContentType="application'
             b'/vnd.openxmlformats-package.relationships+xml"/><Default Extension="bin" '
             b'ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/><Override '
             b'PartName="/xl/worksheets/sheet1.bin" ContentType="application/vnd.ms-excel.'
             b'worksheet"/></Types>')
    relationships = b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://' \
                    b'schemas.openxmlformats.org/package/2006/relationships">%s</Relationships>'
    root = relationships % (b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                            b'officeDocument/2006/relationships/officeDocument" '
                            b'Target="xl/workbook.bin"/>')
    book_relations = relationships % (b'<Relationship Id="rId1" Type="http://schemas.'
                                      b'openxmlformats.org/officeDocument/2006/relationships/'
                                      b'worksheet" Target="worksheets/sheet1.bin"/>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in {"[Content_Types].xml": types, "_rels/.rels": root,
                           "xl/workbook.bin": book, "xl/_rels/workbook.bin.rels": book_relations,
                           "xl/worksheets/sheet1.bin": sheet}.items():
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def xlsb_records(records: list[tuple[int, bytes]]) -> bytes:
    """The bytes of .xlsb records ``(type, body)``, for tests of the record scanner."""
    return b"".join(_record(kind, body) for kind, body in records)


# Private API


def _ods_table(rows: bytes) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content xmlns:office='
            b'"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:'
            b'tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:'
            b'xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>'
            b'<table:table table:name="OKRs">' + rows + b"</table:table></office:spreadsheet>"
            b"</office:body></office:document-content>")


def _control_characters(team_quarter, workbook) -> bytes:
    quarter = team_quarter(objective_titles=[CONTROL_TEXTS["objective"]],
                           kr_titles=list(CONTROL_TEXTS["key_results"]),
                           team=CONTROL_TEXTS["team"])
    return workbook(quarter)


def _not_numbers(team_quarter, workbook) -> bytes:
    quarter = team_quarter()
    key_result = quarter.objectives[0].key_results[0]
    key_result.current = NOT_NUMBERS["current"]
    quarter.objectives[0].key_results[1].weight = NOT_NUMBERS["weight"]
    data = workbook(quarter)
    parts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            parts[info.filename] = archive.read(info)
    sheet = parts["xl/worksheets/sheet1.xml"]
    for value, replacement in ((NOT_NUMBERS["current"], b"NaN"), (NOT_NUMBERS["weight"], b"inf")):
        written = b"<v>%s</v>" % repr(value).encode()
        assert written in sheet, written
        sheet = sheet.replace(written, b"<v>%s</v>" % replacement)
    parts["xl/worksheets/sheet1.xml"] = sheet
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, part in parts.items():
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, part)
    return buffer.getvalue()


def _record(kind: int, body: bytes = b"") -> bytes:
    return _varint(kind) + _varint(len(body)) + body


def _varint(number: int) -> bytes:
    out = b""
    while True:
        byte, number = number & 0x7F, number >> 7
        out += bytes([byte | (0x80 if number else 0)])
        if not number:
            return out


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")
