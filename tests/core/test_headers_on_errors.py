"""The security headers are on every answer, the router's own 404 (unknown path) and 405 (wrong method)
included: Litestar answers those before any middleware runs, so they once went out bare."""

from __future__ import annotations

import pytest
from httpx import AsyncClient, Response

from tests.factories import World


def assert_security_headers(response: Response) -> None:
    headers = response.headers
    assert "frame-ancestors 'none'" in headers.get("content-security-policy", ""), dict(headers)
    assert "script-src 'self';" in headers["content-security-policy"]
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("referrer-policy") == "same-origin"
    assert headers.get("x-frame-options") == "DENY"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/no-such-thing", 404),
        ("GET", "/api/officers/1/no-such-thing", 404),
        ("GET", "/no-such-page", 404),
        ("GET", "/static/no-such-file.css", 404),
        ("DELETE", "/health", 405),
        ("PUT", "/api/auth/login", 405),
        ("PATCH", "/api/officers", 405),
        ("PUT", "/login", 405),
        ("DELETE", "/", 405),
    ],
)
async def test_unknown_paths_and_wrong_methods_carry_the_security_headers(
        client: AsyncClient, method: str, path: str, status: int) -> None:
    response = await client.request(method, path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert_security_headers(response)
    assert path.startswith(("/static/", "/health")) or response.headers.get("cache-control") == "no-store"


async def test_a_wrong_method_still_says_which_methods_are_allowed(client: AsyncClient) -> None:
    response = await client.delete("/health")
    assert response.status_code == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) >= {"GET"}
    assert_security_headers(response)


async def test_errors_to_a_signed_in_caller_carry_them_too(client: AsyncClient, world: World) -> None:
    for method, path in (("GET", "/api/no-such-thing"), ("PUT", "/api/officers"), ("GET", "/api/officers/2000000")):
        response = await client.request(method, path, headers=world.auth("hr_a1"))
        assert response.status_code in (404, 405)
        assert_security_headers(response)


async def test_hsts_on_a_404_over_https(client: AsyncClient) -> None:
    response = await client.get("https://testserver/api/no-such-thing")
    assert response.status_code == 404
    assert response.headers["strict-transport-security"].startswith("max-age=")
