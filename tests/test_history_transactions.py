"""The history store's transactions: exports at once both land, an export killed at any
moment leaves the store as it was before or after, and the summary checks what it reads."""

import multiprocessing
import os
import random
import shutil
import signal
import stat
import time
from pathlib import Path

import pytest

from okrsheet.domain.model import KeyResult, Objective, TeamQuarter
from okrsheet.domain.problems import OkrsheetError
from okrsheet.domain.quarter import Quarter
from okrsheet.quarterend import history
from okrsheet.quarterend.history import open_snapshot, table_files, team_quarter_rows
from okrsheet.quarterend.history_summary import connect, summarise_store
from okrsheet.workflows.export import export
from okrsheet.write.writer import write_workbook

TABLES = ("team_quarters", "objectives", "key_results", "check_ins")
RUNS = 20
FORK = multiprocessing.get_context("fork")


def workbook(folder: Path, team: str, current: float = 5, quarter: str = "2026-Q1") -> Path:
    period = Quarter.parse(quarter)
    krs = [KeyResult(title=f"{team} {n}", type="increase", start=0, target=10,
                     check_ins={3: current + n}) for n in range(3)]
    team_quarter = TeamQuarter(team=team, quarter=quarter, quarter_start=period.start,
                               quarter_end=period.end, as_of=period.end,
                               objectives=[Objective("Grow", krs, id="O1")])
    path = folder / f"{team.lower()}.xlsx"
    write_workbook(team_quarter, path, force=True)
    return path


def contents(store: Path) -> list[tuple]:
    """What a reader of the store sees: every table's rows, sorted."""
    rows = []
    with connect(store) as db:
        for table in TABLES:
            rows.append(db.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall())
    return rows


def files_on_disk(store: Path) -> set[Path]:
    return {path for path in store.rglob("*.parquet")}


@pytest.mark.slow  # 20 runs of two processes
def test_two_exports_at_once_both_land_every_time(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    alpha, beta = workbook(books, "Alpha"), workbook(books, "Beta")
    for run in range(RUNS):
        store = tmp_path / f"history-{run}"
        start = FORK.Barrier(2)

        def one(path, start=start, store=store):
            start.wait()
            export([path], store)

        workers = [FORK.Process(target=one, args=(path,)) for path in (alpha, beta)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert [worker.exitcode for worker in workers] == [0, 0]
        teams = summarise_store(store).teams
        assert sorted(teams["team"]) == ["Alpha", "Beta"], f"run {run}"
        # the loser's old files were removed: one file per table, each named by the commit
        assert files_on_disk(store) == {path for table in TABLES
                                        for path in table_files(store, table)}


def _write_then_exit(store, rows, sources):
    history._write_safely(store, rows, sources)
    os._exit(0)


@pytest.mark.slow  # 20 runs, each killed
def test_an_export_killed_at_any_moment_leaves_the_store_before_or_after(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    store = tmp_path / "history"
    export([workbook(books, "Alpha", 1), workbook(books, "Gamma", 2)], store)
    before = contents(store)
    # the export to kill: Alpha changed (rows replaced), Beta new (rows added)
    changed = [workbook(books, "Alpha", 7), workbook(books, "Beta", 3, "2026-Q2")]
    rows, sources = {}, set()
    for path in changed:
        source = os.path.abspath(path)
        label, tables = team_quarter_rows(_read(path), source)
        sources.add(source)
        for table, table_rows in tables.items():
            rows.setdefault(label, {}).setdefault(table, []).extend(table_rows)
    reference = tmp_path / "reference"
    shutil.copytree(store, reference)
    took = time.perf_counter()
    history._write_safely(reference, rows, sources)
    took = time.perf_counter() - took
    after = contents(reference)
    assert after != before
    rng = random.Random(25)
    seen = set()
    for run in range(RUNS):
        trial = tmp_path / f"trial-{run}"
        shutil.copytree(store, trial)
        child = FORK.Process(target=_write_then_exit, args=(trial, rows, sources))
        child.start()
        time.sleep(rng.uniform(0, took * 1.3))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        found = contents(trial)
        assert found in (before, after), f"run {run}: the store is between before and after"
        seen.add("after" if found == after else "before")
        # the next export finishes the job and clears what the killed one left
        history._write_safely(trial, rows, sources)
        assert contents(trial) == after
        assert files_on_disk(trial) == {path for table in TABLES
                                        for path in table_files(trial, table)}
        shutil.rmtree(trial)
    assert seen  # (which of the two depends on the moment; both are right)


def _read(path):
    from okrsheet.quarterend.workbooks import read_one

    return read_one(path)[0]


def test_the_summary_says_in_one_line_when_a_file_the_commit_names_is_gone(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    store = tmp_path / "history"
    export([workbook(books, "Alpha")], store)
    table_files(store, "objectives")[0].unlink()
    with pytest.raises(OkrsheetError, match=r"history: the history is not consistent "
                                            r"\(objectives/quarter=2026-Q1/part-.* is missing\)"):
        summarise_store(store)


def test_a_store_whose_team_quarters_repeat_a_source_is_refused_before_any_join(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    books = tmp_path / "books"
    books.mkdir()
    store = tmp_path / "history"
    export([workbook(books, "Alpha"), workbook(books, "Beta")], store)
    # a tampered store, committed as an export would: its team quarter repeated 1,000 times
    rows = pq.read_table(table_files(store, "team_quarters")[0])
    tampered = tmp_path / "tampered.parquet"
    pq.write_table(pa.concat_tables([rows] * 1000), tampered)
    import json

    manifest = json.loads((store / "_okrsheet.json").read_text())
    entry = manifest["tables"]["team_quarters"]["2026-Q1"]
    target = store / "team_quarters" / "quarter=2026-Q1" / entry["file"]
    shutil.copy(tampered, target)
    entry["bytes"] = target.stat().st_size
    (store / "_okrsheet.json").write_text(json.dumps(manifest))
    with pytest.raises(OkrsheetError, match=r"not consistent \(1,998 team quarter row\(s\) "
                                            r"repeat the source file of another\)"):
        summarise_store(store)


def test_a_damaged_commit_file_is_one_line(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    store = tmp_path / "history"
    export([workbook(books, "Alpha")], store)
    (store / "_okrsheet.json").write_text('{"okrsheet_store": 1, "tables": {"team_quarters": '
                                          '{"2026-Q1": {"file": "../../../etc/passwd"}}}}')
    with pytest.raises(OkrsheetError, match=r"history: the history is not consistent "
                                            r"\(_okrsheet.json does not name the four tables\)"):
        summarise_store(store)
    with pytest.raises(OkrsheetError, match="not consistent"):
        export([books], store)


def test_a_store_path_is_literal_not_a_glob(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    export([workbook(books, "Alpha")], tmp_path / "h1")
    export([workbook(books, "Beta")], tmp_path / "h[1]")
    assert list(summarise_store(tmp_path / "h[1]").teams["team"]) == ["Beta"]
    assert list(summarise_store(tmp_path / "h1").teams["team"]) == ["Alpha"]
    export([workbook(books, "Gamma")], tmp_path / "h*?")
    assert list(summarise_store(tmp_path / "h*?").teams["team"]) == ["Gamma"]


def test_a_partition_that_is_a_link_is_refused_and_nothing_is_written_through_it(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    store, outside = tmp_path / "history", tmp_path / "outside"
    export([workbook(books, "Alpha")], store)
    outside.mkdir()
    partition = store / "key_results" / "quarter=2026-Q1"
    shutil.rmtree(partition)
    partition.symlink_to(outside, target_is_directory=True)
    with pytest.raises(OkrsheetError, match=r"key_results/quarter=2026-Q1: a link, where the "
                                            r"history keeps a folder"):
        export([workbook(books, "Alpha", 8)], store)
    with pytest.raises(OkrsheetError, match="a link, where the history keeps a folder"):
        summarise_store(store)
    assert list(outside.iterdir()) == []
    # a new quarter's partition made as a link, before the export that would write it
    (store / "check_ins" / "quarter=2026-Q3").symlink_to(outside, target_is_directory=True)
    with pytest.raises(OkrsheetError, match="a link"):
        export([workbook(books, "Delta", 2, "2026-Q3")], store)
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_store_files_and_folders_follow_the_umask(tmp_path, umask):
    books = tmp_path / "books"
    books.mkdir()
    path = workbook(books, "Alpha")
    previous = os.umask(umask)
    try:
        export([path], tmp_path / "history")
    finally:
        os.umask(previous)
    made = [p for p in (tmp_path / "history").rglob("*")]
    assert made
    for item in made:
        mode = stat.S_IMODE(item.stat().st_mode)
        expected = (0o777 if item.is_dir() else 0o666) & ~umask
        assert mode == expected, f"{item}: {oct(mode)}"


def test_a_reader_keeps_the_files_it_reads_until_it_is_done(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    store = tmp_path / "history"
    export([workbook(books, "Alpha", 1)], store)
    reading = summarise_store(store)  # holds its commit's files until it goes
    first = set(table_files(store, "key_results"))
    export([workbook(books, "Alpha", 9)], store)
    assert first <= files_on_disk(store)  # not removed under the reader
    assert list(reading.objectives["team"]) == ["Alpha"]  # still readable
    assert summarise_store(store).teams["score"][0] > reading.teams["score"][0]
    del reading
    import gc

    gc.collect()
    export([workbook(books, "Alpha", 9)], store)
    assert not first & files_on_disk(store)  # removed once no reader holds them


def test_the_summary_temporary_space_is_capped(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    export([workbook(books, "Alpha")], tmp_path / "history")
    size = open_snapshot(tmp_path / "history").size
    with connect(tmp_path / "history") as db:
        cap = db.execute("SELECT current_setting('max_temp_directory_size')").fetchone()[0]
    assert cap == "1.0 GiB" and size < (1 << 30) // 64


def test_a_store_from_before_transactions_with_tables_from_two_exports_is_one_line(tmp_path):
    import pyarrow.parquet as pq

    books = tmp_path / "books"
    books.mkdir()
    store = tmp_path / "history"
    export([workbook(books, "Alpha"), workbook(books, "Beta")], store)
    files = {table: table_files(store, table)[0] for table in TABLES}
    for path in files.values():
        path.rename(path.with_name("data.parquet"))
    (store / "_okrsheet.json").unlink()
    # as an export killed between two tables left it: Alpha's key results from another one
    key_results = files["key_results"].with_name("data.parquet")
    rows = pq.read_table(key_results)
    pq.write_table(rows.slice(1), key_results)
    with pytest.raises(OkrsheetError, match=r"history: the history is not consistent \(Alpha "
                                            r"2026-Q1: its key results or objectives are not "
                                            r"the ones its row counts\)"):
        summarise_store(store)


def test_summary_from_an_inconsistent_store_is_one_line_and_exit_1(tmp_path):
    from click.testing import CliRunner

    from okrsheet.cli import main

    books = tmp_path / "books"
    books.mkdir()
    store = tmp_path / "history"
    export([workbook(books, "Alpha")], store)
    table_files(store, "check_ins")[0].unlink()
    result = CliRunner().invoke(main, ["summary", "--from", str(store)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "not consistent" in result.output


def test_a_temporary_folder_a_killed_summary_left_is_removed_by_the_next(tmp_path, monkeypatch):
    books = tmp_path / "books"
    books.mkdir()
    export([workbook(books, "Alpha")], tmp_path / "history")
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temporary))
    gone = FORK.Process(target=os._exit, args=(0,))
    gone.start()
    gone.join()
    left = temporary / f"okrsheet-duckdb-{gone.pid}-0123456789abcdef"
    left.mkdir()
    (left / "duckdb_temp_block.tmp").write_bytes(b"x" * 1000)
    alive = temporary / f"okrsheet-duckdb-{os.getppid()}-0123456789abcdef"  # not ours to remove
    alive.mkdir()
    with connect(tmp_path / "history"):
        pass
    assert not left.exists() and alive.exists()


SPILL_THEN_WAIT = """
import sys, tempfile
tempfile.tempdir = sys.argv[2]
from okrsheet.quarterend.history_summary import connect, store_errors
from okrsheet.files.writing import sigterm_as_interrupt
with sigterm_as_interrupt():
    db = connect(sys.argv[1], memory_limit="32MB")
    with store_errors(sys.argv[1]):
        db.execute("CREATE TEMP TABLE big AS SELECT range AS n, repeat('x', 60) || range AS t "
                   "FROM range(100000000)")
"""


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_or_ctrl_c_during_a_summary_removes_its_temporary_folder(tmp_path, stop):
    import subprocess
    import sys

    books = tmp_path / "books"
    books.mkdir()
    export([workbook(books, "Alpha")], tmp_path / "history")
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    process = subprocess.Popen([sys.executable, "-c", SPILL_THEN_WAIT, str(tmp_path / "history"),
                                str(temporary)], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(temporary.glob("okrsheet-duckdb-*/*")) and time.monotonic() < deadline:
        time.sleep(0.05)  # until DuckDB spills
    assert any(temporary.glob("okrsheet-duckdb-*/*")), "DuckDB never spilled"
    process.send_signal(stop)
    _, errors = process.communicate(timeout=60)
    assert process.returncode != 0 and "KeyboardInterrupt" in errors
    assert list(temporary.iterdir()) == []


def test_a_summary_past_its_temporary_space_cap_is_one_line(tmp_path, monkeypatch):
    from okrsheet.quarterend import history_summary

    books = tmp_path / "books"
    books.mkdir()
    export([workbook(books, "Alpha")], tmp_path / "history")
    monkeypatch.setattr(history_summary, "temp_limit", lambda size: 1 << 16)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    db = connect(tmp_path / "history", memory_limit="8MB")
    with pytest.raises(OkrsheetError, match=r"history: the summary needed more temporary space "
                                            r"than a history of this size ever needs") as raised:
        with history_summary.store_errors(tmp_path / "history"):  # as every summary query runs
            db.execute("CREATE TEMP TABLE big AS SELECT range AS n, repeat('x', 60) || range "
                       "FROM range(3000000)")
    assert "\n" not in str(raised.value)
    db.close()
    assert not list(tmp_path.glob("okrsheet-duckdb-*"))
