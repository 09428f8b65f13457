"""The only place that picks the database engine, from DATABASE_URL (api.md, Settings)."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from core.settings import get_settings

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Opening a PostgreSQL connection gives up after this long (asyncpg waits 60 s): while the server is down or
# unreachable a request answers 503 promptly instead of hanging (core/http.py).
PG_CONNECT_TIMEOUT_SECONDS = 5.0


class TunedSQLiteConnection(sqlite3.Connection):
    """Per-connection pragmas; WAL itself is set once at start-up and persists in the file."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        self.execute("PRAGMA synchronous = NORMAL")


class SharedReadSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine opens a new connection (and thread) for every query outside a transaction.
    Plain reads here share one connection per event loop instead; writes, and everything inside a transaction,
    keep Piccolo's own path. In WAL mode a read on the shared connection sees every committed write.

    This overrides Piccolo's private `_run_in_new_connection` and `_run_in_existing_connection`;
    tests/core/test_sqlite_engine.py owns that.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._readers: dict[int, Any] = {}

    async def _reader(self) -> Any:
        loop = asyncio.get_running_loop()
        reader = self._readers.get(id(loop))
        if reader is None:
            reader = await self.get_connection()
            self._readers[id(loop)] = reader
        return reader

    async def close_readers(self) -> None:
        readers, self._readers = list(self._readers.values()), {}
        for reader in readers:
            await reader.close()

    async def _run_in_new_connection(
        self, query: str, args: list[Any] | None = None, query_type: str = "generic", table: Any = None,
    ) -> Any:
        if query_type == "insert" or not query.lstrip()[:6].upper() == "SELECT":
            return await super()._run_in_new_connection(query, args, query_type, table)
        reader = await self._reader()
        async with reader.execute(query, args or []) as cursor:
            return await cursor.fetchall()


    async def _run_in_existing_connection(
        self, connection: Any, query: str, args: list[Any] | None = None, query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        """Piccolo re-runs `PRAGMA foreign_keys = 1` before every statement in a transaction; the transaction's
        connection already has it (get_connection sets it), so each statement is one round trip, not two."""
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()


def build_engine() -> SQLiteEngine | PostgresEngine:
    settings = get_settings()
    if settings.is_sqlite:
        path = settings.sqlite_path
        path.parent.mkdir(parents=True, exist_ok=True)
        return SharedReadSQLiteEngine(
            path=str(path), factory=TunedSQLiteConnection, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000
        )
    return PostgresEngine(config={"dsn": settings.database_url, "timeout": PG_CONNECT_TIMEOUT_SECONDS})


DB = build_engine()

APP_REGISTRY = AppRegistry(
    apps=[
        "core.piccolo_app",
        "register.piccolo_app",
        "vetting.piccolo_app",
        "training.piccolo_app",
        "scheduler.piccolo_app",
    ]
)
