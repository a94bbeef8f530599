"""Fill a generated workbook's input cells the way a user would, and the model they mean.

``random_rows`` makes rows of inputs covering every rule (all types, blanks, weights,
over- and under-achievement, decreasing targets, start == target, revised targets,
lagging KRs, check-ins, milestones, objective texts typed again).
"""

from __future__ import annotations

import datetime as dt
import random

from okrsheet import layout
from okrsheet.model import CHECK_IN_COLUMNS, KeyResult, TeamQuarter, objectives_from_rows

INPUT_KEYS = ("objective", "title", "owner", "kind", "type", "unit", "start", "target",
              "revised_target", "revision_reason", "weight", "lagging",
              *[f"week_{week}" for week in CHECK_IN_COLUMNS], "current", "confidence", "comment")


def _number(rng: random.Random) -> float:
    choice = rng.random()
    if choice < 0.3:
        return float(rng.randint(-20, 200))
    if choice < 0.6:
        return round(rng.uniform(-1000, 1000), rng.randint(0, 4))
    if choice < 0.8:
        return rng.uniform(0, 1)
    return float(rng.choice([0, 1, 10, 100, 0.7, 0.4, 1e6]))


def random_rows(rng: random.Random, count: int) -> list[dict[str, object]]:
    """``count`` rows of input cells, keyed like :data:`okrsheet.layout.COLUMNS`."""
    rows: list[dict[str, object]] = []
    objective_titles = ["Grow revenue", "Keep customers", "Hire well", "Ship faster", "=1+1",
                        "+49 123"]
    for index in range(count):
        row: dict[str, object] = {}
        roll = rng.random()
        if index == 0 or roll < 0.25:
            row["objective"] = rng.choice(objective_titles)
        elif roll < 0.3:
            row["objective"] = rows[-1].get("objective") or "Grow revenue"  # repeated text
        if rng.random() < 0.08:
            rows.append(row)  # a row without a key result
            continue
        row["title"] = rng.choice(["Win new logos", "Cut churn", "@SUM(1)", "NPS", "ARR"]) + f" {index}"
        row["owner"] = rng.choice([None, "Sam", "Priya"])
        row["kind"] = rng.choice([None, "input", "output", "outcome"])
        kr_type = rng.choice(["increase", "decrease", "stay above", "stay below", "milestone",
                              "Increase", "", "bogus"])
        row["type"] = kr_type or None
        start = _number(rng) if rng.random() < 0.85 else None
        target = _number(rng) if rng.random() < 0.9 else None
        if rng.random() < 0.1:
            target = start  # start == target
        row["start"], row["target"] = start, target
        if rng.random() < 0.15:
            row["revised_target"] = _number(rng)
            row["revision_reason"] = "market changed"
        row["weight"] = rng.choice([None, None, None, 1.0, 2.0, 0.5, 0.0, 3.0])
        row["lagging"] = "yes" if rng.random() < 0.08 else rng.choice([None, None, "no"])
        if kr_type.casefold() == "milestone":
            values = [rng.choice(["done", "yes", "no", 1.0, 0.0, "Done"]) for _ in CHECK_IN_COLUMNS]
        else:
            span = (target if target is not None else 1.0) - (start or 0.0)
            values = [(start or 0.0) + span * rng.uniform(-0.3, 1.4) for _ in CHECK_IN_COLUMNS]
            values = [value if rng.random() < 0.5 else _number(rng) for value in values]
        filled = rng.randint(0, len(CHECK_IN_COLUMNS))
        for week, value in zip(CHECK_IN_COLUMNS, values):
            if CHECK_IN_COLUMNS.index(week) < filled and rng.random() < 0.85:
                row[f"week_{week}"] = value
        if rng.random() < 0.3:
            row["current"] = values[-1] if rng.random() < 0.7 else _number(rng)
        row["confidence"] = rng.choice([None, "high", "medium", "low"])
        rows.append(row)
    return rows


def key_result(row: dict[str, object], sheet_row: int | None = None) -> KeyResult | None:
    if not row.get("title"):
        return None
    return KeyResult(
        title=row["title"], owner=row.get("owner"), type=row.get("type"),
        start=row.get("start"), target=row.get("target"), current=row.get("current"),
        weight=row.get("weight"), kind=row.get("kind"), unit=row.get("unit"),
        revised_target=row.get("revised_target"), revision_reason=row.get("revision_reason"),
        lagging=str(row.get("lagging") or "").casefold() == "yes",
        check_ins={week: row[f"week_{week}"] for week in CHECK_IN_COLUMNS
                   if row.get(f"week_{week}") is not None},
        confidence=row.get("confidence"), comment=row.get("comment"), row=sheet_row,
    )


def team_quarter(rows: list[dict[str, object]], base: TeamQuarter) -> TeamQuarter:
    """The model the filled rows mean, with the settings of ``base``."""
    objectives, _ = objectives_from_rows(
        [(row.get("objective"), key_result(row, layout.FIRST_ROW + index + 1))
         for index, row in enumerate(rows)])
    return TeamQuarter(team=base.team, quarter=base.quarter, objectives=objectives,
                       quarter_start=base.quarter_start, quarter_end=base.quarter_end,
                       as_of=base.as_of, green_from=base.green_from, orange_from=base.orange_from)


def fill_with_openpyxl(path, rows: list[dict[str, object]], *, team: str | None = None,
                       green_from: float | None = None, orange_from: float | None = None,
                       as_of: dt.date | None = None) -> None:
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
    for index, row in enumerate(rows):
        sheet_row = layout.FIRST_ROW + index
        for key in INPUT_KEYS:
            value = row.get(key)
            if value is None:
                continue
            target = sheet[layout.address(key, sheet_row)]
            target.value = value
            if isinstance(value, str):
                target.data_type = "s"  # typed text stays text, even "=1+1"
    book.save(path)
