import pytest
from httpx import AsyncClient

from core.tables import User
from tests.factories import World


def user_body(**changes) -> dict:
    return {"username": "new.manager", "password": "a-long-password", "email": "nm@example.org",
            "role": "manager"} | changes


async def test_admin_creates_a_scoped_user_who_can_sign_in(client: AsyncClient, world: World) -> None:
    response = await client.post("/api/users", json=user_body(team_ids=[world.teams["A1b"]]),
                                 headers=world.auth("admin"))
    assert response.status_code == 201
    assert response.json()["team_ids"] == [world.teams["A1b"]] and "password" not in response.text
    login = await client.post("/api/auth/login", json={"username": "new.manager", "password": "a-long-password"})
    assert login.status_code == 200
    listed = (await client.get("/api/officers")).json()
    assert {o["team_id"] for o in listed["items"]} == {world.teams["A1b"]}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"team_ids": []}, "team_ids"),
        ({"team_ids": [9999]}, "team_ids"),
        ({"password": "short"}, "password"),
        ({"email": "nope"}, "email"),
        ({"role": "wizard"}, "role"),
        ({"role": "officer", "officer_id": 9999}, "officer_id"),
        ({"role": "hr"}, "organisation_id"),
    ],
)
async def test_invalid_users_are_422_and_not_created(client, world: World, changes: dict, field: str) -> None:
    response = await client.post("/api/users", json=user_body(team_ids=[world.teams["A1b"]]) | changes,
                                 headers=world.auth("admin"))
    assert response.status_code == 422, response.text
    assert field in {v["field"] for v in response.json()["violations"]}
    assert not await User.exists().where(User.username == "new.manager")


async def test_duplicate_username_is_409(client: AsyncClient, world: World) -> None:
    response = await client.post("/api/users", json=user_body(username="hr_a1", team_ids=[world.teams["A1b"]]),
                                 headers=world.auth("admin"))
    assert response.status_code == 409 and response.json()["code"] == "duplicate"


@pytest.mark.parametrize("who", ["coord_a", "hr_a1", "mgr_a1a"])
async def test_only_admin_creates_users(client: AsyncClient, world: World, who: str) -> None:
    response = await client.post("/api/users", json=user_body(team_ids=[world.teams["A1a"]]), headers=world.auth(who))
    assert response.status_code == 403
