from __future__ import annotations

import datetime as dt

import msgspec

from register.accreditations.schemas import AccreditationRead
from register.kit.schemas import KitIssueRead


class OpenRecoveryTaskRead(msgspec.Struct):
    id: int
    kit_issue_id: int
    kit_type_code: str
    serial_number: str | None
    opened_on: dt.date
    reason: str


class RecordEventRead(msgspec.Struct):
    on: dt.date
    kind: str
    subject: str
    reason: str
    actor: str
    recorded_at: dt.datetime


class OfficerRecordRead(msgspec.Struct):
    """Register's part of the officer's record."""

    officer_id: int
    name: str
    status: str
    left_on: dt.date | None
    as_of: dt.date
    accreditations: list[AccreditationRead]
    kit_issues: list[KitIssueRead]
    open_recovery_tasks: list[OpenRecoveryTaskRead]
    events: list[RecordEventRead]
