"""textconv is stable across a LibreOffice round trip of an unchanged workbook: opened,
recalculated and saved by LibreOffice, the sample gives the same text."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsheet.cli import main
from tests.realclient.uno_edit import edit_in_libreoffice

pytestmark = pytest.mark.libreoffice
SAMPLE = Path(__file__).parent.parent.parent / "samples" / "2026-Q3" / "new-business.xlsx"


def test_textconv_is_the_same_after_libreoffice_saves_the_workbook(libreoffice, tmp_path):
    saved = tmp_path / "saved.xlsx"
    edit_in_libreoffice([{"input": str(SAMPLE), "output": str(saved), "edits": []}])
    texts = [CliRunner().invoke(main, ["textconv", str(path)]).output for path in (SAMPLE, saved)]
    assert texts[0] == texts[1]
    assert "key result O1.1" in texts[0]
