"""Delivery to .eml files in batches (issue 9, Performance): a batch is claimed in one statement and marked and
audited in one transaction, and each message keeps its own outcome."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from core.audit import audit_trail
from core.clock import now_utc
from core.settings import get_settings
from scheduler import delivery
from scheduler.delivery import BACKOFF, DeliveryReport, OutgoingMessage, deliver_pending
from scheduler.outbox_tables import Notification
from tests.outbox import enqueue

DAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)


def message(n: int) -> OutgoingMessage:
    return OutgoingMessage(recipient_email=f"person{n}@example.org", recipient_user_id=None, subject=f"digest {n}",
                           body=f"line {n}", officer_ids=(n,), kind="digest", due_on=DAY)


async def test_every_batch_is_written_once_marked_sent_and_audited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "BATCH_SIZE", 3)  # 7 messages: batches of 3, 3 and 1
    ids = await enqueue([message(n) for n in range(7)])
    settings = replace(get_settings(), var_dir=tmp_path, smtp_url=None)

    before = now_utc()
    assert await deliver_pending(NOW, settings) == DeliveryReport(sent=7)
    after = now_utc()
    assert await deliver_pending(NOW + dt.timedelta(hours=1), settings) == DeliveryReport()

    files = sorted(p.name for p in (tmp_path / "outbox").iterdir())
    assert files == sorted(f"{DAY.isoformat()}-{i}.eml" for i in ids)
    rows = {r["id"]: r for r in await Notification.select(
        Notification.id, Notification.status, Notification.sent_at, Notification.claimed_at)}
    assert {(r["status"], r["claimed_at"]) for r in rows.values()} == {("sent", None)}
    assert all(before <= r["sent_at"] <= after for r in rows.values())  # the wall clock, not the run's `now`
    for notification_id in ids:
        trail = await audit_trail("notification", notification_id)
        assert [e["action"] for e in trail] == ["notification.enqueue", "notification.sent"]
        change = trail[1]["after"]
        change = json.loads(change) if isinstance(change, str) else change
        assert change == {"status": "sent", "sent_at": rows[notification_id]["sent_at"].isoformat()}


async def test_one_failed_write_retries_only_that_message(tmp_path: Path) -> None:
    ids = await enqueue([message(n) for n in range(3)])
    blocked = tmp_path / "outbox" / f"{DAY.isoformat()}-{ids[1]}.eml.part"
    blocked.mkdir(parents=True)  # writing the second message's file fails
    settings = replace(get_settings(), var_dir=tmp_path, smtp_url=None)

    assert await deliver_pending(NOW, settings) == DeliveryReport(sent=2, retried=1)
    rows = {r["id"]: r for r in await Notification.select()}
    assert [rows[i]["status"] for i in ids] == ["sent", "pending", "sent"]
    assert rows[ids[1]]["attempts"] == 1 and rows[ids[1]]["next_attempt_at"] == NOW + BACKOFF[0]
    assert rows[ids[1]]["last_error"].startswith("IsADirectoryError")
    assert [e["action"] for e in await audit_trail("notification", ids[1])] == [
        "notification.enqueue", "notification.retry"]

    blocked.rmdir()
    assert await deliver_pending(NOW + BACKOFF[0], settings) == DeliveryReport(sent=1)
    assert (tmp_path / "outbox" / f"{DAY.isoformat()}-{ids[1]}.eml").exists()


async def test_a_message_that_cannot_be_built_fails_alone(tmp_path: Path) -> None:
    ids = await enqueue([message(n) for n in range(3)])
    await Notification.update({Notification.subject: "digest\nBcc: everyone@example.org"}).where(
        Notification.id == ids[1])  # written straight to the database: a header with a line break
    settings = replace(get_settings(), var_dir=tmp_path, smtp_url=None)

    assert await deliver_pending(NOW, settings) == DeliveryReport(sent=2, retried=1)
    rows = {r["id"]: r for r in await Notification.select()}
    assert [rows[i]["status"] for i in ids] == ["sent", "pending", "sent"]
    assert not (tmp_path / "outbox" / f"{DAY.isoformat()}-{ids[1]}.eml").exists()


async def test_a_batch_claimed_elsewhere_is_left_alone(tmp_path: Path) -> None:
    ids = await enqueue([message(n) for n in range(3)])
    await Notification.update({Notification.status: "sending", Notification.claimed_at: NOW}).where(
        Notification.id == ids[0])  # another deliverer holds it
    settings = replace(get_settings(), var_dir=tmp_path, smtp_url=None)

    assert await deliver_pending(NOW, settings) == DeliveryReport(sent=2)
    rows = {r["id"]: r["status"] for r in await Notification.select(Notification.id, Notification.status)}
    assert [rows[i] for i in ids] == ["sending", "sent", "sent"]
    assert not (tmp_path / "outbox" / f"{DAY.isoformat()}-{ids[0]}.eml").exists()
