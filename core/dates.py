"""Date arithmetic every domain shares (domain.md §8, Dates)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day when that day does not exist (31 Jan + 1 → 28/29 Feb).

    'Valid for N months from D' expires on add_months(D, N): the first day no longer valid.
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def last_valid_day(expires_on: dt.date) -> dt.date:
    """expires_on is the first day no longer valid, so the last usable day is the day before."""
    return expires_on - dt.timedelta(days=1)


def is_in_date(valid_from: dt.date, expires_on: dt.date | None, day: dt.date) -> bool:
    return valid_from <= day and (expires_on is None or day < expires_on)


def long_date(day: dt.date) -> str:
    """'6 January 2027': how dates are written for people (GOV.UK style), in pages, messages and PDFs."""
    return f"{day.day} {long_month(day)}"


def long_month(day: dt.date | str) -> str:
    """'March 2027', for a day in that month or a 'YYYY-MM' key (the capacity plan's months)."""
    if isinstance(day, str):
        day = dt.date(int(day[:4]), int(day[5:7]), 1)
    return day.strftime("%B %Y")


# The days the register accepts, from any client (API bodies and query parameters, pages, imports). Its records
# are of working lives: no start, grant, completion or expiry is truly before 1900, and none is planned beyond
# 2199. A day outside is a slip of the keyboard (0001-01-01, 9999-12-31), and near the ends of Python's calendar
# the date arithmetic itself fails (add_months(9999-12-31, 1): OverflowError), breaking the pages, calendar feeds
# and training matrix of everyone who sees the record. Inside the range, every interval the domain adds (at most
# decades) stays far from year 9999.
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2199, 12, 31)


def in_range(day: dt.date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


def out_of_range_message(label: str) -> str:
    return f"{label} must be between {long_date(EARLIEST_DAY)} and {long_date(LATEST_DAY)}."


def parse_day(text: str) -> dt.date:
    """A YYYY-MM-DD day typed by a person; ValueError if it is not a real day or lies outside the register's range
    (every caller already answers ValueError as 'not a date')."""
    day = dt.date.fromisoformat(text)
    if not in_range(day):
        raise ValueError(out_of_range_message(text))
    return day


def counted_from(recorded_on: dt.date | None, dated_on: dt.date) -> dt.date:
    """A renewal record counts from the earlier of the day it was entered and the day it is dated (domain.md §8a).

    Here because every domain's facts say from when their records count (register's accreditations, training's
    bookings) and the scheduler judges them alike. recorded_on None: entered before entry days were kept."""
    return dated_on if recorded_on is None else min(recorded_on, dated_on)
