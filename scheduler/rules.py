"""Compliance and re-accreditation planning (domain.md §8). Pure: facts and the day in, decisions out.

compute_compliance answers "may this officer use each designated power on `day`, and until when";
compute_plan works renewal steps backwards from every expiring item with the policy's lead times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from core.dates import last_valid_day, long_date
from register.accreditations.rules import is_suspended_on
from register.facts import (
    AccreditationFact,
    DesignatedPowerFact,
    KitFact,
    is_accreditation_in_force,
    is_arrangement_in_force,
    is_power_in_force,
)
from scheduler.facts import OfficerFacts, end_days, start_days
from scheduler.policy import Policy
from scheduler.renewals import accreditation_renewal, clearance_renewal, is_known, kit_replacement, module_renewal
from training.facts import ModuleFact
from vetting.facts import ClearanceFact


class Kind(StrEnum):
    ACCREDITATION = "accreditation"
    VETTING = "vetting"
    TRAINING = "training"
    KIT = "kit"
    EMPLOYER = "employer"
    OFFICER = "officer"


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


class StepStatus(StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    OVERDUE = "overdue"
    DONE = "done"
    MISSED = "missed"


@dataclass(frozen=True)
class Dependency:
    """Something a power depends on that stops holding on `expires_on` (the binding item when earliest)."""

    kind: Kind
    code: str
    expires_on: dt.date
    suspended: bool = False  # an accreditation whose holding ends by a suspension entered ahead, not by expiry


@dataclass(frozen=True)
class Blocker:
    kind: Kind
    code: str
    message: str


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


@dataclass(frozen=True)
class PlanStep:
    kind: Kind
    code: str
    title: str
    expires_on: dt.date
    start_by: dt.date
    status: StepStatus


# --- what holds on a day ------------------------------------------------------------------------------

def _before(day: dt.date, end: dt.date | None) -> bool:
    return end is None or day < end


def clearance_effective_expiry(clearance: ClearanceFact) -> dt.date:
    """A clearance stops counting at its expiry, its revocation, or an overdue annual review, whichever first."""
    ends = [clearance.expires_on, clearance.next_review_due_on, clearance.ended_on]
    return min(d for d in ends if d is not None)


def is_clearance_valid(clearance: ClearanceFact, day: dt.date, policy: Policy) -> bool:
    return (
        clearance.level_code in policy.accepted_vetting_levels
        and clearance.granted_on <= day < clearance_effective_expiry(clearance)
    )


def is_module_in_date(module: ModuleFact | None, day: dt.date) -> bool:
    return module is not None and module.completed_on <= day and _before(day, module.expires_on)


def is_id_card_held(card: KitFact, day: dt.date) -> bool:
    """Issued and not returned or lost (domain.md §8 rule 6). The date printed on the card is the accreditation's
    expiry, which binds the powers itself: a card left over from an accreditation that was renewed without a gap
    does not end them (its replacement is a plan step of its own)."""
    return card.issued_on <= day and _before(day, card.returned_on) and card.condition != "lost"


# --- which powers are designated ----------------------------------------------------------------------

def designated_powers(facts: OfficerFacts, day: dt.date) -> dict[str, tuple[AccreditationFact, DesignatedPowerFact]]:
    """Powers listed on accreditations in force on `day`; with none in force, those of the latest accreditation
    granted by then (so a lapse shows what was lost). The longest-lasting accreditation wins a duplicate."""
    current = [a for a in facts.accreditations if is_accreditation_in_force(a, day)]
    if not current:
        granted = [a for a in facts.accreditations if a.granted_on <= day]
        current = sorted(granted, key=lambda a: (a.granted_on, a.accreditation_id))[-1:]
    out: dict[str, tuple[AccreditationFact, DesignatedPowerFact]] = {}
    for accreditation in sorted(current, key=lambda a: a.expires_on):
        for power in accreditation.powers:
            if is_power_in_force(power.granted_on, power.withdrawn_on, day):
                out[power.code] = (accreditation, power)
    return out


def required_modules(power: DesignatedPowerFact, policy: Policy) -> tuple[str, ...]:
    needed = [policy.core_module]
    if power.is_traffic:
        needed.append(policy.traffic_module)
    needed += [m for m in policy.prerequisites.get(power.code, ()) if m not in needed]
    return tuple(needed)


# --- compliance ---------------------------------------------------------------------------------------

def _officer_and_employer(facts: OfficerFacts, day: dt.date) -> tuple[list[Dependency], list[Blocker]]:
    deps: list[Dependency] = []
    blockers: list[Blocker] = []
    if facts.left_on is not None and facts.left_on <= day:
        blockers.append(Blocker(Kind.OFFICER, "LEFT", f"Left the employer on {long_date(facts.left_on)}."))
    elif facts.left_on is not None:
        deps.append(Dependency(Kind.OFFICER, "LEFT", facts.left_on))
    if not is_arrangement_in_force(facts.employer.approved_on, facts.employer.ended_on, day):
        blockers.append(Blocker(Kind.EMPLOYER, "ARRANGEMENT",
                                f"{facts.employer.name} has no scheme arrangement in force."))
    elif facts.employer.ended_on is not None:
        deps.append(Dependency(Kind.EMPLOYER, "ARRANGEMENT", facts.employer.ended_on))
    return deps, blockers


def _holdings(facts: OfficerFacts, day: dt.date) -> dict[str, Dependency]:
    """Per power code held on `day`: the accreditation holding it that lasts longest (the first listed on a tie),
    as the dependency that ends its holding (expiry, end, the power's withdrawal or a coming suspension, whichever
    first)."""
    out: dict[str, Dependency] = {}
    for accreditation in facts.accreditations:
        if not is_accreditation_in_force(accreditation, day):
            continue
        for power in accreditation.powers:
            if not is_power_in_force(power.granted_on, power.withdrawn_on, day):
                continue
            # A suspension entered ahead of its day ends the holding too (the reinstatement is a start day).
            suspended_on = min((start for start, _ in accreditation.suspensions if start > day), default=None)
            closes = min(d for d in (accreditation.expires_on, accreditation.ended_on, power.withdrawn_on)
                         if d is not None)
            # Named a suspension only when nothing else ends the holding that day (an expiry still needs renewing).
            suspended = suspended_on is not None and suspended_on < closes
            ends = suspended_on if suspended and suspended_on is not None else closes
            held = out.get(power.code)
            if held is None or ends > held.expires_on:
                out[power.code] = Dependency(Kind.ACCREDITATION, accreditation.number, ends, suspended)
    return out


def _why_no_accreditation(facts: OfficerFacts, code: str, day: dt.date) -> str:
    granted = sorted((a for a in facts.accreditations if a.granted_on <= day), key=lambda a: a.granted_on)
    if not granted:
        return "No accreditation has been granted."
    latest = granted[-1]
    if latest.ended_on is not None and latest.ended_on <= day:
        return f"Accreditation {latest.number} ended on {long_date(latest.ended_on)}."
    if latest.expires_on <= day:
        return f"Accreditation {latest.number} expired on {long_date(latest.expires_on)}."
    if is_suspended_on(latest.suspensions, day):
        return f"Accreditation {latest.number} is suspended."
    return f"Power {code} is not designated on accreditation {latest.number}."


def _vetting_dependency(
    facts: OfficerFacts, day: dt.date, policy: Policy
) -> tuple[Dependency | None, Blocker | None]:
    valid = [c for c in facts.clearances if is_clearance_valid(c, day, policy)]
    if valid:
        best = max(valid, key=clearance_effective_expiry)
        return Dependency(Kind.VETTING, best.level_code, clearance_effective_expiry(best)), None
    granted = sorted((c for c in facts.clearances if c.granted_on <= day), key=clearance_effective_expiry)
    if not granted:
        return None, Blocker(Kind.VETTING, "NONE", "No vetting clearance has been granted.")
    latest = granted[-1]
    if latest.level_code not in policy.accepted_vetting_levels:
        return None, Blocker(Kind.VETTING, latest.level_code,
                             f"{latest.level_code} is not a vetting level accepted for CSAS.")
    if latest.ended_on is not None and latest.ended_on <= day:
        return None, Blocker(Kind.VETTING, latest.level_code,
                             f"{latest.level_code} clearance ended on {long_date(latest.ended_on)}.")
    if latest.next_review_due_on is not None and latest.next_review_due_on <= day < latest.expires_on:
        return None, Blocker(Kind.VETTING, latest.level_code,
                             f"{latest.level_code} annual review was due on {long_date(latest.next_review_due_on)}.")
    return None, Blocker(Kind.VETTING, latest.level_code,
                         f"{latest.level_code} clearance expired on {long_date(latest.expires_on)}.")


def _module_judgement(facts: OfficerFacts, module_code: str, day: dt.date) -> tuple[Dependency | None, Blocker | None]:
    latest = facts.modules.get(module_code)
    module = latest if latest is None or latest.completed_on <= day else latest.counting_on(day)
    if is_module_in_date(module, day):
        assert module is not None
        return (Dependency(Kind.TRAINING, module_code, module.expires_on) if module.expires_on else None), None
    if module is None or module.completed_on > day:
        return None, Blocker(Kind.TRAINING, module_code, f"{module_code} has not been passed.")
    expired = long_date(module.expires_on) if module.expires_on else "?"
    return None, Blocker(Kind.TRAINING, module_code, f"{module_code} expired on {expired}.")


def _id_card_dependency(
    facts: OfficerFacts, day: dt.date, policy: Policy
) -> tuple[Dependency | None, Blocker | None]:
    if any(k.kit_type_code == policy.id_card_kit_type and is_id_card_held(k, day) for k in facts.kit):
        return None, None
    return None, Blocker(Kind.KIT, policy.id_card_kit_type, "No ID and powers card is held.")


KIND_ORDER = {kind: index for index, kind in enumerate(Kind)}  # ties between bindings on one day: this order


@dataclass(frozen=True)
class _OfficerJudgement:
    """What compute_compliance judges once per officer and `day`, shared by every power it judges."""

    common: tuple[list[Dependency], list[Blocker]]  # the officer's and the employer's
    shared: tuple[tuple[Dependency | None, Blocker | None], ...]  # vetting and the ID card
    holdings: dict[str, Dependency]  # power code -> the accreditation holding it (_holdings)
    modules: dict[str, tuple[Dependency | None, Blocker | None]]  # every module a designated power requires


def judge_power(facts: OfficerFacts, power: DesignatedPowerFact, day: dt.date, policy: Policy,
                judged: _OfficerJudgement) -> PowerCompliance:
    deps, blockers = list(judged.common[0]), list(judged.common[1])
    held = judged.holdings.get(power.code)
    accreditation = (held, None) if held else (
        None, Blocker(Kind.ACCREDITATION, power.code, _why_no_accreditation(facts, power.code, day)))
    training = (judged.modules[code] for code in required_modules(power, policy))
    for dep, blocker in (accreditation, *judged.shared, *training):
        if dep is not None:
            deps.append(dep)
        if blocker is not None:
            blockers.append(blocker)
    if blockers:
        return PowerCompliance(power.code, False, None, None, tuple(blockers))
    if not deps:
        return PowerCompliance(power.code, True, None, None, ())
    binding = min(deps, key=lambda d: (d.expires_on, KIND_ORDER[d.kind]))
    same_day = [d for d in deps if d.expires_on == binding.expires_on]
    ending = (binding,) if len(same_day) == 1 else (binding, *(d for d in same_day if d is not binding))
    return PowerCompliance(power.code, True, last_valid_day(binding.expires_on), binding, (), ending=ending)


def _judge_day(facts: OfficerFacts, day: dt.date, policy: Policy) -> tuple[PowerCompliance, ...]:
    """Each power designated on `day`, judged on that day alone."""
    designated = designated_powers(facts, day)
    required = {code for _, power in designated.values() for code in required_modules(power, policy)}
    judged = _OfficerJudgement(
        common=_officer_and_employer(facts, day),
        shared=(_vetting_dependency(facts, day, policy), _id_card_dependency(facts, day, policy)) if designated else (),
        holdings=_holdings(facts, day) if designated else {},
        modules={code: _module_judgement(facts, code, day) for code in required},
    )
    return tuple(judge_power(facts, designated[code][1], day, policy, judged) for code in sorted(designated))


MAX_HANDOVERS = 50  # a run of usable days is followed across at most this many renewals


def _judged_on(facts: OfficerFacts, day: dt.date, code: str, policy: Policy,
               judged: dict[dt.date, dict[str, PowerCompliance]]) -> PowerCompliance | None:
    if day not in judged:
        judged[day] = {p.code: p for p in _judge_day(facts, day, policy)}
    return judged[day].get(code)


def _start_days(facts: OfficerFacts, after: dt.date) -> list[dt.date]:
    """The days after `after` on which something on record takes effect (scheduler.facts.DEPENDENCY_DAYS): the
    only days a power can become usable again after a gap."""
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
    if facts.last_start_on > day:
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

def compute_step_status(
    expires_on: dt.date, start_by: dt.date, done: bool, day: dt.date, policy: Policy
) -> StepStatus:
    if done:
        return StepStatus.DONE
    if day >= expires_on:
        return StepStatus.MISSED
    if (day - start_by).days > policy.overdue_after_days:
        return StepStatus.OVERDUE
    if day >= start_by:
        return StepStatus.OPEN
    return StepStatus.UPCOMING


def _step(kind: Kind, code: str, title: str, expires_on: dt.date, lead_days: int, done: bool,
          day: dt.date, policy: Policy) -> PlanStep:
    start_by = expires_on - dt.timedelta(days=lead_days)
    return PlanStep(kind, code, title, expires_on, start_by,
                    compute_step_status(expires_on, start_by, done, day, policy))


def _current_accreditations(
    facts: OfficerFacts, day: dt.date
) -> Iterable[tuple[AccreditationFact, AccreditationFact | None]]:
    """The latest accreditation from each force granted and known by `day`, unless it has ended without a
    renewal; with the renewal that counts for it by `day`, if any."""
    by_force: dict[int, list[AccreditationFact]] = {}
    for accreditation in facts.accreditations:
        if accreditation.granted_on <= day and is_known(accreditation, day):
            by_force.setdefault(accreditation.force_id, []).append(accreditation)
    for accreditations in by_force.values():
        latest = max(accreditations, key=lambda a: (a.granted_on, a.accreditation_id))
        renewal = accreditation_renewal(latest, facts.accreditations, day)
        if latest.ended_on is None or latest.ended_on > day or renewal is not None:
            yield latest, renewal


def compute_plan(facts: OfficerFacts, day: dt.date, policy: Policy) -> list[PlanStep]:
    """Renewal steps for everything that expires, earliest start first, each done once its renewal counts
    (scheduler.renewals). Leavers have no plan."""
    if facts.left_on is not None and facts.left_on <= day:
        return []
    lead = policy.lead_times
    steps: list[PlanStep] = []
    current = list(_current_accreditations(facts, day))
    for accreditation, renewal in current:
        steps.append(_step(Kind.ACCREDITATION, accreditation.number, "Apply for re-accreditation (with evidence)",
                           accreditation.expires_on, lead.accreditation, renewal is not None, day, policy))
    clearances = [c for c in facts.clearances if c.granted_on <= day and _before(day, c.ended_on)
                  and c.level_code in policy.accepted_vetting_levels]
    if clearances:
        clearance = max(clearances, key=lambda c: c.expires_on)
        steps.append(_step(Kind.VETTING, clearance.level_code, "Submit vetting renewal", clearance.expires_on,
                           lead.vetting, clearance_renewal(clearance, day, policy) is not None, day, policy))
    for code in sorted(facts.modules):
        module = facts.modules[code]
        if module.expires_on is None or module.completed_on > day:
            continue
        if code in (policy.core_module, policy.traffic_module):
            title, lead_days = "Book CSAS refresher course", lead.csas_course
        else:
            title, lead_days = f"Renew {code.replace('_', ' ').lower()} training", lead.module
        steps.append(_step(Kind.TRAINING, code, title, module.expires_on, lead_days,
                           module_renewal(module, day) is not None, day, policy))
    accreditation_expiries = {a.expires_on for a, _ in current}
    for item in facts.kit:
        if item.issued_on > day or not _before(day, item.returned_on):
            continue
        # A card or badge that expires with the current accreditation is renewed by re-accreditation; one left
        # over from an earlier accreditation needs replacing on its own.
        covered = item.kit_type_code in policy.kit_without_steps and (
            item.expires_on is None or item.expires_on in accreditation_expiries)
        if item.expires_on is not None and not covered:
            steps.append(_step(Kind.KIT, item.kit_type_code, "Replace kit", item.expires_on, lead.kit,
                               kit_replacement(item, facts.kit, day) is not None, day, policy))
        if item.next_inspection_due_on is not None:
            steps.append(_step(Kind.KIT, item.kit_type_code, "Inspect kit", item.next_inspection_due_on, lead.kit,
                               False, day, policy))
    employer = facts.employer
    if employer.review_due_on is not None and is_arrangement_in_force(employer.approved_on, employer.ended_on, day):
        steps.append(_step(Kind.EMPLOYER, "ARRANGEMENT_REVIEW", "Review the employer's scheme arrangement",
                           employer.review_due_on, lead.employer, False, day, policy))
    return sorted(steps, key=lambda s: (s.start_by, s.expires_on, s.kind.value, s.code))


def dependency_end_dates(facts: OfficerFacts) -> Iterator[dt.date | None]:
    """Every day on which something the officer's powers depend on stops holding: each binding's `expires_on`
    (so each lapse day, `usable_until` + 1) is one of these. Read from scheduler.facts.DEPENDENCY_DAYS, the
    statement the start days come from too: a new dependency states its end days there, or the sweep's shortcut
    (reminders.ends_between) would miss its lapses (tests/scheduler/test_sweep_speed_rules.py fails)."""
    return end_days(facts)
