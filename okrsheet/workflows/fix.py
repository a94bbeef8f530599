"""``okrsheet fix``: a copy of a workbook with every formula, drop-down and colour restored.

Every input is kept. What converts without doubt is converted and listed by cell (a number
typed as text, a milestone typed ``Done ``, a type typed ``Increase ``); anything that could
be read two ways (``1.200`` in a file whose locale is unknown) stays as typed and is listed
too. The copy is always in the current layout.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from okrsheet.domain import schema, scoring
from okrsheet.domain.model import KeyResult, TeamQuarter
from okrsheet.domain.problems import OkrsheetError
from okrsheet.domain.quarter import CHECK_IN_COLUMNS
from okrsheet.domain.text import visible
from okrsheet.read.reading import LEGACY, Reading
from okrsheet.sheet import layout
from okrsheet.sheet.cells import number_text, parse_number, shown, text_date
from okrsheet.workflows.lines import Line

__all__ = ["Change", "fix_reading", "fix_workbook", "Fixed"]


@dataclass(frozen=True)
class Change:
    """One thing ``fix`` did (or left alone), at a cell of the original workbook."""

    cell: str | None
    message: str
    kept: bool = False  # True when the input was left as typed

    def __str__(self) -> str:
        return f"{self.cell}: {self.message}" if self.cell else self.message


@dataclass
class Fixed:
    """What :func:`fix_workbook` wrote and found: the lines to print, in order, and how many
    typed cells the copy does not hold (the command's exit status is 1 then)."""

    lines: list[Line] = field(default_factory=list)
    lost: int = 0


def fix_workbook(path: str | os.PathLike[str], output: str | os.PathLike[str], *,
                 force: bool = False) -> Fixed:
    """Write a fixed copy of the workbook at ``path`` to ``output``, then look for every typed
    cell of ``path`` in the copy (:mod:`okrsheet.workflows.kept`, .xlsx and .xlsm only)."""
    from okrsheet.domain.problems import UnreadableFile
    from okrsheet.files.writing import write_atomic
    from okrsheet.read.engines import calamine_bytes
    from okrsheet.read.reader import read_workbook
    from okrsheet.sheet.owners import OWNERS_SHEET
    from okrsheet.workflows.kept import lost_cells, other_sheets, typed_cells
    from okrsheet.write.writer import workbook_bytes

    reading = read_workbook(path)
    try:
        data: bytes | None = calamine_bytes(path)
    except UnreadableFile:  # an old .xls, read by its own reader: no sheets copied, no proof
        data = None
    team_quarter, changes = fix_reading(reading)
    sheet = reading.sheet or layout.OKRS_SHEET
    own = (sheet, layout.OKRS_SHEET, layout.GUIDE_SHEET, layout.ACTIONS_SHEET,
           layout.PARENTS_SHEET, OWNERS_SHEET)
    extra = other_sheets(data, own) if data is not None else []
    fixed = workbook_bytes(team_quarter, extra_sheets=extra)
    before = typed_cells(data) if data is not None else None
    after = typed_cells(fixed)
    lost = [] if before is None or after is None else lost_cells(
        before, after, {sheet: layout.OKRS_SHEET},
        {(sheet, change.cell) for change in changes if change.cell})
    write_atomic(output, fixed, force=force)
    found = Fixed()
    say = found.lines.append
    for change in changes:
        say(Line(visible(("left as typed: " if change.kept else "") + str(change))))
    for name, cells, formulas in extra:
        say(Line(visible(f"{name}: copied value for value ({len(cells)} cell(s)"
                         + (f"; {formulas} formula(s) kept as their last value" if formulas
                            else "") + ").")))
    for where, address, value, what in lost:
        if what == "trimmed":
            say(Line(visible(f"{where}!{address}: \"{value}\" kept without its outer spaces.")))
        else:
            found.lost += 1
            say(Line(visible(f"not kept: {where}!{address} \"{value}\": okrsheet has no place "
                             "for it in the fixed copy; type it again there (a Comment, say)."),
                     err=True))
    if before is None:
        say(Line(visible(f"Wrote {output}: formulas, drop-downs and colours restored (the check "
                         "that every typed cell is kept reads .xlsx and .xlsm files only).")))
    elif found.lost:
        say(Line(visible(f"Wrote {output}: formulas, drop-downs and colours restored; "
                         f"{found.lost} typed cell(s) not kept, listed above.")))
    else:
        say(Line(visible(f"Wrote {output}: formulas, drop-downs and colours restored; every "
                         "typed cell kept (checked cell by cell).")))
    return found


def fix_reading(reading: Reading) -> tuple[TeamQuarter, list[Change]]:
    """The team quarter to write for a fixed copy of ``reading``, and what changed."""
    tq = reading.team_quarter
    if tq is None:
        raise OkrsheetError(f"{reading.file}: no key-result table to fix; is this an OKR "
                            "workbook made by okrsheet new?")
    changes: list[Change] = []
    if reading.layout == LEGACY:
        changes.append(Change(None, "moved to the current layout: objectives in the Objectives "
                              "table with an ID each, key results naming their objective's ID"))
    for objective, kr in reading.without_formulas:
        (objective.key_results if objective is not None else tq.unassigned).append(kr)
        changes.append(Change(reading.cell("title", kr.row), f'key result "{kr.title}" moved '
                              "into a row with formulas"))
    for kr in tq.key_results + tq.unassigned:
        changes += _fix_key_result(reading, kr)
    changes += _fix_as_of(reading, tq)
    return tq, changes


# Private API


def _fix_as_of(reading: Reading, tq: TeamQuarter) -> list[Change]:
    """An As of typed as text: a date when it can be read only one way, else kept as typed."""
    if tq.as_of_entry is None:
        return []
    cell = next((problem.cell for problem in reading.problems
                 if problem.code == "NOT-A-DATE" and problem.message.startswith("As of")), None)
    day = text_date(tq.as_of_entry)
    if day is None:
        return [Change(cell, f"As of {shown(tq.as_of_entry)} is not a date okrsheet can read "
                       "without doubt (3/4/2027: 3 April or 4 March?); type the date", kept=True)]
    changes = [Change(cell, f"As of {shown(tq.as_of_entry)} (text) -> {day.isoformat()}")]
    tq.as_of, tq.as_of_entry = day, None
    return changes


def _fix_key_result(reading: Reading, kr: KeyResult) -> list[Change]:
    changes: list[Change] = []

    def at(key: str) -> str | None:
        return reading.cell(key, kr.row)

    milestone = (kr.type or "").strip().casefold() == "milestone"
    if isinstance(kr.type, str) and kr.type not in scoring.KR_TYPES \
            and kr.type.strip().casefold() in scoring.KR_TYPES:
        changes.append(Change(at("type"), f'Type {shown(kr.type)} -> "{kr.type.strip().casefold()}"'))
        kr.type = kr.type.strip().casefold()
    if isinstance(kr.lagging_entry, str) and kr.lagging_entry.strip().casefold() in scoring.YES_NO:
        value = kr.lagging_entry.strip().casefold()
        changes.append(Change(at("lagging"), f'Lagging {shown(kr.lagging_entry)} -> "{value}"'))
        kr.lagging, kr.lagging_entry = value == "yes", None
    elif kr.lagging_entry is not None:
        changes.append(Change(at("lagging"), f"Lagging {shown(kr.lagging_entry)}: pick yes, no or "
                              "leave it blank", kept=True))
    for key in schema.NUMBERS:
        number, change = _number(getattr(kr, key), layout.COLUMN_OF[key].header, at(key))
        setattr(kr, key, number)
        changes += change
    for week in CHECK_IN_COLUMNS:
        if week in kr.check_ins:
            key = f"week_{week}"
            fixer = _milestone if milestone else _number
            kr.check_ins[week], change = fixer(kr.check_ins[week], f"Week {week}", at(key))
            changes += change
    if not kr.follows_confidences and kr.confidence in (None, ""):
        kr.follows_confidences = True
        changes.append(Change(at("confidence"), "Confidence's formula restored: it follows the "
                              "latest check-in's confidence again"))
    if kr.current not in (None, ""):
        fixer = _milestone if milestone else _number
        kr.current, change = fixer(kr.current, layout.COLUMN_OF["current"].header, at("current"))
        changes += change
    elif not kr.follows_check_ins:
        kr.follows_check_ins = True
        changes.append(Change(at("current"), "Current's formula restored: it follows the "
                              "latest check-in again"))
    return changes


def _number(value: object, label: str, cell: str | None) -> tuple[object, list[Change]]:
    if isinstance(value, scoring.CellError):
        return value, [Change(cell, f"{label} holds the error value {value.text}: fix the "
                              "cell's formula or type a value", kept=True)]
    if not isinstance(value, str):
        return value, []
    number, _ = parse_number(value)
    if number is None:
        return value, [Change(cell, f"{label} {shown(value)} is not a number okrsheet can read "
                              "without doubt (1.200: 1.2 or 1200?); type the number", kept=True)]
    return number, [Change(cell, f"{label} {shown(value)} (text) -> {number_text(number)}")]


def _milestone(value: object, label: str, cell: str | None) -> tuple[object, list[Change]]:
    state = scoring.milestone_state(value)
    if state is None:
        return value, [Change(cell, f"{label} {shown(value)} is neither done nor not done; "
                              "type done or not done", kept=True)]
    canonical: object = "done" if state else "not done"
    if isinstance(value, float) or value == canonical:
        return value, []
    return canonical, [Change(cell, f"{label} {shown(value)} -> \"{canonical}\"")]
