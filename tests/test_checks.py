"""checks: each rule of the guide fires on the case it is about, with its code and cell."""

import datetime as dt

import pytest

from okrsheet.domain.model import KeyResult, Objective, TeamQuarter
from okrsheet.sheet import layout
from okrsheet.sheet.checking import check


def _kr(title="Win logos", owner="Sam", type_="increase", start=0.0, target=10.0, **more):
    return KeyResult(title, owner, type_, start, target, **more)


def _team(*objectives):
    """A team quarter with sheet rows numbered from 10 like a new workbook."""
    row = 10
    for objective in objectives:
        objective.row = row
        for kr in objective.key_results:
            kr.row = row
            row += 1
    return TeamQuarter("East", "2027-Q1", list(objectives), dt.date(2027, 1, 1),
                       dt.date(2027, 3, 31), file="east.xlsx")


def _good(title="O", prefix="K"):
    return Objective(title, [_kr(f"{prefix}1"), _kr(f"{prefix}2")])


def _codes(tq):
    return [(p.severity, p.cell, p.code) for p in check(tq)]


def test_good_okrs_pass():
    assert check(_team(_good("A", "a"), _good("B", "b"), _good("C", "c"))) == []


def test_objective_count():
    assert _codes(_team(_good("A", "a"))) == [("warning", None, "OBJ-COUNT")]
    six = [_good(name, name) for name in "ABCDEF"]
    assert _codes(_team(*six)) == [("warning", "A20", "OBJ-COUNT")]
    assert _codes(_team()) == [("info", None, "OBJ-COUNT")]


def test_key_result_count():
    one = Objective("Lonely", [_kr("only")])
    assert ("warning", "A14", "KR-COUNT") in _codes(_team(_good("A", "a"), _good("B", "b"), one))


@pytest.mark.parametrize("kr, cell, code", [
    (_kr("k", target=None), "I10", "NO-TARGET"),
    (_kr("k", start=5.0, target=5.0), "I10", "START-IS-TARGET"),
    (_kr("k", start=None, target=0.0), "I10", "START-IS-TARGET"),
    (_kr("k", type_="grow"), "F10", "UNKNOWN-TYPE"),
    (_kr("k", weight=-1.0), "L10", "BAD-WEIGHT"),
    (_kr("k", owner=None), "D10", "NO-OWNER"),
    (_kr("k", start=30.0, target=60.0, current=0.45), layout.letter("current") + "10", "UNIT-MISTAKE"),
    (_kr("k", start=0.1, target=0.6, current=45.0), layout.letter("current") + "10", "UNIT-MISTAKE"),
    (_kr("k", start=0.0, target=10.0, current=4500.0), layout.letter("current") + "10", "UNIT-MISTAKE"),
    (_kr("k", kind="activity"), "E10", "UNKNOWN-KIND"),
])
def test_rule_fires_at_its_cell(kr, cell, code):
    tq = _team(Objective("A", [kr, _kr("other")]), _good("B", "b"), _good("C", "c"))
    problems = check(tq)
    assert [(p.cell, p.code) for p in problems] == [(cell, code)]
    assert problems[0].file == "east.xlsx" and problems[0].sheet == "OKRs"


@pytest.mark.parametrize("kr", [
    _kr("k", type_="milestone", start=None, target=None, current="done"),
    _kr("k", type_="stay below", start=None, target=10.0, current=12.0),
    _kr("k", start=0.0, target=100.0, current=130.0),
    _kr("k", start=0.0, target=1.0, current=0.45),
    _kr("k", type_="Increase"),
])
def test_rules_stay_quiet_on_valid_key_results(kr):
    assert check(_team(Objective("A", [kr, _kr("other")]), _good("B", "b"), _good("C", "c"))) == []


def test_all_inputs_only_when_kind_is_used():
    inputs = Objective("Busy", [_kr("calls", kind="input"), _kr("emails", kind="input")])
    tq = _team(inputs, _good("B", "b"), _good("C", "c"))
    assert _codes(tq) == [("warning", "A10", "ALL-INPUTS")]
    for kr in inputs.key_results:
        kr.kind = None
    assert check(tq) == []


def test_duplicate_key_result_names_the_second():
    tq = _team(Objective("A", [_kr("Win logos"), _kr("win  LOGOS")]), _good("B", "b"), _good("C", "c"))
    problems = check(tq)
    assert [(p.cell, p.code) for p in problems] == [("B11", "DUPLICATE-KR")]
    assert "row 10" in problems[0].message


def test_columns_argument_moves_the_cells():
    tq = _team(Objective("A", [_kr("k", owner=None), _kr("l")]), _good("B", "b"), _good("C", "c"))
    problems = check(tq, sheet="East Q1", columns={"owner": 0})
    assert [(p.sheet, p.cell) for p in problems] == [("East Q1", "A10")]


@pytest.mark.parametrize("kr, column, code", [
    (_kr("k", start=22.0, target=20.0), "target", "TARGET-BEHIND-START"),
    (_kr("k", type_="decrease", start=8.0, target=10.0), "target", "TARGET-BEHIND-START"),
    (_kr("k", revised_target=8.0), "revision_reason", "NO-REVISION-REASON"),
    (_kr("k", confidence="very"), "confidence", "UNKNOWN-CONFIDENCE"),
])
def test_the_newer_rules_fire_on_their_case(kr, column, code):
    from okrsheet.sheet import layout

    cell = layout.cell(9, layout.COLUMN_INDEX[column])  # sheet row 10
    problems = [(p.cell, p.code) for p in check(_team(Objective("O", [kr, _kr("other")]),
                                                      _good("B", "b"), _good("C", "c")))]
    assert (cell, code) in problems


def test_a_target_beyond_the_start_in_the_right_direction_is_fine():
    fine = [_kr("up", start=2.0, target=20.0), _kr("down", type_="decrease", start=20.0, target=2.0)]
    codes = [p.code for p in check(_team(Objective("O", fine), _good("B", "b"), _good("C", "c")))]
    assert "TARGET-BEHIND-START" not in codes


def test_orange_threshold_above_green_is_an_error_on_the_orange_cell():
    team = _team(_good("A", "a"), _good("B", "b"), _good("C", "c"))
    team.green_from, team.orange_from = 0.6, 0.8
    (problem,) = [p for p in check(team) if p.code == "BAD-THRESHOLDS"]
    assert (problem.severity, problem.cell) == ("error", "E4")
    assert "Orange from (80%) is above Green from (60%)" in problem.message


def test_key_results_never_updated_late_in_the_quarter_are_named():
    updated = _kr("updated", current=4.0)
    silent = _kr("silent")
    team = _team(Objective("O", [updated, silent]), _good("B", "b"), _good("C", "c"))
    # 1 Jan to 31 Mar 2027 (90 days); As of 15 Feb is day 46: 46 / 90 = 51% gone by
    team.as_of = dt.date(2027, 2, 15)
    late = [p for p in check(team) if p.code == "NEVER-UPDATED"]
    assert late[0].cell.endswith("11") and "51% of the quarter" in late[0].message
    assert '"silent" has no check-in yet' in late[0].message
    team.as_of = dt.date(2027, 2, 1)  # 32 / 90 = 36%: still early
    assert not [p for p in check(team) if p.code == "NEVER-UPDATED"]


def test_two_key_results_with_the_same_id_are_errors_at_both_id_cells():
    first, second = _kr("Win logos", id="O1.1"), _kr("Keep logos", id="o1.1")
    problems = [p for p in check(_team(Objective("A", [first, second]), _good("B", "b"),
                                       _good("C", "c"))) if p.code == "DUPLICATE-ID"]
    id_column = layout.letter("id")
    assert [(p.severity, p.cell) for p in problems] == [("error", f"{id_column}10"),
                                                        ("error", f"{id_column}11")]
    assert "row 11" in problems[0].message and "row 10" in problems[1].message


def test_a_confidence_outside_the_list_is_an_error_in_every_week_and_in_confidence():
    kr = _kr("k", confidences={3: "high", 5: "med", 7: "0.7", 9: "High"}, confidence="sure")
    problems = [p for p in check(_team(Objective("O", [kr, _kr("other")]), _good("B", "b"),
                                       _good("C", "c"))) if p.code == "UNKNOWN-CONFIDENCE"]
    assert [(p.severity, p.cell) for p in problems] == [
        ("error", layout.address("confidence_5", 9)), ("error", layout.address("confidence_7", 9)),
        ("error", layout.address("confidence", 9))]
    assert 'Confidence 5 is "med"' in problems[0].message
    assert "70% typed as a percentage?" in problems[1].message
