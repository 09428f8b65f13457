"""One message per mailbox, day and kind: `A.Patel@x` and `a.patel@x` are one mailbox (issue 17). The sweep
groups recipients by mailbox, and the outbox's unique index compares addresses without case, on the day of the
upgrade too (a digest sent then under one case is not sent again under another)."""

from __future__ import annotations

import datetime as dt
import importlib
import json
from typing import Any

from httpx import AsyncClient

from core.clock import now_utc
from core.db import is_sqlite
from core.tables import User
from scheduler.delivery import OutgoingMessage
from scheduler.outbox_tables import Notification
from scheduler.sweep import run_sweep
from tests.faults.support import SWEEP_DAY, SWEEP_RECIPIENTS
from tests.outbox import enqueue
from tests.scheduler.scenario import build_team

MIGRATION = importlib.import_module("scheduler.piccolo_migrations.scheduler_2026_12_02t12_00_01_000000")


def digest(recipient: str, subject: str = "CSAS reminder", day: dt.date = SWEEP_DAY) -> OutgoingMessage:
    return OutgoingMessage(recipient_email=recipient, recipient_user_id=None, subject=subject, body="Renew.",
                           officer_ids=(1,), kind="digest", due_on=day)


async def mailbox_rows(address: str) -> list[dict[str, Any]]:
    rows = await Notification.select().order_by(Notification.id)
    return [row for row in rows if row["recipient_email"].lower() == address.lower()]


async def test_enqueue_keeps_one_message_per_mailbox_whatever_the_case() -> None:
    first = await enqueue([digest("A.Patel@x.example", "first")])
    assert await enqueue([digest("a.patel@x.example", "second")]) == []
    assert await enqueue([digest("A.PATEL@X.EXAMPLE ", "third"), digest("b@x.example")]) != []
    assert len(await enqueue([digest("a.patel@x.example", day=SWEEP_DAY + dt.timedelta(days=1))])) == 1
    [kept] = [row for row in await mailbox_rows("a.patel@x.example") if row["due_on"] == SWEEP_DAY]
    assert kept["id"] == first[0] and kept["subject"] == "first"


async def test_two_recipients_sharing_a_mailbox_get_one_digest_a_day(client: AsyncClient) -> None:
    team = await build_team(client)
    shared = "Officer1@Reigate.example"  # the manager's account and officer 1's record: one mailbox
    await User.update({User.email: shared}).where(User.username == "manager")

    result = await run_sweep(SWEEP_DAY, now=now_utc())

    assert result.messages == len(SWEEP_RECIPIENTS) - 1
    [row] = await mailbox_rows(shared)
    assert row["recipient_email"] == shared  # addressed as the account
    assert row["status"] == "sent"
    # The one digest carries both: the manager's items about the team and officer 1's own.
    about = json.loads(row["officer_ids"]) if isinstance(row["officer_ids"], str) else row["officer_ids"]
    assert set(team.officer_ids) <= {int(i) for i in about}
    assert (await run_sweep(SWEEP_DAY, now=now_utc())).messages == 0


async def test_a_digest_sent_under_another_case_before_the_upgrade_is_not_sent_again(client: AsyncClient) -> None:
    await build_team(client)
    sent_at = now_utc()
    [earlier] = await enqueue([digest("OFFICER1@Reigate.Example", "sent this morning")])
    await Notification.update({Notification.status: "sent", Notification.sent_at: sent_at}).where(
        Notification.id == earlier)

    result = await run_sweep(SWEEP_DAY, now=now_utc())  # it addresses officer1@reigate.example

    assert result.messages == len(SWEEP_RECIPIENTS) - 1
    assert "officer1@reigate.example" not in {d["recipient_email"].lower() for d in result.digests}
    [row] = await mailbox_rows("officer1@reigate.example")
    assert (row["id"], row["status"], row["sent_at"]) == (earlier, "sent", sent_at)


async def test_the_migration_keeps_rows_repeating_an_address_in_another_case() -> None:
    """Rows queued before the index compared addresses without case: the migration must build it anyway, and
    delete or change none of them but the mark that sets the repeats apart."""
    await Notification.raw("DROP INDEX notification_mailbox_day_kind_uq")
    try:
        # What the old index, on the address as written, let through:
        rows = await Notification.insert(*(
            Notification(recipient_email=address, subject=subject, body="Renew.", officer_ids="[1]", kind="digest",
                         due_on=SWEEP_DAY, status=status)
            for address, subject, status in (("A.Patel@x.example", "first", "sent"),
                                             ("a.patel@x.example", "second", "sent"),
                                             ("A.PATEL@x.example", "third", "pending"),
                                             ("solo@x.example", "solo", "pending"))
        )).returning(Notification.id)
        ids = [int(row["id"]) for row in rows]
    finally:
        for raw in (await MIGRATION.forwards()).raw:
            await raw()

    stored = {row["id"]: row for row in await Notification.select()}
    assert [stored[i]["case_repeat"] for i in ids] == [0, ids[1], ids[2], 0]
    assert [(stored[i]["subject"], stored[i]["status"]) for i in ids] == [
        ("first", "sent"), ("second", "sent"), ("third", "pending"), ("solo", "pending")]
    assert await enqueue([digest("a.patel@X.example", "fourth")]) == []  # the index holds from now on
    indexes = await Notification.raw(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'notification'" if is_sqlite() else
        "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'notification'")
    names = {row["name"] for row in indexes}
    assert "notification_mailbox_day_kind_uq" in names and "notification_recipient_day_kind_uq" not in names
