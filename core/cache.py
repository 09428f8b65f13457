"""In-process caches of small, rarely changed data (catalogues, policy) that stay correct across app instances.

Several instances may share one PostgreSQL, and any of them (or a script, or a test's fresh database) may change
the data. So a cached value is never trusted by age: each `get()` runs one cheap *fingerprint* query that
returns the few rows the value is built from (a handful of short rows from tiny tables, one round trip), and
the value is rebuilt only when those rows differ from the ones it was built from. One query per use instead of
several, and no Python rebuilding on the hot path; a change anywhere is seen by every instance on its next use.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from piccolo.table import Table

T = TypeVar("T")

Fingerprint = tuple[tuple[Any, ...], ...]


def _key(rows: list[dict[str, Any]]) -> Fingerprint:
    return tuple(tuple(str(v) if v is not None else None for v in row.values()) for row in rows)


class FingerprintCache(Generic[T]):
    """`get()` returns the value `build()` made, rebuilt whenever the fingerprint SQL's rows change.

    The fingerprint is read *before* building, so a change that lands while building is seen on the next use
    (the stored fingerprint is then stale and differs), never hidden.
    """

    def __init__(self, table: type[Table], fingerprint_sql: str, build: Callable[[], Awaitable[T]]) -> None:
        self._table = table  # any table of the app: only the handle raw SQL runs through
        self._sql = fingerprint_sql
        self._build = build
        self._entry: tuple[Fingerprint, T] | None = None
        self.builds = 0  # how often the value was (re)built: tests and profiling

    async def fingerprint(self) -> Fingerprint:
        rows: list[dict[str, Any]] = await self._table.raw(self._sql)
        return _key(rows)

    async def get(self) -> T:
        key = await self.fingerprint()
        entry = self._entry
        if entry is not None and entry[0] == key:
            return entry[1]
        value = await self._build()
        self.builds += 1
        self._entry = (key, value)
        return value
