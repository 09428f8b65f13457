"""The coordinator's downloads: the compliance pack and every export linked with its format, the links working
with the session cookie; the ID card from the officer's record; refused to roles the page is not for."""

from __future__ import annotations

import re

import pytest
from httpx import AsyncClient

from admin_ui.pages_downloads import EXPORTS
from reports.exports import DATASETS
from tests.admin_ui.test_pages_common import sign_in
from tests.factories import World


def test_every_export_has_a_line_on_the_page() -> None:
    assert set(EXPORTS) == set(DATASETS)


@pytest.mark.parametrize("who", ["coord_a", "admin"])
async def test_the_downloads_page_links_the_pack_and_every_export(client: AsyncClient, world: World,
                                                                  who: str) -> None:
    await sign_in(client, who)
    landing = await client.get("/forecast" if who == "coord_a" else "/admin")
    assert 'href="/downloads"' in landing.text
    page = await client.get("/downloads")
    assert page.status_code == 200
    for dataset in DATASETS:
        assert f'href="/api/exports/{dataset}.csv"' in page.text
        assert f'href="/api/exports/{dataset}.xlsx"' in page.text
    assert 'href="/api/reports/compliance-pack.pdf"' in page.text
    assert f'href="/api/reports/compliance-pack.pdf?organisation_id={world.orgs["A1"]}"' in page.text
    assert "(CSV)" in page.text and "(Excel)" in page.text and "(PDF)" in page.text


async def test_the_links_answer_with_the_session_cookie(client: AsyncClient, world: World) -> None:
    await sign_in(client, "coord_a")
    page = await client.get("/downloads")
    csv = re.search(r'href="(/api/exports/officers\.csv)"', page.text)
    assert csv
    answer = await client.get(csv.group(1))
    assert answer.status_code == 200 and "text/csv" in answer.headers["content-type"]
    assert "A1A1" in answer.text and "B1A1" not in answer.text  # the coordinator's force only


async def test_a_coordinator_downloads_the_id_card_from_the_record(client: AsyncClient, world: World) -> None:
    await sign_in(client, "coord_a")
    officer_id = world.officers["A1a-1"]
    record = await client.get(f"/officers/{officer_id}")
    assert f'href="/api/officers/{officer_id}/card.pdf"' in record.text
    card = await client.get(f"/api/officers/{officer_id}/card.pdf")
    assert card.status_code == 200 and card.content.startswith(b"%PDF")


@pytest.mark.parametrize("who", ["off_a1a1", "vet_a"])
async def test_roles_that_cannot_print_cards_get_no_card_link(client: AsyncClient, world: World, who: str) -> None:
    officer_id = world.officers["A1a-1"]
    await sign_in(client, who)
    record = await client.get(f"/officers/{officer_id}")
    assert record.status_code == 200
    assert "card.pdf" not in record.text


@pytest.mark.parametrize("who", ["vet_a", "hr_a1", "mgr_a1a", "off_a1a1"])
async def test_other_roles_cannot_open_the_downloads_page(client: AsyncClient, world: World, who: str) -> None:
    await sign_in(client, who)
    page = await client.get("/downloads")
    assert page.status_code == 403 and "text/html" in page.headers["content-type"]
