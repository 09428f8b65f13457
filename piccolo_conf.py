"""The only place that picks the database engine, from DATABASE_URL (api.md, Settings)."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import sqlite3
import threading
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from core.db import STATEMENT_TIMEOUT_SECONDS
from core.settings import get_settings

SQLITE_BUSY_TIMEOUT_MS = 10_000
READER_BUSY_TIMEOUT_MS = 500
# Opening a PostgreSQL connection gives up after this long (asyncpg waits 60 s): while the server is down,
# unreachable or hung, a request answers 503 promptly instead of hanging (core/http.py). Statements have their own
# bound (core.db.STATEMENT_TIMEOUT_SECONDS, core/pg.py); asyncpg's command_timeout, set to the same, bounds what
# it sends by itself: the cancel request for a statement that timed out, which a hung server never answers either.
PG_CONNECT_TIMEOUT_SECONDS = 3.0


class TunedSQLiteConnection(sqlite3.Connection):
    """Per-connection pragmas; WAL itself is set once at start-up and persists in the file."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        self.execute("PRAGMA synchronous = NORMAL")


def _int_out(value: bytes) -> int:
    try:
        return int(value)
    except ValueError:  # '1.0' in an INTEGER column: Piccolo's own reading
        return int(Decimal(value.decode()))


# Piccolo reads SQLite's INTEGER, DATE, BOOLEAN and TIMESTAMP columns through converters that decode, type-check
# and (for integers) go by way of Decimal: a third of the time of reading a page of fifty officers (bench/). These
# give the same values, faster; sqlite3's converters are global, so Piccolo's own connections use them too.
# tests/core/test_sqlite_engine.py compares them with Piccolo's.
FAST_CONVERTERS: dict[str, Callable[[bytes], Any]] = {
    "INTEGER": _int_out,
    "DATE": lambda value: dt.date.fromisoformat(value.decode()),
    "BOOLEAN": lambda value: value == b"1",
    "TIMESTAMP": lambda value: dt.datetime.fromisoformat(value.decode()),
    "TIMESTAMPTZ": lambda value: dt.datetime.fromisoformat(value.decode()).replace(tzinfo=dt.UTC),
}
for _type_name, _converter in FAST_CONVERTERS.items():
    sqlite3.register_converter(_type_name, _converter)


def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """The cursor's rows as dicts: the column names are read once, not once a row as a row_factory does."""
    rows = cursor.fetchall()
    if not rows:
        return []
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in rows]


@functools.lru_cache(maxsize=256)
def _qmarks(sql: str) -> str:
    return sql.replace("{}", "?")


class SharedReadSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine opens a new aiosqlite connection (and thread) for every query outside a
    transaction, and every aiosqlite call is a round trip to that thread: about 0.4 ms for a read SQLite itself
    answers in 5 microseconds (measured, bench/). Plain reads here run synchronously on one sqlite3 connection
    per thread instead. In WAL mode a reader never waits for a writer and sees every committed write, so a read
    costs only its own CPU time. Writes, and everything inside a transaction, keep Piccolo's own path: a write
    may wait for the lock, which must never block the event loop.

    This overrides Piccolo's private `_run_in_new_connection` and `_run_in_existing_connection`;
    tests/core/test_sqlite_engine.py owns that.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._local = threading.local()
        self._all_readers: list[sqlite3.Connection] = []
        self._serials = itertools.count()

    def reader(self) -> sqlite3.Connection:
        reader: sqlite3.Connection | None = getattr(self._local, "reader", None)
        if reader is None:
            reader = sqlite3.connect(**{**self.connection_kwargs, "check_same_thread": False})
            reader.execute("PRAGMA query_only = 1")
            # A WAL reader waits only in rare cases (recovery after a crash); it waits on the event loop, so
            # briefly: a busy database then answers 503 rather than stalling every request (core/http.py).
            reader.execute(f"PRAGMA busy_timeout = {READER_BUSY_TIMEOUT_MS}")
            self._local.reader = reader
            self._local.serial = next(self._serials)
            self._all_readers.append(reader)
        return reader

    def read(self, sql: str, args: Sequence[Any]) -> list[dict[str, Any]]:
        """A hand-written SELECT with `{}` placeholders (core.db.select_rows) on this thread's reader, without
        building a Piccolo QueryString: for the reads every request makes."""
        return _dicts(self.reader().execute(_qmarks(sql), args))

    def data_version(self) -> tuple[int, int]:
        """Differs from any earlier answer once anything has been committed to the database, by this process or
        another (SQLite's data_version on this thread's reader, which never writes itself). A few microseconds:
        caches of data read from the database compare it instead of re-reading (core/cache.py)."""
        version: int = self.reader().execute("PRAGMA data_version").fetchone()[0]
        return self._local.serial, version

    async def close_readers(self) -> None:
        readers, self._all_readers = self._all_readers, []
        self._local = threading.local()
        for reader in readers:
            reader.close()

    async def _run_in_new_connection(
        self, query: str, args: list[Any] | None = None, query_type: str = "generic", table: Any = None,
    ) -> Any:
        if query_type == "insert" or not query.lstrip()[:6].upper() == "SELECT":
            return await super()._run_in_new_connection(query, args, query_type, table)
        return _dicts(self.reader().execute(query, args or []))

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
    from core.pg import TimedConnection

    return PostgresEngine(config={
        "dsn": settings.database_url, "timeout": PG_CONNECT_TIMEOUT_SECONDS,
        "command_timeout": STATEMENT_TIMEOUT_SECONDS, "connection_class": TimedConnection,
    })


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
