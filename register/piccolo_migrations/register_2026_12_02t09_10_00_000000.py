"""Hand-written: the accreditations entered before recorded_on existed get the day they were entered, from created_at
(the day in UTC, or in Europe/London on PostgreSQL). Left empty, they would count only from the day they are
dated (domain.md §8a), so a renewal booked or granted ahead of time would stop counting until it starts, and
its reminders would start again."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

ID = "2026-12-02T09:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "accreditation recorded_on from created_at"

SQLITE = 'UPDATE "accreditation" SET "recorded_on" = date("created_at") WHERE "recorded_on" IS NULL'
POSTGRES = ('UPDATE "accreditation" SET "recorded_on" = ("created_at" AT TIME ZONE \'Europe/London\')::date '
            'WHERE "recorded_on" IS NULL')


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="register", description=DESCRIPTION)

    async def run():
        await RawTable.raw(POSTGRES if isinstance(RawTable._meta.db, PostgresEngine) else SQLITE)

    manager.add_raw(run)
    return manager
