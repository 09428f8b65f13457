"""The sweep's shortcuts (issue 9, Performance) change no answer: when nothing the officer's powers depend on ends
in a window, no power can lapse (or be warned about) there, so compliance need not be judged for it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from register.facts import KitFact
from scheduler.facts import OfficerFacts
from scheduler.reminders import (
    Lapse,
    Reminder,
    coordinator_power_warnings,
    due_reminders,
    ends_between,
    find_lapses,
    may_warn_coordinators,
)
from scheduler.rules import compute_compliance, compute_plan
from tests.scheduler.builders import (
    ACCREDITATION_EXPIRES,
    CORE_EXPIRES,
    POLICY,
    SAFEGUARDING_EXPIRES,
    officer,
    with_accreditation,
    with_clearance,
)

D = dt.date
ONE = dt.timedelta(days=1)


def brute_force_lapses(facts: OfficerFacts, since: dt.date, day: dt.date) -> list[Lapse]:
    """find_lapses without its shortcut: judge every day, and name what the power hung on the day before."""
    out = []
    lapse_on = since
    while lapse_on <= day:
        before = {p.code: p for p in compute_compliance(facts, lapse_on - ONE, POLICY).powers if p.usable}
        after = {p.code: p for p in compute_compliance(facts, lapse_on, POLICY).powers}
        lapsed = tuple(sorted(c for c in before if c in after and not after[c].usable))
        if lapsed:
            ended = list(dict.fromkeys((d.kind.value, d.code) for c in lapsed for d in before[c].ending))
            out.append(Lapse(facts.officer_id, lapsed, lapse_on, *ended[0], tuple(ended[1:])))
        lapse_on += ONE
    return out


@pytest.mark.parametrize(("first", "last", "expected"), [
    (ACCREDITATION_EXPIRES - 2 * ONE, ACCREDITATION_EXPIRES - ONE, False),  # the two days before
    (ACCREDITATION_EXPIRES, ACCREDITATION_EXPIRES, True),  # the day itself
    (ACCREDITATION_EXPIRES - ONE, ACCREDITATION_EXPIRES, True),
    (ACCREDITATION_EXPIRES + ONE, SAFEGUARDING_EXPIRES - ONE, False),  # between two expiries
    (SAFEGUARDING_EXPIRES, CORE_EXPIRES, True),
])
def test_ends_between_sees_every_end_day_inclusive(first: dt.date, last: dt.date, expected: bool) -> None:
    assert ends_between(officer(), first, last) is expected


@pytest.mark.parametrize("facts", [
    with_accreditation(ended_on=D(2026, 2, 28)),  # withdrawn
    with_clearance(next_review_due_on=D(2026, 2, 28)),  # an annual review falling due
    with_clearance(ended_on=D(2026, 2, 28)),  # revoked
    officer(left_on=D(2026, 2, 28)),
    officer(kit=(KitFact(100, "ID_CARD", D(2025, 6, 2), expires_on=D(2026, 2, 28)),)),
    officer(employer=replace(officer().employer, ended_on=D(2026, 2, 28))),
])
def test_ends_between_sees_each_kind_of_end(facts: OfficerFacts) -> None:
    assert ends_between(facts, D(2026, 2, 28), D(2026, 2, 28))
    assert not ends_between(facts, D(2026, 3, 1), D(2026, 3, 31))


def test_a_withdrawn_power_is_an_end() -> None:
    accreditation = officer().accreditations[0]
    withdrawn = replace(accreditation.powers[0], withdrawn_on=D(2024, 2, 29))  # a leap day
    facts = with_accreditation(powers=(withdrawn, accreditation.powers[1]))
    assert ends_between(facts, D(2024, 2, 29), D(2024, 2, 29))
    assert not ends_between(facts, D(2024, 3, 1), D(2025, 1, 1))


CASES = [
    officer(),
    with_accreditation(expires_on=D(2026, 3, 1)),
    with_accreditation(ended_on=D(2026, 1, 31)),
    with_clearance(next_review_due_on=D(2026, 2, 28)),
    officer(kit=(KitFact(100, "ID_CARD", D(2025, 6, 2), expires_on=D(2026, 3, 31)),)),
]
DAYS = [D(2026, 1, 30), D(2026, 1, 31), D(2026, 2, 1), D(2026, 2, 28), D(2026, 3, 1), D(2026, 3, 2),
        D(2026, 3, 31), D(2026, 4, 1), ACCREDITATION_EXPIRES - ONE, ACCREDITATION_EXPIRES, ACCREDITATION_EXPIRES + ONE]


@pytest.mark.parametrize("facts", CASES)
@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("catch_up", [0, 1, 7])
def test_find_lapses_matches_judging_every_candidate(facts: OfficerFacts, day: dt.date, catch_up: int) -> None:
    since = day - dt.timedelta(days=catch_up)
    assert find_lapses(facts, since, day, POLICY) == brute_force_lapses(facts, since, day)


@pytest.mark.parametrize("facts", CASES)
@pytest.mark.parametrize("day", [*DAYS, ACCREDITATION_EXPIRES - dt.timedelta(days=30),
                                 ACCREDITATION_EXPIRES - dt.timedelta(days=31)])
def test_coordinators_are_never_warned_when_nothing_ends_within_the_window(facts: OfficerFacts, day: dt.date) -> None:
    compliance = compute_compliance(facts, day, POLICY)
    steps = compute_plan(facts, day, POLICY)
    warnings = coordinator_power_warnings(facts, compliance, steps, day, POLICY)
    if not may_warn_coordinators(facts, day, POLICY):
        assert warnings == []
        skipped: list[Reminder] = due_reminders(facts, None, steps, [], day, POLICY)
        assert skipped == due_reminders(facts, compliance, steps, [], day, POLICY)


def test_the_warning_window_is_inclusive_of_its_last_day() -> None:
    facts = officer()
    first_expiry = min(ACCREDITATION_EXPIRES, SAFEGUARDING_EXPIRES)
    assert may_warn_coordinators(facts, first_expiry - dt.timedelta(days=30), POLICY)
    assert not may_warn_coordinators(facts, first_expiry - dt.timedelta(days=31), POLICY)
    warned = coordinator_power_warnings(
        facts, compute_compliance(facts, first_expiry - dt.timedelta(days=30), POLICY), [],
        first_expiry - dt.timedelta(days=30), POLICY)
    assert warned  # the shortcut would have been wrong to skip this day


@pytest.mark.parametrize("facts", CASES)
@pytest.mark.parametrize("day", DAYS)
def test_every_lapse_day_is_a_dependency_end_date(facts: OfficerFacts, day: dt.date) -> None:
    """The sweep skips judging windows with no dependency end date; that is only safe while every power's lapse
    day (usable_until + 1) is one of them. A dependency added to the rules without its end date fails here."""
    from scheduler.dependencies import end_days

    ends = set(end_days(facts))
    for power in compute_compliance(facts, day, POLICY).powers:
        if power.usable and power.usable_until is not None:
            assert power.usable_until + ONE in ends, (power.code, power.binding)
