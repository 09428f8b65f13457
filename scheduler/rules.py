"""Compliance and re-accreditation planning (domain.md §8). Pure: facts and the day in, decisions out.

compute_compliance answers "may this officer use each designated power on `day`, and until when";
compute_plan works renewal steps backwards from every expiring item with the policy's lead times. Both ask each
kind of dependency (scheduler.dependencies.KINDS) and name none themselves, except accreditations, which say
which powers there are to judge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from core.dates import last_valid_day
from register.facts import DesignatedPowerFact, is_accreditation_in_force
from scheduler import dependencies
from scheduler.dependencies import designated_powers, last_start_on, start_days
from scheduler.facts import OfficerFacts
from scheduler.kinds import Blocker, Dependency, PlanStep, PowerJudge, StepStatus, plan_step
from scheduler.policy import Policy


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


@dataclass(frozen=True)
class PowerCompliance:
    code: str
    usable: bool
    usable_until: dt.date | None
    binding: Dependency | None
    blocked_by: tuple[Blocker, ...]
    resumes_on: dt.date | None = None  # after a gap: the day a renewal on record makes it usable again
    ending: tuple[Dependency, ...] = ()  # every dependency that ends on the binding's day, the binding first


@dataclass(frozen=True)
class Compliance:
    officer_id: int
    as_of: dt.date
    status: Rag
    powers_usable_until: dt.date | None
    binding: Dependency | None
    powers: tuple[PowerCompliance, ...]


# --- compliance ---------------------------------------------------------------------------------------

def judge_power(power: DesignatedPowerFact, judges: list[PowerJudge], rank: dict[str, int]) -> PowerCompliance:
    """One power on one day, from every kind's judgement of it (scheduler.dependencies.KINDS, in order)."""
    deps: list[Dependency] = []
    blockers: list[Blocker] = []
    for judge in judges:
        for dep, blocker in judge(power):
            if dep is not None:
                deps.append(dep)
            if blocker is not None:
                blockers.append(blocker)
    if blockers:
        return PowerCompliance(power.code, False, None, None, tuple(blockers))
    if not deps:
        return PowerCompliance(power.code, True, None, None, ())
    binding = min(deps, key=lambda d: (d.expires_on, rank[d.kind]))
    same_day = [d for d in deps if d.expires_on == binding.expires_on]
    ending = (binding,) if len(same_day) == 1 else (binding, *(d for d in same_day if d is not binding))
    return PowerCompliance(power.code, True, last_valid_day(binding.expires_on), binding, (), ending=ending)


def _judge_day(facts: OfficerFacts, day: dt.date, policy: Policy) -> tuple[PowerCompliance, ...]:
    """Each power designated on `day`, judged on that day alone."""
    designated = designated_powers(facts, day)
    if not designated:
        return ()
    judges = [kind.judge(facts, day, policy, designated) for kind in dependencies.KINDS]
    rank = dependencies.precedence()
    return tuple(judge_power(designated[code][1], judges, rank) for code in sorted(designated))


MAX_HANDOVERS = 50  # a run of usable days is followed across at most this many renewals


def _judged_on(facts: OfficerFacts, day: dt.date, code: str, policy: Policy,
               judged: dict[dt.date, dict[str, PowerCompliance]]) -> PowerCompliance | None:
    if day not in judged:
        judged[day] = {p.code: p for p in _judge_day(facts, day, policy)}
    return judged[day].get(code)


def _start_days(facts: OfficerFacts, after: dt.date) -> list[dt.date]:
    """The days after `after` on which something on record takes effect (each kind's start days): the only days
    a power can become usable again after a gap."""
    return sorted({d for d in start_days(facts) if d > after})


def _follow_run(facts: OfficerFacts, power: PowerCompliance, policy: Policy,
                judged: dict[dt.date, dict[str, PowerCompliance]]) -> PowerCompliance:
    """The power with usable_until moved to the last day of its unbroken run of usable days (domain.md §8a): on
    the day its binding item ends, a renewal that has taken effect may carry it on, up to the next break, whose
    item is then the binding one. When a renewal on record starts only after the break, the gap is real: the
    day it ends is resumes_on."""
    current = power
    for _ in range(MAX_HANDOVERS):
        if current.usable_until is None:
            break
        following = _judged_on(facts, current.usable_until + dt.timedelta(days=1), power.code, policy, judged)
        if following is None or not following.usable:
            break
        current = following
    resumes_on = None
    if current.usable_until is not None:
        for start in _start_days(facts, current.usable_until + dt.timedelta(days=1))[:MAX_HANDOVERS]:
            later = _judged_on(facts, start, power.code, policy, judged)
            if later is not None and later.usable:
                resumes_on = start
                break
    return PowerCompliance(power.code, True, current.usable_until, current.binding, (), resumes_on, current.ending)


def compute_compliance(facts: OfficerFacts, day: dt.date, policy: Policy) -> Compliance:
    powers = _judge_day(facts, day, policy)
    # Without anything taking effect after `day`, nothing can carry a power past its binding item's end (each
    # judgement already picks the longest-lasting holding): the run is the one judged today.
    if last_start_on(facts) > day:
        judged: dict[dt.date, dict[str, PowerCompliance]] = {}
        powers = tuple(_follow_run(facts, p, policy, judged) if p.usable else p for p in powers)
    usable = [p for p in powers if p.usable]
    any_in_force = any(is_accreditation_in_force(a, day) for a in facts.accreditations)
    bindings = [p.binding for p in usable if p.binding is not None]
    binding = min(bindings, key=lambda d: d.expires_on) if bindings else None
    until = last_valid_day(binding.expires_on) if binding else None
    if not any_in_force or not powers or len(usable) < len(powers):
        status = Rag.RED
    elif binding is not None and (binding.expires_on - day).days <= policy.warning_days:
        status = Rag.AMBER
    else:
        status = Rag.GREEN
    return Compliance(facts.officer_id, day, status, until if usable else None, binding if usable else None, powers)


# --- planning backwards -------------------------------------------------------------------------------

def compute_plan(facts: OfficerFacts, day: dt.date, policy: Policy) -> list[PlanStep]:
    """Every kind's renewal steps (scheduler.dependencies.KINDS), earliest start first, each done once its renewal
    counts (scheduler.renewals). Leavers have no plan."""
    if facts.left_on is not None and facts.left_on <= day:
        return []
    steps = [step for kind in dependencies.KINDS for step in kind.plan(facts, day, policy)]
    return sorted(steps, key=_plan_order)


def _plan_order(step: PlanStep) -> tuple[dt.date, dt.date, str, str]:
    return step.start_by, step.expires_on, step.kind, step.code


def replan(plan: list[PlanStep], day: dt.date, policy: Policy) -> list[PlanStep] | None:
    """compute_plan's answer under `policy` from the plan it gave on the same day under a policy that differs from
    `policy` in lead times and the overdue grace only (nothing else decides which steps there are, or which are
    done): each step made again by kinds.plan_step, as the kind's plan makes it, from its item and whether it is
    done, with the kind's lead time (DependencyKind.lead_days). None when a step's kind does not say its lead time:
    then plan again."""
    leads = {kind.kind: kind.lead_days for kind in dependencies.KINDS}
    steps = []
    for step in plan:
        lead = leads.get(step.kind)
        if lead is None:
            return None
        steps.append(plan_step(step.kind, step.code, step.title, step.expires_on, lead(step.code, policy),
                               step.status is StepStatus.DONE, day, policy))
    return sorted(steps, key=_plan_order)
