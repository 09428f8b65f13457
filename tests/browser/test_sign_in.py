import pytest
from playwright.async_api import Page, expect

from tests.factories import PASSWORD, World

pytestmark = pytest.mark.browser


async def test_a_user_signs_in_sees_their_role_and_signs_out(page: Page, world: World) -> None:
    await page.goto("/")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await page.get_by_label("Username").fill("mgr_a1a")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Team readiness")).to_be_visible()
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


async def test_a_wrong_password_is_explained_on_the_page(page: Page, world: World) -> None:
    await page.goto("/")
    await page.get_by_label("Username").fill("mgr_a1a")
    await page.get_by_label("Password").fill("wrong password")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_contain_text("Unknown username or wrong password")
    await expect(page.get_by_label("Username")).to_have_value("mgr_a1a")
