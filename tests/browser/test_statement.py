"""The signed statement of powers from the record page, in a browser on a phone: the form passes axe with and without
an error, and its button downloads the signed PDF."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.browser.axe import assert_accessible
from tests.browser.test_journeys import grant, sign_in
from tests.browser.test_narrow import PHONE, assert_fits
from tests.factories import World

pytestmark = pytest.mark.browser


async def test_a_coordinator_downloads_a_signed_statement_on_a_phone(browser: Browser, live_server: str,
                                                                      world: World) -> None:
    await grant(world)
    context = await browser.new_context(base_url=live_server, viewport={"width": PHONE, "height": 800},
                                        accept_downloads=True)
    try:
        page = await context.new_page()
        await sign_in(page, "coord_a")
        await page.goto(f"/officers/{world.officers['A1a-1']}")
        await page.get_by_role("link", name="Download a signed statement of powers").click()
        await expect(page.get_by_role("heading", name="Download a signed statement of powers")).to_be_visible()
        await assert_fits(page)

        await page.get_by_label("Time").fill("25:70")
        await page.get_by_role("button", name="Download the statement (PDF)").click()
        await expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a real time")
        await assert_fits(page)

        await page.get_by_label("Time").fill("09:30")
        async with page.expect_download() as waiting:
            await page.get_by_role("button", name="Download the statement (PDF)").click()
        download = await waiting.value
        assert download.suggested_filename.startswith("statement-A1A1-") and \
            download.suggested_filename.endswith("T0930.pdf")
        path = await download.path()
        assert path is not None
        with open(path, "rb") as handle:  # noqa: ASYNC230 - a small file the browser just wrote
            content = handle.read()
        assert content.startswith(b"%PDF-") and b"/ETSI.CAdES.detached" in content
        await assert_accessible(page)
    finally:
        await context.close()
