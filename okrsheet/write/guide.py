"""The Guide sheet: the rhythm, how to fill in the OKRs sheet, what the colours mean."""

from __future__ import annotations

import math
from typing import Any

from okrsheet.domain import scoring
from okrsheet.domain.model import TeamQuarter
from okrsheet.domain.quarter import calendar
from okrsheet.sheet import layout

_GREEN = f"{scoring.GREEN_FROM:.0%}"
_ORANGE = f"{scoring.ORANGE_FROM:.0%}"

GUIDE: tuple[tuple[str, str | None], ...] = (
    ("How to use this workbook", "title"),
    ("", None),
    ("The rhythm", "heading"),
    ("Week 1: agree 3 to 5 objectives with 2 to 5 key results each, and type them on the OKRs sheet.", None),
    ("Weeks 3, 5, 7, 9 and 11: check in. Type each key result's latest value in that week's column "
     "(one cell per key result), pick a confidence and add a short comment if something changed.", None),
    ("By email: okrsheet split, then collect the replies; okrsheet status opens the meeting.", None),
    ("Week 13: review. Type the final value in Week 13, discuss what was learned, and start next "
     "quarter's file.", None),
    ("Keep it light: no more than two hours a week in all.", None),
    ("", None),
    ("Objectives", "heading"),
    (f"Type each objective once, in the Objectives table (up to {layout.OBJECTIVE_ROWS}). Each has "
     "an ID (O1, O2...); keep the IDs as they are, they link the key results to it.", None),
    ("", None),
    ("Key results: one row each", "heading"),
    ("Objective: pick the objective's ID from the drop-down. Any empty row of the key-result table "
     "serves any objective: to add a key result, fill in the next empty row. You can sort and "
     "filter the table by any column; every row keeps its objective.", None),
    (f"Do not insert rows or type below the last ready row ({layout.READY_ROWS} are ready): such "
     "rows have no formulas and are not scored. The Sheet check at the top then says how many; "
     "move the key result into an empty ready row, or run okrsheet fix to restore the formulas.", None),
    ("Key result: a measurable outcome (\"Win 12 new logos\"), not an activity count (\"Make 500 calls\").", None),
    ("Kind: outcome, output or input. Keep inputs (activities) in balance with outcomes.", None),
    ("Type: increase or decrease (from Start to Target), stay above / stay below (a level to hold), "
     "or milestone: type done (or yes, x, completed, 1) in Current or the week's column when it is "
     "done, and no (or not done, 0) while it is not.", None),
    ("Start, Target: numbers without units; put the unit in Unit. A blank Start counts as 0; a blank "
     "Target is a target to set (check input).", None),
    ("Revised target: if the world changed mid-quarter, type a new target and the reason. "
     "The score uses it; the original stays visible.", None),
    ("Weight: how much the key result counts in its objective; blank means 1.", None),
    ("Lagging: yes for a result known only after the quarter (say, deals that close next quarter). "
     "It is left out of this quarter's score and scored at the next review.", None),
    ("Current: follows the latest check-in; type over it only to override. If you clear it, it stays "
     "blank (not updated) until okrsheet fix puts the formula back.", None),
    ("Confidence N: at each check-in, how sure the owner is that the key result ends green (high, "
     "medium, low). Confidence follows the latest one, so the trend stays visible. Anything else "
     "(med, 70%) is counted by the Sheet check: calibration can't use it.", None),
    ("ID: each key result's own id (O2.3), kept when rows are sorted or moved; priority actions "
     "and other workbooks name key results by it, so no two rows may share one (the Sheet check "
     "counts them). Do not merge cells inside the tables. Parent: what this objective or key result "
     "supports in the company's (or your team's) OKRs, picked from the drop-down; for more than "
     "one, type them apart with ; and a share if you like (Acme/O1; Acme/O3 30%).", None),
    ("", None),
    ("Priority actions", "heading"),
    ("On the Actions sheet, list what moves a key result: the action, the key result's ID, who, "
     "by when, and yes in Done when it is done. The OKRs sheet counts each key result's open and "
     "overdue actions; next quarter's workbook keeps the unfinished ones. State says check due "
     "for a Due that is not a date, check key result for an ID the OKRs sheet does not have.",
     None),
    ("", None),
    ("What the scores and colours mean", "heading"),
    ("Progress: how far from Start to Target (0% to 100%); for stay above/below and milestones, 0% or 100%.", None),
    ("Objective score: the weighted mean of its key results' progress. Team score: the mean of the objectives.", None),
    (f"Green (on track): {_GREEN} or more. Orange (caution): {_ORANGE} to {_GREEN}. Red (in danger): "
     f"below {_ORANGE}. Grey: not updated yet. Change the thresholds at the top of the OKRs sheet "
     "if your company uses others.", None),
    ("Purple, check input: an entry can't be scored (text where a number belongs, an error such as "
     "#DIV/0!, an unknown type or objective ID, a milestone entry that is neither done nor not done). "
     "The Input check column names the cell's column; fix it and the key result is scored again. "
     "Until then it counts for nothing, and its objective and the team show check input too.", None),
    (f"About {_GREEN} is a good result. Always 100% means the goals were not ambitious enough.", None),
    ("Pace: on track when progress keeps up with the share of the quarter gone by (times the green "
     "threshold), at risk when it keeps up at the orange level, behind otherwise. "
     "Leave As of blank for today.", None),
    ("", None),
    ("What goes wrong", "heading"),
    ("Too many objectives, activity counts instead of outcomes, goals nobody may change, "
     "and reporting for its own sake. Fewer, better key results beat more of them.", None),
)
"""The Guide's lines and their style (title, heading or body)."""

GUIDE_WIDTH = 90  # characters: fits a landscape page even where Calibri is replaced by a wider font


def write_guide(book: Any, team_quarter: TeamQuarter) -> None:
    """Add the Guide sheet to an XlsxWriter workbook."""
    sheet = book.add_worksheet(layout.GUIDE_SHEET)
    title = book.add_format({"bold": True, "font_size": 16})
    heading = book.add_format({"bold": True, "font_size": 12, "font_color": "#1F4E78"})
    body = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, GUIDE_WIDTH)
    lines = list(GUIDE)
    lines += [("", None), ("This quarter's calendar", "heading")]
    start = team_quarter.quarter_start
    if start is not None:
        lines += [(f"Week {week}: {what.lower()}, from {day:%A %d %B %Y}", None)
                  for week, what, day in calendar(start)]
    for row, (line, style) in enumerate(lines):
        fmt = {"title": title, "heading": heading}.get(style or "", body)
        sheet.write_string(row, 0, line, fmt)
        if style is None and line:
            # Spreadsheets do not grow rows for wrapped text on load: set the height.
            sheet.set_row(row, 15 * max(1, math.ceil(len(line) / (GUIDE_WIDTH * 1.05))))
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
