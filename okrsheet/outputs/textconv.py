"""A workbook as stable, line-oriented text, so ``git diff`` shows what changed
(``okrsheet textconv``), and problems as GitHub Actions annotations or JSON (``check``).

One line per fact, in the sheet's order of objectives and key results; numbers to 15
significant digits (what LibreOffice keeps), dates as ISO dates, so a workbook opened and
saved again unchanged gives the same text. Only what a person typed is shown (the scores
follow from it and would make every check-in a diff of many lines).
"""

from __future__ import annotations

import datetime as dt
import json

from okrsheet.domain.alignment import kr_ids, objective_ids
from okrsheet.domain.model import KeyResult, TeamQuarter
from okrsheet.domain.problems import Problem
from okrsheet.domain.quarter import CHECK_IN_COLUMNS
from okrsheet.domain.text import visible

__all__ = ["workbook_text", "github_annotations", "problems_json"]


def workbook_text(team_quarter: TeamQuarter) -> str:
    """The workbook's inputs as text: settings, then each objective and its key results with
    their check-ins, then the actions."""
    tq = team_quarter
    lines = [f"team: {_value(tq.team)}", f"quarter: {_value(tq.quarter)}",
             f"level: {_value(tq.level)}",
             f"dates: {_value(tq.quarter_start)} to {_value(tq.quarter_end)}",
             f"as of: {_value(tq.as_of if tq.as_of is not None else tq.as_of_entry)}",
             f"green from: {_value(tq.green_from)}; orange from: {_value(tq.orange_from)}"]
    ids = kr_ids(tq)
    for objective, identifier in zip(tq.objectives, objective_ids(tq.objectives)):
        lines.append("")
        lines.append(f"objective {identifier}: {_value(objective.title)}"
                     + (f" (parent {_value(objective.parent)})" if objective.parent else ""))
        for kr in objective.key_results:
            lines += _key_result(kr, ids.get(id(kr), ""))
    for kr in tq.unassigned:
        lines.append("")
        lines.append(f"key result naming no objective ({_value(kr.objective_id)}):")
        lines += _key_result(kr, ids.get(id(kr), ""))
    if tq.actions:
        lines.append("")
    for action in tq.actions:
        lines.append(f"action: {_value(action.title)}; key result {_value(action.key_result)}; "
                     f"owner {_value(action.owner)}; due {_value(action.due)}; "
                     f"done {'yes' if action.done else 'no'}")
    return "\n".join(lines) + "\n"


def github_annotations(problems: list[Problem]) -> str:
    """One GitHub Actions workflow command per problem: ``::error file=...,title=...::...``."""
    lines = []
    for problem in problems:
        level = {"error": "error", "warning": "warning"}.get(problem.severity, "notice")
        place = f"{problem.sheet}!{problem.cell}" if problem.sheet and problem.cell else \
            problem.sheet or ""
        properties = [f"file={_property(problem.file or '')}"]
        if place:
            properties.append(f"title={_property(place + (' ' + problem.code if problem.code else ''))}")
        lines.append(f"::{level} {','.join(properties)}::{_data(visible(problem.message))}")
    return "\n".join(lines) + ("\n" if lines else "")


def problems_json(problems: list[Problem], files: list[str]) -> str:
    """The problems as data: ``{"files": [...], "problems": [{severity, file, sheet, cell,
    message, code}...]}``."""
    return json.dumps({"files": files, "problems": [problem.as_dict() for problem in problems]},
                      ensure_ascii=False, indent=2) + "\n"


# Private API


def _key_result(kr: KeyResult, identifier: str) -> list[str]:
    fields = [("owner", kr.owner), ("kind", kr.kind), ("type", kr.type), ("unit", kr.unit),
              ("start", kr.start), ("target", kr.target), ("revised target", kr.revised_target),
              ("revision reason", kr.revision_reason), ("weight", kr.weight),
              ("lagging", kr.lagging_entry if kr.lagging_entry is not None
               else "yes" if kr.lagging else None),
              ("current", kr.current), ("confidence", kr.confidence), ("comment", kr.comment),
              ("parent", kr.parent), *sorted(kr.extras.items())]
    lines = [f"  key result {identifier}: {_value(kr.title)}"]
    lines += [f"    {name}: {_value(value)}" for name, value in fields if value not in (None, "")]
    for week in CHECK_IN_COLUMNS:
        value, confidence = kr.check_ins.get(week), kr.confidences.get(week)
        if value is not None or confidence is not None:
            lines.append(f"    week {week}: {_value(value)}"
                         + (f" ({_value(confidence)})" if confidence is not None else ""))
    return lines


def _value(value: object) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.15g}"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return visible(str(value))  # one line: control characters (a new line too) shown escaped


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
