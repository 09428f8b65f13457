"""HTTP routes of vetting: parse → service → schema. Case notes leave only through the audited detail read."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from core.http import ApiController, CurrentPrincipal, Day, Limit, Offset, Page, Today
from vetting import services
from vetting.rules import EXPIRED, OPEN, Status
from vetting.schemas import (
    ApplicationCreate,
    ApplicationDetail,
    ApplicationRead,
    DeclarationAcknowledge,
    DeclarationCreate,
    DeclarationRead,
    EventCreate,
    LevelRead,
    LevelUpdate,
    QueueItem,
    VettingEventRead,
)

# The services check the values (422 invalid_choice); the document lists the choices.
ShownStatusFilter = Annotated[str | None, QueryParameter(
    description="The status as read on `as_of` ('expired' for a grant whose expiry has come).",
    schema_extra={"enum": [*(s.value for s in Status), EXPIRED]})]
OpenStatusFilter = Annotated[str | None, QueryParameter(schema_extra={"enum": sorted(s.value for s in OPEN)})]


def _read(row: dict[str, Any], as_of: Any) -> ApplicationRead:
    return ApplicationRead.of(row, services.read_status(row, as_of))


class LevelController(ApiController):
    path = "/api/vetting/levels"
    tags = ["vetting"]

    @get("/")
    async def list(self, principal: CurrentPrincipal) -> Page[LevelRead]:
        rows = await services.list_levels()
        return Page(items=[LevelRead.of(r) for r in rows], total=len(rows))

    @patch("/{code:str}")
    async def update(self, principal: CurrentPrincipal, code: FromPath[str], data: JSONBody[LevelUpdate]) -> LevelRead:
        return LevelRead.of(await services.update_level(principal, code, data.changes()))


class ApplicationController(ApiController):
    path = "/api/vetting/applications"
    tags = ["vetting"]

    @post("/")
    async def create(
        self, principal: CurrentPrincipal, today: Today, data: JSONBody[ApplicationCreate]
    ) -> ApplicationRead:
        row = await services.create_application(
            principal, officer_id=data.officer_id, level_code=data.level_code, requested_on=data.requested_on,
            renews_application_id=data.renews_application_id, today=today,
        )
        return _read(row, today)

    @get("/")
    async def list(
        self,
        principal: CurrentPrincipal,
        day: Day,
        officer_id: FromQuery[int | None] = None,
        status: ShownStatusFilter = None,
        organisation_id: FromQuery[int | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[ApplicationRead]:
        rows, total = await services.list_applications(
            principal, as_of=day, officer_id=officer_id, status=status, organisation_id=organisation_id,
            limit=limit, offset=offset,
        )
        return Page(items=[_read(r, day) for r in rows], total=total)

    @get("/{application_id:int}")
    async def get(
        self, principal: CurrentPrincipal, day: Day, application_id: FromPath[int]
    ) -> ApplicationDetail:
        row, events, notes_visible = await services.get_application(principal, application_id)
        timeline = [
            VettingEventRead(id=e["id"], status=e["status"], on=e["occurred_on"], actor=e["actor"],
                             created_at=e["created_at"], note_only=e["note_only"],
                             **({"note": e["note"]} if notes_visible else {}))
            for e in events
        ]
        return ApplicationDetail(application=_read(row, day), events=timeline,
                                 notes_visible=notes_visible)

    @post("/{application_id:int}/events")
    async def record_event(
        self, principal: CurrentPrincipal, today: Today, application_id: FromPath[int], data: JSONBody[EventCreate]
    ) -> ApplicationRead:
        row = await services.record_event(
            principal, application_id, status=data.status, on=data.on, force_reference=data.force_reference,
            expires_on=data.expires_on, expiry_override_reason=data.expiry_override_reason, note=data.note,
            today=today,
        )
        return _read(row, today)


class QueueController(ApiController):
    path = "/api/vetting/queue"
    tags = ["vetting"]

    @get("/")
    async def list(
        self,
        principal: CurrentPrincipal,
        day: Day,
        status: OpenStatusFilter = None,
        organisation_id: FromQuery[int | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[QueueItem]:
        rows, total = await services.vetting_queue(
            principal, as_of=day, status=status, organisation_id=organisation_id, limit=limit, offset=offset,
        )
        items = [
            QueueItem(application=_read(r, day), officer_name=f"{r['given_name']} {r['family_name']}",
                      organisation_name=r["organisation_name"], days_waiting=r["days_waiting"],
                      last_event_on=r["last_event_on"])
            for r in rows
        ]
        return Page(items=items, total=total)


class DeclarationController(ApiController):
    path = "/api/vetting/declarations"
    tags = ["vetting"]

    @post("/")
    async def create(
        self, principal: CurrentPrincipal, today: Today, data: JSONBody[DeclarationCreate]
    ) -> DeclarationRead:
        row = await services.create_declaration(
            principal, officer_id=data.officer_id, kind=data.kind, made_on=data.made_on,
            categories=data.categories, today=today,
        )
        return DeclarationRead.of(row)

    @get("/")
    async def list(
        self,
        principal: CurrentPrincipal,
        officer_id: FromQuery[int | None] = None,
        acknowledged: FromQuery[bool | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[DeclarationRead]:
        rows, total = await services.list_declarations(
            principal, officer_id=officer_id, acknowledged=acknowledged, limit=limit, offset=offset,
        )
        return Page(items=[DeclarationRead.of(r) for r in rows], total=total)

    @post("/{declaration_id:int}/acknowledge", status_code=200)
    async def acknowledge(
        self, principal: CurrentPrincipal, today: Today, declaration_id: FromPath[int],
        data: JSONBody[DeclarationAcknowledge],
    ) -> DeclarationRead:
        return DeclarationRead.of(await services.acknowledge_declaration(principal, declaration_id, on=data.on,
                                                                          today=today))


ROUTE_HANDLERS: list[type] = [LevelController, ApplicationController, QueueController, DeclarationController]
