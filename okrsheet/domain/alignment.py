"""Company, team and person OKRs linked by stable ids, and the roll-up tree at quarter end.

Every objective has an id in its workbook (``O2``) and every key result one too (``O2.3``).
A reference across workbooks names the owner first: ``Acme/O2`` is objective O2 of the
workbook whose Team cell says Acme; ``Sales East/O1.2`` a key result. A team's objective or
key result names its parent in its Parent column; the drop-down offers the parent
workbook's choices as ``Acme/O2: Grow revenue``, and the text before the colon is the
reference (a typed ``Acme/O2`` works too).

Several parents are separated by ``;``, each with an optional share after its reference:
``Acme/O1; Acme/O3 30%`` supports O3 with 30% and O1 with the rest (70%); parents without a
share split what the shares leave equally (``Acme/O1; Acme/O3``: 50% each). The item sits
under each parent, and a parent's aligned score is the mean of its children's scores, each
weighted by the share it gives that parent (one parent: 100%, so a plain mean).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from okrsheet.domain.model import KeyResult, Objective, TeamQuarter
from okrsheet.domain.schema import objective_id

__all__ = ["reference", "parse_reference", "parse_parents", "shares", "parent_choices", "key_result_ids", "objective_ids", "kr_ids", "Node",
           "Link", "LOOP", "Alignment", "align"]


def reference(owner: str | None, identifier: str | None) -> str:
    """``Acme/O2``: an objective or key result named across workbooks."""
    return f"{(owner or '').strip()}/{(identifier or '').strip()}"


def parse_reference(text: object) -> str | None:
    """The reference in a Parent cell: ``"Acme/O2: Grow revenue"`` -> ``"Acme/O2"``; None if blank."""
    if not isinstance(text, str) or not text.strip():
        return None
    return text.split(": ", 1)[0].strip() or None


_PART = re.compile(r"\s*(?P<ref>[^/:;]+/[^\s/:;%]+)(?:\s+(?P<share>\d+(?:[.,]\d+)?)\s*%)?"
                   r"\s*(?::\s.*)?", re.DOTALL)


def parse_parents(text: object) -> list[tuple[str, float | None]]:
    """The parents in a Parent cell, each ``(reference, share or None)``, a share a fraction:
    ``"Acme/O1; Acme/O3 30%"`` -> ``[("Acme/O1", None), ("Acme/O3", 0.3)]``. A drop-down
    choice whose title holds a ``;`` stays one parent; blank: ``[]``."""
    if not isinstance(text, str) or not text.strip():
        return []
    pieces = text.split(";")
    if _PART.fullmatch(pieces[0]) is None:  # not Owner/ID: one reference, as typed
        found = parse_reference(text)
        return [(found, None)] if found else []
    parts: list[str] = []
    for piece in pieces:
        if parts and _PART.fullmatch(piece) is None:
            parts[-1] += ";" + piece  # a title's own semicolon
        elif piece.strip():
            parts.append(piece)
    parents = []
    for part in parts:
        match = _PART.fullmatch(part)
        if match is None:
            continue
        share = match.group("share")
        parents.append((match.group("ref").strip(),
                        float(share.replace(",", ".")) / 100 if share is not None else None))
    return parents


def shares(parents: list[tuple[str, float | None]]) -> list[float]:
    """Each parent's share: the one given, else an equal part of what the given ones leave
    (never below 0): ``[None, 0.3]`` -> ``[0.7, 0.3]``; one parent alone: ``[1.0]``."""
    given = sum(share for _, share in parents if share is not None)
    unshared = sum(share is None for _, share in parents)
    rest = max(0.0, 1.0 - given) / unshared if unshared else 0.0
    return [share if share is not None else rest for _, share in parents]


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
    for objective, objective_key in zip(team_quarter.objectives, identifiers):
        number = 0
        for kr in objective.key_results:
            if kr.id:
                given[id(kr)] = kr.id
                continue
            if not objective_key:
                continue
            while True:
                number += 1
                candidate = f"{objective_key}.{number}"
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
    child_shares: dict[int, float] = field(default_factory=dict, repr=False)
    """The share each child gives this node, by ``id(child)`` (1.0 when not listed)."""

    def share_of(self, child: "Node") -> float:
        """The share ``child`` gives this node: 1.0 for its one parent."""
        return self.child_shares.get(id(child), 1.0)

    @property
    def aligned_score(self) -> float | None:
        """Mean score of the objectives (and key results) that name it, each weighted by the
        share it gives this node; never mixed into its own score (what names one of its key
        results counts in that key result's). None without children (or shares)."""
        weighted = [(self.share_of(child), child.score) for child in self.children
                    if child.score is not None]
        total = sum(share for share, _ in weighted)
        if not weighted or total <= 0:
            return None
        return sum(share * score for share, score in weighted) / total

    def as_dict(self) -> dict[str, object]:
        return {"team": self.team, "quarter": self.quarter, "id": self.id, "kind": self.kind,
                "title": self.title, "score": self.score, "aligned_score": self.aligned_score,
                "key_results": [kr.as_dict() for kr in self.key_results],
                "children": [{**child.as_dict(), "share": self.share_of(child)}
                             for child in self.children]}


LOOP = "loop"
"""A dangling link's ``problem`` when its parent leads back to it."""


@dataclass
class Link:
    """An objective or key result and a parent it names (one link per parent), with where
    that is; ``node`` is its place in the tree (with what names it), ``share`` the share it
    gives that parent, ``problem`` why it dangles: ``missing`` (its parent does not exist)
    or :data:`LOOP` (its parent leads back to it)."""

    team: str | None
    quarter: str | None
    id: str | None
    title: str
    parent: str | None
    file: str | None
    row: int | None
    node: Node | None = field(default=None, repr=False, compare=False)
    problem: str = "missing"
    share: float = 1.0


@dataclass
class Alignment:
    """A quarter's tree: the top workbooks' objectives with their children, and what does
    not fit: orphans (no parent where a company workbook exists), dangling links (a parent
    that does not exist, or one that leads back to it) and company objectives no one
    supports. Every objective of the quarter's workbooks is in the roots' subtrees, an
    orphan's or a dangling link's (under each of its parents: :meth:`objectives` gives it
    once). ``over_shared``: the first link of each item whose shares add up to over 100%,
    with their sum."""

    roots: list[Node]
    orphans: list[Link]
    dangling: list[Link]
    unsupported: list[Node]
    over_shared: list[tuple[Link, float]] = field(default_factory=list)

    @property
    def aligned(self) -> bool:
        """True when something names a parent, or an objective supports nothing (an orphan)."""
        return bool(self.orphans or self.dangling
                    or any(node.children or node.key_results for node in self.roots))

    def objectives(self) -> list[Node]:
        """Every objective node of the tree, the orphans' and the dangling links' subtrees,
        each once, in the order the outputs show them."""
        found: list[Node] = []
        seen: set[int] = set()
        for node in [*self.roots, *(link.node for link in [*self.orphans, *self.dangling]
                                    if link.node is not None)]:
            for each in _walk(node):
                if each.kind == "objective" and id(each) not in seen:
                    seen.add(id(each))
                    found.append(each)
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
    each parent it names; a key result named by something hangs under its objective; a
    loop of parents is cut at its first link in sheet order, listed as dangling."""
    nodes: dict[str, Node] = {}
    links: list[tuple[Node, Link]] = []
    own_krs: dict[int, list[Node]] = {}  # id(objective node) -> its key results' nodes
    over_shared: list[tuple[Link, float]] = []
    for tq in group:
        ids = key_result_ids(tq)
        for objective in tq.objectives:
            node = Node(tq.team, tq.quarter, objective.id, objective.title, objective.score)
            if objective.id:
                nodes.setdefault(reference(tq.team, objective.id).casefold(), node)
            links += [(node, link) for link in _links(tq, objective, objective.id,
                                                      objective.parent, node, over_shared)]
            for kr in objective.key_results:
                kr_id = ids.get(id(kr))
                kr_node = Node(tq.team, tq.quarter, kr_id, kr.title, kr.progress,
                               kind="key result")
                own_krs.setdefault(id(node), []).append(kr_node)
                if kr_id:
                    nodes.setdefault(reference(tq.team, kr_id).casefold(), kr_node)
                if kr.parent:
                    links += [(kr_node, link) for link in _links(tq, kr, kr_id, kr.parent,
                                                                 kr_node, over_shared)]
    companies = {tq.team for tq in group if tq.level == "company"}
    has_company = bool(companies)
    orphans, dangling = [], []
    linked = {id(node) for node, _ in links if node.kind == "key result"}  # they name a parent
    edges: list[tuple[Node, Node, Link]] = []
    for node, link in links:
        if link.parent is None:
            if has_company and link.team not in companies:
                orphans.append(link)
            continue
        parent = nodes.get(link.parent.casefold())
        if parent is None:
            dangling.append(link)
        elif not any(child is node and above is parent for child, above, _ in edges):
            edges.append((node, parent, link))
    kept = _without_loops(edges, own_krs, linked)
    for node, parent, link in edges:
        if (id(node), id(parent)) in kept:
            parent.children.append(node)
            parent.child_shares[id(node)] = link.share
        else:
            link.problem = LOOP
            dangling.append(link)
    placed = {id(node) for node, parent, _ in edges if (id(node), id(parent)) in kept}
    starts = list({id(node): node for node, _ in links if id(node) not in placed}.values())
    for node, _ in links:
        if node.kind == "objective":
            node.key_results = [kr for kr in own_krs.get(id(node), [])
                                if id(kr) not in linked and kr.children]
    orphaned = {id(link.node) for link in [*orphans, *dangling]}
    roots = [node for node in starts if node.kind == "objective" and id(node) not in orphaned]
    unsupported = [node for node in roots if node.team in companies and not node.children
                   and not any(kr.children for kr in own_krs.get(id(node), []))]
    return Alignment(roots, orphans, dangling, unsupported, over_shared)


def _without_loops(edges: list[tuple[Node, Node, "Link"]], own_krs: dict[int, list[Node]],
                   linked: set[int]) -> set[tuple[int, int]]:
    """The links (``(id(child), id(parent))``) the tree keeps: each taken from the last in
    sheet order, a link that would close a loop of parents is left out, so each loop is
    cut at its first link in sheet order (one parent each: as before several parents)."""
    down: dict[int, list[Node]] = {}
    for objective, krs in own_krs.items():  # a key result that names nothing: its objective's
        down[objective] = [kr for kr in krs if id(kr) not in linked]
    kept: set[tuple[int, int]] = set()
    for node, parent, _ in reversed(edges):
        if parent is node or _reaches(node, parent, down):
            continue
        down.setdefault(id(parent), []).append(node)
        kept.add((id(node), id(parent)))
    return kept


def _reaches(start: Node, target: Node, down: dict[int, list[Node]]) -> bool:
    """True when ``target`` is below ``start``."""
    stack, seen = [start], set()
    while stack:
        each = stack.pop()
        if each is target:
            return True
        if id(each) not in seen:
            seen.add(id(each))
            stack += down.get(id(each), [])
    return False


def _walk(node: Node) -> list[Node]:
    """The node and everything under it (its key results' and children's subtrees)."""
    found, stack = [], [node]
    while stack:
        each = stack.pop()
        found.append(each)
        stack += reversed([*each.key_results, *each.children])
    return found


def _links(tq: TeamQuarter, item: Objective | KeyResult, identifier: str | None,
           parent: str | None, node: Node, over_shared: list[tuple[Link, float]]) -> list[Link]:
    """A link for each parent the item names (one with no parent when it names none);
    the first goes in ``over_shared`` when the shares given add up to over 100%."""
    parents = parse_parents(parent)
    if not parents:
        return [Link(tq.team, tq.quarter, identifier, item.title, None, tq.file, item.row, node)]
    made = [Link(tq.team, tq.quarter, identifier, item.title, reference, tq.file, item.row, node,
                 share=share) for (reference, _), share in zip(parents, shares(parents))]
    total = sum(share for _, share in parents if share is not None)
    if total > 1 + 1e-9:
        over_shared.append((made[0], total))
    return made


def objective_ids(objectives: list[Objective], count: int = 0) -> list[str]:
    """Each objective's id: its own, else the first free ``O1``, ``O2``...; then free ids up
    to ``count`` in all (one per ready row of a sheet)."""
    taken = {objective.id.casefold() for objective in objectives if objective.id}
    free = (objective_id(number) for number in range(1, 10_000)
            if objective_id(number).casefold() not in taken)
    ids = [objective.id or next(free) for objective in objectives]
    return ids + [next(free) for _ in range(count - len(ids))]


def kr_ids(team_quarter: TeamQuarter) -> dict[int, str]:
    """Every key result's id (``O1.2``) by ``id(kr)``, as the OKRs sheet numbers them."""
    return key_result_ids(team_quarter, objective_ids(team_quarter.objectives))
