"""Owners' Check-in replies back into the team workbook (``okrsheet collect``).

Each reply (a Check-in workbook from :mod:`okrsheet.sheet.checkin`, filled in by its owner) is
checked first: its team, quarter and week, each row's key-result id and value. Any problem
stops the collection with one line per problem, naming the reply and cell; nothing is
written. Two replies giving one key result different values are conflicts, settled only by
``prefer`` (a reply's name, ``first`` or ``last``), with the same words as ``merge``.
A reply's value and confidence go into its week's columns (so a late reply fills its own
week); its comment replaces the workbook's only when no later check-in has a value. A cell
the owner left blank, or as the workbook has it, changes nothing.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from okrsheet.domain import scoring
from okrsheet.domain.alignment import kr_ids
from okrsheet.domain.changes import same_value
from okrsheet.domain.merging import Conflict, MergeConflicts, UnknownCopy
from okrsheet.domain.model import CHECK_IN_COLUMNS, KeyResult, TeamQuarter
from okrsheet.domain.quarter import Quarter, QuarterError
from okrsheet.sheet.checkin import (
    COMMENT,
    CONFIDENCE,
    HEADER_ROW,
    HEADERS,
    ID,
    KEY_RESULT,
    LABELS,
    SHEET,
    VALUE,
)
from okrsheet.sheet.files import OkrsheetError
from okrsheet.sheet.layout import column_letter

__all__ = ["ReplyRow", "Reply", "ReplyProblems", "Collected", "read_reply", "collect"]

FIELDS = ("value", "confidence", "comment")
_NEEDED = (KEY_RESULT, VALUE, CONFIDENCE, COMMENT)


@dataclass
class ReplyRow:
    """One key-result row of a reply, with the sheet row it came from (1-based)."""

    row: int
    id: str | None
    title: str | None
    value: object
    confidence: object
    comment: object


@dataclass
class Reply:
    file: str
    team: object
    quarter: object
    week: object
    rows: list[ReplyRow]
    columns: dict[str, str]  # header -> column letter
    labels: dict[str, str]  # label -> its value cell (B3)


class ReplyProblems(OkrsheetError):
    """Replies that can't be collected; ``problems`` has one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the replies; nothing was written. "
                         "Fix them (or leave those replies out) and collect again.")


@dataclass
class Collected:
    team_quarter: TeamQuarter
    changes: list[tuple[str, str]] = field(default_factory=list)  # (reply, what changed)
    conflicts: list[Conflict] = field(default_factory=list)  # settled by ``prefer``
    notes: list[str] = field(default_factory=list)


# Public API


def read_reply(path: str | os.PathLike[str]) -> Reply:
    """Read a Check-in reply (.xlsx or .ods); one-line :class:`OkrsheetError` if it isn't one."""
    import python_calamine

    from okrsheet.sheet.safety import check_workbook_file, read_checked

    name = os.path.basename(path)
    checked = read_checked(path)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(checked.data))
    except Exception:  # calamine's own error types for damaged files
        check_workbook_file(path, deep=True)
        raise OkrsheetError(f"{name}: the reply can't be read; ask the owner to save it as "
                            ".xlsx and send it again.") from None
    sheet = next((title for title in book.sheet_names if title.strip().casefold() == "check-in"),
                 None)
    if sheet is None:
        raise OkrsheetError(f"{name}: no sheet named {SHEET}; is this a reply to okrsheet split?")
    cells = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    labels = _labels(cells)
    header_at, columns = _header(cells)
    if header_at is None:
        raise OkrsheetError(f"{name}: sheet {SHEET} has no header row with "
                            f"{', '.join(_NEEDED)}; send the owner a fresh file from "
                            "okrsheet split.")
    rows = []
    for index in range(header_at + 1, len(cells)):
        line = cells[index]

        def cell(header: str) -> object:
            column = columns.get(header)
            value = line[column] if column is not None and column < len(line) else None
            return None if value == "" else value

        if all(cell(header) is None for header in (ID, KEY_RESULT)):
            continue
        identifier, title = cell(ID), cell(KEY_RESULT)
        rows.append(ReplyRow(index + 1, str(identifier).strip() if identifier is not None else None,
                             str(title) if title is not None else None, cell(VALUE),
                             cell(CONFIDENCE), cell(COMMENT)))
    team, quarter, week = (labels.get(label, (None, ""))[0] for label in LABELS[:3])
    return Reply(str(path), team, quarter, week, rows,
                 {header: column_letter(column) for header, column in columns.items()},
                 {label: cell for label, (_, cell) in labels.items()})


def collect(team_quarter: TeamQuarter, replies: list[Reply], week: int,
            prefer: str | None = None) -> Collected:
    """Write the replies' values (into ``week``), confidences and comments into
    ``team_quarter`` (changed in place and returned). Raises :class:`ReplyProblems` or
    :class:`MergeConflicts` without changing anything."""
    names = [reply.file for reply in replies]
    prefer = _preferred(prefer, names)
    ids = kr_ids(team_quarter)
    every = team_quarter.key_results + team_quarter.unassigned
    by_id = {ids[id(kr)].casefold(): kr for kr in every if ids.get(id(kr))}
    by_title = {str(kr.title).strip().casefold(): kr for kr in every}
    problems: list[str] = []
    given: dict[int, list[tuple[str, ReplyRow]]] = {}
    krs: dict[int, KeyResult] = {}
    for reply in replies:
        problems += _reply_problems(team_quarter, reply, week)
        for row in reply.rows:
            kr = (by_id.get(row.id.casefold()) if row.id
                  else by_title.get(str(row.title or "").strip().casefold()))
            where = f"{_name(reply.file)} {SHEET}!{reply.columns.get(ID, 'A')}{row.row}"
            if kr is None:
                problems.append(f"{where}: key result {row.id or '(no id)'} "
                                f"\"{row.title or ''}\" is not in the team workbook any more; "
                                "delete the row from the reply, or add the key result back.")
                continue
            problem = _value_problem(kr, row, reply)
            if problem:
                problems.append(problem)
                continue
            krs[id(kr)] = kr
            given.setdefault(id(kr), []).append((reply.file, row))
    if problems:
        raise ReplyProblems(problems)
    collected = Collected(team_quarter)
    updates: list[tuple[KeyResult, str, object, str]] = []
    for key, entries in given.items():
        kr = krs[key]
        where = f'Key result {ids[id(kr)]} "{kr.title}"'
        for name in FIELDS:
            # As in merge: a reply that leaves a cell as the workbook has it changes nothing.
            base = _current(kr, name, week)
            values = [(file, _entry(row, name)) for file, row in entries]
            values = [(file, value) for file, value in values
                      if value is not None and not same_value(value, base)]
            distinct: list[object] = []
            for _, value in values:
                if not any(same_value(value, seen) for seen in distinct):
                    distinct.append(value)
            if not distinct:
                continue
            winner_file = values[0][0]
            if len(distinct) > 1:
                files = [file for file, _ in values]
                winner = (files[0] if prefer == "first" else files[-1] if prefer == "last"
                          else prefer if prefer in files else None)
                label = {"value": f"week_{week}",
                         "confidence": f"confidence_{week}"}.get(name, name)
                collected.conflicts.append(Conflict(where, label, base, values, winner))
                if winner is None:
                    continue
                winner_file = winner
            updates.append((kr, name, dict(values)[winner_file], winner_file))
    unresolved = [conflict for conflict in collected.conflicts if conflict.winner is None]
    if unresolved:
        raise MergeConflicts(unresolved)
    changed: dict[int, KeyResult] = {}
    for kr, name, value, file in updates:
        change = _apply(kr, name, value, week)
        if change:
            collected.changes.append((file, f"{ids[id(kr)]} {change}"))
            changed[id(kr)] = kr
    for kr in changed.values():
        if not scoring.is_blank(kr.current) and not scoring.is_blank(kr.check_ins.get(week)):
            collected.notes.append(
                f"{ids[id(kr)]}: Current is typed over ({_plain(kr.current)}), so the new "
                "check-in does not show; clear Current to follow the check-ins.")
        if (not scoring.is_blank(kr.confidence)
                and not scoring.is_blank(kr.confidences.get(week))):
            collected.notes.append(
                f"{ids[id(kr)]}: Confidence is typed over ({_plain(kr.confidence)}), so the new "
                "confidence does not show; clear Confidence to follow the check-ins.")
    return collected


# Private API


def _labels(cells: Sequence[Sequence[object]]) -> dict[str, tuple[object, str]]:
    """``label -> (value, its cell)`` for the labelled cells above the header row."""
    found: dict[str, tuple[object, str]] = {}
    for index, line in enumerate(cells[:HEADER_ROW + 5]):
        if len(line) >= 2 and isinstance(line[0], str):
            label = line[0].strip().casefold()
            for wanted in LABELS:
                if label == wanted.casefold() and wanted not in found:
                    found[wanted] = (None if line[1] == "" else line[1], f"B{index + 1}")
    return found


def _header(cells: Sequence[Sequence[object]]) -> tuple[int | None, dict[str, int]]:
    for index, line in enumerate(cells[:50]):
        texts = {str(value).strip().casefold(): column for column, value in enumerate(line)
                 if isinstance(value, str)}
        if all(header.casefold() in texts for header in _NEEDED):
            return index, {header: texts[header.casefold()] for header in HEADERS
                           if header.casefold() in texts}
    return None, {}


def _reply_problems(team_quarter: TeamQuarter, reply: Reply, week: int) -> list[str]:
    name = _name(reply.file)
    problems = []

    def where(label: str) -> str:
        return f"{name} {SHEET}!{reply.labels.get(label, 'B2')}"

    if not _same_text(reply.team, team_quarter.team):
        problems.append(f"{where('Team')}: the reply is for team \"{reply.team or ''}\", not "
                        f"\"{team_quarter.team or ''}\"; collect it into that team's workbook.")
    if not _same_quarter(reply.quarter, team_quarter.quarter):
        problems.append(f"{where('Quarter')}: the reply is for quarter {reply.quarter or '(blank)'}"
                        f", not {team_quarter.quarter}; collect it into that quarter's workbook.")
    reply_week = reply.week
    if not (scoring.is_number(reply_week) and float(reply_week) == week):  # type: ignore[arg-type]
        shown = _plain(reply_week)
        hint = (f"collect it with --week {shown} (a late reply), or ask the owner for the "
                f"week-{week} file" if shown.isdigit() and int(shown) in CHECK_IN_COLUMNS
                else "send the owner a fresh file from okrsheet split")
        problems.append(f"{where('Week')}: the reply is for week {shown or '(blank)'}, and this "
                        f"collection is for week {week}; {hint}.")
    return problems


def _value_problem(kr: KeyResult, row: ReplyRow, reply: Reply) -> str | None:
    name = _name(reply.file)
    identifier = row.id or ""
    if row.value is not None:
        cell = f"{name} {SHEET}!{reply.columns.get('Value', 'H')}{row.row}"
        if (kr.type or "").casefold() == "milestone":
            if scoring.milestone_state(row.value) is None:
                return (f"{cell}: {identifier} is a milestone; its Value is \"{_plain(row.value)}\""
                        "; choose done or not done.")
        elif isinstance(row.value, bool) or not scoring.is_number(row.value):
            return (f"{cell}: {identifier} Value is \"{_plain(row.value)}\", not a number; type "
                    "the number without units.")
    confidence = row.confidence
    if confidence is not None and not (isinstance(confidence, str)
                                       and confidence.strip().casefold() in scoring.CONFIDENCES):
        cell = f"{name} {SHEET}!{reply.columns.get(CONFIDENCE, 'J')}{row.row}"
        return (f"{cell}: {identifier} Confidence is \"{_plain(confidence)}\"; choose high, "
                "medium or low.")
    return None


def _entry(row: ReplyRow, name: str) -> object:
    value = getattr(row, name)
    if name == "confidence" and isinstance(value, str):
        return value.strip().casefold()
    if name == "value" and isinstance(value, str):
        return value.strip()
    return value


def _current(kr: KeyResult, name: str, week: int) -> object:
    if name == "value":
        return kr.check_ins.get(week)
    if name == "confidence":
        return kr.confidences.get(week)
    return kr.comment


def _apply(kr: KeyResult, name: str, value: object, week: int) -> str | None:
    """Set one field; a description of the change, or None when nothing changed."""
    if name in ("value", "confidence"):
        cells = kr.check_ins if name == "value" else kr.confidences
        old = cells.get(week)
        if same_value(old, value):
            return None
        cells[week] = value
        what = f"week {week}" if name == "value" else f"confidence {week}"
        return (f"{what}: {_plain(value)}" + ("" if scoring.is_blank(old)
                                              else f" (was {_plain(old)})"))
    later = [column for column in CHECK_IN_COLUMNS if column > week
             and not scoring.is_blank(kr.check_ins.get(column))]
    if later:
        return None  # a late reply: the latest check-in's confidence and comment stay
    old = getattr(kr, name)
    if same_value(old, value):
        return None
    setattr(kr, name, value)
    return f"{name}: {_plain(value)}"


def _preferred(prefer: str | None, names: list[str]) -> str | None:
    if prefer in (None, "first", "last") or prefer in names:
        return prefer
    matches = [name for name in names if Path(name).name == Path(str(prefer)).name]
    if len(matches) != 1:
        raise UnknownCopy(f'"{prefer}" is none of the replies: {", ".join(names)} '
                          "(or first/last).")
    return matches[0]


def _same_text(a: object, b: object) -> bool:
    return str(a or "").strip().casefold() == str(b or "").strip().casefold()


def _same_quarter(a: object, b: object) -> bool:
    try:
        return Quarter.parse(str(a)).label == Quarter.parse(str(b)).label
    except QuarterError:
        return _same_text(a, b)


def _plain(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _name(path: str) -> str:
    return os.path.basename(path)
