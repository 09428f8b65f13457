"""A user's own password: the one-time links that set it (a forgotten password's reset, an
administrator's invitation). Changing it while signed in is core.services.change_password.

A link is a random token sent by e-mail; only its keyed hash is stored (core.security.hash_token), it works once,
until it expires, and a newer link of the same user replaces it. Sending belongs to the scheduler's outbox, which
core must not import (core ← register ← scheduler): the scheduler installs the sender here at start-up
(scheduler.account_mail, listed in bootstrap.HOOK_INSTALLERS), and it is called inside the transaction that
stores the link, so the link and its message are committed together or not at all.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from core.access import Principal, Role
from core.audit import record_audit
from core.clock import now_utc
from core.db import select_rows, write_transaction
from core.errors import (
    CoreErrorCode,
    NotFound,
    TooManyRequests,
    raise_if_violations,
)
from core.rules import check_password
from core.security import hash_password, hash_token, new_token
from core.settings import get_settings
from core.tables import PasswordLink, PasswordResetRequest, User, UserSession

# "Forgotten your password?" is throttled like sign-in's spraying limit (core.services): an address may ask
# RESETS_PER_ADDRESS times in RESET_WINDOW, whatever it names, so the answer never says whether an account matched.
# One account gets at most RESETS_PER_ACCOUNT links in RESET_WINDOW, so a stranger cannot flood its mailbox.
RESET_WINDOW = dt.timedelta(minutes=15)
RESETS_PER_ADDRESS = 5
RESETS_PER_ACCOUNT = 3


class LinkPurpose(StrEnum):
    RESET = "reset"
    INVITE = "invite"


@dataclass(frozen=True)
class LinkMail:
    """What the sender needs to write the message; the token appears only here and in the message."""

    link_id: int
    user_id: int
    username: str
    email: str
    purpose: LinkPurpose
    token: str
    expires_at: dt.datetime


LinkSender = Callable[[LinkMail], Awaitable[None]]
_sender: list[LinkSender] = []


def install_link_sender(sender: LinkSender) -> None:
    """Idempotent: the last sender installed is the one used."""
    _sender[:] = [sender]


async def _send(mail: LinkMail) -> None:
    if not _sender:
        raise RuntimeError("No password link sender is installed (bootstrap.wire() installs scheduler's).")
    await _sender[0](mail)


def _actor_of(row: dict[str, Any]) -> Principal:
    return Principal(user_id=row["id"], username=row["username"], role=Role(row["role"]))


def _lifetime(purpose: LinkPurpose) -> dt.timedelta:
    settings = get_settings()
    if purpose is LinkPurpose.INVITE:
        return dt.timedelta(days=settings.invite_link_days)
    return dt.timedelta(minutes=settings.reset_link_minutes)


async def issue_link(actor: Principal, user: dict[str, Any], purpose: LinkPurpose, now: dt.datetime) -> None:
    """Stores a new link for `user` (a User row), retires their unused ones, audits it (never the token) and hands
    the message to the sender. Joins the caller's write transaction."""
    token = new_token()
    expires_at = now + _lifetime(purpose)
    async with write_transaction():
        await PasswordLink.update({PasswordLink.used_at: now}).where(
            (PasswordLink.user == user["id"]) & PasswordLink.used_at.is_null())
        row = (await PasswordLink.insert(PasswordLink(
            token_hash=hash_token(token), user=user["id"], purpose=purpose.value, created_at=now,
            expires_at=expires_at,
        )).returning(PasswordLink.id))[0]
        await record_audit(actor, f"password_link.{purpose.value}", "user", user["id"], None,
                           {"email": user["email"], "expires_at": expires_at})
        await _send(LinkMail(link_id=int(row["id"]), user_id=user["id"], username=user["username"],
                             email=user["email"], purpose=purpose, token=token, expires_at=expires_at))


def _retry_words(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


# The address compared without case, as the outbox compares mailboxes; written out because Piccolo's ilike would
# take the % and _ a stranger types as wildcards.
_MATCHING_USERS = (
    'SELECT "id", "username", "email", "role", "is_active" FROM "app_user" '
    'WHERE "username" = {} OR lower("email") = lower({})'
)


async def request_password_reset(identifier: str, client_ip: str = "", now: dt.datetime | None = None) -> None:
    """Sends a reset link to every active account whose username or e-mail address is `identifier`. Answers the
    same whether or not one matched; refuses (429) an address that asked too often."""
    now = now or now_utc()
    client_ip = client_ip[:64]
    identifier = identifier.strip()[:254]
    since = now - RESET_WINDOW
    if client_ip:
        recent = await PasswordResetRequest.select(PasswordResetRequest.at).where(
            (PasswordResetRequest.client_ip == client_ip) & (PasswordResetRequest.at >= since)
        ).order_by(PasswordResetRequest.at, ascending=False).offset(RESETS_PER_ADDRESS - 1).first()
        if recent is not None:
            seconds = max(1, math.ceil((recent["at"] + RESET_WINDOW - now).total_seconds()))
            raise TooManyRequests(CoreErrorCode.TOO_MANY_REQUESTS,
                                  f"Too many requests. Try again in {_retry_words(seconds)}.", retry_after=seconds)
    matches = [] if not identifier else [row for row in await select_rows(_MATCHING_USERS, identifier, identifier)
                                          if row["is_active"]]
    async with write_transaction():
        await PasswordResetRequest.delete().where(PasswordResetRequest.at < since)
        await PasswordResetRequest.insert(PasswordResetRequest(client_ip=client_ip, at=now))
        for user in matches:
            sent = await PasswordLink.count().where(
                (PasswordLink.user == user["id"]) & (PasswordLink.purpose == LinkPurpose.RESET.value)
                & (PasswordLink.created_at >= since))
            if sent < RESETS_PER_ACCOUNT:
                await issue_link(_actor_of(user), user, LinkPurpose.RESET, now)


@dataclass(frozen=True)
class LinkState:
    purpose: LinkPurpose
    username: str
    expires_at: dt.datetime


async def _link_row(token: str) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await PasswordLink.select(
        PasswordLink.id, PasswordLink.purpose, PasswordLink.expires_at, PasswordLink.used_at,
        PasswordLink.user.id.as_alias("user_id"), PasswordLink.user.username.as_alias("username"),
        PasswordLink.user.role.as_alias("role"), PasswordLink.user.is_active.as_alias("is_active"),
    ).where(PasswordLink.token_hash == hash_token(token)).first()
    return row


def _refuse_unusable(row: dict[str, Any] | None, now: dt.datetime) -> dict[str, Any]:
    """The link's row when it can still be used; else a 404 whose code says why, so the page can say so."""
    if row is None or not row["is_active"]:
        raise NotFound(CoreErrorCode.LINK_NOT_VALID, "This link is not valid.")
    if row["used_at"] is not None:
        raise NotFound(CoreErrorCode.LINK_USED, "This link has already been used.")
    if row["expires_at"] <= now:
        raise NotFound(CoreErrorCode.LINK_EXPIRED, "This link has expired.")
    return row


async def password_link_state(token: str, now: dt.datetime | None = None) -> LinkState:
    """Whom the link sets a password for; 404 (link_not_valid, link_used, link_expired) when it cannot be used."""
    row = _refuse_unusable(await _link_row(token), now or now_utc())
    return LinkState(LinkPurpose(row["purpose"]), row["username"], row["expires_at"])


async def set_password_with_link(token: str, password: str, now: dt.datetime | None = None) -> str:
    """Sets the password of the link's user, uses the link up and ends every session they had. Returns the
    username."""
    now = now or now_utc()
    raise_if_violations(check_password(password))
    async with write_transaction():
        row = _refuse_unusable(await _link_row(token), now)
        # The claim: of two uses racing, only the one that still finds it unused goes on.
        claimed = await PasswordLink.update({PasswordLink.used_at: now}).where(
            (PasswordLink.id == row["id"]) & PasswordLink.used_at.is_null()).returning(PasswordLink.id)
        if not claimed:
            raise NotFound(CoreErrorCode.LINK_USED, "This link has already been used.")
        await replace_password(row["user_id"], password, keep_session_hash=None)
        await record_audit(_actor_of({"id": row["user_id"], "username": row["username"], "role": row["role"]}),
                           "user.password_set", "user", row["user_id"], None, {"via": row["purpose"]})
    return str(row["username"])


async def replace_password(user_id: int, password: str, keep_session_hash: str | None) -> None:
    """Inside the caller's write transaction: the new hash, and every session of the user ends but the one kept."""
    await User.update({User.password_hash: hash_password(password)}).where(User.id == user_id)
    others: Any = UserSession.user == user_id
    if keep_session_hash is not None:
        others = others & (UserSession.token_hash != keep_session_hash)
    await UserSession.delete().where(others)
