"""The asyncpg connection the register's PostgreSQL engine uses (piccolo_conf): each statement is bounded in time.

asyncpg's own `command_timeout` is one number per connection; this reads the bound per statement instead
(core.db.statement_timeout), so requests give up on a hung server within seconds while migrations and the sweep,
under core.db.long_work(), may run long statements on the same pool. Piccolo sends every query with `fetch`;
transactions, savepoints and the pool's reset on release use `execute`.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from core.db import statement_timeout


class TimedConnection(asyncpg.Connection):  # type: ignore[misc]
    # The signatures are asyncpg's own (timeout included): callers, the pool among them, pass it by name.
    async def fetch(
        self, query: str, *args: Any, timeout: float | None = None, record_class: Any = None  # noqa: ASYNC109
    ) -> Any:
        return await super().fetch(query, *args, timeout=statement_timeout() if timeout is None else timeout,
                                   record_class=record_class)

    async def execute(self, query: str, *args: Any, timeout: float | None = None) -> Any:  # noqa: ASYNC109
        return await super().execute(query, *args, timeout=statement_timeout() if timeout is None else timeout)
