"""Applications through the API: the lifecycle, its 409s and 422s, grants and their expiry, renewals."""

import pytest
from httpx import AsyncClient

from core.tables import AuditEvent
from tests.factories import World
from tests.vetting.helpers import TO_IN_PROGRESS, event, new_application, walk
from vetting.tables import VettingApplication, VettingEvent


async def test_hr_requests_vetting_as_a_draft_and_it_is_audited(client: AsyncClient, world: World) -> None:
    body = await new_application(client, world)
    assert body["status"] == "draft" and body["level_code"] == "NPPV2A"
    assert body["officer_id"] == world.officers["A1a-1"] and body["organisation_id"] == world.orgs["A1"]
    audit = await AuditEvent.select().where(
        (AuditEvent.entity == "vetting_application") & (AuditEvent.entity_id == body["id"])).first()
    assert audit["action"] == "vetting.application.create" and audit["actor"] == "hr_a1"


async def test_full_lifecycle_to_grant(client: AsyncClient, world: World) -> None:
    app = await new_application(client, world)
    body = await walk(client, world, app["id"], [
        ("submitted", "2026-01-10"), ("info_requested", "2026-01-15"), ("submitted", "2026-01-22"),
        ("in_progress", "2026-01-23"),
    ])
    assert body["status"] == "in_progress" and body["submitted_on"] == "2026-01-10"
    granted = (await event(client, world, app["id"], "granted", "2026-01-31", force_reference="SV/2026/0042")).json()
    assert granted["status"] == "granted" and granted["granted_on"] == "2026-01-31"
    assert granted["expires_on"] == "2029-01-31" and granted["next_review_due_on"] is None
    assert granted["force_reference"] == "SV/2026/0042" and granted["decided_on"] == "2026-01-31"
    detail = (await client.get(f"/api/vetting/applications/{app['id']}", headers=world.auth("vet_a"))).json()
    assert [e["status"] for e in detail["events"]] == [
        "draft", "submitted", "info_requested", "submitted", "in_progress", "granted"]
    revoked = (await event(client, world, app["id"], "revoked", "2026-06-01")).json()
    assert revoked["status"] == "revoked" and revoked["closed_on"] == "2026-06-01"


async def test_leap_day_grant_with_annual_review(client: AsyncClient, world: World) -> None:
    app = await new_application(client, world, level="NPPV3", requested_on="2024-01-02")
    body = await walk(client, world, app["id"], [("submitted", "2024-01-03"), ("in_progress", "2024-01-04"),
                                                 ("granted", "2024-02-29")])
    assert body["expires_on"] == "2029-02-28" and body["next_review_due_on"] == "2025-02-28"


async def test_information_is_requested_only_once(client: AsyncClient, world: World) -> None:
    app = await new_application(client, world)
    await walk(client, world, app["id"], [("submitted", "2026-01-10"), ("info_requested", "2026-01-11"),
                                          ("in_progress", "2026-01-20")])
    response = await event(client, world, app["id"], "info_requested", "2026-01-21")
    assert response.status_code == 409 and response.json()["code"] == "info_already_requested"
    withdrawn = await event(client, world, app["id"], "withdrawn", "2026-01-21")
    assert withdrawn.json()["status"] == "withdrawn"


@pytest.mark.parametrize(("appeal_on", "status_code"), [("2026-02-14", 201), ("2026-02-15", 409)])
async def test_appeal_window_through_the_api(client, world: World, appeal_on: str, status_code: int) -> None:
    app = await new_application(client, world)
    await walk(client, world, app["id"], [*TO_IN_PROGRESS, ("refused", "2026-01-31")])
    response = await event(client, world, app["id"], "appealed", appeal_on)
    assert response.status_code == status_code
    if status_code == 409:
        assert response.json()["code"] == "appeal_window_closed"


async def test_overturned_appeal_is_a_grant(client: AsyncClient, world: World) -> None:
    app = await new_application(client, world, level="MV")
    body = await walk(client, world, app["id"], [*TO_IN_PROGRESS, ("refused", "2026-01-31"),
                                                 ("appealed", "2026-02-05"), ("overturned", "2026-03-31")])
    assert body["status"] == "overturned" and body["granted_on"] == "2026-03-31"
    assert body["expires_on"] == "2033-03-31" and body["next_review_due_on"] == "2027-03-31"
    assert (await event(client, world, app["id"], "terminated", "2026-04-01")).json()["status"] == "terminated"


async def test_upheld_refusal_is_final(client: AsyncClient, world: World) -> None:
    app = await new_application(client, world)
    body = await walk(client, world, app["id"], [*TO_IN_PROGRESS, ("refused", "2026-01-31"),
                                                 ("appealed", "2026-02-05"), ("upheld", "2026-03-01")])
    assert body["status"] == "upheld" and body["granted_on"] is None and body["expires_on"] is None
    response = await event(client, world, app["id"], "appealed", "2026-03-02")
    assert response.status_code == 409 and response.json()["code"] == "illegal_transition"


@pytest.mark.parametrize(("steps", "status", "on", "code"), [
    ([], "granted", "2026-02-01", "illegal_transition"),
    ([], "refused", "2026-02-01", "illegal_transition"),
    ([("withdrawn", "2026-01-06")], "submitted", "2026-01-07", "illegal_transition"),
    ([("submitted", "2026-01-10")], "in_progress", "2026-01-09", "date_before_last_event"),
    ([], "submitted", "2026-01-04", "date_before_request"),
    ([*TO_IN_PROGRESS, ("granted", "2026-01-31")], "refused", "2026-02-01", "illegal_transition"),
    ([*TO_IN_PROGRESS, ("refused", "2026-01-31")], "withdrawn", "2026-02-01", "illegal_transition"),
])
async def test_illegal_events_are_409_and_write_nothing(client, world: World, steps, status, on, code) -> None:
    app = await new_application(client, world)
    before = await walk(client, world, app["id"], steps) if steps else app
    events_before = await VettingEvent.count()
    response = await event(client, world, app["id"], status, on, note="should not be stored")
    assert response.status_code == 409 and response.json()["code"] == code
    assert await VettingEvent.count() == events_before
    row = await VettingApplication.select(VettingApplication.status).where(VettingApplication.id == app["id"]).first()
    assert row["status"] == before["status"]


@pytest.mark.parametrize(("body", "field"), [
    ({"status": "approved", "on": "2026-01-10"}, "status"),
    ({"status": "expired", "on": "2026-01-10"}, "status"),
    ({"status": "submitted", "on": "2026-02-30"}, "on"),
    ({"status": "submitted"}, None),  # missing field: core names the body, not the field (see report)
    ({"status": "submitted", "on": "2026-01-10", "expires_on": "2029-01-10"}, "expires_on"),
    ({"status": "submitted", "on": "2026-01-10", "note": "x" * 2001}, "note"),
    ({"status": "submitted", "on": "2999-01-10"}, "on"),
])
async def test_bad_event_input_is_422_and_writes_nothing(client, world: World, body: dict, field: str | None) -> None:
    app = await new_application(client, world)
    events_before, audits_before = await VettingEvent.count(), await AuditEvent.count()
    response = await client.post(f"/api/vetting/applications/{app['id']}/events", json=body,
                                 headers=world.auth("vet_a"))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    if field is not None:
        assert field in {v.get("field") for v in response.json()["violations"]}
    assert await VettingEvent.count() == events_before and await AuditEvent.count() == audits_before


async def test_expiry_override_needs_a_reason(client: AsyncClient, world: World) -> None:
    app = await new_application(client, world)
    await walk(client, world, app["id"], TO_IN_PROGRESS)
    missing = await event(client, world, app["id"], "granted", "2026-01-31", expires_on="2031-01-31")
    assert missing.status_code == 422
    assert missing.json()["violations"][0]["field"] == "expiry_override_reason"
    same = await event(client, world, app["id"], "granted", "2026-01-31", expires_on="2031-01-31",
                       expiry_override_reason="Force applies a five-year NPPV2A period")
    body = same.json()
    assert same.status_code == 201 and body["expires_on"] == "2031-01-31"
    assert body["expiry_override_reason"] == "Force applies a five-year NPPV2A period"


async def test_giving_the_computed_expiry_needs_no_reason(client: AsyncClient, world: World) -> None:
    app = await new_application(client, world)
    await walk(client, world, app["id"], TO_IN_PROGRESS)
    response = await event(client, world, app["id"], "granted", "2026-01-31", expires_on="2029-01-31")
    assert response.status_code == 201 and response.json()["expiry_override_reason"] is None


async def test_unknown_application_is_404(client: AsyncClient, world: World) -> None:
    response = await event(client, world, 9999, "submitted", "2026-01-10")
    assert response.status_code == 404 and response.json()["code"] == "vetting_application_not_found"
    assert (await client.get("/api/vetting/applications/9999", headers=world.auth("vet_a"))).status_code == 404


@pytest.mark.parametrize(("change", "field"), [
    ({"level_code": "NPPV9"}, "level_code"),
    ({"requested_on": "2999-01-01"}, "requested_on"),
    ({"requested_on": "yesterday"}, "requested_on"),
    ({"renews_application_id": 9999}, "renews_application_id"),
])
async def test_bad_application_input_is_422_and_writes_nothing(client, world: World, change, field) -> None:
    body = {"officer_id": world.officers["A1a-1"], "level_code": "NPPV2A", "requested_on": "2026-01-05"} | change
    response = await client.post("/api/vetting/applications", json=body, headers=world.auth("hr_a1"))
    assert response.status_code == 422
    assert field in {v.get("field") for v in response.json()["violations"]}
    assert await VettingApplication.count() == 0


async def test_renewal_links_to_the_clearance_it_renews(client: AsyncClient, world: World) -> None:
    first = await new_application(client, world, requested_on="2023-01-05")
    await walk(client, world, first["id"], [("submitted", "2023-01-10"), ("in_progress", "2023-01-20"),
                                            ("granted", "2023-03-01")])
    renewal = await new_application(client, world, requested_on="2025-09-01", renews_application_id=first["id"])
    assert renewal["renews_application_id"] == first["id"]
    # a draft is not a clearance, nor is another officer's clearance
    other = await client.post("/api/vetting/applications", headers=world.auth("hr_a1"), json={
        "officer_id": world.officers["A1a-2"], "level_code": "NPPV2A", "requested_on": "2025-09-01",
        "renews_application_id": first["id"]})
    of_draft = await client.post("/api/vetting/applications", headers=world.auth("hr_a1"), json={
        "officer_id": world.officers["A1a-1"], "level_code": "NPPV2A", "requested_on": "2025-09-01",
        "renews_application_id": renewal["id"]})
    assert other.status_code == of_draft.status_code == 422


async def test_expired_is_read_not_stored(client: AsyncClient, world: World) -> None:
    app = await new_application(client, world, requested_on="2022-01-05")
    await walk(client, world, app["id"], [("submitted", "2022-01-10"), ("in_progress", "2022-01-11"),
                                          ("granted", "2022-02-01")])
    headers = world.auth("hr_a1")
    before = (await client.get("/api/vetting/applications?as_of=2025-01-31", headers=headers)).json()
    after = (await client.get("/api/vetting/applications?as_of=2025-02-01", headers=headers)).json()
    assert before["items"][0]["status"] == "granted" and after["items"][0]["status"] == "expired"
    expired = (await client.get("/api/vetting/applications?status=expired&as_of=2025-02-01", headers=headers)).json()
    granted = (await client.get("/api/vetting/applications?status=granted&as_of=2025-02-01", headers=headers)).json()
    assert expired["total"] == 1 and granted["total"] == 0
    row = await VettingApplication.select(VettingApplication.status).first()
    assert row["status"] == "granted"


async def test_list_filters_and_bad_status_filter(client: AsyncClient, world: World) -> None:
    a = await new_application(client, world, officer="A1a-1")
    await new_application(client, world, officer="A2a-1", who="vet_a")
    await walk(client, world, a["id"], [("submitted", "2026-01-10")])
    headers = world.auth("vet_a")
    assert (await client.get("/api/vetting/applications?status=submitted", headers=headers)).json()["total"] == 1
    by_org = await client.get(f"/api/vetting/applications?organisation_id={world.orgs['A2']}", headers=headers)
    assert [i["officer_id"] for i in by_org.json()["items"]] == [world.officers["A2a-1"]]
    by_officer = await client.get(f"/api/vetting/applications?officer_id={world.officers['A1a-1']}", headers=headers)
    assert by_officer.json()["total"] == 1
    paged = await client.get("/api/vetting/applications?limit=1&offset=1", headers=headers)
    assert paged.json()["total"] == 2 and len(paged.json()["items"]) == 1
    bad = await client.get("/api/vetting/applications?status=lost", headers=headers)
    assert bad.status_code == 422 and bad.json()["violations"][0]["field"] == "status"
