"""The Actions and Parents sheets beside the OKRs sheet: written and read.

Actions name key results by id; the OKRs sheet counts each key result's open and overdue
ones. Parents lists the parent workbook's objectives and key results for the Parent
drop-downs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from okrsheet.domain import scoring
from okrsheet.domain.alignment import key_result_ids, objective_ids
from okrsheet.domain.model import Action, TeamQuarter
from okrsheet.domain.problems import ERROR, Problem
from okrsheet.sheet import formulas, layout
from okrsheet.sheet.cells import serial_date
from okrsheet.sheet.styles import workbook_formats
from okrsheet.sheet.writecells import write_text

# Public API: writing


def action_ranges() -> dict[str, str]:
    """The Actions sheet's columns as absolute ranges, and As of, for the OKRs sheet's formulas."""
    def column(key: str) -> str:  # the whole column: short, and every action typed counts
        letter_ = layout.column_letter(layout.ACTION_INDEX[key])
        return f"{layout.ACTIONS_SHEET}!{letter_}:{letter_}"

    return {"action_krs": column("key_result"), "action_titles": column("title"),
            "action_done": column("done"), "action_due": column("due"),
            "action_states": column("state"),
            "as_of": layout.absolute(layout.AS_OF.value_cell)}


def write_actions(book: Any, team_quarter: TeamQuarter, today: dt.date) -> None:
    """The Actions sheet: priority actions, each naming a key result by its id."""
    sheet = book.add_worksheet(layout.ACTIONS_SHEET)
    f = workbook_formats(book)
    index = layout.ACTION_INDEX
    for column in layout.ACTION_COLUMNS:
        sheet.write_string(0, index[column.key], column.header,
                           f["header"] if column.user_input else f["header_formula"])
        sheet.set_column(index[column.key], index[column.key], column.width)
    as_of = f"'{layout.OKRS_SHEET}'!{layout.absolute(layout.AS_OF.value_cell)}"
    kr_ids = f"'{layout.OKRS_SHEET}'!" + layout.column_range(
        "id", max(layout.FIRST_ROW + layout.READY_ROWS, len(team_quarter.key_results)
                  + len(team_quarter.unassigned) + layout.FIRST_ROW + 10) - 1)
    given = key_result_ids(team_quarter, objective_ids(team_quarter.objectives))
    written = [given.get(id(kr), kr.id) for kr in team_quarter.key_results + team_quarter.unassigned]
    day = team_quarter.as_of or today
    for row in range(1, layout.ACTION_ROWS + 1):
        action = team_quarter.actions[row - 1] if row - 1 < len(team_quarter.actions) else None
        cells = {key: layout.cell(row, column) for key, column in index.items()}
        write_text(sheet, cells["title"], action.title if action else None, f["input_wrap"])
        write_text(sheet, cells["key_result"], action.key_result if action else None, f["input"])
        write_text(sheet, cells["owner"], action.owner if action else None, f["input"])
        if action is not None and action.due is not None:
            sheet.write_datetime(cells["due"], dt.datetime.combine(action.due, dt.time()),
                                 f["input_date"])
        else:
            sheet.write_blank(cells["due"], None, f["input_date"])
        write_text(sheet, cells["done"], "yes" if action and action.done else None, f["input"])
        state = "" if action is None else scoring.action_state(
            action.done, action.due, action.key_result, written, day)
        sheet.write_formula(cells["state"], formulas.ACTION_STATE_FORMULA.format(
            title=cells["title"], done=cells["done"], due=cells["due"], as_of=as_of,
            key_result=cells["key_result"], kr_ids=kr_ids), f["status"], state)
    last = layout.ACTION_ROWS + 1

    def span(key: str) -> str:
        letter_ = layout.column_letter(index[key])
        return f"{letter_}2:{letter_}{last}"

    ids = layout.column_range("id", layout.FIRST_ROW + layout.READY_ROWS - 1)
    sheet.data_validation(span("key_result"), {
        "validate": "list", "source": f"='{layout.OKRS_SHEET}'!{ids}", "ignore_blank": True,
        "error_type": "warning", "error_title": layout.ACTION_COLUMNS[layout.ACTION_INDEX["key_result"]].header,
        "error_message": "Pick the ID of a key result from the OKRs sheet."})
    sheet.data_validation(span("done"), {"validate": "list", "source": list(scoring.YES_NO),
                                         "ignore_blank": True})
    sheet.data_validation(span("due"), {"validate": "date", "criteria": ">",
                                        "value": dt.date(2000, 1, 1), "error_type": "warning",
                                        "error_message": "A date, like 2027-02-15."})
    state = f"${layout.column_letter(index['state'])}2"
    for text, colour in (("overdue", "red"), ("done", "green"), ("open", "orange"),
                         (scoring.CHECK_DUE, scoring.CHECK_INPUT),
                         (scoring.CHECK_KEY_RESULT, scoring.CHECK_INPUT)):
        sheet.conditional_format(span("state"), {"type": "formula", "criteria": f'={state}="{text}"',
                                                 "format": f[colour]})
    sheet.freeze_panes(1, 1)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.print_area(0, 0, max(len(team_quarter.actions) + 3, 10), len(layout.ACTION_COLUMNS) - 1)


def write_parents(book: Any, choices: list[tuple[str, str]]) -> None:
    """The Parents sheet: the parent workbook's objectives and key results for the drop-downs."""
    sheet = book.add_worksheet(layout.PARENTS_SHEET)
    bold = book.add_format({"bold": True})
    for column, header in enumerate(("Reference", "Title", "Choice")):
        sheet.write_string(0, column, header, bold)
    for row, (reference, title) in enumerate(choices, 1):
        sheet.write_string(row, 0, reference)
        sheet.write_string(row, 1, title)
        sheet.write_string(row, 2, f"{reference}: {title}")
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 2, 50)


# Public API: reading


def read_parents(book: Any) -> list[tuple[str, str]]:
    """The Parents sheet's ``(reference, title)`` rows, kept so ``next`` keeps the drop-downs."""
    try:
        rows = book.get_sheet_by_name(layout.PARENTS_SHEET).to_python(skip_empty_area=False)
    except BaseException as error:  # a damaged or odd sheet, a native panic too
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        return []  # the drop-downs are a convenience
    return [(str(row[0]).strip(), str(row[1]).strip()) for row in rows[1:]
            if len(row) >= 2 and isinstance(row[0], str) and row[0].strip()]


def read_actions(book: Any) -> list[Action]:
    """The Actions sheet's rows with an action typed, found by their header texts."""
    return read_actions_checked(book, "", None)[0]


def read_actions_checked(book: Any, file: str, kr_ids: list[object] | None
                         ) -> tuple[list[Action], list[Problem]]:
    """The actions, and an error at each open action's cell its State says to check: a Due
    that is not a date, a Key result that is no ID in ``kr_ids`` (None: not checked)."""
    try:
        rows = book.get_sheet_by_name(layout.ACTIONS_SHEET).to_python(skip_empty_area=False)
    except BaseException as error:  # a damaged or odd sheet, a native panic too
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        return [], []  # leave the actions out
    if not rows:
        return [], []
    keys = {layout.normalise_header(column.header): column.key for column in layout.ACTION_COLUMNS}
    at = {keys[layout.normalise_header(text)]: index for index, text in enumerate(rows[0])
          if isinstance(text, str) and layout.normalise_header(text) in keys}
    if "title" not in at:
        return [], []

    def cell(row: list[object], key: str) -> object:
        column = at.get(key)
        return row[column] if column is not None and column < len(row) else None

    actions, problems = [], []

    def problem(number: int, key: str, message: str, code: str) -> None:
        problems.append(Problem(ERROR, file, layout.ACTIONS_SHEET,
                                layout.cell(number - 1, at[key]), message, code))

    for number, row in enumerate(rows[1:], 2):
        title = cell(row, "title")
        if not isinstance(title, str) or not title.strip():
            continue
        due = cell(row, "due")
        if isinstance(due, dt.datetime):
            due = due.date()
        elif isinstance(due, (int, float)) and not isinstance(due, bool) and 1 <= due < 2958466:
            due = serial_date(due)
        done, key_result, owner = cell(row, "done"), cell(row, "key_result"), cell(row, "owner")
        action = Action(
            title.strip(), key_result if isinstance(key_result, str) and key_result else None,
            owner.strip() or None if isinstance(owner, str) else None,
            due if isinstance(due, dt.date) else None,
            isinstance(done, str) and done.casefold() == "yes", number)
        actions.append(action)
        typed = due if due not in (None, "") and not isinstance(due, dt.date) else None
        named = key_result if key_result not in (None, "") else None
        state = scoring.action_state(action.done, typed, named, kr_ids or [], dt.date.min)
        if state == scoring.CHECK_DUE:
            problem(number, "due", f'Due is "{typed}", which is not a date, so this action is '
                    "never overdue (its State says check due). Type a date like 2027-02-15.",
                    "ACTION-DUE")
        elif state == scoring.CHECK_KEY_RESULT and kr_ids is not None:
            problem(number, "key_result", f'Key result is "{named}", which is the ID of no key '
                    "result of the OKRs sheet, so this action counts nowhere (its State says "
                    "check key result). Pick an ID from the drop-down.", "ACTION-KEY-RESULT")
    return actions, problems
