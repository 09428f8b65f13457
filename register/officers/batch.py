"""Recording many officers at once (imports), all or nothing, through the single-record use cases
(create_officer, update_officer) so every row meets the same checks, scope and audit as the API.

An officer is known by their staff number within their employer: a row for one already on the register updates
only the fields whose value changed (none changed: unchanged), so importing the same sheet twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.access import Principal
from core.batch import Applied, Outcome, apply_all
from core.db import EVERYTHING
from register.officers import services


@dataclass(frozen=True)
class OfficerRow:
    """One officer to create or update. team_id None: no team given, so a new officer has none and an existing
    one keeps theirs (a blank team cell must not take officers out of their teams)."""

    organisation_id: int
    staff_number: str
    given_name: str
    family_name: str
    email: str
    started_on: dt.date
    team_id: int | None = None


def _key(organisation_id: int, staff_number: str) -> tuple[int, str]:
    return organisation_id, staff_number.lower()  # staff numbers are matched as people type them, in any case


async def record_officers(actor: Principal, items: Sequence[OfficerRow], *, today: dt.date,
                          commit: bool = True) -> list[Outcome]:
    """Each item's outcome, in order; writes all or nothing (core.batch.apply_all)."""
    officers, _ = await services.list_officers(actor, today=today, limit=EVERYTHING)
    known: dict[tuple[int, str], dict[str, Any]] = {}
    for officer in officers:
        known.setdefault(_key(officer["organisation"], officer["staff_number"]), officer)

    async def apply(item: OfficerRow) -> Applied:
        existing = known.get(_key(item.organisation_id, item.staff_number))
        if existing is None:
            created = await services.create_officer(
                actor, organisation_id=item.organisation_id, team_id=item.team_id, staff_number=item.staff_number,
                given_name=item.given_name, family_name=item.family_name, email=item.email,
                started_on=item.started_on)
            known.setdefault(_key(created["organisation"], created["staff_number"]), created)
            return "created"
        current = {"staff_number": existing["staff_number"], "given_name": existing["given_name"],
                   "family_name": existing["family_name"], "email": existing["email"],
                   "started_on": existing["started_on"], "team_id": existing["team"]}
        wanted = {"staff_number": item.staff_number, "given_name": item.given_name,
                  "family_name": item.family_name, "email": item.email, "started_on": item.started_on,
                  "team_id": current["team_id"] if item.team_id is None else item.team_id}
        changes = {name: value for name, value in wanted.items() if current[name] != value}
        if not changes:
            return "unchanged"
        await services.update_officer(actor, existing["id"], changes)
        return "updated"

    return await apply_all(items, apply, commit=commit)
