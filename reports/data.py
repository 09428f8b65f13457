"""Loading what the reports show, through the domain services and with the caller's scope. No rendering here:
PDFs and charts are drawn from these plain dicts off the event loop."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from core.access import Principal, Role, require_role
from core.dates import add_months
from core.db import EVERYTHING, long_running
from register.accreditations import services as register_accreditations
from register.facts import employment_rows
from register.kit import cards
from register.officers import services as register_services
from register.officers.photos import photo_jpeg
from register.record.services import RECORD_ROLES, officer_record
from scheduler import planning
from scheduler import services as scheduler_services
from scheduler.dependencies import clearance_effective_expiry
from scheduler.policy_store import load_catalogue, load_policy
from scheduler.readiness import next_step, overdue_count
from training import services as training_services
from vetting import services as vetting_services
from vetting.rules import OPEN

PACK_ROLES = (Role.CSAS_COORDINATOR, Role.HR, Role.MANAGER)
CARD_ROLES = (Role.CSAS_COORDINATOR, Role.HR, Role.MANAGER)
QUEUE_BUCKETS = ((0, 30, "0\u201330 days"), (31, 60, "31\u201360 days"), (61, 90, "61\u201390 days"),
                 (91, 180, "91\u2013180 days"), (181, None, "over 180 days"))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_label(day: dt.date) -> str:
    return day.strftime("%b %Y")


# --- the officer's record --------------------------------------------------------------------------------

async def officer_record_data(actor: Principal, officer_id: int, as_of: dt.date) -> dict[str, Any]:
    """Everything on the officer's record PDF as it stood on as_of. Never vetting case notes."""
    # Role and scope first (403 / 404 / 403, as officer_record would), in one query ...
    require_role(actor, *RECORD_ROLES, action="read officers' records")
    officer = await register_services.get_officer(actor, officer_id)
    # ... then every read at once: they are independent (on PostgreSQL each takes its own pooled connection, so
    # the record costs its longest chain of queries, not their sum). Compliance and plan share one load of facts.
    record, (compliance, plan), (vetting, _), (training, _), powers = await asyncio.gather(
        officer_record(actor, officer_id, as_of),
        scheduler_services.officer_judgement(actor, officer_id, as_of),
        vetting_services.list_applications(actor, as_of=as_of, officer_id=officer_id, limit=EVERYTHING),
        training_services.list_records(actor, as_of=as_of, officer_id=officer_id, limit=EVERYTHING),
        register_services.list_powers(),
    )
    titles = {p["code"]: p["title"] for p in powers}
    return {
        "officer": officer,
        "as_of": as_of,
        "status": record["status"],
        "compliance": compliance,
        "plan": plan,
        "power_titles": titles,
        "accreditations": [a for a in record["accreditations"] if a["granted_on"] <= as_of],
        "vetting": [
            {"level_code": v["level_code"], "status": vetting_services.read_status(v, as_of),
             "requested_on": v["requested_on"], "granted_on": v["granted_on"], "expires_on": v["expires_on"],
             "next_review_due_on": v["next_review_due_on"], "force_reference": v["force_reference"]}
            for v in vetting if v["requested_on"] <= as_of
        ],
        "training": [t for t in training if t["completed_on"] <= as_of],
        "kit": [k for k in record["kit_issues"] if k["issued_on"] <= as_of],
        "events": [e for e in record["events"] if e["on"] <= as_of],
    }


# --- the ID and powers card ------------------------------------------------------------------------------

async def card_data(actor: Principal, officer_id: int, as_of: dt.date) -> dict[str, Any]:
    require_role(actor, *CARD_ROLES, action="print ID cards")
    officer = await register_services.get_officer(actor, officer_id)
    accs = await register_accreditations.list_for_officer(officer_id, as_of)
    current = next((a for a in accs if a["status"] == "in_force"), None)
    force = await register_services.get_force(current["force_id"] if current else officer["force_id"])
    # The QR code's address: the same token on every print of this card issue; none without an ID card issue.
    card = await cards.card_token(actor, officer_id, (await load_policy()).id_card_kit_type)
    return {
        "officer": officer, "as_of": as_of, "force": force, "accreditation": current,
        "powers": [p for p in current["powers"] if p["in_force"]] if current else [],
        "photo": await photo_jpeg(officer_id),
        "verify_url": cards.verify_url(card[1]) if card else None,
    }


# --- the compliance pack and its charts ------------------------------------------------------------------

def _expiring_items(facts: Any, as_of: dt.date) -> list[dt.date]:
    out: list[dt.date] = []
    for acc in facts.accreditations:
        if acc.ended_on is None or acc.ended_on > as_of:
            out.append(acc.expires_on)
    for clearance in facts.clearances:
        out.append(clearance_effective_expiry(clearance))
    for module in facts.modules.values():
        if module.expires_on is not None:
            out.append(module.expires_on)
    for kit in facts.kit:
        if kit.returned_on is None and kit.expires_on is not None:
            out.append(kit.expires_on)
    return [d for d in out if d > as_of]


# A whole dataset in one request: its statements may rightly take longer than a page's (core.db).
@long_running
async def analytics(actor: Principal, as_of: dt.date, organisation_id: int | None = None,
                    team_id: int | None = None) -> dict[str, Any]:
    """Readiness, expiry cliff, capability forecast, vetting queue age, officers at risk (red, amber, or with an
    overdue renewal step, each with their next step) and the lapse trend."""
    require_role(actor, *PACK_ROLES, action="see compliance reports")
    if organisation_id is not None:
        await register_services.get_organisation(actor, organisation_id)
    judged = await scheduler_services.judgements_for(actor, as_of, organisation_id, team_id)
    teams = {t["id"]: t["name"] for t in await register_services.list_teams(actor)}
    judged.sort(key=lambda j: (j[0].employer.name, teams.get(j[0].team_id or 0, ""), j[0].name))
    pairs = [(facts, compliance) for facts, compliance, _ in judged]
    plans = {facts.officer_id: plan for facts, _, plan in judged}

    readiness: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for facts, compliance, plan in judged:
        counts = readiness[(facts.employer.name, teams.get(facts.team_id or 0, "(no team)"))]
        counts[compliance.status.value] += 1
        counts["overdue"] += 1 if overdue_count(plan) else 0

    first = month_start(as_of)
    months = [add_months(first, i) for i in range(12)]
    cliff = [0] * 12
    for facts, _ in pairs:
        for expiry in _expiring_items(facts, as_of):
            index = (expiry.year - first.year) * 12 + expiry.month - first.month
            if 0 <= index < 12:
                cliff[index] += 1

    # The capability table is the scheduler's forecast counted by month; every power someone holds gets a row,
    # even one no one can use today (a row of zeros says so).
    starts = [as_of, *(add_months(first, i) for i in range(1, 12))]
    usable = await scheduler_services.capability(actor, starts, organisation_id, team_id)
    capability = {code: usable.get(code, [0] * len(starts)) for code in sorted({p.code for _, c in pairs
                                                                                 for p in c.powers})}

    queue: list[dict[str, Any]] = []
    for status in sorted(s.value for s in OPEN):
        rows, _ = await vetting_services.list_applications(actor, as_of=as_of, status=status,
                                                           organisation_id=organisation_id, limit=EVERYTHING)
        queue.extend(r for r in rows if r["requested_on"] <= as_of)
    in_view = {f.officer_id for f, _ in pairs} if team_id is not None else None
    queue = [r for r in queue if in_view is None or r["officer"] in in_view]
    names = {f.officer_id: f.name for f, _ in pairs}
    missing = sorted({r["officer"] for r in queue} - set(names))
    for officer_id, person in (await employment_rows(missing)).items():
        names[officer_id] = f"{person['given_name']} {person['family_name']}"
    buckets = []
    for low, high, label in QUEUE_BUCKETS:
        waiting = [r for r in queue if (as_of - r["requested_on"]).days >= low
                   and (high is None or (as_of - r["requested_on"]).days <= high)]
        buckets.append((label, len(waiting)))
    oldest = sorted(queue, key=lambda r: (r["requested_on"], r["id"]))[:15]

    at_risk = [
        {"name": f.name, "employer": f.employer.name, "team": teams.get(f.team_id or 0, ""),
         "status": c.status.value, "usable_until": c.powers_usable_until,
         "binding": c.binding, "plan": plans[f.officer_id], "next": next_step(plans[f.officer_id]),
         "overdue": overdue_count(plans[f.officer_id])}
        for f, c in pairs if c.status.value in ("red", "amber") or overdue_count(plans[f.officer_id])
    ]
    # Red, then amber, then green officers there only for an overdue step; the soonest lapse first within each.
    order = {"red": 0, "amber": 1}
    at_risk.sort(key=lambda r: (order.get(r["status"], 2), r["usable_until"] or dt.date.min, r["name"]))

    trend_months = [add_months(first, i) for i in range(-11, 1)]
    trend = [0] * 12
    for day in await scheduler_services.lapse_days(actor, trend_months[0], as_of, organisation_id, team_id):
        trend[(day.year - trend_months[0].year) * 12 + day.month - trend_months[0].month] += 1

    policy = await load_policy()
    titles = (await load_catalogue()).names
    return {
        "capacity": await _capacity(actor, as_of, organisation_id, team_id),
        "as_of": as_of,
        "officers": len(pairs),
        # The windows the cover states are the policy's (an administrator may change them), not fixed numbers.
        "warning_days": policy.warning_days, "overdue_after_days": policy.overdue_after_days,
        "readiness": [(employer, team, counts["red"], counts["amber"], counts["green"], counts["overdue"])
                      for (employer, team), counts in readiness.items()],
        "cliff_months": [month_label(m) for m in months], "cliff": cliff,
        "capability_starts": starts, "capability": capability,
        # The chart names each power by its title; the table beside it keeps the code (its column is narrow).
        "power_titles": {code: titles.power(code) for code in capability},
        "queue_buckets": buckets,
        "queue_oldest": [{"name": names.get(r["officer"]) or f"officer {r['officer']}", "level": r["level_code"],
                          "status": r["status"], "requested_on": r["requested_on"],
                          "days": (as_of - r["requested_on"]).days} for r in oldest],
        "queue_total": len(queue),
        "at_risk": at_risk,
        "trend_months": [month_label(m) for m in trend_months], "trend": trend,
    }


async def _capacity(actor: Principal, as_of: dt.date, organisation_id: int | None,
                    team_id: int | None) -> dict[str, Any] | None:
    """The capacity plan's months and unavoidable lapses for the pack (scheduler.planning), for those who may read
    it; None for a team's pack or a manager's (a force's capacity is planned for whole employers)."""
    if team_id is not None or not (actor.is_admin or actor.role in planning.READERS):
        return None
    plan = await planning.capacity_plan(actor, as_of, as_of, planning.DEFAULT_MONTHS, organisation_id)
    work = plan.unavoidable()
    people = await employment_rows(sorted({w.officer_id for w in work}))
    return {"rows": plan.rows(), "needed": plan.needed(), "capacity": plan.capacity(),
            "unavoidable": [{"name": f"{p['given_name']} {p['family_name']}" if (p := people.get(w.officer_id))
                             else f"officer {w.officer_id}", "kind": w.kind, "code": w.code,
                             "start_by": w.start_by, "expires_on": w.expires_on} for w in work]}


async def pack_title(actor: Principal, organisation_id: int | None) -> str:
    if organisation_id is not None:
        organisation = await register_services.get_organisation(actor, organisation_id)
        return f"Compliance pack: {organisation['name']}"
    return "Compliance pack"
