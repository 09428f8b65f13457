"""The vetting queue, declarations and their acknowledgement, and the policy's level edits."""

import pytest
from httpx import AsyncClient

from core.tables import AuditEvent
from tests.factories import World
from tests.vetting.helpers import TO_IN_PROGRESS, event, new_application, walk
from vetting.tables import Declaration


async def test_queue_is_open_applications_oldest_first_with_days_waiting(client, world: World) -> None:
    newest = await new_application(client, world, officer="A1a-1", requested_on="2026-03-01")
    oldest = await new_application(client, world, officer="A1b-1", requested_on="2026-01-01")
    middle = await new_application(client, world, officer="A2a-1", requested_on="2026-02-01", who="vet_a")
    closed = await new_application(client, world, officer="A1a-2", requested_on="2025-12-01")
    await walk(client, world, closed["id"], [("withdrawn", "2025-12-02")])
    granted = await new_application(client, world, officer="A1b-2", requested_on="2025-11-01")
    await walk(client, world, granted["id"], [*TO_IN_PROGRESS, ("granted", "2026-01-31")])
    await walk(client, world, middle["id"], [("submitted", "2026-02-03")])
    await new_application(client, world, officer="B1a-1", requested_on="2025-01-01", who="admin")

    response = await client.get("/api/vetting/queue?as_of=2026-03-11", headers=world.auth("vet_a"))
    assert response.status_code == 200
    body = response.json()
    assert [i["application"]["id"] for i in body["items"]] == [oldest["id"], middle["id"], newest["id"]]
    assert [i["days_waiting"] for i in body["items"]] == [69, 38, 10]
    assert body["total"] == 3 and body["items"][1]["application"]["status"] == "submitted"
    assert body["items"][0]["officer_name"] and body["items"][0]["organisation_name"] == "Council A1"

    by_status = (await client.get("/api/vetting/queue?status=submitted&as_of=2026-03-11",
                                  headers=world.auth("vet_a"))).json()
    assert [i["application"]["id"] for i in by_status["items"]] == [middle["id"]]
    by_org = (await client.get(f"/api/vetting/queue?organisation_id={world.orgs['A1']}&as_of=2026-03-11",
                               headers=world.auth("vet_a"))).json()
    assert [i["application"]["id"] for i in by_org["items"]] == [oldest["id"], newest["id"]]
    everyone = (await client.get("/api/vetting/queue?as_of=2026-03-11", headers=world.auth("admin"))).json()
    assert everyone["total"] == 4 and everyone["items"][0]["days_waiting"] == 434
    earlier = (await client.get("/api/vetting/queue?as_of=2026-01-15", headers=world.auth("vet_a"))).json()
    assert [i["application"]["id"] for i in earlier["items"]] == [oldest["id"]]


@pytest.mark.parametrize("who", ["coord_a", "hr_a1", "mgr_a1a", "off_a1a1"])
async def test_queue_is_for_vetting_staff_only(client: AsyncClient, world: World, who: str) -> None:
    response = await client.get("/api/vetting/queue", headers=world.auth(who))
    assert response.status_code == 403 and response.json()["code"] == "role_not_allowed"


async def test_queue_rejects_a_closed_status_filter(client: AsyncClient, world: World) -> None:
    response = await client.get("/api/vetting/queue?status=granted", headers=world.auth("vet_a"))
    assert response.status_code == 422 and response.json()["violations"][0]["field"] == "status"


# --- declarations -------------------------------------------------------------------------------------

def _declaration(world: World, officer: str = "A1a-1", **changes) -> dict:
    return {"officer_id": world.officers[officer], "kind": "change_of_circumstances", "made_on": "2026-02-01",
            "categories": ["partner", "address"]} | changes


@pytest.mark.parametrize(("who", "officer", "status"), [
    ("off_a1a1", "A1a-1", 201), ("off_a1a1", "A1a-2", 403), ("hr_a1", "A1b-1", 201), ("hr_a1", "A2a-1", 403),
    ("vet_a", "A2a-1", 201), ("vet_a", "B1a-1", 403), ("admin", "B1a-1", 201), ("coord_a", "A1a-1", 403),
    ("mgr_a1a", "A1a-1", 403),
])
async def test_who_may_declare(client, world: World, who: str, officer: str, status: int) -> None:
    response = await client.post("/api/vetting/declarations", json=_declaration(world, officer),
                                 headers=world.auth(who))
    assert response.status_code == status
    if status == 201:
        body = response.json()
        assert body["categories"] == ["address", "partner"] and body["acknowledged_on"] is None
        assert set(body) == {"id", "officer_id", "kind", "categories", "made_on", "acknowledged_on",
                             "acknowledged_by"}


@pytest.mark.parametrize(("change", "field"), [
    ({"categories": []}, "categories"),
    ({"categories": ["debts"]}, "categories"),
    ({"kind": "confession"}, "kind"),
    ({"made_on": "2999-01-01"}, "made_on"),
    ({"detail": "moved in with a known offender"}, None),
])
async def test_bad_declarations_are_422_and_write_nothing(client, world: World, change, field) -> None:
    response = await client.post("/api/vetting/declarations", json=_declaration(world, **change),
                                 headers=world.auth("off_a1a1"))
    if field is None:  # unknown fields are ignored: free text is never stored
        assert response.status_code == 201 and "offender" not in response.text
        assert "offender" not in str(await Declaration.select())
        return
    assert response.status_code == 422 and field in {v["field"] for v in response.json()["violations"]}
    assert await Declaration.count() == 0


async def test_acknowledgement_once_by_vetting_staff(client: AsyncClient, world: World) -> None:
    made = (await client.post("/api/vetting/declarations", json=_declaration(world),
                              headers=world.auth("off_a1a1"))).json()
    url = f"/api/vetting/declarations/{made['id']}/acknowledge"
    assert (await client.post(url, json={"on": "2026-02-02"}, headers=world.auth("hr_a1"))).status_code == 403
    early = await client.post(url, json={"on": "2026-01-31"}, headers=world.auth("vet_a"))
    assert early.status_code == 422 and early.json()["violations"][0]["field"] == "on"
    done = await client.post(url, json={"on": "2026-02-02"}, headers=world.auth("vet_a"))
    assert done.status_code == 200
    assert done.json()["acknowledged_on"] == "2026-02-02" and done.json()["acknowledged_by"] == "vet_a"
    again = await client.post(url, json={"on": "2026-02-03"}, headers=world.auth("vet_a"))
    assert again.status_code == 409 and again.json()["code"] == "declaration_already_acknowledged"
    actions = [a["action"] for a in await AuditEvent.select().where(AuditEvent.entity == "declaration")]
    assert actions == ["vetting.declaration.create", "vetting.declaration.acknowledge"]
    missing = await client.post("/api/vetting/declarations/999/acknowledge", json={"on": "2026-02-02"},
                                headers=world.auth("vet_a"))
    assert missing.status_code == 404


async def test_declaration_list_is_scoped(client: AsyncClient, world: World) -> None:
    for officer in ("A1a-1", "A1a-2", "A2a-1", "B1a-1"):
        await client.post("/api/vetting/declarations", json=_declaration(world, officer), headers=world.auth("admin"))
    expected = {"admin": 4, "vet_a": 3, "hr_a1": 2, "off_a1a1": 1}
    for who, total in expected.items():
        body = (await client.get("/api/vetting/declarations", headers=world.auth(who))).json()
        assert body["total"] == total, who
    for who in ("coord_a", "mgr_a1a"):
        assert (await client.get("/api/vetting/declarations", headers=world.auth(who))).status_code == 403
    unacknowledged = (await client.get("/api/vetting/declarations?acknowledged=false",
                                       headers=world.auth("vet_a"))).json()
    assert unacknowledged["total"] == 3


async def test_acknowledged_annual_declaration_moves_the_annual_review(client, world: World) -> None:
    app = await new_application(client, world, level="NPPV3", requested_on="2025-01-02")
    granted = await walk(client, world, app["id"], [("submitted", "2025-01-03"), ("in_progress", "2025-01-04"),
                                                    ("granted", "2025-01-31")])
    assert granted["next_review_due_on"] == "2026-01-31"
    made = (await client.post("/api/vetting/declarations", headers=world.auth("off_a1a1"), json=_declaration(
        world, kind="annual_self_declaration", categories=[], made_on="2026-01-20"))).json()
    await client.post(f"/api/vetting/declarations/{made['id']}/acknowledge", json={"on": "2026-01-22"},
                      headers=world.auth("vet_a"))
    after = (await client.get(f"/api/vetting/applications/{app['id']}", headers=world.auth("hr_a1"))).json()
    assert after["application"]["next_review_due_on"] == "2027-01-20"


# --- levels -------------------------------------------------------------------------------------------

async def test_levels_catalogue_is_seeded_from_the_domain(client: AsyncClient, world: World) -> None:
    body = (await client.get("/api/vetting/levels", headers=world.auth("off_a1a1"))).json()
    levels = {i["code"]: i for i in body["items"]}
    assert list(levels)[:5] == ["NPPV1", "NPPV1_5", "NPPV2A", "NPPV2F", "NPPV3"]
    assert (levels["NPPV2A"]["renewal_months"], levels["NPPV2A"]["has_annual_review"]) == (36, False)
    assert (levels["NPPV3"]["renewal_months"], levels["NPPV3"]["has_annual_review"]) == (60, True)
    assert (levels["MV"]["renewal_months"], levels["RV"]["renewal_months"]) == (84, 120)
    assert {c for c, i in levels.items() if i["accepted_for_csas"]} == {"NPPV2A", "NPPV2F", "NPPV3", "RV", "MV"}


# coord_a: the world serves two forces, and levels apply to both (admin only, test_policy_every_force.py).
@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("coord_a", 403), ("vet_a", 403), ("hr_a1", 403),
                                             ("mgr_a1a", 403), ("off_a1a1", 403)])
async def test_who_may_edit_levels(client, world: World, who: str, status: int) -> None:
    response = await client.patch("/api/vetting/levels/NPPV2A", json={"renewal_months": 60},
                                  headers=world.auth(who))
    assert response.status_code == status


async def test_level_edit_drives_new_grants_and_is_audited(client: AsyncClient, world: World) -> None:
    response = await client.patch("/api/vetting/levels/NPPV2A", headers=world.auth("admin"),
                                  json={"renewal_months": 60, "has_annual_review": True})
    assert response.json()["renewal_months"] == 60 and response.json()["has_annual_review"] is True
    audit = await AuditEvent.select().where(AuditEvent.action == "vetting_level.update").output(load_json=True) \
        .first()
    assert audit["before"]["renewal_months"] == 36 and audit["after"]["renewal_months"] == 60
    app = await new_application(client, world)
    body = await walk(client, world, app["id"], [*TO_IN_PROGRESS, ("granted", "2026-01-31")])
    assert body["expires_on"] == "2031-01-31" and body["next_review_due_on"] == "2027-01-31"


@pytest.mark.parametrize(("code", "body", "status"), [
    ("NPPV2A", {"renewal_months": 0}, 422), ("NPPV2A", {"renewal_months": "five"}, 422),
    ("NOPE", {"renewal_months": 12}, 404),
])
async def test_bad_level_edits(client, world: World, code: str, body: dict, status: int) -> None:
    response = await client.patch(f"/api/vetting/levels/{code}", json=body, headers=world.auth("admin"))
    assert response.status_code == status
    levels = (await client.get("/api/vetting/levels", headers=world.auth("admin"))).json()["items"]
    assert next(i for i in levels if i["code"] == "NPPV2A")["renewal_months"] == 36


async def test_event_after_level_edit_keeps_old_grant(client: AsyncClient, world: World) -> None:
    app = await new_application(client, world)
    await walk(client, world, app["id"], [*TO_IN_PROGRESS, ("granted", "2026-01-31")])
    await client.patch("/api/vetting/levels/NPPV2A", json={"renewal_months": 60}, headers=world.auth("admin"))
    body = (await event(client, world, app["id"], "terminated", "2026-02-01")).json()
    assert body["expires_on"] == "2029-01-31"
