import datetime as dt

import pytest
from httpx import AsyncClient

from core.tables import AuditEvent
from register.facts import accreditation_facts, kit_facts
from register.kit import services as kit
from register.leaving import record_leaving
from register.tables import Accreditation, KitRecoveryTask
from tests.factories import SYSTEM, VISIBLE, World


async def setup_officer(client: AsyncClient, world: World, key: str = "A1a-1") -> dict:
    officer_id = world.officers[key]
    acc = (await client.post("/api/accreditations", json={
        "officer_id": officer_id, "force_id": world.forces["A"], "number": "SP-7", "granted_on": "2025-03-01",
        "expires_on": "2027-03-01", "power_codes": ["FPN_LITTER", "NA_ASB"]}, headers=world.auth("coord_a"))).json()
    items = {}
    for code, serial in (("ID_CARD", "ID-7"), ("CSAS_BADGE", None), ("UNIFORM", None), ("NOTEBOOK", "NB-7")):
        response = await client.post("/api/kit/issues", json={
            "officer_id": officer_id, "kit_type_code": code, "issued_on": "2025-03-02", "serial_number": serial,
            "size": "L"}, headers=world.auth("hr_a1"))
        assert response.status_code == 201, response.text
        items[code] = response.json()
    return {"officer_id": officer_id, "acc": acc, "items": items}


async def test_leaving_ends_accreditations_and_opens_card_and_badge_recovery(client, world) -> None:
    setup = await setup_officer(client, world)
    response = await client.post(f"/api/officers/{setup['officer_id']}/leave", json={"left_on": "2025-09-30"},
                                 headers=world.auth("hr_a1"))
    assert response.status_code == 200, response.text
    acc = (await client.get(f"/api/accreditations/{setup['acc']['id']}", headers=world.auth("coord_a"))).json()
    assert acc["ended_on"] == "2025-09-30" and acc["ended_reason"] == "officer left employer"
    assert acc["events"][-1]["kind"] == "ended" and acc["events"][-1]["actor"] == "hr_a1"
    tasks = await KitRecoveryTask.select(KitRecoveryTask.kit_issue.kit_type.code.as_alias("code"),
                                         KitRecoveryTask.opened_on, KitRecoveryTask.closed_on)
    assert sorted(t["code"] for t in tasks) == ["CSAS_BADGE", "ID_CARD"]
    assert all(t["opened_on"] == dt.date(2025, 9, 30) and t["closed_on"] is None for t in tasks)
    # returning the card (even as lost) closes its task
    card = setup["items"]["ID_CARD"]
    await client.post(f"/api/kit/issues/{card['id']}/return", json={"returned_on": "2025-10-03",
                                                                    "condition": "lost"}, headers=world.auth("hr_a1"))
    record = (await client.get(f"/api/officers/{setup['officer_id']}/record", headers=world.auth("hr_a1"))).json()
    assert [t["kit_type_code"] for t in record["open_recovery_tasks"]] == ["CSAS_BADGE"]
    card_now = next(i for i in record["kit_issues"] if i["kit_type_code"] == "ID_CARD")
    assert card_now["recovery_tasks"][0]["closed_on"] == "2025-10-03" and card_now["condition"] == "lost"
    audit = {r["action"] for r in await AuditEvent.select(AuditEvent.action)}
    assert {"officer.leave", "accreditation.end", "kit.recovery_open", "kit.return"} <= audit


async def test_leaving_is_all_or_nothing(client, world, monkeypatch) -> None:
    setup = await setup_officer(client, world)

    async def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(kit, "open_recovery_tasks", broken)
    with pytest.raises(RuntimeError):
        await record_leaving(SYSTEM, setup["officer_id"], dt.date(2025, 9, 30))
    row = await Accreditation.select(Accreditation.ended_on).where(Accreditation.id == setup["acc"]["id"]).first()
    assert row["ended_on"] is None


async def test_withdrawal_opens_recovery_unless_another_accreditation_is_in_force(client, world) -> None:
    setup = await setup_officer(client, world)
    other = await client.post("/api/accreditations", json={
        "officer_id": setup["officer_id"], "force_id": world.forces["B"], "number": "B-7",
        "granted_on": "2025-03-01", "expires_on": "2026-01-01", "power_codes": ["NA_ASB"]},
        headers=world.auth("admin"))
    await client.post(f"/api/accreditations/{setup['acc']['id']}/withdraw",
                      json={"on": "2025-06-01", "reason": "Conduct"}, headers=world.auth("coord_a"))
    assert await KitRecoveryTask.count() == 0  # force B's accreditation is still in force
    await client.post(f"/api/accreditations/{other.json()['id']}/withdraw",
                      json={"on": "2025-07-01", "reason": "Conduct"}, headers=world.auth("admin"))
    assert await KitRecoveryTask.count() == 2


async def test_record_lists_everything_in_date_order(client, world) -> None:
    setup = await setup_officer(client, world)
    acc_id = setup["acc"]["id"]
    await client.post(f"/api/accreditations/{acc_id}/suspend", json={"on": "2025-05-01", "reason": "Complaint"},
                      headers=world.auth("coord_a"))
    await client.post(f"/api/kit/issues/{setup['items']['NOTEBOOK']['id']}/return",
                      json={"returned_on": "2025-04-01", "condition": "serviceable"}, headers=world.auth("hr_a1"))
    response = await client.get(f"/api/officers/{setup['officer_id']}/record", headers=world.auth("off_a1a1"))
    assert response.status_code == 200
    record = response.json()
    assert [a["number"] for a in record["accreditations"]] == ["SP-7"]
    assert {p["code"] for p in record["accreditations"][0]["powers"]} == {"FPN_LITTER", "NA_ASB"}
    assert len(record["kit_issues"]) == 4 and record["open_recovery_tasks"] == []
    days = [e["on"] for e in record["events"]]
    assert days == sorted(days)
    kinds = [e["kind"] for e in record["events"]]
    assert kinds[0] == "accreditation.granted" and "kit.issued" in kinds and "kit.returned" in kinds
    assert kinds[-1] == "accreditation.suspended" and record["events"][-1]["reason"] == "Complaint"


@pytest.mark.parametrize("who", sorted(VISIBLE))
async def test_record_scope(client, world, who) -> None:
    for key in ("A1a-1", "B1a-1"):
        response = await client.get(f"/api/officers/{world.officers[key]}/record", headers=world.auth(who))
        expected = 200 if key in VISIBLE[who] else 403
        assert response.status_code == expected
    response = await client.get("/api/officers/9999/record", headers=world.auth("admin"))
    assert response.status_code == 404


async def test_facts_for_the_scheduler(client, world) -> None:
    setup = await setup_officer(client, world)
    await client.post(f"/api/accreditations/{setup['acc']['id']}/suspend",
                      json={"on": "2025-05-01", "reason": "Complaint"}, headers=world.auth("coord_a"))
    other = world.officers["A1a-2"]
    facts = await accreditation_facts([setup["officer_id"], other], dt.date.max, frozenset({"FPN_LITTER"}))
    assert facts[other] == ()
    (acc,) = facts[setup["officer_id"]]
    assert acc.force_id == world.forces["A"] and acc.expires_on == dt.date(2027, 3, 1)
    assert acc.suspensions == ((dt.date(2025, 5, 1), None),)
    assert acc.ended_on is None
    assert {p.code: (p.granted_on, p.is_traffic) for p in acc.powers} == {
        "FPN_LITTER": (dt.date(2025, 3, 1), True), "NA_ASB": (dt.date(2025, 3, 1), False)}
    by_officer = await kit_facts([setup["officer_id"], other])
    assert by_officer[other] == ()
    card = next(k for k in by_officer[setup["officer_id"]] if k.kit_type_code == "ID_CARD")
    assert card.expires_on == dt.date(2027, 3, 1) and card.returned_on is None and card.issue_id > 0
