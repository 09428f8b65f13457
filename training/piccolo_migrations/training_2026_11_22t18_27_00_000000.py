"""Hand-written: unique indexes SQLite cannot take as Piccolo constraints."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-22T18:27:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one prerequisite row per (power, module); at most one training record per booking"


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="training", description=DESCRIPTION)

    async def run():
        await RawTable.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS power_prerequisite_power_module_uq "
            "ON power_prerequisite (power_code, module)"
        )
        await RawTable.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS training_record_booking_uq "
            "ON training_record (booking)"
        )

    manager.add_raw(run)
    return manager
