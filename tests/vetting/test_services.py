"""clearance_facts for the scheduler (as-of correct, batched) and the demo loader."""

import datetime as dt

import pytest

from core.access import Principal
from core.dates import add_months
from register import demo as register_demo
from tests.factories import World
from vetting import demo as vetting_demo
from vetting import services
from vetting.facts import clearance_facts
from vetting.rules import READ_STATUSES, compute_status
from vetting.tables import Declaration, VettingApplication, VettingEvent

SYSTEM = Principal.system("test")
D = dt.date
TODAY = D(2026, 11, 22)


async def _grant(officer_id: int, level: str, granted_on: D, **extra) -> int:
    app = await services.create_application(SYSTEM, officer_id=officer_id, level_code=level,
                                            requested_on=granted_on - dt.timedelta(days=30), today=TODAY, **extra)
    await services.record_event(SYSTEM, app["id"], status="submitted", on=granted_on - dt.timedelta(days=29))
    await services.record_event(SYSTEM, app["id"], status="in_progress", on=granted_on - dt.timedelta(days=20))
    await services.record_event(SYSTEM, app["id"], status="granted", on=granted_on)
    return int(app["id"])


async def test_clearance_facts_as_of(world: World) -> None:
    a, b, c = world.officers["A1a-1"], world.officers["A1a-2"], world.officers["B1a-1"]
    first = await _grant(a, "NPPV2A", D(2023, 3, 31))
    renewal = await services.create_application(SYSTEM, officer_id=a, level_code="NPPV2A",
                                                requested_on=D(2025, 10, 1), today=TODAY)  # no link needed
    nppv3 = await _grant(b, "NPPV3", D(2024, 2, 29))
    await services.record_event(SYSTEM, nppv3, status="revoked", on=D(2026, 6, 1))
    declaration = await services.create_declaration(SYSTEM, officer_id=b, kind="annual_self_declaration",
                                                    made_on=D(2025, 2, 10), categories=[], today=TODAY)
    await services.acknowledge_declaration(SYSTEM, declaration["id"], on=D(2025, 2, 12), today=TODAY)

    facts = await clearance_facts([a, b, c], D(2025, 9, 30))
    assert set(facts) == {a, b, c} and facts[c] == ()
    (fa,) = facts[a]
    assert (fa.application_id, fa.level_code, fa.granted_on, fa.expires_on) == (first, "NPPV2A", D(2023, 3, 31),
                                                                                 D(2026, 3, 31))
    assert fa.next_review_due_on is None  # NPPV2A has no annual review
    assert fa.later_applications == () and fa.ended_on is None  # the renewal is dated after as_of
    (fb,) = facts[b]
    assert fb.ended_on is None and fb.expires_on == D(2029, 2, 28)
    assert fb.next_review_due_on == D(2026, 2, 10)  # reviewed by the acknowledged declaration

    later = await clearance_facts([a, b], D(2026, 6, 1))
    assert [(x.application_id, x.requested_on, x.stopped_on) for x in later[a][0].later_applications] == [
        (renewal["id"], D(2025, 10, 1), None)]
    assert (later[b][0].ended_on, later[b][0].ended_status) == (D(2026, 6, 1), "revoked")

    before_review = await clearance_facts([b], D(2025, 2, 11))
    assert before_review[b][0].next_review_due_on == D(2025, 2, 28)  # acknowledged only on 12 Feb
    assert await clearance_facts([a], D(2023, 3, 30)) == {a: ()}
    assert await clearance_facts([], TODAY) == {}


async def test_withdrawn_renewal_does_not_count(world: World) -> None:
    a = world.officers["A1a-1"]
    first = await _grant(a, "NPPV2A", D(2023, 3, 31))
    renewal = await services.create_application(SYSTEM, officer_id=a, level_code="NPPV2A",
                                                requested_on=D(2025, 10, 1), today=TODAY,
                                                renews_application_id=first)
    await services.record_event(SYSTEM, renewal["id"], status="withdrawn", on=D(2025, 11, 1))
    (alive,) = (await clearance_facts([a], D(2025, 10, 31)))[a][0].later_applications
    (withdrawn,) = (await clearance_facts([a], D(2025, 11, 1)))[a][0].later_applications
    assert (alive.stopped_on, withdrawn.stopped_on) == (None, D(2025, 11, 1))


@pytest.mark.parametrize("today", [TODAY, D(2028, 3, 1), D(2027, 1, 31)])
async def test_demo_force_holds_applications_in_every_state(today: D) -> None:
    actor = Principal.system("demo")
    people = await register_demo.load(actor, today)
    await vetting_demo.load(actor, people, today)
    rows = await VettingApplication.select(VettingApplication.status, VettingApplication.expires_on)
    shown = {compute_status(r["status"], r["expires_on"], today) for r in rows}
    assert shown == set(READ_STATUSES)
    lapse_ids = people.officer_ids[people.lapse_borough][:5]
    facts = await clearance_facts(lapse_ids, today)
    for officer_id in lapse_ids:
        (fact,) = [f for f in facts[officer_id] if f.ended_on is None and f.expires_on and f.expires_on > today]
        assert today < fact.expires_on <= today + dt.timedelta(days=60)
        assert all(a.stopped_on is not None for a in fact.later_applications)  # no renewal alive
    others = [i for b, ids in people.officer_ids.items() if b != people.lapse_borough for i in ids[:5]]
    in_date = await clearance_facts(others, today)
    for officer_id in others:
        (fact,) = in_date[officer_id]
        assert fact.expires_on is not None and fact.expires_on > add_months(today, 3)
        assert fact.next_review_due_on is None or fact.next_review_due_on > today
    assert await VettingEvent.count().where(VettingEvent.note.is_not_null()) >= 3
    declarations = await Declaration.select()
    assert len(declarations) == 2 and sum(d["acknowledged_on"] is None for d in declarations) == 1
