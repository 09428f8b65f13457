"""Issue 17: login CSRF. Another site can make a browser post to the sign-in route (a form, or fetch with
text/plain, needs no CORS preflight); that must not sign the browser in to the attacker's account."""

from __future__ import annotations

import json

import pytest
from httpx import AsyncClient

from tests.admin_ui.test_pages_common import TOKEN
from tests.factories import PASSWORD, World

CREDENTIALS = {"username": "hr_a1", "password": PASSWORD}


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}],
    ids=["foreign-origin", "fetch-metadata-cross-site", "opaque-origin"],
)
async def test_a_json_sign_in_from_another_site_is_refused(
    client: AsyncClient, world: World, headers: dict[str, str]
) -> None:
    response = await client.post("/api/auth/login", json=CREDENTIALS, headers=headers)
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "cross_site_request"
    assert "csas_session" not in response.cookies
    assert (await client.get("/api/auth/me")).status_code == 401


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", None])
@pytest.mark.parametrize("origin", ["https://evil.example", None])
async def test_a_sign_in_that_is_not_json_is_refused(
    client: AsyncClient, world: World, content_type: str | None, origin: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    if origin:
        headers["Origin"] = origin
    # The body is valid JSON whatever the label says: what a cross-site text/plain post carries.
    response = await client.post("/api/auth/login", content=json.dumps(CREDENTIALS), headers=headers)
    assert response.status_code == (403 if origin else 415), response.text
    assert response.json()["code"] == ("cross_site_request" if origin else "unsupported_media_type")
    assert "csas_session" not in response.cookies
    assert (await client.get("/api/auth/me")).status_code == 401


@pytest.mark.parametrize("headers", [{}, {"Origin": "http://testserver"}, {"Sec-Fetch-Site": "same-origin"},
                                     {"Content-Type": "application/json; charset=utf-8"}],
                         ids=["script", "same-origin", "fetch-metadata-same-origin", "charset"])
async def test_a_json_sign_in_from_this_site_or_a_script_works(
    client: AsyncClient, world: World, headers: dict[str, str]
) -> None:
    response = await client.post("/api/auth/login", content=json.dumps(CREDENTIALS),
                                 headers={"Content-Type": "application/json", **headers})
    assert response.status_code == 200, response.text
    assert (await client.get("/api/auth/me")).json()["username"] == "hr_a1"


async def test_the_openapi_document_lists_the_refusals(client: AsyncClient) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    assert {"403", "415"} <= set(document["paths"]["/api/auth/login"]["post"]["responses"])


async def test_the_page_sign_in_from_another_site_is_refused(client: AsyncClient, world: World) -> None:
    """The form needs the token from the page (double-submit cookie): another site cannot read it."""
    response = await client.post("/login", data=CREDENTIALS, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403 and "csas_session" not in response.cookies
    page = await client.get("/")
    token = TOKEN.search(page.text)
    assert token
    client.cookies.delete("csas_csrf")  # another site's form: the token is guessable only with the cookie
    forged = await client.post("/login", data={**CREDENTIALS, "_csrf_token": token.group(1)},
                               headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403 and "csas_session" not in forged.cookies
    assert (await client.get("/api/auth/me")).status_code == 401
