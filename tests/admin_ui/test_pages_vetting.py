"""HR and vetting officers: the queue, the application page, status changes with confirmation, conflicts
shown on the page, hr requesting vetting."""

from __future__ import annotations

import datetime as dt

from httpx import AsyncClient

from tests.admin_ui.test_pages_common import TOKEN, post_form, sign_in, today
from tests.factories import World
from vetting import services as vetting
from vetting.tables import VettingApplication


async def _submitted(world: World) -> int:
    day = today()
    app = await vetting.create_application(world.principals["vet_a"], officer_id=world.officers["A1a-1"],
                                           level_code="NPPV2A", requested_on=day - dt.timedelta(days=10),
                                           today=day)
    await vetting.record_event(world.principals["vet_a"], app["id"], status="submitted",
                               on=day - dt.timedelta(days=5), today=day)
    return int(app["id"])


async def test_the_queue_lists_open_applications_in_scope(client: AsyncClient, world: World) -> None:
    app_id = await _submitted(world)
    await sign_in(client, "vet_a")
    page = await client.get("/vetting")
    assert page.status_code == 200
    assert f'href="/vetting/applications/{app_id}"' in page.text and "Days waiting" in page.text
    bad = await client.get("/vetting?status=nonsense")
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html")
    malformed = await client.get("/vetting?offset=lots")
    assert malformed.status_code in (400, 422) and malformed.headers["content-type"].startswith("text/html")


async def test_moving_to_in_progress_is_confirmed_then_written(client: AsyncClient, world: World) -> None:
    app_id = await _submitted(world)
    await sign_in(client, "vet_a")
    url = f"/vetting/applications/{app_id}/event"
    answers = {"status": "in_progress", "on": today().isoformat()}
    check = await post_form(client, url, answers)
    assert "Are you sure you want to change the status?" in check.text
    assert (await VettingApplication.select(VettingApplication.status).first())["status"] == "submitted"  # type: ignore[index]
    done = await post_form(client, url, {**answers, "confirm": "yes"})
    assert done.status_code == 303
    assert (await VettingApplication.select(VettingApplication.status).first())["status"] == "in_progress"  # type: ignore[index]
    page = await client.get(done.headers["location"])
    assert "The application&#39;s status was changed." in page.text or "status was changed" in page.text


async def test_an_illegal_transition_is_never_offered_and_a_forged_one_is_an_error_not_a_write(
        client: AsyncClient, world: World) -> None:
    app_id = await _submitted(world)
    await sign_in(client, "vet_a")
    form = await client.get(f"/vetting/applications/{app_id}/event")
    assert 'value="upheld"' not in form.text and 'value="granted"' not in form.text
    response = await post_form(client, f"/vetting/applications/{app_id}/event",
                               {"status": "upheld", "on": today().isoformat(), "confirm": "yes"})
    assert response.status_code == 422
    assert "govuk-error-summary" in response.text and "from the list" in response.text
    assert (await VettingApplication.select(VettingApplication.status).first())["status"] == "submitted"  # type: ignore[index]


async def test_a_date_the_lifecycle_refuses_is_an_error_summary_not_a_stack_trace(
        client: AsyncClient, world: World) -> None:
    app_id = await _submitted(world)
    await sign_in(client, "vet_a")
    too_early = (today() - dt.timedelta(days=20)).isoformat()  # before the request
    response = await post_form(client, f"/vetting/applications/{app_id}/event",
                               {"status": "in_progress", "on": too_early, "confirm": "yes"})
    assert response.status_code == 409
    assert "govuk-error-summary" in response.text and "before the request" in response.text
    assert (await VettingApplication.select(VettingApplication.status).first())["status"] == "submitted"  # type: ignore[index]


async def test_hr_requests_vetting_and_sees_the_application(client: AsyncClient, world: World) -> None:
    await sign_in(client, "hr_a1")
    url = f"/officers/{world.officers['A1b-1']}/vetting/new"
    answers = {"level_code": "NPPV2A", "requested_on": today().isoformat()}
    await post_form(client, url, answers)
    assert await VettingApplication.count() == 0
    done = await post_form(client, url, {**answers, "confirm": "yes"})
    assert done.status_code == 303
    page = await client.get(done.headers["location"])
    level = "Non-police personnel vetting 2 (abbreviated)"  # the level's title, not its code
    assert page.status_code == 200 and level in page.text and "Change status" not in page.text
    listing = await client.get("/vetting")
    assert "Vetting applications" in listing.text and level in listing.text


async def test_hr_cannot_change_a_status(client: AsyncClient, world: World) -> None:
    app_id = await _submitted(world)
    await sign_in(client, "hr_a1")
    url = f"/vetting/applications/{app_id}/event"
    assert (await client.get(url)).status_code == 403  # no form to fill in only to be refused
    token = TOKEN.search((await client.get("/vetting")).text)
    assert token
    response = await client.post(url, data={"status": "in_progress", "on": today().isoformat(), "confirm": "yes",
                                            "_csrf_token": token.group(1)})
    assert response.status_code == 403
    assert (await VettingApplication.select(VettingApplication.status).first())["status"] == "submitted"  # type: ignore[index]


async def test_the_vetting_officer_acknowledges_a_declaration(client: AsyncClient, world: World) -> None:
    from vetting.tables import Declaration

    day = today()
    declaration = await vetting.create_declaration(
        world.principals["off_a1a1"], officer_id=world.officers["A1a-1"], kind="change_of_circumstances",
        made_on=day, categories=["address"], today=day)
    await sign_in(client, "vet_a")
    record = await client.get(f"/officers/{world.officers['A1a-1']}")
    url = f"/vetting/declarations/{declaration['id']}/acknowledge?officer_id={world.officers['A1a-1']}"
    assert url.replace("&", "&amp;") in record.text or url in record.text
    await post_form(client, url, {"on": day.isoformat()})
    assert (await Declaration.select(Declaration.acknowledged_on).first())["acknowledged_on"] is None  # type: ignore[index]
    done = await post_form(client, url, {"on": day.isoformat(), "confirm": "yes"})
    assert done.status_code == 303
    assert (await Declaration.select(Declaration.acknowledged_on).first())["acknowledged_on"] == day  # type: ignore[index]


async def test_hr_records_leaving_only_after_confirming(client: AsyncClient, world: World) -> None:
    from register.tables import Officer

    await sign_in(client, "hr_a1")
    officer_id = world.officers["A1b-2"]
    url = f"/officers/{officer_id}/leave"
    check = await post_form(client, url, {"left_on": today().isoformat()})
    assert "Are you sure the officer is leaving?" in check.text and "govuk-button--warning" in check.text
    assert (await Officer.select(Officer.left_on).where(Officer.id == officer_id).first())["left_on"] is None  # type: ignore[index]
    done = await post_form(client, url, {"left_on": today().isoformat(), "confirm": "yes"})
    assert done.status_code == 303
    assert (await Officer.select(Officer.left_on).where(Officer.id == officer_id).first())["left_on"] == today()  # type: ignore[index]
    again = await post_form(client, url, {"left_on": today().isoformat(), "confirm": "yes"})
    assert again.status_code == 409 and "govuk-error-summary" in again.text


async def test_the_status_form_reads_no_case_notes_so_records_no_notes_read(client: AsyncClient, world: World) -> None:
    from core.tables import AuditEvent

    app_id = await _submitted(world)
    await sign_in(client, "vet_a")
    url = f"/vetting/applications/{app_id}/event"
    await post_form(client, url, {"status": "in_progress", "on": today().isoformat(), "confirm": "yes"})
    assert await AuditEvent.count().where(AuditEvent.action == "vetting.notes.read") == 0
    await client.get(f"/vetting/applications/{app_id}")  # the page that shows the notes does record the read
    assert await AuditEvent.count().where(AuditEvent.action == "vetting.notes.read") == 1
