"""The policy change's check page with its preview ("what if", issue 21) at 375 px and on a desktop: it fits the
screen (its tables scroll in their own regions) and passes axe; then the confirm button saves the change."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from scheduler.policy_store import policy_document
from tests.browser.test_journeys import grant
from tests.browser.test_narrow import PHONE, assert_fits
from tests.factories import PASSWORD, World

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [PHONE, 1024])
async def test_the_preview_of_a_lead_time_fits_and_is_accessible(browser: Browser, live_server: str, world: World,
                                                                 width: int) -> None:
    await grant(world)
    context = await browser.new_context(base_url=live_server, viewport={"width": width, "height": 800})
    try:
        page = await context.new_page()
        await page.goto("/")
        await page.get_by_label("Username").fill("admin")
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_load_state()
        await page.goto("/admin/policy/lead-times")
        await page.get_by_label("Vetting renewal (days)").fill("400")
        await page.get_by_role("button", name="Continue").click()
        await page.wait_for_load_state()
        assert await page.get_by_role("heading", name="The effect of this change").count() == 1
        assert await page.locator("#preview-demand tbody tr").count() == 12
        if width == PHONE:
            await assert_fits(page)
        await page.get_by_role("button", name="Change lead times").click()
        await page.wait_for_load_state()
        assert (await policy_document())["lead_times"]["vetting"] == 400
    finally:
        await context.close()
