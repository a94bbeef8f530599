"""Problems as values: what is wrong, where (file, sheet, cell), and how bad; and the errors
that stop a command with one line a person can act on."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Problem:
    """One thing to fix, e.g. ``team-east.xlsx OKRs!F7: Target is "fifty"; type a number.``"""

    severity: str
    file: str | None
    sheet: str | None
    cell: str | None
    message: str
    code: str = ""

    def __str__(self) -> str:
        where = self.file or ""
        if self.sheet:
            where += f" {self.sheet}" + (f"!{self.cell}" if self.cell else "")
        where = where.strip()
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class OkrsheetError(Exception):
    """A user-facing error: its message is one line a person can act on."""


class OutputExists(OkrsheetError):
    pass


class UnreadableFile(OkrsheetError):
    """A file okrsheet can't or won't read; the message names the file and what to do."""
