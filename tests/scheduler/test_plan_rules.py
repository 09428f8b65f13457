import datetime as dt
from dataclasses import replace
from typing import cast

import pytest

from register.facts import KitFact
from scheduler.kinds import Kind, PlanStep, StepStatus, compute_step_status
from scheduler.rules import compute_plan, replan
from tests.scheduler.builders import POLICY, D, officer, with_clearance, with_module
from training.facts import BookingFact
from vetting.facts import ApplicationFact

E = D(2027, 6, 1)
START = E - dt.timedelta(days=60)  # 2027-04-02


@pytest.mark.parametrize(
    ("day", "done", "status"),
    [
        (START - dt.timedelta(days=1), False, StepStatus.UPCOMING),
        (START, False, StepStatus.OPEN),
        (START + dt.timedelta(days=14), False, StepStatus.OPEN),  # 14 days past: not yet overdue
        (START + dt.timedelta(days=15), False, StepStatus.OVERDUE),  # more than 14 days past
        (E - dt.timedelta(days=1), False, StepStatus.OVERDUE),
        (E, False, StepStatus.MISSED),  # the item expired without renewal
        (E, True, StepStatus.DONE),
        (START - dt.timedelta(days=30), True, StepStatus.DONE),
    ],
)
def test_step_status_around_its_days(day: dt.date, done: bool, status: StepStatus) -> None:
    assert compute_step_status(E, START, done, day, POLICY) is status


def test_plan_works_back_from_every_expiry_with_lead_times_earliest_first() -> None:
    steps = compute_plan(officer(), D(2026, 11, 22), POLICY)
    by_code = {(s.kind, s.code): s for s in steps}
    assert by_code[(Kind.VETTING, "NPPV2A")].start_by == D(2028, 3, 1) - dt.timedelta(days=180)
    assert by_code[(Kind.TRAINING, "CSAS_CORE")].start_by == D(2027, 9, 1) - dt.timedelta(days=120)
    assert by_code[(Kind.TRAINING, "CSAS_CORE")].title == "Book CSAS refresher course"
    assert by_code[(Kind.ACCREDITATION, "SUR-001")].start_by == D(2027, 4, 2)
    assert by_code[(Kind.TRAINING, "SAFEGUARDING")].start_by == D(2027, 8, 1) - dt.timedelta(days=60)
    assert by_code[(Kind.EMPLOYER, "ARRANGEMENT_REVIEW")].start_by == D(2029, 1, 1) - dt.timedelta(days=90)
    assert [s.start_by for s in steps] == sorted(s.start_by for s in steps)
    assert (Kind.KIT, "ID_CARD") not in by_code  # renewed with the accreditation


def test_renewal_in_hand_marks_steps_done() -> None:
    facts = with_module("CSAS_CORE", bookings=(BookingFact(D(2027, 8, 20), recorded_on=D(2026, 10, 1)),))
    facts = replace(facts, clearances=(replace(
        facts.clearances[0], later_applications=(ApplicationFact(11, "NPPV2A", D(2026, 10, 1)),)),))
    steps = {(s.kind, s.code): s for s in compute_plan(facts, D(2027, 8, 1), POLICY)}
    assert steps[(Kind.TRAINING, "CSAS_CORE")].status is StepStatus.DONE
    assert steps[(Kind.VETTING, "NPPV2A")].status is StepStatus.DONE


def test_a_renewed_accreditation_step_is_done_and_the_new_one_is_planned() -> None:
    old = replace(officer().accreditations[0], ended_on=D(2027, 5, 1))
    new = replace(old, accreditation_id=2, number="SUR-002", granted_on=D(2027, 5, 1), expires_on=D(2030, 5, 1),
                  ended_on=None, recorded_on=D(2027, 4, 10))
    before = {s.code: s for s in compute_plan(officer(accreditations=(old, new)), D(2027, 4, 20), POLICY)}
    after = {s.code: s for s in compute_plan(officer(accreditations=(old, new)), D(2027, 5, 1), POLICY)}
    assert before["SUR-001"].status is StepStatus.DONE and "SUR-002" not in before
    assert "SUR-001" not in after and after["SUR-002"].status is StepStatus.UPCOMING


def test_missed_step_stays_on_the_plan() -> None:
    steps = {s.code: s for s in compute_plan(with_clearance(expires_on=D(2026, 11, 1)), D(2026, 11, 22), POLICY)}
    assert steps["NPPV2A"].status is StepStatus.MISSED


def test_kit_with_service_life_and_inspection_gets_steps_returned_kit_does_not() -> None:
    vest = KitFact(5, "STAB_VEST", D(2020, 1, 1), expires_on=D(2027, 1, 10), next_inspection_due_on=D(2027, 2, 1))
    radio = KitFact(6, "RADIO", D(2024, 1, 1), returned_on=D(2025, 1, 1), next_inspection_due_on=D(2025, 6, 1))
    facts = officer(kit=(*officer().kit, vest, radio))
    steps = [s for s in compute_plan(facts, D(2026, 11, 22), POLICY) if s.kind is Kind.KIT]
    assert [(s.code, s.title, s.start_by) for s in steps] == [
        ("STAB_VEST", "Replace kit", D(2026, 12, 11)),
        ("STAB_VEST", "Inspect kit", D(2027, 1, 2)),
    ]


def test_leavers_have_no_plan() -> None:
    assert compute_plan(officer(left_on=D(2026, 11, 1)), D(2026, 11, 22), POLICY) == []


def test_unaccepted_vetting_level_gets_no_renewal_step() -> None:
    steps = compute_plan(with_clearance(level_code="NPPV1"), D(2026, 11, 22), POLICY)
    assert all(s.kind is not Kind.VETTING for s in steps)


@pytest.mark.parametrize("day", [D(2026, 11, 22), D(2027, 3, 1), D(2027, 5, 20), D(2027, 8, 15)])
@pytest.mark.parametrize("changes", [
    {"lead_times": replace(POLICY.lead_times, vetting=500, csas_course=300, module=200)},
    {"lead_times": replace(POLICY.lead_times, accreditation=100, kit=120, employer=1000)},
    {"overdue_after_days": 0},
    {"overdue_after_days": 90, "lead_times": replace(POLICY.lead_times, module=1)},
])
def test_a_plan_re_timed_is_the_plan_made_under_the_other_lead_times(day: dt.date, changes: dict[str, object]) -> None:
    """replan stands in for compute_plan in the policy preview: it must give exactly what planning again gives,
    for every kind (a booked module and a renewal application make done steps, which stay done)."""
    booked = with_module("CSAS_CORE", bookings=(BookingFact(D(2027, 7, 1), D(2027, 3, 1)),))
    renewing = replace(booked, clearances=(replace(booked.clearances[0], later_applications=(
        ApplicationFact(11, "NPPV2A", D(2027, 1, 5)),)),),
        kit=(*booked.kit, KitFact(101, "BODY_CAMERA", D(2025, 6, 2), expires_on=D(2027, 7, 1),
                                  next_inspection_due_on=D(2027, 4, 1))))
    other = replace(POLICY, **changes)  # type: ignore[arg-type]
    plan = compute_plan(renewing, day, POLICY)
    assert replan(plan, day, other) == compute_plan(renewing, day, other)
    if "lead_times" in changes:
        assert replan(plan, day, other) != plan


def test_a_step_of_a_kind_that_does_not_say_its_lead_time_is_planned_again_not_re_timed() -> None:
    plan = compute_plan(officer(), D(2026, 11, 22), POLICY)
    unknown = PlanStep(cast(Kind, "first_aid"), "FIRST_AID", "Book first-aid training", D(2027, 1, 1),
                       D(2026, 12, 1), StepStatus.UPCOMING)
    assert replan([*plan, unknown], D(2026, 11, 22), POLICY) is None
    assert replan(plan, D(2026, 11, 22), POLICY) == plan
