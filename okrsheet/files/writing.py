"""Writing files without ever losing one: a temporary file in the target folder, then a link
or a rename. (The errors a person can act on are in :mod:`okrsheet.domain.problems`.)"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from okrsheet.domain.problems import OkrsheetError, OutputExists

__all__ = ["atomic_output", "check_output", "remove_left_behind", "sigterm_as_interrupt",
           "temporary_prefix", "write_atomic"]

TEMPORARY_KINDS = ("okrsheet-xls-", "okrsheet-ods-", "okrsheet-duckdb-")
"""Temporary folders okrsheet makes, each named ``<kind><pid>-<random>``."""


def check_output(path: str | os.PathLike, force: bool = False) -> None:
    """Refuse, before any work, an output that could not be written: its folder is missing or
    read-only, its name is too long, or it exists (without ``force``)."""
    target = Path(path)
    folder = _folder(target)
    if not folder.is_dir():
        raise OkrsheetError(f"{target}: folder {folder} does not exist; create it first or "
                            "choose another folder.")
    if not force and os.path.lexists(target):
        raise _exists(target)
    if os.path.isdir(target):
        raise OkrsheetError(f"{target}: is a folder; choose a file name ending in .xlsx.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OkrsheetError(f"{target}: can't write in folder {folder} (permission denied); "
                            "choose another folder.")
    longest = _longest_name(folder)
    if len(os.fsencode(target.name)) > longest:
        raise OkrsheetError(f"{target}: the file name is too long ({len(os.fsencode(target.name))} "
                            f"bytes, at most {longest} here); choose a shorter name.")


def write_atomic(path: str | os.PathLike, data: bytes, force: bool = False) -> Path:
    """Write ``data`` to ``path`` via a temporary file, then a link (or, with ``force``, a
    rename) onto the final name (:func:`atomic_output`)."""
    with atomic_output(path, force) as write:
        write(data)
    return Path(path)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike,
                  force: bool = False) -> Iterator[Callable[[bytes], object]]:
    """``write(data)`` for the file ``path``, written as it goes to a temporary file in the
    same folder, which gets the final name when the block ends without an error.

    An interrupted write leaves the old file (or none), never half a file; an error leaves
    no temporary file behind. Without ``force`` the final name is claimed atomically (a hard
    link fails if the name exists), so of two runs writing the same name at once, one wins
    and the other is refused. A replaced file keeps its permissions; a new one gets the
    umask's (as any program's new file would). Every failure to write (disk full, read-only
    folder, name too long) is one line.
    """
    target = Path(path)
    check_output(target, force)
    mode = _mode(target) if force else _new_file_mode()
    try:
        # named after the target (cut short: a long name must not make the temporary
        # name too long), so a leftover after a SIGKILL says what it was
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name[:32]}.", suffix=".tmp",
                                             dir=_folder(target))
    except OSError as error:
        raise _write_error(target, error) from None
    finishing = False  # an error of the block itself is raised as it is
    try:
        with os.fdopen(handle, "wb") as stream:

            def write(data: bytes) -> None:
                try:
                    stream.write(data)
                except OSError as error:
                    raise _write_error(target, error) from None

            yield write
            finishing = True
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        if force:
            os.replace(temporary, target)
        else:
            _claim(temporary, target)
    except BaseException as error:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        if (finishing and isinstance(error, OSError)
                and not isinstance(error, FileExistsError)):
            raise _write_error(target, error) from None
        raise


# Private API


def _folder(target: Path) -> Path:
    return target.parent if str(target.parent) else Path(".")


def _exists(target: Path) -> OutputExists:
    return OutputExists(f"{target}: already exists; choose another name or use --force.")


def _claim(temporary: str, target: Path) -> None:
    """Give the written temporary file the name ``target``, only if no file has it."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise _exists(target) from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK,
                               errno.ENOSYS, errno.EXDEV):
            raise
        # no hard links on this file system: reserve the name, then rename onto it
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            raise _exists(target) from None
        os.replace(temporary, target)
        return
    os.unlink(temporary)


def _mode(target: Path) -> int:
    """The permissions of the file ``target`` replaces, or those of a new file."""
    try:
        return os.stat(target).st_mode & 0o7777
    except OSError:
        return _new_file_mode()


def _new_file_mode() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _longest_name(folder: Path) -> int:
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (AttributeError, ValueError, OSError):
        return 255


def _write_error(target: Path, error: OSError) -> OkrsheetError:
    folder = _folder(target)
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return OkrsheetError(f"{target}: the disk is full (or over quota); nothing was written. "
                             "Free some space and try again.")
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return OkrsheetError(f"{target}: can't write in folder {folder} "
                             f"({error.strerror or error}); choose another folder.")
    if error.errno == errno.ENAMETOOLONG:
        return OkrsheetError(f"{target}: the name is too long for this file system; choose a "
                             "shorter name.")
    if error.errno == errno.ENOENT:
        return OkrsheetError(f"{target}: folder {folder} does not exist (any more); create it "
                             "first or choose another folder.")
    return OkrsheetError(f"{target}: can't be written ({error.strerror or error}).")


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM stops the command as Ctrl-C does (``KeyboardInterrupt``), so
    ``finally`` blocks and exit handlers run and temporary files and folders are removed.
    Outside the main thread (where no handler can be set) it changes nothing."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(number: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def temporary_prefix(kind: str) -> str:
    """``<kind><pid>-``: a temporary folder named so that, should its process be killed,
    :func:`remove_left_behind` knows whose it was."""
    return f"{kind}{os.getpid()}-"


def remove_left_behind(kinds: tuple[str, ...] = TEMPORARY_KINDS) -> None:
    """Remove okrsheet's temporary folders whose process is gone (killed: a reading child
    stopped by Ctrl-C, a summary killed), of this user, in the temporary folder."""
    import shutil

    folder = tempfile.gettempdir()
    try:
        names = [name for name in os.listdir(folder) if name.startswith(kinds)]
    except OSError:
        return
    for name in names:
        kind = next(kind for kind in kinds if name.startswith(kind))
        pid = name.removeprefix(kind).split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        path = os.path.join(folder, name)
        with contextlib.suppress(OSError):
            if os.lstat(path).st_uid == os.getuid():
                shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's
        return True
    return True
