"""okrsheet next: the following quarter's workbook, starting where this one ended."""

import datetime as dt
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsheet.cli import main
from okrsheet.domain.carryover import carry_key_result, next_quarter
from okrsheet.domain.model import KeyResult, Objective, TeamQuarter
from okrsheet.domain.quarter import Quarter
from okrsheet.read.reader import read_workbook
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook
from tests import fill

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "templates").glob("*.xlsx"))
SAMPLES = sorted(path for path in (ROOT / "samples").glob("**/*")
                 if path.suffix in (".xlsx", ".ods"))


def _quarter(label="2027-Q1", fiscal_year_start=1, objectives=None, **settings):
    period = Quarter.parse(label, fiscal_year_start)
    return TeamQuarter(team="Sales", quarter=period.label, objectives=objectives or [],
                       quarter_start=period.start, quarter_end=period.end, **settings)


def _filled(seed: int, label: str = "2027-Q1") -> TeamQuarter:
    """A quarter with random inputs (every type, revised targets, lagging, check-ins)."""
    rows = fill.random_rows(random.Random(seed), 30)
    return fill.team_quarter(rows, _quarter(label, as_of=dt.date(2027, 3, 20)))


def _assert_carried(before: TeamQuarter, after: TeamQuarter) -> None:
    """Progress 0 everywhere, Start = last Current (lagging: same Start), inputs cleared."""
    old = before.key_results
    new = after.key_results
    assert [kr.title for kr in new] == [kr.title for kr in old]
    for was, now in zip(old, new):
        assert now.progress == 0, now
        assert now.check_ins == {} and now.current in (None, "")
        assert now.confidence is None
        assert not now.lagging
        current = was.current_value
        if was.lagging or not isinstance(current, (int, float)):
            assert now.start == pytest.approx(was.start) if was.start is not None else now.start is None
        else:
            assert now.start == pytest.approx(current), (was, now)
        kind = (was.type or "").strip().casefold()
        passed = not was.lagging and now.start is not None and was.target_value is not None and (
            (kind == "increase" and now.start >= was.target_value)
            or (kind == "decrease" and now.start <= was.target_value))
        if passed:  # over-achieved: the team sets a new target beyond the start
            assert now.target is None and "set a new target" in now.comment
        elif was.target_value is not None:
            assert now.target == pytest.approx(was.target_value)
        else:
            assert now.target is None
        assert now.revised_target is None and now.revision_reason is None
    assert after.score in (0, None)


# The model


def test_next_quarter_starts_each_key_result_at_its_last_current():
    kr = KeyResult("Win new logos", owner="Sam", start=0, target=12, check_ins={3: 2, 5: 7},
                   confidence="high", comment="two big deals slipped")
    following = next_quarter(_quarter(objectives=[Objective("Grow", [kr])]))
    carried = following.key_results[0]
    assert (carried.start, carried.target, carried.owner) == (7, 12, "Sam")
    assert carried.check_ins == {} and carried.current is None and carried.confidence is None
    assert carried.comment is None
    assert carried.progress == 0


@pytest.mark.parametrize("kind, start, target, reached, way", [
    ("increase", 0, 20, 22, "above 22"),  # "Runbooks written" 0 -> 20, reached 22
    ("decrease", 40, 10, 8, "below 8"),  # "Open incidents" 40 -> 10, down to 8
    ("increase", 0, 20, 20, "above 20"),  # exactly reached: start would equal the target
])
def test_an_over_achieved_key_result_comes_with_a_target_to_set_never_one_behind_its_start(
        kind, start, target, reached, way):
    kr = KeyResult("Runbooks written", type=kind, start=start, target=target, current=reached)
    carried = carry_key_result(kr, "2027-Q2")
    assert (carried.start, carried.target) == (reached, None)
    assert carried.comment == (f"Reached its target {target} in 2027-Q2 (ended at {reached}); "
                               f"set a new target {way}.")


def test_a_key_result_short_of_its_target_keeps_it():
    kr = KeyResult("Open incidents", type="decrease", start=40, target=10, current=15)
    assert (carry_key_result(kr).start, carry_key_result(kr).target) == (15, 10)


def test_typed_current_wins_over_check_ins():
    kr = KeyResult("ARR", start=0, target=100, current=60, check_ins={3: 40})
    assert carry_key_result(kr).start == 60


def test_not_updated_key_result_keeps_its_start():
    kr = KeyResult("NPS", start=30, target=50)
    assert carry_key_result(kr).start == 30


def test_revised_target_becomes_the_target_and_the_reason_is_noted():
    kr = KeyResult("ARR", start=0, target=500, revised_target=400,
                   revision_reason="lost the biggest account", check_ins={5: 250})
    carried = carry_key_result(kr, "2027-Q1")
    assert (carried.start, carried.target, carried.revised_target) == (250, 400, None)
    assert carried.revision_reason is None
    assert carried.comment == "Target revised in 2027-Q1 (was 500): lost the biggest account"


def test_lagging_key_result_is_carried_with_its_start_to_score_at_the_review():
    kr = KeyResult("Deals closed from Q1 pipeline", start=0, target=10, lagging=True,
                   check_ins={13: 3})
    carried = carry_key_result(kr, "2027-Q1")
    assert (carried.start, carried.target, carried.lagging) == (0, 10, False)
    assert carried.check_ins == {}
    assert "2027-Q1" in carried.comment


def test_unfinished_only_leaves_green_key_results_and_empty_objectives_behind():
    done = KeyResult("Done", start=0, target=10, current=10)
    orange = KeyResult("Half", start=0, target=10, current=5)
    not_updated = KeyResult("Silent", start=0, target=10)
    lagging = KeyResult("Later", start=0, target=10, current=10, lagging=True)
    team_quarter = _quarter(objectives=[Objective("All done", [done]),
                                        Objective("Mixed", [done, orange, not_updated, lagging])])
    following = next_quarter(team_quarter, unfinished_only=True)
    assert [objective.title for objective in following.objectives] == ["Mixed"]
    assert [kr.title for kr in following.key_results] == ["Half", "Silent", "Later"]
    everything = next_quarter(team_quarter)
    assert len(everything.key_results) == 5


def test_settings_carry_and_as_of_is_cleared():
    team_quarter = _quarter(as_of=dt.date(2027, 3, 1), green_from=0.8, orange_from=0.5)
    following = next_quarter(team_quarter)
    assert (following.team, following.green_from, following.orange_from) == ("Sales", 0.8, 0.5)
    assert following.as_of is None


@pytest.mark.parametrize("label, fiscal_start, expected, start, end", [
    ("2027-Q1", 1, "2027-Q2", dt.date(2027, 4, 1), dt.date(2027, 6, 30)),
    ("2027-Q4", 1, "2028-Q1", dt.date(2028, 1, 1), dt.date(2028, 3, 31)),
    # Fiscal years named by the year they end in: FY2027 from April is Apr 2026 - Mar 2027
    ("2027-Q3", 4, "2027-Q4", dt.date(2027, 1, 1), dt.date(2027, 3, 31)),
    ("2027-Q4", 4, "2028-Q1", dt.date(2027, 4, 1), dt.date(2027, 6, 30)),
    ("2026-Q4", 7, "2027-Q1", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
])
def test_quarter_advances_and_rolls_over_within_the_fiscal_year(label, fiscal_start, expected,
                                                                start, end):
    following = next_quarter(_quarter(label, fiscal_start))
    assert (following.quarter, following.quarter_start, following.quarter_end) == (expected, start, end)


def test_next_keeps_the_other_naming_convention_of_a_workbook_made_with_it():
    # FY named by its start year: 2026-Q4 from April is January to March 2027
    made = _quarter("2026-Q4", 4)
    made.quarter_start, made.quarter_end = dt.date(2027, 1, 1), dt.date(2027, 3, 31)
    following = next_quarter(made)
    assert (following.quarter, following.quarter_start) == ("2027-Q1", dt.date(2027, 4, 1))


def test_next_refuses_a_quarter_label_that_disagrees_with_its_dates():
    from okrsheet.domain.problems import OkrsheetError

    made = _quarter("2027-Q1")
    made.quarter = "2028-Q2"  # relabelled by hand, dates still January to March 2027
    with pytest.raises(OkrsheetError, match="the Quarter cell says 2028-Q2 but the quarter "
                                            "starts on 01 Jan 2027, which is 2027-Q1"):
        next_quarter(made)


def test_blank_quarter_is_a_one_line_error():
    from okrsheet.domain.problems import OkrsheetError

    with pytest.raises(OkrsheetError, match="Quarter cell is blank"):
        next_quarter(TeamQuarter(team="Sales", quarter=None))


@pytest.mark.parametrize("seed", range(6))
def test_random_filled_quarters_carry_over(seed):
    before = _filled(seed)
    _assert_carried(before, next_quarter(before))


# Files: every template and sample, and generated filled workbooks, through okrsheet next


def _next_file(source: Path, tmp_path: Path, *options: str) -> tuple[TeamQuarter, TeamQuarter]:
    output = tmp_path / f"next-{source.stem}.xlsx"
    result = CliRunner().invoke(main, ["next", str(source), "-o", str(output), *options])
    assert result.exit_code == 0, result.output
    before = read_workbook(source).team_quarter
    reading = read_workbook(output)
    assert reading.errors == [], reading.errors
    return before, reading.team_quarter


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.name)
def test_next_on_every_template(path, tmp_path):
    before, after = _next_file(path, tmp_path)
    assert after.quarter == "2027-Q2"
    _assert_carried(before, after)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_next_on_every_sample(path, tmp_path):
    before, after = _next_file(path, tmp_path)
    assert after.quarter == str(Quarter.parse(before.quarter).next())
    assert after.team == before.team
    _assert_carried(before, after)


@pytest.mark.parametrize("label, fiscal_start, expected", [("2027-Q4", 1, "2028-Q1"),
                                                            ("2027-Q4", 4, "2028-Q1"),
                                                            ("2027-Q2", 4, "2027-Q3")])
def test_next_on_generated_filled_workbooks(label, fiscal_start, expected, tmp_path):
    before = _filled(hash(label) % 1000 + fiscal_start)
    period = Quarter.parse(label, fiscal_start)
    before.quarter, before.quarter_start, before.quarter_end = period.label, period.start, period.end
    source = tmp_path / "filled.xlsx"
    write_workbook(before, source)
    read_before, after = _next_file(source, tmp_path, "--fiscal-year-start", str(fiscal_start))
    assert after.quarter == expected
    assert after.quarter_start == period.next().start
    _assert_carried(read_before, after)


def test_next_unfinished_only_on_a_file(tmp_path):
    team_quarter = starter("sales-team", quarter="2027-Q1")
    krs = team_quarter.key_results
    krs[0].check_ins = {3: 450000}  # green
    krs[1].check_ins = {3: 3}  # red
    source = tmp_path / "q1.xlsx"
    write_workbook(team_quarter, source)
    _, after = _next_file(source, tmp_path, "--unfinished-only")
    titles = [kr.title for kr in after.key_results]
    assert krs[0].title not in titles and krs[1].title in titles
    assert len(titles) == len(krs) - 1


def test_next_refuses_to_replace_a_file_or_write_over_its_input(tmp_path):
    source = TEMPLATES[0]
    output = tmp_path / "next.xlsx"
    output.write_bytes(b"keep me")
    result = CliRunner().invoke(main, ["next", str(source), "-o", str(output)])
    assert result.exit_code == 2 and "already exists" in result.output
    assert output.read_bytes() == b"keep me"
    copy = tmp_path / "q1.xlsx"
    copy.write_bytes(source.read_bytes())
    result = CliRunner().invoke(main, ["next", str(copy), "-o", str(copy), "--force"])
    assert result.exit_code == 2 and "input" in result.output
    assert copy.read_bytes() == source.read_bytes()


def test_next_reports_revised_and_lagging_key_results(tmp_path):
    team_quarter = starter("sales-team", quarter="2027-Q1")
    krs = team_quarter.key_results
    krs[0].revised_target, krs[0].revision_reason = 400000, "one region closed"
    krs[1].lagging = True
    source = tmp_path / "q1.xlsx"
    write_workbook(team_quarter, source)
    output = tmp_path / "q2.xlsx"
    result = CliRunner().invoke(main, ["next", str(source), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "1 revised target(s)" in result.output and "1 lagging" in result.output
    after = read_workbook(output).team_quarter
    assert after.key_results[0].target == 400000
    assert after.key_results[1].lagging is False


def test_next_on_a_file_leaves_the_target_of_an_over_achieved_key_result_to_set(tmp_path):
    made = _quarter("2027-Q2", objectives=[Objective("Run reliably", [
        KeyResult("Runbooks written", owner="Ana", type="increase", start=0, target=20,
                  check_ins={3: 8, 5: 22}),
        KeyResult("Open incidents", owner="Ana", type="decrease", start=40, target=10,
                  check_ins={3: 15})])])
    source = tmp_path / "q2.xlsx"
    write_workbook(made, source)
    output = tmp_path / "q3.xlsx"
    result = CliRunner().invoke(main, ["next", str(source), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "1 key result(s) went past their target" in result.output
    runbooks, incidents = read_workbook(output).team_quarter.key_results
    assert (runbooks.start, runbooks.target) == (22, None)
    assert (incidents.start, incidents.target) == (15, 10)
    checked = CliRunner().invoke(main, ["check", str(output)])
    assert "TARGET-BEHIND-START" not in checked.output and "NO-TARGET" in checked.output
