"""Loading the facts, judging compliance, planning and forecasting for officers in the caller's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

from piccolo.columns.combination import WhereRaw

from core.access import Principal
from register.facts import PersonFact, accreditation_facts, kit_facts, person_facts
from register.officers.employment import scoped_officer_ids, scoped_officers_sql, visible_employment
from scheduler import outlook
from scheduler.facts import OfficerFacts
from scheduler.kinds import PlanStep
from scheduler.policy import Policy
from scheduler.policy_store import Catalogue, load_catalogue
from scheduler.rules import Compliance, compute_compliance, compute_plan
from scheduler.tables import LapseEvent
from training.facts import training_facts
from vetting.facts import clearance_facts

BATCH = 500


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
    ids: list[int], as_of: dt.date, traffic: frozenset[str], people: dict[int, PersonFact] | None = None,
) -> dict[int, OfficerFacts]:
    """Assembles each officer's facts from the domains' loaders, which hand over final typed facts: nothing is
    converted here (this runs for every officer judged)."""
    if people is None:
        people = await person_facts(ids)
    accreditations = await accreditation_facts(ids, as_of, traffic)
    kit = await kit_facts(ids)
    clearances = await clearance_facts(ids, as_of)
    modules = await training_facts(ids, as_of)
    return {
        officer_id: OfficerFacts(
            person.officer_id, person.name, person.team_id, person.employer, person.left_on, person.email,
            accreditations[officer_id], clearances[officer_id], modules[officer_id], kit[officer_id],
        )
        for officer_id in ids if (person := people.get(officer_id)) is not None
    }


async def _one(actor: Principal, officer_id: int, as_of: dt.date) -> tuple[OfficerFacts, Policy]:
    person = await visible_employment(actor, officer_id)  # 404 unknown, 403 outside scope
    catalogue = await load_catalogue()
    facts = await _load_batch([officer_id], as_of, catalogue.traffic_powers, {officer_id: PersonFact.of(person)})
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


async def compliance_of(actor: Principal, officer_ids: list[int], as_of: dt.date) -> dict[int, Compliance]:
    """Compliance of the named officers the actor may see and who still serve on as_of (a page of the officer
    list): others are left out, whatever ids are passed."""
    allowed = set(await scoped_officer_ids(actor, None, None, active_on=as_of)) & set(officer_ids)
    catalogue = await load_catalogue()
    facts = await load_facts(sorted(allowed), as_of, catalogue)
    return {oid: compute_compliance(f, as_of, catalogue.policy) for oid, f in facts.items()}


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
    judged): those who can use it on starts[0], less those the forecast sees unusable on each day (from the day
    after usable_until until a renewal on record resumes it). The compliance pack's capability table, so that it
    and the forecast are one computation, not two."""
    ids = await _judged(actor, starts[0], organisation_id, team_id)
    usable = await outlook.usable_counts(ids, starts[0])
    gaps: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
    for row in await _lapsing(ids, starts[0], starts[-1]):
        gaps.setdefault(row["code"], []).append((row["usable_until"], row["resumes_on"]))
    return {code: [officers - sum(1 for until, resumes in gaps.get(code, ())
                                  if until < start and (resumes is None or start < resumes))
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
