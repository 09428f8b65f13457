"""Opening and closing the database for a process: pool on PostgreSQL, WAL on SQLite.

Reference-counted, so a test harness or CLI that already opened the database can host an app lifespan.
"""

from __future__ import annotations

from core.db import get_engine, postgres_engine

POOL_MIN_SIZE = 2
POOL_MAX_SIZE = 20
_opened = 0


async def open_database() -> None:
    global _opened
    _opened += 1
    if _opened > 1:
        return
    if (engine := postgres_engine()) is not None:
        await engine.start_connection_pool(min_size=POOL_MIN_SIZE, max_size=POOL_MAX_SIZE)
    else:
        # WAL persists in the file; setting it at every start is cheap and self-healing.
        await get_engine().run_ddl("PRAGMA journal_mode=WAL")


async def close_database() -> None:
    global _opened
    _opened = max(0, _opened - 1)
    if _opened > 0:
        return
    if (engine := postgres_engine()) is not None:
        await engine.close_connection_pool()
    elif (close_readers := getattr(get_engine(), "close_readers", None)) is not None:
        await close_readers()
