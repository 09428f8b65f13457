"""The officer list (register/officers/officer_list.py): search matches what a person typed, on both of its paths (the
trigram index from three characters, row by row below); the search index follows every change to officers;
paging and totals agree with the whole list, also straight after a write; pages are chosen from the index."""

import datetime as dt

import pytest
from httpx import AsyncClient

from core.db import EVERYTHING, get_engine, is_sqlite, select_rows
from register.leaving import record_leaving
from register.officers import services
from register.officers.officer_list import LIST_ORDER, SHORTEST_INDEXED_SEARCH
from tests.factories import SYSTEM, World, make_officer

ODD_NAMES = (
    ("ODD1", "Siobhán", "O'Brien", "s.obrien@council.example"),
    ("ODD2", "Zoë", "Ångström", "zoe.a@council.example"),
    ("ODD3", "Per", "100%_Sure", "per_cent@council.example"),
    ("ODD4", "Back", "Slash\\Name", "back@council.example"),
    ("ODD5", 'Jo "JJ"', "Quoted", "jj@council.example"),
    ("ODD6", "Ann", "Annan-Smith", "ann.annan@council.example"),
)
SEARCHES = (
    "o'b", "O'BRIEN", "siob", "ån", "ångström", "ÅNGSTRÖM", "zoë", "100%", "%", "_", "0%_s", "\\", "slash\\",
    '"jj"', '"', "an", "ann", "ANNAN-", "council.example", "odd", "d5", "nobody here", "x", "A1A",
)


async def _odd_world(world: World) -> dict[int, tuple[str, ...]]:
    for staff_number, given, family, email in ODD_NAMES:
        await make_officer(world.orgs["A1"], world.teams["A1a"], staff_number, given_name=given,
                           family_name=family, email=email)
    rows = await select_rows('SELECT "id", "given_name", "family_name", "staff_number", "email" FROM "officer"')
    return {row["id"]: (row["given_name"], row["family_name"], row["staff_number"], row["email"]) for row in rows}


def _expected(officers: dict[int, tuple[str, ...]], text: str) -> set[int]:
    needle = text.strip().casefold()
    return {officer_id for officer_id, values in officers.items()
            if any(needle in value.casefold() for value in values)}


@pytest.mark.parametrize("text", SEARCHES)
async def test_search_matches_the_text_anywhere_ignoring_case(client: AsyncClient, world: World, text: str) -> None:
    officers = await _odd_world(world)
    if not text.isascii() and len(text.strip()) < SHORTEST_INDEXED_SEARCH and is_sqlite():
        pytest.skip("SQLite's LIKE folds ASCII case only; the trigram index folds all")
    body = (await client.get("/api/officers", params={"q": text, "limit": 500}, headers=world.auth("admin"))).json()
    assert {o["id"] for o in body["items"]} == _expected(officers, text)
    assert body["total"] == len(body["items"])


async def test_search_is_scoped(client: AsyncClient, world: World) -> None:
    body = (await client.get("/api/officers", params={"q": "council.example"}, headers=world.auth("hr_a1"))).json()
    assert {o["staff_number"] for o in body["items"]} == {"A1A1", "A1A2", "A1B1", "A1B2"}


async def test_the_search_index_follows_every_change(client: AsyncClient, world: World) -> None:
    auth = world.auth("admin")
    officer_id = world.officers["A1a-1"]
    patched = await client.patch(f"/api/officers/{officer_id}", json={"family_name": "Quennell", "email": "q@x.org"},
                                 headers=auth)
    assert patched.status_code == 200, patched.text
    assert [o["id"] for o in (await client.get("/api/officers?q=quenn", headers=auth)).json()["items"]] == [officer_id]
    assert (await client.get("/api/officers?q=OfficerA1A1", headers=auth)).json()["total"] == 0
    await get_engine().run_ddl(f'DELETE FROM "officer" WHERE "id" = {world.officers["B1a-2"]}')
    if is_sqlite():  # the FTS5 table holds its own copy: it must equal the officer table, row for row
        indexed = await select_rows(
            'SELECT rowid AS "id", "given_name", "family_name", "staff_number", "email" FROM "officer_search" '
            'ORDER BY rowid')
        stored = await select_rows(
            'SELECT "id", "given_name", "family_name", "staff_number", "email" FROM "officer" ORDER BY "id"')
        assert indexed == stored


async def test_pages_and_totals_agree_with_the_whole_list(client: AsyncClient, world: World) -> None:
    auth = world.auth("coord_a")
    whole = (await client.get("/api/officers?limit=500", headers=auth)).json()
    names = [(o["family_name"], o["given_name"], o["id"]) for o in whole["items"]]
    assert names == sorted(names) and whole["total"] == 6
    pages = [(await client.get(f"/api/officers?limit=4&offset={offset}", headers=auth)).json()
             for offset in (0, 4, 6, 99)]
    assert [o["id"] for page in pages for o in page["items"]] == [o["id"] for o in whole["items"]]
    assert {page["total"] for page in pages} == {6}
    await make_officer(world.orgs["A2"], None, "LATE1", family_name="Aardvark")
    after = (await client.get("/api/officers?limit=1", headers=auth)).json()
    assert after["total"] == 7 and after["items"][0]["family_name"] == "Aardvark"


@pytest.mark.parametrize(("status", "expected"), [("active", 7), ("left", 1), (None, 8)])
async def test_status_counts_the_leaving_day_as_left(client: AsyncClient, world: World, status, expected) -> None:
    await record_leaving(SYSTEM, world.officers["B1a-1"], dt.date(2025, 6, 30))
    params = {"status": status} if status else {}
    body = (await client.get("/api/officers", params=params, headers=world.auth("admin"))).json()
    assert body["total"] == expected


async def test_everyone_when_the_limit_is_everything(world: World) -> None:
    rows, total = await services.list_officers(SYSTEM, today=dt.date(2026, 1, 1), limit=EVERYTHING)
    assert len(rows) == total == len(world.officers)


async def test_the_listing_index_covers_a_walk_in_list_order(world: World) -> None:
    """For a wide scope the planner walks the listing index (given statistics, see test_sqlite_engine): that walk
    reads no officer row and sorts nothing, because the index is in list order and holds what scope and the
    filters test."""
    if is_sqlite():
        walk = ('SELECT o."id" FROM "officer" o INDEXED BY "officer_listing" WHERE o."organisation" IN '
                f'(SELECT "id" FROM "organisation" WHERE "force" = {world.forces["A"]}) AND o."team" = 1 AND '
                f'(o."left_on" IS NULL OR o."left_on" > \'2026-01-01\') {LIST_ORDER} LIMIT 50 OFFSET 300')
        plan = " ".join(str(row["detail"]) for row in await select_rows("EXPLAIN QUERY PLAN " + walk))
        assert "COVERING INDEX officer_listing" in plan and "TEMP B-TREE" not in plan, plan
    else:
        rows = await select_rows("SELECT indexdef FROM pg_indexes WHERE indexname = 'officer_listing'")
        assert "(family_name, given_name, id, organisation, team, left_on)" in rows[0]["indexdef"]
