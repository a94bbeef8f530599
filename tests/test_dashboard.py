"""okrsheet.outputs.dashboard without a browser: one self-contained file, the same bytes for the
same summary, never written over without force."""

import re
from pathlib import Path

import pytest

from okrsheet.outputs.dashboard import dashboard_html, write_dashboard
from okrsheet.quarterend.summary import summarise
from okrsheet.sheet.files import OutputExists

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
