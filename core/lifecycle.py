"""Opening and closing the database for a process: pool on PostgreSQL, WAL on SQLite.

Reference-counted, so a test harness or CLI that already opened the database can host an app lifespan.

When the database server goes away (a PostgreSQL restart, a failover), asyncpg's pool drops each broken
connection and opens a new one on the next acquire, so the app recovers by itself once the server is back;
meanwhile `is_database_unavailable` tells the HTTP layer to answer 503 instead of 500 (core/http.py).
"""

from __future__ import annotations

import logging
import socket
import sqlite3

from core.db import get_engine, postgres_engine, select_rows, write_transaction

POOL_MIN_SIZE = 2
POOL_MAX_SIZE = 20
_opened = 0


async def open_database() -> None:
    global _opened
    _opened += 1
    if _opened > 1:
        return
    if (engine := postgres_engine()) is not None:
        _quiet_pool_reconnects()
        await engine.start_connection_pool(min_size=POOL_MIN_SIZE, max_size=POOL_MAX_SIZE)
    else:
        # WAL persists in the file; setting it at every start is cheap and self-healing.
        await get_engine().run_ddl("PRAGMA journal_mode=WAL")
        await refresh_sqlite_statistics()


# ANALYZE reads this many rows of each index at most: statistics good enough to choose an index, in milliseconds.
ANALYSIS_LIMIT = 2000


async def refresh_sqlite_statistics() -> bool:
    """Gathers SQLite's planner statistics again if the officer table has none, or has doubled or halved since
    they were gathered; True if it did. Without them, or with ones taken when the register was a tenth of its size,
    the planner sorts every officer in scope for each page of the list instead of reading the list's index.
    PostgreSQL's autovacuum keeps its own; SQLite gathers them only when asked: at start, and by the daily sweep."""
    if postgres_engine() is not None:
        return False
    rows = await select_rows(
        "SELECT (SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1') AS has_stats, "
        "(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'officer') AS has_officers")
    if not rows or not rows[0]["has_officers"]:
        return False
    officers = (await select_rows('SELECT count(*) AS n FROM "officer"'))[0]["n"]
    if not officers:
        return False
    if rows[0]["has_stats"]:
        stats = await select_rows("SELECT stat FROM sqlite_stat1 WHERE tbl = 'officer' AND idx IS NOT NULL LIMIT 1")
        analysed = int(str(stats[0]["stat"]).split()[0]) if stats else 0
        if analysed and analysed / 2 <= officers <= analysed * 2:
            return False
    async with write_transaction():  # one connection: the limit applies to this ANALYZE
        await get_engine().run_ddl(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        await get_engine().run_ddl("ANALYZE")
    return True


async def close_database() -> None:
    global _opened
    _opened = max(0, _opened - 1)
    if _opened > 0:
        return
    if (engine := postgres_engine()) is not None:
        await engine.close_connection_pool()
    elif (close_readers := getattr(get_engine(), "close_readers", None)) is not None:
        await close_readers()


# SQLite reports a busy or unreachable file as OperationalError; other OperationalErrors are bugs (bad SQL).
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open database file", "disk i/o error")


def is_database_unavailable(exc: BaseException) -> bool:
    """The database cannot be reached, is shutting down or starting up, or gave up on a transaction that crossed
    another: retry later (HTTP 503), not a bug."""
    if isinstance(exc, ConnectionError | TimeoutError | socket.gaierror):
        return True  # refused, reset or timed out while connecting or talking to the server
    if isinstance(exc, sqlite3.OperationalError):
        return any(text in str(exc).lower() for text in _SQLITE_UNAVAILABLE)
    try:
        import asyncpg
    except ImportError:  # pragma: no cover
        return False
    errors = asyncpg.exceptions
    if isinstance(exc, errors.PostgresConnectionError | errors.AdminShutdownError | errors.CrashShutdownError
                  | errors.CannotConnectNowError | errors.TooManyConnectionsError):
        return True  # class 08, 57P01-57P03, 53300
    if isinstance(exc, errors.QueryCanceledError):
        return True  # 57014: cancelled by the server (statement_timeout, an operator) or by our own time bound
    if isinstance(exc, errors.DeadlockDetectedError | errors.SerializationError):
        return True  # 40P01, 40001: two writers crossed (e.g. on officers' fact versions); the retry goes through
    text = str(exc).lower()
    return isinstance(exc, errors.InterfaceError) and "connection" in text and "closed" in text


class _OneLineWhileUnavailable(logging.Filter):
    """asyncpg's pool logs every failed reconnect with a full traceback while the server is away (a restart
    logs a dozen): an outage is expected operations, so each becomes one line naming the error."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and is_database_unavailable(exc):
            record.msg = f"{record.getMessage()} ({type(exc).__name__}: {exc})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def _quiet_pool_reconnects() -> None:
    pool_logger = logging.getLogger("asyncpg.pool")
    if not any(isinstance(f, _OneLineWhileUnavailable) for f in pool_logger.filters):
        pool_logger.addFilter(_OneLineWhileUnavailable())
