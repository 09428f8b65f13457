"""Hand-written: every stored judgement is dropped. They were judged before a suspension entered ahead of its day
ended a power's run of usable days (it was carried on to the accreditation's expiry); the forecast judges again
whatever it finds missing."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-02T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "forget stored judgements: suspensions end runs"


class RawTable(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="scheduler", description=DESCRIPTION)

    async def forget_judgements() -> None:
        await RawTable.raw('DELETE FROM "power_outlook"')

    manager.add_raw(forget_judgements)
    return manager
