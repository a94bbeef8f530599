"""The guard reads as the reader reads: no file the guard passes makes python-calamine build a
grid beyond the guard's bound (issue 25). A differential fuzz: workbooks whose far-away cell
hides behind a quoted ``>``, a namespace prefix, a part name in other letter case, a sheet
stored outside ``xl/worksheets/``..., each guarded, then read by python-calamine in a child
process with a memory limit; whenever the guard passes, the grid calamine built must be
within the limit the guard enforces."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrsheet.domain.problems import UnreadableFile
from okrsheet.guard.safety import Limits, check_workbook_file
from okrsheet.read.isolation import read_many

LIMITS = replace(Limits(), max_rows=5_000, max_cells=50_000, max_memory_bytes=512 * 1024 * 1024)


def _base() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("OKRs")
    sheet.write(0, 0, "Key result")
    book.close()
    return buffer.getvalue()


def _column(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _workbook(far: str, disguise: str, place: str) -> bytes:
    """The base workbook with one more value at ``far``, written in the ``disguise`` way, its
    sheet stored as ``place`` says."""
    parts = {}
    with zipfile.ZipFile(io.BytesIO(_base())) as archive:
        for info in archive.infolist():
            parts[info.filename] = archive.read(info.filename)
    cell = {
        "plain": f'<c r="{far}"><v>1</v></c>',
        "quoted >": f'<c s="0" t="n" xml:space="a>b" r="{far}"><v>1</v></c>',
        "single-quoted >": f"<c s='>' r='{far}'><v>1</v></c>",
        "r after a newline": f'<c\n  r="{far}"><v>1</v></c>',
        "prefixed": f'<x:c r="{far}"><x:v>1</x:v></x:c>',
    }[disguise]
    row = "".join(ch for ch in far if ch.isdigit())
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    if disguise == "prefixed":
        xml = xml.replace("<worksheet ", '<worksheet xmlns:x="http://schemas.openxmlformats.org'
                          '/spreadsheetml/2006/main" ')
    xml = xml.replace("</sheetData>", f'<row r="{row}" spans="a>b">{cell}</row></sheetData>')
    xml = xml.replace('<dimension ref="A1"/>', "")
    sheet = xml.encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    if place == "case":
        del parts["xl/worksheets/sheet1.xml"]
        parts["xl/Data/Sheet1.xml"] = sheet
        rels = rels.replace('Target="worksheets/sheet1.xml"', 'Target="data/sheet1.xml"')
    elif place == "absolute":
        del parts["xl/worksheets/sheet1.xml"]
        parts["other/s.xml"] = sheet
        rels = rels.replace('Target="worksheets/sheet1.xml"', 'Target="/other/s.xml"')
    else:
        parts["xl/worksheets/sheet1.xml"] = sheet
    parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    if place == "quoted name":
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'name="OKRs"', b'name="a&gt;b"')
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return output.getvalue()


def _grid(path: Path, limits: Limits) -> list[tuple[int, int]]:
    """Rows and columns of every sheet as python-calamine builds it."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    grids = []
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        grids.append((len(rows), max(map(len, rows), default=0)))
    return grids


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(row=st.integers(1, 1_048_576), column=st.integers(1, 16_384),
       disguise=st.sampled_from(["plain", "quoted >", "single-quoted >", "r after a newline",
                                 "prefixed"]),
       place=st.sampled_from(["usual", "case", "absolute", "quoted name"]))
def test_no_file_the_guard_passes_makes_the_reader_build_more_than_its_bound(
        tmp_path_factory, row, column, disguise, place):
    path = tmp_path_factory.mktemp("guard") / "team.xlsx"
    path.write_bytes(_workbook(f"{_column(column)}{row}", disguise, place))
    try:
        check_workbook_file(path, LIMITS, deep=True)
    except UnreadableFile:
        return  # refused: nothing for the reader to build
    [outcome] = read_many(_grid, [path], LIMITS)
    assert not isinstance(outcome, Exception), f"the guard passed it, the reader died: {outcome}"
    for rows, columns in outcome:
        assert rows <= LIMITS.max_rows and rows * columns <= LIMITS.max_cells, (rows, columns)


@pytest.mark.parametrize("place", ["case", "absolute", "quoted name"])
def test_a_far_cell_is_refused_wherever_the_sheet_is_stored(tmp_path, place):
    path = tmp_path / "team.xlsx"
    path.write_bytes(_workbook("XFD1048576", "quoted >", place))
    with pytest.raises(UnreadableFile, match="XFD1048576|rows"):
        check_workbook_file(path, LIMITS, deep=True)
