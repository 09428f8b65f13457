"""Database helpers shared by every domain: write transactions and engine-neutral error mapping."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from piccolo.engine import engine_finder
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType


def get_engine() -> Engine[Any]:
    engine = engine_finder()
    if engine is None:  # pragma: no cover - piccolo_conf always defines DB
        raise RuntimeError("piccolo_conf.DB is not configured")
    return engine


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


def postgres_engine() -> PostgresEngine | None:
    engine = get_engine()
    return engine if isinstance(engine, PostgresEngine) else None


def contains_text(column: Any, text: str) -> Any:
    """Case-insensitive 'contains' on both engines (SQLite's LIKE is already case-insensitive for ASCII)."""
    escaped = text.replace("\\", "").replace("%", "").replace("_", "")
    pattern = f"%{escaped}%"
    return column.like(pattern) if is_sqlite() else column.ilike(pattern)


def all_of(*clauses: Any) -> Any:
    """The AND of the where clauses given, skipping None (no limit); None when nothing limits."""
    out = None
    for clause in clauses:
        if clause is not None:
            out = clause if out is None else (out & clause)
    return out
