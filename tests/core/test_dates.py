import datetime as dt

import pytest

from core.dates import add_months, is_in_date, last_valid_day

D = dt.date


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 1, 15), 1, D(2026, 2, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # month end rule
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # leap day + 1 year
        (D(2024, 2, 29), 48, D(2028, 2, 29)),  # leap day + 4 years
        (D(2026, 11, 30), 3, D(2027, 2, 28)),  # across a year end
        (D(2026, 12, 31), 36, D(2029, 12, 31)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 5, 1), 0, D(2026, 5, 1)),
    ],
)
def test_add_months(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("day", "in_date"),
    [(D(2026, 1, 31), False), (D(2026, 2, 1), True), (D(2027, 1, 31), True), (D(2027, 2, 1), False)],
)
def test_in_date_from_start_until_the_day_before_expiry(day: dt.date, in_date: bool) -> None:
    assert is_in_date(D(2026, 2, 1), D(2027, 2, 1), day) is in_date


def test_last_valid_day_is_the_day_before_expiry() -> None:
    assert last_valid_day(D(2027, 2, 1)) == D(2027, 1, 31)
    assert last_valid_day(D(2028, 3, 1)) == D(2028, 2, 29)
