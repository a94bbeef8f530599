"""okrsheet diff and merge: changes by objective and key result, three-way merge of copies."""

import copy
import datetime as dt
import hashlib
import json
import random

import pytest
from click.testing import CliRunner

from okrsheet.cli import main
from okrsheet.domain.changes import (
    ADDED,
    CHANGED,
    CHECK_IN_ADDED,
    CHECK_IN_CHANGED,
    CHECK_IN_REMOVED,
    MOVED,
    REMOVED,
    RENAMED,
    Change,
    diff,
)
from okrsheet.domain.merging import MergeConflicts, UnknownCopy, merge
from okrsheet.domain.model import KeyResult, Objective
from okrsheet.outputs.changes_report import format_changes
from okrsheet.read.reader import read_workbook
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook
from tests import fill


def _base():
    return starter("sales-team", quarter="2027-Q1")


def _kinds(changes):
    return [(change.kind, change.what, change.key_result or change.objective, change.field)
            for change in changes]


def _kr(team_quarter, objective, index):
    return team_quarter.objectives[objective].key_results[index]


# diff at model level


def test_diff_of_identical_copies_is_empty():
    assert diff(_base(), _base()) == []
    assert format_changes([]) == "No changes."


def test_diff_values_and_check_ins():
    old, new = _base(), _base()
    _kr(old, 0, 1).check_ins = {3: 2, 5: 4, 7: 5}
    _kr(new, 0, 1).check_ins = {3: 2, 5: 6, 9: 8}
    _kr(new, 0, 1).confidence = "low"
    _kr(new, 1, 0).target = 2000000
    title = _kr(new, 0, 1).title
    assert _kinds(diff(old, new)) == [
        (CHANGED, "key result", title, "confidence"),
        (CHECK_IN_CHANGED, "key result", title, "week_5"),
        (CHECK_IN_REMOVED, "key result", title, "week_7"),
        (CHECK_IN_ADDED, "key result", title, "week_9"),
        (CHANGED, "key result", _kr(new, 1, 0).title, "target"),
    ]


def test_current_that_follows_the_check_ins_is_not_a_change_of_its_own():
    old, new = _base(), _base()
    _kr(new, 0, 1).check_ins = {3: 4}
    _kr(new, 0, 1).current = 4  # as read back: the cached value of the Current formula
    assert _kinds(diff(old, new)) == [(CHECK_IN_ADDED, "key result", _kr(new, 0, 1).title, "week_3")]
    _kr(new, 0, 1).current = 5  # typed over
    assert (CHANGED, "key result", _kr(new, 0, 1).title, "current") in _kinds(diff(old, new))


def test_diff_revised_target_and_lagging_are_reported():
    old, new = _base(), _base()
    _kr(new, 0, 0).revised_target, _kr(new, 0, 0).revision_reason = 400000, "region closed"
    _kr(new, 1, 0).lagging = True
    text = format_changes(diff(old, new))
    assert "Revised target blank -> 400000" in text
    assert 'Revision reason blank -> "region closed"' in text
    assert "Lagging no -> yes" in text


def test_diff_added_removed_renamed_and_moved_key_results():
    old, new = _base(), _base()
    kept = _kr(new, 0, 2)
    _kr(new, 0, 1).title = "Win new mid-market customers (logos)"  # small rename
    _kr(new, 3, 0).title = "Ramp-up time to the first deal"  # rewritten, same place and owner
    removed = new.objectives[2].key_results.pop(1)
    new.objectives[1].key_results.append(new.objectives[0].key_results.pop(2))  # moved
    new.objectives[3].key_results.append(KeyResult("Mentor every new rep", owner="Alex"))
    changes = diff(old, new)
    assert (RENAMED, "key result", "Win new mid-market customers (logos)", "title") in _kinds(changes)
    assert (RENAMED, "key result", "Ramp-up time to the first deal", "title") in _kinds(changes)
    assert (MOVED, "key result", kept.title, "objective") in _kinds(changes)
    assert (REMOVED, "key result", removed.title, None) in _kinds(changes)
    assert (ADDED, "key result", "Mentor every new rep", None) in _kinds(changes)
    assert len(changes) == 5


def test_diff_objectives_renamed_added_removed():
    old, new = _base(), _base()
    new.objectives[0].title = "Win the mid-market"  # renamed: same key results
    gone = new.objectives.pop(2)
    new.objectives.append(Objective("Enter Spain", [KeyResult("Sign a partner", type="milestone")]))
    kinds = _kinds(diff(old, new))
    assert (RENAMED, "objective", "Win the mid-market", None) in kinds
    assert (REMOVED, "objective", gone.title, None) in kinds
    assert (ADDED, "objective", "Enter Spain", None) in kinds
    assert (ADDED, "key result", "Sign a partner", None) in kinds
    assert not any(kind == REMOVED and what == "key result" and name not in
                   [kr.title for kr in gone.key_results] for kind, what, name, _ in kinds)


def test_diff_workbook_settings():
    old, new = _base(), _base()
    new.team, new.as_of, new.green_from = "Sales East", dt.date(2027, 2, 15), 0.8
    assert [change.field for change in diff(old, new)] == ["team", "as_of", "green_from"]
    assert "Team: \"Sales\" -> \"Sales East\"" in format_changes(diff(old, new))


def test_numbers_equal_to_fifteen_digits_are_not_changes():
    old, new = _base(), _base()
    _kr(old, 0, 0).start = 0.1 + 0.2
    _kr(new, 0, 0).start = 0.3
    assert diff(old, new) == []


def test_changes_as_json():
    old, new = _base(), _base()
    new.as_of = dt.date(2027, 2, 15)
    _kr(new, 0, 0).check_ins = {3: 120000.0}
    records = json.loads(json.dumps([change.as_dict() for change in diff(old, new)]))
    assert records[0] == {"kind": CHANGED, "what": "workbook", "objective": None,
                          "key_result": None, "field": "as_of", "old": None, "new": "2027-02-15"}
    assert records[1]["kind"] == CHECK_IN_ADDED and records[1]["new"] == 120000.0


# merge at model level


def test_merge_applies_every_copys_changes():
    base, alice, bob = _base(), _base(), _base()
    _kr(alice, 0, 0).check_ins = {3: 100000}
    _kr(alice, 0, 1).title = "Win new mid-market customers (logos)"
    _kr(bob, 1, 0).current = 5
    _kr(bob, 0, 0).owner = "Alex"
    del bob.objectives[2].key_results[1]
    bob.objectives[3].key_results.append(KeyResult("Mentor every new rep", owner="Alex"))
    result = merge(base, [alice, bob], names=["alice.xlsx", "bob.xlsx"])
    assert set(diff(base, result.team_quarter)) == set(diff(base, alice)) | set(diff(base, bob))
    assert result.conflicts == []
    assert len(result.changes) == 6


def test_the_same_change_in_two_copies_is_no_conflict():
    base, alice, bob = _base(), _base(), _base()
    for team_quarter in (alice, bob):
        _kr(team_quarter, 0, 0).check_ins = {3: 100000}
        team_quarter.objectives[3].key_results.append(KeyResult("Mentor every new rep"))
    merged = merge(base, [alice, bob]).team_quarter
    assert _kr(merged, 0, 0).check_ins == {3: 100000}
    assert [kr.title for kr in merged.objectives[3].key_results].count("Mentor every new rep") == 1


def test_a_conflict_stops_the_merge_and_lists_both_values():
    base, alice, bob = _base(), _base(), _base()
    _kr(alice, 0, 0).check_ins = {3: 100000}
    _kr(bob, 0, 0).check_ins = {3: 90000}
    _kr(bob, 1, 1).current = 9  # not conflicting
    with pytest.raises(MergeConflicts) as raised:
        merge(base, [alice, bob], names=["alice.xlsx", "bob.xlsx"])
    [conflict] = raised.value.conflicts
    assert conflict.field == "week_3"
    assert conflict.values == [("alice.xlsx", 100000), ("bob.xlsx", 90000)]
    assert str(conflict) == ('Key result "Close new annual recurring revenue from mid-market '
                             'logos", Week 3: base blank; alice.xlsx: 100000; bob.xlsx: 90000')


@pytest.mark.parametrize("prefer, expected", [("bob.xlsx", 90000), ("copies/bob.xlsx", 90000),
                                              ("first", 100000), ("last", 90000)])
def test_prefer_says_which_copy_wins(prefer, expected):
    base, alice, bob = _base(), _base(), _base()
    _kr(alice, 0, 0).check_ins = {3: 100000}
    _kr(bob, 0, 0).check_ins = {3: 90000}
    _kr(bob, 1, 1).current = 9
    result = merge(base, [alice, bob], names=["alice.xlsx", "bob.xlsx"], prefer=prefer)
    assert _kr(result.team_quarter, 0, 0).check_ins == {3: expected}
    assert _kr(result.team_quarter, 1, 1).current == 9
    assert [conflict.winner for conflict in result.conflicts] == [
        "alice.xlsx" if expected == 100000 else "bob.xlsx"]


def test_prefer_must_name_a_copy():
    with pytest.raises(UnknownCopy, match="carol.xlsx"):
        merge(_base(), [_base()], names=["alice.xlsx"], prefer="carol.xlsx")


def test_removed_in_one_copy_and_changed_in_another_is_a_conflict():
    base, alice, bob = _base(), _base(), _base()
    del alice.objectives[0].key_results[2]
    _kr(bob, 0, 2).check_ins = {3: 20}
    with pytest.raises(MergeConflicts) as raised:
        merge(base, [alice, bob], names=["alice", "bob"])
    assert raised.value.conflicts[0].values == [("alice", "removed"), ("bob", "changed")]
    kept = merge(base, [alice, bob], names=["alice", "bob"], prefer="bob").team_quarter
    assert _kr(kept, 0, 2).check_ins == {3: 20}
    dropped = merge(base, [alice, bob], names=["alice", "bob"], prefer="alice").team_quarter
    assert len(dropped.objectives[0].key_results) == 2


def test_key_results_added_differently_under_one_title_conflict():
    base, alice, bob = _base(), _base(), _base()
    alice.objectives[0].key_results.append(KeyResult("Partner deals", target=3))
    bob.objectives[0].key_results.append(KeyResult("Partner deals", target=5))
    with pytest.raises(MergeConflicts, match="1 conflict"):
        merge(base, [alice, bob])


def test_objective_renamed_in_one_copy_updated_in_another():
    base, alice, bob = _base(), _base(), _base()
    alice.objectives[0].title = "Win the mid-market"
    alice.objectives.append(Objective("Enter Spain", [KeyResult("Sign a partner")]))
    _kr(bob, 0, 0).check_ins = {3: 50000}
    merged = merge(base, [alice, bob]).team_quarter
    assert merged.objectives[0].title == "Win the mid-market"
    assert _kr(merged, 0, 0).check_ins == {3: 50000}
    assert merged.objectives[-1].title == "Enter Spain"
    assert merged.objectives[-1].key_results[0].title == "Sign a partner"


def test_objective_removed_while_another_copy_adds_to_it_is_a_conflict():
    base, alice, bob = _base(), _base(), _base()
    del alice.objectives[3]
    bob.objectives[3].key_results.append(KeyResult("Mentor every new rep"))
    with pytest.raises(MergeConflicts):
        merge(base, [alice, bob])
    merged = merge(base, [alice, bob], prefer="last").team_quarter
    assert "Mentor every new rep" in [kr.title for kr in merged.objectives[3].key_results]


def _owner_edits(team_quarter, rng, owned):
    """Edit only the key results at indexes ``owned``, as an owner updating their copy."""
    krs = team_quarter.key_results
    for index in owned:
        kr = krs[index]
        roll = rng.random()
        if roll < 0.4:
            kr.check_ins = {**kr.check_ins, rng.choice((3, 5, 7, 9, 11, 13)): rng.randint(0, 99)}
        elif roll < 0.6:
            kr.confidence = rng.choice(["high", "medium", "low"])
            kr.comment = f"update {index}"
        elif roll < 0.8:
            kr.revised_target, kr.revision_reason = float(rng.randint(1, 50)), "market"
        else:
            kr.current = float(rng.randint(0, 99))


@pytest.mark.parametrize("seed", range(8))
def test_merging_owners_copies_loses_nothing(seed):
    rng = random.Random(seed)
    rows = fill.random_rows(rng, 24)
    base = fill.team_quarter(rows, starter("blank", team="Sales", quarter="2027-Q1"))
    count = len(base.key_results)
    copies = []
    for owner in range(3):
        edited = copy.deepcopy(base)
        _owner_edits(edited, rng, range(owner, count, 3))
        copies.append(edited)
    merged = merge(base, copies).team_quarter
    expected = set().union(*(set(diff(base, edited)) for edited in copies))
    assert expected
    assert set(diff(base, merged)) == expected


# Files and the command line


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def copies(tmp_path):
    """base.xlsx and two owners' copies: alice.xlsx and bob.xlsx, with one conflict."""
    base = _base()
    alice, bob = copy.deepcopy(base), copy.deepcopy(base)
    _kr(alice, 0, 0).check_ins = {3: 100000}
    _kr(alice, 0, 1).check_ins = {3: 4}
    _kr(bob, 0, 0).check_ins = {3: 90000}
    _kr(bob, 1, 0).revised_target = 1200000
    _kr(bob, 1, 0).revision_reason = "fewer reps"
    paths = []
    for name, team_quarter in (("base", base), ("alice", alice), ("bob", bob)):
        path = tmp_path / f"{name}.xlsx"
        write_workbook(team_quarter, path, today=dt.date(2027, 1, 20))
        paths.append(path)
    return paths


def test_diff_command_text_and_json(copies):
    base, alice, _ = copies
    result = CliRunner().invoke(main, ["diff", str(base), str(alice)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        'Objective "Grow new business in the mid-market":',
        '  + key result "Close new annual recurring revenue from mid-market logos": '
        "Week 3 check-in added: 100000",
        '  + key result "Win new mid-market customers": Week 3 check-in added: 4',
    ]
    result = CliRunner().invoke(main, ["diff", str(base), str(alice), "--format", "json"])
    assert result.exit_code == 0
    assert [change["field"] for change in json.loads(result.output)["changes"]] == ["week_3", "week_3"]


def test_merge_command_stops_on_a_conflict(copies, tmp_path):
    base, alice, bob = copies
    output = tmp_path / "merged.xlsx"
    result = CliRunner().invoke(main, ["merge", str(base), str(alice), str(bob), "-o", str(output)])
    assert result.exit_code == 1
    assert f"Week 3: base blank; {alice}: 100000; {bob}: 90000" in result.output
    assert not output.exists()


def test_merge_command_with_prefer_writes_the_merged_workbook(copies, tmp_path):
    base, alice, bob = copies
    before = [_sha256(path) for path in copies]
    output = tmp_path / "merged.xlsx"
    result = CliRunner().invoke(main, ["merge", str(base), str(alice), str(bob), "-o", str(output),
                                       "--prefer", "alice.xlsx"])
    assert result.exit_code == 0, result.output
    assert "Resolved:" in result.output and "(kept" in result.output
    merged = read_workbook(output).team_quarter
    assert _kr(merged, 0, 0).check_ins == {3: 100000}
    assert _kr(merged, 0, 1).check_ins == {3: 4}
    assert _kr(merged, 1, 0).revised_target == 1200000
    assert [_sha256(path) for path in copies] == before


def test_merge_command_usage_errors(copies, tmp_path):
    base, alice, bob = copies
    before = _sha256(base)
    result = CliRunner().invoke(main, ["merge", str(base), str(alice), "-o", str(base), "--force"])
    assert result.exit_code == 2 and "input" in result.output
    result = CliRunner().invoke(main, ["merge", str(base), str(alice), str(bob),
                                       "-o", str(tmp_path / "out.xlsx"), "--prefer", "carol.xlsx"])
    assert result.exit_code == 2 and "carol.xlsx" in result.output
    assert _sha256(base) == before
    assert "Traceback" not in result.output


def test_merge_refuses_copies_with_errors(copies, tmp_path):
    import openpyxl

    from okrsheet.sheet import layout

    base, alice, _ = copies
    broken = tmp_path / "broken.xlsx"
    book = openpyxl.load_workbook(alice)
    book[layout.OKRS_SHEET][layout.address("target", layout.FIRST_ROW)] = "fifty"
    book.save(broken)
    result = CliRunner().invoke(main, ["merge", str(base), str(broken), "-o", str(tmp_path / "m.xlsx")])
    assert result.exit_code == 1
    assert "fix them first" in result.output
    assert not (tmp_path / "m.xlsx").exists()


def test_change_text_names_the_item():
    change = Change(CHANGED, "key result", "Grow", "ARR", "current", 4.0, 6.5)
    assert str(change) == 'key result "ARR": Current 4 -> 6.5'


@pytest.mark.parametrize("change, shown", [
    ({"team": "Platform"}, "is Platform 2027-Q1, not Sales 2027-Q1"),
    ({"quarter": "2027-Q2"}, "is Sales 2027-Q2, not Sales 2027-Q1"),
], ids=["another team", "another quarter"])
def test_merge_refuses_a_workbook_of_another_team_or_quarter_in_one_line(tmp_path, change, shown):
    base = _base()
    other = copy.deepcopy(base)
    for name, value in change.items():
        setattr(other, name, value)
    _kr(other, 0, 0).check_ins = {3: 1}  # and differing values: still one line, no conflicts
    paths = []
    for name, team_quarter in (("base", base), ("other", other)):
        paths.append(tmp_path / f"{name}.xlsx")
        write_workbook(team_quarter, paths[-1], today=dt.date(2027, 1, 20))
    output = tmp_path / "merged.xlsx"
    result = CliRunner().invoke(main, ["merge", *map(str, paths), "-o", str(output)])
    assert result.exit_code == 1
    (line,) = [line for line in result.output.splitlines() if not line.startswith("warning")]
    assert line.startswith(f"Error: {paths[1]} {shown}: a workbook of another team or quarter")
    assert not output.exists()
