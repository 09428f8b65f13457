"""Every role sees and changes exactly its scope, through the API (which calls the services)."""

import pytest
from httpx import AsyncClient

from tests.factories import VISIBLE, World

ROLES = sorted(VISIBLE)


@pytest.mark.parametrize("who", ROLES)
async def test_officer_list_is_scoped(client: AsyncClient, world: World, who: str) -> None:
    body = (await client.get("/api/officers?limit=500", headers=world.auth(who))).json()
    assert {o["id"] for o in body["items"]} == {world.officers[k] for k in VISIBLE[who]}
    assert body["total"] == len(VISIBLE[who])


@pytest.mark.parametrize("who", ROLES)
async def test_officer_list_ignores_filters_outside_scope(client: AsyncClient, world: World, who: str) -> None:
    body = (await client.get(f"/api/officers?organisation_id={world.orgs['B1']}", headers=world.auth(who))).json()
    expected = {world.officers[k] for k in VISIBLE[who] if k.startswith("B1")}
    assert {o["id"] for o in body["items"]} == expected


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("officer", ["A1a-1", "A1b-1", "A2a-1", "B1a-1"])
async def test_officer_read_in_and_out_of_scope(client, world: World, who: str, officer: str) -> None:
    response = await client.get(f"/api/officers/{world.officers[officer]}", headers=world.auth(who))
    if officer in VISIBLE[who]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403 and response.json()["code"] == "out_of_scope"


WRITERS = {"admin": {"A1", "A2", "B1"}, "coord_a": {"A1", "A2"}, "hr_a1": {"A1"}}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("org", ["A1", "A2", "B1"])
async def test_officer_creation_scope(client: AsyncClient, world: World, who: str, org: str) -> None:
    body = {"organisation_id": world.orgs[org], "staff_number": f"S-{who}", "given_name": "Sam",
            "family_name": "Lee", "email": "sam.lee@example.org", "started_on": "2025-01-01"}
    response = await client.post("/api/officers", json=body, headers=world.auth(who))
    assert response.status_code == (201 if org in WRITERS.get(who, set()) else 403)


@pytest.mark.parametrize("who", ["mgr_a1a", "off_a1a1", "vet_a"])
async def test_read_only_roles_cannot_patch_or_leave(client, world: World, who: str) -> None:
    officer_id = world.officers["A1a-1"]
    patched = await client.patch(f"/api/officers/{officer_id}", json={"family_name": "Nope"}, headers=world.auth(who))
    left = await client.post(f"/api/officers/{officer_id}/leave", json={"left_on": "2026-01-01"},
                             headers=world.auth(who))
    assert patched.status_code == left.status_code == 403


@pytest.mark.parametrize(("who", "expected"), [("admin", 3), ("coord_a", 2), ("hr_a1", 1), ("mgr_a1a", 1),
                                               ("off_a1a1", 0)])
async def test_organisation_list_is_scoped(client, world: World, who: str, expected: int) -> None:
    body = (await client.get("/api/organisations", headers=world.auth(who))).json()
    assert body["total"] == expected


@pytest.mark.parametrize(("who", "expected"), [("admin", 4), ("coord_a", 3), ("hr_a1", 2), ("mgr_a1a", 1)])
async def test_team_list_is_scoped(client, world: World, who: str, expected: int) -> None:
    assert (await client.get("/api/teams", headers=world.auth(who))).json()["total"] == expected
