"""Rules that keep a workbook working alike in Excel, LibreOffice Calc and Google Sheets."""

from __future__ import annotations

import re
import zipfile

_CF_FORMULA = re.compile(r"<conditionalFormatting.*?</conditionalFormatting>", re.S)


def portability_problems(path) -> list[str]:
    """What in the .xlsx at ``path`` would not work in every program (empty when portable)."""
    problems = []
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if any(name.startswith("xl/tables/") for name in names):
            problems.append("has an Excel table (structured references break in LibreOffice)")
        for name in names:
            if not name.endswith(".xml"):
                continue
            xml = archive.read(name).decode("utf-8")
            if "_xlfn." in xml:
                problems.append(f"{name}: uses a function newer than Excel 2007 (_xlfn.)")
            for element in ("dataBar", "iconSet", "x14:conditionalFormatting", "totalsRowFunction"):
                if f"<{element}" in xml:
                    problems.append(f"{name}: uses {element}")
            if name.startswith("xl/worksheets/"):
                for rule in _CF_FORMULA.findall(xml):
                    for formula in re.findall(r"<formula>(.*?)</formula>", rule, re.S):
                        if "!" in formula:
                            problems.append(f"{name}: conditional format refers to another sheet: {formula}")
                for formula in re.findall(r"<f>(.*?)</f>", xml, re.S):
                    if re.search(r"\w\[", formula):
                        problems.append(f"{name}: structured reference in {formula}")
    return problems
