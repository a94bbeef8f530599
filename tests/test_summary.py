"""okrsheet.quarterend.summary: every number of a small summary computed by hand, files and folders,
duplicates, files left out, and the samples' stories."""

import os
import shutil
import sys
from pathlib import Path

import pytest

from okrsheet.domain.model import KeyResult, Objective, TeamQuarter
from okrsheet.domain.problems import OkrsheetError
from okrsheet.domain.quarter import Quarter
from okrsheet.quarterend.summary import find_workbooks, summarise, summarise_team_quarters
from okrsheet.read.reader import read_workbook
from okrsheet.write.writer import write_workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
sys.path.insert(0, str(ROOT / "scripts"))
import make_samples  # noqa: E402


def kr(title, current, target=10, **options):
    """An increase KR from 0 to ``target``: progress is current / target."""
    return KeyResult(title=title, type="increase", start=0, target=target, current=current,
                     **options)


def team_quarter(team, quarter, *objectives):
    period = Quarter.parse(quarter)
    return TeamQuarter(team=team, quarter=quarter, quarter_start=period.start,
                       quarter_end=period.end, as_of=period.end,
                       objectives=[Objective(title, list(krs)) for title, krs in objectives])


def hand_made():
    """Scores worked out by hand in the comments."""
    return [
        # Alpha Q1: O1 = (0.5 + 1.0) / 2 = 0.75; O2 = 0.2; team = 0.475 (orange)
        team_quarter("alpha", "2026-Q1", ("Win", [kr("a", 5), kr("b", 12)]),
                     ("Keep", [kr("c", 2)])),
        # Alpha Q2: O1 = (0.95 + 1.0) / 2 = 0.975; O2 = (0 + 1) / 2 = 0.5; team = 0.7375
        team_quarter(" Alpha  ", "Q2 2026",
                     ("Win", [kr("a", 9.5), kr("b", 10, revised_target=8)]),
                     ("Keep", [kr("c", None), kr("d", 10)])),
        # Beta Q1: 1.0; Beta Q2: 1.0 (the lagging KR counts 0 weight) -> too safe in Q2
        team_quarter("Beta", "2026-Q1", ("Grow", [kr("a", 10)])),
        team_quarter("Beta", "2026-Q2", ("Grow", [kr("a", 10), kr("late", 0, lagging=True)])),
        # Gamma Q2: 0.1; Gamma Q3: 0.3 -> too ambitious in Q3 (0.3 counts: "at most")
        team_quarter("Gamma", "2026-Q2", ("Reach", [kr("a", 1)])),
        team_quarter("Gamma", "2026-Q3", ("Reach", [kr("a", 3)])),
    ]


def row(frame, **where):
    selected = frame
    for key, value in where.items():
        selected = selected[selected[key] == value]
    assert len(selected) == 1, where
    return selected.iloc[0].to_dict()


def blank(value):
    return value is None or value != value  # None or NaN


EXPECTED_TEAMS = [
    # team, quarter, score, status, objectives, krs, shares g/o/r/nu/lag, revised, previous, change, flag
    ("Alpha", "2026-Q1", 0.475, "orange", 2, 3, (1 / 3, 1 / 3, 1 / 3, 0, 0), 0, None, None, None),
    ("Alpha", "2026-Q2", 0.7375, "green", 2, 4, (0.75, 0, 0, 0.25, 0), 1, 0.475, 0.2625, None),
    ("Beta", "2026-Q1", 1.0, "green", 1, 1, (1, 0, 0, 0, 0), 0, None, None, None),
    ("Beta", "2026-Q2", 1.0, "green", 1, 2, (0.5, 0, 0, 0, 0.5), 0, 1.0, 0.0, "too safe"),
    ("Gamma", "2026-Q2", 0.1, "red", 1, 1, (0, 0, 1, 0, 0), 0, None, None, None),
    ("Gamma", "2026-Q3", 0.3, "red", 1, 1, (0, 0, 1, 0, 0), 0, 0.1, 0.2, "too ambitious"),
]

EXPECTED_COMPANY = [
    # quarter, teams, score, status, objectives, krs, shares g/o/r/nu/lag, revised, change
    ("2026-Q1", 2, (0.475 + 1.0) / 2, "green", 3, 4, (0.5, 0.25, 0.25, 0, 0), 0, None),
    ("2026-Q2", 3, (0.7375 + 1.0 + 0.1) / 3, "orange", 4, 7,
     (4 / 7, 0, 1 / 7, 1 / 7, 1 / 7), 1, (0.7375 + 1.0 + 0.1) / 3 - 0.7375),
    ("2026-Q3", 1, 0.3, "red", 1, 1, (0, 0, 1, 0, 0), 0, 0.3 - (0.7375 + 1.0 + 0.1) / 3),
]

SHARES = ("share_green", "share_orange", "share_red", "share_not_updated", "share_lagging")


def assert_hand_made(summary):
    assert len(summary.teams) == len(EXPECTED_TEAMS)
    for team, quarter, score, status, objectives, krs, shares, revised, previous, change, flag \
            in EXPECTED_TEAMS:
        got = row(summary.teams, team=team, quarter=quarter)
        assert got["score"] == pytest.approx(score, abs=1e-12), (team, quarter)
        assert got["status"] == status
        assert (got["objectives"], got["key_results"]) == (objectives, krs)
        assert [got[key] for key in SHARES] == pytest.approx(list(shares), abs=1e-12)
        assert got["revised_targets"] == revised
        if previous is None:
            assert blank(got["previous_score"]) and blank(got["change"]), (team, quarter)
        else:
            assert got["previous_score"] == pytest.approx(previous, abs=1e-12)
            assert got["change"] == pytest.approx(change, abs=1e-12)
        assert (got["calibration"] if not blank(got["calibration"]) else None) == flag
    assert list(summary.company["quarter"]) == ["2026-Q1", "2026-Q2", "2026-Q3"]
    for quarter, teams, score, status, objectives, krs, shares, revised, change in EXPECTED_COMPANY:
        got = row(summary.company, quarter=quarter)
        assert got["teams"] == teams
        assert got["score"] == pytest.approx(score, abs=1e-12), quarter
        assert got["status"] == status
        assert (got["objectives"], got["key_results"]) == (objectives, krs)
        assert [got[key] for key in SHARES] == pytest.approx(list(shares), abs=1e-12)
        assert got["revised_targets"] == revised
        if change is None:
            assert blank(got["change"])
        else:
            assert got["change"] == pytest.approx(change, abs=1e-12)
    flags = summary.calibration[["team", "quarter", "calibration"]].values.tolist()
    assert flags == [["Beta", "2026-Q2", "too safe"], ["Gamma", "2026-Q3", "too ambitious"]]


def test_summary_of_team_quarters_matches_hand_computed_numbers():
    summary = summarise_team_quarters(hand_made())
    assert_hand_made(summary)
    assert summary.latest_quarter == "2026-Q3"
    # "alpha" and " Alpha  " are one team, named as in its latest workbook; "Q2 2026" is 2026-Q2.
    assert sorted(summary.teams["team"].unique()) == ["Alpha", "Beta", "Gamma"]


def test_objectives_table_has_one_row_per_objective_with_counts():
    summary = summarise_team_quarters(hand_made())
    assert len(summary.objectives) == 2 + 2 + 1 + 1 + 1 + 1
    keep = row(summary.objectives, team="Alpha", quarter="2026-Q2", objective="Keep")
    assert keep["number"] == 2
    assert keep["score"] == pytest.approx(0.5)
    assert keep["status"] == "orange"
    assert (keep["key_results"], keep["green"], keep["not_updated"]) == (2, 1, 1)
    win = row(summary.objectives, team="Alpha", quarter="2026-Q2", objective="Win")
    assert win["revised_targets"] == 1 and win["score"] == pytest.approx(0.975)


def test_quarter_keeps_one_quarter_but_changes_still_compare_with_the_one_before():
    summary = summarise_team_quarters(hand_made(), quarter="2026-Q2")
    assert set(summary.teams["quarter"]) == {"2026-Q2"}
    assert row(summary.teams, team="Alpha")["change"] == pytest.approx(0.2625)
    assert list(summary.company["quarter"]) == ["2026-Q2"]
    assert set(summary.objectives["quarter"]) == {"2026-Q2"}
    with pytest.raises(OkrsheetError, match="no workbook is for 2025-Q4; quarters found: 2026-Q1"):
        summarise_team_quarters(hand_made(), quarter="2025-Q4")


def test_change_needs_the_immediately_preceding_quarter():
    summary = summarise_team_quarters([
        team_quarter("Alpha", "2026-Q1", ("Win", [kr("a", 5)])),
        team_quarter("Alpha", "2026-Q3", ("Win", [kr("a", 8)])),
    ])
    assert blank(row(summary.teams, quarter="2026-Q3")["change"])


def test_team_quarters_without_team_or_with_a_bad_quarter_are_left_out():
    good = team_quarter("Alpha", "2026-Q1", ("Win", [kr("a", 5)]))
    nameless = team_quarter("", "2026-Q1", ("Win", [kr("a", 5)]))
    nameless.file = "nameless.xlsx"
    odd = team_quarter("Beta", "2026-Q1", ("Win", [kr("a", 5)]))
    odd.quarter, odd.file = "spring", "odd.xlsx"
    summary = summarise_team_quarters([good, nameless, odd])
    assert len(summary.teams) == 1
    reasons = dict(summary.left_out.values.tolist())
    assert reasons["nameless.xlsx"].startswith("B2: the Team cell is blank; type the team's name")
    assert reasons["odd.xlsx"].startswith('B3: the Quarter cell says "spring"; type the quarter '
                                          "like 2027-Q1")


def test_same_team_and_quarter_twice_in_memory_uses_the_one_given_later():
    first = team_quarter("Alpha", "2026-Q1", ("Win", [kr("a", 5)]))
    second = team_quarter("ALPHA", "2026-Q1", ("Win", [kr("a", 8)]))
    first.file, second.file = "first.xlsx", "second.xlsx"
    summary = summarise_team_quarters([first, second])
    assert row(summary.teams, quarter="2026-Q1")["score"] == pytest.approx(0.8)
    duplicate = summary.duplicates.iloc[0].to_dict()
    assert (duplicate["used"], duplicate["not_used"]) == ("second.xlsx", "first.xlsx")
    assert "given later" in duplicate["reason"]


# From files


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("summary")
    for index, made in enumerate(hand_made()):
        write_workbook(made, folder / f"{index}-{made.team.strip().lower()}.xlsx")
    return folder


def test_summary_of_files_matches_hand_computed_numbers_and_the_reader(folder):
    summary = summarise([folder])
    assert_hand_made(summary)
    assert summary.left_out.empty and summary.duplicates.empty
    for record in summary.teams.to_dict("records"):
        reading = read_workbook(record["file"])
        assert record["score"] == reading.team_quarter.score, record["file"]


def test_reading_in_processes_gives_the_same_summary(folder):
    one = summarise([folder], workers=1)
    many = summarise([folder], workers=2)
    assert one.teams.equals(many.teams)
    assert one.company.equals(many.company)


def test_folders_skip_lock_hidden_and_other_files(folder, tmp_path):
    shutil.copytree(folder, tmp_path / "in", dirs_exist_ok=True)
    (tmp_path / "in" / "~$0-alpha.xlsx").write_bytes(b"lock")
    (tmp_path / "in" / ".hidden.xlsx").write_bytes(b"hidden")
    (tmp_path / "in" / ".git").mkdir()
    (tmp_path / "in" / ".git" / "x.xlsx").write_bytes(b"x")
    (tmp_path / "in" / "notes.txt").write_text("hello")
    found = find_workbooks([tmp_path / "in"])
    assert sorted(path.name for path in found) == sorted(path.name for path in folder.iterdir())
    with pytest.raises(OkrsheetError, match="no such file or folder"):
        find_workbooks([tmp_path / "missing"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(OkrsheetError, match="no workbooks"):
        summarise([tmp_path / "empty"])


def test_unreadable_files_are_left_out_with_their_reason(folder, tmp_path):
    bad = tmp_path / "emailed.xlsx"
    bad.write_text("team,score\nAlpha,0.5\n")
    summary = summarise([folder, bad])
    assert len(summary.teams) == len(EXPECTED_TEAMS)
    assert summary.left_out.values.tolist() == [
        [str(bad), "emailed.xlsx: not an Excel or LibreOffice workbook (looks like text or CSV); "
                   "save it as .xlsx."]]


def test_duplicate_files_use_the_one_saved_later(folder, tmp_path):
    older = tmp_path / "alpha-q1-old.xlsx"
    newer = tmp_path / "alpha-q1-new.xlsx"
    write_workbook(team_quarter("Alpha", "2026-Q1", ("Win", [kr("a", 4)])), older)
    write_workbook(team_quarter("Alpha", "2026-Q1", ("Win", [kr("a", 9)])), newer)
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_700_086_400, 1_700_086_400))
    # Given newer first: the modification time decides (both workbooks record the same
    # saved time, as okrsheet writes them), not the order.
    summary = summarise([newer, older])
    assert row(summary.teams, quarter="2026-Q1")["score"] == pytest.approx(0.9)
    duplicate = summary.duplicates.iloc[0].to_dict()
    assert (duplicate["team"], duplicate["quarter"]) == ("Alpha", "2026-Q1")
    assert (duplicate["used"], duplicate["not_used"]) == (str(newer), str(older))
    assert "the later file time: 2023-11-15 22:13 UTC, the other 2023-11-14" in duplicate["reason"]
    assert summary.left_out.empty


# The samples


def test_samples_read_back_with_the_scores_they_were_made_with():
    made = make_samples.team_quarters()
    summary = summarise([SAMPLES])
    assert summary.left_out.empty and summary.duplicates.empty
    assert len(summary.teams) == 20
    for record in summary.teams.to_dict("records"):
        name = Path(record["file"]).relative_to(SAMPLES).with_suffix(".xlsx").as_posix()
        if record["status"] == "not started":
            assert not any(kr.updated for kr in made[name].key_results), name
        else:
            assert record["score"] == pytest.approx(made[name].score, abs=1e-9), name
    suffixes = {Path(file).suffix for file in summary.teams["file"]}
    assert suffixes == {".xlsx", ".ods", ".xls"}  # an old-format copy is read too
    started = summary.teams[summary.teams["quarter"] == make_samples.NEXT_QUARTER]
    assert sorted(started[started["status"] == "not started"]["team"]) == [
        "Account Management", "Customer Success"]


def test_samples_tell_their_stories():
    summary = summarise([SAMPLES])
    teams = summary.teams[summary.teams["quarter"].isin(make_samples.QUARTERS)]
    scores = {team: list(teams[teams["team"] == team]["score"]) for team in teams["team"]}
    assert scores["New Business"] == sorted(scores["New Business"])  # improving
    assert scores["New Business"][0] < 0.3 < 0.8 < scores["New Business"][-1]
    flags = {(row["team"], row["calibration"]) for row in summary.calibration.to_dict("records")}
    assert flags == {("Account Management", "too safe"), ("Sales Development", "too ambitious")}
    titles = summary.objectives[summary.objectives["team"] == "Customer Success"]
    by_quarter = [set(titles[titles["quarter"] == q]["objective"]) for q in make_samples.QUARTERS]
    assert all(by_quarter[i] != by_quarter[i + 1] for i in range(3))  # objectives change
    assert summary.teams["share_lagging"].max() > 0
    assert summary.teams["share_not_updated"].max() > 0
    assert summary.teams["revised_targets"].sum() >= 2


def test_samples_give_the_calibration_and_the_check_in_rhythm_something_to_say():
    from okrsheet.quarterend.calibration import calibrate

    summary = summarise([SAMPLES])
    brier = {row["team"]: row["brier"] for row in calibrate(summary).teams.to_dict("records")}
    # Account Management: 136 forecasts, all green; 12 say medium (0.5**2), the rest high
    # (0.2**2): (12 * 0.25 + 124 * 0.04) / 136
    assert brier["Account Management"] == pytest.approx((12 * 0.25 + 124 * 0.04) / 136)
    assert brier["New Business"] < brier["Customer Success"] < brier["Sales Development"]
    latest = {row["team"]: (row["confidence_fell"], row["stale_key_results"],
                            row["overdue_actions"])
              for row in summary.table_rows("teams") if row["quarter"] == "2027-Q1"}
    assert latest == {
        "New Business": (3 / 6, 1, 2),  # fell: ARR, win rate, forecast error of 6 with two
        "Sales Development": (3 / 4, 2, 1),
        "Account Management": (None, 7, 1),  # not started: every key result stale
        "Customer Success": (None, 7, 0)}


@pytest.mark.parametrize("name", sorted(
    name for name in make_samples.team_quarters()
    if (SAMPLES / name).exists() and name not in make_samples.SAVED_BY_LIBREOFFICE_XLSX))
def test_samples_are_current(name):
    """Files LibreOffice saved carry its save date, so only the others are compared."""
    if name in make_samples.MESSES:
        expected = make_samples.messy_sample_bytes(name)
    else:
        expected = make_samples.sample_bytes(name)
    assert (SAMPLES / name).read_bytes() == expected, \
        "run python scripts/make_samples.py and commit samples/"


# Not started is not zero


def not_started_quarters():
    """Alpha Q1 0.5, Q2 0.8; Beta Q1 0.3, Q2 has no value yet (a fresh workbook from next)."""
    return [
        team_quarter("Alpha", "2027-Q1", ("Win", [kr("a", 5)])),
        team_quarter("Alpha", "2027-Q2", ("Win", [kr("a", 8)])),
        team_quarter("Beta", "2027-Q1", ("Grow", [kr("a", 3)])),
        team_quarter("Beta", "2027-Q2", ("Grow", [kr("a", None), kr("b", None)])),
    ]


def test_a_team_that_has_not_started_is_shown_as_not_started_not_as_zero():
    summary = summarise_team_quarters(not_started_quarters())
    beta = row(summary.teams, team="Beta", quarter="2027-Q2")
    assert blank(beta["score"]) and beta["status"] == "not started"
    assert blank(beta["change"]) and blank(beta["calibration"])
    assert set(row(summary.objectives, team="Beta", quarter="2027-Q2").items()) >= {
        ("status", "not started")}


def test_a_team_that_has_not_started_is_left_out_of_the_company_mean_and_change():
    summary = summarise_team_quarters(not_started_quarters())
    company = row(summary.company, quarter="2027-Q2")
    # Only Alpha counts: 0.8 (with Beta as 0 it would be 0.4); Q1 mean (0.5 + 0.3) / 2 = 0.4
    assert company["score"] == pytest.approx(0.8)
    assert (company["teams"], company["not_started"]) == (2, 1)
    assert company["change"] == pytest.approx(0.8 - 0.4)
    assert company["key_results"] == 1 and company["share_not_updated"] == 0


def test_the_quarter_after_a_not_started_one_has_no_change():
    quarters = not_started_quarters() + [team_quarter("Beta", "2027-Q3", ("Grow", [kr("a", 6)]))]
    summary = summarise_team_quarters(quarters)
    beta = row(summary.teams, team="Beta", quarter="2027-Q3")
    assert beta["score"] == pytest.approx(0.6) and blank(beta["previous_score"])
    assert blank(beta["change"])


def test_a_quarter_nobody_has_started_has_no_company_score():
    summary = summarise_team_quarters(not_started_quarters()
                                      + [team_quarter("Alpha", "2027-Q3", ("Win", [kr("a", None)]))])
    company = row(summary.company, quarter="2027-Q3")
    assert blank(company["score"]) and company["status"] == "not started"
    assert blank(company["change"])


def test_a_partly_updated_team_is_scored_as_its_sheet_scores_it():
    summary = summarise_team_quarters([
        team_quarter("Alpha", "2027-Q1", ("Win", [kr("a", 5), kr("b", None)]))])
    # (0.5 + 0) / 2 = 0.25, as the sheet's TeamScore
    assert row(summary.teams, team="Alpha")["score"] == pytest.approx(0.25)


# Copies and conflicts


def saved_at(path, when):
    """Rewrite the workbook's own saved time (docProps/core.xml), as a program saving it would."""
    import re
    import zipfile

    parts = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            parts[name] = archive.read(name)
    parts["docProps/core.xml"] = re.sub(
        rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + when.encode(), parts["docProps/core.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_the_workbooks_own_saved_time_decides_not_the_download_time(tmp_path):
    older = tmp_path / "alpha-saved-monday.xlsx"
    newer = tmp_path / "alpha-saved-friday.xlsx"
    write_workbook(team_quarter("Alpha", "2026-Q1", ("Win", [kr("a", 4)])), older)
    write_workbook(team_quarter("Alpha", "2026-Q1", ("Win", [kr("a", 9)])), newer)
    saved_at(older, "2026-03-02T09:00:00Z")
    saved_at(newer, "2026-03-06T17:30:00Z")
    os.utime(newer, (1_700_000_000, 1_700_000_000))  # Friday's copy was downloaded first
    os.utime(older, (1_700_086_400, 1_700_086_400))
    summary = summarise([older, newer])
    assert row(summary.teams, quarter="2026-Q1")["file"] == str(newer)
    reason = summary.duplicates.iloc[0]["reason"]
    assert reason == ("the same objectives and key results; the later saved time in the "
                      "workbook: 2026-03-06 17:30 UTC, the other 2026-03-02 09:00 UTC")


def relabelled_copy(tmp_path):
    """Sales East's real file, and Platform's file whose Team cell was changed to Sales East."""
    real = tmp_path / "sales-east.xlsx"
    copy = tmp_path / "platform-copy.xlsx"
    write_workbook(team_quarter("Sales East", "2027-Q2", ("Win deals", [kr("Deals", 6)])), real)
    write_workbook(team_quarter("Sales East", "2027-Q2", ("Run reliably", [kr("Uptime", 9)])),
                   copy)
    os.utime(real, (1_700_000_000, 1_700_000_000))
    os.utime(copy, (1_700_086_400, 1_700_086_400))  # the copy is newer on disk
    return real, copy


def test_a_copy_relabelled_with_another_teams_name_conflicts_and_neither_is_used(tmp_path):
    real, copy = relabelled_copy(tmp_path)
    other = tmp_path / "alpha.xlsx"
    write_workbook(team_quarter("Alpha", "2027-Q2", ("Win", [kr("a", 5)])), other)
    summary = summarise([tmp_path])
    assert list(summary.teams["team"]) == ["Alpha"]
    conflict = summary.conflicts.iloc[0].to_dict()
    assert (conflict["team"], conflict["quarter"]) == ("Sales East", "2027-Q2")
    assert conflict["files"] == f"{copy}; {real}"
    assert "different objectives or key results; neither is used" in conflict["reason"]
    assert summary.duplicates.empty


def test_prefer_resolves_a_conflict(tmp_path):
    real, copy = relabelled_copy(tmp_path)
    summary = summarise([tmp_path], prefer=[str(real)])
    assert row(summary.teams, team="Sales East")["file"] == str(real)
    assert summary.conflicts.empty
    assert summary.duplicates.iloc[0]["reason"] == "chosen with --prefer"


def test_in_memory_copies_that_differ_conflict_too():
    first = team_quarter("Alpha", "2026-Q1", ("Win", [kr("a", 5)]))
    second = team_quarter("Alpha", "2026-Q1", ("Lose", [kr("b", 8)]))
    summary = summarise_team_quarters([first, second, team_quarter("Beta", "2026-Q1",
                                                                   ("Grow", [kr("a", 1)]))])
    assert list(summary.teams["team"]) == ["Beta"] and len(summary.conflicts) == 1


# Every spreadsheet-looking file in a folder accounted for


def test_every_spreadsheet_looking_file_in_a_folder_is_read_left_out_or_skipped(tmp_path):
    shutil.copytree(SAMPLES / "2026-Q4", tmp_path / "in")
    folder = tmp_path / "in"
    (folder / "~$new-business.xlsx").write_bytes(b"lock")
    (folder / ".~lock.new-business.xlsx#").write_text("Sam,host,...")
    (folder / "export.csv").write_text("team,score\n")
    (folder / "plan.numbers").write_bytes(b"PK\x03\x04")
    (folder / "okrs.xltx").write_bytes(b"PK\x03\x04")
    (folder / "binary.xlsb").write_bytes(b"PK\x03\x04")
    (folder / "gone.xlsx").symlink_to(tmp_path / "deleted.xlsx")
    (folder / "again").symlink_to(folder)  # a folder link that loops
    (folder / "notes.txt").write_text("not a spreadsheet: nothing to say")
    summary = summarise([folder])
    assert len(summary.teams) == 4
    left_out = dict(summary.left_out.values.tolist())
    assert set(left_out) == {str(folder / name) for name in (
        "export.csv", "plan.numbers", "okrs.xltx", "binary.xlsb")}
    assert "save it as .xlsx" in left_out[str(folder / "binary.xlsb")]
    assert "Export To > Excel" in left_out[str(folder / "plan.numbers")]
    skipped = dict(summary.skipped.values.tolist())
    assert "an Excel lock file" in skipped[str(folder / "~$new-business.xlsx")]
    assert "a LibreOffice lock file" in skipped[str(folder / ".~lock.new-business.xlsx#")]
    assert "no longer exists" in skipped[str(folder / "gone.xlsx")]
    assert "a folder link back" in skipped[str(folder / "again")]
    assert str(folder / "notes.txt") not in skipped and str(folder / "notes.txt") not in left_out


def test_the_summarys_own_output_in_an_input_folder_is_skipped_not_read(tmp_path):
    from okrsheet.outputs.summary_workbook import write_summary_workbook

    shutil.copytree(SAMPLES / "2026-Q4", tmp_path / "in")
    write_summary_workbook(summarise([tmp_path / "in"]), tmp_path / "in" / "summary.xlsx")
    summary = summarise([tmp_path / "in"])
    assert summary.left_out.empty and len(summary.teams) == 4
    assert "a summary workbook made by okrsheet summary" in summary.skipped.iloc[0]["reason"]


# Every file given is listed: company and person workbooks too (issue 23, item 5)


def test_the_files_sheet_and_json_list_the_company_and_person_workbooks_beside_the_teams(tmp_path):
    import json

    import openpyxl
    from click.testing import CliRunner

    from okrsheet.cli import main

    out = tmp_path / "summary.xlsx"
    result = CliRunner().invoke(main, ["summary", str(SAMPLES / "2026-Q4"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out)["Files"].iter_rows(values_only=True))
    used = rows[2:rows.index((None,) * len(rows[0]))]
    assert sorted((team, level) for team, _, level, _ in [row[:4] for row in used]) == [
        ("Account Management", "team"), ("Acme", "company"), ("Customer Success", "team"),
        ("New Business", "team"), ("Priya", "person"), ("Sales Development", "team"),
        ("Sam", "person")]
    document = json.loads(CliRunner().invoke(
        main, ["summary", str(SAMPLES / "2026-Q4"), "--format", "json"]).output)
    assert len(document["files"]) == 7 and len(document["teams"]) == 4
    assert ("The 1 company and 2 person workbooks are in the alignment tree (--tree), not in "
            "the teams' tables.") in " ".join(result.output.split())


def test_a_company_workbook_alone_gives_its_tree_in_every_output(tmp_path):
    import json

    import openpyxl
    from click.testing import CliRunner

    from okrsheet.cli import main

    company = str(SAMPLES / "2026-Q4" / "company.xlsx")
    run = CliRunner().invoke
    table = run(main, ["summary", company])
    assert table.exit_code == 0, table.output
    assert " ".join(table.output.split()).startswith(
        "No team workbook, so no scores table: 1 company workbook (Acme 2026-Q4) gives the "
        "alignment tree below.")
    assert "  Acme O1 Grow revenue profitably: 98%" in table.output
    assert "  No team supports: Acme O3 Build a sales engine that scales" in table.output
    markdown = run(main, ["summary", company, "--format", "markdown"])
    assert markdown.exit_code == 0 and "- Acme O2 Keep and grow our customers: 88%" in markdown.output
    document = json.loads(run(main, ["summary", company, "--format", "json"]).output)
    assert document["teams"] == [] and [row["level"] for row in document["files"]] == ["company"]
    assert [node["id"] for node in document["unsupported"]] == ["O1", "O2", "O3"]
    for name in ("summary.xlsx", "summary.html"):
        made = run(main, ["summary", company, "-o", str(tmp_path / name)])
        assert made.exit_code == 0, made.output
    book = openpyxl.load_workbook(tmp_path / "summary.xlsx")
    assert [row[2] for row in book["Files"].iter_rows(min_row=3, max_row=3, values_only=True)] == [
        "company"]
    assert "Alignment" in book.sheetnames
    assert 'id="alignment"' in (tmp_path / "summary.html").read_text()


def test_the_samples_calibration_counts_the_four_finished_quarters_not_2027_q1_at_week_8():
    from okrsheet.quarterend.calibration import calibrate

    calibration = calibrate(summarise([SAMPLES]))
    new_business = calibration.teams.set_index("team").loc["New Business"]
    assert (new_business["quarters"], new_business["forecasts"]) == (4, 140)
    assert new_business["brier"] == pytest.approx(0.157, abs=0.0005)
    assert "2027-Q1" not in set(calibration.forecasts["quarter"])
    assert calibration.notes() == ["2027-Q1 is in progress: left out of the calibration (a "
                                   "forecast counts once its quarter has ended)."]


def test_the_store_lists_the_same_files_and_gives_a_company_workbook_alone_its_tree(tmp_path):
    from okrsheet.outputs.alignment_report import tree_lines
    from okrsheet.quarterend.history_summary import summarise_store
    from okrsheet.workflows.export import export

    export([SAMPLES / "2026-Q4"], tmp_path / "store")
    from_store = summarise_store(tmp_path / "store")
    from_books = summarise([SAMPLES / "2026-Q4"])
    assert from_store.files.drop(columns="file").equals(from_books.files.drop(columns="file"))
    assert sorted(from_store.files["level"]) == ["company"] + ["person"] * 2 + ["team"] * 4
    assert tree_lines(from_store.alignment) == tree_lines(from_books.alignment)
    export([SAMPLES / "2026-Q4" / "company.xlsx"], tmp_path / "company")
    alone = summarise_store(tmp_path / "company")
    assert alone.teams.empty and alone.files["level"].tolist() == ["company"]
    assert "  No team supports: Acme O1 Grow revenue profitably" in tree_lines(alone.alignment)
