"""Daily jobs of HR, managers and vetting officers (issue 19), by clicking only from the landing page, with
axe-core on every page, at 1280 px and at 375 px."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.async_api import Page, expect

from core.clock import business_today
from register.tables import Organisation
from tests.browser.axe import assert_accessible
from tests.browser.test_journeys import sign_in, type_date
from tests.factories import SYSTEM, World
from training.services import record_completion
from vetting import services as vetting

pytestmark = pytest.mark.browser


async def _menu(page: Page, width: int, item: str) -> None:
    if width < 641:  # the GOV.UK menu folds behind a button on narrow screens
        await page.get_by_role("button", name="Menu").click()
    await page.get_by_role("link", name=item).click()


async def _fits(page: Page, width: int) -> None:
    """Nothing runs off the side of the screen (a wide table scrolls inside its own region)."""
    used = await page.evaluate("document.documentElement.scrollWidth")
    wide = await page.evaluate("""w => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > w).slice(0, 5)
        .map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 40))""", width)
    assert used <= width, f"{page.url} is {used} px wide: {wide}"


async def _continue_and_confirm(page: Page, confirm: str) -> None:
    await assert_accessible(page)
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("button", name=confirm).click()


@pytest.mark.parametrize("width", [1280, 375])
async def test_hr_adds_an_officer_edits_them_requests_vetting_and_records_leaving(
        page: Page, world: World, width: int) -> None:
    await page.set_viewport_size({"width": width, "height": 900})
    await sign_in(page, "hr_a1")
    await expect(page).to_have_url("/vetting")
    await _menu(page, width, "Employers and teams")
    await assert_accessible(page)
    await page.get_by_role("link", name="Add a team").click()
    await page.get_by_label("Name of the team").fill("Night team")
    await _continue_and_confirm(page, "Add team")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The team was added.")
    await page.get_by_role("link", name="Add an officer").click()
    await page.get_by_label("Team (optional)").select_option(label="Night team (Council A1)")
    await page.get_by_label("Staff number").fill("N-100")
    await page.get_by_label("Given name").fill("Nia")
    await page.get_by_label("Family name").fill("Newcomer")
    await page.get_by_label("Email address").fill("nia@council.example")
    await _continue_and_confirm(page, "Add officer")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The officer was added.")
    await expect(page.get_by_role("heading", name="Nia Newcomer")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name="Change details").click()
    await page.get_by_label("Given name").fill("Niamh")
    await _continue_and_confirm(page, "Save changes")
    await expect(page.get_by_role("heading", name="Niamh Newcomer")).to_be_visible()
    await page.get_by_role("link", name="Request vetting").click()
    await page.get_by_label("Vetting level").select_option("NPPV2A")
    await _continue_and_confirm(page, "Request vetting")
    await expect(page.locator("#next-step")).to_contain_text("vetting officer")
    await assert_accessible(page)
    await _fits(page, width)
    # HR's vetting list names the officer and filters by status; then the officer leaves.
    await _menu(page, width, "Vetting")
    await page.get_by_label("Status").select_option(label="Draft")  # requested, not yet sent to the force
    await page.get_by_role("button", name="Filter").click()
    await expect(page.locator("tbody")).to_contain_text("Niamh Newcomer")
    await expect(page.locator("tbody")).to_contain_text("Non-police personnel vetting 2 (abbreviated)")
    await assert_accessible(page)
    await _fits(page, width)
    await _menu(page, width, "Officers")
    await page.get_by_label("Search by name, staff number or email").fill("Newcomer")
    await page.get_by_role("link", name="Niamh Newcomer").click()
    await page.get_by_role("link", name="Record leaving").click()
    await assert_accessible(page)
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Are you sure the officer is leaving?")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("button", name="Record leaving").click()
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The officer's leaving date was recorded.")
    await assert_accessible(page)
    await _fits(page, width)


@pytest.mark.parametrize("width", [1280, 375])
async def test_manager_books_the_next_step_and_records_attendance(page: Page, world: World, width: int) -> None:
    await page.set_viewport_size({"width": width, "height": 900})
    day = business_today()
    await Organisation.update({Organisation.arrangement_review_due_on: dt.date(2035, 1, 1)}, force=True)
    await record_completion(SYSTEM, today=day, officer_id=world.officers["A1a-1"], module_code="PERSONAL_SAFETY",
                            completed_on=day - dt.timedelta(days=360), result="pass")
    await sign_in(page, "mgr_a1a")
    await expect(page).to_have_url("/team")
    await _menu(page, width, "Next steps")
    await assert_accessible(page)
    await _fits(page, width)
    await page.get_by_role("link", name="Book training for Alex OfficerA1A1").click()
    await _fits(page, width)
    await type_date(page, "Date the course starts", day)
    await _continue_and_confirm(page, "Book training")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The training was booked.")
    await page.get_by_role("link", name="Record attendance").click()
    await page.get_by_label("Pass").check()
    await _continue_and_confirm(page, "Record attendance")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The attendance was recorded.")
    await assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 375])
async def test_vetting_officer_adds_a_case_note_and_sees_only_legal_statuses(
        page: Page, world: World, width: int) -> None:
    await page.set_viewport_size({"width": width, "height": 900})
    day = business_today()
    app = await vetting.create_application(world.principals["vet_a"], officer_id=world.officers["A1a-1"],
                                           level_code="NPPV2A", requested_on=day - dt.timedelta(days=10), today=day)
    await vetting.record_event(world.principals["vet_a"], app["id"], status="submitted",
                               on=day - dt.timedelta(days=5), today=day)
    await sign_in(page, "vet_a")
    await page.get_by_role("link", name=f"Application {app['id']}").click()
    await page.get_by_role("link", name="Add a case note").click()
    await page.get_by_label("Case note").fill("Chased the force for the PNC result")
    await _continue_and_confirm(page, "Add case note")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The case note was added.")
    await expect(page.locator("#app-status")).to_have_text("Submitted")
    await expect(page.get_by_text("Chased the force for the PNC result")).to_be_visible()
    await page.get_by_role("link", name="Change status").click()
    options = await page.get_by_label("New status").locator("option").all_inner_texts()
    assert options == ["Choose…", "Info requested", "In progress", "Withdrawn", "Discontinued"]
    await assert_accessible(page)
    await _fits(page, width)
