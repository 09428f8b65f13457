from __future__ import annotations

import datetime as dt

import msgspec

from core.schemas import Body, Text
from register.kit.rules import KitCondition


class KitTypeRead(msgspec.Struct):
    code: str
    title: str
    tracks_size: bool
    tracks_serial: bool
    tracks_manufacture_date: bool
    service_life_months: int | None
    inspection_interval_months: int | None
    expires_with_accreditation: bool
    recover_when_powers_end: bool
    requires_module_code: str | None


class KitIssueCreate(Body):
    officer_id: int
    kit_type_code: Text
    issued_on: dt.date
    serial_number: str | None = None
    size: str = ""
    manufactured_on: dt.date | None = None
    condition: KitCondition = KitCondition.NEW


class KitReturn(Body):
    returned_on: dt.date
    condition: KitCondition


class KitInspectionCreate(Body):
    inspected_on: dt.date
    condition: KitCondition


class KitInspectionRead(msgspec.Struct):
    inspected_on: dt.date
    condition: KitCondition
    inspected_by: str


class RecoveryTaskRead(msgspec.Struct):
    id: int
    opened_on: dt.date
    reason: str
    closed_on: dt.date | None


class KitIssueRead(msgspec.Struct):
    id: int
    officer_id: int
    kit_type_code: str
    kit_type_title: str
    issued_on: dt.date
    issued_by: str
    serial_number: str | None
    size: str
    manufactured_on: dt.date | None
    expires_on: dt.date | None
    condition: KitCondition
    last_inspected_on: dt.date | None
    next_inspection_due_on: dt.date | None
    needs_replacement: bool
    returned_on: dt.date | None
    inspections: list[KitInspectionRead]
    recovery_tasks: list[RecoveryTaskRead]
