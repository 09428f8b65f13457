"""Database helpers shared by every domain: write transactions and engine-neutral error mapping."""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from piccolo.engine import engine_finder
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString

from core.errors import CoreErrorCode, Violation, raise_if_violations

P = ParamSpec("P")
R = TypeVar("R")

# PostgreSQL: every statement gets its answer within this many seconds or gives up (TimeoutError: 503
# database_unavailable, core.lifecycle), so a hung or paused server cannot hang the requests waiting on it. A
# request's statements take milliseconds; this bounds waiting for a server that no longer answers at all. Raised
# for the work below by long_work(). (SQLite has no server to hang: its writers wait for the lock for
# piccolo_conf.SQLITE_BUSY_TIMEOUT_MS, then answer 503 too.)
STATEMENT_TIMEOUT_SECONDS = 3.0
# Work that may rightly run one statement for minutes (migrations, the daily sweep, the command line): the same
# bound as pg_dump's for a backup (core/backup.py).
LONG_WORK_TIMEOUT_SECONDS = 3600.0
_statement_timeout: ContextVar[float] = ContextVar("statement_timeout", default=STATEMENT_TIMEOUT_SECONDS)


def statement_timeout() -> float:
    """How long a PostgreSQL statement sent now may take (core.pg.TimedConnection reads it per statement)."""
    return _statement_timeout.get()


@contextmanager
def long_work() -> Iterator[None]:
    """Lets the statements sent inside (and in tasks started inside) run up to LONG_WORK_TIMEOUT_SECONDS."""
    token = _statement_timeout.set(LONG_WORK_TIMEOUT_SECONDS)
    try:
        yield
    finally:
        _statement_timeout.reset(token)


def long_running(work: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Runs the decorated coroutine function under long_work()."""

    @functools.wraps(work)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with long_work():
            return await work(*args, **kwargs)

    return run


# A limit no list reaches: exports, imports and reports read whole lists through the paged list services.
EVERYTHING = 1_000_000


@functools.cache
def get_engine() -> Engine[Any]:
    """piccolo_conf.DB, found once: Piccolo's engine_finder imports and looks up the module on every call."""
    engine = engine_finder()
    if engine is None:  # pragma: no cover - piccolo_conf always defines DB
        raise RuntimeError("piccolo_conf.DB is not configured")
    return engine


@functools.cache
def is_sqlite() -> bool:
    return isinstance(get_engine(), SQLiteEngine)


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """One write transaction. On SQLite it is IMMEDIATE, so concurrent read-then-write never deadlocks.

    Nested use joins the outer transaction, so services can call each other.
    """
    engine = get_engine()
    if engine.transaction_exists():
        yield
        return
    if isinstance(engine, SQLiteEngine):
        async with engine.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with engine.transaction():
            yield


def is_unique_violation(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE" in str(exc)
    try:
        import asyncpg
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, asyncpg.exceptions.UniqueViolationError)


def is_integrity_error(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.IntegrityError):
        return True
    try:
        import asyncpg
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, asyncpg.exceptions.IntegrityConstraintViolationError)


def data_version() -> Hashable | None:
    """A value that stays equal while nothing at all has been committed to the database, for caches of data read
    from it; None when that cannot be known cheaply (PostgreSQL) or inside a transaction (which sees its own
    uncommitted writes)."""
    engine = get_engine()
    version = getattr(engine, "data_version", None)
    if version is None or engine.transaction_exists():
        return None
    token: Hashable = version()
    return token


def postgres_engine() -> PostgresEngine | None:
    engine = get_engine()
    return engine if isinstance(engine, PostgresEngine) else None


def check_order(order: str, orders: Iterable[str]) -> None:
    """422 unless `order` names one of a list's orders (a page's sortable column), or one with '-' before it for
    the reverse: lists are ordered (and paged) by the database, never sorted in Python."""
    known = list(orders)
    if order.removeprefix("-") not in known:
        raise_if_violations([Violation(CoreErrorCode.INVALID_CHOICE,
                                       f"sort must be one of: {', '.join(known)} (with - before it for the reverse).",
                                       "sort")])


def all_of(*clauses: Any) -> Any:
    """The AND of the where clauses given, skipping None (no limit); None when nothing limits."""
    out = None
    for clause in clauses:
        if clause is not None:
            out = clause if out is None else (out & clause)
    return out


# --- hand-written reads for the hot paths ----------------------------------------------------------------
# Building a query with Piccolo (copying columns, joins, compiling) costs several times what SQLite takes to run
# a small indexed SELECT (bench/: about 0.3 ms against 0.01 ms). The reads every judgement and every request make
# (sign-in, an officer's facts) are therefore written out once as SQL; everything else uses Piccolo.


async def select_rows(sql: str, *args: Any) -> list[dict[str, Any]]:
    """Runs a SELECT written with `{}` placeholders (inside the current transaction, if any)."""
    engine = get_engine()
    read = getattr(engine, "read", None)  # SQLite's shared reader (piccolo_conf), outside transactions
    if read is not None and not engine.transaction_exists():
        return read(sql, args)  # type: ignore[no-any-return]
    rows = await engine.run_querystring(QueryString(sql, *args))
    return [dict(row) for row in rows]  # asyncpg answers Records, which are read-only


async def execute(sql: str, *args: Any) -> None:
    """Runs a hand-written statement for what Piccolo cannot say in one, such as UPDATE ... FROM (VALUES ...)."""
    await get_engine().run_querystring(QueryString(sql, *args))


def any_id(column: str) -> str:
    """SQL true when `column` is one of a list of ids, given as the matching argument by `ids_argument`: one
    statement whatever the number of ids (SQLite reads them from a JSON array; PostgreSQL takes an array)."""
    return f"{column} IN (SELECT value FROM json_each({{}}))" if is_sqlite() else f"{column} = ANY({{}})"


def ids_argument(ids: Iterable[int]) -> Any:
    return json.dumps([int(i) for i in ids]) if is_sqlite() else [int(i) for i in ids]
