from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from core.access import Role
from core.schemas import Body, IdList, Password, Text
from register.officers.rules import OfficerStatus, OrganisationKind


class ForceCreate(Body):
    name: Text
    code: Text


class ForceRead(msgspec.Struct):
    id: int
    name: str
    code: str


class OrganisationCreate(Body):
    name: Text
    force_id: int
    kind: OrganisationKind = OrganisationKind.COUNCIL
    arrangement_approved_on: dt.date | None = None
    arrangement_review_due_on: dt.date | None = None


class OrganisationRead(msgspec.Struct):
    id: int
    name: str
    force_id: int
    kind: OrganisationKind
    arrangement_approved_on: dt.date | None
    arrangement_review_due_on: dt.date | None
    arrangement_ended_on: dt.date | None

    @classmethod
    def of(cls, row: dict[str, Any]) -> OrganisationRead:
        return cls(
            id=row["id"], name=row["name"], force_id=row["force"], kind=row["kind"],
            arrangement_approved_on=row["arrangement_approved_on"],
            arrangement_review_due_on=row["arrangement_review_due_on"],
            arrangement_ended_on=row["arrangement_ended_on"],
        )


class TeamCreate(Body):
    name: Text
    organisation_id: int


class TeamRead(msgspec.Struct):
    id: int
    name: str
    organisation_id: int

    @classmethod
    def of(cls, row: dict[str, Any]) -> TeamRead:
        return cls(id=row["id"], name=row["name"], organisation_id=row["organisation"])


class OfficerCreate(Body):
    organisation_id: int
    staff_number: Text
    given_name: Text
    family_name: Text
    email: Text
    started_on: dt.date
    team_id: int | None = None


class OfficerUpdate(Body, omit_defaults=True):
    team_id: int | msgspec.UnsetType | None = msgspec.UNSET
    staff_number: str | msgspec.UnsetType = msgspec.UNSET
    given_name: str | msgspec.UnsetType = msgspec.UNSET
    family_name: str | msgspec.UnsetType = msgspec.UNSET
    email: str | msgspec.UnsetType = msgspec.UNSET
    started_on: dt.date | msgspec.UnsetType = msgspec.UNSET

    def changes(self) -> dict[str, Any]:
        return {f: v for f in self.__struct_fields__ if (v := getattr(self, f)) is not msgspec.UNSET}


class OfficerLeave(Body):
    left_on: dt.date


class OfficerRead(msgspec.Struct):
    id: int
    organisation_id: int
    organisation_name: str
    force_id: int
    team_id: int | None
    team_name: str | None
    staff_number: str
    given_name: str
    family_name: str
    email: str
    started_on: dt.date
    left_on: dt.date | None
    status: OfficerStatus

    @classmethod
    def of(cls, row: dict[str, Any], status: OfficerStatus) -> OfficerRead:
        return cls(
            id=row["id"], organisation_id=row["organisation"], organisation_name=row["organisation_name"],
            force_id=row["force_id"], team_id=row["team"], team_name=row["team_name"],
            staff_number=row["staff_number"], given_name=row["given_name"], family_name=row["family_name"],
            email=row["email"], started_on=row["started_on"], left_on=row["left_on"], status=status,
        )


class UserCreate(Body):
    """Without a password, the user is invited: emailed a one-time link to choose their own."""

    username: Text
    email: Text
    role: Role
    password: Password | None = None
    force_id: int | None = None
    organisation_id: int | None = None
    team_ids: IdList = msgspec.field(default_factory=list)
    officer_id: int | None = None


class PowerRead(msgspec.Struct):
    code: str
    title: str
    statute: str
    in_force: bool
    is_traffic: bool


class PhotoRead(msgspec.Struct):
    """A stored photo, described: the image itself is GET /api/officers/{id}/photo.jpg."""

    officer_id: int
    width: int
    height: int
    bytes: int
    sha256: str
    uploaded_at: dt.datetime
    uploaded_by: str
