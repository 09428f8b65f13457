"""Use cases for forces, employers, teams, officers and users' scope. Every write: one transaction, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.access import Principal, Role, require_role
from core.audit import record_audit
from core.dates import long_date
from core.db import all_of, is_unique_violation, write_transaction
from core.errors import Conflict, Forbidden, NotFound, Violation, raise_if_violations
from core.services import create_user as core_create_user
from core.services import require_user_administrator
from register.errors import RegisterErrorCode
from register.officers.officer_list import DEFAULT_ORDER as DEFAULT_ORDER
from register.officers.officer_list import OFFICER_ORDERS as OFFICER_ORDERS
from register.officers.officer_list import get_officer as get_officer  # re-exported: other domains read officers here
from register.officers.officer_list import list_officers as list_officers
from register.officers.officer_list import load_officer
from register.officers.rules import (
    OFFICER_TEXT_FIELDS,
    OfficerStatus,
    check_force,
    check_leaving,
    check_name,
    check_no_control_characters,
    check_officer,
    check_organisation,
    compute_officer_status,
)
from register.scope import Scope
from register.tables import Force, Officer, Organisation, Power, Team


def officer_status(row: dict[str, Any], day: dt.date) -> OfficerStatus:
    return compute_officer_status(row["left_on"], day)  # a StrEnum: the str itself, without the slow .value


# --- forces -------------------------------------------------------------------------------------------

async def create_force(actor: Principal, name: str, code: str) -> dict[str, Any]:
    require_role(actor, action="create forces")
    raise_if_violations(check_force(name, code))
    async with write_transaction():
        if await Force.exists().where(Force.code == code):
            raise Conflict(RegisterErrorCode.DUPLICATE_FORCE_CODE, f"A force with code '{code}' exists.")
        row = (await Force.insert(Force(name=name, code=code)).returning(Force.id, Force.name, Force.code))[0]
        await record_audit(actor, "force.create", "force", row["id"], None, row)
    return row


async def list_forces(actor: Principal) -> list[dict[str, Any]]:
    query = Force.select(Force.id, Force.name, Force.code).order_by(Force.name)
    if not actor.is_admin:
        visible = Organisation.select(Organisation.force)
        if (clause := Scope.of(actor).where(Organisation)) is not None:
            visible = visible.where(clause)
        query = query.where(Force.id.is_in(visible))
    rows: list[dict[str, Any]] = await query
    return rows


async def get_force(force_id: int) -> dict[str, Any]:
    row = await Force.select(Force.id, Force.name, Force.code).where(Force.id == force_id).first()
    if row is None:
        raise NotFound(RegisterErrorCode.FORCE_NOT_FOUND, f"No force with id {force_id}.")
    return row


# --- organisations ------------------------------------------------------------------------------------

ORGANISATION_COLUMNS = (
    Organisation.id, Organisation.name, Organisation.force, Organisation.kind,
    Organisation.arrangement_approved_on, Organisation.arrangement_review_due_on,
    Organisation.arrangement_ended_on,
)


async def create_organisation(
    actor: Principal,
    *,
    name: str,
    force_id: int,
    kind: str,
    arrangement_approved_on: dt.date | None,
    arrangement_review_due_on: dt.date | None,
) -> dict[str, Any]:
    require_role(actor, Role.CSAS_COORDINATOR, action="create employers")
    raise_if_violations(check_organisation(name, kind, arrangement_approved_on, arrangement_review_due_on))
    await get_force(force_id)
    if not actor.is_admin and actor.force_id != force_id:
        raise Forbidden(RegisterErrorCode.OUT_OF_SCOPE, "That force is outside your scope.")
    async with write_transaction():
        row = (
            await Organisation.insert(
                Organisation(
                    name=name, force=force_id, kind=kind,
                    arrangement_approved_on=arrangement_approved_on,
                    arrangement_review_due_on=arrangement_review_due_on,
                )
            ).returning(*ORGANISATION_COLUMNS)
        )[0]
        await record_audit(actor, "organisation.create", "organisation", row["id"], None, row)
    return row


async def get_organisation(actor: Principal | None, organisation_id: int) -> dict[str, Any]:
    row = await Organisation.select(*ORGANISATION_COLUMNS).where(Organisation.id == organisation_id).first()
    if row is None:
        raise NotFound(RegisterErrorCode.ORGANISATION_NOT_FOUND, f"No organisation with id {organisation_id}.")
    if actor is not None and (clause := Scope.of(actor).where(Organisation)) is not None:
        if not await Organisation.exists().where(clause & (Organisation.id == organisation_id)):
            raise Forbidden(RegisterErrorCode.OUT_OF_SCOPE, "That organisation is outside your scope.")
    return row


async def list_organisations(actor: Principal, force_id: int | None = None) -> list[dict[str, Any]]:
    in_force = Organisation.force == force_id if force_id is not None else None
    where = all_of(Scope.of(actor).where(Organisation), in_force)
    query = Organisation.select(*ORGANISATION_COLUMNS).order_by(Organisation.name)
    if where is not None:
        query = query.where(where)
    rows: list[dict[str, Any]] = await query
    return rows


# --- teams --------------------------------------------------------------------------------------------

TEAM_COLUMNS = (Team.id, Team.name, Team.organisation)


async def create_team(actor: Principal, *, name: str, organisation_id: int) -> dict[str, Any]:
    require_role(actor, Role.CSAS_COORDINATOR, Role.HR, action="create teams")
    raise_if_violations(check_name(name))
    organisation = await get_organisation(None, organisation_id)
    # The role check leaves coordinators, HR and administrators: an employer is theirs to change when their scope
    # holds all of it (a vetting officer's force scope never gets this far).
    if not Scope.of(actor).allows_whole(organisation):
        raise Forbidden(RegisterErrorCode.OUT_OF_SCOPE, "That organisation is outside your scope.")
    async with write_transaction():
        row = (await Team.insert(Team(name=name, organisation=organisation_id)).returning(*TEAM_COLUMNS))[0]
        await record_audit(actor, "team.create", "team", row["id"], None, row)
    return row


async def get_team(team_id: int) -> dict[str, Any]:
    row = await Team.select(*TEAM_COLUMNS).where(Team.id == team_id).first()
    if row is None:
        raise NotFound(RegisterErrorCode.TEAM_NOT_FOUND, f"No team with id {team_id}.")
    return row


async def list_teams(actor: Principal, organisation_id: int | None = None) -> list[dict[str, Any]]:
    where = all_of(Scope.of(actor).where(Team), Team.organisation == organisation_id if organisation_id else None)
    query = Team.select(*TEAM_COLUMNS).order_by(Team.name)
    if where is not None:
        query = query.where(where)
    rows: list[dict[str, Any]] = await query
    return rows


# --- officers -----------------------------------------------------------------------------------------

async def _check_team(team_id: int | None, organisation_id: int) -> list[Violation]:
    if team_id is None:
        return []
    team = await Team.select(Team.organisation).where(Team.id == team_id).first()
    if team is None:
        return [Violation(RegisterErrorCode.UNKNOWN_TEAM, f"No team with id {team_id}.", "team_id")]
    if team["organisation"] != organisation_id:
        return [Violation(RegisterErrorCode.TEAM_NOT_IN_ORGANISATION, "The team belongs to another employer.",
                          "team_id")]
    return []


async def _require_manageable(actor: Principal, organisation_id: int) -> None:
    require_role(actor, Role.CSAS_COORDINATOR, Role.HR, action="change officers' employment records")
    organisation = await get_organisation(None, organisation_id)
    if not Scope.of(actor).allows_whole(organisation):  # as in create_team
        raise Forbidden(RegisterErrorCode.OUT_OF_SCOPE, "That organisation is outside your scope.")


def _duplicate_staff_number(staff_number: str) -> Conflict:
    return Conflict(
        RegisterErrorCode.DUPLICATE_STAFF_NUMBER,
        f"Staff number '{staff_number}' is already used in this organisation.",
        [Violation(RegisterErrorCode.DUPLICATE_STAFF_NUMBER, "Already used in this organisation.",
                   "staff_number")],
    )


async def create_officer(
    actor: Principal,
    *,
    organisation_id: int,
    team_id: int | None,
    staff_number: str,
    given_name: str,
    family_name: str,
    email: str,
    started_on: dt.date,
) -> dict[str, Any]:
    raise_if_violations(
        check_officer(staff_number, given_name, family_name, email, started_on)
        + check_no_control_characters({"staff_number": staff_number, "given_name": given_name,
                                       "family_name": family_name, "email": email})
    )
    await _require_manageable(actor, organisation_id)
    raise_if_violations(await _check_team(team_id, organisation_id))
    try:
        async with write_transaction():
            if await Officer.exists().where(
                (Officer.organisation == organisation_id) & (Officer.staff_number == staff_number)
            ):
                raise _duplicate_staff_number(staff_number)
            new_id = (
                await Officer.insert(
                    Officer(
                        organisation=organisation_id, team=team_id, staff_number=staff_number,
                        given_name=given_name, family_name=family_name, email=email, started_on=started_on,
                    )
                ).returning(Officer.id)
            )[0]["id"]
            row = await load_officer(new_id)
            await record_audit(actor, "officer.create", "officer", new_id, None, row)
    except Exception as exc:
        if is_unique_violation(exc):
            raise _duplicate_staff_number(staff_number) from exc
        raise
    return row


UPDATABLE_OFFICER_FIELDS = ("team_id", "staff_number", "given_name", "family_name", "email", "started_on")


async def update_officer(actor: Principal, officer_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    before = await get_officer(actor, officer_id)
    await _require_manageable(actor, before["organisation"])
    merged = {
        "staff_number": before["staff_number"], "given_name": before["given_name"],
        "family_name": before["family_name"], "email": before["email"], "started_on": before["started_on"],
        "team_id": before["team"],
    }
    merged.update({k: v for k, v in changes.items() if k in UPDATABLE_OFFICER_FIELDS})
    raise_if_violations(
        check_officer(merged["staff_number"], merged["given_name"], merged["family_name"], merged["email"],
                      merged["started_on"])
        # Only what this change writes: text stored before the rule existed does not block other edits.
        + check_no_control_characters({k: v for k, v in changes.items() if k in OFFICER_TEXT_FIELDS})
        + await _check_team(merged["team_id"], before["organisation"])
    )
    values = {getattr(Officer, k if k != "team_id" else "team"): v for k, v in merged.items()}
    try:
        async with write_transaction():
            if merged["staff_number"] != before["staff_number"] and await Officer.exists().where(
                (Officer.organisation == before["organisation"])
                & (Officer.staff_number == merged["staff_number"])
            ):
                raise _duplicate_staff_number(merged["staff_number"])
            await Officer.update(values).where(Officer.id == officer_id)
            after = await load_officer(officer_id)
            await record_audit(actor, "officer.update", "officer", officer_id, before, after)
    except Exception as exc:
        if is_unique_violation(exc):
            raise _duplicate_staff_number(merged["staff_number"]) from exc
        raise
    return after


async def mark_officer_left(actor: Principal, officer_id: int, left_on: dt.date) -> dict[str, Any]:
    """The officer's part of leaving: left_on set, audited. The use case is register.leaving's record_leaving,
    which also ends their accreditations and opens recovery of their kit in the same transaction."""
    before = await get_officer(actor, officer_id)
    await _require_manageable(actor, before["organisation"])
    if before["left_on"] is not None:
        raise Conflict(RegisterErrorCode.OFFICER_ALREADY_LEFT,
                       f"The officer already left on {long_date(before['left_on'])}.")
    raise_if_violations(check_leaving(before["started_on"], left_on))
    async with write_transaction():
        await Officer.update({Officer.left_on: left_on}).where(Officer.id == officer_id)
        after = await load_officer(officer_id)
        await record_audit(actor, "officer.leave", "officer", officer_id, before, after)
    return after


# --- users (scope references live in this domain, so users are created through it) -------------------

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
    require_user_administrator(actor)  # first: whether an id exists is no one else's to learn
    violations: list[Violation] = []
    if force_id is not None and not await Force.exists().where(Force.id == force_id):
        violations.append(Violation(RegisterErrorCode.UNKNOWN_FORCE, f"No force with id {force_id}.", "force_id"))
    if organisation_id is not None and not await Organisation.exists().where(Organisation.id == organisation_id):
        violations.append(Violation(RegisterErrorCode.UNKNOWN_ORGANISATION,
                                    f"No organisation with id {organisation_id}.",
                                    "organisation_id"))
    known_teams = {t["id"] for t in await Team.select(Team.id).where(Team.id.is_in(team_ids))} if team_ids else set()
    violations += [Violation(RegisterErrorCode.UNKNOWN_TEAM, f"No team with id {team_id}.", "team_ids")
                   for team_id in team_ids or [] if team_id not in known_teams]
    if officer_id is not None and not await Officer.exists().where(Officer.id == officer_id):
        violations.append(Violation(RegisterErrorCode.UNKNOWN_OFFICER,
                                    f"No officer with id {officer_id}.", "officer_id"))
    raise_if_violations(violations)
    return await core_create_user(
        actor, username=username, password=password, email=email, role=role, force_id=force_id,
        organisation_id=organisation_id, team_ids=team_ids, officer_id=officer_id,
    )


# --- powers catalogue ---------------------------------------------------------------------------------

POWER_COLUMNS = (Power.code, Power.title, Power.statute, Power.in_force, Power.is_traffic)


async def list_powers() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await Power.select(*POWER_COLUMNS).order_by(Power.id)
    return rows


async def get_power(code: str) -> dict[str, Any]:
    row = await Power.select(*POWER_COLUMNS).where(Power.code == code).first()
    if row is None:
        raise NotFound(RegisterErrorCode.POWER_NOT_FOUND, f"No power with code '{code}'.")
    return row
