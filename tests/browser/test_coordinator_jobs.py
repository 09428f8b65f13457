"""The coordinator's daily jobs in headless Chromium, by clicking from the landing page: import a sheet of
officers (preview, then confirm), find the downloads, and subscribe to a calendar with the copy button; axe-core
on every page, at 1280 px and at 375 px (where the menu folds behind its button)."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.test_journeys import sign_in
from tests.factories import World

pytestmark = pytest.mark.browser

SHEET = ("staff_number,given_name,family_name,email,organisation,started_on\n"
         "N100,Sam,Newby,sam.newby@council.example,Council A1,2026-01-05\n"
         "N101,Jo,Newman,jo.newman@council.example,Council A1,2026-02-01\n")
SHEET_WITH_A_PROBLEM = SHEET + "N102,Al,Wrong,al@council.example,Council Nowhere,2026-02-01\n"


async def menu(page: Page, name: str) -> None:
    toggle = page.get_by_role("button", name="Menu")
    if await toggle.is_visible():
        await toggle.click()
    await page.get_by_role("navigation", name="Menu").get_by_role("link", name=name).click()


@pytest.mark.parametrize("width", [1280, 375])
async def test_coordinator_imports_officers_and_finds_the_downloads(page: Page, world: World, width: int) -> None:
    await page.set_viewport_size({"width": width, "height": 900})
    await sign_in(page, "coord_a")
    await expect(page).to_have_url("/forecast")
    await menu(page, "Imports")
    await assert_accessible(page)
    await page.get_by_role("link", name="Import officers").click()
    await assert_accessible(page)
    await page.get_by_label("Upload a file").set_input_files(
        {"name": "officers.csv", "mimeType": "text/csv", "buffer": SHEET_WITH_A_PROBLEM.encode()})
    await page.get_by_role("button", name="Check the file").click()
    await expect(page.get_by_role("heading", name="This file cannot be imported")).to_be_visible()
    await expect(page.locator("#problems")).to_contain_text("Council Nowhere")
    await expect(page.get_by_role("button", name="Import")).to_have_count(0)
    await assert_accessible(page)
    await page.get_by_role("link", name="Upload a corrected file").click()
    await page.get_by_label("Upload a file").set_input_files(
        {"name": "officers.csv", "mimeType": "text/csv", "buffer": SHEET.encode()})
    await page.get_by_role("button", name="Check the file").click()
    await expect(page.locator("#changes")).to_contain_text("N100, Sam, Newby")
    await assert_accessible(page)
    await page.get_by_role("button", name="Import 2 rows").click()
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("2 rows were imported")
    await assert_accessible(page)
    await menu(page, "Downloads")
    await expect(page.get_by_role("link", name="Officers (CSV)")).to_be_visible()
    await expect(page.get_by_role("link", name="Compliance pack for Council A1 (PDF)")).to_be_visible()
    await assert_accessible(page)
    assert await page.evaluate("document.documentElement.scrollWidth") <= width


async def test_officer_copies_the_calendar_address_and_revokes_it(page: Page, world: World) -> None:
    await page.set_viewport_size({"width": 375, "height": 900})
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    await sign_in(page, "off_a1a1")
    await page.get_by_role("link", name="Subscribe to my calendar").click()
    await assert_accessible(page)
    await page.get_by_role("button", name="Create a calendar address for Alex OfficerA1A1").click()
    address = (await page.locator("#calendar-url").inner_text()).strip()
    assert address.endswith(".ics")
    await expect(page.get_by_role("link", name="Open in your calendar app")).to_have_attribute(
        "href", address.replace("http://", "webcal://"))
    await page.get_by_role("button", name="Copy the address").click()
    await expect(page.locator("#copy-status")).to_have_text("Address copied")
    assert await page.evaluate("navigator.clipboard.readText()") == address
    await assert_accessible(page)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    await page.get_by_role("link", name="Your calendar addresses").click()
    await assert_accessible(page)
    await page.get_by_role("button", name="Revoke").click()
    await expect(page.get_by_role("heading", name="Are you sure you want to revoke")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("button", name="Revoke address").click()
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The calendar address was revoked")
