"""The domain schema is the one list of a key result's fields: the model, the sheet's columns,
the store, JSON and CSV, the check-in files and diff follow it, and no module spells its own
list of field keys."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import okrsheet
from okrsheet.domain import schema
from okrsheet.domain.model import KeyResult

PACKAGE = Path(okrsheet.__file__).parent

STORE_OWN = {"team_quarter_id", "team", "team_key", "source_file", "source_id",
             "key_result_id", "objective_id", "position", "current_text", "weight_used",
             "revised", "confidence_fell", "stale", "row"}
"""Store columns that are no field of the schema: its keys, and what export computes."""


def test_every_attribute_of_a_key_result_is_a_schema_field_or_bookkeeping():
    attributes = {field.name for field in dataclasses.fields(KeyResult)}
    held = {field.attribute for field in schema.KEY_RESULT_FIELDS if field.attribute}
    strays = sorted(attributes - held - set(schema.KEY_RESULT_BOOKKEEPING))
    assert strays == [], f"KeyResult fields missing from domain/schema.py: {strays}"


def test_every_schema_field_is_held_by_the_key_result_model():
    missing = sorted(f"{field.key} (attribute {field.attribute})"
                     for field in schema.KEY_RESULT_FIELDS
                     if field.attribute and not hasattr(KeyResult, field.attribute))
    assert missing == [], f"schema fields KeyResult doesn't have: {missing}"
    assert not set(schema.KEY_RESULT_BOOKKEEPING) & set(schema.KEY_RESULT_FIELD)


def test_the_store_keeps_every_stored_field_and_only_those_besides_its_own():
    from okrsheet.quarterend.history import SCHEMA

    columns = [name for name, _ in SCHEMA["key_results"]]
    stored = {field.key for field in schema.KEY_RESULT_FIELDS if field.stored}
    assert sorted(stored - set(columns)) == [], "stored fields the store has no column for"
    assert sorted(set(columns) - stored - STORE_OWN) == [], \
        "store columns that are neither a schema field nor the store's own"
    assert len(columns) == len(set(columns))


def test_the_sheet_has_a_column_for_every_field_in_schema_order():
    from okrsheet.sheet import layout

    shown = [column.key for column in layout.COLUMNS if not column.hidden]
    assert shown == [field.key for field in schema.KEY_RESULT_FIELDS]
    assert [column.header for column in layout.OBJECTIVE_COLUMNS] == \
        [field.header for field in schema.OBJECTIVE_FIELDS]


def test_json_csv_diff_and_the_check_in_take_their_fields_from_the_flags():
    from okrsheet.domain.changes import KR_FIELDS
    from okrsheet.outputs.scorecard import CSV_KEYS, KR_KEYS
    from okrsheet.workflows.split import HEADERS

    assert "comment" not in KR_KEYS and "revision_reason" not in KR_KEYS  # in_json=False
    assert set(KR_KEYS) | {"current", "confidence"} >= {
        field.key for field in schema.KEY_RESULT_FIELDS
        if field.in_json and field.typed and field.week is None and field.attribute}
    assert CSV_KEYS == tuple(field.data_key for field in schema.KEY_RESULT_FIELDS
                             if field.in_csv and field.in_json)
    assert "check" in CSV_KEYS  # the Input check, by the model's name for it
    assert set(KR_FIELDS) == {field.key for field in schema.KEY_RESULT_FIELDS
                              if field.typed and field.week is None
                              and field.attribute not in (None, "title")}
    shown = [field.header for field in schema.KEY_RESULT_FIELDS if field.in_check_in]
    assert set(shown) <= set(HEADERS) and "Owner" not in shown


def test_a_long_text_in_any_text_field_is_refused_before_writing(tmp_path):
    import pytest

    from okrsheet.domain.model import Objective, TeamQuarter
    from okrsheet.domain.problems import OkrsheetError
    from okrsheet.write.writer import MAX_CELL_TEXT, write_workbook

    for key in schema.TEXTS:
        kr = KeyResult("Grow", owner="Ana", target=10.0)
        if isinstance(getattr(kr, key), bool):
            continue  # Lagging: yes or no, read as a bool
        setattr(kr, key, "x" * (MAX_CELL_TEXT + 1))
        team = TeamQuarter("East", "2027-Q1", objectives=[Objective("O", [kr])])
        with pytest.raises(OkrsheetError, match=f"{key}: 32,768 characters"):
            write_workbook(team, tmp_path / f"{key}.xlsx")


# Literal lists of four or more key-result field keys that pick fields for one purpose (and
# so are no list of every field of a kind), each with its reason.
PICKS = {
    ("domain/scoring.py", ("objective", "type", "start", "target", "revised_target", "weight",
                           "lagging", "current")): "the Input check's order of checks",
    ("outputs/scorecard.py", ("owner", "progress", "status", "pace")): "the terminal table",
    ("outputs/statuspage.py", ("id", "title", "owner", "status", "progress")): "the status page",
    ("read/reading.py", ("objective", "title", "type", "lagging")): "texts read otherwise",
    ("workflows/split.py", ("id", "title", "type", "unit", "start", "target", "progress",
                            "confidence", "comment")): "the check-in's headers used by name",
}


def test_no_module_outside_the_schema_spells_a_list_of_key_result_fields():
    keys = set(schema.KEY_RESULT_FIELD)
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        if where == "domain/schema.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, (ast.Tuple, ast.List, ast.Set)) or len(node.elts) < 4:
                continue
            items = tuple(element.value for element in node.elts
                          if isinstance(element, ast.Constant))
            if len(items) == len(node.elts) and set(items) <= keys \
                    and (where, items) not in PICKS:
                found.append(f"{where}:{node.lineno} {items}")
    assert found == [], "take these fields from okrsheet.domain.schema (a flag on the field)"


ADDED = '''
import copy, datetime as dt, json, sys
from pathlib import Path

import okrsheet
from okrsheet.domain.changes import diff
from okrsheet.domain.model import KeyResult, Objective, TeamQuarter
from okrsheet.outputs.scorecard import score_csv_text, scorecard
from okrsheet.workflows.export import export
from okrsheet.read.reader import read_workbook
from okrsheet.write.writer import write_workbook

out = Path(sys.argv[1])
krs = [KeyResult("Win logos", owner="Ana", target=10.0, risk="churn in Q2"),
       KeyResult("Ship it", owner="Bo", target=5.0)]
team = TeamQuarter("East", "2027-Q1", [Objective("Grow", krs)], dt.date(2027, 1, 1),
                   dt.date(2027, 3, 31), dt.date(2027, 2, 1))
write_workbook(team, out / "east.xlsx")
reading = read_workbook(out / "east.xlsx")
read = reading.team_quarter.key_results[0]
card = scorecard(reading)
export([out / "east.xlsx"], out / "store")
import pyarrow.parquet as pq
stored = pq.read_table(next((out / "store" / "key_results").rglob("*.parquet"))).to_pylist()
later = copy.deepcopy(reading.team_quarter)
later.key_results[0].risk = "none left"
print(json.dumps({
    "package": okrsheet.__file__, "read": read.risk, "problems": [str(p) for p in reading.problems],
    "json": card["objectives"][0]["key_results"][0].get("risk"),
    "csv": score_csv_text(card).splitlines()[:2],
    "stored": stored[0].get("risk"),
    "diff": [str(change) for change in diff(reading.team_quarter, later)],
}))
'''


def test_a_column_added_to_the_schema_and_the_model_reaches_every_edge(tmp_path):
    """In a copy of the package, one schema entry and the KeyResult field: the writer writes
    the column, the reader reads it back, and JSON, CSV, the store and diff carry it."""
    import json
    import os
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "copy"
    shutil.copytree(PACKAGE, copy / "okrsheet", ignore=shutil.ignore_patterns("__pycache__"))
    schema_py, model_py = copy / "okrsheet/domain/schema.py", copy / "okrsheet/domain/model.py"
    anchor = '    Field("comment", "Comment",'
    schema_py.write_text(schema_py.read_text().replace(
        anchor, '    Field("risk", "Risk"),\n' + anchor, 1))
    anchor = "    comment: str | None = None\n"
    model_py.write_text(model_py.read_text().replace(
        anchor, anchor + "    risk: str | None = None\n", 1))
    (tmp_path / "added.py").write_text(ADDED)
    done = subprocess.run([sys.executable, str(tmp_path / "added.py"), str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(copy)})
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["package"].startswith(str(copy))
    assert found["read"] == "churn in Q2" and found["problems"] == []
    assert found["json"] == "churn in Q2"
    header, row = (line.split(",") for line in found["csv"])
    assert row[header.index("risk")] == "churn in Q2"
    assert found["stored"] == "churn in Q2"
    assert found["diff"] == ['key result "Win logos": Risk "churn in Q2" -> "none left"']
