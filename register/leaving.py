"""An officer's accreditation coming to an end, and what follows for their kit: the one module that ties officers,
accreditations and kit together (each of those three knows nothing of the others' writes).

Leaving ends every accreditation that day and opens recovery of the ID card and badge; withdrawing an
accreditation opens that recovery too unless another accreditation is in force for the officer that day.
Each is one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.access import Principal
from core.db import write_transaction
from register.accreditations import services as accreditations
from register.kit import services as kit
from register.officers import services as officers


async def record_leaving(actor: Principal, officer_id: int, left_on: dt.date) -> dict[str, Any]:
    """Marks the officer as leaving on left_on. In the same transaction their accreditations end that day and
    recovery of their ID card and badge opens."""
    async with write_transaction():
        after = await officers.mark_officer_left(actor, officer_id, left_on)
        await accreditations.end_for_leaving(actor, officer_id, left_on)
        await kit.open_recovery_tasks(actor, officer_id, left_on, accreditations.LEFT_REASON)
    return after


async def withdraw_accreditation(actor: Principal, accreditation_id: int, on: dt.date, reason: str,
                                 today: dt.date) -> dict[str, Any]:
    """Withdraws it from `on`; the ID card and badge are to be recovered unless another accreditation is in
    force for the officer that day."""
    async with write_transaction():
        after = await accreditations.end_by_withdrawal(actor, accreditation_id, on, reason, today)
        if not await accreditations.has_accreditation_in_force(after["officer_id"], on):
            await kit.open_recovery_tasks(actor, after["officer_id"], on, f"accreditation {after['number']} withdrawn")
    return after
