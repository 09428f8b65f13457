"""The hand-written read path (core.db.select_rows, any_id) and the caches that trust the database's own
change counter (core.db.data_version): exact on both engines, and never older than the last commit."""

from __future__ import annotations

import pytest

from core.access import Principal
from core.cache import UnchangedDatabaseMemo
from core.db import any_id, data_version, ids_argument, is_sqlite, select_rows, write_transaction
from core.services import create_token, principal_for_bearer, set_user_active
from core.tables import User
from register.tables import Force
from tests.factories import World

FORCES = 'SELECT f."id", f."code" FROM "force" f WHERE {} ORDER BY f."id"'


async def _forces(*codes: str) -> list[int]:
    return [(await Force.insert(Force(name=f"Force {code}", code=code)).returning(Force.id))[0]["id"]
            for code in codes]


async def test_any_id_matches_exactly_the_ids_given() -> None:
    ids = await _forces("KENT", "ESSEX", "SURREY")
    rows = await select_rows(FORCES.format(any_id('f."id"')), ids_argument([ids[2], ids[0], 999_999]))
    assert [row["code"] for row in rows] == ["KENT", "SURREY"]
    assert await select_rows(FORCES.format(any_id('f."id"')), ids_argument([])) == []


async def test_select_rows_inside_a_transaction_sees_its_own_writes() -> None:
    async with write_transaction():
        [force_id] = await _forces("DORSET")
        rows = await select_rows(FORCES.format('f."id" = {}'), force_id)
        assert [row["code"] for row in rows] == ["DORSET"]
        assert data_version() is None  # caches never answer from inside a transaction


async def test_a_memo_answers_again_only_while_nothing_was_committed() -> None:
    loads: list[str] = []

    async def load(key: str) -> list[str]:
        loads.append(key)
        return [row["code"] for row in await Force.select(Force.code).order_by(Force.id)]

    memo: UnchangedDatabaseMemo[str, list[str]] = UnchangedDatabaseMemo(load)
    assert await memo.get("forces") == []
    assert await memo.get("forces") == []  # a miss is never kept: loaded again
    await _forces("KENT")  # any commit at all
    assert await memo.get("forces") == ["KENT"]
    assert await memo.get("forces") == ["KENT"]
    await _forces("ESSEX")
    assert await memo.get("forces") == ["KENT", "ESSEX"]
    # SQLite knows nothing was committed in between; PostgreSQL cannot tell cheaply, so it always loads.
    assert len(loads) == (4 if is_sqlite() else 5)


@pytest.mark.skipif(not is_sqlite(), reason="data_version is SQLite's")
async def test_data_version_moves_with_every_commit_from_any_connection() -> None:
    before = data_version()
    assert data_version() == before
    await _forces("KENT")  # committed on another connection than the reader's
    assert data_version() != before


async def test_a_deactivated_users_token_stops_at_once(world: World) -> None:
    admin = Principal.system("test")
    token = (await create_token(admin, "coord_a", "script"))["token"]
    assert (await principal_for_bearer(token)) is not None
    assert (await principal_for_bearer(token)) is not None  # answered from the memo on SQLite
    user = await User.select(User.id).where(User.username == "coord_a").first()
    assert user is not None
    await set_user_active(admin, user["id"], False)
    assert await principal_for_bearer(token) is None
    await set_user_active(admin, user["id"], True)
    assert (await principal_for_bearer(token)) is not None
