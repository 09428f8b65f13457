"""Recording many kit issues at once (imports), all or nothing, through issue_kit so every row meets the same
checks, scope and audit as the API.

An issue already on the register is passed over (unchanged), so importing the same sheet twice changes nothing:
an issue with a serial number is known by its officer, kit type and serial (in any case); one without, by its
officer, kit type and day of issue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.access import Principal
from core.batch import Applied, Outcome, apply_all
from core.db import EVERYTHING
from register.kit import services as kit


@dataclass(frozen=True)
class KitIssueRow:
    """One kit issue: the fields of issue_kit."""

    officer_id: int
    kit_type_code: str
    issued_on: dt.date
    serial_number: str = ""
    size: str = ""
    manufactured_on: dt.date | None = None


def _key(officer_id: int, code: str, serial: str | None, issued_on: dt.date | None) -> tuple[Any, ...]:
    return (officer_id, code, "serial", serial.strip().lower()) if serial and serial.strip() \
        else (officer_id, code, "issued", issued_on)


async def record_kit_issues(actor: Principal, items: Sequence[KitIssueRow], *,
                            commit: bool = True) -> list[Outcome]:
    """Each item's outcome, in order; writes all or nothing (core.batch.apply_all)."""
    issues, _ = await kit.list_kit_issues(actor, limit=EVERYTHING)
    known = {_key(i["officer_id"], i["kit_type_code"], i["serial_number"], i["issued_on"]) for i in issues}

    async def apply(item: KitIssueRow) -> Applied:
        key = _key(item.officer_id, item.kit_type_code, item.serial_number, item.issued_on)
        if key in known:
            return "unchanged"
        await kit.issue_kit(actor, officer_id=item.officer_id, kit_type_code=item.kit_type_code,
                            issued_on=item.issued_on, serial_number=item.serial_number or None, size=item.size,
                            manufactured_on=item.manufactured_on)
        known.add(key)
        return "created"

    return await apply_all(items, apply, commit=commit)
