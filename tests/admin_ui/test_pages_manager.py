"""The manager's pages: readiness, the month calendar and 90-day list, the training matrix, recording training,
issuing and returning kit (with confirmation)."""

from __future__ import annotations

import datetime as dt

from httpx import AsyncClient

from register.kit import services as kit
from register.tables import KitInspection, KitIssue
from tests.admin_ui.test_pages_common import grant, post_form, sign_in, today
from tests.factories import SYSTEM, World
from training.tables import TrainingRecord


async def test_team_readiness_lists_only_the_team_with_text_tags(client: AsyncClient, world: World) -> None:
    await grant(world)
    await sign_in(client, "mgr_a1a")
    page = await client.get("/team")
    assert page.status_code == 200
    assert "OfficerA1A1" in page.text and "OfficerA1A2" in page.text
    assert "OfficerA1B1" not in page.text and "OfficerB1A1" not in page.text
    assert 'class="govuk-tag' in page.text and ">Red<" in page.text


async def test_the_expiry_calendar_has_a_month_grid_and_the_next_90_days(client: AsyncClient, world: World) -> None:
    await grant(world)
    await sign_in(client, "mgr_a1a")
    page = await client.get("/team/calendar?month=2027-01")
    assert page.status_code == 200
    assert "<caption" in page.text and "January 2027" in page.text
    assert 'href="/team/calendar?month=2026-12"' in page.text and 'href="/team/calendar?month=2027-02"' in page.text
    assert "The next 90 days" in page.text
    assert f'href="/calendar/team/{world.teams["A1a"]}"' in page.text
    assert (await client.get("/team/calendar?month=nonsense")).status_code == 200


async def test_the_training_matrix_shows_the_team(client: AsyncClient, world: World) -> None:
    await sign_in(client, "mgr_a1a")
    page = await client.get("/team/training")
    assert page.status_code == 200
    # Modules by title, never by code; every column sortable; the sideways scroll said in words above the table.
    assert "CSAS accreditation course and exam" in page.text and ">CSAS_CORE<" not in page.text
    assert "OfficerA1A1" in page.text and "Missing" in page.text
    assert 'data-module="moj-sortable-table"' in page.text
    assert 'aria-label="Training matrix, scrolls sideways" aria-describedby="matrix-cue"' in page.text
    assert "the table scrolls sideways to show them all" in page.text


async def test_recording_training_needs_confirmation_then_writes(client: AsyncClient, world: World) -> None:
    await sign_in(client, "mgr_a1a")
    url = f"/officers/{world.officers['A1a-1']}/training/new"
    answers = {"module_code": "FIRST_AID", "completed_on": today().isoformat(), "result": "pass"}
    check = await post_form(client, url, answers)
    assert "Check your answers" in check.text
    assert await TrainingRecord.count() == 0
    done = await post_form(client, url, {**answers, "confirm": "yes"})
    assert done.status_code == 303, done.text
    assert await TrainingRecord.count() == 1
    assert "The training record was saved." in (await client.get(done.headers["location"])).text


async def test_training_violations_are_shown_by_the_field(client: AsyncClient, world: World) -> None:
    await sign_in(client, "mgr_a1a")
    url = f"/officers/{world.officers['A1a-1']}/training/new"
    future = (today() + dt.timedelta(days=5)).isoformat()
    response = await post_form(client, url, {"module_code": "FIRST_AID", "completed_on": future, "result": "pass",
                                             "confirm": "yes"})
    assert response.status_code == 422
    assert 'id="completed_on-error"' in response.text
    assert await TrainingRecord.count() == 0


async def test_returning_kit_is_confirmed_as_destructive(client: AsyncClient, world: World) -> None:
    day = today()
    issue = await kit.issue_kit(SYSTEM, officer_id=world.officers["A1a-1"], kit_type_code="HI_VIS_JACKET",
                                issued_on=day - dt.timedelta(days=20))
    await sign_in(client, "mgr_a1a")
    url = f"/kit/{issue['id']}/return"
    answers = {"returned_on": day.isoformat(), "condition": "serviceable"}
    check = await post_form(client, url, answers)
    assert "Are you sure the kit was returned?" in check.text and "govuk-button--warning" in check.text
    assert (await KitIssue.select(KitIssue.returned_on).first())["returned_on"] is None  # type: ignore[index]
    done = await post_form(client, url, {**answers, "confirm": "yes"})
    assert done.status_code == 303
    assert (await KitIssue.select(KitIssue.returned_on).first())["returned_on"] == day  # type: ignore[index]


async def test_subscribing_to_the_team_calendar_shows_a_working_address_once(
        client: AsyncClient, world: World) -> None:
    await sign_in(client, "mgr_a1a")
    url = f"/calendar/team/{world.teams['A1a']}"
    created = await post_form(client, url, {"confirm": "yes"})
    assert created.status_code == 200
    address = created.text.split('id="calendar-url">')[1].split("<")[0]
    feed = await client.get(address.replace("http://testserver", ""))
    assert feed.status_code == 200 and "BEGIN:VCALENDAR" in feed.text
    other = await client.get(f"/calendar/team/{world.teams['A2a']}")
    assert other.status_code == 403
    whole_employer = await client.get(f"/calendar/organisation/{world.orgs['A1']}")
    assert whole_employer.status_code == 403


async def test_recording_a_kit_inspection_from_the_record(client: AsyncClient, world: World) -> None:
    day = today()
    issue = await kit.issue_kit(SYSTEM, officer_id=world.officers["A1a-1"], kit_type_code="HI_VIS_JACKET",
                                issued_on=day - dt.timedelta(days=20))
    await sign_in(client, "mgr_a1a")
    record = await client.get(f"/officers/{world.officers['A1a-1']}")
    assert f'href="/kit/{issue["id"]}/inspect"' in record.text
    url = f"/kit/{issue['id']}/inspect"
    bad = await post_form(client, url, {"inspected_on": day.isoformat(), "condition": "lost", "confirm": "yes"})
    assert bad.status_code == 422 and await KitInspection.count() == 0
    done = await post_form(client, url, {"inspected_on": day.isoformat(), "condition": "damaged", "confirm": "yes"})
    assert done.status_code == 303 and done.headers["location"].endswith("done=kit_inspected")
    row = await KitIssue.select(KitIssue.last_inspected_on, KitIssue.condition).first()
    assert row == {"last_inspected_on": day, "condition": "damaged"}
    assert await KitInspection.count() == 1


async def test_a_manager_cannot_inspect_kit_outside_their_team(client: AsyncClient, world: World) -> None:
    issue = await kit.issue_kit(SYSTEM, officer_id=world.officers["A1b-1"], kit_type_code="HI_VIS_JACKET",
                                issued_on=today() - dt.timedelta(days=20))
    await sign_in(client, "mgr_a1a")
    response = await client.get(f"/kit/{issue['id']}/inspect")
    assert response.status_code == 403 and "HI_VIS" not in response.text and await KitInspection.count() == 0
