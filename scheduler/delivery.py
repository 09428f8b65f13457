"""Message delivery: every message is stored in the outbox first, then delivered.

`enqueue` stores messages (status pending) — at most one per recipient, day and kind, whatever runs it how many
times, on however many instances. `deliver_pending` claims due messages one by one and delivers them:

- without ``CSAS_SMTP_URL``: each message is written to ``var/outbox/{due_on}-{id}.eml`` and marked sent;
- with ``CSAS_SMTP_URL``: it is sent over SMTP (standard library smtplib, in a thread, 10 s timeout). The forms:

  - ``smtp://host[:port]`` — plain SMTP, port 25 by default; ``smtp://user:pass@host:port`` logs in as well;
  - ``smtp+starttls://user:pass@host[:port]`` — STARTTLS (certificate verified), port 587 by default;
  - ``smtps://user:pass@host[:port]`` — implicit TLS (certificate verified), port 465 by default.

  User name and password are percent-decoded (write ``@`` as ``%40``).

A failed attempt puts the message back to pending with ``next_attempt_at = now + backoff`` (1 min, 5 min, 30 min,
2 h, then 6 h); after MAX_ATTEMPTS failures it is failed for good. ``last_error`` keeps a short error text, never
the password.

Claiming: ``UPDATE … SET status='sending' WHERE id=? AND status='pending' AND <due>`` is atomic on SQLite and
PostgreSQL, so two instances (or two concurrent calls) never send one message twice. 'sending' is internal: reads
show it as pending, and a claim older than STALE_CLAIM (a deliverer that died mid-send) goes back to pending.

Delivery outcomes are audited under the system actor "delivery"; the claim itself is a lock, not a change.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from core.audit import record_audit
from core.db import all_of, write_transaction
from core.roles import Principal
from core.settings import Settings, get_settings
from scheduler.outbox_tables import Notification, NotificationOfficer

PENDING = "pending"
SENDING = "sending"  # internal claim: never shown, read as pending
SENT = "sent"
FAILED = "failed"

BACKOFF: tuple[dt.timedelta, ...] = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
)
MAX_ATTEMPTS = 5
STALE_CLAIM = dt.timedelta(minutes=10)
SMTP_TIMEOUT_SECONDS = 10.0
BATCH_SIZE = 100
MAX_ERROR_LENGTH = 200

_DELIVERY_ACTOR = Principal.system("delivery")


@dataclass(frozen=True)
class OutgoingMessage:
    recipient_email: str
    recipient_user_id: int | None
    subject: str
    body: str
    officer_ids: tuple[int, ...] | list[int]
    kind: str
    due_on: dt.date


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


@dataclass(frozen=True)
class SmtpTarget:
    scheme: str  # smtp, smtp+starttls or smtps
    host: str
    port: int
    username: str | None
    password: str | None


class SmtpUrlError(ValueError):
    """CSAS_SMTP_URL cannot be used (the message never includes the password)."""


_DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


def parse_smtp_url(url: str) -> SmtpTarget:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise SmtpUrlError("CSAS_SMTP_URL must start with smtp://, smtp+starttls:// or smtps://")
    if not parts.hostname:
        raise SmtpUrlError("CSAS_SMTP_URL names no host")
    try:
        port = parts.port or _DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise SmtpUrlError("CSAS_SMTP_URL has an invalid port") from exc
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    return SmtpTarget(scheme, parts.hostname, port, username, password)


# --- the outbox -----------------------------------------------------------------------------------------

async def enqueue(messages: list[OutgoingMessage], actor: Principal | None = None) -> list[int]:
    """Store messages as pending; returns the ids actually inserted, in order (a message whose recipient, day and
    kind already has one is skipped). Joins the caller's open write_transaction(), or opens its own."""
    who = actor or Principal.system("outbox")
    inserted: list[int] = []
    async with write_transaction():
        for message in messages:
            officer_ids = sorted({int(i) for i in message.officer_ids})
            rows = await (
                Notification.insert(
                    Notification(
                        recipient_email=message.recipient_email.strip(),
                        recipient_user_id=message.recipient_user_id,
                        subject=message.subject,
                        body=message.body,
                        officer_ids=json.dumps(officer_ids),
                        kind=message.kind,
                        due_on=message.due_on,
                        status=PENDING,
                    )
                )
                .on_conflict(
                    target=(Notification.recipient_email, Notification.due_on, Notification.kind),
                    action="DO NOTHING",
                )
                .returning(Notification.id)
            )
            if not rows:
                continue
            notification_id = int(rows[0]["id"])
            if officer_ids:
                await NotificationOfficer.insert(
                    *(NotificationOfficer(notification=notification_id, officer_id=i) for i in officer_ids)
                )
            await record_audit(
                who, "notification.enqueue", "notification", notification_id, None,
                {"recipient_email": message.recipient_email.strip(), "kind": message.kind,
                 "due_on": message.due_on, "officer_ids": officer_ids, "subject": message.subject},
            )
            inserted.append(notification_id)
    return inserted


async def list_notifications(
    officer_id: int | None = None,
    recipient: str | None = None,
    from_on: dt.date | None = None,
    to_on: dt.date | None = None,
    limit: int = 50,
    offset: int = 0,
    allowed_officer_ids: set[int] | frozenset[int] | None = None,
    recipient_user_id: int | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The outbox, newest day first: (items as api.md's notification item, total matching).

    Filters: `officer_id` matches any officer a message is about; `recipient` is the exact address;
    `from_on`/`to_on` bound `due_on`, both inclusive.

    Scope (applied by the caller, who knows the principal): `allowed_officer_ids=None` means no limit; a set
    shows only messages whose officers ALL lie in it (a digest that also names someone outside the set is
    withheld: its body names them) — plus, when `recipient_user_id` is given, every message addressed to that
    user. Messages about no officer are shown only without a limit or to their recipient.
    """
    clauses: list[Any] = []
    if officer_id is not None:
        clauses.append(Notification.id.is_in(
            NotificationOfficer.select(NotificationOfficer.notification).where(
                NotificationOfficer.officer_id == officer_id)
        ))
    if recipient is not None:
        clauses.append(Notification.recipient_email == recipient.strip())
    if from_on is not None:
        clauses.append(Notification.due_on >= from_on)
    if to_on is not None:
        clauses.append(Notification.due_on <= to_on)
    if allowed_officer_ids is not None:
        scope = _scope_clause(allowed_officer_ids)
        if recipient_user_id is not None:
            own = Notification.recipient_user_id == recipient_user_id
            scope = own if scope is None else (scope | own)
        if scope is None:
            return [], 0
        clauses.append(scope)
    where = all_of(*clauses)

    query = Notification.select(
        Notification.id, Notification.recipient_email, Notification.subject, Notification.body,
        Notification.officer_ids, Notification.kind, Notification.due_on, Notification.sent_at, Notification.status,
    ).order_by(Notification.due_on, ascending=False).order_by(Notification.id, ascending=False)
    count = Notification.count()
    if where is not None:
        query = query.where(where)
        count = count.where(where)
    rows: list[dict[str, Any]] = await query.limit(limit).offset(offset)
    total = int(await count)
    return [_item(row) for row in rows], total


def _scope_clause(allowed: set[int] | frozenset[int]) -> Any:
    """Messages about at least one officer, none of them outside `allowed`; None when nothing can match."""
    if not allowed:
        return None
    about_someone = Notification.id.is_in(NotificationOfficer.select(NotificationOfficer.notification))
    about_outsider = NotificationOfficer.select(NotificationOfficer.notification).where(
        NotificationOfficer.officer_id.not_in(sorted(allowed))
    )
    return about_someone & Notification.id.not_in(about_outsider)


def _item(row: dict[str, Any]) -> dict[str, Any]:
    raw = row["officer_ids"]
    officer_ids = json.loads(raw) if isinstance(raw, str) else list(raw or [])
    return {
        "id": row["id"],
        "recipient_email": row["recipient_email"],
        "subject": row["subject"],
        "body": row["body"],
        "officer_ids": [int(i) for i in officer_ids],
        "kind": row["kind"],
        "due_on": row["due_on"],
        "sent_at": row["sent_at"],
        "status": PENDING if row["status"] == SENDING else row["status"],
    }


# --- delivery -------------------------------------------------------------------------------------------

async def deliver_pending(now: dt.datetime, settings: Settings | None = None) -> DeliveryReport:
    """Deliver every pending message due by `now` (aware). Safe to run concurrently and on several instances."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(dt.UTC)
    settings = settings or get_settings()
    target = parse_smtp_url(settings.smtp_url) if settings.smtp_url else None
    await _release_stale_claims(now)
    sent = retried = failed = 0
    after_id = 0
    while True:
        candidates = await (
            Notification.select(Notification.id)
            .where(_due(now) & (Notification.id > after_id))
            .order_by(Notification.id)
            .limit(BATCH_SIZE)
        )
        for candidate in candidates:
            row = await _claim(int(candidate["id"]), now)
            if row is None:
                continue  # another deliverer has it
            outcome = await _deliver_one(row, now, settings, target)
            if outcome == SENT:
                sent += 1
            elif outcome == FAILED:
                failed += 1
            else:
                retried += 1
        if len(candidates) < BATCH_SIZE:
            break
        after_id = int(candidates[-1]["id"])
    return DeliveryReport(sent=sent, retried=retried, failed=failed)


def _due(now: dt.datetime) -> Any:
    return (Notification.status == PENDING) & (
        Notification.next_attempt_at.is_null() | (Notification.next_attempt_at <= now)
    )


async def _release_stale_claims(now: dt.datetime) -> None:
    await Notification.update(
        {Notification.status: PENDING, Notification.claimed_at: None}
    ).where((Notification.status == SENDING) & (Notification.claimed_at < now - STALE_CLAIM))


async def _claim(notification_id: int, now: dt.datetime) -> dict[str, Any] | None:
    rows: list[dict[str, Any]] = await (
        Notification.update({Notification.status: SENDING, Notification.claimed_at: now})
        .where((Notification.id == notification_id) & _due(now))
        .returning(
            Notification.id, Notification.recipient_email, Notification.subject, Notification.body,
            Notification.due_on, Notification.attempts, Notification.created_at,
        )
    )
    return rows[0] if rows else None


def build_email(row: dict[str, Any], now: dt.datetime, mail_from: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = row["recipient_email"]
    message["Subject"] = row["subject"]
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<notification-{row['id']}@csas-register>"
    message.set_content(row["body"])
    return message


async def _deliver_one(
    row: dict[str, Any], now: dt.datetime, settings: Settings, target: SmtpTarget | None
) -> str:
    message = build_email(row, now, settings.mail_from)
    try:
        if target is None:
            path = settings.outbox_dir / f"{row['due_on'].isoformat()}-{row['id']}.eml"
            await asyncio.to_thread(_write_eml, path, message.as_bytes())
        else:
            await asyncio.to_thread(_send_smtp, target, message)
    except Exception as exc:  # every delivery failure is retried, then recorded as failed
        return await _record_failure(row, now, _short_error(exc, target))
    async with write_transaction():
        await Notification.update(
            {Notification.status: SENT, Notification.sent_at: now, Notification.claimed_at: None,
             Notification.last_error: ""}
        ).where((Notification.id == row["id"]) & (Notification.status == SENDING))
        await record_audit(_DELIVERY_ACTOR, "notification.sent", "notification", row["id"],
                           {"status": PENDING}, {"status": SENT, "sent_at": now})
    return SENT


async def _record_failure(row: dict[str, Any], now: dt.datetime, error: str) -> str:
    attempts = int(row["attempts"]) + 1
    if attempts >= MAX_ATTEMPTS:
        status, next_at = FAILED, None
    else:
        status, next_at = PENDING, now + BACKOFF[min(attempts, len(BACKOFF)) - 1]
    async with write_transaction():
        await Notification.update(
            {Notification.status: status, Notification.attempts: attempts, Notification.next_attempt_at: next_at,
             Notification.claimed_at: None, Notification.last_error: error}
        ).where((Notification.id == row["id"]) & (Notification.status == SENDING))
        await record_audit(
            _DELIVERY_ACTOR, "notification.failed" if status == FAILED else "notification.retry", "notification",
            row["id"], {"status": PENDING, "attempts": attempts - 1},
            {"status": status, "attempts": attempts, "next_attempt_at": next_at, "last_error": error},
        )
    return status


def _write_eml(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)


def _send_smtp(target: SmtpTarget, message: EmailMessage) -> None:
    if target.scheme == "smtps":
        with smtplib.SMTP_SSL(target.host, target.port, timeout=SMTP_TIMEOUT_SECONDS,
                              context=ssl.create_default_context()) as smtp:
            _login_and_send(smtp, target, message)
        return
    with smtplib.SMTP(target.host, target.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
        if target.scheme == "smtp+starttls":
            smtp.starttls(context=ssl.create_default_context())
        _login_and_send(smtp, target, message)


def _login_and_send(smtp: smtplib.SMTP, target: SmtpTarget, message: EmailMessage) -> None:
    if target.username:
        smtp.login(target.username, target.password or "")
    smtp.send_message(message)


def _short_error(exc: BaseException, target: SmtpTarget | None) -> str:
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ").strip()
    if target is not None and target.password:
        text = text.replace(target.password, "***")
    return text[:MAX_ERROR_LENGTH]
