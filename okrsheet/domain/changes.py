"""What changed between copies of a team's workbook (``okrsheet diff``); merging copies
back together is :mod:`okrsheet.domain.merging`, which shares the matching below.

Copies are compared by objective and key result, never by raw cell: rows may move, be
inserted or deleted. Key results are matched by title first (any objective), then, for
renamed ones, by title similarity, position in a matched objective, owner and type.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
from dataclasses import dataclass
from typing import Any, Final, TypeGuard

from okrsheet.domain import schema, scoring
from okrsheet.domain.model import KeyResult, Objective, TeamQuarter
from okrsheet.domain.quarter import CHECK_IN_COLUMNS

WORKBOOK_FIELDS = ("team", "quarter", "quarter_start", "quarter_end", "as_of",
                   "green_from", "orange_from")
KR_FIELDS = schema.OWN_VALUES
"""A key result's own values, from the schema (check-ins and confidences are per week)."""
FIELD_NAMES = {
    **{setting.key: setting.label for setting in schema.SETTINGS},
    **{field_.key: field_.header for field_ in schema.KEY_RESULT_FIELDS},
    "title": "Title",
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
            return f"{name}: {shown_value(self.old)} -> {shown_value(self.new)}"
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
            return f"{item}: {name} check-in added: {shown_value(self.new)}"
        if self.kind == CHECK_IN_REMOVED:
            return f"{item}: {name} check-in removed (was {shown_value(self.old)})"
        return f"{item}: {name} {shown_value(self.old)} -> {shown_value(self.new)}"

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "what": self.what, "objective": self.objective,
                "key_result": self.key_result, "field": self.field,
                "old": jsonable(self.old), "new": jsonable(self.new)}


def diff(old: TeamQuarter, new: TeamQuarter) -> list[Change]:
    """The changes that turn ``old`` into ``new``: workbook settings, then objective by objective."""
    matching = Matching(old, new)
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
        before, after = field_value(old, name), field_value(new, name)
        if not same_value(before, after):
            changes.append(Change(CHANGED, "key result", objective, new.title, name, before, after))
    for week in CHECK_IN_COLUMNS:
        before, after = old.check_ins.get(week), new.check_ins.get(week)
        if same_value(before, after):
            continue
        kind = (CHECK_IN_ADDED if unset(before) else
                CHECK_IN_REMOVED if unset(after) else CHECK_IN_CHANGED)
        changes.append(Change(kind, "key result", objective, new.title, f"week_{week}", before, after))
    for week in CHECK_IN_COLUMNS:
        before, after = old.confidences.get(week), new.confidences.get(week)
        if not same_value(before, after):
            changes.append(Change(CHANGED, "key result", objective, new.title,
                                  f"confidence_{week}", before, after))
    return changes



def same_value(a: object, b: object) -> bool:
    """Equal as a person reading both copies would say: blank is blank, numbers to 12 digits."""
    if unset(a) and unset(b):
        return True
    if _is_number(a) and _is_number(b):
        return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))
    if isinstance(a, dt.date) or isinstance(b, dt.date):
        return _as_date(a) == _as_date(b)
    return a == b


# Matching objectives and key results (merge matches copies the same way)

Place = tuple[int, int]  # (objective index, key-result index within it)
class Absent(enum.Enum):
    """The value of a key result or objective that a copy removed (merge's marker)."""

    ABSENT = "removed"


ABSENT: Final = Absent.ABSENT  # a key result or objective a copy removed (in a merge)


class Matching:
    """Which objectives and key results of ``new`` are which of ``old``."""

    def __init__(self, old: TeamQuarter, new: TeamQuarter):
        self.old_krs = {(o, k): kr for o, objective in enumerate(old.objectives)
                        for k, kr in enumerate(objective.key_results)}
        self.new_krs = {(o, k): kr for o, objective in enumerate(new.objectives)
                        for k, kr in enumerate(objective.key_results)}
        self.objectives: dict[int, int] = {}  # old index -> new index
        self.krs: dict[Place, Place] = {}  # old place -> new place
        self._match_by_id(old.objectives, new.objectives)
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

    def _match_by_id(self, old: list[Objective], new: list[Objective]) -> None:
        """An id typed in both copies, once in each, names the same objective or key result
        (rows sorted, titles reworded): ids are matched before anything is guessed."""
        for pairs, olds, news in (
                (self.objectives, dict(enumerate(old)), dict(enumerate(new))),
                (self.krs, self.old_krs, self.new_krs)):
            old_ids = _unique_ids(olds)
            new_ids = _unique_ids(news)
            for key, old_place in old_ids.items():
                if key in new_ids:
                    pairs[old_place] = new_ids[key]

    def _match_objectives_by_title(self, old: list[Objective], new: list[Objective]) -> None:
        for old_index, objective in enumerate(old):
            if old_index in self.objectives:
                continue
            for new_index, other in enumerate(new):
                if new_index not in self.objectives.values() and match_key(objective.title) == match_key(other.title):
                    self.objectives[old_index] = new_index
                    break

    def _match_krs_by_title(self) -> None:
        taken: set[Place] = set(self.krs.values())
        by_title: dict[str, list[Place]] = {}  # looked up, not searched: near-linear in KRs
        for place, other in self.new_krs.items():
            by_title.setdefault(match_key(other.title), []).append(place)
        for old_place, kr in self.old_krs.items():
            if old_place in self.krs:
                continue
            candidates = [place for place in by_title.get(match_key(kr.title), ())
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
                         + 0.1 * same_value(match_key(kr.type), match_key(other.type)))
                score = bonus + _similar(kr.title, other.title, at_least=0.9 - bonus)
                if score >= 0.9:
                    pairs.append((-score, old_place, new_place))
        for _, old_place, new_place in sorted(pairs):
            if old_place not in self.krs and new_place not in matched:
                self.krs[old_place] = new_place
                matched.add(new_place)


def _unique_ids(items: dict[Any, Objective] | dict[Any, KeyResult]) -> dict[str, Any]:
    """Place of each item whose typed id no other item has (ids compared ignoring case)."""
    places: dict[str, list[Any]] = {}
    for place, item in items.items():
        if isinstance(item.id, str) and item.id.strip():
            places.setdefault(item.id.strip().casefold(), []).append(place)
    return {key: found[0] for key, found in places.items() if len(found) == 1}


def field_value(kr: KeyResult, name: str) -> object:
    """A key result's value as the user set it.

    Current is read back as shown, so a Current equal to the latest check-in counts as
    following the check-ins (not typed): adding a check-in is not also a change of Current,
    and a merged workbook keeps Current's formula.
    """
    value = getattr(kr, name)
    if name in ("current", "confidence"):
        weekly = kr.check_ins if name == "current" else kr.confidences
        latest = scoring.latest_check_in([weekly.get(week) for week in CHECK_IN_COLUMNS])
        if latest is not None and same_value(value, latest):
            return None
    return value


# Values as diff and merge compare and show them


def unset(value: object) -> bool:
    """Blank as a person sees it: no value, or empty text."""
    return value is None or value == ""


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _as_date(value: object) -> object:
    return value.date() if isinstance(value, dt.datetime) else value


def match_key(text: object) -> str:
    """A title as copies are matched by it: spaces collapsed, case ignored."""
    return " ".join(str(text or "").split()).casefold()


def _similar(a: object, b: object, at_least: float = 0.0) -> float:
    """How alike two texts are, 0..1; 0 when quick upper bounds show it is under ``at_least``
    (so comparing many unmatched key results stays cheap)."""
    matcher = difflib.SequenceMatcher(None, match_key(a), match_key(b))
    if matcher.real_quick_ratio() < at_least or matcher.quick_ratio() < at_least:
        return 0.0
    return matcher.ratio()


def shown_value(value: object) -> str:
    """A value as a change line shows it (``blank``, ``removed``, a number as typed)."""
    if value is ABSENT:
        return "removed"
    if unset(value):
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


def jsonable(value: object) -> object:
    """A value as a change's JSON gives it (a date as its ISO text)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if value is ABSENT:
        return "removed"
    return value
