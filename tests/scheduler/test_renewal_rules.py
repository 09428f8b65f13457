"""Renewals (domain.md §8a) around their boundary days: what counts, from which day, and how usable-until and the
lapses follow them. The officer of builders.py: accreditation SUR-001 expires 1 June 2027 (binding); next,
SAFEGUARDING (ALCOHOL_UNDER_18) on 1 August 2027 and CSAS_CORE (every power) on 1 September 2027."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from register.facts import KitFact
from scheduler.facts import OfficerFacts
from scheduler.kinds import Kind, StepStatus
from scheduler.reminders import find_lapses
from scheduler.rules import compute_compliance, compute_plan
from tests.scheduler.builders import (
    ACCREDITATION_EXPIRES,
    CORE_EXPIRES,
    POLICY,
    SAFEGUARDING_EXPIRES,
    VETTING_EXPIRES,
    D,
    officer,
    with_clearance,
    with_module,
)
from training.facts import BookingFact
from vetting.facts import ApplicationFact, ClearanceFact

ONE = dt.timedelta(days=1)
E = ACCREDITATION_EXPIRES


def renewed_accreditation(starts_on: dt.date, recorded_on: dt.date) -> OfficerFacts:
    """The renewal as the service records it: superseding the old one from its start if that is in force."""
    old = officer().accreditations[0]
    if starts_on < old.expires_on:
        old = replace(old, ended_on=starts_on)
    new = replace(officer().accreditations[0], accreditation_id=2, number="SUR-002", granted_on=starts_on,
                  expires_on=D(2030, 6, 1), recorded_on=recorded_on, ended_on=None)
    return officer(accreditations=(old, new))


def step(facts: OfficerFacts, kind: Kind, code: str, day: dt.date) -> StepStatus:
    (found,) = [s for s in compute_plan(facts, day, POLICY) if (s.kind, s.code) == (kind, code)]
    return found.status


# --- usable until follows the renewal ------------------------------------------------------------------

@pytest.mark.parametrize(("starts_on", "usable_until", "lapse_on"), [
    (E - 22 * ONE, SAFEGUARDING_EXPIRES - ONE, None),  # early: supersedes from a day before the expiry
    (E - ONE, SAFEGUARDING_EXPIRES - ONE, None),  # the day before the expiry
    (E, SAFEGUARDING_EXPIRES - ONE, None),  # the day of the expiry: no gap
    (E + ONE, E - ONE, E),  # the day after: a one-day gap, a real lapse on the expiry day
])
def test_a_renewal_carries_usable_until_on_unless_it_leaves_a_gap(starts_on, usable_until, lapse_on) -> None:
    facts = renewed_accreditation(starts_on, recorded_on=D(2027, 4, 1))
    on = D(2027, 4, 10)
    assert compute_compliance(officer(), on, POLICY).powers_usable_until == E - ONE
    compliance = compute_compliance(facts, on, POLICY)
    assert compliance.powers_usable_until == usable_until
    assert compliance.powers_usable_until >= E - ONE  # recording a renewal never makes it earlier
    lapses = find_lapses(facts, E - 5 * ONE, E + 5 * ONE, POLICY)
    assert [lapse.lapsed_on for lapse in lapses] == ([lapse_on] if lapse_on else [])
    if lapse_on:  # named by what ended, the old accreditation's number; the gap ends when the renewal starts
        assert (lapses[0].binding_kind, lapses[0].binding_code) == ("accreditation", "SUR-001")
    assert {p.resumes_on for p in compliance.powers} == {starts_on if lapse_on else None}


def test_usable_until_follows_each_power_to_its_own_next_break() -> None:
    powers = {p.code: p for p in compute_compliance(renewed_accreditation(E, D(2027, 4, 1)), D(2027, 4, 10),
                                                     POLICY).powers}
    assert powers["ALCOHOL_UNDER_18"].usable_until == SAFEGUARDING_EXPIRES - ONE
    assert powers["FPN_LITTER"].usable_until == CORE_EXPIRES - ONE
    assert powers["FPN_LITTER"].binding is not None and powers["FPN_LITTER"].binding.code == "CSAS_CORE"


def test_a_renewal_not_yet_entered_is_not_followed() -> None:
    facts = renewed_accreditation(E, recorded_on=D(2027, 5, 1))
    # Loaded as of 10 April the renewal is not on record (scheduler.services drops it), and the rules do not
    # count it for the plan before the day it was entered.
    assert step(facts, Kind.ACCREDITATION, "SUR-001", D(2027, 4, 30)) is StepStatus.OVERDUE
    assert step(facts, Kind.ACCREDITATION, "SUR-001", D(2027, 5, 1)) is StepStatus.DONE


# --- what counts as a renewal, from which day ------------------------------------------------------------

VETTING_OPENS = VETTING_EXPIRES - dt.timedelta(days=POLICY.lead_times.vetting)


@pytest.mark.parametrize("requested_on", [VETTING_OPENS - ONE, VETTING_OPENS, VETTING_OPENS + ONE])
def test_a_vetting_application_without_a_link_renews_the_clearance_from_its_request(requested_on) -> None:
    application = ApplicationFact(11, "NPPV2A", requested_on)
    facts = with_clearance(later_applications=(application,))
    assert step(facts, Kind.VETTING, "NPPV2A", requested_on - ONE) is not StepStatus.DONE
    assert step(facts, Kind.VETTING, "NPPV2A", requested_on) is StepStatus.DONE
    assert step(facts, Kind.VETTING, "NPPV2A", VETTING_OPENS + 30 * ONE) is StepStatus.DONE


@pytest.mark.parametrize(("application", "counts"), [
    (ApplicationFact(11, "NPPV3", D(2027, 10, 1)), True),  # another accepted level
    (ApplicationFact(11, "NPPV1", D(2027, 10, 1)), False),  # a level not accepted for CSAS
    (ApplicationFact(11, "NPPV2A", D(2027, 10, 1), stopped_on=D(2027, 11, 1)), False),  # refused or withdrawn
    (ApplicationFact(11, "NPPV2A", D(2027, 10, 1), stopped_on=D(2027, 12, 1)), True),  # not yet stopped
    (ApplicationFact(10, "NPPV2A", D(2027, 10, 1)), False),  # the clearance itself
])
def test_which_applications_count(application, counts) -> None:
    facts = with_clearance(later_applications=(application,))
    assert (step(facts, Kind.VETTING, "NPPV2A", D(2027, 11, 15)) is StepStatus.DONE) is counts


CORE_OPENS = CORE_EXPIRES - dt.timedelta(days=POLICY.lead_times.csas_course)


@pytest.mark.parametrize(("booking", "day", "done"), [
    (BookingFact(CORE_EXPIRES - ONE, recorded_on=D(2027, 6, 1)), D(2027, 6, 1), True),  # starts the day before E
    (BookingFact(CORE_EXPIRES, recorded_on=D(2027, 6, 1)), D(2027, 6, 1), False),  # starts on E: too late
    (BookingFact(CORE_EXPIRES - ONE, recorded_on=D(2027, 6, 1)), D(2027, 5, 31), False),  # not entered yet
    (BookingFact(D(2027, 5, 20), recorded_on=D(2027, 6, 1)), D(2027, 5, 25), True),  # counts from its start
    (BookingFact(D(2027, 5, 20), recorded_on=None), D(2027, 5, 19), False),  # entered before recorded_on was kept
])
def test_a_booking_renews_a_module_from_the_earlier_of_entered_and_starts(booking, day, done) -> None:
    facts = with_module("CSAS_CORE", bookings=(booking,))
    assert (step(facts, Kind.TRAINING, "CSAS_CORE", day) is StepStatus.DONE) is done


def test_a_new_card_renews_the_left_over_one() -> None:
    facts = renewed_accreditation(D(2027, 5, 20), recorded_on=D(2027, 5, 1))
    assert step(facts, Kind.KIT, "ID_CARD", D(2027, 5, 21)) is StepStatus.OVERDUE
    new_card = KitFact(101, "ID_CARD", D(2027, 5, 25), expires_on=D(2030, 6, 1))
    with_card = replace(facts, kit=(*facts.kit, new_card))
    assert step(with_card, Kind.KIT, "ID_CARD", D(2027, 5, 24)) is StepStatus.OVERDUE
    assert step(with_card, Kind.KIT, "ID_CARD", D(2027, 5, 25)) is StepStatus.DONE


def test_a_catch_up_finds_a_lapse_after_powers_came_back_within_the_window() -> None:
    """Found by the property test: the clearance lapsed before the window, its renewal was granted inside it, and
    the CSAS course then lapsed; the sweep that catches up must still give notice of that second lapse."""
    facts = with_module("CSAS_CORE", expires_on=D(2027, 3, 28))
    facts = replace(facts, clearances=(
        replace(facts.clearances[0], expires_on=D(2027, 2, 13)),
        ClearanceFact(11, "NPPV2F", D(2027, 3, 7), D(2030, 3, 7)),
    ))
    lapses = find_lapses(facts, D(2027, 2, 19), D(2027, 4, 7), POLICY)
    assert [(lapse.lapsed_on, lapse.binding_code, lapse.power_codes) for lapse in lapses] == [
        (D(2027, 3, 28), "CSAS_CORE", ("ALCOHOL_UNDER_18", "FPN_LITTER"))]
