"""The administrator's and the officer's daily jobs (issue 19) in headless Chromium, by clicking only after the one
goto of signing in, with axe-core on every page, at 1280 px and at 375 px (where the menu folds behind its button).

Admin: invite a user by email, picking the officer by name; change the officers' reminder days and the vetting levels
accepted; see every calendar address and revoke one; read the scheduler's health. Officer: their own record, its PDF,
a calendar address (copy button, webcal link, revoke) and a new password."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from scheduler import calendars
from tests.browser.axe import assert_accessible
from tests.browser.test_coordinator_jobs import menu
from tests.browser.test_journeys import grant, sign_in
from tests.factories import PASSWORD, World

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a brand new passphrase 7"


async def looks_right(page: Page, width: int) -> None:
    """axe finds nothing serious and nothing runs off the side of the screen."""
    await assert_accessible(page)
    used = await page.evaluate("document.documentElement.scrollWidth")
    assert used <= width, f"{page.url} is {used} px wide at {width} px"


async def check_and_confirm(page: Page, width: int, heading: str, button: str) -> None:
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name=heading)).to_be_visible()
    await looks_right(page, width)
    await page.get_by_role("button", name=button).click()


@pytest.mark.parametrize("width", [1280, 375])
async def test_admin_invites_a_user_changes_the_policy_and_revokes_a_calendar(
        page: Page, world: World, width: int) -> None:
    await calendars.create_feed(world.principals["hr_a1"], "organisation", world.orgs["A1"])
    await page.set_viewport_size({"width": width, "height": 900})
    await sign_in(page, "admin")
    await expect(page).to_have_url("/admin")
    await looks_right(page, width)

    # Invite the officer Alex OfficerA1A2, found by name, to choose their own password.
    await page.get_by_role("link", name="Add a user").click()
    await looks_right(page, width)
    await page.get_by_label("Username").fill("alex_a1a2")
    await page.get_by_label("Email address").fill("alex.a1a2@council.example")
    await expect(page.get_by_label("Email them an invitation to choose their own (recommended)")).to_be_checked()
    await page.get_by_role("radio", name="Accredited officer").check()
    await page.get_by_role("combobox", name="Officer").select_option(label="OfficerA1A2, Alex (Council A1)")
    await check_and_confirm(page, width, "Check the new user's details", "Add user")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("sent an email with a link")
    await expect(page.get_by_role("link", name="Alex OfficerA1A2")).to_be_visible()  # the scope, by name
    await looks_right(page, width)
    await menu(page, "Outbox")
    await expect(page.get_by_role("cell", name="alex.a1a2@council.example")).to_be_visible()
    await looks_right(page, width)

    # The officers' reminder days, refused before the check page when they are not days.
    await menu(page, "Policy")
    await looks_right(page, width)
    await page.get_by_role("link", name="Change the officers\u2019 reminders").click()
    await page.get_by_label("Days before an expiry").fill("a fortnight")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.locator(".govuk-error-summary")).to_contain_text("Enter whole numbers of days")
    await looks_right(page, width)
    await page.get_by_label("Days before an expiry").fill("7, 30")
    await check_and_confirm(page, width, "Are you sure you want to change the officers' reminders?",
                            "Change the reminders")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The policy was changed.")
    await expect(page.get_by_text("30, 7 days before each expiry")).to_be_visible()

    # Stop accepting the abbreviated level 2 clearance for CSAS; the policy names levels, not codes.
    await page.get_by_role("link", name="Change the vetting levels").click()
    await looks_right(page, width)
    accepted = page.get_by_role("group", name="Levels accepted for CSAS")
    await accepted.get_by_label("Non-police personnel vetting 2 (abbreviated) (NPPV2A)").uncheck()
    await check_and_confirm(page, width, "Are you sure you want to change the vetting levels?",
                            "Change the vetting levels")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The policy was changed.")
    shown = page.locator("dt", has_text="Vetting levels accepted for CSAS").locator("xpath=following-sibling::dd")
    await expect(shown).to_contain_text("Non-police personnel vetting 2 (full); Non-police personnel vetting 3")
    await expect(shown).not_to_contain_text("(abbreviated)")
    await expect(shown).not_to_contain_text("NPPV")
    await looks_right(page, width)

    # Every calendar address on the register, and revoking one made by someone else.
    await menu(page, "Calendars")
    feeds = page.locator("#all-calendar-feeds")
    await expect(feeds).to_contain_text("Council A1")
    await expect(feeds).to_contain_text("Made by hr_a1")
    await looks_right(page, width)
    await page.get_by_role("button", name="Revoke the address for Council A1").click()
    await expect(page.get_by_role("heading", name="Are you sure you want to revoke")).to_be_visible()
    await looks_right(page, width)
    await page.get_by_role("button", name="Revoke address").click()
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The calendar address was revoked")
    await expect(feeds.get_by_text("Revoked", exact=True)).to_be_visible()
    await expect(page.get_by_role("button", name="Revoke the address for Council A1")).to_have_count(0)
    await looks_right(page, width)

    await menu(page, "Scheduler")
    await expect(page.get_by_role("heading", name="Scheduler health")).to_be_visible()
    await looks_right(page, width)


@pytest.mark.parametrize("width", [1280, 375])
async def test_officer_reads_their_record_subscribes_revokes_and_changes_password(
        page: Page, world: World, width: int) -> None:
    await grant(world)
    await page.set_viewport_size({"width": width, "height": 900})
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    await sign_in(page, "off_a1a1")
    await expect(page).to_have_url("/me")
    await expect(page.get_by_role("heading", name="Alex OfficerA1A1")).to_be_visible()
    await expect(page.get_by_role("cell", name="SP-001").first).to_be_visible()
    await looks_right(page, width)

    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="Download the record (PDF)").click()
    download = await downloading.value
    assert download.suggested_filename.endswith(".pdf")
    path = await download.path()
    assert path is not None and path.read_bytes().startswith(b"%PDF")

    await page.get_by_role("link", name="Subscribe to my calendar").click()
    await looks_right(page, width)
    await page.get_by_role("button", name="Create a calendar address for Alex OfficerA1A1").click()
    address = (await page.locator("#calendar-url").inner_text()).strip()
    assert address.endswith(".ics")
    await expect(page.get_by_role("link", name="Open in your calendar app")).to_have_attribute(
        "href", address.replace("http://", "webcal://"))
    await page.get_by_role("button", name="Copy the address").click()
    await expect(page.locator("#copy-status")).to_have_text("Address copied")
    assert await page.evaluate("navigator.clipboard.readText()") == address
    await looks_right(page, width)
    await page.get_by_role("link", name="Your calendar addresses").click()
    await expect(page.locator("#calendar-feeds")).to_contain_text("In use")
    await looks_right(page, width)
    await page.get_by_role("button", name="Revoke").click()
    await expect(page.get_by_role("heading", name="Are you sure you want to revoke")).to_be_visible()
    await looks_right(page, width)
    await page.get_by_role("button", name="Revoke address").click()
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The calendar address was revoked")
    await expect(page.locator("#calendar-feeds")).to_contain_text("Revoked")
    await looks_right(page, width)

    await page.get_by_role("link", name="Change your password").click()
    await looks_right(page, width)
    await page.get_by_label("Current password").fill(PASSWORD)
    await page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    await page.get_by_label("Confirm the new password").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Change password").click()
    await expect(page.get_by_text("Your password was changed.")).to_be_visible()
    await looks_right(page, width)
    await page.get_by_role("button", name="Sign out").click()
    await page.get_by_label("Username").fill("off_a1a1")
    await page.get_by_label("Password").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url("/me")
