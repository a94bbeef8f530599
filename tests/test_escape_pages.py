"""A hostile title comes out inert in every page okrsheet writes, one format at a time.

One workbook whose team, objective, key result, unit and owner hold HTML, markdown syntax,
a formula, a line break and control characters goes through every command that renders it
(summary, score, status, split, diff, textconv); each page is checked for its format:
HTML has no tag or link from it, markdown renders none, the terminal gets no raw control
character, CSV no formula, JSON the text exactly, an email no extra header.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from email import message_from_bytes
from email.policy import default

import pytest
from click.testing import CliRunner

from okrsheet.cli import main
from okrsheet.domain.text import visible
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook

HOSTILE = ("=cmd|' /C calc'!A0 <script>alert(1)</script> | *bold* `code` "
           "[login](http://phish.example) ![pixel](http://track.example/p.png)\n"
           "next line\r\x1b]0;owned\x07 \u202eevil")
TEAM = "Sales <b>|</b> `t` \x1b[2J"
OWNER = "Sam <img src=x> | [me](http://phish.example)"
AS_OF = "2027-02-20"

RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""What must never reach a terminal, a markdown or an HTML page (newline aside)."""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The hostile workbook, and a copy with one more change for diff."""
    folder = tmp_path_factory.mktemp("hostile-pages")
    team = starter("sales-team", team=TEAM, quarter="2027-Q1")
    team.owners = {OWNER: "sam@example.com", **{name: f"{name.lower()}@example.com"
                                                for name in ("Sam", "Priya", "Jonas", "Alex")}}
    objective = team.objectives[0]
    objective.title = HOSTILE
    kr = objective.key_results[0]
    kr.title, kr.unit, kr.owner = HOSTILE, HOSTILE, OWNER
    kr.check_ins = {3: 1.0}
    write_workbook(team, folder / "team.xlsx", today=dt.date(2027, 1, 5))
    kr.title = HOSTILE + " (edited)"
    write_workbook(team, folder / "edited.xlsx", today=dt.date(2027, 1, 5))
    return folder


def run(*args) -> str:
    result = CliRunner(env={"COLUMNS": "400"}).invoke(main, [str(arg) for arg in args])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    return result.output


def html_body(data: bytes) -> str:
    """An email's HTML body, its lines ended as in a file (not CRLF, as emails end them)."""
    message = message_from_bytes(data, policy=default)
    return message.get_body(("html",)).get_content().replace("\r\n", "\n")


def assert_html_inert(page: str) -> None:
    assert "&lt;script&gt;" in page or "&lt;b&gt;" in page  # the text is there, escaped
    assert not re.search(r"<(script|img|b|a)\b", page, re.I)
    assert "phish.example" not in re.sub(r"&[a-z]+;", "", "".join(
        re.findall(r"<[^>]*>", page)))  # never inside a tag: no href or src from the text
    assert not RAW_CONTROL.search(page)


def assert_markdown_inert(text: str) -> None:
    from markdown_it import MarkdownIt

    assert "<script>" not in text and not RAW_CONTROL.search(text)
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    # emphasis (*bold*) is left to the renderer: it makes nothing active
    assert not re.search(r"<(a|img|code|script|b)\b", rendered), rendered
    for table in re.findall(r"<table>.*?</table>", rendered, re.S):  # no cell added by the text
        widths = {row.count("<td") + row.count("<th") for row in re.findall(
            r"<tr>.*?</tr>", table, re.S)}
        assert len(widths) == 1, table


def assert_terminal_inert(text: str) -> None:
    assert not RAW_CONTROL.search(text)


def test_every_html_page_shows_a_hostile_title_as_text(folder, tmp_path):
    run("summary", folder / "team.xlsx", "--as-of", AS_OF, "-o", tmp_path / "dashboard.html")
    run("status", folder / "team.xlsx", "--as-of", AS_OF, "--format", "html",
        "-o", tmp_path / "status.html")
    run("status", folder / "team.xlsx", "--as-of", AS_OF, "--eml", "-o", tmp_path / "status.eml")
    run("split", folder / "team.xlsx", "-o", tmp_path / "split", "--week", "5", "--eml")
    drafts = sorted((tmp_path / "split").glob("*.eml"))
    assert drafts
    pages = [(tmp_path / "dashboard.html").read_text(encoding="utf-8"),
             (tmp_path / "status.html").read_text(encoding="utf-8"),
             *(html_body(path.read_bytes()) for path in [tmp_path / "status.eml", *drafts])]
    for page in pages:
        assert_html_inert(page)
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in page for page in pages[1:])


def test_every_markdown_page_renders_a_hostile_title_as_its_text(folder):
    pages = [run("summary", folder / "team.xlsx", "--as-of", AS_OF, "--format", "markdown"),
             run("summary", folder / "team.xlsx", "--as-of", AS_OF, "--format", "markdown",
                 "--objectives"),
             run("summary", folder / "team.xlsx", "--as-of", AS_OF, "--format", "markdown",
                 "--tree"),
             run("status", folder / "team.xlsx", "--as-of", AS_OF, "--format", "markdown")]
    for page in pages:
        assert_markdown_inert(page)
    assert any("\\[login](http://phish.example)" in page for page in pages)


def test_every_terminal_page_shows_control_characters_of_a_hostile_title_visibly(folder):
    pages = [run("summary", folder / "team.xlsx", "--as-of", AS_OF),
             run("summary", folder / "team.xlsx", "--as-of", AS_OF, "--objectives"),
             run("score", folder / "team.xlsx", "--as-of", AS_OF),
             run("check", folder / "team.xlsx"),
             run("status", folder / "team.xlsx", "--as-of", AS_OF),
             run("diff", folder / "team.xlsx", folder / "edited.xlsx"),
             run("textconv", folder / "team.xlsx")]
    for page in pages:
        assert_terminal_inert(page)
    assert all("\\x1b" in page for page in pages if page is not pages[3])  # check: no problem
    score = pages[2]
    assert "[login](http://phish.example)" in score  # rich's markup took nothing from it


@pytest.mark.parametrize("command", [
    ("summary", "--format", "csv", "--objectives"), ("score", "--format", "csv")])
def test_csv_gives_a_hostile_title_as_text_never_a_formula(folder, command):
    text = run(command[0], folder / "team.xlsx", "--as-of", AS_OF, *command[1:])
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")
            and not re.fullmatch(r"-?[\d.]+", cell)] == []
    assert any(cell.startswith("'=cmd") for cell in cells)
    assert not RAW_CONTROL.search(text)


@pytest.mark.parametrize("command", [
    ("summary", "--format", "json", "--objectives"), ("score", "--format", "json")])
def test_json_keeps_a_hostile_title_exactly_and_escaped_its_own_way(folder, command):
    text = run(command[0], folder / "team.xlsx", "--as-of", AS_OF, *command[1:])
    assert not RAW_CONTROL.search(text)  # \u001b and \u202e, as JSON writes them
    assert HOSTILE in texts(json.loads(text))


def texts(value: object) -> list[str]:
    """Every string in a JSON document."""
    if isinstance(value, dict):
        return [text for item in value.values() for text in texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in texts(item)]
    return [value] if isinstance(value, str) else []


def test_an_email_gets_no_header_from_a_hostile_title_or_owner(folder, tmp_path):
    run("split", folder / "team.xlsx", "-o", tmp_path, "--week", "5", "--eml")
    run("status", folder / "team.xlsx", "--as-of", AS_OF, "--eml", "-o", tmp_path / "s.eml")
    for path in tmp_path.glob("*.eml"):
        message = message_from_bytes(path.read_bytes(), policy=default)
        assert sorted(message.keys()) == sorted(
            {*message.keys()} & {"To", "Subject", "X-Unsent", "X-Okrsheet", "Content-Type",
                                 "MIME-Version", "Reply-To"})
        assert all("\n" not in str(value) and not RAW_CONTROL.search(str(value))
                   for value in message.values())
        text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert not RAW_CONTROL.search(text)


def test_the_escapes_are_the_ones_visible_writes():
    assert visible(TEAM) == "Sales <b>|</b> `t` \\x1b[2J"
