"""In-process caches of small, rarely changed data (catalogues, policy) that stay correct across app instances.

Several instances may share one PostgreSQL, and any of them (or a script, or a test's fresh database) may change
the data. So a cached value is never trusted by age: each `get()` runs one cheap *fingerprint* query (for the
catalogue, the stamp database triggers renew whenever a row it is built from changes), and the value is rebuilt
only when the answer differs from the one it was built under. A change anywhere is seen by every instance on its
next use. On SQLite even that query is skipped while nothing at all has been committed since the last one
(core.db.data_version).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar

from core.db import data_version, select_rows

T = TypeVar("T")

Fingerprint = tuple[tuple[Any, ...], ...]


def _key(rows: list[dict[str, Any]]) -> Fingerprint:
    return tuple(tuple(str(v) if v is not None else None for v in row.values()) for row in rows)


class FingerprintCache(Generic[T]):
    """`get()` returns the value `build()` made, rebuilt whenever the fingerprint SQL's rows change.

    The fingerprint is read *before* building, so a change that lands while building is seen on the next use
    (the stored fingerprint is then stale and differs), never hidden.
    """

    def __init__(self, fingerprint_sql: str, build: Callable[[], Awaitable[T]]) -> None:
        self._sql = fingerprint_sql
        self._build = build
        self._entry: tuple[Fingerprint, T] | None = None
        self._checked_at: Hashable | None = None  # the data_version when the entry's fingerprint last matched
        self.builds = 0  # how often the value was (re)built: tests and profiling

    async def fingerprint(self) -> Fingerprint:
        return _key(await select_rows(self._sql))

    async def get(self) -> T:
        version = data_version()  # read before the fingerprint: a commit in between forces a re-check next time
        entry = self._entry
        if entry is not None and version is not None and version == self._checked_at:
            return entry[1]
        key = await self.fingerprint()
        if entry is None or entry[0] != key:
            entry = (key, await self._build())
            self.builds += 1
            self._entry = entry
        self._checked_at = version
        return entry[1]


K = TypeVar("K", bound=Hashable)


class UnchangedDatabaseMemo(Generic[K, T]):
    """`get(key)` returns what `load(key)` returned, remembered while nothing at all has been committed to the
    database since (core.db.data_version: SQLite only; on PostgreSQL, or inside a transaction, every call loads).
    For lookups every request makes, such as the signed-in user: any commit (a sign-out, a revoked token, a
    deactivated user) forgets everything, so an answer is never older than the last commit."""

    def __init__(self, load: Callable[[K], Awaitable[T]], max_entries: int = 4096) -> None:
        self._load = load
        self._max_entries = max_entries
        self._entries: dict[K, tuple[Hashable, T]] = {}

    async def get(self, key: K) -> T:
        version = data_version()
        if version is None:
            return await self._load(key)
        hit = self._entries.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        value = await self._load(key)
        if not value:  # misses are not kept: made-up keys (unknown tokens) cannot crowd out real ones
            return value
        if len(self._entries) >= self._max_entries:
            self._entries.clear()
        self._entries[key] = (version, value)
        return value
