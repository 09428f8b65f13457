"""Hand-written: an index matching the officer list's ORDER BY (family_name, given_name, id), so a page is read
in index order instead of sorting every officer in scope on each request."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-22T22:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "officer list order index"


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="register", description=DESCRIPTION)

    async def run():
        await RawTable.raw(
            "CREATE INDEX IF NOT EXISTS officer_name_order ON officer (family_name, given_name, id)"
        )
        # Fresh statistics let the planner pick this index for the list (PostgreSQL's autovacuum keeps its own).
        await RawTable.raw("ANALYZE officer")

    manager.add_raw(run)
    return manager
