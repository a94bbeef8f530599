"""okrsheet.domain.text: control characters shown escaped, markdown inert, JSON valid and exact."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrsheet.domain.problems import ERROR, Problem
from okrsheet.domain.text import Batches, finite, json_text, markdown, shown, visible, write_json


@pytest.mark.parametrize("text, expected", [
    ("Sales East", "Sales East"),
    ("Sales\x1b]0;owned\x07", "Sales\\x1b]0;owned\\x07"),  # sets the terminal title
    ("\x1b[2J", "\\x1b[2J"),  # clears the screen
    ("Win\r  ~ fake line", "Win\\r  ~ fake line"),  # a carriage return fakes a line
    ("a\nb\tc", "a\\nb\\tc"),
    ("\x7f\x9b", "\\x7f\\x9b"),  # DEL, and C1's one-byte CSI
    ("Invoice \u202egnp.exe", "Invoice \\u202egnp.exe"),  # right-to-left override
    ("\u2066isolate\u2069", "\\u2066isolate\\u2069"),
    ("فريق المبيعات 🚀 café", "فريق المبيعات 🚀 café"),  # ordinary text stays as it is
])
def test_control_characters_are_shown_as_visible_escapes(text, expected):
    assert visible(text) == expected


@given(st.text())
def test_visible_text_never_holds_a_control_character(text):
    shown_text = visible(text)
    assert not any(ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f or 0x202a <= ord(ch) <= 0x202e
                   or 0x2066 <= ord(ch) <= 0x2069 for ch in shown_text)


def test_markdown_shows_html_as_text_and_escapes_table_syntax():
    assert markdown("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert markdown('<img src=x onerror="alert(1)">') == '&lt;img src=x onerror="alert(1)"&gt;'
    assert markdown("a | b\nc") == "a \\| b\\nc"  # one table cell, one line
    assert markdown("R&D") == "R&amp;D"


def test_shown_escapes_the_text_inside_containers_and_problems():
    problem = Problem(ERROR, "bad\x1b.xlsx", "OKRs", "B7", "Target is \"\r\"")
    value = shown({"team": "a\x07", "rows": [("b\x1b", 1.5)], "problem": problem})
    assert value == {"team": "a\\x07", "rows": [("b\\x1b", 1.5)],
                     "problem": Problem(ERROR, "bad\\x1b.xlsx", "OKRs", "B7", 'Target is "\\r"')}


def test_json_keeps_the_text_exactly_without_raw_control_characters():
    document = {"team": "Sales\x1b\x9b\u202e", "score": 0.5}
    text = json_text(document)
    assert json.loads(text) == document
    assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text


def test_json_is_valid_with_nan_and_infinity():
    text = json_text({"score": math.nan, "weights": [math.inf, -math.inf, 1.0]})
    assert json.loads(text) == {"score": None, "weights": [None, None, 1.0]}


def test_finite_leaves_other_values_alone():
    assert finite({"a": (1, "x", None, 2.5)}) == {"a": [1, "x", None, 2.5]}


ROWS = [{"team": "Sales\u202e", "score": math.nan, "when": dt.date(2026, 3, 31)},
        {"team": "Ops", "score": 0.5, "weights": [1, math.inf], "notes": {}},
        {"team": "Légal", "score": None, "weights": [], "notes": {"a": [1, {"b": 2}]}}]


@pytest.mark.parametrize("indent", [2, None])
@pytest.mark.parametrize("size", [1, 2, 3])
def test_json_written_a_batch_at_a_time_is_the_text_of_the_whole_document(indent, size):
    # the rows' batches, one empty among them, and a table nested one level further down
    batches = [ROWS[start:start + size] for start in range(0, len(ROWS), size)]
    streamed = {"teams": Batches([[], *batches]), "company": Batches([]), "none": [],
                "confidence": {"teams": Batches(iter(batches)), "kinds": {}}}
    whole = {"teams": ROWS, "company": [], "none": [], "confidence": {"teams": ROWS, "kinds": {}}}
    pieces: list[str] = []
    write_json(streamed, pieces.append, indent)
    expected = json.dumps(finite(whole), indent=indent, ensure_ascii=False, default=str)
    assert "".join(pieces) == expected.replace("\u202e", "\\u202e")
    assert len(pieces) > len(batches)  # not one text


def test_a_document_without_batches_is_the_one_text_json_dumps_gives():
    document = {"rows": ROWS[1:2], "name": "x"}
    assert json_text(document) == json.dumps(finite(document), indent=2, ensure_ascii=False)
