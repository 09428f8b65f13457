"""Issue 17: JSON nested ~1,000 deep made every route answer 500 (a RecursionError in the body decoder), the
unauthenticated sign-in included. Now: 400 problem details with a stable code, for any depth."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from httpx import AsyncClient, Response

from core.http import MAX_JSON_DEPTH, classify_unhandled, json_too_deep
from register.tables import Officer
from tests.factories import World


def nested_lists(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_objects(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def assert_refused(response: Response, caplog: pytest.LogCaptureFixture) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "malformed_request" and body["status"] == 400
    assert body["violations"][0]["code"] == "nesting_too_deep"
    assert "Unhandled error" not in caplog.text


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1_000, 100_000])
@pytest.mark.parametrize("shape", [nested_lists, nested_objects], ids=["lists", "objects"])
async def test_deep_json_on_the_unauthenticated_sign_in_is_a_400(
    client: AsyncClient, world: World, caplog: pytest.LogCaptureFixture, depth: int,
    shape: Callable[[int], str],
) -> None:
    with caplog.at_level(logging.ERROR):
        response = await client.post("/api/auth/login", content=shape(depth),
                                     headers={"Content-Type": "application/json"})
    assert_refused(response, caplog)


async def test_deep_json_inside_a_field_is_refused_and_writes_nothing(
    client: AsyncClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    before = await Officer.count()
    body = (f'{{"organisation_id": {world.orgs["A1"]}, "staff_number": "D1", "given_name": "A", '
            f'"family_name": "B", "email": "a@b.example", "started_on": "2025-01-01", '
            f'"extra": {nested_lists(1_000)}}}')
    with caplog.at_level(logging.ERROR):
        response = await client.post("/api/officers", content=body,
                                     headers={"Content-Type": "application/json", **world.auth("hr_a1")})
    assert_refused(response, caplog)
    assert await Officer.count() == before


@pytest.mark.parametrize(("method", "path"), [("PATCH", "/api/officers/1"), ("POST", "/api/auth/tokens"),
                                              ("POST", "/api/forces")])
async def test_deep_json_is_refused_on_authenticated_routes_too(
    client: AsyncClient, world: World, caplog: pytest.LogCaptureFixture, method: str, path: str
) -> None:
    with caplog.at_level(logging.ERROR):
        response = await client.request(method, path, content=nested_objects(1_000),
                                        headers={"Content-Type": "application/json", **world.auth("admin")})
    assert_refused(response, caplog)


async def test_ordinary_bodies_with_many_brackets_still_go_through(client: AsyncClient, world: World) -> None:
    # Brackets inside strings are text, and a wide (not deep) body is fine.
    assert not json_too_deep(b'{"name": "' + b"[" * 1_000 + b'"}')
    assert not json_too_deep(b"[" + b"[[]]," * 5_000 + b"[]]")
    assert not json_too_deep(nested_lists(MAX_JSON_DEPTH).encode())
    response = await client.post("/api/officers", headers=world.auth("hr_a1"), json={
        "organisation_id": world.orgs["A1"], "staff_number": "W1", "given_name": "[" * 50,
        "family_name": "{" * 50, "email": "w1@a1.example", "started_on": "2025-01-01"})
    assert response.status_code == 201, response.text


def test_a_recursion_error_from_decoding_elsewhere_is_a_400_not_a_500() -> None:
    """Routes outside the API guard: the decoder's own RecursionError is classified as the client's fault."""
    import msgspec

    with pytest.raises(RecursionError) as raised:
        msgspec.json.decode(nested_lists(100_000))
    answer = classify_unhandled(raised.value)
    assert answer.status == 400 and answer.code == "malformed_request"
    assert classify_unhandled(RecursionError("maximum recursion depth exceeded")).status == 500
