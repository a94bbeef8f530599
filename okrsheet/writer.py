"""Build OKR workbooks with XlsxWriter from a :class:`~okrsheet.model.TeamQuarter`.

Every formula is written with its correct cached result, computed by
:mod:`okrsheet.scoring`, because LibreOffice shows cached results without recalculating
(see docs/compatibility.md). All user text is written as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import os

from okrsheet import layout, scoring
from okrsheet.files import write_atomic
from okrsheet.layout import COLUMNS, FIRST_ROW, HEADER_ROW, address, column_range, letter
from okrsheet.model import CHECK_IN_COLUMNS, KeyResult, Objective, TeamQuarter
from okrsheet.quarter import calendar, week_start

# Public API


def write_workbook(team_quarter: TeamQuarter, path: str | os.PathLike, *,
                   force: bool = False, today: dt.date | None = None) -> None:
    """Write ``team_quarter`` as an OKR workbook at ``path`` (atomically)."""
    write_atomic(path, workbook_bytes(team_quarter, today=today), force=force)


def workbook_bytes(team_quarter: TeamQuarter, today: dt.date | None = None) -> bytes:
    """The OKR workbook as .xlsx bytes. ``today`` fixes what TODAY() caches (default: today)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    })
    created = dt.datetime.combine(team_quarter.quarter_start or dt.date(2000, 1, 1), dt.time())
    book.set_properties({
        "title": f"OKRs {team_quarter.team or ''} {team_quarter.quarter or ''}".strip(),
        "subject": "Objectives and key results",
        "comments": "Made with okrsheet",
        "created": created,
    })
    _SheetWriter(book, team_quarter, today or dt.date.today()).write()
    _write_guide(book, team_quarter)
    book.close()
    return buffer.getvalue()


# Private API


class _SheetWriter:
    def __init__(self, book, team_quarter: TeamQuarter, today: dt.date):
        self.book = book
        self.tq = team_quarter
        self.today = today
        self.sheet = book.add_worksheet(layout.OKRS_SHEET)
        self.rows = _rows(team_quarter.objectives)
        self.last_row = FIRST_ROW + max(layout.READY_ROWS, len(self.rows) + 10) - 1
        self.f = _formats(book)
        self.objective_scores = {number: objective.score  # by the sheet's objective number
                                 for number, objective in enumerate(team_quarter.objectives, 1)}

    def write(self) -> None:
        self._top()
        self._calendar()
        self._table()
        self._look()

    # -- the labelled cells at the top

    def _top(self) -> None:
        sheet, f, tq = self.sheet, self.f, self.tq
        sheet.set_row(0, 24)
        sheet.write_string(layout.TITLE_CELL, "OKRs", f["title"])
        self._label(layout.TEAM)
        sheet.write_string(layout.TEAM.value_cell, tq.team or "", f["input"])
        self._label(layout.QUARTER)
        sheet.write_string(layout.QUARTER.value_cell, tq.quarter or "", f["input"])
        self._label(layout.QUARTER_START)
        self._date(layout.QUARTER_START.value_cell, tq.quarter_start)
        self._label(layout.QUARTER_END)
        self._date(layout.QUARTER_END.value_cell, tq.quarter_end)
        self._label(layout.AS_OF)
        self._date(layout.AS_OF.value_cell, tq.as_of)
        sheet.write_comment(layout.AS_OF.value_cell,
                            "Leave blank for today, or type a date to see the pace as of then.")
        self._label(layout.ELAPSED)
        sheet.write_formula(layout.ELAPSED.value_cell, self._elapsed_formula(), f["percent"],
                            self._elapsed())
        self._label(layout.TEAM_SCORE)
        score = tq.score
        sheet.write_formula(
            layout.TEAM_SCORE.value_cell,
            scoring.TEAM_SCORE_FORMULA.format(scores=column_range("objective_score", self.last_row)),
            f["score"], "" if score is None else score)
        self._label(layout.GREEN_FROM)
        sheet.write_number(layout.GREEN_FROM.value_cell, tq.green_from, f["input_percent"])
        self._label(layout.ORANGE_FROM)
        sheet.write_number(layout.ORANGE_FROM.value_cell, tq.orange_from, f["input_percent"])
        self._label(layout.TEAM_STATUS)
        sheet.write_formula(
            layout.TEAM_STATUS.value_cell,
            scoring.TEAM_STATUS_FORMULA.format(score=layout.TEAM_SCORE.value_cell,
                                               updated=column_range("updated", self.last_row),
                                               **self._thresholds()),
            f["status"], tq.status or "")
        self.book.define_name(layout.TEAM_SCORE_NAME,
                              f"='{layout.OKRS_SHEET}'!{layout.absolute(layout.TEAM_SCORE.value_cell)}")

    def _label(self, field: layout.Field) -> None:
        self.sheet.write_string(field.label_cell, field.label, self.f["label"])

    def _date(self, where: str, value: dt.date | None) -> None:
        if value is None:
            self.sheet.write_blank(where, None, self.f["input_date"])
        else:
            self.sheet.write_datetime(where, dt.datetime.combine(value, dt.time()), self.f["input_date"])

    def _thresholds(self) -> dict[str, str]:
        return {"green": layout.absolute(layout.GREEN_FROM.value_cell),
                "orange": layout.absolute(layout.ORANGE_FROM.value_cell)}

    def _elapsed_formula(self) -> str:
        as_of = layout.absolute(layout.AS_OF.value_cell)
        return scoring.ELAPSED_FORMULA.format(
            as_of=f'IF({as_of}="",TODAY(),{as_of})',
            quarter_start=layout.absolute(layout.QUARTER_START.value_cell),
            quarter_end=layout.absolute(layout.QUARTER_END.value_cell))

    def _elapsed(self) -> float:
        elapsed = self.tq.elapsed(self.tq.as_of or self.today)
        return 0.0 if elapsed is None else elapsed

    # -- the quarter's rhythm

    def _calendar(self) -> None:
        sheet, f = self.sheet, self.f
        row, column = layout.CALENDAR_ROW, layout.CALENDAR_COLUMN
        sheet.write_string(row, column, "Week", f["label"])
        sheet.write_string(row + 1, column, "What", f["label"])
        sheet.write_string(row + 2, column, "Starts", f["label"])
        start_cell = layout.absolute(layout.QUARTER_START.value_cell)
        start = self.tq.quarter_start
        for offset, (week, what, _) in enumerate(calendar(start or dt.date(2000, 1, 1)), 1):
            sheet.write_number(row, column + offset, week, f["center"])
            sheet.write_string(row + 1, column + offset, what, f["center"])
            self._week_date(row + 2, column + offset, start_cell, week)
        for week in CHECK_IN_COLUMNS:
            self._week_date(layout.CHECK_IN_DATE_ROW, layout.COLUMN_INDEX[f"week_{week}"],
                            start_cell, week)
        date_label_column = layout.COLUMN_INDEX["week_3"] - 1
        sheet.write_string(layout.CHECK_IN_DATE_ROW, date_label_column, "Check-in week starts",
                           self.f["label_right"])

    def _week_date(self, row: int, column: int, start_cell: str, week: int) -> None:
        start = self.tq.quarter_start
        cached = "" if start is None else _serial(week_start(start, week))
        self.sheet.write_formula(row, column, f'IF({start_cell}="","",{start_cell}+{7 * (week - 1)})',
                                 self.f["date_small"], cached)

    # -- the key-result table

    def _table(self) -> None:
        sheet, f = self.sheet, self.f
        for index, column in enumerate(COLUMNS):
            sheet.write_string(HEADER_ROW, index, column.header,
                               f["header"] if column.user_input else f["header_formula"])
        previous: dict[str, object] = {}
        for row in range(FIRST_ROW, self.last_row + 1):
            position = row - FIRST_ROW
            objective, kr = self.rows[position] if position < len(self.rows) else (None, None)
            previous = self._row(row, objective, kr, previous)

    def _row(self, row: int, objective: str | None, kr: KeyResult | None,
             previous: dict[str, object]) -> dict[str, object]:
        sheet, f = self.sheet, self.f
        a = {column.key: address(column.key, row) for column in COLUMNS}

        def text(key: str, value: object) -> None:
            if value is None or value == "":
                sheet.write_blank(a[key], None, f["input"])
            else:
                sheet.write_string(a[key], str(value), f["input"])

        def number(key: str, value: object, fmt: str = "input") -> None:
            if value is None or value == "":
                sheet.write_blank(a[key], None, f[fmt])
            elif isinstance(value, str):
                sheet.write_string(a[key], value, f[fmt])
            else:
                sheet.write_number(a[key], value, f[fmt])

        text("objective", objective)
        text("title", kr.title if kr else None)
        text("owner", kr.owner if kr else None)
        text("kind", kr.kind if kr else None)
        text("type", kr.type if kr else None)
        text("unit", kr.unit if kr else None)
        number("start", kr.start if kr else None)
        number("target", kr.target if kr else None)
        number("revised_target", kr.revised_target if kr else None)
        text("revision_reason", kr.revision_reason if kr else None)
        number("weight", kr.weight if kr else None)
        text("lagging", ("yes" if kr.lagging else None) if kr else None)
        check_ins = [(kr.check_ins.get(week) if kr else None) for week in CHECK_IN_COLUMNS]
        for week, value in zip(CHECK_IN_COLUMNS, check_ins):
            number(f"week_{week}", value, "check_in")
        if kr is not None and kr.current not in (None, ""):
            number("current", kr.current, "current")
        else:
            latest = scoring.latest_check_in(check_ins)
            sheet.write_formula(a["current"], self._current_formula(row), f["current"],
                                "" if latest is None else latest)
        text("confidence", kr.confidence if kr else None)
        text("comment", kr.comment if kr else None)

        # Formulas, with the values Python computes for them cached.
        refs = {"title": a["title"], "current": a["current"], "type": a["type"],
                "start": a["start"], "target": a["target"], "revised": a["revised_target"],
                "weight": a["weight"], "lagging": a["lagging"], "progress": a["progress"],
                "objective": a["objective"], **self._thresholds(),
                "elapsed": layout.absolute(layout.ELAPSED.value_cell)}
        tq = self.tq
        progress = kr.progress if kr else ""
        sheet.write_formula(a["progress"], scoring.PROGRESS_FORMULA.format(**refs), f["percent"], progress)
        sheet.write_formula(a["status"], scoring.STATUS_FORMULA.format(**refs), f["status"],
                            tq.kr_status(kr) if kr else "")
        pace = tq.pace(kr, tq.as_of or self.today) if kr else None
        sheet.write_formula(a["pace"], scoring.PACE_FORMULA.format(**refs), f["status"], pace or "")

        # Hidden helpers: which objective a row belongs to, and its weighted progress.
        number_value = previous.get("number", 0) + (1 if objective else 0)
        sheet.write_formula(a["objective_number"], scoring.OBJECTIVE_NUMBER_FORMULA.format(
            first_objective=f"${letter('objective')}${FIRST_ROW + 1}", objective=a["objective"]),
            None, number_value)
        weight_used = kr.weight_used if kr else 0
        sheet.write_formula(a["weight_used"], scoring.WEIGHT_USED_FORMULA.format(**refs), None, weight_used)
        sheet.write_formula(a["weighted_progress"],
                            scoring.WEIGHTED_PROGRESS_FORMULA.format(weight_used=a["weight_used"], **refs),
                            None, weight_used * (kr.progress if kr else 0))

        sheet.write_formula(a["updated"], scoring.UPDATED_FORMULA.format(**refs), None,
                            1 if kr is not None and kr.updated else 0)

        # The objective's score shows on the row where it is typed.
        formula = scoring.OBJECTIVE_SCORE_FORMULA.format(
            objective=a["objective"], number=a["objective_number"],
            numbers=column_range("objective_number", self.last_row),
            weights=column_range("weight_used", self.last_row),
            weighted=column_range("weighted_progress", self.last_row))
        score = self.objective_scores.get(number_value) if objective else None
        sheet.write_formula(a["objective_score"], formula, f["score"], "" if score is None else score)
        return {"number": number_value}

    def _current_formula(self, row: int) -> str:
        formula = '""'
        for week in CHECK_IN_COLUMNS:
            formula = scoring.LATEST_CHECK_IN_STEP.format(check_in=address(f"week_{week}", row),
                                                          earlier=formula)
        return formula

    # -- colours, drop-downs, widths, panes

    def _look(self) -> None:
        sheet, f = self.sheet, self.f
        first, last = FIRST_ROW, self.last_row
        for index, column in enumerate(COLUMNS):
            options = {"hidden": True} if column.hidden else None
            sheet.set_column(index, index, column.width, None, options)
        sheet.set_column(layout.CALENDAR_COLUMN, layout.CALENDAR_COLUMN, None)
        sheet.freeze_panes(FIRST_ROW, 2)
        # Printed: landscape, one page wide, the header row on every page.
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(HEADER_ROW)
        sheet.print_area(0, 0, last, layout.COLUMN_INDEX["objective_score"])
        sheet.set_row(HEADER_ROW, 30)

        def span(key: str) -> str:
            return f"{letter(key)}{first + 1}:{letter(key)}{last + 1}"

        def validate(key: str, values: tuple[str, ...], title: str) -> None:
            sheet.data_validation(span(key), {
                "validate": "list", "source": list(values), "ignore_blank": True,
                "input_title": title[:32], "input_message": "Pick from the list."[:255],
                "error_title": "Not in the list", "error_type": "stop",
                "error_message": f"Choose one of: {', '.join(values)}.",
            })

        validate("type", scoring.KR_TYPES, "Type of key result")
        validate("kind", scoring.KR_KINDS, "Input, output or outcome")
        validate("lagging", scoring.YES_NO, "Known only after the quarter?")
        validate("confidence", scoring.CONFIDENCES, "Confidence at last check-in")
        for key in ("start", "target", "revised_target"):
            sheet.data_validation(span(key), {
                "validate": "decimal", "criteria": "between", "minimum": -1e15, "maximum": 1e15,
                "error_type": "warning", "error_title": "A number, please",
                "error_message": "Type a number, without units (put units in the Unit column)."})
        sheet.data_validation(span("weight"), {
            "validate": "decimal", "criteria": ">=", "value": 0, "error_type": "stop",
            "error_title": "Weight", "error_message": "Weight is a number, 0 or more; blank means 1."})
        for field in (layout.GREEN_FROM, layout.ORANGE_FROM):
            sheet.data_validation(field.value_cell, {
                "validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1,
                "error_title": "Threshold", "error_message": "A share between 0% and 100%."})

        # Colours key on the Status column, so cells and the tool always agree.
        status_cell = f"${letter('status')}{first + 1}"
        for key in ("progress", "status"):
            for status in layout.STATUS_COLOURS:
                sheet.conditional_format(span(key), {
                    "type": "formula", "criteria": f'={status_cell}="{status}"', "format": f[status]})
        pace_cell = f"${letter('pace')}{first + 1}"
        for pace, colour in ((scoring.ON_TRACK, "green"), (scoring.AT_RISK, "orange"),
                             (scoring.BEHIND, "red")):
            sheet.conditional_format(span("pace"), {
                "type": "formula", "criteria": f'={pace_cell}="{pace}"', "format": f[colour]})
        objective_score = f"{letter('objective_score')}{first + 1}"
        self.sheet.conditional_format(span("objective_score"), {
            "type": "formula", "stop_if_true": True, "format": f["not updated"],
            "criteria": "=" + scoring.OBJECTIVE_NOT_UPDATED_RULE.format(
                score=objective_score, numbers=column_range("objective_number", last),
                number=f"${letter('objective_number')}{first + 1}",
                updated=column_range("updated", last))})
        self._score_colours(span("objective_score"), objective_score)
        team_status = layout.absolute(layout.TEAM_STATUS.value_cell)
        for where in (layout.TEAM_SCORE.value_cell, layout.TEAM_STATUS.value_cell):
            self.sheet.conditional_format(where, {
                "type": "formula", "stop_if_true": True, "format": f["not updated"],
                "criteria": f'={team_status}="not updated"'})
            self._score_colours(where, layout.TEAM_SCORE.value_cell)

    def _score_colours(self, where: str, score: str) -> None:
        green = layout.absolute(layout.GREEN_FROM.value_cell)
        orange = layout.absolute(layout.ORANGE_FROM.value_cell)
        rules = {
            "green": f"=AND(ISNUMBER({score}),{score}>={green})",
            "orange": f"=AND(ISNUMBER({score}),{score}<{green},{score}>={orange})",
            "red": f"=AND(ISNUMBER({score}),{score}<{orange})",
        }
        for status, criteria in rules.items():
            self.sheet.conditional_format(where, {"type": "formula", "criteria": criteria,
                                                  "format": self.f[status]})


def _rows(objectives: list[Objective]) -> list[tuple[str | None, KeyResult | None]]:
    """One row per key result; the objective's text only on its first row."""
    rows: list[tuple[str | None, KeyResult | None]] = []
    for objective in objectives:
        if not objective.key_results:
            rows.append((objective.title, None))
        for index, kr in enumerate(objective.key_results):
            rows.append((objective.title if index == 0 else None, kr))
    return rows


def _serial(day: dt.date) -> float:
    """Spreadsheet date serial (1900 date system)."""
    return float((day - dt.date(1899, 12, 30)).days)


def _formats(book) -> dict[str, object]:
    base = {"font_name": "Calibri", "font_size": 11, "valign": "top"}
    input_look = {"bg_color": "#FFFFFF", "border": 1, "border_color": "#D9D9D9"}
    formula_look = {"bg_color": "#F7F7F7", "border": 1, "border_color": "#D9D9D9"}
    formats = {
        "title": {"bold": True, "font_size": 16},
        "label": {"bold": True},
        "label_right": {"bold": True, "align": "right", "font_size": 9},
        "center": {"align": "center"},
        "header": {"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF",
                   "text_wrap": True, "valign": "vcenter", "border": 1},
        "header_formula": {"bold": True, "bg_color": "#595959", "font_color": "#FFFFFF",
                           "text_wrap": True, "valign": "vcenter", "border": 1},
        "input": {**input_look, "text_wrap": False},
        "input_percent": {**input_look, "num_format": "0%"},
        "input_date": {**input_look, "num_format": "yyyy-mm-dd"},
        "date_small": {"num_format": "yyyy-mm-dd", "font_size": 9, "align": "center",
                       "font_color": "#595959"},
        "check_in": {**input_look, "bg_color": "#FFFDE7"},
        "current": {**input_look, "bold": True},
        "percent": {**formula_look, "num_format": "0%"},
        "score": {**formula_look, "num_format": "0%", "bold": True},
        "status": {**formula_look},
    }
    made = {name: book.add_format({**base, **props}) for name, props in formats.items()}
    for status, (fill, font) in layout.STATUS_COLOURS.items():
        made[status] = book.add_format({"bg_color": fill, "font_color": font})
    return made


GUIDE = (
    ("How to use this workbook", "title"),
    ("", None),
    ("The rhythm", "heading"),
    ("Week 1: agree 3 to 5 objectives with 2 to 5 key results each, and type them on the OKRs sheet.", None),
    ("Weeks 3, 5, 7, 9 and 11: check in. Type each key result's latest value in that week's column "
     "(one cell per key result), pick a confidence and add a short comment if something changed.", None),
    ("Week 13: review. Type the final value in Week 13, discuss what was learned, and start next quarter's file.", None),
    ("Keep it light: no more than two hours a week in all.", None),
    ("", None),
    ("Filling in a row", "heading"),
    ("Objective: type it once, on the first row of its key results; rows below with Objective left blank belong to it.", None),
    ("Key result: a measurable outcome (\"Win 12 new logos\"), not an activity count (\"Make 500 calls\").", None),
    ("Kind: outcome, output or input. Keep inputs (activities) in balance with outcomes.", None),
    ("Type: increase or decrease (from Start to Target), stay above / stay below (a level to hold), "
     "or milestone (type done or 1 in Current when done).", None),
    ("Start, Target: numbers without units; put the unit in Unit. A blank Start counts as 0.", None),
    ("Revised target: if the world changed mid-quarter, type a new target and the reason. "
     "The score uses it; the original stays visible.", None),
    ("Weight: how much the key result counts in its objective; blank means 1.", None),
    ("Lagging: yes for a result known only after the quarter (say, deals that close next quarter). "
     "It is left out of this quarter's score and scored at the next review.", None),
    ("Current: follows the latest check-in; type over it only to override.", None),
    ("", None),
    ("What the scores and colours mean", "heading"),
    ("Progress: how far from Start to Target (0% to 100%); for stay above/below and milestones, 0% or 100%.", None),
    ("Objective score: the weighted mean of its key results' progress. Team score: the mean of the objectives.", None),
    ("Green (on track): 70% or more. Orange (caution): 40% to 70%. Red (in danger): below 40%. "
     "Grey: not updated yet. Change the thresholds at the top of the OKRs sheet if your company uses others.", None),
    ("About 70% is a good result. Always 100% means the goals were not ambitious enough.", None),
    ("Pace: on track when progress keeps up with the share of the quarter gone by (times the green "
     "threshold), at risk when it keeps up at the orange level, behind otherwise. "
     "Leave As of blank for today.", None),
    ("", None),
    ("What goes wrong", "heading"),
    ("Too many objectives, activity counts instead of outcomes, goals nobody may change, "
     "and reporting for its own sake. Fewer, better key results beat more of them.", None),
)


def _write_guide(book, team_quarter: TeamQuarter) -> None:
    sheet = book.add_worksheet(layout.GUIDE_SHEET)
    title = book.add_format({"bold": True, "font_size": 16})
    heading = book.add_format({"bold": True, "font_size": 12, "font_color": "#1F4E78"})
    body = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 110)
    for row, (line, style) in enumerate(GUIDE):
        fmt = {"title": title, "heading": heading}.get(style, body)
        sheet.write_string(row, 0, line, fmt)
    row = len(GUIDE) + 1
    sheet.write_string(row, 0, "This quarter's calendar", heading)
    start = team_quarter.quarter_start
    if start is not None:
        for offset, (week, what, day) in enumerate(calendar(start), 1):
            sheet.write_string(row + offset, 0, f"Week {week}: {what.lower()}, from {day:%A %d %B %Y}", body)
