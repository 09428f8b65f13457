"""Your own password and the one-time links (core.accounts): change, reset, invite. Time moves by passing `now`."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from core.access import Role
from core.accounts import (
    RESETS_PER_ACCOUNT,
    RESETS_PER_ADDRESS,
    password_link_state,
    request_password_reset,
    set_password_with_link,
)
from core.clock import now_utc
from core.errors import CoreErrorCode, Invalid, NotAuthenticated, NotFound, TooManyRequests
from core.services import change_password, get_user_by_username, principal_for_session, sign_in
from core.tables import AuditEvent, PasswordLink, UserSession
from register.officers.services import create_user
from scheduler.delivery import WITHHELD_BODY, list_notifications
from scheduler.outbox_tables import Notification
from tests.factories import PASSWORD, SYSTEM, World

NEW = "a brand new passphrase"
LINK = re.compile(r"http://\S+/password/(reset|set)/([A-Za-z0-9_-]+)")


async def queued(kind: str | None = None) -> list[dict[str, Any]]:
    query = Notification.select().order_by(Notification.id)
    return list(await (query.where(Notification.kind == kind) if kind else query))


async def latest_token(recipient: str) -> str:
    rows = [r for r in await queued() if r["recipient_email"] == recipient]
    assert rows, f"no message to {recipient}"
    found = LINK.search(rows[-1]["body"])
    assert found, rows[-1]["body"]
    return found.group(2)


async def can_sign_in(username: str, password: str) -> bool:
    try:
        await sign_in(username, password)
    except NotAuthenticated:
        return False
    return True


async def audit_text() -> str:
    return json.dumps([[r["action"], r["before"], r["after"]] for r in await AuditEvent.select()], default=str)


# --- change your own password ---------------------------------------------------------------------------

async def test_changing_your_password_ends_your_other_sessions_but_not_this_one(world: World) -> None:
    this, me = await sign_in("mgr_a1a", PASSWORD)
    other, _ = await sign_in("mgr_a1a", PASSWORD)
    someone_else, _ = await sign_in("hr_a1", PASSWORD)
    await change_password(me, PASSWORD, NEW, this)
    assert await principal_for_session(this) is not None
    assert await principal_for_session(other) is None
    assert await principal_for_session(someone_else) is not None
    assert not await can_sign_in("mgr_a1a", PASSWORD)
    assert await can_sign_in("mgr_a1a", NEW)
    assert await can_sign_in("hr_a1", PASSWORD)  # only the actor's own password changed
    text = await audit_text()
    assert "user.password_change" in text and NEW not in text and PASSWORD not in text


@pytest.mark.parametrize(("current", "new", "field", "code"), [
    ("not my password", NEW, "current_password", CoreErrorCode.WRONG_PASSWORD),
    (PASSWORD, "short", "new_password", CoreErrorCode.WEAK_PASSWORD),
])
async def test_a_wrong_current_password_or_a_short_new_one_changes_nothing(
        world: World, current: str, new: str, field: str, code: str) -> None:
    _, me = await sign_in("off_a1a1", PASSWORD)
    with pytest.raises(Invalid) as raised:
        await change_password(me, current, new)
    assert [(v.field, v.code) for v in raised.value.violations] == [(field, code)]
    assert await can_sign_in("off_a1a1", PASSWORD)


async def test_guessing_the_current_password_is_throttled_like_sign_in(world: World) -> None:
    from core.services import PAIR_FREE_FAILURES

    _, me = await sign_in("off_a1a1", PASSWORD)
    for n in range(PAIR_FREE_FAILURES):
        with pytest.raises(Invalid):
            await change_password(me, f"guess number {n}", NEW, client_ip="203.0.113.7")
    with pytest.raises(TooManyRequests):
        await change_password(me, PASSWORD, NEW, client_ip="203.0.113.7")
    assert await can_sign_in("off_a1a1", PASSWORD)


# --- reset a forgotten password -------------------------------------------------------------------------

async def test_a_reset_link_is_queued_for_the_username_or_the_address_in_any_case(world: World) -> None:
    await request_password_reset("hr_a1")
    await request_password_reset("HR_A1@Example.org")
    rows = await queued("password_reset")
    assert [r["recipient_email"] for r in rows] == ["hr_a1@example.org"] * 2
    assert "/password/reset/" in rows[0]["body"] and "Reset your CSAS Register password" == rows[0]["subject"]
    # Only the newest link works: asking again replaces the one before.
    first, second = (LINK.search(r["body"]).group(2) for r in rows)  # type: ignore[union-attr]
    with pytest.raises(NotFound) as raised:
        await password_link_state(first)
    assert raised.value.code == CoreErrorCode.LINK_USED
    assert (await password_link_state(second)).username == "hr_a1"


async def test_no_account_oracle_an_unknown_name_is_answered_alike_and_sends_nothing(world: World) -> None:
    await request_password_reset("nobody-at-all")
    await request_password_reset("%")
    await request_password_reset("")
    assert await queued() == []


async def test_the_link_sets_the_password_once_and_ends_every_session(world: World) -> None:
    session, _ = await sign_in("vet_a", PASSWORD)
    await request_password_reset("vet_a")
    token = await latest_token("vet_a@example.org")
    assert await set_password_with_link(token, NEW) == "vet_a"
    assert await principal_for_session(session) is None
    assert await can_sign_in("vet_a", NEW)
    with pytest.raises(NotFound) as raised:
        await set_password_with_link(token, "yet another passphrase")
    assert raised.value.code == CoreErrorCode.LINK_USED
    assert await can_sign_in("vet_a", NEW)
    text = await audit_text()
    assert token not in text and NEW not in text
    assert "password_link.reset" in text and "user.password_set" in text


async def test_an_expired_link_is_refused(world: World) -> None:
    now = now_utc()
    await request_password_reset("coord_a", now=now)
    token = await latest_token("coord_a@example.org")
    assert await password_link_state(token, now + dt.timedelta(minutes=59))
    with pytest.raises(NotFound) as raised:
        await set_password_with_link(token, NEW, now + dt.timedelta(minutes=60))
    assert raised.value.code == CoreErrorCode.LINK_EXPIRED
    assert await can_sign_in("coord_a", PASSWORD)


async def test_a_token_sets_only_its_own_users_password(world: World) -> None:
    await request_password_reset("hr_a1")
    await request_password_reset("mgr_a1a")
    token = await latest_token("hr_a1@example.org")
    await set_password_with_link(token, NEW)
    assert await can_sign_in("hr_a1", NEW)
    assert await can_sign_in("mgr_a1a", PASSWORD) and not await can_sign_in("mgr_a1a", NEW)
    with pytest.raises(NotFound):
        await set_password_with_link("not-a-token-anyone-was-sent", NEW)


async def test_a_too_short_password_leaves_the_link_usable(world: World) -> None:
    await request_password_reset("hr_a1")
    token = await latest_token("hr_a1@example.org")
    with pytest.raises(Invalid):
        await set_password_with_link(token, "short")
    assert await set_password_with_link(token, NEW) == "hr_a1"


async def test_a_deactivated_user_gets_no_link_and_an_old_one_stops_working(world: World) -> None:
    from core.services import set_user_active

    await request_password_reset("hr_a1")
    token = await latest_token("hr_a1@example.org")
    await set_user_active(SYSTEM, (await get_user_by_username("hr_a1"))["id"], active=False)
    with pytest.raises(NotFound):
        await set_password_with_link(token, NEW)
    await request_password_reset("hr_a1")
    assert len(await queued("password_reset")) == 1


async def test_an_address_asking_too_often_is_refused_whatever_it_names(world: World) -> None:
    now = now_utc()
    for n in range(RESETS_PER_ADDRESS):
        await request_password_reset(f"guess{n}", "203.0.113.9", now=now)
    with pytest.raises(TooManyRequests) as raised:
        await request_password_reset("hr_a1", "203.0.113.9", now=now)
    assert raised.value.headers["Retry-After"] == "900"
    await request_password_reset("hr_a1", "198.51.100.1", now=now)  # another address is not held up
    await request_password_reset("hr_a1", "203.0.113.9", now=now + dt.timedelta(minutes=15, seconds=1))


async def test_one_account_gets_a_bounded_number_of_links(world: World) -> None:
    now = now_utc()
    for n in range(RESETS_PER_ACCOUNT + 2):
        await request_password_reset("mgr_a1a", f"192.0.2.{n}", now=now)
    assert len(await queued("password_reset")) == RESETS_PER_ACCOUNT
    assert await PasswordLink.count() == RESETS_PER_ACCOUNT


# --- invitations ----------------------------------------------------------------------------------------

async def test_an_invited_user_has_no_password_until_they_follow_the_link(world: World) -> None:
    row = await create_user(SYSTEM, username="new_hr", password=None, email="New.HR@example.org", role=Role.HR,
                            organisation_id=world.orgs["A1"])
    assert not await can_sign_in("new_hr", "")
    assert not await can_sign_in("new_hr", "!unset")
    (message,) = await queued("invitation")
    assert message["recipient_email"] == "New.HR@example.org" and message["recipient_user_id"] == row["id"]
    assert "'new_hr'" in message["body"] and "/password/set/" in message["body"]
    token = await latest_token("New.HR@example.org")
    state = await password_link_state(token, now_utc() + dt.timedelta(days=6, hours=23))
    assert state.purpose == "invite" and state.username == "new_hr"
    with pytest.raises(NotFound):
        await password_link_state(token, now_utc() + dt.timedelta(days=7, minutes=1))
    await set_password_with_link(token, NEW)
    assert await can_sign_in("new_hr", NEW)
    assert await UserSession.count() == 1


async def test_readers_of_the_outbox_never_see_a_password_link(world: World) -> None:
    await request_password_reset("hr_a1")
    items, total = await list_notifications()
    assert total == 1 and items[0]["body"] == WITHHELD_BODY
    assert LINK.search((await queued())[0]["body"])  # while the message itself carries it


@pytest.mark.parametrize(("env", "value", "expected"), [
    ("CSAS_RESET_LINK_MINUTES", "", 60), ("CSAS_RESET_LINK_MINUTES", "30", 30), ("CSAS_INVITE_LINK_DAYS", "14", 14),
    ("CSAS_INVITE_LINK_DAYS", "0", None), ("CSAS_RESET_LINK_MINUTES", "an hour", None),
])
def test_link_lifetimes_are_settings(monkeypatch: pytest.MonkeyPatch, env: str, value: str,
                                     expected: int | None) -> None:
    from core.settings import SettingsError, load_settings

    monkeypatch.setenv(env, value)
    field = "reset_link_minutes" if env == "CSAS_RESET_LINK_MINUTES" else "invite_link_days"
    if expected is None:
        with pytest.raises(SettingsError):
            load_settings()
    else:
        assert getattr(load_settings(), field) == expected
