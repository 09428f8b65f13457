"""kill -9 during a burst of writes loses no acknowledged write (issue 9, Faults).

The real app runs under uvicorn in a subprocess on the tests' database (SQLite file, or PostgreSQL when
DATABASE_URL says so). Ten clients create officers as fast as they can; after the 40th 201 the server is killed
with SIGKILL while the other requests are still in flight. Every acknowledged officer must be in the database
with its audit row, nothing half-written may exist, and a restarted server must serve all of it and take writes.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import httpx

from core.tables import AuditEvent
from register.tables import Officer
from tests.factories import World
from tests.faults.support import AppServer, sqlite_integrity

WRITERS = 10
KILL_AFTER_ACKS = 40
PREFIX = "KILL"


def officer_body(world: World, n: int) -> dict[str, object]:
    return {"organisation_id": world.orgs["A1"], "team_id": world.teams["A1a"], "staff_number": f"{PREFIX}{n:04d}",
            "given_name": "Burst", "family_name": f"Writer{n}", "email": f"kill{n}@example.org",
            "started_on": "2024-01-02"}


async def test_sigkill_mid_burst_loses_no_acknowledged_write(world: World, tmp_path: Path) -> None:
    server = await AppServer(tmp_path / "app.log").start()
    acked: dict[str, int] = {}  # staff number -> id the server answered 201 with
    in_doubt: set[str] = set()  # sent, but the server died before answering
    unexpected: list[str] = []
    numbers = iter(range(1, 10_000))
    killed = asyncio.Event()
    exit_code: list[int] = []

    async def writer(client: httpx.AsyncClient) -> None:
        while not killed.is_set():
            body = officer_body(world, next(numbers))
            try:
                response = await client.post("/api/officers", json=body, headers=world.auth("hr_a1"))
            except httpx.TransportError:
                in_doubt.add(str(body["staff_number"]))
                return
            if response.status_code != 201:
                unexpected.append(f"{response.status_code} {response.text}")
                return
            acked[str(body["staff_number"])] = response.json()["id"]
            if len(acked) >= KILL_AFTER_ACKS and not killed.is_set():
                killed.set()
                exit_code.append(server.kill())

    try:
        limits = httpx.Limits(max_connections=WRITERS, max_keepalive_connections=WRITERS)
        async with httpx.AsyncClient(base_url=server.url, timeout=10, limits=limits) as client:
            await asyncio.wait_for(asyncio.gather(*(writer(client) for _ in range(WRITERS))), 60)
    finally:
        server.stop()

    assert unexpected == [], unexpected
    assert exit_code == [-signal.SIGKILL]
    assert len(acked) >= KILL_AFTER_ACKS
    assert in_doubt, "the kill must land while requests are in flight"

    # Opened directly: every acknowledged write is there, under the id the client was given.
    rows = await Officer.select(Officer.id, Officer.staff_number).where(Officer.staff_number.like(f"{PREFIX}%"))
    stored = {row["staff_number"]: row["id"] for row in rows}
    assert {number: stored.get(number) for number in acked} == acked
    assert set(stored) <= set(acked) | in_doubt  # nothing that was never sent
    # Consistent: each stored officer has exactly one audit row (same transaction), and the files are sound.
    audited = await AuditEvent.select(AuditEvent.entity_id).where(
        (AuditEvent.entity == "officer") & (AuditEvent.action == "officer.create")
        & AuditEvent.entity_id.is_in(sorted(stored.values())))
    assert sorted(row["entity_id"] for row in audited) == sorted(stored.values())
    await sqlite_integrity()

    # A restarted server serves every one of them and takes writes again (no stale lock left by the dead one).
    restarted = await AppServer(tmp_path / "app-restarted.log").start()
    try:
        async with httpx.AsyncClient(base_url=restarted.url, timeout=10) as client:
            listed = await client.get("/api/officers", headers=world.auth("hr_a1"),
                                      params={"q": PREFIX, "limit": 500})
            assert listed.status_code == 200, listed.text
            assert {item["staff_number"]: item["id"] for item in listed.json()["items"]} == stored
            again = await client.post("/api/officers", json=officer_body(world, 9_999), headers=world.auth("hr_a1"))
            assert again.status_code == 201, again.text
    finally:
        restarted.stop()
