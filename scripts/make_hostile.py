"""Generate the hostile-file corpus in tests/hostile/ (deterministic: same bytes every run).

    python scripts/make_hostile.py            # (re)write tests/hostile/
    python scripts/make_hostile.py --check    # exit 1 if tests/hostile/ is not current
    python scripts/make_hostile.py --survey   # what calamine and openpyxl do with each
                                              # file WITHOUT okrsheet's guards (for
                                              # docs/hostile-files.md)

Files that would be large (a 1,000,000-row sheet, huge shared strings, the zip bombs) are
written so that they compress to a few kilobytes; the corpus stays well under 2 MB.
``EXPECTED`` says what :func:`okrsheet.guard.safety.check_workbook_file` must do with each file;
tests/test_safety.py and tests/test_hostile_cli.py use it.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import struct
import sys
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from hostile_grids import EXPECTED_GRIDS, REFUSED_BY_READER, grid_files  # noqa: E402, F401

CORPUS = HERE.parent / "tests" / "hostile"
FIXED_TIME = (2027, 1, 4, 0, 0, 0)
FORMULA_LOOKING = ('=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3",
                   "=1+1", "\t=2+2", "\r=3+3")

# file name -> None if the guards accept it, else a fragment of the one-line refusal
EXPECTED: dict[str, str | None] = {
    "valid.xlsx": None,
    "zip-bomb.xlsx": "zip bomb",
    "zip-bomb-lying-sizes.xlsx": "zip bomb",
    "entity-bomb.xlsx": "entity declarations",
    "entity-bomb-in-strings.xlsx": "entity declarations",
    "external-entity.xlsx": "entity declarations",
    "password-protected.xlsx": "password-protected: save an unprotected copy",
    "legacy.xls": "Excel 97-2003 (.xls)",
    "legacy-renamed.xlsx": "Excel 97-2003 (.xls)",
    "csv-renamed.xlsx": "looks like text or CSV",
    "txt-renamed.xlsx": "looks like text or CSV",
    "html-renamed.xlsx": "looks like a web page",
    "truncated.xlsx": "damaged or cut short",
    "truncated-half.xlsx": "damaged or cut short",
    "empty.xlsx": "empty (0 bytes)",
    "million-rows.xlsx": "1,000,000 rows",
    "million-rows-lying-dimension.xlsx": "over 100,000 rows",
    "huge-shared-strings.xlsx": "zip bomb",
    "formula-titles.xlsx": None,
    "rtl-text.xlsx": None,
    "latin1-strings.xlsx": "ISO-8859-1 encoding",
    "utf16-strings.xlsx": "UTF-16 encoding",
    "bad-utf8.xlsx": "not valid UTF-8",
    "hidden-sheets.xlsx": None,
    "merged-everywhere.xlsx": None,
    "not-a-workbook.zip.xlsx": "not an Excel or LibreOffice workbook",
    "writer-document.ods": "not a spreadsheet",
    "valid.ods": None,
    "entity-bomb.ods": "entity declarations",
    **EXPECTED_GRIDS,
}


# Files made at test time (too large to commit): just under the default limits, so the
# worst workbook the guards accept is shown to read within the time and memory budget.
EXPECTED_LARGE: dict[str, str | None] = {
    "at-the-limits-numbers.xlsx": None,
    "at-the-limits-text.xlsx": None,
    "just-over-the-limit.xlsx": "would unpack to",
}


# Public API


def corpus() -> dict[str, bytes]:
    """Every corpus file's name and bytes."""
    base = _valid_workbook()
    files = {
        "valid.xlsx": base,
        "zip-bomb.xlsx": _zip_bomb(base),
        "zip-bomb-lying-sizes.xlsx": _zip_bomb_lying_sizes(base),
        "entity-bomb.xlsx": _entity_bomb(base, "xl/worksheets/sheet1.xml"),
        "entity-bomb-in-strings.xlsx": _entity_bomb(base, "xl/sharedStrings.xml"),
        "external-entity.xlsx": _external_entity(base),
        "password-protected.xlsx": _encrypted(base),
        "legacy.xls": _legacy_xls(),
        "legacy-renamed.xlsx": _legacy_xls(),
        "csv-renamed.xlsx": b"Objective,Key result,Target\r\nGrow revenue,Win logos,12\r\n",
        "txt-renamed.xlsx": "Our OKRs for Q1\n\nGrow revenue: win 12 logos.\n".encode(),
        "html-renamed.xlsx": b"<html><body><table><tr><td>OKRs</td></tr></table></body></html>",
        "truncated.xlsx": base[: len(base) - 200],
        "truncated-half.xlsx": base[: len(base) // 2],
        "empty.xlsx": b"",
        "million-rows.xlsx": _million_rows(base),
        "million-rows-lying-dimension.xlsx": _million_rows(base, dimension=b"A1",
                                                           row=b"<row><c/></row>"),
        "huge-shared-strings.xlsx": _huge_shared_strings(base),
        "formula-titles.xlsx": _formula_titles(),
        "rtl-text.xlsx": _rtl_text(),
        "latin1-strings.xlsx": _latin1_strings(),
        "utf16-strings.xlsx": _utf16_strings(base),
        "bad-utf8.xlsx": _bad_utf8(),
        "hidden-sheets.xlsx": _hidden_sheets(base),
        "merged-everywhere.xlsx": _merged_everywhere(base),
        "not-a-workbook.zip.xlsx": _zip({"readme.txt": b"just a zip\n"}),
        "writer-document.ods": _ods("application/vnd.oasis.opendocument.text", _ODS_CONTENT),
        "valid.ods": _ods("application/vnd.oasis.opendocument.spreadsheet", _ODS_CONTENT),
        "entity-bomb.ods": _ods("application/vnd.oasis.opendocument.spreadsheet",
                                _with_doctype(_ODS_CONTENT, _LAUGHS)),
        **grid_files(base, _team_quarter, _workbook, _replace, _sheet,
                     functools.partial(_ods, "application/vnd.oasis.opendocument.spreadsheet")),
    }
    assert set(files) == set(EXPECTED)
    return files


def current_grid_files() -> dict[str, bytes]:
    """The files of issue 18 (``EXPECTED_GRIDS``) made with today's writer: the tests read
    these, so a change of the sheet layout never leaves them reading a stale copy."""
    return grid_files(_valid_workbook(), _team_quarter, _workbook, _replace, _sheet,
                      functools.partial(_ods, "application/vnd.oasis.opendocument.spreadsheet"))


@functools.cache
def large_corpus() -> dict[str, bytes]:
    """The files of ``EXPECTED_LARGE`` (a few megabytes each; made in about a second)."""
    base = _valid_workbook()
    files = {
        "at-the-limits-numbers.xlsx": _big_sheet(base, columns=20, rows=66_000),
        "at-the-limits-text.xlsx": _big_sheet(base, columns=10, rows=69_000, text=True),
        "just-over-the-limit.xlsx": _big_sheet(base, columns=20, rows=68_000),
    }
    assert set(files) == set(EXPECTED_LARGE)
    return files


def write_corpus(folder: Path = CORPUS) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in corpus().items():
        path = folder / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        written.append(path)
    return written


# Private API: the valid workbooks everything else is made from


def _team_quarter(objective_titles=None, kr_titles=None, team="Sales"):
    from okrsheet.write.templates import starter

    team_quarter = starter("sales-team", team=team, quarter="2027-Q1")
    if objective_titles:
        for objective, title in zip(team_quarter.objectives, objective_titles):
            objective.title = title
    if kr_titles:
        key_results = [kr for objective in team_quarter.objectives for kr in objective.key_results]
        for key_result, title in zip(key_results, kr_titles):
            key_result.title = title
    return team_quarter


def _workbook(team_quarter) -> bytes:
    from okrsheet.write.writer import workbook_bytes

    return workbook_bytes(team_quarter, today=dt.date(2027, 2, 15))


def _valid_workbook() -> bytes:
    return _workbook(_team_quarter())


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _zip(parts: dict[str, bytes | tuple], stored: tuple[str, ...] = ()) -> bytes:
    """A zip of ``parts``; a part given as a tuple of (bytes, repeat) pieces is streamed, so
    a part of hundreds of megabytes never sits in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            if isinstance(data, bytes):  # level 9 is slow on megabytes and gains nothing
                archive.writestr(info, data, compresslevel=9 if len(data) < 1 << 20 else 6)
                continue
            info._compresslevel = 6
            with archive.open(info, "w", force_zip64=False) as stream:
                for piece, repeat in data:
                    block = piece * max(1, (1 << 20) // len(piece))
                    whole, rest = divmod(repeat, max(1, (1 << 20) // len(piece)))
                    for _ in range(whole):
                        stream.write(block)
                    stream.write(piece * rest)
    return buffer.getvalue()


def _replace(data: bytes, part: str, new: bytes | tuple) -> bytes:
    parts = _parts(data)
    parts[part] = new
    return _zip(parts)


def _sheet(data: bytes) -> bytes:
    return _parts(data)["xl/worksheets/sheet1.xml"]


# Private API: bombs


def _zip_bomb(base: bytes) -> bytes:
    """A sheet that inflates to 400 MB of row elements from a few hundred kilobytes."""
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
            b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<dimension ref="A1"/><sheetData>')
    sheet = ((head, 1), (b"<row/>", 400 * 1024 * 1024 // 6), (b"</sheetData></worksheet>", 1))
    return _replace(base, "xl/worksheets/sheet1.xml", sheet)


def _zip_bomb_lying_sizes(base: bytes) -> bytes:
    """A sheet whose zip directory claims 4 KB but which really inflates to 100 MB."""
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
            b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    sheet = ((head, 1), (b"<row/>", 100 * 1024 * 1024 // 6), (b"</sheetData></worksheet>", 1))
    data = bytearray(_replace(base, "xl/worksheets/sheet1.xml", sheet))
    claimed = 4096
    crc = zlib.crc32((head + b"<row/>" * claimed)[:claimed])
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    local = info.header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, local + 14, crc)
    struct.pack_into("<I", data, local + 22, claimed)
    central = data.find(b"PK\x01\x02", local + info.compress_size)
    name = info.filename.encode()
    while True:
        assert central != -1
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46:central + 46 + name_length] == name:
            break
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 16, crc)
    struct.pack_into("<I", data, central + 24, claimed)
    return bytes(data)


_LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (level, (b"&lol%s;" % (str(level - 1).encode()
                                                                   if level > 1 else b"")) * 10)
                      for level in range(1, 10))
           + b"]>")


def _with_doctype(xml: bytes, doctype: bytes, reference: bytes = b"&lol9;") -> bytes:
    declaration_end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    xml = xml[:declaration_end] + b"\n" + doctype + xml[declaration_end:]
    # use the entity in the first text node so an expanding parser really expands it
    return re.sub(rb"<t>([^<]*)</t>", lambda m: b"<t>" + reference + b"</t>", xml, count=1) \
        if b"<t>" in xml else xml.replace(b"<text:p>", b"<text:p>" + reference, 1)


def _entity_bomb(base: bytes, part: str) -> bytes:
    xml = _parts(base)[part]
    if b"<t>" not in xml:  # the sheet holds no inline text: put the entity in a cell
        xml = xml.replace(b"<sheetData>", b'<sheetData><row r="100"><c r="A100" t="inlineStr">'
                          b"<is><t>x</t></is></c></row>", 1)
        xml = _with_doctype(xml, _LAUGHS)
        return _replace(base, part, xml)
    return _replace(base, part, _with_doctype(xml, _LAUGHS))


def _external_entity(base: bytes) -> bytes:
    doctype = b'<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    xml = _with_doctype(_parts(base)["xl/sharedStrings.xml"], doctype, b"&xxe;")
    return _replace(base, "xl/sharedStrings.xml", xml)


def _million_rows(base: bytes, dimension: bytes = b"A1:A1000000",
                  row: bytes = b"<row><c><v>1</v></c></row>") -> bytes:
    """An extra sheet of 1,000,000 rows; rows carry no ``r`` (optional) so they compress well."""
    parts = _parts(base)
    parts["xl/worksheets/sheet3.xml"] = (
        (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
         b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         b'<dimension ref="%s"/><sheetData>' % dimension, 1),
        (row, 1_000_000), (b"</sheetData></worksheet>", 1))
    return _zip(_add_sheet(parts, "Data", "sheet3.xml"))


def _big_sheet(base: bytes, columns: int, rows: int, text: bool = False) -> bytes:
    """The OKRs sheet replaced by ``rows`` x ``columns`` of numbers or inline text (no OKR
    table, so a reader looks through all of it)."""
    from okrsheet.sheet.layout import column_letter

    letters = [column_letter(column) for column in range(columns)]
    if text:
        cell = '<c r="%s%d" t="inlineStr"><is><t>note %d-%d</t></is></c>'
    else:
        cell = '<c r="%s%d"><v>%d.%d</v></c>'
    body = "".join(f'<row r="{row}">' + "".join(cell % (letter, row, row * 31 % 1000, index)
                                                  for index, letter in enumerate(letters))
                   + "</row>" for row in range(1, rows + 1))
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
             '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             + body + "</sheetData></worksheet>")
    return _replace(base, "xl/worksheets/sheet1.xml", sheet.encode())


def _add_sheet(parts: dict[str, bytes], title: str, filename: str, state: str = "") -> dict:
    relation = b"rIdHostile%d" % len(parts)
    state_attribute = b' state="%s"' % state.encode() if state else b""
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"</sheets>", b'<sheet name="%s" sheetId="%d"%s r:id="%s"/></sheets>'
        % (title.encode(), 90 + len(parts), state_attribute, relation))
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="%s" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/worksheet" Target="worksheets/%s"/></Relationships>'
        % (relation, filename.encode()))
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/worksheets/%s" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        % filename.encode())
    return parts


def _huge_shared_strings(base: bytes) -> bytes:
    """2,000,000 extra shared strings of 40 characters (about 100 MB unpacked)."""
    parts = _parts(base)
    strings = parts["xl/sharedStrings.xml"]
    extra = b"<si><t>" + b"x" * 40 + b"</t></si>"
    strings = re.sub(rb'count="\d+" uniqueCount="\d+"', b'count="2000100" uniqueCount="2000100"',
                     strings, count=1)
    parts["xl/sharedStrings.xml"] = ((strings.replace(b"</sst>", b""), 1), (extra, 2_000_000),
                                     (b"</sst>", 1))
    return _zip(parts)


# Private API: not a workbook


def _encrypted(base: bytes) -> bytes:
    import msoffcrypto.format.ooxml

    source = msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(base))
    encrypted = io.BytesIO()
    source.encrypt("okr-secret", encrypted)
    return _deterministic_ole(encrypted.getvalue())


def _deterministic_ole(data: bytes) -> bytes:
    # msoffcrypto draws a random salt and key each run; the corpus must not change on
    # every regeneration, so keep the bytes of the committed file when it still decrypts.
    committed = CORPUS / "password-protected.xlsx"
    if committed.exists():
        return committed.read_bytes()
    return data


def _legacy_xls() -> bytes:
    """A minimal OLE compound file with a ``Workbook`` stream holding a BIFF8 BOF and EOF."""
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x0106)
    eof = struct.pack("<HH", 0x000A, 0)
    stream = (bof + eof).ljust(4096, b"\0")  # >= 4096 bytes: lives in regular sectors
    sector = 512
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, 1)  # one FAT sector
    struct.pack_into("<I", header, 48, 1)  # directory starts in sector 1
    struct.pack_into("<I", header, 56, 4096)  # mini stream cutoff
    struct.pack_into("<IIII", header, 60, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<I", header, 76, 0)  # FAT in sector 0
    for index in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * index, 0xFFFFFFFF)
    stream_sectors = len(stream) // sector  # 8 sectors, 2..9
    fat = [0xFFFFFFFD, 0xFFFFFFFE] + [2 + i + 1 for i in range(stream_sectors - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))
    fat_sector = struct.pack("<%dI" % len(fat), *fat)

    def entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        record = bytearray(128)
        record[0:len(encoded)] = encoded
        struct.pack_into("<HBB", record, 64, len(encoded), kind, 1)
        struct.pack_into("<III", record, 68, 0xFFFFFFFF, 0xFFFFFFFF, child)
        struct.pack_into("<II", record, 116, start, size)
        return bytes(record)

    directory = (entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)
                 + entry("Workbook", 2, 2, len(stream)) + bytes(128) * 2)
    return bytes(header) + fat_sector + directory + stream


# Private API: valid but awkward workbooks


def _formula_titles() -> bytes:
    titles = list(FORMULA_LOOKING)
    return _workbook(_team_quarter(objective_titles=titles[:4], kr_titles=titles, team="=cmd|x"))


_RTL = ["زيادة الإيرادات الجديدة", "להגדיל את ההכנסות", "\u202etxt.exe", "Café crème €5 — ✓",
        "emoji 📈 growth", "zero\u200bwidth"]


def _rtl_text() -> bytes:
    return _workbook(_team_quarter(objective_titles=_RTL[:4], kr_titles=_RTL, team="فريق المبيعات"))


def _latin1_strings() -> bytes:
    """Shared strings re-encoded as ISO-8859-1 and declared so (legal XML, rarely seen)."""
    base = _workbook(_team_quarter(objective_titles=["Croissance du chiffre d'affaires é à ü"]))
    xml = _parts(base)["xl/sharedStrings.xml"].decode("utf-8")
    xml = xml.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"', 1)
    return _replace(base, "xl/sharedStrings.xml", xml.encode("latin-1", errors="replace"))


def _utf16_strings(base: bytes) -> bytes:
    """Shared strings in UTF-16 with a byte-order mark (legal XML; python-calamine fails)."""
    xml = _parts(base)["xl/sharedStrings.xml"].decode("utf-8")
    xml = "\ufeff" + xml.replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
    return _replace(base, "xl/sharedStrings.xml", xml.encode("utf-16-le"))


def _bad_utf8() -> bytes:
    """Shared strings holding Latin-1 bytes while declaring UTF-8 (not well-formed)."""
    base = _workbook(_team_quarter(objective_titles=["Croissance é à ü"]))
    xml = _parts(base)["xl/sharedStrings.xml"]
    return _replace(base, "xl/sharedStrings.xml",
                    xml.replace("é à ü".encode("utf-8"), "é à ü".encode("latin-1")))


def _hidden_sheets(base: bytes) -> bytes:
    parts = _parts(base)
    parts["xl/workbook.xml"] = re.sub(rb'(<sheet name="Guide"[^/]*?)(/>)',
                                      rb'\1 state="veryHidden"\2', parts["xl/workbook.xml"])
    parts["xl/workbook.xml"] = re.sub(rb'(<sheet name="OKRs"[^/]*?)(/>)', rb'\1 state="hidden"\2',
                                      parts["xl/workbook.xml"])
    parts["xl/worksheets/sheet3.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>a visible decoy</t></is></c></row>'
        b"</sheetData></worksheet>")
    return _zip(_add_sheet(parts, "Decoy", "sheet3.xml"))


def _merged_everywhere(base: bytes) -> bytes:
    """Every 2x2 block of A1:AZ200 merged (the value stays in each block's top-left cell)."""
    from okrsheet.sheet.layout import column_letter

    merges = [f"{column_letter(c)}{r}:{column_letter(c + 1)}{r + 1}"
              for r in range(1, 200, 2) for c in range(0, 52, 2)]
    block = ('<mergeCells count="%d">' % len(merges)
             + "".join(f'<mergeCell ref="{ref}"/>' for ref in merges) + "</mergeCells>").encode()
    sheet = _sheet(base)
    sheet = sheet.replace(b"</sheetData>", b"</sheetData>" + block, 1)
    return _replace(base, "xl/worksheets/sheet1.xml", sheet)


_ODS_CONTENT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    b"<office:body><office:spreadsheet><table:table table:name=\"OKRs\">"
    b"<table:table-row><table:table-cell office:value-type=\"string\"><text:p>OKRs</text:p>"
    b"</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>"
    b"</office:document-content>")


def _ods(mimetype: str, content: bytes) -> bytes:
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
                b'"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                b'<manifest:file-entry manifest:full-path="/" manifest:media-type="%s"/>'
                b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type='
                b'"text/xml"/></manifest:manifest>' % mimetype.encode())
    return _zip({"mimetype": mimetype.encode(), "content.xml": content,
                 "META-INF/manifest.xml": manifest}, stored=("mimetype",))


# Survey: what the readers do without okrsheet's guards


_SURVEY_CHILD = r"""
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))
engine, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
try:
    if engine == "calamine":
        import python_calamine
        book = python_calamine.load_workbook(path)
        cells = 0
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python()
            cells += sum(len(row) for row in rows)
        outcome = f"read {len(book.sheet_names)} sheets, {cells} cells"
    else:
        import defusedxml, openpyxl
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        cells = sum(1 for sheet in book.worksheets for row in sheet.iter_rows() for c in row)
        outcome = f"read {len(book.worksheets)} sheets, {cells} cells"
except BaseException as error:
    outcome = f"{type(error).__module__}.{type(error).__name__}: {str(error)[:90]}"
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"{elapsed:.2f} s, {peak} MB: {outcome}".replace("\n", " "))
"""


def survey(folder: Path = CORPUS) -> None:
    import subprocess

    for path in sorted(folder.iterdir()):
        for engine in ("calamine", "openpyxl"):
            try:
                result = subprocess.run([sys.executable, "-c", _SURVEY_CHILD, engine, str(path)],
                                        capture_output=True, text=True, timeout=60)
                line = (result.stdout.strip() or result.stderr.strip().splitlines()[-1]
                        if (result.stdout.strip() or result.stderr.strip()) else
                        f"killed (status {result.returncode})")
            except subprocess.TimeoutExpired:
                line = "over 60 s, killed"
            print(f"| {path.name} | {engine} | {line} |")


def main(argv: list[str]) -> int:
    if "--survey" in argv:
        survey()
        return 0
    if "--check" in argv:
        stale = [name for name, data in corpus().items()
                 if not (CORPUS / name).exists() or (CORPUS / name).read_bytes() != data]
        if stale:
            print("tests/hostile/ is not current: " + ", ".join(stale))
            return 1
        return 0
    for path in write_corpus():
        print(f"{path.stat().st_size:>9,} {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
