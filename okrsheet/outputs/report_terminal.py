"""The summary and a scorecard as rich tables for the terminal: statuses in colour,
changes as arrows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from okrsheet.outputs.escape import terminal_text as visible
from okrsheet.outputs.report import (
    change_text,
    grid,
    headline,
    legend,
    mix,
    notes,
    percent,
    records,
    red_objectives,
    rhythm_cells,
)
from okrsheet.quarterend.summary import KR_STATUSES, NOT_STARTED, Row, Summary
from okrsheet.sheet.layout import COLUMN_OF, OBJECTIVE_COLUMN_OF

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

TERMINAL_QUARTERS = 6
"""The terminal table shows at most this many (latest) quarters; the other outputs all."""

_RICH_STYLES = {"green": "bold green", "orange": "bold dark_orange", "red": "bold red",
                "not updated": "grey50", "lagging": "blue", "check input": "magenta",
                "not started": "grey50", None: ""}

RHYTHM_HEADERS = ("Conf.\nfell", "Stale\nKRs", "Over-\ndue")
"""The latest quarter's confidence fell, stale key results and overdue actions."""

RHYTHM_LEGEND = ("Confidence fell: share of key results whose latest check-in confidence is "
                 "below their first. Stale: no value in the last two check-ins. Overdue: "
                 "actions not done past their due date.")

# Public API


def print_table(summary: Summary, console: Console | None = None, objectives: bool = False) -> None:
    """Print the summary as rich tables (to ``console``, default stdout). Every text from a
    workbook goes through :func:`~okrsheet.domain.text.visible` as it is printed, so none
    can move the cursor or recolour the terminal."""
    from rich.cells import cell_len
    from rich.console import Console
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    if summary.company.empty:  # company or person workbooks alone: the CLI prints the tree
        from okrsheet.outputs.alignment_report import without_teams

        console.print(without_teams(summary), highlight=False, markup=False)
        return
    quarters = summary.quarters[-TERMINAL_QUARTERS:]
    latest = summary.latest_quarter
    by_team = grid(summary)
    company = {row["quarter"]: row for row in records(summary.company)}
    letters = "/".join(status[0] for status in KR_STATUSES)

    def score_cell(row: Row | None) -> Text:
        if row is not None and row["status"] == NOT_STARTED:
            return Text("-", style=_RICH_STYLES[NOT_STARTED])
        if row is None or row["score"] is None:
            return Text("")
        return Text(percent(row["score"]), style=_RICH_STYLES[row["status"]])

    def change_cell(change: float | None) -> Text:
        style = "green" if change and change > 0.005 else "red" if change and change < -0.005 else ""
        return Text(change_text(change, ("▲", "▼", "►")).replace(" pts", ""), style=style)

    def team_row(team: str, by_quarter: dict[str, Row]) -> list[Text]:
        last = by_quarter.get(latest) if latest is not None else None
        return [Text(visible(team)), *[score_cell(by_quarter.get(quarter)) for quarter in quarters],
                change_cell(last["change"] if last else None), Text(mix(last)),
                *map(Text, rhythm_cells(last))]

    last = company.get(latest)
    company_row = [Text("Company (mean)"), *[score_cell(company.get(quarter)) for quarter in quarters],
                   change_cell(last["change"] if last else None), Text(mix(last)),
                   *map(Text, rhythm_cells(None))]
    headers = ["Team", *(quarter.replace("-", "\n") for quarter in quarters), "Change",
               f"KRs\n{letters}", *RHYTHM_HEADERS]
    rows = [team_row(team, by_quarter) for team, by_quarter in by_team.items()]
    # each column as wide as its widest cell, worked out here once: rich would measure each
    # of a big company's cells twice (to fit the table, then to draw it), at 20 µs a cell
    widths = [max(max(map(cell_len, header.split("\n"))),
                  max((row[index].cell_len for row in (*rows, company_row)), default=0))
              for index, header in enumerate(headers)]

    def build(rhythm: bool) -> Table:
        """The table; with the latest quarter's check-in rhythm when ``rhythm``."""
        table = Table(title=headline(summary), title_justify="left", caption=legend(rhythm),
                      caption_justify="left")
        count = len(headers) - (0 if rhythm else len(RHYTHM_HEADERS))
        mix_column = len(quarters) + 2  # after the team, the quarters and the change
        for index, (header, width) in enumerate(zip(headers[:count], widths)):
            table.add_column(header, justify="left" if index == 0 else "center"
                             if index == mix_column else "right", no_wrap=True,
                             style="bold" if index == 0 else None, width=width)
        for row in rows:
            table.add_row(*row[:count])
        table.add_section()
        table.add_row(*company_row[:count])
        return table

    # the check-in rhythm in the table where it fits, else below it
    unbounded = console.options.update_width(10**6)
    table = build(True)
    apart = Measurement.get(console, unbounded, table).maximum > console.width
    if apart:
        table = build(False)
    console.print(table)
    if apart and latest is not None:
        console.print(_rhythm_table(summary, by_team, latest))
    red = red_objectives(summary)
    if red:
        console.print(f"Red objectives in {latest}:", style="bold")
        for row in red:
            console.print(visible(f"  {row['team']}: {row['objective']} "
                                  f"({percent(row['score'])})"), highlight=False, markup=False)
    for line in notes(summary):
        console.print(visible(line), highlight=False, markup=False)
    if objectives:
        detail = Table(title="Objectives", title_justify="left")
        objective, score = (OBJECTIVE_COLUMN_OF[key].header for key in ("title", "score"))
        for name in ("Team", "Quarter", objective, score, "Key results"):
            detail.add_column(name, justify="right" if name in (score, "Key results") else "left")
        for row in summary.table_rows("objectives"):
            detail.add_row(Text(visible(row["team"])), visible(row["quarter"]),
                           Text(visible(row["objective"])),
                           Text(f"{percent(row['score'])} {row['status'] or ''}".strip(),
                                style=_RICH_STYLES[row["status"]]),
                           str(row["key_results"]))
        console.print(detail)


# Private API


def _rhythm_table(summary: Summary, by_team: dict[str, dict[str, Row]], latest: str) -> "Table":
    """The latest quarter's check-in rhythm per team, for a terminal too narrow to show it in
    the main table."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Check-in rhythm in {latest}", title_justify="left",
                  caption=RHYTHM_LEGEND, caption_justify="left")
    table.add_column("Team", style="bold", no_wrap=True)
    for name in ("Confidence fell", "Stale KRs", COLUMN_OF["overdue_actions"].header):
        table.add_column(name, justify="right")
    for team, by_quarter in by_team.items():
        row = by_quarter.get(latest)
        if row is not None:
            table.add_row(Text(visible(team)), *rhythm_cells(row))
    return table
