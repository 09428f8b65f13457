"""Hand-written: partial unique indexes (SQLite rejects Piccolo's composite constraints)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-22T18:26:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "kit serial unique among items out; a power designated once at a time per accreditation"


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="register", description=DESCRIPTION)

    async def run():
        await RawTable.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS kit_issue_serial_out_uq "
            "ON kit_issue (kit_type, serial_number) WHERE returned_on IS NULL"
        )
        await RawTable.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS designated_power_current_uq "
            "ON designated_power (accreditation, power) WHERE withdrawn_on IS NULL"
        )
        await RawTable.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS kit_recovery_open_uq "
            "ON kit_recovery_task (kit_issue) WHERE closed_on IS NULL"
        )

    manager.add_raw(run)
    return manager
