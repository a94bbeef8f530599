"""Never losing a user's data: outputs are replaced only with --force, an interrupted write
leaves the old file whole, and no command changes its inputs."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from okrsheet.domain.problems import OkrsheetError, OutputExists
from okrsheet.files.writing import write_atomic

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile"
OLD = b"the quarter's numbers, typed in by hand\n" * 1000

# Child processes that write and stall just before the rename (in fsync, as a slow disk
# would), telling the parent when; the parent then kills them.
_STALL = r"""
import os, sys, time
real_fsync = os.fsync
def slow_fsync(descriptor):
    print("writing", flush=True)
    time.sleep(60)
    real_fsync(descriptor)
os.fsync = slow_fsync
"""
STALLING_WRITER = _STALL + r"""
from okrsheet.files.writing import write_atomic
write_atomic(sys.argv[1], b"new and unfinished " * 1_000_000, force=True)
"""
STALLING_CLI = _STALL + r"""
from okrsheet.cli import main
main(sys.argv[1:])
"""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name not in keep)


def start_stalled(code: str, *arguments: str, cwd: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", code, *arguments], cwd=cwd,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    assert line.strip() == "writing", process.stderr.read()
    return process


# write_atomic


def test_existing_output_is_not_replaced_without_force(tmp_path):
    target = tmp_path / "okrs.xlsx"
    target.write_bytes(OLD)
    with pytest.raises(OutputExists, match="already exists; choose another name or use --force"):
        write_atomic(target, b"new")
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path, {"okrs.xlsx"}) == []


def test_existing_output_is_replaced_with_force(tmp_path):
    target = tmp_path / "okrs.xlsx"
    target.write_bytes(OLD)
    write_atomic(target, b"new", force=True)
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path, {"okrs.xlsx"}) == []


def test_missing_folder_is_a_one_line_error(tmp_path):
    with pytest.raises(OkrsheetError, match="does not exist"):
        write_atomic(tmp_path / "nowhere" / "okrs.xlsx", b"new")


def test_killed_write_leaves_the_old_file_whole(tmp_path):
    target = tmp_path / "okrs.xlsx"
    target.write_bytes(OLD)
    process = start_stalled(STALLING_WRITER, str(target), cwd=tmp_path)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert target.read_bytes() == OLD
    # a SIGKILL can't be cleaned up after: at most a hidden temporary file stays behind,
    # never a half-written okrs.xlsx
    assert all(name.startswith(".okrs.xlsx.") and name.endswith(".tmp")
               for name in leftovers(tmp_path, {"okrs.xlsx"}))


def test_interrupted_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "okrs.xlsx"
    target.write_bytes(OLD)
    process = start_stalled(STALLING_WRITER, str(target), cwd=tmp_path)
    process.send_signal(signal.SIGINT)  # Ctrl-C
    process.wait(timeout=10)
    assert process.returncode != 0
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path, {"okrs.xlsx"}) == []


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.1, 0.2, 0.4])
def test_killed_at_any_moment_the_file_is_old_or_new_never_half(tmp_path, delay):
    target = tmp_path / "okrs.xlsx"
    target.write_bytes(OLD)
    new = b"0123456789abcdef" * 4_000_000  # 64 MB: the write takes a while
    code = ("import sys\nfrom okrsheet.files.writing import write_atomic\n"
            "write_atomic(sys.argv[1], b'0123456789abcdef' * 4_000_000, force=True)\n")
    process = subprocess.Popen([sys.executable, "-c", code, str(target)], cwd=tmp_path)
    try:
        process.wait(timeout=delay) if delay else None
    except subprocess.TimeoutExpired:
        pass
    process.kill()
    process.wait(timeout=10)
    assert sha256(target) in (hashlib.sha256(OLD).hexdigest(), hashlib.sha256(new).hexdigest())


def test_killed_okrsheet_new_leaves_the_old_workbook(tmp_path):
    target = tmp_path / "okrs.xlsx"
    target.write_bytes(OLD)
    process = start_stalled(STALLING_CLI, "new", "-o", str(target), "--force", cwd=tmp_path)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert target.read_bytes() == OLD


# The commands


def okrsheet(*arguments: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "okrsheet", *arguments], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture()
def workbooks(tmp_path) -> Path:
    """Two team workbooks and an edited copy, in their own folder."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(HOSTILE / "valid.xlsx", folder / "sales.xlsx")
    shutil.copy(HOSTILE / "valid.xlsx", folder / "sales-copy.xlsx")
    shutil.copy(HOSTILE / "formula-titles.xlsx", folder / "titles.xlsx")
    return folder


def hashes(folder: Path) -> dict[str, str]:
    return {path.name: sha256(path) for path in sorted(folder.iterdir())}


COMMANDS = [
    ["score", "{in}/sales.xlsx"],
    ["score", "--format", "csv", "{in}/titles.xlsx"],
    ["check", "{in}/sales.xlsx", "{in}/titles.xlsx"],
    ["summary", "{in}", "-o", "{out}/summary.xlsx"],
    ["summary", "--format", "json", "{in}/sales.xlsx"],
    ["next", "{in}/sales.xlsx", "-o", "{out}/next.xlsx"],
    ["diff", "{in}/sales.xlsx", "{in}/titles.xlsx"],
    ["merge", "{in}/sales.xlsx", "{in}/sales-copy.xlsx", "-o", "{out}/merged.xlsx"],
]


@pytest.mark.parametrize("arguments", COMMANDS, ids=lambda arguments: " ".join(arguments[:2]))
def test_command_leaves_its_inputs_byte_identical(tmp_path, workbooks, arguments):
    out = tmp_path / "out"
    out.mkdir()
    before = hashes(workbooks)
    result = okrsheet(*[a.format(**{"in": workbooks, "out": out}) for a in arguments], cwd=out)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1), result.stderr
    assert hashes(workbooks) == before
    assert all(not name.endswith(".tmp") for name in os.listdir(out))


@pytest.mark.parametrize("arguments", [
    ["new", "-o", "{out}/okrs.xlsx"],
    ["next", "{in}/sales.xlsx", "-o", "{out}/okrs.xlsx"],
    ["merge", "{in}/sales.xlsx", "{in}/sales-copy.xlsx", "-o", "{out}/okrs.xlsx"],
    ["summary", "{in}/sales.xlsx", "-o", "{out}/okrs.xlsx"],
], ids=lambda arguments: arguments[0])
def test_command_does_not_replace_an_existing_output_without_force(tmp_path, workbooks, arguments):
    out = tmp_path / "out"
    out.mkdir()
    (out / "okrs.xlsx").write_bytes(OLD)
    result = okrsheet(*[a.format(**{"in": workbooks, "out": out}) for a in arguments], cwd=out)
    assert result.returncode == 2, result.stderr  # a usage error
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert (out / "okrs.xlsx").read_bytes() == OLD
    result = okrsheet(*[a.format(**{"in": workbooks, "out": out}) for a in arguments], "--force",
                      cwd=out)
    assert result.returncode == 0, result.stderr
    assert (out / "okrs.xlsx").read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("arguments", [
    ["next", "{in}/sales.xlsx", "-o", "{in}/sales.xlsx", "--force"],
    ["merge", "{in}/sales.xlsx", "{in}/sales-copy.xlsx", "-o", "{in}/sales-copy.xlsx", "--force"],
    ["summary", "{in}", "-o", "{in}/titles.xlsx", "--force"],
], ids=lambda arguments: arguments[0])
def test_command_refuses_to_write_over_an_input_even_with_force(tmp_path, workbooks, arguments):
    before = hashes(workbooks)
    result = okrsheet(*[a.format(**{"in": workbooks}) for a in arguments], cwd=tmp_path)
    assert result.returncode in (1, 2), result.stderr
    assert "input" in result.stderr
    assert "Traceback" not in result.stderr
    assert hashes(workbooks) == before


# Two writers at once, permissions, and output-side failures

RACING_WRITER = r"""
import sys, time
from okrsheet.domain.problems import OutputExists
from okrsheet.files.writing import write_atomic
folder, me, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
while time.time() < start:  # both writers begin together
    pass
won = []
for round in range(50):
    try:
        write_atomic(f"{folder}/r{round}.xlsx", f"{me} {round}".encode())
        won.append(round)
    except OutputExists:
        pass
print(" ".join(map(str, won)))
"""


def test_two_writers_of_the_same_names_never_both_succeed(tmp_path):
    import time

    start = str(time.time() + 1.0)
    writers = [subprocess.Popen([sys.executable, "-c", RACING_WRITER, str(tmp_path), name, start],
                                stdout=subprocess.PIPE, text=True) for name in ("a", "b")]
    won = {name: set(map(int, writer.communicate(timeout=120)[0].split()))
           for name, writer in zip(("a", "b"), writers)}
    assert won["a"] & won["b"] == set()  # never both
    assert won["a"] | won["b"] == set(range(50))  # always one
    for round in range(50):  # and the file is the winner's, whole
        winner = "a" if round in won["a"] else "b"
        assert (tmp_path / f"r{round}.xlsx").read_bytes() == f"{winner} {round}".encode()
    assert leftovers(tmp_path, {f"r{round}.xlsx" for round in range(50)}) == []


def test_two_okrsheet_new_runs_never_both_write_the_same_file(tmp_path):
    outcomes = []
    for round in range(5):  # the library test above runs 50 rounds; here the whole command
        target = tmp_path / f"okrs{round}.xlsx"
        runs = [subprocess.Popen([sys.executable, "-m", "okrsheet", "new", "-o", str(target)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
        outcomes.append(sorted(run.wait(timeout=60) for run in runs))
        for run in runs:
            run.communicate()
    assert outcomes == [[0, 2]] * 5  # the loser finds the output exists: a usage error, 2


UMASK_WRITER = r"""
import os, sys
from okrsheet.files.writing import write_atomic
os.umask(int(sys.argv[2], 8))
write_atomic(sys.argv[1], b"new", force=len(sys.argv) > 3)
print(oct(os.stat(sys.argv[1]).st_mode & 0o777))
"""


@pytest.mark.parametrize("umask, mode", [("022", "0o644"), ("077", "0o600"), ("002", "0o664")])
def test_a_new_output_follows_the_umask(tmp_path, umask, mode):
    out = subprocess.run([sys.executable, "-c", UMASK_WRITER, str(tmp_path / "okrs.xlsx"), umask],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == mode


def test_a_replaced_output_keeps_its_permissions(tmp_path):
    target = tmp_path / "okrs.xlsx"
    target.write_bytes(OLD)
    os.chmod(target, 0o600)  # private OKRs stay private after --force
    out = subprocess.run([sys.executable, "-c", UMASK_WRITER, str(target), "022", "force"],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "0o600"
    assert target.read_bytes() == b"new"


def test_a_full_disk_is_one_line_and_leaves_nothing_behind(tmp_path, monkeypatch):
    import errno

    def full(descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OkrsheetError, match="the disk is full") as caught:
        write_atomic(tmp_path / "okrs.xlsx", b"new")
    assert "\n" not in str(caught.value)
    assert leftovers(tmp_path, set()) == []


def test_a_read_only_folder_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "access", lambda path, mode: False)  # as for a user (root may write)
    with pytest.raises(OkrsheetError, match="can't write in folder"):
        write_atomic(tmp_path / "okrs.xlsx", b"new")
    assert leftovers(tmp_path, set()) == []


def test_a_name_too_long_is_one_line_and_a_long_one_still_writes(tmp_path):
    with pytest.raises(OkrsheetError, match="the file name is too long"):
        write_atomic(tmp_path / ("x" * 251 + ".xlsx"), b"new")
    long_name = "x" * 250 + ".xlsx"  # 255 bytes: the temporary name must not be longer
    write_atomic(tmp_path / long_name, b"new")
    assert (tmp_path / long_name).read_bytes() == b"new"


def test_summary_output_problems_are_found_before_any_file_is_read(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(HOSTILE / "valid.xlsx", folder / "valid.xlsx")
    shutil.copy(HOSTILE / "zip-bomb.xlsx", folder / "zip-bomb.xlsx")
    result = subprocess.run([sys.executable, "-m", "okrsheet", "summary", str(folder), "-o",
                             str(tmp_path / "missing" / "summary.xlsx")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"Error: {tmp_path / 'missing' / 'summary.xlsx'}: folder {tmp_path / 'missing'} does "
        "not exist; create it first or choose another folder."]  # no "Left out": nothing read


@pytest.mark.parametrize("value", ["inf", "nan", "lots", "-3"])
def test_a_limit_that_is_not_a_number_is_a_usage_error(tmp_path, value):
    result = subprocess.run([sys.executable, "-m", "okrsheet", "score", str(HOSTILE / "valid.xlsx")],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "OKRSHEET_MAX_ROWS": value})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"Error: OKRSHEET_MAX_ROWS={value!r}: expected a number above 0, like "
        "OKRSHEET_MAX_ROWS=100000."]
