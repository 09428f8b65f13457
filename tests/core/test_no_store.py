"""Nothing answered to a signed-in caller may be kept by the browser: after sign-out, Back must ask the server
again (which answers 'sign in' and audits any read of case notes), not show the vetting case notes from its
cache. Public answers meant to be cached keep their own caching."""

from __future__ import annotations

import datetime as dt

import pytest
from httpx import AsyncClient, Response

from admin_ui.paths import STATIC_DIR
from tests.admin_ui.test_pages_common import TOKEN, sign_in, today
from tests.factories import World
from vetting import services as vetting

NOTE = "Disclosed a spent caution from 2009"


def assert_not_stored(response: Response) -> None:
    assert response.headers.get("cache-control") == "no-store", (response.url, dict(response.headers))


def assert_cache_left_alone(response: Response) -> None:
    assert "no-store" not in response.headers.get("cache-control", ""), (response.url, dict(response.headers))
    assert "pragma" not in response.headers


async def _application_with_note(world: World) -> int:
    day = today()
    app = await vetting.create_application(world.principals["vet_a"], officer_id=world.officers["A1a-1"],
                                           level_code="NPPV2A", requested_on=day - dt.timedelta(days=10), today=day)
    await vetting.record_event(world.principals["vet_a"], app["id"], status="submitted",
                               on=day - dt.timedelta(days=5), note=NOTE, today=day)
    return int(app["id"])


async def test_the_case_notes_page_is_not_stored_and_is_gone_after_sign_out(client: AsyncClient,
                                                                             world: World) -> None:
    url = f"/vetting/applications/{await _application_with_note(world)}"
    await sign_in(client, "vet_a")
    page = await client.get(url)
    assert page.status_code == 200 and NOTE in page.text
    assert_not_stored(page)
    assert page.headers["pragma"] == "no-cache"  # HTTP/1.0 caches

    form = await client.get("/me")
    token = TOKEN.search(form.text)
    assert token, form.text
    signed_out = await client.post("/logout", data={"_csrf_token": token.group(1)})
    assert signed_out.status_code == 303
    back = await client.get(url)  # what Back does once the page was not stored
    assert back.status_code != 200 and NOTE not in back.text


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/officers", 200),
        ("GET", "/api/auth/me", 200),
        ("GET", "/api/officers/2000000", 404),  # a domain error answered to a signed-in caller
        ("POST", "/api/auth/tokens", 403),  # outside the caller's role
        ("GET", "/api/no-such-thing", 404),  # the router's own answers
        ("DELETE", "/api/auth/me", 405),
    ],
)
async def test_api_answers_to_a_bearer_token_are_not_stored(client: AsyncClient, world: World, method: str,
                                                            path: str, status: int) -> None:
    body = {"username": "hr_a1", "name": "x"} if method == "POST" else None
    response = await client.request(method, path, json=body, headers=world.auth("hr_a1"))
    assert response.status_code == status, response.text
    assert_not_stored(response)


async def test_pages_and_errors_answered_to_a_session_are_not_stored(client: AsyncClient, world: World) -> None:
    await sign_in(client, "mgr_a1a")
    for path in ("/team", "/officers/2000000", "/no-such-page", "/api/auth/me"):
        assert_not_stored(await client.get(path))


async def test_a_handler_cache_header_does_not_outlive_the_session(client: AsyncClient, world: World) -> None:
    # The chart handler asks for 'private, max-age=300'; to a signed-in caller that would keep it after sign-out.
    response = await client.get("/api/charts/expiry-cliff.png", headers=world.auth("coord_a"))
    assert response.status_code == 200, response.text
    assert_not_stored(response)
    assert "max-age" not in response.headers["cache-control"]


async def test_the_sign_in_page_and_anonymous_errors_are_not_stored(client: AsyncClient) -> None:
    page = await client.get("/")
    assert page.status_code == 200 and "Sign in" in page.text
    assert_not_stored(page)
    assert_not_stored(await client.get("/api/officers"))  # 401


async def test_static_assets_and_health_keep_their_caching(client: AsyncClient, world: World) -> None:
    css = next(path.name for path in STATIC_DIR.iterdir() if path.suffix == ".css")
    for headers in ({}, world.auth("hr_a1")):
        asset = await client.get(f"/static/{css}", headers=headers)
        assert asset.status_code == 200
        assert_cache_left_alone(asset)
        health = await client.get("/health", headers=headers)
        assert health.status_code == 200
        assert_cache_left_alone(health)


async def test_an_anonymous_calendar_feed_keeps_its_own_caching(client: AsyncClient, world: World) -> None:
    feed = await client.post("/api/calendars", json={"scope": "team", "id": world.teams["A1a"]},
                             headers=world.auth("mgr_a1a"))
    assert_not_stored(feed)  # the answer that shows the token once
    ics = await client.get(f"/api/calendars/{feed.json()['token']}.ics")  # a calendar app: no cookie, no bearer
    assert ics.status_code == 200
    assert ics.headers["cache-control"] == "private, max-age=300"
