"""The kinds of things an officer's powers depend on (domain.md §8), each stated once as a DependencyKind
(scheduler.kinds): its days, its judgement of a power, its renewal steps and lead time, its words. KINDS lists
them in the order a power's dependencies and blockers are listed. Pure.

How to add a kind (say, a first-aid certificate some powers need): its facts in the owning domain's facts module
and a field of OfficerFacts loaded in scheduler.services; a Kind member; a lead time in scheduler.policy.LeadTimes;
and a DependencyKind here, in KINDS. tests/scheduler/test_new_dependency_kind.py adds a fake one this way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial

from core.dates import long_date
from register.accreditations.rules import is_suspended_on
from register.facts import (
    AccreditationFact,
    DesignatedPowerFact,
    KitFact,
    is_accreditation_in_force,
    is_arrangement_in_force,
    is_power_in_force,
)
from scheduler.facts import OfficerFacts
from scheduler.kinds import (
    Blocker,
    Dependency,
    DependencyKind,
    Designated,
    Judgement,
    Kind,
    PlanStep,
    PowerJudge,
    before,
    no_days,
    plan_step,
)
from scheduler.policy import Policy
from scheduler.renewals import accreditation_renewal, clearance_renewal, is_known, kit_replacement, module_renewal
from training.facts import ModuleFact
from vetting.facts import ClearanceFact


def _same_for_every_power(*judgements: Judgement) -> PowerJudge:
    return lambda power: judgements


# --- the officer and the employer ----------------------------------------------------------------------

def _judge_officer(facts: OfficerFacts, day: dt.date, policy: Policy, designated: Designated) -> PowerJudge:
    if facts.left_on is not None and facts.left_on <= day:
        return _same_for_every_power(
            (None, Blocker(Kind.OFFICER, "LEFT", f"Left the employer on {long_date(facts.left_on)}.")))
    if facts.left_on is not None:
        return _same_for_every_power((Dependency(Kind.OFFICER, "LEFT", facts.left_on), None))
    return _same_for_every_power()


def _judge_employer(facts: OfficerFacts, day: dt.date, policy: Policy, designated: Designated) -> PowerJudge:
    employer = facts.employer
    if not is_arrangement_in_force(employer.approved_on, employer.ended_on, day):
        return _same_for_every_power(
            (None, Blocker(Kind.EMPLOYER, "ARRANGEMENT", f"{employer.name} has no scheme arrangement in force.")))
    if employer.ended_on is not None:
        return _same_for_every_power((Dependency(Kind.EMPLOYER, "ARRANGEMENT", employer.ended_on), None))
    return _same_for_every_power()


def _plan_employer(facts: OfficerFacts, day: dt.date, policy: Policy) -> Iterator[PlanStep]:
    employer = facts.employer
    if employer.review_due_on is not None and is_arrangement_in_force(employer.approved_on, employer.ended_on, day):
        yield plan_step(Kind.EMPLOYER, "ARRANGEMENT_REVIEW", "Review the employer's scheme arrangement",
                        employer.review_due_on, lead_days(Kind.EMPLOYER, "ARRANGEMENT_REVIEW", policy), False, day,
                        policy)


def _no_plan(facts: OfficerFacts, day: dt.date, policy: Policy) -> tuple[PlanStep, ...]:
    return ()


# --- accreditations ------------------------------------------------------------------------------------

def designated_powers(facts: OfficerFacts, day: dt.date) -> Designated:
    """Powers listed on accreditations in force on `day`; with none in force, those of the latest accreditation
    granted by then (so a lapse shows what was lost). The longest-lasting accreditation wins a duplicate."""
    current = [a for a in facts.accreditations if is_accreditation_in_force(a, day)]
    if not current:
        granted = [a for a in facts.accreditations if a.granted_on <= day]
        current = sorted(granted, key=lambda a: (a.granted_on, a.accreditation_id))[-1:]
    out: Designated = {}
    for accreditation in sorted(current, key=lambda a: a.expires_on):
        for power in accreditation.powers:
            if is_power_in_force(power.granted_on, power.withdrawn_on, day):
                out[power.code] = (accreditation, power)
    return out


def _accreditation_starts(facts: OfficerFacts) -> Iterator[dt.date | None]:
    for accreditation in facts.accreditations:
        yield accreditation.granted_on
        for power in accreditation.powers:
            yield power.granted_on
        for _, reinstated_on in accreditation.suspensions:
            yield reinstated_on


def _accreditation_ends(facts: OfficerFacts) -> Iterator[dt.date | None]:
    for accreditation in facts.accreditations:
        yield accreditation.expires_on
        yield accreditation.ended_on
        for suspended_on, _ in accreditation.suspensions:
            yield suspended_on
        for power in accreditation.powers:
            yield power.withdrawn_on


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


def _judge_accreditation(facts: OfficerFacts, day: dt.date, policy: Policy, designated: Designated) -> PowerJudge:
    holdings = _holdings(facts, day)

    def judge(power: DesignatedPowerFact) -> tuple[Judgement]:
        held = holdings.get(power.code)
        if held is not None:
            return ((held, None),)
        return ((None, Blocker(Kind.ACCREDITATION, power.code, _why_no_accreditation(facts, power.code, day))),)
    return judge


def current_accreditations(
    facts: OfficerFacts, day: dt.date
) -> list[tuple[AccreditationFact, AccreditationFact | None]]:
    """The latest accreditation from each force granted and known by `day`, unless it has ended without a
    renewal; with the renewal that counts for it by `day`, if any. (Planned once a day: kit asks too.)"""
    key = ("current_accreditations", day)
    if key not in facts.memo:
        facts.memo[key] = list(_current_accreditations(facts, day))
    current: list[tuple[AccreditationFact, AccreditationFact | None]] = facts.memo[key]
    return current


def _current_accreditations(
    facts: OfficerFacts, day: dt.date
) -> Iterator[tuple[AccreditationFact, AccreditationFact | None]]:
    by_force: dict[int, list[AccreditationFact]] = {}
    for accreditation in facts.accreditations:
        if accreditation.granted_on <= day and is_known(accreditation, day):
            by_force.setdefault(accreditation.force_id, []).append(accreditation)
    for accreditations in by_force.values():
        latest = max(accreditations, key=lambda a: (a.granted_on, a.accreditation_id))
        renewal = accreditation_renewal(latest, facts.accreditations, day)
        if latest.ended_on is None or latest.ended_on > day or renewal is not None:
            yield latest, renewal


def _plan_accreditation(facts: OfficerFacts, day: dt.date, policy: Policy) -> Iterator[PlanStep]:
    for accreditation, renewal in current_accreditations(facts, day):
        yield plan_step(Kind.ACCREDITATION, accreditation.number, "Apply for re-accreditation (with evidence)",
                        accreditation.expires_on, lead_days(Kind.ACCREDITATION, accreditation.number, policy),
                        renewal is not None, day, policy)


# --- vetting -------------------------------------------------------------------------------------------

def clearance_effective_expiry(clearance: ClearanceFact) -> dt.date:
    """A clearance stops counting at its expiry, its revocation, or an overdue annual review, whichever first."""
    ends = [clearance.expires_on, clearance.next_review_due_on, clearance.ended_on]
    return min(d for d in ends if d is not None)


def is_clearance_valid(clearance: ClearanceFact, day: dt.date, policy: Policy) -> bool:
    return (
        clearance.level_code in policy.accepted_vetting_levels
        and clearance.granted_on <= day < clearance_effective_expiry(clearance)
    )


def _clearance_ends(facts: OfficerFacts) -> Iterator[dt.date | None]:
    for clearance in facts.clearances:
        yield clearance.expires_on
        yield clearance.next_review_due_on
        yield clearance.ended_on


def _vetting_judgement(facts: OfficerFacts, day: dt.date, policy: Policy) -> Judgement:
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


def _judge_vetting(facts: OfficerFacts, day: dt.date, policy: Policy, designated: Designated) -> PowerJudge:
    return _same_for_every_power(_vetting_judgement(facts, day, policy))


def _plan_vetting(facts: OfficerFacts, day: dt.date, policy: Policy) -> Iterator[PlanStep]:
    clearances = [c for c in facts.clearances if c.granted_on <= day and before(day, c.ended_on)
                  and c.level_code in policy.accepted_vetting_levels]
    if clearances:
        clearance = max(clearances, key=lambda c: c.expires_on)
        yield plan_step(Kind.VETTING, clearance.level_code, "Submit vetting renewal", clearance.expires_on,
                        lead_days(Kind.VETTING, clearance.level_code, policy),
                        clearance_renewal(clearance, day, policy) is not None, day, policy)


# --- kit -----------------------------------------------------------------------------------------------

def is_id_card_held(card: KitFact, day: dt.date) -> bool:
    """Issued and not returned or lost (domain.md §8 rule 6). The date printed on the card is the accreditation's
    expiry, which binds the powers itself: a card left over from an accreditation that was renewed without a gap
    does not end them (its replacement is a plan step of its own)."""
    return card.issued_on <= day and before(day, card.returned_on) and card.condition != "lost"


def _judge_kit(facts: OfficerFacts, day: dt.date, policy: Policy, designated: Designated) -> PowerJudge:
    if any(k.kit_type_code == policy.id_card_kit_type and is_id_card_held(k, day) for k in facts.kit):
        return _same_for_every_power((None, None))
    return _same_for_every_power((None, Blocker(Kind.KIT, policy.id_card_kit_type, "No ID and powers card is held.")))


def _plan_kit(facts: OfficerFacts, day: dt.date, policy: Policy) -> Iterator[PlanStep]:
    accreditation_expiries = {a.expires_on for a, _ in current_accreditations(facts, day)}
    for item in facts.kit:
        if item.issued_on > day or not before(day, item.returned_on):
            continue
        # A card or badge that expires with the current accreditation is renewed by re-accreditation; one left
        # over from an earlier accreditation needs replacing on its own.
        covered = item.kit_type_code in policy.kit_without_steps and (
            item.expires_on is None or item.expires_on in accreditation_expiries)
        if item.expires_on is not None and not covered:
            yield plan_step(Kind.KIT, item.kit_type_code, "Replace kit", item.expires_on,
                            lead_days(Kind.KIT, item.kit_type_code, policy),
                            kit_replacement(item, facts.kit, day) is not None, day, policy)
        if item.next_inspection_due_on is not None:
            yield plan_step(Kind.KIT, item.kit_type_code, "Inspect kit", item.next_inspection_due_on,
                            lead_days(Kind.KIT, item.kit_type_code, policy), False, day, policy)


# --- training ------------------------------------------------------------------------------------------

def required_modules(power: DesignatedPowerFact, policy: Policy) -> tuple[str, ...]:
    needed = [policy.core_module]
    if power.is_traffic:
        needed.append(policy.traffic_module)
    needed += [m for m in policy.prerequisites.get(power.code, ()) if m not in needed]
    return tuple(needed)


def is_module_in_date(module: ModuleFact | None, day: dt.date) -> bool:
    return module is not None and module.completed_on <= day and before(day, module.expires_on)


def _module_starts(facts: OfficerFacts) -> Iterator[dt.date | None]:
    """Earlier passes too: judging a past day (a catch-up sweep), one of them may be what brought a power back."""
    for module in facts.modules.values():
        yield module.completed_on
        for completed_on, _ in module.earlier_passes:
            yield completed_on


def _module_ends(facts: OfficerFacts) -> Iterator[dt.date | None]:
    for module in facts.modules.values():
        yield module.expires_on
        for _, expires_on in module.earlier_passes:
            yield expires_on


def _module_judgement(facts: OfficerFacts, module_code: str, day: dt.date) -> Judgement:
    latest = facts.modules.get(module_code)
    module = latest if latest is None or latest.completed_on <= day else latest.counting_on(day)
    if is_module_in_date(module, day):
        assert module is not None
        return (Dependency(Kind.TRAINING, module_code, module.expires_on) if module.expires_on else None), None
    if module is None or module.completed_on > day:
        return None, Blocker(Kind.TRAINING, module_code, f"{module_code} has not been passed.")
    expired = long_date(module.expires_on) if module.expires_on else "?"
    return None, Blocker(Kind.TRAINING, module_code, f"{module_code} expired on {expired}.")


def _judge_training(facts: OfficerFacts, day: dt.date, policy: Policy, designated: Designated) -> PowerJudge:
    required = {code for _, power in designated.values() for code in required_modules(power, policy)}
    modules = {code: _module_judgement(facts, code, day) for code in required}
    return lambda power: [modules[code] for code in required_modules(power, policy)]


def _plan_training(facts: OfficerFacts, day: dt.date, policy: Policy) -> Iterator[PlanStep]:
    for code in sorted(facts.modules):
        module = facts.modules[code]
        if module.expires_on is None or module.completed_on > day:
            continue
        title = "Book CSAS refresher course" if code in (policy.core_module, policy.traffic_module) \
            else f"Renew {code.replace('_', ' ').lower()} training"
        yield plan_step(Kind.TRAINING, code, title, module.expires_on, lead_days(Kind.TRAINING, code, policy),
                        module_renewal(module, day) is not None, day, policy)


def lead_days(kind: Kind, code: str, policy: Policy) -> int:
    """How many days before its item expires a step of `kind` renewing item `code` starts: the one place each of
    these kinds' plans reads its lead time from, and their DependencyKind.lead_days (rules.replan re-times with
    it)."""
    lead = policy.lead_times
    if kind is Kind.TRAINING:
        return lead.csas_course if code in (policy.core_module, policy.traffic_module) else lead.module
    return {Kind.VETTING: lead.vetting, Kind.ACCREDITATION: lead.accreditation, Kind.KIT: lead.kit,
            Kind.EMPLOYER: lead.employer}[kind]


# --- the register of kinds -----------------------------------------------------------------------------

KINDS: tuple[DependencyKind, ...] = (
    DependencyKind(
        Kind.OFFICER, 5, no_days, lambda facts: (facts.left_on,), _judge_officer, _no_plan,
        words=lambda code, facts, names: "employment with " + facts.employer.name,
        renew_action=lambda words: "check the officer's record", label="Officer"),
    DependencyKind(
        Kind.EMPLOYER, 4, no_days, lambda facts: (facts.employer.ended_on,), _judge_employer, _plan_employer,
        words=lambda code, facts, names: f"{facts.employer.name}'s scheme arrangement",
        renew_action=lambda words: "renew the scheme arrangement", label="Employer",
        lead_days=partial(lead_days, Kind.EMPLOYER)),
    DependencyKind(
        Kind.ACCREDITATION, 0, _accreditation_starts, _accreditation_ends, _judge_accreditation, _plan_accreditation,
        words=lambda code, facts, names: f"accreditation {code}",
        renew_action=lambda words: "apply for re-accreditation", label="Accreditation",
        lead_days=partial(lead_days, Kind.ACCREDITATION)),
    DependencyKind(
        Kind.VETTING, 1, lambda facts: [c.granted_on for c in facts.clearances], _clearance_ends, _judge_vetting,
        _plan_vetting, words=lambda code, facts, names: f"{names.level(code)} clearance" if code in names.levels
        else f"{code} vetting clearance",
        renew_action=lambda words: "submit the vetting renewal", label="Vetting",
        lead_days=partial(lead_days, Kind.VETTING)),
    DependencyKind(
        Kind.KIT, 3, lambda facts: [k.issued_on for k in facts.kit],
        lambda facts: [d for k in facts.kit for d in (k.expires_on, k.returned_on)], _judge_kit, _plan_kit,
        words=lambda code, facts, names: names.kit_type(code),
        renew_action=lambda words: f"issue a new {words}", label="Kit",
        lead_days=partial(lead_days, Kind.KIT)),
    DependencyKind(
        Kind.TRAINING, 2, _module_starts, _module_ends, _judge_training, _plan_training,
        words=lambda code, facts, names: names.module(code),
        renew_action=lambda words: f"book {words}", label="Training",
        lead_days=partial(lead_days, Kind.TRAINING)),
)


def kind_of(kind: str) -> DependencyKind:
    return next(k for k in KINDS if k.kind == kind)


def precedence() -> dict[str, int]:
    return {k.kind: k.precedence for k in KINDS}


def start_days(facts: OfficerFacts) -> Iterator[dt.date]:
    """Every day on which something the powers depend on starts or resumes counting (with repeats)."""
    for kind in KINDS:
        for day in kind.starts(facts):
            if day is not None:
                yield day


def last_start_on(facts: OfficerFacts) -> dt.date:
    """The last start day on record: compliance follows renewals only up to it."""
    if "last_start_on" not in facts.memo:
        facts.memo["last_start_on"] = max(start_days(facts), default=dt.date.min)
    last: dt.date = facts.memo["last_start_on"]
    return last


def end_days(facts: OfficerFacts) -> Iterator[dt.date]:
    """Every day on which something the powers depend on stops holding: each binding's `expires_on` (so each
    lapse day, usable_until + 1) is one of these. A kind that left out an end day would bind powers on days the
    sweep never judges (tests/scheduler/test_sweep_speed_rules.py)."""
    for kind in KINDS:
        for day in kind.ends(facts):
            if day is not None:
                yield day
