"""Many teams' quarters -> quarter-over-quarter tables (pandas DataFrames).

Library first: :func:`summarise` reads workbook files and folders, and
:func:`summarise_team_quarters` does the same over :class:`~okrsheet.domain.model.TeamQuarter`
objects already in memory (from a notebook, say). Both return a :class:`Summary`.

Choices, documented once here:

* **Team and quarter.** A workbook is one team's quarter, named by its Team and Quarter
  cells. Team names are matched ignoring case and repeated spaces; quarters are parsed
  with :class:`okrsheet.domain.quarter.Quarter` (``2026-Q1``, ``Q1 2026`` ... are the same).
* **Change.** A team's change is its score minus its score in the *immediately* preceding
  quarter; a team with no workbook for that quarter has no change (not a comparison with
  an older quarter).
* **Company roll-up.** The company score of a quarter is the plain mean of the team scores
  (every team counts the same, whatever its size or number of objectives), coloured with
  the default thresholds (green from 70%, orange from 40%). The company's KR status shares
  pool every key result of every team.
* **Not started.** A team quarter where no key result has a value yet (a fresh workbook
  from ``new`` or ``next``) is *not started*: its score and status are shown as ``-`` /
  ``not started``, not 0%, and it is left out of the company mean, the company's key-result
  shares, every change (its own and the next quarter's) and calibration. A team that has
  updated even one key result is scored as its sheet scores it.
* **Calibration.** A team is flagged ``too safe`` when it scored at least 90% in a quarter
  and in the quarter before, ``too ambitious`` when it scored at most 30% in both (the
  guide: about 70% is a good result; always 100% means sandbagging).
* **Copies and conflicts.** When two files claim the same team and quarter and hold the
  same objectives and key results (one is an older copy of the other), the one saved later
  is used, by the saved time the workbook records (``docProps/core.xml``; the file's time
  only when that is missing or equal, an emailed attachment's file time being its download
  time), and the other is listed in :attr:`Summary.duplicates` with the reason. When they
  differ (a copy relabelled with another team's name, say), neither is used: both are
  listed in :attr:`Summary.conflicts` until the wrong one is fixed or ``prefer`` names the
  right one. In :func:`summarise_team_quarters` the copy given later is the later one.
* **Check-in rhythm.** Each team row has ``confidence_fell`` (the share of key results
  whose latest confidence given at a check-in is lower than the first, of those given
  one at two check-ins or more), ``stale_key_results`` and ``overdue_actions``, judged on
  the workbook's As of, else today but not past the quarter's end (:mod:`okrsheet.domain.status`).
* **Every file.** Company and person workbooks are not in the tables (which are the
  teams'), but each is in the alignment tree and in :attr:`Summary.files` with the teams'
  workbooks, so a summary of a company workbook alone is its tree.
* **Left out.** A file that cannot be read, or has no Team or a Quarter that can't be
  understood, is left out and listed with its one-line reason in :attr:`Summary.left_out`.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okrsheet.domain import scoring
from okrsheet.domain.model import TeamQuarter
from okrsheet.domain.problems import OkrsheetError, Problem
from okrsheet.domain.quarter import Quarter
from okrsheet.quarterend.copies import pick

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from okrsheet.domain.alignment import Alignment
    from okrsheet.quarterend.rows import Entry


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls")

TOO_SAFE_FROM = 0.9
TOO_AMBITIOUS_TO = 0.3
TOO_SAFE, TOO_AMBITIOUS = "too safe", "too ambitious"
NOT_STARTED = "not started"

KR_STATUSES = scoring.KR_STATUSES
"""The key-result statuses counted in the summary, in display order."""


def status_column(status: str) -> str:
    """Column-name form of a KR status: ``"not updated"`` -> ``"not_updated"``."""
    return status.replace(" ", "_")


SHARE_COLUMNS = tuple(f"share_{status_column(status)}" for status in KR_STATUSES)
COUNT_COLUMNS = tuple(status_column(status) for status in KR_STATUSES)

RHYTHM_COLUMNS = ("confidence_fell", "stale_key_results", "overdue_actions")
"""The check-in rhythm of a team quarter (:func:`okrsheet.domain.status.rhythm`)."""
TEAM_COLUMNS = ("team", "quarter", "file", "score", "status", "objectives", "key_results",
                *SHARE_COLUMNS, "revised_targets", "previous_score", "change", "calibration",
                *RHYTHM_COLUMNS)
COMPANY_COLUMNS = ("quarter", "teams", "not_started", "score", "status", "objectives", "key_results",
                   *SHARE_COLUMNS, "revised_targets", "previous_score", "change")
OBJECTIVE_COLUMNS = ("team", "quarter", "file", "number", "objective", "score", "status",
                     "key_results", *COUNT_COLUMNS, "revised_targets")
CALIBRATION_COLUMNS = ("team", "quarter", "previous_score", "score", "calibration", "note")
LEFT_OUT_COLUMNS = ("file", "reason")
DUPLICATE_COLUMNS = ("team", "quarter", "used", "not_used", "reason")
CONFLICT_COLUMNS = ("team", "quarter", "files", "reason")
SKIPPED_COLUMNS = ("file", "reason")
FILE_COLUMNS = ("team", "quarter", "level", "file")

Row = dict[str, Any]
"""One row of a summary table: column name -> plain value (text, number or None by column)."""
ROW_BATCH = 10_000
"""Rows per batch when an output streams a table (:meth:`Summary.row_batches`)."""


# Public API


@dataclass
class Summary:
    """The quarter-end picture. Every table is a pandas DataFrame; scores are fractions 0..1.

    * ``teams``: one row per team and quarter (columns :data:`TEAM_COLUMNS`);
    * ``company``: one row per quarter, the roll-up (:data:`COMPANY_COLUMNS`);
    * ``objectives``: one row per objective (:data:`OBJECTIVE_COLUMNS`);
    * ``calibration``: teams at >= 90% or <= 30% two quarters running;
    * ``left_out``: files not in the summary, with their one-line reason;
    * ``duplicates``: older copies of a team quarter another file holds (not used);
    * ``conflicts``: team quarters claimed by workbooks that differ (none of them used);
    * ``skipped``: files in the folders that are not a team's workbook (lock files, links to
      nothing, the summary's own output), each with its reason; not a problem;
    * ``files``: every workbook used, of every level (company, team, person: the tables are
      the teams', the alignment tree has them all), by quarter (:data:`FILE_COLUMNS`).
    """

    teams: "pd.DataFrame"
    company: "pd.DataFrame"
    objectives: "pd.DataFrame"
    calibration: "pd.DataFrame"
    left_out: "pd.DataFrame"
    duplicates: "pd.DataFrame"
    conflicts: "pd.DataFrame"
    skipped: "pd.DataFrame" = field(default_factory=lambda: _frame([], SKIPPED_COLUMNS))
    files: "pd.DataFrame" = field(default_factory=lambda: _frame([], FILE_COLUMNS))
    team_quarters: list[TeamQuarter] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @functools.cached_property
    def alignment(self) -> "dict[str, Alignment]":
        """Each quarter's alignment tree (:mod:`okrsheet.domain.alignment`); empty when no workbook
        is a company's or names a parent. Built once, however many outputs show it."""
        from okrsheet.domain.alignment import align

        linked = any(tq.level == "company" or any(o.parent for o in tq.objectives)
                     or any(kr.parent for kr in tq.key_results) for tq in self.team_quarters)
        return align(self.team_quarters) if linked else {}

    def arrow(self, name: str) -> "pa.Table | None":
        """The table ``name`` as an Arrow table when the summary holds it so (a summary from
        the history store keeps its large tables in Arrow), else None."""
        return None

    def table_rows(self, name: str) -> list[Row]:
        """The table ``name`` (``teams``, ``objectives``, ``company``...) as plain rows: blanks
        None, numbers Python numbers. Made once per table; the outputs share them, read-only."""
        table = self.arrow(name)
        source = table if table is not None else getattr(self, name)
        cache = self.__dict__.setdefault("_rows", {})
        if name not in cache or cache[name][0] is not source:
            cache[name] = (source, plain_rows(source) if table is None else table.to_pylist())
        return cache[name][1]

    def columns(self, name: str, names: Iterable[str]) -> "pa.Table":
        """Only the columns ``names`` of the table ``name``, in its order, as an Arrow table
        (blanks null): read by column, not row by row; a summary from the history store
        queries just those columns."""
        import pyarrow as pa

        names = list(names)
        table = self.arrow(name)
        if table is None:
            return pa.Table.from_pandas(getattr(self, name)[names], preserve_index=False)
        return table.select(names)

    def quarter_rows(self, name: str, quarter: str) -> list[Row]:
        """The rows of :meth:`table_rows` of one quarter; a summary from the history store
        queries that quarter alone (the rest of a large table is never made for them)."""
        table = self.arrow(name)
        if table is not None:
            import pyarrow.compute as pc

            return table.filter(pc.equal(table["quarter"], quarter)).to_pylist()
        return [row for row in self.table_rows(name) if row["quarter"] == quarter]

    def row_batches(self, name: str, size: int = ROW_BATCH) -> Iterator[list[Row]]:
        """The rows of :meth:`table_rows`, ``size`` at a time, for an output that writes as it
        goes; a summary from the history store makes each batch only when it is asked for, so
        memory stays flat however many rows the table has."""
        table = self.arrow(name)
        if table is not None:
            for batch in table.to_batches(max_chunksize=size):
                yield batch.to_pylist()
            return
        found = self.table_rows(name)
        for start in range(0, len(found), size):
            yield found[start:start + size]

    @property
    def quarters(self) -> list[str]:
        """The quarters in the summary, oldest first."""
        return list(self.company["quarter"])

    @property
    def latest_quarter(self) -> str | None:
        return self.quarters[-1] if len(self.company) else None

    @property
    def files_read(self) -> int:
        return len(self.team_quarters) + len(self.duplicates) + sum(
            len(files.split("; ")) for files in self.conflicts["files"])


def find_workbooks(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The workbook files among ``paths``: files as given, folders searched recursively
    (see :mod:`okrsheet.files.folders` for what is read, left out and skipped in folders).
    Raises :class:`OkrsheetError` for a path that does not exist."""
    from okrsheet.files.folders import find

    return find(paths).workbooks


def summarise(paths: Iterable[str | os.PathLike], quarter: str | Quarter | None = None, *,
              as_of: dt.date | None = None, today: dt.date | None = None,
              workers: int | None = 1, on_file: Callable[[Path], None] | None = None,
              prefer: Iterable[str | os.PathLike] = (), fiscal_year_start: int = 1,
              named_by_start: bool = False) -> Summary:
    """Read every workbook in ``paths`` (files or folders) and summarise them.

    ``quarter`` keeps only that quarter's rows (changes still compare with the quarter
    before). ``workers`` > 1 reads files in that many processes (None: one per CPU).
    ``on_file`` is called after each file is read (for a progress bar). ``prefer`` names
    files to use where two workbooks claim the same team and quarter. ``today`` stands for
    today's date where a workbook's As of is blank (not past its Quarter end), so the same
    files give the same summary on any day (okrsheet summary --pack). Each workbook's
    Quarter must agree with its dates under the fiscal year given (default: calendar
    quarters), so one quarter label never stands for two date ranges.
    """
    from okrsheet.files.folders import find
    from okrsheet.files.saved import is_summary_workbook
    from okrsheet.quarterend.rows import Entry
    from okrsheet.quarterend.workbooks import read_all

    paths = list(paths)
    search = find(paths)
    files = search.workbooks
    if not files and not search.left_out:
        names = ", ".join(str(path) for path in paths)
        raise OkrsheetError(f"no workbooks (.xlsx, .xlsm, .ods, .xls) found in {names}.")
    entries: list[Entry] = []
    left_out, skipped = list(search.left_out), list(search.skipped)
    problems: list[Problem] = []
    outputs = [path for path in files if is_summary_workbook(path)]
    skipped += [(str(path), "a summary workbook made by okrsheet summary (an output, not a "
                            "team's workbook).") for path in outputs]
    files = [path for path in files if path not in outputs]
    for path, result in zip(files, read_all(files, as_of, workers, meanwhile=_import_tables)):
        team_quarter, scores, found, reason, saved = result
        if team_quarter is None:
            problems.extend(found)
            left_out.append((str(path), reason or ""))  # a file not read always has its reason
        else:
            problems.extend(found)
            if today is not None and team_quarter.as_of is None:
                end = team_quarter.quarter_end
                team_quarter.as_of = min(today, end) if end is not None else today
            entries.append(Entry(team_quarter, str(path), saved, scored=scores))
        if on_file is not None:
            on_file(path)
    summary = _summarise(entries, left_out, problems, quarter, prefer, fiscal_year_start,
                         named_by_start)
    summary.skipped = _frame(sorted(skipped), SKIPPED_COLUMNS)
    return summary


def summarise_team_quarters(team_quarters: Iterable[TeamQuarter],
                            quarter: str | Quarter | None = None, *,
                            fiscal_year_start: int = 1, named_by_start: bool = False) -> Summary:
    """Summarise team quarters already in memory; of two copies of one team quarter with the
    same objectives and key results, the one given later is used (two that differ conflict)."""
    from okrsheet.quarterend.rows import Entry

    entries = [Entry(team_quarter, team_quarter.file or "", None)
               for team_quarter in team_quarters]
    return _summarise(entries, [], [], quarter, (), fiscal_year_start, named_by_start)


def has_started(team_quarter: TeamQuarter) -> bool:
    """True once any key result has a value (a Current or a check-in), even one to check."""
    return any(kr.current_value not in (None, "") for kr in team_quarter.key_results)


# Private API


def plain_rows(frame: "pd.DataFrame") -> list[Row]:
    """A DataFrame's rows as plain dicts: NaN -> None, numpy numbers -> int/float."""
    return [row for batch in frame_batches(frame) for row in batch]


def frame_batches(frame: "pd.DataFrame", size: int = ROW_BATCH) -> Iterator[list[Row]]:
    """The rows of :func:`plain_rows`, ``size`` at a time (only one batch of dicts in memory)."""
    import math

    def plain(value: object) -> Any:
        if value is None:
            return None
        if hasattr(value, "item"):  # numpy scalar
            value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
        return value

    if len(frame) > 1000:  # through Arrow: NaN -> null, numpy -> Python, in C++ (10x faster)
        import pyarrow as pa

        try:
            table = pa.Table.from_pandas(frame, preserve_index=False)
        except (pa.ArrowException, ValueError, TypeError):
            pass  # mixed types in a column: value by value below
        else:
            for batch in table.to_batches(max_chunksize=size):
                yield batch.to_pylist()
            return
    for start in range(0, len(frame), size):
        yield [{str(key): plain(value) for key, value in row.items()}
               for row in frame.iloc[start:start + size].to_dict("records")]


def _import_tables() -> None:
    """Import the libraries of the tables while the workbooks are read (on another core)."""
    import pandas  # noqa: F401
    import pyarrow  # noqa: F401


def _frame(rows: list, columns: tuple[str, ...]) -> "pd.DataFrame":
    import pandas as pd

    return pd.DataFrame(rows, columns=list(columns))


def _summarise(entries: "list[Entry]", left_out: list[tuple[str, str]],
               problems: list[Problem], quarter: str | Quarter | None,
               prefer: Iterable[str | os.PathLike], fiscal_year_start: int = 1,
               named_by_start: bool = False) -> Summary:
    from okrsheet.quarterend import rows

    preferred = {os.path.normpath(path) for path in prefer}
    usable: list[Entry] = []
    for entry in entries:
        reason = rows.identify(entry, fiscal_year_start, named_by_start)
        if reason:
            left_out.append((entry.file, reason))
        else:
            usable.append(entry)
    chosen, duplicates, conflicts = pick(usable, preferred)
    for entry in chosen:
        if entry.scored is None:
            entry.scored = entry.team_quarter.scores()
    chosen.sort(key=lambda entry: ((entry.quarter().year, entry.quarter().number), entry.team_key))

    # The tables are teams'; company and person workbooks sit in the alignment tree only.
    teams = [entry for entry in chosen if entry.team_quarter.level == "team"]
    display = {}  # team key -> name as written in the team's latest workbook
    for entry in teams:
        display[entry.team_key] = " ".join((entry.team_quarter.team or "").split())
    scores = {(entry.team_key, entry.quarter().label): rows.counted_score(entry)
              for entry in teams}

    team_rows = [rows.team_row(entry, display, scores) for entry in teams]
    objective_rows = [row for entry in teams for row in rows.objective_rows(entry, display)]
    company_rows = rows.company_rows(teams)
    calibration_rows = [
        {"team": row["team"], "quarter": row["quarter"], "previous_score": row["previous_score"],
         "score": row["score"], "calibration": row["calibration"],
         "note": rows.calibration_note(row["calibration"])}
        for row in team_rows if row["calibration"]]

    wanted = None
    if quarter is not None:
        wanted = quarter.label if isinstance(quarter, Quarter) else Quarter.parse(quarter).label
        found = sorted({row["quarter"] for row in company_rows})
        if wanted not in found:
            raise OkrsheetError(f"no workbook is for {wanted}; quarters found: "
                                f"{', '.join(found) or 'none'}.")
        team_rows = [row for row in team_rows if row["quarter"] == wanted]
        objective_rows = [row for row in objective_rows if row["quarter"] == wanted]
        company_rows = [row for row in company_rows if row["quarter"] == wanted]
        calibration_rows = [row for row in calibration_rows if row["quarter"] == wanted]
        chosen = [entry for entry in chosen if entry.quarter().label == wanted]

    frame = _frame
    return Summary(
        teams=frame(team_rows, TEAM_COLUMNS),
        company=frame(company_rows, COMPANY_COLUMNS),
        objectives=frame(objective_rows, OBJECTIVE_COLUMNS),
        calibration=frame(calibration_rows, CALIBRATION_COLUMNS),
        left_out=frame(sorted(left_out), LEFT_OUT_COLUMNS),
        duplicates=frame(duplicates, DUPLICATE_COLUMNS),
        conflicts=frame(conflicts, CONFLICT_COLUMNS),
        team_quarters=[entry.team_quarter for entry in chosen],
        files=frame([(" ".join((entry.team_quarter.team or "").split()), entry.quarter().label,
                      entry.team_quarter.level or "team", entry.file) for entry in chosen],
                    FILE_COLUMNS),
        problems=problems,
    )


