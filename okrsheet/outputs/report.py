"""Show a :class:`~okrsheet.quarterend.summary.Summary`: the pieces every output shares, and CSV/JSON.

One module per output:

* :mod:`okrsheet.outputs.report_terminal` - rich tables for the terminal (``print_table``);
* :mod:`okrsheet.outputs.report_text` - markdown a manager pastes into an email (``markdown``);
* :mod:`okrsheet.outputs.summary_workbook` - the summary .xlsx with charts (``write_summary_workbook``);
* here: :func:`csv_rows_text` / :func:`json_text`, machine-readable rows (written as they go
  by :func:`write_csv` / :func:`write_json`, a batch of rows at a time), and the helpers
  the others share (rows by team, notes, red objectives, percent and points texts).

CSV cells that a spreadsheet would run as a formula are written with a single quote in
front (:func:`okrsheet.outputs.escape.csv_text`); numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from okrsheet.domain import scoring
from okrsheet.domain.quarter import REVIEW_WEEK
from okrsheet.domain.text import visible
from okrsheet.outputs.escape import csv_text
from okrsheet.outputs.json_document import Batches
from okrsheet.outputs.json_document import write_json as write_json_document
from okrsheet.quarterend.summary import (
    KR_STATUSES,
    NOT_STARTED,
    OBJECTIVE_COLUMNS,
    ROW_BATCH,
    SHARE_COLUMNS,
    TEAM_COLUMNS,
    TOO_AMBITIOUS_TO,
    TOO_SAFE,
    TOO_SAFE_FROM,
    Row,
    Summary,
    frame_batches,
)
from okrsheet.sheet import cells

if TYPE_CHECKING:
    import pandas as pd

    from okrsheet.quarterend.calibration import Calibration

COMPACT_JSON_FROM = 10_000
"""JSON with more rows than this is written on one line, without indentation: Python's fast
JSON encoder does not indent (100,000 team rows: about 1 s instead of 9)."""

# Public API: rows


def rows(summary: Summary, objectives: bool = False) -> list[Row]:
    """One dict per team and quarter (or per objective), blanks as None, numbers as Python numbers."""
    return summary.table_rows("objectives" if objectives else "teams")


def records(frame: "pd.DataFrame") -> list[Row]:
    """A DataFrame's rows as plain dicts: NaN -> None, numpy numbers -> int/float."""
    from okrsheet.quarterend.summary import plain_rows

    return plain_rows(frame)


def csv_rows_text(summary: Summary, objectives: bool = False) -> str:
    """CSV: a header line, then one line per team and quarter (or objective)."""
    parts: list[str] = []
    write_csv(summary, parts.append, objectives)
    return "".join(parts)


def csv_table_text(table: list[dict[str, object]], columns: tuple[str, ...] | None = None) -> str:
    """CSV of ``table`` (a header line, then its rows), text escaped against formulas."""
    parts: list[str] = []
    write_csv_table([table], parts.append, columns)
    return "".join(parts)


def json_text(summary: Summary, objectives: bool = False,
              confidence: "Calibration | None" = None) -> str:
    """JSON object: ``teams`` (or ``objectives``) rows, ``company``, ``calibration``,
    ``left_out``, ``duplicates``, ``conflicts`` and ``skipped``; scores as fractions 0..1, blanks as null.
    With ``confidence`` (:mod:`okrsheet.quarterend.calibration`), also ``confidence``: each team's
    Brier score, the reliability table and the input/output/outcome balance. Indented,
    up to :data:`COMPACT_JSON_FROM` rows; one line past that."""
    parts: list[str] = []
    write_json(summary, parts.append, objectives, confidence)
    return "".join(parts)


# Public API: writing as it goes


def write_csv(summary: Summary, write: Callable[[str], object], objectives: bool = False,
              size: int = ROW_BATCH) -> None:
    """The CSV of :func:`csv_rows_text`, ``write(text)`` a batch of ``size`` rows at a time."""
    name = "objectives" if objectives else "teams"
    columns = OBJECTIVE_COLUMNS if objectives else TEAM_COLUMNS
    write_csv_table(summary.row_batches(name, size), write, columns)


def write_csv_table(batches: Iterable[list[Row]], write: Callable[[str], object],
                    columns: tuple[str, ...] | None = None) -> None:
    """The CSV of :func:`csv_table_text` of the rows in ``batches``, a batch at a time;
    without ``columns``, those of the first row."""
    batches = iter(batches)
    held = next((batch for batch in batches if batch), [])
    names = list(columns or (held[0].keys() if held else ()))
    for number, batch in enumerate(itertools.chain([held], batches)):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        if number == 0:
            writer.writerow(names)
        writer.writerows([_csv_cell(row[column]) for column in names] for row in batch)
        write(buffer.getvalue())


def write_json(summary: Summary, write: Callable[[str], object], objectives: bool = False,
               confidence: "Calibration | None" = None, size: int = ROW_BATCH) -> None:
    """The JSON of :func:`json_text`, ``write(text)`` a piece at a time: its large tables
    (the rows, the calibration's team quarters) ``size`` rows at a time, so neither all
    rows nor the whole text are ever in memory."""
    key = "objectives" if objectives else "teams"
    batches = summary.row_batches(key, size)
    held: list[list[Row]] = []  # enough rows to tell whether the document is indented
    count = 0
    for batch in batches:
        held.append(batch)
        count += len(batch)
        if count > COMPACT_JSON_FROM:
            break
    large = count > COMPACT_JSON_FROM
    document: dict[str, object] = {
        key: Batches(itertools.chain(held, batches)),
        **{name: Batches(frame_batches(getattr(summary, name), size)) for name in (
            "company", "calibration", "left_out", "duplicates", "conflicts", "skipped")},
        "files": Batches(summary.row_batches("files", size)),
    }
    trees = summary.alignment
    if trees:
        from okrsheet.outputs.alignment_report import alignment_data

        document.update(alignment_data(trees))
    if confidence is not None:  # the tables of calibration.calibration_records, as they go
        document["confidence"] = {
            name: Batches(frame_batches(frame, size)) for name, frame in (
                ("teams", confidence.teams), ("team_quarters", confidence.forecasts),
                ("reliability", confidence.reliability), ("kinds", confidence.kinds))}
        from okrsheet.quarterend.calibration import left_out_records

        document["confidence"].update(left_out_records(confidence))  # type: ignore[attr-defined]
    write_json_document(document, write, indent=None if large else 2)
    write("\n")


# Public API: text for people


def percent(score: float | None) -> str:
    """``0.704`` -> ``"70%"``; blank for no score."""
    return cells.percent(score, blank="")


def change_text(change: float | None, arrows: tuple[str, str, str] = ("▲", "▼", "►")) -> str:
    """A change in percentage points with an arrow: ``0.13`` -> ``"▲ +13 pts"``."""
    if change is None:
        return ""
    points = int(cells.round_half_away(change * 100))
    if points > 0:
        return f"{arrows[0]} +{points} pts"
    if points < 0:
        return f"{arrows[1]} {points} pts"
    return f"{arrows[2]} 0 pts"


# Public API: shared by the outputs


def grid(summary: Summary) -> dict[str, dict[str, Row]]:
    """team -> quarter -> team row, teams in name order."""
    grid: dict[str, dict[str, Row]] = {}
    for row in summary.table_rows("teams"):
        grid.setdefault(row["team"], {})[row["quarter"]] = row
    return dict(sorted(grid.items(), key=lambda item: item[0].casefold()))


def headline(summary: Summary) -> str:
    quarters = summary.quarters
    span = quarters[0] if len(quarters) == 1 else f"{quarters[0]} to {quarters[-1]}"
    rows = summary.table_rows("teams")
    teams = len({row["team"] for row in rows})
    return (f"OKR summary: {teams} team{'s' if teams != 1 else ''}, {span} "
            f"({len(rows)} workbook{'s' if len(rows) != 1 else ''})")


def previous_label(summary: Summary) -> str:
    """The quarter the latest one is compared with (always the one just before it)."""
    from okrsheet.domain.quarter import Quarter

    latest = summary.latest_quarter
    return Quarter.parse(latest).previous().label if latest else ""


def mix(row: Row | None) -> str:
    """``"3/1/0/1/0/0"``: the key results by status (:data:`KR_STATUSES` order) of one team
    or company row (teams that have not started are left out of the company's, as in its
    score); blank without a row."""
    if row is None:
        return ""
    return "/".join(str(round((row[share] or 0) * row["key_results"])) for share in SHARE_COLUMNS)


def rhythm_cells(row: Row | None) -> list[str]:
    """A team row's check-in rhythm as texts: ``["25%", "2", "1"]`` (confidence fell, stale
    key results, overdue actions); blanks for no row, ``-`` when no confidence fell or rose."""
    if row is None:
        return ["", "", ""]
    fell = row["confidence_fell"]
    return ["-" if fell is None else percent(fell), str(row["stale_key_results"]),
            str(row["overdue_actions"])]


def in_progress(summary: Summary, dated: bool = True) -> str | None:
    """A line when the latest quarter is not over on its workbooks' As of: its scores, and
    their change from a whole quarter before, will still move; with ``dated``, the week and
    the day. None when it is over."""
    teams = [tq for tq in summary.team_quarters if tq.level == "team" and tq.quarter_start]
    if summary.latest_quarter is None or not teams:
        return None
    start = max(tq.quarter_start for tq in teams if tq.quarter_start)
    current = [tq for tq in teams if tq.quarter_start == start]
    as_of = max((tq.as_of for tq in current if tq.as_of), default=None)
    end = max((tq.quarter_end for tq in current if tq.quarter_end), default=None)
    if as_of is None or end is None or as_of >= end:
        return None
    week = min(REVIEW_WEEK, max(1, (as_of - start).days // 7 + 1))
    when = f" (week {week} of {REVIEW_WEEK} on {as_of:%d %b %Y})" if dated else ""
    return (f"{summary.latest_quarter} is in progress{when}: its scores, and their change from "
            f"the whole of {previous_label(summary)}, will still move.")


def notes(summary: Summary) -> list[str]:
    found: list[str] = [line for line in (in_progress(summary),) if line]
    waiting: dict[str, list[str]] = {}
    for row in summary.table_rows("teams"):
        if row["status"] == NOT_STARTED:
            waiting.setdefault(str(row["quarter"]), []).append(str(row["team"]))
    for quarter, teams in waiting.items():
        names = teams[0] if len(teams) == 1 else f"{', '.join(teams[:-1])} and {teams[-1]}"
        found.append(f"{names} {'has' if len(teams) == 1 else 'have'} not started {quarter} (no "
                     "key result has a value yet); left out of the company score and the changes.")
    flagged: dict[tuple[str, str], list[str]] = {}
    for row in records(summary.calibration):
        flagged.setdefault((row["team"], row["calibration"]), []).append(row["quarter"])
    for (team, flag), quarters in flagged.items():
        why = (f"{TOO_SAFE_FROM:.0%} or more two quarters running; sandbagging?" if flag == TOO_SAFE
               else f"{TOO_AMBITIOUS_TO:.0%} or less two quarters running; targets out of reach?")
        found.append(f"{team}: {flag} in {', '.join(quarters)} ({why})")
    others = [level for level in summary.columns("files", ["level"])["level"].to_pylist()
              if level != "team"]  # company and person workbooks: in the alignment tree
    if others:
        counted = " and ".join(f"{others.count(level)} {level}" for level in sorted(set(others)))
        found.append(f"The {counted} workbook{'s' if len(others) != 1 else ''} "
                     f"{'are' if len(others) != 1 else 'is'} in the alignment tree (--tree), "
                     "not in the teams' tables.")
    latest_quarter = summary.latest_quarter
    latest = [row for row in summary.table_rows("teams") if row["quarter"] == latest_quarter]
    revised = [f"{row['team']} {row['revised_targets']}" for row in latest if row["revised_targets"]]
    if revised:
        found.append(f"Targets revised during {latest_quarter}: {', '.join(revised)}.")
    lagging = [f"{row['team']} {round(row['share_lagging'] * row['key_results'])}" for row in latest
               if row["share_lagging"]]
    if lagging:
        found.append(f"Lagging key results, to score at the next review: {', '.join(lagging)}.")
    found.extend(conflict_lines(summary))
    for row in records(summary.duplicates):
        found.append(f"Two files for {row['team']} {row['quarter']}: used {row['used']}, "
                     f"not {row['not_used']} ({row['reason']}).")
    for row in records(summary.left_out):
        found.append(f"Left out {row['file']}: {row['reason']}")
    for row in records(summary.skipped):
        found.append(f"Skipped {row['file']}: {row['reason']}")
    warned = sorted({problem.file for problem in summary.problems if problem.file})
    if warned:
        count = len(summary.problems)
        names = ", ".join(warned[:3]) + (", ..." if len(warned) > 3 else "")
        found.append(f"{count} problem{'s' if count != 1 else ''} in {names}; "
                     "run okrsheet check FILE for details.")
    return found


def conflict_lines(summary: Summary) -> list[str]:
    """One line per team quarter that two differing workbooks claim."""
    return [f"Conflict: {row['files'].replace('; ', ' and ')}: {row['reason']}"
            for row in records(summary.conflicts)]


def red_objectives(summary: Summary) -> list[Row]:
    """The latest quarter's red objectives (of that quarter's rows alone:
    :meth:`~okrsheet.quarterend.summary.Summary.quarter_rows`)."""
    latest = summary.latest_quarter
    if latest is None:
        return []
    return [row for row in summary.quarter_rows("objectives", latest)
            if row["status"] == scoring.RED]


def legend(rhythm: bool = False) -> str:
    """What the terminal table's columns mean (``rhythm``: the check-in rhythm's too)."""
    text = ("Scores coloured green from 70%, orange from 40%, red below (or the team's own "
            "thresholds). Change: latest quarter minus the one before, in points. KRs: key "
            f"results {'/'.join(KR_STATUSES)} in the latest quarter.")
    if rhythm:
        text += (" Conf. fell: share of key results whose latest check-in confidence is below "
                 "their first; stale KRs: no value in the last two check-ins; overdue: "
                 "actions not done past their due date.")
    return text


# Private API


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(visible(value))
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    return value
