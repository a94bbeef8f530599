"""Show a :class:`~okrsheet.summary.Summary`: terminal table, markdown, csv, json, workbook.

* :func:`print_table` - a rich table for the terminal, statuses in colour, changes as arrows;
* :func:`markdown` - text a manager pastes into an email or a chat;
* :func:`csv_rows_text` / :func:`json_text` - machine-readable rows, one per team and quarter
  (or one per objective);
* :func:`write_summary_workbook` - an .xlsx with the team-by-quarter table, one sheet per
  quarter, and native charts.

CSV cells that a spreadsheet would run as a formula (text starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) are written with a single quote in front, as
the OWASP CSV-injection guidance advises; text that itself starts with a quote gets one
more, so :func:`csv_value` undoes :func:`csv_text` exactly. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
from collections import Counter
from typing import TYPE_CHECKING

from okrsheet import layout, scoring
from okrsheet.files import write_atomic
from okrsheet.text import json_text as json_document
from okrsheet.text import markdown as markdown_text
from okrsheet.text import visible
from okrsheet.summary import (COUNT_COLUMNS, KR_STATUSES, OBJECTIVE_COLUMNS, TEAM_COLUMNS,
                              TOO_AMBITIOUS_TO, TOO_SAFE, TOO_SAFE_FROM, Summary)

if TYPE_CHECKING:
    import pandas as pd

SUMMARY_SHEET = "Summary"
TEAM_QUARTERS_SHEET = "Team quarters"
FILES_SHEET = "Files"
TERMINAL_QUARTERS = 6
"""The terminal table shows at most this many (latest) quarters; the other outputs all."""

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_RICH_STYLES = {"green": "bold green", "orange": "bold dark_orange", "red": "bold red",
                "not updated": "grey50", "lagging": "blue", "check input": "magenta", None: ""}

# Public API: CSV escaping


def csv_text(value: str) -> str:
    """Text safe to put in a CSV cell: ``"=1+1"`` -> ``"'=1+1"``, ``"'a"`` -> ``"''a"``."""
    if value.startswith(_FORMULA_STARTS) or value.startswith("'"):
        return "'" + value
    return value


def csv_value(text: str) -> str:
    """The text :func:`csv_text` escaped: ``csv_value(csv_text(s)) == s`` for every ``s``."""
    return text[1:] if text.startswith("'") else text


# Public API: rows


def rows(summary: Summary, objectives: bool = False) -> list[dict[str, object]]:
    """One dict per team and quarter (or per objective), blanks as None, numbers as Python numbers."""
    return records(summary.objectives if objectives else summary.teams)


def records(frame: "pd.DataFrame") -> list[dict[str, object]]:
    """A DataFrame's rows as plain dicts: NaN -> None, numpy numbers -> int/float."""
    return [{key: _plain(value) for key, value in row.items()}
            for row in frame.to_dict("records")]


def csv_rows_text(summary: Summary, objectives: bool = False) -> str:
    """CSV: a header line, then one line per team and quarter (or objective)."""
    columns = OBJECTIVE_COLUMNS if objectives else TEAM_COLUMNS
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows(summary, objectives):
        writer.writerow([_csv_cell(row[column]) for column in columns])
    return buffer.getvalue()


def json_text(summary: Summary, objectives: bool = False) -> str:
    """JSON object: ``teams`` (or ``objectives``) rows, ``company``, ``calibration``,
    ``left_out`` and ``duplicates``; scores as fractions 0..1, blanks as null."""
    key = "objectives" if objectives else "teams"
    document = {
        key: rows(summary, objectives),
        "company": records(summary.company),
        "calibration": records(summary.calibration),
        "left_out": records(summary.left_out),
        "duplicates": records(summary.duplicates),
    }
    return json_document(document) + "\n"


# Public API: text for people


def percent(score: float | None) -> str:
    """``0.704`` -> ``"70%"``; blank for no score."""
    return "" if score is None else f"{score:.0%}"


def change_text(change: float | None, arrows: tuple[str, str, str] = ("▲", "▼", "►")) -> str:
    """A change in percentage points with an arrow: ``0.13`` -> ``"▲ +13 pts"``."""
    if change is None:
        return ""
    points = round(change * 100)
    if points > 0:
        return f"{arrows[0]} +{points} pts"
    if points < 0:
        return f"{arrows[1]} {points} pts"
    return f"{arrows[2]} 0 pts"


def score_csv_text(card: dict) -> str:
    """One CSV row per key result of a scorecard (``reader.scorecard``), text escaped."""
    keys = ("title", "owner", "type", "start", "target", "revised_target", "current", "weight",
            "progress", "status", "pace")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["team", "quarter", "objective", "objective_score", "objective_status", *keys])
    for objective in card["objectives"]:
        for kr in objective["key_results"]:
            writer.writerow([_csv_cell(value) for value in (
                card["team"], card["quarter"], objective["title"], objective["score"],
                objective["status"], *[kr[key] for key in keys])])
    return buffer.getvalue()


def print_score(card: dict, problems, console=None) -> None:
    """A scorecard as a terminal table, then its problems."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = console or Console(highlight=False)
    console.print(f"[bold]{escape(card['team'] or card['file'])}[/] {escape(card['quarter'] or '')}: "
                  f"team score {percent(card['score']) or '-'} ({card['status'] or 'no score'})")
    table = Table("Objective / key result", "Owner", "Progress", "Status", "Pace")
    lagging = []
    for objective in card["objectives"]:
        table.add_row(f"[bold]{escape(objective['title'])}[/]", "", percent(objective["score"]),
                      objective["status"] or "", "")
        for kr in objective["key_results"]:
            if kr["status"] == scoring.LAGGING:
                lagging.append((objective, kr))
                continue
            table.add_row(f"  {escape(kr['title'])}", escape(kr["owner"] or ""),
                          percent(kr["progress"]), kr["status"], kr["pace"] or "")
    console.print(table)
    if lagging:
        later = Table("Lagging key result (scored at the next review)", "Objective", "Owner",
                      "Progress so far")
        for objective, kr in lagging:
            later.add_row(escape(kr["title"]), escape(objective["title"]),
                          escape(kr["owner"] or ""), percent(kr["progress"]))
        console.print(later)
    if card.get("revised_targets"):
        console.print(f"{card['revised_targets']} revised target(s); the score uses them.")
    for problem in problems:
        console.print(f"{problem.severity}: {problem} [{problem.code}]", markup=False)


def print_table(summary: Summary, console=None, objectives: bool = False) -> None:
    """Print the summary as rich tables (to ``console``, default stdout)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    quarters = summary.quarters[-TERMINAL_QUARTERS:]
    latest = summary.latest_quarter
    grid = _grid(summary)
    table = Table(title=_headline(summary), title_justify="left", caption=_legend(),
                  caption_justify="left")
    table.add_column("Team", style="bold", no_wrap=True)
    for quarter in quarters:
        table.add_column(quarter.replace("-", "\n"), justify="right", no_wrap=True)
    table.add_column("Change", justify="right", no_wrap=True)
    table.add_column("KRs\ng/o/r/n/l", justify="center", no_wrap=True)

    def score_cell(row) -> Text:
        if row is None or row["score"] is None:
            return Text("")
        return Text(percent(row["score"]), style=_RICH_STYLES[row["status"]])

    def change_cell(change) -> Text:
        style = "green" if change and change > 0.005 else "red" if change and change < -0.005 else ""
        return Text(change_text(change, ("▲", "▼", "►")).replace(" pts", ""), style=style)

    for team, by_quarter in grid.items():
        last = by_quarter.get(latest)
        table.add_row(Text(team), *[score_cell(by_quarter.get(quarter)) for quarter in quarters],
                      change_cell(last["change"] if last else None),
                      _mix(summary, team, latest))
    company = {row["quarter"]: row for row in records(summary.company)}
    last = company.get(latest)
    table.add_section()
    table.add_row("Company (mean)",
                  *[score_cell(company.get(quarter)) for quarter in quarters],
                  change_cell(last["change"] if last else None), _mix(summary, None, latest))
    console.print(table)
    red = _red_objectives(summary)
    if red:
        console.print(f"Red objectives in {latest}:", style="bold")
        for row in red:
            console.print(f"  {row['team']}: {row['objective']} ({percent(row['score'])})",
                          highlight=False, markup=False)
    for line in _notes(summary):
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


def markdown(summary: Summary, objectives: bool = False) -> str:
    """The summary as markdown a manager can paste into an email or a chat."""
    latest = summary.latest_quarter
    company = {row["quarter"]: row for row in records(summary.company)}
    lines = [f"# OKR summary, {latest}", ""]
    now = company[latest]
    sentence = (f"Company score {percent(now['score'])} ({now['status']}), the mean of "
                f"{now['teams']} team{'s' if now['teams'] != 1 else ''}")
    if now["change"] is not None:
        points = round(now["change"] * 100)
        direction = "up" if points > 0 else "down" if points < 0 else "flat"
        amount = f" {abs(points)} pts" if points else ""
        sentence += f", {direction}{amount} on {_previous_label(summary)}"
    shares = ", ".join(f"{now['share_' + status.replace(' ', '_')]:.0%} {status}"
                       for status in KR_STATUSES
                       if now["share_" + status.replace(" ", "_")])
    lines += [sentence + ".", f"Key results: {shares}." if shares else "", ""]
    quarters = summary.quarters
    header = ["Team", *quarters, f"Change {latest}", "Calibration"]
    lines += ["| " + " | ".join(header) + " |",
              "|" + "|".join(["---"] + ["---:"] * (len(quarters) + 1) + ["---"]) + "|"]
    for team, by_quarter in _grid(summary).items():
        last = by_quarter.get(latest) or {}
        cells = [_md(team)] + [_md_score(by_quarter.get(quarter)) for quarter in quarters]
        cells += [change_text(last.get("change"), ("↑", "↓", "→")), last.get("calibration") or ""]
        lines.append("| " + " | ".join(cells) + " |")
    cells = ["**Company**"] + [_md_score(company.get(quarter)) for quarter in quarters]
    cells += [change_text(now["change"], ("↑", "↓", "→")), ""]
    lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    red = _red_objectives(summary)
    if red:
        lines += [f"## Red objectives in {latest}", ""]
        lines += [f"- {_md(row['team'])}: {_md(row['objective'])} ({percent(row['score'])})"
                  for row in red]
        lines.append("")
    notes = _notes(summary)
    if notes:
        lines += ["## Notes", ""] + [f"- {_md(note)}" for note in notes] + [""]
    if objectives:
        lines += ["## Objectives", "", "| Team | Quarter | Objective | Score | Status |",
                  "|---|---|---|---:|---|"]
        for row in records(summary.objectives):
            lines.append(f"| {_md(row['team'])} | {row['quarter']} | {_md(row['objective'])} | "
                         f"{percent(row['score'])} | {row['status'] or ''} |")
        lines.append("")
    return "\n".join(lines)


# Public API: the summary workbook


def write_summary_workbook(summary: Summary, path: str | os.PathLike, force: bool = False) -> None:
    """Write the summary workbook at ``path`` atomically; refuses to replace a file without ``force``."""
    write_atomic(path, summary_workbook_bytes(summary), force=force)


def summary_workbook_bytes(summary: Summary) -> bytes:
    """The summary workbook (.xlsx): team-by-quarter sheet with charts, a sheet per quarter,
    every team quarter as a row, and the files used, left out and duplicated."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    book.set_properties({"title": "OKR summary", "comments": "Made with okrsheet",
                         "created": dt.datetime(2000, 1, 1)})
    formats = _formats(book)
    _WorkbookWriter(book, summary, formats).write()
    book.close()
    return buffer.getvalue()


# Private API


def _plain(value: object) -> object:
    if value is None:
        return None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(visible(value))
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    return value


def _grid(summary: Summary) -> dict[str, dict[str, dict[str, object]]]:
    """team -> quarter -> team row, teams in name order."""
    grid: dict[str, dict[str, dict[str, object]]] = {}
    for row in records(summary.teams):
        grid.setdefault(row["team"], {})[row["quarter"]] = row
    return dict(sorted(grid.items(), key=lambda item: item[0].casefold()))


def _headline(summary: Summary) -> str:
    quarters = summary.quarters
    span = quarters[0] if len(quarters) == 1 else f"{quarters[0]} to {quarters[-1]}"
    teams = summary.teams["team"].nunique()
    return (f"OKR summary: {teams} team{'s' if teams != 1 else ''}, {span} "
            f"({len(summary.teams)} workbook{'s' if len(summary.teams) != 1 else ''})")


def _previous_label(summary: Summary) -> str:
    quarters = summary.quarters
    return quarters[-2] if len(quarters) > 1 else ""


def _mix(summary: Summary, team: str | None, quarter: str | None) -> str:
    """``"3/1/0/1/0"``: the key results by status (a team's, or the company's)."""
    frame = summary.objectives
    frame = frame[frame["quarter"] == quarter]
    if team is not None:
        frame = frame[frame["team"] == team]
    if frame.empty:
        return ""
    return "/".join(str(int(frame[column].sum())) for column in COUNT_COLUMNS)


def _notes(summary: Summary) -> list[str]:
    notes = []
    flagged: dict[tuple[str, str], list[str]] = {}
    for row in records(summary.calibration):
        flagged.setdefault((row["team"], row["calibration"]), []).append(row["quarter"])
    for (team, flag), quarters in flagged.items():
        why = (f"{TOO_SAFE_FROM:.0%} or more two quarters running; sandbagging?" if flag == TOO_SAFE
               else f"{TOO_AMBITIOUS_TO:.0%} or less two quarters running; targets out of reach?")
        notes.append(f"{team}: {flag} in {', '.join(quarters)} ({why})")
    latest = [row for row in records(summary.teams) if row["quarter"] == summary.latest_quarter]
    revised = [f"{row['team']} {row['revised_targets']}" for row in latest if row["revised_targets"]]
    if revised:
        notes.append(f"Targets revised during {summary.latest_quarter}: {', '.join(revised)}.")
    lagging = [f"{row['team']} {round(row['share_lagging'] * row['key_results'])}" for row in latest
               if row["share_lagging"]]
    if lagging:
        notes.append(f"Lagging key results, to score at the next review: {', '.join(lagging)}.")
    for row in records(summary.duplicates):
        notes.append(f"Two files for {row['team']} {row['quarter']}: used {row['used']}, "
                     f"not {row['not_used']} ({row['reason']}).")
    for row in records(summary.left_out):
        notes.append(f"Left out {row['file']}: {row['reason']}")
    warned = sorted({problem.file for problem in summary.problems if problem.file})
    if warned:
        count = len(summary.problems)
        names = ", ".join(warned[:3]) + (", ..." if len(warned) > 3 else "")
        notes.append(f"{count} problem{'s' if count != 1 else ''} in {names}; "
                     "run okrsheet check FILE for details.")
    return notes


def _red_objectives(summary: Summary) -> list[dict[str, object]]:
    latest = summary.latest_quarter
    return [row for row in records(summary.objectives)
            if row["quarter"] == latest and row["status"] == scoring.RED]


def _legend() -> str:
    return ("Scores coloured green from 70%, orange from 40%, red below (or the team's own "
            "thresholds). Change: latest quarter minus the one before, in points. KRs: key "
            "results green/orange/red/not updated/lagging in the latest quarter.")


def _md(text: str) -> str:
    return markdown_text(text)


def _md_score(row) -> str:
    if row is None or row["score"] is None:
        return ""
    return f"{percent(row['score'])} {row['status']}"


def _formats(book) -> dict[str, object]:
    made = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "label": book.add_format({"bold": True}),
        "note": book.add_format({"italic": True, "font_color": "#595959"}),
        "header": book.add_format({"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF",
                                   "text_wrap": True, "valign": "vcenter", "border": 1}),
        "percent": book.add_format({"num_format": "0%"}),
        "input_percent": book.add_format({"num_format": "0%", "bg_color": "#FFF2CC", "border": 1}),
        "change": book.add_format({"num_format": "+0%;-0%;0%"}),
        "team": book.add_format({"bold": True}),
        "team_percent": book.add_format({"bold": True, "num_format": "0%"}),
        "company": book.add_format({"bold": True, "top": 1}),
        "company_percent": book.add_format({"bold": True, "top": 1, "num_format": "0%"}),
        "company_change": book.add_format({"bold": True, "top": 1, "num_format": "+0%;-0%;0%"}),
    }
    for status, (fill, font) in layout.STATUS_COLOURS.items():
        made[status] = book.add_format({"bg_color": fill, "font_color": font})
    return made


class _WorkbookWriter:
    HEADER_ROW = 4  # 0-based: the team-by-quarter table's header on the Summary sheet

    def __init__(self, book, summary: Summary, formats):
        self.book = book
        self.summary = summary
        self.f = formats
        self.quarters = summary.quarters
        self.grid = _grid(summary)
        self.green, self.orange = _thresholds(summary)

    def write(self) -> None:
        self._summary_sheet()
        for quarter in self.quarters:
            self._quarter_sheet(quarter)
        self._team_quarters_sheet()
        self._files_sheet()

    # -- the team-by-quarter sheet, with the charts

    def _summary_sheet(self) -> None:
        sheet, f = self.book.add_worksheet(SUMMARY_SHEET), self.f
        _print_setup(sheet)
        quarters, teams = self.quarters, list(self.grid)
        sheet.write_string(0, 0, "OKR summary", f["title"])
        sheet.write_string(1, 0, "Green from", f["label"])
        sheet.write_number(1, 1, self.green, f["input_percent"])
        sheet.write_string(2, 0, "Orange from", f["label"])
        sheet.write_number(2, 1, self.orange, f["input_percent"])
        sheet.write_string(1, 3, "Team score = mean of its objectives' scores. Company = mean of "
                                 "the team scores (every team counts the same).", f["note"])
        sheet.write_string(2, 3, "Change = latest quarter minus the quarter before.", f["note"])
        top = self.HEADER_ROW
        sheet.write_string(top, 0, "Team", f["header"])
        for index, quarter in enumerate(quarters, 1):
            sheet.write_string(top, index, quarter, f["header"])
        change_column = len(quarters) + 1 if len(quarters) > 1 else None
        if change_column:
            sheet.write_string(top, change_column, f"Change {quarters[-1]}", f["header"])
        for offset, team in enumerate(teams, 1):
            row = top + offset
            sheet.write_string(row, 0, team, f["team"])
            for index, quarter in enumerate(quarters, 1):
                entry = self.grid[team].get(quarter)
                if entry is not None and entry["score"] is not None:
                    sheet.write_number(row, index, entry["score"], f["percent"])
            if change_column:
                latest = self.grid[team].get(quarters[-1])
                self._change(sheet, row, change_column, latest["change"] if latest else None,
                             f["change"])
        company_row = top + len(teams) + 1
        sheet.write_string(company_row, 0, "Company (mean of teams)", f["company"])
        company = {row["quarter"]: row for row in records(self.summary.company)}
        for index, quarter in enumerate(quarters, 1):
            cells = f"{layout.cell(top + 1, index)}:{layout.cell(company_row - 1, index)}"
            score = company[quarter]["score"]
            sheet.write_formula(company_row, index, f'IF(COUNT({cells})=0,"",AVERAGE({cells}))',
                                f["company_percent"], "" if score is None else score)
        if change_column:
            self._change(sheet, company_row, change_column, company[quarters[-1]]["change"],
                         f["company_change"])
        self._score_colours(sheet, top + 1, 1, company_row, len(quarters))
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, len(quarters) + 1, 11)
        sheet.freeze_panes(top + 1, 1)
        mix_top = company_row + 3
        self._mix_table(sheet, mix_top, teams)
        self._charts(sheet, top, company_row, mix_top, teams)

    def _change(self, sheet, row: int, column: int, value, fmt) -> None:
        latest, previous = layout.cell(row, column - 1), layout.cell(row, column - 2)
        sheet.write_formula(row, column,
                            f'IF(AND(ISNUMBER({latest}),ISNUMBER({previous})),{latest}-{previous},"")',
                            fmt, "" if value is None else value)

    def _score_colours(self, sheet, first_row, first_column, last_row, last_column) -> None:
        corner = layout.cell(first_row, first_column)
        green, orange = "$B$2", "$B$3"
        rules = {
            "green": f"=AND(ISNUMBER({corner}),{corner}>={green})",
            "orange": f"=AND(ISNUMBER({corner}),{corner}<{green},{corner}>={orange})",
            "red": f"=AND(ISNUMBER({corner}),{corner}<{orange})",
        }
        for status, criteria in rules.items():
            sheet.conditional_format(first_row, first_column, last_row, last_column,
                                     {"type": "formula", "criteria": criteria,
                                      "format": self.f[status]})

    def _mix_table(self, sheet, top: int, teams: list[str]) -> None:
        f, latest = self.f, self.quarters[-1]
        sheet.write_string(top - 1, 0, f"Key results by status, {latest}", f["label"])
        sheet.write_string(top, 0, "Team", f["header"])
        for index, status in enumerate(KR_STATUSES, 1):
            sheet.write_string(top, index, status, f["header"])
        objectives = self.summary.objectives
        objectives = objectives[objectives["quarter"] == latest]
        for offset, team in enumerate(teams, 1):
            sheet.write_string(top + offset, 0, team, f["team"])
            mine = objectives[objectives["team"] == team]
            for index, column in enumerate(COUNT_COLUMNS, 1):
                sheet.write_number(top + offset, index, int(mine[column].sum()))

    def _charts(self, sheet, top: int, company_row: int, mix_top: int, teams: list[str]) -> None:
        count = len(self.quarters)
        line = self.book.add_chart({"type": "line"})
        team_rows = list(range(top + 1, company_row))
        charted = team_rows[:_MAX_SERIES - 1]  # XlsxWriter's limit; the table has them all
        for row in [*charted, company_row]:
            series = {
                "name": [SUMMARY_SHEET, row, 0],
                "categories": [SUMMARY_SHEET, top, 1, top, count],
                "values": [SUMMARY_SHEET, row, 1, row, count],
                "marker": {"type": "circle"},
            }
            if row == company_row:
                series["line"] = {"dash_type": "dash", "width": 2.5, "color": "#404040"}
            line.add_series(series)
        line.set_title({"name": "Team scores by quarter" if len(charted) == len(team_rows) else
                        f"Team scores by quarter (the first {len(charted)} of {len(team_rows)} "
                        "teams; all are in the table)"})
        line.set_y_axis({"min": 0, "max": 1, "num_format": "0%",
                         "major_gridlines": {"visible": True}})
        line.set_legend({"position": "bottom"})
        line.set_size({"width": 640, "height": 340})
        sheet.insert_chart(self.HEADER_ROW, count + 3, line)

        mix = self.book.add_chart({"type": "column", "subtype": "percent_stacked"})
        for index, status in enumerate(KR_STATUSES, 1):
            fill, font = layout.STATUS_COLOURS[status]
            mix.add_series({
                "name": [SUMMARY_SHEET, mix_top, index],
                "categories": [SUMMARY_SHEET, mix_top + 1, 0, mix_top + len(teams), 0],
                "values": [SUMMARY_SHEET, mix_top + 1, index, mix_top + len(teams), index],
                "fill": {"color": fill}, "border": {"color": font},
            })
        mix.set_title({"name": f"Key results by status, {self.quarters[-1]}"})
        mix.set_y_axis({"num_format": "0%"})
        mix.set_legend({"position": "bottom"})
        mix.set_size({"width": 640, "height": 340})
        sheet.insert_chart(self.HEADER_ROW + 18, count + 3, mix)

    # -- one sheet per quarter: each team and its objectives

    def _quarter_sheet(self, quarter: str) -> None:
        sheet, f = self.book.add_worksheet(quarter), self.f
        _print_setup(sheet)
        headers = ("Team", "Objective", "Score", "Status", "Key results", "Green", "Orange",
                   "Red", "Not updated", "Lagging", "Revised targets", "File")
        sheet.write_string(0, 0, f"OKRs {quarter}", f["title"])
        for index, header in enumerate(headers):
            sheet.write_string(2, index, header, f["header"])
        teams = {row["team"]: row for row in records(self.summary.teams)
                 if row["quarter"] == quarter}
        objectives = [row for row in records(self.summary.objectives) if row["quarter"] == quarter]
        row = 3
        for team in sorted(teams, key=str.casefold):
            entry = teams[team]
            sheet.write_string(row, 0, team, f["team"])
            sheet.write_string(row, 1, "Team score", f["team"])
            self._number(sheet, row, 2, entry["score"], f["team_percent"])
            sheet.write_string(row, 3, entry["status"] or "", f["team"])
            sheet.write_number(row, 4, entry["key_results"], f["team"])
            sheet.write_number(row, 10, entry["revised_targets"], f["team"])
            sheet.write_string(row, 11, entry["file"] or "")
            row += 1
            for objective in (item for item in objectives if item["team"] == team):
                sheet.write_string(row, 0, team)
                sheet.write_string(row, 1, objective["objective"] or "")
                self._number(sheet, row, 2, objective["score"], f["percent"])
                sheet.write_string(row, 3, objective["status"] or "")
                sheet.write_number(row, 4, objective["key_results"])
                for index, column in enumerate(COUNT_COLUMNS, 5):
                    sheet.write_number(row, index, objective[column])
                sheet.write_number(row, 10, objective["revised_targets"])
                row += 1
        if row > 3:
            for status in ("green", "orange", "red"):
                sheet.conditional_format(3, 2, row - 1, 3, {
                    "type": "formula", "criteria": f'=$D4="{status}"', "format": f[status]})
        sheet.set_column(0, 0, 22)
        sheet.set_column(1, 1, 48)
        sheet.set_column(2, 10, 10)
        sheet.set_column(11, 11, 40)
        sheet.freeze_panes(3, 0)

    @staticmethod
    def _number(sheet, row: int, column: int, value, fmt) -> None:
        if value is None:
            sheet.write_blank(row, column, None, fmt)
        else:
            sheet.write_number(row, column, value, fmt)

    # -- every team quarter as a row, and the files

    def _team_quarters_sheet(self) -> None:
        sheet, f = self.book.add_worksheet(TEAM_QUARTERS_SHEET), self.f
        _print_setup(sheet)
        percent_columns = {"score", "previous_score", "change"} | {
            column for column in TEAM_COLUMNS if column.startswith("share_")}
        for index, column in enumerate(TEAM_COLUMNS):
            sheet.write_string(0, index, column, f["header"])
        for offset, row in enumerate(records(self.summary.teams), 1):
            for index, column in enumerate(TEAM_COLUMNS):
                value = row[column]
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(offset, index, value)
                else:
                    sheet.write_number(offset, index, value,
                                       f["percent"] if column in percent_columns else None)
        sheet.set_column(0, 0, 22)
        sheet.set_column(2, 2, 36)
        sheet.freeze_panes(1, 2)

    def _files_sheet(self) -> None:
        sheet, f = self.book.add_worksheet(FILES_SHEET), self.f
        row = 0

        def block(title: str, headers: tuple[str, ...], lines: list[tuple[str, ...]]) -> None:
            nonlocal row
            sheet.write_string(row, 0, title, f["label"])
            row += 1
            for index, header in enumerate(headers):
                sheet.write_string(row, index, header, f["header"])
            row += 1
            for line in lines:
                for index, text in enumerate(line):
                    sheet.write_string(row, index, str(text or ""))
                row += 1
            if not lines:
                sheet.write_string(row, 0, "none", f["note"])
                row += 1
            row += 1

        summary = self.summary
        block("Files used", ("Team", "Quarter", "File"),
              [(row_["team"], row_["quarter"], row_["file"]) for row_ in records(summary.teams)])
        block("Files left out", ("File", "Reason"),
              [(row_["file"], row_["reason"]) for row_ in records(summary.left_out)])
        block("Duplicates (two files for one team and quarter)",
              ("Team", "Quarter", "Used", "Not used", "Why"),
              [(r["team"], r["quarter"], r["used"], r["not_used"], r["reason"])
               for r in records(summary.duplicates)])
        sheet.set_column(0, 1, 30)
        sheet.set_column(2, 4, 50)


_MAX_SERIES = 255
"""Series in one XlsxWriter chart (it drops the rest with a warning)."""


def _print_setup(sheet) -> None:
    """Printed: landscape, one page wide."""
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)


def _thresholds(summary: Summary) -> tuple[float, float]:
    """The thresholds most team workbooks use (the defaults when there are none)."""
    counted = Counter((tq.green_from, tq.orange_from) for tq in summary.team_quarters)
    if not counted:
        return scoring.GREEN_FROM, scoring.ORANGE_FROM
    return counted.most_common(1)[0][0]
