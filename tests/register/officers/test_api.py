import pytest
from httpx import AsyncClient

from core.tables import AuditEvent
from register.tables import Officer
from tests.factories import World

NEW = {
    "staff_number": "NEW001",
    "given_name": "Jo",
    "family_name": "Bloggs",
    "email": "jo.bloggs@council.example",
    "started_on": "2025-04-01",
}


def new_officer(world: World, **changes) -> dict:
    return {"organisation_id": world.orgs["A1"], "team_id": world.teams["A1a"]} | NEW | changes


async def test_hr_creates_an_officer_and_it_is_audited(client: AsyncClient, world: World) -> None:
    response = await client.post("/api/officers", json=new_officer(world), headers=world.auth("hr_a1"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["staff_number"] == "NEW001" and body["status"] == "active" and body["team_id"] == world.teams["A1a"]
    event = await AuditEvent.select().where(
        (AuditEvent.entity == "officer") & (AuditEvent.entity_id == body["id"])
    ).first()
    assert event["actor"] == "hr_a1" and event["action"] == "officer.create"


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"email": "not-an-email"}, 422, "validation_error", "email"),
        ({"started_on": "2026-02-30"}, 422, "validation_error", "started_on"),
        ({"given_name": ""}, 422, "validation_error", "given_name"),
        ({"staff_number": None}, 422, "validation_error", "staff_number"),
        ({"started_on": "yesterday"}, 422, "validation_error", "started_on"),
    ],
)
async def test_bad_input_is_422_and_writes_nothing(client, world, change, status, code, field) -> None:
    before = await Officer.count()
    response = await client.post("/api/officers", json=new_officer(world, **change), headers=world.auth("hr_a1"))
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code and field in {v.get("field") for v in body["violations"]}
    assert await Officer.count() == before


async def test_missing_field_is_422(client: AsyncClient, world: World) -> None:
    body = new_officer(world)
    del body["family_name"]
    response = await client.post("/api/officers", json=body, headers=world.auth("hr_a1"))
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert [v["field"] for v in response.json()["violations"]] == ["family_name"]


async def test_malformed_json_is_400_problem(client: AsyncClient, world: World) -> None:
    response = await client.post(
        "/api/officers", content=b"{not json", headers={**world.auth("hr_a1"), "content-type": "application/json"}
    )
    assert response.status_code == 400 and response.json()["code"] == "malformed_request"


async def test_duplicate_staff_number_is_409_within_an_organisation_only(client, world) -> None:
    assert (await client.post("/api/officers", json=new_officer(world), headers=world.auth("admin"))).status_code == 201
    again = await client.post("/api/officers", json=new_officer(world, email="x@y.org"), headers=world.auth("admin"))
    assert again.status_code == 409 and again.json()["code"] == "duplicate_staff_number"
    elsewhere = new_officer(world, organisation_id=world.orgs["A2"], team_id=world.teams["A2a"])
    assert (await client.post("/api/officers", json=elsewhere, headers=world.auth("admin"))).status_code == 201


async def test_team_of_another_employer_is_rejected(client: AsyncClient, world: World) -> None:
    response = await client.post("/api/officers", json=new_officer(world, team_id=world.teams["A2a"]),
                                 headers=world.auth("admin"))
    assert response.status_code == 422
    assert response.json()["violations"][0]["code"] == "team_not_in_organisation"


async def test_unknown_ids_are_404(client: AsyncClient, world: World) -> None:
    assert (await client.get("/api/officers/99999", headers=world.auth("admin"))).json()["code"] == "officer_not_found"
    response = await client.post("/api/officers", json=new_officer(world, organisation_id=99999, team_id=None),
                                 headers=world.auth("admin"))
    assert response.status_code == 404 and response.json()["code"] == "organisation_not_found"


async def test_list_filters_search_and_paging(client: AsyncClient, world: World) -> None:
    auth = world.auth("admin")
    everyone = (await client.get("/api/officers", headers=auth)).json()
    assert everyone["total"] == 8 and len(everyone["items"]) == 8
    page = (await client.get("/api/officers?limit=3&offset=3", headers=auth)).json()
    assert page["total"] == 8 and [o["id"] for o in page["items"]] == [o["id"] for o in everyone["items"][3:6]]
    team = (await client.get(f"/api/officers?team_id={world.teams['A1b']}", headers=auth)).json()
    assert {o["staff_number"] for o in team["items"]} == {"A1B1", "A1B2"}
    org = (await client.get(f"/api/officers?organisation_id={world.orgs['A2']}", headers=auth)).json()
    assert org["total"] == 2
    by_staff = (await client.get("/api/officers?q=a2a1", headers=auth)).json()
    assert [o["staff_number"] for o in by_staff["items"]] == ["A2A1"]
    by_email = (await client.get("/api/officers?q=b1a2@council", headers=auth)).json()
    assert by_email["total"] == 1


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "offset=-1", "status=sleeping"])
async def test_bad_list_parameters_are_4xx(client: AsyncClient, world: World, query: str) -> None:
    response = await client.get(f"/api/officers?{query}", headers=world.auth("admin"))
    assert 400 <= response.status_code < 500


async def test_patch_updates_only_given_fields_and_audits_before_after(client, world) -> None:
    officer_id = world.officers["A1a-1"]
    response = await client.patch(f"/api/officers/{officer_id}", json={"family_name": "Smith-Jones"},
                                  headers=world.auth("hr_a1"))
    assert response.status_code == 200
    assert response.json()["family_name"] == "Smith-Jones" and response.json()["staff_number"] == "A1A1"
    event = await AuditEvent.select().where(AuditEvent.action == "officer.update").first()
    assert '"family_name": "Smith-Jones"' in event["after"].replace('":"', '": "')


async def test_patch_with_bad_email_changes_nothing(client: AsyncClient, world: World) -> None:
    officer_id = world.officers["A1a-1"]
    response = await client.patch(f"/api/officers/{officer_id}", json={"email": "broken", "family_name": "X"},
                                  headers=world.auth("hr_a1"))
    assert response.status_code == 422
    row = await Officer.select(Officer.family_name).where(Officer.id == officer_id).first()
    assert row["family_name"] != "X"


async def test_leaving_sets_status_and_cannot_happen_twice(client: AsyncClient, world: World) -> None:
    officer_id = world.officers["A1a-2"]
    response = await client.post(f"/api/officers/{officer_id}/leave", json={"left_on": "2026-01-31"},
                                 headers=world.auth("hr_a1"))
    assert response.status_code == 200 and response.json()["status"] == "left"
    again = await client.post(f"/api/officers/{officer_id}/leave", json={"left_on": "2026-02-01"},
                              headers=world.auth("hr_a1"))
    assert again.status_code == 409 and again.json()["code"] == "officer_already_left"
    active = (await client.get("/api/officers?status=active", headers=world.auth("hr_a1"))).json()
    assert officer_id not in {o["id"] for o in active["items"]}


async def test_leaving_before_starting_is_422(client: AsyncClient, world: World) -> None:
    response = await client.post(f"/api/officers/{world.officers['A1a-2']}/leave", json={"left_on": "2020-01-01"},
                                 headers=world.auth("hr_a1"))
    assert response.status_code == 422


async def test_an_officer_read_as_of_a_day_before_leaving_is_active(client: AsyncClient, world: World) -> None:
    officer_id = world.officers["A1a-2"]
    await client.post(f"/api/officers/{officer_id}/leave", json={"left_on": "2026-01-31"},
                      headers=world.auth("hr_a1"))
    before = await client.get(f"/api/officers/{officer_id}", params={"as_of": "2026-01-30"},
                              headers=world.auth("hr_a1"))
    assert before.status_code == 200 and before.json()["status"] == "active"
    listed = (await client.get("/api/officers", params={"status": "active", "as_of": "2026-01-30"},
                               headers=world.auth("hr_a1"))).json()
    assert officer_id in {o["id"] for o in listed["items"]}
