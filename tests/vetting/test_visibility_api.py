"""Who may do and see what: scope per role, and case notes only for vetting officers and admins (audited)."""

import pytest
from httpx import AsyncClient

from core.access import Role
from core.tables import AuditEvent
from tests.factories import VISIBLE, World, make_user
from tests.vetting.helpers import event, new_application, walk

ROLES = sorted(VISIBLE)
NOTE = "Chased force vetting unit by email (ref 7781)"
NOTE_READERS = {"admin", "vet_a"}


async def _applications_for_every_officer(client: AsyncClient, world: World) -> dict[str, int]:
    ids = {}
    for key in world.officers:
        app = await new_application(client, world, officer=key, who="admin")
        await walk(client, world, app["id"], [("submitted", "2026-01-10"), ("in_progress", "2026-01-20")],
                   who="admin", note=NOTE)
        ids[key] = app["id"]
    return ids


@pytest.mark.parametrize("who", ROLES)
async def test_list_is_scoped_and_never_carries_notes(client: AsyncClient, world: World, who: str) -> None:
    await _applications_for_every_officer(client, world)
    response = await client.get("/api/vetting/applications?limit=500", headers=world.auth(who))
    assert response.status_code == 200
    body = response.json()
    assert {i["officer_id"] for i in body["items"]} == {world.officers[k] for k in VISIBLE[who]}
    assert NOTE not in response.text and "note" not in body["items"][0]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("officer", ["A1a-1", "A2a-1", "B1a-1"])
async def test_detail_shows_notes_only_to_vetting_staff(client, world: World, who: str, officer: str) -> None:
    ids = await _applications_for_every_officer(client, world)
    audits_before = await AuditEvent.count().where(AuditEvent.action == "vetting.notes.read")
    response = await client.get(f"/api/vetting/applications/{ids[officer]}", headers=world.auth(who))
    reads = await AuditEvent.select().where(AuditEvent.action == "vetting.notes.read")
    if officer not in VISIBLE[who]:
        assert response.status_code == 403 and response.json()["code"] == "out_of_scope"
        assert NOTE not in response.text and len(reads) == audits_before
        return
    assert response.status_code == 200
    body = response.json()
    assert [e["status"] for e in body["events"]] == ["draft", "submitted", "in_progress"]
    if who in NOTE_READERS:
        assert body["notes_visible"] is True and body["events"][1]["note"] == NOTE
        assert len(reads) == audits_before + 1
        assert reads[-1]["actor"] == who and reads[-1]["entity_id"] == ids[officer]
    else:
        assert body["notes_visible"] is False and NOTE not in response.text
        assert all("note" not in e for e in body["events"])
        assert len(reads) == audits_before


@pytest.mark.parametrize("who", ["admin", "vet_a"])
async def test_event_response_and_audit_never_echo_the_note(client, world: World, who: str) -> None:
    app = await new_application(client, world)
    response = await event(client, world, app["id"], "submitted", "2026-01-10", who=who, note=NOTE)
    assert response.status_code == 201 and NOTE not in response.text
    trail = await AuditEvent.select().where(AuditEvent.action == "vetting.application.event")
    assert trail and NOTE not in str(trail) and trail[-1]["after"]


CREATORS = {"admin": {"A1", "A2", "B1"}, "vet_a": {"A1", "A2"}, "hr_a1": {"A1"}}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("officer", ["A1a-1", "A2a-1", "B1a-1"])
async def test_who_may_request_vetting(client, world: World, who: str, officer: str) -> None:
    body = {"officer_id": world.officers[officer], "level_code": "NPPV2A", "requested_on": "2026-01-05"}
    response = await client.post("/api/vetting/applications", json=body, headers=world.auth(who))
    org = officer[:2]
    if org in CREATORS.get(who, set()):
        assert response.status_code == 201
    elif who in CREATORS:
        assert response.status_code == 403 and response.json()["code"] == "out_of_scope"
    else:
        assert response.status_code == 403 and response.json()["code"] == "role_not_allowed"


@pytest.mark.parametrize("who", ["coord_a", "hr_a1", "mgr_a1a", "off_a1a1", "vet_b"])
async def test_only_vetting_staff_in_scope_move_applications(client, world: World, who: str) -> None:
    await make_user(world, "vet_b", Role.VETTING_OFFICER, force_id=world.forces["B"])
    app = await new_application(client, world)
    response = await event(client, world, app["id"], "submitted", "2026-01-10", who=who)
    assert response.status_code == 403
    detail = (await client.get(f"/api/vetting/applications/{app['id']}", headers=world.auth("admin"))).json()
    assert detail["application"]["status"] == "draft"


async def test_vetting_officer_of_another_force_sees_nothing(client: AsyncClient, world: World) -> None:
    await make_user(world, "vet_b", Role.VETTING_OFFICER, force_id=world.forces["B"])
    await _applications_for_every_officer(client, world)
    body = (await client.get("/api/vetting/applications", headers=world.auth("vet_b"))).json()
    assert {i["officer_id"] for i in body["items"]} == {world.officers["B1a-1"], world.officers["B1a-2"]}
