"""Quarters, weeks and the OKR rhythm.

A quarter is named ``YYYY-Qn``. With a fiscal year that starts in month ``m`` (other than
January), fiscal year ``YYYY`` is by default the one that *ends* in calendar year ``YYYY``,
as most companies name it: with ``fiscal_year_start=10``, ``2027-Q1`` is October to
December 2026 and ``2027-Q4`` is July to September 2027 (FY2027). The other convention,
the year in which the fiscal year *starts*, is ``named_by_start=True``: then ``2027-Q1``
is October to December 2027. A calendar year is the same under both.

Week 1 starts on the quarter's first day; week ``k`` starts ``7 * (k - 1)`` days
later. The guide's rhythm: definition in week 1, check-ins in weeks 3, 5, 7, 9 and
11, review in week 13.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DEFINITION_WEEK = 1
CHECK_IN_WEEKS = (3, 5, 7, 9, 11)
REVIEW_WEEK = 13
CHECK_IN_COLUMNS = CHECK_IN_WEEKS + (REVIEW_WEEK,)
"""Weeks with a check-in value column: 3, 5, 7, 9, 11 and the week-13 final."""

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_QUARTER_RE = re.compile(r"^\s*(\d{4})\s*[-/ ]?\s*[Qq]([1-4])\s*$")
_QUARTER_RE_REVERSED = re.compile(r"^\s*[Qq]([1-4])\s*[-/ ]?\s*(\d{4})\s*$")


FIRST_YEAR, LAST_YEAR = 1901, 9998
"""Years a quarter label may name: its dates, the year before and the next quarter all exist."""


class QuarterError(ValueError):
    """A quarter name or fiscal-year start that can't be understood."""


@dataclass(frozen=True, order=True)
class Quarter:
    """One quarter of a (fiscal) year, e.g. ``Quarter(2027, 1)``."""

    year: int
    number: int
    fiscal_year_start: int = 1
    named_by_start: bool = False
    """Name a fiscal year by the calendar year it starts in (default: the year it ends in)."""

    # Public API

    @classmethod
    def parse(cls, text: str, fiscal_year_start: int = 1,
              named_by_start: bool = False) -> "Quarter":
        """``Quarter.parse("2027-Q1")``; also accepts ``2027Q1``, ``Q1 2027``, ``Q1-2027``."""
        _check_month(fiscal_year_start)
        text = str(text)
        match = _QUARTER_RE.match(text)
        if match:
            year, number = int(match.group(1)), int(match.group(2))
        else:
            match = _QUARTER_RE_REVERSED.match(text)
            if not match:
                raise QuarterError(f'quarter "{text}" is not like 2027-Q1')
            number, year = int(match.group(1)), int(match.group(2))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise QuarterError(f'quarter "{text}": the year must be between {FIRST_YEAR} and '
                               f"{LAST_YEAR}")
        return cls(year, number, fiscal_year_start, named_by_start)

    @classmethod
    def containing(cls, day: dt.date, fiscal_year_start: int = 1,
                   named_by_start: bool = False) -> "Quarter":
        """The quarter that contains ``day``."""
        _check_month(fiscal_year_start)
        months = (day.year * 12 + day.month - 1) - (fiscal_year_start - 1)
        fiscal_year, month_in_year = divmod(months, 12)
        if fiscal_year_start != 1 and not named_by_start:
            fiscal_year += 1  # named by the year it ends in
        return cls(fiscal_year, month_in_year // 3 + 1, fiscal_year_start, named_by_start)

    @classmethod
    def of_dates(cls, text: str, start: dt.date, fiscal_year_start: int = 1,
                 named_by_start: bool = False) -> "Quarter":
        """The quarter a workbook's Quarter cell names, checked against its Quarter start.

        Raises :class:`QuarterError` when the label and the date disagree under the
        company's fiscal year: ``of_dates("2027-Q2", date(2027, 1, 1))`` (a Q1 copy
        relabelled by hand) says the dates are 2027-Q1.
        """
        period = cls.parse(text, fiscal_year_start, named_by_start)
        if period.start == start:
            return period
        actual = cls.containing(start, fiscal_year_start, named_by_start)
        where = f"starts on {start:%d %b %Y}, which is {actual.label}"
        if fiscal_year_start != 1:
            where += f" of a fiscal year from {_MONTHS[fiscal_year_start - 1]}"
        message = (f"the Quarter cell says {period.label} but the quarter {where}; correct "
                   "the Quarter cell or the Quarter start")
        implied = fiscal_year_start_of(period.number, start)
        for by_start in (named_by_start, not named_by_start):
            if (implied, by_start) == (fiscal_year_start, named_by_start) or start.day != 1:
                continue
            if cls(period.year, period.number, implied, by_start).start == start:
                options = [f"--fiscal-year-start {implied}"] if implied != fiscal_year_start else []
                if by_start != named_by_start and implied != 1:
                    options.append(f"--fiscal-year-named-by {'start' if by_start else 'end'}")
                message += (f" (or, if the fiscal year starts in {_MONTHS[implied - 1]}, use "
                            f"{' '.join(options)})")
                break
        raise QuarterError(message)

    @property
    def label(self) -> str:
        return f"{self.year}-Q{self.number}"

    def __str__(self) -> str:
        return self.label

    @property
    def start(self) -> dt.date:
        """First day of the quarter."""
        year = self.year
        if self.fiscal_year_start != 1 and not self.named_by_start:
            year -= 1  # fiscal 2027 starts in 2026
        months = year * 12 + (self.fiscal_year_start - 1) + 3 * (self.number - 1)
        return dt.date(months // 12, months % 12 + 1, 1)

    @property
    def end(self) -> dt.date:
        """Last day of the quarter."""
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> "Quarter":
        """The following quarter: Q4 rolls over to Q1 of the next year."""
        if self.number == 4:
            return Quarter(self.year + 1, 1, self.fiscal_year_start, self.named_by_start)
        return Quarter(self.year, self.number + 1, self.fiscal_year_start, self.named_by_start)

    def previous(self) -> "Quarter":
        if self.number == 1:
            return Quarter(self.year - 1, 4, self.fiscal_year_start, self.named_by_start)
        return Quarter(self.year, self.number - 1, self.fiscal_year_start, self.named_by_start)

    def week_start(self, week: int) -> dt.date:
        """First day of week ``week`` (1-based) of this quarter."""
        return week_start(self.start, week)

    def calendar(self) -> list[tuple[int, str, dt.date]]:
        """The quarter's rhythm as ``(week, what, first day)`` rows."""
        return calendar(self.start)


def week_start(quarter_start: dt.date, week: int) -> dt.date:
    """First day of week ``week`` of a quarter starting on ``quarter_start``."""
    return quarter_start + dt.timedelta(days=7 * (week - 1))


def calendar(quarter_start: dt.date) -> list[tuple[int, str, dt.date]]:
    """``(week, what, first day)`` for the definition, each check-in and the review."""
    rows = [(DEFINITION_WEEK, "Definition", week_start(quarter_start, DEFINITION_WEEK))]
    rows += [(week, "Check-in", week_start(quarter_start, week)) for week in CHECK_IN_WEEKS]
    rows.append((REVIEW_WEEK, "Review", week_start(quarter_start, REVIEW_WEEK)))
    return rows


def fiscal_year_start_of(quarter_number: int, quarter_start: dt.date) -> int:
    """The fiscal year's first month, given a quarter's number and first day."""
    return (quarter_start.month - 1 - 3 * (quarter_number - 1)) % 12 + 1


def elapsed_share(quarter_start: dt.date, quarter_end: dt.date, as_of: dt.date) -> float:
    """Share of the quarter's days gone by at the end of ``as_of``, within 0..1.

    Spreadsheet: ``MAX(0,MIN(1,(as_of-start+1)/(end-start+1)))`` on date serials.
    """
    days = (quarter_end - quarter_start).days + 1
    if days <= 0:
        return 0.0
    share = ((as_of - quarter_start).days + 1) / days
    return max(0.0, min(1.0, share))


def _check_month(month: int) -> None:
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise QuarterError(f"fiscal year start must be a month number 1-12, not {month!r}")
