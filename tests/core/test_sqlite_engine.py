"""The shared read connection of piccolo_conf.SharedReadSQLiteEngine (it overrides a private Piccolo method)."""

import asyncio
import contextvars

import pytest

from core.db import get_engine, is_sqlite, select_rows, write_transaction
from register.tables import Force
from tests.factories import make_officer

pytestmark = pytest.mark.skipif(not is_sqlite(), reason="the shared read connection is SQLite's")


async def test_reads_share_one_connection_and_see_committed_writes() -> None:
    engine = get_engine()
    assert await Force.count() == 0
    reader = engine.reader()  # type: ignore[attr-defined]
    async with write_transaction():
        await Force.insert(Force(name="Kent Police", code="KENT"))
    assert await Force.count() == 1  # the committed write is visible to the shared reader at once
    assert engine.reader() is reader  # type: ignore[attr-defined]


async def test_the_shared_reader_cannot_write() -> None:
    import sqlite3

    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        get_engine().reader().execute("DELETE FROM force")  # type: ignore[attr-defined]


async def test_each_thread_reads_on_its_own_connection() -> None:
    engine = get_engine()
    other = await asyncio.to_thread(engine.reader)  # type: ignore[attr-defined]
    assert other is not engine.reader()  # type: ignore[attr-defined]
    assert other.execute("SELECT count(*) FROM force").fetchone()[0] == 0


async def test_reads_inside_a_transaction_see_its_own_uncommitted_writes() -> None:
    async with write_transaction():
        await Force.insert(Force(name="Essex Police", code="ESSEX"))
        assert await Force.exists().where(Force.code == "ESSEX")
        outside = asyncio.create_task(Force.count().run(), context=contextvars.Context())  # not in the transaction
        assert await outside == 0  # WAL: others do not see it before the commit
    assert await Force.count() == 1


async def test_a_failed_transaction_leaves_nothing_for_readers() -> None:
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await Force.insert(Force(name="Doomed", code="DOOMED"))
            raise RuntimeError("crash mid-write")
    assert not await Force.exists().where(Force.code == "DOOMED")


async def test_concurrent_reads_on_the_shared_connection() -> None:
    async with write_transaction():
        await Force.insert(*(Force(name=f"Force {n}", code=f"F{n}") for n in range(20)))
    results = await asyncio.gather(*(Force.select().where(Force.code == f"F{n}").first() for n in range(20)))
    assert [r["code"] for r in results] == [f"F{n}" for n in range(20)]


async def test_writes_outside_transactions_still_use_their_own_connection() -> None:
    await Force.insert(Force(name="Surrey Police", code="SURREY"))
    await Force.update({Force.name: "Surrey Constabulary"}).where(Force.code == "SURREY")
    assert (await Force.select(Force.name).first())["name"] == "Surrey Constabulary"


async def test_foreign_keys_are_still_enforced_inside_transactions() -> None:
    from register.tables import Organisation

    with pytest.raises(Exception, match="FOREIGN KEY"):
        async with write_transaction():
            await Organisation.insert(Organisation(name="Orphan", force=999, kind="council"))
    assert await Organisation.count() == 0


async def test_statistics_are_gathered_when_missing_or_when_the_register_has_grown(world) -> None:
    from core.lifecycle import refresh_sqlite_statistics

    async def analysed_rows() -> int:
        rows = await select_rows("SELECT stat FROM sqlite_stat1 WHERE tbl = 'officer' AND idx IS NOT NULL LIMIT 1")
        return int(rows[0]["stat"].split()[0]) if rows else 0

    await get_engine().run_ddl("DELETE FROM sqlite_stat1")
    assert await refresh_sqlite_statistics() is True and await analysed_rows() == 8
    assert await refresh_sqlite_statistics() is False  # nothing changed: nothing to do
    for n in range(8):  # 16 officers: doubled, but not more
        await make_officer(world.orgs["A1"], None, f"GROW{n}")
    assert await refresh_sqlite_statistics() is False
    await make_officer(world.orgs["A1"], None, "GROW8")
    assert await refresh_sqlite_statistics() is True and await analysed_rows() == 17


@pytest.mark.parametrize(("type_name", "stored"), [
    ("INTEGER", b"0"), ("INTEGER", b"-42"), ("INTEGER", b"9007199254740993"), ("INTEGER", b"1.0"), ("INTEGER", b"7.9"),
    ("DATE", b"2026-11-23"), ("BOOLEAN", b"1"), ("BOOLEAN", b"0"),
    ("TIMESTAMP", b"2026-11-23 10:15:00.123456"), ("TIMESTAMP", b"2026-11-23T10:15:00"),
    ("TIMESTAMPTZ", b"2026-11-23 10:15:00.5"), ("TIMESTAMPTZ", b"2026-11-23T10:15:00+00:00"),
])
def test_the_faster_converters_read_what_piccolos_read(type_name: str, stored: bytes) -> None:
    from piccolo.engine.sqlite import CONVERTERS

    from piccolo_conf import FAST_CONVERTERS

    ours = FAST_CONVERTERS[type_name](stored)
    theirs = CONVERTERS[type_name](stored)
    assert ours == theirs and type(ours) is type(theirs)
