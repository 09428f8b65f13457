"""Bookings: booked → attended (records the completion once) / cancelled / no-show; scope and audit."""

import pytest
from httpx import AsyncClient

from core.tables import AuditEvent
from tests.factories import VISIBLE, World
from training.tables import TrainingBooking, TrainingRecord

ROLES = sorted(VISIBLE)
OFFICERS = ["A1a-1", "A1b-1", "A2a-1", "B1a-1"]
WRITERS = {w: set(VISIBLE[w]) for w in ("admin", "coord_a", "hr_a1", "mgr_a1a")}


async def book(client: AsyncClient, world: World, who: str = "mgr_a1a", officer: str = "A1a-1", **changes):
    body = {"officer_id": world.officers[officer], "module_code": "FIRST_AID", "starts_on": "2025-03-03",
            "provider": "St John Ambulance"} | changes
    return await client.post("/api/training/bookings", json=body, headers=world.auth(who))


async def act(client: AsyncClient, world: World, booking_id: int, action: str, body: dict, who: str = "mgr_a1a"):
    return await client.post(f"/api/training/bookings/{booking_id}/{action}", json=body, headers=world.auth(who))


ATTEND = {"attended_on": "2025-03-04", "result": "pass", "certificate_ref": "SJA-EFAW-77812"}


async def test_booking_is_created_booked_and_audited(client: AsyncClient, world: World) -> None:
    response = await book(client, world)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "booked" and body["record_id"] is None and body["provider"] == "St John Ambulance"
    assert await AuditEvent.count().where(AuditEvent.action == "training_booking.create") == 1
    listed = (await client.get(f"/api/training/bookings?officer_id={world.officers['A1a-1']}",
                               headers=world.auth("off_a1a1"))).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == body["id"]


async def test_attending_with_a_pass_records_the_completion_exactly_once(client, world: World) -> None:
    booking = (await book(client, world)).json()
    response = await act(client, world, booking["id"], "attend", ATTEND)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "attended" and body["status_on"] == "2025-03-04" and body["record_id"] is not None
    records = await TrainingRecord.select().where(TrainingRecord.booking == booking["id"])
    assert len(records) == 1 and await TrainingRecord.count() == 1
    assert records[0]["id"] == body["record_id"] and records[0]["result"] == "pass"
    assert records[0]["provider"] == "St John Ambulance" and records[0]["certificate_ref"] == "SJA-EFAW-77812"
    listed = (await client.get(f"/api/training/records?officer_id={world.officers['A1a-1']}&as_of=2025-06-01",
                               headers=world.auth("mgr_a1a"))).json()
    assert listed["items"][0]["booking_id"] == booking["id"] and listed["items"][0]["expires_on"] == "2028-03-04"
    assert listed["items"][0]["is_counting"] and listed["items"][0]["is_in_date"]
    actions = {e["action"] for e in await AuditEvent.select(AuditEvent.action)}
    assert {"training_booking.attend", "training_record.create"} <= actions
    again = await act(client, world, booking["id"], "attend", ATTEND)
    assert again.status_code == 409 and again.json()["code"] == "booking_not_open"
    assert await TrainingRecord.count() == 1


async def test_attending_with_a_fail_keeps_the_attempt(client: AsyncClient, world: World) -> None:
    booking = (await book(client, world)).json()
    response = await act(client, world, booking["id"], "attend", ATTEND | {"result": "fail"})
    assert response.status_code == 200
    record = await TrainingRecord.select().first()
    assert record["result"] == "fail" and record["expires_on"] is None


@pytest.mark.parametrize(("body", "field"), [
    (ATTEND | {"attended_on": "2099-01-01"}, "attended_on"),
    (ATTEND | {"attended_on": "2025-03-02"}, "attended_on"),  # before the booked start
    (ATTEND | {"result": "maybe"}, "result"),
    ({"result": "pass"}, None),  # missing attended_on
])
async def test_bad_attendance_changes_nothing(client, world: World, body: dict, field: str | None) -> None:
    booking = (await book(client, world)).json()
    response = await act(client, world, booking["id"], "attend", body)
    assert response.status_code == 422
    assert field is None or field in {v.get("field") for v in response.json()["violations"]}
    assert await TrainingRecord.count() == 0
    assert (await TrainingBooking.select().first())["status"] == "booked"
    assert await AuditEvent.count().where(AuditEvent.action == "training_booking.attend") == 0


async def test_cancel_then_attend_or_no_show_is_409(client: AsyncClient, world: World) -> None:
    booking = (await book(client, world)).json()
    cancelled = await act(client, world, booking["id"], "cancel", {"on": "2025-02-20", "reason": "Course moved"})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["status_reason"] == "Course moved"
    for action, body in (("attend", ATTEND), ("no-show", {"on": "2025-03-03"}), ("cancel", {"on": "2025-03-01"})):
        response = await act(client, world, booking["id"], action, body)
        assert response.status_code == 409 and response.json()["code"] == "booking_not_open"
    assert await TrainingRecord.count() == 0
    assert await AuditEvent.count().where(AuditEvent.action == "training_booking.cancel") == 1


async def test_no_show_closes_the_booking_and_a_new_one_can_be_made(client, world: World) -> None:
    booking = (await book(client, world)).json()
    duplicate = await book(client, world, starts_on="2025-04-01")
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "already_booked"
    missed = await act(client, world, booking["id"], "no-show", {"on": "2025-03-03"})
    assert missed.status_code == 200 and missed.json()["status"] == "no_show"
    attend = await act(client, world, booking["id"], "attend", ATTEND)
    assert attend.status_code == 409
    assert (await book(client, world, starts_on="2025-04-01")).status_code == 201
    assert await AuditEvent.count().where(AuditEvent.action == "training_booking.no_show") == 1


async def test_unknown_booking_and_module(client: AsyncClient, world: World) -> None:
    assert (await act(client, world, 999_999, "attend", ATTEND)).status_code == 404
    bad = await book(client, world, module_code="JUGGLING")
    assert bad.status_code == 422 and bad.json()["violations"][0]["field"] == "module_code"
    assert await TrainingBooking.count() == 0


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("officer", OFFICERS)
async def test_booking_write_scope(client: AsyncClient, world: World, who: str, officer: str) -> None:
    response = await book(client, world, who=who, officer=officer)
    assert response.status_code == (201 if officer in WRITERS.get(who, set()) else 403)


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("officer", OFFICERS)
@pytest.mark.parametrize("action", ["attend", "cancel", "no-show"])
async def test_booking_change_scope(client, world: World, who: str, officer: str, action: str) -> None:
    booking = (await book(client, world, who="admin", officer=officer)).json()
    body = {"attend": ATTEND, "cancel": {"on": "2025-03-01"}, "no-show": {"on": "2025-03-03"}}[action]
    response = await act(client, world, booking["id"], action, body, who=who)
    allowed = officer in WRITERS.get(who, set())
    assert response.status_code == (200 if allowed else 403)
    status = (await TrainingBooking.select().first())["status"]
    assert (status != "booked") is allowed


@pytest.mark.parametrize("who", ROLES)
async def test_booking_list_is_scoped(client: AsyncClient, world: World, who: str) -> None:
    for officer in world.officers:
        await book(client, world, who="admin", officer=officer)
    body = (await client.get("/api/training/bookings", headers=world.auth(who))).json()
    assert {b["officer_id"] for b in body["items"]} == {world.officers[k] for k in VISIBLE[who]}
    outside = await client.get(f"/api/training/bookings?officer_id={world.officers['B1a-1']}",
                               headers=world.auth(who))
    assert outside.status_code == (200 if "B1a-1" in VISIBLE[who] else 403)
