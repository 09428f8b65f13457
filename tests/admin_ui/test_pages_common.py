"""Pages for every role: landing after sign-in, CSRF on every form, 403 pages outside role or scope. The
helpers here are shared by the other test_pages_* modules."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from typing import Any

import pytest
from httpx import AsyncClient, Response

from core.access import Principal
from core.clock import business_today
from register.accreditations import services as accreditations
from tests.factories import PASSWORD, SYSTEM, World

TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def sign_in(client: AsyncClient, username: str) -> None:
    page = await client.get("/")
    token = TOKEN.search(page.text)
    assert token, page.text
    response = await client.post("/login", data={"username": username, "password": PASSWORD,
                                                 "_csrf_token": token.group(1)})
    assert response.status_code == 303, response.text


DATE_BOX = re.compile(r'name="([^"]+)-day"')


def typed_dates(data: dict[str, Any], date_fields: Collection[str] = ()) -> dict[str, Any]:
    """A form's answers as a person types them: each day (a date, or an ISO string for a field the page asks as a
    date) in the three boxes Day, Month, Year of the GOV.UK date input."""
    out: dict[str, Any] = {}
    for name, value in data.items():
        if isinstance(value, str) and name in date_fields and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            year, month, day = value.split("-")
            out |= {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}
        elif isinstance(value, dt.date):
            out |= {f"{name}-day": str(value.day), f"{name}-month": str(value.month), f"{name}-year": str(value.year)}
        else:
            out[name] = value
    return out


async def post_form(client: AsyncClient, url: str, data: dict[str, Any]) -> Response:
    """Posts like the browser does: the token from the form the page rendered, days typed in its date boxes."""
    page = await client.get(url)
    assert page.status_code == 200, page.text
    token = TOKEN.search(page.text)
    assert token
    typed = typed_dates(data, set(DATE_BOX.findall(page.text)))
    return await client.post(url, data={**typed, "_csrf_token": token.group(1)})


def today() -> dt.date:
    return business_today()


async def grant(world: World, officer: str = "A1a-1", number: str = "SP-001",
                powers: tuple[str, ...] = ("FPN_LITTER", "NA_ASB")) -> dict[str, Any]:
    day = today()
    return await accreditations.grant_accreditation(
        SYSTEM, officer_id=world.officers[officer], force_id=world.forces["A" if officer[0] == "A" else "B"],
        number=number, granted_on=day - dt.timedelta(days=30), expires_on=day + dt.timedelta(days=400),
        power_codes=list(powers), conditions="", today=day)


def principal(world: World, who: str) -> Principal:
    return world.principals[who]


LANDING = {
    "admin": ("/admin", "Users"),
    "coord_a": ("/forecast", "Forecast"),
    "vet_a": ("/vetting", "Vetting queue"),
    "hr_a1": ("/vetting", "Vetting applications"),
    "mgr_a1a": ("/team", "Team readiness"),
    "off_a1a1": ("/me", "My record"),
}


@pytest.mark.parametrize("who", sorted(LANDING))
async def test_signing_in_lands_on_the_page_for_the_job(client: AsyncClient, world: World, who: str) -> None:
    await sign_in(client, who)
    landing = await client.get("/")
    path, heading = LANDING[who]
    assert landing.status_code == 303
    assert landing.headers["location"] == path
    page = await client.get(path)
    assert page.status_code == 200, page.text
    assert heading in page.text
    assert 'class="govuk-service-navigation' in page.text
    assert "Sign out" in page.text


async def test_signed_out_pages_send_you_to_sign_in(client: AsyncClient, world: World) -> None:
    response = await client.get("/team")
    assert response.status_code == 303
    assert response.headers["location"] == "/?next=%2Fteam"  # and back to /team after signing in
    assert "Sign in" in (await client.get("/")).text


async def test_a_wrong_password_is_shown_on_the_sign_in_page(client: AsyncClient, world: World) -> None:
    page = await client.get("/")
    token = TOKEN.search(page.text)
    assert token
    response = await client.post("/login", data={"username": "admin", "password": "nope",
                                                 "_csrf_token": token.group(1)})
    assert response.status_code == 401
    assert "Unknown username or wrong password" in response.text


async def test_sign_in_without_the_csrf_token_is_refused(client: AsyncClient, world: World) -> None:
    await client.get("/")
    response = await client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 403
    assert "csas_session" not in response.cookies


async def test_a_form_posted_without_the_csrf_token_is_refused_and_writes_nothing(
        client: AsyncClient, world: World) -> None:
    from vetting.tables import Declaration

    await sign_in(client, "off_a1a1")
    response = await client.post("/me/declaration", data={
        "kind": "change_of_circumstances", "made_on": today().isoformat(), "categories": "address",
        "confirm": "yes"})
    assert response.status_code == 403
    forged = await client.post("/me/declaration", data={
        "kind": "change_of_circumstances", "made_on": today().isoformat(), "categories": "address",
        "confirm": "yes", "_csrf_token": "0" * 128})
    assert forged.status_code == 403
    assert await Declaration.count() == 0


async def test_the_api_is_not_behind_the_page_csrf_check(client: AsyncClient, world: World) -> None:
    response = await client.post("/api/vetting/declarations", json={
        "officer_id": world.officers["A1a-1"], "kind": "change_of_circumstances",
        "made_on": today().isoformat(), "categories": ["address"]}, headers=world.auth("off_a1a1"))
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(("who", "path"), [
    ("mgr_a1a", "/officers/{A2a-1}"),
    ("hr_a1", "/officers/{B1a-1}"),
    ("off_a1a1", "/officers/{A1a-2}"),
    ("coord_a", "/officers/{B1a-1}"),
    ("mgr_a1a", "/admin"),
    ("coord_a", "/admin/policy/lead-times"),  # two forces: the policy is every force's, admin's to change
    ("mgr_a1a", "/officers/{A2a-1}/training/new"),
])
async def test_pages_outside_role_or_scope_are_403_pages(client: AsyncClient, world: World, who: str,
                                                         path: str) -> None:
    await sign_in(client, who)
    url = re.sub(r"\{([^}]+)\}", lambda m: str(world.officers[m.group(1)]), path)
    response = await client.get(url)
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text
    assert '<h1 class="govuk-heading-l">You do not have permission to see this page</h1>' in response.text


async def test_an_unknown_officer_is_a_404_page(client: AsyncClient, world: World) -> None:
    await sign_in(client, "admin")
    response = await client.get("/officers/99999")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


async def test_the_vendored_design_system_is_served_locally(client: AsyncClient) -> None:
    css = await client.get("/static/vendor/govuk-frontend.min.css")
    assert css.status_code == 200
    assert "GDS Transport" not in css.text and "@font-face" not in css.text
    for path in ("/static/vendor/govuk-frontend.min.js", "/static/vendor/htmx.min.js", "/static/app.css"):
        assert (await client.get(path)).status_code == 200, path
    page = await client.get("/")
    assert "http://" not in page.text.replace("http://www.w3.org", "") and "https://" not in page.text


async def test_a_confirmed_action_outside_the_role_is_refused_on_the_page_and_writes_nothing(
        client: AsyncClient, world: World) -> None:
    from training.tables import TrainingRecord

    await sign_in(client, "off_a1a1")
    response = await post_form(client, f"/officers/{world.officers['A1a-1']}/training/new", {
        "module_code": "FIRST_AID", "completed_on": today().isoformat(), "result": "pass", "confirm": "yes"})
    assert response.status_code == 403
    assert "govuk-error-summary" in response.text
    assert await TrainingRecord.count() == 0


@pytest.mark.parametrize(("who", "seen", "unseen"), [
    ("hr_a1", "OfficerA1B1", "OfficerA2A1"),
    ("coord_a", "OfficerA2A1", "OfficerB1A1"),
    ("mgr_a1a", "OfficerA1A2", "OfficerA1B1"),
])
async def test_the_officers_list_is_scoped(client: AsyncClient, world: World, who: str, seen: str,
                                           unseen: str) -> None:
    await sign_in(client, who)
    page = await client.get("/officers")
    assert page.status_code == 200
    assert seen in page.text and unseen not in page.text
    found = await client.get("/officers?q=A1A1")
    assert "OfficerA1A1" in found.text and "OfficerA1A2" not in found.text
    assert "1 officer matching" in found.text


async def test_a_throttled_sign_in_is_explained_on_the_sign_in_page(client: AsyncClient, world: World) -> None:
    async def attempt(password: str) -> Response:
        token = TOKEN.search((await client.get("/")).text)
        assert token
        return await client.post("/login", data={"username": "hr_a1", "password": password,
                                                 "_csrf_token": token.group(1)})

    for _ in range(5):
        assert (await attempt("not the password")).status_code == 401
    page = await attempt(PASSWORD)
    assert page.status_code == 429 and "Too many failed sign-ins" in page.text
    assert 'name="username"' in page.text and int(page.headers["retry-after"]) > 0


@pytest.mark.parametrize(("error", "status"), [(ConnectionRefusedError(111, "refused"), 503),
                                               (RuntimeError("a bug"), 500)])
async def test_a_database_outage_is_an_html_page_and_a_bug_is_still_a_generic_error(
        client: AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch, error: Exception, status: int) -> None:
    import admin_ui.pages_manager

    await sign_in(client, "hr_a1")

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(admin_ui.pages_manager, "list_officers", broken)
    response = await client.get("/officers")
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")  # a page, never problem+json
    if status == 503:
        assert "cannot reach its database" in response.text and response.headers["retry-after"] == "60"
    assert "Traceback" not in response.text and "a bug" not in response.text


async def test_the_officers_list_says_when_nothing_is_on_the_page(client: AsyncClient, world: World) -> None:
    await sign_in(client, "hr_a1")
    past_the_end = await client.get("/officers?offset=5000")
    assert past_the_end.status_code == 200
    assert "past the end of the list" in past_the_end.text and "<table" not in past_the_end.text
    assert 'href="/officers?q="' in past_the_end.text
    nothing = await client.get("/officers?q=NoSuchOfficer")
    assert "No officer matches “NoSuchOfficer”." in nothing.text and "<table" not in nothing.text


async def cleared_trained_and_carded(world: World, level: str = "NPPV2A", granted_ago: int = 320,
                                     accredited: bool = True) -> None:
    """A1a-1 accredited (grant, unless not `accredited`), cleared at `level`, trained and carded: with an
    accreditation in force, their powers are usable today."""
    from register.kit import services as kit
    from training import services as training
    from vetting import services as vetting

    if accredited:
        await grant(world)
    day, officer_id = today(), world.officers["A1a-1"]
    application = await vetting.create_application(SYSTEM, officer_id=officer_id, level_code=level,
                                                   requested_on=day - dt.timedelta(days=granted_ago + 20), today=day)
    for status, ago in (("submitted", granted_ago + 15), ("in_progress", granted_ago + 10), ("granted", granted_ago)):
        await vetting.record_event(SYSTEM, application["id"], status=status, on=day - dt.timedelta(days=ago),
                                   today=day, force_reference="FREF-1" if status == "granted" else None)
    for module in ("CSAS_CORE", "PENALTY_NOTICES"):
        await training.record_completion(SYSTEM, today=day, officer_id=officer_id, module_code=module,
                                         completed_on=day - dt.timedelta(days=100), result="pass")
    await kit.issue_kit(SYSTEM, officer_id=officer_id, kit_type_code="ID_CARD",
                        issued_on=day - dt.timedelta(days=20), serial_number="ID-1")
