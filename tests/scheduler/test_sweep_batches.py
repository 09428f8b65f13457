"""The sweep claims and queues digests for many recipients per transaction. A recipient who already has the day's
digest gets nothing more that day and their reminders stay unclaimed for the next day, whatever batch they fall
in; everyone else in the batch still gets theirs."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from httpx import AsyncClient

from core.access import Role
from core.tables import User
from scheduler import sweep
from scheduler.delivery import OutgoingMessage
from scheduler.outbox_tables import Notification
from scheduler.sweep import DIGEST, run_sweep
from scheduler.tables import ReminderClaim
from tests.factories import make_user
from tests.outbox import enqueue
from tests.scheduler.scenario import D, build_team

DAY = D(2025, 3, 3)  # the CSAS refresher step opens for all five; vetting renewal is overdue for the manager


async def _digests_on(day: dt.date) -> dict[str, str]:
    rows = await Notification.select(Notification.recipient_email, Notification.body).where(
        Notification.due_on == day)
    return {r["recipient_email"]: r["body"] for r in rows}


@pytest.mark.parametrize("batch", [1, 3, 200])
async def test_a_recipient_whose_digest_is_taken_keeps_reminders_for_tomorrow(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(sweep, "DIGEST_BATCH", batch)
    team = await build_team(client)
    taken = team.emails[team.officer_ids[2]]  # sorts in the middle of the recipients
    await enqueue([OutgoingMessage(recipient_email=taken, recipient_user_id=None, subject="Sent by hand",
                                   body="Already sent today.", officer_ids=[], kind=DIGEST, due_on=DAY)])

    result = await run_sweep(DAY)

    sent = await _digests_on(DAY)
    others = [team.emails[o] for o in team.officer_ids if team.emails[o] != taken]
    assert sent[taken] == "Already sent today."
    assert all("Book CSAS refresher course" in sent[email] for email in others)
    assert team.manager_email in sent
    assert result.messages == len(sent) - 1  # the one sent by hand is not the sweep's
    assert {r["recipient_email"] for r in await ReminderClaim.select(ReminderClaim.recipient_email)} \
        == set(sent) - {taken}
    # Claims left are all attached to the digest that carried them.
    assert await ReminderClaim.count().where(ReminderClaim.notification_id.is_null()) == 0

    await run_sweep(DAY + dt.timedelta(days=1))
    tomorrow = await _digests_on(DAY + dt.timedelta(days=1))
    assert "Book CSAS refresher course" in tomorrow[taken]
    assert set(tomorrow) == {taken}  # everyone else's reminders were handled yesterday


async def test_two_users_sharing_an_address_get_one_digest_holding_every_claim(client: AsyncClient) -> None:
    team = await build_team(client)
    manager = await User.select(User.team_ids).where(User.username == "manager").first()
    await make_user(team.world, "deputy", Role.MANAGER, team_ids=list(_team_ids(manager["team_ids"])))
    await User.update({User.email: team.manager_email}).where(User.username == "deputy")

    await run_sweep(DAY)

    assert await Notification.count().where(Notification.recipient_email == team.manager_email) == 1
    assert await ReminderClaim.count().where(ReminderClaim.recipient_email == team.manager_email) > 0
    assert await ReminderClaim.count().where(ReminderClaim.notification_id.is_null()) == 0
    await run_sweep(DAY + dt.timedelta(days=1))
    assert team.manager_email not in await _digests_on(DAY + dt.timedelta(days=1))


def _team_ids(raw: object) -> list[int]:
    values = json.loads(raw) if isinstance(raw, str) else raw
    return [int(t) for t in values or []]  # type: ignore[union-attr]
