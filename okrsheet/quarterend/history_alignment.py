"""The alignment tree from a history store: what ``summary --tree`` shows from workbooks.

The store keeps every objective's and key result's id, title, parent (as typed: several
parents with their shares, ``Acme/O1; Acme/O3 30%``, are read by the same
:func:`~okrsheet.domain.alignment.parse_parents` as from workbooks), score or progress and
row, and each workbook's level (company, team, person). For the quarters where something is
aligned (a company workbook, or a Parent filled in), the workbooks picked as the summary
picks them become light team quarters holding just that (every quarter's: a quarter with
nothing aligned lists its objectives as they stand, as from workbooks), and
:func:`okrsheet.domain.alignment.align` builds the tree from them as from workbooks. The
scores are the ones okrsheet stored (computed from the workbook when exported).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from okrsheet.domain.model import KeyResult, Objective, TeamQuarter

if TYPE_CHECKING:
    import duckdb

# Public API


def aligned_team_quarters(db: "duckdb.DuckDBPyConnection",
                          wanted: str | None = None) -> list[TeamQuarter]:
    """The picked workbooks (table ``picked``) with their objectives and key results (of the
    ``wanted`` quarter alone when given). None at all when nothing is aligned anywhere (a
    company workbook, or a Parent filled in), as the summary does."""
    only = "" if wanted is None else f"AND p.quarter = '{wanted}'"  # a Quarter label
    linked = {row[0] for row in db.execute(f"""
        SELECT DISTINCT p.quarter FROM picked p WHERE p.level = 'company' {only}
        UNION SELECT DISTINCT p.quarter FROM objectives o JOIN picked p USING (source_id)
              WHERE o.parent IS NOT NULL {only} {only.replace("p.", "o.")}
        UNION SELECT DISTINCT p.quarter FROM key_results k JOIN picked p USING (source_id)
              WHERE k.parent IS NOT NULL {only} {only.replace("p.", "k.")}""").fetchall()}
    if not linked:
        return []
    listed = ", ".join(f"'{label}'" for label in sorted({row[0] for row in db.execute(
        f"SELECT DISTINCT p.quarter FROM picked p WHERE true {only}").fetchall()}))
    sources = db.execute(f"""
        SELECT source_id, team, quarter, level, source_file FROM picked
        WHERE quarter IN ({listed}) ORDER BY quarter_index, team_key""").fetchall()
    objectives: dict[tuple[int, str], _StoredObjective] = {}
    by_source: dict[int, list[_StoredObjective]] = {}
    for source, objective_id, title, parent, score, row in db.execute(f"""
            SELECT o.source_id, o.objective_id, o.title, o.parent, o.score, o.row
            FROM objectives o SEMI JOIN picked p ON o.source_id = p.source_id
            WHERE o.quarter IN ({listed}) ORDER BY o.source_id, o.number""").fetchall():
        objective = _StoredObjective(title or "", [], row, objective_id, parent, score)
        objectives[(source, objective_id)] = objective
        by_source.setdefault(source, []).append(objective)
    for source, objective_id, kr_id, title, parent, progress, row in db.execute(f"""
            SELECT k.source_id, k.objective_id, k.key_result_id, k.title, k.parent, k.progress,
                   k.row
            FROM key_results k SEMI JOIN picked p ON k.source_id = p.source_id
            WHERE k.quarter IN ({listed}) AND k.objective_id IS NOT NULL
            ORDER BY k.source_id, k.objective_id, k.position""").fetchall():
        found = objectives.get((source, objective_id))
        if found is not None:
            found.key_results.append(_StoredKeyResult(title or "", row=row, id=kr_id,
                                                      parent=parent, stored_progress=progress))
    return [TeamQuarter(team=team, quarter=quarter, objectives=list(by_source.get(source, [])),
                        level=level or "team", file=file)
            for source, team, quarter, level, file in sources]


# Private API


@dataclass(slots=True)
class _StoredObjective(Objective):
    """An objective as the store keeps it: its score stored, not recomputed."""

    stored_score: float | None = None

    @property
    def score(self) -> float | None:
        return self.stored_score


@dataclass(slots=True)
class _StoredKeyResult(KeyResult):
    """A key result as the store keeps it: its progress stored, not recomputed."""

    stored_progress: float = 0.0

    @property
    def progress(self) -> float:
        return self.stored_progress
