"""A small two-force world with a user of every role, for scope and API tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from core.access import Principal, Role
from core.services import create_token, principal_for_bearer
from register.officers import services

SYSTEM = Principal.system("test")
PASSWORD = "correct horse battery"


@dataclass
class World:
    """Force A: org A1 (teams A1a, A1b), org A2 (team A2a). Force B: org B1 (team B1a). Two officers a team."""

    forces: dict[str, int] = field(default_factory=dict)
    orgs: dict[str, int] = field(default_factory=dict)
    teams: dict[str, int] = field(default_factory=dict)
    officers: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    principals: dict[str, Principal] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


async def make_officer(organisation_id: int, team_id: int | None, staff_number: str, **extra: Any) -> dict[str, Any]:
    values = {
        "given_name": "Alex",
        "family_name": f"Officer{staff_number}",
        "email": f"{staff_number.lower()}@council.example",
        "started_on": dt.date(2024, 1, 15),
    } | extra
    return await services.create_officer(
        SYSTEM, organisation_id=organisation_id, team_id=team_id, staff_number=staff_number, **values
    )


async def make_user(world: World, username: str, role: Role, **scope: Any) -> None:
    await services.create_user(SYSTEM, username=username, password=PASSWORD,
                               email=f"{username}@example.org", role=role, **scope)
    token = (await create_token(SYSTEM, username))["token"]
    world.tokens[username] = token
    principal = await principal_for_bearer(token)
    assert principal is not None
    world.principals[username] = principal


async def build_world() -> World:
    world = World()
    for force in ("A", "B"):
        world.forces[force] = (await services.create_force(SYSTEM, f"Force {force}", f"F{force}"))["id"]
    for org, force in (("A1", "A"), ("A2", "A"), ("B1", "B")):
        world.orgs[org] = (await services.create_organisation(
            SYSTEM, name=f"Council {org}", force_id=world.forces[force], kind="council",
            arrangement_approved_on=dt.date(2024, 1, 1), arrangement_review_due_on=dt.date(2027, 1, 1),
        ))["id"]
    for team, org in (("A1a", "A1"), ("A1b", "A1"), ("A2a", "A2"), ("B1a", "B1")):
        world.teams[team] = (await services.create_team(SYSTEM, name=f"Team {team}",
                                                        organisation_id=world.orgs[org]))["id"]
        for n in (1, 2):
            key = f"{team}-{n}"
            officer = await make_officer(world.orgs[org], world.teams[team], key.replace("-", "").upper())
            world.officers[key] = officer["id"]
    await make_user(world, "admin", Role.ADMIN)
    await make_user(world, "coord_a", Role.CSAS_COORDINATOR, force_id=world.forces["A"])
    await make_user(world, "vet_a", Role.VETTING_OFFICER, force_id=world.forces["A"])
    await make_user(world, "hr_a1", Role.HR, organisation_id=world.orgs["A1"])
    await make_user(world, "mgr_a1a", Role.MANAGER, team_ids=[world.teams["A1a"]])
    await make_user(world, "off_a1a1", Role.OFFICER, officer_id=world.officers["A1a-1"])
    return world


# Which of the world's officers each user may see.
VISIBLE = {
    "admin": {"A1a-1", "A1a-2", "A1b-1", "A1b-2", "A2a-1", "A2a-2", "B1a-1", "B1a-2"},
    "coord_a": {"A1a-1", "A1a-2", "A1b-1", "A1b-2", "A2a-1", "A2a-2"},
    "vet_a": {"A1a-1", "A1a-2", "A1b-1", "A1b-2", "A2a-1", "A2a-2"},
    "hr_a1": {"A1a-1", "A1a-2", "A1b-1", "A1b-2"},
    "mgr_a1a": {"A1a-1", "A1a-2"},
    "off_a1a1": {"A1a-1"},
}
