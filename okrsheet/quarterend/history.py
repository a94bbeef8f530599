"""The history store: every team quarter ever read, as tidy Parquet tables on disk.

``export(paths, store)`` reads workbooks and writes four tables, one row per team quarter,
objective, key result and check-in, each folder partitioned by quarter the way DuckDB,
Spark and pandas read without help (hive layout)::

    HISTORY/team_quarters/quarter=2026-Q1/data.parquet
    HISTORY/objectives/quarter=2026-Q1/data.parquet
    HISTORY/key_results/quarter=2026-Q1/data.parquet
    HISTORY/check_ins/quarter=2026-Q1/data.parquet

Choices, documented once here (and in docs/history.md with the schema):

* **Ids.** A team quarter is ``2026-Q1/<team key>`` (the team key is the name in lower case
  with single spaces, as the summary matches teams). An objective keeps its id in the
  workbook (``O2``; ``O<n>`` by position when it has none). A key result keeps its id in
  the workbook (``O2.3``: its objective's id and its number there, never renumbered); one
  without gets the next free number under its objective
  (:func:`okrsheet.domain.alignment.key_result_ids`); a key result that names no objective and has
  no id is ``U<n>`` (the n-th such row). Ids are unique within a source file.
* **Rows are keyed by source file.** A workbook is known by its absolute path
  (``source_file``; ``source_id`` is a 64-bit digest of it that the tables join on). Exporting it
  again replaces every row that came from that path, in whatever quarter (so a workbook
  whose Quarter cell was corrected moves), and nothing else. Another file for the same
  team and quarter is kept beside it; ``summary --from`` picks between them as the summary
  picks between files (the one saved later).
* **All or nothing per workbook.** A workbook that can't be read, or has no Team or a
  Quarter that can't be understood, changes nothing in the store (its old rows stay) and
  is reported with its one-line reason. Partition files are written to a temporary name
  and renamed, so a reader never sees half a file.
* **Scores are stored as okrsheet computes them** (:mod:`okrsheet.domain.scoring`), never as the
  workbook's cached formula results.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okrsheet.domain import scoring, status
from okrsheet.domain.model import CHECK_IN_COLUMNS, KeyResult, Scores, TeamQuarter
from okrsheet.domain.quarter import Quarter, week_start
from okrsheet.quarterend.rows import team_key
from okrsheet.quarterend.summary import has_started
from okrsheet.sheet.files import OkrsheetError

if TYPE_CHECKING:
    import pyarrow as pa

TABLES = ("team_quarters", "objectives", "key_results", "check_ins")
PARTITION_FILE = "data.parquet"
_ARROW = {"bool": "bool_"}  # Arrow type names that pyarrow spells otherwise
COUNT_COLUMNS = tuple(status.replace(" ", "_") for status in scoring.KR_STATUSES)

# Columns of each table, with their Arrow type names (the schema in docs/history.md).
# ``quarter`` is not in the files: it is the partition folder's name.
_KEY = (("team_quarter_id", "string"), ("team", "string"), ("team_key", "string"),
        ("source_file", "string"), ("source_id", "int64"))
SCHEMA: dict[str, tuple[tuple[str, str], ...]] = {
    "team_quarters": _KEY + (
        ("quarter_index", "int32"), ("quarter_start", "date32"), ("quarter_end", "date32"),
        ("as_of", "date32"), ("saved", "float64"), ("file_time", "float64"),
        ("content_key", "string"), ("started", "bool"), ("level", "string"),
        ("green_from", "float64"),
        ("orange_from", "float64"), ("score", "float64"), ("status", "string"),
        ("objectives", "int32"), ("key_results", "int32"), ("revised_targets", "int32"),
        ("overdue_actions", "int32")),
    "objectives": _KEY + (
        ("objective_id", "string"), ("number", "int32"), ("title", "string"),
        ("parent", "string"), ("score", "float64"), ("status", "string"), ("key_results", "int32"),
        ("revised_targets", "int32"), ("row", "int32")),
    "key_results": _KEY + (
        ("key_result_id", "string"), ("objective_id", "string"), ("position", "int32"),
        ("title", "string"), ("parent", "string"), ("owner", "string"), ("type", "string"),
        ("kind", "string"),
        ("unit", "string"), ("start", "float64"), ("target", "float64"),
        ("revised_target", "float64"), ("current", "float64"), ("current_text", "string"),
        ("weight", "float64"), ("weight_used", "float64"), ("progress", "float64"),
        ("status", "string"), ("input_check", "string"), ("lagging", "bool"),
        ("revised", "bool"), ("confidence", "string"), ("revision_reason", "string"),
        ("comment", "string"), ("confidence_fell", "bool"), ("stale", "bool"), ("row", "int32")),
    "check_ins": _KEY + (
        ("key_result_id", "string"), ("week", "int32"), ("week_start", "date32"),
        ("value", "float64"), ("value_text", "string"), ("confidence", "string")),
}


# Public API


@dataclass
class Export:
    """What :func:`export` did: team quarters written, and files left out with the reason."""

    written: list[tuple[str, str, str]] = field(default_factory=list)  # (file, team, quarter)
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    removed: int = 0  # rows of earlier exports of the same files replaced


def export(paths: Iterable[str | os.PathLike[str]], store: str | os.PathLike[str], *,
           fiscal_year_start: int = 1, named_by_start: bool = False,
           on_file: Callable[[Path], None] | None = None) -> Export:
    """Read the workbooks in ``paths`` (files or folders) and write their rows to ``store``.

    Rows from the same files replace their earlier rows; a workbook that can't be read
    changes nothing. The store folder is made if missing. Quarters are named as the
    summary names them (``fiscal_year_start``, ``named_by_start``).
    """
    from okrsheet.quarterend.workbooks import read_one
    from okrsheet.sheet.folders import find
    from okrsheet.sheet.saved import is_summary_workbook, saved_time

    paths = list(paths)
    search = find(paths)
    files = [path for path in search.workbooks if not is_summary_workbook(path)]
    if not files and not search.left_out:
        names = ", ".join(str(path) for path in paths)
        raise OkrsheetError(f"no workbooks (.xlsx, .xlsm, .ods, .xls) found in {names}.")
    root = _store_folder(store, create=True)
    result = Export(left_out=list(search.left_out))
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {}  # quarter -> table -> rows
    sources: set[str] = set()
    for path in files:
        team_quarter, scores, _, reason, file_time = read_one(path)[:5]
        if team_quarter is None:
            result.left_out.append((str(path), reason or "it can't be read."))
        else:
            source = os.path.abspath(path)
            saved = saved_time(path)[0]
            found = team_quarter_rows(team_quarter, source, saved, file_time, scores,
                                      fiscal_year_start=fiscal_year_start,
                                      named_by_start=named_by_start)
            if isinstance(found, str):
                result.left_out.append((str(path), found))
            else:
                label, tables = found
                sources.add(source)
                for table, table_rows in tables.items():
                    rows.setdefault(label, {}).setdefault(table, []).extend(table_rows)
                result.written.append((str(path), team_quarter.team or "", label))
        if on_file is not None:
            on_file(path)
    if sources:
        result.removed = _write_safely(root, rows, sources)
    return result


def team_quarter_rows(team_quarter: TeamQuarter, source: str, saved: float | None = None,
                      file_time: float | None = None, scores: Scores | None = None, *,
                      fiscal_year_start: int = 1, named_by_start: bool = False
                      ) -> tuple[str, dict[str, list[dict[str, Any]]]] | str:
    """``(quarter label, {table: rows})`` for one team quarter, or why it can't be stored
    (the words the summary leaves the workbook out with).

    ``saved`` is the time the workbook says it was saved (else its file time): of two
    copies of one team quarter, the summary uses the one saved later.
    """
    from okrsheet.domain.checks import identity_problems

    problems = identity_problems(team_quarter, fiscal_year_start, named_by_start)
    if problems:
        return f"{problems[0].cell}: {problems[0].message}"
    team = " ".join((team_quarter.team or "").split())
    period = Quarter.parse(team_quarter.quarter or "", fiscal_year_start, named_by_start)
    scores = scores or team_quarter.scores()
    key = {"team_quarter_id": f"{period.label}/{team_key(team)}", "team": team,
           "team_key": team_key(team), "source_file": source, "source_id": source_id(source)}
    day = status.judged_on(team_quarter)
    tables: dict[str, list[dict[str, Any]]] = {
        "team_quarters": [{
            **key, "quarter_index": period.year * 4 + period.number - 1,
            "quarter_start": team_quarter.quarter_start, "quarter_end": team_quarter.quarter_end,
            "as_of": team_quarter.as_of, "saved": saved, "file_time": file_time,
            "content_key": content_key(team_quarter), "started": has_started(team_quarter),
            "level": _text(team_quarter.level),
            "green_from": team_quarter.green_from, "orange_from": team_quarter.orange_from,
            "score": scores.score, "status": scores.status,
            "objectives": len(team_quarter.objectives), "key_results": len(scores.progress),
            "revised_targets": scores.revised,
            "overdue_actions": status.overdue_actions(team_quarter, day)}],
        "objectives": [], "key_results": [], "check_ins": []}
    from okrsheet.domain.alignment import key_result_ids

    kr_ids = key_result_ids(team_quarter)
    weeks = status.started_weeks(team_quarter.quarter_start, day) if day is not None else []
    for number, (objective, objective_scores) in enumerate(
            zip(team_quarter.objectives, scores.objectives), 1):
        objective_id = str(objective.id) if objective.id not in (None, "") else f"O{number}"
        tables["objectives"].append({
            **key, "objective_id": objective_id, "number": number, "title": objective.title,
            "parent": _text(objective.parent),
            "score": objective_scores.score, "status": objective_scores.status,
            "key_results": len(objective.key_results),
            "revised_targets": objective_scores.revised, "row": objective.row})
        for position, kr in enumerate(objective.key_results, 1):
            _add_key_result(tables, key, team_quarter, kr,
                            kr_ids.get(id(kr)) or f"{objective_id}.{position}", objective_id,
                            position, weeks)
    for position, kr in enumerate(team_quarter.unassigned, 1):
        _add_key_result(tables, key, team_quarter, kr, kr.id or f"U{position}", None, position,
                        weeks)
    return period.label, tables


def source_id(source: str) -> int:
    """A 64-bit number for a source file's path (the first 8 bytes of its SHA-256): the
    tables join on it rather than on the long path text."""
    import hashlib

    return int.from_bytes(hashlib.sha256(source.encode()).digest()[:8], "big", signed=True)


def content_key(team_quarter: TeamQuarter) -> str:
    """A digest of the objective and key-result titles (:func:`okrsheet.quarterend.copies.content`):
    two workbooks with the same digest are copies of one another, whatever their values."""
    import hashlib

    from okrsheet.quarterend.copies import content

    return hashlib.sha256(repr(content(team_quarter)).encode()).hexdigest()[:16]


def arrow_table(table: str, rows: list[dict[str, Any]]) -> "pa.Table":
    """Rows of ``table`` as an Arrow table with the store's schema."""
    import pyarrow as pa

    schema = arrow_schema(table)
    return pa.Table.from_pylist(rows, schema=schema)


def arrow_schema(table: str) -> "pa.Schema":
    import pyarrow as pa

    return pa.schema([(name, getattr(pa, _ARROW.get(kind, kind))()) for name, kind in SCHEMA[table]])


def parquet_glob(store: str | os.PathLike[str], table: str) -> str:
    """The glob that reads one table of the store: ``HISTORY/key_results/*/*.parquet``."""
    return str(Path(store) / table / "*" / "*.parquet")


def check_store(store: str | os.PathLike[str]) -> Path:
    """The store's folder; :class:`OkrsheetError` when it holds no history yet."""
    return _store_folder(store, create=False)


# Private API


def _number(value: object) -> float | None:
    return float(value) if scoring.is_number(value) else None  # type: ignore[arg-type]


def _text(value: object) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _add_key_result(tables: dict[str, list[dict[str, Any]]], key: dict[str, Any],
                    team_quarter: TeamQuarter, kr: KeyResult, kr_id: str,
                    objective_id: str | None, position: int, weeks: list[int]) -> None:
    check = team_quarter.kr_check(kr)
    progress = 0.0 if check else kr.progress
    current = kr.current_value
    tables["key_results"].append({
        **key, "key_result_id": kr_id, "objective_id": objective_id, "position": position,
        "title": _text(kr.title), "parent": _text(kr.parent), "owner": _text(kr.owner), "type": _text(kr.type),
        "kind": _text(kr.kind), "unit": _text(kr.unit), "start": _number(kr.start),
        "target": _number(kr.target), "revised_target": _number(kr.revised_target),
        "current": _number(current),
        "current_text": None if scoring.is_number(current) else _text(current),
        "weight": _number(kr.weight),
        "weight_used": 0.0 if objective_id is None else kr.weight_used,
        "progress": progress, "status": team_quarter.kr_status(kr), "input_check": check,
        "lagging": bool(kr.lagging), "revised": kr.revised, "confidence": _text(kr.confidence_value),
        "revision_reason": _text(kr.revision_reason), "comment": _text(kr.comment),
        "confidence_fell": status.confidence_fell(kr), "stale": status.is_stale(kr, weeks),
        "row": kr.row})
    for week in CHECK_IN_COLUMNS:
        value, confidence = kr.check_ins.get(week), kr.confidences.get(week)
        if (value is None or value == "") and (confidence is None or confidence == ""):
            continue
        start = team_quarter.quarter_start
        tables["check_ins"].append({
            **key, "key_result_id": kr_id, "week": week,
            "week_start": week_start(start, week) if start else None,
            "value": _number(value),
            "value_text": None if scoring.is_number(value) else _text(value),
            "confidence": _text(confidence)})


def _store_folder(store: str | os.PathLike[str], create: bool) -> Path:
    root = Path(store)
    if root.exists() and not root.is_dir():
        raise OkrsheetError(f"{root}: is a file, not a history folder; choose a folder.")
    if create:
        if root.exists() and any(root.iterdir()) and not (root / "team_quarters").is_dir():
            raise OkrsheetError(f"{root}: holds other files, not an okrsheet history; "
                                "choose an empty or new folder.")
        root.mkdir(parents=True, exist_ok=True)
    elif not (root / "team_quarters").is_dir():
        raise OkrsheetError(f"{root}: no okrsheet history here (no team_quarters folder); "
                            "make one with okrsheet export WORKBOOKS -o HISTORY.")
    return root


def _partitions(root: Path) -> dict[str, Path]:
    """``{quarter label: folder}`` of the partitions already in the store."""
    found: dict[str, Path] = {}
    folder = root / "team_quarters"
    if folder.is_dir():
        for child in sorted(folder.iterdir()):
            if child.is_dir() and child.name.startswith("quarter="):
                found[child.name.removeprefix("quarter=")] = child
    return found


def _write_safely(root: Path, rows: dict[str, dict[str, list[dict[str, Any]]]],
                  sources: set[str]) -> int:
    """:func:`_write`, with a damaged partition file or a folder that can't be written to
    as one line to act on."""
    import pyarrow as pa

    try:
        return _write(root, rows, sources)
    except (pa.ArrowException, OSError) as error:
        first = " ".join(str(error).split())[:160]
        raise OkrsheetError(f"{root}: the history can't be updated ({first}); check the "
                            "folder, or export into a new one.") from None


def _write(root: Path, rows: dict[str, dict[str, list[dict[str, Any]]]],
           sources: set[str]) -> int:
    """Rewrite every partition that gains rows or holds rows of ``sources``."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    removed = 0
    for label in sorted(set(_partitions(root)) | set(rows)):
        new_rows = rows.get(label, {})
        old_sources = _partition_sources(root, label)
        if not new_rows and not (old_sources & sources):
            continue
        for table in TABLES:
            path = root / table / f"quarter={label}" / PARTITION_FILE
            fresh = arrow_table(table, new_rows.get(table, []))
            if path.exists():
                old = pq.read_table(path, schema=arrow_schema(table))
                keep = pc.invert(pc.is_in(old["source_file"], value_set=pa.array(sorted(sources))))
                kept = old.filter(keep)
                removed += old.num_rows - kept.num_rows
                fresh = pa.concat_tables([kept, fresh])
            _write_table(fresh, path)
    return removed


def _partition_sources(root: Path, label: str) -> set[str]:
    import pyarrow.parquet as pq

    path = root / "team_quarters" / f"quarter={label}" / PARTITION_FILE
    if not path.exists():
        return set()
    return set(pq.read_table(path, columns=["source_file"])["source_file"].to_pylist())


def _write_table(table: "pa.Table", path: Path) -> None:
    """Sorted by team and source, so the same rows always make the same file."""
    import pyarrow.parquet as pq

    order = [(name, "ascending") for name in ("team_key", "source_file", "team_quarter_id")
             if name in table.column_names]
    if "key_result_id" in table.column_names:
        order.append(("key_result_id", "ascending"))
    if "week" in table.column_names:
        order.append(("week", "ascending"))
    if "number" in table.column_names:
        order.append(("number", "ascending"))
    table = table.sort_by(order)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        pq.write_table(table, temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

