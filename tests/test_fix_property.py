"""fix's promise over random workbooks: every cell a person typed, on every sheet, is in the
fixed copy, or named by cell in what fix prints (a conversion, or "not kept"); "every typed cell
kept" is said only when none is missing. Checked with openpyxl, not with fix's own check."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrsheet.cli import main
from okrsheet.sheet import layout
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook

INPUT_KEYS = ("title", "owner", "unit", "comment", "start", "target", "week_3", "week_5",
              "confidence_3", "revision_reason")
VALUES = [120, 0.5, "1,200", "1.200", "50%", "ask Sam", "=not a formula", " done ", "high",
          dt.datetime(2027, 2, 10), "x" * 40, "-"]


def _typed(path, skip=("Guide",)) -> dict[str, Counter]:
    """Every non-formula, non-blank cell of every sheet, as a multiset of values per sheet."""
    book = openpyxl.load_workbook(path)
    found: dict[str, Counter] = {}
    for sheet in book.worksheets:
        if sheet.title in skip:
            continue
        found[sheet.title] = Counter(
            _normal(cell.value) for row in sheet.iter_rows() for cell in row
            if cell.value not in (None, "") and cell.data_type != "f")
    return found


def _places(path) -> dict[tuple[str, object], list[str]]:
    book = openpyxl.load_workbook(path)
    places: dict[tuple[str, object], list[str]] = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value not in (None, "") and cell.data_type != "f":
                    places.setdefault((sheet.title, _normal(cell.value)), []).append(
                        f"{sheet.title}!{cell.coordinate}")
    return places


def _normal(value: object) -> object:
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return round(float(value), 9)
    if isinstance(value, dt.datetime):  # a date is a number to a spreadsheet (check names it)
        return round(float((value - dt.datetime(1899, 12, 30)).days), 9)
    return str(value)


@pytest.mark.slow
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), edits=st.integers(1, 12), notes=st.booleans(),
       other_sheet=st.booleans())
def test_every_typed_cell_is_in_the_fixed_copy_or_named(tmp_path_factory, seed, edits, notes,
                                                         other_sheet):
    rng = random.Random(seed)
    folder = tmp_path_factory.mktemp("fix")
    path = folder / "team.xlsx"
    write_workbook(starter("sales-team", team="West", quarter="2027-Q1"), path)
    book = openpyxl.load_workbook(path)
    okrs = book[layout.OKRS_SHEET]
    for _ in range(edits):  # values typed into the key results' input cells
        row = layout.FIRST_ROW + rng.randrange(9)
        key = rng.choice(INPUT_KEYS)
        value = rng.choice(VALUES)
        cell = okrs[layout.address(key, row)]
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # typed text, never a formula
    if notes:
        column = len(layout.COLUMNS) + 3
        okrs.cell(layout.HEADER_ROW + 1, column).value = "Notes"
        okrs.cell(layout.FIRST_ROW + 1 + rng.randrange(9), column).value = "call back"
    if other_sheet:
        book.create_sheet("Ideas")["B2"] = "a sheet of our own"
    book.save(path)
    fixed = folder / "fixed.xlsx"
    result = CliRunner().invoke(main, ["fix", str(path), "-o", str(fixed)])
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output
    before, after = _typed(path), _typed(fixed)
    places = _places(path)
    renamed = {layout.OKRS_SHEET: layout.OKRS_SHEET}
    missing = []
    for sheet, values in before.items():
        left = values - after.get(renamed.get(sheet, sheet), Counter())
        for value in left.elements():
            cells = places[sheet, value]
            named = [cell for cell in cells if cell.split("!")[1] + ":" in result.output
                     or cell in result.output]
            if not named:
                missing.append((sheet, value, cells))
    assert missing == [], f"typed cells neither kept nor named: {missing}\n{result.output}"
    if result.exit_code == 0:
        assert "every typed cell kept (checked cell by cell)" in result.output
    else:
        assert "not kept:" in result.output and "every typed cell kept" not in result.output
