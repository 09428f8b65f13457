"""Hand-written: composite unique index (SQLite rejects Piccolo's composite constraints)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-22T18:28:48:000000"
VERSION = "1.38.0"
DESCRIPTION = "at most one message per recipient, day and kind in the outbox"


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="scheduler", description=DESCRIPTION)

    async def run():
        await RawTable.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS notification_recipient_day_kind_uq "
            "ON notification (recipient_email, due_on, kind)"
        )

    manager.add_raw(run)
    return manager
