"""Company, team and person workbooks linked by ids, and the alignment tree at quarter end."""

import json
import re

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from okrsheet.cli import main
from okrsheet.domain.alignment import align, parse_reference
from okrsheet.domain.model import KeyResult, Objective
from okrsheet.read.reader import read_workbook
from okrsheet.sheet import layout
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook


def _kr(title: str, current: float) -> KeyResult:
    """An increase key result from 0 to 10: its progress is current / 10."""
    return KeyResult(title, owner="Sam", start=0.0, target=10.0, current=current)


def _type(path, cells: dict[str, str]) -> None:
    book = openpyxl.load_workbook(path)
    for address, value in cells.items():
        book[layout.OKRS_SHEET][address] = value
    book.save(path)


@pytest.fixture
def company(tmp_path):
    """Acme's company workbook: O1 at 50% (KRs 40% and 60%), O2 at 100%."""
    tq = starter("blank", team="Acme", quarter="2027-Q1", level="company")
    tq.objectives = [Objective("Grow revenue", [_kr("ARR", 4), _kr("Logos", 6)]),
                     Objective("Delight customers", [_kr("NPS", 10)])]
    path = tmp_path / "acme.xlsx"
    write_workbook(tq, path)
    return path


def test_new_with_a_parent_offers_the_parents_objectives_and_key_results(company, tmp_path):
    team = tmp_path / "east.xlsx"
    result = CliRunner().invoke(main, ["new", "-o", str(team), "--team", "East", "--quarter",
                                       "2027-Q1", "--parent", str(company)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(team)
    choices = [row[2] for row in book[layout.PARENTS_SHEET].iter_rows(min_row=2, values_only=True)]
    assert choices == ["Acme/O1: Grow revenue", "Acme/O1.1: ARR", "Acme/O1.2: Logos",
                       "Acme/O2: Delight customers", "Acme/O2.1: NPS"]
    lists = {str(v.sqref): v.formula1 for v in book[layout.OKRS_SHEET].data_validations.dataValidation}
    assert lists[f"{layout.letter('parent')}{layout.FIRST_ROW + 1}:"
                 f"{layout.letter('parent')}{layout.FIRST_ROW + layout.READY_ROWS}"] == \
        f"'{layout.PARENTS_SHEET}'!$C$2:$C$6"
    assert book[layout.OKRS_SHEET][layout.LEVEL.value_cell].value == "team"
    assert read_workbook(company).team_quarter.level == "company"


def test_key_results_get_stable_ids_that_survive_a_new_row_and_a_rewrite(tmp_path):
    tq = starter("sales-team", team="Sales", quarter="2027-Q1")
    path = tmp_path / "sales.xlsx"
    write_workbook(tq, path)
    first = read_workbook(path).team_quarter
    assert [kr.id for kr in first.objectives[0].key_results] == ["O1.1", "O1.2", "O1.3"]
    first.objectives[0].key_results.insert(0, KeyResult("A new one"))  # typed without an id
    again = tmp_path / "again.xlsx"
    write_workbook(first, again)
    ids = [kr.id for kr in read_workbook(again).team_quarter.objectives[0].key_results]
    assert ids == ["O1.4", "O1.1", "O1.2", "O1.3"]  # the old ones kept, the new one next free


def test_the_tree_rolls_up_team_scores_beside_each_company_objective(company, tmp_path):
    teams = {}
    for name, scores in (("East", [8, 2]), ("West", [4]), ("North", [10])):
        tq = starter("blank", team=name, quarter="2027-Q1")
        tq.objectives = [Objective(f"{name} goal", [_kr(f"{name} KR", score)]) for score in scores]
        path = tmp_path / f"{name}.xlsx"
        write_workbook(tq, path)
        teams[name] = path
    objective = layout.objective_address("parent", layout.FIRST_OBJECTIVE_ROW)
    _type(teams["East"], {objective: "Acme/O1: Grow revenue"})  # O1 80%; its O2 (20%) an orphan
    _type(teams["West"], {objective: "acme/o1"})  # typed by hand: references ignore case
    _type(teams["North"], {objective: "Acme/O7"})  # names nothing: a dangling link
    readings = [read_workbook(path).team_quarter for path in [company, *teams.values()]]
    tree = align(readings)["2027-Q1"]
    grow, delight = tree.roots
    assert (grow.id, grow.score) == ("O1", pytest.approx(0.5))
    assert [(child.team, child.score) for child in grow.children] == [
        ("East", pytest.approx(0.8)), ("West", pytest.approx(0.4))]
    assert grow.aligned_score == pytest.approx(0.6)  # (80% + 40%) / 2, beside its own 50%
    assert (delight.score, delight.aligned_score) == (pytest.approx(1.0), None)
    assert [node.id for node in tree.unsupported] == ["O2"]
    assert [(link.team, link.id) for link in tree.orphans] == [("East", "O2")]
    assert [(link.team, link.parent, link.row) for link in tree.dangling] == [
        ("North", "Acme/O7", layout.FIRST_OBJECTIVE_ROW + 1)]


def test_score_json_gives_ids_and_parents(company, tmp_path):
    result = CliRunner().invoke(main, ["score", str(company), "--format", "json"])
    card = json.loads(result.output)
    assert [(o["id"], o["parent"]) for o in card["objectives"]] == [("O1", None), ("O2", None)]
    assert [kr["id"] for kr in card["objectives"][0]["key_results"]] == ["O1.1", "O1.2"]
    assert card["level"] == "company"


@pytest.mark.parametrize("text, reference", [
    ("Acme/O2: Grow revenue", "Acme/O2"), (" Acme/O2 ", "Acme/O2"), ("", None), (None, None),
    ("Sales East/O1.2: Win: big", "Sales East/O1.2"),
])
def test_a_parent_cell_names_its_reference_before_the_colon(text, reference):
    assert parse_reference(text) == reference


def test_next_quarter_keeps_ids_parents_and_the_parent_drop_down(company, tmp_path):
    team = tmp_path / "east.xlsx"
    CliRunner().invoke(main, ["new", "-o", str(team), "--team", "East", "--quarter", "2027-Q1",
                              "--template", "sales-team", "--parent", str(company)])
    _type(team, {layout.objective_address("parent", layout.FIRST_OBJECTIVE_ROW): "Acme/O1: Grow revenue",
                 layout.address("parent", layout.FIRST_ROW): "Acme/O1.1: ARR"})
    following = tmp_path / "east-q2.xlsx"
    result = CliRunner().invoke(main, ["next", str(team), "-o", str(following)])
    assert result.exit_code == 0, result.output
    before, after = read_workbook(team).team_quarter, read_workbook(following).team_quarter
    assert after.quarter == "2027-Q2"
    assert [o.id for o in after.objectives] == [o.id for o in before.objectives]
    assert [kr.id for kr in after.key_results] == [kr.id for kr in before.key_results]
    assert after.objectives[0].parent == "Acme/O1: Grow revenue"
    assert after.key_results[0].parent == "Acme/O1.1: ARR"
    assert after.parent_choices == before.parent_choices != []



def test_the_tree_in_json_lines_and_check_problems_names_the_dangling_parent_cell(company, tmp_path):
    from okrsheet.outputs.alignment_report import (
        alignment_data,
        csv_rows,
        dangling_problems,
        tree_lines,
    )

    east = starter("blank", team="East", quarter="2027-Q1")
    east.objectives = [Objective("East goal", [_kr("East KR", 8)], parent="Acme/O1"),
                       Objective("East other", [_kr("Other KR", 2)], parent="Acme/O9")]
    write_workbook(east, tmp_path / "east.xlsx")
    trees = align([read_workbook(company).team_quarter,
                   read_workbook(tmp_path / "east.xlsx").team_quarter])
    data = alignment_data(trees)
    assert data["alignment"][0]["children"][0]["team"] == "East"
    assert data["alignment"][0]["aligned_score"] == pytest.approx(0.8)
    assert [(d["parent"], d["cell"]) for d in data["dangling"]] == [
        ("Acme/O9", layout.objective_address("parent", layout.FIRST_OBJECTIVE_ROW + 1))]
    lines = tree_lines(trees)
    assert lines[:3] == ["Alignment 2027-Q1", "  Acme O1 Grow revenue: 50% (aligned 80%)",
                         "    East O1 East goal: 80%"]
    assert "  Dangling link: East O2 East other names Acme/O9, which does not exist" in lines
    problems = dangling_problems(trees)
    assert [(p.severity, p.cell, p.code) for p in problems] == [
        ("error", layout.objective_address("parent", layout.FIRST_OBJECTIVE_ROW + 1), "DANGLING-PARENT")]
    rows = csv_rows(trees)
    assert [(row["depth"], row["id"]) for row in rows] == [(0, "O1"), (1, "O1"), (0, "O2"), (0, "O2")]
    assert rows[-1]["note"] == "dangling: names Acme/O9, which does not exist"


def test_a_merge_of_two_copies_keeps_ids_and_parents(company, tmp_path):
    base = tmp_path / "base.xlsx"
    CliRunner().invoke(main, ["new", "-o", str(base), "--team", "East", "--quarter", "2027-Q1",
                              "--template", "sales-team", "--parent", str(company)])
    _type(base, {layout.objective_address("parent", layout.FIRST_OBJECTIVE_ROW): "Acme/O1"})
    alice, bob = tmp_path / "alice.xlsx", tmp_path / "bob.xlsx"
    for path, cell, value in ((alice, layout.address("week_3", layout.FIRST_ROW), 100000),
                              (bob, layout.address("parent", layout.FIRST_ROW + 1), "Acme/O1.2")):
        path.write_bytes(base.read_bytes())
        book = openpyxl.load_workbook(path)
        book[layout.OKRS_SHEET][cell] = value
        book.save(path)
    merged = tmp_path / "merged.xlsx"
    result = CliRunner().invoke(main, ["merge", str(base), str(alice), str(bob), "-o", str(merged)])
    assert result.exit_code == 0, result.output
    tq = read_workbook(merged).team_quarter
    assert [kr.id for kr in tq.key_results] == [kr.id for kr in read_workbook(base).team_quarter.key_results]
    assert tq.objectives[0].parent == "Acme/O1"
    assert tq.key_results[1].parent == "Acme/O1.2"
    assert tq.key_results[0].check_ins == {3: 100000}


@pytest.fixture
def company_and_teams(company, tmp_path):
    """Acme (O1 50%, O2 100%), East aligned to Acme/O1 (80%), West naming Acme/O9 (dangling)."""
    for name, parent, current in (("East", "Acme/O1: Grow revenue", 8), ("West", "Acme/O9", 3)):
        tq = starter("blank", team=name, quarter="2027-Q1")
        tq.objectives = [Objective(f"{name} goal", [_kr(f"{name} KR", current)], parent=parent)]
        write_workbook(tq, tmp_path / f"{name.lower()}.xlsx")
    return tmp_path


def test_summary_json_markdown_tree_and_workbook_carry_the_alignment(company_and_teams, tmp_path):
    folder = company_and_teams
    document = json.loads(CliRunner().invoke(main, ["summary", str(folder), "--format", "json"]).output)
    (grow, delight) = document["alignment"]
    assert (grow["id"], grow["score"], grow["aligned_score"]) == ("O1", 0.5, pytest.approx(0.8))
    assert [child["team"] for child in grow["children"]] == ["East"]
    assert [(d["team"], d["parent"], d["cell"]) for d in document["dangling"]] == [
        ("West", "Acme/O9", layout.objective_address("parent", layout.FIRST_OBJECTIVE_ROW))]
    markdown = CliRunner().invoke(main, ["summary", str(folder), "--format", "markdown"]).output
    assert "## Alignment" in markdown and "- Acme O1 Grow revenue: 50% (aligned 80%)" in markdown
    table = CliRunner().invoke(main, ["summary", str(folder), "--tree"]).output
    assert "    East O1 East goal: 80%" in table
    out = tmp_path / "summary.xlsx"
    CliRunner().invoke(main, ["summary", str(folder), "-o", str(out)])
    assert "Alignment" in openpyxl.load_workbook(out).sheetnames


def test_check_over_several_workbooks_names_the_dangling_parent_cell(company_and_teams):
    folder = company_and_teams
    result = CliRunner().invoke(main, ["check", *(str(folder / f"{name}.xlsx")
                                                  for name in ("acme", "east", "west"))])
    assert result.exit_code == 1
    cell = layout.objective_address("parent", layout.FIRST_OBJECTIVE_ROW)
    assert f"west.xlsx OKRs!{cell}: Parent \"Acme/O9\" names no objective" in result.output


def test_the_samples_hold_a_company_two_people_one_orphan_and_one_dangling_link():
    from pathlib import Path

    quarter = sorted(str(path) for path in Path("samples/2026-Q4").rglob("*.xls*"))
    result = CliRunner().invoke(main, ["check", *quarter])
    cell = layout.objective_address("parent", layout.FIRST_OBJECTIVE_ROW + 2)  # O3's Parent
    assert f"sales-development.xlsx OKRs!{cell}: Parent \"Acme/O7\" names no objective" in result.output
    assert f"account-management.xlsx OKRs!{cell}: objective \"Make renewals predictable\" " \
           "supports no company objective" in result.output
    document = json.loads(CliRunner().invoke(main, ["summary", "samples", "--format", "json",
                                                    "--keep-going"]).output)
    assert {row["team"] for row in document["teams"]} == {
        "Account Management", "Customer Success", "New Business", "Sales Development"}
    people = [child for node in document["alignment"] if node["quarter"] == "2026-Q4"
              for team in node["children"] for child in team["children"]]
    assert sorted(child["team"] for child in people) == ["Priya", "Sam"]


def test_a_company_three_teams_and_two_people_made_through_the_cli_roll_up(tmp_path):
    """Every workbook made with okrsheet new --level/--parent, values typed, tree checked by hand."""
    run = CliRunner().invoke
    acme = tmp_path / "acme.xlsx"
    assert run(main, ["new", "-o", str(acme), "--level", "company", "--team", "Acme",
                      "--quarter", "2027-Q1"]).exit_code == 0
    first_kr = layout.FIRST_ROW
    objective = layout.FIRST_OBJECTIVE_ROW

    def fill(path, title, kr, current, parent=None, kr_parent=None):
        cells = {layout.objective_address("title", objective): title,
                 layout.address("objective", first_kr): "O1",
                 layout.address("title", first_kr): kr, layout.address("owner", first_kr): "Sam",
                 layout.address("start", first_kr): 0, layout.address("target", first_kr): 10,
                 layout.address("week_3", first_kr): current}
        if parent:
            cells[layout.objective_address("parent", objective)] = parent
        if kr_parent:
            cells[layout.address("parent", first_kr)] = kr_parent
        _type(path, cells)

    fill(acme, "Grow revenue", "ARR", 5)  # Acme O1: 50%
    teams = {"East": 9, "West": 6, "North": 3}  # each team's O1 at current / 10
    for name, current in teams.items():
        path = tmp_path / f"{name}.xlsx"
        assert run(main, ["new", "-o", str(path), "--team", name, "--quarter", "2027-Q1",
                          "--parent", str(acme)]).exit_code == 0
        fill(path, f"{name} growth", f"{name} deals", current, parent="Acme/O1: Grow revenue")
    for person, current in (("Priya", 8), ("Jonas", 4)):
        path = tmp_path / f"{person}.xlsx"
        assert run(main, ["new", "-o", str(path), "--team", person, "--quarter", "2027-Q1",
                          "--level", "person", "--parent", str(tmp_path / "East.xlsx")]).exit_code == 0
        fill(path, f"{person}'s deals", "My deals", current, parent="East/O1",
             kr_parent="East/O1.1: East deals")
    document = json.loads(run(main, ["summary", str(tmp_path), "--format", "json"]).output)
    (grow,) = document["alignment"]
    assert (grow["team"], grow["score"]) == ("Acme", 0.5)
    assert grow["aligned_score"] == pytest.approx((0.9 + 0.6 + 0.3) / 3)  # 60%
    east = next(child for child in grow["children"] if child["team"] == "East")
    assert east["aligned_score"] == pytest.approx((0.8 + 0.4) / 2)  # Priya 80%, Jonas 40%
    assert sorted(child["team"] for child in east["children"]) == ["Jonas", "Priya"]
    assert document["orphans"] == [] and document["dangling"] == []
    assert {row["team"] for row in document["teams"]} == {"East", "West", "North"}


# Item 5 of issue 23: alignment keeps everything


@pytest.fixture
def aligned_to_a_key_result(company, tmp_path):
    """Acme (O1 50%: ARR 40%, Logos 60%); East's objective names the key result Acme/O1.2
    (Logos) as the drop-down offers it, West's names Acme/O1."""
    for name, parent, current in (("East", "Acme/O1.2: Logos", 8), ("West", "Acme/O1", 3)):
        tq = starter("blank", team=name, quarter="2027-Q1")
        tq.objectives = [Objective(f"{name} goal", [_kr(f"{name} KR", current)], parent=parent)]
        write_workbook(tq, tmp_path / f"{name.lower()}.xlsx")
    return tmp_path


def test_an_objective_aligned_to_a_company_key_result_sits_under_it_in_every_output(
        aligned_to_a_key_result, tmp_path):
    from okrsheet.outputs.dashboard import dashboard_html
    from okrsheet.quarterend.summary import summarise

    folder, run = aligned_to_a_key_result, CliRunner().invoke
    document = json.loads(run(main, ["summary", str(folder), "--format", "json"]).output)
    grow, delight = document["alignment"]
    (logos,) = grow["key_results"]
    assert (logos["kind"], logos["id"], logos["title"]) == ("key result", "O1.2", "Logos")
    assert [child["team"] for child in logos["children"]] == ["East"]
    assert logos["aligned_score"] == pytest.approx(0.8)
    assert [child["team"] for child in grow["children"]] == ["West"]
    assert [node["id"] for node in document["unsupported"]] == ["O2"]  # O1 is supported
    table = run(main, ["summary", str(folder), "--tree"]).output
    assert ("  Acme O1 Grow revenue: 50% (aligned 30%)\n"
            "    Acme KR O1.2 Logos: 60% (aligned 80%)\n"
            "      East O1 East goal: 80%\n"
            "    West O1 West goal: 30%\n") in table
    markdown = run(main, ["summary", str(folder), "--format", "markdown"]).output
    assert "  - Acme KR O1.2 Logos: 60% (aligned 80%)\n    - East O1 East goal: 80%" in markdown
    out = tmp_path / "summary.xlsx"
    assert run(main, ["summary", str(folder), "-o", str(out)]).exit_code == 0
    rows = [row[:4] for row in openpyxl.load_workbook(out)["Alignment"].iter_rows(
        min_row=2, values_only=True)]
    assert rows[:4] == [("2027-Q1", "Grow revenue", "Acme", "O1"),
                        ("2027-Q1", "    Logos", "Acme", "O1.2"),
                        ("2027-Q1", "        East goal", "East", "O1"),
                        ("2027-Q1", "    West goal", "West", "O1")]
    page = dashboard_html(summarise([folder]))
    assert re.search(r'<span class="id">KR O1\.2</span>: Logos .*?<ul><li>East '
                     r'<span class="id">O1</span>: East goal', page)


def test_an_orphan_and_a_dangling_link_keep_what_names_them(company, tmp_path):
    """East names no parent (an orphan, Acme being there), North a parent that does not
    exist; the people under them are listed under them, not lost."""
    made = [read_workbook(company).team_quarter]
    for name, parent, level in (("East", None, "team"), ("North", "Acme/O7", "team"),
                                ("Priya", "East/O1", "person"), ("Jonas", "North/O1", "person")):
        tq = starter("blank", team=name, quarter="2027-Q1", level=level)
        tq.objectives = [Objective(f"{name} goal", [_kr(f"{name} KR", 5)], id="O1", parent=parent)]
        made.append(tq)
    from okrsheet.outputs.alignment_report import alignment_data, tree_lines

    tree = align(made)["2027-Q1"]
    assert sorted(node.team for node in tree.objectives()) == [
        "Acme", "Acme", "East", "Jonas", "North", "Priya"]
    lines = tree_lines({"2027-Q1": tree})
    assert lines[lines.index("  Not aligned: East O1 East goal") + 1] == "    Priya O1 Priya goal: 50%"
    dangling = "  Dangling link: North O1 North goal names Acme/O7, which does not exist"
    assert lines[lines.index(dangling) + 1] == "    Jonas O1 Jonas goal: 50%"
    data = alignment_data({"2027-Q1": tree})
    assert [child["team"] for child in data["orphans"][0]["children"]] == ["Priya"]
    assert [child["team"] for child in data["dangling"][0]["children"]] == ["Jonas"]


def test_a_loop_of_parents_is_cut_at_its_first_link_and_named_in_check(tmp_path):
    from okrsheet.outputs.alignment_report import dangling_problems, tree_lines

    made = []
    for name, parent in (("East", "West/O1"), ("West", "East/O1")):
        tq = starter("blank", team=name, quarter="2027-Q1")
        tq.objectives = [Objective(f"{name} goal", [_kr(f"{name} KR", 5)], id="O1", parent=parent)]
        tq.file = f"{name.lower()}.xlsx"
        made.append(tq)
    tree = align(made)["2027-Q1"]
    assert [(link.team, link.problem) for link in tree.dangling] == [("East", "loop")]
    assert sorted(node.team for node in tree.objectives()) == ["East", "West"]
    assert ("  Dangling link: East O1 East goal names West/O1, which leads back to it (a loop)"
            in tree_lines({"2027-Q1": tree}))
    (problem,) = dangling_problems({"2027-Q1": tree})
    assert problem.file == "east.xlsx" and "a loop of parents" in problem.message


@st.composite
def linked_workbooks(draw):
    """A company (or none), teams and people over one or two quarters, each objective and
    key result naming a random parent: one that exists, one that does not, or none."""
    quarters = draw(st.lists(st.sampled_from(["2027-Q1", "2027-Q2"]), min_size=1, max_size=2,
                             unique=True))
    made, serial = [], 0
    for quarter in quarters:
        names = ["Acme"] * draw(st.integers(0, 1)) + [f"T{n}" for n in range(draw(st.integers(1, 3)))]
        names += [f"P{n}" for n in range(draw(st.integers(0, 2)))]
        refs = [f"{name}/O{o}" for name in names for o in (1, 2)]
        refs += [f"{ref}.{k}" for ref in list(refs) for k in (1, 2)] + ["Nobody/O1"]
        parent = st.one_of(st.none(), st.sampled_from(refs))
        for name in names:
            level = "company" if name == "Acme" else "person" if name.startswith("P") else "team"
            tq = starter("blank", team=name, quarter=quarter, level=level)
            tq.objectives = []
            for o in range(1, draw(st.integers(1, 2)) + 1):
                serial += 1
                krs = [KeyResult(f"kr {serial}.{k}", start=0.0, target=10.0,
                                 current=draw(st.sampled_from([None, 0.0, 5.0, 10.0])),
                                 id=f"O{o}.{k}", parent=draw(parent))
                       for k in range(1, draw(st.integers(0, 2)) + 1)]
                tq.objectives.append(Objective(f"objective {serial}", krs, id=f"O{o}",
                                               parent=draw(parent)))
            made.append(tq)
    return made


@settings(max_examples=150, deadline=None)
@given(linked_workbooks())
def test_the_tree_orphans_and_dangling_links_account_for_every_objective_once(made):
    from okrsheet.outputs.alignment_report import alignment_data, csv_rows, tree_lines

    trees = align(made)
    for quarter, tree in trees.items():
        given_titles = sorted(o.title for tq in made if tq.quarter == quarter
                              for o in tq.objectives)
        shown = [node.title for node in tree.objectives()]
        assert sorted(shown) == given_titles  # each once: none lost, none twice
        assert not tree.unsupported or all(node in tree.roots for node in tree.unsupported)
        for link in tree.dangling:
            assert link.node is not None and link.parent is not None
    rows = csv_rows(trees)
    assert sorted(row["title"] for row in rows if row["kind"] == "objective") == sorted(
        o.title for tq in made for o in tq.objectives)
    json.dumps(alignment_data(trees))  # plain data
    tree_lines(trees, markdown=True)
