"""The summary as markdown a manager pastes into an email or a chat."""

from __future__ import annotations

from typing import TYPE_CHECKING

from okrsheet.outputs.escape import markdown_text
from okrsheet.outputs.report import (
    change_text,
    grid,
    notes,
    percent,
    previous_label,
    records,
    red_objectives,
    rhythm_cells,
)
from okrsheet.quarterend.summary import KR_STATUSES, NOT_STARTED, Row, Summary
from okrsheet.sheet.cells import round_half_away
from okrsheet.sheet.layout import COLUMN_OF

if TYPE_CHECKING:
    from okrsheet.quarterend.calibration import Calibration

# Public API


def markdown(summary: Summary, objectives: bool = False,
             confidence: "Calibration | None" = None) -> str:
    """The summary as markdown a manager can paste into an email or a chat."""
    latest = summary.latest_quarter
    company = {row["quarter"]: row for row in records(summary.company)}
    if latest is None:  # company or person workbooks alone: their tree
        from okrsheet.outputs.alignment_report import tree_lines, without_teams

        return "\n".join(["# OKR summary", "", _md(without_teams(summary)), "", "## Alignment",
                          "", *tree_lines(summary.alignment, markdown=True), ""])
    lines = [f"# OKR summary, {latest}", ""]
    now = company[latest]
    lines += [_company_sentence(summary, now)]
    if now["score"] is None:
        lines += [""]
    shares = ", ".join(f"{percent(now['share_' + status.replace(' ', '_')])} {status}"
                       for status in KR_STATUSES
                       if now["share_" + status.replace(" ", "_")])
    if now["score"] is not None:
        lines += [f"Key results: {shares}." if shares else "", ""]
    quarters = summary.quarters
    header = ["Team", *quarters, f"Change {latest}", "Calibration", "Confidence fell",
              "Stale KRs", COLUMN_OF["overdue_actions"].header]
    lines += ["| " + " | ".join(header) + " |",
              "|" + "|".join(["---"] + ["---:"] * (len(quarters) + 1) + ["---"] + ["---:"] * 3)
              + "|"]
    for team, by_quarter in grid(summary).items():
        last = (by_quarter.get(latest) if latest is not None else None) or {}
        cells = [_md(team)] + [_md_score(by_quarter.get(quarter)) for quarter in quarters]
        cells += [change_text(last.get("change"), ("↑", "↓", "→")), last.get("calibration") or ""]
        cells += rhythm_cells(last or None)
        lines.append("| " + " | ".join(cells) + " |")
    cells = ["**Company**"] + [_md_score(company.get(quarter)) for quarter in quarters]
    cells += [change_text(now["change"], ("↑", "↓", "→")), "", *rhythm_cells(None)]
    lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"Confidence fell, stale KRs and overdue actions are {latest}'s: the share of "
              "key results whose latest check-in confidence is below their first, key results "
              "with no value in the last two check-ins, actions not done past their due date.",
              ""]
    red = red_objectives(summary)
    if red:
        lines += [f"## Red objectives in {latest}", ""]
        lines += [f"- {_md(row['team'])}: {_md(row['objective'])} ({percent(row['score'])})"
                  for row in red]
        lines.append("")
    written = notes(summary)
    if written:
        lines += ["## Notes", ""] + [f"- {_md(note)}" for note in written] + [""]
    if objectives:
        lines += ["## Objectives", "", "| Team | Quarter | Objective | Score | Status |",
                  "|---|---|---|---:|---|"]
        for row in summary.table_rows("objectives"):
            lines.append(f"| {_md(row['team'])} | {row['quarter']} | {_md(row['objective'])} | "
                         f"{percent(row['score'])} | {row['status'] or ''} |")
        lines.append("")
    trees = summary.alignment
    if trees:
        from okrsheet.outputs.alignment_report import tree_lines

        lines += ["## Alignment", "", *tree_lines(trees, markdown=True), ""]
    if confidence is not None:  # how well confidence predicted results
        from okrsheet.outputs.calibration_report import calibration_markdown

        lines += ["", calibration_markdown(confidence)]
    return "\n".join(lines)


# Private API


def _company_sentence(summary: Summary, now: Row) -> str:
    """``Company score 53% (orange), the mean of 3 teams, up 11 pts on 2027-Q1.``"""
    latest = summary.latest_quarter
    started = int(now["teams"]) - int(now["not_started"] or 0)
    if now["score"] is None:
        return f"No team has started {latest} yet: no key result has a value."
    sentence = (f"Company score {percent(now['score'])} ({now['status']}), the mean of "
                f"{started} team{'s' if started != 1 else ''}")
    if now["not_started"]:
        sentence += f" ({now['not_started']} not started, left out)"
    if now["change"] is not None:
        points = int(round_half_away(now["change"] * 100))
        direction = "up" if points > 0 else "down" if points < 0 else "flat"
        amount = f" {abs(points)} pts" if points else ""
        sentence += f", {direction}{amount} on {previous_label(summary)}"
    return sentence + "."


def _md(text: str) -> str:
    return markdown_text(text)


def _md_score(row: Row | None) -> str:
    if row is not None and row["status"] == NOT_STARTED:
        return "- (not started)"
    if row is None or row["score"] is None:
        return ""
    return f"{percent(row['score'])} {row['status']}"

