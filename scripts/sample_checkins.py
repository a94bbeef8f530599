"""The samples' check-ins beyond the values: the confidence each owner gives, 2027-Q1 so far
and its priority actions (used by scripts/make_samples.py)."""

from __future__ import annotations

import datetime as dt

from okrsheet.domain import scoring
from okrsheet.domain.model import TeamQuarter
from okrsheet.domain.quarter import CHECK_IN_WEEKS

# Each key result's confidence at the check-ins of weeks 3 to 11, by how it ends (green,
# orange, red); the second pattern is for every other key result, so a team's confidences vary.
CONFIDENCE_PATTERNS = {
    "honest": {scoring.GREEN: ("mhhhh", "hhhhh"), scoring.ORANGE: ("mmmmm", "hmmmm"),
               scoring.RED: ("mmlll", "mllll")},
    "sure": {scoring.GREEN: ("hhhhh", "mhhhh"), scoring.ORANGE: ("hhhmm", "hhhmm"),
             scoring.RED: ("hhmml", "hhmml")},
    "over-confident": {scoring.GREEN: ("hhhhh", "hhhhh"), scoring.ORANGE: ("hhhhh", "hhhhm"),
                       scoring.RED: ("hhhmm", "hhhhm")},
    "hopeful": {scoring.GREEN: ("mmhhh", "mhhhh"), scoring.ORANGE: ("hhhmm", "hmmmm"),
                scoring.RED: ("hmmml", "mmmmm")},
}
CONFIDENCE_STYLE = {  # per team, for 2026-Q1 to 2026-Q4
    "new-business": ("honest",) * 4,
    "account-management": ("sure",) * 4,
    "sales-development": ("over-confident",) * 3 + ("honest",),  # until the reset in Q4
    "customer-success": ("hopeful",) * 4,
}
LEVELS = {"h": "high", "m": "medium", "l": "low"}

# 2027-Q1 so far: per key result, the share of the way from Start to Target at the check-ins
# of weeks 3, 5 and 7 (None: no value; a milestone is "no" until done; for stay above or
# below, the value itself) and the confidences given.
SO_FAR = {
    "new-business": (
        ((0.1, 0.3, 0.5), "hhm"),   # ARR: behind, confidence falls
        ((0.0, 0.33, 0.33), "mmm"),
        ((0.0, 0.5, 0.5), "hmm"),   # falls
        ((0.1, None, None), "m"),   # cycle time: not updated since week 3 (stale)
        (("no", "no", "no"), "hhh"),
        ((0.2, 0.5, 0.8), "mhh"),   # rises
        ((0.08, 0.09, 0.11), "hml"),  # forecast error: above 10% by week 7, confidence falls
    ),
    "sales-development": (
        ((0.1, 0.2, 0.3), "hhm"),   # falls
        ((0.05, None, None), "h"),  # stale
        ((0.0, 0.25, 0.5), "hhh"),
        ((0.2, None, None), "h"),   # stale
        ((0.1, 0.3, 0.4), "hmm"),   # falls
        ((0.0, 0.5, 0.5), "hhm"),   # falls
    ),
}

# 2027-Q1's priority actions: (title, key result, owner, due, done); As of is 19 Feb 2027.
ACTIONS = {
    "new-business": (
        ("Run a pricing workshop with the three biggest prospects", "O1.1", "Sam",
         dt.date(2027, 2, 5), True),
        ("Agree the mid-market discount policy with Finance", "O2.1", "Priya",
         dt.date(2027, 2, 12), False),  # overdue
        ("Book a customer reference call for every open deal", "O1.2", "Priya",
         dt.date(2027, 3, 5), False),
        ("Close out stale opportunities in the CRM", "O3.1", "Jonas",
         dt.date(2027, 2, 15), False),  # overdue
    ),
    "sales-development": (
        ("Rewrite the outbound sequence for finance buyers", "O2.2", "Leo",
         dt.date(2027, 2, 10), True),
        ("Pair each new SDR with a senior SDR for two weeks", "O3.1", "Ines",
         dt.date(2027, 2, 26), False),
        ("Schedule the pitch certification sessions", "O3.2", "Leo",
         dt.date(2027, 2, 12), False),  # overdue
    ),
    "account-management": (
        ("Set this quarter's targets with each account manager", "O1.1", "Nora",
         dt.date(2027, 1, 15), False),  # overdue: why the team has not started
    ),
}


def give_confidences(team_quarter: TeamQuarter, style: str) -> None:
    """A confidence at every check-in before the review, by how each key result ends."""
    patterns = CONFIDENCE_PATTERNS[style]
    for index, kr in enumerate(team_quarter.key_results):
        pattern = patterns.get(team_quarter.kr_status(kr), (None, None))[index % 2]
        if pattern is None:
            continue
        weeks = [week for week in CHECK_IN_WEEKS if week in kr.check_ins]
        kr.confidences = {week: LEVELS[pattern[CHECK_IN_WEEKS.index(week)]] for week in weeks}


def check_ins_so_far(team_quarter: TeamQuarter, plan) -> None:
    """The check-ins of weeks 3, 5 and 7 of a carried quarter, from :data:`SO_FAR`."""
    for kr, (shares, levels) in zip(team_quarter.key_results, plan):
        given = [(week, share) for week, share in zip(CHECK_IN_WEEKS, shares) if share is not None]
        for week, share in given:
            if isinstance(share, str) or kr.type in ("stay above", "stay below"):
                kr.check_ins[week] = share
            else:
                step = share * (kr.target - kr.start)
                kr.check_ins[week] = round(kr.start + step, 3 if abs(kr.target) < 2 else 0)
        kr.confidences = {week: LEVELS[level] for (week, _), level in zip(given, levels)}
