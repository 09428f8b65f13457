"""Hand-written: composite unique index (SQLite rejects Piccolo's composite constraints)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-22T18:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "staff_number unique within an organisation"


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="register", description=DESCRIPTION)

    async def run():
        await RawTable.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS officer_org_staff_number_uq "
            "ON officer (organisation, staff_number)"
        )

    manager.add_raw(run)
    return manager
