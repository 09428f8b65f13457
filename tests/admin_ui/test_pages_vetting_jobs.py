"""Vetting jobs in the browser: a case note without a change of status (seen only by vetting staff, on the page and
the API), the status form offering only legal next statuses, HR's list naming the officer and filtered by status,
and the application page saying what happens next and who does it."""

from __future__ import annotations

import datetime as dt
import re

from httpx import AsyncClient, Response

from core.tables import AuditEvent
from tests.admin_ui.test_pages_common import post_form, sign_in, today
from tests.factories import World
from vetting import services as vetting
from vetting.tables import VettingApplication, VettingEvent

NOTE = "Chased the force for the PNC result"


async def _application(world: World, *statuses: str) -> int:
    day = today()
    app = await vetting.create_application(world.principals["vet_a"], officer_id=world.officers["A1a-1"],
                                           level_code="NPPV2A", requested_on=day - dt.timedelta(days=10),
                                           today=day)
    for n, status in enumerate(statuses):
        await vetting.record_event(world.principals["vet_a"], app["id"], status=status,
                                   on=day - dt.timedelta(days=9 - n), today=day)
    return int(app["id"])


def _offered(html: str) -> set[str]:
    select = html.split('id="status"')[1].split("</select>")[0]
    return set(re.findall(r'<option value="([^"]+)"', select))


async def test_the_status_list_offers_only_the_legal_next_statuses(client: AsyncClient, world: World) -> None:
    await sign_in(client, "vet_a")
    submitted = await _application(world, "submitted")
    form = await client.get(f"/vetting/applications/{submitted}/event")
    assert _offered(form.text) == {"info_requested", "in_progress", "withdrawn", "discontinued"}
    # Missing information is asked for once: after that, 'info requested' is no longer offered.
    asked = await _application(world, "submitted", "info_requested", "in_progress")
    form = await client.get(f"/vetting/applications/{asked}/event")
    assert _offered(form.text) == {"granted", "refused", "withdrawn", "discontinued"}


async def test_a_final_status_offers_no_change(client: AsyncClient, world: World) -> None:
    app_id = await _application(world, "withdrawn")
    await sign_in(client, "vet_a")
    page = await client.get(f"/vetting/applications/{app_id}")
    assert page.status_code == 200 and f"/vetting/applications/{app_id}/event" not in page.text
    form = await client.get(f"/vetting/applications/{app_id}/event")
    assert form.status_code == 409 and "cannot change status" in form.text


async def test_a_vetting_officer_adds_a_case_note_without_changing_the_status(
        client: AsyncClient, world: World) -> None:
    app_id = await _application(world, "submitted")
    await sign_in(client, "vet_a")
    application = await client.get(f"/vetting/applications/{app_id}")
    url = f"/vetting/applications/{app_id}/note"
    assert f'href="{url}"' in application.text
    check = await post_form(client, url, {"note": NOTE})
    assert check.status_code == 200 and "Check your answers" in check.text
    assert await VettingEvent.count() == 2  # draft, submitted: nothing written before confirming
    done = await post_form(client, url, {"note": NOTE, "confirm": "yes"})
    assert done.status_code == 303
    row = await VettingApplication.select(VettingApplication.status).first()
    assert row is not None and row["status"] == "submitted"
    page = await client.get(done.headers["location"])
    assert "The case note was added." in page.text and NOTE in page.text and "Case note" in page.text
    audit = await AuditEvent.select(AuditEvent.after).where(AuditEvent.action == "vetting.application.note").first()
    assert audit is not None and NOTE not in str(audit["after"])  # the audit says a note was written, not what
    api = await client.get(f"/api/vetting/applications/{app_id}")
    notes = [e for e in api.json()["events"] if e.get("note_only")]
    assert len(notes) == 1 and notes[0]["note"] == NOTE and notes[0]["status"] == "submitted"
    # The status form still offers what it did: the note changed nothing.
    assert "in_progress" in _offered((await client.get(f"/vetting/applications/{app_id}/event")).text)


async def test_an_empty_case_note_is_refused_on_the_form(client: AsyncClient, world: World) -> None:
    app_id = await _application(world, "submitted")
    await sign_in(client, "vet_a")
    response = await post_form(client, f"/vetting/applications/{app_id}/note", {"note": "  "})
    assert response.status_code == 422 and "govuk-error-summary" in response.text
    assert await VettingEvent.count() == 2


async def test_hr_manager_and_officer_never_see_a_case_note(client: AsyncClient, world: World) -> None:
    app_id = await _application(world, "submitted")
    await vetting.add_case_note(world.principals["vet_a"], app_id, note=NOTE, today=today())
    for who in ("hr_a1", "mgr_a1a", "off_a1a1"):
        api = await client.get(f"/api/vetting/applications/{app_id}", headers=world.auth(who))
        assert api.status_code in (200, 403), (who, api.text)
        assert NOTE not in api.text, who
        if api.status_code == 200:
            assert [e["status"] for e in api.json()["events"]] == ["draft", "submitted"], who
        client.cookies.clear()
        await sign_in(client, who)
        page = await client.get(f"/vetting/applications/{app_id}")
        assert NOTE not in page.text and "Case note" not in page.text, who
        record = await client.get(f"/officers/{world.officers['A1a-1']}")
        assert record.status_code == 200 and NOTE not in record.text, who
    hr_page = await _page_as(client, "hr_a1", f"/vetting/applications/{app_id}")
    assert hr_page.status_code == 200 and "Add a case note" not in hr_page.text


async def _page_as(client: AsyncClient, who: str, url: str) -> Response:
    client.cookies.clear()
    await sign_in(client, who)
    return await client.get(url)


async def test_hr_cannot_add_a_case_note(client: AsyncClient, world: World) -> None:
    app_id = await _application(world, "submitted")
    await sign_in(client, "hr_a1")
    form = await client.get(f"/vetting/applications/{app_id}/note")
    assert form.status_code == 403
    assert await VettingEvent.count() == 2


async def test_after_a_request_hr_sees_the_status_and_what_happens_next(client: AsyncClient, world: World) -> None:
    await sign_in(client, "hr_a1")
    record = await client.get(f"/officers/{world.officers['A1b-1']}")
    url = f"/officers/{world.officers['A1b-1']}/vetting/new"
    assert f'href="{url}"' in record.text
    answers = {"level_code": "NPPV2A", "requested_on": today().isoformat()}
    await post_form(client, url, answers)
    done = await post_form(client, url, {**answers, "confirm": "yes"})
    page = await client.get(done.headers["location"])
    next_step = page.text.split('id="next-step"')[1].split("</div>")[0]
    assert "What happens next" in next_step and "vetting officer" in next_step and "submits" in next_step
    assert "Draft" in page.text


async def test_hrs_vetting_list_names_the_officer_and_filters_by_status(client: AsyncClient, world: World) -> None:
    draft = await _application(world)
    day = today()
    other = await vetting.create_application(world.principals["hr_a1"], officer_id=world.officers["A1b-2"],
                                             level_code="NPPV2A", requested_on=day, today=day)
    await vetting.record_event(world.principals["vet_a"], other["id"], status="withdrawn", on=day, today=day)
    await sign_in(client, "hr_a1")
    everything = await client.get("/vetting")
    assert "OfficerA1A1" in everything.text and "OfficerA1B2" in everything.text
    assert 'value="withdrawn"' in everything.text  # HR filters on closed statuses too
    withdrawn = await client.get("/vetting?status=withdrawn")
    assert "OfficerA1B2" in withdrawn.text and f"/vetting/applications/{draft}" not in withdrawn.text
