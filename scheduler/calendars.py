"""Tokenised, revocable iCalendar feeds of expiries, start-by dates and lapses for an officer, team or employer.

The token is the only credential a calendar app can send, so it is random, shown once, stored as a keyed hash,
and revoked by deleting the feed. What a feed shows was in its creator's scope when it was made.

A feed lives only while its creator's account is active: deactivating a user (core.services.set_user_active)
silences every feed they made at once. The serving path checks the creator, rather than deactivation writing to
this table, because core sits below scheduler and cannot reach it; the check needs no hook, covers every way an
account is deactivated, and costs one primary-key read per fetch. Admins list every feed and revoke any by id.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from core.access import Principal
from core.audit import record_audit
from core.clock import business_today, now_utc
from core.db import write_transaction
from core.errors import CoreErrorCode, Forbidden, NotFound, Violation, raise_if_violations
from core.security import hash_token, new_token
from core.settings import get_settings
from core.tables import User
from register.officers import services as register_services
from register.officers.employment import scoped_officer_ids
from register.scope import Scope
from scheduler.errors import SchedulerErrorCode
from scheduler.ical import CalendarOfficer, Publisher, build_calendar
from scheduler.policy_store import load_catalogue
from scheduler.rules import compute_compliance, compute_plan
from scheduler.services import load_facts
from scheduler.tables import CalendarFeed

FEED_READER = Principal.system("calendar-feed")


class FeedScope(StrEnum):
    OFFICER = "officer"
    TEAM = "team"
    ORGANISATION = "organisation"


async def _feed_name(actor: Principal, scope: FeedScope, scope_id: int) -> str:
    """Checks the actor may see what the feed would show, and names it."""
    if scope is FeedScope.OFFICER:
        officer = await register_services.get_officer(actor, scope_id)
        return f"CSAS: {officer['given_name']} {officer['family_name']}"
    if scope is FeedScope.TEAM:
        team = await register_services.get_team(scope_id)
        if scope_id not in {t["id"] for t in await register_services.list_teams(actor)}:
            raise Forbidden(CoreErrorCode.OUT_OF_SCOPE, "That team is outside your scope.")
        return f"CSAS: {team['name']}"
    organisation = await register_services.get_organisation(actor, scope_id)
    if not Scope.of(actor).allows_whole(organisation):
        raise Forbidden(CoreErrorCode.OUT_OF_SCOPE,
                        "An employer's feed shows every officer there; ask for your team's feed.")
    return f"CSAS: {organisation['name']}"


def _parse_scope(scope: str) -> FeedScope:
    allowed = ", ".join(s.value for s in FeedScope)
    raise_if_violations([] if scope in FeedScope.__members__.values() else [
        Violation(CoreErrorCode.INVALID_CHOICE, f"scope must be one of: {allowed}.", "scope")])
    return FeedScope(scope)


async def check_feed_scope(actor: Principal, scope: str, scope_id: int) -> FeedScope:
    """422 for an unknown scope, 403/404 unless the actor may see everything the feed would show."""
    feed_scope = _parse_scope(scope)
    await _feed_name(actor, feed_scope, scope_id)
    return feed_scope


async def feed_title(actor: Principal, scope: str, scope_id: int) -> str:
    """Whom a feed of scope/scope_id is about ('Team A1a'), checked as check_feed_scope checks it."""
    return (await _feed_name(actor, _parse_scope(scope), scope_id)).removeprefix("CSAS: ")


async def create_feed(actor: Principal, scope: str, scope_id: int) -> dict[str, Any]:
    feed_scope = await check_feed_scope(actor, scope, scope_id)
    token = new_token()
    async with write_transaction():
        row = (await CalendarFeed.insert(CalendarFeed(
            token_hash=hash_token(token), scope=feed_scope.value, scope_id=scope_id,
            created_by_user_id=actor.user_id)).returning(CalendarFeed.id))[0]
        await record_audit(actor, "calendar.create", "calendar_feed", row["id"], None,
                           {"scope": feed_scope.value, "scope_id": scope_id})
    return {"token": token, "scope": feed_scope.value, "id": scope_id}


async def _creator_active(user_id: int | None) -> bool:
    """A feed made by a signed-in user serves only while that account is active (and exists); one made by the
    system (no user) has no account to lose."""
    if user_id is None:
        return True
    row = await User.select(User.is_active).where(User.id == user_id).first()
    return row is not None and bool(row["is_active"])


async def _live_feed(token: str) -> dict[str, Any]:
    row = await CalendarFeed.select().where(CalendarFeed.token_hash == hash_token(token)).first()
    if row is None or row["revoked_at"] is not None or not await _creator_active(row["created_by_user_id"]):
        raise NotFound(SchedulerErrorCode.CALENDAR_NOT_FOUND,
                       "No calendar feed with that token (it may have been revoked).")
    return row


async def feed_ics(token: str, today: dt.date | None = None) -> bytes:
    feed = await _live_feed(token)
    day = today or business_today()
    scope = FeedScope(feed["scope"])
    name = await _feed_name(FEED_READER, scope, feed["scope_id"])
    if scope is FeedScope.OFFICER:
        ids = [feed["scope_id"]]
    else:
        ids = await scoped_officer_ids(
            FEED_READER, organisation_id=feed["scope_id"] if scope is FeedScope.ORGANISATION else None,
            team_id=feed["scope_id"] if scope is FeedScope.TEAM else None, active_on=day)
    catalogue = await load_catalogue()
    policy = catalogue.policy
    entries = []
    for facts in (await load_facts(ids, day, catalogue)).values():
        compliance = compute_compliance(facts, day, policy)
        entries.append(CalendarOfficer(facts.officer_id, facts.name, tuple(compute_plan(facts, day, policy)),
                                       compliance.powers))
    settings = get_settings()
    publisher = Publisher(host=urlsplit(settings.public_url).hostname or "localhost", email=settings.mail_from)
    return build_calendar(name, entries, now_utc(), publisher=publisher, names=catalogue.names)


async def revoke_feed(actor: Principal, token: str) -> None:
    feed = await _live_feed(token)
    if not actor.is_admin and feed["created_by_user_id"] != actor.user_id:
        raise Forbidden(SchedulerErrorCode.NOT_FEED_OWNER,
                        "Only whoever created a feed (or an administrator) can revoke it.")
    async with write_transaction():
        await CalendarFeed.update({CalendarFeed.revoked_at: now_utc()}).where(CalendarFeed.id == feed["id"])
        await record_audit(actor, "calendar.revoke", "calendar_feed", feed["id"], {"revoked_at": None},
                           {"revoked_at": now_utc()})


def _require_admin(actor: Principal, action: str) -> None:
    if not actor.is_admin:
        raise Forbidden(CoreErrorCode.FORBIDDEN, f"Only administrators {action}.")


async def list_feeds(actor: Principal, limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Every feed, newest first, for administrators: who made it, for what, and whether it serves. Never the
    token (only its hash is stored, and that is not shown either)."""
    _require_admin(actor, "list calendar feeds")
    total = await CalendarFeed.count()
    rows = await CalendarFeed.select(
        CalendarFeed.id, CalendarFeed.scope, CalendarFeed.scope_id, CalendarFeed.created_by_user_id,
        CalendarFeed.created_at, CalendarFeed.revoked_at,
    ).order_by(CalendarFeed.id, ascending=False).limit(limit).offset(offset)
    creator_ids = sorted({r["created_by_user_id"] for r in rows if r["created_by_user_id"] is not None})
    users = {u["id"]: u for u in await User.select(User.id, User.username, User.is_active)
             .where(User.id.is_in(creator_ids))} if creator_ids else {}
    items = []
    for row in rows:
        creator = users.get(row["created_by_user_id"])
        creator_active = row["created_by_user_id"] is None or bool(creator and creator["is_active"])
        items.append({
            "id": row["id"], "scope": row["scope"], "scope_id": row["scope_id"],
            "created_by_user_id": row["created_by_user_id"],
            "created_by": creator["username"] if creator else None,
            "created_at": row["created_at"], "revoked_at": row["revoked_at"],
            "creator_active": creator_active, "live": row["revoked_at"] is None and creator_active,
        })
    return items, total


async def revoke_feed_by_id(actor: Principal, feed_id: int) -> None:
    """An administrator revokes any feed by its id (tokens are never shown again). Revoking a feed already
    revoked changes nothing; a feed silenced by its creator's deactivation is revoked for good."""
    _require_admin(actor, "revoke calendar feeds by id")
    await _revoke_by_id(actor, feed_id)


async def revoke_own_feed(actor: Principal, feed_id: int) -> None:
    """A user revokes a feed they made, by the id their calendar page lists (the token was shown only once);
    an administrator may revoke any. Revoking a feed already revoked changes nothing."""
    await _revoke_by_id(actor, feed_id, owner_only=not actor.is_admin)


async def _revoke_by_id(actor: Principal, feed_id: int, owner_only: bool = False) -> None:
    async with write_transaction():
        feed = await CalendarFeed.select(CalendarFeed.id, CalendarFeed.revoked_at, CalendarFeed.created_by_user_id) \
            .where(CalendarFeed.id == feed_id).first()
        if feed is None:
            raise NotFound(SchedulerErrorCode.CALENDAR_NOT_FOUND, f"No calendar feed with id {feed_id}.")
        if owner_only and (actor.user_id is None or feed["created_by_user_id"] != actor.user_id):
            raise Forbidden(SchedulerErrorCode.NOT_FEED_OWNER,
                            "Only whoever created a feed (or an administrator) can revoke it.")
        if feed["revoked_at"] is not None:
            return
        revoked_at = now_utc()
        await CalendarFeed.update({CalendarFeed.revoked_at: revoked_at}).where(CalendarFeed.id == feed_id)
        await record_audit(actor, "calendar.revoke", "calendar_feed", feed_id, {"revoked_at": None},
                           {"revoked_at": revoked_at})


async def feed_name(scope: str, scope_id: int) -> str:
    """What a feed shows, in words, for a list of feeds ('Team A1a'); named as such when it is no longer there."""
    try:
        return (await _feed_name(FEED_READER, FeedScope(scope), scope_id)).removeprefix("CSAS: ")
    except NotFound:
        return "No longer on the register"


async def list_own_feeds(actor: Principal, limit: int = 100) -> list[dict[str, Any]]:
    """The feeds this user made, newest first, each named by what it shows and whether it still serves; never
    the token. A feed whose officer, team or employer is no longer on the register is named as such."""
    if actor.user_id is None:
        return []
    rows = await CalendarFeed.select(
        CalendarFeed.id, CalendarFeed.scope, CalendarFeed.scope_id, CalendarFeed.created_at, CalendarFeed.revoked_at,
    ).where(CalendarFeed.created_by_user_id == actor.user_id).order_by(CalendarFeed.id, ascending=False).limit(limit)
    items = []
    for row in rows:
        name = await feed_name(row["scope"], row["scope_id"])
        made_at = row["created_at"].astimezone(ZoneInfo(get_settings().timezone))  # as people read the time
        items.append({**row, "name": name, "made_at": made_at, "live": row["revoked_at"] is None})
    return items
