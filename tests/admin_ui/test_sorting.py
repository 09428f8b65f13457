"""Sorting a paged table sorts the whole list, not the page shown (issue 19): the officer list and the vetting
queue order in SQL by the header's key, keep the filters in every header and paging link, and say the order in
aria-sort."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from httpx import AsyncClient

from core.clock import business_today
from core.errors import DomainError
from register.officers.services import list_officers
from tests.admin_ui.test_pages_common import sign_in
from tests.factories import World
from vetting import services as vetting


async def _names_in_pages(world: World, order: str) -> list[str]:
    """Every officer the admin sees, fetched three at a time in `order`."""
    seen: list[str] = []
    for offset in range(0, 9, 3):
        rows, total = await list_officers(world.principals["admin"], today=business_today(), limit=3, offset=offset,
                                          order=order)
        assert total == 8
        seen += [r["family_name"] for r in rows]
    return seen


async def test_each_page_holds_its_share_of_the_whole_list_in_order(world: World) -> None:
    by_name = await _names_in_pages(world, "name")
    assert by_name == sorted(by_name) and len(set(by_name)) == 8
    assert await _names_in_pages(world, "-name") == by_name[::-1]
    by_employer = await _names_in_pages(world, "-employer")
    assert by_employer[:2] == ["OfficerB1A2", "OfficerB1A1"]  # Council B1 first; the reverse reverses ties too
    with pytest.raises(DomainError):
        await list_officers(world.principals["admin"], today=business_today(), order="readiness")


async def test_the_officer_list_headers_sort_keeping_the_search(client: AsyncClient, world: World) -> None:
    await sign_in(client, "coord_a")
    page = await client.get("/officers", params={"q": "Officer", "sort": "-staff_number"})
    assert page.status_code == 200
    text = html.unescape(page.text)
    names = re.findall(r'href="/officers/\d+">Alex (\w+)</a>', text)
    assert names == ["OfficerA2A2", "OfficerA2A1", "OfficerA1B2", "OfficerA1B1", "OfficerA1A2", "OfficerA1A1"]
    assert '<th scope="col" class="govuk-table__header" aria-sort="descending"><a class="govuk-link csas-sort-link" ' \
           'href="/officers?q=Officer&sort=staff_number">Staff number' in text
    assert 'aria-sort="none"><a class="govuk-link csas-sort-link" href="/officers?q=Officer&sort=name">Name' in text
    assert '<input type="hidden" id="sort-kept" name="sort" value="-staff_number">' in text
    # An order the list does not know is its default order, not an error.
    assert (await client.get("/officers", params={"sort": "nonsense"})).status_code == 200


async def test_the_vetting_queue_sorts_by_officer_keeping_the_status_filter(client: AsyncClient, world: World) -> None:
    day = business_today()
    for officer in ("A1b-2", "A1a-1", "A2a-1"):
        app = await vetting.create_application(world.principals["vet_a"], officer_id=world.officers[officer],
                                               level_code="NPPV2A", requested_on=day - dt.timedelta(days=9),
                                               today=day)
        await vetting.record_event(world.principals["vet_a"], app["id"], status="submitted",
                                   on=day - dt.timedelta(days=5), today=day)
    await sign_in(client, "vet_a")
    page = html.unescape((await client.get("/vetting", params={"status": "submitted", "sort": "-officer"})).text)
    assert re.findall(r"<td class=\"govuk-table__cell\">Alex (\w+)<br>", page) == [
        "OfficerA2A1", "OfficerA1B2", "OfficerA1A1"]
    assert 'aria-sort="descending"><a class="govuk-link csas-sort-link" href="/vetting?status=submitted&sort=officer"' \
        in page
    assert "Non-police personnel vetting 2 (abbreviated)" in page and ">NPPV2A<" not in page
