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
    return f"{day.day} {day.strftime('%B %Y')}"
