"""The officer's "My record", the declaration form (violations by the field, confirmation) and case notes
never reaching a page for a role that may not read them."""

from __future__ import annotations

import datetime as dt

import pytest
from httpx import AsyncClient

from tests.admin_ui.test_pages_common import cleared_trained_and_carded, grant, post_form, sign_in, today
from tests.factories import World
from vetting import services as vetting
from vetting.tables import Declaration


async def test_my_record_shows_the_headline_powers_plan_and_links(client: AsyncClient, world: World) -> None:
    await grant(world)
    await sign_in(client, "off_a1a1")
    page = await client.get("/me")
    assert page.status_code == 200
    text = page.text
    assert "My record" in text
    assert "FPN_LITTER" in text and "NA_ASB" in text
    assert "Renewal plan" in text and "Vetting" in text and "Training" in text and "Kit" in text
    assert f'href="/api/officers/{world.officers["A1a-1"]}/record.pdf"' in text
    assert 'href="/me/declaration"' in text
    assert f'href="/calendar/officer/{world.officers["A1a-1"]}"' in text
    assert "Accreditation SP-001" in text


def _declaration(**changes: object) -> dict[str, object]:
    return {"kind": "change_of_circumstances", "made_on": today().isoformat(), "categories": ["address"]} | changes


@pytest.mark.parametrize(("changes", "field", "message", "link"), [
    ({"categories": []}, "categories", "Select at least one option", "categories"),
    # A date's summary link goes to its first box in error: here the day, as 30 February is no day.
    ({"made_on": "2026-02-30"}, "made_on", "Date of the declaration must be a real date", "made_on-day"),
    ({"kind": ""}, "kind", "Select kind of declaration", "kind"),
])
async def test_bad_declaration_input_is_shown_by_the_field_and_writes_nothing(
        client: AsyncClient, world: World, changes: dict[str, object], field: str, message: str, link: str) -> None:
    await sign_in(client, "off_a1a1")
    response = await post_form(client, "/me/declaration", _declaration(confirm="yes", **changes))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert message in response.text
    assert f'href="#{link}"' in response.text  # the error summary links to the field
    assert await Declaration.count() == 0


async def test_a_violation_from_the_service_is_shown_by_its_field(client: AsyncClient, world: World) -> None:
    await sign_in(client, "off_a1a1")
    future = (today() + dt.timedelta(days=3)).isoformat()
    response = await post_form(client, "/me/declaration", _declaration(made_on=future, confirm="yes"))
    assert response.status_code == 422
    assert 'id="made_on-error"' in response.text
    assert await Declaration.count() == 0


async def test_a_declaration_is_confirmed_before_it_is_written(client: AsyncClient, world: World) -> None:
    await sign_in(client, "off_a1a1")
    check = await post_form(client, "/me/declaration", _declaration(categories=["address", "finances"]))
    assert check.status_code == 200
    assert "Check your answers" in check.text and 'name="confirm" value="yes"' in check.text
    assert await Declaration.count() == 0
    done = await post_form(client, "/me/declaration", _declaration(categories=["address", "finances"],
                                                                   confirm="yes"))
    assert done.status_code == 303
    assert done.headers["location"] == "/me?done=declaration"
    rows = await Declaration.select(Declaration.officer, Declaration.kind)
    assert rows == [{"officer": world.officers["A1a-1"], "kind": "change_of_circumstances"}]
    record = await client.get(done.headers["location"])
    assert "Your declaration was submitted." in record.text
    assert "Awaiting acknowledgement".lower() in record.text.lower()


async def test_the_calendar_address_is_shown_once_after_confirmation(client: AsyncClient, world: World) -> None:
    await sign_in(client, "off_a1a1")
    url = f"/calendar/officer/{world.officers['A1a-1']}"
    confirm = await post_form(client, url, {})
    assert "Create a calendar address?" in confirm.text
    created = await post_form(client, url, {"confirm": "yes"})
    assert created.status_code == 200
    assert "/api/calendars/" in created.text and ".ics" in created.text


SECRET = "NOTE-ONLY-FOR-VETTING-7f3a"


async def _application_with_note(world: World) -> int:
    day = today()
    app = await vetting.create_application(world.principals["vet_a"], officer_id=world.officers["A1a-1"],
                                           level_code="NPPV2A", requested_on=day - dt.timedelta(days=10),
                                           today=day)
    await vetting.record_event(world.principals["vet_a"], app["id"], status="submitted",
                               on=day - dt.timedelta(days=5), note=SECRET, today=day)
    return int(app["id"])


@pytest.mark.parametrize("who", ["off_a1a1", "mgr_a1a", "hr_a1", "coord_a"])
async def test_case_notes_never_appear_for_other_roles(client: AsyncClient, world: World, who: str) -> None:
    app_id = await _application_with_note(world)
    await sign_in(client, who)
    for path in (f"/officers/{world.officers['A1a-1']}", f"/vetting/applications/{app_id}", "/vetting",
                 "/me", "/team"):
        response = await client.get(path)
        assert SECRET not in response.text, (who, path)


async def test_the_vetting_officer_reads_case_notes_on_the_timeline(client: AsyncClient, world: World) -> None:
    app_id = await _application_with_note(world)
    await sign_in(client, "vet_a")
    page = await client.get(f"/vetting/applications/{app_id}")
    assert page.status_code == 200
    assert SECRET in page.text


async def test_a_binding_annual_review_reads_as_the_vetting_table_does(client: AsyncClient, world: World) -> None:
    """An NPPV3 clearance stops counting at its annual review, not its expiry: the headline's date and the vetting
    table's "Annual review due" column say the same day."""
    from core.dates import add_months, long_date

    await cleared_trained_and_carded(world, level="NPPV3")
    written = long_date(add_months(today() - dt.timedelta(days=320), 12))
    await sign_in(client, "off_a1a1")
    text = (await client.get("/me")).text
    assert (f"The first thing to expire: Non-police personnel vetting 3 (annual review due) on {written}."
            in " ".join(text.split()))
    assert "Annual review due</th>" in text and f'<td class="govuk-table__cell">{written}</td>' in text


async def test_a_suspension_entered_ahead_is_named_as_a_suspension(client: AsyncClient, world: World) -> None:
    from core.dates import long_date
    from register.accreditations import services as accreditations
    from tests.admin_ui.test_pages_common import SYSTEM

    await cleared_trained_and_carded(world, granted_ago=100)
    accreditation = (await accreditations.list_for_officer(world.officers["A1a-1"], today()))[0]
    starts = today() + dt.timedelta(days=40)
    await accreditations.suspend_accreditation(SYSTEM, accreditation["id"], on=starts, reason="Investigation",
                                               today=today())
    await sign_in(client, "off_a1a1")
    text = " ".join((await client.get("/me")).text.split())
    assert f"Powers usable until {long_date(starts - dt.timedelta(days=1))}" in text
    assert f"Accreditation SP-001 is suspended from {long_date(starts)}." in text


async def test_the_record_names_powers_by_their_titles(client: AsyncClient, world: World) -> None:
    from register.officers import services as register_services

    titles = {p["code"]: p["title"] for p in await register_services.list_powers()}
    await grant(world)
    await sign_in(client, "off_a1a1")
    text = (await client.get("/me")).text
    assert f'<th scope="row" class="govuk-table__header">{titles["FPN_LITTER"]}<br>' in text
