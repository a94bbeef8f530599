"""The guide's rules as lint checks: each a small function with a short code.

``check(team_quarter, place)`` runs them all. Each check yields
:class:`~okrsheet.domain.problems.Problem` values naming the cell to fix, as ``place`` names
it: the domain knows fields and rows, the sheet layer cells (:mod:`okrsheet.sheet.checking`
places them on the OKRs sheet). The reader reports what it could not read (text that is not
a number, a weight typed as a word...), the checks report OKRs that read fine but break a rule.

Codes:

* ``NO-TEAM``, ``NO-QUARTER``, ``BAD-QUARTER``, ``QUARTER-DATES``: which team and quarter
  the workbook is (:func:`identity_problems`): a blank Team or Quarter, a Quarter that is
  not like 2027-Q1, a Quarter whose label disagrees with its start date. ``summary`` leaves
  such a workbook out with the same words.
* ``OBJ-COUNT``: 3 to 5 objectives.
* ``KR-COUNT``: 2 to 5 key results per objective.
* ``NO-TARGET``: a key result (other than a milestone) without a numeric target.
* ``START-IS-TARGET``: increase/decrease with Start equal to Target (it can never score).
* ``UNKNOWN-TYPE``: Type is not increase, decrease, stay above, stay below or milestone.
* ``UNKNOWN-KIND``: Kind is not input, output or outcome.
* ``BAD-WEIGHT``: a negative weight.
* ``NO-OWNER``: a key result nobody owns.
* ``ALL-INPUTS``: an objective whose key results are all inputs (activities), when the
  workbook uses the Kind column.
* ``DUPLICATE-KR``: the same key result twice.
* ``UNIT-MISTAKE``: Current far outside the Start..Target span, e.g. 0.45 typed for 45%.
* ``TARGET-BEHIND-START``: an increase whose target is below its start, or a decrease whose
  target is above it (it can only score 0 or 100%; often an over-achieved result carried).
* ``NO-REVISION-REASON``: a revised target with no reason next to it.
* ``BAD-THRESHOLDS``: Orange from above Green from (no score can be orange).
* ``UNKNOWN-CONFIDENCE``: a week's confidence or Confidence is not high, medium or low.
* ``DUPLICATE-ID``: two key results with the same ID.
* ``NEVER-UPDATED``: a key result with no value at all past the middle of the quarter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from okrsheet.domain import schema, scoring
from okrsheet.domain.model import KeyResult, TeamQuarter
from okrsheet.domain.problems import ERROR, INFO, WARNING, Problem
from okrsheet.domain.quarter import Quarter, QuarterError

MIN_OBJECTIVES, MAX_OBJECTIVES = 3, 5
MIN_KEY_RESULTS, MAX_KEY_RESULTS = 2, 5
FAR_OUTSIDE = 10
LATE_IN_THE_QUARTER = 0.5
"""Share of the quarter gone by after which a key result never updated is worth a warning."""
"""Current more than this many Start..Target spans outside the span is likely a unit mistake."""

# Public API

Place = Callable[[str | None, int | None], str | None]
"""Names the cell of a problem: ``place(key, row)`` for a field of the schema (None: the
whole row) in a 1-based sheet ``row``, or for a setting (``"team"``) with ``row`` None."""


def check(team_quarter: TeamQuarter, place: Place, *, sheet: str | None = None,
          fiscal_year_start: int = 1, named_by_start: bool = False,
          today: dt.date | None = None) -> list[Problem]:
    """All the guide's checks, each problem in ``sheet`` at the cell ``place`` names. The
    fiscal year (default: calendar quarters) is what the Quarter label is checked against.
    ``today`` stands in for a blank As of (default: no date, so no NEVER-UPDATED)."""
    where = _Where(team_quarter.file, sheet, place, team_quarter.as_of or today)
    problems = identity_problems(team_quarter, place, fiscal_year_start, named_by_start,
                                 sheet=sheet)
    for rule in CHECKS:
        problems.extend(rule(team_quarter, where))
    return problems


def identity_problems(team_quarter: TeamQuarter, place: Place, fiscal_year_start: int = 1,
                      named_by_start: bool = False, *,
                      sheet: str | None = None) -> list[Problem]:
    """Why the workbook can't be told apart as one team's quarter: a blank Team, a blank or
    unreadable Quarter, a Quarter that disagrees with its dates. Empty when it can."""
    found: list[Problem] = []

    def problem(setting: schema.Setting, message: str, code: str) -> None:
        found.append(Problem(ERROR, team_quarter.file, sheet, place(setting.key, None), message,
                             code))

    if not (team_quarter.team or "").strip():
        problem(schema.TEAM, "the Team cell is blank; type the team's name (the summary leaves "
                "the workbook out until then).", "NO-TEAM")
    label = (team_quarter.quarter or "").strip()
    if not label:
        problem(schema.QUARTER, "the Quarter cell is blank; type the quarter, like 2027-Q1.",
                "NO-QUARTER")
        return found
    start = team_quarter.quarter_start
    if isinstance(start, dt.datetime):
        start = start.date()
    try:
        if start is None:
            Quarter.parse(label, fiscal_year_start, named_by_start)
        else:
            Quarter.of_dates(label, start, fiscal_year_start, named_by_start)
    except QuarterError as error:
        if "is not like" in str(error):
            problem(schema.QUARTER, f'the Quarter cell says "{label}"; type the quarter like '
                    "2027-Q1 (the summary leaves the workbook out until then).", "BAD-QUARTER")
        else:
            problem(schema.QUARTER, f"{error}.", "QUARTER-DATES")
    return found


def objective_count(tq: TeamQuarter, where: "_Where") -> Iterator[Problem]:
    """OBJ-COUNT: 3 to 5 objectives; none at all is only worth a note."""
    count = len(tq.objectives)
    if count == 0:
        yield where.problem(INFO, None, None, "no objectives yet; type 3 to 5 objectives with "
                            "2 to 5 key results each.", "OBJ-COUNT")
    elif count < MIN_OBJECTIVES:
        yield where.problem(WARNING, None, None, f"{count} objective{'s' * (count > 1)}; the "
                            f"guide asks for {MIN_OBJECTIVES} to {MAX_OBJECTIVES}.", "OBJ-COUNT")
    elif count > MAX_OBJECTIVES:
        yield where.problem(WARNING, "objective", tq.objectives[MAX_OBJECTIVES].row,
                            f"{count} objectives; the guide asks for at most {MAX_OBJECTIVES}. "
                            "Fewer, better objectives get done.", "OBJ-COUNT")


def key_result_count(tq: TeamQuarter, where: "_Where") -> Iterator[Problem]:
    """KR-COUNT: 2 to 5 key results per objective."""
    for objective in tq.objectives:
        count = len(objective.key_results)
        if MIN_KEY_RESULTS <= count <= MAX_KEY_RESULTS:
            continue
        yield where.problem(WARNING, "objective", objective.row,
                            f'objective "{objective.title}" has {count} key result'
                            f"{'s' * (count != 1)}; the guide asks for {MIN_KEY_RESULTS} to "
                            f"{MAX_KEY_RESULTS}.", "KR-COUNT")


def no_target(tq: TeamQuarter, where: "_Where") -> Iterator[Problem]:
    """NO-TARGET: every key result but a milestone needs a numeric target to score."""
    for kr in tq.key_results:
        if _type(kr) != "milestone" and kr.target_value is None:
            yield where.problem(ERROR, "target", kr.row, f'"{kr.title}" has no target; type the '
                                "number to reach (it scores 0 until then).", "NO-TARGET")


def start_is_target(tq: TeamQuarter, where: "_Where") -> Iterator[Problem]:
    """START-IS-TARGET: an increase/decrease from Start to the same Target can never score."""
    for kr in tq.key_results:
        target = kr.target_value
        start = kr.start if scoring.is_number(kr.start) else 0.0 if kr.start is None else None
        if _type(kr) in ("increase", "decrease", "") and scoring.is_number(target) \
                and start is not None and scoring.approx_equal(target, start):  # type: ignore[arg-type]
            yield where.problem(ERROR, "target", kr.row, f'"{kr.title}" starts at its target '
                                f"({target:g}); it always scores 0. Change Start or Target, or "
                                "use the type stay above/stay below.", "START-IS-TARGET")


def unknown_type(tq: TeamQuarter, where: "_Where") -> Iterator[Problem]:
    """UNKNOWN-TYPE and UNKNOWN-KIND: values the formulas don't know score 0 or mislead."""
    for kr in tq.key_results:
        if kr.type not in (None, "") and _type(kr) not in scoring.KR_TYPES:
            yield where.problem(ERROR, "type", kr.row, f'Type is "{kr.type}"; pick one of '
                                f"{', '.join(scoring.KR_TYPES)}.", "UNKNOWN-TYPE")
        if kr.kind not in (None, "") and kr.kind.strip().casefold() not in scoring.KR_KINDS:
            yield where.problem(WARNING, "kind", kr.row, f'Kind is "{kr.kind}"; pick one of '
                                f"{', '.join(scoring.KR_KINDS)}.", "UNKNOWN-KIND")


def bad_weight(tq: TeamQuarter, where: "_Where") -> Iterator[Problem]:
    """BAD-WEIGHT: a negative weight (a weight typed as a word is reported by the reader)."""
    for kr in tq.key_results:
        if scoring.is_number(kr.weight) and kr.weight < 0:  # type: ignore[operator]
            yield where.problem(ERROR, "weight", kr.row, f"Weight is {kr.weight:g}; type 0 or "
                                "more (blank means 1).", "BAD-WEIGHT")


def no_owner(tq: TeamQuarter, where: "_Where") -> Iterator[Problem]:
    """NO-OWNER: every key result needs one person who owns it."""
    for kr in tq.key_results:
        if not kr.owner:
            yield where.problem(WARNING, "owner", kr.row, f'"{kr.title}" has no owner; type '
                                "the name of the person who drives it.", "NO-OWNER")


def all_inputs(tq: TeamQuarter, where: "_Where") -> Iterator[Problem]:
    """ALL-INPUTS: inputs, outputs and outcomes must be balanced (only when Kind is used)."""
    if not any(kr.kind for kr in tq.key_results):
        return
    for objective in tq.objectives:
        kinds = [(kr.kind or "").strip().casefold() for kr in objective.key_results]
        if kinds and all(kind == "input" for kind in kinds):
            yield where.problem(WARNING, "objective", objective.row,
                                f'objective "{objective.title}" has only inputs (activities); '
                                "add an outcome that shows the activities worked.", "ALL-INPUTS")


def duplicate_key_result(tq: TeamQuarter, where: "_Where") -> Iterator[Problem]:
    """DUPLICATE-KR: the same key result title twice (case and spacing ignored)."""
    seen: dict[str, KeyResult] = {}
    for kr in tq.key_results:
        key = " ".join(kr.title.casefold().split())
        if key in seen:
            first = seen[key]
            yield where.problem(WARNING, "title", kr.row, f'"{kr.title}" is listed twice (first '
                                f"in row {first.row}); keep one.", "DUPLICATE-KR")
        else:
            seen[key] = kr


def unit_mistake(tq: TeamQuarter, where: "_Where") -> Iterator[Problem]:
    """UNIT-MISTAKE: Current far outside Start..Target, or off by a factor of 100."""
    for kr in tq.key_results:
        message = _unit_mistake(kr)
        if message:
            yield where.problem(WARNING, "current", kr.row, message, "UNIT-MISTAKE")


def target_behind_start(tq: TeamQuarter, where: "_Where") -> Iterator[Problem]:
    """TARGET-BEHIND-START: an increase must aim above its start, a decrease below it."""
    for kr in tq.key_results:
        target, start, kind = _number(kr.target_value), _number(kr.start), _type(kr)
        if target is None or start is None or kind not in ("increase", "decrease"):
            continue
        if (kind == "increase" and target < start and not scoring.approx_equal(target, start)) \
                or (kind == "decrease" and target > start and not scoring.approx_equal(target, start)):
            way = "below" if kind == "increase" else "above"
            yield where.problem(ERROR, "target", kr.row,
                                f'"{kr.title}" is a {kind} from {start:g} with its target {target:g} '
                                f"{way} the start, so any progress scores 0; type the target the "
                                f"team means to reach, or change Type.", "TARGET-BEHIND-START")


def no_revision_reason(tq: TeamQuarter, where: "_Where") -> Iterator[Problem]:
    """NO-REVISION-REASON: a revised target needs its reason, for the review."""
    for kr in tq.key_results:
        if kr.revised and not (kr.revision_reason or "").strip():
            yield where.problem(WARNING, "revision_reason", kr.row,
                                f'"{kr.title}" has a revised target ({kr.revised_target}) but no '
                                "reason; say why the target changed.", "NO-REVISION-REASON")


def bad_thresholds(tq: TeamQuarter, where: "_Where") -> Iterator[Problem]:
    """BAD-THRESHOLDS: Orange from must not be above Green from."""
    if tq.orange_from > tq.green_from and not scoring.approx_equal(tq.orange_from, tq.green_from):
        yield Problem(ERROR, where.file, where.sheet, where.place(schema.ORANGE_FROM.key, None),
                      f"Orange from ({tq.orange_from:.0%}) is above Green from "
                      f"({tq.green_from:.0%}), so no score can be orange; make Orange from "
                      "the lower one.", "BAD-THRESHOLDS")


def unknown_confidence(tq: TeamQuarter, where: "_Where") -> Iterator[Problem]:
    """UNKNOWN-CONFIDENCE: every week's confidence and Confidence itself is high, medium or
    low. Anything else (``med``, ``70%`` stored 0.7) is counted by the Sheet check and would
    be left out of calibration, so it is an error at its cell."""
    for kr in tq.key_results + tq.unassigned:
        cells = [(f"confidence_{week}", schema.KEY_RESULT_FIELD[f"confidence_{week}"].header, value)
                 for week, value in sorted(kr.confidences.items())]
        if kr.confidence not in (None, ""):
            cells.append(("confidence", schema.KEY_RESULT_FIELD["confidence"].header, kr.confidence))
        for key, label, value in cells:
            if not scoring.unknown_confidence(value):
                continue
            hint = ""
            number = _as_number(value)
            if number is not None and 0 <= number <= 1:
                hint = f" ({number:.0%} typed as a percentage?)"
            yield where.problem(ERROR, key, kr.row, f'{label} is "{value}"{hint}; pick one of '
                                f"{', '.join(scoring.CONFIDENCES)} (calibration can't use "
                                "it until then).", "UNKNOWN-CONFIDENCE")


def duplicate_id(tq: TeamQuarter, where: "_Where") -> Iterator[Problem]:
    """DUPLICATE-ID: two key results with the same ID (case ignored, as the sheet matches
    ids): replies, actions and merges find a key result by it."""
    rows: dict[str, list[KeyResult]] = {}
    for kr in tq.key_results + tq.unassigned:
        if kr.id not in (None, ""):
            rows.setdefault(str(kr.id).casefold(), []).append(kr)
    seen: set[int] = set()
    for same in rows.values():
        if len(same) < 2:
            continue
        for kr in same:
            if id(kr) in seen:
                continue
            seen.add(id(kr))
            others = ", ".join(str(other.row) for other in same if other is not kr)
            yield where.problem(ERROR, "id", kr.row, f'ID "{kr.id}" is also the ID of row '
                                f"{others}; give each key result its own ID (check-in replies "
                                "and actions find key results by it).", "DUPLICATE-ID")


def never_updated(tq: TeamQuarter, where: "_Where") -> Iterator[Problem]:
    """NEVER-UPDATED: past the middle of the quarter, every key result should have a value
    (lagging ones excepted: their result comes later). A team with none at all has not
    started, which the summary shows; this names the KRs of a team that has."""
    elapsed = tq.elapsed(where.today) if where.today else None
    if elapsed is None or elapsed < LATE_IN_THE_QUARTER:
        return
    def has_value(kr: KeyResult) -> bool:  # a value to check counts: it was updated
        return kr.current_value not in (None, "")

    if not any(map(has_value, tq.key_results)):
        return
    for kr in tq.key_results:
        if not has_value(kr) and not kr.lagging:
            yield where.problem(WARNING, "current", kr.row,
                                f'"{kr.title}" has no check-in yet and {elapsed:.0%} of the '
                                "quarter has gone by; type its latest value.", "NEVER-UPDATED")


CHECKS: tuple[Callable[[TeamQuarter, "_Where"], Iterator[Problem]], ...] = (
    objective_count, key_result_count, no_target, start_is_target, target_behind_start,
    unknown_type, unknown_confidence, duplicate_id, bad_weight, bad_thresholds, no_owner, all_inputs,
    duplicate_key_result, unit_mistake, no_revision_reason, never_updated,
)


# Private API


class _Where:
    """Turns (field key, sheet row) into a Problem at the cell ``place`` names."""

    def __init__(self, file: str | None, sheet: str | None, place: Place,
                 today: dt.date | None = None):
        self.file = file
        self.sheet = sheet
        self.today = today
        self.place = place

    def problem(self, severity: str, key: str | None, row: int | None, message: str,
                code: str) -> Problem:
        cell = None if row is None else self.place(key, row)
        return Problem(severity, self.file, self.sheet, cell, message, code)


def _number(value: object) -> float | None:
    """A cell's number, None for blanks and text (the reader reports those)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _as_number(value: object) -> float | None:
    """A number, or text that is one (the reader reads a confidence as text: ``0.7``)."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return _number(value)


def _type(kr: KeyResult) -> str:
    return (kr.type or "").casefold()


def _unit_mistake(kr: KeyResult) -> str | None:
    current, target, typed_start = (_number(kr.current_value), _number(kr.target_value),
                                    _number(kr.start))
    if _type(kr) not in ("increase", "decrease", "") or current is None or target is None \
            or (kr.start is not None and typed_start is None):
        return None
    start = typed_start or 0.0
    low, high = min(start, target), max(start, target)
    span = high - low
    if span <= 0:
        return None
    shown = f"Current is {current:g} for a key result from {start:g} to {target:g}"
    if 0 < abs(current) < 1 and max(abs(low), abs(high)) > 1 and low <= current * 100 <= high + span:
        return f"{shown}; did you mean {current * 100:g} (a percentage typed as a fraction)?"
    if abs(current) > 1 and max(abs(low), abs(high)) <= 1 and low <= current / 100 <= high + span:
        return f"{shown}; did you mean {current / 100:g} ({current:g}% as a fraction)?"
    if current < low - FAR_OUTSIDE * span or current > high + FAR_OUTSIDE * span:
        return f"{shown}, far outside that range; check the unit."
    return None
