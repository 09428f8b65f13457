"""Calendar pages: one button makes the address (no page holding only "Continue"), shown once with a copy button
and a webcal:// link; the user's own addresses are listed with a Revoke button that asks first, then revokes."""

from __future__ import annotations

import re

from httpx import AsyncClient

from core.tables import AuditEvent
from scheduler.tables import CalendarFeed
from tests.admin_ui.test_pages_common import TOKEN, sign_in
from tests.factories import World


async def _create(client: AsyncClient, url: str) -> str:
    page = await client.get(url)
    assert page.status_code == 200, page.text
    token = TOKEN.search(page.text)
    assert token
    created = await client.post(url, data={"confirm": "yes", "_csrf_token": token.group(1)})
    assert created.status_code == 200, created.text
    return created.text


async def test_the_subscribe_page_makes_the_address_with_one_button(client: AsyncClient, world: World) -> None:
    await sign_in(client, "off_a1a1")
    url = f"/calendar/officer/{world.officers['A1a-1']}"
    page = await client.get(url)
    assert "Create a calendar address for Alex OfficerA1A1" in page.text
    assert ">Continue<" not in page.text
    assert 'id="no-calendar-feeds"' in page.text
    created = await _create(client, url)
    address = created.split('id="calendar-url">')[1].split("<")[0]
    assert address.startswith("http://testserver/api/calendars/") and address.endswith(".ics")
    assert f'href="{address.replace("http://", "webcal://")}"' in created
    assert 'id="copy-calendar-url"' in created and "hidden" in created.split('id="copy-calendar-url"')[1][:120]
    feed = await client.get(address.replace("http://testserver", ""))
    assert feed.status_code == 200 and "BEGIN:VCALENDAR" in feed.text


async def test_own_addresses_are_listed_and_revoked_after_a_check(client: AsyncClient, world: World) -> None:
    await sign_in(client, "mgr_a1a")
    created = await _create(client, f"/calendar/team/{world.teams['A1a']}")
    address = created.split('id="calendar-url">')[1].split("<")[0].replace("http://testserver", "")
    listing = await client.get("/calendar")
    assert "Team A1a" in listing.text and "In use" in listing.text
    form = re.search(r'action="(/calendar/feeds/(\d+)/revoke)"', listing.text)
    token = TOKEN.search(listing.text)
    assert form and token
    check = await client.post(form.group(1), data={"_csrf_token": token.group(1)})
    assert check.status_code == 200
    assert "Are you sure you want to revoke the calendar address for Team A1a?" in check.text
    assert (await client.get(address)).status_code == 200  # not yet revoked
    audited = await AuditEvent.count().where(AuditEvent.action == "calendar.revoke")
    done = await client.post(form.group(1), data={"_csrf_token": token.group(1), "confirm": "yes"})
    assert done.status_code == 303 and done.headers["location"] == "/calendar?done=calendar_revoked"
    assert (await client.get(address)).status_code == 404
    after = await client.get(done.headers["location"])
    assert "The calendar address was revoked" in after.text and "Revoked" in after.text
    assert await AuditEvent.count().where(AuditEvent.action == "calendar.revoke") == audited + 1


async def test_another_users_address_cannot_be_revoked(client: AsyncClient, world: World) -> None:
    from scheduler import calendars

    theirs = await calendars.create_feed(world.principals["off_a1a1"], "officer", world.officers["A1a-1"])
    feed_id = (await CalendarFeed.select(CalendarFeed.id).first())["id"]  # type: ignore[index]
    await sign_in(client, "mgr_a1a")
    listing = await client.get("/calendar")
    assert 'id="no-calendar-feeds"' in listing.text  # only one's own are listed
    token = TOKEN.search(listing.text)
    assert token
    refused = await client.post(f"/calendar/feeds/{feed_id}/revoke",
                                data={"_csrf_token": token.group(1), "confirm": "yes"})
    assert refused.status_code == 403
    assert (await client.get(f"/api/calendars/{theirs['token']}.ics")).status_code == 200


async def test_a_feed_outside_scope_is_refused(client: AsyncClient, world: World) -> None:
    await sign_in(client, "mgr_a1a")
    assert (await client.get(f"/calendar/team/{world.teams['A2a']}")).status_code == 403
    assert (await client.get(f"/calendar/officer/{world.officers['A2a-1']}")).status_code in (403, 404)
