"""The file system can't trap okrsheet: pipes, devices and sockets with a workbook's name
are named and never opened; folder walks stay inside the folder given, detect loops and
go 1,100 levels deep; exports into impossible folders are one line; temporary copies go."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsheet.cli import main
from okrsheet.files.folders import find
from okrsheet.files.writing import remove_left_behind

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLE = SAMPLES / "2026-Q1" / "customer-success.xlsx"


def run(*args):
    result = CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def books(tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "platform.xlsx")
    return folder


def test_a_pipe_a_socket_and_a_device_named_like_workbooks_are_named_and_never_opened(books):
    os.mkfifo(books / "pipe.xlsx")
    os.mkfifo(books / "pipe.xls")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(books / "socket.ods"))
        (books / "device.xlsx").symlink_to("/dev/zero")  # a link to a device, inside
        found = find([books])
    assert found.workbooks == [books / "platform.xlsx"]
    reasons = dict(found.skipped)
    assert reasons[str(books / "pipe.xlsx")].startswith("a named pipe (FIFO) with a "
                                                        "spreadsheet's name")
    assert reasons[str(books / "pipe.xls")].startswith("a named pipe (FIFO)")
    assert reasons[str(books / "socket.ods")].startswith("a socket")
    assert "outside" in reasons[str(books / "device.xlsx")]  # /dev is not inside books


def test_a_pipe_named_on_the_command_line_is_left_out_in_one_line_without_waiting(books):
    os.mkfifo(books / "team.xlsx")
    found = find([books / "team.xlsx", books / "platform.xlsx"])
    assert found.workbooks == [books / "platform.xlsx"]
    assert found.left_out == [(str(books / "team.xlsx"), "a named pipe (FIFO), not a file; "
                                                         "okrsheet reads only regular files "
                                                         "(never opened).")]


@pytest.mark.parametrize("command", [["summary"], ["export", "-o", "{history}"],
                                     ["score"], ["check"]])
def test_commands_given_a_pipe_end_in_one_line_and_never_hang(books, tmp_path, command):
    os.mkfifo(books / "team.xlsx")
    args = [part.replace("{history}", str(tmp_path / "history")) for part in command]
    if command[0] in ("summary", "export"):
        args.insert(1, str(books))  # the folder: the pipe is skipped, the rest read
    for target in ([str(books / "team.xlsx")] if command[0] in ("score", "check") else [None]):
        if target:
            args.insert(1, target)
        done = subprocess.run([sys.executable, "-m", "okrsheet", *args], capture_output=True,
                              text=True, timeout=120)
        assert "Traceback" not in done.stderr
        assert done.returncode in (0, 1)
        said = " ".join((done.stdout + done.stderr).split())  # the terminal table wraps
        if command[0] in ("summary", "export"):
            assert "Skipped" in said and "team.xlsx: a named pipe" in said
        else:
            assert done.stderr.count("\n") == 1 and "team.xlsx" in done.stderr


def test_links_out_of_the_folder_are_named_and_not_followed(books, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(SAMPLE, outside / "secret.xlsx")
    (books / "everything").symlink_to("/", target_is_directory=True)
    (books / "elsewhere").symlink_to(outside, target_is_directory=True)
    (books / "secret.xlsx").symlink_to(outside / "secret.xlsx")
    inside = books / "sub"
    inside.mkdir()
    (inside / "again.xlsx").symlink_to(books / "platform.xlsx")  # inside: read
    found = find([books])
    assert found.workbooks == [books / "platform.xlsx", inside / "again.xlsx"]
    reasons = dict(found.skipped)
    for name in ("everything", "elsewhere", "secret.xlsx"):
        assert f"outside {books}; okrsheet reads only inside the folders given" in reasons[
            str(books / name)]


def test_a_folder_link_that_loops_is_read_once(books):
    (books / "loop").symlink_to(books, target_is_directory=True)
    nested = books / "a" / "b"
    nested.mkdir(parents=True)
    (nested / "up").symlink_to(books / "a", target_is_directory=True)
    found = find([books])
    assert found.workbooks == [books / "platform.xlsx"]
    assert sorted(path for path, reason in found.skipped if "already read" in reason) == [
        str(nested / "up"), str(books / "loop")]


def test_a_folder_1100_levels_deep_is_walked_without_recursion(tmp_path):
    deep = tmp_path / "deep"
    deep.mkdir()
    handle = os.open(deep, os.O_RDONLY)  # made level by level (os.makedirs recurses)
    try:
        for _ in range(1100):
            os.mkdir("d", dir_fd=handle)
            handle, parent = os.open("d", os.O_RDONLY, dir_fd=handle), handle
            os.close(parent)
        copy = os.open("team.xlsx", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=handle)
        os.write(copy, SAMPLE.read_bytes())
        os.close(copy)
    finally:
        os.close(handle)
    try:
        found = find([deep]).workbooks
        assert len(found) == 1 and found[0] == deep.joinpath(*["d"] * 1100, "team.xlsx")
    finally:
        remove_deep(deep)


def remove_deep(deep: Path) -> None:
    """Remove deep/d/d/.../team.xlsx a level at a time (shutil.rmtree recurses)."""
    while (deep / "d" / "d").exists():
        os.rename(deep / "d" / "d", deep / "next")
        os.rmdir(deep / "d")
        os.rename(deep / "next", deep / "d")
    (deep / "d" / "team.xlsx").unlink()
    os.rmdir(deep / "d")


def test_a_folder_that_cannot_be_listed_is_named_and_skipped(books, monkeypatch):
    locked = books / "locked"
    locked.mkdir(mode=0)
    if os.geteuid() == 0:  # root lists every folder: the refusal a user would get, made here
        listing = os.scandir

        def refused(path=".", *args, **kwargs):
            if os.path.samefile(path, locked):
                raise PermissionError(13, "Permission denied", str(path))
            return listing(path, *args, **kwargs)

        monkeypatch.setattr(os, "scandir", refused)
    try:
        found = find([books])
    finally:
        locked.chmod(0o755)
    assert str(locked) in dict(found.skipped)


@pytest.mark.parametrize("where", ["file/history", "/dev/null/history", "file"])
def test_export_into_a_path_that_cannot_be_a_folder_is_one_line(books, tmp_path, where):
    (tmp_path / "file").write_text("not a folder")
    target = where if where.startswith("/") else str(tmp_path / where)
    result = run("export", books, "-o", target)
    assert result.exit_code in (1, 2)
    assert result.output.count("\n") == 1 and "Error" in result.output


def test_temporary_folders_of_killed_processes_are_removed_and_live_ones_kept(
        tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    left = tmp_path / f"okrsheet-xls-{gone.pid}-abc"
    left.mkdir()
    (left / "team.xlsx").write_bytes(b"a team's data")
    live = tmp_path / f"okrsheet-xls-{os.getppid()}-abc"
    live.mkdir()
    other = tmp_path / f"someone-else-{gone.pid}-abc"
    other.mkdir()
    remove_left_behind()
    assert not left.exists() and live.exists() and other.exists()


def test_sigterm_during_a_summary_of_xls_workbooks_leaves_no_copy(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    for number in range(150):
        shutil.copy(SAMPLES / "2026-Q1" / "sales-development.xls", books / f"team-{number}.xls")
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    environment = {**os.environ, "TMPDIR": str(temporary)}
    process = subprocess.Popen([sys.executable, "-m", "okrsheet", "summary", str(books)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env=environment)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if any(name.startswith("okrsheet-xls-") for name in os.listdir(temporary)):
            break
        time.sleep(0.002)
    else:
        process.kill()
        pytest.skip("the summary ended before a copy was seen")
    process.send_signal(signal.SIGTERM)
    _, errors = process.communicate(timeout=60)
    assert process.returncode != 0 and "Traceback" not in errors
    assert [name for name in os.listdir(temporary) if name.startswith("okrsheet-")] == []
