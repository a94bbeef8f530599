"""The weekly status: progress change, forecast, stale key results, and the three renderings."""

import datetime as dt

import pytest
from click.testing import CliRunner

from okrsheet.cli import main
from okrsheet.domain.model import Action, KeyResult, Objective, TeamQuarter
from okrsheet.domain.status import (
    confidence_fell,
    confidence_trend,
    forecast,
    is_stale,
    judged_on,
    progress_change,
    rhythm,
    started_weeks,
    status_page,
)
from okrsheet.outputs.statuspage import html_page, markdown, text
from okrsheet.write.writer import write_workbook

START = dt.date(2027, 1, 1)  # 2027-Q1: week 3 starts 15 Jan, week 5 29 Jan, week 7 12 Feb


def kr(kind="increase", start=0.0, target=100.0, check_ins=None, **more):
    return KeyResult("A key result", owner="Sam", type=kind, start=start, target=target,
                     check_ins=dict(check_ins or {}), **more)


@pytest.mark.parametrize(("key_result", "week", "change"), [
    (kr(check_ins={3: 20.0, 5: 45.0}), 5, 0.25),  # 45% now - 20% at week 3
    (kr(check_ins={3: 20.0}), 5, 0.0),  # nothing new in week 5: no change
    (kr(check_ins={5: 45.0}), 5, None),  # no value before week 5
    (kr(check_ins={3: 20.0}), 3, None),  # the first check-in has nothing before it
    (kr("decrease", 74.0, 55.0, {3: 70.0, 5: 65.0}), 5, 5 / 19),  # (74-65)/19 - (74-70)/19
    (kr(check_ins={3: 50.0}, current=30.0), 5, -0.2),  # typed Current 30% vs 50% at week 3
    (kr("milestone", None, None, {3: "not done", 5: "done"}), 5, 1.0),
])
def test_progress_change_is_now_minus_the_previous_check_in(key_result, week, change):
    assert progress_change(key_result, week) == (None if change is None else pytest.approx(change))


@pytest.mark.parametrize(("confidences", "typed", "week", "trend"), [
    ({3: "high", 5: "medium"}, None, 5, ("medium", "high")),
    ({3: "high", 5: "medium"}, None, 7, ("medium", None)),  # nothing new since week 5
    ({3: "high"}, None, 5, ("high", None)),
    ({3: "high", 5: "high"}, None, 5, ("high", None)),
    ({5: "low"}, None, 5, ("low", None)),  # nothing before to compare with
    ({3: "high", 5: "low"}, "medium", 5, ("medium", None)),  # typed over: no trend
    ({}, None, 5, (None, None)),
])
def test_the_confidence_trend_compares_with_the_previous_check_in(confidences, typed, week,
                                                                  trend):
    assert confidence_trend(kr(confidences=confidences, confidence=typed), week) == trend


@pytest.mark.parametrize(("key_result", "value", "progress", "status"), [
    # increase from Start 0 (week 1) through 20 at week 3: 20 * 12 / 2 = 120 -> 100%
    (kr(check_ins={3: 20.0}), 120.0, 1.0, "green"),
    # through 25 at week 7: 25 * 12 / 6 = 50 -> 50%
    (kr(check_ins={3: 20.0, 7: 25.0}), 50.0, 0.5, "orange"),
    # decrease 74 -> 55, 70 at week 5: 74 - 4 * 12 / 4 = 62 -> 12 / 19 = 63%
    (kr("decrease", 74.0, 55.0, {5: 70.0}), 62.0, 12 / 19, "orange"),
    # stay below 10: 8 at week 3, 9 at week 5: +0.5 a week, 9 + 0.5 * 8 = 13 -> missed
    (kr("stay below", None, 10.0, {3: 8.0, 5: 9.0}), 13.0, 0.0, "red"),
    # stay above 40: 45 then 44: -0.5 a week, 44 - 0.5 * 8 = 40 -> still met
    (kr("stay above", None, 40.0, {3: 45.0, 5: 44.0}), 40.0, 1.0, "green"),
    # one value of a stay above: it holds
    (kr("stay above", None, 40.0, {7: 39.0}), 39.0, 0.0, "red"),
    (kr("milestone", None, None, {5: "done"}), "done", 1.0, "green"),
    (kr("milestone", None, None, {5: "not done"}), "open", None, None),
    # a revised target counts: 30 at week 7 forecasts 60 of the revised 60
    (kr(check_ins={7: 30.0}, revised_target=60.0), 60.0, 1.0, "green"),
])
def test_the_forecast_follows_the_documented_rule(key_result, value, progress, status):
    found = forecast(key_result)
    assert found.value == pytest.approx(value) if isinstance(value, float) else found.value == value
    assert found.progress == (None if progress is None else pytest.approx(progress))
    assert found.status == status


@pytest.mark.parametrize(("week", "value", "status"), [
    (3, 120.0, "green"),  # judged at week 3: 20 * 12 / 2 = 120 -> 100%
    (7, 40.0, "orange"),  # nothing at weeks 5 and 7: it has not moved, 20 * 12 / 6 = 40
    (13, 20.0, "red"),  # the review: what it reached
])
def test_a_key_result_not_updated_since_is_forecast_from_where_it_stands_now(week, value,
                                                                            status):
    found = forecast(kr(check_ins={3: 20.0}), week=week)
    assert (found.value, found.status) == (pytest.approx(value), status)


@pytest.mark.parametrize("key_result", [
    kr(),  # no check-in yet
    kr(check_ins={3: "abc"}),  # an input to check
    kr(target="fifty", check_ins={3: 20.0}),
])
def test_there_is_no_forecast_without_a_usable_check_in(key_result):
    assert forecast(key_result) is None


@pytest.mark.parametrize(("check_ins", "as_of", "lagging", "stale"), [
    ({}, dt.date(2027, 1, 20), False, False),  # only week 3 has started
    ({}, dt.date(2027, 1, 29), False, True),  # weeks 3 and 5 started, no value in either
    ({3: 1.0}, dt.date(2027, 1, 29), False, False),
    ({3: 1.0}, dt.date(2027, 2, 12), False, True),  # weeks 5 and 7 blank
    ({7: 1.0}, dt.date(2027, 2, 12), False, False),
    ({}, dt.date(2027, 2, 12), True, False),  # lagging: measured at the review
])
def test_a_key_result_is_stale_with_no_value_in_the_last_two_check_ins(check_ins, as_of,
                                                                       lagging, stale):
    weeks = started_weeks(START, as_of)
    assert is_stale(kr(check_ins=check_ins, lagging=lagging), weeks) is stale


def _team():
    objective = Objective("Grow | *revenue*", id="O1", key_results=[
        kr(check_ins={3: 20.0, 5: 45.0}, confidences={3: "medium", 5: "high"}, id="O1.1"),
        KeyResult("\x1b[31m<script>alert(1)</script>", owner="Ann", type="increase",
                  start=0.0, target=10.0, id="O1.2"),
    ])
    actions = [Action("Call the ten largest prospects", "O1.1", "Sam", dt.date(2027, 1, 25)),
               Action("Book a demo day", "o1.1", "Ann", dt.date(2027, 2, 20)),
               Action("Train the new rep", "O1.1", "Sam", dt.date(2027, 1, 20), done=True),
               Action("Fix the <CRM> | export", "O1.2", None, dt.date(2027, 1, 31))]
    return TeamQuarter("Sales", "2027-Q1", [objective], quarter_start=START,
                       quarter_end=dt.date(2027, 3, 31), actions=actions)


def test_the_status_page_judges_at_the_latest_check_in_week_started():
    page = status_page(_team(), dt.date(2027, 2, 1))
    assert (page.week, page.stale_weeks) == (5, [3, 5])
    first, second = page.objectives[0].key_results
    # O1.1: 45%, +25 pts since week 3, forecast 45 * 12 / 4 = 135 -> 100% green
    assert (first.progress, first.change, first.confidence) == (0.45, pytest.approx(0.25), "high")
    assert first.forecast.status == "green"
    assert [kr.id for kr in page.stale] == ["O1.2"]
    assert page.score == pytest.approx(0.225)  # (0.45 + 0) / 2
    # O1.1: two open (the done one left out), one due 25 January (overdue on 1 February)
    assert (first.open_actions, first.overdue_actions) == (2, 1)
    assert (second.open_actions, second.overdue_actions) == (1, 1)
    assert [action.title for action in page.overdue] == [
        "Call the ten largest prospects", "Fix the <CRM> | export"]


def test_text_shows_every_key_result_with_control_characters_escaped():
    shown = text(status_page(_team(), dt.date(2027, 2, 1)))
    assert "O1.1" in shown and "+25 pts" in shown and "100% green" in shown
    assert "medium → high" in shown
    assert "\x1b" not in shown and "\\x1b" in shown
    assert ("Stale, no value in weeks 3 and 5: O1.2 \\x1b[31m<script>alert(1)</script> (Ann)."
            in shown)
    assert "2 open, 1 overdue" in shown
    assert ("Overdue actions: O1.1 Call the ten largest prospects (Sam, due 2027-01-25); "
            "O1.2 Fix the <CRM> | export (no owner, due 2027-01-31).") in shown
    assert len(shown.splitlines()) <= 24  # one screen


def test_markdown_escapes_table_syntax_and_html_in_user_text():
    shown = markdown(status_page(_team(), dt.date(2027, 2, 1)))
    assert "**O1 Grow \\| *revenue***" in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "<script>" not in shown
    row = next(line for line in shown.splitlines() if line.startswith("| O1.2"))
    assert row.count(" | ") == 10  # eleven cells: no extra column from user text
    assert "Fix the &lt;CRM&gt; \\| export" in shown


def test_html_is_one_self_contained_file_with_user_text_escaped():
    shown = html_page(status_page(_team(), dt.date(2027, 2, 1)))
    assert shown.startswith("<!DOCTYPE html>")
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    assert "http://" not in shown and "https://" not in shown and "src=" not in shown
    assert "#C6EFCE" in shown  # the sheet's green


def _hostile_team():
    team = _team()
    team.team = "Sales\u202e"
    team.objectives[0].title = "![pixel](http://track.example/p.png) [login](http://phish.example)"
    team.objectives[0].key_results[0].owner = "<http://phish.example>"
    return team


def test_the_status_page_carries_the_dashboards_content_security_policy():
    from okrsheet.outputs.escape import CONTENT_SECURITY_POLICY

    shown = html_page(status_page(_hostile_team(), dt.date(2027, 2, 1)))
    assert CONTENT_SECURITY_POLICY in shown and "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert shown.index(CONTENT_SECURITY_POLICY) < shown.index("<body>")


def test_bidi_overrides_show_visibly_in_every_rendering_of_the_status_page():
    page = status_page(_hostile_team(), dt.date(2027, 2, 1))
    for rendered in (text(page), markdown(page), html_page(page)):
        assert "\u202e" not in rendered and "Sales\\u202e" in rendered


def test_the_status_markdown_renders_no_link_or_image_from_workbook_text():
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable("table").render(
        markdown(status_page(_hostile_team(), dt.date(2027, 2, 1))))
    assert "<img" not in rendered and "<a " not in rendered
    assert "![pixel](http://track.example/p.png)" in rendered  # shown as the text it is


def test_status_html_into_a_file_that_is_not_html_is_a_usage_error(tmp_path):
    path = tmp_path / "team.xlsx"
    write_workbook(_team(), path, today=dt.date(2027, 2, 1))
    out = tmp_path / "status.xlsx"
    result = CliRunner().invoke(main, ["status", str(path), "--format", "html", "-o", str(out)])
    assert result.exit_code == 2
    assert "must end in .html or .htm" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_html_tables_are_page_wide_and_scroll_in_their_box_on_a_narrow_window():
    page = status_page(_team(), dt.date(2027, 2, 1))
    shown = html_page(page)
    assert shown.count('<div class="wide"><table>') == len(page.objectives)
    assert "table{border-collapse:collapse;margin-bottom:1.2em;width:100%}" in shown
    assert ".wide{overflow-x:auto}" in shown and 'name="viewport"' in shown
    assert 'class="chip"' in shown and ".chip{padding:0 4px;white-space:nowrap}" in shown


def test_status_command_writes_each_format_and_never_overwrites_without_force(tmp_path):
    path = tmp_path / "team.xlsx"
    write_workbook(_team(), path, today=dt.date(2027, 2, 1))
    result = CliRunner().invoke(main, ["status", str(path), "--as-of", "2027-02-01"])
    assert result.exit_code == 0, result.output
    assert "check-in week 5" in result.output and "O1.1" in result.output
    out = tmp_path / "status.html"
    args = ["status", str(path), "--as-of", "2027-02-01", "--format", "html", "-o", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 2 and "already exists" in again.output  # a usage error
    assert CliRunner().invoke(main, [*args, "--force"]).exit_code == 0


# The check-in rhythm the summary counts (okrsheet.domain.status.rhythm)


@pytest.mark.parametrize(("confidences", "fell"), [
    ({3: "high", 7: "medium"}, True),
    ({3: "medium", 5: "low", 7: "medium"}, False),  # first and latest equal
    ({3: "low", 5: "high"}, False),  # rose
    ({3: " High ", 5: "LOW"}, True),  # as the drop-down's words, case and spaces aside
    ({3: "high", 5: "unsure", 7: None}, None),  # one on the scale: no trend
    ({}, None),
])
def test_confidence_fell_compares_the_latest_check_in_confidence_with_the_first(confidences, fell):
    assert confidence_fell(kr(confidences=confidences)) is fell


def test_a_confidence_typed_over_is_not_a_check_in_and_does_not_count():
    assert confidence_fell(kr(confidences={3: "high", 5: "high"}, confidence="low")) is False


def test_the_summary_judges_on_the_as_of_else_today_but_not_past_the_quarter_end():
    quarter = TeamQuarter("Sales", "2027-Q1", quarter_start=START, quarter_end=dt.date(2027, 3, 31))
    assert judged_on(quarter, today=dt.date(2027, 2, 1)) == dt.date(2027, 2, 1)
    assert judged_on(quarter, today=dt.date(2027, 6, 1)) == dt.date(2027, 3, 31)
    quarter.as_of = dt.date(2027, 1, 20)
    assert judged_on(quarter, today=dt.date(2027, 6, 1)) == dt.date(2027, 1, 20)


def test_rhythm_counts_falls_stale_key_results_and_overdue_actions():
    key_results = [
        kr(check_ins={3: 10.0}, confidences={3: "high", 5: "low"}),  # fell; stale at week 7
        kr(check_ins={3: 10.0, 7: 30.0}, confidences={3: "low", 7: "medium"}),  # rose
        kr(check_ins={}, confidences={3: "medium"}, lagging=True),  # never stale; no trend
    ]
    actions = [Action("Call", "O1.1", due=dt.date(2027, 2, 10)),  # overdue on 15 Feb
               Action("Hire", "O1.2", due=dt.date(2027, 2, 1), done=True),  # done
               Action("Plan", "O1.1", due=dt.date(2027, 2, 20)),  # not due yet
               Action("", "O1.1", due=dt.date(2027, 1, 2))]  # no title: not an action
    quarter = TeamQuarter("Sales", "2027-Q1", [Objective("Grow", key_results)],
                          quarter_start=START, quarter_end=dt.date(2027, 3, 31),
                          as_of=dt.date(2027, 2, 15), actions=actions)
    found = rhythm(quarter)
    assert (found.confidence_trends, found.confidence_fell) == (2, 1)
    assert found.share_confidence_fell == 0.5
    assert (found.stale_key_results, found.overdue_actions) == (1, 1)
    quarter.as_of = dt.date(2027, 2, 5)  # weeks 3 and 5 started: both have a week-3 value
    assert (rhythm(quarter).stale_key_results, rhythm(quarter).overdue_actions) == (0, 0)


def test_the_status_page_shows_each_key_results_value_beside_its_target_and_unit():
    from pathlib import Path

    from okrsheet.domain.status import status_page
    from okrsheet.outputs.statuspage import render
    from okrsheet.read.reader import read_workbook

    sample = Path(__file__).parent.parent / "samples" / "2027-Q1" / "new-business.xlsx"
    team_quarter = read_workbook(sample).team_quarter
    page = render(status_page(team_quarter, team_quarter.as_of), "text")
    assert "405000 of 450000 EUR" in page and "10 of 12 logos" in page
    assert "24% of 25%" in page  # a rate kept as a share, its unit %
