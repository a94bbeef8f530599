"""``okrsheet next``: write next quarter's workbook from this quarter's.

The rules (what is carried, each new Start, over-achieved and lagging key results) are the
domain's, :mod:`okrsheet.domain.carryover`; this module writes the workbook and says what
was carried.
"""

from __future__ import annotations

import os

from okrsheet.domain.carryover import carried_key_results, next_quarter, over_achieved
from okrsheet.domain.model import TeamQuarter
from okrsheet.domain.text import visible
from okrsheet.workflows.lines import Line

__all__ = ["write_next_quarter"]


def write_next_quarter(team_quarter: TeamQuarter, output: str | os.PathLike[str], *,
                       unfinished_only: bool = False, fiscal_year_start: int = 1,
                       named_by_start: bool = False, force: bool = False) -> list[Line]:
    """Write the quarter after ``team_quarter`` to ``output`` (.xlsx); what to tell the team."""
    from okrsheet.write.writer import write_workbook

    carried = carried_key_results(team_quarter, unfinished_only)
    following = next_quarter(team_quarter, unfinished_only=unfinished_only,
                             fiscal_year_start=fiscal_year_start, named_by_start=named_by_start)
    write_workbook(following, output, force=force)
    left = len(team_quarter.key_results) - len(carried)
    lines = [Line(f"Wrote {visible(output)}: {visible(following.team or 'your team')}, "
                  f"{following.quarter} ({following.quarter_start:%d %b} to "
                  f"{following.quarter_end:%d %b %Y}), {len(carried)} key result(s) carried"
                  + (f", {left} green one(s) left behind" if left else "") + ".")]
    revised = sum(kr.revised for kr in carried)
    lagging = sum(kr.lagging for kr in carried)
    passed = sum(map(over_achieved, carried))
    if revised:
        lines.append(Line(f"{revised} revised target(s) became the target (noted in Comment)."))
    if lagging:
        lines.append(Line(f"{lagging} lagging key result(s) kept their Start, to score at the "
                          "review."))
    if passed:
        lines.append(Line(f"{passed} key result(s) went past their target: their Target is "
                          "blank for the team to set a new one (noted in Comment)."))
    return lines
