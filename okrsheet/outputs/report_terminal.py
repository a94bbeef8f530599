"""The summary and a scorecard as rich tables for the terminal: statuses in colour,
changes as arrows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from okrsheet.outputs.report import (change_text, grid, headline, legend, mix, notes, percent, records,
                             red_objectives)
from okrsheet.quarterend.summary import KR_STATUSES, NOT_STARTED, Row, Summary

if TYPE_CHECKING:
    from rich.console import Console

TERMINAL_QUARTERS = 6
"""The terminal table shows at most this many (latest) quarters; the other outputs all."""

_RICH_STYLES = {"green": "bold green", "orange": "bold dark_orange", "red": "bold red",
                "not updated": "grey50", "lagging": "blue", "check input": "magenta",
                "not started": "grey50", None: ""}

# Public API


def print_table(summary: Summary, console: Console | None = None, objectives: bool = False) -> None:
    """Print the summary as rich tables (to ``console``, default stdout)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    quarters = summary.quarters[-TERMINAL_QUARTERS:]
    latest = summary.latest_quarter
    by_team = grid(summary)
    table = Table(title=headline(summary), title_justify="left", caption=legend(),
                  caption_justify="left")
    table.add_column("Team", style="bold", no_wrap=True)
    for quarter in quarters:
        table.add_column(quarter.replace("-", "\n"), justify="right", no_wrap=True)
    table.add_column("Change", justify="right", no_wrap=True)
    letters = "/".join(status[0] for status in KR_STATUSES)
    table.add_column(f"KRs\n{letters}", justify="center", no_wrap=True)

    def score_cell(row: Row | None) -> Text:
        if row is not None and row["status"] == NOT_STARTED:
            return Text("-", style=_RICH_STYLES[NOT_STARTED])
        if row is None or row["score"] is None:
            return Text("")
        return Text(percent(row["score"]), style=_RICH_STYLES[row["status"]])

    def change_cell(change: float | None) -> Text:
        style = "green" if change and change > 0.005 else "red" if change and change < -0.005 else ""
        return Text(change_text(change, ("▲", "▼", "►")).replace(" pts", ""), style=style)

    for team, by_quarter in by_team.items():
        last = by_quarter.get(latest) if latest is not None else None
        table.add_row(Text(team), *[score_cell(by_quarter.get(quarter)) for quarter in quarters],
                      change_cell(last["change"] if last else None), mix(last))
    company = {row["quarter"]: row for row in records(summary.company)}
    last = company.get(latest)
    table.add_section()
    table.add_row("Company (mean)",
                  *[score_cell(company.get(quarter)) for quarter in quarters],
                  change_cell(last["change"] if last else None), mix(last))
    console.print(table)
    red = red_objectives(summary)
    if red:
        console.print(f"Red objectives in {latest}:", style="bold")
        for row in red:
            console.print(f"  {row['team']}: {row['objective']} ({percent(row['score'])})",
                          highlight=False, markup=False)
    for line in notes(summary):
        console.print(line, highlight=False, markup=False)
    if objectives:
        detail = Table(title="Objectives", title_justify="left")
        for name in ("Team", "Quarter", "Objective", "Score", "Key results"):
            detail.add_column(name, justify="right" if name in ("Score", "Key results") else "left")
        for row in records(summary.objectives):
            detail.add_row(Text(row["team"]), row["quarter"], Text(row["objective"]),
                           Text(f"{percent(row['score'])} {row['status'] or ''}".strip(),
                                style=_RICH_STYLES[row["status"]]),
                           str(row["key_results"]))
        console.print(detail)

