"""One workbook's scores as plain data, CSV and a terminal table (``okrsheet score``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from typing import TYPE_CHECKING, Any

from okrsheet.domain import schema, scoring
from okrsheet.domain.alignment import key_result_ids, parse_reference
from okrsheet.domain.model import KeyResult, TeamQuarter
from okrsheet.domain.problems import Problem
from okrsheet.outputs.escape import rich_text
from okrsheet.sheet.cells import percent
from okrsheet.sheet.layout import COLUMN_OF

if TYPE_CHECKING:
    from okrsheet.read.reading import Reading

KR_KEYS = tuple(field.key for field in schema.KEY_RESULT_FIELDS
                if field.kind in (schema.TEXT, schema.CHOICE, schema.NUMBER)
                and field.week is None and field.attribute and field.in_json)
"""The inputs a key result shows in a scorecard, as typed, from the schema."""
CSV_KEYS = tuple(field.data_key for field in schema.KEY_RESULT_FIELDS
                 if field.in_csv and field.in_json)
"""The key-result columns of ``score --format csv``, from the schema."""


def scorecard(reading: "Reading", problems: list[Problem] | None = None,
              as_of: dt.date | None = None) -> dict[str, Any]:
    """The scores of a reading as plain data (what ``okrsheet score --format json`` prints).

    Progress and scores are fractions 0..1, blanks are None; an entry that is not a number
    stays as typed (error values as their text). ``problems`` defaults to the reading's own;
    ``as_of`` (default: the workbook's As of, else today) sets the pace.
    """
    tq = reading.team_quarter
    problems = reading.problems if problems is None else problems
    data: dict[str, Any] = {"file": reading.file, "team": None, "quarter": None, "level": None,
                            "score": None, "status": None, "objectives": []}
    if tq is not None:
        day = as_of or tq.as_of or dt.date.today()
        ids = key_result_ids(tq)
        data.update({
            "team": tq.team, "quarter": tq.quarter, "level": tq.level,
            "score": _number(tq.score), "status": tq.status,
            "as_of": day.isoformat(), "elapsed": _number(tq.elapsed(day)),
            "green_from": tq.green_from, "orange_from": tq.orange_from,
            "objectives": [{  # key results without an id yet get the one the writer would give
                "id": objective.id, "parent": parse_reference(objective.parent),
                "title": objective.title, "score": _number(objective.score),
                "status": tq.objective_status(objective), "row": objective.row,
                "key_results": [_key_result(tq, kr, day, ids) for kr in objective.key_results],
            } for objective in tq.objectives],
            "unassigned": [_key_result(tq, kr, day, ids) for kr in tq.unassigned],
            "to_check": tq.to_check,
            "actions": [{"title": action.title, "key_result": action.key_result,
                         "owner": action.owner,
                         "due": action.due.isoformat() if action.due else None,
                         "done": action.done, "overdue": action.is_overdue(day)}
                        for action in tq.actions],
            "revised_targets": sum(kr.revised for kr in tq.key_results),
            "lagging": sum(kr.lagging for kr in tq.key_results),
        })
    data["problems"] = [problem.as_dict() for problem in problems]
    return data


def score_csv_text(card: dict[str, Any]) -> str:
    """One CSV row per key result of a scorecard, text escaped against formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["team", "quarter", "objective", "objective_score", "objective_status", *CSV_KEYS])
    for objective in card["objectives"]:
        for kr in objective["key_results"]:
            writer.writerow([_csv_cell(value) for value in (
                card["team"], card["quarter"], objective["title"], objective["score"],
                objective["status"], *[kr[key] for key in CSV_KEYS])])
    for kr in card.get("unassigned", []):
        writer.writerow([_csv_cell(value) for value in (
            card["team"], card["quarter"], None, None, None, *[kr[key] for key in CSV_KEYS])])
    return buffer.getvalue()


def print_score(card: dict[str, Any], problems: list[Problem], console: Any = None) -> None:
    """A scorecard as a terminal table, then its problems."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console(highlight=False)
    console.print(f"[bold]{rich_text(card['team'] or card['file'])}[/] "
                  f"{rich_text(card['quarter'] or '')}: "
                  f"team score {percent(card['score'])} ({card['status'] or 'no score'})")
    table = Table("Objective / key result", *(COLUMN_OF[key].header
                                              for key in ("owner", "progress", "status", "pace")))
    lagging = []
    for objective in card["objectives"]:
        table.add_row(f"[bold]{rich_text(objective['id'] or '')} {rich_text(objective['title'])}[/]",
                      "", percent(objective["score"]), objective["status"] or "", "")
        for kr in objective["key_results"]:
            if kr["status"] == scoring.LAGGING:
                lagging.append((objective, kr))
                continue
            table.add_row(f"  {rich_text(kr['title'])}", rich_text(kr["owner"] or ""),
                          percent(kr["progress"]), _status(kr), kr["pace"] or "")
    for kr in card.get("unassigned", []):
        table.add_row(f"  {rich_text(kr['title'])} (no objective)", rich_text(kr["owner"] or ""),
                      percent(kr["progress"]), _status(kr), "")
    console.print(table)
    if lagging:
        later = Table("Lagging key result (scored at the next review)", COLUMN_OF["objective"].header,
                      COLUMN_OF["owner"].header,
                      "Progress so far")
        for objective, kr in lagging:
            later.add_row(rich_text(kr["title"]), rich_text(objective["title"]),
                          rich_text(kr["owner"] or ""), percent(kr["progress"]))
        console.print(later)
    if card.get("revised_targets"):
        console.print(f"{card['revised_targets']} revised target(s); the score uses them.")
    for problem in problems:
        console.print(f"{problem.severity}: {problem} [{problem.code}]", markup=False)


# Private API


def _key_result(tq: TeamQuarter, kr: KeyResult, day: dt.date,
                ids: dict[int, str]) -> dict[str, Any]:
    check = tq.kr_check(kr)
    data: dict[str, Any] = {key: _plain(getattr(kr, schema.KEY_RESULT_FIELD[key].data_key))
                            for key in KR_KEYS}
    data["id"] = ids.get(id(kr), kr.id)
    data.update({
        "current": _plain(kr.current_value), "lagging": kr.lagging,
        "confidence": kr.confidence_value,
        "confidences": {str(week): value for week, value in sorted(kr.confidences.items())},
        "progress": 0.0 if check else kr.progress, "status": tq.kr_status(kr),
        "pace": tq.pace(kr, day), "check": check, "row": kr.row,
        "parent": parse_reference(kr.parent),
    })
    data["open_actions"], data["overdue_actions"] = tq.action_counts(data["id"], day)
    return data


def _status(kr: dict[str, Any]) -> str:
    status = str(kr["status"])
    return f"{status} ({kr['check']})" if kr.get("check") else status


def _plain(value: object) -> object:
    """A cell value for JSON: numbers, text as typed, error values as their text, None."""
    if isinstance(value, scoring.CellError):
        return value.text
    if isinstance(value, float):
        return _number(value)
    return value


def _number(value: float | None) -> float | None:
    return value if value is None or math.isfinite(value) else None


def _csv_cell(value: object) -> object:
    from okrsheet.outputs.escape import csv_text

    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(value)
    if isinstance(value, float):
        return repr(value)
    return value
