"""The service recovers from a PostgreSQL restart (issue 9, Faults).

The real app (uvicorn subprocess) serves while the PostgreSQL cluster of scripts/with-postgres.sh is stopped and
started again with pg_ctl. During the outage every request that needs the database answers at once with a clean
503 problem (`database_unavailable`, Retry-After) — no hang, no 500, no traceback in the log; liveness stays up.
Once the server is back the same app process serves reads and writes again, without a restart.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

import core.http
from core.db import is_sqlite
from core.lifecycle import is_database_unavailable
from register.tables import Officer
from tests.factories import World
from tests.faults.support import AppServer, PgCluster

CLUSTER = PgCluster()
NO_RESTART = ("PostgreSQL only: SQLite has no server to restart" if is_sqlite()
              else None if CLUSTER.available
              else "needs the cluster's data dir and pg_ctl (CSAS_TEST_PG_*): run under scripts/with-postgres.sh")


def officer(world: World, staff_number: str) -> dict[str, object]:
    return {"organisation_id": world.orgs["A1"], "team_id": world.teams["A1a"], "staff_number": staff_number,
            "given_name": "Restart", "family_name": "Survivor", "email": f"{staff_number.lower()}@example.org",
            "started_on": "2024-01-02"}


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["retry-after"] == "5"
    body = response.json()
    assert body["code"] == "database_unavailable" and body["status"] == 503
    assert "Traceback" not in response.text


@pytest.mark.skipif(NO_RESTART is not None, reason=NO_RESTART or "")
async def test_requests_during_a_restart_get_503_and_the_same_app_serves_again_after(
    world: World, tmp_path: Path
) -> None:
    server = await AppServer(tmp_path / "app.log").start()
    auth = world.auth("hr_a1")
    stopped = False
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=15) as client:
            assert (await client.get("/api/officers", headers=auth)).status_code == 200

            await CLUSTER.stop()
            stopped = True
            assert_unavailable(await client.get("/api/officers", headers=auth))
            assert_unavailable(await client.post("/api/officers", json=officer(world, "PGDOWN1"), headers=auth))
            assert_unavailable(await client.get(f"/api/officers/{world.officers['A1a-1']}", headers=auth))
            assert (await client.get("/health/ready")).status_code == 503
            assert (await client.get("/health")).status_code == 200  # the process itself is alive

            await CLUSTER.start()
            stopped = False
            listed = await client.get("/api/officers", headers=auth)
            assert listed.status_code == 200, listed.text
            created = await client.post("/api/officers", json=officer(world, "PGBACK1"), headers=auth)
            assert created.status_code == 201, created.text
            assert (await client.get("/health/ready")).status_code == 200
    finally:
        if stopped:
            await CLUSTER.start()
        server.stop()

    assert server.process is not None and server.process.returncode is not None
    log = server.output()
    assert "Traceback" not in log, log
    # This process's own pool recovered too, and the outage wrote nothing half-way.
    assert await Officer.exists().where(Officer.staff_number == "PGBACK1")
    assert not await Officer.exists().where(Officer.staff_number == "PGDOWN1")


# --- the classification behind the 503, on either engine ----------------------------------------------------

def _asyncpg(name: str, message: str) -> Exception:
    import asyncpg

    error: Exception = getattr(asyncpg.exceptions, name)(message)
    return error


@pytest.mark.parametrize(
    ("make", "unavailable"),
    [
        (lambda: ConnectionRefusedError(111, "Connection refused"), True),
        (lambda: ConnectionResetError(104, "Connection reset by peer"), True),
        (lambda: TimeoutError(), True),
        (lambda: sqlite3.OperationalError("database is locked"), True),
        (lambda: sqlite3.OperationalError("unable to open database file"), True),
        (lambda: sqlite3.OperationalError("no such table: officer"), False),
        (lambda: sqlite3.IntegrityError("UNIQUE constraint failed: officer.email"), False),
        (lambda: _asyncpg("AdminShutdownError", "terminating connection due to administrator command"), True),
        (lambda: _asyncpg("CannotConnectNowError", "the database system is starting up"), True),
        (lambda: _asyncpg("ConnectionDoesNotExistError", "connection was closed in the middle of operation"), True),
        (lambda: _asyncpg("TooManyConnectionsError", "sorry, too many clients already"), True),
        (lambda: _asyncpg("InterfaceError", "cannot perform operation: connection is closed"), True),
        (lambda: _asyncpg("InterfaceError", "cannot perform operation: another operation is in progress"), False),
        (lambda: _asyncpg("DeadlockDetectedError", "deadlock detected"), True),
        (lambda: _asyncpg("SerializationError", "could not serialize access due to concurrent update"), True),
        (lambda: _asyncpg("UniqueViolationError", "duplicate key value violates unique constraint"), False),
        (lambda: _asyncpg("UndefinedColumnError", 'column "x" does not exist'), False),
        (lambda: ValueError("a bug"), False),
    ],
)
def test_which_errors_mean_the_database_is_unavailable(make: Callable[[], Exception], unavailable: bool) -> None:
    assert is_database_unavailable(make()) is unavailable


@pytest.mark.parametrize("error", [ConnectionRefusedError(111, "Connection refused"),
                                   sqlite3.OperationalError("database is locked")])
async def test_an_unreachable_database_is_a_503_problem_not_a_500(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    async def unreachable(token: str) -> None:
        raise error

    monkeypatch.setattr(core.http, "principal_for_bearer", unreachable)
    assert_unavailable(await client.get("/api/officers", headers=world.auth("hr_a1")))
    assert_unavailable(await client.post("/api/officers", json=officer(world, "DOWN2"), headers=world.auth("hr_a1")))
    monkeypatch.undo()
    assert not await Officer.exists().where(Officer.staff_number == "DOWN2")
    assert (await client.get("/api/officers", headers=world.auth("hr_a1"))).status_code == 200
