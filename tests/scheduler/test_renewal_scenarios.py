"""Issue 16's worked examples (domain.md §8a), each entered the ordinary way — pages, the API with no link field,
an import — with the business clock set to the day of entry:

- the 2018 lapse replayed with every renewal recorded without renews_application_id: the vetting renewal still
  stops the reminders (the plan says done, the manager hears nothing more about it) and nobody who renewed lapses;
- an accreditation expiring 2027-02-01 (vetting 2028-03-03) renewed from 2027-02-01, or from 2027-01-10: "usable
  until" moves on and the forecast lists no lapse; renewed from a later day, the gap is real and listed;
- a renewal counts from the earlier of the day it was entered and the day it is dated: asked about a day before
  that, the step is not done (history stays true); a withdrawn application opens the step again.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from httpx import AsyncClient, Response

import core.http
from core.access import Role
from scheduler.sweep import run_sweep
from scheduler.tables import LapseEvent, ReminderClaim
from tests.admin_ui.test_pages_common import post_form, sign_in
from tests.factories import World, make_user
from tests.scheduler.scenario import (
    ACCREDITATION_EXPIRES,
    CORE_EXPIRES,
    VETTING_EXPIRES,
    YEAR_END,
    YEAR_START,
    D,
    Team,
    build_team,
)

DAY = dt.timedelta(days=1)


class Clock:
    """The business day the app's handlers are given as `today` (core.http.provide_today)."""

    def __init__(self, day: dt.date) -> None:
        self.day = day

    def __call__(self, timezone: str | None = None) -> dt.date:
        return self.day


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(D(2026, 12, 2))
    monkeypatch.setattr(core.http, "business_today", clock)
    return clock


@pytest.fixture
async def pages(app: Any) -> AsyncIterator[AsyncClient]:
    """A second client with its own cookie jar, signed in to the pages as admin by sign_in."""
    import httpx

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield client


async def form(pages: AsyncClient, url: str, data: dict[str, Any]) -> Response:
    response = await post_form(pages, url, {**data, "confirm": "yes"})
    assert response.status_code == 303, response.text
    return response


async def upload(client: AsyncClient, world: World, who: str, dataset: str, header: str, row: str) -> None:
    content = f"{header}\n{row}\n".encode()
    response = await client.post(f"/api/imports/{dataset}", headers=world.auth(who),
                                 files={"file": (f"{dataset}.csv", io.BytesIO(content), "text/csv")})
    assert response.status_code == 200 and response.json()["created"] == 1, response.text


async def ok(response: Response, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json()


async def plan_step(client: AsyncClient, world: World, officer_id: int, kind: str, day: dt.date,
                    expires_on: dt.date | None = None, code: str | None = None) -> dict[str, Any] | None:
    plan = await ok(await client.get(f"/api/officers/{officer_id}/plan", params={"as_of": day.isoformat()},
                                     headers=world.auth("admin")), 200)
    steps = [s for s in plan["steps"] if s["kind"] == kind and (code is None or s["code"] == code)
             and (expires_on is None or s["expires_on"] == expires_on.isoformat())]
    return steps[0] if steps else None


# --- the 2018 lapse, every renewal entered without a link ---------------------------------------------------

RENEW_VETTING_ON = D(2025, 3, 10)
VETTING_IN_PROGRESS_ON = D(2025, 4, 1)
VETTING_GRANTED_ON = D(2025, 6, 2)
BOOK_REFRESHER_ON = D(2025, 3, 20)
REFRESHER_ON = D(2025, 5, 12)
REACCREDITED_ON = D(2025, 8, 15)


async def record_unlinked_renewals(client: AsyncClient, pages: AsyncClient, team: Team, day: dt.date) -> None:
    """Officers 1 and 2 renew everything, officer 1 through the pages and imports, officer 2 through the API;
    neither ever names what is renewed. The other three are left to lapse, as in 2018."""
    world = team.world
    first, second = team.officer_ids[:2]
    if day == RENEW_VETTING_ON:
        response = await form(pages, f"/officers/{first}/vetting/new",
                              {"level_code": "NPPV2A", "requested_on": day.isoformat()})
        team.clearance_ids[first] = int(response.headers["location"].split("/")[3].split("?")[0])
        await form(pages, f"/vetting/applications/{team.clearance_ids[first]}/event",
                   {"status": "submitted", "on": day.isoformat()})
        app = await ok(await client.post("/api/vetting/applications", headers=world.auth("hr"), json={
            "officer_id": second, "level_code": "NPPV2F", "requested_on": day.isoformat()}))
        team.clearance_ids[second] = app["id"]
        await ok(await client.post(f"/api/vetting/applications/{app['id']}/events", headers=world.auth("vetting"),
                                   json={"status": "submitted", "on": day.isoformat()}))
    if day in (VETTING_IN_PROGRESS_ON, VETTING_GRANTED_ON):
        status = "in_progress" if day == VETTING_IN_PROGRESS_ON else "granted"
        await form(pages, f"/vetting/applications/{team.clearance_ids[first]}/event",
                   {"status": status, "on": day.isoformat()})
        await ok(await client.post(f"/api/vetting/applications/{team.clearance_ids[second]}/events",
                                   headers=world.auth("vetting"), json={"status": status, "on": day.isoformat()}))
    if day == BOOK_REFRESHER_ON:
        for officer_id in (first, second):
            await ok(await client.post("/api/training/bookings", headers=world.auth("hr"), json={
                "officer_id": officer_id, "module_code": "CSAS_CORE", "starts_on": REFRESHER_ON.isoformat(),
                "provider": "Police CPI"}))
    if day == REFRESHER_ON + 3 * DAY:  # the certificates arrive three days after the course
        await upload(client, world, "hr", "training", "officer,module,completed_on,result,provider",
                     f"RB0001,CSAS_CORE,{REFRESHER_ON.isoformat()},pass,Police CPI")
        await form(pages, f"/officers/{second}/training/new", {
            "module_code": "CSAS_CORE", "completed_on": REFRESHER_ON.isoformat(), "result": "pass",
            "provider": "Police CPI"})
    if day == REACCREDITED_ON:
        await form(pages, f"/officers/{first}/accreditations/new", {
            "number": "SUR-CSAS-R1", "granted_on": day.isoformat(), "expires_on": "2028-08-15", "conditions": ""})
        await ok(await client.post("/api/accreditations", headers=world.auth("coordinator"), json={
            "officer_id": second, "force_id": team.force_id, "number": "SUR-CSAS-R2",
            "granted_on": day.isoformat(), "expires_on": "2028-08-15", "power_codes": []}))
        await upload(client, world, "hr", "kit", "officer,kit_type,issued_on,serial_number",
                     f"RB0001,ID_CARD,{day.isoformat()},SUR-ID-R1")
        await form(pages, f"/officers/{second}/kit/new", {
            "kit_type_code": "ID_CARD", "issued_on": day.isoformat(), "serial_number": "SUR-ID-R2", "size": ""})


async def test_the_2018_lapse_with_renewals_entered_without_links(
    client: AsyncClient, pages: AsyncClient, clock: Clock
) -> None:
    clock.day = YEAR_START
    team = await build_team(client)
    await sign_in(pages, "admin")
    first, second = team.officer_ids[:2]
    vetting_item = f"vetting:NPPV2A:{VETTING_EXPIRES.isoformat()}"
    day = YEAR_START
    while day <= YEAR_END:
        clock.day = day
        await record_unlinked_renewals(client, pages, team, day)
        await run_sweep(day)
        if RENEW_VETTING_ON <= day < VETTING_GRANTED_ON and day.day in (10, 25):
            for officer_id in (first, second):  # the unlinked application is the renewal: done, all along
                step = await plan_step(client, team.world, officer_id, "vetting", day, VETTING_EXPIRES)
                assert step is not None and step["status"] == "done", (day, officer_id, step)
        day += DAY

    world = team.world
    for officer_id in (first, second):
        # History stays true: the day before the application, the step was not done (it was overdue).
        before = await plan_step(client, world, officer_id, "vetting", RENEW_VETTING_ON - DAY, VETTING_EXPIRES)
        assert before is not None and before["status"] == "overdue"
        # Once granted, the new clearance takes over: its own renewal is years away.
        after = await plan_step(client, world, officer_id, "vetting", VETTING_GRANTED_ON)
        assert after is not None and after["expires_on"] == "2028-06-02" and after["status"] == "upcoming"

    claims = [k.split("|") for k in [r["key"] for r in await ReminderClaim.select(ReminderClaim.key)]]
    due_on = {r["key"]: r["due_on"] for r in await ReminderClaim.select(ReminderClaim.key, ReminderClaim.due_on)}

    def about(officer_id: int, item_prefix: str) -> list[tuple[str, str, dt.date]]:
        return sorted((c[1], c[4], due_on["|".join(c)]) for c in claims
                      if c[2] == str(officer_id) and c[3].startswith(item_prefix))

    for officer_id in (first, second):
        vetting = about(officer_id, vetting_item)
        # The manager was told while the step was overdue, weekly, and never again once the renewal was entered.
        assert [d for a, t, d in vetting if a == "manager"] == [D(2025, 2, 17), D(2025, 2, 24), D(2025, 3, 3)]
        assert all(d < RENEW_VETTING_ON for _, _, d in vetting), vetting
        # The refresher booking stops the course reminders the day it is entered.
        core = about(officer_id, f"training:CSAS_CORE:{CORE_EXPIRES.isoformat()}")
        assert core and all(d < BOOK_REFRESHER_ON for _, _, d in core), core
        # Re-accredited before expiry, new card issued: nothing about the old accreditation after that day.
        accreditation = about(officer_id, "accreditation:")
        assert all(d < REACCREDITED_ON for _, _, d in accreditation), accreditation
        assert not about(officer_id, "lapse:"), "an officer who renewed everything was told of a lapse"
        compliance = await ok(await client.get(f"/api/officers/{officer_id}/compliance",
                                               params={"as_of": ACCREDITATION_EXPIRES.isoformat()},
                                               headers=world.auth("admin")), 200)
        assert all(p["usable"] for p in compliance["powers"]), compliance
    assert await LapseEvent.count().where(LapseEvent.officer_id.is_in([first, second])) == 0
    lapsed = await LapseEvent.select(LapseEvent.officer_id, LapseEvent.lapsed_on)
    assert {r["officer_id"] for r in lapsed} == set(team.officer_ids[2:])
    assert {r["lapsed_on"] for r in lapsed} == {CORE_EXPIRES}


# --- the example: accreditation expiring 2027-02-01, vetting 2028-03-03 -----------------------------

OLD_EXPIRES = D(2027, 2, 1)
VETTING_ENDS = D(2028, 3, 3)


async def officer_of_the_example(client: AsyncClient) -> tuple[World, int, int]:
    """One officer, today 2026-12-02: accreditation 2025-02-01 to 2027-02-01, NPPV2A to 2028-03-03, courses in
    date until 2029, the ID card issued with the accreditation (so it too expires 2027-02-01)."""
    world = World()
    await make_user(world, "admin", Role.ADMIN)
    admin = world.auth("admin")
    force = await ok(await client.post("/api/forces", json={"name": "Surrey Police", "code": "SURREY"},
                                       headers=admin))
    org = await ok(await client.post("/api/organisations", headers=admin, json={
        "name": "Borough Council", "force_id": force["id"], "kind": "council",
        "arrangement_approved_on": "2020-01-01", "arrangement_review_due_on": "2031-01-01"}))
    officer = await ok(await client.post("/api/officers", headers=admin, json={
        "organisation_id": org["id"], "staff_number": "EX1", "given_name": "Jo", "family_name": "Example",
        "email": "jo@council.example", "started_on": "2024-06-03"}))
    oid = officer["id"]
    app = await ok(await client.post("/api/vetting/applications", headers=admin, json={
        "officer_id": oid, "level_code": "NPPV2A", "requested_on": "2025-01-06"}))
    for status, on in (("submitted", "2025-01-06"), ("in_progress", "2025-01-06"), ("granted", "2025-03-03")):
        await ok(await client.post(f"/api/vetting/applications/{app['id']}/events", headers=admin,
                                   json={"status": status, "on": on}))
    for module in ("CSAS_CORE", "PENALTY_NOTICES"):
        await ok(await client.post("/api/training/records", headers=admin, json={
            "officer_id": oid, "module_code": module, "completed_on": "2026-01-12", "result": "pass"}))
    await ok(await client.post("/api/accreditations", headers=admin, json={
        "officer_id": oid, "force_id": force["id"], "number": "SUR-001", "granted_on": "2025-02-01",
        "expires_on": OLD_EXPIRES.isoformat(), "power_codes": ["FPN_LITTER", "NA_ASB"]}))
    await ok(await client.post("/api/kit/issues", headers=admin, json={
        "officer_id": oid, "kit_type_code": "ID_CARD", "issued_on": "2025-02-02", "serial_number": "ID-1"}))
    return world, oid, force["id"]


async def usable_until(client: AsyncClient, world: World, officer_id: int, day: dt.date) -> dict[str, Any]:
    compliance = await ok(await client.get(f"/api/officers/{officer_id}/compliance",
                                           params={"as_of": day.isoformat()}, headers=world.auth("admin")), 200)
    return {"overall": compliance["powers_usable_until"],
            **{p["code"]: p["usable_until"] for p in compliance["powers"]}}


async def forecast_days(client: AsyncClient, world: World, officer_id: int) -> set[str]:
    forecast = await ok(await client.get("/api/compliance/forecast", headers=world.auth("admin"),
                                         params={"from": "2026-12-02", "to": "2027-12-31"}), 200)
    return {i["usable_until"] for i in forecast["items"] if i["officer_id"] == officer_id}


async def renew(client: AsyncClient, pages: AsyncClient, world: World, officer_id: int, force_id: int,
                starts: dt.date, route: str) -> None:
    """The coordinator records the next accreditation, to start on `starts` (nothing else: the card the officer
    holds still counts, domain.md §8 rule 6 asks only that one is held)."""
    if route == "page":
        await sign_in(pages, "admin")
        await form(pages, f"/officers/{officer_id}/accreditations/new", {
            "number": "SUR-002", "granted_on": starts.isoformat(), "expires_on": "2030-02-01",
            "power_codes": ["FPN_LITTER", "NA_ASB"], "conditions": ""})
    else:
        await ok(await client.post("/api/accreditations", headers=world.auth("admin"), json={
            "officer_id": officer_id, "force_id": force_id, "number": "SUR-002", "granted_on": starts.isoformat(),
            "expires_on": "2030-02-01", "power_codes": ["FPN_LITTER", "NA_ASB"]}))


@pytest.mark.parametrize("route", ["api", "page"])
async def test_a_renewal_from_the_expiry_day_carries_usable_until_on(
    client: AsyncClient, pages: AsyncClient, clock: Clock, route: str
) -> None:
    world, oid, force_id = await officer_of_the_example(client)
    before = await usable_until(client, world, oid, clock.day)
    assert before["overall"] == "2027-01-31"
    assert "2027-01-31" in await forecast_days(client, world, oid)

    await renew(client, pages, world, oid, force_id, OLD_EXPIRES, route)
    after = await usable_until(client, world, oid, clock.day)
    assert after["overall"] != "2027-01-31", after
    assert after == {"overall": "2028-03-02", "FPN_LITTER": "2028-03-02", "NA_ASB": "2028-03-02"}
    assert "2027-01-31" not in await forecast_days(client, world, oid)
    # The plan: the old accreditation's step is done from the day the renewal was entered, not before.
    step = await plan_step(client, world, oid, "accreditation", clock.day, OLD_EXPIRES)
    assert step is not None and step["status"] == "done"
    earlier = await plan_step(client, world, oid, "accreditation", clock.day - DAY, OLD_EXPIRES)
    assert earlier is not None and earlier["status"] != "done"


@pytest.mark.parametrize("route", ["api", "page"])
async def test_a_renewal_handing_over_before_the_expiry_leaves_no_break(
    client: AsyncClient, pages: AsyncClient, clock: Clock, route: str
) -> None:
    world, oid, force_id = await officer_of_the_example(client)
    await renew(client, pages, world, oid, force_id, D(2027, 1, 10), route)
    after = await usable_until(client, world, oid, clock.day)
    assert after["overall"] != "2027-01-09" and after["overall"] != "2027-01-31", after
    assert after["overall"] == "2028-03-02"
    assert not {"2027-01-09", "2027-01-31"} & await forecast_days(client, world, oid)
    # Judged on the handover day itself, and the day before, the powers are usable.
    for day in (D(2027, 1, 9), D(2027, 1, 10), OLD_EXPIRES):
        assert (await usable_until(client, world, oid, day))["overall"] == "2028-03-02", day


async def test_a_renewal_starting_after_the_expiry_leaves_a_real_gap(
    client: AsyncClient, pages: AsyncClient, clock: Clock
) -> None:
    world, oid, force_id = await officer_of_the_example(client)
    await renew(client, pages, world, oid, force_id, D(2027, 2, 15), "api")
    assert (await usable_until(client, world, oid, clock.day))["overall"] == "2027-01-31"
    assert "2027-01-31" in await forecast_days(client, world, oid)
    # ...and the step is still done: the renewal is on record, only late.
    step = await plan_step(client, world, oid, "accreditation", clock.day, OLD_EXPIRES)
    assert step is not None and step["status"] == "done"


# --- from which day a renewal counts -------------------------------------------------------------------------

async def test_a_booking_counts_from_the_day_it_was_entered_and_a_withdrawal_reopens_vetting(
    client: AsyncClient, clock: Clock
) -> None:
    world, oid, _ = await officer_of_the_example(client)
    admin = world.auth("admin")
    # CSAS_CORE expires 2029-01-12; its refresher step starts by 2028-09-14 (120 days before). Enter the booking
    # on 2028-10-02 for a course on 2028-11-20: done from 2028-10-02 (the entry day, earlier than the course), not
    # before (overdue then), and booking after the expiry would not have counted at all.
    core_expires = D(2029, 1, 12)
    clock.day = D(2028, 10, 2)
    await ok(await client.post("/api/training/bookings", headers=admin, json={
        "officer_id": oid, "module_code": "CSAS_CORE", "starts_on": "2028-11-20"}))
    step = await plan_step(client, world, oid, "training", clock.day, core_expires, "CSAS_CORE")
    assert step is not None and step["status"] == "done"
    earlier = await plan_step(client, world, oid, "training", clock.day - DAY, core_expires, "CSAS_CORE")
    assert earlier is not None and earlier["status"] == "overdue"
    await ok(await client.post("/api/training/bookings", headers=admin, json={
        "officer_id": oid, "module_code": "PENALTY_NOTICES", "starts_on": "2029-01-12"}))
    late = await plan_step(client, world, oid, "training", clock.day, core_expires, "PENALTY_NOTICES")
    assert late is not None and late["status"] == "upcoming"  # starts on the expiry day, not before it: not done

    # The clearance (2025-03-03 to 2028-03-03): an application entered on 2027-10-04, dated 2027-10-01, counts
    # from 2027-10-01; withdrawn on 2027-11-15, the step is open again from that day, and history stays true.
    clock.day = D(2027, 10, 4)
    app = await ok(await client.post("/api/vetting/applications", headers=admin, json={
        "officer_id": oid, "level_code": "NPPV2A", "requested_on": "2027-10-01"}))
    await ok(await client.post(f"/api/vetting/applications/{app['id']}/events", headers=admin,
                               json={"status": "submitted", "on": "2027-10-01"}))
    for day, status in ((D(2027, 9, 30), "overdue"), (D(2027, 10, 1), "done"), (D(2027, 10, 4), "done")):
        step = await plan_step(client, world, oid, "vetting", day, VETTING_ENDS)
        assert step is not None and step["status"] == status, (day, step)
    clock.day = D(2027, 11, 15)
    await ok(await client.post(f"/api/vetting/applications/{app['id']}/events", headers=admin,
                               json={"status": "withdrawn", "on": "2027-11-15"}))
    for day, status in ((D(2027, 11, 14), "done"), (D(2027, 11, 15), "overdue")):
        step = await plan_step(client, world, oid, "vetting", day, VETTING_ENDS)
        assert step is not None and step["status"] == status, (day, step)


# --- a catch-up sweep finds the lapses since the last sweep, whatever else was entered meanwhile --------------

async def test_a_lapse_is_found_when_a_refresher_was_passed_since_the_last_sweep(
    client: AsyncClient, pages: AsyncClient, clock: Clock
) -> None:
    """The vetting clearance ends 2028-03-03 unrenewed. Sweeps run on 2028-02-20 and 2028-03-06; in between, on
    2028-02-25, the officer passes the CSAS refresher. The 2028-03-06 sweep must record the lapse of 2028-03-03
    and tell the officer: a pass of another module entered meanwhile changes nothing about it."""
    world, oid, force_id = await officer_of_the_example(client)
    await renew(client, pages, world, oid, force_id, D(2027, 1, 10), "api")  # accreditation and card to 2030
    clock.day = D(2028, 2, 20)
    await run_sweep(clock.day)
    clock.day = D(2028, 2, 25)
    await ok(await client.post("/api/training/records", headers=world.auth("admin"), json={
        "officer_id": oid, "module_code": "CSAS_CORE", "completed_on": "2028-02-25", "result": "pass"}))
    clock.day = D(2028, 3, 6)
    await run_sweep(clock.day)
    assert (await usable_until(client, world, oid, VETTING_ENDS - DAY))["overall"] == "2028-03-02"
    assert (await usable_until(client, world, oid, VETTING_ENDS))["overall"] is None  # the lapse is real
    lapses = await LapseEvent.select(LapseEvent.power_code, LapseEvent.lapsed_on)
    assert sorted((r["power_code"], r["lapsed_on"]) for r in lapses) == [
        ("FPN_LITTER", VETTING_ENDS), ("NA_ASB", VETTING_ENDS)]
    keys = [r["key"] for r in await ReminderClaim.select(ReminderClaim.key)]
    assert f"jo@council.example|officer|{oid}|lapse:2028-03-03|lapse|2028-03-03" in keys
