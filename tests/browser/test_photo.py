"""The officer's photo in Chromium at 1280 px and at 375 px, axe on every page, by clicking only: HR opens an
officer's record ("No photo held"), uploads a text file named .jpg (refused in the error summary), then a phone's
photo, checks it, saves it (the record shows it, loaded through the content security policy), and removes it."""

import pytest
from playwright.async_api import Page, expect

from register.tables import OfficerPhoto
from tests.browser.axe import assert_accessible
from tests.factories import PASSWORD, World
from tests.register.officers.photo_files import phone_jpeg

pytestmark = pytest.mark.browser


async def fits(page: Page, width: int) -> None:
    await assert_accessible(page)
    assert await page.evaluate("document.documentElement.scrollWidth") <= width, f"{page.url} overflows"


@pytest.mark.parametrize("width", [1280, 375])
async def test_hr_uploads_replaces_and_removes_a_photo(page: Page, world: World, width: int) -> None:
    await page.set_viewport_size({"width": width, "height": 900})
    await page.goto("/")
    await page.get_by_label("Username").fill("hr_a1")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.goto(f"/officers/{world.officers['A1a-1']}")
    await expect(page.locator("#no-photo")).to_have_text("No photo held.")
    await page.get_by_role("link", name="Upload a photo").click()
    await expect(page.get_by_role("heading", name="Upload a photo")).to_be_visible()
    await fits(page, width)

    await page.get_by_label("Upload a photo").set_input_files(
        {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": b"Not a photo at all.\n"})
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("alert")).to_contain_text("The file is not a photo the register can read")
    await fits(page, width)

    await page.get_by_label("Upload a photo").set_input_files(
        {"name": "phone.jpg", "mimeType": "image/jpeg", "buffer": phone_jpeg()})
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Check the photo")).to_be_visible()
    assert await page.locator("#photo-preview").evaluate("img => img.naturalWidth") == 420
    await fits(page, width)
    await page.get_by_role("button", name="Save photo").click()
    await expect(page.get_by_text("The photo was saved.")).to_be_visible()
    photo = page.get_by_role("img", name="Photograph of Alex")
    await expect(photo).to_be_visible()
    assert await photo.evaluate("img => img.complete && img.naturalHeight") == 540
    await fits(page, width)
    assert await OfficerPhoto.count() == 1

    await page.get_by_role("link", name="Remove the photo").click()
    await fits(page, width)
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Are you sure you want to remove the photo")).to_be_visible()
    await fits(page, width)
    await page.get_by_role("button", name="Remove photo").click()
    await expect(page.get_by_text("The photo was removed.")).to_be_visible()
    await expect(page.locator("#no-photo")).to_be_visible()
    assert await OfficerPhoto.count() == 0
