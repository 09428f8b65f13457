"""The capacity page in headless Chromium, reached from the coordinator's menu: the chart, its table and the
unavoidable lapse, then the capacity changed through the form; axe-core on every view, at 1280 px and 375 px."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.admin_ui.test_pages_capacity import courses_due_next_month
from tests.browser.axe import assert_accessible
from tests.browser.test_journeys import sign_in
from tests.factories import World

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 375])
async def test_coordinator_plans_the_cliff(page: Page, world: World, width: int) -> None:
    await courses_due_next_month(world)
    await page.set_viewport_size({"width": width, "height": 900})
    await sign_in(page, "coord_a")
    if width < 600:
        await page.get_by_role("button", name="Menu").click()
    await page.get_by_role("link", name="Capacity", exact=True).click()
    await expect(page).to_have_url("/capacity")
    await expect(page.get_by_role("img", name="Bar charts")).to_have_count(1)
    await expect(page.locator("#capacity-unavoidable")).to_contain_text("None")
    await assert_accessible(page)

    await page.get_by_role("link", name="Change the capacity").click()
    await page.get_by_label("Course places each month").fill("2")
    await page.get_by_role("button", name="Continue").click()
    await assert_accessible(page)
    await page.get_by_role("button", name="Change the capacity").click()
    await expect(page.get_by_text("The capacity settings were changed.")).to_be_visible()
    await expect(page.locator("#capacity-unavoidable")).to_contain_text("Alex OfficerA1A1")
    await assert_accessible(page)
    width_used = await page.evaluate("document.documentElement.scrollWidth")
    assert width_used <= width
