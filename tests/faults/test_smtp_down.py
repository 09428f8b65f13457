"""SMTP down: messages stay pending with a next-attempt time, and are delivered once when SMTP is back
(issue 9, Faults).

tests/scheduler/test_delivery.py already covers one queued message against a closed port (backoff, retry,
failure after five attempts). What it leaves out, covered here: the whole daily sweep run as the real `csas sweep`
process while nothing listens on the SMTP port, and a server that is up but refuses with a temporary error.
Time moves by passing `now` to the delivery run the app makes every minute, never by sleeping.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from httpx import AsyncClient

from core.audit import audit_trail
from core.clock import now_utc
from core.settings import get_settings
from scheduler.delivery import BACKOFF, DeliveryReport, OutgoingMessage, deliver_pending
from scheduler.outbox_tables import Notification
from scheduler.tables import SweepRun
from tests.faults.support import SWEEP_DAY as DAY
from tests.faults.support import SWEEP_RECIPIENTS as RECIPIENTS
from tests.faults.support import Mailbox, SmtpServer, csas_command, run
from tests.outbox import enqueue
from tests.scheduler.scenario import build_team


async def test_a_sweep_while_smtp_is_down_keeps_every_digest_pending_then_delivers_each_once(
    client: AsyncClient, tmp_path: Path
) -> None:
    await build_team(client)
    smtp = SmtpServer()  # a free port, nothing listening until start()
    env = {"CSAS_SMTP_URL": smtp.url, "CSAS_CLOCK_OVERRIDE": "on", "CSAS_VAR_DIR": str(tmp_path)}
    try:
        before = now_utc()
        down = run(csas_command("sweep", "--as-of", DAY.isoformat()), **env)
        after = now_utc()
        assert down.returncode == 0, down.stderr  # the sweep itself succeeds: its work is safely queued
        assert "queued 6 messages, delivered 0." in down.stdout
        assert [r["status"] for r in await SweepRun.select(SweepRun.status)] == ["succeeded"]
        rows = await Notification.select().order_by(Notification.id)
        assert sorted(r["recipient_email"] for r in rows) == sorted(RECIPIENTS)
        for row in rows:
            assert (row["status"], row["attempts"], row["sent_at"]) == ("pending", 1, None)
            assert before + BACKOFF[0] <= row["next_attempt_at"] <= after + BACKOFF[0]
            assert row["last_error"] != ""
        assert not (tmp_path / "outbox").exists()  # never quietly diverted to files

        # Still down at the next attempt: attempt two, and the wait grows.
        settings = replace(get_settings(), smtp_url=smtp.url, var_dir=tmp_path)
        retry_at = max(r["next_attempt_at"] for r in rows)
        assert await deliver_pending(retry_at, settings) == DeliveryReport(retried=6)
        rows = await Notification.select(Notification.attempts, Notification.next_attempt_at)
        assert {(r["attempts"], r["next_attempt_at"]) for r in rows} == {(2, retry_at + BACKOFF[1])}

        smtp.start()
        assert await deliver_pending(retry_at + BACKOFF[1] - dt.timedelta(seconds=1), settings) == DeliveryReport()
        assert smtp.mailbox.accepted == []  # not before its time, even with SMTP back
        assert await deliver_pending(retry_at + BACKOFF[1], settings) == DeliveryReport(sent=6)

        again = run(csas_command("sweep", "--as-of", DAY.isoformat()), **env)
        assert again.returncode == 0 and "queued 0 messages, delivered 0." in again.stdout, again.stderr
    finally:
        smtp.stop()

    assert sorted(smtp.mailbox.recipients()) == sorted(RECIPIENTS)  # each exactly once
    rows = await Notification.select(Notification.id, Notification.status)
    assert {r["status"] for r in rows} == {"sent"}
    for row in rows:
        actions = [e["action"] for e in await audit_trail("notification", row["id"])]
        assert actions == ["notification.enqueue", "notification.retry", "notification.retry", "notification.sent"]


async def test_a_server_refusing_with_a_temporary_error_is_retried_not_dropped(tmp_path: Path) -> None:
    mailbox = Mailbox(refuse_with="451 4.3.2 System not accepting network messages")
    smtp = SmtpServer(mailbox).start()
    settings = replace(get_settings(), smtp_url=smtp.url, var_dir=tmp_path)
    now = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
    try:
        ids = await enqueue([
            OutgoingMessage(recipient_email=f"user{n}@example.org", recipient_user_id=None, subject="CSAS reminder",
                            body="Renew your vetting.", officer_ids=(n,), kind="digest", due_on=now.date())
            for n in (1, 2, 3)
        ])
        assert await deliver_pending(now, settings) == DeliveryReport(retried=3)
        assert mailbox.data_seen == 3 and mailbox.accepted == []
        rows = await Notification.select(Notification.status, Notification.last_error, Notification.next_attempt_at)
        assert {r["status"] for r in rows} == {"pending"}
        assert all("451" in r["last_error"] for r in rows)
        assert {r["next_attempt_at"] for r in rows} == {now + BACKOFF[0]}

        mailbox.refuse_with = None  # the server recovers
        assert await deliver_pending(now + BACKOFF[0], settings) == DeliveryReport(sent=3)
        assert await deliver_pending(now + dt.timedelta(days=1), settings) == DeliveryReport()
    finally:
        smtp.stop()
    assert sorted(mailbox.message_ids()) == sorted(f"<notification-{i}@csas-register>" for i in ids)
