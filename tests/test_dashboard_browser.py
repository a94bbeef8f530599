"""The dashboard opened in a real headless browser (Debian's Chromium, driven by Playwright):
no console error, no request of any kind, every chart drawn, every number on the page the
number in the summary's JSON. Skipped locally without Chromium; a failure in CI."""

import json
import math
import random
import re
import sys
from pathlib import Path

import pytest

from okrsheet.domain.alignment import align
from okrsheet.outputs import report
from okrsheet.outputs.dashboard import write_dashboard
from okrsheet.quarterend.calibration import calibrate
from okrsheet.quarterend.summary import summarise
from okrsheet.write.writer import write_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_history import generated  # noqa: E402

pytestmark = pytest.mark.slow
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
CHARTS = {"trend", "status-mix", "reliability"}


def open_dashboard(browser, path: Path, screenshot: Path):
    """Open ``path``; return (console errors, requests, numbers, charts, leftover text)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors, requests = [], []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri(), wait_until="load")
    page.screenshot(path=str(screenshot), full_page=True)
    page.emulate_media(media="print")
    screenshot.with_suffix(".pdf").write_bytes(page.pdf(format="A4", print_background=True))
    page.emulate_media(media="screen")
    numbers = page.eval_on_selector_all(
        ".num", "nodes => nodes.map(n => [n.dataset.ref, n.dataset.value, n.textContent])")
    charts = page.eval_on_selector_all("figure[data-chart]", """nodes => nodes.map(n => {
        const svg = n.querySelector('svg'); const box = svg ? svg.getBoundingClientRect() : null;
        return [n.dataset.chart, box ? box.width : 0, box ? box.height : 0,
                n.querySelectorAll('svg path').length]; })""")
    leftover = page.evaluate("""() => { const copy = document.body.cloneNode(true);
        copy.querySelectorAll('svg, .num, .legend, .id').forEach(n => n.remove());
        return copy.innerText; }""")
    page.close()
    return errors, requests, numbers, charts, leftover


def expected_values(result, calibration) -> dict[str, object]:
    """Every ``data-ref`` the page may show, with its value from the JSON summary."""
    document = json.loads(report.json_text(result, confidence=calibration))
    values: dict[str, object] = {
        "summary/teams": len({row["team"] for row in document["teams"]}),
        "summary/workbooks": len(document["teams"])}
    confidence = document["confidence"]
    keyed = [("teams", document["teams"], lambda row: f"{row['team']}|{row['quarter']}"),
             ("company", document["company"], lambda row: row["quarter"]),
             ("calibration_teams", confidence["teams"], lambda row: row["team"]),
             ("reliability", confidence["reliability"], lambda row: row["confidence"]),
             ("kinds", confidence["kinds"], lambda row: row["quarter"])]
    for table, rows, key in keyed:
        for row in rows:
            for column, value in row.items():
                values[f"{table}/{key(row)}/{column}"] = value
    trees = [tree for tree in align(result.team_quarters).values()  # quarter order
             if tree.aligned or tree.unsupported]
    waiting = list(trees[-1].roots) if trees else []  # the page draws the latest tree
    if trees:  # and what names its orphans and dangling links, under them
        waiting += [child for link in [*trees[-1].orphans, *trees[-1].dangling] if link.node
                    for child in [*link.node.key_results, *link.node.children]]
    while waiting:
        node = waiting.pop()
        values[f"alignment/{node.team}/{node.id}/score"] = node.score
        values[f"alignment/{node.team}/{node.id}/aligned_score"] = node.aligned_score
        waiting += [*node.key_results, *node.children]
    return values


def shown_as(ref: str, value) -> str:
    """The text the page must show for ``value``."""
    column = ref.rsplit("/", 1)[1]
    if value is None:
        return "-"
    if column == "change":
        return report.change_text(value)
    if column == "brier":
        return f"{value:.2f}"
    if isinstance(value, float) and column not in ("forecasts", "reached", "quarters"):
        return f"{value:.0%}"
    return str(value)


def check_page(browser, result, calibration, tmp_path):
    path = tmp_path / "dashboard.html"
    write_dashboard(result, path, calibration=calibration)
    errors, requests, numbers, charts, leftover = open_dashboard(
        browser, path, tmp_path / "dashboard.png")
    assert errors == []
    assert requests == [path.as_uri()]  # the page itself, nothing else
    assert (tmp_path / "dashboard.png").stat().st_size > 50_000
    printed = (tmp_path / "dashboard.pdf").read_bytes()  # printable: a PDF of a few A4 pages
    assert printed.startswith(b"%PDF") and 1 <= len(re.findall(rb"/Type\s*/Page[^s]", printed)) <= 8
    drawn = {name for name, width, height, paths in charts if width > 300 and height > 150
             and paths >= 3}
    assert drawn == ({name for name, *_ in charts}) and {"trend", "status-mix"} <= drawn
    expected = expected_values(result, calibration)
    assert len(numbers) > 3 * len(result.teams)
    for ref, value, text in numbers:
        assert ref in expected, ref
        want = expected[ref]
        if want is None:
            assert value == "" and text == "-", ref
        else:
            assert math.isclose(float(value), float(want), rel_tol=1e-12), ref
            assert text == shown_as(ref, want), ref
    # no number on the page that is not one of the checked ones (quarter names aside)
    assert not re.findall(r"\d", re.sub(r"\d{4}-Q[1-4]", "", leftover))
    return drawn


def test_the_dashboard_of_the_samples_shows_the_json_numbers_and_loads_nothing(browser, tmp_path):
    result = summarise([SAMPLES])
    drawn = check_page(browser, result, calibrate(result), tmp_path)
    assert drawn >= {"trend", "status-mix"}


def test_the_dashboard_with_confidence_draws_the_calibration_chart(browser, tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    for number in random.Random(3).sample(range(200), 40):
        write_workbook(generated(number), folder / f"team-{number:03}.xlsx")
    result = summarise([folder])
    calibration = calibrate(result)
    assert len(calibration.reliability) == 3
    assert check_page(browser, result, calibration, tmp_path) == CHARTS


def test_the_browser_check_sees_a_page_that_asks_for_an_image_on_the_network(browser, tmp_path):
    # the check above is only worth something if a request would show: a page with an <img>
    # from the network logs the request and a console error (the page's policy blocks it)
    write_dashboard(summarise([SAMPLES / "2026-Q1"]), tmp_path / "dashboard.html")
    page = (tmp_path / "dashboard.html").read_text()
    bad = tmp_path / "bad.html"
    bad.write_text(page.replace("<body>", '<body><img src="http://192.0.2.1/logo.png">'))
    errors, requests, *_ = open_dashboard(browser, bad, tmp_path / "bad.png")
    assert "http://192.0.2.1/logo.png" in requests
    assert any("img-src" in error for error in errors)


def test_the_dashboard_draws_the_alignment_tree_with_the_scores_it_rolls_up(browser, tmp_path):
    from okrsheet.domain.model import KeyResult, Objective, TeamQuarter
    from okrsheet.domain.quarter import Quarter

    period = Quarter(2026, 4)

    def workbook(team, level, objectives):
        return TeamQuarter(team=team, quarter="2026-Q4", level=level, objectives=objectives,
                           quarter_start=period.start, quarter_end=period.end, as_of=period.end)

    def kr(value):  # progress value / 10
        return KeyResult(title=f"reach {value}", type="increase", start=0, target=10,
                         check_ins={3: value})

    folder = tmp_path / "books"
    folder.mkdir()
    write_workbook(workbook("Acme", "company", [Objective("Grow", [kr(5)], id="O1"),
                                                Objective("Keep", [kr(9)], id="O2")]),
                   folder / "acme.xlsx")
    # Sales (80%) and Support (40%) both name Acme/O1: aligned score (0.8 + 0.4) / 2 = 60%
    write_workbook(workbook("Sales", "team", [Objective("Sell", [kr(8)], id="O1",
                                                        parent="Acme/O1")]), folder / "sales.xlsx")
    write_workbook(workbook("Support", "team", [Objective("Help", [kr(4)], id="O1",
                                                          parent="Acme/O1")]), folder / "support.xlsx")
    result = summarise([folder])
    check_page(browser, result, calibrate(result), tmp_path)
    page = (tmp_path / "dashboard.html").read_text()
    aligned = re.search(r'data-ref="alignment/Acme/O1/aligned_score" data-value="([^"]+)">60%', page)
    assert aligned and float(aligned.group(1)) == pytest.approx(0.6)
    assert page.count('data-ref="alignment/') == 2 + 2 + 1  # O1 and its aligned, 2 children, O2
