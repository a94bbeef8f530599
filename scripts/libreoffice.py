"""Drive LibreOffice headless: open workbooks, recalculate, save as .xlsx/.ods/.csv.

Used by the real-client tests and by the scripts that remake samples and fixtures. Each run
gets its own fresh profile, set to recalculate every formula on load, so results never
come from cached values.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    """Path of the soffice program, or None when LibreOffice is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(paths: Sequence[str | os.PathLike[str]], to: str, outdir: str | os.PathLike[str],
            recalculate: bool = True, timeout: float = 300) -> list[Path]:
    """Open each file in LibreOffice and save it as ``to`` (``xlsx``, ``ods``, ``csv``...) in
    ``outdir``; returns the new paths in the same order.

    ``recalculate=False`` keeps LibreOffice's default (show cached results as they are).
    """
    program = soffice()
    if program is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="okrsheet-lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        # 0 = always recalculate on load, 1 = never (LibreOffice's default for xlsx).
        (user / "registrymodifications.xcu").write_text(
            _RECALC_ALWAYS.format(mode=0 if recalculate else 1), encoding="utf-8")
        filter_name = to.split(":")[0]
        command = [program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                   "--norestore", "--nolockcheck", "--convert-to", to, "--outdir", str(outdir),
                   *[str(path) for path in paths]]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                env={**os.environ, "HOME": profile})
    produced = [outdir / (Path(path).stem + "." + filter_name) for path in paths]
    missing = [str(path) for path in produced if not path.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing}: {result.stdout} {result.stderr}")
    return produced
