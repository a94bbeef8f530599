"""Owners' Check-in replies back into the team workbook (``okrsheet collect``).

One promise: **a value an owner types ends on that owner's key result, or collect refuses
by name, and nothing else changes.**

* **Which key result.** Each reply carries, on a very hidden sheet, what split sent: the id,
  the title and whether the team typed the id. A typed id must name exactly one key result
  of the team workbook, with the title sent; a key result okrsheet numbered (no id typed) is
  found by its title alone, which must name exactly one. Anything else (an id gone or
  given twice, a title changed, two rows that match) is refused, naming the reply's cell
  and the candidates; ``by_id`` accepts a typed id whose title the team changed.
* **Every cell the owner typed** is taken or refused: Value (a number typed as text that
  converts without doubt is converted), Confidence, Comment, a value or confidence typed
  over Last value / Last confidence with the new one left blank, an edited title (written to
  the key result); a changed Type, Unit, Start or Target, a row the reply did not get, a
  cell typed outside the table, an error value: refused by cell.
* **Whose.** A reply sets only the key results of its own owner; the same file given twice
  counts once.
* **Nothing else changes.** The team workbook is not rewritten: only the cells the replies
  fill are changed in its own XML (:mod:`okrsheet.write.patch`), and the written file is read
  back to prove every other cell is as it was.

Any problem stops the collection with one line per problem; nothing is written. Two
replies giving one key result different values are conflicts, settled only by ``prefer``
(a reply's name, ``first`` or ``last``), with the same words as ``merge``. A reply's value
and confidence go into its week's columns (a late reply fills its own week); its comment
replaces the workbook's only when no later check-in has a value.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okrsheet.domain import scoring
from okrsheet.domain.alignment import kr_ids
from okrsheet.domain.changes import same_value
from okrsheet.domain.merging import Conflict, MergeConflicts, UnknownCopy
from okrsheet.domain.model import KeyResult, TeamQuarter
from okrsheet.domain.problems import OkrsheetError
from okrsheet.domain.quarter import CHECK_IN_COLUMNS, Quarter, QuarterError
from okrsheet.domain.text import visible
from okrsheet.sheet.cells import parse_number
from okrsheet.sheet.layout import cell as a1
from okrsheet.sheet.layout import column_letter
from okrsheet.workflows.lines import Line
from okrsheet.workflows.split import (
    COMMENT,
    CONFIDENCE,
    HEADER_ROW,
    HEADERS,
    ID,
    KEY_RESULT,
    LABELS,
    LAST_CONFIDENCE,
    LAST_VALUE,
    OWNER,
    PROGRESS,
    SENT_HEADER_ROW,
    SENT_HEADERS,
    SENT_SHEET,
    SHEET,
    START,
    TARGET,
    TYPE,
    UNIT,
    VALUE,
    WEEK,
)

if TYPE_CHECKING:
    from okrsheet.read.reading import Reading

__all__ = ["ReplyRow", "Reply", "ReplyProblems", "Collected", "read_reply", "read_replies",
           "collect", "collected_bytes", "reply_week", "team_workbook_suffix", "write_collected"]

FIELDS = ("value", "confidence", "comment", "title")
_NEEDED = (KEY_RESULT, VALUE, CONFIDENCE, COMMENT)
_FIXED = (TYPE, UNIT, START, TARGET)
"""Cells a check-in does not change: an edit there is refused (the team lead changes them)."""


@dataclass
class ReplyRow:
    """One key-result row of a reply: its sheet row (1-based) and cells by header."""

    row: int
    cells: dict[str, object]

    @property
    def id(self) -> str | None:
        value = self.cells.get(ID)
        return _plain(value).strip() or None if value is not None else None

    @property
    def title(self) -> str | None:
        value = self.cells.get(KEY_RESULT)
        return _plain(value) if value is not None else None

    @property
    def value(self) -> object:
        return self.cells.get(VALUE)

    @property
    def confidence(self) -> object:
        return self.cells.get(CONFIDENCE)

    @property
    def comment(self) -> object:
        return self.cells.get(COMMENT)


@dataclass
class Sent:
    """A row as split sent it (from the reply's hidden sheet)."""

    id: str
    title: str | None
    id_typed: bool
    cells: dict[str, object]


@dataclass
class Reply:
    file: str
    team: object
    quarter: object
    week: object
    rows: list[ReplyRow]
    columns: dict[str, str]  # header -> column letter
    labels: dict[str, str]  # label -> its value cell (B3)
    owner: object = None
    sent: dict[str, Sent] | None = None  # casefolded id -> row as sent; None: no record
    sent_labels: dict[str, object] = field(default_factory=dict)
    stray: list[tuple[str, object]] = field(default_factory=list)  # (cell, value) off the table
    errors: dict[str, str] = field(default_factory=dict)  # cell -> error value
    digest: str = ""

    @property
    def week_number(self) -> int | None:
        """The check-in week it is for: as sent (its record), else as its Week cell says."""
        return _week_number(self.sent_labels.get(WEEK, self.week))


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
    cells: dict[tuple[int, str], object] = field(default_factory=dict)
    """What to write: ``(sheet row 1-based, column key) -> value``."""
    week: int = 0


# Public API


def read_reply(path: str | os.PathLike[str], limits: object = None) -> Reply:
    """Read a Check-in reply (.xlsx or .ods); one-line :class:`OkrsheetError` if it isn't one."""
    import python_calamine

    from okrsheet.guard.safety import check_workbook_file, read_checked
    from okrsheet.read.rawxml import error_cells

    name = os.path.basename(path)
    checked = read_checked(path, limits)  # type: ignore[arg-type]
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(checked.data))
    except BaseException as error:  # calamine's own errors for damaged files, or a panic
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        check_workbook_file(path, deep=True)
        raise OkrsheetError(f"{name}: the reply can't be read; ask the owner to save it as "
                            ".xlsx and send it again.") from None
    sheet = next((title for title in book.sheet_names if title.strip().casefold() == "check-in"),
                 None)
    if sheet is None:
        raise OkrsheetError(f"{name}: no sheet named {SHEET}; is this a reply to okrsheet split?")
    found = book.get_sheet_by_name(sheet)
    cells = _grid(found)
    labels = _labels(cells)
    header_at, columns = _header(cells)
    if header_at is None:
        raise OkrsheetError(f"{name}: sheet {SHEET} has no header row with "
                            f"{', '.join(_NEEDED)}; send the owner a fresh file from "
                            "okrsheet split.")
    errors = {a1(row, column): text
              for (row, column), text in error_cells(checked.data, sheet).items()}
    rows, stray = [], []
    for index in range(header_at + 1, len(cells)):
        line = cells[index]
        values = {header: _cell(line, column) for header, column in columns.items()}
        for column, value in enumerate(line):
            if value not in (None, "") and column not in columns.values():
                stray.append((a1(index, column), value))
        if all(values.get(header) is None for header in (ID, KEY_RESULT)):
            stray += [(a1(index, columns[header]), value) for header, value in values.items()
                      if value is not None]
            continue
        rows.append(ReplyRow(index + 1, values))
    for index in range(min(header_at, len(cells))):  # the labels' block: only labels typed
        for column, value in enumerate(cells[index]):
            if column >= 2 and value not in (None, "") and index != HEADER_ROW - 1:
                stray.append((a1(index, column), value))
    team, quarter, week, owner = (labels.get(label, (None, ""))[0] for label in LABELS[:4])
    sent, sent_labels = _sent(book)
    return Reply(str(path), team, quarter, week, rows,
                 {header: column_letter(column) for header, column in columns.items()},
                 {label: cell for label, (_, cell) in labels.items()}, owner=owner,
                 sent=sent, sent_labels=sent_labels, stray=stray, errors=errors,
                 digest=hashlib.sha256(checked.data).hexdigest())


def read_replies(paths: Sequence[str | os.PathLike[str]]) -> list[Reply]:
    """Every reply, each read in a child process with a memory limit (as every workbook is);
    :class:`ReplyProblems` with one line per reply that can't be read."""
    from okrsheet.guard.safety import Limits
    from okrsheet.read.isolation import read_many

    limits = Limits.from_environment()
    replies, problems = [], []
    for outcome in read_many(read_reply, [Path(path) for path in paths], limits):
        if isinstance(outcome, OkrsheetError):
            problems.append(str(outcome))
        else:
            replies.append(outcome)
    if problems:
        raise ReplyProblems(problems)
    for reply, path in zip(replies, paths):
        reply.file = str(path)
    return replies


def reply_week(replies: Sequence[Reply]) -> int:
    """The check-in week the replies are for, when they all say the same one."""
    weeks = {reply.week_number for reply in replies if reply.week_number is not None}
    if len(weeks) == 1:
        return weeks.pop()
    if not weeks:
        raise OkrsheetError("the replies don't say which week they are for; give --week.")
    raise OkrsheetError(f"the replies are for weeks {', '.join(map(str, sorted(weeks)))}; "
                        "collect each week's replies on their own with --week.")


def collect(team_quarter: TeamQuarter, replies: list[Reply], week: int | None = None,
            prefer: str | None = None, *, by_id: bool = False,
            rows: dict[int, str] | None = None) -> Collected:
    """Take the replies' values (into ``week``, by default the replies' own), confidences,
    comments and titles into ``team_quarter`` (changed in place and returned, with the cells
    to write). Raises :class:`ReplyProblems` or :class:`MergeConflicts` without changing
    anything. ``rows`` (key result's sheet row -> its cell for messages) names candidates."""
    replies, notes = _once(replies)
    week = reply_week(replies) if week is None else week
    names = [reply.file for reply in replies]
    prefer = _preferred(prefer, names)
    ids = kr_ids(team_quarter)
    every = team_quarter.key_results + team_quarter.unassigned
    problems: list[str] = []
    given: dict[int, list[tuple[str, ReplyRow, dict[str, object]]]] = {}
    krs: dict[int, KeyResult] = {}
    for reply in replies:
        problems += _reply_problems(team_quarter, reply, week)
        for row in reply.rows:
            where = f"{_name(reply.file)} {SHEET}!{reply.columns.get(ID, 'A')}{row.row}"
            sent, problem = _sent_row(reply, row, where)
            if problem:
                problems.append(problem)
                continue
            kr, problem = _find(every, ids, sent, row, where, by_id, rows or {})
            if problem:
                problems.append(problem)
                continue
            assert kr is not None
            problem = _owner_problem(kr, reply, ids, where)
            if problem:
                problems.append(problem)
                continue
            typed, refused = _entries(kr, row, sent, reply, ids.get(id(kr), ""))
            if refused:
                problems += refused
                continue
            krs[id(kr)] = kr
            given.setdefault(id(kr), []).append((reply.file, row, typed))
    if problems:
        raise ReplyProblems(problems)
    collected = Collected(team_quarter, notes=notes, week=week)
    updates: list[tuple[KeyResult, str, object, str]] = []
    for key, entries in given.items():
        kr = krs[key]
        where = f'Key result {ids[id(kr)]} "{kr.title}"'
        for name in FIELDS:
            base = _current(kr, name, week)
            values = [(file, found[name]) for file, _, found in entries if name in found]
            values = [(file, value) for file, value in values if not same_value(value, base)]
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
        change = _apply(kr, name, value, week, collected.cells)
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


def team_workbook_suffix(file: str) -> str:
    """The suffix of the team workbook collect writes into, and so of its output (.xlsx or
    .xlsm); any other file is refused."""
    suffix = Path(file).suffix.lower()
    if suffix not in (".xlsx", ".xlsm"):
        raise OkrsheetError(f"{file}: collect writes into the team's own .xlsx workbook; open "
                            "it, save it as .xlsx (Excel 2007-365) and collect again.")
    return suffix


def write_collected(reading: "Reading", file: str, replies: Sequence[str | os.PathLike[str]],
                    output: str | os.PathLike[str], *, say: Callable[[Line], None],
                    week: int | None = None, prefer: str | None = None, by_id: bool = False,
                    force: bool = False) -> Collected:
    """``okrsheet collect``: the replies in ``replies`` (workbooks, saved emails, folders of
    them) collected into the team workbook ``file`` (read into ``reading``), written to
    ``output``.

    Each line to tell the team goes to ``say`` as soon as it is known, so the emails left
    out are said before a refusal: :class:`ReplyProblems`,
    :class:`~okrsheet.domain.merging.MergeConflicts` or
    :class:`~okrsheet.domain.merging.UnknownCopy` (for ``prefer``), nothing written.
    """
    from okrsheet.files.writing import write_atomic
    from okrsheet.workflows.mail import read_inbox, unanswered

    team_quarter = reading.team_quarter
    assert team_quarter is not None  # the caller refuses a file with no OKR table
    places = {kr.row: f"{reading.sheet}!{reading.cell('title', kr.row)}"
              for kr in team_quarter.key_results + team_quarter.unassigned if kr.row is not None}
    inbox = read_inbox(team_quarter, replies, file)
    for line in inbox.notes:
        say(Line(visible(f"Left out: {line}")))
    for line in inbox.set_aside:
        say(Line(visible(f"Set aside: {line}")))
    result = collect(team_quarter, inbox.replies, week, prefer, by_id=by_id, rows=places)
    write_atomic(output, collected_bytes(Path(file).read_bytes(), reading, result), force=force)
    for name in dict.fromkeys(reply.file for reply in inbox.replies):
        changes = [change for source, change in result.changes if source == name]
        say(Line(visible(f"{name}: {len(changes)} change(s)")))
        for change in changes:
            say(Line("  " + visible(change)))
    for conflict in result.conflicts:
        say(Line(visible(f"Resolved: {conflict}")))
    for note in result.notes:
        say(Line(visible(f"Note: {note}")))
    say(Line(visible(f"Wrote {output} (week {result.week}): only the cells above changed.")))
    missing = unanswered(result.team_quarter, inbox.replies, result.week)
    if missing:
        say(Line(visible(f"No reply from: {', '.join(missing)} (okrsheet remind {file} "
                         f"INBOX... --week {result.week} -o DRAFTS/ writes them a reminder).")))
    else:
        say(Line(f"Every owner replied for week {result.week}."))
    return result


def collected_bytes(data: bytes, reading: "Reading", collected: Collected) -> bytes:
    """The team workbook ``data`` (.xlsx/.xlsm, as read into ``reading``) with only the
    collected cells changed, proven by reading both back: any other difference is refused."""
    from okrsheet.write.patch import patch_xlsx, patched_cells

    file = os.path.basename(reading.file)
    values: dict[tuple[int, int], object] = {}
    for (row, key), value in collected.cells.items():
        if key not in reading.columns:
            header = _header_text(key)
            raise OkrsheetError(f"{file}: the team workbook has no \"{header}\" column to "
                                f"write the replies into; add it back (okrsheet fix does) "
                                "and collect again.")
        values[row - 1, reading.columns[key]] = None if value is None else (
            value if isinstance(value, (int, float)) else str(value))
    assert reading.sheet is not None
    patch = patch_xlsx(data, reading.sheet, values, file=file)
    differences = patched_cells(data, patch.data, patch)
    changed = differences.get(reading.sheet, {})
    unexpected = [a1(*place) for place in changed if place not in values]
    unexpected += [f"{sheet}!{a1(*place)}" for sheet, cells in differences.items()
                   if sheet != reading.sheet for place in cells]
    wrong = [a1(*place) for place, value in values.items()
             if not same_value(changed.get(place, (None, _read_back(value)))[1],
                               _read_back(value))]
    if unexpected or wrong:  # never: the patch changes only its cells
        shown = ", ".join(unexpected + wrong)
        raise OkrsheetError(f"{file}: writing the replies would change other cells too "
                            f"({shown}); nothing was written. Please report this.")
    return patch.data


# Private API: reading a reply


def _read_back(value: object) -> object:
    """A written value as python-calamine reads it back."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def _header_text(key: str) -> str:
    from okrsheet.sheet.layout import COLUMN_OF

    return COLUMN_OF[key].header if key in COLUMN_OF else key


def _grid(sheet: Any) -> list[list[object]]:
    """The sheet's cells from A1 (calamine starts at the first cell that holds something)."""
    rows = sheet.to_python(skip_empty_area=False)
    if not rows:
        return []
    width = max(map(len, rows))
    top = max(sheet.end[0] + 1 - len(rows), 0)
    left = max(sheet.end[1] + 1 - width, 0)
    blank: list[object] = [""]
    return [blank * width for _ in range(top)] + [blank * left + list(row) for row in rows]


def _cell(line: Sequence[object], column: int) -> object:
    value = line[column] if column < len(line) else None
    if value == "" or value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _labels(cells: Sequence[Sequence[object]]) -> dict[str, tuple[object, str]]:
    """``label -> (value, its cell)`` for the labelled cells above the header row."""
    found: dict[str, tuple[object, str]] = {}
    for index, line in enumerate(cells[:HEADER_ROW + 5]):
        if len(line) >= 2 and isinstance(line[0], str):
            label = line[0].strip().casefold()
            for wanted in LABELS:
                if label == wanted.casefold() and wanted not in found:
                    found[wanted] = (_cell(line, 1), f"B{index + 1}")
    return found


def _header(cells: Sequence[Sequence[object]]) -> tuple[int | None, dict[str, int]]:
    for index, line in enumerate(cells[:50]):
        texts = {str(value).strip().casefold(): column for column, value in enumerate(line)
                 if isinstance(value, str)}
        if all(header.casefold() in texts for header in _NEEDED):
            return index, {header: texts[header.casefold()] for header in HEADERS
                           if header.casefold() in texts}
    return None, {}


def _sent(book: object) -> tuple[dict[str, Sent] | None, dict[str, object]]:
    """The reply's record of what split sent, or (None, {}) for a reply without one."""
    names = list(book.sheet_names)  # type: ignore[attr-defined]
    if SENT_SHEET not in names:
        return None, {}
    cells = _grid(book.get_sheet_by_name(SENT_SHEET))  # type: ignore[attr-defined]
    labels = {str(line[0]): _cell(line, 1) for line in cells[1:SENT_HEADER_ROW] if line}
    # by header text, not position: a file split sent before a column was added reads as
    # it was written (the column it lacks is blank)
    written = cells[SENT_HEADER_ROW] if len(cells) > SENT_HEADER_ROW else []
    columns = {str(value): column for column, value in enumerate(written) if value != ""}
    sent: dict[str, Sent] = {}
    for line in cells[SENT_HEADER_ROW + 1:]:
        row = {header: _cell(line, columns[header]) if header in columns else None
               for header in SENT_HEADERS}
        identifier = _plain(row[ID]).strip()
        if identifier:
            sent[identifier.casefold()] = Sent(identifier, _text(row[KEY_RESULT]),
                                               row["ID typed"] == "yes", row)
    return sent, labels


# Private API: checking and matching


def _once(replies: list[Reply]) -> tuple[list[Reply], list[str]]:
    """The same file given twice counts once."""
    seen: dict[str, str] = {}
    kept, notes = [], []
    for reply in replies:
        if reply.digest and reply.digest in seen:
            notes.append(f"{_name(reply.file)} is the same file as {_name(seen[reply.digest])}: "
                         "counted once.")
            continue
        seen[reply.digest] = reply.file
        kept.append(reply)
    return kept, notes


def _reply_problems(team_quarter: TeamQuarter, reply: Reply, week: int) -> list[str]:
    name = _name(reply.file)
    problems = []

    def where(label: str) -> str:
        return f"{name} {SHEET}!{reply.labels.get(label, 'B2')}"

    for label, shown in zip(LABELS[:4], (reply.team, reply.quarter, reply.week, reply.owner)):
        if label in reply.sent_labels and not same_value(_text(shown),
                                                        _text(reply.sent_labels[label])):
            problems.append(f"{where(label)}: {label} was changed in the reply (sent "
                            f"\"{_plain(reply.sent_labels[label])}\", now \"{_plain(shown)}\"); "
                            "put it back, or send the owner a fresh file from okrsheet split.")
    if problems:
        return problems
    if not _same_text(reply.team, team_quarter.team):
        problems.append(f"{where('Team')}: the reply is for team \"{reply.team or ''}\", not "
                        f"\"{team_quarter.team or ''}\"; collect it into that team's workbook.")
    if not _same_quarter(reply.quarter, team_quarter.quarter):
        problems.append(f"{where('Quarter')}: the reply is for quarter {reply.quarter or '(blank)'}"
                        f", not {team_quarter.quarter}; collect it into that quarter's workbook.")
    if _week_number(reply.week) != week:
        shown = _plain(reply.week)
        hint = (f"collect it with --week {shown} (a late reply), or ask the owner for the "
                f"week-{week} file" if shown.isdigit() and int(shown) in CHECK_IN_COLUMNS
                else "send the owner a fresh file from okrsheet split")
        problems.append(f"{where('Week')}: the reply is for week {shown or '(blank)'}, and this "
                        f"collection is for week {week}; {hint}.")
    for cell, value in reply.stray:
        problems.append(f"{name} {SHEET}!{cell}: \"{_plain(value)}\" is typed outside the "
                        "key results' rows, so it would be lost; move it into a Comment (or "
                        "delete it) and send the reply again.")
    return problems


def _sent_row(reply: Reply, row: ReplyRow, where: str) -> tuple[Sent, str | None]:
    """The row as split sent it: by its id, or by its title when the id was cleared."""
    if reply.sent is None:  # a reply from an okrsheet before the record: as it reads
        return Sent(row.id or "", row.title, True, {}), None
    if row.id and row.id.casefold() in reply.sent:
        return reply.sent[row.id.casefold()], None
    if not row.id:
        same = [sent for sent in reply.sent.values()
                if _same_text(sent.title, row.title)]
        if len(same) == 1:
            return same[0], None
    shown = f"ID {row.id}" if row.id else f'"{row.title or ""}" (no ID)'
    sent_ids = ", ".join(sent.id for sent in reply.sent.values())
    return Sent("", None, False, {}), (
        f"{where}: {shown} is not a row okrsheet split sent in this reply ({sent_ids}); "
        "was the ID changed or the row added? Put the ID back, or delete the row.")


def _find(every: list[KeyResult], ids: dict[int, str], sent: Sent, row: ReplyRow, where: str,
          by_id: bool, places: dict[int, str]) -> tuple[KeyResult | None, str | None]:
    """The one key result of the team workbook the sent row is, or why it can't be told."""

    def named(kr: KeyResult) -> str:
        place = places.get(kr.row or 0)
        return f'{ids.get(id(kr)) or "(no ID)"} "{kr.title}"' + (f" at {place}" if place else "")

    label = f'{sent.id} "{sent.title or row.title or ""}"'
    titled = [kr for kr in every if _same_text(kr.title, sent.title or row.title)]
    if sent.id_typed or not sent.cells:  # a typed id: it must name one key result
        with_id = [kr for kr in every if kr.id and kr.id.strip().casefold() == sent.id.casefold()]
        if not sent.cells:  # no record of what was sent: the id as the workbook numbers it now
            with_id = with_id or [kr for kr in every if ids.get(id(kr), "").casefold()
                                  == sent.id.casefold()]
        if len(with_id) > 1:
            return None, (f"{where}: key result {label}: the ID {sent.id} is given to "
                          f"{len(with_id)} key results of the team workbook "
                          f"({'; '.join(map(named, with_id))}); give each its own ID, then "
                          "collect again.")
        if not with_id:
            candidates = f" (a key result with that title: {'; '.join(map(named, titled))})" \
                if titled else ""
            return None, (f"{where}: key result {label} is not in the team workbook any more"
                          f"{candidates}; delete the row from the reply, or add the key result "
                          "back.")
        kr = with_id[0]
        if not _same_text(kr.title, sent.title or row.title) and not by_id:
            return None, (f"{where}: key result {label} is titled \"{kr.title}\" in the team "
                          "workbook now, so okrsheet can't be sure it is the same one; check, "
                          "then collect with --by-id to match by the ID alone.")
        return kr, None
    # okrsheet numbered it at split time: its title is what identifies it
    if len(titled) == 1:
        return titled[0], None
    if not titled:
        return None, (f"{where}: key result {label} had no ID typed in the team workbook, and "
                      "no key result there has that title any more (renamed or deleted?); "
                      "give the team's key results IDs (okrsheet fix numbers them) and split "
                      "again.")
    return None, (f"{where}: key result {label}: {len(titled)} key results of the team workbook "
                  f"have that title ({'; '.join(map(named, titled))}) and none had an ID typed; "
                  "type their IDs in the team workbook and split again.")


def _owner_problem(kr: KeyResult, reply: Reply, ids: dict[int, str], where: str) -> str | None:
    owner = reply.sent_labels.get(OWNER, reply.owner) if reply.sent is not None else None
    if reply.sent is None:
        return None
    theirs = _text(kr.owner)
    if _same_text(theirs, owner):
        return None
    return (f"{where}: key result {ids.get(id(kr), '')} \"{kr.title}\" is "
            f"{theirs or 'nobody'}'s in the team workbook, and this reply is "
            f"{_text(owner) or 'for key results nobody owns'}'s; a reply sets only its own "
            "owner's key results. Collect that owner's own reply instead.")


def _entries(kr: KeyResult, row: ReplyRow, sent: Sent, reply: Reply,
             identifier: str) -> tuple[dict[str, object], list[str]]:
    """What the row's owner typed, by field (value, confidence, comment, title), or problems
    naming each cell that can't be taken."""
    name = _name(reply.file)
    problems: list[str] = []
    found: dict[str, object] = {}
    label = identifier or sent.id

    def at(header: str) -> str:
        return f"{name} {SHEET}!{reply.columns.get(header, column_letter(HEADERS.index(header)))}" \
               f"{row.row}"

    for header in HEADERS:
        place = at(header).split("!", 1)[1]
        if place in reply.errors:
            problems.append(f"{at(header)}: {label} {header} holds the error value "
                            f"{reply.errors[place]}; type a value (or clear the cell).")
    if problems:
        return found, problems
    changed = (lambda header: sent.cells and not same_value(_entry(row.cells.get(header)),
                                                            _entry(sent.cells.get(header))))
    for header in _FIXED:
        if changed(header):
            problems.append(f"{at(header)}: {label} {header} was changed in the reply (sent "
                            f"\"{_plain(sent.cells.get(header))}\", now "
                            f"\"{_plain(row.cells.get(header))}\"); a check-in doesn't change "
                            "it. Put it back, and ask the team lead to change it in the team "
                            "workbook (a revised target, with a reason).")
    def typed_over(last: str, new: str, what: str) -> tuple[object, str]:
        """The new cell, or the last one when the owner typed over it and left the new blank."""
        if not changed(last):
            return row.cells.get(new), at(new)
        over = row.cells.get(last)
        if row.cells.get(new) is None or same_value(_entry(row.cells.get(new)), _entry(over)):
            return over, at(last)
        problems.append(f"{at(last)}: {label} {last} was typed over (\"{_plain(over)}\") and "
                        f"{new} says \"{_plain(row.cells.get(new))}\"; keep one: type this "
                        f"week's {what} in {new} only.")
        return row.cells.get(new), at(new)

    value, value_cell = typed_over(LAST_VALUE, VALUE, "value")
    confidence, confidence_cell = typed_over(LAST_CONFIDENCE, CONFIDENCE, "confidence")
    typed_value = not sent.cells or changed(VALUE) or value_cell == at(LAST_VALUE)
    if value is None and typed_value and sent.cells:
        found["value"] = None  # the owner cleared a value the file came with
    elif value is not None and typed_value:
        number, problem = _value(kr, value, value_cell, label)
        if problem:
            problems.append(problem)
        else:
            found["value"] = number
    typed_confidence = (not sent.cells or changed(CONFIDENCE)
                        or confidence_cell == at(LAST_CONFIDENCE))
    if confidence is None and typed_confidence and sent.cells:
        found["confidence"] = None
    elif confidence is not None and typed_confidence:
        if isinstance(confidence, str) and confidence.strip().casefold() in scoring.CONFIDENCES:
            found["confidence"] = confidence.strip().casefold()
        else:
            problems.append(f"{confidence_cell}: {label} Confidence is \"{_plain(confidence)}\"; "
                            "choose high, medium or low.")
    if row.comment is not None and (not sent.cells or changed(COMMENT)):
        found["comment"] = _plain(row.comment)
    elif sent.cells and changed(COMMENT):  # the owner cleared the comment
        found["comment"] = None
    if sent.cells and sent.title is not None and row.title is not None \
            and not _same_text(row.title, sent.title):
        found["title"] = row.title.strip()
    progress = row.cells.get(PROGRESS)
    if sent.cells and isinstance(progress, (int, float)) and not problems:
        # Its formula's result with the new value, or as split cached it (a file saved by a
        # program that does not recalculate): anything else was typed over it.
        results = [_progress(kr, found.get("value", value)),
                   _progress(kr, sent.cells.get(VALUE) if sent.cells.get(VALUE) is not None
                             else sent.cells.get(LAST_VALUE))]
        if not any(result is None or abs(float(progress) - result) <= 1e-9 for result in results):
            problems.append(f"{at(PROGRESS)}: {label} Progress was typed over "
                            f"({_plain(progress)}); it is worked out from the value. Type the "
                            "value in Value and clear Progress's cell (or send the file again).")
    return found, problems


def _progress(kr: KeyResult, value: object) -> float | None:
    """What the reply's Progress formula shows for ``value`` (None: not a value it scores)."""
    if scoring.is_blank(value):
        return 0.0
    if not (scoring.is_number(value) or isinstance(value, str)):
        return None
    return scoring.progress(kr.type, kr.start, kr.target_value, value)


def _value(kr: KeyResult, value: object, cell: str, label: str) -> tuple[object, str | None]:
    """A typed value as the team workbook should hold it, or the problem with it."""
    if (kr.type or "").strip().casefold() == "milestone":
        state = scoring.milestone_state(value)
        if state is None:
            return None, (f"{cell}: {label} is a milestone; its Value is \"{_plain(value)}\"; "
                          "choose done or not done.")
        return (value if isinstance(value, float) else "done" if state else "not done"), None
    if isinstance(value, bool):
        return None, (f"{cell}: {label} Value is \"{_plain(value)}\", not a number; type the "
                      "number without units.")
    if isinstance(value, (int, float)):
        return float(value), None
    import datetime as dt

    if isinstance(value, (dt.date, dt.datetime, dt.timedelta)):
        return None, (f"{cell}: {label} Value is a date ({_plain(value)}), not a number; type "
                      "the number (the cell may be formatted as a date: set it to Number).")
    number, _ = parse_number(value)
    if number is None:
        return None, (f"{cell}: {label} Value is \"{_plain(value)}\", not a number; type the "
                      "number without units.")
    return number, None


def _entry(value: object) -> object:
    if isinstance(value, str):
        return value.strip().casefold() or None
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _current(kr: KeyResult, name: str, week: int) -> object:
    if name == "value":
        return kr.check_ins.get(week)
    if name == "confidence":
        return kr.confidences.get(week)
    return getattr(kr, name)


def _apply(kr: KeyResult, name: str, value: object, week: int,
           cells: dict[tuple[int, str], object]) -> str | None:
    """Set one field and note its cell; a description of the change, or None."""
    row = kr.row or 0
    if name in ("value", "confidence"):
        weekly = kr.check_ins if name == "value" else kr.confidences
        old = weekly.get(week)
        if same_value(old, value):
            return None
        weekly[week] = value
        cells[row, f"week_{week}" if name == "value" else f"confidence_{week}"] = value
        what = f"week {week}" if name == "value" else f"confidence {week}"
        return (f"{what}: {_plain(value)}" + ("" if scoring.is_blank(old)
                                              else f" (was {_plain(old)})"))
    if name == "comment":
        later = [column for column in CHECK_IN_COLUMNS if column > week
                 and not scoring.is_blank(kr.check_ins.get(column))]
        if later:
            return None  # a late reply: the latest check-in's comment stays
    old = getattr(kr, name)
    if same_value(old, value):
        return None
    setattr(kr, name, value)
    cells[row, name] = value
    return f"{name}: {_plain(value)}" + (f" (was {_plain(old)})" if name == "title" else "")


def _preferred(prefer: str | None, names: list[str]) -> str | None:
    if prefer in (None, "first", "last") or prefer in names:
        return prefer
    matches = [name for name in names if Path(name).name == Path(str(prefer)).name]
    if len(matches) != 1:
        raise UnknownCopy(f'"{prefer}" is none of the replies: {", ".join(names)} '
                          "(or first/last).")
    return matches[0]


def _week_number(value: object) -> int | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value) in \
            CHECK_IN_COLUMNS:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit() and int(value) in CHECK_IN_COLUMNS:
        return int(value)
    return None


def _text(value: object) -> str | None:
    return _plain(value).strip() or None if value is not None else None


def _same_text(a: object, b: object) -> bool:
    return str(_plain(a)).strip().casefold() == str(_plain(b)).strip().casefold()


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
