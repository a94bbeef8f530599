"""Remake the messy workbooks in tests/fixtures/ that tests/test_reader.py reads.

    python scripts/make_fixtures.py          # needs LibreOffice (soffice) for the *-lo files

Each fixture is one thing that happens to a workbook on its way back from a team: columns
inserted and reordered, blank rows, merged objective cells, numbers typed as text, formulas
typed over or deleted, a renamed sheet, a missing header, a workbook of another kind, an empty
one; and files saved by LibreOffice as .xlsx and .ods. Contents are deterministic.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from okrsheet import layout  # noqa: E402
from okrsheet.domain.model import KeyResult, Objective, TeamQuarter  # noqa: E402
from okrsheet.write.writer import workbook_bytes  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
AS_OF = dt.date(2027, 2, 15)


def team_east() -> TeamQuarter:
    """The OKRs every fixture holds: scores 0.575, 0.75, 0.625; team 0.65."""
    return TeamQuarter(
        team="East", quarter="2027-Q1", quarter_start=dt.date(2027, 1, 1),
        quarter_end=dt.date(2027, 3, 31), as_of=AS_OF,
        objectives=[
            Objective("Grow revenue", [
                KeyResult("New ARR", "Sam", "increase", 0.0, 100.0, kind="outcome",
                          check_ins={3: 20.0, 5: 45.0}),
                KeyResult("New logos", "Priya", "increase", 0.0, 10.0, current=7.0, kind="outcome"),
            ]),
            Objective("Keep customers", [
                KeyResult("Churned logos", "Mia", "decrease", 10.0, 4.0, kind="outcome",
                          check_ins={3: 7.0}),
                KeyResult("NPS", "Tom", "stay above", None, 40.0, current=45.0, kind="outcome"),
            ]),
            Objective("Ship the sales playbook", [
                KeyResult("Playbook published", "Lea", "milestone", current="Done", kind="output"),
                KeyResult("Reps trained on the playbook", "Lea", "increase", 0.0, 8.0,
                          kind="output", check_ins={3: 2.0}),
            ]),
        ])


def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    clean = workbook_bytes(team_east(), today=AS_OF)
    _write("clean.xlsx", clean)
    _write("inserted-reordered.xlsx", _inserted_reordered())
    _write("merged-objectives.xlsx", _with_openpyxl(clean, _merge_objectives))
    _write("text-numbers.xlsx", _with_openpyxl(clean, _type_text_numbers))
    _write("typed-over.xlsx", _typed_over(clean))
    _write("renamed-sheet.xlsx", _with_openpyxl(clean, _rename_sheet))
    _write("missing-header.xlsx", _with_openpyxl(clean, _clear_weight_header))
    _write("no-header.xlsx", _with_openpyxl(clean, _clear_header_row))
    _write("other-kind.xlsx", _invoice())
    _write("empty.xlsx", _empty())
    _saved_by_libreoffice()


# Private API


def _write(name: str, data: bytes) -> None:
    (FIXTURES / name).write_bytes(data)
    print("wrote", FIXTURES / name)


def _with_openpyxl(data: bytes, change) -> bytes:
    """Open ``data`` with openpyxl, apply ``change(sheet)``, save (dropping cached values)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    change(book[layout.OKRS_SHEET])
    return _save(book)


def _save(book) -> bytes:
    fixed = dt.datetime(2027, 2, 15)
    book.properties.created = book.properties.modified = fixed
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _merge_objectives(sheet) -> None:
    # Objective cells merged over their key-result rows (rows 10-11, 12-13, 14-15).
    column = layout.letter("objective")
    for first in (10, 12, 14):
        sheet.merge_cells(f"{column}{first}:{column}{first + 1}")


def _type_text_numbers(sheet) -> None:
    def typed(key: str, row: int, text: str) -> None:
        cell = sheet[f"{layout.letter(key)}{row}"]
        cell.value = text
        cell.data_type = "s"

    typed("target", 10, "100")       # read as 100, a warning
    typed("week_3", 11, "7")         # read as 7
    typed("start", 12, "€10")        # read as 10
    typed("target", 13, "fifty")     # an error
    typed("weight", 15, "high")      # an error
    typed("target", 15, "8,0")       # decimal comma: 8


def _rename_sheet(sheet) -> None:
    sheet.title = "East Q1"


def _clear_weight_header(sheet) -> None:
    sheet[f"{layout.letter('weight')}{layout.HEADER_ROW + 1}"] = None


def _clear_header_row(sheet) -> None:
    for column in range(len(layout.COLUMNS) + 4):
        sheet.cell(layout.HEADER_ROW + 1, column + 1).value = None


def _typed_over(data: bytes) -> bytes:
    """Progress typed over in V10, objective score deleted in Y12, team score typed over."""
    replacements = {
        layout.address("progress", 9): "<v>0.9</v>",
        layout.address("objective_score", 11): None,
        layout.TEAM_SCORE.value_cell: "<v>0.99</v>",
    }

    def patch(xml: str) -> str:
        for where, value in replacements.items():
            pattern = re.compile(rf'<c r="{where}"( s="\d+")?[^>]*>.*?</c>', re.S)
            assert pattern.search(xml), where
            cell = f'<c r="{where}"\\1>{value}</c>' if value else f'<c r="{where}"\\1/>'
            xml = pattern.sub(cell, xml, count=1)
        return xml

    return _patch_zip(data, "xl/worksheets/sheet1.xml", patch)


def _patch_zip(data: bytes, member: str, patch) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == member:
                content = patch(content.decode("utf-8")).encode("utf-8")
            target.writestr(info, content)
    return buffer.getvalue()


def _inserted_reordered() -> bytes:
    """Written by hand: column A left empty, two rows inserted at the top, columns in
    another order with other spellings, an extra Region column, blank rows in the table,
    no Quarter start/end (derived from Quarter), thresholds 80%/50%, a weight of 2 and
    one target typed as text (G11)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "OKRs"
    sheet["B1"] = "East team OKRs"
    sheet["B2"] = "(exported from the sales wiki)"
    for row, label, value in ((4, "TEAM", "East"), (5, "quarter", "2027-Q1"),
                              (6, "As of", dt.datetime(2027, 2, 15))):
        sheet.cell(row, 2, label)
        sheet.cell(row, 3, value)
    for row, label, value in ((4, "Green from", 0.8), (5, "Orange  from", 0.5)):
        sheet.cell(row, 5, label)
        sheet.cell(row, 6, value)
    headers = [None, "KEY RESULT", "Objective", "owner ", "Region", "Type", "Target",
               "Start", "Weight", "Week 3", "Week 5", "current", "Progress", "Status"]
    header_row = 9
    for column, text in enumerate(headers, 1):
        if text:
            sheet.cell(header_row, column, text)
    table = [
        ("New ARR", "Grow revenue", "Sam", "EMEA", "increase", 100, 0, None, 20, 45, None),
        ("New logos", None, "Priya", "EMEA", "increase", "10", 0, None, None, None, 7),
        None,
        ("Churned logos", "Keep customers", "Mia", "EMEA", "decrease", 4, 10, None, 7, None, None),
        ("NPS", None, "Tom", "EMEA", "stay above", 40, None, None, None, None, 45),
        None,
        None,
        ("Playbook published", "Ship the sales playbook", "Lea", "EMEA", "milestone", None,
         None, None, None, None, "done"),
        ("Reps trained on the playbook", None, "Lea", "EMEA", "increase", 8, 0, 2, 2, None, None),
    ]
    for offset, values in enumerate(table, 1):
        if values is None:
            continue
        for column, value in enumerate(values, 2):
            if value is not None:
                sheet.cell(header_row + offset, column, value)
    return _save(book)


def _invoice() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Invoice"
    for row in (("Invoice", "2027-014"), ("Customer", "Acme"), (),
                ("Item", "Quantity", "Price", "Total"), ("Licences", 10, 99, 990)):
        sheet.append(list(row))
    return _save(book)


def _empty() -> bytes:
    import openpyxl

    return _save(openpyxl.Workbook())


def _saved_by_libreoffice() -> None:
    """clean, merged and typed-over, opened and saved by LibreOffice as .xlsx and .ods."""
    from libreoffice import convert, soffice  # scripts/libreoffice.py

    if soffice() is None:
        print("LibreOffice is not installed: kept the committed *-lo.xlsx/.ods files")
        return
    with tempfile.TemporaryDirectory() as folder:
        sources = []
        for name in ("clean", "merged-objectives", "typed-over"):
            source = Path(folder) / f"{name}-lo.xlsx"
            shutil.copy(FIXTURES / f"{name}.xlsx", source)
            sources.append(source)
        for to in ("xlsx", "ods"):
            for path in convert(sources, to, Path(folder) / to):
                shutil.copy(path, FIXTURES / path.name)
                print("wrote", FIXTURES / path.name)


if __name__ == "__main__":
    main()
