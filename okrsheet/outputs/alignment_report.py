"""The alignment tree in every output: JSON, terminal, markdown, CSV rows, a workbook sheet,
and ``check`` problems for dangling links."""

from __future__ import annotations

from typing import Any

from okrsheet.domain.alignment import LOOP, Alignment, Link, Node
from okrsheet.domain.problems import ERROR, WARNING, Problem
from okrsheet.domain.scoring import status as colour
from okrsheet.outputs.escape import markdown_text
from okrsheet.outputs.escape import terminal_text as visible
from okrsheet.sheet import layout
from okrsheet.sheet.cells import percent

# Public API


def alignment_data(trees: dict[str, Alignment]) -> dict[str, list[dict[str, object]]]:
    """What ``summary --format json`` adds: the trees, orphans and dangling links (each with
    what names it), and the company objectives no one supports."""
    return {
        "alignment": [node.as_dict() for tree in trees.values() for node in tree.roots],
        "orphans": [_link(link) for tree in trees.values() for link in tree.orphans],
        "dangling": [_link(link) for tree in trees.values() for link in tree.dangling],
        "unsupported": [{"team": node.team, "quarter": node.quarter, "id": node.id,
                         "title": node.title} for tree in trees.values() for node in tree.unsupported],
    }


def tree_lines(trees: dict[str, Alignment], markdown: bool = False) -> list[str]:
    """The trees as indented lines: ``Acme O1 Grow revenue: 50% (aligned 60%)``; a key
    result something names sits under its objective (``Acme KR O1.2 Logos: 60%``), and
    what is not aligned or dangles is listed with what names it under it. A quarter with
    nothing aligned is one line.

    ``markdown`` makes a nested list to paste into an email.
    """
    text = markdown_text if markdown else visible
    bullet = "- " if markdown else "  "
    lines: list[str] = []
    for quarter, tree in trees.items():
        if not tree.roots and not tree.dangling and not tree.orphans:
            continue
        title = f"**Alignment {quarter}**" if markdown else f"Alignment {quarter}"
        if not tree.aligned and not tree.unsupported:
            count = len(tree.objectives())
            lines.append(f"{title}: nothing aligned (no company workbook, and no objective or "
                         f"key result names a parent); {count} objective"
                         f"{'' if count == 1 else 's'} on {len({n.team for n in tree.roots})} "
                         f"workbook{'' if len({n.team for n in tree.roots}) == 1 else 's'}.")
            continue
        lines.append(title)
        for node in tree.roots:
            lines += _node_lines(node, 0, markdown)
        for link in tree.orphans:
            lines.append(f"{bullet}Not aligned: {text(link.team)} {text(link.id or '')} "
                         f"{text(link.title)}".rstrip())
            lines += _below(link, markdown)
        for link in tree.dangling:
            why = ("which leads back to it (a loop)" if link.problem == LOOP
                   else "which does not exist")
            lines.append(f"{bullet}Dangling link: {text(link.team)} {text(link.id or '')} "
                         f"{text(link.title)} names {text(link.parent)}, {why}")
            lines += _below(link, markdown)
        for node in tree.unsupported:
            lines.append(f"{bullet}No team supports: {text(node.team)} {text(node.id)} "
                         f"{text(node.title)}")
    return lines


def without_teams(summary: Any) -> str:
    """What a summary of company or person workbooks alone (no team's) says above its tree:
    ``No team workbook: the tables are empty; 1 company workbook (Acme 2026-Q4) gives the
    alignment tree below.``"""
    files = summary.files.to_dict("records")
    levels: dict[str, int] = {}
    for row in files:
        levels[row["level"]] = levels.get(row["level"], 0) + 1
    counted = " and ".join(f"{count} {level} workbook{'' if count == 1 else 's'}"
                           for level, count in levels.items())
    named = ", ".join(f"{row['team']} {row['quarter']}" for row in files[:5])
    more = f" and {len(files) - 5} more" if len(files) > 5 else ""
    verb = "gives" if len(files) == 1 else "give"
    return visible(f"No team workbook, so no scores table: {counted} ({named}{more}) {verb} the "
                   "alignment tree below.")


CSV_COLUMNS = ("quarter", "depth", "team", "id", "parent", "title", "score", "aligned_score",
               "kind", "note", "share")


def csv_rows(trees: dict[str, Alignment]) -> list[dict[str, object]]:
    """One row per node of the trees (a key result something names under its objective),
    then the orphans' and dangling links' subtrees, each with its depth and its parent's id;
    ``note`` says why a subtree is outside the tree, ``share`` the share a node gives the
    parent it is under (an item with several parents is under each)."""
    rows: list[dict[str, object]] = []

    def walk(node: Node, depth: int, parent: str | None, note: str | None = None,
             share: float | None = None) -> None:
        rows.append({"quarter": node.quarter, "depth": depth, "team": node.team, "id": node.id,
                     "parent": parent, "title": node.title, "score": node.score,
                     "aligned_score": node.aligned_score, "kind": node.kind, "note": note,
                     "share": share})
        for child in node.key_results:
            walk(child, depth + 1, f"{node.team}/{node.id}")
        for child in node.children:
            walk(child, depth + 1, f"{node.team}/{node.id}", share=node.share_of(child))

    for tree in trees.values():
        for node in tree.roots:
            walk(node, 0, None)
        for link in tree.orphans:
            if link.node is not None:
                walk(link.node, 0, link.parent, "not aligned: names no parent")
        for link in tree.dangling:
            if link.node is not None:
                walk(link.node, 0, link.parent, _note(link))
    return rows


def dangling_problems(trees: dict[str, Alignment], sheet: str = layout.OKRS_SHEET) -> list[Problem]:
    """``check`` over several workbooks: each Parent that names nothing, at its cell; each
    objective aligned to nothing where a company workbook exists, as a warning; shares over
    100% (:func:`share_problems`)."""
    problems = share_problems(trees)
    for tree in trees.values():
        for link in tree.dangling:
            message = (f'Parent "{link.parent}" leads back to "{link.title}" itself (a loop of '
                       "parents); pick a parent above it." if link.problem == LOOP else
                       f'Parent "{link.parent}" names no objective or key result '
                       "of the workbooks given; pick one from the drop-down.")
            problems.append(Problem(ERROR, link.file, sheet, _parent_cell(link), message,
                                    "DANGLING-PARENT"))
        for link in tree.orphans:
            problems.append(Problem(WARNING, link.file, sheet, _parent_cell(link),
                                    f'objective "{link.title}" supports no company objective; '
                                    "pick one in its Parent cell.", "NOT-ALIGNED"))
    return problems


def share_problems(trees: dict[str, Alignment], sheet: str = layout.OKRS_SHEET) -> list[Problem]:
    """``check`` of one workbook or several: each Parent cell whose shares add up to over
    100%, at its cell."""
    return [Problem(ERROR, link.file, sheet, _parent_cell(link),
                    f'the shares in the Parent cell of "{link.title}" add up to '
                    f"{percent(total)}, over 100%; lower them so they add up to 100% at most "
                    "(a parent without a share gets what the others leave).", "PARENT-SHARES")
            for tree in trees.values() for link, total in tree.over_shared]


def write_alignment_sheet(book: Any, trees: dict[str, Alignment], formats: dict[str, Any]) -> None:
    """An Alignment sheet for the summary workbook: an indented tree with scores and colours."""
    sheet = book.add_worksheet("Alignment")
    coloured = {status: book.add_format({"bg_color": fill, "font_color": font, "num_format": "0%"})
                for status, (fill, font) in layout.STATUS_COLOURS.items()}
    score = layout.OBJECTIVE_COLUMN_OF["score"].header
    for column, header in enumerate(("Quarter", "Objective or key result", "Team",
                                     layout.COLUMN_OF["id"].header, score, "Aligned score",
                                     "Note", "Share of parent")):
        sheet.write_string(0, column, header, formats.get("header"))
    row = 1
    for quarter, tree in trees.items():
        for record in csv_rows({quarter: tree}):
            sheet.write_string(row, 0, str(record["quarter"] or ""))
            sheet.write_string(row, 1, "    " * int(record["depth"]) + str(record["title"]))  # type: ignore[call-overload]
            sheet.write_string(row, 2, str(record["team"] or ""))
            sheet.write_string(row, 3, str(record["id"] or ""))
            for column, key in ((4, "score"), (5, "aligned_score")):
                value = record[key]
                if isinstance(value, float):
                    fmt = coloured.get(colour(value) or "") or formats.get("percent")
                    sheet.write_number(row, column, value, fmt)
            if record["note"]:
                sheet.write_string(row, 6, str(record["note"]))
            if isinstance(record["share"], float):
                sheet.write_number(row, 7, record["share"], formats.get("percent"))
            row += 1
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 1, 60)
    sheet.set_column(2, 3, 14)
    sheet.set_column(4, 5, 12)
    sheet.set_column(6, 6, 50)
    sheet.set_column(7, 7, 14)


# Private API


def _node_lines(node: Node, depth: int, markdown: bool, share: float = 1.0) -> list[str]:
    """``Acme O1 Grow revenue: 50% (aligned 60%)``, and ``, share 30%`` under a parent it
    gives part of itself to; then what is under it."""
    aligned = node.aligned_score
    escape = markdown_text if markdown else visible
    kind = "KR " if node.kind == "key result" else ""
    text = (f"{escape(node.team)} {kind}{escape(node.id or '')} {escape(node.title)}: "
            f"{percent(node.score)}" + (f" (aligned {percent(aligned)})" if aligned is not None else "")
            + (f", share {percent(share)}" if share != 1.0 else ""))
    lines = [("  " * depth + "- " + text) if markdown else ("  " * (depth + 1) + text)]
    for child in node.key_results:
        lines += _node_lines(child, depth + 1, markdown)
    for child in node.children:
        lines += _node_lines(child, depth + 1, markdown, node.share_of(child))
    return lines


def _below(link: Link, markdown: bool) -> list[str]:
    """The lines of what names an orphan or a dangling link (and its key results)."""
    if link.node is None:
        return []
    return [line for child in [*link.node.key_results, *link.node.children]
            for line in _node_lines(child, 1, markdown)]


def _note(link: Link) -> str:
    """Why a dangling link's subtree is outside the tree."""
    if link.problem == LOOP:
        return f"dangling: names {link.parent}, which leads back to it (a loop)"
    return f"dangling: names {link.parent}, which does not exist"


def _link(link: Link) -> dict[str, object]:
    node = link.node
    return {"team": link.team, "quarter": link.quarter, "id": link.id, "title": link.title,
            "parent": link.parent, "share": link.share, "file": link.file, "sheet": layout.OKRS_SHEET,
            "cell": _parent_cell(link), "problem": link.problem if link.parent else None,
            "kind": node.kind if node is not None else None,
            "score": node.score if node is not None else None,
            "key_results": [kr.as_dict() for kr in node.key_results] if node is not None else [],
            "children": [{**child.as_dict(), "share": node.share_of(child)}
                         for child in node.children] if node is not None else []}


def _parent_cell(link: Link) -> str | None:
    """The Parent cell of an objective (Objectives table) or key result (its row)."""
    if link.row is None:
        return None
    index = link.row - 1
    if index < layout.HEADER_ROW:
        return layout.objective_address("parent", index)
    return layout.address("parent", index)
