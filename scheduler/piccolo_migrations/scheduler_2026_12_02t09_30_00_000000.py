"""The stored outlook keeps, for a power whose run of usable days ends in a gap, the day a renewal on record makes
it usable again. Every stored judgement is dropped: they were judged before usable-until followed known
renewals (domain.md §8a), and the forecast judges again whatever it finds missing."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Date
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-02T09:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "power outlook resumes_on"


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="scheduler", description=DESCRIPTION)
    manager.add_column(
        table_class_name="PowerOutlook",
        tablename="power_outlook",
        column_name="resumes_on",
        db_column_name="resumes_on",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    async def forget_judgements():
        await RawTable.raw('DELETE FROM "power_outlook"')

    manager.add_raw(forget_judgements)
    return manager
