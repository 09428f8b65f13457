import datetime as dt
from dataclasses import replace

import pytest

from register.facts import DesignatedPowerFact, EmployerFact, KitFact
from scheduler.kinds import Kind
from scheduler.rules import Rag, compute_compliance
from tests.scheduler.builders import (
    ACCREDITATION_EXPIRES,
    POLICY,
    SAFEGUARDING_EXPIRES,
    D,
    officer,
    with_accreditation,
    with_clearance,
    with_module,
)
from training.facts import ModuleFact

TODAY = D(2026, 11, 22)


def power(result, code):
    return next(p for p in result.powers if p.code == code)


def test_a_compliant_officer_is_green_with_the_binding_item_named() -> None:
    result = compute_compliance(officer(), TODAY, POLICY)
    assert result.status is Rag.GREEN
    # Accreditation (2027-06-01) is the earliest expiry every power depends on.
    assert result.powers_usable_until == D(2027, 5, 31)
    assert (result.binding.kind, result.binding.code) == (Kind.ACCREDITATION, "SUR-001")
    assert power(result, "FPN_LITTER").usable_until == D(2027, 5, 31)


def test_each_power_has_its_own_binding_prerequisite() -> None:
    facts = with_accreditation(expires_on=D(2028, 1, 1))
    facts = replace(facts, kit=(KitFact(100, "ID_CARD", D(2025, 6, 2), expires_on=D(2028, 1, 1)),))
    result = compute_compliance(facts, TODAY, POLICY)
    # SAFEGUARDING (needed only by ALCOHOL_UNDER_18) expires first; CSAS_CORE binds FPN_LITTER.
    assert power(result, "ALCOHOL_UNDER_18").binding.code == "SAFEGUARDING"
    assert power(result, "ALCOHOL_UNDER_18").usable_until == D(2027, 7, 31)
    assert power(result, "FPN_LITTER").binding.code == "CSAS_CORE"
    assert result.powers_usable_until == SAFEGUARDING_EXPIRES - dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "status", "usable"),
    [
        (D(2027, 3, 2), Rag.GREEN, True),  # 91 days before expiry: outside the 90-day window
        (D(2027, 3, 3), Rag.AMBER, True),  # 90 days before
        (D(2027, 5, 31), Rag.AMBER, True),  # last usable day
        (D(2027, 6, 1), Rag.RED, False),  # expiry day: the first day no longer valid
        (D(2027, 6, 2), Rag.RED, False),
    ],
)
def test_accreditation_expiry_boundary(day, status, usable) -> None:
    facts = with_module("SAFEGUARDING", expires_on=D(2029, 1, 1))
    facts = replace(facts, modules={**facts.modules, "CSAS_CORE": ModuleFact("CSAS_CORE", D(2025, 1, 1),
                                                                           D(2029, 1, 1))})
    result = compute_compliance(facts, day, POLICY)
    assert result.status is status
    assert power(result, "FPN_LITTER").usable is usable


@pytest.mark.parametrize(("days_before", "status"), [(91, Rag.GREEN), (90, Rag.AMBER), (1, Rag.AMBER)])
def test_warning_window_is_ninety_days(days_before: int, status: Rag) -> None:
    day = ACCREDITATION_EXPIRES - dt.timedelta(days=days_before)
    modules = {code: replace(m, expires_on=D(2030, 1, 1)) for code, m in officer().modules.items()}
    assert compute_compliance(officer(modules=modules), day, POLICY).status is status


def test_expired_vetting_blocks_every_power_and_is_named() -> None:
    result = compute_compliance(with_clearance(expires_on=TODAY), TODAY, POLICY)
    assert result.status is Rag.RED and result.powers_usable_until is None
    for p in result.powers:
        assert not p.usable and [b.kind for b in p.blocked_by] == [Kind.VETTING]
        assert "expired on 22 November 2026" in p.blocked_by[0].message


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"level_code": "NPPV1"}, "not a vetting level accepted"),
        ({"ended_on": D(2026, 11, 1)}, "ended on 1 November 2026"),
        ({"next_review_due_on": D(2026, 11, 22)}, "annual review was due"),
        ({"granted_on": D(2026, 11, 23)}, "No vetting clearance"),  # granted after the day: does not count
    ],
)
def test_vetting_blockers(changes, message) -> None:
    result = compute_compliance(with_clearance(**changes), TODAY, POLICY)
    assert message in power(result, "FPN_LITTER").blocked_by[0].message


def test_annual_review_due_binds_before_expiry() -> None:
    result = compute_compliance(with_clearance(next_review_due_on=D(2027, 2, 1)), TODAY, POLICY)
    assert result.binding.kind is Kind.VETTING and result.powers_usable_until == D(2027, 1, 31)


def test_missing_prerequisite_module_blocks_only_the_power_that_needs_it() -> None:
    result = compute_compliance(with_module("SAFEGUARDING", expires_on=TODAY), TODAY, POLICY)
    assert result.status is Rag.RED
    assert power(result, "FPN_LITTER").usable
    blocked = power(result, "ALCOHOL_UNDER_18")
    assert not blocked.usable and blocked.blocked_by[0].code == "SAFEGUARDING"
    assert result.powers_usable_until is not None  # FPN_LITTER is still usable


def test_traffic_powers_need_the_traffic_course() -> None:
    accreditation = officer().accreditations[0]
    facts = officer(accreditations=(replace(accreditation, powers=(
        DesignatedPowerFact("TRAFFIC_CONTROL", D(2025, 6, 1), is_traffic=True),)),))
    result = compute_compliance(facts, TODAY, POLICY)
    assert power(result, "TRAFFIC_CONTROL").blocked_by[0].code == "CSAS_TRAFFIC"


@pytest.mark.parametrize(
    ("day", "usable"),
    [(D(2026, 1, 9), True), (D(2026, 1, 10), False), (D(2026, 2, 9), False), (D(2026, 2, 10), True)],
)
def test_suspension_blocks_from_suspension_to_reinstatement(day, usable) -> None:
    facts = with_accreditation(suspensions=((D(2026, 1, 10), D(2026, 2, 10)),))
    result = compute_compliance(facts, day, POLICY)
    assert power(result, "FPN_LITTER").usable is usable
    if not usable:
        assert "suspended" in power(result, "FPN_LITTER").blocked_by[0].message


def test_withdrawn_power_is_no_longer_designated() -> None:
    accreditation = officer().accreditations[0]
    powers = (replace(accreditation.powers[0], withdrawn_on=D(2026, 6, 1)), accreditation.powers[1])
    result = compute_compliance(officer(accreditations=(replace(accreditation, powers=powers),)), TODAY, POLICY)
    assert [p.code for p in result.powers] == ["ALCOHOL_UNDER_18"]


@pytest.mark.parametrize(("left_on", "usable"), [(D(2026, 11, 23), True), (D(2026, 11, 22), False)])
def test_leaving_ends_powers_on_the_leaving_day(left_on, usable) -> None:
    result = compute_compliance(officer(left_on=left_on), TODAY, POLICY)
    assert power(result, "FPN_LITTER").usable is usable
    if usable:
        assert result.binding.kind is Kind.OFFICER and result.powers_usable_until == D(2026, 11, 22)


def test_employer_without_arrangement_blocks() -> None:
    facts = officer(employer=EmployerFact(1, "Council", D(2024, 1, 1), D(2026, 10, 1), None))
    assert power(compute_compliance(facts, TODAY, POLICY), "FPN_LITTER").blocked_by[0].kind is Kind.EMPLOYER


@pytest.mark.parametrize(
    "kit",
    [
        (),
        (KitFact(100, "ID_CARD", D(2025, 6, 2), returned_on=D(2026, 1, 1), expires_on=ACCREDITATION_EXPIRES),),
        (KitFact(100, "ID_CARD", D(2025, 6, 2), condition="lost", expires_on=ACCREDITATION_EXPIRES),),
    ],
)
def test_id_card_must_be_held(kit) -> None:
    result = compute_compliance(officer(kit=kit), TODAY, POLICY)
    assert power(result, "FPN_LITTER").blocked_by[0].kind is Kind.KIT


def test_no_accreditation_is_red_with_no_powers() -> None:
    result = compute_compliance(officer(accreditations=()), TODAY, POLICY)
    assert result.status is Rag.RED and result.powers == () and result.powers_usable_until is None


def test_lapsed_accreditation_still_shows_the_lost_powers() -> None:
    result = compute_compliance(officer(), D(2027, 6, 1), POLICY)
    assert {p.code for p in result.powers} == {"FPN_LITTER", "ALCOHOL_UNDER_18"}
    assert all("expired on 1 June 2027" in p.blocked_by[0].message for p in result.powers)


def test_renewal_takes_over_on_its_grant_day() -> None:
    old = replace(officer().accreditations[0], ended_on=D(2027, 5, 1))
    new = replace(old, accreditation_id=2, number="SUR-002", granted_on=D(2027, 5, 1), expires_on=D(2030, 5, 1),
                  ended_on=None)
    facts = officer(accreditations=(old, new))
    before = compute_compliance(facts, D(2027, 4, 30), POLICY)
    after = compute_compliance(facts, D(2027, 5, 1), POLICY)
    assert before.binding.code == "SUR-001" or before.binding.kind is not Kind.ACCREDITATION
    assert power(after, "FPN_LITTER").usable


def test_module_completed_after_the_day_does_not_count() -> None:
    result = compute_compliance(with_module("PENALTY_NOTICES", completed_on=D(2026, 11, 23)), TODAY, POLICY)
    assert "has not been passed" in power(result, "FPN_LITTER").blocked_by[0].message
