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
           "Link", "LOOP", "Alignment", "align"]


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


@dataclass(eq=False)
class Node:
    """One objective or key result in the tree, with the children that name it. An
    objective's ``key_results`` are those of its key results that something names (each
    with those children), shown under it."""

    team: str | None
    quarter: str | None
    id: str | None
    title: str
    score: float | None
    children: list["Node"] = field(default_factory=list)
    kind: str = "objective"
    """``objective`` or ``key result``."""
    key_results: list["Node"] = field(default_factory=list)

    @property
    def aligned_score(self) -> float | None:
        """Mean score of the objectives (and key results) that name it; never mixed into its
        own score (what names one of its key results counts in that key result's). None
        without children."""
        scores = [child.score for child in self.children if child.score is not None]
        return sum(scores) / len(scores) if scores else None

    def as_dict(self) -> dict[str, object]:
        return {"team": self.team, "quarter": self.quarter, "id": self.id, "kind": self.kind,
                "title": self.title, "score": self.score, "aligned_score": self.aligned_score,
                "key_results": [kr.as_dict() for kr in self.key_results],
                "children": [child.as_dict() for child in self.children]}


LOOP = "loop"
"""A dangling link's ``problem`` when its parent leads back to it."""


@dataclass
class Link:
    """An objective or key result and the parent it names, with where that is; ``node`` is
    its place in the tree (with what names it), ``problem`` why it dangles: ``missing`` (its
    parent does not exist) or :data:`LOOP` (its parent leads back to it)."""

    team: str | None
    quarter: str | None
    id: str | None
    title: str
    parent: str | None
    file: str | None
    row: int | None
    node: Node | None = field(default=None, repr=False, compare=False)
    problem: str = "missing"


@dataclass
class Alignment:
    """A quarter's tree: the top workbooks' objectives with their children, and what does
    not fit: orphans (no parent where a company workbook exists), dangling links (a parent
    that does not exist, or one that leads back to it) and company objectives no one
    supports. Every objective of the quarter's workbooks is in exactly one of the roots'
    subtrees, an orphan's or a dangling link's (:meth:`objectives`)."""

    roots: list[Node]
    orphans: list[Link]
    dangling: list[Link]
    unsupported: list[Node]

    @property
    def aligned(self) -> bool:
        """True when something names a parent, or an objective supports nothing (an orphan)."""
        return bool(self.orphans or self.dangling
                    or any(node.children or node.key_results for node in self.roots))

    def objectives(self) -> list[Node]:
        """Every objective node of the tree, the orphans' and the dangling links' subtrees,
        each once, in the order the outputs show them."""
        found: list[Node] = []
        for node in [*self.roots, *(link.node for link in [*self.orphans, *self.dangling]
                                    if link.node is not None)]:
            found += [each for each in _walk(node) if each.kind == "objective"]
        return found


def align(team_quarters: list[TeamQuarter]) -> dict[str, Alignment]:
    """The alignment tree of each quarter of ``team_quarters`` (one entry per workbook)."""
    by_quarter: dict[str, list[TeamQuarter]] = {}
    for tq in team_quarters:
        by_quarter.setdefault(tq.quarter or "", []).append(tq)
    return {quarter: _align_quarter(group) for quarter, group in sorted(by_quarter.items())}


# Private API


def _align_quarter(group: list[TeamQuarter]) -> Alignment:
    """Every objective starts the tree (a root, an orphan, a dangling link) or hangs under
    the one parent it names; a key result named by something hangs under its objective;
    a loop of parents is cut at its first link, listed as dangling."""
    nodes: dict[str, Node] = {}
    links: list[tuple[Node, Link]] = []
    owner: dict[int, Node] = {}  # id(key result node) -> its objective's node
    own_krs: dict[int, list[Node]] = {}  # id(objective node) -> its key results' nodes
    for tq in group:
        ids = key_result_ids(tq)
        for objective in tq.objectives:
            node = Node(tq.team, tq.quarter, objective.id, objective.title, objective.score)
            if objective.id:
                nodes.setdefault(reference(tq.team, objective.id).casefold(), node)
            links.append((node, _link(tq, objective, objective.id, objective.parent, node)))
            for kr in objective.key_results:
                kr_id = ids.get(id(kr))
                kr_node = Node(tq.team, tq.quarter, kr_id, kr.title, kr.progress,
                               kind="key result")
                own_krs.setdefault(id(node), []).append(kr_node)
                owner[id(kr_node)] = node
                if kr_id:
                    nodes.setdefault(reference(tq.team, kr_id).casefold(), kr_node)
                if kr.parent:
                    links.append((kr_node, _link(tq, kr, kr_id, kr.parent, kr_node)))
    companies = {tq.team for tq in group if tq.level == "company"}
    has_company = bool(companies)
    orphans, dangling, starts = [], [], []
    parent_of: dict[int, Node] = {}
    linked = set()  # key result nodes that name a parent themselves
    for node, link in links:
        if node.kind == "key result":
            linked.add(id(node))
        if link.parent is None:
            if has_company and link.team not in companies:
                orphans.append(link)
            starts.append(node)
            continue
        parent = nodes.get(link.parent.casefold())
        if parent is None:
            dangling.append(link)
            starts.append(node)
            continue
        parent.children.append(node)
        parent_of[id(node)] = parent
    for krs in own_krs.values():  # a key result hangs under its objective
        for kr_node in krs:
            if id(kr_node) not in linked:
                parent_of[id(kr_node)] = owner[id(kr_node)]
    _cut_loops(links, starts, parent_of, dangling, own_krs, linked)
    for node, _ in links:
        if node.kind == "objective":
            node.key_results = [kr for kr in own_krs.get(id(node), [])
                                if id(kr) not in linked and kr.children]
    orphaned = {id(link.node) for link in [*orphans, *dangling]}
    roots = [node for node in starts if node.kind == "objective" and id(node) not in orphaned]
    unsupported = [node for node in roots if node.team in companies and not node.children
                   and not any(kr.children for kr in own_krs.get(id(node), []))]
    return Alignment(roots, orphans, dangling, unsupported)


def _cut_loops(links: list[tuple[Node, "Link"]], starts: list[Node], parent_of: dict[int, Node],
               dangling: list["Link"], own_krs: dict[int, list[Node]], linked: set[int]) -> None:
    """Objectives that no start reaches sit on (or under) a loop of parents: cut each loop
    at its first link in sheet order, which then dangles (:data:`LOOP`)."""
    def below(node: Node) -> list[Node]:
        return [*node.children, *(kr for kr in own_krs.get(id(node), []) if id(kr) not in linked)]

    reached: set[int] = set()

    def reach(node: Node) -> None:
        stack = [node]
        while stack:
            each = stack.pop()
            if id(each) not in reached:
                reached.add(id(each))
                stack += below(each)

    for node in starts:
        reach(node)
    order = {id(node): index for index, (node, _) in enumerate(links)}
    link_of = {id(node): link for node, link in links}
    for node, _ in links:
        if id(node) in reached:
            continue
        seen: list[Node] = []
        step: Node | None = node
        while step is not None and id(step) not in {id(each) for each in seen}:
            seen.append(step)
            step = parent_of.get(id(step))
        assert step is not None  # unreached: its parents lead round a loop
        loop = seen[[id(each) for each in seen].index(id(step)):]
        cut = min((each for each in loop if id(each) in link_of), key=lambda each: order[id(each)])
        parent_of.pop(id(cut)).children.remove(cut)
        link = link_of[id(cut)]
        link.problem = LOOP
        dangling.append(link)
        reach(cut)


def _walk(node: Node) -> list[Node]:
    """The node and everything under it (its key results' and children's subtrees)."""
    found, stack = [], [node]
    while stack:
        each = stack.pop()
        found.append(each)
        stack += reversed([*each.key_results, *each.children])
    return found


def _link(tq: TeamQuarter, item: Objective | KeyResult, identifier: str | None,
          parent: str | None, node: Node) -> Link:
    return Link(tq.team, tq.quarter, identifier, item.title, parse_reference(parent), tq.file,
                item.row, node)


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
