"""POST /api/policy/preview: what a policy would do to the register if it were saved, saving nothing. Every officer
in the caller's scope serving on the day is judged under the current and the proposed policy from one load of their
facts, by the same engine (scheduler.rules) and the same reading of its answer (scheduler.whatif), so the two sides
differ only by the policy. Who may preview is who may save (update_policy); bad input is refused as saving refuses
it. Nothing is written: not the policy, not the stored outlook, not the audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from core.access import Principal
from register.officers.employment import scoped_officer_ids
from register.scope import require_installation_writer
from scheduler import whatif
from scheduler.capacity import Work, monthly_demand, work_from_plans
from scheduler.facts import OfficerFacts
from scheduler.policy_store import check_policy_changes, load_catalogue
from scheduler.rules import Compliance, compute_compliance, compute_plan
from scheduler.services import iter_facts
from vetting import services as vetting_services
from vetting.facts import clearance_facts

DEMAND_MONTHS = 12


async def _with_reviews(batch: dict[int, OfficerFacts], day: dt.date,
                        annual_review: dict[str, bool]) -> dict[int, OfficerFacts]:
    """The batch's facts with each clearance's annual review as the proposal has it (the same facts otherwise)."""
    if not annual_review:
        return batch
    clearances = await clearance_facts(list(batch), day, annual_review)
    return {officer_id: replace(facts, clearances=clearances[officer_id]) for officer_id, facts in batch.items()}


async def preview_policy(actor: Principal, changes: dict[str, Any], from_on: dt.date,
                         to_on: dt.date) -> dict[str, Any]:
    """Lapses from from_on up to to_on under each policy (the forecast's rows) and how they differ, plan steps
    overdue on from_on under each, and the renewals due to start each month for 12 months from from_on's."""
    await require_installation_writer(actor, action="change the policy")
    await check_policy_changes(changes)
    catalogue = await load_catalogue()
    current = catalogue.policy
    proposal = whatif.propose(current, changes, await vetting_services.list_levels())
    difference = whatif.difference(current, proposal)
    ids = await scoped_officer_ids(actor, None, None, active_on=from_on)
    lapses: dict[str, list[dict[str, Any]]] = {"current": [], "proposed": []}
    overdue: dict[str, list[dict[str, Any]]] = {"current": [], "proposed": []}
    work: dict[str, list[Work]] = {"current": [], "proposed": []}
    async for batch in iter_facts(ids, from_on, catalogue):
        proposed_facts = await _with_reviews(batch, from_on, proposal.annual_review)
        for officer_id, facts in batch.items():
            now: Compliance = compute_compliance(facts, from_on, current)
            rows = whatif.lapses(facts.name, now, to_on)
            lapses["current"] += rows
            if whatif.powers_may_differ(facts, difference):
                then = compute_compliance(proposed_facts[officer_id], from_on, proposal.policy)
                rows = whatif.lapses(facts.name, then, to_on, usable_before=now)
            lapses["proposed"] += rows
            plan = compute_plan(facts, from_on, current)
            proposed_plan = compute_plan(proposed_facts[officer_id], from_on, proposal.policy) \
                if whatif.plan_may_differ(facts, difference) else plan
            work["current"] += work_from_plans({officer_id: plan})
            work["proposed"] += work_from_plans({officer_id: proposed_plan})
            overdue["current"] += whatif.overdue(officer_id, facts.name, plan)
            overdue["proposed"] += whatif.overdue(officer_id, facts.name, proposed_plan)
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
