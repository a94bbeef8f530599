"""Changing a few cells of a person's .xlsx: each lands where it is meant, every other cell
stays, rows and cells that have no element yet are made in order."""

from __future__ import annotations

import io

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from okrsheet.domain.problems import OkrsheetError
from okrsheet.write.patch import patch_xlsx, patched_cells


def _book(cells: dict[tuple[int, int], object], empty: bool = False) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("OKRs")
    for (row, column), value in cells.items():
        sheet.write(row, column, value)
    if not empty:
        sheet.write_formula(9, 9, "=A1*2", None, 2)
    book.add_worksheet("Notes").write(0, 0, "ours")
    book.close()
    return buffer.getvalue()


def _grid(data: bytes, name: str = "OKRs") -> list[list[object]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(name).to_python(
        skip_empty_area=False)


@pytest.mark.parametrize("empty", [False, True])
def test_cells_land_in_rows_and_columns_with_and_without_elements(empty):
    before = _book({} if empty else {(0, 0): 1, (0, 3): "keep", (4, 2): 5.5}, empty=empty)
    wanted = {(0, 1): "new text <&> _x0041_", (0, 3): 7.0, (2, 0): 310.0, (6, 5): "far",
              (4, 2): None}
    patch = patch_xlsx(before, "OKRs", wanted)
    changed = patched_cells(before, patch.data, patch)
    assert set(changed) == {"OKRs"}
    assert {place for place, (old, new) in changed["OKRs"].items()} == {
        place for place, value in wanted.items() if not (empty and value is None)}
    grid = _grid(patch.data)
    assert grid[0][1] == "new text <&> _x0041_" and grid[0][3] == 7 and grid[2][0] == 310
    assert grid[6][5] == "far" and grid[4][2] == ""
    if not empty:
        assert grid[0][0] == 1  # untouched
        assert (9, 9) in patch.recalculated["OKRs"]  # its cached 2 dropped: computed on load
    assert _grid(patch.data, "Notes") == [["ours"]]


def test_a_row_without_its_number_is_refused_in_one_line():
    import zipfile

    data = _book({(0, 0): 1})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b'<row r="1"', b"<row")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    with pytest.raises(OkrsheetError, match="has no reference, so a value can't be placed"):
        patch_xlsx(out.getvalue(), "OKRs", {(0, 1): 2.0}, file="team.xlsx")
