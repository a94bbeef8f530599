"""Company, team and person OKRs linked by stable ids, and the roll-up tree at quarter end.

Every objective has an id in its workbook (``O2``) and every key result one too (``O2.3``).
A reference across workbooks names the owner first: ``Acme/O2`` is objective O2 of the
workbook whose Team cell says Acme; ``Sales East/O1.2`` a key result. A team's objective or
key result names one parent in its Parent column; the drop-down offers the parent
workbook's choices as ``Acme/O2: Grow revenue``, and the text before the colon is the
reference (a typed ``Acme/O2`` works too).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from okrsheet.domain.model import KeyResult, Objective, TeamQuarter
from okrsheet.sheet import layout

__all__ = ["reference", "parse_reference", "parent_choices", "key_result_ids", "objective_ids", "kr_ids", "Node",
           "Alignment", "align"]


def reference(owner: str | None, identifier: str | None) -> str:
    """``Acme/O2``: an objective or key result named across workbooks."""
    return f"{(owner or '').strip()}/{(identifier or '').strip()}"


def parse_reference(text: object) -> str | None:
    """The reference in a Parent cell: ``"Acme/O2: Grow revenue"`` -> ``"Acme/O2"``; None if blank."""
    if not isinstance(text, str) or not text.strip():
        return None
    return text.split(": ", 1)[0].strip() or None


def parent_choices(parent: TeamQuarter) -> list[tuple[str, str]]:
    """What a child workbook's Parent drop-down offers: each objective and key result of
    ``parent`` as ``(reference, title)``, in sheet order."""
    ids = key_result_ids(parent)
    choices: list[tuple[str, str]] = []
    for objective in parent.objectives:
        if objective.id:
            choices.append((reference(parent.team, objective.id), objective.title))
        for kr in objective.key_results:
            if ids.get(id(kr)):
                choices.append((reference(parent.team, ids[id(kr)]), kr.title))
    return choices


def key_result_ids(team_quarter: TeamQuarter,
                   objective_ids: list[str] | None = None) -> dict[int, str]:
    """Each key result's id (``O2.3``), by ``id(kr)``: its own, else the next free number
    under its objective (whose id is ``objective_ids`` when given). Ids once given are never
    renumbered."""
    taken = {kr.id.casefold() for kr in team_quarter.key_results + team_quarter.unassigned if kr.id}
    given: dict[int, str] = {}
    identifiers = objective_ids or [objective.id or "" for objective in team_quarter.objectives]
    for objective, objective_id in zip(team_quarter.objectives, identifiers):
        number = 0
        for kr in objective.key_results:
            if kr.id:
                given[id(kr)] = kr.id
                continue
            if not objective_id:
                continue
            while True:
                number += 1
                candidate = f"{objective_id}.{number}"
                if candidate.casefold() not in taken:
                    break
            taken.add(candidate.casefold())
            given[id(kr)] = candidate
    for kr in team_quarter.unassigned:
        if kr.id:
            given[id(kr)] = kr.id
    return given


@dataclass
class Node:
    """One parent objective or key result in the tree, with the children that name it."""

    team: str | None
    quarter: str | None
    id: str | None
    title: str
    score: float | None
    children: list["Node"] = field(default_factory=list)

    @property
    def aligned_score(self) -> float | None:
        """Mean score of the child objectives (and key results) that name it; never mixed
        into its own score. None without children."""
        scores = [child.score for child in self.children if child.score is not None]
        return sum(scores) / len(scores) if scores else None

    def as_dict(self) -> dict[str, object]:
        return {"team": self.team, "quarter": self.quarter, "id": self.id, "title": self.title,
                "score": self.score, "aligned_score": self.aligned_score,
                "children": [child.as_dict() for child in self.children]}


@dataclass
class Link:
    """An objective or key result and the parent it names, with where that is."""

    team: str | None
    quarter: str | None
    id: str | None
    title: str
    parent: str | None
    file: str | None
    row: int | None


@dataclass
class Alignment:
    """A quarter's tree: the top workbooks' objectives with their children, and what does
    not fit: orphans (no parent where a company workbook exists), dangling links (a parent
    that does not exist) and company objectives no one supports."""

    roots: list[Node]
    orphans: list[Link]
    dangling: list[Link]
    unsupported: list[Node]


def align(team_quarters: list[TeamQuarter]) -> dict[str, Alignment]:
    """The alignment tree of each quarter of ``team_quarters`` (one entry per workbook)."""
    by_quarter: dict[str, list[TeamQuarter]] = {}
    for tq in team_quarters:
        by_quarter.setdefault(tq.quarter or "", []).append(tq)
    return {quarter: _align_quarter(group) for quarter, group in sorted(by_quarter.items())}


# Private API


def _align_quarter(group: list[TeamQuarter]) -> Alignment:
    nodes: dict[str, Node] = {}
    links: list[tuple[Node, Link]] = []
    kr_nodes: dict[int, list[Node]] = {}  # id(objective node) -> its key results' nodes
    for tq in group:
        ids = key_result_ids(tq)
        for objective in tq.objectives:
            node = Node(tq.team, tq.quarter, objective.id, objective.title, objective.score)
            if objective.id:
                nodes.setdefault(reference(tq.team, objective.id).casefold(), node)
            links.append((node, _link(tq, objective, objective.id, objective.parent)))
            for kr in objective.key_results:
                kr_id = ids.get(id(kr))
                kr_node = Node(tq.team, tq.quarter, kr_id, kr.title, kr.progress)
                kr_nodes.setdefault(id(node), []).append(kr_node)
                if kr_id:
                    nodes.setdefault(reference(tq.team, kr_id).casefold(), kr_node)
                if kr.parent:
                    links.append((kr_node, _link(tq, kr, kr_id, kr.parent)))
    has_company = any(tq.level == "company" for tq in group)
    if not has_company and not any(link.parent for _, link in links):
        return Alignment([], [], [], [])  # nothing aligned this quarter: no tree
    orphans, dangling = [], []
    child_ids = set()
    for node, link in links:
        if link.parent is None:
            if has_company and not _is_company(group, link.team):
                orphans.append(link)
            continue
        parent = nodes.get(link.parent.casefold())
        if parent is None:
            dangling.append(link)
            continue
        parent.children.append(node)
        child_ids.add(id(node))
    roots = [node for node, link in links if link.parent is None and id(node) not in child_ids
             and (not has_company or _is_company(group, node.team))]
    unsupported = [node for node in roots if _is_company(group, node.team) and not node.children
                   and not any(kr.children for kr in kr_nodes.get(id(node), []))]
    return Alignment(roots, orphans, dangling, unsupported)


def _link(tq: TeamQuarter, item: Objective | KeyResult, identifier: str | None,
          parent: str | None) -> Link:
    return Link(tq.team, tq.quarter, identifier, item.title, parse_reference(parent), tq.file,
                item.row)


def _is_company(group: list[TeamQuarter], team: str | None) -> bool:
    return any(tq.level == "company" and tq.team == team for tq in group)


def objective_ids(objectives: list[Objective]) -> list[str]:
    """Each objective's id: its own, else the first free ``O1``, ``O2``... (one per ready row)."""
    taken = {objective.id.casefold() for objective in objectives if objective.id}
    free = (layout.objective_id(number) for number in range(1, 10_000)
            if layout.objective_id(number).casefold() not in taken)
    ids = [objective.id or next(free) for objective in objectives]
    return ids + [next(free) for _ in range(layout.OBJECTIVE_ROWS - len(ids))]


def kr_ids(team_quarter: TeamQuarter) -> dict[int, str]:
    """Every key result's id (``O1.2``) by ``id(kr)``, as the OKRs sheet numbers them."""
    return key_result_ids(team_quarter, objective_ids(team_quarter.objectives))
