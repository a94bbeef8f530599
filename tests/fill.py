"""Fill a generated workbook's input cells the way a user would, and the model they mean.

``random_rows`` makes key-result rows covering every rule (all types, blanks, weights,
over- and under-achievement, decreasing targets, start == target, revised targets,
lagging KRs, check-ins, milestones) and every kind of unusable entry a person types (text
where a number belongs, ``50%`` as text, unknown types and objective ids, error values,
dates, negative weights, milestone words). ``random_objectives`` fills the Objectives table.
"""

from __future__ import annotations

import datetime as dt
import random

from okrsheet.domain import scoring
from okrsheet.domain.model import KeyResult, Objective, TeamQuarter
from okrsheet.domain.quarter import CHECK_IN_COLUMNS
from okrsheet.sheet import layout
from okrsheet.sheet.cells import date_serial

INPUT_KEYS = layout.INPUT_KEYS
ERRORS = {"=1/0": "#DIV/0!", "=NA()": "#N/A"}
"""Formulas a person might leave in an input cell, and the error value each shows."""


def _number(rng: random.Random) -> float:
    choice = rng.random()
    if choice < 0.3:
        return float(rng.randint(-20, 200))
    if choice < 0.6:
        return round(rng.uniform(-1000, 1000), rng.randint(0, 4))
    if choice < 0.8:
        return rng.uniform(0, 1)
    return float(rng.choice([0, 1, 10, 100, 0.7, 0.4, 1e6]))


def _odd(rng: random.Random) -> object:
    """An entry that is not a plain number."""
    return rng.choice(["20,5", "fifty", "1,200,000", "50%", " 12 ", "=1/0", "=NA()",
                       dt.datetime(2027, 2, 10)])


def random_objectives(rng: random.Random) -> list[dict[str, object]]:
    """Rows of the Objectives table: ids O1.. with titles (some left blank)."""
    titles = ["Grow revenue", "Keep customers", "=1+1", "+49 123", "Ship faster", None]
    rows = []
    for number in range(1, layout.OBJECTIVE_ROWS + 1):
        title = rng.choice(titles) if number <= 6 else None
        rows.append({"id": layout.objective_id(number), "title": title})
    if rng.random() < 0.5:
        rows[1]["id"] = "o2"  # ids match ignoring case
    return rows


OBJECTIVES = [{"id": layout.objective_id(number), "title": title} for number, title in enumerate(
    ["Grow revenue", "Keep customers", "Hire well", "Ship faster", "=1+1", "+49 123"], 1)]
"""An Objectives table with six objectives, for tests that don't vary it."""


def random_rows(rng: random.Random, count: int, odd: float = 0.0) -> list[dict[str, object]]:
    """``count`` key-result rows of input cells, keyed like :data:`okrsheet.sheet.layout.COLUMNS`;
    ``odd`` is the share of cells holding an unusable entry."""
    rows: list[dict[str, object]] = []
    for index in range(count):
        row: dict[str, object] = {}
        if rng.random() < 0.06:
            rows.append(row)  # an empty row between key results
            continue
        row["objective"] = rng.choice(["O1", "O2", "O3", "O4", "O5", "O6", "O1", "O2", "O3", "o1"])
        if rng.random() < odd:
            row["objective"] = rng.choice(["O9", None, "O2 ", 3.0])  # names no objective
        row["title"] = rng.choice(["Win new logos", "Cut churn", "@SUM(1)", "NPS", "ARR",
                                   "=A1"]) + f" {index}"
        row["owner"] = rng.choice([None, "Sam", "Priya"])
        row["kind"] = rng.choice([None, "input", "output", "outcome"])
        kr_type = rng.choice(["increase", "decrease", "stay above", "stay below", "milestone",
                              "Increase", "", "MILESTONE"])
        if rng.random() < odd * 2:
            kr_type = rng.choice(["bogus", "milestone "])
        row["type"] = kr_type or None
        start = _number(rng) if rng.random() < 0.85 else None
        target = _number(rng) if rng.random() < 0.9 else None
        if rng.random() < 0.1:
            target = start  # start == target
        row["start"], row["target"] = start, target
        if rng.random() < 0.15:
            row["revised_target"] = _number(rng)
            row["revision_reason"] = "market changed"
        row["weight"] = rng.choice([None, None, None, 1.0, 2.0, 0.5, 0.0, 3.0] + [-1.0] * bool(odd))
        row["lagging"] = "yes" if rng.random() < 0.08 else rng.choice([None, None, "no", "Yes"])
        if kr_type.strip().casefold() == "milestone":
            entries = ["done", "yes", "no", 1.0, 0.0, "Done ", "x", "completed", "not done", " DONE"]
            if odd:
                entries += ["in progress", 0.5]
            values = [rng.choice(entries) for _ in CHECK_IN_COLUMNS]
        else:
            span = (target if target is not None else 1.0) - (start or 0.0)
            values = [(start or 0.0) + span * rng.uniform(-0.3, 1.4) for _ in CHECK_IN_COLUMNS]
            values = [value if rng.random() < 0.5 else _number(rng) for value in values]
        filled = rng.randint(0, len(CHECK_IN_COLUMNS))
        for week, value in zip(CHECK_IN_COLUMNS, values):
            if CHECK_IN_COLUMNS.index(week) < filled and rng.random() < 0.85:
                row[f"week_{week}"] = value
                if rng.random() < 0.7:
                    row[f"confidence_{week}"] = rng.choice(["high", "medium", "low"])
        if rng.random() < 0.3:
            milestone = kr_type.strip().casefold() == "milestone"
            row["current"] = values[-1] if rng.random() < 0.7 or milestone else _number(rng)
        if rng.random() < 0.15:
            row["confidence"] = rng.choice(["high", "medium", "low"])  # typed over the formula
        for key in ("start", "target", "revised_target", "weight", "current", "week_3",
                    "week_5", "week_13", "lagging"):
            if rng.random() < odd:
                row[key] = _odd(rng) if key != "lagging" else rng.choice(["maybe", "yes ", "=1/0"])
        rows.append(row)
    return rows


def meant(value: object) -> object:
    """What the sheet holds for a typed value: numbers as floats, dates as date numbers, the
    error of a formula left in an input, text as typed."""
    if isinstance(value, str) and value in ERRORS:
        return scoring.CellError(ERRORS[value])
    if isinstance(value, dt.datetime):
        return date_serial(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def key_result(row: dict[str, object], sheet_row: int | None = None) -> KeyResult | None:
    if not row.get("title"):
        return None
    lagging = meant(row.get("lagging"))
    kr = KeyResult(
        title=str(row["title"]), owner=row.get("owner"),  # type: ignore[arg-type]
        type=row.get("type"), start=meant(row.get("start")),  # type: ignore[arg-type]
        target=meant(row.get("target")), current=meant(row.get("current")),
        weight=meant(row.get("weight")), kind=row.get("kind"),  # type: ignore[arg-type]
        revised_target=meant(row.get("revised_target")),
        revision_reason=row.get("revision_reason"),  # type: ignore[arg-type]
        lagging=isinstance(lagging, str) and lagging.casefold() == "yes",
        check_ins={week: meant(row[f"week_{week}"]) for week in CHECK_IN_COLUMNS
                   if row.get(f"week_{week}") is not None},
        confidence=row.get("confidence"), row=sheet_row,  # type: ignore[arg-type]
        confidences={week: row[f"confidence_{week}"] for week in CHECK_IN_COLUMNS
                     if row.get(f"confidence_{week}") is not None},
    )
    if lagging is not None and not (isinstance(lagging, str) and lagging.casefold() in ("yes", "no")):
        kr.lagging_entry = lagging
    if isinstance(kr.type, str) and kr.type in ERRORS:
        kr.input_error = scoring.CellError(ERRORS[kr.type])
    return kr


def team_quarter(rows: list[dict[str, object]], base: TeamQuarter,
                 objectives: list[dict[str, object]] | None = None) -> TeamQuarter:
    """The model the filled rows mean, with the settings of ``base``."""
    objectives = OBJECTIVES if objectives is None else objectives
    tq = TeamQuarter(team=base.team, quarter=base.quarter, quarter_start=base.quarter_start,
                     quarter_end=base.quarter_end, as_of=base.as_of, green_from=base.green_from,
                     orange_from=base.orange_from)
    tq.objectives = [Objective(title=str(row["title"]), id=str(row["id"]),
                               row=layout.FIRST_OBJECTIVE_ROW + index + 1)
                     for index, row in enumerate(objectives) if row.get("title")]
    for index, row in enumerate(rows):
        kr = key_result(row, layout.FIRST_ROW + index + 1)
        if kr is None:
            continue
        reference = meant(row.get("objective"))
        owners = [objective for objective in tq.objectives if scoring.same_id(reference, objective.id)]
        for objective in owners:
            objective.key_results.append(kr)
        if not owners:
            kr.objective_id = reference
            tq.unassigned.append(kr)
    return tq


def fill_with_openpyxl(path, rows: list[dict[str, object]], *,
                       objectives: list[dict[str, object]] | None = None,
                       team: str | None = None, green_from: float | None = None,
                       orange_from: float | None = None, as_of: dt.date | None = None) -> None:
    """Type ``rows`` into the input cells of a generated workbook (and nothing else)."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book[layout.OKRS_SHEET]
    if team is not None:
        sheet[layout.TEAM.value_cell] = team
    if green_from is not None:
        sheet[layout.GREEN_FROM.value_cell] = green_from
    if orange_from is not None:
        sheet[layout.ORANGE_FROM.value_cell] = orange_from
    if as_of is not None:
        sheet[layout.AS_OF.value_cell] = dt.datetime.combine(as_of, dt.time())
    for index, row in enumerate(OBJECTIVES if objectives is None else objectives):
        sheet_row = layout.FIRST_OBJECTIVE_ROW + index
        for key in ("id", "title"):
            _type(sheet[layout.objective_address(key, sheet_row)], row.get(key))
    for index, row in enumerate(rows):
        sheet_row = layout.FIRST_ROW + index
        for key in INPUT_KEYS:
            if row.get(key) is not None:
                _type(sheet[layout.address(key, sheet_row)], row[key])
    book.save(path)


def _type(cell, value: object) -> None:
    cell.value = value
    if isinstance(value, str):
        # Typed text stays text, even "=1+1"; a formula left in an input is a formula.
        cell.data_type = "f" if value in ERRORS else "s"
