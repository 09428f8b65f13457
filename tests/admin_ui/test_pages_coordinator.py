"""The coordinator: forecast, accreditations to renew, suspend/withdraw with confirmation, granting."""

from __future__ import annotations

from httpx import AsyncClient

from register.tables import Accreditation, DesignatedPower
from tests.admin_ui.test_pages_common import grant, post_form, sign_in, today
from tests.factories import World


async def test_forecast_and_renewals_render(client: AsyncClient, world: World) -> None:
    acc = await grant(world)
    await sign_in(client, "coord_a")
    forecast = await client.get("/forecast")
    assert forecast.status_code == 200 and "Forecast" in forecast.text
    assert (await client.get("/forecast?from_=2026-01-01&to=2028-12-31")).status_code == 200
    renew = await client.get("/accreditations")
    assert renew.status_code == 200 and "Accreditations to renew" in renew.text
    page = await client.get(f"/accreditations/{acc['id']}")
    assert page.status_code == 200 and "SP-001" in page.text and "Suspend" in page.text


async def test_suspending_needs_confirmation(client: AsyncClient, world: World) -> None:
    acc = await grant(world)
    await sign_in(client, "coord_a")
    url = f"/accreditations/{acc['id']}/suspend"
    answers = {"on": today().isoformat(), "reason": "Complaint under review"}
    check = await post_form(client, url, answers)
    assert "Are you sure you want to suspend" in check.text and "govuk-button--warning" in check.text
    assert (await Accreditation.select(Accreditation.suspended_on).first())["suspended_on"] is None  # type: ignore[index]
    done = await post_form(client, url, {**answers, "confirm": "yes"})
    assert done.status_code == 303
    assert (await Accreditation.select(Accreditation.suspended_on).first())["suspended_on"] == today()  # type: ignore[index]
    assert "The accreditation was suspended." in (await client.get(done.headers["location"])).text


async def test_a_missing_reason_is_shown_by_the_field(client: AsyncClient, world: World) -> None:
    acc = await grant(world)
    await sign_in(client, "coord_a")
    response = await post_form(client, f"/accreditations/{acc['id']}/withdraw",
                               {"on": today().isoformat(), "reason": "", "confirm": "yes"})
    assert response.status_code == 422 and 'id="reason-error"' in response.text
    assert (await Accreditation.select(Accreditation.withdrawn_on).first())["withdrawn_on"] is None  # type: ignore[index]


async def test_the_forecast_window_is_typed_in_date_boxes_and_a_wrong_day_is_said(
        client: AsyncClient, world: World) -> None:
    await sign_in(client, "coord_a")
    typed = await client.get("/forecast?from-day=01&from-month=12&from-year=2026&to-day=1&to-month=3&to-year=2027")
    assert typed.status_code == 200
    assert "Powers usable on 1 December 2026 that stop being usable before 1 March 2027" in typed.text
    assert 'type="date"' not in typed.text and 'name="from-day"' in typed.text
    wrong = await client.get("/forecast?from-day=31&from-month=2&from-year=2027")
    assert wrong.status_code == 200  # a filter: the page still answers, for the default window
    assert 'href="#from-day">From must be a real date' in wrong.text
    assert 'id="from-day" name="from-day" type="text" inputmode="numeric" value="31"' in wrong.text


async def test_granting_from_the_officers_record(client: AsyncClient, world: World) -> None:
    await sign_in(client, "coord_a")
    url = f"/officers/{world.officers['A2a-1']}/accreditations/new"
    answers = {"number": "SP-900", "granted_on": today().isoformat(), "expires_on": "2028-01-31",
               "power_codes": ["FPN_LITTER"]}
    await post_form(client, url, answers)
    assert await Accreditation.count() == 0
    done = await post_form(client, url, {**answers, "confirm": "yes"})
    assert done.status_code == 303, done.text
    assert await Accreditation.count() == 1


async def test_forms_that_grant_powers_offer_them_by_title_and_never_a_repealed_one(
        client: AsyncClient, world: World) -> None:
    from register.tables import Power

    repealed = [p["code"] for p in await Power.select(Power.code).where(Power.in_force == False)]  # noqa: E712
    assert repealed, "the catalogue seeds repealed powers"
    acc = await grant(world)
    await sign_in(client, "coord_a")
    for url in (f"/officers/{world.officers['A2a-1']}/accreditations/new", f"/accreditations/{acc['id']}/powers/new"):
        form = (await client.get(url)).text
        assert 'value="PHOTOGRAPH"' in form
        assert all(f'value="{code}"' not in form for code in repealed), url
        assert "Photograph a person given a penalty notice" in form and "PHOTOGRAPH:" not in form


async def test_a_manager_cannot_suspend(client: AsyncClient, world: World) -> None:
    acc = await grant(world)
    await sign_in(client, "mgr_a1a")
    response = await post_form(client, f"/accreditations/{acc['id']}/suspend",
                               {"on": today().isoformat(), "reason": "x", "confirm": "yes"})
    assert response.status_code == 403
    assert (await Accreditation.select(Accreditation.suspended_on).first())["suspended_on"] is None  # type: ignore[index]


async def test_designating_a_further_power_offers_only_powers_not_held(client: AsyncClient, world: World) -> None:
    acc = await grant(world)
    await sign_in(client, "coord_a")
    page = await client.get(f"/accreditations/{acc['id']}")
    assert f'href="/accreditations/{acc["id"]}/powers/new"' in page.text
    url = f"/accreditations/{acc['id']}/powers/new"
    form = await client.get(url)
    assert 'value="PHOTOGRAPH"' in form.text and 'value="FPN_LITTER"' not in form.text
    done = await post_form(client, url, {"code": "PHOTOGRAPH", "granted_on": today().isoformat(), "confirm": "yes"})
    assert done.status_code == 303 and done.headers["location"].endswith("done=power_designated")
    powers = await DesignatedPower.select(DesignatedPower.power.code).where(DesignatedPower.accreditation == acc["id"])
    assert sorted(p["power.code"] for p in powers) == ["FPN_LITTER", "NA_ASB", "PHOTOGRAPH"]
    again = await post_form(client, url, {"code": "PHOTOGRAPH", "granted_on": today().isoformat(), "confirm": "yes"})
    assert again.status_code in (409, 422) and await DesignatedPower.count() == 3


async def test_a_manager_cannot_designate_powers(client: AsyncClient, world: World) -> None:
    acc = await grant(world)
    await sign_in(client, "mgr_a1a")
    response = await post_form(client, f"/accreditations/{acc['id']}/powers/new",
                               {"code": "PHOTOGRAPH", "granted_on": today().isoformat(), "confirm": "yes"})
    assert response.status_code == 403 and await DesignatedPower.count() == 2
