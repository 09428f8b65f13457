"""Hand-written: one message per address, day and kind in the outbox, the address compared without case
(`A.Patel@x` and `a.patel@x` are one mailbox).

Rows already there may repeat an address in another case for the same day and kind (two digests were queued, and
most likely sent). None is deleted, and none changes but for this mark: each stays the record of what was sent (and
one still pending still goes: it holds reminders claimed for it alone). In each such group the first row queued
(lowest id) keeps `case_repeat` = 0; every later one gets its own id there, which sets it apart in the index, so
the index builds whatever the data. Every row the register writes from now on has `case_repeat` = 0, so it collides
with the group's first row: a day whose digest went out under one case gets no second one under another (on the
day of the upgrade too).

SQLite's lower() folds ASCII letters only, PostgreSQL's every letter: an address that differs only in the case of
a non-ASCII letter counts as one on PostgreSQL, two on SQLite.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-02T12:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "one message per address (any case), day and kind"

STATEMENTS = (
    "UPDATE notification SET case_repeat = id WHERE case_repeat = 0 AND EXISTS ("
    "SELECT 1 FROM notification AS earlier WHERE earlier.id < notification.id "
    "AND lower(earlier.recipient_email) = lower(notification.recipient_email) "
    "AND earlier.due_on = notification.due_on AND earlier.kind = notification.kind)",
    "CREATE UNIQUE INDEX IF NOT EXISTS notification_mailbox_day_kind_uq "
    "ON notification (lower(recipient_email), due_on, kind, case_repeat)",
    # Implied by the new index (same address, same case), and one index less on every insert.
    "DROP INDEX IF EXISTS notification_recipient_day_kind_uq",
)


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="scheduler", description=DESCRIPTION)

    async def run():
        for statement in STATEMENTS:
            await RawTable.raw(statement)

    manager.add_raw(run)
    return manager
