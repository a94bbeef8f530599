"""Reading the Objectives table (or, in the first layout, objective text on key-result
rows) and giving every key result its objective, as the sheet's formulas do."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from okrsheet.domain import scoring
from okrsheet.domain.model import KeyResult, Objective, TeamQuarter, objectives_from_rows
from okrsheet.domain.problems import ERROR, WARNING
from okrsheet.read.reading import Reading
from okrsheet.sheet.cells import shown

# Public API


@dataclass
class Row:
    """A key-result row as read: the KR, its Objective cell, where, and its cached results."""

    kr: KeyResult
    objective: object
    index: int  # into the sheet's rows
    cached: list[object]


class ObjectivesReader:
    """The objective part of :class:`okrsheet.read.sheetreader.SheetReader` (which sets these)."""

    rows: list[list[object]]
    row_offset: int
    header: int
    objective_rows: list[tuple[object, int]]
    objective_columns: dict[str, int]
    objective_cached: dict[int, object]
    objective_cached_status: dict[int, object]
    columns: dict[str, int]

    def _problem(self, severity: str, key: str | None, index: int | None, message: str,
                 code: str, column: int | None = None) -> None:
        raise NotImplementedError

    def _value(self, row: list[object], key: str) -> object:
        raise NotImplementedError

    def _objectives(self, tq: TeamQuarter, header: tuple[int, dict[str, int]], rows: list[Row],
                    reading: Reading, calculated: bool) -> None:
        header_row, columns = header
        self.objective_columns = columns
        untitled: dict[str, int] = {}  # id -> row index of an objective row without a title
        for index in range(header_row + 1, self.header):
            cells = self.rows[index]

            def at(key: str, cells: list[object] = cells) -> object:
                column = columns.get(key)
                return cells[column] if column is not None and column < len(cells) else None

            title = text_of(at("title"))
            if title is None:
                if isinstance(at("id"), str) and at("id"):
                    untitled.setdefault(str(at("id")).casefold(), index)
                continue
            if scoring.same_text(title, "key results") and at("id") in (None, ""):
                break  # the key-result table's heading
            identifier = at("id")
            objective = Objective(title=title, row=index + self.row_offset + 1,
                                  id=text_of(identifier, strip=False), parent=text_of(at("parent")))
            if calculated and "key_results" in columns and at("key_results") in (None, ""):
                self._problem(ERROR, None, index, f'objective "{title}" is in a row without '
                              "formulas (an inserted row), so the sheet does not score it. Run "
                              "okrsheet fix.", "NO-FORMULAS", column=columns["title"])
                continue
            if objective.id is None:
                self._problem(ERROR, None, index, f'objective "{title}" has no ID; give it one '
                              "(like O4) and pick it in its key results' Objective column.",
                              "NO-OBJECTIVE-ID", column=columns["id"])
            tq.objectives.append(objective)
            self.objective_cached[id(objective)] = at("score")
            if "status" in columns:
                self.objective_cached_status[id(objective)] = at("status")
        seen: set[str] = set()
        for objective in tq.objectives:
            key = (objective.id or "").casefold()
            if key and key in seen:
                self._problem(ERROR, None, (objective.row or 1) - 1 - self.row_offset,
                              f'objective ID "{objective.id}" is used twice; its key results count '
                              "in both objectives (the Sheet check says so too). Give each "
                              "objective its own ID.",
                              "DUPLICATE-OBJECTIVE-ID", column=columns["id"])
            seen.add(key)
        for row in rows:
            owners = [objective for objective in tq.objectives
                      if objective.id is not None and scoring.same_id(row.objective, objective.id)]
            for objective in owners:
                objective.key_results.append(row.kr)
            if not owners:
                row.kr.objective_id = row.objective if row.objective not in (None, "") else None
                tq.unassigned.append(row.kr)
                self._problem(ERROR, "objective", row.index,
                              f"Objective is {shown(row.objective)}, which names no objective of "
                              "the Objectives table, so this key result is not scored (check "
                              "input). Pick an objective ID from the drop-down.", "NO-OBJECTIVE")
        self._changed_objectives(tq, untitled, columns)
        for entry in reading.without_formulas:
            kr = entry[1]
            owner = next((objective for objective in tq.objectives if objective.id is not None
                          and scoring.same_id(self._objective_of(kr), objective.id)), None)
            reading.without_formulas[reading.without_formulas.index(entry)] = (owner, kr)

    def _changed_objectives(self, tq: TeamQuarter, untitled: dict[str, int],
                            columns: dict[str, int]) -> None:
        """Name the Objectives-table cell behind unassigned key results: a cleared title, or
        an ID typed anew that its key results no longer name."""
        named = [kr.objective_id for kr in tq.unassigned if isinstance(kr.objective_id, str)]
        for identifier, index in untitled.items():
            count = sum(1 for name in named if name.casefold() == identifier)
            if count:
                self._problem(ERROR, None, index, f"this objective has an ID but no title, so its "
                              f"{count} key result(s) are not scored (check input); type its "
                              "title back.", "NO-OBJECTIVE-TITLE", column=columns["title"])
        unknown = sorted({name for name in named if name.casefold() not in untitled})
        if not unknown:
            return
        for objective in tq.objectives:
            if not objective.key_results:
                self._problem(ERROR, None, (objective.row or 1) - 1 - self.row_offset,
                              f'objective "{objective.title}" (ID {shown(objective.id)}) has no key '
                              f"results, while key results name {', '.join(unknown)}, which is no "
                              "ID here: was the ID changed? Type the old ID back, or pick the new "
                              "one in their Objective column.", "CHANGED-OBJECTIVE-ID",
                              column=columns["id"])

    def _objective_of(self, kr: KeyResult) -> object:
        index = (kr.row or 1) - 1 - self.row_offset
        return self._value(self.rows[index], "objective")

    def _legacy_objectives(self, tq: TeamQuarter, rows: list[Row], kept: list[Row],
                           reading: Reading) -> None:
        """First layout: objective text on the first row of its key results."""
        ordered = sorted([(row.index, text_of(row.objective), row.kr) for row in rows]
                         + [(index, text_of(text), None) for text, index in self.objective_rows],
                         key=lambda item: item[0])
        tq.objectives, orphans = objectives_from_rows([(text, kr) for _, text, kr in ordered])
        starts = [index for index, text, _ in ordered if text is not None]
        for objective, index in zip(tq.objectives, starts):
            objective.row = index + self.row_offset + 1
        previous = None
        for index, text, _ in ordered:
            if text is not None and previous is not None and scoring.same_text(text, previous):
                self._problem(WARNING, "objective", index,
                              f'Objective "{text}" is typed again, so it counts as another '
                              "objective; leave Objective blank on the rows of the same "
                              "objective.", "REPEATED-OBJECTIVE")
            if text is not None:
                previous = text
        unscored = {id(kr) for _, kr in reading.without_formulas}
        for objective in tq.objectives:
            for kr in [kr for kr in objective.key_results if id(kr) in unscored]:
                objective.key_results.remove(kr)
                entry = next(item for item in reading.without_formulas if item[1] is kr)
                reading.without_formulas[reading.without_formulas.index(entry)] = (objective, kr)
        for kr in orphans:
            if id(kr) in unscored:
                continue
            tq.unassigned.append(kr)
            self._problem(ERROR, "title", (kr.row or 1) - 1 - self.row_offset,
                          f'Key result "{kr.title}" has no objective above it; it is not scored. '
                          "Type its objective in the Objective column.", "NO-OBJECTIVE")
        if "objective_score" in self.columns:
            for objective in tq.objectives:
                index = (objective.row or 1) - 1 - self.row_offset
                self.objective_cached[id(objective)] = self._value(self.rows[index], "objective_score")


def text_of(value: object, strip: bool = True) -> str | None:
    """A cell as text (numbers without a trailing .0); None for blank."""
    if value.__class__ is str:  # most cells: checked first
        return (value.strip() if strip else value) or None
    if value is None:
        return None
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, (dt.date, dt.datetime)):
        text = value.isoformat()
    else:
        text = str(value)
    if strip:
        text = text.strip()
    return text or None
