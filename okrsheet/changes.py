"""What changed between copies of a team's workbook, and merging copies back together.

Copies are compared by objective and key result, never by raw cell: rows may move, be
inserted or deleted. Key results are matched by title first (any objective), then, for
renamed ones, by title similarity, position in a matched objective, owner and type.

:func:`merge` is three-way: each copy's changes against the base are applied to the base.
Two copies changing the same thing differently is a :class:`Conflict`; unless told which
copy wins (``prefer``) the merge raises :class:`MergeConflicts` listing them all. Nothing is
dropped silently: every change of every copy is applied, agrees with another copy's, or
is a listed conflict.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path

from okrsheet import scoring
from okrsheet.files import OkrsheetError
from okrsheet.model import CHECK_IN_COLUMNS, KeyResult, Objective, TeamQuarter

WORKBOOK_FIELDS = ("team", "quarter", "quarter_start", "quarter_end", "as_of",
                   "green_from", "orange_from")
KR_FIELDS = ("owner", "kind", "type", "unit", "start", "target", "revised_target",
             "revision_reason", "weight", "lagging", "current", "confidence", "comment")
FIELD_NAMES = {
    "team": "Team", "quarter": "Quarter", "quarter_start": "Quarter start",
    "quarter_end": "Quarter end", "as_of": "As of", "green_from": "Green from",
    "orange_from": "Orange from", "title": "Title", "objective": "Objective",
    "owner": "Owner", "kind": "Kind", "type": "Type", "unit": "Unit", "start": "Start",
    "target": "Target", "revised_target": "Revised target",
    "revision_reason": "Revision reason", "weight": "Weight", "lagging": "Lagging",
    "current": "Current", "confidence": "Confidence", "comment": "Comment",
    **{f"week_{week}": f"Week {week}" for week in CHECK_IN_COLUMNS},
}

# Change kinds
ADDED, REMOVED, RENAMED, MOVED, CHANGED = "added", "removed", "renamed", "moved", "changed"
CHECK_IN_ADDED, CHECK_IN_CHANGED, CHECK_IN_REMOVED = (
    "check-in added", "check-in changed", "check-in removed")


# Public API: diff


@dataclass(frozen=True)
class Change:
    """One change from an old copy to a new one, e.g. a key result's Current 4 -> 6.

    ``what`` is ``workbook``, ``objective`` or ``key result``; ``objective`` and
    ``key_result`` name the item (its new title when it still exists).
    """

    kind: str
    what: str
    objective: str | None = None
    key_result: str | None = None
    field: str | None = None
    old: object = None
    new: object = None

    def __str__(self) -> str:
        name = FIELD_NAMES.get(self.field or "", self.field)
        if self.what == "workbook":
            return f"{name}: {_show(self.old)} -> {_show(self.new)}"
        item = (f'objective "{self.objective}"' if self.what == "objective"
                else f'key result "{self.key_result}"')
        if self.kind == ADDED:
            return f"{item} added"
        if self.kind == REMOVED:
            return f"{item} removed"
        if self.kind == RENAMED:
            return f'{item} renamed from "{self.old}"'
        if self.kind == MOVED:
            return f'{item} moved from objective "{self.old}"'
        if self.kind == CHECK_IN_ADDED:
            return f"{item}: {name} check-in added: {_show(self.new)}"
        if self.kind == CHECK_IN_REMOVED:
            return f"{item}: {name} check-in removed (was {_show(self.old)})"
        return f"{item}: {name} {_show(self.old)} -> {_show(self.new)}"

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "what": self.what, "objective": self.objective,
                "key_result": self.key_result, "field": self.field,
                "old": _jsonable(self.old), "new": _jsonable(self.new)}


def diff(old: TeamQuarter, new: TeamQuarter) -> list[Change]:
    """The changes that turn ``old`` into ``new``: workbook settings, then objective by objective."""
    matching = _Matching(old, new)
    changes: list[Change] = []
    for name in WORKBOOK_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if not same_value(before, after):
            changes.append(Change(CHANGED, "workbook", field=name, old=before, new=after))

    for index, objective in enumerate(old.objectives):
        if index not in matching.objectives:
            changes.append(Change(REMOVED, "objective", objective=objective.title))
    for new_index, objective in enumerate(new.objectives):
        old_index = matching.objective_partner(new_index)
        if old_index is None:
            changes.append(Change(ADDED, "objective", objective=objective.title))
        elif not same_value(old.objectives[old_index].title, objective.title):
            changes.append(Change(RENAMED, "objective", objective=objective.title,
                                  old=old.objectives[old_index].title, new=objective.title))
        for kr_index, kr in enumerate(objective.key_results):
            old_place = matching.kr_partner((new_index, kr_index))
            if old_place is None:
                changes.append(Change(ADDED, "key result", objective.title, kr.title))
                continue
            old_kr = old.objectives[old_place[0]].key_results[old_place[1]]
            changes += key_result_changes(old_kr, kr, objective.title)
            if matching.objectives.get(old_place[0]) != new_index:
                changes.append(Change(MOVED, "key result", objective.title, kr.title, "objective",
                                      old=old.objectives[old_place[0]].title, new=objective.title))
    for place, kr in matching.old_krs.items():
        if place not in matching.krs:
            changes.append(Change(REMOVED, "key result", old.objectives[place[0]].title, kr.title))
    return changes


def key_result_changes(old: KeyResult, new: KeyResult, objective: str | None = None) -> list[Change]:
    """Changes between two versions of one key result: title, values, check-ins."""
    changes = []
    if not same_value(old.title, new.title):
        changes.append(Change(RENAMED, "key result", objective, new.title, "title",
                              old=old.title, new=new.title))
    for name in KR_FIELDS:
        before, after = _field(old, name), _field(new, name)
        if not same_value(before, after):
            changes.append(Change(CHANGED, "key result", objective, new.title, name, before, after))
    for week in CHECK_IN_COLUMNS:
        before, after = old.check_ins.get(week), new.check_ins.get(week)
        if same_value(before, after):
            continue
        kind = (CHECK_IN_ADDED if _blank(before) else
                CHECK_IN_REMOVED if _blank(after) else CHECK_IN_CHANGED)
        changes.append(Change(kind, "key result", objective, new.title, f"week_{week}", before, after))
    return changes


def format_changes(changes: list[Change]) -> str:
    """Changes as text, grouped by objective, one change a line."""
    if not changes:
        return "No changes."
    from okrsheet.text import visible

    lines = [f"Workbook: {visible(change)}" for change in changes if change.what == "workbook"]
    groups: dict[str, list[Change]] = {}
    for change in changes:
        if change.what != "workbook":
            groups.setdefault(change.objective or "", []).append(change)
    for objective, items in groups.items():  # user text shown inert: a "\r" can't fake a line
        lines.append(f'Objective "{visible(objective)}":')
        lines += [f"  {_MARKS.get(change.kind, '~')} {visible(change)}" for change in items]
    return "\n".join(lines)


def same_value(a: object, b: object) -> bool:
    """Equal as a person reading both copies would say: blank is blank, numbers to 12 digits."""
    if _blank(a) and _blank(b):
        return True
    if _is_number(a) and _is_number(b):
        return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))
    if isinstance(a, dt.date) or isinstance(b, dt.date):
        return _as_date(a) == _as_date(b)
    return a == b


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
    values: list[tuple[str, object]]
    winner: str | None = None

    def __str__(self) -> str:
        name = FIELD_NAMES.get(self.field, self.field)
        shown = "; ".join(f"{copy}: {_show(value)}" for copy, value in self.values)
        text = f"{self.where}, {name}: base {_show(self.base)}; {shown}"
        return text + (f" (kept {self.winner})" if self.winner else "")

    def as_dict(self) -> dict[str, object]:
        return {"where": self.where, "field": self.field, "base": _jsonable(self.base),
                "values": [{"copy": copy, "value": _jsonable(value)} for copy, value in self.values],
                "winner": self.winner}


class MergeConflicts(OkrsheetError):
    """Copies disagree and no side was chosen; ``conflicts`` lists every disagreement."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        super().__init__(f"{len(conflicts)} conflict(s) between the copies; the merge stopped. "
                         "Choose which copy wins with --prefer COPY (or first/last).")


class UnknownCopy(OkrsheetError):
    """``prefer`` names no copy."""


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
    merger = _Merger(base, copies, names, prefer)
    result = merger.run()
    unresolved = [conflict for conflict in merger.conflicts if conflict.winner is None]
    if unresolved:
        raise MergeConflicts(unresolved)
    return result


# Private API: matching objectives and key results

Place = tuple[int, int]  # (objective index, key-result index within it)


class _Matching:
    """Which objectives and key results of ``new`` are which of ``old``."""

    def __init__(self, old: TeamQuarter, new: TeamQuarter):
        self.old_krs = {(o, k): kr for o, objective in enumerate(old.objectives)
                        for k, kr in enumerate(objective.key_results)}
        self.new_krs = {(o, k): kr for o, objective in enumerate(new.objectives)
                        for k, kr in enumerate(objective.key_results)}
        self.objectives: dict[int, int] = {}  # old index -> new index
        self.krs: dict[Place, Place] = {}  # old place -> new place
        self._match_objectives_by_title(old.objectives, new.objectives)
        self._match_krs_by_title()
        self._match_objectives_by_content(old.objectives, new.objectives)
        self._match_renamed_krs()
        self._new_objectives = {new_index: old_index for old_index, new_index in self.objectives.items()}
        self._new_krs = {new_place: old_place for old_place, new_place in self.krs.items()}

    def objective_partner(self, new_index: int) -> int | None:
        return self._new_objectives.get(new_index)

    def kr_partner(self, new_place: Place) -> Place | None:
        return self._new_krs.get(new_place)

    def _match_objectives_by_title(self, old: list[Objective], new: list[Objective]) -> None:
        for old_index, objective in enumerate(old):
            for new_index, other in enumerate(new):
                if new_index not in self.objectives.values() and _key(objective.title) == _key(other.title):
                    self.objectives[old_index] = new_index
                    break

    def _match_krs_by_title(self) -> None:
        taken: set[Place] = set()
        by_title: dict[str, list[Place]] = {}  # looked up, not searched: near-linear in KRs
        for place, other in self.new_krs.items():
            by_title.setdefault(_key(other.title), []).append(place)
        for old_place, kr in self.old_krs.items():
            candidates = [place for place in by_title.get(_key(kr.title), ())
                          if place not in taken]
            if not candidates:
                continue
            # Among equal titles prefer the same objective, then the nearest position.
            partner = self.objectives.get(old_place[0])
            best = min(candidates, key=lambda place: (place[0] != partner,
                                                      abs(place[1] - old_place[1]), place))
            self.krs[old_place] = best
            taken.add(best)

    def _match_objectives_by_content(self, old: list[Objective], new: list[Objective]) -> None:
        """A renamed objective keeps most of its key results, or its place and some words."""
        free_old = [index for index in range(len(old)) if index not in self.objectives]
        for old_index in free_old:
            shared: dict[int, int] = {}
            for (o, _), (n, _) in self.krs.items():
                if o == old_index and n not in self.objectives.values():
                    shared[n] = shared.get(n, 0) + 1
            if shared:
                self.objectives[old_index] = max(shared, key=lambda n: (shared[n], -n))
        for old_index in range(len(old)):
            if old_index in self.objectives or old_index >= len(new):
                continue
            if old_index not in self.objectives.values() and _similar(
                    old[old_index].title, new[old_index].title) >= 0.5:
                self.objectives[old_index] = old_index

    def _match_renamed_krs(self) -> None:
        matched = set(self.krs.values())
        free_new = [place for place in self.new_krs if place not in matched]
        pairs = []
        for old_place, kr in self.old_krs.items():
            if old_place in self.krs:
                continue
            for new_place in free_new:
                other = self.new_krs[new_place]
                same_objective = self.objectives.get(old_place[0]) == new_place[0]
                bonus = (0.3 * same_objective
                         + 0.3 * (same_objective and old_place[1] == new_place[1])
                         + 0.2 * (bool(kr.owner) and same_value(kr.owner, other.owner))
                         + 0.1 * same_value(_key(kr.type), _key(other.type)))
                score = bonus + _similar(kr.title, other.title, at_least=0.9 - bonus)
                if score >= 0.9:
                    pairs.append((-score, old_place, new_place))
        for _, old_place, new_place in sorted(pairs):
            if old_place not in self.krs and new_place not in matched:
                self.krs[old_place] = new_place
                matched.add(new_place)


# Private API: merging


_ABSENT = object()  # a key result or objective a copy removed


class _Merger:
    def __init__(self, base: TeamQuarter, copies: list[TeamQuarter], names: list[str],
                 prefer: str | None):
        self.base, self.copies, self.names, self.prefer = base, copies, names, prefer
        self.matchings = [_Matching(base, copy) for copy in copies]
        self.conflicts: list[Conflict] = []

    def run(self) -> MergeResult:
        base = self.base
        settings = {name: self._resolve("Workbook", name, getattr(base, name),
                                        [getattr(copy, name) for copy in self.copies])
                    for name in WORKBOOK_FIELDS}
        titles = self._objective_titles()
        placed: dict[object, list[KeyResult]] = {}  # objective key -> key results, in order
        for old_place, kr in self.matchings[0].old_krs.items():
            merged = self._merge_key_result(old_place, kr)
            if merged is not None:
                where, merged_kr = merged
                placed.setdefault(where, []).append(merged_kr)
        new_objectives = self._added_key_results(placed)

        objectives = []
        for index, objective in enumerate(base.objectives):
            key = ("base", index)
            title = titles[index]
            if title is _ABSENT:
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
            objectives.append(Objective(title=title, key_results=placed.get(key, [])))
        for key, title in new_objectives.items():
            objectives.append(Objective(title=title, key_results=placed.get(key, [])))
        merged = TeamQuarter(objectives=objectives, file=None, **settings)
        applied = [(name, change) for name, copy in zip(self.names, self.copies)
                   for change in diff(base, copy)]
        return MergeResult(merged, applied, self.conflicts)

    # -- one value from base and copies

    def _resolve(self, where: str, name: str, base_value: object,
                 values: list[object], names: list[str] | None = None) -> object:
        """The merged value; a conflict is recorded when copies changed it differently."""
        changed = [(copy, value) for copy, value in zip(names or self.names, values)
                   if not _same_or_absent(base_value, value)]
        if not changed:
            return base_value
        distinct = []
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

    def _objective_titles(self) -> list[object]:
        titles = []
        for index, objective in enumerate(self.base.objectives):
            values = []
            for matching, copy in zip(self.matchings, self.copies):
                partner = matching.objectives.get(index)
                values.append(_ABSENT if partner is None else copy.objectives[partner].title)
            titles.append(self._resolve(f'Objective "{objective.title}"', "title",
                                        objective.title, values))
        return titles

    def _removal_values(self, index: int) -> list[tuple[str, object]]:
        return [(name, "removed" if matching.objectives.get(index) is None else "kept")
                for name, matching in zip(self.names, self.matchings)]

    def _objective_key(self, matching: _Matching, copy: TeamQuarter, new_index: int) -> object:
        old_index = matching.objective_partner(new_index)
        if old_index is not None:
            return ("base", old_index)
        return ("new", _key(copy.objectives[new_index].title))

    # -- key results

    def _merge_key_result(self, old_place: Place, kr: KeyResult) -> tuple[object, KeyResult] | None:
        where = f'Key result "{kr.title}"'
        versions: list[object] = []  # each copy's KeyResult, or _ABSENT
        places: list[object] = []
        for matching, copy in zip(self.matchings, self.copies):
            new_place = matching.krs.get(old_place)
            if new_place is None:
                versions.append(_ABSENT)
                places.append(_ABSENT)
            else:
                versions.append(copy.objectives[new_place[0]].key_results[new_place[1]])
                places.append(self._objective_key(matching, copy, new_place[0]))
        removed_by = [name for name, version in zip(self.names, versions) if version is _ABSENT]
        changed_by = [name for name, version in zip(self.names, versions)
                      if version is not _ABSENT and key_result_changes(kr, version)]
        moved_by = [name for name, place in zip(self.names, places)
                    if place is not _ABSENT and place != ("base", old_place[0])]
        if removed_by and (changed_by or moved_by):
            others = sorted(set(changed_by + moved_by), key=self.names.index)
            values = [(name, "removed") for name in removed_by] + [(name, "changed") for name in others]
            winner = self._winner(sorted(removed_by + others, key=self.names.index))
            self.conflicts.append(Conflict(where, "key result", "present", values, winner))
            if winner in removed_by:
                return None
            versions = [kr if version is _ABSENT else version for version in versions]
            places = [("base", old_place[0]) if place is _ABSENT else place for place in places]
        elif removed_by:
            return None
        version_fields = [_kr_fields(version) for version in versions]
        fields = {name: self._resolve(where, name, value,
                                      [each[name] for each in version_fields])
                  for name, value in _kr_fields(kr).items()}
        place = self._resolve(where, "objective", ("base", old_place[0]), places)
        return place, _key_result(fields)

    def _added_key_results(self, placed: dict[object, list[KeyResult]]) -> dict[object, str]:
        """Key results (and objectives) that copies added; returns the new objectives' titles."""
        added: dict[tuple[object, str], list[tuple[str, KeyResult]]] = {}
        new_objectives: dict[object, str] = {}
        for name, matching, copy in zip(self.names, self.matchings, self.copies):
            for new_index, objective in enumerate(copy.objectives):
                key = self._objective_key(matching, copy, new_index)
                if key[0] == "new":
                    new_objectives.setdefault(key, objective.title)
                for kr_index, kr in enumerate(objective.key_results):
                    if matching.kr_partner((new_index, kr_index)) is None:
                        added.setdefault((key, _key(kr.title)), []).append((name, kr))
        for (key, _), versions in added.items():
            first = versions[0][1]
            fields = {}
            for name, value in _kr_fields(first).items():
                values = [_kr_fields(version)[name] for _, version in versions]
                fields[name] = self._resolve(f'Added key result "{first.title}"', name, None, values,
                                             [copy for copy, _ in versions])
            placed.setdefault(key, []).append(_key_result(fields))
        return new_objectives


def _kr_fields(kr: KeyResult) -> dict[str, object]:
    fields = {"title": kr.title, **{name: _field(kr, name) for name in KR_FIELDS}}
    fields.update({f"week_{week}": kr.check_ins.get(week) for week in CHECK_IN_COLUMNS})
    return fields


def _field(kr: KeyResult, name: str) -> object:
    """A key result's value as the user set it.

    Current is read back as shown, so a Current equal to the latest check-in counts as
    following the check-ins (not typed): adding a check-in is not also a change of Current,
    and a merged workbook keeps Current's formula.
    """
    value = getattr(kr, name)
    if name == "current":
        weeks = [kr.check_ins.get(week) for week in CHECK_IN_COLUMNS]
        latest = scoring.latest_check_in(weeks)
        if latest is not None and same_value(value, latest):
            return None
    return value


def _key_result(fields: dict[str, object]) -> KeyResult:
    values = {name: fields[name] for name in ("title", *KR_FIELDS)}
    values["lagging"] = bool(values["lagging"])
    check_ins = {week: fields[f"week_{week}"] for week in CHECK_IN_COLUMNS
                 if not _blank(fields[f"week_{week}"])}
    return replace(KeyResult(title=values.pop("title")), **values, check_ins=check_ins)


# Private API: values


_MARKS = {ADDED: "+", REMOVED: "-", RENAMED: "~", MOVED: ">", CHANGED: "~",
          CHECK_IN_ADDED: "+", CHECK_IN_CHANGED: "~", CHECK_IN_REMOVED: "-"}


def _same_or_absent(a: object, b: object) -> bool:
    if a is _ABSENT or b is _ABSENT:
        return a is b
    return same_value(a, b)


def _blank(value: object) -> bool:
    return value is None or value == ""


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _as_date(value: object) -> object:
    return value.date() if isinstance(value, dt.datetime) else value


def _key(text: object) -> str:
    return " ".join(str(text or "").split()).casefold()


def _similar(a: object, b: object, at_least: float = 0.0) -> float:
    """How alike two texts are, 0..1; 0 when quick upper bounds show it is under ``at_least``
    (so comparing many unmatched key results stays cheap)."""
    matcher = difflib.SequenceMatcher(None, _key(a), _key(b))
    if matcher.real_quick_ratio() < at_least or matcher.quick_ratio() < at_least:
        return 0.0
    return matcher.ratio()


def _show(value: object) -> str:
    if value is _ABSENT:
        return "removed"
    if _blank(value):
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def _jsonable(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if value is _ABSENT:
        return "removed"
    return value
