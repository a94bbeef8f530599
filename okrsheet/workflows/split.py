"""Owner check-ins by email: one small Check-in workbook per owner (``okrsheet split``).

Each owner gets only their key results, on a sheet named ``Check-in``: labelled cells say
the team, quarter and week (``okrsheet collect`` verifies them), and one row per key result
has its id, title, type, unit, start, target, the last value, a live Progress and the last
confidence, then the three cells the owner fills in: Value, Confidence (this week's, next
to the value in the team workbook) and Comment. Replies are read back by
:mod:`okrsheet.workflows.collect`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okrsheet.domain import schema, scoring
from okrsheet.domain.alignment import kr_ids
from okrsheet.domain.model import KeyResult, TeamQuarter
from okrsheet.domain.problems import OkrsheetError, OutputExists
from okrsheet.domain.quarter import CHECK_IN_COLUMNS, CHECK_IN_WEEKS, week_start
from okrsheet.domain.text import visible
from okrsheet.files.writing import atomic_output
from okrsheet.sheet import formulas
from okrsheet.sheet.layout import column_letter
from okrsheet.workflows.lines import Line

__all__ = ["SHEET", "SENT_SHEET", "HEADERS", "SENT_HEADERS", "LABELS", "OwnerCheckIn", "Draft",
           "MissingAddresses", "check_in_week", "owner_check_ins", "check_in_bytes",
           "write_check_ins", "split_workbook", "draft_path", "refuse_missing_addresses",
           "write_files"]

SHEET = "Check-in"
SENT_SHEET = "okrsheet-sent"
"""A very hidden sheet: what split sent, row by row, so collect can tell every cell the owner
changed (a value typed over Last value, an edited title) and find each key result for sure."""
TEAM, QUARTER, WEEK, OWNER, WEEK_STARTS = (schema.TEAM.label, schema.QUARTER.label, "Week",
                                           schema.KEY_RESULT_FIELD["owner"].header, "Week starts")
LABELS = (TEAM, QUARTER, WEEK, OWNER, WEEK_STARTS)
"""Labels in column A, rows 2 to 6; the value is in column B."""
HEADER_ROW = 8  # 0-based: row 9 as the sheet shows it
ID, KEY_RESULT, TYPE, UNIT, START, TARGET, PROGRESS, CONFIDENCE, COMMENT = (
    schema.KEY_RESULT_FIELD[key].header for key in ("id", "title", "type", "unit", "start",
                                                    "target", "progress", "confidence", "comment"))
"""Columns named as in the OKRs sheet."""
CONTEXT_FIELDS = tuple(field for field in schema.KEY_RESULT_FIELDS
                       if field.in_check_in and field.header not in (ID, KEY_RESULT))
"""What an owner sees of each key result beside its ID and title, from the schema (its
``in_check_in`` fields): Type, Unit, Start, Target. A check-in does not change them."""
CONTEXT = tuple(field.header for field in CONTEXT_FIELDS)
LAST_VALUE, VALUE, LAST_CONFIDENCE = "Last value", "Value", "Last confidence"
HEADERS = (ID, KEY_RESULT, *CONTEXT, LAST_VALUE, VALUE, PROGRESS, LAST_CONFIDENCE, CONFIDENCE,
           COMMENT)
"""The header row; collect finds columns by these texts (ID, Key result, Value,
Confidence and Comment are the ones it reads)."""
SENT_HEADERS = (ID, KEY_RESULT, "ID typed", *CONTEXT, LAST_VALUE, VALUE, LAST_CONFIDENCE,
                CONFIDENCE, COMMENT)
"""The Sent sheet's header row (row 7); "ID typed" says whether the team typed the id
(yes) or okrsheet numbered the key result (no: then its title is what identifies it)."""
SENT_HEADER_ROW = 6
MILESTONE_CHOICES = ("done", "not done")
NO_OWNER = "no owner"


@dataclass
class OwnerCheckIn:
    """One owner's Check-in workbook: ``owner`` (None for key results nobody owns)."""

    owner: str | None
    key_results: list[tuple[str, KeyResult]]  # (id, key result)
    path: Path


Draft = Callable[[OwnerCheckIn, bytes, str], bytes]
"""An owner's email draft: ``draft(owner, their Check-in workbook, their address)`` gives the
.eml file's bytes. The command line passes one rendered by
:mod:`okrsheet.outputs.checkinmail` (workflows sit below outputs)."""


class MissingAddresses(OkrsheetError):
    """Owners a draft can't be addressed to; ``problems`` has one line each."""

    def __init__(self, file: str, problems: list[str]):
        self.problems = problems
        super().__init__(f"{file}: {len(problems)} owner(s) without a usable email address "
                         "(listed above); nothing was written.")


# Public API


def split_workbook(team_quarter: TeamQuarter, file: str, folder: str | os.PathLike[str],
                   week: int, *, draft: Draft | None = None, force: bool = False) -> list[Line]:
    """``okrsheet split``: each owner's Check-in workbook written into ``folder`` and, with
    ``draft``, an email draft (.eml) beside it to the owner's address; what to tell the team.

    Raises :class:`MissingAddresses` (nothing written) when an owner has no usable address.
    """
    also = None
    if draft is not None:
        refuse_missing_addresses(team_quarter, file, [
            owner.owner for owner in owner_check_ins(team_quarter, folder, week) if owner.owner])

        def also(owner: OwnerCheckIn, workbook: bytes) -> list[tuple[Path, bytes]]:
            to = _address(team_quarter, owner)
            return [] if to is None else [(draft_path(owner.path), draft(owner, workbook, to))]

    owners = write_check_ins(team_quarter, folder, week, force=force, also=also)
    lines = [Line(visible(f"Wrote {owner.path}: {owner.owner or 'no owner'}, "
                          f"{len(owner.key_results)} key result(s).")) for owner in owners]
    numbered = sum(1 for kr in team_quarter.key_results + team_quarter.unassigned if not kr.id)
    if numbered:
        lines.append(Line(f"{numbered} key result(s) have no ID in {visible(file)}: their "
                          "replies are matched by title. Type IDs (okrsheet fix writes them) so "
                          "that a key result retitled meanwhile still matches."))
    if draft is None:
        return lines + [Line(visible(f"Week {week}: send each owner their file; collect the "
                                     f"replies with okrsheet collect {file} REPLY... -o "
                                     "UPDATED.xlsx"))]
    for owner in owners:
        if owner.owner:
            lines.append(Line(visible(f"Wrote {draft_path(owner.path)}: draft to "
                                      f"{owner.owner}.")))
        else:
            lines.append(Line(visible(f"No draft for {owner.path.name}: its key results have "
                                      "no owner; send it to whoever checks them in.")))
    return lines + [Line(visible(f"Week {week}: open each draft (.eml) in your mail program and "
                                 "send it; collect the replies (saved emails or their files) "
                                 f"with okrsheet collect {file} INBOX... -o UPDATED.xlsx"))]


def draft_path(workbook: Path) -> Path:
    """The draft beside an owner's Check-in workbook: the same name, ending in .eml."""
    return workbook.with_suffix(".eml")


def refuse_missing_addresses(team_quarter: TeamQuarter, file: str, owners: list[str]) -> None:
    """Raise :class:`MissingAddresses` when the Owners sheet gives one of ``owners`` no
    usable address (checked before anything is written)."""
    from okrsheet.sheet.owners import missing_addresses

    problems = missing_addresses(team_quarter, owners, file)
    if problems:
        raise MissingAddresses(file, problems)


def check_in_week(team_quarter: TeamQuarter, day: dt.date) -> int:
    """The check-in week ``day`` falls in: the latest check-in week (3, 5... 11, 13) that has
    started, or week 3 before that. ``2027-01-18`` in a quarter from 1 January (week 3) -> 3."""
    start = team_quarter.quarter_start
    if start is None:
        raise OkrsheetError("the workbook has no Quarter start, so the week is unknown; "
                            "type it in the Quarter start cell, or give --week.")
    week = (day - start).days // 7 + 1
    started = [column for column in CHECK_IN_COLUMNS if column <= week]
    return started[-1] if started else CHECK_IN_WEEKS[0]


def owner_check_ins(team_quarter: TeamQuarter, folder: str | os.PathLike[str],
                    week: int) -> list[OwnerCheckIn]:
    """Which owner gets which key results, and the file name for each, in sheet order.

    Owners are grouped ignoring case and outer spaces; key results nobody owns go in one
    ``no-owner`` file for the team lead.
    """
    ids = kr_ids(team_quarter)
    groups: dict[str, OwnerCheckIn] = {}
    used: set[str] = set()
    for kr in team_quarter.key_results + team_quarter.unassigned:
        owner = kr.owner.strip() if isinstance(kr.owner, str) and kr.owner.strip() else None
        key = owner.casefold() if owner else ""
        if key not in groups:
            name = _file_name(team_quarter, week, owner or NO_OWNER, used)
            groups[key] = OwnerCheckIn(owner, [], Path(folder) / name)
        groups[key].key_results.append((ids.get(id(kr), kr.id or ""), kr))
    return list(groups.values())


def write_check_ins(team_quarter: TeamQuarter, folder: str | os.PathLike[str], week: int, *,
                    force: bool = False, also: Callable[[OwnerCheckIn, bytes],
                                                        list[tuple[Path, bytes]]] | None = None,
                    ) -> list[OwnerCheckIn]:
    """Write one Check-in workbook per owner into ``folder`` (made if missing).

    Nothing is written when any file exists already, unless ``force``. ``also(owner,
    workbook)`` gives more files to write with each workbook (email drafts), all or none.
    """
    if week not in CHECK_IN_COLUMNS:
        raise OkrsheetError(f"week {week} is not a check-in week; choose one of "
                            f"{', '.join(map(str, CHECK_IN_COLUMNS))}.")
    _refuse_ambiguous(team_quarter)
    owners = owner_check_ins(team_quarter, folder, week)
    if not owners:
        raise OkrsheetError(f"{team_quarter.file or 'the workbook'}: no key results to check in.")
    books = [(owner.path, check_in_bytes(team_quarter, owner, week)) for owner in owners]
    if also is not None:
        books += [made for owner, (_, data) in zip(owners, list(books))
                  for made in also(owner, data)]
    write_files(books, folder, force=force)
    return owners


def write_files(files: list[tuple[Path, bytes]], folder: str | os.PathLike[str], *,
                force: bool = False) -> None:
    """Write ``files`` (path, bytes) into ``folder`` (made if missing): every file, or (on
    any error) none. Nothing is written when any exists already, unless ``force``."""
    existing = [str(path) for path, _ in files if path.exists()]
    if existing and not force:
        raise OutputExists(f"{existing[0]}: already exists; choose another folder or use --force.")
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OkrsheetError(f"{folder}: can't make the folder ({error.strerror or error}); "
                            "choose another -o folder.") from None
    with contextlib.ExitStack() as stack:
        writers = [stack.enter_context(atomic_output(path, force)) for path, _ in files]
        for write, (_, data) in zip(writers, files):
            write(data)


def check_in_bytes(team_quarter: TeamQuarter, owner: OwnerCheckIn, week: int) -> bytes:
    """One owner's Check-in workbook as .xlsx bytes (formulas with their cached values)."""
    import xlsxwriter

    from okrsheet.sheet.styles import workbook_formats

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    created = dt.datetime.combine(team_quarter.quarter_start or dt.date(2000, 1, 1), dt.time())
    book.set_properties({"title": f"Check-in week {week}", "created": created,
                         "comments": "Made with okrsheet split"})
    formats = workbook_formats(book)
    formats["date_left"] = book.add_format({"align": "left", "num_format": "yyyy-mm-dd"})
    formats["left"] = book.add_format({"align": "left"})
    sheet = book.add_worksheet(SHEET)
    _top(sheet, formats, team_quarter, owner, week)
    for column, header in enumerate(HEADERS):
        sheet.write_string(HEADER_ROW, column, header, formats["header" if header in _INPUTS
                                                            else "header_formula"])
    for offset, (identifier, kr) in enumerate(owner.key_results, 1):
        _row(sheet, formats, HEADER_ROW + offset, identifier, kr, week)
    last = HEADER_ROW + max(len(owner.key_results), 1)
    _validations(sheet, owner, last)
    for column, header in enumerate(HEADERS):
        sheet.set_column(column, column, _WIDTHS.get(header, 11))
    sheet.freeze_panes(HEADER_ROW + 1, 2)
    sheet.set_row(0, 24)
    sheet.set_row(HEADER_ROW, 30)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.activate()
    _sent(book, team_quarter, owner, week)
    book.close()
    return buffer.getvalue()


def progress_formula(row: int) -> str:
    """The Progress cell of a Check-in row (0-based ``row``): the OKRs sheet's rule, on the
    Value, else the Last value."""
    cell = {header: f"{column_letter(column)}{row + 1}" for column, header in enumerate(HEADERS)}
    value, last = cell[VALUE], cell[LAST_VALUE]
    return "=" + formulas.PROGRESS_VALUE_FORMULA.format(
        title=cell[KEY_RESULT], check='""', type=cell[TYPE], start=cell[START],
        target=cell[TARGET], revised='""',
        current=f'IF({value}<>"",{value},IF({last}<>"",{last},""))')


def _context(kr: KeyResult) -> list[object]:
    """A key result's context cells as the owner sees them (the target it is scored
    against: the revised one when there is one)."""
    shown = [f"{field.data_key}_value" for field in CONTEXT_FIELDS]
    return [getattr(kr, name if hasattr(kr, name) else field.data_key)
            for name, field in zip(shown, CONTEXT_FIELDS)]


def last_value(kr: KeyResult, week: int) -> object:
    """The latest check-in before ``week`` (None when there is none)."""
    return scoring.latest_check_in([kr.check_ins.get(column) for column in CHECK_IN_COLUMNS
                                    if column < week])


def last_confidence(kr: KeyResult, week: int) -> object:
    """The confidence given at the latest check-in before ``week`` (None when none was)."""
    return scoring.latest_check_in([kr.confidences.get(column) for column in CHECK_IN_COLUMNS
                                    if column < week])


# Private API


def _address(team_quarter: TeamQuarter, owner: OwnerCheckIn) -> str | None:
    from okrsheet.sheet.owners import address_of

    return address_of(team_quarter, owner.owner) if owner.owner else None


_INPUTS = (VALUE, CONFIDENCE, COMMENT)
_WIDTHS = {ID: 12, KEY_RESULT: 44, UNIT: 8, PROGRESS: 10, LAST_CONFIDENCE: 12, CONFIDENCE: 12,
           COMMENT: 44}
"""Column widths of the Check-in sheet, 11 when not given."""


def _top(sheet: Any, formats: dict[str, Any], team_quarter: TeamQuarter,
         owner: OwnerCheckIn, week: int) -> None:
    sheet.write_string(0, 0, f"Check-in, week {week}", formats["title"])
    values: list[object] = [team_quarter.team, team_quarter.quarter, week, owner.owner,
                            week_start(team_quarter.quarter_start, week)
                            if team_quarter.quarter_start else None]
    for row, (label, value) in enumerate(zip(LABELS, values), 1):
        sheet.write_string(row, 0, label, formats["label"])
        if isinstance(value, dt.date):
            sheet.write_datetime(row, 1, dt.datetime.combine(value, dt.time()),
                                 formats["date_left"])
        elif isinstance(value, int):
            sheet.write_number(row, 1, value, formats["left"])
        elif value:
            sheet.write_string(row, 1, str(value))
    sheet.write_string(HEADER_ROW - 1, 0, "Type this week's Value, pick a Confidence (high, "
                       "medium, low), update the Comment; save and send the file back.")


def _row(sheet: Any, formats: dict[str, Any], row: int, identifier: str, kr: KeyResult,
         week: int) -> None:
    last = last_value(kr, week)
    value = kr.check_ins.get(week)
    cells: list[object] = [identifier, kr.title, *_context(kr), last, value]
    for column, cell in enumerate(cells):
        fmt = formats["check_in" if HEADERS[column] == VALUE else
                      "input_wrap" if HEADERS[column] == KEY_RESULT else "input_number"]
        _write(sheet, row, column, cell, fmt)
    shown = value if not scoring.is_blank(value) else last
    progress = 0.0 if scoring.is_blank(shown) else scoring.progress(
        kr.type, kr.start, kr.target_value, shown)
    sheet.write_formula(row, HEADERS.index(PROGRESS), progress_formula(row),
                        formats["percent"], progress)
    _write(sheet, row, HEADERS.index(LAST_CONFIDENCE), last_confidence(kr, week),
           formats["status"])
    _write(sheet, row, HEADERS.index(CONFIDENCE), kr.confidences.get(week), formats["input"])
    _write(sheet, row, HEADERS.index(COMMENT), kr.comment, formats["input_wrap"])
    if len(str(kr.title or "")) > 44 or len(str(kr.comment or "")) > 44:
        sheet.set_row(row, 30)


def _write(sheet: Any, row: int, column: int, value: object, fmt: Any) -> None:
    """User text always as text; numbers as numbers; anything else (an error) as its text."""
    if value is None or value == "":
        sheet.write_blank(row, column, None, fmt)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        sheet.write_number(row, column, value, fmt)
    elif isinstance(value, scoring.CellError):
        sheet.write_string(row, column, value.text, fmt)
    else:
        sheet.write_string(row, column, str(value), fmt)


def _refuse_ambiguous(team_quarter: TeamQuarter) -> None:
    """Key results a reply could not be matched to for sure: an ID typed twice, or two
    without an ID (numbered by okrsheet, so found by title) with the same title."""
    every = team_quarter.key_results + team_quarter.unassigned
    typed: dict[str, list[KeyResult]] = {}
    titled: dict[str, list[KeyResult]] = {}
    for kr in every:
        if kr.id and kr.id.strip():
            typed.setdefault(kr.id.strip().casefold(), []).append(kr)
        titled.setdefault(str(kr.title).strip().casefold(), []).append(kr)
    name = team_quarter.file or "the workbook"
    for krs in typed.values():
        if len(krs) > 1:
            rows = ", ".join(str(kr.row) for kr in krs if kr.row)
            raise OkrsheetError(f"{name}: the ID {krs[0].id} is given to {len(krs)} key results "
                                f"(rows {rows}); give each its own ID, then split again.")
    for krs in titled.values():
        if len(krs) > 1 and any(not (kr.id and kr.id.strip()) for kr in krs):
            rows = ", ".join(str(kr.row) for kr in krs if kr.row)
            raise OkrsheetError(f"{name}: {len(krs)} key results are titled \"{krs[0].title}\" "
                                f"(rows {rows}) and not all have an ID, so a reply could not be "
                                "told apart; type their IDs (okrsheet fix writes them), then split "
                                "again.")


def _sent(book: Any, team_quarter: TeamQuarter, owner: OwnerCheckIn, week: int) -> None:
    """The very hidden Sent sheet: the labels and each row exactly as split wrote them."""
    sheet = book.add_worksheet(SENT_SHEET)
    sheet.write_string(0, 0, "What okrsheet split sent: okrsheet collect compares the "
                       "Check-in sheet with it. Do not edit.")
    values: list[object] = [team_quarter.team, team_quarter.quarter, week, owner.owner]
    for row, (label, value) in enumerate(zip(LABELS, values), 1):
        sheet.write_string(row, 0, label)
        _write(sheet, row, 1, value, None)
    for column, header in enumerate(SENT_HEADERS):
        sheet.write_string(SENT_HEADER_ROW, column, header)
    for offset, (identifier, kr) in enumerate(owner.key_results, 1):
        cells: list[object] = [identifier, kr.title, "yes" if kr.id else "no", *_context(kr),
                               last_value(kr, week),
                               kr.check_ins.get(week), last_confidence(kr, week),
                               kr.confidences.get(week), kr.comment]
        for column, value in enumerate(cells):
            _write(sheet, SENT_HEADER_ROW + offset, column, value, None)
    sheet.very_hidden()


def _validations(sheet: Any, owner: OwnerCheckIn, last: int) -> None:
    confidence = HEADERS.index(CONFIDENCE)
    sheet.data_validation(HEADER_ROW + 1, confidence, last, confidence, {
        "validate": "list", "source": list(scoring.CONFIDENCES), "ignore_blank": True,
        "error_type": "stop", "error_title": CONFIDENCE,
        "error_message": "Choose high, medium or low."})
    value = HEADERS.index(VALUE)
    for offset, (_, kr) in enumerate(owner.key_results, 1):
        if (kr.type or "").casefold() == "milestone":
            rule = {"validate": "list", "source": list(MILESTONE_CHOICES), "ignore_blank": True,
                    "error_type": "stop", "error_title": "Milestone",
                    "error_message": "Choose done or not done."}
        else:
            rule = {"validate": "decimal", "criteria": "between", "minimum": -1e15,
                    "maximum": 1e15, "error_type": "warning", "error_title": "A number, please",
                    "error_message": "Type a number, without units."}
        sheet.data_validation(HEADER_ROW + offset, value, HEADER_ROW + offset, value, rule)


MAX_NAME_BYTES = 200
"""File names stay well under the 255 bytes most file systems allow, in UTF-8."""


def _file_name(team_quarter: TeamQuarter, week: int, owner: str, used: set[str]) -> str:
    parts = [team_quarter.team or "team", team_quarter.quarter or "", f"week-{week}", owner]
    stem = "-".join(_slug(part) for part in parts if _slug(part))
    stem = _cut(stem, MAX_NAME_BYTES - 12)  # room for "-99.xlsx"
    name, number = f"{stem}.xlsx", 1
    # Names that differ only by case or Unicode normalisation are one file on some disks.
    while _same_on_disk(name) in used:
        number += 1
        name = f"{stem}-{number}.xlsx"
    used.add(_same_on_disk(name))
    return name


def _same_on_disk(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold()


def _cut(text: str, size: int) -> str:
    """``text`` cut to at most ``size`` bytes of UTF-8, never inside a character."""
    while len(text.encode("utf-8")) > size:
        text = text[:-1]
    return text.rstrip("-")


def _slug(text: str) -> str:
    """Letters and digits of any script kept; everything else one hyphen."""
    return re.sub(r"[\W_]+", "-", unicodedata.normalize("NFKC", str(text))).strip("-")[:40]
