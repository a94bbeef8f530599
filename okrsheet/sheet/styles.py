"""The look of an OKR workbook: cell formats and status colours, defined once."""

from __future__ import annotations

from typing import Any

from okrsheet.sheet import layout

NUMBER_FORMAT = "[>=1000]#,##0;[<=-1000]-#,##0;General"
"""Thousands separated (1,500,000), small numbers as typed (12.5)."""


def workbook_formats(book: Any) -> dict[str, Any]:
    """The formats of the OKRs sheet, by name, added to an XlsxWriter workbook."""
    base = {"font_name": "Calibri", "font_size": 11, "valign": "top"}
    input_look = {"bg_color": "#FFFFFF", "border": 1, "border_color": "#D9D9D9"}
    formula_look = {"bg_color": "#F7F7F7", "border": 1, "border_color": "#D9D9D9"}
    formats: dict[str, dict[str, object]] = {
        "title": {"bold": True, "font_size": 16},
        "heading": {"bold": True, "font_size": 12, "font_color": "#1F4E78"},
        "label": {"bold": True},
        "center": {"align": "center"},
        "header": {"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF",
                   "text_wrap": True, "valign": "vcenter", "border": 1},
        "header_formula": {"bold": True, "bg_color": "#595959", "font_color": "#FFFFFF",
                           "text_wrap": True, "valign": "vcenter", "border": 1},
        "input": {**input_look},
        "input_wrap": {**input_look, "text_wrap": True},
        "input_number": {**input_look, "num_format": NUMBER_FORMAT},
        "input_percent": {**input_look, "num_format": "0%"},
        "input_date": {**input_look, "num_format": "yyyy-mm-dd"},
        "date_small": {"num_format": "yyyy-mm-dd", "font_size": 9, "align": "center",
                       "font_color": "#595959"},
        "check_in": {**input_look, "bg_color": "#FFFDE7", "num_format": NUMBER_FORMAT},
        "current": {**input_look, "bold": True, "num_format": NUMBER_FORMAT},
        "percent": {**formula_look, "num_format": "0%"},
        "score": {**formula_look, "num_format": "0%", "bold": True},
        "status": {**formula_look},
        "check": {**formula_look, "font_size": 9},
        "count": {**formula_look, "align": "center"},
    }
    made = {name: book.add_format({**base, **props}) for name, props in formats.items()}
    for status, (fill, font) in layout.STATUS_COLOURS.items():
        made[status] = book.add_format({"bg_color": fill, "font_color": font})
    return made
