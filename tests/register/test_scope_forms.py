"""Scope's three forms agree (register/scope.py): for every principal, the officers `.where` selects through
Piccolo, `.sql()` selects through hand-written SQL and `.allows` admits row by row are one set. A form drifting
from the others would show one officer on a list and refuse them on their own page, or the reverse.
Run on SQLite and, in CI's second run, on PostgreSQL like every service test."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.access import Principal, Role
from core.db import select_rows
from register.officers.officer_list import OFFICER_SQL
from register.scope import Scope
from register.tables import Officer
from tests.factories import VISIBLE, World

UNKNOWN_ID = 999_999  # an id no row has: a principal whose scope names a deleted force, employer, team or officer


async def officers_by_each_form(principal: Principal) -> tuple[set[int], set[int], set[int]]:
    scope = Scope.of(principal)
    query = Officer.select(Officer.id)
    if (clause := scope.where(Officer)) is not None:
        query = query.where(clause)
    by_where = {row["id"] for row in await query}
    sql, args = scope.sql() or ("1 = 1", ())
    by_sql = {row["id"] for row in await select_rows('SELECT o."id" FROM "officer" o WHERE ' + sql, *args)}
    by_allows = {row["id"] for row in await select_rows(OFFICER_SQL) if scope.allows(row)}
    return by_where, by_sql, by_allows


@pytest.mark.parametrize("who", sorted(VISIBLE))
async def test_each_role_sees_the_same_officers_in_every_form(world: World, who: str) -> None:
    expected = {world.officers[key] for key in VISIBLE[who]}
    assert await officers_by_each_form(world.principals[who]) == (expected, expected, expected)


@pytest.fixture
async def session_loop() -> asyncio.AbstractEventLoop:
    """The test session's event loop, which the database belongs to (hypothesis runs the test body synchronously)."""
    return asyncio.get_running_loop()


def principals(world: World) -> st.SearchStrategy[Principal]:
    """Any role with any scope fields over the world, set or not, fitting the role or not, or naming no row."""
    def some(ids: dict[str, int]) -> st.SearchStrategy[int | None]:
        return st.none() | st.sampled_from([*ids.values(), UNKNOWN_ID])

    return st.builds(
        Principal, user_id=st.none(), username=st.just("generated"), role=st.sampled_from(list(Role)),
        force_id=some(world.forces), organisation_id=some(world.orgs),
        team_ids=st.frozensets(st.sampled_from([*world.teams.values(), UNKNOWN_ID])),
        officer_id=some(world.officers),
    )


@settings(max_examples=60, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_generated_principals_see_the_same_officers_in_every_form(
    data: st.DataObject, world: World, session_loop: asyncio.AbstractEventLoop
) -> None:
    principal = data.draw(principals(world))
    by_where, by_sql, by_allows = session_loop.run_until_complete(officers_by_each_form(principal))
    assert by_where == by_sql == by_allows
