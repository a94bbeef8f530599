"""Merging copies of a team's workbook back together: ``okrsheet merge``.

:func:`merge` is three-way: each copy's changes against the base are applied to the base.
Two copies changing the same thing differently is a :class:`Conflict`; unless told which
copy wins (``prefer``) the merge raises :class:`MergeConflicts` listing them all. Nothing is
dropped silently: every change of every copy is applied, agrees with another copy's, or
is a listed conflict. A copy of another team or quarter is refused in one line
(:class:`DifferentTeamQuarter`) before anything is compared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from okrsheet.domain.alignment import kr_ids, objective_ids
from okrsheet.domain.changes import (
    ABSENT,
    FIELD_NAMES,
    KR_FIELDS,
    WORKBOOK_FIELDS,
    Absent,
    Change,
    Matching,
    Place,
    diff,
    field_value,
    jsonable,
    key_result_changes,
    match_key,
    same_value,
    shown_value,
    unset,
)
from okrsheet.domain.model import KeyResult, Objective, TeamQuarter
from okrsheet.domain.problems import OkrsheetError
from okrsheet.domain.quarter import CHECK_IN_COLUMNS

_Value = TypeVar("_Value")
_ObjectiveKey = tuple[str, "int | str"]  # ("base", its index) or ("new", its title's key)

# Public API: merge


@dataclass
class Conflict:
    """The same item changed differently by two or more copies.

    ``values`` lists ``(copy, value)`` for every copy that changed it; ``winner`` names
    the copy whose value was kept when the merge was told which side wins.
    """

    where: str
    field: str
    base: object
    values: Sequence[tuple[str, object]]
    winner: str | None = None

    def __str__(self) -> str:
        name = FIELD_NAMES.get(self.field, self.field)
        shown = "; ".join(f"{copy}: {shown_value(value)}" for copy, value in self.values)
        text = f"{self.where}, {name}: base {shown_value(self.base)}; {shown}"
        return text + (f" (kept {self.winner})" if self.winner else "")

    def as_dict(self) -> dict[str, object]:
        return {"where": self.where, "field": self.field, "base": jsonable(self.base),
                "values": [{"copy": copy, "value": jsonable(value)} for copy, value in self.values],
                "winner": self.winner}


class MergeConflicts(OkrsheetError):
    """Copies disagree and no side was chosen; ``conflicts`` lists every disagreement."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        super().__init__(f"{len(conflicts)} conflict(s) between the copies; the merge stopped. "
                         "Choose which copy wins with --prefer COPY (or first/last).")


class UnknownCopy(OkrsheetError):
    """``prefer`` names no copy."""


class DifferentTeamQuarter(OkrsheetError):
    """A copy is of another team or quarter than the base: not a copy to merge."""


@dataclass
class MergeResult:
    team_quarter: TeamQuarter
    changes: list[tuple[str, Change]] = field(default_factory=list)  # (copy, change) applied
    conflicts: list[Conflict] = field(default_factory=list)  # resolved by ``prefer``


def merge(base: TeamQuarter, copies: list[TeamQuarter], prefer: str | None = None,
          names: list[str] | None = None) -> MergeResult:
    """Apply each copy's changes against ``base`` to ``base`` (three-way, by key result).

    ``names`` name the copies in messages (default: their ``file``, else ``copy 1``...).
    ``prefer`` settles conflicts: a copy's name, ``first`` or ``last`` (the first or last
    copy, in the order given, among those that disagree). Without it any conflict raises
    :class:`MergeConflicts`.
    """
    names = names or [copy.file or f"copy {number}" for number, copy in enumerate(copies, 1)]
    if len(set(names)) != len(names):
        names = [f"{name} (copy {number})" for number, name in enumerate(names, 1)]
    if prefer not in (None, "first", "last") and prefer not in names:
        matches = [name for name in names if Path(name).name == Path(prefer).name]
        if len(matches) != 1:
            raise UnknownCopy(f'"{prefer}" is none of the copies: '
                              f'{", ".join(names)} (or first/last).')
        prefer = matches[0]
    if not copies:
        raise OkrsheetError("merge needs at least one copy besides the base.")
    for name, copy in zip(names, copies):
        refusal = _different(base, copy, name)
        if refusal:
            raise DifferentTeamQuarter(refusal)
    merger = _Merger(base, copies, names, prefer)
    result = merger.run()
    unresolved = [conflict for conflict in merger.conflicts if conflict.winner is None]
    if unresolved:
        raise MergeConflicts(unresolved)
    return result


# Private API: merging


def _different(base: TeamQuarter, copy: TeamQuarter, name: str) -> str | None:
    """Why ``copy`` is not a copy of ``base`` (another team or quarter), or None.

    A blank Team or Quarter on either side says nothing, so it doesn't refuse."""
    from okrsheet.domain.quarter import Quarter, QuarterError

    def quarter(team_quarter: TeamQuarter) -> str:
        try:
            return Quarter.parse(team_quarter.quarter or "").label
        except QuarterError:
            return match_key(team_quarter.quarter)

    pairs = [(match_key(base.team), match_key(copy.team)), (quarter(base), quarter(copy))]
    if all(not mine or not theirs or mine == theirs for mine, theirs in pairs):
        return None
    what = " ".join(str(part).strip() for part in (copy.team, copy.quarter) if part)
    was = " ".join(str(part).strip() for part in (base.team, base.quarter) if part)
    return (f"{name} is {what}, not {was}: a workbook of another team or quarter, not a copy "
            "of the base. Merge only copies made from the base.")


class _Merger:
    def __init__(self, base: TeamQuarter, copies: list[TeamQuarter], names: list[str],
                 prefer: str | None):
        self.base, self.copies, self.names, self.prefer = base, copies, names, prefer
        self.matchings = [Matching(base, copy) for copy in copies]
        self.conflicts: list[Conflict] = []
        self.added: list[KeyResult] = []  # key results a copy added

    def run(self) -> MergeResult:
        base = self.base
        settings: dict[str, Any] = {name: self._resolve("Workbook", name, getattr(base, name),
                                        [getattr(copy, name) for copy in self.copies])
                    for name in WORKBOOK_FIELDS}
        titles = self._objective_titles()
        placed: dict[_ObjectiveKey, list[KeyResult]] = {}  # objective key -> key results, in order
        for old_place, kr in self.matchings[0].old_krs.items():
            kept = self._merge_key_result(old_place, kr)
            if kept is not None:
                where, merged_kr = kept
                placed.setdefault(where, []).append(merged_kr)
        new_objectives = self._added_key_results(placed)

        objectives = []
        for index, objective in enumerate(base.objectives):
            key: _ObjectiveKey = ("base", index)
            title = titles[index]
            if title is ABSENT:
                if not placed.get(key):
                    continue
                # Removed by one copy while another kept or added key results in it.
                # Kept whatever ``prefer`` says, so those key results are not dropped.
                values = self._removal_values(index)
                kept_by = next((name for name, value in values if value == "kept"), self.names[0])
                self.conflicts.append(Conflict(f'Objective "{objective.title}"', "title",
                                               objective.title, values,
                                               winner=kept_by if self.prefer else None))
                title = objective.title
            parent = self._resolve(f'Objective "{objective.title}"', "parent", objective.parent,
                                   [same.parent if (same := _same_id(copy, objective))
                                    else objective.parent for copy in self.copies])
            objectives.append(Objective(title=title, key_results=placed.get(key, []),
                                        id=objective.id, parent=parent))
        for key, title in new_objectives.items():
            objectives.append(Objective(title=title, key_results=placed.get(key, [])))
        merged = TeamQuarter(objectives=objectives, file=None, **settings)
        _fresh_ids(merged, self.added, [base, *self.copies])
        merged.owners = {**base.owners, **{name: address for copy in self.copies  # Owners sheet
                                           for name, address in copy.owners.items()
                                           if base.owners.get(name) != address}}
        applied = [(name, change) for name, copy in zip(self.names, self.copies)
                   for change in diff(base, copy)]
        return MergeResult(merged, applied, self.conflicts)

    # -- one value from base and copies

    def _resolve(self, where: str, name: str, base_value: _Value,
                 values: list[_Value], names: list[str] | None = None) -> _Value:
        """The merged value; a conflict is recorded when copies changed it differently."""
        changed = [(copy, value) for copy, value in zip(names or self.names, values)
                   if not _same_or_absent(base_value, value)]
        if not changed:
            return base_value
        distinct: list[_Value] = []
        for _, value in changed:
            if not any(_same_or_absent(value, seen) for seen in distinct):
                distinct.append(value)
        if len(distinct) == 1:
            return distinct[0]
        winner = self._winner([copy for copy, _ in changed])
        self.conflicts.append(Conflict(where, name, base_value, changed, winner))
        if winner is None:
            return base_value
        return dict(changed)[winner]

    def _winner(self, copies: list[str]) -> str | None:
        if self.prefer == "first":
            return copies[0]
        if self.prefer == "last":
            return copies[-1]
        return self.prefer if self.prefer in copies else None

    # -- objectives

    def _objective_titles(self) -> list[str | Absent]:
        titles = []
        for index, objective in enumerate(self.base.objectives):
            values: list[str | Absent] = []
            for matching, copy in zip(self.matchings, self.copies):
                partner = matching.objectives.get(index)
                values.append(ABSENT if partner is None else copy.objectives[partner].title)
            titles.append(self._resolve(f'Objective "{objective.title}"', "title",
                                        objective.title, values))
        return titles

    def _removal_values(self, index: int) -> list[tuple[str, object]]:
        return [(name, "removed" if matching.objectives.get(index) is None else "kept")
                for name, matching in zip(self.names, self.matchings)]

    def _objective_key(self, matching: Matching, copy: TeamQuarter,
                       new_index: int) -> _ObjectiveKey:
        old_index = matching.objective_partner(new_index)
        if old_index is not None:
            return ("base", old_index)
        return ("new", match_key(copy.objectives[new_index].title))

    # -- key results

    def _merge_key_result(self, old_place: Place,
                          kr: KeyResult) -> tuple[_ObjectiveKey, KeyResult] | None:
        where = f'Key result "{kr.title}"'
        versions: list[KeyResult | Absent] = []  # each copy's KeyResult, or ABSENT
        places: list[_ObjectiveKey | Absent] = []
        for matching, copy in zip(self.matchings, self.copies):
            new_place = matching.krs.get(old_place)
            if new_place is None:
                versions.append(ABSENT)
                places.append(ABSENT)
            else:
                versions.append(copy.objectives[new_place[0]].key_results[new_place[1]])
                places.append(self._objective_key(matching, copy, new_place[0]))
        removed_by = [name for name, version in zip(self.names, versions) if version is ABSENT]
        changed_by = [name for name, version in zip(self.names, versions)
                      if version is not ABSENT and key_result_changes(kr, version)]
        moved_by = [name for name, place in zip(self.names, places)
                    if place is not ABSENT and place != ("base", old_place[0])]
        if removed_by and (changed_by or moved_by):
            others = sorted(set(changed_by + moved_by), key=self.names.index)
            values = [(name, "removed") for name in removed_by] + [(name, "changed") for name in others]
            winner = self._winner(sorted(removed_by + others, key=self.names.index))
            self.conflicts.append(Conflict(where, "key result", "present", values, winner))
            if winner in removed_by:
                return None
        elif removed_by:
            return None
        # Kept: a copy that removed it (and lost the conflict) counts as keeping the base's.
        kept = [kr if version is ABSENT else version for version in versions]
        kept_places = [("base", old_place[0]) if place is ABSENT else place for place in places]
        version_fields = [_kr_fields(version) for version in kept]
        fields = {name: self._resolve(where, name, value,
                                      [each[name] for each in version_fields])
                  for name, value in _kr_fields(kr).items()}
        place = self._resolve(where, "objective", ("base", old_place[0]), kept_places)
        return place, _key_result(fields)

    def _added_key_results(self, placed: dict[_ObjectiveKey, list[KeyResult]]
                           ) -> dict[_ObjectiveKey, str]:
        """Key results (and objectives) that copies added; returns the new objectives' titles."""
        added: dict[tuple[_ObjectiveKey, str], list[tuple[str, KeyResult]]] = {}
        new_objectives: dict[_ObjectiveKey, str] = {}
        for name, matching, copy in zip(self.names, self.matchings, self.copies):
            for new_index, objective in enumerate(copy.objectives):
                key = self._objective_key(matching, copy, new_index)
                if key[0] == "new":
                    new_objectives.setdefault(key, objective.title)
                for kr_index, kr in enumerate(objective.key_results):
                    if matching.kr_partner((new_index, kr_index)) is None:
                        added.setdefault((key, match_key(kr.title)), []).append((name, kr))
        for (key, _), versions in added.items():
            first = versions[0][1]
            fields = {}
            for name, value in _kr_fields(first).items():
                values = [_kr_fields(version)[name] for _, version in versions]
                fields[name] = self._resolve(f'Added key result "{first.title}"', name, None, values,
                                             [copy for copy, _ in versions])
            added_kr = _key_result(fields)
            self.added.append(added_kr)
            placed.setdefault(key, []).append(added_kr)
        return new_objectives


def _fresh_ids(merged: TeamQuarter, added: list[KeyResult], others: list[TeamQuarter]) -> None:
    """An added key result without an id gets one no copy has used (typed or numbered): a
    number once given to a key result someone removed would make it that key result again."""
    taken = {identifier.strip().casefold() for team_quarter in others
             for identifier in kr_ids(team_quarter).values() if identifier}
    taken |= {kr.id.strip().casefold() for kr in merged.key_results if kr.id and kr.id.strip()}
    wanted = {id(kr) for kr in added if not (kr.id and kr.id.strip())}
    for objective, objective_id in zip(merged.objectives, objective_ids(merged.objectives)):
        for kr in objective.key_results:
            if id(kr) not in wanted:
                continue
            number = 1
            while f"{objective_id}.{number}".casefold() in taken:
                number += 1
            kr.id = f"{objective_id}.{number}"
            taken.add(kr.id.casefold())


def _same_id(copy: TeamQuarter, objective: Objective) -> Objective | None:
    """The objective of ``copy`` with ``objective``'s id (ids are kept by every edit)."""
    if not objective.id:
        return None
    return next((other for other in copy.objectives
                 if other.id and other.id.casefold() == objective.id.casefold()), None)


def _kr_fields(kr: KeyResult) -> dict[str, object]:
    fields = {"title": kr.title, **{name: field_value(kr, name) for name in KR_FIELDS}}
    fields.update({f"week_{week}": kr.check_ins.get(week) for week in CHECK_IN_COLUMNS})
    fields.update({f"confidence_{week}": kr.confidences.get(week) for week in CHECK_IN_COLUMNS})
    return fields


def _key_result(fields: Mapping[str, Any]) -> KeyResult:
    """A key result from its fields by name (:func:`_kr_fields`); each value is of its field's type."""
    values = {name: fields[name] for name in ("title", *KR_FIELDS)}
    values["lagging"] = bool(values["lagging"])
    check_ins = {week: fields[f"week_{week}"] for week in CHECK_IN_COLUMNS
                 if not unset(fields[f"week_{week}"])}
    confidences = {week: fields[f"confidence_{week}"] for week in CHECK_IN_COLUMNS
                   if not unset(fields[f"confidence_{week}"])}
    return replace(KeyResult(title=values.pop("title")), **values, check_ins=check_ins,
                   confidences=confidences)


def _same_or_absent(a: object, b: object) -> bool:
    if a is ABSENT or b is ABSENT:
        return a is b
    return same_value(a, b)
