"""The HTML bodies of okrsheet's email drafts opened in a real headless browser (Debian's
Chromium, driven by Playwright) with the network cut: nothing is requested but the page
itself, and the tables are drawn. Skipped locally without Chromium; a failure in CI."""

import datetime as dt
from email import message_from_bytes
from email.policy import default

import pytest
from click.testing import CliRunner

from okrsheet.cli import main
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook

pytestmark = pytest.mark.slow


def _drafts(tmp_path):
    team_quarter = starter("sales-team", team="Sales", quarter="2027-Q1")
    team_quarter.owners = {"Sam": "sam@example.com", "Priya": "priya@example.com",
                           "Jonas": "jonas@example.com", "Alex": "alex@example.com"}
    team = tmp_path / "team.xlsx"
    write_workbook(team_quarter, team, today=dt.date(2027, 2, 1))
    runner = CliRunner()
    assert runner.invoke(main, ["status", str(team), "--eml", "-o",
                                str(tmp_path / "status.eml")]).exit_code == 0
    assert runner.invoke(main, ["split", str(team), "-o", str(tmp_path / "out"), "--week", "5",
                                "--eml"]).exit_code == 0
    return [tmp_path / "status.eml", tmp_path / "out" / "Sales-2027-Q1-week-5-Sam.eml"]


def test_the_html_bodies_request_nothing_with_the_network_cut(browser, tmp_path):
    for draft in _drafts(tmp_path):
        message = message_from_bytes(draft.read_bytes(), policy=default)
        page_file = draft.with_suffix(".html")
        page_file.write_text(message.get_body(("html",)).get_content(), encoding="utf-8")
        context = browser.new_context(offline=True, viewport={"width": 900, "height": 700})
        requests = []
        context.route("**/*", lambda route: (requests.append(route.request.url),
                                             route.abort() if route.request.url != page_file.as_uri()
                                             else route.continue_()))
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto(page_file.as_uri(), wait_until="load")
        page.screenshot(path=str(draft.with_suffix(".png")), full_page=True)
        rows = page.eval_on_selector_all("tr", "rows => rows.length")
        width = page.evaluate("() => document.querySelector('table').getBoundingClientRect().width")
        context.close()
        assert set(requests) == {page_file.as_uri()}, requests
        assert rows >= 3 and width > 300
