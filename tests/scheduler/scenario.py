"""The 2018 Reigate and Banstead lapse, replayed: a JET of five whose vetting, CSAS course and accreditation
all expire in one year, set up through the API as HR, vetting staff and the coordinator would."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from httpx import AsyncClient

from core.access import Role
from tests.factories import World, make_user

D = dt.date
YEAR_START = D(2025, 1, 1)
YEAR_END = D(2025, 12, 31)
VETTING_EXPIRES = D(2025, 8, 1)  # NPPV2A granted 2022-08-01 + 36 months; renewal step starts 2025-02-02
CORE_EXPIRES = D(2025, 7, 1)  # CSAS_CORE passed 2022-07-01 + 36 months; refresher step starts 2025-03-03
ACCREDITATION_EXPIRES = D(2025, 9, 1)  # re-accreditation step starts 2025-07-03
POWERS = ["FPN_LITTER", "NA_ASB"]


@dataclass
class Team:
    world: World
    force_id: int
    officer_ids: list[int] = field(default_factory=list)
    emails: dict[int, str] = field(default_factory=dict)
    accreditation_ids: dict[int, int] = field(default_factory=dict)
    clearance_ids: dict[int, int] = field(default_factory=dict)
    manager_email: str = "jet.manager@reigate.example"
    coordinator_email: str = "csas.coordinator@surrey.example"


async def _ok(response, status: int = 201):  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    return response.json()


async def grant_clearance(client: AsyncClient, team: Team, officer_id: int, requested: dt.date,
                          granted: dt.date, renews: int | None = None) -> int:
    body = {"officer_id": officer_id, "level_code": "NPPV2A", "requested_on": requested.isoformat()}
    if renews is not None:
        body["renews_application_id"] = renews
    app = await _ok(await client.post("/api/vetting/applications", json=body, headers=team.world.auth("hr")))
    for status, on in (("submitted", requested), ("in_progress", requested), ("granted", granted)):
        if status == "granted" and granted is None:
            break
        await _ok(await client.post(f"/api/vetting/applications/{app['id']}/events",
                                    json={"status": status, "on": on.isoformat()},
                                    headers=team.world.auth("vetting")), 201)
    return int(app["id"])


async def submit_renewal(client: AsyncClient, team: Team, officer_id: int, on: dt.date) -> int:
    # As HR enters it day to day: no renews_application_id; the register recognises the renewal (domain.md §8a).
    body = {"officer_id": officer_id, "level_code": "NPPV2A", "requested_on": on.isoformat()}
    app = await _ok(await client.post("/api/vetting/applications", json=body, headers=team.world.auth("hr")))
    await _ok(await client.post(f"/api/vetting/applications/{app['id']}/events",
                                json={"status": "submitted", "on": on.isoformat()},
                                headers=team.world.auth("vetting")), 201)
    return int(app["id"])


async def build_team(client: AsyncClient) -> Team:
    world = World()
    await make_user(world, "admin", Role.ADMIN)
    admin = world.auth("admin")
    force = await _ok(await client.post("/api/forces", json={"name": "Surrey Police", "code": "SURREY"},
                                        headers=admin))
    org = await _ok(await client.post("/api/organisations", headers=admin, json={
        "name": "Reigate and Banstead Borough Council", "force_id": force["id"], "kind": "council",
        "arrangement_approved_on": "2015-04-01", "arrangement_review_due_on": "2027-04-01"}))
    jet = await _ok(await client.post("/api/teams", json={"name": "Joint Enforcement Team",
                                                          "organisation_id": org["id"]}, headers=admin))
    team = Team(world=world, force_id=force["id"])
    await make_user(world, "hr", Role.HR, organisation_id=org["id"])
    await make_user(world, "vetting", Role.VETTING_OFFICER, force_id=force["id"])
    await make_user(world, "coordinator", Role.CSAS_COORDINATOR, force_id=force["id"])
    await make_user(world, "manager", Role.MANAGER, team_ids=[jet["id"]])
    from core.tables import User

    await User.update({User.email: team.manager_email}).where(User.username == "manager")
    await User.update({User.email: team.coordinator_email}).where(User.username == "coordinator")
    for n in range(1, 6):
        email = f"officer{n}@reigate.example"
        officer = await _ok(await client.post("/api/officers", headers=world.auth("hr"), json={
            "organisation_id": org["id"], "team_id": jet["id"], "staff_number": f"RB{n:04d}",
            "given_name": "Officer", "family_name": f"Number{n}", "email": email, "started_on": "2019-05-01"}))
        officer_id = officer["id"]
        team.officer_ids.append(officer_id)
        team.emails[officer_id] = email
        team.clearance_ids[officer_id] = await grant_clearance(client, team, officer_id, D(2022, 6, 1),
                                                               D(2022, 8, 1))
        for module, completed in (("CSAS_CORE", "2022-07-01"), ("PENALTY_NOTICES", "2024-01-10")):
            await _ok(await client.post("/api/training/records", headers=world.auth("hr"), json={
                "officer_id": officer_id, "module_code": module, "completed_on": completed, "result": "pass",
                "provider": "Police CPI"}))
        accreditation = await _ok(await client.post("/api/accreditations", headers=world.auth("coordinator"), json={
            "officer_id": officer_id, "force_id": force["id"], "number": f"SUR-CSAS-{n:03d}",
            "granted_on": "2022-09-01", "expires_on": ACCREDITATION_EXPIRES.isoformat(), "power_codes": POWERS}))
        team.accreditation_ids[officer_id] = accreditation["id"]
        await _ok(await client.post("/api/kit/issues", headers=world.auth("hr"), json={
            "officer_id": officer_id, "kit_type_code": "ID_CARD", "issued_on": "2022-09-02",
            "serial_number": f"SUR-ID-{n:04d}"}))
    return team
