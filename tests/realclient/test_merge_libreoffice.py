"""okrsheet diff and merge on copies that owners edited in LibreOffice (through UNO, like
typing into Calc), not only copies written by openpyxl: values, check-ins, a typed-over
Current, a revised target, a cleared row, a new row, and a conflict. Reading, diffing and
merging never change the base or the copies (checked by sha256).
"""

import datetime as dt
import hashlib
import json

import pytest
from click.testing import CliRunner

from okrsheet.cli import main
from okrsheet.domain.changes import diff
from okrsheet.read.reader import read_workbook
from okrsheet.sheet import layout
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook
from scripts.libreoffice import convert
from tests.fill import INPUT_KEYS
from tests.realclient.uno_edit import edit_in_libreoffice

TODAY = dt.date(2027, 1, 25)
NEW_KR = "Book demos with partner accounts"


def _cell(key: str, kr_index: int) -> str:
    """Cell of column ``key`` in the row of the sales-team template's ``kr_index``-th KR."""
    return layout.address(key, layout.FIRST_ROW + kr_index)


EDITS = {
    "untouched": [],  # opened and saved by LibreOffice, nothing typed
    "alice": [["set", _cell("week_3", 0), 120000], ["set", _cell("confidence", 0), "high"],
              ["set", _cell("current", 6), 68],  # typed over Current's formula
              ["set", _cell("revised_target", 3), 1200000],
              ["set", _cell("revision_reason", 3), "fewer reps"]],
    "bob": [["set", _cell("owner", 0), "Alex"], ["set", _cell("week_3", 1), 4],
            *[["clear", _cell(key, 4)] for key in INPUT_KEYS if key != "objective"],
            ["set", _cell("objective", 10), "O2"], ["set", _cell("title", 10), NEW_KR],
            ["set", _cell("owner", 10), "Bob"],
            ["set", _cell("type", 10), "increase"], ["set", _cell("start", 10), 0],
            ["set", _cell("target", 10), 20], ["set", _cell("week_3", 10), 6]],
    "carol": [["set", _cell("week_3", 0), 90000], ["set", _cell("week_3", 8), 100]],
}


@pytest.fixture(scope="module")
def folder(libreoffice, tmp_path_factory):
    """base.xlsx from okrsheet, and each owner's copy edited and saved by LibreOffice."""
    folder = tmp_path_factory.mktemp("merge")
    base = folder / "base.xlsx"
    write_workbook(starter("sales-team", quarter="2027-Q1"), base, today=TODAY)
    edit_in_libreoffice([{"input": str(base), "output": str(folder / f"{name}.xlsx"), "edits": edits}
                         for name, edits in EDITS.items()])
    return folder


@pytest.fixture(scope="module")
def fingerprints(folder):
    return {path.name: _sha256(path) for path in sorted(folder.glob("*.xlsx"))}


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _okrs(path):
    reading = read_workbook(path)
    assert reading.errors == [], reading.errors
    return reading.team_quarter


def _run(*arguments):
    return CliRunner().invoke(main, [str(argument) for argument in arguments])


def _fields(output):
    return [(change["kind"], change["key_result"], change["field"])
            for change in json.loads(output)["changes"]]


def test_a_copy_saved_by_libreoffice_without_edits_has_no_changes(folder, fingerprints):
    result = _run("diff", folder / "base.xlsx", folder / "untouched.xlsx")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "No changes."


def test_diff_of_a_copy_edited_in_libreoffice(folder, fingerprints):
    result = _run("diff", folder / "base.xlsx", folder / "alice.xlsx", "--format", "json")
    assert result.exit_code == 0, result.output
    base = _okrs(folder / "base.xlsx").key_results
    assert sorted(_fields(result.stdout)) == sorted([
        ("check-in added", base[0].title, "week_3"),
        ("changed", base[0].title, "confidence"),
        ("changed", base[3].title, "revised_target"),
        ("changed", base[3].title, "revision_reason"),
        ("changed", base[6].title, "current"),
    ])


def test_diff_sees_a_cleared_row_and_a_new_row_as_removed_and_added(folder, fingerprints):
    result = _run("diff", folder / "base.xlsx", folder / "bob.xlsx", "--format", "json")
    assert result.exit_code == 0, result.output
    base = _okrs(folder / "base.xlsx").key_results
    assert sorted(_fields(result.stdout), key=str) == sorted([
        ("changed", base[0].title, "owner"),
        ("check-in added", base[1].title, "week_3"),
        ("removed", base[4].title, None),
        ("added", NEW_KR, None),
    ], key=str)


def test_merge_of_copies_edited_in_libreoffice(folder, fingerprints):
    output = folder.parent / f"{folder.name}-merged.xlsx"
    result = _run("merge", folder / "base.xlsx", folder / "alice.xlsx", folder / "bob.xlsx",
                  "-o", output)
    assert result.exit_code == 0, result.output
    base, alice, bob = (_okrs(folder / f"{name}.xlsx") for name in ("base", "alice", "bob"))
    merged = _okrs(output)
    assert set(diff(base, merged)) == set(diff(base, alice)) | set(diff(base, bob))
    krs = {kr.title: kr for kr in merged.key_results}
    assert krs[base.key_results[0].title].check_ins == {3: 120000}
    assert krs[base.key_results[0].title].owner == "Alex"
    assert krs[base.key_results[6].title].current == 68
    assert krs[NEW_KR].check_ins == {3: 6}
    assert base.key_results[4].title not in krs
    # LibreOffice recalculating the merged workbook shows the scores okrsheet wrote.
    recalculated = _okrs(convert([output], "xlsx", folder.parent / f"{folder.name}-recalc")[0])
    assert recalculated.score == pytest.approx(merged.score, abs=1e-9)
    assert [kr.progress for kr in recalculated.key_results] == pytest.approx(
        [kr.progress for kr in merged.key_results], abs=1e-9)


def test_merge_stops_on_a_conflict_and_lists_both_values(folder, fingerprints):
    output = folder.parent / f"{folder.name}-conflict.xlsx"
    alice, carol = folder / "alice.xlsx", folder / "carol.xlsx"
    result = _run("merge", folder / "base.xlsx", alice, folder / "bob.xlsx", carol, "-o", output)
    assert result.exit_code == 1
    assert f"Week 3: base blank; {alice}: 120000; {carol}: 90000" in result.output
    assert "Traceback" not in result.output
    assert not output.exists()


def test_merge_with_prefer_settles_the_conflict(folder, fingerprints):
    output = folder.parent / f"{folder.name}-carol-wins.xlsx"
    result = _run("merge", folder / "base.xlsx", folder / "alice.xlsx", folder / "carol.xlsx",
                  "-o", output, "--prefer", "carol.xlsx")
    assert result.exit_code == 0, result.output
    merged = _okrs(output).key_results
    assert merged[0].check_ins == {3: 90000}
    assert merged[8].check_ins == {3: 100}  # carol's other change
    assert merged[3].revised_target == 1200000  # alice's changes stay


def test_inputs_are_byte_identical_after_diff_and_merge(folder, fingerprints):
    # Runs last in this module: the diffs and merges above read these files.
    assert {path.name: _sha256(path) for path in sorted(folder.glob("*.xlsx"))} == fingerprints
    assert set(fingerprints) == {"base.xlsx", *[f"{name}.xlsx" for name in EDITS]}
