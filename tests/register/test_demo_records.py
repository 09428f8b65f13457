import datetime as dt

from core.access import Principal
from register import demo
from register.accreditations.rules import suspension_periods
from register.facts import accreditation_facts, is_accreditation_in_force, kit_facts
from register.tables import Accreditation, KitIssue, KitRecoveryTask

TODAY = dt.date(2026, 11, 22)
SYSTEM = Principal.system("demo")


async def test_demo_force_has_realistic_accreditations_powers_and_kit() -> None:
    people = await demo.load(SYSTEM, TODAY)
    await demo.load_records(SYSTEM, people, TODAY)
    all_ids = [i for ids in people.officer_ids.values() for i in ids]
    facts = await accreditation_facts(all_ids, TODAY, frozenset())
    assert all(len(facts[i]) == 1 for i in all_ids)
    lapse = people.officer_ids[people.lapse_borough]
    for officer_id in lapse[:5]:
        days = (facts[officer_id][0].expires_on - TODAY).days
        assert 45 <= days <= 75
    for borough, ids in people.officer_ids.items():
        if borough != people.lapse_borough:
            for officer_id in ids:
                assert facts[officer_id][0].expires_on >= TODAY + dt.timedelta(days=180)
    codes = {p.code for i in all_ids for p in facts[i][0].powers}
    assert {"FPN_LITTER", "NA_ASB", "PND_DISORDER", "TRAFFIC_CONTROL"} <= codes
    suspended = [i for i in all_ids if facts[i][0].suspensions]
    assert suspended == [lapse[5]]
    ended = [i for i in all_ids if facts[i][0].ended_on is not None]
    assert len(ended) == 1
    assert await KitRecoveryTask.count().where(KitRecoveryTask.closed_on.is_null()) == 2  # card and badge
    kit_by_officer = await kit_facts(all_ids)
    assert all({"ID_CARD", "CSAS_BADGE", "HI_VIS_JACKET", "UNIFORM", "STAB_VEST", "NOTEBOOK"}
               <= {k.kit_type_code for k in kit_by_officer[i]} for i in all_ids)
    vests = [k for i in all_ids for k in kit_by_officer[i] if k.kit_type_code == "STAB_VEST"]
    assert any(TODAY < v.expires_on <= TODAY + dt.timedelta(days=60) for v in vests)  # nearly 10 years old
    assert await KitIssue.count().where(KitIssue.kit_type.code == "FPN_DEVICE") > 0
    in_force = [
        i for i in all_ids
        if is_accreditation_in_force(facts[i][0], TODAY)
    ]
    assert len(in_force) == len(all_ids) - 2
    assert await Accreditation.count() == len(all_ids)
    assert suspension_periods([]) == ()


async def test_demo_records_are_deterministic() -> None:
    people = await demo.load(SYSTEM, TODAY)
    await demo.load_records(SYSTEM, people, TODAY)
    first = await Accreditation.select(Accreditation.number, Accreditation.granted_on, Accreditation.expires_on) \
        .order_by(Accreditation.id)
    assert first[0]["number"].startswith("SP-CSAS-RB-")
    assert first[0]["expires_on"] == TODAY + dt.timedelta(days=45)
