"""The officer list's ORDER BY (family_name, given_name, id) has a matching index (hand-written migration)."""

from core.db import is_sqlite
from register.tables import Officer


async def test_the_officer_list_order_has_an_index() -> None:
    if is_sqlite():
        rows = await Officer.raw("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'officer_name_order'")
        assert len(rows) == 1
        assert "(family_name, given_name, id)" in rows[0]["sql"]
    else:
        rows = await Officer.raw("SELECT indexdef AS sql FROM pg_indexes WHERE indexname = 'officer_name_order'")
        assert len(rows) == 1
        assert "(family_name, given_name, id)" in rows[0]["sql"]
