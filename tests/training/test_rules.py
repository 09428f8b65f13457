"""Pure training rules: expiry arithmetic, the counting record, in date, matrix cells, input checks."""

import datetime as dt

import pytest

from training.facts import BookingFact, compute_module_facts
from training.rules import (
    CellState,
    RecordFact,
    check_attendance,
    check_booking_change,
    check_prerequisites,
    check_record,
    check_validity_months,
    compute_cell_state,
    compute_expiry,
    counting_record,
    is_in_date,
    resolve_expiry,
)

WARNING_DAYS = 90  # the scheduler policy's default warning window (domain.md §8)

D = dt.date


@pytest.mark.parametrize(
    ("completed_on", "months", "expected"),
    [
        (D(2024, 3, 15), 36, D(2027, 3, 15)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # month end, leap year
        (D(2025, 1, 31), 1, D(2025, 2, 28)),  # month end, common year
        (D(2024, 8, 31), 12, D(2025, 8, 31)),
        (D(2024, 5, 31), 36, D(2027, 5, 31)),
        (D(2024, 10, 31), 24, D(2026, 10, 31)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # leap day + 1 year: no 29 Feb, month end
        (D(2024, 2, 29), 24, D(2026, 2, 28)),
        (D(2024, 2, 29), 36, D(2027, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),  # four years on, 29 Feb exists again
        (D(2024, 2, 28), 12, D(2025, 2, 28)),
        (D(2024, 12, 31), 2, D(2025, 2, 28)),
        (D(2024, 3, 1), 12, D(2025, 3, 1)),
        (D(2024, 3, 15), None, None),  # never expires
    ],
)
def test_compute_expiry(completed_on: dt.date, months: int | None, expected: dt.date | None) -> None:
    assert compute_expiry(completed_on, months) == expected


@pytest.mark.parametrize(
    ("result", "months", "given", "expected"),
    [
        ("pass", 12, None, (D(2025, 2, 28), False)),
        ("pass", 12, D(2025, 2, 28), (D(2025, 2, 28), False)),  # same as computed: not an override
        ("pass", 12, D(2025, 6, 30), (D(2025, 6, 30), True)),
        ("pass", None, None, (None, False)),  # module that never expires
        ("pass", None, D(2026, 1, 1), (D(2026, 1, 1), True)),  # never-expiring module, overridden
        ("fail", 12, None, (None, False)),  # a fail confers nothing, so no expiry
        ("referred", 12, None, (None, False)),
    ],
)
def test_resolve_expiry(result, months, given, expected) -> None:
    assert resolve_expiry(result, D(2024, 2, 29), months, given) == expected


def _codes(violations) -> set[tuple[str, str | None]]:
    return {(v.code, v.field) for v in violations}


TODAY = D(2026, 6, 10)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, set()),
        ({"completed_on": TODAY}, set()),
        ({"completed_on": TODAY + dt.timedelta(days=1)}, {("completed_in_future", "completed_on")}),
        ({"result": "passed"}, {("invalid_result", "result")}),
        ({"result": "fail"}, set()),
        ({"result": "referred"}, set()),
        ({"expires_on": D(2027, 1, 1)}, {("override_reason_required", "expiry_override_reason")}),
        ({"expires_on": D(2027, 1, 1), "override_reason": "   "},
         {("override_reason_required", "expiry_override_reason")}),
        ({"expires_on": D(2027, 1, 1), "override_reason": "Provider's certificate states 1 Jan 2027."}, set()),
        ({"expires_on": D(2026, 6, 1), "override_reason": "r"}, {("expiry_not_after_completion", "expires_on")}),
        ({"expires_on": D(2027, 6, 1)}, set()),  # equals completed_on + 12 months: no reason needed
        ({"validity_months": None, "expires_on": D(2027, 6, 1)},
         {("override_reason_required", "expiry_override_reason")}),
        ({"result": "fail", "expires_on": D(2027, 6, 1)}, {("no_expiry_without_pass", "expires_on")}),
        ({"provider": "x" * 201}, {("too_long", "provider")}),
        ({"certificate_ref": "x" * 101}, {("too_long", "certificate_ref")}),
    ],
)
def test_check_record(changes, expected) -> None:
    args = {"result": "pass", "completed_on": D(2026, 6, 1), "today": TODAY, "validity_months": 12,
            "expires_on": None, "override_reason": ""} | changes
    assert _codes(check_record(**args)) == expected


def rec(id: int, on: dt.date, result: str = "pass", code: str = "FIRST_AID", months: int | None = 36) -> RecordFact:
    return RecordFact(id=id, module_code=code, completed_on=on, result=result,
                      expires_on=compute_expiry(on, months) if result == "pass" else None)


def test_newest_pass_counts_and_a_later_fail_does_not_remove_it() -> None:
    old, new, failed = rec(1, D(2020, 1, 10)), rec(2, D(2023, 1, 10)), rec(3, D(2024, 1, 10), "fail")
    assert counting_record([old, failed, new], "FIRST_AID", D(2025, 1, 1)) == new


def test_referred_confers_nothing() -> None:
    records = [rec(1, D(2024, 1, 10), "referred")]
    assert counting_record(records, "FIRST_AID", D(2025, 1, 1)) is None
    assert compute_cell_state(None, D(2025, 1, 1), WARNING_DAYS) is CellState.MISSING


def test_records_after_as_of_do_not_count() -> None:
    old, future = rec(1, D(2022, 1, 10)), rec(2, D(2025, 3, 1))
    assert counting_record([old, future], "FIRST_AID", D(2025, 2, 28)) == old
    assert counting_record([old, future], "FIRST_AID", D(2025, 3, 1)) == future


def test_other_modules_and_same_day_ties() -> None:
    other = rec(1, D(2024, 5, 1), code="RADIO")
    first, second = rec(2, D(2024, 1, 10)), rec(3, D(2024, 1, 10))
    assert counting_record([other], "FIRST_AID", D(2025, 1, 1)) is None
    assert counting_record([second, first], "FIRST_AID", D(2025, 1, 1)) == second


@pytest.mark.parametrize(
    ("as_of", "in_date"),
    [
        (D(2024, 1, 9), False),  # before completion
        (D(2024, 1, 10), True),  # completion day
        (D(2027, 1, 9), True),  # the day before expiry
        (D(2027, 1, 10), False),  # expiry day: the first day no longer valid
        (D(2027, 1, 11), False),
    ],
)
def test_is_in_date_around_expiry(as_of: dt.date, in_date: bool) -> None:
    assert is_in_date(rec(1, D(2024, 1, 10)), as_of) is in_date


def test_never_expiring_pass_stays_in_date() -> None:
    radio = rec(1, D(2010, 1, 10), code="RADIO", months=None)
    assert is_in_date(radio, D(2099, 1, 1))
    assert compute_cell_state(radio, D(2099, 1, 1), WARNING_DAYS) is CellState.IN_DATE


EXPIRES = D(2027, 1, 10)  # rec(1, D(2024, 1, 10)) expires on this day


@pytest.mark.parametrize(
    ("as_of", "warning_days", "state"),
    [
        (EXPIRES - dt.timedelta(days=91), 90, CellState.IN_DATE),  # one day outside the window
        (EXPIRES - dt.timedelta(days=90), 90, CellState.EXPIRING),  # first day inside the window
        (EXPIRES - dt.timedelta(days=1), 90, CellState.EXPIRING),  # last day in date
        (EXPIRES, 90, CellState.EXPIRED),
        (EXPIRES + dt.timedelta(days=1), 90, CellState.EXPIRED),
        (EXPIRES - dt.timedelta(days=31), 30, CellState.IN_DATE),  # the window is a parameter
        (EXPIRES - dt.timedelta(days=30), 30, CellState.EXPIRING),
        (EXPIRES - dt.timedelta(days=1), 0, CellState.IN_DATE),
    ],
)
def test_cell_state_around_warning_window_and_expiry(as_of, warning_days, state) -> None:
    assert compute_cell_state(rec(1, D(2024, 1, 10)), as_of, warning_days) is state


def test_module_facts_hand_over_the_bookings_from_the_counting_pass_on() -> None:
    as_of = D(2026, 11, 1)
    records = [rec(1, D(2024, 1, 10)), rec(2, D(2024, 3, 1), code="RADIO", months=None),
               rec(3, D(2025, 1, 1), "fail", code="SAFEGUARDING"), rec(4, D(2026, 12, 1), code="RADIO", months=None)]
    booked = BookingFact(D(2026, 12, 5), D(2026, 10, 1), "FIRST_AID", "booked", booking_id=1)
    facts = compute_module_facts(records, [booked], as_of)
    assert set(facts) == {"FIRST_AID", "RADIO"}  # a fail alone gives no fact
    assert facts["FIRST_AID"].record_id == 1 and facts["FIRST_AID"].bookings == (booked,)
    assert facts["FIRST_AID"].expires_on == D(2027, 1, 10)
    assert facts["RADIO"].record_id == 2 and facts["RADIO"].bookings == ()  # a pass after as_of does not count
    cancelled = [BookingFact(D(2026, 12, 5), None, "FIRST_AID", "cancelled", booking_id=1)]
    before_completion = [BookingFact(D(2024, 1, 9), None, "FIRST_AID", "booked", booking_id=1)]
    assert compute_module_facts(records, cancelled, as_of)["FIRST_AID"].bookings == ()
    assert compute_module_facts(records, before_completion, as_of)["FIRST_AID"].bookings == ()


@pytest.mark.parametrize(("status", "allowed"),
                         [("booked", True), ("attended", False), ("cancelled", False), ("no_show", False)])
def test_only_booked_places_change(status: str, allowed: bool) -> None:
    violation = check_booking_change(status, "attended")
    assert (violation is None) is allowed
    if violation:
        assert violation.code == "booking_not_open"


def test_attendance_not_before_start() -> None:
    assert check_attendance(D(2026, 5, 4), D(2026, 5, 4)) == []
    assert _codes(check_attendance(D(2026, 5, 4), D(2026, 5, 3))) == {("attended_before_start", "attended_on")}


@pytest.mark.parametrize(("months", "ok"), [(None, True), (1, True), (36, True), (600, True), (0, False),
                                             (-12, False), (601, False)])
def test_validity_months(months, ok) -> None:
    assert (check_validity_months(months) == []) is ok


def test_check_prerequisites_names_each_bad_item() -> None:
    violations = check_prerequisites([("FPN_LITTER", "PENALTY_NOTICES"), ("NOPE", "FIRST_AID"), ("NA_ASB", "X")],
                                     ["FPN_LITTER", "NA_ASB"], ["PENALTY_NOTICES", "FIRST_AID"])
    assert _codes(violations) == {("unknown_power", "items[1].power_code"), ("unknown_module", "items[2].module_code")}
