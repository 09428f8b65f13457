"""Message delivery: every message is stored in the outbox first, then delivered.

`enqueue_each` stores messages (status pending) — at most one per address, day and kind (the address compared
without regard to case: ``A.Patel@x`` and ``a.patel@x`` are one mailbox), whatever runs it how many times, on
however many instances. `deliver_pending` claims due messages and delivers them:

- without ``CSAS_SMTP_URL``: each message is written to ``var/outbox/{due_on}-{id}.eml`` and marked sent, a batch
  at a time (one claim statement, one thread hop for the files, one transaction marking and auditing them);
- with ``CSAS_SMTP_URL``: it is sent over SMTP (standard library smtplib, in a thread; a 10 s timeout on the
  connect and on every read), over one connection per delivery run, each message claimed just before and marked
  just after its own send. The forms:

  - ``smtp://host[:port]`` — plain SMTP, port 25 by default; ``smtp://user:pass@host:port`` logs in as well;
  - ``smtp+starttls://user:pass@host[:port]`` — STARTTLS (certificate verified), port 587 by default;
  - ``smtps://user:pass@host[:port]`` — implicit TLS (certificate verified), port 465 by default.

  User name and password are percent-decoded (write ``@`` as ``%40``).

A failed attempt puts the message back to pending with ``next_attempt_at = now + backoff`` (1 min, 5 min, 30 min,
2 h, then 6 h); after MAX_ATTEMPTS failures it is failed for good. ``last_error`` keeps a short error text, never
the password.

Time: the `now` a run is given decides what is due (next attempts, stale claims), so callers and tests move time
by passing it. The claim and ``sent_at`` are the wall clock (core.clock.now_utc): when this message's own send
started, and when it finished — never the time its run started, however long the run.

Claiming: ``UPDATE … SET status='sending', claimed_at=<wall clock> WHERE id IN (…) AND status='pending' AND <due>``
is atomic on SQLite and PostgreSQL (a row another deliverer claimed first no longer matches), so two instances (or
two concurrent calls) never take one message at once. 'sending' is internal: reads show it as pending. A claim
older than STALE_CLAIM (its deliverer died mid-send) goes back to pending; a deliverer renews its claims every
STALE_CLAIM / 3 while a send is still under way, so a slow server never makes a live claim look abandoned. The
claim is a fence: marking sent or for retry applies only where ``claimed_at`` is still this deliverer's, so a
deliverer whose claim was taken over records nothing over the new owner's outcome.

A run can be told to stop (`stop_when`): it stops before claiming another message, and what is left stays pending
for the next run (the app's delivery job, every minute). The app delivers beside its requests
(scheduler.jobs.BackgroundDelivery); `csas sweep` delivers for at most a deadline.

Delivery outcomes are audited under the system actor "delivery"; the claim itself is a lock, not a change.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import smtplib
import ssl
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from core.access import Principal
from core.audit import record_audits
from core.clock import now_utc
from core.db import all_of, write_transaction
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
BATCH_SIZE = 500  # messages claimed (no SMTP) or looked up (SMTP) at a time
MAX_ERROR_LENGTH = 200

_DELIVERY_ACTOR = Principal.system("delivery")

# Kinds whose body holds a one-time password link (scheduler.account_mail): delivered as written, but never shown
# by the outbox's readers (its page, GET /api/notifications), or whoever reads the outbox could take the account.
SECRET_KINDS = frozenset({"password_reset", "invitation"})
WITHHELD_BODY = "(Not shown: this message holds a one-time link to set a password.)"


@dataclass(frozen=True)
class OutgoingMessage:
    recipient_email: str
    recipient_user_id: int | None
    subject: str
    body: str
    officer_ids: tuple[int, ...] | list[int]
    kind: str
    due_on: dt.date
    # 0 for the sweep's messages (one per mailbox, day and kind); a message that may rightly go to one mailbox
    # several times a day (a password link) passes its own distinct number, which sets it apart in the index.
    case_repeat: int = 0


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    left_pending: int = 0  # due messages a run told to stop left for the next run


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

INSERT_CHUNK = 500  # rows per multi-row INSERT: well under every engine's parameter limit


def _outbox_key(email: str, due_on: Any, kind: str, case_repeat: int) -> tuple[str, str, str, int]:
    # As the unique index on (lower(recipient_email), due_on, kind, case_repeat) compares them: one mailbox,
    # whatever the case.
    return email.strip().lower(), str(due_on)[:10], kind, int(case_repeat)


async def enqueue_each(messages: list[OutgoingMessage], actor: Principal | None = None) -> list[int | None]:
    """Store messages as pending; for each message, the id it was stored under, or None when it was skipped
    (its recipient, day and kind already have one, or an earlier message of the list took them). A handful of
    statements per 500 messages. Joins the caller's open write_transaction(), or opens its own."""
    who = actor or Principal.system("outbox")
    officer_ids = [sorted({int(i) for i in message.officer_ids}) for message in messages]
    ids: dict[tuple[str, str, str, int], int] = {}
    async with write_transaction():
        for start in range(0, len(messages), INSERT_CHUNK):
            rows = await Notification.insert(*(
                Notification(recipient_email=message.recipient_email.strip(),
                             recipient_user_id=message.recipient_user_id, subject=message.subject,
                             body=message.body, officer_ids=json.dumps(about), kind=message.kind,
                             due_on=message.due_on, status=PENDING, case_repeat=message.case_repeat)
                for message, about in zip(messages[start:start + INSERT_CHUNK],
                                          officer_ids[start:start + INSERT_CHUNK], strict=True)
            # No conflict target: the unique index is on lower(recipient_email), an expression Piccolo cannot name;
            # the table's only other unique key is its id, which never collides.
            )).on_conflict(action="DO NOTHING").returning(
                Notification.id, Notification.recipient_email, Notification.due_on, Notification.kind,
                Notification.case_repeat)
            ids.update({_outbox_key(row["recipient_email"], row["due_on"], row["kind"], row["case_repeat"]):
                        int(row["id"])
                        for row in rows})
        stored: list[int | None] = []
        for message in messages:  # the first message of a key gets its id; any repeat was skipped
            stored.append(ids.pop(_outbox_key(message.recipient_email.strip(), message.due_on, message.kind,
                                              message.case_repeat), None))
        links = [NotificationOfficer(notification=notification_id, officer_id=officer_id)
                 for notification_id, about in zip(stored, officer_ids, strict=True) if notification_id is not None
                 for officer_id in about]
        for start in range(0, len(links), INSERT_CHUNK):
            await NotificationOfficer.insert(*links[start:start + INSERT_CHUNK])
        await record_audits(who, "notification.enqueue", "notification", [
            (notification_id, None,
             {"recipient_email": message.recipient_email.strip(), "kind": message.kind, "due_on": message.due_on,
              "officer_ids": about, "subject": message.subject})
            for message, about, notification_id in zip(messages, officer_ids, stored, strict=True)
            if notification_id is not None
        ])
    return stored


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
        "body": WITHHELD_BODY if row["kind"] in SECRET_KINDS else row["body"],
        "officer_ids": [int(i) for i in officer_ids],
        "kind": row["kind"],
        "due_on": row["due_on"],
        "sent_at": row["sent_at"],
        "status": PENDING if row["status"] == SENDING else row["status"],
    }


# --- delivery -------------------------------------------------------------------------------------------

@dataclass
class DeliveryLimit:
    """Where the delivery runs inside a `delivery_limit()` block stop, and how many due messages they left."""

    stop_when: Callable[[], bool]
    left_pending: int = 0


_LIMIT: ContextVar[DeliveryLimit | None] = ContextVar("delivery_limit", default=None)


@contextmanager
def delivery_limit(stop_when: Callable[[], bool]) -> Iterator[DeliveryLimit]:
    """Every delivery run inside the block that is not given its own `stop_when` — a sweep's, typically — stops
    once `stop_when` says so: `lambda: True` leaves the messages queued for the caller to deliver its own way (the
    app, beside the request); a deadline bounds how long a command waits for a slow server."""
    limit = DeliveryLimit(stop_when)
    token = _LIMIT.set(limit)
    try:
        yield limit
    finally:
        _LIMIT.reset(token)


async def deliver_pending(
    now: dt.datetime, settings: Settings | None = None, *, stop_when: Callable[[], bool] | None = None,
) -> DeliveryReport:
    """Deliver every pending message due by `now` (aware). Safe to run concurrently and on several instances.
    `stop_when` (else the enclosing `delivery_limit()`'s) is asked before each claim: once it says so, the run
    stops and counts what it leaves pending."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    limit = _LIMIT.get() if stop_when is None else None
    if limit is not None:
        stop_when = limit.stop_when
    now = now.astimezone(dt.UTC)
    settings = settings or get_settings()
    target = parse_smtp_url(settings.smtp_url) if settings.smtp_url else None
    await _release_stale_claims(now)
    totals: Counter[str] = Counter()
    after_id = 0
    stopped = False
    session = _SmtpSession(target) if target is not None else None
    try:
        while not stopped:
            candidates = [int(row["id"]) for row in await (
                Notification.select(Notification.id)
                .where(_due(now) & (Notification.id > after_id))
                .order_by(Notification.id)
                .limit(BATCH_SIZE)
            )]
            if not candidates:
                break
            if stop_when is not None and stop_when():
                stopped = True
            elif session is None:
                totals.update(await _deliver_files(candidates, now, settings))
            else:
                outcomes, stopped = await _deliver_smtp(candidates, now, settings, session, stop_when)
                totals.update(outcomes)
            if len(candidates) < BATCH_SIZE:
                break
            after_id = candidates[-1]
    finally:
        if session is not None:
            await asyncio.to_thread(session.close)
    left = int(await Notification.count().where(_due(now))) if stopped else 0
    if limit is not None:
        limit.left_pending += left
    return DeliveryReport(sent=totals[SENT], retried=totals[PENDING], failed=totals[FAILED], left_pending=left)


def _due(now: dt.datetime) -> Any:
    return (Notification.status == PENDING) & (
        Notification.next_attempt_at.is_null() | (Notification.next_attempt_at <= now)
    )


async def _release_stale_claims(now: dt.datetime) -> None:
    await Notification.update(
        {Notification.status: PENDING, Notification.claimed_at: None}
    ).where((Notification.status == SENDING) & (Notification.claimed_at < now - STALE_CLAIM))


async def _claim(notification_ids: list[int], now: dt.datetime) -> tuple[list[dict[str, Any]], dt.datetime]:
    """Claims those of `notification_ids` still due, in one atomic UPDATE: a row another deliverer claimed first
    no longer matches, so each message is claimed by one deliverer only. Returns the rows and the claim (the wall
    clock now, which fences every later write of this deliverer to them)."""
    claimed_at = now_utc()
    rows: list[dict[str, Any]] = await (
        Notification.update({Notification.status: SENDING, Notification.claimed_at: claimed_at})
        .where(Notification.id.is_in(notification_ids) & _due(now))
        .returning(
            Notification.id, Notification.recipient_email, Notification.subject, Notification.body,
            Notification.due_on, Notification.attempts, Notification.created_at,
        )
    )
    return sorted(rows, key=lambda row: int(row["id"])), claimed_at


def _held(ids: list[int], claimed_at: dt.datetime) -> Any:
    return Notification.id.is_in(ids) & (Notification.status == SENDING) & (Notification.claimed_at == claimed_at)


async def _while_claimed(ids: list[int], claimed_at: dt.datetime,
                         work: Callable[[], Any]) -> tuple[Any, dt.datetime]:
    """Runs `work` in a thread, renewing the claim on `ids` every STALE_CLAIM / 3 until it returns, so a send
    slower than STALE_CLAIM is not taken for abandoned. Returns its result and the claim as it now stands (a claim
    already taken over is left alone: the fence then keeps this deliverer's outcome out)."""
    running = asyncio.ensure_future(asyncio.to_thread(work))
    renew_every = (STALE_CLAIM / 3).total_seconds()
    held = True
    while True:
        done, _ = await asyncio.wait({running}, timeout=renew_every if held else None)
        if done:
            return running.result(), claimed_at
        renewed = now_utc()
        held = bool(await Notification.update({Notification.claimed_at: renewed})
                    .where(_held(ids, claimed_at)).returning(Notification.id))
        if held:
            claimed_at = renewed


# The legacy (compat32) email API: the modern one parses every header it is given and cost about 0.7 ms a message,
# most of a sweep's delivery; this one writes them as given, so anything not ASCII is encoded here (RFC 2047 for
# headers, quoted-printable for the body, so the .eml files stay readable).
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP


def _address(value: str) -> str:
    return value if value.isascii() else formataddr(parseaddr(value), charset="utf-8")


def _text(value: str) -> str | Header:
    return value if value.isascii() else Header(value, "utf-8")


def build_email(row: dict[str, Any], now: dt.datetime, mail_from: str) -> Message:
    message = MIMEText(row["body"], "plain", _UTF8)  # type: ignore[arg-type]
    message["From"] = _address(mail_from)
    message["To"] = _address(row["recipient_email"])
    message["Subject"] = _text(row["subject"])  # type: ignore[assignment]  # compat32 takes a Header
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<notification-{row['id']}@csas-register>"
    return message


async def _deliver_files(candidates: list[int], now: dt.datetime, settings: Settings) -> Counter[str]:
    """No SMTP: the whole batch is claimed in one statement, written in one thread hop, and marked and audited in
    one transaction. A crash between writing and marking rewrites the same files (`{due_on}-{id}.eml`, replaced
    atomically) once the claim is stale: nothing is delivered twice."""
    rows, claimed_at = await _claim(candidates, now)
    if not rows:
        return Counter()
    files = [(settings.outbox_dir / f"{row['due_on'].isoformat()}-{row['id']}.eml", row) for row in rows]
    errors, claimed_at = await _while_claimed(
        [int(row["id"]) for row in rows], claimed_at, partial(_write_emls, files, claimed_at, settings.mail_from))
    return await _record_outcomes(list(zip(rows, errors, strict=True)), now, claimed_at, now_utc())


async def _deliver_smtp(
    candidates: list[int], now: dt.datetime, settings: Settings, session: _SmtpSession,
    stop_when: Callable[[], bool] | None,
) -> tuple[Counter[str], bool]:
    """SMTP: one connection for the whole run (reopened after a failure). Each message is claimed just before it
    is sent and marked sent just after, so a deliverer killed mid-send leaves one message in doubt, never a batch:
    a message handed to an SMTP server cannot be taken back. Returns the outcomes and whether it was told to stop."""
    outcomes: Counter[str] = Counter()
    for notification_id in candidates:
        if stop_when is not None and stop_when():
            return outcomes, True
        claimed, claimed_at = await _claim([notification_id], now)
        if not claimed:
            continue  # another deliverer has it
        row = claimed[0]
        message = build_email(row, claimed_at, settings.mail_from)
        error, claimed_at = await _while_claimed([notification_id], claimed_at, partial(session.send, message))
        outcomes.update(await _record_outcomes([(row, error)], now, claimed_at, now_utc()))
    return outcomes, False


async def _record_outcomes(results: list[tuple[dict[str, Any], str | None]], now: dt.datetime,
                           claimed_at: dt.datetime, sent_at: dt.datetime) -> Counter[str]:
    """Marks the delivered messages sent (at `sent_at`) and the others for retry (or failed for good), with their
    audit events, in one transaction: one UPDATE for the sent ones, one per distinct failure outcome. Only rows
    this deliverer still holds under `claimed_at` change, and only those are audited and counted."""
    sent_ids = [int(row["id"]) for row, error in results if error is None]
    failures: dict[tuple[str, int, dt.datetime | None, str], list[int]] = defaultdict(list)
    for row, error in results:
        if error is None:
            continue
        attempts = int(row["attempts"]) + 1
        if attempts >= MAX_ATTEMPTS:
            status, next_at = FAILED, None
        else:
            status, next_at = PENDING, now + BACKOFF[min(attempts, len(BACKOFF)) - 1]
        failures[(status, attempts, next_at, error)].append(int(row["id"]))
    outcomes: Counter[str] = Counter()
    async with write_transaction():
        if sent_ids:
            marked = [int(r["id"]) for r in await Notification.update(
                {Notification.status: SENT, Notification.sent_at: sent_at, Notification.claimed_at: None,
                 Notification.last_error: ""}
            ).where(_held(sent_ids, claimed_at)).returning(Notification.id)]
            await record_audits(_DELIVERY_ACTOR, "notification.sent", "notification",
                                ((i, {"status": PENDING}, {"status": SENT, "sent_at": sent_at}) for i in marked))
            outcomes[SENT] += len(marked)
        for (status, attempts, next_at, error), ids in failures.items():
            marked = [int(r["id"]) for r in await Notification.update(
                {Notification.status: status, Notification.attempts: attempts,
                 Notification.next_attempt_at: next_at, Notification.claimed_at: None,
                 Notification.last_error: error}
            ).where(_held(ids, claimed_at)).returning(Notification.id)]
            await record_audits(
                _DELIVERY_ACTOR, "notification.failed" if status == FAILED else "notification.retry", "notification",
                ((i, {"status": PENDING, "attempts": attempts - 1},
                  {"status": status, "attempts": attempts, "next_attempt_at": next_at, "last_error": error})
                 for i in marked),
            )
            outcomes[status] += len(marked)
    return outcomes


def _write_emls(files: list[tuple[Path, dict[str, Any]]], now: dt.datetime, mail_from: str) -> list[str | None]:
    """Builds and writes each message's file; returns, in order, None for a written file or the short error text
    (a message that cannot be built, e.g. a header with a line break, fails alone, not its batch)."""
    errors: list[str | None] = []
    for path, row in files:
        try:
            _write_eml(path, build_email(row, now, mail_from).as_bytes())
            errors.append(None)
        except Exception as exc:  # every delivery failure is retried, then recorded as failed
            errors.append(_short_error(exc, None))
    return errors


def _write_eml(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)


class _SmtpSession:
    """One SMTP connection reused for every message of a delivery run; used from worker threads, one call at a
    time. Any failure closes it, so the next message opens a fresh one (each message still gets its attempt)."""

    def __init__(self, target: SmtpTarget) -> None:
        self.target = target
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        target = self.target
        smtp: smtplib.SMTP
        if target.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(target.host, target.port, timeout=SMTP_TIMEOUT_SECONDS,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(target.host, target.port, timeout=SMTP_TIMEOUT_SECONDS)
        try:
            if target.scheme == "smtp+starttls":
                smtp.starttls(context=ssl.create_default_context())
            if target.username:
                smtp.login(target.username, target.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: Message) -> str | None:
        """Sends one message; returns None when the server accepted it, else the short error text."""
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(message)
            return None
        except Exception as exc:  # every delivery failure is retried, then recorded as failed
            self.close()
            return _short_error(exc, self.target)

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except Exception:  # the connection is going anyway
            smtp.close()


def _short_error(exc: BaseException, target: SmtpTarget | None) -> str:
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ").strip()
    if target is not None and target.password:
        text = text.replace(target.password, "***")
    return text[:MAX_ERROR_LENGTH]
