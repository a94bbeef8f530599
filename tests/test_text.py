"""okrsheet.domain.text, okrsheet.outputs.escape and okrsheet.outputs.json_document: control characters shown escaped, markdown
and HTML inert, JSON valid and exact."""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrsheet.domain.problems import ERROR, Problem
from okrsheet.domain.text import visible
from okrsheet.outputs.escape import chart_text, html_text, markdown_text, terminal_values
from okrsheet.outputs.json_document import Batches, finite, json_text, write_json

markdown = markdown_text


@pytest.mark.parametrize("text, expected", [
    ("Sales East", "Sales East"),
    ("Sales\x1b]0;owned\x07", "Sales\\x1b]0;owned\\x07"),  # sets the terminal title
    ("\x1b[2J", "\\x1b[2J"),  # clears the screen
    ("Win\r  ~ fake line", "Win\\r  ~ fake line"),  # a carriage return fakes a line
    ("a\nb\tc", "a\\nb\\tc"),
    ("\x7f\x9b", "\\x7f\\x9b"),  # DEL, and C1's one-byte CSI
    ("Invoice \u202egnp.exe", "Invoice \\u202egnp.exe"),  # right-to-left override
    ("\u2066isolate\u2069", "\\u2066isolate\\u2069"),
    ("\u200fRLM \u200eLRM \u061cALM", "\\u200fRLM \\u200eLRM \\u061cALM"),  # bidi marks
    ("pay\u200bpal\ufeff\u2060", "pay\\u200bpal\\ufeff\\u2060"),  # zero-width characters
    ("lone \ud800", "lone \\ud800"),  # a lone surrogate: no terminal could print it
    ("فريق المبيعات 🚀 café", "فريق المبيعات 🚀 café"),  # ordinary text stays as it is
    ("👨\u200d👩\u200d👧 ज़\u200dि", "👨\u200d👩\u200d👧 ज़\u200dि"),  # joiners join emoji, scripts
])
def test_control_characters_are_shown_as_visible_escapes(text, expected):
    assert visible(text) == expected


@given(st.text())
def test_visible_text_never_holds_a_control_character(text):
    shown_text = visible(text)
    assert not any(ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f or 0x202a <= ord(ch) <= 0x202e
                   or 0x2066 <= ord(ch) <= 0x2069 or ch in "\u061c\u200e\u200f\u200b\ufeff"
                   or 0xd800 <= ord(ch) <= 0xdfff for ch in shown_text)
    shown_text.encode("utf-8")  # prints on any UTF-8 terminal


def test_markdown_shows_html_as_text_and_escapes_link_and_table_syntax():
    assert markdown("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert markdown('<img src=x onerror="alert(1)">') == '&lt;img src=x onerror="alert(1)"&gt;'
    assert markdown("a | b\nc") == "a \\| b\\nc"  # one table cell, one line
    assert markdown("R&D") == "R&amp;D"
    assert markdown("![x](http://e.example/p.png)") == "!\\[x](http://e.example/p.png)"
    assert markdown("a\\b `c`") == "a\\\\b \\`c\\`"


HOSTILE_MARKDOWN = [
    "![pixel](http://track.example/p.png?u=ceo)",  # a tracking pixel in the emailed status
    "[Reset your password](http://phish.example/login)",
    "[x][ref]\n\n[ref]: http://phish.example",  # a reference link, its definition on a line
    "<http://phish.example> and <ceo@phish.example>",  # autolinks
    '<img src="http://track.example/p.png"> <a href="http://phish.example">b</a>',  # raw HTML
    "\\[escaped](http://phish.example)",  # a backslash typed to undo ours
    "`[code](http://x.example)` <!-- comment -->",
    "&lt;img src=x&gt; &#60;a href=x&#62; &copy;",  # entities stay as typed
    "Deals $1M-$5M | *team* _name_",
]


def render_markdown(text: str) -> str:
    """``text`` as a CommonMark renderer (with GFM tables) makes it HTML."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").render(text)


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN)
def test_markdown_from_a_workbook_renders_as_its_own_text_never_a_link_or_an_image(text):
    for document in (f"- {markdown(text)}\n", f"| Team |\n|---|\n| {markdown(text)} |\n"):
        rendered = render_markdown(document)
        assert not re.search(r"<(a|img|code|script|!--)\b", rendered), rendered
        cell = re.search(r"<(li|td)>(.*?)</\1>", rendered, re.S).group(2)
        plain = html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        if "*" not in text:  # emphasis is left to the renderer: it makes nothing active
            assert plain == visible(text)


@given(st.text(alphabet="![]()<>:/\\`|&;#*_ \nhttpx.example@\u202e"))
def test_no_workbook_text_makes_a_link_image_or_html_tag_in_markdown(text):
    rendered = render_markdown(f"| Team |\n|---|\n| {markdown(text)} |\n- {markdown(text)}\n")
    tags = set(re.findall(r"</?([a-z0-9]+)", rendered))
    assert tags <= {"table", "thead", "tbody", "tr", "th", "td", "ul", "li", "em", "strong",
                    "p", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "blockquote", "ol", "pre"}


def test_html_text_escapes_markup_and_quotes_and_shows_bidi_visibly():
    assert html_text('<b title="x">R&D</b>') == "&lt;b title=&quot;x&quot;&gt;R&amp;D&lt;/b&gt;"
    assert html_text("Invoice \u202egnp.exe\x1b") == "Invoice \\u202egnp.exe\\x1b"


def test_chart_text_shows_control_characters_visibly_and_keeps_dollars_as_typed():
    assert chart_text("Pricing $$\u202e") == "Pricing $$\\u202e"
    assert chart_text("_team") == "_team"


def test_terminal_values_escapes_the_text_inside_containers_and_problems():
    problem = Problem(ERROR, "bad\x1b.xlsx", "OKRs", "B7", "Target is \"\r\"")
    value = terminal_values({"team": "a\x07", "rows": [("b\x1b", 1.5)], "problem": problem})
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
