"""Pure vetting rules: the transition table, expiry arithmetic, derived status, declarations."""

import datetime as dt

import pytest

from vetting import rules
from vetting.rules import TRANSITIONS, Status

D = dt.date

ALLOWED = [
    ("draft", "submitted"), ("draft", "withdrawn"), ("draft", "discontinued"),
    ("submitted", "info_requested"), ("submitted", "in_progress"), ("submitted", "withdrawn"),
    ("submitted", "discontinued"),
    ("info_requested", "submitted"), ("info_requested", "in_progress"), ("info_requested", "withdrawn"),
    ("info_requested", "discontinued"),
    ("in_progress", "granted"), ("in_progress", "refused"), ("in_progress", "info_requested"),
    ("in_progress", "withdrawn"), ("in_progress", "discontinued"),
    ("refused", "appealed"),
    ("appealed", "upheld"), ("appealed", "overturned"), ("appealed", "withdrawn"), ("appealed", "discontinued"),
    ("granted", "revoked"), ("granted", "terminated"), ("overturned", "revoked"), ("overturned", "terminated"),
]


def test_the_table_is_exactly_the_documented_lifecycle() -> None:
    table = {(a.value, b.value) for a, targets in TRANSITIONS.items() for b in targets}
    assert table == set(ALLOWED)


def _check(current: str, target: str, on: D = D(2026, 3, 1), **kw):
    args = {"requested_on": D(2026, 1, 1), "last_event_on": D(2026, 2, 1), "info_requested_before": False,
            "refused_on": None} | kw
    return rules.check_transition(Status(current), Status(target), on, **args)


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_every_allowed_transition_passes(current: str, target: str) -> None:
    refused_on = D(2026, 2, 20) if current == "refused" else None
    assert _check(current, target, refused_on=refused_on) is None


REFUSED = [
    ("draft", "granted"), ("draft", "in_progress"), ("submitted", "granted"), ("submitted", "refused"),
    ("granted", "refused"), ("granted", "withdrawn"), ("granted", "granted"), ("refused", "granted"),
    ("refused", "withdrawn"), ("upheld", "appealed"), ("upheld", "overturned"), ("withdrawn", "submitted"),
    ("discontinued", "in_progress"), ("revoked", "granted"), ("terminated", "revoked"), ("overturned", "appealed"),
    ("in_progress", "submitted"), ("appealed", "granted"), ("draft", "draft"),
]


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_illegal_transitions_have_a_stable_code(current: str, target: str) -> None:
    result = _check(current, target)
    assert result is not None and result[0] == "illegal_transition"


@pytest.mark.parametrize("current", ["submitted", "in_progress"])
def test_information_is_requested_once(current: str) -> None:
    result = _check(current, "info_requested", info_requested_before=True)
    assert result is not None and result[0] == "info_already_requested"


@pytest.mark.parametrize(("days", "allowed"), [(0, True), (13, True), (14, True), (15, False), (40, False)])
def test_appeal_window_boundary(days: int, allowed: bool) -> None:
    refused_on = D(2026, 2, 20)
    result = _check("refused", "appealed", on=refused_on + dt.timedelta(days=days), refused_on=refused_on,
                    last_event_on=refused_on)
    assert (result is None) is allowed
    if not allowed:
        assert result is not None and result[0] == "appeal_window_closed"


def test_appeal_window_is_a_parameter() -> None:
    refused_on = D(2026, 2, 20)
    assert _check("refused", "appealed", on=D(2026, 3, 12), refused_on=refused_on, last_event_on=refused_on,
                  appeal_window_days=21) is None


@pytest.mark.parametrize(("on", "code"), [
    (D(2026, 1, 31), "date_before_last_event"),
    (D(2026, 2, 1), None),
    (D(2025, 12, 31), "date_before_request"),
])
def test_dates_never_run_backwards(on: D, code: str | None) -> None:
    result = _check("submitted", "in_progress", on=on)
    assert (result[0] if result else None) == code


@pytest.mark.parametrize(("granted", "months", "expires"), [
    (D(2024, 1, 31), 36, D(2027, 1, 31)),
    (D(2025, 1, 31), 1, D(2025, 2, 28)),
    (D(2023, 1, 31), 13, D(2024, 2, 29)),
    (D(2024, 2, 29), 36, D(2027, 2, 28)),
    (D(2024, 2, 29), 48, D(2028, 2, 29)),
    (D(2024, 2, 29), 60, D(2029, 2, 28)),
    (D(2024, 8, 31), 36, D(2027, 8, 31)),
    (D(2024, 5, 31), 37, D(2027, 6, 30)),
    (D(2026, 11, 22), 120, D(2036, 11, 22)),
])
def test_expiry_follows_the_month_end_rule(granted: D, months: int, expires: D) -> None:
    assert rules.compute_expiry(granted, months) == expires


@pytest.mark.parametrize(("granted", "has_review", "due"), [
    (D(2024, 2, 29), True, D(2025, 2, 28)),
    (D(2025, 3, 31), True, D(2026, 3, 31)),
    (D(2025, 3, 31), False, None),
])
def test_annual_review_dates(granted: D, has_review: bool, due: D | None) -> None:
    assert rules.compute_next_review(granted, has_review) == due


@pytest.mark.parametrize(("stored", "expires", "as_of", "shown"), [
    ("granted", D(2027, 1, 31), D(2027, 1, 30), "granted"),
    ("granted", D(2027, 1, 31), D(2027, 1, 31), "expired"),
    ("granted", D(2027, 1, 31), D(2027, 2, 1), "expired"),
    ("overturned", D(2027, 1, 31), D(2027, 2, 1), "expired"),
    ("revoked", D(2027, 1, 31), D(2027, 2, 1), "revoked"),
    ("in_progress", None, D(2027, 2, 1), "in_progress"),
])
def test_expired_is_derived(stored: str, expires: D | None, as_of: D, shown: str) -> None:
    assert rules.compute_status(stored, expires, as_of) == shown


def test_override_needs_a_reason() -> None:
    on = D(2026, 1, 31)
    computed = rules.compute_expiry(on, 36)
    assert rules.check_event_fields(Status.GRANTED, on, computed, computed, None, None, None) == []
    missing = rules.check_event_fields(Status.GRANTED, on, computed, D(2028, 1, 31), "  ", None, None)
    assert [v.field for v in missing] == ["expiry_override_reason"]
    assert rules.check_event_fields(Status.GRANTED, on, computed, D(2028, 1, 31), "Force policy: 2 years",
                                    None, None) == []
    not_grant = rules.check_event_fields(Status.REFUSED, on, None, D(2028, 1, 31), "x", None, None)
    assert [v.field for v in not_grant] == ["expires_on"]
    backwards = rules.check_event_fields(Status.GRANTED, on, computed, on, "x", None, None)
    assert [v.code for v in backwards] == ["date_order"]


@pytest.mark.parametrize(("kind", "categories", "made_on", "fields"), [
    ("change_of_circumstances", ["address"], D(2026, 1, 1), []),
    ("annual_self_declaration", [], D(2026, 1, 1), []),
    ("change_of_circumstances", [], D(2026, 1, 1), ["categories"]),
    ("change_of_circumstances", ["address", "address"], D(2026, 1, 1), ["categories"]),
    ("change_of_circumstances", ["shoe_size"], D(2026, 1, 1), ["categories"]),
    ("gossip", ["name"], D(2026, 1, 1), ["kind"]),
    ("annual_self_declaration", [], D(2026, 1, 3), ["made_on"]),
])
def test_declaration_checks(kind: str, categories: list[str], made_on: D, fields: list[str]) -> None:
    violations = rules.check_declaration(kind, categories, made_on, today=D(2026, 1, 2))
    assert [v.field for v in violations] == fields


def test_days_waiting() -> None:
    assert rules.compute_days_waiting(D(2026, 1, 1), D(2026, 3, 1)) == 59
    assert rules.compute_days_waiting(D(2026, 3, 1), D(2026, 3, 1)) == 0


@pytest.mark.parametrize(("day", "fields"), [(D(2026, 3, 1), []), (D(2026, 3, 2), ["on"])])
def test_events_are_not_dated_after_today(day: D, fields: list[str]) -> None:
    assert [v.field for v in rules.check_not_future(day, D(2026, 3, 1), "on")] == fields
