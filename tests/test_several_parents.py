"""Several parents, with shares: ``Acme/O1; Acme/O2 30%`` in every output of the tree.

The hand-worked example (every key result runs from 0 to 10, so its progress is current / 10):

- Acme (company): O1 Grow revenue 50% (ARR 40%, O1.2 Logos 60%); O2 Delight customers 100%.
- East: O1 East goal 80%, Parent ``Acme/O1; Acme/O2 30%``: 30% to O2, the rest (70%) to O1.
- West: O1 West goal 30%, Parent ``Acme/O1``: all of it to O1.
- North: O1 North goal 50%, Parent ``Acme/O2``; its key result O1.1 (50%) names
  ``Acme/O2 40%; Acme/O1.2``: 40% to O2, 60% to the key result Logos.

Aligned scores, each child weighted by the share it gives:
- O1: (0.7 x 80% + 1 x 30%) / (0.7 + 1) = 0.86 / 1.7 = 50.6%, shown 51%.
- O1.2 Logos: North's key result alone, 50%.
- O2: (0.3 x 80% + 1 x 50% + 0.4 x 50%) / (0.3 + 1 + 0.4) = 0.94 / 1.7 = 55.3%, shown 55%.
"""

import csv
import io
import json
import re

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from okrsheet.cli import main
from okrsheet.domain.alignment import align, parse_parents, shares
from okrsheet.domain.model import KeyResult, Objective
from okrsheet.sheet import layout
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook

O1 = 0.86 / 1.7
O2 = 0.94 / 1.7
TREE = ["Alignment 2027-Q1",
        "  Acme O1 Grow revenue: 50% (aligned 51%)",
        "    Acme KR O1.2 Logos: 60% (aligned 50%)",
        "      North KR O1.1 North deals: 50%, share 60%",
        "    East O1 East goal: 80%, share 70%",
        "    West O1 West goal: 30%",
        "  Acme O2 Delight customers: 100% (aligned 55%)",
        "    East O1 East goal: 80%, share 30%",
        "    North O1 North goal: 50%",
        "    North KR O1.1 North deals: 50%, share 40%"]


def _kr(title, current, parent=None):
    return KeyResult(title, owner="Sam", start=0.0, target=10.0, current=current, parent=parent)


@pytest.fixture
def folder(tmp_path):
    acme = starter("blank", team="Acme", quarter="2027-Q1", level="company")
    acme.objectives = [Objective("Grow revenue", [_kr("ARR", 4), _kr("Logos", 6)]),
                       Objective("Delight customers", [_kr("NPS", 10)])]
    write_workbook(acme, tmp_path / "acme.xlsx")
    for name, current, parent, kr_parent in (
            ("East", 8, "Acme/O1; Acme/O2 30%", None), ("West", 3, "Acme/O1", None),
            ("North", 5, "Acme/O2", "Acme/O2 40%; Acme/O1.2: Logos")):
        tq = starter("blank", team=name, quarter="2027-Q1")
        title = "North deals" if name == "North" else f"{name} KR"
        tq.objectives = [Objective(f"{name} goal", [_kr(title, current, kr_parent)],
                                   parent=parent)]
        write_workbook(tq, tmp_path / f"{name.lower()}.xlsx")
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)


def test_a_parent_cell_names_several_parents_each_with_an_optional_share():
    assert parse_parents("Acme/O1; Acme/O3 30%") == [("Acme/O1", None), ("Acme/O3", 0.3)]
    assert parse_parents("Acme/O2: Grow revenue") == [("Acme/O2", None)]  # the drop-down
    assert parse_parents("Acme/O2: Grow; then keep revenue") == [("Acme/O2", None)]
    assert parse_parents("Sales East/O1.2 12,5%;Acme/O1") == [("Sales East/O1.2", 0.125),
                                                             ("Acme/O1", None)]
    assert parse_parents("  ") == []
    assert shares([("a/O1", None), ("a/O3", 0.3)]) == [pytest.approx(0.7), 0.3]
    assert shares([("a/O1", None), ("a/O2", None)]) == [0.5, 0.5]
    assert shares([("a/O1", None)]) == [1.0]


def test_the_terminal_tree_shows_the_item_under_each_parent_with_its_share(folder):
    result = run("summary", folder, "--tree")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index(TREE[0])
    assert lines[start:start + len(TREE)] == TREE


def test_the_markdown_tree_is_the_same_example(folder):
    markdown = run("summary", folder, "--format", "markdown").output
    assert ("- Acme O1 Grow revenue: 50% (aligned 51%)\n"
            "  - Acme KR O1.2 Logos: 60% (aligned 50%)\n"
            "    - North KR O1.1 North deals: 50%, share 60%\n"
            "  - East O1 East goal: 80%, share 70%\n"
            "  - West O1 West goal: 30%\n"
            "- Acme O2 Delight customers: 100% (aligned 55%)\n"
            "  - East O1 East goal: 80%, share 30%\n") in markdown


def test_the_json_tree_gives_each_child_its_share_and_the_weighted_aligned_scores(folder):
    document = json.loads(run("summary", folder, "--format", "json").output)
    grow, delight = document["alignment"]
    assert grow["aligned_score"] == pytest.approx(O1)
    assert delight["aligned_score"] == pytest.approx(O2)
    assert [(child["team"], child["share"]) for child in grow["children"]] == [
        ("East", pytest.approx(0.7)), ("West", 1.0)]
    assert [(child["team"], child["kind"], child["share"]) for child in delight["children"]] == [
        ("East", "objective", 0.3), ("North", "objective", 1.0), ("North", "key result", 0.4)]
    (logos,) = grow["key_results"]
    assert [(child["id"], child["share"]) for child in logos["children"]] == [
        ("O1.1", pytest.approx(0.6))]
    assert logos["aligned_score"] == pytest.approx(0.5)
    assert document["orphans"] == [] and document["dangling"] == []
    assert [node["id"] for node in document["unsupported"]] == []


def test_the_csv_tree_has_a_row_under_each_parent_with_its_share(folder):
    rows = list(csv.DictReader(io.StringIO(run("summary", folder, "--format", "csv",
                                               "--tree").output)))
    east = [(row["parent"], row["share"]) for row in rows if row["team"] == "East"]
    assert east == [("Acme/O1", "0.7"), ("Acme/O2", "0.3")]
    grow = next(row for row in rows if row["id"] == "O1" and row["team"] == "Acme")
    assert float(grow["aligned_score"]) == pytest.approx(O1)


def test_the_summary_workbook_alignment_sheet_is_the_same_example(folder, tmp_path):
    out = tmp_path / "out" / "summary.xlsx"
    out.parent.mkdir()
    assert run("summary", folder, "-o", out).exit_code == 0
    sheet = openpyxl.load_workbook(out)["Alignment"]
    assert sheet.cell(1, 8).value == "Share of parent"
    rows = [(row[1], row[2], row[4], row[5], row[7])
            for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows[:4] == [("Grow revenue", "Acme", 0.5, pytest.approx(O1), None),
                        ("    Logos", "Acme", 0.6, 0.5, None),
                        ("        North deals", "North", 0.5, None, pytest.approx(0.6)),
                        ("    East goal", "East", 0.8, None, pytest.approx(0.7))]
    assert rows[6][:4] == ("    East goal", "East", 0.8, None) and rows[6][4] == pytest.approx(0.3)


def test_the_dashboard_shows_each_share_and_the_weighted_aligned_score(folder):
    from okrsheet.outputs.dashboard import dashboard_html
    from okrsheet.quarterend.summary import summarise

    page = dashboard_html(summarise([folder]))
    assert re.search(r'Delight customers .*?\(aligned: <span[^>]*>55%</span>\)<ul><li>East '
                     r'<span class="id">O1</span>: East goal <span[^>]*>80%</span> '
                     r'<span class="share">share 30%</span>', page)
    assert "share 70%" in page and "share 40%" in page and "share 60%" in page


def test_the_store_keeps_the_parent_text_and_gives_the_same_tree(folder, tmp_path):
    history = tmp_path / "history"
    assert run("export", folder, "-o", history).exit_code == 0
    result = run("summary", "--from", history, "--tree")
    lines = result.output.splitlines()
    start = lines.index(TREE[0])
    assert lines[start:start + len(TREE)] == TREE


def test_check_names_shares_over_100_percent_at_the_parent_cell(tmp_path):
    tq = starter("blank", team="East", quarter="2027-Q1")
    tq.objectives = [Objective("East goal", [_kr("East KR", 5)], parent="Acme/O1 80%; Acme/O2 30%")]
    write_workbook(tq, tmp_path / "east.xlsx")
    result = run("check", tmp_path / "east.xlsx")
    assert result.exit_code == 1
    cell = layout.objective_address("parent", layout.FIRST_OBJECTIVE_ROW)
    assert (f'east.xlsx OKRs!{cell}: the shares in the Parent cell of "East goal" add up to '
            "110%, over 100%") in result.output


def test_check_names_an_unknown_id_among_several_parents(folder):
    east = folder / "east.xlsx"
    book = openpyxl.load_workbook(east)
    cell = layout.objective_address("parent", layout.FIRST_OBJECTIVE_ROW)
    book[layout.OKRS_SHEET][cell] = "Acme/O1; Acme/O9 30%"
    book.save(east)
    result = run("check", folder / "acme.xlsx", east)
    assert result.exit_code == 1
    assert f'east.xlsx OKRs!{cell}: Parent "Acme/O9" names no objective' in result.output


def test_a_single_parent_from_the_drop_down_is_read_as_before(folder):
    document = json.loads(run("summary", folder, "--format", "json").output)
    west = document["alignment"][0]["children"][1]
    assert (west["team"], west["share"], west["score"]) == ("West", 1.0, 0.3)


@st.composite
def several_parents(draw):
    """A company and teams, each objective and key result naming none, one or two parents,
    some that do not exist, some with shares; loops allowed."""
    names = ["Acme", "T1", "T2", "T3"]
    refs = [f"{name}/O{o}" for name in names for o in (1, 2)]
    refs += [f"{ref}.1" for ref in list(refs)] + ["Nobody/O1"]
    one = st.builds(lambda ref, share: ref + (f" {share}%" if share else ""),
                    st.sampled_from(refs), st.sampled_from([None, 20, 50, 80]))
    parent = st.one_of(st.none(), one, st.builds(lambda a, b: f"{a}; {b}", one, one))
    made = []
    for name in names:
        tq = starter("blank", team=name, quarter="2027-Q1",
                     level="company" if name == "Acme" else "team")
        tq.objectives = [Objective(f"{name} objective {o}",
                                   [KeyResult(f"{name} kr {o}", start=0.0, target=10.0,
                                              current=5.0, id=f"O{o}.1", parent=draw(parent))],
                                   id=f"O{o}", parent=draw(parent)) for o in (1, 2)]
        made.append(tq)
    return made


@settings(max_examples=150, deadline=None)
@given(several_parents())
def test_with_several_parents_every_objective_is_shown_and_no_tree_loops(made):
    from okrsheet.outputs.alignment_report import alignment_data, csv_rows, tree_lines

    (tree,) = align(made).values()
    assert sorted(node.title for node in tree.objectives()) == sorted(
        o.title for tq in made for o in tq.objectives)
    tree_lines({"2027-Q1": tree})  # finite: no loop left in the tree
    json.dumps(alignment_data({"2027-Q1": tree}))
    for node in tree.objectives():
        if node.aligned_score is not None:
            assert 0.0 <= node.aligned_score <= 1.0
    assert csv_rows({"2027-Q1": tree})
