from __future__ import annotations

import datetime as dt

import msgspec

from core.schemas import Body, CodeList, Text
from register.accreditations.rules import AccreditationStatus, EventKind


class AccreditationCreate(Body):
    officer_id: int
    force_id: int
    number: Text
    granted_on: dt.date
    expires_on: dt.date
    power_codes: CodeList = msgspec.field(default_factory=list)
    conditions: str = ""


class AccreditationChange(Body):
    """Suspend, reinstate or withdraw: the day it takes effect, and why."""

    on: dt.date
    reason: Text


class PowerDesignate(Body):
    code: Text
    granted_on: dt.date


class DesignatedPowerRead(msgspec.Struct):
    code: str
    title: str
    granted_on: dt.date
    withdrawn_on: dt.date | None
    withdrawn_reason: str
    in_force: bool


class AccreditationEventRead(msgspec.Struct):
    kind: EventKind
    on: dt.date
    reason: str
    power_code: str
    actor: str
    recorded_at: dt.datetime


class AccreditationRead(msgspec.Struct):
    id: int
    officer_id: int
    force_id: int
    number: str
    granted_on: dt.date
    expires_on: dt.date
    conditions: str
    suspended_on: dt.date | None
    withdrawn_on: dt.date | None
    ended_on: dt.date | None
    ended_reason: str
    status: AccreditationStatus
    powers: list[DesignatedPowerRead]
    events: list[AccreditationEventRead]
