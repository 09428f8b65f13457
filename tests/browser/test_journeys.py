"""One journey a role, in headless Chromium on the real app: sign in, land on the page for the job, do one
real task end to end with its confirmation step, and run axe-core on every main page visited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.async_api import Page, expect

from core.clock import business_today
from register.accreditations import services as accreditations
from tests.browser.axe import assert_accessible
from tests.factories import PASSWORD, SYSTEM, World
from vetting import services as vetting

pytestmark = pytest.mark.browser


async def sign_in(page: Page, username: str) -> None:
    await page.goto("/")
    await assert_accessible(page)
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()


async def type_date(page: Page, legend: str, day: dt.date) -> None:
    """Types a day into the GOV.UK date input whose fieldset's legend is `legend` (Day, Month, Year boxes)."""
    boxes = page.get_by_role("group", name=legend)
    await boxes.get_by_label("Day").fill(str(day.day))
    await boxes.get_by_label("Month").fill(str(day.month))
    await boxes.get_by_label("Year").fill(str(day.year))


async def grant(world: World, officer: str = "A1a-1") -> dict[str, object]:
    day = business_today()
    return await accreditations.grant_accreditation(
        SYSTEM, officer_id=world.officers[officer], force_id=world.forces["A"], number="SP-001",
        granted_on=day - dt.timedelta(days=30), expires_on=day + dt.timedelta(days=100),
        power_codes=["FPN_LITTER", "NA_ASB"], conditions="", today=day)


async def test_officer_submits_a_declaration(page: Page, world: World) -> None:
    await grant(world)
    await sign_in(page, "off_a1a1")
    await expect(page).to_have_url("/me")
    await expect(page.get_by_role("heading", name="Alex OfficerA1A1")).to_be_visible()
    await expect(page.locator("#headline")).to_contain_text("No powers are usable today")
    await assert_accessible(page)
    await page.get_by_role("link", name="Submit a declaration").click()
    await assert_accessible(page)
    await page.get_by_role("button", name="Continue").click()  # nothing chosen: errors by the fields
    await expect(page.locator(".govuk-error-summary")).to_contain_text("Select kind of declaration")
    await assert_accessible(page)
    await page.get_by_label("Change of circumstances").check()
    await page.get_by_label("Address").check()
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("button", name="Submit declaration").click()
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("Your declaration was submitted.")
    await expect(page.get_by_text("awaiting acknowledgement")).to_be_visible()


async def test_manager_records_a_training_completion(page: Page, world: World) -> None:
    await grant(world)
    await sign_in(page, "mgr_a1a")
    await expect(page).to_have_url("/team")
    await expect(page.get_by_role("heading", name="Team readiness")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name="Expiry calendar").click()
    await expect(page.locator("table.csas-calendar caption")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name="Training").click()
    await assert_accessible(page)
    await page.get_by_role("link", name=re.compile(r"Alex OfficerA1A1\W+record training")).click()
    await page.get_by_label("Module").select_option("FIRST_AID")
    await page.get_by_label("Pass").check()
    await page.get_by_label("Provider (optional)").fill("St John Ambulance")
    await assert_accessible(page)
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    await page.get_by_role("button", name="Save training record").click()
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The training record was saved.")
    await expect(page.get_by_role("cell", name="First aid", exact=False).first).to_be_visible()
    await assert_accessible(page)


async def test_vetting_officer_moves_an_application_to_in_progress(page: Page, world: World) -> None:
    day = business_today()
    app = await vetting.create_application(world.principals["vet_a"], officer_id=world.officers["A1a-1"],
                                           level_code="NPPV2A", requested_on=day - dt.timedelta(days=10), today=day)
    await vetting.record_event(world.principals["vet_a"], app["id"], status="submitted",
                               on=day - dt.timedelta(days=5), today=day)
    await sign_in(page, "vet_a")
    await expect(page).to_have_url("/vetting")
    await expect(page.get_by_role("heading", name="Vetting queue")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name=f"Application {app['id']}").click()
    await assert_accessible(page)
    await page.get_by_role("link", name="Change status").click()
    await page.get_by_label("New status").select_option("in_progress")
    await assert_accessible(page)
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Are you sure you want to change the status?")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("button", name="Change status").click()
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("status was changed")
    await expect(page.locator("#app-status")).to_have_text("In progress")


async def test_coordinator_suspends_an_accreditation(page: Page, world: World) -> None:
    acc = await grant(world)
    await sign_in(page, "coord_a")
    await expect(page).to_have_url("/forecast")
    await expect(page.get_by_role("heading", name="Forecast")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name="Accreditations to renew").click()
    await assert_accessible(page)
    await page.get_by_role("link", name=str(acc["number"])).click()
    await assert_accessible(page)
    await page.get_by_role("link", name="Suspend").click()
    await page.get_by_label("Reason").fill("Complaint under investigation")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Are you sure you want to suspend accreditation SP-001?")) \
        .to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("button", name="Suspend accreditation").click()
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The accreditation was suspended.")
    await expect(page.locator("#acc-status")).to_have_text("Suspended")


async def test_admin_changes_a_lead_time(page: Page, world: World) -> None:
    await sign_in(page, "admin")
    await expect(page).to_have_url("/admin")
    await assert_accessible(page)
    for name in ("Catalogues", "Outbox", "Scheduler"):
        await page.get_by_role("link", name=name, exact=True).click()
        await assert_accessible(page)
    await page.get_by_role("link", name="Policy", exact=True).click()
    await assert_accessible(page)
    await page.get_by_role("link", name="Change the lead times").click()
    await page.get_by_label("Re-accreditation (days)").fill("-1")
    await page.get_by_role("button", name="Continue").click()  # refused on the form, before the check page
    await expect(page.locator("#lead_times__accreditation-error")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_label("Re-accreditation (days)").fill("75")
    await page.get_by_role("button", name="Continue").click()
    await page.get_by_role("button", name="Change lead times").click()
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The policy was changed.")
    await expect(page.locator("#lead-accreditation")).to_have_text("75 days")


async def test_hr_requests_vetting_for_an_officer(page: Page, world: World) -> None:
    await sign_in(page, "hr_a1")
    await expect(page).to_have_url("/vetting")
    await assert_accessible(page)
    await page.get_by_role("link", name="Officers", exact=True).click()
    await assert_accessible(page)
    await expect(page.get_by_role("link", name="Alex OfficerA1A1")).to_be_visible()
    await page.get_by_label("Search by name, staff number or email").fill("A1B1")  # htmx narrows as you type
    await expect(page.get_by_role("link", name="Alex OfficerA1A1")).to_have_count(0)
    await page.get_by_role("link", name="Alex OfficerA1B1").click()
    await assert_accessible(page)
    await page.get_by_role("link", name="Request vetting").click()
    await page.get_by_label("Vetting level").select_option("NPPV2A")
    await page.get_by_role("button", name="Continue").click()
    await page.get_by_role("button", name="Request vetting").click()
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("requested")
    await assert_accessible(page)
