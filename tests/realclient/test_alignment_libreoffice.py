"""Parent links picked in LibreOffice (the drop-down's text typed into the cell, as Calc
stores a choice) roll up into the alignment tree."""

import pytest

from okrsheet.domain.alignment import align
from okrsheet.domain.model import KeyResult, Objective
from okrsheet.read.reader import read_workbook
from okrsheet.sheet import layout
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook
from tests.realclient.uno_edit import edit_in_libreoffice


def _kr(title, current):
    return KeyResult(title, owner="Sam", start=0.0, target=10.0, current=current)


@pytest.fixture(scope="module")
def linked(libreoffice, tmp_path_factory):
    folder = tmp_path_factory.mktemp("alignment")
    company = starter("blank", team="Acme", quarter="2027-Q1", level="company")
    company.objectives = [Objective("Grow revenue", [_kr("ARR", 3), _kr("Logos", 5)])]
    write_workbook(company, folder / "acme.xlsx")
    parent = read_workbook(folder / "acme.xlsx").team_quarter
    jobs = []
    for name, current in (("east", 9), ("west", 5)):
        team = starter("blank", team=name.title(), quarter="2027-Q1", parent=parent)
        team.objectives = [Objective(f"{name} goal", [_kr(f"{name} KR", current)])]
        write_workbook(team, folder / f"{name}-made.xlsx")
        jobs.append({"input": str(folder / f"{name}-made.xlsx"), "output": str(folder / f"{name}.xlsx"),
                     "edits": [["set", layout.objective_address("parent", layout.FIRST_OBJECTIVE_ROW),
                                "Acme/O1: Grow revenue"],
                               ["set", layout.address("parent", layout.FIRST_ROW), "Acme/O1.2: Logos"]]})
    edit_in_libreoffice(jobs)
    return [read_workbook(path).team_quarter
            for path in (folder / "acme.xlsx", folder / "east.xlsx", folder / "west.xlsx")]


def test_links_chosen_in_libreoffice_build_the_tree_with_hand_worked_scores(linked):
    tree = align(linked)["2027-Q1"]
    (grow,) = tree.roots
    assert grow.score == pytest.approx(0.4)  # (30% + 50%) / 2
    assert [(child.team, child.score) for child in grow.children] == [
        ("East", pytest.approx(0.9)), ("West", pytest.approx(0.5))]
    assert grow.aligned_score == pytest.approx(0.7)  # (90% + 50%) / 2
    assert tree.orphans == [] and tree.dangling == [] and tree.unsupported == []
    east = linked[1]
    assert east.key_results[0].parent == "Acme/O1.2: Logos"
