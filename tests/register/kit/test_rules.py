import datetime as dt

import pytest

from register.kit.rules import (
    check_inspection,
    check_kit_issue,
    check_return,
    compute_kit_expiry,
    compute_next_inspection,
    is_kit_out,
    needs_replacement,
)

D = dt.date


@pytest.mark.parametrize(
    ("issued", "made", "life", "with_acc", "acc_expires", "expected"),
    [
        (D(2025, 3, 1), D(2016, 2, 29), 120, False, None, D(2026, 2, 28)),  # leap-day manufacture, month end
        (D(2025, 3, 1), None, 120, False, None, D(2035, 3, 1)),  # no manufacture date: from issue
        (D(2025, 3, 1), None, None, False, None, None),  # does not expire
        (D(2025, 3, 1), None, None, True, D(2027, 3, 1), D(2027, 3, 1)),  # ID card: with the accreditation
        (D(2025, 3, 1), None, None, True, None, None),
    ],
)
def test_kit_expiry(issued, made, life, with_acc, acc_expires, expected) -> None:
    assert compute_kit_expiry(issued_on=issued, manufactured_on=made, service_life_months=life,
                              expires_with_accreditation=with_acc, accreditation_expires_on=acc_expires) == expected


def test_next_inspection() -> None:
    assert compute_next_inspection(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert compute_next_inspection(D(2024, 2, 29), None) is None


def _issue(**changes):
    values = dict(tracks_serial=True, serial_number="X1", size="M", issued_on=D(2025, 1, 10),
                  manufactured_on=D(2025, 1, 10), officer_started_on=D(2025, 1, 10), condition="new") | changes
    return {v.field for v in check_kit_issue(**values)}


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({}, set()),  # made, issued and started on one day
        ({"serial_number": None}, {"serial_number"}),
        ({"serial_number": "  "}, {"serial_number"}),
        ({"tracks_serial": False, "serial_number": None}, set()),
        ({"manufactured_on": D(2025, 1, 11)}, {"manufactured_on"}),
        ({"officer_started_on": D(2025, 1, 11)}, {"issued_on"}),
        ({"condition": "lost"}, {"condition"}),
        ({"condition": "serviceable"}, set()),
    ],
)
def test_check_kit_issue(changes, fields) -> None:
    assert _issue(**changes) == fields


@pytest.mark.parametrize(
    ("returned", "condition", "fields"),
    [
        (D(2025, 1, 10), "serviceable", set()),  # returned the day it was issued
        (D(2025, 1, 9), "serviceable", {"returned_on"}),
        (D(2025, 2, 1), "lost", set()),
        (D(2025, 2, 1), "broken", {"condition"}),
    ],
)
def test_check_return(returned, condition, fields) -> None:
    assert {v.field for v in check_return(D(2025, 1, 10), returned, condition)} == fields


def test_check_inspection_and_replacement() -> None:
    assert check_inspection(D(2025, 1, 10), D(2025, 1, 10), "condemned") == []
    assert {v.field for v in check_inspection(D(2025, 1, 10), D(2025, 1, 9), "lost")} == {"inspected_on",
                                                                                          "condition"}
    assert needs_replacement("condemned") and not needs_replacement("damaged")


@pytest.mark.parametrize(
    ("day", "out"),
    [(D(2025, 1, 9), False), (D(2025, 1, 10), True), (D(2025, 3, 31), True), (D(2025, 4, 1), False)],
)
def test_kit_out(day, out) -> None:
    assert is_kit_out(D(2025, 1, 10), D(2025, 4, 1), day) is out
