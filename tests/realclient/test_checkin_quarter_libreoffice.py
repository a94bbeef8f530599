"""A whole quarter through email: ``new``, ``split`` for weeks 3, 5 and 7, owners' replies
typed in LibreOffice (UNO, on the Check-in sheet), ``collect``, then ``status`` and
``summary`` (its check-in rhythm too, once the As of is typed and priority actions
added), every number worked by hand. On the way: a reply for the wrong week, two
conflicting replies (settled with --prefer) and a late reply (Alex's week 3, collected
after week 5). Nothing okrsheet reads is ever written to (checked by sha256).

The sales-team template, by owner, in the order of their Check-in rows (10, 11, 12):
Sam O1.1 (increase 0 -> 450000), O1.3 (increase 18 -> 25), O3.1 (decrease 74 -> 55);
Priya O1.2 (increase 0 -> 12), O2.2 (stay below 10), O3.2 (milestone);
Jonas O2.1 (increase 0 -> 1500000), O2.3 (increase 60 -> 95);
Alex O4.1 (decrease 120 -> 75), O4.2 (increase 2 -> 8). O1.1 weighs 2, the others 1.
"""

import datetime as dt
import hashlib
import json

import pytest
from click.testing import CliRunner

from okrsheet.cli import main
from okrsheet.domain.status import status_page
from okrsheet.read.reader import read_workbook
from okrsheet.sheet import layout
from scripts.libreoffice import convert
from tests.realclient.uno_edit import edit_in_libreoffice

VALUE, CONFIDENCE, COMMENT = "H", "K", "L"
AS_OF = dt.date(2027, 2, 15)  # week 7 (12 to 18 February); 46 of 90 days gone


def _run(*arguments):
    return CliRunner().invoke(main, [str(argument) for argument in arguments])


def _split(team, folder, week):
    result = _run("split", team, "-o", folder, "--week", week)
    assert result.exit_code == 0, result.output
    return {path.name.split("-")[-1][:-5]: path for path in folder.iterdir()}


def _reply(source, output, rows, shown=()):
    """A UNO job: ``rows`` maps a Check-in row to (value, confidence, comment); None = untouched."""
    edits = []
    for row, values in rows.items():
        for column, value in zip((VALUE, CONFIDENCE, COMMENT), values):
            if value is not None:
                edits.append(["set", f"{column}{row}", value])
    return {"input": str(source), "output": str(output), "sheet": "Check-in", "edits": edits,
            "shown": list(shown)}


def _action(row, title, key_result, due, done):
    """UNO edits typing one priority action into row ``row`` of the Actions sheet."""
    return [["set", f"A{row}", title], ["set", f"B{row}", key_result], ["date", f"D{row}", due],
            ["set", f"E{row}", done]]


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def quarter(libreoffice, tmp_path_factory):
    folder = tmp_path_factory.mktemp("quarter")
    replies = folder / "replies"
    replies.mkdir()
    team = folder / "team.xlsx"
    assert _run("new", "-o", team, "--template", "sales-team", "--team", "Sales",
                "--quarter", "2027-Q1").exit_code == 0
    runs = {}

    # Week 3: Sam, Priya and Jonas reply; Alex does not (yet).
    week3 = _split(team, folder / "w3", 3)
    edit_in_libreoffice([
        _reply(week3["Sam"], replies / "sam3.xlsx",
               {10: (90000, "high", "two deals signed"), 11: (19, None, None),
                12: (70, None, None)},
               shown=["I10", "I11", "I12"]),
        _reply(week3["Priya"], replies / "priya3.xlsx",
               {10: (2, "high", None), 11: (8, None, None), 12: ("not done", "medium", None)}),
        _reply(week3["Jonas"], replies / "jonas3.xlsx", {10: (300000, None, None),
                                                         11: (65, "low", "CRM clean-up")}),
    ])
    runs["week 3"] = _run("collect", team, replies / "sam3.xlsx", replies / "priya3.xlsx",
                          replies / "jonas3.xlsx", "-o", folder / "t3.xlsx", "--week", 3)

    # Week 5: Priya sends two different files; Jonas edits his old week-3 file by mistake.
    week5 = _split(folder / "t3.xlsx", folder / "w5", 5)
    edit_in_libreoffice([
        _reply(week5["Sam"], replies / "sam5.xlsx",
               {10: (150000, None, None), 11: (20, None, None), 12: (66, None, None)}),
        _reply(week5["Priya"], replies / "priya5.xlsx",
               {10: (4, None, None), 11: (9, None, None), 12: ("done", "high", "signed off")}),
        _reply(week5["Priya"], replies / "priya5b.xlsx", {10: (5, None, "one more logo")}),
        _reply(week3["Jonas"], replies / "jonas-wrong.xlsx", {10: (700000, None, None)}),
        _reply(week5["Jonas"], replies / "jonas5.xlsx", {10: (700000, None, None),
                                                         11: (70, None, None)}),
        _reply(week3["Alex"], replies / "alex3-late.xlsx",
               {10: (110, "low", "no hires yet"), 11: (3, None, None)}),
    ])
    week5_replies = [replies / name for name in ("sam5.xlsx", "priya5.xlsx", "priya5b.xlsx")]
    sealed = {path.name: _sha(path) for path in [team, folder / "t3.xlsx", *replies.iterdir()]
              if path.suffix == ".xlsx"}
    runs["wrong week"] = _run("collect", folder / "t3.xlsx", *week5_replies,
                              replies / "jonas-wrong.xlsx", "-o", folder / "t5.xlsx", "--week", 5)
    runs["conflict"] = _run("collect", folder / "t3.xlsx", *week5_replies,
                            replies / "jonas5.xlsx", "-o", folder / "t5.xlsx", "--week", 5)
    runs["prefer"] = _run("collect", folder / "t3.xlsx", *week5_replies,
                          replies / "jonas5.xlsx", "-o", folder / "t5.xlsx", "--week", 5,
                          "--prefer", "priya5b.xlsx")
    runs["late"] = _run("collect", folder / "t5.xlsx", replies / "alex3-late.xlsx",
                        "-o", folder / "t5late.xlsx", "--week", 3)

    # Week 7: Alex stays silent; O3.2 is done already, so Priya leaves it blank.
    week7 = _split(folder / "t5late.xlsx", folder / "w7", 7)
    edit_in_libreoffice([
        _reply(week7["Sam"], replies / "sam7.xlsx",
               {10: (240000, "medium", None), 11: (21, None, None), 12: (62, None, None)}),
        _reply(week7["Priya"], replies / "priya7.xlsx",
               {10: (6, None, None), 11: (11, "low", "two deals slipped")}),
        _reply(week7["Jonas"], replies / "jonas7.xlsx", {10: (800000, None, None),
                                                         11: (72, None, None)}),
    ])
    runs["week 7"] = _run("collect", folder / "t5late.xlsx", replies / "sam7.xlsx",
                          replies / "priya7.xlsx", replies / "jonas7.xlsx",
                          "-o", folder / "t7.xlsx", "--week", 7)
    runs["status"] = _run("status", folder / "t7.xlsx", "--as-of", AS_OF)
    runs["summary"] = _run("summary", folder / "t7.xlsx", "--format", "json")
    # LibreOffice recalculates the final workbook: its formulas must agree with okrsheet.
    score_cell = layout.TEAM_SCORE.value_cell
    progress_cells = [layout.address("progress", layout.FIRST_ROW + index) for index in range(10)]
    edit_in_libreoffice([{"input": str(folder / "t7.xlsx"), "output": str(folder / "t7-lo.xlsx"),
                          "edits": [["date", layout.AS_OF.value_cell, AS_OF.isoformat()]],
                          "shown": [score_cell, *progress_cells]},
                         # then three priority actions, one of them overdue at AS_OF
                         {"input": str(folder / "t7-lo.xlsx"),
                          "output": str(folder / "t7-actions.xlsx"), "sheet": "Actions",
                          "edits": [*_action(2, "Call the slipped deals", "O1.2", "2027-02-10", "no"),
                                    *_action(3, "Hire two SDRs", "O4.1", "2027-02-01", "yes"),
                                    *_action(4, "Clean the CRM", "O2.3", "2027-02-20", "no")]}])
    runs["summary as of"] = _run("summary", folder / "t7-actions.xlsx", "--format", "json")
    return {"folder": folder, "runs": runs, "sealed": sealed, "week5": week5}


def _krs(path):
    reading = read_workbook(path)
    assert reading.errors == [], reading.errors
    return {kr.id: kr for kr in reading.team_quarter.key_results}


def test_libreoffice_shows_the_check_in_progress_okrsheet_computes(quarter):
    shown = json.loads((quarter["folder"] / "replies" / "sam3.xlsx.shown.json").read_text())
    # O1.1 90000 / 450000 = 20%; O1.3 (19 - 18) / 7 = 14%; O3.1 (74 - 70) / 19 = 21%
    assert shown == {"I10": "20%", "I11": "14%", "I12": "21%"}


def test_a_check_in_file_opens_with_its_progress_without_recalculating(quarter, tmp_path):
    csv, = convert([quarter["week5"]["Sam"]], "csv", tmp_path, recalculate=False)
    rows = [line.split(",") for line in csv.read_text(encoding="utf-8").splitlines()]
    o31 = next(row for row in rows if row[0] == "O3.1")
    # Last value 70 (week 3), cached progress (74 - 70) / 19 = 21.05...%
    assert o31[6] == "70"
    assert float(o31[8].rstrip("%")) / 100 == pytest.approx(4 / 19, abs=1e-9)


def test_week_3_is_collected_and_alex_who_did_not_reply_has_no_value(quarter):
    assert quarter["runs"]["week 3"].exit_code == 0, quarter["runs"]["week 3"].output
    krs = _krs(quarter["folder"] / "t3.xlsx")
    assert (krs["O1.1"].check_ins, krs["O1.1"].confidences) == ({3: 90000}, {3: "high"})
    assert (krs["O1.1"].confidence_value, krs["O1.1"].comment) == ("high", "two deals signed")
    assert krs["O3.2"].check_ins == {3: "not done"} and krs["O3.2"].progress == 0
    assert krs["O4.1"].check_ins == {}


def test_a_reply_for_the_wrong_week_stops_the_collection(quarter):
    run = quarter["runs"]["wrong week"]
    assert run.exit_code == 1
    assert [line for line in run.output.splitlines() if line.startswith("Problem:")] == [
        "Problem: jonas-wrong.xlsx Check-in!B4: the reply is for week 3, and this collection "
        "is for week 5; collect it with --week 3 (a late reply), or ask the owner for the "
        "week-5 file."]


def test_two_conflicting_replies_stop_until_prefer_chooses(quarter):
    folder = quarter["folder"]
    run = quarter["runs"]["conflict"]
    assert run.exit_code == 1
    first, second = folder / "replies" / "priya5.xlsx", folder / "replies" / "priya5b.xlsx"
    assert run.output.count("Conflict:") == 1
    assert (f'Conflict: Key result O1.2 "Win new mid-market customers", Week 5: base blank; '
            f"{first}: 4; {second}: 5") in run.output
    assert quarter["runs"]["prefer"].exit_code == 0, quarter["runs"]["prefer"].output
    assert f"(kept {second})" in quarter["runs"]["prefer"].output
    krs = _krs(folder / "t5.xlsx")
    assert krs["O1.2"].check_ins == {3: 2, 5: 5}
    assert krs["O1.2"].comment == "one more logo"  # only priya5b gave a comment
    assert krs["O3.2"].check_ins == {3: "not done", 5: "done"}


def test_the_late_reply_fills_week_3(quarter):
    assert quarter["runs"]["late"].exit_code == 0, quarter["runs"]["late"].output
    krs = _krs(quarter["folder"] / "t5late.xlsx")
    assert krs["O4.1"].check_ins == {3: 110} and krs["O4.2"].check_ins == {3: 3}
    assert krs["O4.1"].confidences == {3: "low"}
    # No later check-in, so the late reply's confidence and comment are the latest ones.
    assert (krs["O4.1"].confidence_value, krs["O4.1"].comment) == ("low", "no hires yet")


def test_the_quarter_at_week_7_by_hand(quarter):
    assert quarter["runs"]["week 7"].exit_code == 0, quarter["runs"]["week 7"].output
    reading = read_workbook(quarter["folder"] / "t7.xlsx")
    page = status_page(reading.team_quarter, AS_OF)
    krs = {kr.id: kr for objective in page.objectives for kr in objective.key_results}
    expected = {  # id: progress, change since week 5, pace, confidence, forecast progress
        # (the confidence is the latest given; O1.1 was high at week 5: "high -> medium")
        # 240000 / 450000; - 150000 / 450000; forecast 240000 * 12 / 6 = 480000 -> 100%
        "O1.1": (240000 / 450000, 90000 / 450000, "on track", "medium", 1.0),
        # 6 / 12; - 5 / 12; forecast 6 * 12 / 6 = 12 -> 100%
        "O1.2": (0.5, 1 / 12, "on track", "high", 1.0),
        # (21 - 18) / 7; - 2 / 7; forecast 18 + 3 * 12 / 6 = 24 -> 6 / 7
        "O1.3": (3 / 7, 1 / 7, "on track", None, 6 / 7),
        # 800000 / 1.5M; - 700000 / 1.5M; forecast 1.6M -> 100%
        "O2.1": (800000 / 1500000, 100000 / 1500000, "on track", None, 1.0),
        # stay below 10: 11 misses (0), 9 at week 5 met (1); trend +1 a week -> 17: 0
        "O2.2": (0.0, -1.0, None, "low", 0.0),
        # (72 - 60) / 35 = 0.343 < 0.7 x 46/90 = 0.358: at risk; forecast 84 -> 24 / 35
        "O2.3": (12 / 35, 2 / 35, "at risk", "low", 24 / 35),
        # (74 - 62) / 19; - 8 / 19; forecast 74 - 12 * 12 / 6 = 50 -> 100%
        "O3.1": (12 / 19, 4 / 19, "on track", None, 1.0),
        # done at week 5, so 100% and no change
        "O3.2": (1.0, 0.0, None, "high", 1.0),
        # late week 3 only, nothing since, so it stands at 110 in week 7: (120 - 110) / 45;
        # forecast 120 - 10 * 12 / 6 = 100 -> 20 / 45; 0.222 >= 0.4 x 0.511 = 0.204: at risk
        "O4.1": (10 / 45, 0.0, "at risk", "low", 20 / 45),
        # (3 - 2) / 6 = 0.167 < 0.204: behind; forecast 2 + 1 * 12 / 6 = 4 -> 2 / 6
        "O4.2": (1 / 6, 0.0, "behind", None, 2 / 6),
    }
    for identifier, (progress, change, pace, confidence, forecast) in expected.items():
        kr = krs[identifier]
        assert kr.progress == pytest.approx(progress), identifier
        assert kr.change == pytest.approx(change), identifier
        assert (kr.pace, kr.confidence) == (pace, confidence), identifier
        assert kr.confidence_before == ("high" if identifier == "O1.1" else None), identifier
        assert kr.forecast.progress == pytest.approx(forecast), identifier
    # Alex's key results have no value in weeks 5 and 7.
    assert [kr.id for kr in page.stale] == ["O4.1", "O4.2"]
    # Objectives: O1 (2 x 0.5333 + 0.5 + 0.4286) / 4 = 0.4988 (O1.1 weighs 2);
    # O2 (0.5333 + 0 + 0.3429) / 3 = 0.2921; O3 (0.6316 + 1) / 2 = 0.8158;
    # O4 (0.2222 + 0.1667) / 2 = 0.1944; team (0.4988 + 0.2921 + 0.8158 + 0.1944) / 4
    # = 0.4503 -> 45% orange
    scores = [objective.score for objective in page.objectives]
    assert scores == pytest.approx([(2 * 8 / 15 + 0.5 + 3 / 7) / 4, (8 / 15 + 12 / 35) / 3,
                                    (12 / 19 + 1) / 2, (10 / 45 + 1 / 6) / 2])
    assert page.score == pytest.approx(sum(scores) / 4)
    assert (round(page.score, 4), page.status) == (0.4503, "orange")


def test_status_prints_the_week_7_page(quarter):
    run = quarter["runs"]["status"]
    assert run.exit_code == 0, run.output
    assert "Sales 2027-Q1, as of 2027-02-15, check-in week 7: team score 45% orange" in run.output
    line = next(line for line in run.output.splitlines() if line.strip().startswith("O2.2"))
    assert "red" in line and "-100 pts" in line and "0% red" in line
    assert ("Stale, no value in weeks 5 and 7: O4.1 Days for a new rep to a first closed deal "
            "(Alex); O4.2 Reps who pass the product certification (Alex).") in run.output
    o11 = next(line for line in run.output.splitlines() if line.strip().startswith("O1.1"))
    assert "high → medium" in o11


def test_summary_agrees_with_the_hand_worked_quarter(quarter):
    run = quarter["runs"]["summary"]
    assert run.exit_code == 0, run.output
    team, = json.loads(run.stdout)["teams"]
    assert team["score"] == pytest.approx(0.450277, abs=1e-6)  # as worked by hand above
    # green: O3.2; orange (40-70%): O1.1, O1.2, O1.3, O2.1, O3.1; red: O2.2, O2.3, O4.1, O4.2
    assert (team["share_green"], team["share_orange"], team["share_red"]) == (0.1, 0.5, 0.4)


def test_summary_counts_the_check_in_rhythm_at_the_as_of_date(quarter):
    run = quarter["runs"]["summary as of"]
    assert run.exit_code == 0, run.output
    team, = json.loads(run.stdout)["teams"]
    assert team["score"] == pytest.approx(0.450277, abs=1e-6)  # As of changes no score
    # Confidences given at two check-ins or more: O1.1 high (week 3) -> medium (week 7),
    # fell; O3.2 medium (week 3) -> high (week 5), rose. The others gave one at most
    # (O1.2, O2.3, O4.1 at week 3; O2.2 at week 7). 1 of 2 fell.
    assert team["confidence_fell"] == 0.5
    # As of 15 February: weeks 3, 5 and 7 have started; Alex's O4.1 and O4.2 have no value
    # in weeks 5 and 7 (as the status page says).
    assert team["stale_key_results"] == 2
    # "Call the slipped deals" was due 10 February and is not done; "Hire two SDRs" is done;
    # "Clean the CRM" is due 20 February.
    assert team["overdue_actions"] == 1


def test_libreoffice_recalculates_the_collected_workbook_to_the_same_numbers(quarter):
    folder = quarter["folder"]
    shown = json.loads((folder / "t7-lo.xlsx.shown.json").read_text())
    assert shown[layout.TEAM_SCORE.value_cell] == "45%"
    # Progress in sheet order: O1.1 53%, O1.2 50%, O1.3 43%, O2.1 53%, O2.2 0%, O2.3 34%,
    # O3.1 63%, O3.2 100%, O4.1 22%, O4.2 17%
    progress = [shown[layout.address("progress", layout.FIRST_ROW + index)] for index in range(10)]
    assert progress == ["53%", "50%", "43%", "53%", "0%", "34%", "63%", "100%", "22%", "17%"]


def test_nothing_okrsheet_read_was_written_to(quarter):
    folder = quarter["folder"]
    for name, digest in quarter["sealed"].items():
        path = folder / name if (folder / name).exists() else folder / "replies" / name
        assert _sha(path) == digest, name
