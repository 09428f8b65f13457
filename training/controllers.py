"""HTTP routes of this domain: parse, call the service, shape the answer."""

from __future__ import annotations

from typing import Annotated

from litestar import get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from core.http import ApiController, CurrentPrincipal, Day, Limit, Offset, Page, Today
from training import services
from training.rules import BookingStatus
from training.schemas import (
    BookingAttend,
    BookingCancel,
    BookingCreate,
    BookingNoShow,
    BookingRead,
    MatrixRead,
    ModuleRead,
    ModuleUpdate,
    Prerequisite,
    PrerequisitesPut,
    RecordCreate,
    RecordRead,
)

# The service checks the value (422 invalid_choice); the document lists the choices.
BookingStatusFilter = Annotated[str | None, QueryParameter(schema_extra={"enum": [s.value for s in BookingStatus]})]


class ModuleController(ApiController):
    path = "/api/training/modules"
    tags = ["training"]

    @get("/")
    async def list(self, principal: CurrentPrincipal) -> Page[ModuleRead]:
        rows = await services.list_modules()
        return Page(items=[ModuleRead.of(r) for r in rows], total=len(rows))

    @patch("/{code:str}")
    async def update(
        self, principal: CurrentPrincipal, code: FromPath[str], data: JSONBody[ModuleUpdate]
    ) -> ModuleRead:
        return ModuleRead.of(await services.update_module_validity(principal, code, data.validity_months))


class RecordController(ApiController):
    path = "/api/training/records"
    tags = ["training"]

    @post("/")
    async def create(self, principal: CurrentPrincipal, today: Today, data: JSONBody[RecordCreate]) -> RecordRead:
        row = await services.record_completion(
            principal, today=today, officer_id=data.officer_id, module_code=data.module_code,
            completed_on=data.completed_on, result=data.result, provider=data.provider,
            certificate_ref=data.certificate_ref, qualification_title=data.qualification_title,
            expires_on=data.expires_on, expiry_override_reason=data.expiry_override_reason,
        )
        return RecordRead.of(row)

    @get("/")
    async def list(
        self,
        principal: CurrentPrincipal,
        day: Day,
        officer_id: FromQuery[int | None] = None,
        module_code: FromQuery[str | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[RecordRead]:
        rows, total = await services.list_records(
            principal, as_of=day, officer_id=officer_id, module_code=module_code, limit=limit,
            offset=offset,
        )
        return Page(items=[RecordRead.of(r) for r in rows], total=total)


class BookingController(ApiController):
    path = "/api/training/bookings"
    tags = ["training"]

    @post("/")
    async def create(self, principal: CurrentPrincipal, today: Today, data: JSONBody[BookingCreate]) -> BookingRead:
        row = await services.create_booking(principal, officer_id=data.officer_id, module_code=data.module_code,
                                            starts_on=data.starts_on, today=today, provider=data.provider)
        return BookingRead.of(row)

    @get("/")
    async def list(
        self,
        principal: CurrentPrincipal,
        officer_id: FromQuery[int | None] = None,
        status: BookingStatusFilter = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[BookingRead]:
        rows, total = await services.list_bookings(principal, officer_id=officer_id, status=status, limit=limit,
                                                   offset=offset)
        return Page(items=[BookingRead.of(r) for r in rows], total=total)

    @get("/{booking_id:int}")
    async def get(self, principal: CurrentPrincipal, booking_id: FromPath[int]) -> BookingRead:
        return BookingRead.of(await services.get_booking(principal, booking_id))

    @post("/{booking_id:int}/attend", status_code=200)
    async def attend(
        self, principal: CurrentPrincipal, today: Today, booking_id: FromPath[int], data: JSONBody[BookingAttend]
    ) -> BookingRead:
        row = await services.attend_booking(
            principal, booking_id, today=today, attended_on=data.attended_on, result=data.result,
            certificate_ref=data.certificate_ref, provider=data.provider,
            qualification_title=data.qualification_title, expires_on=data.expires_on,
            expiry_override_reason=data.expiry_override_reason,
        )
        return BookingRead.of(row)

    @post("/{booking_id:int}/cancel", status_code=200)
    async def cancel(
        self, principal: CurrentPrincipal, booking_id: FromPath[int], data: JSONBody[BookingCancel]
    ) -> BookingRead:
        return BookingRead.of(await services.cancel_booking(principal, booking_id, on=data.on, reason=data.reason))

    @post("/{booking_id:int}/no-show", status_code=200)
    async def no_show(
        self, principal: CurrentPrincipal, booking_id: FromPath[int], data: JSONBody[BookingNoShow]
    ) -> BookingRead:
        return BookingRead.of(await services.record_no_show(principal, booking_id, on=data.on))


class PrerequisiteController(ApiController):
    path = "/api/training/prerequisites"
    tags = ["training"]

    @get("/")
    async def list(self, principal: CurrentPrincipal) -> Page[Prerequisite]:
        rows = await services.list_prerequisites()
        return Page(items=[Prerequisite(**r) for r in rows], total=len(rows))

    @put("/")
    async def replace(self, principal: CurrentPrincipal, data: JSONBody[PrerequisitesPut]) -> Page[Prerequisite]:
        rows = await services.replace_prerequisites(principal, [(i.power_code, i.module_code) for i in data.items])
        return Page(items=[Prerequisite(**r) for r in rows], total=len(rows))


# The matrix's warning window in days: the request's warning_days, else the scheduler policy's warning_days. The
# policy is the scheduler's and training may not import it (design.md), so app.py provides this dependency
# (scheduler.controllers.provide_warning_window), query parameter included.
WarningWindow = NamedDependency[int]


class MatrixController(ApiController):
    path = "/api/training/matrix"
    tags = ["training"]

    @get("/")
    async def get(
        self,
        principal: CurrentPrincipal,
        day: Day,
        warning_window: WarningWindow,
        team_id: FromQuery[int | None] = None,
        organisation_id: FromQuery[int | None] = None,
    ) -> MatrixRead:
        matrix = await services.training_matrix(principal, as_of=day, team_id=team_id,
                                                organisation_id=organisation_id, warning_days=warning_window)
        return MatrixRead.of(matrix)


ROUTE_HANDLERS: list[type] = [
    ModuleController, RecordController, BookingController, PrerequisiteController, MatrixController,
]
