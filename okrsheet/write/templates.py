"""Starter OKRs for ``okrsheet new --template NAME``: outcomes, not activity counts."""

from __future__ import annotations

import datetime as dt

from okrsheet.domain.alignment import parent_choices
from okrsheet.domain.model import KeyResult, Objective, TeamQuarter
from okrsheet.domain.problems import OkrsheetError
from okrsheet.domain.quarter import Quarter

TEMPLATE_QUARTER = "2027-Q1"
"""The quarter the committed files in templates/ are made for."""


def _kr(title, owner, kind, type_, start, target, unit=None, weight=None):
    return KeyResult(title=title, owner=owner, kind=kind, type=type_, start=start,
                     target=target, unit=unit, weight=weight)


def _blank() -> list[Objective]:
    return []


def _sales_team() -> list[Objective]:
    return [
        Objective("Grow new business in the mid-market", [
            _kr("Close new annual recurring revenue from mid-market logos", "Sam", "outcome",
                "increase", 0, 450000, "EUR", 2),
            _kr("Win new mid-market customers", "Priya", "outcome", "increase", 0, 12, "logos"),
            _kr("Raise the win rate on qualified opportunities", "Sam", "outcome", "increase",
                18, 25, "%"),
        ]),
        Objective("Build a pipeline we can trust", [
            _kr("Qualified pipeline created for next quarter", "Jonas", "output", "increase",
                0, 1500000, "EUR"),
            _kr("Keep forecast error at quarter end below", "Priya", "outcome", "stay below",
                None, 10, "%"),
            _kr("Opportunities with a next step dated in the CRM", "Jonas", "input", "increase",
                60, 95, "%"),
        ]),
        Objective("Shorten the sales cycle", [
            _kr("Median days from first meeting to signature", "Sam", "outcome", "decrease",
                74, 55, "days"),
            _kr("Launch the standard mid-market contract with Legal", "Priya", "output",
                "milestone", None, None),
        ]),
        Objective("Make every new rep productive quickly", [
            _kr("Days for a new rep to a first closed deal", "Alex", "outcome", "decrease",
                120, 75, "days"),
            _kr("Reps who pass the product certification", "Alex", "output", "increase",
                2, 8, "reps"),
        ]),
    ]


def _customer_success() -> list[Objective]:
    return [
        Objective("Keep the customers we have", [
            _kr("Gross revenue retention", "Mia", "outcome", "stay above", None, 92, "%", 2),
            _kr("Reduce logo churn", "Mia", "outcome", "decrease", 14, 8, "logos"),
            _kr("Accounts at risk with a recovery plan", "Tom", "output", "increase", 40, 100, "%"),
        ]),
        Objective("Grow the accounts we serve", [
            _kr("Net revenue retention", "Tom", "outcome", "increase", 104, 110, "%"),
            _kr("Expansion pipeline handed to account managers", "Tom", "output", "increase",
                0, 300000, "EUR"),
        ]),
        Objective("Make customers successful faster", [
            _kr("Median days to first value after signature", "Lea", "outcome", "decrease",
                45, 30, "days"),
            _kr("Customer satisfaction (CSAT) after onboarding", "Lea", "outcome", "increase",
                82, 90, "%"),
            _kr("Self-serve onboarding guide published", "Lea", "output", "milestone", None, None),
        ]),
    ]


TEMPLATES = {
    "blank": ("An empty workbook, ready for your own OKRs.", _blank),
    "sales-team": ("A new sales manager's team: new business, pipeline, cycle time, ramp-up.",
                   _sales_team),
    "customer-success": ("A customer success team: retention, expansion, time to value.",
                         _customer_success),
}


def template_bytes(name: str) -> bytes:
    """The committed ``templates/NAME.xlsx``: made for TEMPLATE_QUARTER, TODAY() cached as its first day."""
    from okrsheet.write.writer import workbook_bytes

    team_quarter = starter(name, quarter=TEMPLATE_QUARTER)
    return workbook_bytes(team_quarter, today=team_quarter.quarter_start)


def starter(template: str = "blank", team: str | None = None, quarter: str | None = None,
            fiscal_year_start: int = 1, today: dt.date | None = None, level: str = "team",
            parent: TeamQuarter | None = None) -> TeamQuarter:
    """A new team quarter from a template; the quarter defaults to the one containing today.

    ``level`` is company, team or person; ``parent`` (the company's or the team's workbook,
    read) fills the Parent drop-downs with its objectives and key results.
    """
    if template not in TEMPLATES:
        raise OkrsheetError(
            f'unknown template "{template}"; choose one of: {", ".join(TEMPLATES)}.')
    if quarter is None:
        period = Quarter.containing(today or dt.date.today(), fiscal_year_start)
    else:
        period = Quarter.parse(quarter, fiscal_year_start)
    default_team = {"blank": "", "sales-team": "Sales", "customer-success": "Customer Success"}
    return TeamQuarter(
        team=team if team is not None else default_team[template],
        quarter=period.label,
        objectives=TEMPLATES[template][1](),
        quarter_start=period.start,
        quarter_end=period.end,
        level=level,
        parent_choices=parent_choices(parent) if parent is not None else [],
    )
