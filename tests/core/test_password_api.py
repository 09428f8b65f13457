"""The API's side of accounts: POST /api/auth/password (your own), and POST /api/users without a password invites."""

from __future__ import annotations

from httpx import AsyncClient

from core.tables import AuditEvent, User
from scheduler.outbox_tables import Notification
from tests.factories import PASSWORD, World

NEW = "a brand new passphrase"


async def test_changing_your_own_password_over_the_api(client: AsyncClient, world: World) -> None:
    await client.post("/api/auth/login", json={"username": "off_a1a1", "password": PASSWORD})
    wrong = await client.post("/api/auth/password", json={"current_password": "nope", "new_password": NEW})
    assert wrong.status_code == 422 and wrong.json()["violations"][0]["code"] == "wrong_password"
    short = await client.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": "short"})
    assert short.status_code == 422
    done = await client.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": NEW})
    assert done.status_code == 200 and done.json() == {"status": "changed"}
    assert (await client.get("/api/auth/me")).status_code == 200  # this session stays
    relogin = await client.post("/api/auth/login", json={"username": "off_a1a1", "password": NEW})
    assert relogin.status_code == 200


async def test_changing_a_password_needs_signing_in(client: AsyncClient, world: World) -> None:
    response = await client.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": NEW})
    assert response.status_code == 401


async def test_post_users_without_a_password_invites(client: AsyncClient, world: World) -> None:
    body = {"username": "invited_hr", "email": "invited.hr@example.org", "role": "hr",
            "organisation_id": world.orgs["A2"]}
    response = await client.post("/api/users", json=body, headers=world.auth("admin"))
    assert response.status_code == 201, response.text
    assert response.json()["username"] == "invited_hr"
    (message,) = await Notification.select().where(Notification.kind == "invitation")
    assert message["recipient_email"] == "invited.hr@example.org" and "/password/set/" in message["body"]
    login = await client.post("/api/auth/login", json={"username": "invited_hr", "password": ""})
    assert login.status_code == 401
    events = await AuditEvent.select(AuditEvent.action, AuditEvent.after).where(AuditEvent.entity == "user")
    assert "password_link.invite" in [e["action"] for e in events]
    assert message["body"].split("/password/set/")[1].split()[0] not in str(events)


async def test_post_users_with_a_password_is_as_before(client: AsyncClient, world: World) -> None:
    body = {"username": "set_hr", "email": "set.hr@example.org", "role": "hr", "organisation_id": world.orgs["A2"],
            "password": "a long enough password 1"}
    response = await client.post("/api/users", json=body, headers=world.auth("admin"))
    assert response.status_code == 201
    assert await Notification.count() == 0
    login = await client.post("/api/auth/login", json={"username": "set_hr", "password": body["password"]})
    assert login.status_code == 200
    short = await client.post("/api/users", json=body | {"username": "x_hr", "password": "short"},
                              headers=world.auth("admin"))
    assert short.status_code == 422 and await User.count().where(User.username == "x_hr") == 0
