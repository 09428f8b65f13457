"""The outbox and its delivery: against a real SMTP server (aiosmtpd) started in the test, and to .eml files.

Time is moved by passing `now`, never by sleeping.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from collections.abc import Iterator
from dataclasses import replace
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from core.audit import audit_trail
from core.clock import now_utc
from core.db import write_transaction
from core.settings import Settings, get_settings
from scheduler.delivery import (
    BACKOFF,
    MAX_ATTEMPTS,
    DeliveryReport,
    OutgoingMessage,
    SmtpTarget,
    SmtpUrlError,
    _short_error,
    deliver_pending,
    list_notifications,
    parse_smtp_url,
)
from scheduler.outbox_tables import Notification, NotificationOfficer
from tests.outbox import enqueue

DAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)


class Collector:
    """aiosmtpd handler keeping every envelope it accepts."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[Any]:
        return [BytesParser(policy=policy.default).parsebytes(e.content) for e in self.envelopes]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Collector()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stopped_smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()  # a free port with nothing listening, until the test starts it
    yield server
    server.stop()


def settings_for(tmp_path: Path, smtp_url: str | None) -> Settings:
    return replace(get_settings(), var_dir=tmp_path, smtp_url=smtp_url, mail_from="register@example.org")


def message(recipient: str = "mgr@example.org", *, officers: tuple[int, ...] = (3, 7), kind: str = "digest",
            day: dt.date = DAY, subject: str = "CSAS: 2 renewals due", user_id: int | None = 11) -> OutgoingMessage:
    return OutgoingMessage(
        recipient_email=recipient,
        recipient_user_id=user_id,
        subject=subject,
        body="Jo Bloggs: book the CSAS refresher course by 2027-05-04.\nSam Smith: renew vetting.",
        officer_ids=officers,
        kind=kind,
        due_on=day,
    )


async def row(notification_id: int) -> dict[str, Any]:
    rows: list[dict[str, Any]] = await Notification.select().where(Notification.id == notification_id)
    return rows[0]


# --- enqueue ------------------------------------------------------------------------------------------

async def test_enqueue_stores_pending_once_per_recipient_day_and_kind() -> None:
    first = await enqueue([message()])
    again = await enqueue([message(subject="a second digest the same day")])
    other_kind = await enqueue([message(kind="alert")])
    next_day = await enqueue([message(day=DAY + dt.timedelta(days=1))])
    other_recipient = await enqueue([message("hr@example.org")])

    assert len(first) == 1 and again == []
    assert len(other_kind) == len(next_day) == len(other_recipient) == 1
    assert await Notification.count() == 4
    stored = await row(first[0])
    assert stored["subject"] == "CSAS: 2 renewals due"
    assert stored["status"] == "pending" and stored["attempts"] == 0 and stored["sent_at"] is None
    officers = await NotificationOfficer.select(NotificationOfficer.officer_id).where(
        NotificationOfficer.notification == first[0])
    assert sorted(r["officer_id"] for r in officers) == [3, 7]
    assert [e["action"] for e in await audit_trail("notification", first[0])] == ["notification.enqueue"]


async def test_enqueue_duplicates_within_one_batch_keep_the_first() -> None:
    ids = await enqueue([message(subject="first"), message(subject="second")])
    assert len(ids) == 1
    assert (await row(ids[0]))["subject"] == "first"


async def test_enqueue_joins_the_callers_transaction() -> None:
    with pytest.raises(RuntimeError):
        async with write_transaction():
            assert len(await enqueue([message()])) == 1
            raise RuntimeError("the sweep failed after queueing")
    assert await Notification.count() == 0
    assert await NotificationOfficer.count() == 0


# --- SMTP ---------------------------------------------------------------------------------------------

async def test_smtp_delivery_sends_exactly_once_and_marks_sent(smtp_server: SmtpServer, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, smtp_server.url)
    [notification_id] = await enqueue([message()])

    before = now_utc()
    assert await deliver_pending(NOW, settings) == DeliveryReport(sent=1)
    after = now_utc()
    assert await deliver_pending(NOW + dt.timedelta(hours=1), settings) == DeliveryReport()

    assert len(smtp_server.handler.envelopes) == 1
    envelope = smtp_server.handler.envelopes[0]
    assert envelope.mail_from == "register@example.org"
    assert envelope.rcpt_tos == ["mgr@example.org"]
    sent = smtp_server.handler.messages()[0]
    assert sent["Subject"] == "CSAS: 2 renewals due"
    assert sent["Message-ID"] == f"<notification-{notification_id}@csas-register>"
    assert "book the CSAS refresher course" in sent.get_content()
    stored = await row(notification_id)
    # `now` says what is due; sent_at is when the send really finished, whatever time the run was given.
    assert stored["status"] == "sent" and before <= stored["sent_at"] <= after and stored["attempts"] == 0
    assert not (tmp_path / "outbox").exists()
    [item], total = await list_notifications()
    assert total == 1 and item["status"] == "sent" and item["sent_at"] == stored["sent_at"]


async def test_server_down_retries_after_backoff_and_sends_when_back(
    stopped_smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, stopped_smtp_server.url)
    [notification_id] = await enqueue([message()])

    assert await deliver_pending(NOW, settings) == DeliveryReport(retried=1)
    stored = await row(notification_id)
    assert stored["status"] == "pending" and stored["attempts"] == 1
    assert stored["next_attempt_at"] == NOW + BACKOFF[0] > NOW
    assert stored["last_error"] != "" and stored["sent_at"] is None

    stopped_smtp_server.start()
    before_due = NOW + BACKOFF[0] - dt.timedelta(seconds=1)
    assert await deliver_pending(before_due, settings) == DeliveryReport()
    assert stopped_smtp_server.handler.envelopes == []

    later = NOW + BACKOFF[0]
    assert await deliver_pending(later, settings) == DeliveryReport(sent=1)
    assert len(stopped_smtp_server.handler.envelopes) == 1
    stored = await row(notification_id)
    assert stored["status"] == "sent" and stored["sent_at"] is not None and stored["last_error"] == ""
    actions = [e["action"] for e in await audit_trail("notification", notification_id)]
    assert actions == ["notification.enqueue", "notification.retry", "notification.sent"]


async def test_fails_for_good_after_five_attempts_with_growing_backoff(
    stopped_smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, stopped_smtp_server.url)
    [notification_id] = await enqueue([message()])
    now = NOW
    for attempt in range(1, MAX_ATTEMPTS):
        assert await deliver_pending(now, settings) == DeliveryReport(retried=1)
        stored = await row(notification_id)
        assert (stored["status"], stored["attempts"]) == ("pending", attempt)
        assert stored["next_attempt_at"] == now + BACKOFF[attempt - 1]
        now = stored["next_attempt_at"]
    assert [b.total_seconds() for b in BACKOFF[:4]] == [60, 300, 1800, 7200]

    assert await deliver_pending(now, settings) == DeliveryReport(failed=1)
    stored = await row(notification_id)
    assert (stored["status"], stored["attempts"], stored["next_attempt_at"]) == ("failed", MAX_ATTEMPTS, None)

    stopped_smtp_server.start()  # a failed message is never picked up again
    assert await deliver_pending(now + dt.timedelta(days=1), settings) == DeliveryReport()
    assert stopped_smtp_server.handler.envelopes == []
    [item], _ = await list_notifications()
    assert item["status"] == "failed"


async def test_concurrent_deliverers_send_each_message_once(smtp_server: SmtpServer, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, smtp_server.url)
    ids = await enqueue([message(f"user{i}@example.org") for i in range(6)])

    reports = await asyncio.gather(deliver_pending(NOW, settings), deliver_pending(NOW, settings))

    assert sum(r.sent for r in reports) == 6
    assert sum(r.retried + r.failed for r in reports) == 0
    message_ids = sorted(m["Message-ID"] for m in smtp_server.handler.messages())
    assert message_ids == sorted(f"<notification-{i}@csas-register>" for i in ids)
    assert await Notification.count().where(Notification.status == "sent") == 6


async def test_a_claim_reads_as_pending_and_a_stale_claim_is_released(
    smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, smtp_server.url)
    [notification_id] = await enqueue([message()])
    # Another instance claimed it five minutes ago and is (as far as we know) still sending.
    await Notification.update({Notification.status: "sending", Notification.claimed_at: NOW}).where(
        Notification.id == notification_id)

    [item], _ = await list_notifications()
    assert item["status"] == "pending"
    assert await deliver_pending(NOW + dt.timedelta(minutes=5), settings) == DeliveryReport()
    assert smtp_server.handler.envelopes == []

    # Ten minutes on, that instance is presumed dead: the message goes back to pending and is sent.
    assert await deliver_pending(NOW + dt.timedelta(minutes=10, seconds=1), settings) == DeliveryReport(sent=1)
    assert len(smtp_server.handler.envelopes) == 1


async def test_naive_now_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        await deliver_pending(dt.datetime(2026, 11, 23, 6, 0), settings_for(tmp_path, None))  # noqa: DTZ001


# --- without SMTP: .eml files -------------------------------------------------------------------------

async def test_without_smtp_writes_an_eml_file_and_marks_sent(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, None)
    [notification_id] = await enqueue([message(subject="CSAS: renewals due for Zoë Brontë")])

    before = now_utc()
    assert await deliver_pending(NOW, settings) == DeliveryReport(sent=1)
    after = now_utc()

    path = tmp_path / "outbox" / f"{DAY.isoformat()}-{notification_id}.eml"
    assert [p.name for p in (tmp_path / "outbox").iterdir()] == [path.name]
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert parsed["From"] == "register@example.org"
    assert parsed["To"] == "mgr@example.org"
    assert parsed["Subject"] == "CSAS: renewals due for Zoë Brontë"
    assert parsed["Message-ID"] == f"<notification-{notification_id}@csas-register>"
    assert before.replace(microsecond=0) <= parsed["Date"].datetime <= after  # when it was written
    assert parsed.get_content().startswith("Jo Bloggs: book the CSAS refresher course by 2027-05-04.")
    stored = await row(notification_id)
    assert stored["status"] == "sent" and parsed["Date"].datetime <= stored["sent_at"] <= after
    assert await deliver_pending(NOW + dt.timedelta(days=1), settings) == DeliveryReport()


# --- reading the outbox -------------------------------------------------------------------------------

async def test_list_filters_by_officer_recipient_and_days() -> None:
    a = (await enqueue([message("a@example.org", officers=(3, 7))]))[0]
    b = (await enqueue([message("b@example.org", officers=(7,), day=DAY + dt.timedelta(days=1))]))[0]
    c = (await enqueue([message("c@example.org", officers=(30,), day=DAY + dt.timedelta(days=2))]))[0]

    def ids(result: tuple[list[dict[str, Any]], int]) -> list[int]:
        return [item["id"] for item in result[0]]

    assert ids(await list_notifications()) == [c, b, a]  # newest day first
    assert ids(await list_notifications(officer_id=7)) == [b, a]
    assert ids(await list_notifications(officer_id=3)) == [a]
    assert ids(await list_notifications(officer_id=4)) == []
    assert ids(await list_notifications(recipient="b@example.org")) == [b]
    assert ids(await list_notifications(from_on=DAY + dt.timedelta(days=1))) == [c, b]
    assert ids(await list_notifications(to_on=DAY + dt.timedelta(days=1))) == [b, a]
    page, total = await list_notifications(limit=1, offset=1)
    assert [i["id"] for i in page] == [b] and total == 3
    item = (await list_notifications(officer_id=3))[0][0]
    assert set(item) == {"id", "recipient_email", "subject", "body", "officer_ids", "kind", "due_on", "sent_at",
                         "status"}
    assert item["officer_ids"] == [3, 7] and item["due_on"] == DAY and item["status"] == "pending"


async def test_list_scope_shows_messages_only_about_allowed_officers_or_to_the_reader() -> None:
    both = (await enqueue([message("a@example.org", officers=(3, 7), user_id=1)]))[0]
    only_7 = (await enqueue([message("b@example.org", officers=(7,), user_id=2)]))[0]
    outsider = (await enqueue([message("c@example.org", officers=(30,), user_id=3)]))[0]
    nobody = (await enqueue([message("d@example.org", officers=(), user_id=4)]))[0]

    async def ids(**kwargs: Any) -> set[int]:
        items, total = await list_notifications(**kwargs)
        assert total == len(items)
        return {item["id"] for item in items}

    assert await ids(allowed_officer_ids=None) == {both, only_7, outsider, nobody}
    assert await ids(allowed_officer_ids={7}) == {only_7}  # the digest also naming 3 is withheld
    assert await ids(allowed_officer_ids={3, 7}) == {both, only_7}
    assert await ids(allowed_officer_ids=set()) == set()
    assert await ids(allowed_officer_ids={7}, recipient_user_id=3) == {only_7, outsider}
    assert await ids(allowed_officer_ids=set(), recipient_user_id=4) == {nobody}
    assert await ids(allowed_officer_ids={3, 7}, officer_id=3) == {both}


# --- SMTP URL -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", SmtpTarget("smtp", "mail.example.org", 25, None, None)),
        ("smtp://127.0.0.1:2525", SmtpTarget("smtp", "127.0.0.1", 2525, None, None)),
        ("smtp+starttls://alice:p%40ss@mail.example.org",
         SmtpTarget("smtp+starttls", "mail.example.org", 587, "alice", "p@ss")),
        ("smtps://alice%40example.org:secret@mail.example.org:4650",
         SmtpTarget("smtps", "mail.example.org", 4650, "alice@example.org", "secret")),
    ],
)
def test_parse_smtp_url(url: str, expected: SmtpTarget) -> None:
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "smtp://host:notaport", "mail.example.org"])
def test_parse_smtp_url_refuses_others(url: str) -> None:
    with pytest.raises(SmtpUrlError):
        parse_smtp_url(url)


def test_error_text_never_carries_the_password() -> None:
    target = parse_smtp_url("smtp+starttls://alice:hunter2@mail.example.org")
    text = _short_error(RuntimeError("535 auth failed for alice/hunter2 " + "x" * 400), target)
    assert "hunter2" not in text and text.startswith("RuntimeError: 535 auth failed for alice/***")
    assert len(text) <= 200
