"""Shared steps for the vetting API tests."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient, Response

from tests.factories import World


async def new_application(
    client: AsyncClient, world: World, officer: str = "A1a-1", level: str = "NPPV2A",
    requested_on: str = "2026-01-05", who: str = "hr_a1", **extra: Any,
) -> dict[str, Any]:
    body = {"officer_id": world.officers[officer], "level_code": level, "requested_on": requested_on} | extra
    response = await client.post("/api/vetting/applications", json=body, headers=world.auth(who))
    assert response.status_code == 201, response.text
    return response.json()


async def event(
    client: AsyncClient, world: World, app_id: int, status: str, on: str, who: str = "vet_a", **extra: Any
) -> Response:
    return await client.post(f"/api/vetting/applications/{app_id}/events", json={"status": status, "on": on} | extra,
                             headers=world.auth(who))


async def walk(client: AsyncClient, world: World, app_id: int, steps: list[tuple[str, str]], **extra: Any) -> dict:
    body: dict = {}
    for status, on in steps:
        response = await event(client, world, app_id, status, on, **extra)
        assert response.status_code == 201, response.text
        body = response.json()
    return body


TO_IN_PROGRESS = [("submitted", "2026-01-10"), ("in_progress", "2026-01-20")]
