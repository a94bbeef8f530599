"""The OKRs sheet's drop-downs and colours, laid out from the row schema."""

from __future__ import annotations

from typing import Any

from okrsheet.domain import scoring
from okrsheet.domain.model import TeamQuarter
from okrsheet.sheet import layout
from okrsheet.sheet.layout import COLUMNS, letter
from okrsheet.sheet.owners import owners_range

# Public API


def add_validations(sheet: Any, tq: TeamQuarter, first: int, last: int) -> None:
    """Drop-downs and number checks on the OKRs sheet's input cells, rows ``first``..``last``."""

    def span(key: str) -> str:
        return f"{letter(key)}{first + 1}:{letter(key)}{last + 1}"

    for column in COLUMNS:
        if column.choices:
            sheet.data_validation(span(column.key), {
                "validate": "list", "source": list(column.choices), "ignore_blank": True,
                "error_title": "Not in the list", "error_type": "stop",
                "error_message": f"Choose one of: {', '.join(column.choices)}."})
        elif column.cell == layout.NUMBER and column.key != "weight":
            sheet.data_validation(span(column.key), {
                "validate": "decimal", "criteria": "between", "minimum": -1e15, "maximum": 1e15,
                "error_type": "warning", "error_title": "A number, please",
                "error_message": "Type a number, without units (put units in the Unit column)."})
    if tq.parent_choices:
        source = f"='{layout.PARENTS_SHEET}'!$C$2:$C${len(tq.parent_choices) + 1}"
        parent = {"validate": "list", "source": source, "ignore_blank": True,
                  "error_type": "warning", "error_title": layout.COLUMN_OF["parent"].header,
                  "error_message": "Pick what this aligns to from the list (or type Owner/ID)."}
        sheet.data_validation(span("parent"), parent)
        sheet.data_validation(layout.objective_range("parent").replace("$", ""), parent)
    sheet.data_validation(span("owner"), {
        "validate": "list", "source": owners_range(tq), "ignore_blank": True,
        "error_type": "warning", "error_title": layout.COLUMN_OF["owner"].header,
        "error_message": "Pick an owner from the Owners sheet (a new one: add a row there, "
                         "with their email address)."})
    sheet.data_validation(span("objective"), {
        "validate": "list", "source": layout.objective_range("id"), "ignore_blank": True,
        "error_type": "warning", "error_title": "Objective ID",
        "error_message": "Pick the ID of an objective from the Objectives table."})
    sheet.data_validation(span("weight"), {
        "validate": "decimal", "criteria": ">=", "value": 0, "error_type": "stop",
        "error_title": layout.COLUMN_OF["weight"].header,
        "error_message": "Weight is a number, 0 or more; blank means 1."})
    for field in (layout.GREEN_FROM, layout.ORANGE_FROM):
        sheet.data_validation(field.value_cell, {
            "validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1,
            "error_title": "Threshold", "error_message": "A share between 0% and 100%."})

def add_colours(sheet: Any, f: dict[str, Any], first: int, last: int) -> None:
    """Colours keyed on the status texts, so the cells and okrsheet always agree."""

    def span(key: str) -> str:
        return f"{letter(key)}{first + 1}:{letter(key)}{last + 1}"

    def by_text(where: str, cell: str, texts: dict[str, str]) -> None:
        for text, colour in texts.items():
            sheet.conditional_format(where, {"type": "formula", "criteria": f'={cell}="{text}"',
                                             "format": f[colour]})

    statuses = {status: status for status in layout.STATUS_COLOURS}
    # Colours key on the Status texts, so cells and the tool always agree.
    status_cell = f"${letter('status')}{first + 1}"
    for key in ("progress", "status"):
        by_text(span(key), status_cell, statuses)
    by_text(span("pace"), f"${letter('pace')}{first + 1}",
            {scoring.ON_TRACK: "green", scoring.AT_RISK: "orange", scoring.BEHIND: "red"})
    overdue_cell = f"{letter('overdue_actions')}{first + 1}"
    sheet.conditional_format(span("overdue_actions"), {
        "type": "formula", "criteria": f"=AND(ISNUMBER({overdue_cell}),{overdue_cell}>0)",
        "format": f["red"]})
    check_cell = f"{letter('input_check')}{first + 1}"
    sheet.conditional_format(span("input_check"), {
        "type": "formula", "criteria": f"=LEN({check_cell})>0", "format": f[scoring.CHECK_INPUT]})
    score_column = layout.column_letter(layout.OBJECTIVE_COLUMN_INDEX["score"])
    status_column = layout.column_letter(layout.OBJECTIVE_COLUMN_INDEX["status"])
    top, bottom = layout.FIRST_OBJECTIVE_ROW + 1, layout.LAST_OBJECTIVE_ROW + 1
    by_text(f"{score_column}{top}:{status_column}{bottom}", f"${status_column}{top}", statuses)
    team_status = layout.absolute(layout.TEAM_STATUS.value_cell)
    for where in (layout.TEAM_SCORE.value_cell, layout.TEAM_STATUS.value_cell):
        by_text(where, team_status, statuses)
    team = layout.absolute(layout.TEAM.value_cell)  # blank until the team types its name
    sheet.conditional_format(layout.TEAM.value_cell, {
        "type": "formula", "criteria": f"=LEN({team})=0", "format": f[scoring.CHECK_INPUT]})
    sheet_check = layout.absolute(layout.SHEET_CHECK.value_cell)
    sheet.conditional_format(layout.SHEET_CHECK.value_cell, {
        "type": "formula", "criteria": f'={sheet_check}="OK"', "format": f["green"]})
    sheet.conditional_format(layout.SHEET_CHECK.value_cell, {
        "type": "formula", "criteria": f'={sheet_check}<>"OK"', "format": f[scoring.CHECK_INPUT]})
