"""Recording many clearances at once (imports), all or nothing, through the single-record use cases: each
clearance is an application walked through submitted, in progress and granted on the days the sheet gives, so
every row meets the same checks, scope and audit as the API.

A clearance already on the register (same officer, level and day granted) is passed over (unchanged), so
importing the same sheet twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from core.access import Principal
from core.batch import Applied, Outcome, apply_all
from core.db import EVERYTHING
from vetting import rules, services


@dataclass(frozen=True)
class ClearanceRow:
    """One granted clearance. expires_on None: the level's renewal period decides."""

    officer_id: int
    level_code: str
    requested_on: dt.date
    granted_on: dt.date
    expires_on: dt.date | None = None
    force_reference: str | None = None


# Said in the audit trail when the sheet's expiry differs from the one the level's renewal period gives.
IMPORTED_EXPIRY_REASON = "expiry as recorded on the imported clearance"


async def record_clearances(actor: Principal, items: Sequence[ClearanceRow], *, today: dt.date,
                            commit: bool = True) -> list[Outcome]:
    """Each item's outcome, in order; writes all or nothing (core.batch.apply_all). The rows' own dates are
    checked by rules.check_imported_clearance, which the caller runs as it reads them."""
    renewal_months = {level["code"]: level["renewal_months"] for level in await services.list_levels()}
    applications, _ = await services.list_applications(actor, as_of=today, limit=EVERYTHING)
    known = {(a["officer"], a["level_code"], a["granted_on"]) for a in applications if a["granted_on"]}

    async def apply(item: ClearanceRow) -> Applied:
        key = (item.officer_id, item.level_code, item.granted_on)
        if key in known:
            return "unchanged"
        application = await services.create_application(  # refuses an unknown level before it is looked up
            actor, officer_id=item.officer_id, level_code=item.level_code, requested_on=item.requested_on,
            today=today)
        computed = rules.compute_expiry(item.granted_on, renewal_months[item.level_code])
        await services.record_event(actor, application["id"], status="submitted", on=item.requested_on,
                                    force_reference=item.force_reference, today=today)
        await services.record_event(actor, application["id"], status="in_progress", on=item.requested_on,
                                    today=today)
        override = item.expires_on is not None and item.expires_on != computed
        await services.record_event(
            actor, application["id"], status="granted", on=item.granted_on, today=today,
            expires_on=item.expires_on if override else None,
            expiry_override_reason=IMPORTED_EXPIRY_REASON if override else None)
        known.add(key)
        return "created"

    return await apply_all(items, apply, commit=commit)
