"""Reading officers: one officer, or a page of the officers in the caller's scope, filtered and searched, with
the total.

Hand-written SQL (core.db.select_rows), shaped for the indexes of migration register_2026_11_23t10_00_00:
- a page's ids are chosen from the covering `officer_listing` index (list order, with employer, team and
  leaving day), so an offset deep into the list skips index entries, not rows, and only the page's rows are read
  (SQLite's planner picks it given statistics: core.lifecycle.refresh_sqlite_statistics keeps them);
- `q` of three characters or more is looked up in the trigram index (SQLite: the `officer_search` FTS5 table;
  PostgreSQL: a pg_trgm index that ILIKE uses), so a search reads the officers that match, not all of them;
- the total depends on the filters, not on the offset: paging through a list counts once while nothing has been
  committed since (core.cache.UnchangedDatabaseMemo, SQLite only).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.access import Principal
from core.cache import UnchangedDatabaseMemo
from core.db import check_order, is_sqlite, select_rows
from core.errors import CoreErrorCode, NotFound, Violation, raise_if_violations
from register.errors import RegisterErrorCode
from register.officers.rules import OfficerStatus
from register.scope import Scope, require_officer_visible

OFFICER_SQL = (
    'SELECT o."id", o."organisation", o."team", o."staff_number", o."given_name", o."family_name", o."email", '
    'o."started_on", o."left_on", g."force" AS "force_id", t."name" AS "team_name", '
    'g."name" AS "organisation_name" '
    'FROM "officer" o JOIN "organisation" g ON g."id" = o."organisation" LEFT JOIN "team" t ON t."id" = o."team" '
)
LIST_ORDER = 'ORDER BY o."family_name", o."given_name", o."id"'
SEARCHED_COLUMNS = ("given_name", "family_name", "staff_number", "email")
# The trigram index answers substrings of three characters or more; shorter ones are matched row by row.
SHORTEST_INDEXED_SEARCH = 3
_COUNT = 'SELECT COUNT(*) AS "total" FROM "officer" o WHERE '
# The orders a list may be asked for (a page's column headers), each by its key, '-key' for the reverse; ties
# fall back to name order, so a page boundary never splits rows arbitrarily. The default uses the index above.
_BY_NAME = ('o."family_name"', 'o."given_name"', 'o."id"')
OFFICER_ORDERS: dict[str, tuple[str, ...]] = {
    "name": _BY_NAME,
    "staff_number": ('o."staff_number"', 'o."id"'),
    "employer": ('g."name"', *_BY_NAME),
    "team": ('t."name" IS NULL', 't."name"', *_BY_NAME),  # no team last, on SQLite and PostgreSQL alike
    "serving": ('o."left_on" IS NOT NULL', 'o."left_on"', *_BY_NAME),  # serving first, then by leaving day
}
DEFAULT_ORDER = "name"


def _order_by(order: str) -> str:
    check_order(order, OFFICER_ORDERS)
    direction = " DESC" if order.startswith("-") else ""
    return "ORDER BY " + ", ".join(term + direction for term in OFFICER_ORDERS[order.removeprefix("-")])


async def load_officer(officer_id: int) -> dict[str, Any]:
    """The officer's row (employer, force and team names included), unscoped; 404 for an unknown id."""
    rows = await select_rows(OFFICER_SQL + 'WHERE o."id" = {}', officer_id)
    if not rows:
        raise NotFound(RegisterErrorCode.OFFICER_NOT_FOUND, f"No officer with id {officer_id}.")
    return rows[0]


async def get_officer(actor: Principal, officer_id: int) -> dict[str, Any]:
    """The officer if the caller may see them: 404 unknown, 403 outside scope. Other domains call this."""
    row = await load_officer(officer_id)
    require_officer_visible(actor, row)
    return row


def _like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its own % _ and \\ taken literally (ESCAPE '\\')."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _search_condition(text: str) -> tuple[str, tuple[Any, ...]]:
    if is_sqlite() and len(text) >= SHORTEST_INDEXED_SEARCH:
        phrase = '"' + text.replace('"', '""') + '"'  # one FTS5 phrase: the text as typed, as a substring
        return 'o."id" IN (SELECT rowid FROM "officer_search" WHERE "officer_search" MATCH {})', (phrase,)
    like = "LIKE" if is_sqlite() else "ILIKE"  # SQLite's LIKE already ignores ASCII case
    tests = " OR ".join(f'o."{column}" {like} {{}} ESCAPE \'\\\'' for column in SEARCHED_COLUMNS)
    return f"({tests})", (_like_pattern(text),) * len(SEARCHED_COLUMNS)


def officer_conditions(
    actor: Principal, today: dt.date, organisation_id: int | None = None, team_id: int | None = None,
    status: str | None = None, q: str | None = None,
) -> tuple[str, tuple[Any, ...]]:
    """The WHERE clause selecting the officers the actor may see, filtered (on the officer table aliased o), and
    its arguments; status is as it stands on `today`."""
    parts: list[tuple[str, tuple[Any, ...]]] = []
    scope = Scope.of(actor).sql()
    if scope is not None:
        parts.append(scope)
    if organisation_id is not None:
        parts.append(('o."organisation" = {}', (organisation_id,)))
    if team_id is not None:
        parts.append(('o."team" = {}', (team_id,)))
    if status == OfficerStatus.ACTIVE:
        parts.append(('(o."left_on" IS NULL OR o."left_on" > {})', (today,)))
    elif status == OfficerStatus.LEFT:
        parts.append(('o."left_on" <= {}', (today,)))
    elif status is not None:
        raise_if_violations([Violation(CoreErrorCode.INVALID_CHOICE, "status must be active or left.", "status")])
    text = (q or "").strip()
    if text:
        parts.append(_search_condition(text))
    if not parts:
        return "1 = 1", ()
    return " AND ".join(sql for sql, _ in parts), tuple(arg for _, args in parts for arg in args)


async def _count(statement: tuple[str, tuple[Any, ...]]) -> int:
    sql, args = statement
    rows = await select_rows(sql, *args)
    return int(rows[0]["total"])


_totals: UnchangedDatabaseMemo[tuple[str, tuple[Any, ...]], int] = UnchangedDatabaseMemo(_count)


async def list_officers(
    actor: Principal,
    *,
    today: dt.date,
    organisation_id: int | None = None,
    team_id: int | None = None,
    status: str | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
    order: str = DEFAULT_ORDER,
) -> tuple[list[dict[str, Any]], int]:
    """A page of the officers the actor may see, in name order (or `order`, a key of OFFICER_ORDERS), and how
    many there are in all. The database orders and pages: the whole list never comes into Python."""
    ordered_by = _order_by(order)
    where, args = officer_conditions(actor, today, organisation_id, team_id, status, q)
    total = await _totals.get((_COUNT + where, args))
    if total <= offset:
        return [], total
    if order != DEFAULT_ORDER:
        return await select_rows(OFFICER_SQL + "WHERE " + where + " " + ordered_by + " LIMIT {} OFFSET {}",
                                 *args, limit, offset), total
    page = (
        OFFICER_SQL + 'WHERE o."id" IN (SELECT o."id" FROM "officer" o WHERE ' + where + " " + LIST_ORDER
        + " LIMIT {} OFFSET {}) " + LIST_ORDER
    )
    rows = await select_rows(page, *args, limit, offset)
    return rows, total
