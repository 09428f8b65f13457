"""Cookie-borne writes from other sites, and secrets kept out of logs."""

import logging

import pytest
from httpx import AsyncClient

from core.logs import redact
from register.tables import Officer
from tests.factories import PASSWORD, World
from tests.register.officers.test_api import new_officer


async def sign_in(client: AsyncClient, username: str) -> None:
    response = await client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}],
    ids=["foreign-origin", "fetch-metadata-cross-site", "opaque-origin"],
)
async def test_a_cookie_authenticated_write_from_another_site_is_refused(
    client: AsyncClient, world: World, headers: dict[str, str]
) -> None:
    await sign_in(client, "hr_a1")
    before = await Officer.count()
    response = await client.post("/api/officers", json=new_officer(world), headers=headers)
    assert response.status_code == 403 and response.json()["code"] == "cross_site_request"
    assert await Officer.count() == before


@pytest.mark.parametrize("headers", [{}, {"Origin": "http://testserver"}, {"Sec-Fetch-Site": "same-origin"}],
                         ids=["script-without-origin", "same-origin", "fetch-metadata-same-origin"])
async def test_a_cookie_authenticated_write_from_this_site_or_a_script_goes_through(
    client: AsyncClient, world: World, headers: dict[str, str]
) -> None:
    await sign_in(client, "hr_a1")
    response = await client.post("/api/officers", json=new_officer(world), headers=headers)
    assert response.status_code == 201, response.text


async def test_reads_and_bearer_tokens_are_not_affected_by_origin(client: AsyncClient, world: World) -> None:
    await sign_in(client, "hr_a1")
    read = await client.get("/api/officers", headers={"Origin": "https://evil.example"})
    assert read.status_code == 200
    client.cookies.clear()
    bearer = await client.post("/api/officers", json=new_officer(world),
                               headers={**world.auth("hr_a1"), "Origin": "https://elsewhere.example"})
    assert bearer.status_code == 201


async def test_calendar_feed_tokens_are_redacted_from_the_access_log(
    client: AsyncClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    feed = await client.post("/api/calendars", json={"scope": "team", "id": world.teams["A1a"]},
                             headers=world.auth("mgr_a1a"))
    token = feed.json()["token"]
    access = logging.getLogger("uvicorn.access")
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        # The same call uvicorn makes for each request it serves.
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", f"/api/calendars/{token}.ics", "1.1", 200)
    assert token not in caplog.text and "/api/calendars/[redacted].ics" in caplog.text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("GET /api/calendars/abc-DEF_123.ics HTTP/1.1", "GET /api/calendars/[redacted].ics HTTP/1.1"),
        ("DELETE /api/calendars/tok.ics", "DELETE /api/calendars/[redacted].ics"),
        ("GET /api/officers?limit=5", "GET /api/officers?limit=5"),
    ],
)
def test_redact(line: str, expected: str) -> None:
    assert redact(line) == expected


async def test_sign_in_and_tokens_never_reach_the_logs(
    client: AsyncClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        await client.post("/api/auth/login", json={"username": "hr_a1", "password": "wrong-password-123"})
        await client.post("/api/auth/login", json={"username": "hr_a1", "password": PASSWORD})
        created = await client.post("/api/auth/tokens", json={"username": "mgr_a1a", "name": "script"},
                                    headers=world.auth("admin"))
    token = created.json()["token"]
    session = client.cookies["csas_session"]
    for secret in ("wrong-password-123", PASSWORD, token, session):
        assert secret not in caplog.text


async def test_logout_from_another_site_is_refused_too(client: AsyncClient, world: World) -> None:
    await sign_in(client, "hr_a1")
    refused = await client.post("/api/auth/logout", headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403 and refused.json()["code"] == "cross_site_request"
    assert (await client.get("/api/auth/me")).status_code == 200  # still signed in
