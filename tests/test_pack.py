"""okrsheet summary --pack and okrsheet verify: a quarter-end anyone can re-make and check."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsheet.cli import main
from okrsheet.outputs.pack import MANIFEST, OUTPUTS
from okrsheet.sheet import layout

ROOT = Path(__file__).resolve().parent.parent
QUARTERS = ("2026-Q3", "2026-Q4")


@pytest.fixture
def inputs(tmp_path, monkeypatch):
    """Two quarters of the samples in ``in/``, the current folder being ``tmp_path``."""
    for quarter in QUARTERS:
        shutil.copytree(ROOT / "samples" / quarter, tmp_path / "in" / quarter)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "in"


def invoke(*args):
    return CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)


def pack_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_a_pack_holds_every_output_and_a_manifest_of_inputs_and_outputs(inputs):
    result = invoke("summary", "in", "--pack", "pack", "--as-of", "2026-12-07")
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir("pack")) == sorted([*OUTPUTS, MANIFEST])
    manifest = json.loads(Path("pack/MANIFEST.json").read_text())
    assert manifest["as_of"] == "2026-12-07"
    assert manifest["command"] == ("okrsheet summary in --as-of 2026-12-07 --fiscal-year-start 1 "
                                   "--fiscal-year-named-by end --pack pack")
    company = next(entry for entry in manifest["inputs"]
                   if entry["path"] == "in/2026-Q4/company.xlsx")
    data = (inputs / "2026-Q4" / "company.xlsx").read_bytes()
    assert company == {"path": "in/2026-Q4/company.xlsx", "size": len(data),
                       "sha256": hashlib.sha256(data).hexdigest(), "team": "Acme",
                       "quarter": "2026-Q4"}
    assert len(manifest["inputs"]) == 12  # 4 teams and the company twice, 2 people
    for entry in manifest["outputs"]:
        written = Path("pack", entry["file"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(written).hexdigest()
        assert entry["size"] == len(written)


def test_the_same_inputs_and_command_make_the_same_bytes_whatever_the_file_times(inputs):
    assert invoke("summary", "in", "--pack", "pack", "--as-of", "2027-01-05").exit_code == 0
    first = pack_bytes(Path("pack"))
    shutil.rmtree("pack")
    for path in inputs.rglob("*"):  # another machine's copies: other file times
        os.utime(path, (1_000_000_000, 1_000_000_000))
    environment = {**os.environ, "TZ": "Pacific/Auckland", "PYTHONHASHSEED": "12345"}
    made = subprocess.run([sys.executable, "-m", "okrsheet", "summary", "in", "--pack", "pack",
                           "--as-of", "2027-01-05"], env=environment, capture_output=True,
                          text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert pack_bytes(Path("pack")) == first


def test_verify_says_every_file_of_an_untouched_pack_matches(inputs):
    invoke("summary", "in", "--pack", "pack")
    result = invoke("verify", "pack")
    assert result.exit_code == 0, result.output
    assert "ok  output summary.xlsx: re-made from the inputs, it is the same" in result.output
    assert "every file matches (17)" in result.output  # 12 inputs, 5 outputs


def test_verify_names_an_input_changed_by_one_cell_and_the_outputs_it_changes(inputs):
    import openpyxl

    invoke("summary", "in", "--pack", "pack")
    changed = inputs / "2026-Q4" / "new-business.xlsx"
    book = openpyxl.load_workbook(changed)
    book[layout.OKRS_SHEET][layout.address("current", layout.FIRST_ROW)] = 0
    book.save(changed)
    result = invoke("verify", "pack")
    assert result.exit_code == 1
    assert ("FAILED  input in/2026-Q4/new-business.xlsx: changed since the pack was made"
            in result.output)
    assert "ok  input in/2026-Q4/company.xlsx: unchanged" in result.output
    assert "FAILED  output summary.json: re-made from the inputs, it is not the same" \
        in result.output
    assert "Traceback" not in result.output


def test_verify_names_a_missing_input(inputs):
    invoke("summary", "in", "--pack", "pack")
    (inputs / "2026-Q3" / "customer-success.xlsx").unlink()
    result = invoke("verify", "pack")
    assert result.exit_code == 1
    assert "FAILED  input in/2026-Q3/customer-success.xlsx: missing" in result.output


def test_verify_names_an_output_changed_in_the_pack(inputs):
    invoke("summary", "in", "--pack", "pack")
    Path("pack/summary.md").write_text("# All green\n")
    result = invoke("verify", "pack")
    assert result.exit_code == 1
    assert "FAILED  output summary.md: changed since the pack was made" in result.output


def test_a_blank_as_of_is_the_packs_as_of_and_never_the_clock(inputs):
    import openpyxl

    workbook = inputs / "2026-Q4" / "sales-development.xlsx"
    book = openpyxl.load_workbook(workbook)
    book[layout.OKRS_SHEET][layout.AS_OF.value_cell] = None
    book.save(workbook)
    invoke("summary", "in", "--pack", "before", "--as-of", "2026-11-02")
    invoke("summary", "in", "--pack", "after", "--as-of", "2027-01-10")
    before = json.loads(Path("before/summary.json").read_text())["confidence"]
    after = json.loads(Path("after/summary.json").read_text())["confidence"]
    assert before != after  # on 2 November its quarter had not ended: left out of calibration
    again = invoke("summary", "in", "--pack", "again", "--as-of", "2026-11-02")
    assert again.exit_code == 0
    assert Path("again/summary.json").read_bytes() == Path("before/summary.json").read_bytes()


def test_a_pack_refuses_a_folder_with_files_without_force(inputs):
    invoke("summary", "in", "--pack", "pack")
    result = invoke("summary", "in", "--pack", "pack")
    assert result.exit_code == 1
    assert "pack already holds files; give --force" in result.output
    assert invoke("summary", "in", "--pack", "pack", "--force").exit_code == 0


def test_a_pack_inside_an_input_folder_is_refused(inputs):
    result = invoke("summary", "in", "--pack", "in/pack")
    assert result.exit_code == 1
    assert "in/pack is inside in" in result.output
    assert not Path("in/pack").exists()


def test_verify_of_a_folder_without_a_manifest_is_one_line(tmp_path):
    result = invoke("verify", tmp_path)
    assert result.exit_code == 1
    assert "MANIFEST.json: no such file" in result.output
    assert "Traceback" not in result.output


def test_the_command_in_the_manifest_makes_the_same_pack_again(inputs):
    import shlex

    invoke("summary", "in", "--quarter", "Q4 2026", "--objectives", "--pack", "pack",
           "--as-of", "2026-12-07", "--keep-going")
    first = pack_bytes(Path("pack"))
    command = json.loads(first[MANIFEST])["command"]
    assert command == ("okrsheet summary in --as-of 2026-12-07 --quarter 2026-Q4 --objectives "
                       "--fiscal-year-start 1 --fiscal-year-named-by end --pack pack")
    shutil.rmtree("pack")
    assert invoke(*shlex.split(command)[1:]).exit_code == 0
    assert pack_bytes(Path("pack")) == first


def test_verify_of_a_manifest_edited_by_hand_is_one_line(inputs):
    invoke("summary", "in", "--pack", "pack")
    manifest = json.loads(Path("pack/MANIFEST.json").read_text())
    del manifest["options"]["as_of"]
    Path("pack/MANIFEST.json").write_text(json.dumps(manifest))
    result = invoke("verify", "pack")
    assert result.exit_code == 1
    assert "MANIFEST.json is not as okrsheet writes it (KeyError: 'as_of')" in result.output


def test_a_pipe_among_the_inputs_is_never_opened(inputs):
    os.mkfifo(inputs / "2026-Q4" / "stream.xlsx")
    result = invoke("summary", "in", "--pack", "pack")
    assert result.exit_code == 0, result.output
    manifest = json.loads(Path("pack/MANIFEST.json").read_text())
    assert not any(entry["path"].endswith("stream.xlsx") for entry in manifest["inputs"])
    skipped = json.loads(Path("pack/summary.json").read_text())["skipped"]
    assert [row["file"] for row in skipped] == ["in/2026-Q4/stream.xlsx"]
    assert invoke("verify", "pack").exit_code == 0


def test_verify_from_another_folder_says_where_to_run_it(inputs, tmp_path, monkeypatch):
    invoke("summary", "in", "--pack", "pack")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = invoke("verify", tmp_path / "pack")
    assert result.exit_code == 1
    assert "FAILED  input in/2026-Q4/company.xlsx: missing" in result.output
    assert "run okrsheet verify from that folder" in result.output


def test_summary_as_of_stands_for_a_blank_as_of_without_a_pack(inputs):
    import openpyxl

    workbook = inputs / "2026-Q4" / "sales-development.xlsx"
    book = openpyxl.load_workbook(workbook)
    book[layout.OKRS_SHEET][layout.AS_OF.value_cell] = None
    book.save(workbook)
    early = invoke("summary", "in", "--format", "markdown", "--as-of", "2026-11-02").output
    late = invoke("summary", "in", "--format", "markdown", "--as-of", "2027-01-10").output
    assert "2026-Q4 is in progress for Sales Development" in early
    assert "in progress" not in late
