import datetime as dt

import pytest

from register.accreditations.rules import (
    AccreditationDates,
    AccreditationStatus,
    Placement,
    check_accreditation,
    check_event_day,
    check_power_grant,
    compute_accreditation_status,
    is_out_of_order,
    place_new_accreditation,
    suspension_periods,
)
from register.facts import is_accreditation_in_force, is_power_in_force

D = dt.date
# Granted 1 March 2024, expires (first day no longer valid) 1 March 2026.
ACC = AccreditationDates(id=1, granted_on=D(2024, 3, 1), expires_on=D(2026, 3, 1))


@pytest.mark.parametrize(
    ("acc", "day", "in_force", "status"),
    [
        (ACC, D(2024, 2, 29), False, AccreditationStatus.NOT_YET_IN_FORCE),  # day before grant (leap day)
        (ACC, D(2024, 3, 1), True, AccreditationStatus.IN_FORCE),  # granted day
        (ACC, D(2026, 2, 28), True, AccreditationStatus.IN_FORCE),  # day before expiry
        (ACC, D(2026, 3, 1), False, AccreditationStatus.EXPIRED),  # expiry day
        # withdrawn from 1 June 2025
        (AccreditationDates(1, D(2024, 3, 1), D(2026, 3, 1), withdrawn_on=D(2025, 6, 1)), D(2025, 5, 31), True,
         AccreditationStatus.IN_FORCE),
        (AccreditationDates(1, D(2024, 3, 1), D(2026, 3, 1), withdrawn_on=D(2025, 6, 1)), D(2025, 6, 1), False,
         AccreditationStatus.WITHDRAWN),
        # ended (officer left) 10 July 2025
        (AccreditationDates(1, D(2024, 3, 1), D(2026, 3, 1), ended_on=D(2025, 7, 10)), D(2025, 7, 9), True,
         AccreditationStatus.IN_FORCE),
        (AccreditationDates(1, D(2024, 3, 1), D(2026, 3, 1), ended_on=D(2025, 7, 10)), D(2025, 7, 10), False,
         AccreditationStatus.ENDED),
        # suspended 1 Jan 2025, reinstated 15 Jan 2025
        (AccreditationDates(1, D(2024, 3, 1), D(2026, 3, 1), suspensions=((D(2025, 1, 1), D(2025, 1, 15)),)),
         D(2024, 12, 31), True, AccreditationStatus.IN_FORCE),
        (AccreditationDates(1, D(2024, 3, 1), D(2026, 3, 1), suspensions=((D(2025, 1, 1), D(2025, 1, 15)),)),
         D(2025, 1, 1), False, AccreditationStatus.SUSPENDED),  # suspension day
        (AccreditationDates(1, D(2024, 3, 1), D(2026, 3, 1), suspensions=((D(2025, 1, 1), D(2025, 1, 15)),)),
         D(2025, 1, 14), False, AccreditationStatus.SUSPENDED),
        (AccreditationDates(1, D(2024, 3, 1), D(2026, 3, 1), suspensions=((D(2025, 1, 1), D(2025, 1, 15)),)),
         D(2025, 1, 15), True, AccreditationStatus.IN_FORCE),  # reinstatement day
        (AccreditationDates(1, D(2024, 3, 1), D(2026, 3, 1), suspensions=((D(2025, 1, 1), None),)),
         D(2026, 2, 28), False, AccreditationStatus.SUSPENDED),  # open suspension
        # leap-day expiry: 29 Feb 2028 is the first day no longer valid
        (AccreditationDates(1, D(2025, 2, 28), D(2028, 2, 29)), D(2028, 2, 28), True, AccreditationStatus.IN_FORCE),
        (AccreditationDates(1, D(2025, 2, 28), D(2028, 2, 29)), D(2028, 2, 29), False, AccreditationStatus.EXPIRED),
    ],
)
def test_in_force_and_status_around_boundary_days(acc, day, in_force, status) -> None:
    assert is_accreditation_in_force(acc, day) is in_force
    assert compute_accreditation_status(acc, day) is status


@pytest.mark.parametrize(
    ("events", "periods"),
    [
        ([], ()),
        ([("granted", D(2024, 1, 1))], ()),
        ([("suspended", D(2024, 2, 1))], ((D(2024, 2, 1), None),)),
        ([("suspended", D(2024, 2, 1)), ("reinstated", D(2024, 2, 10)), ("suspended", D(2024, 3, 1))],
         ((D(2024, 2, 1), D(2024, 2, 10)), (D(2024, 3, 1), None))),
        ([("reinstated", D(2024, 2, 10))], ()),  # stray reinstatement ignored
    ],
)
def test_suspension_periods(events, periods) -> None:
    assert suspension_periods(events) == periods


@pytest.mark.parametrize(
    ("granted", "withdrawn", "day", "expected"),
    [
        (D(2025, 1, 10), None, D(2025, 1, 9), False),
        (D(2025, 1, 10), None, D(2025, 1, 10), True),
        (D(2025, 1, 10), D(2025, 6, 1), D(2025, 5, 31), True),
        (D(2025, 1, 10), D(2025, 6, 1), D(2025, 6, 1), False),
    ],
)
def test_power_in_force(granted, withdrawn, day, expected) -> None:
    assert is_power_in_force(granted, withdrawn, day) is expected


OLD = AccreditationDates(id=7, granted_on=D(2024, 1, 1), expires_on=D(2026, 1, 1))


@pytest.mark.parametrize(
    ("existing", "granted", "expires", "placement"),
    [
        ([], D(2025, 1, 1), D(2027, 1, 1), Placement.NEW),
        ([OLD], D(2026, 1, 1), D(2028, 1, 1), Placement.NEW),  # starts on the old one's expiry day
        ([OLD], D(2025, 12, 31), D(2027, 12, 31), Placement.RENEWAL),  # last day of the old one
        ([OLD], D(2024, 1, 2), D(2027, 1, 1), Placement.RENEWAL),
        ([OLD], D(2024, 1, 1), D(2027, 1, 1), Placement.OVERLAP),  # same grant day: not a renewal
        ([OLD], D(2023, 6, 1), D(2024, 6, 1), Placement.OVERLAP),  # granted before the old one
        ([OLD], D(2023, 6, 1), D(2024, 1, 1), Placement.NEW),  # ends the day the old one starts
        ([AccreditationDates(7, D(2024, 1, 1), D(2026, 1, 1), withdrawn_on=D(2025, 1, 1))], D(2025, 1, 1),
         D(2027, 1, 1), Placement.NEW),  # withdrawn that day: nothing to renew
        ([AccreditationDates(7, D(2024, 1, 1), D(2026, 1, 1), suspensions=((D(2025, 1, 1), None),))],
         D(2025, 2, 1), D(2027, 2, 1), Placement.RENEW_SUSPENDED),
    ],
)
def test_placement_of_a_new_accreditation(existing, granted, expires, placement) -> None:
    assert place_new_accreditation(existing, granted, expires)[0] is placement


@pytest.mark.parametrize(
    ("number", "granted", "expires", "fields"),
    [
        ("SP-1", D(2025, 1, 1), D(2027, 1, 1), set()),
        ("", D(2025, 1, 1), D(2027, 1, 1), {"number"}),
        ("SP-1", D(2025, 1, 1), D(2025, 1, 1), {"expires_on"}),  # same day
        ("SP-1", D(2025, 1, 2), D(2025, 1, 1), {"expires_on"}),
    ],
)
def test_check_accreditation(number, granted, expires, fields) -> None:
    assert {v.field for v in check_accreditation(number, granted, expires, "")} == fields


def test_event_days_and_order() -> None:
    assert check_event_day(D(2025, 1, 1), D(2025, 1, 1)) == []
    assert [v.field for v in check_event_day(D(2025, 1, 1), D(2024, 12, 31))] == ["on"]
    assert not is_out_of_order(None, D(2020, 1, 1))
    assert not is_out_of_order(D(2025, 1, 1), D(2025, 1, 1))
    assert is_out_of_order(D(2025, 1, 2), D(2025, 1, 1))
    assert check_power_grant(OLD, D(2025, 12, 31)) == []
    assert [v.field for v in check_power_grant(OLD, D(2026, 1, 1))] == ["granted_on"]
    assert [v.field for v in check_power_grant(OLD, D(2023, 12, 31))] == ["granted_on"]
