"""A policy judged before it is saved (issue 21, "what if"), pure: the proposed Policy made from the stored one and
a PUT /api/policy body, and the forecast's lapses and overdue steps under each policy, compared officer by officer.
scheduler.policy_preview loads the facts and calls these; the judging itself is scheduler.rules', unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from scheduler.facts import OfficerFacts
from scheduler.kinds import Dependency, PlanStep, StepStatus
from scheduler.policy import LeadTimes, Policy
from scheduler.rules import Compliance

# What saving leaves untouched on the records already held (training.services.update_module_validity,
# vetting's renewal period applies at each grant): said on the preview, so nobody expects lapses to move.
NO_EFFECT_ON_RECORDS = {
    "module_validity": "A module's validity applies to passes recorded from now on: passes already held keep "
                       "their expiry, so no lapse or step moves.",
    "renewal_months": "A vetting level's renewal period applies to clearances granted from now on: clearances "
                      "already held keep their expiry, so no lapse or step moves.",
}


@dataclass(frozen=True)
class Proposal:
    """The proposed policy, and the levels whose annual review it switches on or off (a fact of each clearance,
    loaded with the override) and what it changes that moves nothing on record."""

    policy: Policy
    annual_review: dict[str, bool]
    notes: tuple[str, ...]


def propose(current: Policy, changes: Mapping[str, Any], levels: Sequence[Mapping[str, Any]]) -> Proposal:
    """The Policy update_policy would leave behind, from the current one and a checked PUT /api/policy body.
    Sections are applied in update_policy's order: a level's own accepted_for_csas wins over
    required_vetting_levels, as it is written after it."""
    scalars = {k: changes[k] for k in ("warning_days", "overdue_after_days", "manager_repeat_days",
                                        "coordinator_alert_days") if k in changes}
    policy = replace(current, **scalars)
    if "officer_reminder_days" in changes:
        policy = replace(policy, officer_reminder_days=tuple(changes["officer_reminder_days"]))
    if changes.get("lead_times"):
        policy = replace(policy, lead_times=replace(policy.lead_times, **changes["lead_times"]))
    accepted = set(policy.accepted_vetting_levels)
    if "required_vetting_levels" in changes:
        accepted = set(changes["required_vetting_levels"] or [])
    stored = {level["code"]: level for level in levels}
    annual_review: dict[str, bool] = {}
    notes: list[str] = []
    for level in changes.get("vetting_levels") or []:
        if "accepted_for_csas" in level:
            (accepted.add if level["accepted_for_csas"] else accepted.discard)(level["code"])
        was = stored.get(level["code"], {})
        if "has_annual_review" in level and level["has_annual_review"] != was.get("has_annual_review"):
            annual_review[level["code"]] = level["has_annual_review"]
        if "renewal_months" in level and level["renewal_months"] != was.get("renewal_months"):
            notes.append(NO_EFFECT_ON_RECORDS["renewal_months"])
    policy = replace(policy, accepted_vetting_levels=frozenset(accepted))
    if changes.get("power_prerequisites") is not None:
        grouped: dict[str, list[str]] = {}
        for pair in sorted({(p["power_code"], p["module_code"]) for p in changes["power_prerequisites"]}):
            grouped.setdefault(pair[0], []).append(pair[1])
        policy = replace(policy, prerequisites={power: tuple(modules) for power, modules in grouped.items()})
    if changes.get("module_validity"):
        notes.append(NO_EFFECT_ON_RECORDS["module_validity"])
    return Proposal(policy, annual_review, tuple(dict.fromkeys(notes)))


def _for_powers(policy: Policy) -> Policy:
    """The policy with every value compliance's powers do not read set aside (status, plans, reminders)."""
    return replace(policy, warning_days=0, overdue_after_days=0, lead_times=LeadTimes(), officer_reminder_days=(),
                   manager_repeat_days=0, coordinator_alert_days=0)


def _for_plans(policy: Policy) -> Policy:
    """The policy with every value plans do not read set aside (the powers' prerequisites, status, reminders)."""
    return replace(policy, warning_days=0, prerequisites={}, officer_reminder_days=(), manager_repeat_days=0,
                   coordinator_alert_days=0)


@dataclass(frozen=True)
class Difference:
    """What the proposal changes that a judgement reads, so that only officers it can reach are judged twice:
    vetting levels accepted or reviewed otherwise, powers needing other modules, and whether anything else that
    every officer's powers or plan reads differs (then everyone is judged twice)."""

    levels: frozenset[str]
    powers: frozenset[str]
    every_power: bool
    every_plan: bool
    retimed: bool  # every_plan, by lead times and the overdue grace only: a plan's steps stay, their timing moves


def difference(current: Policy, proposal: Proposal) -> Difference:
    proposed = proposal.policy
    levels = frozenset(current.accepted_vetting_levels ^ proposed.accepted_vetting_levels) | set(proposal.annual_review)
    powers = frozenset(code for code in current.prerequisites.keys() | proposed.prerequisites.keys()
                       if tuple(current.prerequisites.get(code, ())) != tuple(proposed.prerequisites.get(code, ())))

    def rest(policy: Policy) -> Policy:
        return replace(policy, accepted_vetting_levels=frozenset(), prerequisites={})

    def timing(policy: Policy) -> Policy:
        return replace(_for_plans(rest(policy)), lead_times=LeadTimes(), overdue_after_days=0)

    every_plan = _for_plans(rest(current)) != _for_plans(rest(proposed))
    return Difference(levels, powers, every_power=_for_powers(rest(current)) != _for_powers(rest(proposed)),
                      every_plan=every_plan, retimed=every_plan and timing(current) == timing(proposed))


def powers_may_differ(facts: OfficerFacts, difference: Difference) -> bool:
    """Whether the officer's powers may be judged otherwise: a clearance at a level the proposal accepts or
    reviews otherwise, or a power (on any accreditation) whose modules it changes."""
    return difference.every_power or any(c.level_code in difference.levels for c in facts.clearances) or any(
        power.code in difference.powers for accreditation in facts.accreditations for power in accreditation.powers)


def _plan_reached(facts: OfficerFacts, difference: Difference) -> bool:
    """Of the levels, only the vetting step reads them (which clearance is renewed, and which application renews
    it)."""
    return any(c.level_code in difference.levels or any(a.level_code in difference.levels for a in c.later_applications)
               for c in facts.clearances)


def plan_may_differ(facts: OfficerFacts, difference: Difference) -> bool:
    """Whether the officer's plan may differ."""
    return difference.every_plan or _plan_reached(facts, difference)


def plan_retimed(facts: OfficerFacts, difference: Difference) -> bool:
    """Whether the officer's plan differs only in its steps' timing (scheduler.rules.replan gives it)."""
    return difference.retimed and not _plan_reached(facts, difference)


# --- lapses -------------------------------------------------------------------------------------------------

def _binding(dependency: Dependency | None) -> dict[str, Any] | None:
    if dependency is None:
        return None
    return {"kind": dependency.kind.value, "code": dependency.code, "expires_on": dependency.expires_on}


def lapses(name: str, compliance: Compliance, to_on: dt.date,
           usable_before: Compliance | None = None) -> list[dict[str, Any]]:
    """The forecast's rows for one officer judged on compliance.as_of (scheduler.outlook.lapsing): each power
    usable that day whose last usable day is before to_on. With usable_before (the current policy's judgement of
    the same day), a power usable under it but not under this one lapses on the day itself: its usable_until is
    the day before, its binding what blocks it from that day, and `reason` says why."""
    day = compliance.as_of
    rows = [{"officer_id": compliance.officer_id, "name": name, "code": power.code,
             "usable_until": power.usable_until, "binding": _binding(power.binding), "resumes_on": power.resumes_on}
            for power in compliance.powers
            if power.usable and power.usable_until is not None and power.usable_until < to_on]
    if usable_before is not None:
        was_usable = {power.code for power in usable_before.powers if power.usable}
        for power in compliance.powers:
            if not power.usable and power.code in was_usable:
                blocker = power.blocked_by[0]
                rows.append({"officer_id": compliance.officer_id, "name": name, "code": power.code,
                             "usable_until": day - dt.timedelta(days=1),
                             "binding": {"kind": blocker.kind.value, "code": blocker.code, "expires_on": day},
                             "resumes_on": None, "reason": blocker.message})
    return rows


def forecast_order(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Earliest lapse first, as GET /api/compliance/forecast."""
    return sorted(rows, key=lambda r: (r["usable_until"], r["name"], r["officer_id"], r["code"]))


def compare_lapses(current: list[dict[str, Any]], proposed: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """added: lapses only under the proposal; removed: only under the current policy; changed: under both, on
    another day (the proposal's row, with the current usable_until and binding beside it)."""
    now = {(r["officer_id"], r["code"]): r for r in current}
    then = {(r["officer_id"], r["code"]): r for r in proposed}
    changed = [{**row, "current_usable_until": now[key]["usable_until"], "current_binding": now[key]["binding"]}
               for key, row in then.items() if key in now and row["usable_until"] != now[key]["usable_until"]]
    return {
        "added": forecast_order(row for key, row in then.items() if key not in now),
        "removed": forecast_order(row for key, row in now.items() if key not in then),
        "changed": forecast_order(changed),
    }


# --- overdue steps ------------------------------------------------------------------------------------------

def overdue(officer_id: int, name: str, steps: Iterable[PlanStep]) -> list[dict[str, Any]]:
    return [{"officer_id": officer_id, "name": name, "kind": s.kind.value, "code": s.code, "title": s.title,
             "expires_on": s.expires_on, "start_by": s.start_by}
            for s in steps if s.status is StepStatus.OVERDUE]


def compare_overdue(current: list[dict[str, Any]], proposed: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Steps overdue under the proposal and not now (added), and the reverse (removed): one step is one item's
    renewal, whatever its start-by."""
    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        return row["officer_id"], row["kind"], row["code"], row["expires_on"]

    def order(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(rows, key=lambda r: (r["start_by"], r["name"], r["officer_id"], r["kind"], r["code"]))

    now, then = {key(r) for r in current}, {key(r) for r in proposed}
    return {"added": order(r for r in proposed if key(r) not in now),
            "removed": order(r for r in current if key(r) not in then)}
