from __future__ import annotations

from typing import Any

import msgspec
from litestar import get, post
from litestar.params import FromPath, FromQuery, JSONBody

from core.http import ApiController, CurrentPrincipal, Limit, Offset, Page
from register.kit import services as kit
from register.kit.schemas import (
    KitInspectionCreate,
    KitIssueCreate,
    KitIssueRead,
    KitReturn,
    KitTypeRead,
)


def _read(row: dict[str, Any]) -> KitIssueRead:
    return msgspec.convert(row, KitIssueRead)


class KitTypeController(ApiController):
    path = "/api/kit/types"
    tags = ["catalogues"]

    @get("/")
    async def list(self, principal: CurrentPrincipal) -> Page[KitTypeRead]:
        rows = await kit.list_kit_types()
        return Page(items=[msgspec.convert({k: v for k, v in r.items() if k != "id"}, KitTypeRead) for r in rows],
                    total=len(rows))


class KitIssueController(ApiController):
    path = "/api/kit/issues"
    tags = ["kit"]

    @post("/")
    async def create(self, principal: CurrentPrincipal, data: JSONBody[KitIssueCreate]) -> KitIssueRead:
        return _read(await kit.issue_kit(
            principal, officer_id=data.officer_id, kit_type_code=data.kit_type_code, issued_on=data.issued_on,
            serial_number=data.serial_number, size=data.size, manufactured_on=data.manufactured_on,
            condition=data.condition,
        ))

    @get("/")
    async def list(
        self,
        principal: CurrentPrincipal,
        officer_id: FromQuery[int | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[KitIssueRead]:
        rows, total = await kit.list_kit_issues(principal, officer_id=officer_id, limit=limit, offset=offset)
        return Page(items=[_read(r) for r in rows], total=total)

    @get("/{issue_id:int}")
    async def get(self, principal: CurrentPrincipal, issue_id: FromPath[int]) -> KitIssueRead:
        return _read(await kit.get_kit_issue(principal, issue_id))

    @post("/{issue_id:int}/return", status_code=200)
    async def return_item(
        self, principal: CurrentPrincipal, issue_id: FromPath[int], data: JSONBody[KitReturn]
    ) -> KitIssueRead:
        return _read(await kit.return_kit(principal, issue_id, data.returned_on, data.condition))

    @post("/{issue_id:int}/inspections")
    async def inspect(
        self, principal: CurrentPrincipal, issue_id: FromPath[int], data: JSONBody[KitInspectionCreate]
    ) -> KitIssueRead:
        return _read(await kit.inspect_kit(principal, issue_id, data.inspected_on, data.condition))
