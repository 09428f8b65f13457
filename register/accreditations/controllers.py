from __future__ import annotations

from typing import Any

import msgspec
from litestar import get, post
from litestar.params import FromPath, FromQuery, JSONBody

from core.http import ApiController, CurrentPrincipal, Day, Limit, Offset, Page, Today
from register import leaving
from register.accreditations import services as accreditations
from register.accreditations.schemas import (
    AccreditationChange,
    AccreditationCreate,
    AccreditationRead,
    PowerDesignate,
)


def _read(row: dict[str, Any]) -> AccreditationRead:
    return msgspec.convert(row, AccreditationRead)


class AccreditationController(ApiController):
    path = "/api/accreditations"
    tags = ["accreditations"]

    @post("/")
    async def create(
        self, principal: CurrentPrincipal, today: Today, data: JSONBody[AccreditationCreate]
    ) -> AccreditationRead:
        return _read(await accreditations.grant_accreditation(
            principal, officer_id=data.officer_id, force_id=data.force_id, number=data.number,
            granted_on=data.granted_on, expires_on=data.expires_on, power_codes=data.power_codes,
            conditions=data.conditions, today=today,
        ))

    @get("/")
    async def list(
        self,
        principal: CurrentPrincipal,
        day: Day,
        officer_id: FromQuery[int | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[AccreditationRead]:
        rows, total = await accreditations.list_accreditations(
            principal, today=day, officer_id=officer_id, limit=limit, offset=offset
        )
        return Page(items=[_read(r) for r in rows], total=total)

    @get("/{accreditation_id:int}")
    async def get(
        self, principal: CurrentPrincipal, day: Day, accreditation_id: FromPath[int]
    ) -> AccreditationRead:
        return _read(await accreditations.get_accreditation(principal, accreditation_id, day))

    @post("/{accreditation_id:int}/suspend", status_code=200)
    async def suspend(
        self, principal: CurrentPrincipal, today: Today, accreditation_id: FromPath[int],
        data: JSONBody[AccreditationChange],
    ) -> AccreditationRead:
        return _read(await accreditations.suspend_accreditation(principal, accreditation_id, data.on, data.reason,
                                                                today))

    @post("/{accreditation_id:int}/reinstate", status_code=200)
    async def reinstate(
        self, principal: CurrentPrincipal, today: Today, accreditation_id: FromPath[int],
        data: JSONBody[AccreditationChange],
    ) -> AccreditationRead:
        return _read(await accreditations.reinstate_accreditation(principal, accreditation_id, data.on,
                                                                  data.reason, today))

    @post("/{accreditation_id:int}/withdraw", status_code=200)
    async def withdraw(
        self, principal: CurrentPrincipal, today: Today, accreditation_id: FromPath[int],
        data: JSONBody[AccreditationChange],
    ) -> AccreditationRead:
        return _read(await leaving.withdraw_accreditation(principal, accreditation_id, data.on, data.reason, today))

    @post("/{accreditation_id:int}/powers")
    async def designate(
        self, principal: CurrentPrincipal, today: Today, accreditation_id: FromPath[int],
        data: JSONBody[PowerDesignate],
    ) -> AccreditationRead:
        return _read(await accreditations.designate_power(principal, accreditation_id, data.code,
                                                          data.granted_on, today))

    @post("/{accreditation_id:int}/powers/{code:str}/withdraw", status_code=200)
    async def withdraw_power(
        self, principal: CurrentPrincipal, today: Today, accreditation_id: FromPath[int], code: FromPath[str],
        data: JSONBody[AccreditationChange],
    ) -> AccreditationRead:
        return _read(await accreditations.withdraw_power(principal, accreditation_id, code, data.on, data.reason,
                                                         today))
