"""The authorisation matrix (issue 9): every route, every role (and anonymous), a record in and
out of scope.

The expectation table is tests/security/matrix.py (CASES, PAGE_CASES, EXCLUDED). A route the app serves that
has no entry there fails test_every_route_is_in_the_table, so a new endpoint cannot slip in unlisted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar

from tests.security import matrix
from tests.security.matrix import Ctx

CELLS = matrix.cells()


@pytest.fixture(autouse=True)
async def clean_database(database: None) -> AsyncIterator[None]:
    """Replaces conftest's per-test reset in this module only: the world is built once (matrix_ctx) and put back
    as it was before any test that finds it changed (pristine)."""
    yield


@pytest.fixture(scope="module")
async def matrix_ctx(database: None) -> AsyncIterator[Ctx]:
    ctx = await matrix.build_ctx()
    yield ctx
    assert ctx.snapshot is not None
    await ctx.snapshot.drop()


@pytest.fixture(autouse=True)
async def pristine(matrix_ctx: Ctx) -> None:
    assert matrix_ctx.snapshot is not None
    await matrix_ctx.snapshot.restore_if_changed()


def _served_routes(app: Litestar) -> set[tuple[str, str]]:
    served = set()
    for route in app.routes:
        for handler in route.route_handlers:  # type: ignore[union-attr]
            for method in getattr(handler, "http_methods", ()):
                if method not in matrix.EXCLUDED_METHODS:
                    served.add((method, route.path))
    return served


def test_every_route_is_in_the_table(app: Litestar) -> None:
    served = _served_routes(app)
    listed = {case.key for case in matrix.ALL_CASES}
    unlisted = sorted(served - listed - set(matrix.EXCLUDED))
    assert not unlisted, f"routes with no entry in the authorisation matrix: {unlisted}"
    stale = sorted((listed | set(matrix.EXCLUDED)) - served)
    assert not stale, f"matrix entries for routes the app no longer serves: {stale}"


def test_every_cell_is_named_once() -> None:
    ids = [cell.id for cell in CELLS]
    assert len(ids) == len(set(ids))
    assert {cell.who for cell in CELLS} == set(matrix.CALLERS)


@pytest.mark.parametrize("cell", CELLS, ids=[cell.id for cell in CELLS])
async def test_authorisation(client: httpx.AsyncClient, matrix_ctx: Ctx, cell: matrix.Cell) -> None:
    problems = await matrix.run_cell(client, matrix_ctx, cell)
    assert not problems, f"{cell.id}:\n" + matrix.dumps(problems)


LIST_CASES = [case for case in matrix.ALL_CASES if case.scope == matrix.LIST and case.leaks == matrix.OFFICER_LEAKS]


@pytest.mark.parametrize("case", LIST_CASES, ids=[case.name for case in LIST_CASES])
async def test_leak_checks_can_see_a_leak(client: httpx.AsyncClient, matrix_ctx: Ctx, case: matrix.Case) -> None:
    """The leak checks above look for other officers' names, records and ids: each list, as admin sees it, shows
    some, so their absence from a narrower caller's answer means something."""
    response = await matrix.call(client, matrix_ctx, matrix.Cell(case, "admin", "in"))
    assert response.status_code == 200
    others = [key for key in matrix.RECORD_OFFICERS if key != matrix.IN_OFFICER]
    text = matrix.text_of(response)
    body = matrix.json_of(response)
    ids = matrix.officer_refs(body) if body is not None else set()
    assert any(m in text for key in others for m in matrix.markers(key)) or \
        any(matrix_ctx.officer(key) in ids for key in others)


EVERY_FORCE_CASES = [case for case in matrix.ALL_CASES if case.allowed is matrix.EVERY_FORCE]


def test_every_force_settings_are_in_the_table() -> None:
    keys = {case.key for case in EVERY_FORCE_CASES}
    assert {("PUT", "/api/policy"), ("PATCH", "/api/vetting/levels/{code:str}"),
            ("PATCH", "/api/training/modules/{code:str}"), ("PUT", "/api/training/prerequisites"),
            ("POST", "/admin/policy/lead-times")} <= keys


@pytest.mark.parametrize("who", ["coord_a", matrix.COORD_B])
@pytest.mark.parametrize("case", EVERY_FORCE_CASES, ids=[case.name for case in EVERY_FORCE_CASES])
async def test_no_coordinator_changes_what_every_force_shares(client: httpx.AsyncClient, matrix_ctx: Ctx,
                                                              case: matrix.Case, who: str) -> None:
    """The world serves forces A and B: each force's coordinator is refused, saying why and who can."""
    assert len(matrix_ctx.world.forces) == 2
    before = await matrix.fingerprint()
    response = await matrix.call(client, matrix_ctx, matrix.Cell(case, who, "-"))
    assert response.status_code == 403, response.text
    assert "only an administrator can change it" in response.text
    if not case.page:
        assert response.json()["code"] == "policy_spans_forces"
    assert await matrix.fingerprint() == before
