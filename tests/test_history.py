"""okrsheet.quarterend.history and okrsheet.quarterend.history_summary: the store round trip equals the workbook
summary, re-export is idempotent, an unreadable workbook changes nothing."""

import datetime as dt
import os
import random
import shutil
from pathlib import Path

import pandas as pd
import pytest

from okrsheet.domain.model import Action, KeyResult, Objective, TeamQuarter
from okrsheet.domain.problems import OkrsheetError
from okrsheet.domain.quarter import Quarter
from okrsheet.outputs import report
from okrsheet.quarterend.calibration import calibrate
from okrsheet.quarterend.history import table_files
from okrsheet.quarterend.history_calibration import calibrate_store
from okrsheet.quarterend.history_summary import _Query, connect, summarise_store
from okrsheet.quarterend.summary import summarise
from okrsheet.workflows.export import export
from okrsheet.write.writer import write_workbook

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TABLES = ("teams", "company", "objectives", "calibration", "duplicates")


def assert_same_summary(from_store, from_workbooks):
    """Every table equal, value for value; the file column holds the absolute path in the
    store, the path as given in the workbook summary."""
    for name in TABLES + (("conflicts",) if hasattr(from_workbooks, "conflicts") else ()):
        store_table, workbook_table = getattr(from_store, name), getattr(from_workbooks, name)
        for column in ("file", "used", "not_used", "files", "reason"):
            if column in workbook_table:
                store_table = store_table.drop(columns=column)
                workbook_table = workbook_table.drop(columns=column)
        pd.testing.assert_frame_equal(store_table, workbook_table, check_dtype=False,
                                      check_exact=True, obj=name)
    assert [Path(path) for path in from_store.teams["file"]] == [
        Path(path).resolve() for path in from_workbooks.teams["file"]]


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def query_bytes(store: Path) -> bytes:
    """Every table of the store, sorted, as CSV text: what a reader of the store sees."""
    out = []
    with connect(store) as db:
        for table in ("team_quarters", "objectives", "key_results", "check_ins"):
            frame = db.execute(f"SELECT * FROM {table} ORDER BY ALL").df()
            out.append(frame.to_csv(index=False))
    return "\n".join(out).encode()


def test_the_summary_from_the_store_equals_the_summary_from_the_sample_workbooks(tmp_path):
    result = export([SAMPLES], tmp_path / "history")
    assert not result.left_out
    # every workbook is stored, company and person ones too (the summary's tables are teams')
    assert len(result.written) == len(summarise([SAMPLES]).team_quarters)
    assert_same_summary(summarise_store(tmp_path / "history"), summarise([SAMPLES]))


def test_the_summary_of_one_quarter_from_the_store_equals_the_workbooks_one(tmp_path):
    export([SAMPLES], tmp_path / "history")
    assert_same_summary(summarise_store(tmp_path / "history", "2026-Q3"),
                        summarise([SAMPLES], "2026-Q3"))


def test_the_store_is_partitioned_by_quarter_in_the_layout_pandas_reads_without_help(tmp_path):
    export([SAMPLES], tmp_path / "history")
    quarters = sorted(path.name for path in (tmp_path / "history" / "key_results").iterdir())
    assert quarters == [f"quarter={quarter}" for quarter in summarise([SAMPLES]).quarters]
    key_results = pd.read_parquet(tmp_path / "history" / "key_results")
    assert {"quarter", "team", "key_result_id", "progress", "status", "confidence",
            "kind", "source_file"} <= set(key_results.columns)
    assert set(key_results["quarter"].astype(str)) >= {"2026-Q1", "2026-Q4"}


def test_key_results_keep_their_ids_made_of_their_objective_and_number(tmp_path):
    # O1 with two key results and O2 with three: O1.1, O1.2, O2.1, O2.2, O2.3
    objectives = [Objective("Grow", [kr("a", 1), kr("b", 2)], id="O1"),
                  Objective("Keep", [kr("c", 3), kr("d", 4), kr("e", 5)], id="O2")]
    write_workbook(team_quarter("Alpha", "2026-Q1", objectives), tmp_path / "alpha.xlsx")
    export([tmp_path / "alpha.xlsx"], tmp_path / "history")
    with connect(tmp_path / "history") as db:
        rows = db.execute("SELECT key_result_id, objective_id, title, progress FROM key_results "
                          "ORDER BY key_result_id").fetchall()
        check_ins = db.execute("SELECT key_result_id, week, value, week_start FROM check_ins "
                               "ORDER BY key_result_id").fetchall()
    assert rows == [("O1.1", "O1", "a", 0.1), ("O1.2", "O1", "b", 0.2), ("O2.1", "O2", "c", 0.3),
                    ("O2.2", "O2", "d", 0.4), ("O2.3", "O2", "e", 0.5)]
    # each key result's week-3 check-in, dated the quarter's first day + 14 days
    assert [row[:3] for row in check_ins] == [("O1.1", 3, 1.0), ("O1.2", 3, 2.0),
                                              ("O2.1", 3, 3.0), ("O2.2", 3, 4.0),
                                              ("O2.3", 3, 5.0)]
    assert str(check_ins[0][3]) == "2026-01-15"


def test_exporting_the_same_workbooks_again_changes_no_query_result(tmp_path):
    export([SAMPLES], tmp_path / "history")
    first = query_bytes(tmp_path / "history")
    again = export([SAMPLES], tmp_path / "history")
    assert again.removed > 0  # the earlier rows were replaced, not added to
    assert query_bytes(tmp_path / "history") == first


def test_exporting_one_workbook_again_replaces_its_rows_and_nothing_else(tmp_path):
    folder = tmp_path / "books"
    shutil.copytree(SAMPLES, folder)
    export([folder], tmp_path / "history")
    before = summarise_store(tmp_path / "history").teams.set_index(["team", "quarter"])
    changed = folder / "2026-Q3" / "new-business.xlsx"
    objectives = [Objective("Only one", [kr("half way", 5)], id="O1")]
    write_workbook(team_quarter("New Business", "2026-Q3", objectives), changed, force=True)
    export([changed], tmp_path / "history")
    after = summarise_store(tmp_path / "history").teams.set_index(["team", "quarter"])
    assert after.loc[("New Business", "2026-Q3"), "score"] == 0.5
    assert after.loc[("New Business", "2026-Q3"), "key_results"] == 1
    others = after.drop(index=("New Business", "2026-Q3"))
    pd.testing.assert_frame_equal(
        others.drop(columns=["previous_score", "change", "calibration"]),
        before.drop(index=("New Business", "2026-Q3")).drop(
            columns=["previous_score", "change", "calibration"]))


def test_a_workbook_whose_quarter_was_corrected_leaves_its_old_quarter(tmp_path):
    path = tmp_path / "alpha.xlsx"
    write_workbook(team_quarter("Alpha", "2026-Q1", [Objective("Grow", [kr("a", 1)])]), path)
    export([path], tmp_path / "history")
    write_workbook(team_quarter("Alpha", "2026-Q2", [Objective("Grow", [kr("a", 1)])]), path,
                   force=True)
    export([path], tmp_path / "history")
    assert list(summarise_store(tmp_path / "history").teams["quarter"]) == ["2026-Q2"]


def test_a_workbook_that_cannot_be_read_changes_nothing_in_the_store(tmp_path):
    folder = tmp_path / "books"
    shutil.copytree(SAMPLES / "2026-Q1", folder)
    export([folder], tmp_path / "history")
    before = tree_bytes(tmp_path / "history")
    broken = folder / "new-business.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    result = export([broken], tmp_path / "history")
    assert [file for file, _ in result.left_out] == [str(broken)]
    assert "new-business.xlsx" in result.left_out[0][1]
    assert tree_bytes(tmp_path / "history") == before


def test_the_summary_from_a_folder_without_history_says_how_to_make_one(tmp_path):
    with pytest.raises(OkrsheetError, match="no okrsheet history here.*okrsheet export"):
        summarise_store(tmp_path)


def test_export_refuses_a_folder_that_holds_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OkrsheetError, match="holds other files"):
        export([SAMPLES / "2026-Q1"], tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]


def test_two_copies_of_one_team_quarter_use_the_one_saved_later(tmp_path):
    objectives = [Objective("Grow", [kr("a", 3)], id="O1")]
    write_workbook(team_quarter("Alpha", "2026-Q1", objectives), tmp_path / "old.xlsx")
    objectives = [Objective("Grow", [kr("a", 8)], id="O1")]
    write_workbook(team_quarter("Alpha", "2026-Q1", objectives), tmp_path / "new.xlsx")
    os.utime(tmp_path / "old.xlsx", (1_700_000_000, 1_700_000_000))
    os.utime(tmp_path / "new.xlsx", (1_800_000_000, 1_800_000_000))
    export([tmp_path / "old.xlsx", tmp_path / "new.xlsx"], tmp_path / "history")
    result = summarise_store(tmp_path / "history")
    assert list(result.teams["score"]) == [0.8]
    assert list(result.duplicates["not_used"]) == [str((tmp_path / "old.xlsx").resolve())]


# 200 generated workbooks: the round trip holds beyond the samples

TEAMS = ["New Business", "Account Management", "Sales Development", "Customer Success",
         "Partners", "EMEA", "APAC", "Renewals", "Mid-Market", "Enterprise"]


def generated(number: int) -> TeamQuarter:
    """A varied team quarter: 1-4 objectives of 1-5 key results of every type, weights,
    lagging, revised targets, confidence and kind; some teams not started yet; priority
    actions, some overdue; some judged mid-quarter (As of in week 6)."""
    rng = random.Random(number)
    period = Quarter(2024 + number // 40, number // 10 % 4 + 1)
    quarter = f"{period.year}-Q{period.number}"
    started = rng.random() > 0.08
    objectives = []
    for index in range(rng.randint(1, 4)):
        key_results = []
        for kr_number in range(rng.randint(1, 5)):
            kind = rng.choice(["increase", "increase", "decrease", "stay above", "milestone"])
            start, target = ((100.0, float(rng.randint(20, 90))) if kind == "decrease"
                             else (0.0, float(rng.randint(5, 500))))
            weeks = (3, 5, 7, 9, 11, 13)[:rng.randint(0, 6)] if started else ()
            check_ins = {week: round(start + (target - start) * rng.uniform(0, 1.3), 1)
                         for week in weeks}
            if kind == "milestone":
                check_ins = {3: rng.choice(["done", "no"])} if weeks else {}
            key_results.append(KeyResult(
                f"Key result {index}.{kr_number}", owner="Sam", type=kind, start=start,
                target=target, check_ins=check_ins, weight=rng.choice([None, 1.0, 2.0, 0.5]),
                lagging=rng.random() < 0.1,
                revised_target=target * 0.8 if rng.random() < 0.1 and kind != "milestone" else None,
                revision_reason="market moved" if rng.random() < 0.1 else None,
                confidences={week: rng.choice(["high", "medium", "low", None]) for week in weeks},
                confidence=rng.choice([None] * 5 + ["high"]),  # sometimes typed over
                kind=rng.choice([None, "input", "output", "outcome"])))
        objectives.append(Objective(f"Objective {index}", key_results, id=f"O{index + 1}"))
    green_from = rng.choice([0.7, 0.7, 0.8])
    as_of = period.end if rng.random() < 0.7 else period.start + dt.timedelta(days=38)
    actions = [Action(f"Action {n}", key_result=f"O1.{n % 2 + 1}", owner="Sam",
                      due=period.start + dt.timedelta(days=rng.randint(0, 100)),
                      done=rng.random() < 0.4) for n in range(rng.randint(0, 4))]
    return TeamQuarter(team=TEAMS[number % 10] + ("  " if number % 7 == 0 else ""),
                       quarter=quarter, objectives=objectives, quarter_start=period.start,
                       quarter_end=period.end, as_of=as_of,
                       green_from=green_from, orange_from=0.4, actions=actions)


@pytest.mark.slow  # about 30 s: writes, reads and exports 200 workbooks
def test_the_store_round_trip_equals_the_workbook_summary_on_200_generated_workbooks(tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    for number in range(200):
        write_workbook(generated(number), folder / f"team-{number:03}.xlsx")
    workbooks = summarise([folder])
    assert len(workbooks.teams) == 200 and len(workbooks.company) == 20
    # the check-in rhythm is there to compare: falls, stale key results, overdue actions
    assert workbooks.teams["confidence_fell"].gt(0).sum() > 20
    assert workbooks.teams["stale_key_results"].gt(0).sum() > 20
    assert workbooks.teams["overdue_actions"].gt(0).sum() > 20
    export([folder], tmp_path / "history")
    from_store = summarise_store(tmp_path / "history")
    assert_same_summary(from_store, workbooks)
    # calibration too: the same counts, the same Brier scores to the last bit
    by_workbooks, by_store = calibrate(workbooks), calibrate_store(tmp_path / "history", from_store)
    assert len(by_workbooks.forecasts) > 100 and len(by_workbooks.reliability) == 3
    for name in ("forecasts", "teams", "reliability", "kinds"):
        pd.testing.assert_frame_equal(getattr(by_store, name), getattr(by_workbooks, name),
                                      check_exact=True, obj=name)


# Helpers


def kr(title, current, target=10):
    """An increase KR from 0 to ``target`` with one check-in in week 3: progress current/target."""
    return KeyResult(title=title, type="increase", start=0, target=target, check_ins={3: current})


def team_quarter(team, quarter, objectives):
    period = Quarter.parse(quarter)
    return TeamQuarter(team=team, quarter=quarter, quarter_start=period.start,
                       quarter_end=period.end, as_of=period.end, objectives=objectives)


def test_the_duckdb_query_in_the_docs_runs_on_a_store(tmp_path):
    import re

    import duckdb

    text = (Path(__file__).resolve().parent.parent / "docs" / "history.md").read_text()
    query = re.search(r"```sql\n(.*?)```", text, re.S).group(1)
    export([SAMPLES], tmp_path / "history")
    rows = duckdb.sql(query.replace("'history/", f"'{tmp_path}/history/")).fetchall()
    teams = summarise([SAMPLES]).teams
    scores = [None if score != score else score for score in teams["score"]]  # NaN: none yet
    assert [(quarter, team, score) for quarter, team, score, _ in rows] == list(
        zip(teams["quarter"], teams["team"], scores))
    # share_green as the summary's, for every team quarter
    assert [share for *_, share in rows] == list(teams["share_green"])


def test_a_damaged_partition_file_is_one_line_naming_the_store(tmp_path):
    export([SAMPLES / "2026-Q1"], tmp_path / "history")
    [damaged] = [path for path in table_files(tmp_path / "history", "key_results")
                 if path.parent.name == "quarter=2026-Q1"]
    size = damaged.stat().st_size  # damaged in place: the size the commit names
    damaged.write_bytes(b"PAR1 not really parquet".ljust(size, b"\0"))
    with pytest.raises(OkrsheetError, match=r"history: the history can't be read \(.*\); export"):
        summarise_store(tmp_path / "history")
    with pytest.raises(OkrsheetError, match=r"history: the history can't be updated \(.*\)"):
        export([SAMPLES / "2026-Q1"], tmp_path / "history")
    damaged.write_bytes(b"PAR1 shorter")  # another size: not the file the export wrote
    with pytest.raises(OkrsheetError, match=r"history: the history is not consistent \(key_results"
                                            r"/quarter=2026-Q1/part-.*has 12 bytes, not the"):
        summarise_store(tmp_path / "history")


def as_before_transactions(store):
    """The store as exports wrote it before transactions: each partition's file named
    data.parquet, no _okrsheet.json."""
    files = [table_files(store, table) for table in ("team_quarters", "objectives",
                                                     "key_results", "check_ins")]
    for path in sum(files, []):
        path.rename(path.with_name("data.parquet"))
    for name in ("_okrsheet.json", "_okrsheet.lock", "_okrsheet.readers"):
        (store / name).unlink(missing_ok=True)


def test_two_differing_workbooks_for_one_team_quarter_conflict_in_the_store_too(tmp_path):
    # a copy relabelled with another team's name: neither is used, both are named
    write_workbook(team_quarter("Alpha", "2026-Q1", [Objective("Grow", [kr("a", 3)])]),
                   tmp_path / "alpha.xlsx")
    write_workbook(team_quarter("Alpha", "2026-Q1", [Objective("Hire", [kr("b", 8)])]),
                   tmp_path / "beta.xlsx")
    write_workbook(team_quarter("Gamma", "2026-Q1", [Objective("Ship", [kr("c", 5)])]),
                   tmp_path / "gamma.xlsx")
    export([tmp_path], tmp_path / "history")
    from_store, from_workbooks = summarise_store(tmp_path / "history"), summarise([tmp_path])
    assert list(from_store.teams["team"]) == list(from_workbooks.teams["team"]) == ["Gamma"]
    assert from_store.conflicts[["team", "quarter"]].values.tolist() == [["Alpha", "2026-Q1"]]
    assert from_store.conflicts.loc[0, "files"].count(".xlsx") == 2
    assert_same_summary(from_store, from_workbooks)


def test_a_store_exported_before_the_check_in_rhythm_columns_reads_them_as_blank(tmp_path):
    import pyarrow.parquet as pq

    export([SAMPLES], tmp_path / "history")
    as_before_transactions(tmp_path / "history")
    for table, columns in (("team_quarters", ["overdue_actions"]),
                           ("key_results", ["confidence_fell", "stale"])):
        for path in (tmp_path / "history" / table).rglob("*.parquet"):
            pq.write_table(pq.read_table(path).drop_columns(columns), path)
    teams = summarise_store(tmp_path / "history").teams
    assert teams["stale_key_results"].eq(0).all() and teams["overdue_actions"].eq(0).all()
    assert teams["confidence_fell"].isna().all()


def test_the_store_summary_makes_its_large_tables_only_when_an_output_asks(tmp_path):
    export([SAMPLES], tmp_path / "history")
    result = summarise_store(tmp_path / "history")

    def made(name):
        return not isinstance(result.__dict__[f"_arrow_{name}"], _Query)

    assert not made("teams") and not made("objectives")
    streamed = [row for batch in result.row_batches("teams", size=5) for row in batch]
    assert not made("teams")  # rows a batch at a time: the whole table is never held
    assert len(streamed) == result.arrow("teams").num_rows == len(summarise([SAMPLES]).teams)
    assert made("teams") and not made("objectives")
    assert len(result.objectives) == len(summarise([SAMPLES]).objectives)
    assert made("objectives")


def test_prefer_settles_a_conflict_in_the_store_as_in_the_workbooks(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    write_workbook(team_quarter("Alpha", "2026-Q1", [Objective("Grow", [kr("a", 3)])]),
                   books / "alpha.xlsx")
    write_workbook(team_quarter("Alpha", "2026-Q1", [Objective("Hire", [kr("b", 8)])]),
                   books / "beta.xlsx")
    export([books], tmp_path / "history")
    from_store = summarise_store(tmp_path / "history", prefer=[books / "beta.xlsx"])
    from_workbooks = summarise([books], prefer=[str(books / "beta.xlsx")])
    assert list(from_store.teams["score"]) == list(from_workbooks.teams["score"]) == [0.8]
    assert from_store.conflicts.empty
    assert from_store.duplicates[["not_used", "reason"]].values.tolist() == [
        [str(books / "alpha.xlsx"), "chosen with --prefer"]]
    assert_same_summary(from_store, from_workbooks)
    with pytest.raises(OkrsheetError, match="--prefer .*gamma.xlsx: no workbook"):
        summarise_store(tmp_path / "history", prefer=[books / "gamma.xlsx"])


def test_row_batches_give_the_same_rows_as_the_table_from_the_store_and_the_workbooks(tmp_path):
    export([SAMPLES], tmp_path / "history")
    for result in (summarise_store(tmp_path / "history"), summarise([SAMPLES])):
        for name in ("teams", "objectives"):
            batches = list(result.row_batches(name, size=7))
            assert [len(batch) for batch in batches[:-1]] == [7] * (len(batches) - 1)
            assert [row for batch in batches for row in batch] == result.table_rows(name)


def test_duckdb_past_its_memory_limit_spills_into_a_temporary_folder_it_then_removes(
        tmp_path, monkeypatch):
    export([SAMPLES], tmp_path / "history")
    work, temporary = tmp_path / "work", tmp_path / "temporary"
    work.mkdir()
    temporary.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr("tempfile.tempdir", str(temporary))
    db = connect(tmp_path / "history", memory_limit="32MB")
    db.execute("CREATE TEMP TABLE big AS SELECT range AS n, repeat('x', 60) || range AS text "
                "FROM range(2000000)")  # about 150 MB: more than the limit
    assert db.execute("SELECT count(*) FROM big").fetchone() == (2000000,)
    assert [path.name[:15] for path in temporary.iterdir()] == ["okrsheet-duckdb"]
    db.close()
    assert list(work.iterdir()) == []  # DuckDB's own default would be ./.tmp
    assert list(temporary.iterdir()) == []


def test_a_store_summary_out_of_memory_says_so_in_one_line_not_export_again(tmp_path):
    export([SAMPLES], tmp_path / "history")
    with pytest.raises(OkrsheetError, match="did not fit in DuckDB's memory limit") as raised:
        summarise_store(tmp_path / "history", memory_limit="1MB")
    assert "\n" not in str(raised.value) and "export" not in str(raised.value)


# Calibration from the store: the summary's own team quarters, counted by columns


def assert_same_calibration(by_store, by_workbooks):
    for name in ("forecasts", "teams", "reliability", "kinds"):
        pd.testing.assert_frame_equal(getattr(by_store, name), getattr(by_workbooks, name),
                                      check_exact=True, obj=name)


def test_the_calibration_of_all_quarters_or_one_from_the_store_equals_the_workbooks_one(tmp_path):
    export([SAMPLES], tmp_path / "history")
    for quarter in (None, "2026-Q3"):
        by_workbooks = calibrate(summarise([SAMPLES], quarter))
        assert len(by_workbooks.forecasts) >= 4 and len(by_workbooks.reliability) >= 2
        by_store = calibrate_store(tmp_path / "history",
                                   summarise_store(tmp_path / "history", quarter))
        assert_same_calibration(by_store, by_workbooks)


def test_the_calibration_from_the_store_counts_the_copy_the_summary_prefers(tmp_path):
    books = tmp_path / "books"
    books.mkdir()

    def forecast(title, current, given):
        """Ends at ``current`` of 10, with ``given`` at the week-3 check-in."""
        return KeyResult(title=title, type="increase", start=0, target=10,
                         check_ins={3: current}, confidences={3: given})

    # alpha: "high" and reached green, (0.8 - 1)^2; beta: "low" and green, (0.2 - 1)^2
    for name, title, given in (("alpha", "Grow", "high"), ("beta", "Hire", "low")):
        objectives = [Objective(title, [forecast(title, 9, given)])]
        write_workbook(team_quarter("Alpha", "2026-Q1", objectives), books / f"{name}.xlsx")
    export([books], tmp_path / "history")
    for preferred, brier in (("alpha.xlsx", 0.04), ("beta.xlsx", 0.64)):
        from_store = summarise_store(tmp_path / "history", prefer=[books / preferred])
        by_store = calibrate_store(tmp_path / "history", from_store, prefer=[books / preferred])
        assert by_store.forecasts["brier"].tolist() == [pytest.approx(brier)]
        assert_same_calibration(by_store, calibrate(summarise([books], prefer=[books / preferred])))
    with pytest.raises(OkrsheetError, match="--prefer .*gamma.xlsx: no workbook"):
        calibrate_store(tmp_path / "history", from_store, prefer=[books / "gamma.xlsx"])


def test_a_store_summary_is_calibrated_from_the_commit_it_read_whatever_came_since(tmp_path):
    books = tmp_path / "books"
    shutil.copytree(SAMPLES, books)
    export([books], tmp_path / "history")
    result = summarise_store(tmp_path / "history")
    expected = calibrate_store(tmp_path / "history", summarise_store(tmp_path / "history"))
    east, west = (books / "2026-Q1" / name for name in ("new-business.xlsx",
                                                      "customer-success.xlsx"))
    shutil.copyfile(west, east)  # an export after the summary: east's rows now say otherwise
    export([east], tmp_path / "history")
    assert_same_calibration(calibrate_store(tmp_path / "history", result), expected)
    changed = calibrate_store(tmp_path / "history", summarise_store(tmp_path / "history"))
    assert not changed.forecasts.equals(expected.forecasts)  # the export did change it


def test_the_forecasts_counted_a_few_at_a_time_give_the_same_calibration(tmp_path, monkeypatch):
    from okrsheet.quarterend import history_calibration

    export([SAMPLES], tmp_path / "history")
    result = summarise_store(tmp_path / "history")
    at_once = calibrate_store(tmp_path / "history", result)
    monkeypatch.setattr(history_calibration, "BATCH", 5)
    assert_same_calibration(calibrate_store(tmp_path / "history", result), at_once)
    monkeypatch.setattr(history_calibration, "GROUP", 1)  # and a quarter at a time
    assert_same_calibration(calibrate_store(tmp_path / "history", result), at_once)
    assert at_once.forecasts["forecasts"].sum() > 5 * 10  # many batches, really
    assert isinstance(result.__dict__["_arrow_teams"], _Query)  # the teams table never made


def test_the_store_connection_prints_no_progress_bar_into_a_summary_on_stdout(tmp_path):
    export([SAMPLES], tmp_path / "history")
    with connect(tmp_path / "history") as db:  # DuckDB's bar shows on queries over 2 s
        assert db.execute("SELECT current_setting('enable_progress_bar')").fetchone() == (False,)


def test_a_quarter_the_store_lacks_is_one_line_naming_the_quarters_it_holds(tmp_path):
    export([SAMPLES], tmp_path / "history")
    with pytest.raises(OkrsheetError) as raised:
        summarise_store(tmp_path / "history", "2025-Q1")
    held = ", ".join(summarise([SAMPLES]).quarters)
    assert str(raised.value) == (f"no team quarter in the history is for 2025-Q1; "
                                 f"quarters found: {held}.")


def test_one_quarters_rows_from_the_store_equal_the_workbooks_without_the_whole_table(tmp_path):
    export([SAMPLES], tmp_path / "history")
    from_store, from_workbooks = summarise_store(tmp_path / "history"), summarise([SAMPLES])

    def without_file(rows):
        return [{key: value for key, value in row.items() if key != "file"} for row in rows]

    for quarter in from_workbooks.quarters:
        store_rows = from_store.quarter_rows("objectives", quarter)
        assert store_rows  # every quarter has objectives
        assert without_file(store_rows) == without_file(
            from_workbooks.quarter_rows("objectives", quarter))
    assert isinstance(from_store.__dict__["_arrow_objectives"], _Query)  # never made whole
    assert report.red_objectives(from_store) == [
        row for row in from_store.table_rows("objectives")
        if row["quarter"] == from_store.latest_quarter and row["status"] == "red"]
