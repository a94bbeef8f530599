"""The scoring rules, case by case and for all inputs."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrsheet.domain import scoring
from okrsheet.domain.scoring import kr_status, objective_score, pace, progress, status, team_score

numbers = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize("kr_type, start, target, current, expected", [
    ("increase", 0, 10, 5, 0.5),
    ("increase", 0, 10, 15, 1.0),  # over-achieved: capped at 1
    ("increase", 0, 10, -5, 0.0),  # went backwards: 0
    ("decrease", 74, 55, 64.5, 0.5),  # one formula serves both directions
    ("decrease", 74, 55, 80, 0.0),
    ("Increase", 0, 4, 1, 0.25),  # case does not matter, as in the sheet
    ("", 0, 4, 1, 0.25),  # blank type counts as increase/decrease
    ("increase", None, 4, 1, 0.25),  # blank start counts as 0
    ("increase", 5, 5, 5, 0.0),  # start == target: 0, reported by the checks
    ("increase", 0, None, 5, 0.0),  # no target
    ("increase", 0, 10, None, 0.0),  # not updated
    ("stay above", None, 92, 93, 1.0),
    ("stay above", None, 92, 92, 1.0),
    ("stay above", None, 92, 91.9, 0.0),
    ("stay below", None, 10, 10, 1.0),
    ("stay below", None, 10, 10.5, 0.0),
    ("milestone", None, None, "done", 1.0),
    ("milestone", None, None, "Yes", 1.0),
    ("milestone", None, None, 1, 1.0),
    ("milestone", None, None, 0, 0.0),
    ("milestone", None, None, "no", 0.0),
    ("bogus", 0, 10, 5, 0.0),  # unknown type: 0, reported by the checks
    ("increase ", 0, 10, 5, 0.0),  # trailing spaces count, as in the sheet
])
def test_progress_rules(kr_type, start, target, current, expected):
    assert progress(kr_type, start, target, current) == pytest.approx(expected)


def test_nearly_equal_numbers_subtract_to_zero_as_in_a_spreadsheet():
    assert 0.3 - 0.1 - 0.2 != 0
    assert scoring.approx_sub(0.3 - 0.1, 0.2) == 0.0
    assert progress("increase", 0.1 + 0.2, 1.0, 0.3) == 0.0


def test_status_thresholds_include_their_boundary():
    assert status(0.7) == "green"
    assert status(0.1 + 0.6) == "green"  # 0.7 - 1e-16 still counts, as the sheet compares
    assert status(0.69) == "orange"
    assert status(0.4) == "orange"
    assert status(0.39) == "red"
    assert status(None) is None
    assert status(0.8, green_from=0.9, orange_from=0.7) == "orange"


def test_a_blank_current_is_not_updated_rather_than_red():
    assert kr_status(0.0, None) == "not updated"
    assert kr_status(0.0, 0) == "red"
    assert kr_status(1.0, 5, lagging=True) == "lagging"


def test_objective_score_is_the_weighted_mean_and_team_score_the_mean():
    assert objective_score([1.0, 0.0], [3, 1]) == pytest.approx(0.75)
    assert objective_score([0.5], [0]) is None
    assert objective_score([], []) is None
    assert team_score([0.75, 0.25, None]) == pytest.approx(0.5)
    assert team_score([None]) is None


def test_weights_blank_means_one_and_lagging_counts_zero():
    assert scoring.weight_used(None) == 1.0
    assert scoring.weight_used(2.5) == 2.5
    assert scoring.weight_used(2.5, lagging=True) == 0.0


@pytest.mark.parametrize("progress_value, elapsed, expected", [
    (0.0, 0.0, "on track"),
    (0.35, 0.5, "on track"),  # 0.5 x 0.7 = 0.35
    (0.34, 0.5, "at risk"),
    (0.2, 0.5, "at risk"),  # 0.5 x 0.4
    (0.19, 0.5, "behind"),
    (0.7, 1.0, "on track"),
])
def test_pace_compares_progress_with_the_elapsed_share(progress_value, elapsed, expected):
    assert pace("increase", progress_value, 1, elapsed) == expected


def test_pace_is_only_for_increase_and_decrease_key_results_that_were_updated():
    assert pace("milestone", 0.0, "no", 0.5) is None
    assert pace("increase", 0.0, None, 0.5) is None
    assert pace("increase", 0.0, 3, 0.5, lagging=True) is None


@given(start=numbers, target=numbers, current=numbers,
       kr_type=st.sampled_from(scoring.KR_TYPES))
def test_progress_is_always_within_0_and_1(start, target, current, kr_type):
    assert 0.0 <= progress(kr_type, start, target, current) <= 1.0


@given(start=numbers, target=numbers, direction=st.sampled_from(["increase", "decrease"]))
def test_progress_is_1_at_target_and_0_at_start_in_both_directions(start, target, direction):
    if scoring.approx_equal(start, target):
        assert progress(direction, start, target, target) == 0.0
        return
    assert progress(direction, start, target, target) == 1.0
    assert progress(direction, start, target, start) == 0.0


@given(start=numbers, target=numbers, first=numbers, second=numbers)
def test_progress_never_falls_when_current_moves_towards_the_target(start, target, first, second):
    if scoring.approx_equal(start, target):
        return
    nearer, further = sorted([first, second], key=lambda value: abs(target - value))
    # nearer lies from further in the target's direction (signs compared: a product of tiny
    # numbers underflows to 0)
    if nearer == further or (nearer > further) == (target > start):
        assert progress("increase", start, target, nearer) >= progress("increase", start, target, further)


def test_an_actions_state_says_check_for_a_due_that_is_no_date_or_an_unknown_key_result():
    import datetime as dt

    as_of, ids = dt.date(2027, 2, 10), ["O1.1", "O1.2"]
    assert scoring.action_state(False, "soon", "O1.1", ids, as_of) == "check due"
    assert scoring.action_state(False, None, "O9.9", ids, as_of) == "check key result"
    assert scoring.action_state(True, "soon", "O9.9", ids, as_of) == "done"
    assert scoring.action_state(False, dt.date(2027, 2, 1), "o1.1", ids, as_of) == "overdue"
    assert scoring.action_state(False, dt.date(2027, 3, 1), None, ids, as_of) == "open"


@pytest.mark.parametrize("value, unknown", [
    ("high", False), ("Medium", False), (None, False), ("", False),
    ("med", True), (0.7, True), ("70%", True), (True, True), ("low ", True)])
def test_a_confidence_is_unknown_as_the_sheet_check_counts_it(value, unknown):
    # "=" on text ignores case but counts spaces, in the sheet and here
    assert scoring.unknown_confidence(value) is unknown


def test_the_sheet_check_names_the_first_problem_in_its_order():
    assert scoring.sheet_check(0) == "OK"
    assert scoring.sheet_check(2, bad_confidences=1) == "1 confidence(s) not high, medium or low"
    assert scoring.sheet_check(2, 2, 1, 1).startswith("2 row(s) share an ID")
    assert scoring.sheet_check(0, actions_to_check=None) == "Actions sheet missing: run okrsheet fix"
    assert scoring.sheet_check(3) == "3 key result(s) to check: see Input check"
