"""A crash mid-sweep resumes without sending anything twice (issue 9, Faults).

The sweep for one day owes six digests (the Reigate and Banstead team of tests/scheduler/scenario.py on
2025-07-05: five officers and their manager). A real `csas sweep` process is killed with SIGKILL while it is
handing the third digest to a real SMTP server; a second `csas sweep` for the same day finishes the work. Each
recipient gets that day's digest exactly once, counted at the SMTP server.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from httpx import AsyncClient

import scheduler.sweep
from core.clock import now_utc
from core.settings import get_settings
from scheduler.delivery import STALE_CLAIM, deliver_pending
from scheduler.outbox_tables import Notification
from scheduler.sweep import run_sweep
from scheduler.tables import ReminderClaim, SweepRun
from tests.faults.support import SWEEP_DAY, SWEEP_RECIPIENTS, Mailbox, SmtpServer, csas_command, run, spawn
from tests.scheduler.scenario import build_team

DAY = SWEEP_DAY
RECIPIENTS = SWEEP_RECIPIENTS


async def statuses() -> Counter[str]:
    return Counter(row["status"] for row in await Notification.select(Notification.status))


async def assert_each_digest_once(message_ids: list[str], recipients: list[str]) -> None:
    rows = await Notification.select(Notification.id, Notification.recipient_email, Notification.status)
    assert sorted(row["recipient_email"] for row in rows) == sorted(RECIPIENTS)  # enqueued once each
    assert {row["status"] for row in rows} == {"sent"}
    assert sorted(message_ids) == sorted(f"<notification-{row['id']}@csas-register>" for row in rows)
    assert sorted(recipients) == sorted(RECIPIENTS)  # delivered once each
    claims = await ReminderClaim.select(ReminderClaim.key, ReminderClaim.notification_id)
    assert len(claims) == len({c["key"] for c in claims}) > 0
    assert {c["notification_id"] for c in claims} == {row["id"] for row in rows}  # every claim has its digest


async def test_sigkill_while_sending_then_a_second_sweep_sends_each_digest_once(
    client: AsyncClient, tmp_path: Path
) -> None:
    await build_team(client)
    smtp = SmtpServer(Mailbox(hold_at=3)).start()
    env = {"CSAS_SMTP_URL": smtp.url, "CSAS_CLOCK_OVERRIDE": "on", "CSAS_VAR_DIR": str(tmp_path)}
    try:
        sweep = spawn(csas_command("sweep", "--as-of", DAY.isoformat()), **env)
        try:
            holding = await asyncio.to_thread(smtp.mailbox.holding.wait, 60)
            assert holding, f"the sweep never reached the third digest: {sweep.communicate(timeout=10)}"
            sweep.send_signal(signal.SIGKILL)
            assert sweep.wait(timeout=10) == -signal.SIGKILL
        finally:
            smtp.mailbox.release.set()
            if sweep.poll() is None:
                sweep.kill()
            sweep.communicate(timeout=10)  # reaps it and closes its pipes

        # The crash: all six claimed and queued, two delivered, one caught mid-send, three waiting; the run
        # never finished.
        assert len(smtp.mailbox.accepted) == 2
        assert await statuses() == Counter({"sent": 2, "sending": 1, "pending": 3})
        assert [r["status"] for r in await SweepRun.select(SweepRun.status)] == ["running"]

        again = run(csas_command("sweep", "--as-of", DAY.isoformat()), **env)
        assert again.returncode == 0, again.stderr
        assert "queued 0 messages, delivered 3." in again.stdout  # nothing queued twice
        assert len(smtp.mailbox.accepted) == 5
        assert await statuses() == Counter({"sent": 5, "sending": 1})
        assert sorted(r["status"] for r in await SweepRun.select(SweepRun.status)) == ["running", "succeeded"]

        # The digest the dead process was sending is not resent while its claim might still be live; once the
        # claim is stale, the next delivery run (every minute in the app) sends it.
        settings = replace(get_settings(), smtp_url=smtp.url, var_dir=tmp_path)
        assert (await deliver_pending(now_utc(), settings)).sent == 0
        later = now_utc() + STALE_CLAIM + dt.timedelta(seconds=1)
        assert (await deliver_pending(later, settings)).sent == 1
        assert (await deliver_pending(later + dt.timedelta(hours=1), settings)).sent == 0
        third = run(csas_command("sweep", "--as-of", DAY.isoformat()), **env)
        assert third.returncode == 0 and "queued 0 messages, delivered 0." in third.stdout, third.stderr
    finally:
        smtp.stop()

    await assert_each_digest_once(smtp.mailbox.message_ids(), smtp.mailbox.recipients())


async def test_a_sweep_failing_while_queueing_resumes_where_it_stopped(
    client: AsyncClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other half of a sweep: it dies while queueing (an injected error in the second batch of digests,
    after the first batch was committed — digests are queued a few recipients per transaction). Whatever rolled
    back took its claims with it, so the next sweep queues exactly the missing digests; the outbox (.eml files, no SMTP)
    holds one message per recipient."""
    await build_team(client)
    real_enqueue = scheduler.sweep.enqueue_each
    calls = 0

    async def enqueue_then_crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        ids = await real_enqueue(*args, **kwargs)
        if calls == 2:
            raise RuntimeError("the process died here")
        return ids

    monkeypatch.setattr(scheduler.sweep, "enqueue_each", enqueue_then_crash)
    monkeypatch.setattr(scheduler.sweep, "DIGEST_BATCH", 2)  # commits between the six digests
    with pytest.raises(RuntimeError, match="died here"):
        await run_sweep(DAY, now=now_utc())
    queued = {row["recipient_email"] for row in await Notification.select(Notification.recipient_email)}
    assert 0 < len(queued) < len(RECIPIENTS)  # it died part way
    claimed = {row["recipient_email"] for row in await ReminderClaim.select(ReminderClaim.recipient_email)}
    assert claimed == queued  # no claim without its digest: the rolled-back ones took their claims with them
    assert [r["status"] for r in await SweepRun.select(SweepRun.status)] == ["failed"]

    monkeypatch.setattr(scheduler.sweep, "enqueue_each", real_enqueue)
    settings = replace(get_settings(), var_dir=tmp_path, smtp_url=None)
    monkeypatch.setattr(scheduler.sweep, "deliver_pending", lambda now: deliver_pending(now, settings))
    result = await run_sweep(DAY, now=now_utc())
    assert result.messages == len(RECIPIENTS) - len(queued) and result.delivered == len(RECIPIENTS)
    assert (await run_sweep(DAY, now=now_utc())).messages == 0

    files = sorted((tmp_path / "outbox").glob("*.eml"))
    rows = await Notification.select(Notification.id, Notification.recipient_email)
    assert [f.name for f in files] == sorted(f"{DAY.isoformat()}-{row['id']}.eml" for row in rows)
    assert sorted(row["recipient_email"] for row in rows) == sorted(RECIPIENTS)
