"""Writing files without ever losing one: temporary file in the target folder, then rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class OkrsheetError(Exception):
    """A user-facing error: its message is one line a person can act on."""


class OutputExists(OkrsheetError):
    pass


def write_atomic(path: str | os.PathLike, data: bytes, force: bool = False) -> Path:
    """Write ``data`` to ``path`` via a temporary file and a rename.

    An interrupted write leaves the old file (or none), never half a file. An existing
    ``path`` is only replaced with ``force``.
    """
    target = Path(path)
    if target.exists() and not force:
        raise OutputExists(f"{target}: already exists; choose another name or use --force.")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OkrsheetError(f"{target}: folder {folder} does not exist.")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    return target
