"""Users, sign-in sessions and bearer tokens."""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from typing import Any

from core.access import Principal, Role
from core.accounts import LinkPurpose, issue_link, replace_password
from core.audit import record_audit
from core.cache import UnchangedDatabaseMemo
from core.clock import now_utc
from core.db import is_unique_violation, select_rows, write_transaction
from core.errors import (
    Conflict,
    CoreErrorCode,
    Forbidden,
    NotAuthenticated,
    NotFound,
    TooManyRequests,
    Violation,
    raise_if_violations,
)
from core.rules import check_email, check_password, check_role_scope, check_username
from core.security import (
    UNUSABLE_PASSWORD,
    hash_password,
    hash_token,
    new_token,
    password_needs_rehash,
    verify_password,
)
from core.tables import ApiToken, SignInAttempt, User, UserSession

SESSION_LIFETIME = dt.timedelta(hours=12)
# Sign-in throttling (OWASP ASVS 2.2): guessing is slowed, but a stranger cannot lock the owner out.
# - A (username, address) pair gets PAIR_FREE_FAILURES failures since its last success; then each attempt must
#   wait from the last failure, FIRST_DELAY doubling up to MAX_DELAY.
# - An address with MAX_FAILURES_PER_ADDRESS failures over all usernames within ADDRESS_WINDOW is cut off: spraying.
# - An account with ACCOUNT_FREE_FAILURES failures from anywhere within FAILURE_WINDOW gets the same growing delay,
#   for every address but those that signed in to it within KNOWN_ADDRESS_PERIOD: distributed guessing is slowed,
#   while the owner's usual address is only ever held up by its own failures (the pair's delay).
# Attempts are rows, so every app instance sees the same counts. Failures are kept for FAILURE_WINDOW, and each
# pair's latest success for KNOWN_ADDRESS_PERIOD, so the table stays small.
FAILURE_WINDOW = dt.timedelta(hours=1)
ADDRESS_WINDOW = dt.timedelta(minutes=15)
KNOWN_ADDRESS_PERIOD = dt.timedelta(days=30)
FIRST_DELAY = dt.timedelta(minutes=1)
MAX_DELAY = dt.timedelta(minutes=15)
PAIR_FREE_FAILURES = 5
ACCOUNT_FREE_FAILURES = 20
MAX_FAILURES_PER_ADDRESS = 20


def _team_ids(raw: Any) -> frozenset[int]:
    if isinstance(raw, str):
        raw = json.loads(raw or "[]")
    return frozenset(int(t) for t in raw or [])


def principal_from_row(row: dict[str, Any]) -> Principal:
    return Principal(
        user_id=row["id"],
        username=row["username"],
        role=Role(row["role"]),
        force_id=row["force_id"],
        organisation_id=row["organisation_id"],
        team_ids=_team_ids(row["team_ids"]),
        officer_id=row["officer_id"],
    )


def user_public(row: dict[str, Any]) -> dict[str, Any]:
    principal = principal_from_row(row)
    return {
        "id": row["id"],
        "username": row["username"],
        "email": row["email"],
        "role": principal.role.value,
        "force_id": principal.force_id,
        "organisation_id": principal.organisation_id,
        "team_ids": sorted(principal.team_ids),
        "officer_id": principal.officer_id,
        "is_active": row["is_active"],
    }


def require_user_administrator(actor: Principal) -> None:
    if not actor.is_admin:
        raise Forbidden(CoreErrorCode.FORBIDDEN, "Only administrators create users.")


async def create_user(
    actor: Principal,
    *,
    username: str,
    password: str | None,
    email: str,
    role: Role,
    force_id: int | None = None,
    organisation_id: int | None = None,
    team_ids: list[int] | None = None,
    officer_id: int | None = None,
) -> dict[str, Any]:
    """Scope references must already be checked to exist (register.services.create_user does that). Without a
    password the user is invited: created with none that works, and sent a link to set their own
    (core.accounts), in the same transaction."""
    require_user_administrator(actor)
    team_ids = sorted(set(team_ids or []))
    raise_if_violations(
        check_username(username)
        + (check_password(password) if password is not None else [])
        + check_email(email)
        + check_role_scope(role, force_id, organisation_id, team_ids, officer_id)
    )
    values = {
        "username": username,
        "email": email,
        "password_hash": hash_password(password) if password is not None else UNUSABLE_PASSWORD,
        "role": role.value,
        "force_id": force_id,
        "organisation_id": organisation_id,
        "team_ids": json.dumps(team_ids),
        "officer_id": officer_id,
        "is_active": True,
    }
    try:
        async with write_transaction():
            if await User.exists().where(User.username == username):
                raise Conflict(CoreErrorCode.DUPLICATE, f"A user named '{username}' already exists.")
            row = (await User.insert(User(**values)).returning(*User.all_columns()))[0]  # type: ignore[arg-type]
            after = user_public(row)
            await record_audit(actor, "user.create", "user", row["id"], None, after)
            if password is None:
                await issue_link(actor, row, LinkPurpose.INVITE, now_utc())
    except Exception as exc:
        if is_unique_violation(exc):
            raise Conflict(CoreErrorCode.DUPLICATE, f"A user named '{username}' already exists.") from exc
        raise
    return after


async def get_user_by_username(username: str) -> dict[str, Any]:
    row = await User.select().where(User.username == username).first()
    if row is None:
        raise NotFound(CoreErrorCode.NOT_FOUND, f"No user named '{username}'.")
    return row


async def list_users(actor: Principal) -> list[dict[str, Any]]:
    if not actor.is_admin:
        raise Forbidden(CoreErrorCode.FORBIDDEN, "Only administrators list users.")
    return [user_public(r) for r in await User.select().order_by(User.username)]


async def set_user_active(actor: Principal, user_id: int, active: bool) -> dict[str, Any]:
    """Deactivating ends every session the user has at once (tokens stop working while inactive); a leaver's
    account is deactivated rather than deleted so the audit trail keeps naming them."""
    if not actor.is_admin:
        raise Forbidden(CoreErrorCode.FORBIDDEN, "Only administrators deactivate or reactivate users.")
    if user_id == actor.user_id and not active:
        raise Conflict(CoreErrorCode.CANNOT_DEACTIVATE_SELF, "You cannot deactivate your own account.")
    async with write_transaction():
        row = await User.select().where(User.id == user_id).first()
        if row is None:
            raise NotFound(CoreErrorCode.NOT_FOUND, f"No user with id {user_id}.")
        before = user_public(row)
        if row["is_active"] != active:
            await User.update({User.is_active: active}).where(User.id == user_id)
            if not active:
                await UserSession.delete().where(UserSession.user == user_id)
            after = {**before, "is_active": active}
            await record_audit(actor, "user.activate" if active else "user.deactivate", "user", user_id, before,
                               after)
            return after
    return before


async def _recent_failures(clause: Any, since: dt.datetime) -> tuple[int, dt.datetime | None]:
    """How many failures match since then, and when the latest was."""
    failed = clause & (SignInAttempt.succeeded == False) & (SignInAttempt.at >= since)  # noqa: E712
    count: int = await SignInAttempt.count().where(failed)
    if not count:
        return 0, None
    latest: dict[str, dt.datetime] | None = await SignInAttempt.select(SignInAttempt.at).where(failed) \
        .order_by(SignInAttempt.at, ascending=False).first()
    return count, latest["at"] if latest else None


def _backoff_ends(recent: tuple[int, dt.datetime | None], free: int) -> dt.datetime | None:
    failures, latest = recent
    if latest is None or failures < free:
        return None
    return latest + min(FIRST_DELAY * (1 << min(failures - free, 16)), MAX_DELAY)


def _in_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


async def _check_throttle(username: str, client_ip: str, now: dt.datetime) -> None:
    pair = (SignInAttempt.username == username) & (SignInAttempt.client_ip == client_ip)
    last_success = await SignInAttempt.select(SignInAttempt.at).where(
        pair & (SignInAttempt.succeeded == True) & (SignInAttempt.at >= now - KNOWN_ADDRESS_PERIOD)  # noqa: E712
    ).order_by(SignInAttempt.at, ascending=False).first()
    window_start = now - FAILURE_WINDOW
    since = max(window_start, last_success["at"]) if last_success else window_start
    ends = [_backoff_ends(await _recent_failures(pair, since), PAIR_FREE_FAILURES)]
    # Strangers' guesses never refuse an address the owner signed in from (an unknown client address is no one's).
    if last_success is None or not client_ip:
        ends.append(_backoff_ends(await _recent_failures(SignInAttempt.username == username, window_start),
                                  ACCOUNT_FREE_FAILURES))
        if client_ip:
            # Never reset by a success: anyone's own account would otherwise reset it for guesses at everyone else's.
            oldest_counted = await SignInAttempt.select(SignInAttempt.at).where(
                (SignInAttempt.client_ip == client_ip) & (SignInAttempt.succeeded == False)  # noqa: E712
                & (SignInAttempt.at >= now - ADDRESS_WINDOW)
            ).order_by(SignInAttempt.at, ascending=False).offset(MAX_FAILURES_PER_ADDRESS - 1).first()
            if oldest_counted is not None:
                ends.append(oldest_counted["at"] + ADDRESS_WINDOW)
    until = max((end for end in ends if end is not None), default=now)
    if until > now:
        seconds = max(1, math.ceil((until - now).total_seconds()))
        raise TooManyRequests(CoreErrorCode.TOO_MANY_REQUESTS,
                              f"Too many failed sign-ins. Try again in {_in_words(seconds)}.", retry_after=seconds)


async def _record_attempt(username: str, client_ip: str, now: dt.datetime, succeeded: bool) -> None:
    """Inside the caller's write transaction. Keeps the table pruned: failures for their window, one success per
    pair for the known-address period."""
    if succeeded:
        await SignInAttempt.delete().where(
            (SignInAttempt.username == username) & (SignInAttempt.client_ip == client_ip)
            & (SignInAttempt.succeeded == True))  # noqa: E712
    await SignInAttempt.insert(SignInAttempt(username=username, client_ip=client_ip, at=now, succeeded=succeeded))
    await SignInAttempt.delete().where(
        ((SignInAttempt.succeeded == False) & (SignInAttempt.at < now - FAILURE_WINDOW))  # noqa: E712
        | (SignInAttempt.at < now - KNOWN_ADDRESS_PERIOD))


async def sign_in(username: str, password: str, client_ip: str = "") -> tuple[str, Principal]:
    """Returns a fresh session token (a new one at every sign-in) and who signed in."""
    now = now_utc()
    # As stored (the columns' lengths), so an over-long name is counted like any other.
    attempted, client_ip = username[:150], client_ip[:64]
    await _check_throttle(attempted, client_ip, now)
    row = await User.select().where(User.username == username).first()
    valid = verify_password(row["password_hash"] if row else None, password)
    if row is None or not valid or not row["is_active"]:
        async with write_transaction():
            await _record_attempt(attempted, client_ip, now, succeeded=False)
        raise NotAuthenticated(CoreErrorCode.BAD_CREDENTIALS, "Unknown username or wrong password.")
    token = new_token()
    async with write_transaction():
        await _record_attempt(attempted, client_ip, now, succeeded=True)
        if password_needs_rehash(row["password_hash"]):
            await User.update({User.password_hash: hash_password(password)}).where(User.id == row["id"])
        await UserSession.insert(
            UserSession(token_hash=hash_token(token), user=row["id"], created_at=now,
                        expires_at=now + SESSION_LIFETIME)
        )
        await UserSession.delete().where(UserSession.expires_at < now)
    return token, principal_from_row(row)


async def change_password(actor: Principal, current_password: str, new_password: str,
                          session_token: str | None = None, client_ip: str = "") -> None:
    """The actor's own password, and only theirs. Every other session of theirs ends; `session_token` (the one
    making the change) stays signed in. Wrong current passwords count as failed sign-ins and are throttled alike,
    so a stolen session cannot guess its way to the password."""
    if actor.user_id is None:
        raise Forbidden(CoreErrorCode.FORBIDDEN, "Only a signed-in user changes their own password.")
    now = now_utc()
    attempted, client_ip = actor.username[:150], client_ip[:64]
    await _check_throttle(attempted, client_ip, now)
    row = await User.select(User.password_hash).where(User.id == actor.user_id).first()
    valid = row is not None and verify_password(row["password_hash"], current_password)
    violations = [Violation(v.code, v.message, "new_password") for v in check_password(new_password)]
    if not valid:
        async with write_transaction():
            await _record_attempt(attempted, client_ip, now, succeeded=False)
        violations.insert(0, Violation(CoreErrorCode.WRONG_PASSWORD, "Your current password is not right.",
                                       "current_password"))
    raise_if_violations(violations, "The password was not changed.")
    async with write_transaction():
        await replace_password(actor.user_id, new_password, hash_token(session_token) if session_token else None)
        await record_audit(actor, "user.password_change", "user", actor.user_id, None, {"sessions_ended": True})


async def sign_out(token: str) -> None:
    async with write_transaction():
        await UserSession.delete().where(UserSession.token_hash == hash_token(token))


_USER_COLUMNS = (
    "id", "username", "role", "force_id", "organisation_id", "team_ids", "officer_id", "is_active",
)


# Every request signs in by token or session: one hand-written read (core.db.select_rows), no write.
_USER_SELECT = ", ".join(f'u."{column}"' for column in _USER_COLUMNS)
_PRINCIPAL_SQL = (
    "SELECT " + _USER_SELECT + ', t."{extra}" FROM "{table}" t JOIN "app_user" u ON u."id" = t."user" '
    'WHERE t."token_hash" = {{}}'
)


async def _signed_in(sql: str, token_hash: str) -> tuple[dict[str, Any], Principal] | None:
    """The session's or token's row with its user, and that user as a Principal (built once, then remembered)."""
    rows = await select_rows(sql, token_hash)
    return (rows[0], principal_from_row(rows[0])) if rows else None


_sessions = UnchangedDatabaseMemo(functools.partial(
    _signed_in, _PRINCIPAL_SQL.format(extra="expires_at", table="user_session")))
_tokens = UnchangedDatabaseMemo(functools.partial(
    _signed_in, _PRINCIPAL_SQL.format(extra="revoked_at", table="api_token")))


async def principal_for_session(token: str) -> Principal | None:
    found = await _sessions.get(hash_token(token))
    if found is None or found[0]["expires_at"] <= now_utc() or not found[0]["is_active"]:
        return None
    return found[1]


async def principal_for_bearer(token: str) -> Principal | None:
    found = await _tokens.get(hash_token(token))
    if found is None or found[0]["revoked_at"] is not None or not found[0]["is_active"]:
        return None
    return found[1]


async def create_token(actor: Principal, username: str, name: str = "") -> dict[str, Any]:
    """Returns the token once; only its keyed hash is stored."""
    if not actor.is_admin:
        raise Forbidden(CoreErrorCode.FORBIDDEN, "Only administrators create API tokens.")
    user = await get_user_by_username(username)
    token = new_token()
    async with write_transaction():
        row = (
            await ApiToken.insert(ApiToken(token_hash=hash_token(token), user=user["id"], name=name))
            .returning(ApiToken.id, ApiToken.created_at)
        )[0]
        await record_audit(actor, "token.create", "api_token", row["id"], None,
                           {"username": username, "name": name})
    return {"id": row["id"], "username": username, "name": name, "token": token,
            "created_at": row["created_at"]}


async def active_users_with_roles(roles: list[Role]) -> list[tuple[Principal, str]]:
    """(principal, email) of every active user holding one of the roles: the recipients of reminders."""
    rows = await User.select(*(getattr(User, c) for c in _USER_COLUMNS), User.email).where(
        User.role.is_in([r.value for r in roles]) & (User.is_active == True)  # noqa: E712
    )
    return [(principal_from_row(row), row["email"]) for row in rows]
