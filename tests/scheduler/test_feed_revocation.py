"""Calendar feeds do not outlive their creator: deactivating a user silences every feed they made, and admins
list every feed (never its token) and revoke any by id, audited (issue 17)."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from core.tables import AuditEvent, User
from tests.factories import World


async def _feed(client: AsyncClient, world: World, who: str, scope: str, scope_id: int) -> dict[str, Any]:
    created = await client.post("/api/calendars", json={"scope": scope, "id": scope_id}, headers=world.auth(who))
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


async def _user_id(username: str) -> int:
    row = await User.select(User.id).where(User.username == username).first()
    assert row is not None
    return int(row["id"])


async def test_deactivating_a_user_stops_every_feed_they_made(client: AsyncClient, world: World) -> None:
    team_feed = await _feed(client, world, "mgr_a1a", "team", world.teams["A1a"])
    officer_feed = await _feed(client, world, "mgr_a1a", "officer", world.officers["A1a-1"])
    someone_elses = await _feed(client, world, "hr_a1", "organisation", world.orgs["A1"])
    for feed in (team_feed, officer_feed, someone_elses):
        assert (await client.get(f"/api/calendars/{feed['token']}.ics")).status_code == 200
    manager = await _user_id("mgr_a1a")
    admin = world.auth("admin")
    assert (await client.post(f"/api/users/{manager}/deactivate", headers=admin)).status_code == 200
    for feed in (team_feed, officer_feed):  # names and dates stop at once, like the user's tokens
        gone = await client.get(f"/api/calendars/{feed['token']}.ics")
        assert gone.status_code == 404 and gone.json()["code"] == "calendar_not_found"
    assert (await client.get(f"/api/calendars/{someone_elses['token']}.ics")).status_code == 200
    listed = (await client.get("/api/calendars", headers=admin)).json()
    by_creator = {item["created_by"]: item for item in listed["items"]}
    assert by_creator["mgr_a1a"]["live"] is False and by_creator["mgr_a1a"]["creator_active"] is False
    assert by_creator["mgr_a1a"]["revoked_at"] is None
    assert by_creator["hr_a1"]["live"] is True


async def test_admins_list_feeds_without_tokens_and_revoke_any_by_id(client: AsyncClient, world: World) -> None:
    mine = await _feed(client, world, "off_a1a1", "officer", world.officers["A1a-1"])
    team = await _feed(client, world, "mgr_a1a", "team", world.teams["A1a"])
    admin = world.auth("admin")
    listed = await client.get("/api/calendars", headers=admin)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["total"] == 2
    assert mine["token"] not in listed.text and team["token"] not in listed.text  # never the token
    items = {item["scope"]: item for item in body["items"]}
    assert set(items["officer"]) == {"id", "scope", "scope_id", "created_by_user_id", "created_by", "created_at",
                                     "revoked_at", "creator_active", "live"}
    assert items["officer"]["scope_id"] == world.officers["A1a-1"]
    assert items["officer"]["created_by"] == "off_a1a1"
    assert items["officer"]["created_by_user_id"] == await _user_id("off_a1a1")
    assert items["team"]["scope_id"] == world.teams["A1a"] and items["team"]["live"] is True
    for who in ("coord_a", "mgr_a1a", "off_a1a1"):  # only administrators see every feed, or revoke by id
        assert (await client.get("/api/calendars", headers=world.auth(who))).status_code == 403
        refused = await client.delete(f"/api/calendars/by-id/{items['team']['id']}", headers=world.auth(who))
        assert refused.status_code == 403
    assert (await client.get(f"/api/calendars/{team['token']}.ics")).status_code == 200
    revoked = await client.delete(f"/api/calendars/by-id/{items['team']['id']}", headers=admin)
    assert revoked.status_code == 204, revoked.text
    assert (await client.get(f"/api/calendars/{team['token']}.ics")).status_code == 404
    assert (await client.get(f"/api/calendars/{mine['token']}.ics")).status_code == 200
    audit = await AuditEvent.select().where((AuditEvent.action == "calendar.revoke")
                                            & (AuditEvent.entity_id == items["team"]["id"]))
    assert len(audit) == 1 and audit[0]["actor_user_id"] == await _user_id("admin")
    again = await client.delete(f"/api/calendars/by-id/{items['team']['id']}", headers=admin)
    assert again.status_code == 204  # already revoked: nothing changes, nothing more audited
    assert await AuditEvent.count().where(AuditEvent.action == "calendar.revoke") == 1
    relisted = {i["id"]: i for i in (await client.get("/api/calendars", headers=admin)).json()["items"]}
    assert relisted[items["team"]["id"]]["revoked_at"] is not None and relisted[items["team"]["id"]]["live"] is False
    missing = await client.delete("/api/calendars/by-id/999999", headers=admin)
    assert missing.status_code == 404


async def test_a_feed_silenced_by_deactivation_can_be_revoked_for_good(client: AsyncClient, world: World) -> None:
    feed = await _feed(client, world, "mgr_a1a", "team", world.teams["A1a"])
    admin = world.auth("admin")
    manager = await _user_id("mgr_a1a")
    await client.post(f"/api/users/{manager}/deactivate", headers=admin)
    feed_id = (await client.get("/api/calendars", headers=admin)).json()["items"][0]["id"]
    assert (await client.delete(f"/api/calendars/by-id/{feed_id}", headers=admin)).status_code == 204
    assert (await client.post(f"/api/users/{manager}/reactivate", headers=admin)).status_code == 200
    assert (await client.get(f"/api/calendars/{feed['token']}.ics")).status_code == 404
