import pytest
from httpx import AsyncClient

from register.tables import Force, Organisation
from tests.factories import World


async def test_admin_creates_force_organisation_and_team(client: AsyncClient, world: World) -> None:
    auth = world.auth("admin")
    force = await client.post("/api/forces", json={"name": "Sussex Police", "code": "SUSSEX"}, headers=auth)
    assert force.status_code == 201
    org = await client.post("/api/organisations", headers=auth, json={
        "name": "Brighton and Hove City Council", "force_id": force.json()["id"], "kind": "council",
        "arrangement_approved_on": "2025-06-01", "arrangement_review_due_on": "2028-06-01"})
    assert org.status_code == 201 and org.json()["arrangement_review_due_on"] == "2028-06-01"
    team = await client.post("/api/teams", json={"name": "City Patrol", "organisation_id": org.json()["id"]},
                             headers=auth)
    assert team.status_code == 201 and team.json()["organisation_id"] == org.json()["id"]


async def test_duplicate_force_code_is_409(client: AsyncClient, world: World) -> None:
    response = await client.post("/api/forces", json={"name": "Again", "code": "FA"}, headers=world.auth("admin"))
    assert response.status_code == 409 and response.json()["code"] == "duplicate_force_code"


@pytest.mark.parametrize("who", ["coord_a", "hr_a1", "mgr_a1a", "off_a1a1", "vet_a"])
async def test_only_admin_creates_forces(client: AsyncClient, world: World, who: str) -> None:
    before = await Force.count()
    response = await client.post("/api/forces", json={"name": "X", "code": "XX"}, headers=world.auth(who))
    assert response.status_code == 403 and await Force.count() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "pub"}, "kind"),
        ({"arrangement_approved_on": "2026-01-01", "arrangement_review_due_on": "2025-01-01"},
         "arrangement_review_due_on"),
        ({"name": ""}, "name"),
    ],
)
async def test_invalid_organisation_is_422(client: AsyncClient, world: World, body: dict, field: str) -> None:
    payload = {"name": "Council", "force_id": world.forces["A"], "kind": "council"} | body
    before = await Organisation.count()
    response = await client.post("/api/organisations", json=payload, headers=world.auth("admin"))
    assert response.status_code == 422 and field in {v["field"] for v in response.json()["violations"]}
    assert await Organisation.count() == before


async def test_coordinator_creates_organisations_in_own_force_only(client: AsyncClient, world: World) -> None:
    own = await client.post("/api/organisations", json={"name": "Own", "force_id": world.forces["A"]},
                            headers=world.auth("coord_a"))
    other = await client.post("/api/organisations", json={"name": "Other", "force_id": world.forces["B"]},
                              headers=world.auth("coord_a"))
    assert own.status_code == 201 and other.status_code == 403


async def test_hr_creates_teams_in_own_organisation_only(client: AsyncClient, world: World) -> None:
    own = await client.post("/api/teams", json={"name": "Night shift", "organisation_id": world.orgs["A1"]},
                            headers=world.auth("hr_a1"))
    other = await client.post("/api/teams", json={"name": "Night shift", "organisation_id": world.orgs["A2"]},
                              headers=world.auth("hr_a1"))
    assert own.status_code == 201 and other.status_code == 403


async def test_unknown_force_is_404(client: AsyncClient, world: World) -> None:
    response = await client.post("/api/organisations", json={"name": "X", "force_id": 999},
                                 headers=world.auth("admin"))
    assert response.status_code == 404 and response.json()["code"] == "force_not_found"


async def test_power_catalogue_is_seeded_with_repealed_powers_marked(client: AsyncClient, world: World) -> None:
    body = (await client.get("/api/powers", headers=world.auth("off_a1a1"))).json()
    powers = {p["code"]: p for p in body["items"]}
    assert body["total"] == 21 and len(powers) == 21
    assert powers["FPN_DOG_FOULING"]["in_force"] is False and powers["FPN_LITTER"]["in_force"] is True
    assert powers["TRAFFIC_CONTROL"]["is_traffic"] is True
