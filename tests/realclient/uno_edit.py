"""Edit workbooks in LibreOffice headless through UNO, the way a person edits in Calc.

Run with the system Python that has python3-uno (``/usr/bin/python3``), not the project's:

    /usr/bin/python3 tests/realclient/uno_edit.py JOBS.json

JOBS.json is a list of ``{"input": path, "output": path, "edits": [...]}``; each edit is
one of (rows 1-based, as the sheet shows them):

* ``["set", "T10", 5]`` a number; ``["set", "B12", "text"]`` always text, as typed after an
  apostrophe (``'20,5``);
* ``["type", "T10", "=1/0"]`` entered as in the input line: ``=`` starts a formula, and
  text LibreOffice (en-US) reads as a number (``1,100,000.5``, ``50%``) becomes that number;
* ``["date", "S24", "2027-02-10"]`` a date typed into the cell: its number, shown with a
  date format, as LibreOffice does when it recognises a date being typed;
* ``["set", "D2", "soon", "Actions"]`` (and ``type``, ``date``): the same on another sheet;
* ``["delete_sheet", "Actions"]`` the sheet deleted (formulas naming it show ``#REF!``);
* ``["clear", "T10"]`` the Delete key (values, dates, text and formulas);
* ``["delete_row", 12]``; ``["insert_row", 12]`` an empty row above row 12;
* ``["sort", "A24:AC83", "C"]`` the range's rows sorted ascending by a column (blanks last);
* ``["move", "A25:AC25", "A45"]`` cut the range and paste it at the cell;
* ``["merge", "A25:A27"]`` Format > Merge Cells, keeping the hidden cells' contents (what
  Calc's dialog offers first when they hold values).

Every input is opened, edited, recalculated (``calculateAll``) and stored as .xlsx at its
output; the input file itself is never written. A job's optional ``"shown": ["V25", ...]``
writes the text LibreOffice displays in those cells to ``output + ".shown.json"``. One
LibreOffice, with a fresh profile, does all jobs. :func:`edit_in_libreoffice` runs this from pytest.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
SYSTEM_PYTHON = "/usr/bin/python3"


def edit_in_libreoffice(jobs: list[dict], timeout: float = 240) -> None:
    """From the test process: run the jobs in a subprocess with the system Python."""
    with tempfile.TemporaryDirectory(prefix="okrsheet-uno-jobs-") as folder:
        spec = Path(folder) / "jobs.json"
        spec.write_text(json.dumps(jobs), encoding="utf-8")
        result = subprocess.run([SYSTEM_PYTHON, str(HERE), str(spec)], capture_output=True,
                                text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"LibreOffice editing failed:\n{result.stdout}\n{result.stderr}")


def _run(jobs: list[dict]) -> None:
    import uno
    from com.sun.star.beans import PropertyValue

    def properties(**values):
        items = []
        for name, value in values.items():
            item = PropertyValue()
            item.Name, item.Value = name, value
            items.append(item)
        return tuple(items)

    profile = tempfile.mkdtemp(prefix="okrsheet-uno-profile-")
    pipe = f"okrsheet_uno_{os.getpid()}"
    program = shutil.which("soffice") or shutil.which("libreoffice")
    office = subprocess.Popen(
        [program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
         "--invisible", "--norestore", "--nolockcheck", "--nodefault",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "HOME": profile})
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        context = None
        for _ in range(120):
            try:
                context = resolver.resolve(
                    f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # LibreOffice is still starting
                if office.poll() is not None:
                    raise RuntimeError("soffice exited before accepting connections")
                time.sleep(0.5)
        if context is None:
            raise RuntimeError("could not connect to soffice")
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context)
        for job in jobs:
            document = desktop.loadComponentFromURL(
                Path(job["input"]).resolve().as_uri(), "_blank", 0, properties(Hidden=True))
            try:
                for edit in job["edits"]:
                    if edit[0] == "delete_sheet":
                        document.Sheets.removeByName(edit[1])
                        continue
                    sheet = document.Sheets.getByName(edit[3] if edit[0] in ("set", "type", "date")
                                                      and len(edit) > 3 else job.get("sheet", "OKRs"))
                    _apply(document, sheet, edit)
                sheet = document.Sheets.getByName(job.get("sheet", "OKRs"))
                document.calculateAll()
                if job.get("shown"):
                    texts = {name: sheet.getCellRangeByName(name).getString()
                             for name in job["shown"]}
                    Path(job["output"] + ".shown.json").write_text(json.dumps(texts),
                                                                    encoding="utf-8")
                document.storeToURL(Path(job["output"]).resolve().as_uri(),
                                    properties(FilterName="Calc Office Open XML"))
            finally:
                document.close(True)
        try:
            desktop.terminate()
        except Exception:  # the bridge closes as LibreOffice quits
            pass
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()
        shutil.rmtree(profile, ignore_errors=True)


def _apply(document, sheet, edit: list) -> None:
    action = edit[0]
    if action == "delete_row":
        sheet.Rows.removeByIndex(int(edit[1]) - 1, 1)
        return
    if action == "insert_row":
        sheet.Rows.insertByIndex(int(edit[1]) - 1, 1)
        return
    cells = sheet.getCellRangeByName(edit[1])
    if action == "sort":
        _sort(cells, edit[2])
    elif action == "move":
        target = sheet.getCellRangeByName(edit[2]).getCellAddress()
        sheet.moveRange(target, cells.getRangeAddress())
    elif action == "merge":
        cells.merge(True)
    elif action == "clear":
        cells.clearContents(1 | 2 | 4 | 16)  # values, dates, text, formulas
    elif action == "type":
        cells.setFormula(str(edit[2]))
    elif action == "date":
        cells.setFormula(str(edit[2]))
        cells.NumberFormat = _date_format(document)
    elif action == "set" and isinstance(edit[2], str):
        cells.setString(edit[2])
    elif action == "set":
        cells.setValue(float(edit[2]))
    else:
        raise ValueError(f"unknown edit {edit!r}")


def _date_format(document) -> int:
    """The key of the YYYY-MM-DD number format, the one the input line gives a typed ISO date."""
    import uno

    formats = document.getNumberFormats()
    locale = uno.createUnoStruct("com.sun.star.lang.Locale")
    key = formats.queryKey("YYYY-MM-DD", locale, False)
    return key if key != -1 else formats.addNew("YYYY-MM-DD", locale)


def _sort(cells, column: str) -> None:
    """Sort the rows of ``cells`` ascending by the sheet column ``column`` (Data > Sort)."""
    import uno
    from com.sun.star.beans import PropertyValue

    first = cells.getRangeAddress().StartColumn
    field = uno.createUnoStruct("com.sun.star.table.TableSortField")
    field.Field = _column_index(column) - first
    field.IsAscending = True
    descriptor = []
    for name, value in (("SortFields", uno.Any("[]com.sun.star.table.TableSortField", (field,))),
                        ("ContainsHeader", False)):
        item = PropertyValue()
        item.Name, item.Value = name, value
        descriptor.append(item)
    uno.invoke(cells, "sort", (tuple(descriptor),))


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter.upper()) - 64
    return index - 1


if __name__ == "__main__":
    _run(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
