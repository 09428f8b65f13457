"""POST /api/policy/preview: what a policy would do to the register if it were saved, saving nothing. Every officer
in the caller's scope serving on the day is judged under the current and the proposed policy from one load of their
facts, by the same engine (scheduler.rules) and the same reading of its answer (scheduler.whatif), so the two sides
differ only by the policy. Who may preview is who may save (update_policy); bad input is refused as saving refuses
it. Nothing is written: not the policy, not the stored outlook, not the audit log.

People try several values in a row, so what one value cannot change is not done again for the next: officers' facts
and their judgement under the current policy are kept in this process while they are current (scheduler.fact_cache),
and a proposal changing only lead times or the overdue grace re-times the kept plans (scheduler.rules.replan)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from core.access import Principal
from register.officers.employment import scoped_officer_ids
from register.scope import require_installation_writer
from scheduler import outlook, whatif
from scheduler.capacity import Work, monthly_demand, work_from_plans
from scheduler.fact_cache import Entry, previews
from scheduler.facts import OfficerFacts
from scheduler.kinds import PlanStep
from scheduler.policy import Policy
from scheduler.policy_store import check_policy_changes, load_catalogue
from scheduler.rules import Compliance, compute_compliance, compute_plan, replan
from vetting import services as vetting_services
from vetting.facts import clearance_facts

DEMAND_MONTHS = 12


async def _with_reviews(batch: dict[int, Entry], day: dt.date,
                        annual_review: dict[str, bool]) -> dict[int, OfficerFacts]:
    """The batch's facts with each clearance's annual review as the proposal has it: reloaded only for officers
    holding a clearance at a level whose review it changes (the same facts otherwise)."""
    facts = {officer_id: entry.facts for officer_id, entry in batch.items()}
    reached = [officer_id for officer_id, one in facts.items()
               if any(c.level_code in annual_review for c in one.clearances)]
    if not reached:
        return facts
    clearances = await clearance_facts(reached, day, annual_review)
    return {**facts, **{officer_id: replace(facts[officer_id], clearances=clearances[officer_id])
                        for officer_id in reached}}


@dataclass(frozen=True)
class _Side:
    """One officer under one policy: what the preview reads of their judgement."""

    compliance: Compliance
    plan: list[PlanStep]
    work: list[Work]
    overdue: list[dict[str, Any]]


def _side(officer_id: int, facts: OfficerFacts, day: dt.date, policy: Policy) -> _Side:
    plan = compute_plan(facts, day, policy)
    return _Side(compute_compliance(facts, day, policy), plan, work_from_plans({officer_id: plan}),
                 whatif.overdue(officer_id, facts.name, plan))


def _current(officer_id: int, entry: Entry, policy: Policy, to_on: dt.date) -> tuple[_Side, list[dict[str, Any]]]:
    """The officer under the current policy and their lapses up to to_on: judged once per policy and kept with
    their facts (scheduler.fact_cache), so trying another value judges only the proposed side again."""
    derived = entry.under(policy)
    if "side" not in derived:
        derived["side"] = _side(officer_id, entry.facts, entry.day, policy)
    side: _Side = derived["side"]
    if derived.get("lapses_to") != to_on:
        derived["lapses"], derived["lapses_to"] = whatif.lapses(entry.facts.name, side.compliance, to_on), to_on
    return side, derived["lapses"]


async def preview_policy(actor: Principal, changes: dict[str, Any], from_on: dt.date,
                         to_on: dt.date) -> dict[str, Any]:
    """Lapses from from_on up to to_on under each policy (the forecast's rows) and how they differ, plan steps
    overdue on from_on under each, and the renewals due to start each month for 12 months from from_on's."""
    await require_installation_writer(actor, action="change the policy")
    await check_policy_changes(changes)
    stamp = await outlook.catalogue_stamp()  # before the catalogue it describes (scheduler/fact_cache.py)
    catalogue = await load_catalogue()
    current = catalogue.policy
    proposal = whatif.propose(current, changes, await vetting_services.list_levels())
    difference = whatif.difference(current, proposal)
    ids = await scoped_officer_ids(actor, None, None, active_on=from_on)
    lapses: dict[str, list[dict[str, Any]]] = {"current": [], "proposed": []}
    overdue: dict[str, list[dict[str, Any]]] = {"current": [], "proposed": []}
    work: dict[str, list[Work]] = {"current": [], "proposed": []}
    async for batch in previews.batches(ids, from_on, stamp, catalogue):
        proposed_facts = await _with_reviews(batch, from_on, proposal.annual_review)
        for officer_id, entry in batch.items():
            now, rows = _current(officer_id, entry, current, to_on)
            lapses["current"] += rows
            overdue["current"] += now.overdue
            work["current"] += now.work
            facts = proposed_facts[officer_id]
            if whatif.powers_may_differ(entry.facts, difference):
                then = compute_compliance(facts, from_on, proposal.policy)
                rows = whatif.lapses(facts.name, then, to_on, usable_before=now.compliance)
            lapses["proposed"] += rows
            if whatif.plan_may_differ(entry.facts, difference):
                retimed = replan(now.plan, from_on, proposal.policy) \
                    if whatif.plan_retimed(entry.facts, difference) else None
                plan = retimed if retimed is not None else compute_plan(facts, from_on, proposal.policy)
                work["proposed"] += work_from_plans({officer_id: plan})
                overdue["proposed"] += whatif.overdue(officer_id, facts.name, plan)
            else:
                work["proposed"] += now.work
                overdue["proposed"] += now.overdue
    compared = whatif.compare_lapses(lapses["current"], lapses["proposed"])
    return {
        "from": from_on, "to": to_on,
        **{side: {"lapses": whatif.forecast_order(lapses[side]), "overdue_steps": len(overdue[side])}
           for side in ("current", "proposed")},
        **compared,
        "overdue": whatif.compare_overdue(overdue["current"], overdue["proposed"]),
        "demand": {side: monthly_demand(work[side], from_on, DEMAND_MONTHS)
                   for side in ("current", "proposed")},
        "notes": list(proposal.notes),
    }
