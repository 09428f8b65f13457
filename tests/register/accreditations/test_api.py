import pytest
from httpx import AsyncClient

from core.access import Role
from core.tables import AuditEvent
from register.tables import Accreditation, AccreditationEvent, DesignatedPower
from tests.factories import VISIBLE, World, make_user

POWERS = ["FPN_LITTER", "NA_ASB"]


def body(world: World, **changes) -> dict:
    return {
        "officer_id": world.officers["A1a-1"], "force_id": world.forces["A"], "number": "SP-001",
        "granted_on": "2025-03-01", "expires_on": "2027-03-01", "power_codes": POWERS,
    } | changes


async def grant(client: AsyncClient, world: World, who: str = "coord_a", **changes) -> dict:
    response = await client.post("/api/accreditations", json=body(world, **changes), headers=world.auth(who))
    assert response.status_code == 201, response.text
    return response.json()


async def change(client, world, acc_id, action, on, reason="because", who="coord_a"):
    return await client.post(f"/api/accreditations/{acc_id}/{action}", json={"on": on, "reason": reason},
                             headers=world.auth(who))


async def test_coordinator_grants_with_powers_events_and_audit(client: AsyncClient, world: World) -> None:
    acc = await grant(client, world, conditions="Borough of A1 only")
    assert acc["number"] == "SP-001" and acc["conditions"] == "Borough of A1 only"
    assert acc["status"] == "in_force" and acc["force_id"] == world.forces["A"]
    assert [p["code"] for p in acc["powers"]] == POWERS
    assert all(p["granted_on"] == "2025-03-01" and p["in_force"] for p in acc["powers"])
    assert [e["kind"] for e in acc["events"]] == ["granted", "power_granted", "power_granted"]
    assert acc["events"][0]["actor"] == "coord_a"
    audit = await AuditEvent.select().where(AuditEvent.entity == "accreditation").first()
    assert audit["action"] == "accreditation.grant" and audit["actor"] == "coord_a"
    got = await client.get(f"/api/accreditations/{acc['id']}", headers=world.auth("off_a1a1"))
    assert got.status_code == 200 and got.json() == acc


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"expires_on": "2025-03-01"}, "expires_on"),  # expiry on the granted day
        ({"expires_on": "2025-02-28"}, "expires_on"),
        ({"number": ""}, "number"),
        ({"power_codes": ["NO_SUCH_POWER"]}, "power_codes"),
        ({"granted_on": "2024-01-14"}, "granted_on"),  # the day before the officer started
        ({"granted_on": "2025-02-30"}, "granted_on"),
        ({"force_id": 9999}, "force_id"),
        ({"power_codes": "FPN_LITTER"}, "power_codes"),
    ],
)
async def test_bad_input_is_422_and_writes_nothing(client, world, changes, field) -> None:
    response = await client.post("/api/accreditations", json=body(world, **changes), headers=world.auth("admin"))
    assert response.status_code == 422, response.text
    assert field in {v.get("field") for v in response.json()["violations"]}
    assert await Accreditation.count() == 0 and await AccreditationEvent.count() == 0


async def test_repealed_power_is_409_and_writes_nothing(client, world) -> None:
    response = await client.post("/api/accreditations", json=body(world, power_codes=["FPN_DOG_FOULING"]),
                                 headers=world.auth("coord_a"))
    assert response.status_code == 409 and response.json()["code"] == "power_repealed"
    assert await Accreditation.count() == 0


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("vet_a", 403, "role_not_allowed"),
        ("hr_a1", 403, "role_not_allowed"),
        ("mgr_a1a", 403, "role_not_allowed"),
        ("off_a1a1", 403, "role_not_allowed"),
    ],
)
async def test_only_coordinators_and_admins_grant(client, world, who, status, code) -> None:
    response = await client.post("/api/accreditations", json=body(world), headers=world.auth(who))
    assert response.status_code == status and response.json()["code"] == code
    assert await Accreditation.count() == 0


async def test_coordinator_of_another_force_cannot_grant_or_change(client, world) -> None:
    await make_user(world, "coord_b", Role.CSAS_COORDINATOR, force_id=world.forces["B"])
    # force A officer, force A accreditation: outside coord_b's scope
    response = await client.post("/api/accreditations", json=body(world), headers=world.auth("coord_b"))
    assert response.status_code == 403
    # force B officer, but an accreditation from force A: coord_b acts only for force B
    response = await client.post("/api/accreditations", json=body(world, officer_id=world.officers["B1a-1"]),
                                 headers=world.auth("coord_b"))
    assert response.status_code == 403 and response.json()["code"] == "force_out_of_scope"
    assert await Accreditation.count() == 0
    own = await grant(client, world, "coord_b", officer_id=world.officers["B1a-1"], force_id=world.forces["B"])
    response = await change(client, world, own["id"], "suspend", "2025-04-01", who="coord_a")
    assert response.status_code == 403
    assert await AccreditationEvent.count().where(AccreditationEvent.kind == "suspended") == 0


async def test_suspend_reinstate_withdraw_and_their_refusals(client, world) -> None:
    acc = await grant(client, world)
    response = await change(client, world, acc["id"], "reinstate", "2025-04-01")
    assert response.status_code == 409 and response.json()["code"] == "not_suspended"
    response = await change(client, world, acc["id"], "suspend", "2025-02-28")  # before granted_on
    assert response.status_code == 422 and response.json()["violations"][0]["field"] == "on"
    response = await change(client, world, acc["id"], "suspend", "2025-04-01", reason="")
    assert response.status_code == 422 and response.json()["violations"][0]["field"] == "reason"
    response = await change(client, world, acc["id"], "suspend", "2025-03-01", "Complaint under investigation")
    assert response.status_code == 200 and response.json()["suspended_on"] == "2025-03-01"
    response = await change(client, world, acc["id"], "suspend", "2025-04-01")
    assert response.status_code == 409 and response.json()["code"] == "already_suspended"
    response = await change(client, world, acc["id"], "reinstate", "2025-02-28")
    assert response.status_code == 422
    await change(client, world, acc["id"], "reinstate", "2025-03-10")
    response = await change(client, world, acc["id"], "suspend", "2025-03-09")  # before the last change
    assert response.status_code == 409 and response.json()["code"] == "event_out_of_order"
    response = await change(client, world, acc["id"], "withdraw", "2025-06-01", "Failed vetting")
    body_ = response.json()
    assert response.status_code == 200 and body_["withdrawn_on"] == "2025-06-01" and body_["status"] == "withdrawn"
    assert [e["kind"] for e in body_["events"]][-3:] == ["suspended", "reinstated", "withdrawn"]
    assert body_["events"][-1]["reason"] == "Failed vetting"
    for action in ("suspend", "reinstate", "withdraw"):
        response = await change(client, world, acc["id"], action, "2025-07-01")
        assert response.status_code == 409 and response.json()["code"] == "accreditation_closed"
    actions = {r["action"] for r in await AuditEvent.select(AuditEvent.action)}
    assert {"accreditation.suspend", "accreditation.reinstate", "accreditation.withdraw"} <= actions


async def test_unknown_accreditation_is_404(client, world) -> None:
    response = await change(client, world, 999, "suspend", "2025-04-01")
    assert response.status_code == 404 and response.json()["code"] == "accreditation_not_found"
    response = await client.get("/api/accreditations/999", headers=world.auth("admin"))
    assert response.status_code == 404


async def test_designating_and_withdrawing_powers(client, world) -> None:
    acc = await grant(client, world)
    url = f"/api/accreditations/{acc['id']}/powers"
    response = await client.post(url, json={"code": "TRAFFIC_CONTROL", "granted_on": "2025-05-01"},
                                 headers=world.auth("coord_a"))
    assert response.status_code == 201
    assert {p["code"] for p in response.json()["powers"]} == {*POWERS, "TRAFFIC_CONTROL"}
    response = await client.post(url, json={"code": "NA_ASB", "granted_on": "2025-05-01"},
                                 headers=world.auth("coord_a"))
    assert response.status_code == 409 and response.json()["code"] == "power_already_designated"
    response = await client.post(url, json={"code": "FPN_DOG_CONTROL_ORDER", "granted_on": "2025-05-01"},
                                 headers=world.auth("coord_a"))
    assert response.status_code == 409 and response.json()["code"] == "power_repealed"
    response = await client.post(url, json={"code": "NOPE", "granted_on": "2025-05-01"},
                                 headers=world.auth("coord_a"))
    assert response.status_code == 422 and response.json()["violations"][0]["field"] == "code"
    for day in ("2025-02-28", "2027-03-01"):  # before the grant; on the expiry day
        response = await client.post(url, json={"code": "STOP_CYCLE", "granted_on": day},
                                     headers=world.auth("coord_a"))
        assert response.status_code == 422 and response.json()["violations"][0]["field"] == "granted_on"
    response = await client.post(url, json={"code": "STOP_CYCLE", "granted_on": "2025-05-01"},
                                 headers=world.auth("hr_a1"))
    assert response.status_code == 403
    withdraw = f"{url}/NA_ASB/withdraw"
    response = await client.post(withdraw, json={"on": "2025-08-01", "reason": "No longer needed"},
                                 headers=world.auth("coord_a"))
    assert response.status_code == 200
    asb = next(p for p in response.json()["powers"] if p["code"] == "NA_ASB")
    assert asb["withdrawn_on"] == "2025-08-01" and asb["withdrawn_reason"] == "No longer needed"
    response = await client.post(withdraw, json={"on": "2025-08-02", "reason": "again"},
                                 headers=world.auth("coord_a"))
    assert response.status_code == 409 and response.json()["code"] == "power_not_designated"
    response = await client.post(f"{url}/TRAFFIC_CONTROL/withdraw", json={"on": "2025-04-30", "reason": "x"},
                                 headers=world.auth("coord_a"))
    assert response.status_code == 422  # before that power was granted
    # re-designated later: a new row, the history kept
    response = await client.post(url, json={"code": "NA_ASB", "granted_on": "2025-09-01"},
                                 headers=world.auth("coord_a"))
    assert response.status_code == 201
    assert await DesignatedPower.count().where(DesignatedPower.power.code == "NA_ASB") == 2
    kinds = [(e["kind"], e["power_code"]) for e in response.json()["events"]]
    assert kinds[-3:] == [("power_granted", "TRAFFIC_CONTROL"), ("power_withdrawn", "NA_ASB"),
                          ("power_granted", "NA_ASB")]


async def test_renewal_supersedes_and_carries_powers(client, world) -> None:
    old = await grant(client, world)
    url = f"/api/accreditations/{old['id']}/powers"
    await client.post(f"{url}/FPN_LITTER/withdraw", json={"on": "2025-06-01", "reason": "Moved role"},
                      headers=world.auth("coord_a"))
    new = await grant(client, world, number="SP-002", granted_on="2027-02-28", expires_on="2029-02-28",
                      power_codes=[])
    assert [p["code"] for p in new["powers"]] == ["NA_ASB"]  # only the powers in force carry over
    assert new["powers"][0]["granted_on"] == "2027-02-28"
    assert new["events"][0]["reason"] == "renewal of SP-001"
    old_now = (await client.get(f"/api/accreditations/{old['id']}", headers=world.auth("coord_a"))).json()
    assert old_now["ended_on"] == "2027-02-28" and old_now["ended_reason"] == "superseded by SP-002"
    assert old_now["events"][-1]["kind"] == "ended"
    assert len(old_now["powers"]) == 2  # history kept
    listed = await client.get("/api/accreditations", params={"officer_id": world.officers["A1a-1"]},
                              headers=world.auth("mgr_a1a"))
    assert listed.json()["total"] == 2
    assert {a["number"] for a in listed.json()["items"]} == {"SP-001", "SP-002"}
    audit = {r["action"] for r in await AuditEvent.select(AuditEvent.action)}
    assert {"accreditation.renew", "accreditation.end"} <= audit


async def test_renewal_with_new_powers_uses_them(client, world) -> None:
    await grant(client, world)
    new = await grant(client, world, number="SP-002", granted_on="2026-03-01", expires_on="2028-03-01",
                      power_codes=["PND_DISORDER"])
    assert [p["code"] for p in new["powers"]] == ["PND_DISORDER"]


@pytest.mark.parametrize(
    ("granted", "expires"),
    [
        ("2025-03-01", "2027-01-01"),  # same grant day as the existing one
        ("2024-06-01", "2025-06-01"),  # starts before the existing one
    ],
)
async def test_overlap_that_is_not_a_renewal_is_409(client, world, granted, expires) -> None:
    await grant(client, world)
    response = await client.post("/api/accreditations", json=body(world, number="X", granted_on=granted,
                                                                  expires_on=expires), headers=world.auth("coord_a"))
    assert response.status_code == 409 and response.json()["code"] == "accreditation_overlap"
    assert await Accreditation.count() == 1


async def test_renewing_a_suspended_accreditation_is_409(client, world) -> None:
    acc = await grant(client, world)
    await change(client, world, acc["id"], "suspend", "2025-06-01")
    response = await client.post("/api/accreditations", json=body(world, number="X", granted_on="2026-01-01",
                                                                  expires_on="2028-01-01"),
                                 headers=world.auth("coord_a"))
    assert response.status_code == 409 and response.json()["code"] == "accreditation_suspended"


async def test_accreditations_from_two_forces_and_after_expiry_are_allowed(client, world) -> None:
    await grant(client, world)
    await grant(client, world, "admin", force_id=world.forces["B"], number="B-1")
    await grant(client, world, number="SP-009", granted_on="2027-03-01", expires_on="2029-03-01")  # expiry day
    assert await Accreditation.count() == 3


@pytest.mark.parametrize("who", sorted(VISIBLE))
async def test_reads_are_scoped(client, world, who) -> None:
    for key in ("A1a-1", "A1b-1", "A2a-1"):
        await grant(client, world, officer_id=world.officers[key], number=f"N-{key}")
    await grant(client, world, "admin", officer_id=world.officers["B1a-1"], force_id=world.forces["B"],
                number="N-B1a-1")
    response = await client.get("/api/accreditations", headers=world.auth(who))
    assert response.status_code == 200
    numbers = {a["number"] for a in response.json()["items"]}
    assert numbers == {f"N-{k}" for k in VISIBLE[who] if k.endswith("-1")}
    assert response.json()["total"] == len(numbers)
    other = await Accreditation.select(Accreditation.id).where(Accreditation.number == "N-B1a-1").first()
    single = await client.get(f"/api/accreditations/{other['id']}", headers=world.auth(who))
    assert single.status_code == (200 if "B1a-1" in VISIBLE[who] else 403)


async def test_granting_to_an_officer_who_left_is_409(client, world) -> None:
    await client.post(f"/api/officers/{world.officers['A1a-1']}/leave", json={"left_on": "2025-01-01"},
                      headers=world.auth("hr_a1"))
    response = await client.post("/api/accreditations", json=body(world), headers=world.auth("coord_a"))
    assert response.status_code == 409 and response.json()["code"] == "officer_already_left"


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"on": "2025-02-28", "reason": "x"}, 422),  # before granted_on
        ({"on": "2025-04-01", "reason": " "}, 422),
        ({"on": "2025-04-01"}, 422),  # reason missing
        ({"on": "soon", "reason": "x"}, 422),
    ],
)
async def test_bad_state_change_writes_nothing(client, world, payload, status) -> None:
    acc = await grant(client, world)
    events_before, audit_before = await AccreditationEvent.count(), await AuditEvent.count()
    response = await client.post(f"/api/accreditations/{acc['id']}/suspend", json=payload,
                                 headers=world.auth("coord_a"))
    assert response.status_code == status and response.json()["code"] == "validation_error"
    assert await AccreditationEvent.count() == events_before and await AuditEvent.count() == audit_before
    row = await Accreditation.select(Accreditation.suspended_on).first()
    assert row["suspended_on"] is None
