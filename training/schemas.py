"""Request and response bodies of the training API (api.md; field names are the contract)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from core.schemas import Body, LongList, Text
from training.rules import BookingStatus, TrainingResult


class ModuleRead(msgspec.Struct):
    code: str
    title: str
    validity_months: int | None
    hours: int | None
    is_csas_course: bool
    sort_order: int

    @classmethod
    def of(cls, row: dict[str, Any]) -> ModuleRead:
        return cls(code=row["code"], title=row["title"], validity_months=row["validity_months"],
                   hours=row["hours"], is_csas_course=row["is_csas_course"], sort_order=row["sort_order"])


class ModuleUpdate(Body):
    validity_months: int | None


class RecordCreate(Body):
    officer_id: int
    module_code: Text
    completed_on: dt.date
    result: TrainingResult
    provider: str = ""
    certificate_ref: str = ""
    qualification_title: str = ""
    expires_on: dt.date | None = None
    expiry_override_reason: str = ""


class RecordRead(msgspec.Struct):
    id: int
    officer_id: int
    module_code: str
    module_title: str
    completed_on: dt.date
    result: TrainingResult
    provider: str
    certificate_ref: str
    qualification_title: str
    expires_on: dt.date | None
    expiry_override_reason: str
    booking_id: int | None
    created_at: dt.datetime
    is_counting: bool | None = None
    is_in_date: bool | None = None

    @classmethod
    def of(cls, row: dict[str, Any]) -> RecordRead:
        return cls(
            id=row["id"], officer_id=row["officer"], module_code=row["module_code"],
            module_title=row["module_title"], completed_on=row["completed_on"], result=row["result"],
            provider=row["provider"], certificate_ref=row["certificate_ref"],
            qualification_title=row["qualification_title"], expires_on=row["expires_on"],
            expiry_override_reason=row["expiry_override_reason"], booking_id=row["booking"],
            created_at=row["created_at"], is_counting=row.get("is_counting"), is_in_date=row.get("is_in_date"),
        )


class BookingCreate(Body):
    officer_id: int
    module_code: Text
    starts_on: dt.date
    provider: str = ""


class BookingAttend(Body):
    attended_on: dt.date
    result: TrainingResult
    certificate_ref: str = ""
    provider: str | None = None
    qualification_title: str = ""
    expires_on: dt.date | None = None
    expiry_override_reason: str = ""


class BookingCancel(Body):
    on: dt.date
    reason: str = ""


class BookingNoShow(Body):
    on: dt.date


class BookingRead(msgspec.Struct):
    id: int
    officer_id: int
    module_code: str
    starts_on: dt.date
    provider: str
    status: BookingStatus
    status_on: dt.date | None
    status_reason: str
    record_id: int | None
    created_at: dt.datetime

    @classmethod
    def of(cls, row: dict[str, Any]) -> BookingRead:
        return cls(
            id=row["id"], officer_id=row["officer"], module_code=row["module_code"], starts_on=row["starts_on"],
            provider=row["provider"], status=row["status"], status_on=row["status_on"],
            status_reason=row["status_reason"], record_id=row["record_id"], created_at=row["created_at"],
        )


class Prerequisite(Body):
    power_code: Text
    module_code: Text


class PrerequisitesPut(Body):
    items: LongList[Prerequisite]


class MatrixCell(msgspec.Struct):
    state: str
    expires_on: dt.date | None


class MatrixRow(msgspec.Struct):
    officer_id: int
    name: str
    cells: dict[str, MatrixCell]


class MatrixRead(msgspec.Struct):
    as_of: dt.date
    modules: list[str]
    rows: list[MatrixRow]

    @classmethod
    def of(cls, matrix: dict[str, Any]) -> MatrixRead:
        return cls(
            as_of=matrix["as_of"], modules=matrix["modules"],
            rows=[MatrixRow(officer_id=r["officer_id"], name=r["name"],
                            cells={c: MatrixCell(**cell) for c, cell in r["cells"].items()})
                  for r in matrix["rows"]],
        )
