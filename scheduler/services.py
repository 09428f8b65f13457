"""Loading the facts, judging compliance, planning and forecasting for officers in the caller's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

from piccolo.columns.combination import WhereRaw

from core.roles import Principal
from register import accreditations as register_accreditations
from register import kit as register_kit
from register.employment import employment_facts, scoped_officer_ids, scoped_officers_sql, visible_employment
from scheduler import outlook
from scheduler.facts import (
    AccreditationFact,
    ApplicationFact,
    BookingFact,
    ClearanceFact,
    DesignatedPowerFact,
    EmployerFact,
    KitFact,
    ModuleFact,
    OfficerFacts,
)
from scheduler.policy import Policy
from scheduler.policy_store import Catalogue, load_catalogue
from scheduler.rules import Compliance, PlanStep, compute_compliance, compute_plan
from scheduler.tables import LapseEvent
from training import services as training_services
from vetting import services as vetting_services

BATCH = 500


def _min_date(*dates: dt.date | None) -> dt.date | None:
    present = [d for d in dates if d is not None]
    return min(present) if present else None


def _accreditation(row: dict[str, Any], traffic: frozenset[str]) -> AccreditationFact:
    return AccreditationFact(
        accreditation_id=row["id"],
        force_id=row["force_id"],
        number=row["number"],
        granted_on=row["granted_on"],
        expires_on=row["expires_on"],
        ended_on=_min_date(row["withdrawn_on"], row["ended_on"]),
        suspensions=tuple((start, end) for start, end in row["suspensions"]),
        recorded_on=row["recorded_on"],
        powers=tuple(
            DesignatedPowerFact(p["code"], p["granted_on"], p["withdrawn_on"], p["code"] in traffic)
            for p in row["powers"]
        ),
    )


def _clearance(fact: Any) -> ClearanceFact | None:
    if fact.expires_on is None:
        return None
    return ClearanceFact(
        application_id=fact.application_id,
        level_code=fact.level_code,
        granted_on=fact.granted_on,
        expires_on=fact.expires_on,
        next_review_due_on=fact.next_review_due_on,
        ended_on=fact.ended_on,
        later_applications=tuple(ApplicationFact(a.application_id, a.level_code, a.requested_on, a.stopped_on)
                                 for a in fact.later_applications),
    )


def _kit(row: dict[str, Any]) -> KitFact:
    return KitFact(
        issue_id=row["id"],
        kit_type_code=row["kit_type_code"],
        issued_on=row["issued_on"],
        returned_on=row["returned_on"],
        expires_on=row["expires_on"],
        next_inspection_due_on=row["next_inspection_due_on"],
        condition=row["condition"] or "serviceable",
        serial_number=row["serial_number"] or "",
    )


async def iter_facts(
    officer_ids: list[int], as_of: dt.date, catalogue: Catalogue | None = None,
) -> AsyncIterator[dict[int, OfficerFacts]]:
    """The facts of these officers a batch of 500 at a time (a handful of queries per batch), so work over a
    whole force holds one batch of facts in memory, not the force's."""
    traffic = (catalogue or await load_catalogue()).traffic_powers
    for start in range(0, len(officer_ids), BATCH):
        yield await _load_batch(officer_ids[start:start + BATCH], as_of, traffic)


async def load_facts(
    officer_ids: list[int], as_of: dt.date, catalogue: Catalogue | None = None,
) -> dict[int, OfficerFacts]:
    """Everything compliance needs for these officers, a handful of queries per batch of 500."""
    out: dict[int, OfficerFacts] = {}
    async for batch in iter_facts(officer_ids, as_of, catalogue):
        out.update(batch)
    return out


async def _load_batch(
    ids: list[int], as_of: dt.date, traffic: frozenset[str], people: dict[int, dict[str, Any]] | None = None,
) -> dict[int, OfficerFacts]:
    out: dict[int, OfficerFacts] = {}
    if people is None:
        people = await employment_facts(ids)
    accreditations = await register_accreditations.accreditation_facts(ids)
    kit = await register_kit.kit_facts(ids)
    clearances = await vetting_services.clearance_facts(ids, as_of)
    modules = await training_services.training_facts(ids, as_of)
    for officer_id in ids:
        person = people.get(officer_id)
        if person is None:
            continue
        out[officer_id] = OfficerFacts(
            officer_id=officer_id,
            name=f"{person['given_name']} {person['family_name']}",
            team_id=person["team"],
            employer=EmployerFact(
                organisation_id=person["organisation"],
                name=person["organisation_name"],
                approved_on=person["arrangement_approved_on"],
                ended_on=person["arrangement_ended_on"],
                review_due_on=person["arrangement_review_due_on"],
                force_id=person["force_id"],
            ),
            left_on=person["left_on"],
            email=person["email"] or "",
            accreditations=tuple(a for a in (_accreditation(row, traffic) for row in accreditations.get(officer_id, []))
                                 if a.counted_from <= as_of),
            clearances=tuple(c for c in (_clearance(f) for f in clearances.get(officer_id, [])) if c),
            modules={
                code: ModuleFact(code, m.completed_on, m.expires_on,
                                 tuple(BookingFact(b.starts_on, b.recorded_on) for b in m.bookings),
                                 m.earlier_passes)
                for code, m in modules.get(officer_id, {}).items()
            },
            kit=tuple(_kit(k) for k in kit.get(officer_id, [])),
        )
    return out


async def _one(actor: Principal, officer_id: int, as_of: dt.date) -> tuple[OfficerFacts, Policy]:
    person = await visible_employment(actor, officer_id)  # 404 unknown, 403 outside scope
    catalogue = await load_catalogue()
    facts = await _load_batch([officer_id], as_of, catalogue.traffic_powers, {officer_id: person})
    return facts[officer_id], catalogue.policy


async def officer_compliance(actor: Principal, officer_id: int, as_of: dt.date) -> Compliance:
    facts, policy = await _one(actor, officer_id, as_of)
    return compute_compliance(facts, as_of, policy)


async def officer_plan(actor: Principal, officer_id: int, as_of: dt.date) -> list[PlanStep]:
    facts, policy = await _one(actor, officer_id, as_of)
    return compute_plan(facts, as_of, policy)


async def officer_judgement(actor: Principal, officer_id: int, as_of: dt.date) -> tuple[Compliance, list[PlanStep]]:
    """Compliance and plan from one load of the officer's facts (pages that show both)."""
    facts, policy = await _one(actor, officer_id, as_of)
    return compute_compliance(facts, as_of, policy), compute_plan(facts, as_of, policy)


async def _facts_in_scope(
    actor: Principal, as_of: dt.date, organisation_id: int | None, team_id: int | None,
) -> tuple[dict[int, OfficerFacts], Policy]:
    ids = await scoped_officer_ids(actor, organisation_id, team_id, active_on=as_of)
    catalogue = await load_catalogue()
    return await load_facts(ids, as_of, catalogue), catalogue.policy


async def compliance_for(
    actor: Principal, as_of: dt.date, organisation_id: int | None = None, team_id: int | None = None,
) -> list[tuple[OfficerFacts, Compliance]]:
    """Compliance of every officer in scope still serving on as_of (team readiness, reports)."""
    facts, policy = await _facts_in_scope(actor, as_of, organisation_id, team_id)
    return [(f, compute_compliance(f, as_of, policy)) for f in facts.values()]


async def judgements_for(
    actor: Principal, as_of: dt.date, organisation_id: int | None = None, team_id: int | None = None,
) -> list[tuple[OfficerFacts, Compliance, list[PlanStep]]]:
    """compliance_for with each officer's plan too, from the same facts (the expiry calendar)."""
    facts, policy = await _facts_in_scope(actor, as_of, organisation_id, team_id)
    return [(f, compute_compliance(f, as_of, policy), compute_plan(f, as_of, policy)) for f in facts.values()]


async def forecast(
    actor: Principal, from_on: dt.date, to_on: dt.date, organisation_id: int | None = None,
    team_id: int | None = None,
) -> list[dict[str, Any]]:
    """Powers usable on from_on that become unusable on a day up to to_on, earliest first. Read from the stored
    outlook (scheduler/outlook.py); officers whose facts or the catalogue changed since they were last judged for
    from_on are judged now, a batch at a time, and stored."""
    ids = await _judged(actor, from_on, organisation_id, team_id)
    return await _lapsing(ids, from_on, to_on)


async def capability(
    actor: Principal, starts: list[dt.date], organisation_id: int | None = None, team_id: int | None = None,
) -> dict[str, list[int]]:
    """For each power, how many officers can use it on each day of `starts` (ascending, the first being the day
    judged): those who can use it on starts[0], less those the forecast sees become unusable before each day.
    The compliance pack's capability table, so that it and the forecast are one computation, not two."""
    ids = await _judged(actor, starts[0], organisation_id, team_id)
    usable = await outlook.usable_counts(ids, starts[0])
    lapses = await _lapsing(ids, starts[0], starts[-1])
    return {code: [officers - sum(1 for row in lapses if row["code"] == code and row["usable_until"] < start)
                   for start in starts]
            for code, officers in usable.items()}


async def _judged(actor: Principal, day: dt.date, organisation_id: int | None, team_id: int | None) -> list[int]:
    """The officers in scope serving on `day`, each given a stored judgement for that day that is current."""
    ids = await scoped_officer_ids(actor, organisation_id, team_id, active_on=day)
    await _judge_and_store(await outlook.unjudged(ids, day), day)
    return ids


async def _lapsing(officer_ids: list[int], from_on: dt.date, to_on: dt.date) -> list[dict[str, Any]]:
    rows = await outlook.lapsing(officer_ids, from_on, to_on)
    return sorted(rows, key=lambda r: (r["usable_until"], r["name"], r["officer_id"], r["code"]))


async def _judge_and_store(officer_ids: list[int], day: dt.date) -> None:
    for start in range(0, len(officer_ids), BATCH):
        batch = officer_ids[start:start + BATCH]
        # The stamp and versions are read before the catalogue and facts they describe: a change landing in
        # between leaves the stored judgement out of date, never wrongly current.
        stamp = await outlook.catalogue_stamp()
        versions = await outlook.fact_versions(batch)
        catalogue = await load_catalogue()
        facts = await _load_batch(batch, day, catalogue.traffic_powers)
        await outlook.store(day, stamp, [
            outlook.Judged(officer_id, facts[officer_id].name, versions[officer_id],
                           compute_compliance(facts[officer_id], day, catalogue.policy))
            for officer_id in batch if officer_id in facts
        ])


async def lapse_days(
    actor: Principal, first: dt.date, last: dt.date, organisation_id: int | None = None, team_id: int | None = None,
) -> list[dt.date]:
    """The day of each power lapse recorded from `first` to `last` for officers in the actor's scope (the trend)."""
    in_scope, args = scoped_officers_sql(actor, organisation_id, team_id)
    rows = await LapseEvent.select(LapseEvent.lapsed_on).where(
        (LapseEvent.lapsed_on >= first) & (LapseEvent.lapsed_on <= last)
        & WhereRaw('"lapse_event"."officer_id" IN (' + in_scope + ")", *args))
    return [row["lapsed_on"] for row in rows]
