"""Quarters, fiscal years and the OKR rhythm."""

import datetime as dt

import pytest

from okrsheet.domain.quarter import Quarter, QuarterError, elapsed_share, fiscal_year_start_of


@pytest.mark.parametrize("text", ["2027-Q1", "2027Q1", "2027 q1", "Q1 2027", "Q1-2027"])
def test_quarter_names_people_type_are_understood(text):
    assert Quarter.parse(text).label == "2027-Q1"


@pytest.mark.parametrize("text", ["2027-Q5", "Q1", "spring", "27-Q1", ""])
def test_malformed_quarters_are_refused_with_a_clear_message(text):
    with pytest.raises(QuarterError, match="is not like 2027-Q1"):
        Quarter.parse(text)


def test_calendar_quarters_start_and_end_on_the_right_days():
    q = Quarter.parse("2028-Q1")
    assert (q.start, q.end) == (dt.date(2028, 1, 1), dt.date(2028, 3, 31))
    assert Quarter.parse("2027-Q4").end == dt.date(2027, 12, 31)


def test_q4_rolls_over_to_q1_of_the_next_year():
    assert Quarter.parse("2027-Q4").next().label == "2028-Q1"
    assert Quarter.parse("2028-Q1").previous().label == "2027-Q4"


def test_a_fiscal_year_is_named_by_the_year_it_ends_in():
    # FY2027 with an October start: October 2026 to September 2027
    q1 = Quarter.parse("2027-Q1", fiscal_year_start=10)
    assert (q1.start, q1.end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    q4 = Quarter.parse("2027-Q4", fiscal_year_start=10)
    assert (q4.start, q4.end) == (dt.date(2027, 7, 1), dt.date(2027, 9, 30))
    assert q4.next().label == "2028-Q1" and q4.next().start == dt.date(2027, 10, 1)
    assert fiscal_year_start_of(4, q4.start) == 10
    assert Quarter.containing(dt.date(2026, 11, 10), fiscal_year_start=10) == q1
    assert Quarter.containing(dt.date(2026, 11, 10)).label == "2026-Q4"  # calendar: unchanged


def test_a_fiscal_year_can_be_named_by_the_year_it_starts_in():
    q = Quarter.parse("2027-Q1", fiscal_year_start=4, named_by_start=True)
    assert (q.start, q.end) == (dt.date(2027, 4, 1), dt.date(2027, 6, 30))
    q4 = Quarter.parse("2027-Q4", fiscal_year_start=4, named_by_start=True)
    assert (q4.start, q4.end) == (dt.date(2028, 1, 1), dt.date(2028, 3, 31))
    assert q4.next().start == dt.date(2028, 4, 1)
    assert Quarter.containing(dt.date(2028, 2, 10), 4, named_by_start=True) == q4


def test_the_quarter_label_and_its_start_date_must_agree():
    assert Quarter.of_dates("2027-Q2", dt.date(2027, 4, 1)) == Quarter(2027, 2)
    assert Quarter.of_dates("2027-Q1", dt.date(2026, 10, 1), 10) == Quarter(2027, 1, 10)
    assert Quarter.of_dates("2026-Q1", dt.date(2026, 10, 1), 10, named_by_start=True) \
        == Quarter(2026, 1, 10, True)
    # A Q1 copy relabelled 2027-Q2 with its January dates
    with pytest.raises(QuarterError) as raised:
        Quarter.of_dates("2027-Q2", dt.date(2027, 1, 1))
    assert str(raised.value) == (
        "the Quarter cell says 2027-Q2 but the quarter starts on 01 Jan 2027, which is "
        "2027-Q1; correct the Quarter cell or the Quarter start (or, if the fiscal year starts "
        "in October, use --fiscal-year-start 10)")
    # Made under the other convention: FY named by its start year
    with pytest.raises(QuarterError, match="which is 2027-Q1 of a fiscal year from October; "
                       ".* use --fiscal-year-named-by start\\)"):
        Quarter.of_dates("2026-Q1", dt.date(2026, 10, 1), 10)


def test_check_ins_fall_in_weeks_3_5_7_9_11_and_the_review_in_week_13():
    rhythm = Quarter.parse("2027-Q1").calendar()
    assert [week for week, _, _ in rhythm] == [1, 3, 5, 7, 9, 11, 13]
    assert rhythm[0] == (1, "Definition", dt.date(2027, 1, 1))
    assert rhythm[-1] == (13, "Review", dt.date(2027, 3, 26))


def test_elapsed_share_counts_whole_days_and_stays_within_0_and_1():
    start, end = dt.date(2027, 1, 1), dt.date(2027, 3, 31)
    assert elapsed_share(start, end, dt.date(2027, 1, 1)) == pytest.approx(1 / 90)
    assert elapsed_share(start, end, end) == 1.0
    assert elapsed_share(start, end, dt.date(2026, 12, 1)) == 0.0
    assert elapsed_share(start, end, dt.date(2027, 6, 1)) == 1.0


@pytest.mark.parametrize("label", ["0000-Q1", "9999-Q4", "1900-Q1"])
def test_a_year_whose_dates_do_not_exist_is_a_quarter_error_not_a_crash(label):
    from okrsheet.domain.quarter import Quarter, QuarterError

    with pytest.raises(QuarterError, match="the year must be between 1901 and 9998"):
        Quarter.parse(label)
