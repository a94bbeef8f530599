"""okrsheet.outputs.dashboard without a browser: one self-contained file, the same bytes for the
same summary, never written over without force."""

import re
from pathlib import Path

import pytest

from okrsheet.domain.problems import OutputExists
from okrsheet.outputs.dashboard import dashboard_html, write_dashboard
from okrsheet.quarterend.summary import summarise

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(scope="module")
def samples_summary():
    return summarise([SAMPLES])


def test_the_dashboard_names_no_resource_outside_itself(samples_summary):
    page = dashboard_html(samples_summary)
    # references inside the page (#id, the charts' own markers) only
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#)|url\((?!#)|@import|<script|<link|<iframe""",
                         page, re.I)
    # the only URLs are the SVG/XLink namespaces, which nothing loads
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) <= {
        "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "default-src 'none'" in page


def test_the_same_summary_makes_the_same_dashboard_byte_for_byte(samples_summary):
    assert dashboard_html(samples_summary) == dashboard_html(samples_summary)


def test_the_dashboard_shows_each_team_and_the_company_score_of_each_quarter(samples_summary):
    page = dashboard_html(samples_summary)
    for row in samples_summary.company.itertuples():
        assert f'data-ref="company/{row.quarter}/score" data-value="{row.score!r}"' in page
    for team in set(samples_summary.teams["team"]):
        assert f"<td>{team}</td>" in page
    assert page.count("<svg") == 2  # trend and status mix; the reliability chart needs calibration


def test_a_team_name_that_looks_like_markup_is_shown_as_text(samples_summary):
    summary = summarise([SAMPLES / "2026-Q1"])
    summary.teams.loc[0, "team"] = "<b>R&D</b>"
    page = dashboard_html(summary)
    assert "&lt;b&gt;R&amp;D&lt;/b&gt;" in page and "<b>R&D</b>" not in page


def test_the_dashboard_is_not_written_over_without_force(samples_summary, tmp_path):
    path = tmp_path / "dashboard.html"
    path.write_text("mine")
    with pytest.raises(OutputExists):
        write_dashboard(samples_summary, path)
    assert path.read_text() == "mine"
    write_dashboard(samples_summary, path, force=True)
    assert path.read_text().startswith("<!DOCTYPE html>")


def test_the_wide_tables_scroll_in_their_own_box_on_a_narrow_window(samples_summary):
    page = dashboard_html(samples_summary)
    for table in ("scores", "mix", "flags"):
        assert f'<div class="wide"><table id="{table}">' in page
    assert "@media (max-width:900px)" in page and ".wide{overflow-x:auto" in page


def test_without_a_company_workbook_in_the_latest_quarter_the_latest_tree_is_shown_and_why(
        samples_summary):
    page = dashboard_html(samples_summary)  # the samples' 2027-Q1 has no company workbook yet
    assert "<h2>Alignment in 2026-Q4</h2>" in page
    assert ("No company workbook in 2027-Q1 and nothing there names a parent; this is 2026-Q4, "
            "the latest quarter with a tree." in page)
    assert 'data-ref="alignment/Acme/O1/score"' in page


def test_no_company_workbook_at_all_says_so_instead_of_drawing_a_tree():
    page = dashboard_html(summarise([SAMPLES / "2027-Q1"]))
    assert ("Alignment: no company workbook in 2027-Q1 and nothing there names a parent, so "
            "there is no tree to draw." in page)
    assert 'id="alignment"' not in page


def test_the_calibration_says_why_it_is_empty_when_no_confidence_was_given():
    from okrsheet.quarterend.calibration import calibrate

    summary = summarise([SAMPLES / "2027-Q1" / "customer-success.xlsx"])  # not started
    page = dashboard_html(summary, calibrate(summary))
    assert 'id="no-forecasts"' in page and "nothing to calibrate" in page
    full = summarise([SAMPLES])
    page = dashboard_html(full, calibrate(full))
    assert 'id="no-forecasts"' not in page
    assert "<th>Forecasts</th><th>Reached green</th></tr></thead><tbody><tr><td>low" in page


def test_the_lead_says_how_many_teams_the_latest_company_score_leaves_out(samples_summary):
    page = re.sub(r"<[^>]+>", "", dashboard_html(samples_summary))
    assert ("Company score in 2027-Q1: 32% ▼ -51 pts (of 4 teams, 2 not started and left out)."
            in page)
    assert "not started and left out" not in re.sub(
        r"<[^>]+>", "", dashboard_html(summarise([SAMPLES / "2026-Q4"])))


# A big company, and hostile team names


def company_of(names: list[str], quarters=("2026-Q3", "2026-Q4")):
    """A summary of a team per name, its score in each quarter set by its place in the list
    and rising by a point a quarter (the middle team falling 20 points in the latest)."""
    from okrsheet.domain.model import KeyResult, Objective, TeamQuarter
    from okrsheet.domain.quarter import Quarter
    from okrsheet.quarterend.summary import summarise_team_quarters

    made = []
    for number, name in enumerate(names):
        for step, label in enumerate(quarters):
            progress = 10 + number + step - (20 if number == len(names) // 2 and step else 0)
            period = Quarter.parse(label)
            made.append(TeamQuarter(name, label, [Objective("Grow", [KeyResult(
                "Deals", type="increase", start=0, target=100, current=progress)])],
                quarter_start=period.start, quarter_end=period.end, as_of=period.end))
    return summarise_team_quarters(made)


def trend_chart(page: str) -> str:
    start = page.index('id="chart-trend"')
    return page[start:page.index("</figure>", start)]


def test_a_big_company_s_trend_chart_draws_the_teams_that_matter_and_the_tables_every_team():
    from okrsheet.outputs.dashboard import TREND_PICKS, TREND_TEAMS

    names = [f"Team {number:02}" for number in range(60)]
    page = dashboard_html(company_of(names))
    chart = trend_chart(page)
    drawn = [name for name in names if name in chart]
    assert len(drawn) == 3 * TREND_PICKS < TREND_TEAMS
    assert {"Team 00", "Team 01", "Team 02"} <= set(drawn)  # the lowest
    assert {"Team 59", "Team 58", "Team 57"} <= set(drawn)  # the highest
    assert "Team 30 (moved most)" in chart  # and the team that fell
    assert "middle half of 60 teams" in chart and "Company" in chart
    assert "Every team is in the tables below." in chart
    for table in ("scores", "mix"):  # every team in the tables
        start = page.index(f'<table id="{table}">')
        rows = page[start:page.index("</table>", start)]
        assert all(f"<tr><td>{name}</td>" in rows for name in names)


def test_a_small_company_s_trend_chart_draws_every_team():
    names = [f"Team {number:02}" for number in range(5)]
    chart = trend_chart(dashboard_html(company_of(names)))
    assert all(f"{name}</text>" in chart for name in names) and "middle half" not in chart


def test_team_names_that_matplotlib_would_read_as_tex_or_hide_are_drawn_as_typed():
    names = ["Pricing $$", "Deals $1M-$5M", "_hidden", "<b>R&D</b>", "Sales\u202e", "\\frac"]
    page = dashboard_html(company_of(names))  # "Pricing $$" crashed matplotlib's mathtext
    chart = trend_chart(page)
    for shown in ("Pricing $$", "Deals $1M-$5M", "_hidden", "&lt;b&gt;R&amp;D&lt;/b&gt;",
                  "Sales\\u202e", "\\frac"):
        assert f"{shown}</text>" in chart  # a legend label, as text
    assert "<b>R&D</b>" not in page and "\u202e" not in page
    assert "<td>Sales\\u202e</td>" in page  # bidi shown visibly in the tables too


def test_the_dashboard_written_a_piece_at_a_time_is_the_page_dashboard_html_gives(
        samples_summary, tmp_path):
    path = tmp_path / "dashboard.html"
    write_dashboard(samples_summary, path)
    assert path.read_text(encoding="utf-8") == dashboard_html(samples_summary)
