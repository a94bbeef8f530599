"""okrsheet.quarterend.calibration: the Brier score and the reliability table worked by hand."""

import pytest

from okrsheet.domain.model import KeyResult, Objective, TeamQuarter
from okrsheet.domain.quarter import Quarter
from okrsheet.quarterend.calibration import PROBABILITY, calibrate, confidence_level, kind_name
from okrsheet.quarterend.summary import summarise_team_quarters


def kr(progress_tenths, given, kind=None, **more):
    """An increase KR from 0 to 10 with Current ``progress_tenths``, the confidence ``given``
    at the week-3 check-in."""
    more.setdefault("confidences", {3: given} if given else {})
    return KeyResult(title=f"kr {progress_tenths} {given}", type="increase", start=0,
                     target=10, current=progress_tenths, kind=kind, **more)


def team_quarter(team, quarter, *krs):
    period = Quarter.parse(quarter)
    return TeamQuarter(team=team, quarter=quarter, quarter_start=period.start,
                       quarter_end=period.end, as_of=period.end,
                       objectives=[Objective("Grow", list(krs), id="O1")])


def test_the_brier_score_and_reliability_of_two_quarters_worked_by_hand():
    summary = summarise_team_quarters([
        # Q1: high & green (0.8-1)^2 = 0.04; low & red (0.2-0)^2 = 0.04; medium & orange
        # (0.5-0)^2 = 0.25; no confidence: not a forecast. Brier = 0.33 / 3 = 0.11
        team_quarter("Alpha", "2026-Q1", kr(9, "high", "outcome"), kr(1, "low", "input"),
                     kr(5, " Medium ", "output"), kr(8, None, "input")),
        # Q2: high & red (0.8-0)^2 = 0.64; Brier = 0.64
        team_quarter("Alpha", "2026-Q2", kr(2, "High"), kr(None, "low")),  # not updated: no result
    ])
    calibration = calibrate(summary)
    forecasts = calibration.forecasts.set_index("quarter")
    assert forecasts.loc["2026-Q1", "forecasts"] == 3 and forecasts.loc["2026-Q1", "reached"] == 1
    assert forecasts.loc["2026-Q1", "brier"] == pytest.approx(0.11)
    assert forecasts.loc["2026-Q2", "brier"] == pytest.approx(0.64)
    # over both quarters: (0.04 + 0.04 + 0.25 + 0.64) / 4 = 0.2425
    assert calibration.teams.to_dict("records") == [
        {"team": "Alpha", "quarters": 2, "forecasts": 4, "reached": 1,
         "brier": pytest.approx(0.2425)}]
    # high: 2 forecasts, 1 reached green; medium 1, 0; low 1, 0
    assert calibration.reliability[["confidence", "key_results", "reached"]].values.tolist() == [
        ["low", 1, 0], ["medium", 1, 0], ["high", 2, 1]]
    # Q1 kinds: 2 input, 1 output, 1 outcome of 4; Q2: none set
    kinds = calibration.kinds.set_index("quarter")
    assert kinds.loc["2026-Q1", ["share_input", "share_output", "share_outcome",
                                 "share_not_set"]].tolist() == [0.5, 0.25, 0.25, 0.0]
    assert kinds.loc["2026-Q2", "share_not_set"] == 1.0


def test_every_check_in_confidence_before_the_review_is_a_forecast():
    summary = summarise_team_quarters([team_quarter(
        "Alpha", "2026-Q1",
        # ended green: high at week 3 (0.8-1)^2 = 0.04 and low at week 7 (0.2-1)^2 = 0.64;
        # the week-13 "high" is given at the review, when the result is known: not counted
        kr(9, None, confidences={3: "high", 7: "low", 13: "high"}),
        # ended red: a typed-over Confidence is not a check-in, so no forecast at all
        kr(1, None, confidence="high"))])
    calibration = calibrate(summary)
    assert calibration.forecasts[["forecasts", "reached"]].values.tolist() == [[2, 2]]
    assert calibration.forecasts.loc[0, "brier"] == pytest.approx((0.04 + 0.64) / 2)
    assert calibration.reliability[["confidence", "key_results", "reached"]].values.tolist() == [
        ["low", 1, 1], ["high", 1, 1]]


def test_confidence_levels_and_kinds_are_read_ignoring_case_and_spaces():
    assert [confidence_level(value) for value in (" HIGH", "medium", "Low ", "maybe", None, 3)] == [
        "high", "medium", "low", None, None, None]
    assert [kind_name(value) for value in ("Input", " outcome ", "impact", None)] == [
        "input", "outcome", "not set", "not set"]
    assert PROBABILITY == {"high": 0.8, "medium": 0.5, "low": 0.2}


def brier_as_defined(found, backwards=False):
    """The Brier score of ``(probability, reached, count)`` groups, added up one by one in
    sorted order: the definition the tables must match to the last bit."""
    total, squared = 0, 0.0
    for probability, hit, count in sorted(found, reverse=backwards):
        total += count
        squared += count * ((probability - 1.0) ** 2 if hit else probability ** 2)
    return squared / total


def test_brier_scores_are_added_up_in_sorted_order_to_the_last_bit():
    import random

    import numpy as np

    from okrsheet.quarterend.calibration import SLOTS, calibration_from_team_counts

    rng = random.Random(17)
    teams = ["Alpha", "beta", "Gamma", "delta"]
    quarters = [f"{year}-Q{number}" for year in (2025, 2026) for number in range(1, 5)]
    summary = summarise_team_quarters([team_quarter(team, quarter, kr(5, None))
                                       for quarter in quarters for team in teams])
    rows = [tuple(row) for row in summary.teams[["team", "quarter"]].values.tolist()]
    counts = np.array([[rng.choice([0, 0, 1, 2, 3, 7, 13, 40, 1000]) for _ in SLOTS]
                       for _ in rows], dtype=np.int64)
    counts[5] = 0  # a team quarter without forecasts is left out
    calibration = calibration_from_team_counts(counts, [], summary)
    groups = {row: [(*slot, int(count)) for slot, count in zip(SLOTS, found) if count]
              for row, found in zip(rows, counts)}
    assert calibration.forecasts[["team", "quarter", "brier"]].values.tolist() == [
        [team, quarter, brier_as_defined(found)] for (team, quarter), found in groups.items()
        if found]
    pooled = {team: [group for (name, _), found in groups.items() if name == team
                     for group in found] for team in sorted(teams, key=str.casefold)}
    assert calibration.teams[["team", "brier"]].values.tolist() == [
        [team, brier_as_defined(found)] for team, found in pooled.items()]
    assert calibration.teams["quarters"].tolist() == [
        sum(1 for (name, _), found in groups.items() if name == team and found) for team in pooled]
    assert sorted(calibration.teams["quarters"]) == [7, 8, 8, 8]
    # the order matters: added up backwards, some team's score differs in its last bit
    assert any(brier_as_defined(found) != brier_as_defined(found, backwards=True)
               for found in pooled.values())


# Issue 23, item 6: calibration counts only what is known


def test_a_quarter_in_progress_is_left_out_of_the_calibration_and_every_output_says_so():
    import datetime as dt
    import io
    import json

    import openpyxl

    from okrsheet.outputs import report
    from okrsheet.outputs.dashboard import dashboard_html
    from okrsheet.outputs.report_text import markdown
    from okrsheet.outputs.summary_workbook import summary_workbook_bytes

    ended = team_quarter("Alpha", "2026-Q1", kr(9, "high"))  # As of on its last day
    going = team_quarter("Alpha", "2026-Q2", kr(1, "high"), kr(9, "low"))
    going.as_of = dt.date(2026, 5, 20)  # week 8: a result at week 8 is no outcome
    summary = summarise_team_quarters([ended, going])
    calibration = calibrate(summary)
    assert calibration.forecasts[["quarter", "forecasts"]].values.tolist() == [["2026-Q1", 1]]
    assert calibration.reliability[["confidence", "key_results"]].values.tolist() == [["high", 1]]
    assert calibration.in_progress.values.tolist() == [["Alpha", "2026-Q2"]]
    line = ("2026-Q2 is in progress: left out of the calibration (a forecast counts once its "
            "quarter has ended).")
    assert calibration.notes() == [line]
    assert f"_{line}_" in markdown(summary, confidence=calibration)
    assert line in dashboard_html(summary, calibration)
    book = openpyxl.load_workbook(io.BytesIO(summary_workbook_bytes(summary, calibration)))
    assert book["Calibration"]["A1"].value == line
    document = json.loads(report.json_text(summary, confidence=calibration))
    assert document["confidence"]["in_progress"] == [{"team": "Alpha", "quarter": "2026-Q2"}]
    assert document["confidence"]["notes"] == [line]


def test_a_blank_as_of_is_judged_on_today_and_one_team_in_progress_is_named():
    import datetime as dt

    alpha, beta = (team_quarter(team, "2026-Q1", kr(9, "high")) for team in ("Alpha", "Beta"))
    alpha.as_of = None
    summary = summarise_team_quarters([alpha, beta])
    early = calibrate(summary, today=dt.date(2026, 3, 30))  # the quarter ends on 31 March
    assert early.forecasts["team"].tolist() == ["Beta"]
    assert early.notes() == ["2026-Q1 is in progress for Alpha: left out of the calibration "
                             "(a forecast counts once its quarter has ended)."]
    late = calibrate(summary, today=dt.date(2026, 3, 31))
    assert late.forecasts["team"].tolist() == ["Alpha", "Beta"] and late.notes() == []


def test_confidences_that_are_not_high_medium_or_low_are_counted_and_said_not_dropped():
    summary = summarise_team_quarters([team_quarter(
        "Alpha", "2026-Q1",
        # "med" and 70% (stored 0.7) at check-ins: not forecasts, but counted; a blank is
        # nothing; the review week's entry is no forecast either way
        kr(9, None, confidences={3: "med", 5: 0.7, 7: "high", 9: "  ", 13: "sure"}))])
    calibration = calibrate(summary)
    assert calibration.forecasts["forecasts"].tolist() == [1]
    assert calibration.other_entries == 2
    assert calibration.notes() == ["2 confidences given at a check-in were not high, medium or "
                                   "low and were not counted."]


def test_the_store_leaves_out_the_same_quarters_and_counts_the_same_other_entries(tmp_path):
    import datetime as dt

    from okrsheet.quarterend.history_calibration import calibrate_store
    from okrsheet.quarterend.history_summary import summarise_store
    from okrsheet.quarterend.summary import summarise
    from okrsheet.workflows.export import export
    from okrsheet.write.writer import write_workbook

    made = [team_quarter("Alpha", "2026-Q1", kr(9, "high"), kr(2, "med"), kr(6, "medium")),
            team_quarter("Beta", "2026-Q1", kr(3, "low", confidences={3: "low", 5: "0.7"})),
            team_quarter("Alpha", "2026-Q2", kr(9, "high")),
            team_quarter("Beta", "2026-Q2", kr(1, "nope"))]
    made[2].as_of = None  # judged on the day given
    made[3].as_of = dt.date(2026, 5, 20)
    for index, tq in enumerate(made):
        write_workbook(tq, tmp_path / f"book{index}.xlsx")
    export([tmp_path], tmp_path / "store")
    today = dt.date(2026, 6, 1)
    from_books = calibrate(summarise([tmp_path]), today=today)
    store = summarise_store(tmp_path / "store")
    from_store = calibrate_store(tmp_path / "store", store, today=today)
    for name in ("forecasts", "teams", "reliability", "kinds", "in_progress"):
        assert getattr(from_books, name).equals(getattr(from_store, name)), name
    assert from_books.other_entries == from_store.other_entries == 2  # med, 0.7; not Q2's nope
    assert from_store.notes() == [
        "2026-Q2 is in progress: left out of the calibration (a forecast counts once its quarter "
        "has ended).", "2 confidences given at a check-in were not high, medium or low and were "
        "not counted."]
