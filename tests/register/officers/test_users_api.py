import pytest
from httpx import AsyncClient

from core.tables import AuditEvent, User
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


async def test_deactivating_a_user_signs_them_out_and_stops_their_tokens(client: AsyncClient, world: World) -> None:
    from tests.factories import PASSWORD

    login = await client.post("/api/auth/login", json={"username": "mgr_a1a", "password": PASSWORD})
    assert login.status_code == 200
    session = dict(client.cookies)
    client.cookies.clear()
    user_id = world.principals["mgr_a1a"].user_id
    response = await client.post(f"/api/users/{user_id}/deactivate", headers=world.auth("admin"))
    assert response.status_code == 200 and response.json()["is_active"] is False
    client.cookies.update(session)
    assert (await client.get("/api/auth/me")).status_code == 401
    client.cookies.clear()
    assert (await client.get("/api/auth/me", headers=world.auth("mgr_a1a"))).status_code == 401
    again = await client.post("/api/auth/login", json={"username": "mgr_a1a", "password": PASSWORD})
    assert again.status_code == 401
    audit = await AuditEvent.select(AuditEvent.before, AuditEvent.after).where(
        (AuditEvent.action == "user.deactivate") & (AuditEvent.entity_id == user_id)).output(load_json=True).first()
    assert audit is not None and audit["after"]["is_active"] is False
    back = await client.post(f"/api/users/{user_id}/reactivate", headers=world.auth("admin"))
    assert back.status_code == 200 and back.json()["is_active"] is True
    assert (await client.get("/api/auth/me", headers=world.auth("mgr_a1a"))).status_code == 200


@pytest.mark.parametrize("who", ["coord_a", "hr_a1", "mgr_a1a", "off_a1a1", "vet_a"])
async def test_only_admins_deactivate_users(client: AsyncClient, world: World, who: str) -> None:
    user_id = world.principals["off_a1a1"].user_id
    response = await client.post(f"/api/users/{user_id}/deactivate", headers=world.auth(who))
    assert response.status_code == 403
    assert (await User.select(User.is_active).where(User.id == user_id).first())["is_active"] is True  # type: ignore[index]


async def test_an_admin_cannot_deactivate_themselves_and_unknown_users_are_404(
        client: AsyncClient, world: World) -> None:
    own = await client.post(f"/api/users/{world.principals['admin'].user_id}/deactivate", headers=world.auth("admin"))
    assert own.status_code == 409 and own.json()["code"] == "cannot_deactivate_self"
    missing = await client.post("/api/users/99999/deactivate", headers=world.auth("admin"))
    assert missing.status_code == 404


async def test_who_may_not_create_users_learns_nothing_of_which_ids_exist(client: AsyncClient, world: World) -> None:
    """The admin check comes before the scope references are looked up: an unknown id and a known one both
    answer 403 to anyone else, never 422 for one and 403 for the other."""
    for force_id in (world.forces["A"], 999_999):
        answer = await client.post("/api/users", headers=world.auth("coord_a"), json={
            "username": "probe", "password": "long-enough-pw", "email": "p@example.org",
            "role": "csas_coordinator", "force_id": force_id})
        assert answer.status_code == 403, answer.text


async def test_unknown_teams_are_named_each(client: AsyncClient, world: World) -> None:
    answer = await client.post("/api/users", headers=world.auth("admin"), json={
        "username": "teams", "password": "long-enough-pw", "email": "t@example.org", "role": "manager",
        "team_ids": [world.teams["A1a"], 999_998, 999_999]})
    assert answer.status_code == 422
    assert sorted(v["message"] for v in answer.json()["violations"]) == ["No team with id 999998.",
                                                                          "No team with id 999999."]
