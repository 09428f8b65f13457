"""Every page of every role at 375 px (a small phone): nothing wider than the screen (wide tables scroll inside their
own labelled region) and no serious accessibility problem. The pages are the role's menu and, from each, one page
of every kind it links to (records, forms), found by following the links rather than listed here."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Page

from tests.browser.axe import assert_accessible
from tests.browser.test_journeys import grant
from tests.factories import PASSWORD, World

pytestmark = pytest.mark.browser

PHONE = 375
ROLES = ["admin", "coord_a", "vet_a", "hr_a1", "mgr_a1a", "off_a1a1"]
# Links that leave the pages or act: files (a chart opened "at full size" may rightly scroll on a phone), the API,
# signing out.
SKIP = re.compile(r"^/(api|static|logout)|\.(pdf|csv|xlsx|ics|png|svg|jpg)(\?|$)")


def kind(path: str) -> str:
    """/officers/12/kit/new and /officers/7/kit/new are one kind of page: visited once."""
    return re.sub(r"/\d+", "/N", path.split("?")[0].split("#")[0])


async def assert_fits(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{page.url} is {width} px wide at {PHONE} px"
    # The month grid is read, not scrolled: it fits the screen and every day's text stays inside its cell.
    spilling = await page.eval_on_selector_all(
        ".csas-calendar", "grids => grids.filter(g => g.getBoundingClientRect().right > window.innerWidth).length"
        " + grids.flatMap(g => [...g.querySelectorAll('td')]).filter(c => c.scrollWidth > c.clientWidth).length")
    assert spilling == 0, f"the calendar on {page.url} is wider than the screen or spills out of its days"
    await assert_accessible(page)


async def role_pages(page: Page) -> list[str]:
    menu = await page.eval_on_selector_all(".govuk-service-navigation__link", "links => links.map(a => a.pathname)")
    found: list[str] = []
    for path in [urlsplit(page.url).path, *menu]:
        if kind(path) not in {kind(p) for p in found}:
            found.append(path)
    for path in list(found):
        await page.goto(path)
        links = await page.eval_on_selector_all("main a[href^='/']", "links => links.map(a => a.getAttribute('href'))")
        for link in links:
            if not SKIP.search(link) and kind(link) not in {kind(p) for p in found}:
                found.append(link)
    return found


@pytest.mark.parametrize("who", ROLES)
async def test_every_page_of_the_role_fits_a_phone(browser: Browser, live_server: str, world: World,
                                                   who: str) -> None:
    await grant(world)
    context = await browser.new_context(base_url=live_server, viewport={"width": PHONE, "height": 800})
    try:
        page = await context.new_page()
        await page.goto("/")
        await assert_fits(page)
        await page.get_by_label("Username").fill(who)
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_load_state()
        visited = await role_pages(page)
        assert len(visited) >= 3, visited
        for path in visited:
            response = await page.goto(path)
            assert response is not None and response.status == 200, path
            await assert_fits(page)
            # The menu says where you are: exactly one item, on every page of the role.
            assert await page.locator(".govuk-service-navigation a[aria-current='page']").count() == 1, path
        missing = await page.goto("/no-such-page")
        assert missing is not None and missing.status == 404
        await assert_fits(page)
    finally:
        await context.close()
