"""The summary workbook (.xlsx): the team-by-quarter table with charts, one sheet per
quarter, every team quarter as a row, and the files used, left out and duplicated."""

from __future__ import annotations

import datetime as dt
import io
import os
from collections import Counter
from typing import TYPE_CHECKING

from okrsheet.domain import scoring
from okrsheet.files.writing import write_atomic
from okrsheet.outputs.report import grid, records
from okrsheet.quarterend.summary import (
    COUNT_COLUMNS,
    KR_STATUSES,
    NOT_STARTED,
    SHARE_COLUMNS,
    TEAM_COLUMNS,
    Summary,
)
from okrsheet.sheet import layout

_POINTS = '+0" pts";-0" pts";0" pts"'
"""A change in percentage points, written as points: 10.5 shows "+11 pts"."""
_HEADERS = {"key_results": "Key results", "change": "Change (pts)", "file": "File",
            "previous_score": "Previous score", "not_started": "Not started"}
SUMMARY_SHEET = "Summary"
TEAM_QUARTERS_SHEET = "Team quarters"
FILES_SHEET = "Files"
CHART_DATA_SHEET = "Chart data"

if TYPE_CHECKING:
    from okrsheet.quarterend.calibration import Calibration

# Public API


def write_summary_workbook(summary: Summary, path: str | os.PathLike, force: bool = False,
                           confidence: "Calibration | None" = None) -> None:
    """Write the summary workbook at ``path`` atomically; refuses to replace a file without ``force``."""
    write_atomic(path, summary_workbook_bytes(summary, confidence), force=force)


def summary_workbook_bytes(summary: Summary, confidence: "Calibration | None" = None,
                           created: dt.datetime | None = None) -> bytes:
    """The summary workbook (.xlsx): team-by-quarter sheet with charts, a sheet per quarter,
    every team quarter as a row, and the files used, left out and duplicated. ``created``
    (its properties' date; default 2000-01-01) is never the clock: the same summary, the same bytes."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    book.set_properties({"title": "OKR summary", "comments": "Made with okrsheet",
                         "created": created or dt.datetime(2000, 1, 1)})
    formats = _formats(book)
    _WorkbookWriter(book, summary, formats).write()
    if confidence is not None:  # how well confidence predicted results (okrsheet.quarterend.calibration)
        from okrsheet.outputs.calibration_report import write_calibration_sheet

        write_calibration_sheet(book, confidence)
        _print_setup(book.get_worksheet_by_name("Calibration"))
    book.close()
    return buffer.getvalue()


def header_text(column: str) -> str:
    """A table column's key as a person reads it: ``share_not_updated`` -> ``Share not updated``."""
    return _HEADERS.get(column, column.replace("_", " ").capitalize())


# Private API


def _formats(book) -> dict[str, object]:
    made = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "label": book.add_format({"bold": True}),
        "note": book.add_format({"italic": True, "font_color": "#595959"}),
        "header": book.add_format({"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF",
                                   "text_wrap": True, "valign": "vcenter", "border": 1}),
        "percent": book.add_format({"num_format": "0%"}),
        "input_percent": book.add_format({"num_format": "0%", "bg_color": "#FFF2CC", "border": 1}),
        "change": book.add_format({"num_format": _POINTS}),
        "points": book.add_format({"num_format": _POINTS}),
        "not_started": book.add_format({"font_color": "#808080", "align": "right"}),
        "team": book.add_format({"bold": True}),
        "team_percent": book.add_format({"bold": True, "num_format": "0%"}),
        "company": book.add_format({"bold": True, "top": 1}),
        "company_percent": book.add_format({"bold": True, "top": 1, "num_format": "0%"}),
        "company_change": book.add_format({"bold": True, "top": 1, "num_format": _POINTS}),
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
        self.grid = grid(summary)
        self.green, self.orange = _thresholds(summary)

    def write(self) -> None:
        if not self.quarters:  # company or person workbooks alone: their tree and files
            from okrsheet.outputs.alignment_report import without_teams

            sheet = self.book.add_worksheet(SUMMARY_SHEET)
            sheet.write_string(0, 0, "OKR summary", self.f["title"])
            sheet.write_string(1, 0, without_teams(self.summary), self.f["note"])
        else:
            self._summary_sheet()
        for quarter in self.quarters:
            self._quarter_sheet(quarter)
        self._team_quarters_sheet()
        self._files_sheet()
        trees = self.summary.alignment
        if trees:
            from okrsheet.outputs.alignment_report import write_alignment_sheet

            write_alignment_sheet(self.book, trees, self.f)
        if self.quarters:
            self._chart_data_sheet()

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
        sheet.write_string(2, 3, "Change = latest quarter minus the quarter before, in points. "
                                 "- = not started (no key result has a value yet): left out of "
                                 "the company mean.", f["note"])
        top = self.HEADER_ROW
        sheet.write_string(top, 0, "Team", f["header"])
        for index, quarter in enumerate(quarters, 1):
            sheet.write_string(top, index, quarter, f["header"])
        change_column = len(quarters) + 1
        sheet.write_string(top, change_column, f"Change {quarters[-1]}", f["header"])
        sheet.set_row(top, 30)
        for offset, team in enumerate(teams, 1):
            row = top + offset
            sheet.write_string(row, 0, team, f["team"])
            for index, quarter in enumerate(quarters, 1):
                entry = self.grid[team].get(quarter)
                if entry is not None and entry["status"] == NOT_STARTED:
                    sheet.write_string(row, index, "-", f["not_started"])
                elif entry is not None and entry["score"] is not None:
                    sheet.write_number(row, index, entry["score"], f["percent"])
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
        self._change(sheet, company_row, change_column, company[quarters[-1]]["change"],
                     f["company_change"])
        self._score_colours(sheet, top + 1, 1, company_row, len(quarters))
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, max(len(quarters) + 1, len(KR_STATUSES)), 12)
        sheet.freeze_panes(top + 1, 1)
        mix_top = company_row + 3
        self._mix_table(sheet, mix_top, teams)
        self._rhythm_table(sheet, mix_top + len(teams) + 3, teams)
        self._charts(sheet, top, company_row, mix_top, teams)

    def _change(self, sheet, row: int, column: int, value, fmt) -> None:
        """Change in points: a formula over the two quarter columns when both are in the table,
        else the value (with --quarter the quarter before is not a column)."""
        points = None if value is None else _points(value)
        if column < 3:
            if points is not None:
                sheet.write_number(row, column, points, fmt)
            return
        latest, previous = layout.cell(row, column - 1), layout.cell(row, column - 2)
        sheet.write_formula(row, column, f'IF(AND(ISNUMBER({latest}),ISNUMBER({previous})),'
                                         f'({latest}-{previous})*100,"")',
                            fmt, "" if points is None else points)

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
            sheet.write_string(top, index, status.capitalize(), f["header"])
        sheet.set_row(top, 30)
        objectives = self.summary.objectives
        objectives = objectives[objectives["quarter"] == latest]
        for offset, team in enumerate(teams, 1):
            sheet.write_string(top + offset, 0, team, f["team"])
            mine = objectives[objectives["team"] == team]
            for index, column in enumerate(COUNT_COLUMNS, 1):
                sheet.write_number(top + offset, index, int(mine[column].sum()))

    def _rhythm_table(self, sheet, top: int, teams: list[str]) -> None:
        """The latest quarter's confidence fell, stale key results and overdue actions."""
        f, latest = self.f, self.quarters[-1]
        sheet.write_string(top - 1, 0, f"Check-in rhythm, {latest}", f["label"])
        for offset, note in enumerate((  # short lines: the charts float right of column F
                "Confidence fell: share of key results whose latest check-in confidence is "
                "below their first.", "Stale KRs: no value in the last two check-ins.",
                "Overdue actions: not done, past their due date."), len(teams) + 1):
            sheet.write_string(top + offset, 0, note, f["note"])
        overdue = layout.COLUMN_OF["overdue_actions"].header
        for index, name in enumerate(("Team", "Confidence fell", "Stale KRs", overdue)):
            sheet.write_string(top, index, name, f["header"])
        sheet.set_row(top, 30)
        for at, team in enumerate(teams, top + 1):
            sheet.write_string(at, 0, team, f["team"])
            row = self.grid[team].get(latest)
            if row is not None:  # "-": no key result given a confidence at two check-ins
                fell = row["confidence_fell"]
                if fell is None:
                    sheet.write_string(at, 1, "-", f["not_started"])
                else:
                    sheet.write_number(at, 1, fell, f["percent"])
                sheet.write_row(at, 2, (row["stale_key_results"], row["overdue_actions"]))

    def _charts(self, sheet, top: int, company_row: int, mix_top: int, teams: list[str]) -> None:
        count = len(self.quarters)
        line = self.book.add_chart({"type": "line"})
        # The line chart reads a hidden copy of the table where "-" (not started) is blank:
        # Excel and LibreOffice plot text as 0, a blank as a gap. Data-sheet rows: 1..teams,
        # then the company.
        company = company_row - top
        team_rows = list(range(1, company))
        charted = team_rows[:_MAX_SERIES - 1]  # XlsxWriter's limit; the table has them all
        for row in [*charted, company]:
            series = {
                "name": [CHART_DATA_SHEET, row, 0],
                "categories": [CHART_DATA_SHEET, 0, 1, 0, count],
                "values": [CHART_DATA_SHEET, row, 1, row, count],
                "marker": {"type": "circle"},
            }
            if row == company:
                series["line"] = {"dash_type": "dash", "width": 2.5, "color": "#404040"}
            line.add_series(series)
        line.show_blanks_as("gap")
        line.set_title({"name": "Team scores by quarter" if len(charted) == len(team_rows) else
                        f"Team scores by quarter (the first {len(charted)} of {len(team_rows)} "
                        "teams; all are in the table)"})
        line.set_y_axis({"min": 0, "max": 1, "num_format": "0%",
                         "major_gridlines": {"visible": True}})
        line.set_legend({"position": "bottom"})
        line.set_size({"width": 640, "height": 340})
        beside = self._chart_column()
        sheet.insert_chart(self.HEADER_ROW, beside, line)

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
        sheet.insert_chart(self.HEADER_ROW + 18, beside, mix)

    def _chart_data_sheet(self) -> None:
        """The team-by-quarter scores with blanks for teams not started, for the line chart."""
        sheet = self.book.add_worksheet(CHART_DATA_SHEET)
        sheet.hide()
        for index, quarter in enumerate(self.quarters, 1):
            sheet.write_string(0, index, quarter)
        teams = list(self.grid)
        for offset, team in enumerate(teams, 1):
            sheet.write_string(offset, 0, team)
            for index, quarter in enumerate(self.quarters, 1):
                entry = self.grid[team].get(quarter)
                if entry is not None and entry["score"] is not None:
                    sheet.write_number(offset, index, entry["score"])
        company = {row["quarter"]: row for row in records(self.summary.company)}
        sheet.write_string(len(teams) + 1, 0, "Company (mean of teams)")
        for index, quarter in enumerate(self.quarters, 1):
            if company[quarter]["score"] is not None:
                sheet.write_number(len(teams) + 1, index, company[quarter]["score"])

    def _chart_column(self) -> int:
        """The first column right of both tables (scores by quarter, key results by status),
        with one empty column between, so the charts cover no cell."""
        widest = max(len(self.quarters) + 2, len(KR_STATUSES) + 1)
        return widest + 1

    # -- one sheet per quarter: each team and its objectives

    def _quarter_sheet(self, quarter: str) -> None:
        sheet, f = self.book.add_worksheet(quarter), self.f
        _print_setup(sheet)
        counts = [status.capitalize() for status in KR_STATUSES]
        named = (layout.OBJECTIVE_COLUMN_OF[key].header for key in ("title", "score", "status"))
        headers = ("Team", *named, "Key results", *counts,
                   "Revised targets", "File")
        revised_column, file_column = len(headers) - 2, len(headers) - 1
        sheet.write_string(0, 0, f"OKRs {quarter}", f["title"])
        for index, header in enumerate(headers):
            sheet.write_string(2, index, header, f["header"])
        sheet.set_row(2, 30)
        teams = {row["team"]: row for row in self.summary.table_rows("teams")
                 if row["quarter"] == quarter}
        objectives = [row for row in self.summary.table_rows("objectives") if row["quarter"] == quarter]
        row = 3
        for team in sorted(teams, key=str.casefold):
            entry = teams[team]
            sheet.write_string(row, 0, team, f["team"])
            sheet.write_string(row, 1, "Team score", f["team"])
            if entry["status"] == NOT_STARTED:
                sheet.write_string(row, 2, "-", f["not_started"])
            else:
                self._number(sheet, row, 2, entry["score"], f["team_percent"])
            sheet.write_string(row, 3, entry["status"] or "", f["team"])
            sheet.write_number(row, 4, entry["key_results"], f["team"])
            for index, share in enumerate(SHARE_COLUMNS, 5):
                count = round((entry[share] or 0) * entry["key_results"])
                sheet.write_number(row, index, count, f["team"])
            sheet.write_number(row, revised_column, entry["revised_targets"], f["team"])
            sheet.write_string(row, file_column, entry["file"] or "")
            row += 1
            for objective in (item for item in objectives if item["team"] == team):
                sheet.write_string(row, 0, team)
                sheet.write_string(row, 1, objective["objective"] or "")
                self._number(sheet, row, 2, objective["score"], f["percent"])
                sheet.write_string(row, 3, objective["status"] or "")
                sheet.write_number(row, 4, objective["key_results"])
                for index, column in enumerate(COUNT_COLUMNS, 5):
                    sheet.write_number(row, index, objective[column])
                sheet.write_number(row, revised_column, objective["revised_targets"])
                row += 1
        if row > 3:
            for status in ("green", "orange", "red"):
                sheet.conditional_format(3, 2, row - 1, 3, {
                    "type": "formula", "criteria": f'=$D4="{status}"', "format": f[status]})
        sheet.set_column(0, 0, 22)
        sheet.set_column(1, 1, 48)
        sheet.set_column(2, revised_column, 10)
        sheet.set_column(file_column, file_column, 40)
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
        percent_columns = {"score", "previous_score", "confidence_fell", *SHARE_COLUMNS}
        for index, column in enumerate(TEAM_COLUMNS):
            sheet.write_string(0, index, header_text(column), f["header"])
        sheet.set_row(0, 30)
        for offset, row in enumerate(self.summary.table_rows("teams"), 1):
            for index, column in enumerate(TEAM_COLUMNS):
                value = row[column]
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(offset, index, value)
                elif column == "change":
                    sheet.write_number(offset, index, _points(value), f["points"])
                else:
                    sheet.write_number(offset, index, value,
                                       f["percent"] if column in percent_columns else None)
        sheet.set_column(0, 0, 22)
        sheet.set_column(2, 2, 36)
        sheet.set_column(3, len(TEAM_COLUMNS) - 1, 11)
        sheet.set_column(TEAM_COLUMNS.index("calibration"), TEAM_COLUMNS.index("calibration"), 15)
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
        block("Files used (company and person workbooks are in the alignment tree)",
              ("Team", "Quarter", "Level", "File"),
              [(r["team"], r["quarter"], r["level"], r["file"]) for r in records(summary.files)])
        block("Files left out", ("File", "Reason"),
              [(row_["file"], row_["reason"]) for row_ in records(summary.left_out)])
        block("Older copies (another file holds a later copy of the same team quarter)",
              ("Team", "Quarter", "Used", "Not used", "Why"),
              [(r["team"], r["quarter"], r["used"], r["not_used"], r["reason"])
               for r in records(summary.duplicates)])
        block("Conflicts (workbooks that differ, for one team and quarter; none used)",
              ("Team", "Quarter", "Files", "Why"),
              [(r["team"], r["quarter"], r["files"], r["reason"])
               for r in records(summary.conflicts)])
        block("Skipped (not a team's workbook)", ("File", "Reason"),
              [(r["file"], r["reason"]) for r in records(summary.skipped)])
        sheet.set_column(0, 1, 30)
        sheet.set_column(2, 4, 50)


def _points(change: float) -> float:
    """A change (a fraction) in percentage points, with no negative zero: -1e-16 -> 0.0."""
    return round(change * 100, 6) + 0.0


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


_MAX_SERIES = 255
"""Series in one XlsxWriter chart (it drops the rest with a warning)."""
