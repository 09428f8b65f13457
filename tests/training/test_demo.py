"""The demo force's training histories load through the services and tell the story they should."""

import datetime as dt

from core.access import Principal
from register import demo as register_demo
from scheduler.policy import Policy
from training import demo as training_demo
from training.facts import record_facts, training_facts
from training.rules import CellState, compute_cell_state, counting_record, is_in_date
from training.tables import TrainingBooking, TrainingRecord

TODAY = dt.date(2026, 11, 22)


async def test_demo_training_histories() -> None:
    actor = Principal.system("demo")
    people = await register_demo.load(actor, TODAY)
    await training_demo.load(actor, people, TODAY)
    everyone = [o for ids in people.officer_ids.values() for o in ids]
    facts = await training_facts(everyone, TODAY)
    records = await record_facts(everyone, TODAY)
    # Every officer passed the CSAS course and holds the core modules.
    for officer_id in everyone:
        assert {"CSAS_CORE", "PENALTY_NOTICES", "SAFEGUARDING", "PERSONAL_SAFETY", "FIRST_AID",
                "DATA_PROTECTION"} <= set(facts[officer_id])
    assert await TrainingRecord.count().where(TrainingRecord.result == "referred") >= 5
    assert 0 < sum("CSAS_TRAFFIC" in facts[o] for o in everyone) < len(everyone)
    assert 0 < sum("BODY_WORN_VIDEO" in facts[o] for o in everyone) < len(everyone)
    # The lapse team's first five: CSAS course expiring in 60-100 days, no refresher in hand.
    lapse = people.officer_ids[people.lapse_borough]
    for officer_id in lapse[:5]:
        core = facts[officer_id]["CSAS_CORE"]
        assert core.expires_on is not None and 60 <= (core.expires_on - TODAY).days <= 100
        assert core.bookings == ()
    # Elsewhere: CSAS courses in date, and a realistic mix of expired and expiring modules.
    states = [compute_cell_state(counting_record(records[o], code, TODAY), TODAY, Policy().warning_days)
              for o in everyone for code in ("PERSONAL_SAFETY", "SAFEGUARDING", "PENALTY_NOTICES", "FIRST_AID")]
    assert states.count(CellState.EXPIRED) >= 3 and states.count(CellState.EXPIRING) >= 3
    others = [o for b, ids in people.officer_ids.items() if b != people.lapse_borough for o in ids]
    assert all(is_in_date(counting_record(records[o], "CSAS_CORE", TODAY), TODAY) for o in others)
    bookings = {b["status"] for b in await TrainingBooking.select(TrainingBooking.status)}
    assert bookings == {"booked", "attended", "cancelled", "no_show"}
    assert await TrainingRecord.count().where(TrainingRecord.booking.is_not_null()) == 1
