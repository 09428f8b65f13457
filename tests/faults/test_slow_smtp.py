"""A slow or silent SMTP server (issue 17): nothing is sent twice, and no sweep waits for it.

The real SMTP server (aiosmtpd) is made slow by a handler that takes its time over each message; the silent one
is a socket that accepts connections and never says a word. Deliverers run in this process (STALE_CLAIM made
small with monkeypatch, so no test waits ten minutes); `csas sweep` runs as the real command.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient

from core.audit import audit_trail
from core.clock import now_utc
from core.settings import Settings, get_settings
from scheduler import delivery
from scheduler.delivery import DeliveryReport, OutgoingMessage, deliver_pending
from scheduler.jobs import background_delivery
from scheduler.outbox_tables import Notification
from tests.faults.support import (
    SWEEP_DAY,
    SWEEP_RECIPIENTS,
    Mailbox,
    SmtpServer,
    eventually,
    free_port,
    run,
)
from tests.outbox import enqueue
from tests.scheduler.scenario import build_team


class SlowMailbox(Mailbox):
    """Takes `delay` seconds over every message before accepting it."""

    def __init__(self, delay: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.delay = delay

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


class SilentServer:
    """Accepts every connection on its port and never answers (a hung mail server, a black-holing firewall)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.accepted = 0
        self._listener = socket.create_server(("127.0.0.1", port))
        self._connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:  # closed by stop()
                return
            self._connections.append(connection)
            self.accepted += 1

    def stop(self) -> None:
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone would not
        except OSError:  # already stopped
            pass
        self._listener.close()
        self._thread.join(timeout=10)
        for connection in self._connections:
            connection.close()


def messages(count: int) -> list[OutgoingMessage]:
    day = now_utc().date()
    return [OutgoingMessage(recipient_email=f"user{n}@example.org", recipient_user_id=None, subject=f"CSAS {n}",
                            body="Book the refresher course.", officer_ids=(n,), kind="digest", due_on=day)
            for n in range(1, count + 1)]


def smtp_settings(url: str, tmp_path: Path) -> Settings:
    return replace(get_settings(), smtp_url=url, var_dir=tmp_path)


def assert_once_each(mailbox: Mailbox, ids: list[int]) -> None:
    sent = mailbox.message_ids()
    assert sorted(sent) == sorted(f"<notification-{i}@csas-register>" for i in ids), "sent twice or not at all"


async def test_a_second_deliverer_never_resends_what_a_long_running_first_one_is_sending(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first deliverer's run outlasts STALE_CLAIM (each message takes the server a while); a second one starts
    meanwhile. The message in flight was claimed when its own send started, so it is not stale: the second
    deliverer takes only messages nobody holds."""
    monkeypatch.setattr(delivery, "STALE_CLAIM", dt.timedelta(seconds=2))
    mailbox = SlowMailbox(delay=0.3)  # 16 messages: about 5 s for one deliverer, well past STALE_CLAIM
    smtp = SmtpServer(mailbox).start()
    settings = smtp_settings(smtp.url, tmp_path)
    ids = await enqueue(messages(16))
    try:
        started = now_utc()
        first = asyncio.create_task(deliver_pending(started, settings))
        # Eight messages at 0.3 s each: the first run is older than STALE_CLAIM now.
        await eventually(lambda: _at_least(mailbox, 8), 60, "the first deliverer to send eight messages")
        assert not first.done() and now_utc() - started > delivery.STALE_CLAIM
        second = await deliver_pending(now_utc(), settings)
        reports = [await first, second]
    finally:
        smtp.stop()

    assert sum(r.sent for r in reports) == len(ids) and all(r.retried == r.failed == 0 for r in reports)
    assert_once_each(mailbox, ids)
    rows = await Notification.select(Notification.status, Notification.claimed_at, Notification.sent_at)
    assert {(r["status"], r["claimed_at"]) for r in rows} == {("sent", None)}
    assert all(r["sent_at"] > started for r in rows)  # when each really went, not when its run began


async def _at_least(mailbox: Mailbox, count: int) -> bool:
    return len(mailbox.accepted) >= count


async def test_a_send_slower_than_stale_claim_keeps_its_claim_renewed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One message the server holds for longer than STALE_CLAIM: its deliverer renews the claim while it waits, so
    a second deliverer starting then leaves it alone."""
    monkeypatch.setattr(delivery, "STALE_CLAIM", dt.timedelta(seconds=1))
    mailbox = Mailbox(hold_at=1)
    smtp = SmtpServer(mailbox).start()
    settings = smtp_settings(smtp.url, tmp_path)
    ids = await enqueue(messages(3))
    try:
        first = asyncio.create_task(deliver_pending(now_utc(), settings))
        assert await asyncio.to_thread(mailbox.holding.wait, 30), "the server never got the first message"
        [claimed] = await Notification.select(Notification.claimed_at).where(Notification.id == ids[0])

        async def renewed_past_stale() -> bool:
            [row] = await Notification.select(Notification.claimed_at).where(Notification.id == ids[0])
            return row["claimed_at"] is not None and row["claimed_at"] > claimed["claimed_at"] + delivery.STALE_CLAIM

        await eventually(renewed_past_stale, 30, "the claim to be renewed past STALE_CLAIM")
        second = await deliver_pending(now_utc(), settings)
        assert second == DeliveryReport(sent=2)  # the others; the held one is still its first deliverer's
        [held] = await Notification.select(Notification.status).where(Notification.id == ids[0])
        assert held["status"] == "sending"
        mailbox.hold_at = None
        mailbox.release.set()  # the server answers at last: 451, so the message is for retry
        assert await first == DeliveryReport(retried=1)
        assert await deliver_pending(now_utc() + delivery.BACKOFF[0], settings) == DeliveryReport(sent=1)
    finally:
        mailbox.release.set()
        smtp.stop()
    assert_once_each(mailbox, ids)


async def test_a_deliverer_whose_claim_was_taken_over_records_nothing(tmp_path: Path) -> None:
    """A claim taken for abandoned (here: a run that says it is a day later) passes the message to another
    deliverer, which sends it. The first one's answer comes after: it must not put the sent message back for
    retry."""
    mailbox = Mailbox(hold_at=1)
    smtp = SmtpServer(mailbox).start()
    settings = smtp_settings(smtp.url, tmp_path)
    [notification_id] = await enqueue(messages(1))
    try:
        first = asyncio.create_task(deliver_pending(now_utc(), settings))
        assert await asyncio.to_thread(mailbox.holding.wait, 30), "the server never got the message"
        assert await deliver_pending(now_utc() + dt.timedelta(days=1), settings) == DeliveryReport(sent=1)
        mailbox.release.set()  # the first send is refused now (451): too late to matter
        assert await first == DeliveryReport()
    finally:
        mailbox.release.set()
        smtp.stop()
    [row] = await Notification.select().where(Notification.id == notification_id)
    assert (row["status"], row["attempts"], row["claimed_at"], row["last_error"]) == ("sent", 0, None, "")
    actions = [e["action"] for e in await audit_trail("notification", notification_id)]
    assert actions == ["notification.enqueue", "notification.sent"]


async def test_the_smtp_timeout_covers_a_server_that_never_greets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "SMTP_TIMEOUT_SECONDS", 0.5)
    silent = SilentServer(free_port())
    settings = smtp_settings(f"smtp://127.0.0.1:{silent.port}", tmp_path)
    [notification_id] = await enqueue(messages(1))
    try:
        assert await deliver_pending(now_utc(), settings) == DeliveryReport(retried=1)
    finally:
        silent.stop()
    [row] = await Notification.select().where(Notification.id == notification_id)
    assert row["status"] == "pending" and "timed out" in row["last_error"]


@pytest.fixture
def smtp_in_settings(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The app's own settings name an SMTP server (and allow another sweep day) for the test's duration."""
    port = free_port()
    monkeypatch.setenv("CSAS_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("CSAS_CLOCK_OVERRIDE", "on")
    get_settings.cache_clear()
    yield port
    monkeypatch.undo()
    get_settings.cache_clear()


async def test_post_sweep_answers_at_once_while_the_smtp_server_is_silent_and_mail_goes_when_it_answers(
    client: AsyncClient, smtp_in_settings: int, tmp_path: Path
) -> None:
    team = await build_team(client)
    silent = SilentServer(smtp_in_settings)
    smtp: SmtpServer | None = None
    try:
        response = await client.post("/api/sweep", json={"as_of": SWEEP_DAY.isoformat()},
                                     headers=team.world.auth("admin"))
        assert response.status_code == 200, response.text
        answer = response.json()
        assert (answer["messages"], answer["delivered"]) == (len(SWEEP_RECIPIENTS), 0)
        # Delivery is under way beside the request, stuck at the silent server: the answer did not wait for it.
        await eventually(lambda: _accepted(silent), 30, "the background delivery to reach the server")
        listed = (await client.get("/api/notifications", headers=team.world.auth("admin"))).json()
        assert {item["status"] for item in listed["items"]} == {"pending"} and listed["total"] == 6
        again = await client.post("/api/sweep", json={"as_of": SWEEP_DAY.isoformat()},
                                  headers=team.world.auth("admin"))
        assert again.status_code == 200 and again.json()["messages"] == 0  # one delivery run at a time

        # The server answers again: the run in flight stops (the app shutting down does the same), and the next
        # delivery run sends everything, once.
        closing = asyncio.create_task(background_delivery.close())
        silent.stop()
        smtp = SmtpServer()
        smtp.port = smtp_in_settings
        smtp.start()
        await closing
        background_delivery.open()
        assert (await Notification.count().where(Notification.status == "sent")) == 0
        report = await deliver_pending(now_utc() + dt.timedelta(days=1))  # the scheduler's next runs
        assert report.sent == len(SWEEP_RECIPIENTS)
    finally:
        await background_delivery.close()
        background_delivery.open()
        silent.stop()
        if smtp is not None:
            smtp.stop()
    assert sorted(smtp.mailbox.recipients()) == sorted(SWEEP_RECIPIENTS)
    listed = (await client.get("/api/notifications", headers=team.world.auth("admin"))).json()
    assert {item["status"] for item in listed["items"]} == {"sent"}


async def _accepted(silent: SilentServer) -> bool:
    return silent.accepted > 0


async def test_csas_sweep_leaves_what_a_silent_server_holds_up_pending_and_says_so(
    client: AsyncClient, tmp_path: Path
) -> None:
    """The real command, with its deadline and the SMTP timeout made short (six messages at a one-second timeout
    each cannot all be tried within two seconds)."""
    await build_team(client)
    silent = SilentServer(free_port())
    patched = ("import cli, scheduler.delivery as d; d.SMTP_TIMEOUT_SECONDS = 1.0; "
               "cli.SWEEP_DELIVERY_SECONDS = 2.0; cli.main()")
    import sys

    try:
        done = run([sys.executable, "-c", patched, "sweep", "--as-of", SWEEP_DAY.isoformat()], timeout=120,
                   CSAS_SMTP_URL=f"smtp://127.0.0.1:{silent.port}", CSAS_CLOCK_OVERRIDE="on",
                   CSAS_VAR_DIR=str(tmp_path))
    finally:
        silent.stop()
    assert done.returncode == 0, done.stderr
    assert f"queued {len(SWEEP_RECIPIENTS)} messages, delivered 0." in done.stdout
    assert "Delivery stopped after 2 s:" in done.stdout and "left pending for the next delivery run" in done.stdout
    rows = await Notification.select(Notification.status, Notification.attempts)
    assert {r["status"] for r in rows} == {"pending"} and len(rows) == len(SWEEP_RECIPIENTS)
    assert 0 < sum(1 for r in rows if r["attempts"] == 0) < len(SWEEP_RECIPIENTS)  # some tried, the rest left
