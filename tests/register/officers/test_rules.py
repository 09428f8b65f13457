import datetime as dt

import pytest

from register.facts import is_arrangement_in_force
from register.officers.rules import OfficerStatus, check_officer, compute_officer_status

D = dt.date


@pytest.mark.parametrize(
    ("left_on", "day", "status"),
    [
        (None, D(2026, 11, 22), OfficerStatus.ACTIVE),
        (D(2026, 11, 23), D(2026, 11, 22), OfficerStatus.ACTIVE),  # day before leaving
        (D(2026, 11, 22), D(2026, 11, 22), OfficerStatus.LEFT),  # leaving day: no longer serves
        (D(2026, 11, 21), D(2026, 11, 22), OfficerStatus.LEFT),
    ],
)
def test_officer_status_around_the_leaving_day(left_on, day, status) -> None:
    assert compute_officer_status(left_on, day) is status


@pytest.mark.parametrize(
    ("approved", "ended", "day", "in_force"),
    [
        (None, None, D(2026, 1, 1), False),
        (D(2026, 1, 2), None, D(2026, 1, 1), False),  # day before approval
        (D(2026, 1, 1), None, D(2026, 1, 1), True),  # approval day
        (D(2024, 2, 29), D(2026, 3, 1), D(2026, 2, 28), True),  # day before it ends
        (D(2024, 2, 29), D(2026, 3, 1), D(2026, 3, 1), False),  # the ending day
    ],
)
def test_arrangement_in_force(approved, ended, day, in_force) -> None:
    assert is_arrangement_in_force(approved, ended, day) is in_force


def test_check_officer_reports_every_missing_field() -> None:
    fields = {v.field for v in check_officer("", " ", "", "not-an-email", None)}
    assert fields == {"staff_number", "given_name", "family_name", "email", "started_on"}
