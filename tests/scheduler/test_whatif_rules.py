"""scheduler.whatif: the proposed Policy made from a PUT body, and which officers a proposal can reach (only they
are judged twice, so a wrong answer here would hide a lapse)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scheduler.whatif import difference, plan_may_differ, plan_retimed, powers_may_differ, propose
from tests.scheduler.builders import POLICY, officer, with_clearance

LEVELS = [{"code": "NPPV2A", "has_annual_review": False, "renewal_months": 36},
          {"code": "NPPV3", "has_annual_review": True, "renewal_months": 60}]


def test_a_levels_own_acceptance_wins_over_the_list_as_saving_writes_it_last() -> None:
    proposal = propose(POLICY, {"required_vetting_levels": ["NPPV3"],
                                "vetting_levels": [{"code": "NPPV2A", "accepted_for_csas": True}]}, LEVELS)
    assert proposal.policy.accepted_vetting_levels == {"NPPV3", "NPPV2A"}


def test_lead_times_are_merged_and_an_annual_review_switched_on_is_a_fact_override() -> None:
    proposal = propose(POLICY, {"lead_times": {"vetting": 200},
                                "vetting_levels": [{"code": "NPPV2A", "has_annual_review": True},
                                                   {"code": "NPPV3", "has_annual_review": True}]}, LEVELS)
    assert (proposal.policy.lead_times.vetting, proposal.policy.lead_times.kit) == (200, 30)
    assert proposal.annual_review == {"NPPV2A": True}  # NPPV3 already has one
    assert proposal.notes == ()


@pytest.mark.parametrize(("changes", "powers", "plan"), [
    ({"warning_days": 30}, False, False),  # status only
    ({"lead_times": {"kit": 10}}, False, True),
    ({"overdue_after_days": 3}, False, True),
    ({"required_vetting_levels": ["NPPV2A", "NPPV3"]}, False, False),  # only NPPV3 (nobody here) changes
    ({"required_vetting_levels": ["NPPV3"]}, True, True),  # this officer's NPPV2A is no longer accepted
    ({"vetting_levels": [{"code": "NPPV2A", "has_annual_review": True}]}, True, True),
    ({"power_prerequisites": [{"power_code": "FPN_LITTER", "module_code": "PENALTY_NOTICES"},
                              {"power_code": "ALCOHOL_UNDER_18", "module_code": "SAFEGUARDING"},
                              {"power_code": "NA_ASB", "module_code": "FIRST_AID"}]}, False, False),  # not held
    ({"power_prerequisites": [{"power_code": "FPN_LITTER", "module_code": "PENALTY_NOTICES"}]}, True, False),
])
def test_only_officers_a_proposal_can_reach_are_judged_twice(changes: dict[str, object], powers: bool,
                                                            plan: bool) -> None:
    current = replace(POLICY, accepted_vetting_levels=frozenset({"NPPV2A"}))
    diff = difference(current, propose(current, changes, LEVELS))
    assert (powers_may_differ(officer(), diff), plan_may_differ(officer(), diff)) == (powers, plan)


def test_an_application_at_a_changed_level_may_change_the_plan() -> None:
    from vetting.facts import ApplicationFact

    current = replace(POLICY, accepted_vetting_levels=frozenset({"NPPV2A"}))
    diff = difference(current, propose(current, {"required_vetting_levels": ["NPPV2A", "NPPV3"]}, LEVELS))
    renewing = with_clearance(later_applications=(ApplicationFact(11, "NPPV3", officer().clearances[0].granted_on),))
    assert plan_may_differ(renewing, diff) and not powers_may_differ(renewing, diff)


@pytest.mark.parametrize(("changes", "retimed"), [
    ({"lead_times": {"kit": 10}}, True),
    ({"overdue_after_days": 3, "lead_times": {"vetting": 200}, "warning_days": 30}, True),
    ({"lead_times": {"kit": 10}, "required_vetting_levels": ["NPPV2A", "NPPV3"]}, True),  # NPPV3: nobody here
    ({"lead_times": {"kit": 10}, "required_vetting_levels": ["NPPV3"]}, False),  # this officer's vetting step goes
    ({"overdue_after_days": 3, "vetting_levels": [{"code": "NPPV2A", "has_annual_review": True}]}, False),
    ({"warning_days": 30}, False),  # the plan stays as it is: nothing to re-time
])
def test_a_plan_is_re_timed_only_when_lead_times_or_the_grace_alone_reach_it(changes: dict[str, object],
                                                                           retimed: bool) -> None:
    current = replace(POLICY, accepted_vetting_levels=frozenset({"NPPV2A"}))
    assert plan_retimed(officer(), difference(current, propose(current, changes, LEVELS))) is retimed
