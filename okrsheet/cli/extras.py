"""The optional libraries some outputs need (pyproject's extras), checked before any work.

``pip install okrsheet`` reads, writes, checks and summarises; the history store's queries
(DuckDB) and the dashboard's charts (matplotlib) come with ``okrsheet[history]`` and
``okrsheet[dashboard]`` (``okrsheet[all]``: every extra). A command that needs a missing one
stops with one line naming the extra to install.
"""

from __future__ import annotations

import importlib

EXTRAS = {
    "history": ("duckdb", "DuckDB"),
    "dashboard": ("matplotlib", "matplotlib"),
}
"""Extra -> (the module it installs, the library's name as people know it)."""


def require(extra: str, what: str) -> None:
    """Stop with one line (exit status 1) when ``what`` needs ``extra`` and its library can't
    be imported."""
    from okrsheet.domain.problems import OkrsheetError

    module, library = EXTRAS[extra]
    try:
        importlib.import_module(module)
    except ImportError:
        raise OkrsheetError(f"{what} needs {library}, which is not installed: "
                            f"pip install 'okrsheet[{extra}]' (or 'okrsheet[all]')."
                            ) from None
