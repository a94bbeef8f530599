"""Build OKR workbooks with XlsxWriter from a :class:`~okrsheet.domain.model.TeamQuarter`.

Every formula is written with its correct cached result, computed by
:mod:`okrsheet.domain.scoring`, because LibreOffice shows cached results without recalculating
(see docs/compatibility.md). All user text is written as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
from typing import Any

from okrsheet.domain import schema, scoring
from okrsheet.domain.alignment import key_result_ids, objective_ids
from okrsheet.domain.model import KeyResult, TeamQuarter
from okrsheet.domain.problems import OkrsheetError
from okrsheet.domain.quarter import CHECK_IN_COLUMNS, calendar, week_start
from okrsheet.files.writing import write_atomic
from okrsheet.sheet import formulas, layout
from okrsheet.sheet.layout import COLUMNS, FIRST_ROW, HEADER_ROW, address, column_range
from okrsheet.sheet.owners import write_owners
from okrsheet.sheet.sidesheets import action_ranges, write_actions, write_parents
from okrsheet.sheet.styles import workbook_formats
from okrsheet.sheet.writecells import cached_result, serial, write_text, write_value
from okrsheet.write.guide import write_guide
from okrsheet.write.sheetlook import add_colours, add_validations

# Public API


def write_workbook(team_quarter: TeamQuarter, path: str | os.PathLike[str], *,
                   force: bool = False, today: dt.date | None = None) -> None:
    """Write ``team_quarter`` as an OKR workbook at ``path`` (atomically)."""
    write_atomic(path, workbook_bytes(team_quarter, today=today), force=force)


ExtraSheet = tuple[str, dict[tuple[int, int], object], int]
"""A sheet of the team's own, kept by ``fix``: name, cells by 0-based place, formula count."""


def workbook_bytes(team_quarter: TeamQuarter, today: dt.date | None = None,
                   extra_sheets: list[ExtraSheet] | None = None) -> bytes:
    """The OKR workbook as .xlsx bytes. ``today`` fixes what TODAY() caches (default: today);
    ``extra_sheets`` are copied after okrsheet's own, value for value."""
    import xlsxwriter

    _refuse_long_texts(team_quarter)
    if len(team_quarter.objectives) > layout.OBJECTIVE_ROWS:
        raise OkrsheetError(
            f"{len(team_quarter.objectives)} objectives; an OKR workbook holds at most "
            f"{layout.OBJECTIVE_ROWS} (the guide asks for 3 to 5).")
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
    write_actions(book, team_quarter, today or dt.date.today())
    write_guide(book, team_quarter)
    write_owners(book, team_quarter)
    if team_quarter.parent_choices:
        write_parents(book, team_quarter.parent_choices)
    for name, cells, _ in extra_sheets or ():
        _copy_sheet(book, name, cells)
    book.close()
    return buffer.getvalue()


MAX_CELL_TEXT = 32_767
"""Characters a spreadsheet cell holds (Excel's limit; XlsxWriter cuts longer text)."""


# Private API


def _copy_sheet(book: Any, name: str, cells: dict[tuple[int, int], object]) -> None:
    """A sheet of the team's own, value for value (text stays text; dates stay dates)."""
    sheet = book.add_worksheet(name[:31])
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for (row, column), value in sorted(cells.items()):
        if isinstance(value, (dt.datetime, dt.date)):
            sheet.write_datetime(row, column, value if isinstance(value, dt.datetime)
                                 else dt.datetime.combine(value, dt.time()), date)
        elif isinstance(value, dt.timedelta):
            sheet.write_number(row, column, value.total_seconds() / 86400)
        else:
            write_value(sheet, layout.cell(row, column), value, None)


def _refuse_long_texts(team_quarter: TeamQuarter) -> None:
    """Text longer than a cell holds would be cut without a word: refuse it instead."""
    items: list[tuple[str, object]] = [("Team", team_quarter.team)]
    items += [(f'objective "{o.title[:40]}"', o.title) for o in team_quarter.objectives]
    for kr in team_quarter.key_results + team_quarter.unassigned:
        items += [(f'key result "{kr.title[:40]}", {key}', getattr(kr, key))
                  for key in schema.TEXTS]
    items += [(f'action "{a.title[:40]}"', a.title) for a in team_quarter.actions]
    for where, text in items:
        if isinstance(text, str) and len(text) > MAX_CELL_TEXT:
            raise OkrsheetError(f"{where}: {len(text):,} characters; a spreadsheet cell holds at "
                                f"most {MAX_CELL_TEXT:,}. Shorten it and try again.")


class _SheetWriter:
    def __init__(self, book: Any, team_quarter: TeamQuarter, today: dt.date):
        self.book = book
        self.tq = team_quarter
        self.today = today
        self.sheet = book.add_worksheet(layout.OKRS_SHEET)
        self.ids = objective_ids(team_quarter.objectives, layout.OBJECTIVE_ROWS)
        self.kr_ids = key_result_ids(team_quarter, self.ids)
        self.rows = _rows(team_quarter, self.ids)
        self.extras = list(dict.fromkeys(  # columns of the team's own, after okrsheet's
            team_quarter.extra_columns
            + [header for kr in team_quarter.key_results + team_quarter.unassigned
               for header in kr.extras]))
        self.written_ids = [self.kr_ids.get(id(kr), kr.id) for _, kr in self.rows]
        self.last_row = FIRST_ROW + max(layout.READY_ROWS, len(self.rows) + 10) - 1
        self.f = workbook_formats(book)

    def write(self) -> None:
        self._top()
        self._calendar()
        self._objectives()
        self._table()
        self._look()

    # -- the labelled cells at the top

    def _top(self) -> None:
        sheet, f, tq = self.sheet, self.f, self.tq
        sheet.set_row(0, 24)
        sheet.write_string(layout.TITLE_CELL, "OKRs", f["title"])
        self._label(layout.TEAM)
        if tq.team:
            sheet.write_string(layout.TEAM.value_cell, tq.team, f["input"])
        else:
            sheet.write_blank(layout.TEAM.value_cell, None, f["input"])
            sheet.write_comment(layout.TEAM.value_cell, "Type your team's name here.")
        self._label(layout.QUARTER)
        sheet.write_string(layout.QUARTER.value_cell, tq.quarter or "", f["input"])
        self._label(layout.QUARTER_START)
        self._date(layout.QUARTER_START.value_cell, tq.quarter_start)
        self._label(layout.QUARTER_END)
        self._date(layout.QUARTER_END.value_cell, tq.quarter_end)
        self._label(layout.AS_OF)
        if tq.as_of is None and tq.as_of_entry is not None:
            write_value(sheet, layout.AS_OF.value_cell, tq.as_of_entry, f["input_date"])
        else:
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
            formulas.TEAM_SCORE_FORMULA.format(scores=layout.objective_range("score_value")),
            f["score"], "" if score is None else score)
        self._label(layout.GREEN_FROM)
        sheet.write_number(layout.GREEN_FROM.value_cell, tq.green_from, f["input_percent"])
        self._label(layout.ORANGE_FROM)
        sheet.write_number(layout.ORANGE_FROM.value_cell, tq.orange_from, f["input_percent"])
        self._label(layout.TEAM_STATUS)
        sheet.write_formula(
            layout.TEAM_STATUS.value_cell,
            formulas.TEAM_STATUS_FORMULA.format(score=layout.TEAM_SCORE.value_cell,
                                                to_check=column_range("to_check", self.last_row),
                                                updated=column_range("updated", self.last_row),
                                                **self._thresholds()),
            f["status"], tq.status or "")
        self._label(layout.LEVEL)
        sheet.write_string(layout.LEVEL.value_cell, tq.level or "team", f["input"])
        sheet.data_validation(layout.LEVEL.value_cell, {
            "validate": "list", "source": list(layout.LEVELS), "error_type": "stop",
            "error_title": "Level", "error_message": "company, team or person."})
        self._label(layout.SHEET_CHECK)
        last_checked = max(self.last_row, FIRST_ROW + layout.CHECKED_ROWS - 1)
        sheet.write_formula(
            layout.SHEET_CHECK.value_cell,
            formulas.SHEET_CHECK_FORMULA.format(
                titles=column_range("title", last_checked),
                counted=column_range("counted", self.last_row),
                to_check=column_range("to_check", self.last_row),
                shown=column_range("shown", self.last_row),
                objective_shown=layout.objective_range("shown"),
                team_shown=formulas.TEAM_SHOWN_FORMULA.format(
                    team_score=layout.TEAM_SCORE.value_cell,
                    score_values=layout.objective_range("score_value"),
                    team_status=layout.TEAM_STATUS.value_cell,
                    to_check=column_range("to_check", self.last_row),
                    updated=column_range("updated", self.last_row), **self._thresholds()),
                shared_ids=column_range("shared_id", self.last_row),
                objective_shared_ids=layout.objective_range("shared_id"),
                odd_confidences="+".join(
                    formulas.ODD_CONFIDENCES_STEP.format(
                        titles=column_range("title", self.last_row),
                        confidences=column_range(key, self.last_row))
                    for key in (*layout.CONFIDENCE_KEYS, "confidence")),
                actions_to_check=formulas.ACTIONS_TO_CHECK_FORMULA.format(
                    action_states=action_ranges()["action_states"]),
                **self._thresholds(),
                objective_titles=layout.objective_range("title"),
                objective_counts=layout.objective_range("key_results")),
            f["status"], self._sheet_check())
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

    def _sheet_check(self) -> str:
        """The Sheet check's value for the sheet as written (every formula in place)."""
        tq = self.tq
        shared = sum(map(self._shared_id, (kr for _, kr in self.rows)))
        shared += sum(self._objective_shared_id(index) for index in range(len(tq.objectives)))
        odd = sum(_odd_confidences(kr) for _, kr in self.rows)
        day = tq.as_of or self.today
        states = [scoring.action_state(a.done, a.due, a.key_result, self.written_ids, day)
                  for a in tq.actions[:layout.ACTION_ROWS]]
        actions = sum(state in (scoring.CHECK_DUE, scoring.CHECK_KEY_RESULT) for state in states)
        return scoring.sheet_check(tq.to_check, shared, odd, actions)

    def _shared_id(self, kr: KeyResult | None) -> int:
        """The hidden Shared ID helper's value for ``kr``'s row."""
        kr_id = self.kr_ids.get(id(kr), kr.id) if kr is not None else None
        if kr_id in (None, ""):
            return 0
        same = [i for i in self.written_ids if scoring.same_id(i, kr_id)]
        return 1 if len(same) > 1 else 0

    def _objective_shared_id(self, index: int) -> int:
        """The Objectives table's Shared ID helper for the ``index``-th objective."""
        if index >= len(self.tq.objectives) or not self.ids[index]:
            return 0
        titled = [self.ids[i] for i, o in enumerate(self.tq.objectives) if o.title]
        return 1 if sum(scoring.same_id(i, self.ids[index]) for i in titled) > 1 else 0

    def _elapsed_formula(self) -> str:
        as_of = layout.absolute(layout.AS_OF.value_cell)
        return formulas.ELAPSED_FORMULA.format(
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
            cached = "" if start is None else serial(week_start(start, week))
            sheet.write_formula(row + 2, column + offset,
                                f'IF({start_cell}="","",{start_cell}+{7 * (week - 1)})',
                                f["date_small"], cached)

    # -- the Objectives table

    def _objectives(self) -> None:
        sheet, f, tq = self.sheet, self.f, self.tq
        sheet.write_string(layout.OBJECTIVES_HEADING_ROW, 0, "Objectives", f["heading"])
        for column in layout.OBJECTIVE_COLUMNS:
            sheet.write_string(layout.OBJECTIVES_HEADER_ROW, layout.OBJECTIVE_COLUMN_INDEX[column.key],
                               column.header, f["header"] if column.user_input else f["header_formula"])
        scores = tq.scores()
        for index in range(layout.OBJECTIVE_ROWS):
            row = layout.FIRST_OBJECTIVE_ROW + index
            objective = tq.objectives[index] if index < len(tq.objectives) else None
            a = {key: layout.objective_address(key, row) for key in layout.OBJECTIVE_COLUMN_INDEX}
            sheet.write_string(a["id"], self.ids[index], f["input"])
            write_text(sheet, a["title"], objective.title if objective else None, f["input_wrap"])
            write_text(sheet, a["parent"], objective.parent if objective else None, f["input"])
            refs = {**a, **self._thresholds(), "id_range": layout.objective_range("id"),
                    "title_range": layout.objective_range("title"),
                    "objectives": column_range("objective", self.last_row),
                    "titles": column_range("title", self.last_row),
                    "weights": column_range("weight_used", self.last_row),
                    "weighted": column_range("weighted_progress", self.last_row),
                    "kr_updated": column_range("updated", self.last_row),
                    "kr_to_check": column_range("to_check", self.last_row)}
            found = scores.objectives[index] if objective else None
            score = "" if found is None or found.score is None else found.score
            krs = objective.key_results if objective else []
            templates = (
                ("score_value", formulas.OBJECTIVE_SCORE_VALUE_FORMULA, None, score),
                ("score", formulas.OBJECTIVE_SCORE_FORMULA, f["score"], score),
                ("updated", formulas.OBJECTIVE_UPDATED_FORMULA, None, sum(kr.updated for kr in krs)),
                ("to_check", formulas.OBJECTIVE_TO_CHECK_FORMULA, None,
                 sum(1 for kr in krs if kr.check)),
                ("status", formulas.OBJECTIVE_STATUS_FORMULA, f["status"],
                 (found.status or "") if found else ""),
                ("shown", formulas.OBJECTIVE_SHOWN_FORMULA, None, 0),
                ("shared_id", formulas.SHARED_ID_FORMULA, None,
                 self._objective_shared_id(index) if objective else 0),
            ("key_results", formulas.OBJECTIVE_KEY_RESULTS_FORMULA, f["count"],
                 (len(krs) if self.ids[index] else 0) if objective else ""),
            )
            for key, formula, fmt, cached in templates:
                sheet.write_formula(a[key], formula.format(**refs), fmt, cached)

    # -- the key-result table

    def _table(self) -> None:
        sheet, f = self.sheet, self.f
        sheet.write_string(layout.KEY_RESULTS_HEADING_ROW, 0, "Key results", f["heading"])
        for index, column in enumerate(COLUMNS):
            sheet.write_string(HEADER_ROW, index, column.header,
                               f["header"] if column.user_input else f["header_formula"])
        for index, header in enumerate(self.extras, len(COLUMNS)):
            sheet.write_string(HEADER_ROW, index, header, f["header"])
        for row in range(FIRST_ROW, self.last_row + 1):
            position = row - FIRST_ROW
            objective, kr = self.rows[position] if position < len(self.rows) else (None, None)
            self._row(row, objective, kr)

    def _row(self, row: int, objective: object, kr: KeyResult | None) -> None:
        sheet, f, tq = self.sheet, self.f, self.tq
        a = {column.key: address(column.key, row) for column in COLUMNS}
        check_ins = [(kr.check_ins.get(week) if kr else None) for week in CHECK_IN_COLUMNS]
        inputs: dict[str, object] = {"objective": objective}
        if kr is not None:
            inputs.update({field.key: getattr(kr, field.attribute)
                           for field in schema.KEY_RESULT_FIELDS
                           if field.kind in (schema.TEXT, schema.NUMBER, schema.CHOICE)
                           and field.attribute and field.week is None})
            inputs.update(zip(layout.CONFIDENCE_KEYS,
                              [kr.confidences.get(week) for week in CHECK_IN_COLUMNS]))
            inputs["lagging"] = kr.lagging_entry if kr.lagging_entry is not None else (
                "yes" if kr.lagging else None)
            inputs.update(zip(layout.CHECK_IN_KEYS, check_ins))
            inputs["id"] = self.kr_ids.get(id(kr), kr.id)
        for column in COLUMNS:
            value = inputs.get(column.key)
            if column.cell in (layout.TEXT, layout.CHOICE):
                wrap = column.key in schema.LONG_TEXTS
                write_text(sheet, a[column.key], value, f["input_wrap" if wrap else "input"])
            elif column.cell in (layout.NUMBER, layout.CHECK_IN):
                write_value(sheet, a[column.key], value,
                       f["check_in" if column.cell == layout.CHECK_IN else "input_number"])
        if kr is not None and (kr.current not in (None, "") or not kr.follows_check_ins):
            write_value(sheet, a["current"], kr.current, f["current"])
        else:
            latest = scoring.latest_check_in(check_ins)
            sheet.write_formula(a["current"], self._latest_formula(row, layout.CHECK_IN_KEYS),
                                f["current"], cached_result(latest))
        if kr is not None and (kr.confidence not in (None, "") or not kr.follows_confidences):
            write_text(sheet, a["confidence"], kr.confidence, f["input"])
        else:
            latest = kr.confidence_value if kr is not None else None
            sheet.write_formula(a["confidence"], self._latest_formula(row, layout.CONFIDENCE_KEYS),
                                f["input"], cached_result(latest))
        if kr is not None:
            self._height(row, kr)
            for index, header in enumerate(self.extras, len(COLUMNS)):
                value = kr.extras.get(header)
                if isinstance(value, (dt.datetime, dt.date)):
                    sheet.write_datetime(row, index, value if isinstance(value, dt.datetime)
                                         else dt.datetime.combine(value, dt.time()),
                                         f["input_date"])
                elif isinstance(value, dt.timedelta):
                    sheet.write_number(row, index, value.total_seconds() / 86400, f["input"])
                else:
                    write_value(sheet, layout.cell(row, index), value, f["input_wrap"])

        # Formulas, with the values Python computes for them cached.
        refs = {"title": a["title"], "current": a["current"], "type": a["type"],
                "start": a["start"], "target": a["target"], "revised": a["revised_target"],
                "weight": a["weight"], "lagging": a["lagging"], "progress": a["progress_value"],
                "objective": a["objective"], "check": a["input_check"],
                "weight_used": a["weight_used"], "shown_progress": a["progress"], "id": a["id"],
                "shown_status": a["status"], "status_value": a["status_value"],
                **action_ranges(),
                "ids": layout.objective_range("id"),
                "id_range": column_range("id", self.last_row),
                "title_range": column_range("title", self.last_row),
                "objective_titles": layout.objective_range("title"),
                "elapsed": layout.absolute(layout.ELAPSED.value_cell), **self._thresholds()}
        check = tq.kr_check(kr) if kr else None
        progress = (0.0 if check else kr.progress) if kr else 0.0
        weight_used = scoring.weight_used(kr.weight, kr.lagging, check) if kr else 0
        pace = tq.pace(kr, tq.as_of or self.today) if kr else None
        kr_id = self.kr_ids.get(id(kr), kr.id) if kr else None
        actions: tuple[object, object] = tq.action_counts(kr_id, tq.as_of or self.today) \
            if kr_id else ("", "")
        templates = (
            ("input_check", formulas.INPUT_CHECK_FORMULA, f["check"], check or ""),
            ("progress_value", formulas.PROGRESS_VALUE_FORMULA, None, progress if kr else ""),
            ("progress", formulas.PROGRESS_FORMULA, f["percent"], progress if kr else ""),
            ("status_value", formulas.STATUS_VALUE_FORMULA, None, tq.kr_status(kr) if kr else ""),
            ("status", formulas.STATUS_FORMULA, f["status"], tq.kr_status(kr) if kr else ""),
            ("pace", formulas.PACE_FORMULA, f["status"], pace or ""),
            ("weight_used", formulas.WEIGHT_USED_FORMULA, None, weight_used),
            ("weighted_progress", formulas.WEIGHTED_PROGRESS_FORMULA, None,
             weight_used * progress),
            ("updated", formulas.UPDATED_FORMULA, None, 1 if kr is not None and not check
             and kr.current_value not in (None, "") else 0),
            ("to_check", formulas.TO_CHECK_FORMULA, None, 1 if check else 0),
            ("counted", formulas.COUNTED_FORMULA, None, 1 if kr is not None else 0),
            ("shown", formulas.SHOWN_FORMULA, None, 0),
            ("shared_id", formulas.SHARED_ID_FORMULA, None, self._shared_id(kr)),

            ("open_actions", formulas.OPEN_ACTIONS_FORMULA, f["count"], actions[0]),
            ("overdue_actions", formulas.OVERDUE_ACTIONS_FORMULA, f["count"], actions[1]),
        )
        for key, formula, fmt, cached in templates:
            sheet.write_formula(a[key], formula.format(**refs), fmt, cached)

    def _latest_formula(self, row: int, keys: tuple[str, ...]) -> str:
        """The last non-blank of the week columns ``keys`` (values, or confidences)."""
        formula = '""'
        for key in keys:
            formula = formulas.LATEST_CHECK_IN_STEP.format(check_in=address(key, row), earlier=formula)
        return formula

    def _height(self, row: int, kr: KeyResult) -> None:
        """Rows grow for long titles and comments (spreadsheets do not on load)."""
        lines = 1
        for key in schema.LONG_TEXTS:
            text = getattr(kr, key)
            if text:
                lines = max(lines, math.ceil(len(str(text)) / (layout.COLUMN_OF[key].width * 1.05)))
        if lines > 1:
            self.sheet.set_row(row, 15 * min(lines, 6))

    # -- colours, drop-downs, widths, panes, printing

    def _look(self) -> None:
        sheet = self.sheet
        first, last = FIRST_ROW, self.last_row
        for index, column in enumerate(COLUMNS):
            options = {"hidden": True} if column.hidden else None
            sheet.set_column(index, index, column.width, None, options)
        for index, _ in enumerate(self.extras, len(COLUMNS)):
            sheet.set_column(index, index, 20)
        sheet.freeze_panes(FIRST_ROW, 2)
        sheet.set_row(HEADER_ROW, 30)
        sheet.set_row(layout.OBJECTIVES_HEADER_ROW, 18)
        # Printed: landscape, two pages wide (inputs, then check-ins and scores), with the
        # objective and key-result columns and the header row on every page.
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(2, 0)
        sheet.repeat_rows(HEADER_ROW)
        sheet.repeat_columns(0, 1)
        sheet.print_area(0, 0, max(FIRST_ROW + len(self.rows) + 4, FIRST_ROW + 14),
                         layout.COLUMN_INDEX["input_check"])
        add_validations(sheet, self.tq, first, last)
        add_colours(sheet, self.f, first, last)


def _odd_confidences(kr: KeyResult | None) -> int:
    """Confidence cells of ``kr``'s row outside the list, as the Sheet check counts them:
    each week's, and Confidence as shown (typed, or following the weeks)."""
    if kr is None:
        return 0
    cells = [kr.confidences.get(week) for week in CHECK_IN_COLUMNS] + [kr.confidence_value]
    return sum(map(scoring.unknown_confidence, cells))


def _rows(team_quarter: TeamQuarter, ids: list[str]) -> list[tuple[object, KeyResult]]:
    """One row per key result, naming its objective's id; unassigned key results last."""
    rows: list[tuple[object, KeyResult]] = []
    for objective, objective_id in zip(team_quarter.objectives, ids):
        rows += [(objective_id, kr) for kr in objective.key_results]
    rows += [(kr.objective_id, kr) for kr in team_quarter.unassigned]
    return rows
