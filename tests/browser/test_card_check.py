"""Issue 20: the public card check in Chromium, as a phone opens it from a card's QR code (375 px) and at 1280 px:
axe passes on the accredited, the not-accredited and the not-valid answers, and nothing overflows."""

import pytest
from playwright.async_api import Page, expect

from register.kit import cards
from tests.browser.axe import assert_accessible
from tests.factories import SYSTEM, World
from tests.reports.test_card_check import compliant

pytestmark = pytest.mark.browser


async def fits(page: Page, width: int) -> None:
    await assert_accessible(page)
    assert await page.evaluate("document.documentElement.scrollWidth") <= width, f"{page.url} overflows"


@pytest.mark.parametrize("width", [1280, 375])
async def test_the_card_check_is_accessible_and_fits_a_phone(page: Page, world: World, width: int) -> None:
    from core.clock import business_today
    from register.accreditations import services as accreditations

    ids = await compliant(world, "A1a-1")
    printed = await cards.card_token(SYSTEM, ids["officer"], "ID_CARD")
    assert printed is not None
    await page.set_viewport_size({"width": width, "height": 900})
    await page.goto(f"/verify/{printed[1]}?power=FPN_LITTER")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Accredited — may use these powers today")
    await expect(page.get_by_text("Yes: may use this power today.")).to_be_visible()
    await fits(page, width)
    await accreditations.suspend_accreditation(SYSTEM, ids["accreditation"], business_today(), "browser",
                                               business_today())
    await page.reload()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Not accredited today: suspended")
    await fits(page, width)
    await page.goto("/verify/not-a-card-at-all-0000")
    await expect(page.get_by_role("heading", level=1)).to_have_text("This is not a valid card")
    await fits(page, width)
