"""In Chromium: tables people scan sort by a click or a key on their column header, across every page of the list
(the header is a link the server orders by; days by date, not by their words), and a day is typed in the GOV.UK
date input's three boxes, whatever the browser's locale."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.async_api import Page, expect

from core.clock import business_today
from tests.browser.axe import assert_accessible
from tests.browser.test_journeys import grant, sign_in
from tests.factories import World
from vetting import services as vetting

pytestmark = pytest.mark.browser


async def test_the_vetting_queue_sorts_requested_days_by_date_by_click_and_by_key(page: Page, world: World) -> None:
    day = business_today()
    # Written out, "9 March" sorts after "10 April" as text; as days it comes first.
    march, april = dt.date(day.year - 1, 3, 9), dt.date(day.year - 1, 4, 10)
    for officer, requested in (("A1a-1", march), ("A1a-2", april)):
        app = await vetting.create_application(world.principals["vet_a"], officer_id=world.officers[officer],
                                               level_code="NPPV2A", requested_on=requested, today=day)
        await vetting.record_event(world.principals["vet_a"], app["id"], status="submitted", on=requested, today=day)
    await sign_in(page, "vet_a")
    await expect(page).to_have_url("/vetting")
    requested_header = page.locator("th", has_text="Requested")
    await expect(requested_header).to_have_attribute("aria-sort", "ascending")
    first_requested = page.locator("tbody tr").first.locator("td").nth(4)
    await expect(first_requested).to_have_text(f"9 March {march.year}")

    await page.get_by_role("link", name="Requested").click()
    await expect(requested_header).to_have_attribute("aria-sort", "descending")
    await expect(first_requested).to_have_text(f"10 April {april.year}")
    await expect(page).to_have_url(re.compile(r"sort=-requested"))

    officer_link = page.get_by_role("link", name="Officer", exact=True)
    await officer_link.focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("th", has_text="Officer")).to_have_attribute("aria-sort", "ascending")
    await expect(requested_header).to_have_attribute("aria-sort", "none")
    await assert_accessible(page)


async def test_the_coordinators_officer_list_shows_employer_team_and_readiness_and_sorts(
        page: Page, world: World) -> None:
    await grant(world)
    await sign_in(page, "coord_a")
    await page.get_by_role("link", name="Officers", exact=True).click()
    table = page.locator("#officer-results table")
    for heading in ("Name", "Staff number", "Employer", "Team", "Readiness", "Serving"):
        header = table.get_by_role("columnheader", name=heading)
        await expect(header.get_by_role("link")).to_have_count(0 if heading == "Readiness" else 1)
    row = table.locator("tr", has=page.get_by_role("link", name="Alex OfficerA1A1"))
    await expect(row.locator("td").nth(4)).to_contain_text("Red")  # granted, but no vetting or training on record
    names = table.locator("tbody tr td:first-child")
    first = await names.first.inner_text()
    await table.get_by_role("link", name="Name").click()
    await expect(table.locator("th", has_text="Name")).to_have_attribute("aria-sort", "descending")
    await expect(names.first).not_to_have_text(first)
    await assert_accessible(page)
    # The search swaps in a new table (htmx), in the order chosen, whose headers keep the search.
    await page.get_by_label("Search by name, staff number or email").fill("A1B")
    await expect(page.get_by_role("link", name="Alex OfficerA1A1")).to_have_count(0)
    await expect(names.first).to_have_text("Alex OfficerA1B2")
    await expect(table.get_by_role("link", name="Employer")).to_have_attribute(
        "href", "/officers?q=A1B&sort=employer")


async def test_a_day_is_typed_in_three_boxes_and_checked_in_words(page: Page, world: World) -> None:
    await sign_in(page, "mgr_a1a")
    await page.get_by_role("link", name="Training").click()
    await page.get_by_role("link", name=re.compile(r"Alex OfficerA1A1\W+record training")).click()
    await page.get_by_label("Module").select_option("FIRST_AID")
    await page.get_by_label("Pass").check()
    completed = page.get_by_role("group", name="Date completed")
    await expect(completed).to_contain_text("For example, 27 3 2027")
    await completed.get_by_label("Day").fill("31")
    await completed.get_by_label("Month").fill("2")
    await completed.get_by_label("Year").fill("2025")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.locator(".govuk-error-summary")).to_contain_text("Date completed must be a real date")
    await expect(completed.get_by_label("Day")).to_have_class(re.compile("govuk-input--error"))
    await assert_accessible(page)
    await completed.get_by_label("Day").fill("01")
    await completed.get_by_label("Month").fill("12")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    await expect(page.locator(".govuk-summary-list")).to_contain_text("1 December 2025")
    await page.get_by_role("button", name="Save training record").click()
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The training record was saved.")
