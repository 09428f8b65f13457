"""Vetting's request and response shapes. Case notes appear only in VettingEventWithNote (vetting staff)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec

from core.schemas import Body, ShortList, Text
from vetting.rules import EXPIRED, DeclarationKind, Status

# What a reader sees: the stored status, or 'expired' for a grant whose expiry has come (derived, never stored).
ShownStatus = Annotated[str, msgspec.Meta(extra_json_schema={"extra": {"enum": [*map(str, Status), EXPIRED]}})]

class LevelRead(msgspec.Struct):
    code: str
    title: str
    renewal_months: int
    has_annual_review: bool
    accepted_for_csas: bool

    @classmethod
    def of(cls, row: dict[str, Any]) -> LevelRead:
        return cls(code=row["code"], title=row["title"], renewal_months=row["renewal_months"],
                   has_annual_review=row["has_annual_review"], accepted_for_csas=row["accepted_for_csas"])


class LevelUpdate(Body, omit_defaults=True):
    renewal_months: int | msgspec.UnsetType = msgspec.UNSET
    has_annual_review: bool | msgspec.UnsetType = msgspec.UNSET
    accepted_for_csas: bool | msgspec.UnsetType = msgspec.UNSET

    def changes(self) -> dict[str, Any]:
        return {f: v for f in self.__struct_fields__ if (v := getattr(self, f)) is not msgspec.UNSET}


class ApplicationCreate(Body):
    """A vetting application. One at an accepted level for an officer who holds a clearance is recognised as
    its renewal without renews_application_id (domain.md §8a); the link, when given, is only checked and kept."""

    officer_id: int
    level_code: Text
    requested_on: dt.date
    renews_application_id: Annotated[int | None, msgspec.Meta(
        description="Optional: the granted application (clearance) this renews. Not needed for the renewal to "
                    "count.")] = None


class EventCreate(Body):
    status: Status
    on: dt.date
    force_reference: str | None = None
    expires_on: dt.date | None = None
    expiry_override_reason: str | None = None
    note: str | None = None


class ApplicationRead(msgspec.Struct):
    """What every role in scope may see: level, status, force reference and dates. Never case notes."""

    id: int
    officer_id: int
    organisation_id: int
    level_code: str
    status: ShownStatus
    requested_on: dt.date
    force_reference: str | None
    submitted_on: dt.date | None
    decided_on: dt.date | None
    granted_on: dt.date | None
    expires_on: dt.date | None
    expiry_override_reason: str | None
    next_review_due_on: dt.date | None
    closed_on: dt.date | None
    renews_application_id: int | None

    @classmethod
    def of(cls, row: dict[str, Any], status: str) -> ApplicationRead:
        return cls(
            id=row["id"], officer_id=row["officer"], organisation_id=row["organisation_id"],
            level_code=row["level_code"], status=status, requested_on=row["requested_on"],
            force_reference=row["force_reference"], submitted_on=row["submitted_on"],
            decided_on=row["decided_on"], granted_on=row["granted_on"], expires_on=row["expires_on"],
            expiry_override_reason=row["expiry_override_reason"], next_review_due_on=row["next_review_due_on"],
            closed_on=row["closed_on"], renews_application_id=row["renews"],
        )


class VettingEventRead(msgspec.Struct, omit_defaults=True):
    """One timeline entry. `note` is present only for vetting officers and admins (the read is audited); for
    every other role the key is absent, not null."""

    id: int
    status: Status
    on: dt.date
    actor: str
    created_at: dt.datetime
    note: str | msgspec.UnsetType | None = msgspec.UNSET
    # True for a case note added without a change of status (vetting staff only see such entries at all).
    note_only: bool = False


class ApplicationDetail(msgspec.Struct):
    application: ApplicationRead
    events: list[VettingEventRead]
    notes_visible: bool


class QueueItem(msgspec.Struct):
    application: ApplicationRead
    officer_name: str
    organisation_name: str
    days_waiting: int
    last_event_on: dt.date | None


class DeclarationCreate(Body):
    officer_id: int
    kind: DeclarationKind
    made_on: dt.date
    categories: ShortList[str] = msgspec.field(default_factory=list)


class DeclarationAcknowledge(Body):
    on: dt.date


class DeclarationRead(msgspec.Struct):
    id: int
    officer_id: int
    kind: DeclarationKind
    categories: list[str]
    made_on: dt.date
    acknowledged_on: dt.date | None
    acknowledged_by: str | None

    @classmethod
    def of(cls, row: dict[str, Any]) -> DeclarationRead:
        cats = row["categories"]
        if isinstance(cats, str):
            cats = msgspec.json.decode(cats)
        return cls(id=row["id"], officer_id=row["officer"], kind=row["kind"], categories=list(cats),
                   made_on=row["made_on"], acknowledged_on=row["acknowledged_on"],
                   acknowledged_by=row["acknowledged_by"])
