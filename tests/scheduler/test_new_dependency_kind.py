"""Adding a kind of dependency is its facts, one rule and one lead time (issue 18): a fake first-aid certificate,
which the power to deal with alcohol and under-18s needs, is added here the way the README's "How to add a kind of
dependency" says, and nothing else in the scheduler is touched. Compliance, the plan, following a renewal across
the handover, the sweep's days and the reminders' words all pick it up from its DependencyKind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import cast

import pytest

from register.facts import DesignatedPowerFact
from scheduler import dependencies
from scheduler.dependencies import end_days
from scheduler.facts import OfficerFacts
from scheduler.kinds import Blocker, Dependency, DependencyKind, Designated, Kind, PlanStep, PowerJudge, plan_step
from scheduler.policy import LeadTimes, Names, Policy
from scheduler.reminders import find_lapses, lapse_reminders
from scheduler.rules import compute_compliance, compute_plan
from tests.scheduler.builders import ACCREDITATION_EXPIRES, POLICY, D, officer

ONE = dt.timedelta(days=1)
FIRST_AID = cast(Kind, "first_aid")  # a real kind would be a member of Kind
NEEDS_FIRST_AID = frozenset({"ALCOHOL_UNDER_18"})


# --- its facts: the certificate, a field of the officer's facts ----------------------------------------

@dataclass(frozen=True)
class FirstAidFact:
    passed_on: dt.date
    expires_on: dt.date


@dataclass(frozen=True)
class WithFirstAid(OfficerFacts):
    first_aid: tuple[FirstAidFact, ...] = ()


# --- its lead time -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LeadTimesWithFirstAid(LeadTimes):
    first_aid: int = field(default=45, metadata={"label": "First-aid certificate"})


# --- its rule ------------------------------------------------------------------------------------------

def _certificates(facts: OfficerFacts) -> tuple[FirstAidFact, ...]:
    assert isinstance(facts, WithFirstAid)
    return facts.first_aid


def _judge(facts: OfficerFacts, day: dt.date, policy: Policy, designated: Designated) -> PowerJudge:
    held = [c for c in _certificates(facts) if c.passed_on <= day < c.expires_on]
    judgement = ((Dependency(FIRST_AID, "FIRST_AID", max(c.expires_on for c in held)), None) if held
                 else (None, Blocker(FIRST_AID, "FIRST_AID", "No first-aid certificate is held.")))

    def judge(power: DesignatedPowerFact) -> tuple[tuple[Dependency | None, Blocker | None], ...]:
        return (judgement,) if power.code in NEEDS_FIRST_AID else ()
    return judge


def _plan(facts: OfficerFacts, day: dt.date, policy: Policy) -> Iterator[PlanStep]:
    known = [c for c in _certificates(facts) if c.passed_on <= day]
    if known:
        latest = max(known, key=lambda c: c.expires_on)
        renewed = any(c.passed_on > latest.passed_on for c in _certificates(facts))
        assert isinstance(policy.lead_times, LeadTimesWithFirstAid)
        yield plan_step(FIRST_AID, "FIRST_AID", "Book first-aid training", latest.expires_on,
                        policy.lead_times.first_aid, renewed, day, policy)


FIRST_AID_KIND = DependencyKind(
    FIRST_AID, 6,
    starts=lambda facts: [c.passed_on for c in _certificates(facts)],
    ends=lambda facts: [c.expires_on for c in _certificates(facts)],
    judge=_judge, plan=_plan,
    words=lambda code, facts, names: "first-aid certificate",
    renew_action=lambda words: "book first-aid training", label="First aid")

# --- and nothing else ----------------------------------------------------------------------------------

CERTIFICATE_EXPIRES = D(2027, 4, 1)  # before everything else the officer holds
POLICY_WITH_FIRST_AID = replace(POLICY, lead_times=LeadTimesWithFirstAid())


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dependencies, "KINDS", (*dependencies.KINDS, FIRST_AID_KIND))


def first_aider(*certificates: FirstAidFact) -> WithFirstAid:
    base = officer()
    return WithFirstAid(**{f: getattr(base, f) for f in base.__dataclass_fields__}, first_aid=certificates)


def test_the_power_that_needs_it_is_bound_by_it_and_the_others_are_not() -> None:
    facts = first_aider(FirstAidFact(D(2024, 4, 1), CERTIFICATE_EXPIRES))
    alcohol = compute_compliance(facts, D(2026, 12, 2), POLICY_WITH_FIRST_AID)
    by_code = {p.code: p for p in alcohol.powers}
    assert by_code["ALCOHOL_UNDER_18"].usable_until == CERTIFICATE_EXPIRES - ONE
    assert by_code["ALCOHOL_UNDER_18"].binding == Dependency(FIRST_AID, "FIRST_AID", CERTIFICATE_EXPIRES)
    assert by_code["FPN_LITTER"].usable_until == ACCREDITATION_EXPIRES - ONE
    assert alcohol.powers_usable_until == CERTIFICATE_EXPIRES - ONE


def test_without_a_certificate_the_power_is_blocked() -> None:
    by_code = {p.code: p for p in compute_compliance(first_aider(), D(2026, 12, 2), POLICY_WITH_FIRST_AID).powers}
    assert not by_code["ALCOHOL_UNDER_18"].usable
    assert [b.kind for b in by_code["ALCOHOL_UNDER_18"].blocked_by] == [FIRST_AID]
    assert by_code["FPN_LITTER"].usable


def test_its_lead_time_plans_the_renewal_and_a_new_certificate_replaces_the_step() -> None:
    day = D(2027, 2, 20)
    step = next(s for s in compute_plan(first_aider(FirstAidFact(D(2024, 4, 1), CERTIFICATE_EXPIRES)), day,
                                        POLICY_WITH_FIRST_AID) if s.kind == FIRST_AID)
    assert step.start_by == CERTIFICATE_EXPIRES - dt.timedelta(days=45)
    assert step.status == "open"
    renewed = first_aider(FirstAidFact(D(2024, 4, 1), CERTIFICATE_EXPIRES),
                          FirstAidFact(D(2027, 3, 20), D(2030, 3, 20)))
    [step] = [s for s in compute_plan(renewed, D(2027, 3, 25), POLICY_WITH_FIRST_AID) if s.kind == FIRST_AID]
    assert (step.expires_on, step.status) == (D(2030, 3, 20), "upcoming")


@pytest.mark.parametrize(("renewed_on", "until", "resumes_on"), [
    (CERTIFICATE_EXPIRES - ONE, ACCREDITATION_EXPIRES - ONE, None),  # renewed the day before: carried on
    (CERTIFICATE_EXPIRES, ACCREDITATION_EXPIRES - ONE, None),  # renewed on the day it ends: no gap
    (CERTIFICATE_EXPIRES + ONE, CERTIFICATE_EXPIRES - ONE, CERTIFICATE_EXPIRES + ONE),  # a day's gap
])
def test_usable_until_follows_a_renewal_on_record(renewed_on: dt.date, until: dt.date,
                                                  resumes_on: dt.date | None) -> None:
    facts = first_aider(FirstAidFact(D(2024, 4, 1), CERTIFICATE_EXPIRES), FirstAidFact(renewed_on, D(2030, 1, 1)))
    alcohol = {p.code: p for p in compute_compliance(facts, D(2026, 12, 2), POLICY_WITH_FIRST_AID).powers}
    assert alcohol["ALCOHOL_UNDER_18"].usable_until == until
    assert alcohol["ALCOHOL_UNDER_18"].resumes_on == resumes_on


def test_the_sweep_finds_its_lapse_and_the_notice_names_it() -> None:
    facts = first_aider(FirstAidFact(D(2024, 4, 1), CERTIFICATE_EXPIRES))
    assert CERTIFICATE_EXPIRES in set(end_days(facts))
    [lapse] = find_lapses(facts, CERTIFICATE_EXPIRES - dt.timedelta(days=10), CERTIFICATE_EXPIRES,
                          POLICY_WITH_FIRST_AID)
    assert (lapse.lapsed_on, lapse.power_codes, lapse.binding_kind) == (
        CERTIFICATE_EXPIRES, ("ALCOHOL_UNDER_18",), FIRST_AID)
    line = lapse_reminders(facts, lapse, Names(), CERTIFICATE_EXPIRES)[0].line
    assert "because first-aid certificate ended on 1 April 2027" in line
    assert "book first-aid training" in line
