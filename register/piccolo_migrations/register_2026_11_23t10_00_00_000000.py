"""Hand-written: indexes for the officer list (register/officer_list.py).

- A covering index in the list's order, holding the columns scope and filters test (employer, team, leaving
  day), so a page at any offset is counted off the index alone, without reading each officer's row. It replaces
  the narrower officer_name_order.
- A substring index for the `q` search over names, staff number and email, so a search reads the matching
  officers instead of every officer: on SQLite an FTS5 table with the trigram tokenizer (SQLite 3.34 or later),
  kept in step with the officer table by triggers; on PostgreSQL a pg_trgm GIN index, which ILIKE uses.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

ID = "2026-11-23T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "officer list and search indexes"

LISTING_INDEX = ("CREATE INDEX IF NOT EXISTS officer_listing ON officer "
                 "(family_name, given_name, id, organisation, team, left_on)")
SEARCHED = ("given_name", "family_name", "staff_number", "email")
_COLUMNS = ", ".join(SEARCHED)
_NEW_VALUES = ", ".join(f"new.{column}" for column in SEARCHED)
_INDEX_NEW = f"INSERT INTO officer_search (rowid, {_COLUMNS}) VALUES (new.id, {_NEW_VALUES})"
_FORGET_OLD = "DELETE FROM officer_search WHERE rowid = old.id"

SQLITE = (
    LISTING_INDEX,
    "DROP INDEX IF EXISTS officer_name_order",
    # Its own copy of the four columns (not external content): a row is found and removed by rowid alone, so the
    # index can never be corrupted by a delete that names different values from those indexed.
    f"CREATE VIRTUAL TABLE IF NOT EXISTS officer_search USING fts5({_COLUMNS}, tokenize = 'trigram')",
    "DELETE FROM officer_search",
    f"INSERT INTO officer_search (rowid, {_COLUMNS}) SELECT id, {_COLUMNS} FROM officer",
    f"CREATE TRIGGER IF NOT EXISTS officer_search_insert AFTER INSERT ON officer BEGIN {_INDEX_NEW}; END",
    f"CREATE TRIGGER IF NOT EXISTS officer_search_delete AFTER DELETE ON officer BEGIN {_FORGET_OLD}; END",
    f"CREATE TRIGGER IF NOT EXISTS officer_search_update AFTER UPDATE OF id, {_COLUMNS} ON officer "
    f"BEGIN {_FORGET_OLD}; {_INDEX_NEW}; END",
    "ANALYZE officer",
)

POSTGRES = (
    LISTING_INDEX,
    "DROP INDEX IF EXISTS officer_name_order",
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it without superuser.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS officer_search ON officer USING gin ("
    + ", ".join(f"{column} gin_trgm_ops" for column in SEARCHED) + ")",
    "ANALYZE officer",
)


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="register", description=DESCRIPTION)

    async def run():
        postgres = isinstance(RawTable._meta.db, PostgresEngine)
        for statement in POSTGRES if postgres else SQLITE:
            await RawTable.raw(statement)

    manager.add_raw(run)
    return manager
