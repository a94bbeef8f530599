"""The guards in okrsheet.guard.safety, file by file through the hostile corpus (tests/hostile/)."""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import sys
import threading
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrsheet.domain.problems import OkrsheetError, UnreadableFile
from okrsheet.guard import parts, safety
from okrsheet.guard.safety import Limits, check_workbook_file
from okrsheet.guard.sheetsize import SheetSize, measure

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile"
sys.path.insert(0, str(ROOT / "scripts"))
from hostile_grids import xlsb_records  # noqa: E402
from make_hostile import EXPECTED, EXPECTED_LARGE, corpus, large_corpus  # noqa: E402

SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
              b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def workbook_with(part: str, data: bytes, stored: bool = False,
                  others: dict | None = None) -> bytes:
    """The valid corpus workbook with one part (and ``others``) replaced or added."""
    changed = {part: data, **(others or {})}
    source = zipfile.ZipFile(HOSTILE / "valid.xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename not in changed:
                archive.writestr(info.filename, source.read(info))
        for name, content in changed.items():
            method = zipfile.ZIP_STORED if stored and name == part else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, method)
    return buffer.getvalue()


def refusal(path: Path, limits: Limits | None = None) -> str:
    with pytest.raises(UnreadableFile) as caught:
        check_workbook_file(path, limits)
    return str(caught.value)


# The corpus


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_is_refused_with_its_one_line_reason_or_accepted(name):
    path = HOSTILE / name
    if EXPECTED[name] is None:
        assert check_workbook_file(path) == ("ods" if name.endswith(".ods") else "xlsx")
    else:
        message = refusal(path)
        assert message.startswith(f"{name}: ")
        assert EXPECTED[name] in message
        assert "\n" not in message


@pytest.mark.slow  # seconds each: the largest files the guard accepts
@pytest.mark.parametrize("name", sorted(EXPECTED_LARGE))
def test_files_at_the_limits_are_accepted_and_just_over_refused(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(large_corpus()[name])
    if EXPECTED_LARGE[name] is None:
        assert check_workbook_file(path) == "xlsx"
    else:
        assert EXPECTED_LARGE[name] in refusal(path)


@pytest.mark.slow  # remakes the whole hostile corpus
def test_corpus_is_what_the_script_makes():
    # Files built from okrsheet's own workbooks change whenever the writer does, and stay
    # just as hostile, so only the files that don't depend on it must match byte for byte.
    made = corpus()
    assert sorted(made) == sorted(path.name for path in HOSTILE.iterdir())
    independent = [name for name in made if name.endswith((".ods", ".xls", ".xlsb"))
                   or "renamed" in name or name in ("empty.xlsx", "not-a-workbook.zip.xlsx")]
    assert len(independent) == 14
    assert [name for name in independent if (HOSTILE / name).read_bytes() != made[name]] == []


def test_corpus_stays_small():
    assert sum(path.stat().st_size for path in HOSTILE.iterdir()) < 2_000_000


def test_password_protected_file_really_is_an_encrypted_okrsheet_workbook():
    import msoffcrypto

    office = msoffcrypto.OfficeFile(open(HOSTILE / "password-protected.xlsx", "rb"))
    assert office.is_encrypted()
    office.load_key(password="okr-secret")
    plain = io.BytesIO()
    office.decrypt(plain)
    assert "xl/workbook.xml" in zipfile.ZipFile(plain).namelist()


def test_zip_bomb_really_inflates_past_the_limit():
    sizes = [info.file_size for info in zipfile.ZipFile(HOSTILE / "zip-bomb.xlsx").infolist()]
    assert sum(sizes) > 400 * 1024 * 1024 > 500 * (HOSTILE / "zip-bomb.xlsx").stat().st_size


# Missing files and folders


def test_missing_file_is_named(tmp_path):
    assert refusal(tmp_path / "gone.xlsx") == "gone.xlsx: no such file; check the name and folder."


def test_folder_is_refused(tmp_path):
    assert "is a folder" in refusal(tmp_path)


# Limits and their overrides


def test_limits_come_from_the_environment():
    limits = Limits.from_environment({"OKRSHEET_MAX_UNPACKED_MB": "500", "OKRSHEET_MAX_ROWS": "7",
                                      "OKRSHEET_MAX_RATIO": "1000"})
    assert limits.max_uncompressed_bytes == 500 * 1024 * 1024
    assert limits.max_rows == 7
    assert limits.max_ratio == 1000
    assert limits.max_entries == safety.DEFAULT_LIMITS.max_entries


@pytest.mark.parametrize("value", ["lots", "-1", "0"])
def test_bad_limit_in_the_environment_is_a_one_line_error(value):
    with pytest.raises(OkrsheetError, match="OKRSHEET_MAX_ROWS"):
        Limits.from_environment({"OKRSHEET_MAX_ROWS": value})


def test_check_reads_the_environment_when_no_limits_are_given(monkeypatch):
    monkeypatch.setenv("OKRSHEET_MAX_ROWS", "5")
    assert "over the limit of 5 " in refusal(HOSTILE / "valid.xlsx")


def test_raised_limits_let_huge_shared_strings_through():
    limits = Limits(max_uncompressed_bytes=200 * 1024 * 1024, max_ratio=1000)
    assert check_workbook_file(HOSTILE / "huge-shared-strings.xlsx", limits) == "xlsx"


def test_ratio_limit_refuses_a_highly_compressed_part(tmp_path):
    path = tmp_path / "squeezed.xlsx"
    path.write_bytes(workbook_with("xl/media/blank.bin", b"\0" * 5_000_000))
    assert "compressed" in refusal(path) and "zip bomb" in refusal(path)
    assert check_workbook_file(path, Limits(max_ratio=10_000)) == "xlsx"


def test_too_many_parts_is_refused(tmp_path):
    path = tmp_path / "parts.xlsx"
    path.write_bytes(HOSTILE.joinpath("valid.xlsx").read_bytes())
    assert "parts, over the limit of 3" in refusal(path, Limits(max_entries=3))


def test_big_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.xlsx"
    path.write_bytes(HOSTILE.joinpath("valid.xlsx").read_bytes())
    with mock.patch.object(safety.os, "read", side_effect=AssertionError("read")):
        assert "over the 1,000 bytes limit" in refusal(path, Limits(max_file_bytes=1000))


def test_a_file_that_grows_after_its_size_is_taken_is_read_whole_or_refused(tmp_path):
    path = tmp_path / "grows.xlsx"
    data = HOSTILE.joinpath("valid.xlsx").read_bytes()
    path.write_bytes(data)
    real_fstat = os.fstat

    def smaller(descriptor):  # the size before the rest was written
        status = real_fstat(descriptor)
        return os.stat_result((*status[:6], 100, *status[7:10]))

    with mock.patch.object(safety.os, "fstat", smaller):
        assert safety.read_checked(path).data == data
        assert "over the" in refusal(path, Limits(max_file_bytes=len(data) - 1))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX only")
def test_a_named_pipe_is_refused_at_once_instead_of_waiting(tmp_path):
    pipe = tmp_path / "pipe.xlsx"
    os.mkfifo(pipe)
    messages: list[str] = []
    reader = threading.Thread(target=lambda: messages.append(refusal(pipe)), daemon=True)
    reader.start()
    reader.join(timeout=30)  # a blocking open would wait for a writer forever
    assert not reader.is_alive(), "reading a named pipe waits for a writer"
    assert "is not a file but a named pipe, device or socket" in messages[0]


def rezipped(change) -> bytes:
    """The valid workbook with ``change(info)`` applied to each part's zip entry."""
    source = zipfile.ZipFile(HOSTILE / "valid.xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            change(info)
            archive.writestr(info, data)
    return buffer.getvalue()


def test_zip_encrypted_parts_are_refused(tmp_path):
    data = bytearray(HOSTILE.joinpath("valid.xlsx").read_bytes())
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    central = archive.start_dir
    for info in archive.infolist():  # set the "encrypted" flag in both headers of every part
        data[info.header_offset + 6] |= 0x1
        data[central + 8] |= 0x1
        lengths = struct.unpack_from("<HHH", data, central + 28)
        central += 46 + sum(lengths)
    path = tmp_path / "zipcrypto.xlsx"
    path.write_bytes(bytes(data))
    assert "zip-encrypted; save an unprotected copy" in refusal(path)


def test_unusual_compression_is_refused(tmp_path):
    def bzip2(info):
        info.compress_type = zipfile.ZIP_BZIP2
    path = tmp_path / "bzip2.xlsx"
    path.write_bytes(rezipped(bzip2))
    assert "unusual compression method" in refusal(path)


# XML prologs


@pytest.mark.parametrize("prolog", [
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>',
    b"<!DOCTYPE worksheet>",
    b'<?xml version="1.0"?>\n<!-- a comment -->\n<!doctype x SYSTEM "http://evil/x.dtd">',
])
def test_doctype_in_a_sheet_is_refused(tmp_path, prolog):
    path = tmp_path / "dtd.xlsx"
    path.write_bytes(workbook_with("xl/worksheets/sheet1.xml",
                                   prolog + SHEET_HEAD[SHEET_HEAD.index(b"<worksheet"):]
                                   + b"<sheetData/></worksheet>"))
    assert "DOCTYPE" in refusal(path)


def test_doctype_hidden_behind_a_long_comment_is_refused(tmp_path):
    sheet = (b'<?xml version="1.0"?><!--' + b"x" * 100_000 + b'--><!DOCTYPE x [<!ENTITY a "b">]>'
             b"<worksheet/>")
    path = tmp_path / "long.xlsx"
    path.write_bytes(workbook_with("xl/worksheets/sheet1.xml", sheet))
    assert "prolog longer than okrsheet reads" in refusal(path)


def test_doctype_in_utf16_is_refused(tmp_path):
    sheet = '\ufeff<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><worksheet/>'
    path = tmp_path / "utf16.xlsx"
    path.write_bytes(workbook_with("xl/worksheets/sheet1.xml", sheet.encode("utf-16-le")))
    assert "DOCTYPE" in refusal(path)


def test_entity_words_in_cell_text_are_fine(tmp_path):
    sheet = SHEET_HEAD + (b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lt;!DOCTYPE '
                          b'is just text &amp; so is &lt;!ENTITY</t></is></c></row></sheetData>'
                          b"</worksheet>")
    path = tmp_path / "words.xlsx"
    path.write_bytes(workbook_with("xl/worksheets/sheet1.xml", sheet))
    assert check_workbook_file(path) == "xlsx"


def test_stored_parts_are_checked_too(tmp_path):
    path = tmp_path / "stored.xlsx"
    path.write_bytes(workbook_with("xl/sharedStrings.xml",
                                   b'<?xml version="1.0"?><!DOCTYPE sst><sst/>', stored=True))
    assert "DOCTYPE" in refusal(path)


def test_a_sheet_whose_compressed_bytes_are_damaged_is_one_line(tmp_path):
    data = bytearray(workbook_with("xl/worksheets/sheet1.xml", SHEET_HEAD + b"<sheetData>"
                                   + b"<row><c><v>1</v></c></row>" * 2000 + b"</sheetData></worksheet>"))
    entry = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    name_length, extra_length = struct.unpack("<HH", data[entry.header_offset + 26:
                                                          entry.header_offset + 30])
    start = entry.header_offset + 30 + name_length + extra_length
    data[start + 8:start + 40] = b"\xff" * 32  # the deflate stream, not the zip's directory
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    assert "damaged or cut short" in refusal(path)


# Row counts


def sheet_with_rows(count: int, prefix: bytes = b"", padding: int = 0) -> bytes:
    tag = prefix + b":" if prefix else b""
    row = b"<%srow><%sc><%sv>1</%sv></%sc></%srow>" % ((tag,) * 6) + b" " * padding
    namespace = b' xmlns:%s="x"' % prefix if prefix else b""
    head = SHEET_HEAD.replace(b"<worksheet ", b"<worksheet" + namespace + b" ")
    return (head + b"<%ssheetData>" % tag + row * count
            + b"<%srowBreaks/></%ssheetData></worksheet>" % (tag, tag))


@settings(max_examples=25, deadline=None)
@given(rows=st.integers(0, 40), limit=st.integers(1, 30), chunk=st.integers(1, 97),
       padding=st.integers(0, 9), prefix=st.sampled_from([b"", b"x", b"main"]))
def test_rows_are_counted_exactly_whatever_the_chunk_boundaries(tmp_path_factory, rows, limit,
                                                                 chunk, padding, prefix):
    path = tmp_path_factory.mktemp("rows") / "rows.xlsx"
    path.write_bytes(workbook_with("xl/worksheets/sheet1.xml",
                                   sheet_with_rows(rows, prefix, padding),
                                   others={"xl/worksheets/sheet2.xml": sheet_with_rows(0)}))
    limits = Limits(max_rows=limit)
    with mock.patch.object(parts, "_CHUNK", chunk):
        if rows > limit:
            assert f"over {limit:,} rows" in refusal(path, limits)
        else:
            assert check_workbook_file(path, limits) == "xlsx"


def test_declared_dimension_over_the_limit_is_refused_without_counting():
    assert "1,000,000 rows" in refusal(HOSTILE / "million-rows.xlsx")
    assert "over 100,000 rows" in refusal(HOSTILE / "million-rows-lying-dimension.xlsx")


def test_a_wrong_dimension_on_a_small_sheet_is_left_to_the_row_count(tmp_path):
    sheet = SHEET_HEAD + b'<dimension ref="A1:Z1048576"/>' + sheet_with_rows(3)[len(SHEET_HEAD):]
    path = tmp_path / "dimension.xlsx"
    path.write_bytes(workbook_with("xl/worksheets/sheet1.xml", sheet))
    assert check_workbook_file(path) == "xlsx"


def test_a_million_rows_is_refused_in_little_memory():
    # in a fresh interpreter; VmHWM is the peak of this process image only (ru_maxrss
    # would include the memory of the pytest process it was forked from)
    code = ("import re, sys\n"
            "from okrsheet.domain.problems import UnreadableFile\n"
            "from okrsheet.guard.safety import check_workbook_file\n"
            "try:\n    check_workbook_file(sys.argv[1])\nexcept UnreadableFile:\n    pass\n"
            "peak = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
            "print(int(peak) // 1024)\n")
    out = subprocess.run([sys.executable, "-c", code,
                          str(HOSTILE / "million-rows-lying-dimension.xlsx")],
                         capture_output=True, text=True, check=True, timeout=60).stdout.split()
    assert int(out[0]) < 100  # megabytes


# Other awkward but valid files


def test_opendocument_spreadsheet_is_ods():
    assert check_workbook_file(HOSTILE / "valid.ods") == "ods"


def test_templates_and_samples_pass_the_guards():
    files = [*sorted((ROOT / "templates").glob("*.xlsx")),
             *sorted((ROOT / "samples").rglob("*.xlsx")), *sorted((ROOT / "samples").rglob("*.ods"))]
    assert files
    for path in files:
        assert check_workbook_file(path) in ("xlsx", "ods"), path


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_workbook_saved_by_libreoffice_passes_the_guards(libreoffice, tmp_path, kind):
    shutil.copy(HOSTILE / "formula-titles.xlsx", tmp_path / "source.xlsx")
    profile = tmp_path / "profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", kind, "--outdir", str(tmp_path / "out"),
                    str(tmp_path / "source.xlsx")], check=True, capture_output=True, timeout=120)
    assert check_workbook_file(tmp_path / "out" / f"source.{kind}") == kind


# The grid python-calamine builds (okrsheet.guard.sheetsize)

def grid(kind: str, data: bytes, chunk: int | None = None) -> tuple[int, int]:
    size = SheetSize(kind)
    chunk = chunk or len(data) or 1
    for start in range(0, len(data), chunk):
        size.feed(data[start:start + chunk])
    size.finish()
    return size.rows, size.columns


def test_a_far_value_sets_the_grid_but_a_far_formatted_blank_does_not():
    cells = b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="XFD1" s="3"/></row>'
    assert grid("xlsx", cells) == (1, 1)  # python-calamine skips formatted blanks
    assert grid("xlsx", cells + b'<row r="9"><c r="C9"><v>1</v></c></row>') == (9, 3)
    assert grid("xlsx", b'<row r="2000"><c r="XFD2000"><v>1</v></c></row>') == (2000, 16384)


@given(chunk=st.integers(1, 40))
def test_the_grid_is_the_same_whatever_the_chunk_boundaries(chunk):
    cells = (b'<row r="3" spans="1:2"><c r="B3" s="1"><v>1</v></c><c r="AB7" t="s"><v>2</v></c>'
             b'<c r="ZZ1" s="2"/></row><x:row><x:c><x:v>1</x:v></x:c></x:row>')
    assert grid("xlsx", cells, chunk) == grid("xlsx", cells)


def test_cells_without_a_reference_follow_the_one_before():
    # no r: each cell one column right of the one before, each row one below
    rows = b"<row>" + b"<c><v>1</v></c>" * 30 + b"</row>"
    rows_bound, columns = grid("xlsx", rows * 3)
    assert columns == 30  # the longest run in one row, not all 90 cells
    assert rows_bound >= 3


def test_an_opendocument_sheet_counts_repeats_but_not_trailing_padding():
    def table(rows: bytes) -> bytes:
        return b'<table:table table:name="a">' + rows + b"</table:table>"

    value = b'<table:table-cell office:value-type="float" office:value="1"/>'
    blank = b'<table:table-cell table:number-columns-repeated="%d"/>'
    padded = table(b"<table:table-row>" + value + blank % 1023 + b"</table:table-row>"
                   b'<table:table-row table:number-rows-repeated="1048575">' + blank % 1024
                   + b"</table:table-row>")
    assert grid("ods", padded) == (1, 1)  # how LibreOffice pads every sheet
    repeated = table(b'<table:table-row table:number-rows-repeated="1000">'
                     b'<table:table-cell table:number-columns-repeated="16384" '
                     b'office:value-type="float" office:value="1"/></table:table-row>')
    assert grid("ods", repeated) == (1000, 16384)
    between = table(b"<table:table-row>" + blank % 5 + value + b"</table:table-row>"
                    b'<table:table-row table:number-rows-repeated="50"/>'
                    b"<table:table-row>" + value + b"</table:table-row>")
    assert grid("ods", between) == (52, 6)  # blanks before a value are built


def test_an_xlsb_sheet_is_measured_from_its_row_and_cell_records():
    import struct as structure

    records = xlsb_records([(0, structure.pack("<IIH", 4, 0, 0) + b"\0" * 8),
                            (5, structure.pack("<II", 30, 0) + structure.pack("<d", 1.0)),
                            (0, structure.pack("<IIH", 999, 0, 0) + b"\0" * 8),
                            (1, structure.pack("<II", 16000, 0))])  # a blank: not built
    for chunk in (1, 3, 7, len(records)):
        assert grid("xlsb", records, chunk) == (5, 31)


def test_a_sheet_written_the_usual_way_within_a1_cz9999_needs_one_search():
    sheet = b'<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="CZ9999"><v>1</v></c></row>'
    assert measure("xlsx", sheet, 100_000, 2_000_000).rows == 9_999
    # when that bound breaks a lower limit, the exact grid decides
    exact = measure("xlsx", sheet, 100_000, 500_000)
    assert (exact.rows, exact.columns) == (9_999, 104)
    small = measure("xlsx", b'<row r="1"><c r="B2"><v>1</v></c></row>', 100_000, 10)
    assert (small.rows, small.columns) == (2, 2)


@pytest.mark.parametrize("cell", [b'<c r="DA1">', b'<c r="A10000">', b'<c r="a10000">',
                                  b'<x:c r="A10000">', b'<c s="1" r="A10000">',
                                  b'<c  r="A10000">', b"<c r='A10000'>", b'<c\nr="A10000">'])
def test_a_cell_beyond_a1_cz9999_or_written_another_way_is_measured_exactly(cell):
    sheet = b'<sheetData><row r="1"><c r="A1"><v>1</v></c>' + cell + b"<v>1</v></c></row>"
    size = measure("xlsx", sheet, 100_000, 2_000_000)
    assert (size.rows, size.columns) in ((1, 105), (10_000, 1))


def test_a_far_cell_whose_reference_follows_a_new_line_is_refused(tmp_path):
    # XML allows any white space before an attribute; python-calamine reads this cell
    path = tmp_path / "new-line.xlsx"
    path.write_bytes(workbook_with("xl/worksheets/sheet1.xml", SHEET_HEAD +
                                   b'<sheetData><row r="1"><c r="A1"><v>1</v></c>'
                                   b'<c\nr="A300000"><v>1</v></c></row></sheetData></worksheet>'))
    assert "a value in row 300,000, over the limit of 100,000" in refusal(path)


def test_a_grid_at_the_cell_limit_is_read_and_one_cell_more_refused(tmp_path):
    at_limit = tmp_path / "at.xlsx"
    at_limit.write_bytes(workbook_with("xl/worksheets/sheet2.xml", SHEET_HEAD +
                                       b'<sheetData><row r="1000"><c r="CV1000"><v>1</v></c>'
                                       b"</row></sheetData></worksheet>"))
    assert check_workbook_file(at_limit, Limits(max_cells=100_000)) == "xlsx"
    assert "over the limit of 99,999" in refusal(at_limit, Limits(max_cells=99_999))


def test_a_workbook_okrsheet_writes_with_10000_key_results_passes_its_own_guard():
    # written at 100 and 300 key results, extrapolated to 10,000 (writing 10,000 takes 20 s)
    import dataclasses

    from okrsheet.write.templates import starter
    from okrsheet.write.writer import workbook_bytes

    def unpacked_and_grid(count: int) -> tuple[int, int]:
        quarter = starter("sales-team", team="Everyone", quarter="2027-Q1")
        first = quarter.objectives[0].key_results[0]
        quarter.objectives[0].key_results = [
            dataclasses.replace(first, title=f"{first.title} {number}") for number in range(count)]
        data = workbook_bytes(quarter)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheet = archive.read("xl/worksheets/sheet1.xml")
            total = sum(info.file_size for info in archive.infolist())
        size = SheetSize("xlsx")
        size.feed(sheet)
        return total, size.finish().columns

    small, columns = unpacked_and_grid(100)
    large, _ = unpacked_and_grid(300)
    per_key_result = (large - small) / 200
    limits = Limits()
    assert small + 9_900 * per_key_result < limits.max_uncompressed_bytes
    assert (10_000 + 100) * columns < limits.max_cells


def test_a_sheet_kept_outside_xl_worksheets_is_measured_too(tmp_path):
    # python-calamine follows the workbook's relationships wherever they point
    source = zipfile.ZipFile(HOSTILE / "far-cell.xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            name = info.filename
            if name == "xl/worksheets/sheet1.xml":
                name = "xl/hidden/elsewhere.xml"
            if name == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"worksheets/sheet1.xml", b"hidden/elsewhere.xml")
            archive.writestr(name, data)
    path = tmp_path / "elsewhere.xlsx"
    path.write_bytes(buffer.getvalue())
    assert "delete the far-away cells" in refusal(path)
