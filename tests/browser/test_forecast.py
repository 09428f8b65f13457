"""The forecast page in headless Chromium, by clicking from the coordinator's landing page: group by power, see the
chart and its figures; axe-core on every view, at 1280 px and at 375 px."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.admin_ui.test_pages_forecast import ASB, LITTER, _usable
from tests.browser.axe import assert_accessible
from tests.browser.test_journeys import sign_in
from tests.factories import World

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 375])
async def test_coordinator_groups_the_forecast_by_power(page: Page, world: World, width: int) -> None:
    await _usable(world, "A1a-1", "SP-001", 60, ["FPN_LITTER", "NA_ASB"])
    await _usable(world, "A1b-1", "SP-002", 30, ["FPN_LITTER"])
    await page.set_viewport_size({"width": width, "height": 900})
    await sign_in(page, "coord_a")
    await expect(page).to_have_url("/forecast")
    await expect(page.get_by_role("img", name="Step chart")).to_be_visible()
    await assert_accessible(page)

    await page.get_by_label("Power", exact=True).check()
    await page.get_by_role("button", name="Show forecast").click()
    groups = page.locator("#forecast th[scope=rowgroup]")
    await expect(groups).to_have_count(2)
    await expect(groups.first).to_contain_text(LITTER)
    await expect(groups.nth(1)).to_contain_text(ASB)
    await page.get_by_text("The chart's figures as a table").click()
    await expect(page.locator("#chart-figures")).to_contain_text(LITTER)
    await expect(page.get_by_label("Power", exact=True)).to_be_checked()
    await assert_accessible(page)
    width_used = await page.evaluate("document.documentElement.scrollWidth")
    assert width_used <= width
