"""Officers in scope for the scheduler's judgements: the scoped id lists, and one officer's employment row read
with the check that the caller may see it (the batch reads are register.facts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.access import Principal
from core.db import select_rows
from core.errors import NotFound
from register.errors import RegisterErrorCode
from register.facts import EMPLOYMENT_SQL
from register.officers.officer_list import officer_conditions
from register.officers.rules import OfficerStatus
from register.scope import require_officer_visible
from register.tables import Power


async def visible_employment(actor: Principal, officer_id: int) -> dict[str, Any]:
    """One officer's employment facts, read with the same query that checks scope (as get_officer: 404 unknown,
    403 outside scope): the single-officer judgements need no separate get_officer round trip."""
    rows = await select_rows(EMPLOYMENT_SQL + 'o."id" = {}', officer_id)
    if not rows:
        raise NotFound(RegisterErrorCode.OFFICER_NOT_FOUND, f"No officer with id {officer_id}.")
    require_officer_visible(actor, rows[0])
    return rows[0]


def scoped_officers_sql(
    actor: Principal, organisation_id: int | None = None, team_id: int | None = None,
    active_on: dt.date | None = None,
) -> tuple[str, tuple[Any, ...]]:
    """SELECT of the ids of the officers the actor may see, optionally narrowed to an employer or a team, or to
    officers still serving on `active_on`, with its arguments (`{}` placeholders): run it (scoped_officer_ids), or
    use it as a subquery in another domain's query (Piccolo's WhereRaw takes the same placeholders) so its rows
    are scoped in the database."""
    where, args = officer_conditions(actor, active_on or dt.date.min, organisation_id, team_id,
                                     OfficerStatus.ACTIVE if active_on is not None else None)
    return 'SELECT o."id" FROM "officer" o WHERE ' + where, args


async def scoped_officer_ids(
    actor: Principal, organisation_id: int | None = None, team_id: int | None = None,
    active_on: dt.date | None = None,
) -> list[int]:
    """Ids of the officers scoped_officers_sql selects, in id order."""
    sql, args = scoped_officers_sql(actor, organisation_id, team_id, active_on)
    return [row["id"] for row in await select_rows(sql + ' ORDER BY o."id"', *args)]


async def traffic_power_codes() -> frozenset[str]:
    return frozenset(row["code"] for row in await Power.select(Power.code).where(Power.is_traffic.eq(True)))
