"""The history store: every team quarter ever read, as tidy Parquet tables on disk.

``okrsheet export`` (:func:`okrsheet.workflows.export.export`) writes four tables, one row per team quarter,
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
  is reported with its one-line reason.
* **All or nothing per export** (transactions). An export holds ``_okrsheet.lock``
  (``fcntl.flock``, exclusive) while it reads, merges and writes, so exports run one after
  the other; it writes new files under new names (``part-<version>-<random>.parquet``,
  never changed after) and then commits by replacing one small file, ``_okrsheet.json``,
  which names every table's file of every quarter (with its rows and bytes), with
  ``os.replace``. Readers read only the files it names: a store killed at any moment is as
  it was before the export or after it, never between. Files no commit names are removed
  after the commit, when no reader holds ``_okrsheet.readers`` (else by a later export).
  A store from before transactions (``data.parquet`` files, no ``_okrsheet.json``) is read
  as it is and taken over by its next export.
* **Scores are stored as okrsheet computes them** (:mod:`okrsheet.domain.scoring`), never as the
  workbook's cached formula results.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okrsheet.domain import schema, scoring, status
from okrsheet.domain.model import KeyResult, Scores, TeamQuarter
from okrsheet.domain.problems import OkrsheetError
from okrsheet.domain.quarter import CHECK_IN_COLUMNS, Quarter, week_start
from okrsheet.quarterend.rows import team_key
from okrsheet.quarterend.summary import has_started

if TYPE_CHECKING:
    import pyarrow as pa

TABLES = ("team_quarters", "objectives", "key_results", "check_ins")
PARTITION_FILE = "data.parquet"
"""The one file of a partition in a store from before transactions."""
MANIFEST = "_okrsheet.json"
"""The commit: names every table's file of every quarter. Replaced whole (``os.replace``)."""
LOCK = "_okrsheet.lock"
"""Held (``flock``, exclusive) by an export from reading the commit to writing the next."""
READERS = "_okrsheet.readers"
"""Held shared by readers; an export removes files no commit names only when it can hold it."""
STORE_FORMAT = 1
_MANIFEST_LIMIT = 64 << 20
_LABEL = re.compile(r"\d{1,6}-Q[1-4]\Z")
_PART = re.compile(r"(part-\d{6,}-[0-9a-f]{16}|data)\.parquet\Z")
_TEMPORARY = re.compile(r"\.data\.parquet\..*\.tmp\Z")
_ARROW = {"bool": "bool_"}  # Arrow type names that pyarrow spells otherwise



def _arrow_type(field_: schema.Field) -> str:
    """A typed key-result field's column type: yes/no a bool, a number (Current too) a
    float64 (its text, when not a number, is in ``current_text``), any other text a string."""
    if field_.choices == scoring.YES_NO:
        return "bool"
    if field_.kind == schema.NUMBER or (field_.kind == schema.CURRENT and not field_.choices):
        return "float64"
    return "string"


STORED_FIELDS = tuple(field_ for field_ in schema.KEY_RESULT_FIELDS
                      if field_.stored and field_.typed)
"""The key-result fields the store keeps as typed (Current and Confidence as the sheet
shows them), from the schema; the computed ones (progress, status...) are added by export."""

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
        *((field_.key, _arrow_type(field_)) for field_ in STORED_FIELDS),
        ("current_text", "string"), ("weight_used", "float64"), ("progress", "float64"),
        ("status", "string"), ("input_check", "string"), ("revised", "bool"),
        ("confidence_fell", "bool"), ("stale", "bool"), ("row", "int32")),
    "check_ins": _KEY + (
        ("key_result_id", "string"), ("week", "int32"), ("week_start", "date32"),
        ("value", "float64"), ("value_text", "string"), ("confidence", "string")),
}


# Public API


def store_folder(store: str | os.PathLike[str]) -> Path:
    """The store's folder, made if missing and checked (before any workbook is read)."""
    return _store_folder(store, create=True)


def write_rows(root: Path, rows: dict[str, dict[str, list[dict[str, Any]]]],
               sources: set[str]) -> int:
    """Write ``rows`` (quarter -> table -> rows) in one transaction, replacing every earlier
    row of ``sources``; how many earlier rows were replaced."""
    return _write_safely(root, rows, sources)


def team_quarter_rows(team_quarter: TeamQuarter, source: str, saved: float | None = None,
                      file_time: float | None = None, scores: Scores | None = None, *,
                      fiscal_year_start: int = 1, named_by_start: bool = False
                      ) -> tuple[str, dict[str, list[dict[str, Any]]]] | str:
    """``(quarter label, {table: rows})`` for one team quarter, or why it can't be stored
    (the words the summary leaves the workbook out with).

    ``saved`` is the time the workbook says it was saved (else its file time): of two
    copies of one team quarter, the summary uses the one saved later.
    """
    from okrsheet.sheet.checking import identity_problems

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


@dataclass
class Snapshot:
    """The files of one commit of a store, as a reader sees them: ``files[table]`` is
    ``[(quarter, path)]``. While open it holds ``_okrsheet.readers`` shared, so no export
    removes a file it names; :meth:`close` releases it."""

    root: Path
    version: int | None  # None: a store from before transactions
    files: dict[str, list[tuple[str, Path]]]
    size: int  # bytes of every file named
    _handle: int | None = None

    def __del__(self) -> None:
        self.close()

    def close(self) -> None:
        if self._handle is not None:
            os.close(self._handle)
            self._handle = None


def open_snapshot(store: str | os.PathLike[str]) -> Snapshot:
    """The store's last commit, checked: every file it names is there, a file (not a link),
    of the size it was written with; :class:`OkrsheetError` (one line) when not."""
    root = check_store(store)
    handle = _lock(root, READERS, shared=True)
    try:
        found = _read_manifest(root)
        version, tables = (None, _legacy_entries(root)) if found is None else found
        files: dict[str, list[tuple[str, Path]]] = {}
        size = 0
        for table in TABLES:
            _check_folder(root, table)
            files[table] = []
            for label, entry in sorted(tables[table].items()):
                _check_folder(root, f"{table}/quarter={label}")
                path = root / table / f"quarter={label}" / str(entry["file"])
                try:
                    info = os.lstat(path)
                except FileNotFoundError:
                    raise not_consistent(root, f"{path.relative_to(root)} is missing") from None
                if not stat.S_ISREG(info.st_mode):
                    raise not_consistent(root, f"{path.relative_to(root)} is not a file")
                if info.st_size != entry["bytes"]:
                    raise not_consistent(root, f"{path.relative_to(root)} has "
                                               f"{info.st_size:,} bytes, not the "
                                               f"{entry['bytes']:,} written")
                files[table].append((label, path))
                size += info.st_size
        if version is not None and set(tables["team_quarters"]) != set(tables["key_results"]):
            raise not_consistent(root, "its tables hold different quarters")
    except BaseException:
        if handle is not None:
            os.close(handle)
        raise
    return Snapshot(root, version, files, size, handle)


def table_files(store: str | os.PathLike[str], table: str) -> list[Path]:
    """The files of one table in the store's last commit (what ``summary --from`` reads):
    read these, not every file in the folder, while an export may be running."""
    snapshot = open_snapshot(store)
    snapshot.close()
    return [path for _, path in snapshot.files[table]]


def adopt(store: str | os.PathLike[str]) -> int:
    """Commit a store from before transactions as it is (its ``data.parquet`` files), as its
    next export would; the version committed (the store's own when it has one)."""
    root = check_store(store)
    lock = _lock(root, LOCK)
    assert lock is not None  # waited for
    try:
        found = _read_manifest(root)
        if found is not None:
            return found[0]
        tables = _legacy_entries(root)
        _count_legacy_rows(root, tables)
        _commit(root, 1, tables)
        return 1
    finally:
        os.close(lock)


def not_consistent(root: Path, what: str) -> OkrsheetError:
    """The error for a history store at ``root`` whose files disagree (``what``), saying
    how to recover."""
    return OkrsheetError(f"{root}: the history is not consistent ({what}); export the "
                         "workbooks again into a new folder, or restore the folder from a backup.")


# Private API


def _number(value: object) -> float | None:
    return float(value) if scoring.is_number(value) else None  # type: ignore[arg-type]


def _text(value: object) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _stored(kr: KeyResult, field_: schema.Field) -> object:
    """A typed field's value as its column holds it; Current and Confidence as the sheet
    shows them (``current_value``: typed, else the latest check-in)."""
    name = field_.data_key
    value = getattr(kr, f"{name}_value" if field_.kind == schema.CURRENT else name)
    kind = _arrow_type(field_)
    if kind == "bool":
        return bool(value)
    return _number(value) if kind == "float64" else _text(value)


def _add_key_result(tables: dict[str, list[dict[str, Any]]], key: dict[str, Any],
                    team_quarter: TeamQuarter, kr: KeyResult, kr_id: str,
                    objective_id: str | None, position: int, weeks: list[int]) -> None:
    check = team_quarter.kr_check(kr)
    progress = 0.0 if check else kr.progress
    current = kr.current_value
    tables["key_results"].append({
        **key, "key_result_id": kr_id, "objective_id": objective_id, "position": position,
        **{field_.key: _stored(kr, field_) for field_ in STORED_FIELDS},
        "current_text": None if scoring.is_number(current) else _text(current),
        "weight_used": 0.0 if objective_id is None else kr.weight_used,
        "progress": progress, "status": team_quarter.kr_status(kr), "input_check": check,
        "revised": kr.revised,
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
        ours = (LOCK, READERS, MANIFEST)  # a concurrent export may have made them
        if root.exists() and any(child.name not in ours for child in root.iterdir()) \
                and not (root / "team_quarters").is_dir():
            raise OkrsheetError(f"{root}: holds other files, not an okrsheet history; "
                                "choose an empty or new folder.")
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OkrsheetError(f"{root}: can't be made a history folder "
                                f"({error.strerror or error}); choose another folder.") from None
    elif not (root / "team_quarters").is_dir():
        raise OkrsheetError(f"{root}: no okrsheet history here (no team_quarters folder); "
                            "make one with okrsheet export WORKBOOKS -o HISTORY.")
    return root


def _lock(root: Path, name: str, shared: bool = False, wait: bool = True) -> int | None:
    """A descriptor holding ``flock`` on ``root/name`` (made if missing), None when the lock
    is held elsewhere and ``wait`` is false. A reader of a store it can't write reads
    without one (None)."""
    import errno
    import fcntl

    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        handle = os.open(root / name, flags, 0o666)
    except OSError as error:
        if shared and error.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
            try:
                handle = os.open(root / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            except OSError:
                return None
        elif error.errno == errno.ELOOP:
            raise OkrsheetError(f"{root / name}: a link, where the history keeps its lock; "
                                "remove it.") from None
        else:
            raise
    mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if wait else fcntl.LOCK_NB)
    try:
        fcntl.flock(handle, mode)
    except BlockingIOError:
        os.close(handle)
        return None
    except BaseException:
        os.close(handle)
        raise
    return handle


def _manifest_entries(root: Path, manifest: Any) -> dict[str, dict[str, dict[str, int | str]]]:
    """The ``tables`` of a parsed ``_okrsheet.json``, every name checked (a file of the store,
    never a path out of it)."""
    if not isinstance(manifest, dict) or manifest.get("okrsheet_store") != STORE_FORMAT:
        raise not_consistent(root, f"{MANIFEST} is not a history's list of files of this "
                                   "version of okrsheet")
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or set(tables) != set(TABLES):
        raise not_consistent(root, f"{MANIFEST} does not name the four tables")
    for table, partitions in tables.items():
        if not isinstance(partitions, dict):
            raise not_consistent(root, f"{MANIFEST}: {table} is not a list of quarters")
        for label, entry in partitions.items():
            if (not _LABEL.match(str(label)) or not isinstance(entry, dict)
                    or not _PART.match(str(entry.get("file")))
                    or not isinstance(entry.get("rows"), int)
                    or not isinstance(entry.get("bytes"), int)):
                raise not_consistent(root, f"{MANIFEST}: {table} quarter {label!s:.40} is "
                                           "not a file of the history")
    return tables


def _read_manifest(root: Path) -> tuple[int, dict[str, dict[str, dict[str, int | str]]]] | None:
    """``(version, tables)`` of the store's last commit; None for a store from before
    transactions (no ``_okrsheet.json``)."""
    import json

    try:
        handle = os.open(root / MANIFEST, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise not_consistent(root, f"{MANIFEST} can't be read: "
                                   f"{error.strerror or error}") from None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise not_consistent(root, f"{MANIFEST} is not a file")
        with os.fdopen(handle, "rb", closefd=False) as file:
            text = file.read(_MANIFEST_LIMIT + 1)
    finally:
        os.close(handle)
    if len(text) > _MANIFEST_LIMIT:
        raise not_consistent(root, f"{MANIFEST} is larger than any history's list of files")
    try:
        manifest = json.loads(text)
    except ValueError:
        raise not_consistent(root, f"{MANIFEST} is damaged (not JSON)") from None
    tables = _manifest_entries(root, manifest)
    version = manifest.get("version")
    if not isinstance(version, int):
        raise not_consistent(root, f"{MANIFEST} has no version")
    return version, tables


def _check_folder(root: Path, relative: str) -> None:
    """Refuse a table or partition folder that is a link (or not a folder)."""
    try:
        mode = os.lstat(root / relative).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        raise OkrsheetError(f"{root / relative}: a link, where the history keeps a folder; "
                            "okrsheet reads and writes only inside the history folder: "
                            "remove the link (or export into a new folder).")
    if not stat.S_ISDIR(mode):
        raise not_consistent(root, f"{relative} is not a folder")


def _legacy_entries(root: Path) -> dict[str, dict[str, dict[str, int | str]]]:
    """A store from before transactions as manifest entries: each table's
    ``quarter=*/data.parquet`` (literal names, no glob; links refused)."""
    tables: dict[str, dict[str, dict[str, int | str]]] = {}
    for table in TABLES:
        tables[table] = {}
        _check_folder(root, table)
        if not (root / table).is_dir():
            continue
        for child in sorted(os.listdir(root / table)):
            if not child.startswith("quarter="):
                continue
            _check_folder(root, f"{table}/{child}")
            label = child.removeprefix("quarter=")
            path = root / table / child / PARTITION_FILE
            try:
                info = os.lstat(path)
            except FileNotFoundError:
                continue
            if not stat.S_ISREG(info.st_mode):
                raise not_consistent(root, f"{table}/{child}/{PARTITION_FILE} is not a file")
            if _LABEL.match(label):
                tables[table][label] = {"file": PARTITION_FILE, "rows": -1,
                                        "bytes": info.st_size}
    return tables


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
    """One transaction: under the lock, rewrite (as new files) every partition that gains
    rows or holds rows of ``sources``, then commit; the rows replaced are returned."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    lock = _lock(root, LOCK)
    assert lock is not None  # waited for
    try:
        found = _read_manifest(root)
        version, tables = (0, _legacy_entries(root)) if found is None else found
        tables = {table: dict(tables.get(table, {})) for table in TABLES}
        version += 1
        removed = 0
        written: list[Path] = []  # this export's files: removed if it does not commit
        try:
            _count_legacy_rows(root, tables)
            for label in sorted(set(tables["team_quarters"]) | set(rows)):
                new_rows = rows.get(label, {})
                old_sources = _partition_sources(root, label, tables)
                if not new_rows and not (old_sources & sources):
                    continue
                for table in TABLES:
                    fresh = arrow_table(table, new_rows.get(table, []))
                    if label in tables[table]:
                        old = pq.read_table(_entry_path(root, table, label, tables),
                                            schema=arrow_schema(table))
                        keep = pc.invert(pc.is_in(old["source_file"],
                                                  value_set=pa.array(sorted(sources))))
                        kept = old.filter(keep)
                        removed += old.num_rows - kept.num_rows
                        fresh = pa.concat_tables([kept, fresh])
                    tables[table][label] = _write_table(fresh, root, table, label, version,
                                                        written)
            _commit(root, version, tables)
        except BaseException:
            for path in written:
                with contextlib.suppress(OSError):
                    path.unlink()
            raise
        _collect_garbage(root, tables)
        return removed
    finally:
        os.close(lock)


def _count_legacy_rows(root: Path, tables: dict[str, dict[str, dict[str, int | str]]]) -> None:
    """The rows of each file from before transactions (``rows`` -1), and no partition a link."""
    import pyarrow.parquet as pq

    for table in TABLES:
        for label, entry in tables[table].items():
            _check_folder(root, f"{table}/quarter={label}")
            if int(entry["rows"]) < 0:
                entry["rows"] = pq.read_metadata(_entry_path(root, table, label)).num_rows


def _entry_path(root: Path, table: str, label: str,
                tables: dict[str, dict[str, dict[str, int | str]]] | None = None) -> Path:
    name = PARTITION_FILE if tables is None else str(tables[table][label]["file"])
    return root / table / f"quarter={label}" / name


def _partition_sources(root: Path, label: str,
                       tables: dict[str, dict[str, dict[str, int | str]]]) -> set[str]:
    import pyarrow.parquet as pq

    if label not in tables["team_quarters"]:
        return set()
    path = _entry_path(root, "team_quarters", label, tables)
    return set(pq.read_table(path, columns=["source_file"])["source_file"].to_pylist())


def _open_folder(root: Path, table: str, label: str) -> int:
    """A descriptor of ``root/table/quarter=label``, made if missing (as the umask allows);
    a link on the way is refused, so nothing is written outside the store."""
    import errno

    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
    handle = os.open(root, flags)
    try:
        shown = ""
        for name in (table, f"quarter={label}"):
            shown = f"{shown}/{name}" if shown else name
            with contextlib.suppress(FileExistsError):
                os.mkdir(name, 0o777, dir_fd=handle)
            try:
                child = os.open(name, flags | os.O_NOFOLLOW, dir_fd=handle)
            except OSError as error:
                if error.errno in (errno.ELOOP, errno.ENOTDIR):
                    _check_folder(root, shown)
                    raise not_consistent(root, f"{shown} is not a folder") from None
                raise
            os.close(handle)
            handle = child
        return handle
    except BaseException:
        os.close(handle)
        raise


def _write_table(table: "pa.Table", root: Path, name: str, label: str, version: int,
                 written: list[Path]) -> dict[str, int | str]:
    """Write a new file of table ``name``'s partition ``label`` (sorted by team and source,
    so the same rows always make the same file); its entry in the commit."""
    import secrets

    import pyarrow.parquet as pq

    order = [(column, "ascending") for column in ("team_key", "source_file", "team_quarter_id")
             if column in table.column_names]
    for column in ("key_result_id", "week", "number"):
        if column in table.column_names:
            order.append((column, "ascending"))
    table = table.sort_by(order)
    folder = _open_folder(root, name, label)
    try:
        file_name = f"part-{version:06d}-{secrets.token_hex(8)}.parquet"
        handle = os.open(file_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                         | os.O_CLOEXEC, 0o666, dir_fd=folder)
        written.append(root / name / f"quarter={label}" / file_name)
        with os.fdopen(handle, "wb") as file:
            pq.write_table(table, file)
            file.flush()
            os.fsync(file.fileno())
            size = os.fstat(file.fileno()).st_size
        os.fsync(folder)
    finally:
        os.close(folder)
    return {"file": file_name, "rows": table.num_rows, "bytes": size}


def _commit(root: Path, version: int, tables: dict[str, dict[str, dict[str, int | str]]]) -> None:
    """Replace ``_okrsheet.json`` with the list of files of ``version``: the moment the
    export takes effect, all of it at once."""
    import json
    import secrets

    text = json.dumps({"okrsheet_store": STORE_FORMAT, "version": version, "tables": tables},
                      indent=1, sort_keys=True).encode()
    temporary = f".{MANIFEST}.{secrets.token_hex(8)}.tmp"
    folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                         | os.O_CLOEXEC, 0o666, dir_fd=folder)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, MANIFEST, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=folder)
            raise
        with contextlib.suppress(OSError):
            os.fsync(folder)
    finally:
        os.close(folder)


def _collect_garbage(root: Path, tables: dict[str, dict[str, dict[str, int | str]]]) -> None:
    """Remove the files no commit names (earlier exports', an interrupted one's), when no
    reader is reading; else a later export does. Called with the export lock held."""
    handle = _lock(root, READERS, wait=False)
    if handle is None:
        return
    try:
        for name in os.listdir(root):
            if name.startswith(f".{MANIFEST}.") and name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(root / name)
        for table in TABLES:
            if not _is_folder(root / table):
                continue
            for child in os.listdir(root / table):
                folder = root / table / child
                if not child.startswith("quarter=") or not _is_folder(folder):
                    continue
                keep = tables[table].get(child.removeprefix("quarter="), {}).get("file")
                for name in os.listdir(folder):
                    if name != keep and (_PART.match(name) or _TEMPORARY.match(name)):
                        with contextlib.suppress(OSError):
                            os.unlink(folder / name)
    finally:
        os.close(handle)


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False
