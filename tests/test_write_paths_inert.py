"""Nothing from a file becomes active, and no reply can hurt the person collecting (issue 25):
an error cell whose XML hides formula text is written back only as a real error value, by
every command that writes a workbook; a damaged or hostile reply is one line; owners' file
names stay distinct and short."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsheet.cli import main
from okrsheet.sheet import layout
from okrsheet.workflows.split import owner_check_ins
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook

HOSTILE = Path(__file__).parent / "hostile"
ACTIVE = ("HYPERLINK", "WEBSERVICE", "cmd|")


def _with_hidden_formula_text(path: Path) -> None:
    """Target of the first key result: an error cell whose XML hides formula text in a
    comment before its value, as a crafted file does (python-calamine sees #N/A)."""
    address = layout.address("target", layout.FIRST_ROW)
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    cell = re.search(rf'<c r="{address}"[^>]*?(/>|>.*?</c>)', sheet, re.S)
    assert cell is not None
    crafted = (f'<c r="{address}" t="e"><!-- <v>HYPERLINK("http://evil","x")</v> -->'
               "<v>#N/A</v></c>")
    sheet = sheet[:cell.start()] + crafted + sheet[cell.end():]
    check = layout.address("input_check", layout.FIRST_ROW)  # as a spreadsheet shows it
    sheet = re.sub(rf'(<c r="{check}"[^>]*?)(?: t="\w+")?>(<f>.*?</f>)<v>[^<]*</v>',
                   r'\1 t="str">\2<v>Error value</v>', sheet, flags=re.S)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _formulas(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return " ".join(re.findall(r"<f[^>]*>(.*?)</f>", "".join(
            archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            if name.endswith(".xml"))))


@pytest.fixture
def crafted(tmp_path):
    path = tmp_path / "team.xlsx"
    write_workbook(starter("sales-team", team="West", quarter="2027-Q1"), path)
    _with_hidden_formula_text(path)
    return path


@pytest.mark.parametrize("command", ["fix", "next", "merge"])
def test_no_command_writes_workbook_text_as_a_formula(crafted, tmp_path, command):
    out = tmp_path / "out.xlsx"
    arguments = {"fix": ["fix", str(crafted)], "next": ["next", str(crafted)],
                 "merge": ["merge", str(crafted), str(crafted)]}[command]
    result = CliRunner().invoke(main, [*arguments, "-o", str(out)])
    assert "Traceback" not in result.output
    if out.exists():
        written = _formulas(out)
        assert not any(word in written for word in ACTIVE), written


def test_the_reader_sees_only_real_error_values(crafted):
    from okrsheet.read.reader import read_workbook

    kr = read_workbook(crafted).team_quarter.key_results[0]
    assert str(kr.target) in ("#N/A", "#VALUE!")


@pytest.mark.parametrize("name", ["panic-missing-relationship.xlsb", "zip-bomb.xlsx",
                                  "entity-bomb.xlsx", "truncated.xlsx", "far-cell.xlsx",
                                  "password-protected.xlsx", "legacy.xls"])
def test_a_hostile_reply_is_one_line_and_nothing_is_written(tmp_path, name):
    team = tmp_path / "team.xlsx"
    write_workbook(starter("sales-team", team="West", quarter="2027-Q1"), team)
    reply = tmp_path / name
    reply.write_bytes((HOSTILE / name).read_bytes())
    result = CliRunner().invoke(main, ["collect", str(team), str(reply), "-o",
                                       str(tmp_path / "out.xlsx"), "--week", "3"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    problems = [line for line in result.output.splitlines() if line.startswith("Problem:")]
    assert len(problems) == 1 and name in problems[0], result.output
    assert not (tmp_path / "out.xlsx").exists()


def test_owner_names_alike_but_for_case_or_normalisation_get_files_of_their_own(tmp_path):
    team = starter("sales-team", team="West", quarter="2027-Q1")
    krs = team.key_results
    krs[0].owner, krs[1].owner = "José", unicodedata.normalize("NFD", "JOSÉ ")
    krs[2].owner = "x" * 300  # a name longer than a file name may be
    names = [owner.path.name for owner in owner_check_ins(team, tmp_path, 3)]
    on_disk = [unicodedata.normalize("NFKC", name).casefold() for name in names]
    assert len(set(on_disk)) == len(names)
    assert all(len(name.encode()) <= 200 for name in names)


def test_split_into_a_path_that_cannot_be_a_folder_is_one_line(tmp_path):
    team = tmp_path / "team.xlsx"
    write_workbook(starter("sales-team", team="West", quarter="2027-Q1"), team)
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    result = CliRunner().invoke(main, ["split", str(team), "-o", str(blocker / "sub"),
                                       "--week", "3"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "can't make the folder" in result.output or "folder" in result.output
