"""Your password in Chromium, by clicking only after the first page, at 1280 px and at 375 px, axe on every page:
forgotten password → the emailed link → a new password → sign in → change it from the header."""

import re

import pytest
from playwright.async_api import Page, expect

from scheduler.outbox_tables import Notification
from tests.browser.axe import assert_accessible
from tests.factories import PASSWORD, World

pytestmark = pytest.mark.browser

RESET = "a reset passphrase 1"
CHANGED = "a changed passphrase 2"
LINK = re.compile(r"http://\S+(/password/reset/[A-Za-z0-9_-]+)")


async def fits(page: Page, width: int) -> None:
    await assert_accessible(page)
    assert await page.evaluate("document.documentElement.scrollWidth") <= width, f"{page.url} overflows"


@pytest.mark.parametrize("width", [1280, 375])
async def test_forgotten_password_then_change_it_from_the_header(page: Page, world: World, width: int) -> None:
    await page.set_viewport_size({"width": width, "height": 900})
    await page.goto("/")
    await page.get_by_role("link", name="Forgotten your password?").click()
    await expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    await fits(page, width)
    await page.get_by_role("button", name="Send the link").click()
    await expect(page.get_by_role("alert")).to_contain_text("Enter your username or email address")
    await fits(page, width)
    await page.get_by_label("Username or email address").fill("hr_a1@example.org")
    await page.get_by_role("button", name="Send the link").click()
    await expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    await fits(page, width)

    (message,) = await Notification.select(Notification.body).where(Notification.kind == "password_reset")
    found = LINK.search(message["body"])
    assert found
    await page.goto(found.group(1))  # the link the e-mail carries
    await expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    await page.get_by_label("New password", exact=True).fill("short")
    await page.get_by_label("Confirm the new password").fill("short")
    await page.get_by_role("button", name="Set password").click()
    await expect(page.locator("#new_password-error")).to_contain_text("at least 10 characters")
    await fits(page, width)
    await page.get_by_label("New password", exact=True).fill(RESET)
    await page.get_by_label("Confirm the new password").fill(RESET)
    await page.get_by_role("button", name="Set password").click()
    await expect(page.get_by_text("Your password was set.")).to_be_visible()
    await fits(page, width)

    await page.get_by_label("Username").fill("hr_a1")
    await page.get_by_label("Password").fill(RESET)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("link", name="Change your password").click()
    await expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    await fits(page, width)
    await page.get_by_label("Current password").fill(RESET)
    await page.get_by_label("New password", exact=True).fill(CHANGED)
    await page.get_by_label("Confirm the new password").fill(CHANGED)
    await page.get_by_role("button", name="Change password").click()
    await expect(page.get_by_text("Your password was changed.")).to_be_visible()
    await fits(page, width)

    await page.goto(found.group(1))
    await expect(page.get_by_role("heading", name="This link has already been used")).to_be_visible()
    await fits(page, width)
    assert PASSWORD not in await page.content()
