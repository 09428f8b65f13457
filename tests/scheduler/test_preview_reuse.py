"""The policy preview keeps officers' facts between previews (scheduler.fact_cache): a second preview loads only
officers whose facts changed, and still shows every change made in between, by whatever path it was made."""

from __future__ import annotations

import datetime as dt

from httpx import AsyncClient

from scheduler import outlook
from scheduler.fact_cache import FactCache, previews
from scheduler.policy_store import load_catalogue
from tests.scheduler.scenario import _ok, build_team
from tests.scheduler.test_policy_preview import _keys, _pass, _preview


async def test_a_record_changed_between_two_previews_shows_in_the_second(client: AsyncClient) -> None:
    team = await build_team(client)
    first = team.officer_ids[0]
    prerequisites = (await client.get("/api/policy", headers=team.world.auth("admin"))).json()["power_prerequisites"]
    body = {"power_prerequisites": [*prerequisites, {"power_code": "NA_ASB", "module_code": "PERSONAL_SAFETY"}]}
    before = await _preview(client, team, body)
    assert (first, "NA_ASB", "2024-12-31") in _keys(before["added"])  # never passed it: lapses at once
    loaded = previews.loaded
    assert await _preview(client, team, body) == before
    assert previews.loaded == loaded  # nothing changed: nobody loaded again
    await _pass(client, team, first, "PERSONAL_SAFETY", "2024-03-01")  # 12 months: expires 1 March 2025
    after = await _preview(client, team, body)
    assert previews.loaded == loaded + 1  # the officer whose record changed, only
    assert (first, "NA_ASB", "2025-02-28") in _keys(after["added"])
    assert (first, "NA_ASB", "2024-12-31") not in _keys(after["added"])
    others = [row for row in after["added"] if row["officer_id"] != first]
    assert others == [row for row in before["added"] if row["officer_id"] != first]


async def test_a_policy_saved_between_two_previews_is_the_current_side_of_the_second(client: AsyncClient) -> None:
    team = await build_team(client)
    before = await _preview(client, team, {"lead_times": {"vetting": 240}})
    assert (before["current"]["overdue_steps"], before["proposed"]["overdue_steps"]) == (0, 5)
    await _ok(await client.put("/api/policy", json={"lead_times": {"vetting": 240}},
                               headers=team.world.auth("admin")), 200)
    after = await _preview(client, team, {"lead_times": {"vetting": 239}})
    assert (after["current"]["overdue_steps"], after["proposed"]["overdue_steps"]) == (5, 5)
    assert after["overdue"] == {"added": [], "removed": []}


async def test_the_cache_gives_only_the_officers_asked_for_and_keeps_at_most_its_bound(client: AsyncClient) -> None:
    """Scoping stays with the caller's id list: officers held for an earlier, wider request are not handed out."""
    ids = (await build_team(client)).officer_ids
    day = dt.date(2025, 1, 1)
    stamp = await outlook.catalogue_stamp()
    catalogue = await load_catalogue()
    cache = FactCache(max_officers=3)

    async def ask(officer_ids: list[int]) -> set[int]:
        return {officer_id async for batch in cache.batches(officer_ids, day, stamp, catalogue)
                for officer_id in batch}

    assert await ask(ids) == set(ids)
    assert (cache.loaded, len(cache)) == (5, 3)  # the last three asked for are kept
    assert await ask(ids[3:]) == set(ids[3:]) and cache.loaded == 5
    assert await ask(ids[:1]) == {ids[0]} and cache.loaded == 6
    assert await ask([]) == set()
