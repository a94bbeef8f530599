"""Edit workbooks in LibreOffice headless through UNO, the way a person edits in Calc.

Run with the system Python that has python3-uno (``/usr/bin/python3``), not the project's:

    /usr/bin/python3 tests/realclient/uno_edit.py JOBS.json

JOBS.json is a list of ``{"input": path, "output": path, "edits": [...]}``; each edit is
``["set", "T10", 5]`` (a number), ``["set", "B12", "text"]`` (always text),
``["clear", "T10"]`` or ``["delete_row", 12]`` (1-based). Every input is opened, edited,
and stored as .xlsx at its output; the input file itself is never written. One LibreOffice,
with a fresh profile, does all jobs. :func:`edit_in_libreoffice` runs this from pytest.
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
                sheet = document.Sheets.getByName(job.get("sheet", "OKRs"))
                for edit in job["edits"]:
                    _apply(sheet, edit)
                document.calculateAll()
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


def _apply(sheet, edit: list) -> None:
    action = edit[0]
    if action == "delete_row":
        sheet.Rows.removeByIndex(int(edit[1]) - 1, 1)
        return
    cell = sheet.getCellRangeByName(edit[1])
    if action == "clear":
        cell.clearContents(1 | 2 | 4 | 16)  # values, dates, text, formulas
    elif action == "set" and isinstance(edit[2], str):
        cell.setString(edit[2])
    elif action == "set":
        cell.setValue(float(edit[2]))
    else:
        raise ValueError(f"unknown edit {edit!r}")


if __name__ == "__main__":
    _run(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
