"""Two app instances on one database stay consistent and send each sweep's messages once (issue 9, Faults).

Two processes (tests/faults/worker.py) open the tests' database — PostgreSQL when DATABASE_URL says so, else the
SQLite file — and are released together: both run the same day's sweep, or both deliver the same outbox.
Messages are counted at a real SMTP server. The claims under unique keys (reminder claims, one digest per
recipient and day) and the row claim of each delivery (UPDATE … WHERE status = 'pending' RETURNING) are what
keeps it to once.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path
from typing import Any

from httpx import AsyncClient

from core.clock import now_utc
from scheduler.delivery import OutgoingMessage
from scheduler.outbox_tables import Notification
from scheduler.tables import ReminderClaim, SweepRun
from tests.faults.support import SWEEP_DAY, SWEEP_RECIPIENTS, SmtpServer, spawn, worker_command
from tests.outbox import enqueue

INSTANCES = 2


async def run_together(*args: str, **env: str) -> list[dict[str, Any]]:
    """Starts the workers, waits until each is connected, releases them at once, returns their JSON outcomes."""
    workers = [spawn(worker_command(*args), **env) for _ in range(INSTANCES)]
    try:
        for worker in workers:
            assert worker.stdout is not None
            line = await asyncio.wait_for(asyncio.to_thread(worker.stdout.readline), 60)
            assert line.strip() == "ready", (line, worker.communicate(timeout=10))
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        outcomes = []
        for worker in workers:
            out, err = await asyncio.to_thread(worker.communicate, None, 60)
            assert worker.returncode == 0, err
            outcomes.append(json.loads(out.strip().splitlines()[-1]))
        return outcomes
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
            try:
                worker.communicate(timeout=10)  # reaps it and closes its pipes
            except (subprocess.TimeoutExpired, ValueError):  # pragma: no cover
                pass


async def test_two_instances_sweeping_the_same_day_at_once_send_each_digest_once(
    client: AsyncClient, tmp_path: Path
) -> None:
    from tests.scheduler.scenario import build_team

    await build_team(client)
    smtp = SmtpServer().start()
    try:
        outcomes = await run_together("sweep", SWEEP_DAY.isoformat(), CSAS_SMTP_URL=smtp.url,
                                      CSAS_VAR_DIR=str(tmp_path))
    finally:
        smtp.stop()

    assert sum(o["messages"] for o in outcomes) == len(SWEEP_RECIPIENTS)  # queued once between them
    assert sum(o["delivered"] for o in outcomes) == len(SWEEP_RECIPIENTS)
    assert sorted(smtp.mailbox.recipients()) == sorted(SWEEP_RECIPIENTS)  # delivered once each
    rows = await Notification.select(Notification.id, Notification.recipient_email, Notification.status)
    assert sorted(r["recipient_email"] for r in rows) == sorted(SWEEP_RECIPIENTS)
    assert {r["status"] for r in rows} == {"sent"}
    assert sorted(smtp.mailbox.message_ids()) == sorted(f"<notification-{r['id']}@csas-register>" for r in rows)
    claims = await ReminderClaim.select(ReminderClaim.notification_id)
    assert {c["notification_id"] for c in claims} == {r["id"] for r in rows}
    runs = await SweepRun.select(SweepRun.status, SweepRun.as_of)
    assert runs == [{"status": "succeeded", "as_of": SWEEP_DAY}] * INSTANCES


async def test_two_instances_delivering_one_outbox_at_once_send_each_message_once(tmp_path: Path) -> None:
    day = now_utc().date()
    ids = await enqueue([
        OutgoingMessage(recipient_email=f"user{n}@example.org", recipient_user_id=None, subject=f"CSAS reminder {n}",
                        body="Book the refresher course.", officer_ids=(n,), kind="digest", due_on=day)
        for n in range(1, 121)
    ])
    smtp = SmtpServer().start()
    try:
        outcomes = await run_together("deliver", CSAS_SMTP_URL=smtp.url, CSAS_VAR_DIR=str(tmp_path))
    finally:
        smtp.stop()

    assert sum(o["sent"] for o in outcomes) == len(ids)
    assert all(o["sent"] > 0 for o in outcomes), f"both instances must have delivered some: {outcomes}"
    assert all(o["retried"] == o["failed"] == 0 for o in outcomes)
    message_ids = smtp.mailbox.message_ids()
    assert len(message_ids) == len(set(message_ids)) == len(ids)
    assert set(message_ids) == {f"<notification-{i}@csas-register>" for i in ids}
    assert await Notification.count().where(Notification.status == "sent") == len(ids)
    assert not (tmp_path / "outbox").exists()
