"""Emptying the test database between tests (and within a test that replays a scenario twice)."""

from __future__ import annotations

from piccolo.conf.apps import Finder
from piccolo.table import sort_table_classes

from bootstrap import seed_catalogues
from core.db import get_engine, is_sqlite
from scheduler.fact_cache import previews


async def empty_all_tables() -> None:
    tables = sort_table_classes(Finder().get_table_classes())
    names = [t._meta.tablename for t in tables]
    engine = get_engine()
    if is_sqlite():
        for name in reversed(names):
            await engine.run_ddl(f'DELETE FROM "{name}"')
        if await engine.run_ddl("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'"):
            await engine.run_ddl("DELETE FROM sqlite_sequence")
    else:
        quoted = ", ".join(f'"{n}"' for n in names)
        await engine.run_ddl(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


async def reset_database() -> None:
    """Every table empty, ids restarting at 1, catalogues seeded: the state each test starts from."""
    await empty_all_tables()
    await seed_catalogues()
    previews.clear()  # fact versions restart with the data: cached facts would describe another database's
