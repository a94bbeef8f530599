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
    from okrsheet.files.writing import OkrsheetError
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
