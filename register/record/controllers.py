from __future__ import annotations

import msgspec
from litestar import get
from litestar.params import FromPath

from core.http import ApiController, CurrentPrincipal, Day
from register.record import services as record
from register.record.schemas import OfficerRecordRead


class OfficerRecordController(ApiController):
    path = "/api/officers/{officer_id:int}/record"
    tags = ["register"]

    @get("/")
    async def get(self, principal: CurrentPrincipal, day: Day, officer_id: FromPath[int]) -> OfficerRecordRead:
        return msgspec.convert(await record.officer_record(principal, officer_id, day), OfficerRecordRead)
