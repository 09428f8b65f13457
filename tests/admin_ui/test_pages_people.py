"""People and places in the browser: HR adds officers and teams and changes an officer's details, a coordinator
adds an employer; each reached by links from the landing page, confirmed before it is written, audited, and
refused to roles and scopes that may not."""

from __future__ import annotations

import re

from httpx import AsyncClient

from core.tables import AuditEvent
from register.tables import Officer, Organisation, Team
from tests.admin_ui.test_pages_common import TOKEN, post_form, sign_in, today
from tests.factories import World


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


async def _audited(action: str) -> int:
    return int(await AuditEvent.count().where(AuditEvent.action == action))


async def test_hr_reaches_the_people_pages_from_the_landing_page(client: AsyncClient, world: World) -> None:
    await sign_in(client, "hr_a1")
    landing = await client.get((await client.get("/")).headers["location"])
    assert {"/officers", "/employers"} <= _links(landing.text)
    assert "/officers/new" in _links((await client.get("/officers")).text)
    employers = await client.get("/employers")
    assert {"/officers/new", "/teams/new"} <= _links(employers.text)
    assert "/employers/new" not in _links(employers.text)  # employers are the coordinator's to add
    assert "Council A1" in employers.text and "Council A2" not in employers.text  # only HR's own employer
    record = await client.get(f"/officers/{world.officers['A1a-1']}")
    assert {f"/officers/{world.officers['A1a-1']}/edit", f"/officers/{world.officers['A1a-1']}/leave"} \
        <= _links(record.text)


async def test_hr_adds_an_officer_after_checking_the_answers(client: AsyncClient, world: World) -> None:
    await sign_in(client, "hr_a1")
    answers = {"organisation_id": str(world.orgs["A1"]), "team_id": str(world.teams["A1b"]),
               "staff_number": "N-100", "given_name": "Nia", "family_name": "Newcomer",
               "email": "nia@council.example", "started_on": today().isoformat()}
    before = await Officer.count()
    check = await post_form(client, "/officers/new", answers)
    assert check.status_code == 200 and "Check your answers" in check.text and "Team A1b" in check.text
    assert await Officer.count() == before
    done = await post_form(client, "/officers/new", {**answers, "confirm": "yes"})
    assert done.status_code == 303
    page = await client.get(done.headers["location"])
    assert "The officer was added." in page.text and "Nia Newcomer" in page.text
    assert await _audited("officer.create") == before + 1  # the world's officers, and this one
    again = await post_form(client, "/officers/new", {**answers, "confirm": "yes"})
    assert again.status_code == 409 and "Already used in this organisation." in again.text


async def test_hr_cannot_add_an_officer_to_another_employer(client: AsyncClient, world: World) -> None:
    await sign_in(client, "hr_a1")
    form = await client.get("/officers/new")
    employers = form.text.split('id="organisation_id"')[1].split("</select>")[0]
    assert "Council A1" in employers and "Council A2" not in employers  # not offered
    before = await Officer.count()
    token = TOKEN.search(form.text)
    assert token
    forged = await client.post("/officers/new", data={
        "organisation_id": str(world.orgs["A2"]), "staff_number": "X-1", "given_name": "Xan", "family_name": "X",
        "email": "x@council.example", "started_on": today().isoformat(), "confirm": "yes",
        "_csrf_token": token.group(1)})
    assert forged.status_code == 422 and await Officer.count() == before


async def test_a_manager_may_not_add_officers_or_teams(client: AsyncClient, world: World) -> None:
    await sign_in(client, "mgr_a1a")
    assert "/officers/new" not in _links((await client.get("/officers")).text)
    record = await client.get(f"/officers/{world.officers['A1a-1']}")
    assert f"/officers/{world.officers['A1a-1']}/edit" not in _links(record.text)
    for url in ("/officers/new", "/teams/new", f"/officers/{world.officers['A1a-1']}/edit"):
        assert (await client.get(url)).status_code == 403, url  # no form to fill in only to be refused
    token = TOKEN.search((await client.get("/officers")).text)
    assert token
    officers, teams = await Officer.count(), await Team.count()
    response = await client.post("/officers/new", data={
        "organisation_id": str(world.orgs["A1"]), "staff_number": "M-1", "given_name": "Mo", "family_name": "M",
        "email": "m@council.example", "started_on": today().isoformat(), "confirm": "yes",
        "_csrf_token": token.group(1)})
    assert response.status_code == 403 and "cannot add officers" in response.text
    response = await client.post("/teams/new", data={"organisation_id": str(world.orgs["A1"]), "name": "Night team",
                                                     "confirm": "yes", "_csrf_token": token.group(1)})
    assert response.status_code == 403
    assert await Officer.count() == officers and await Team.count() == teams


async def test_hr_adds_a_team(client: AsyncClient, world: World) -> None:
    await sign_in(client, "hr_a1")
    answers = {"organisation_id": str(world.orgs["A1"]), "name": "Night team"}
    check = await post_form(client, "/teams/new", answers)
    assert "Check your answers" in check.text and await Team.count() == 4
    done = await post_form(client, "/teams/new", {**answers, "confirm": "yes"})
    assert done.status_code == 303
    page = await client.get(done.headers["location"])
    assert "The team was added." in page.text and "Night team" in page.text
    assert await Team.count() == 5 and await _audited("team.create") == 5


async def test_hr_changes_an_officers_details(client: AsyncClient, world: World) -> None:
    await sign_in(client, "hr_a1")
    officer_id = world.officers["A1a-2"]
    url = f"/officers/{officer_id}/edit"
    form = await client.get(url)
    assert 'value="A1A2"' in form.text  # today's details filled in
    answers = {"team_id": str(world.teams["A1b"]), "staff_number": "A1A2", "given_name": "Alexandra",
               "family_name": "OfficerA1A2", "email": "a1a2@council.example", "started_on": "2024-01-15"}
    await post_form(client, url, answers)
    row = await Officer.select(Officer.given_name).where(Officer.id == officer_id).first()
    assert row is not None and row["given_name"] == "Alex"
    done = await post_form(client, url, {**answers, "confirm": "yes"})
    assert done.status_code == 303
    page = await client.get(done.headers["location"])
    assert "The officer&#39;s details were changed." in page.text and "Alexandra OfficerA1A2" in page.text
    row = await Officer.select(Officer.given_name, Officer.team).where(Officer.id == officer_id).first()
    assert row == {"given_name": "Alexandra", "team": world.teams["A1b"]}
    assert await _audited("officer.update") == 1


async def test_hr_cannot_change_an_officer_of_another_employer(client: AsyncClient, world: World) -> None:
    await sign_in(client, "hr_a1")
    response = await client.get(f"/officers/{world.officers['A2a-1']}/edit")
    assert response.status_code == 403


async def test_a_coordinator_adds_an_employer_with_its_arrangement_dates(client: AsyncClient, world: World) -> None:
    await sign_in(client, "coord_a")
    landing = await client.get((await client.get("/")).headers["location"])
    assert "/employers" in _links(landing.text)
    assert "/employers/new" in _links((await client.get("/employers")).text)
    answers = {"name": "Riverside Housing", "kind": "housing_trust", "force_id": str(world.forces["A"]),
               "arrangement_approved_on": "2026-04-01", "arrangement_review_due_on": "2029-04-01"}
    check = await post_form(client, "/employers/new", answers)
    assert "Check your answers" in check.text and "1 April 2029" in check.text
    done = await post_form(client, "/employers/new", {**answers, "confirm": "yes"})
    assert done.status_code == 303
    page = await client.get(done.headers["location"])
    assert "The employer was added." in page.text and "Riverside Housing" in page.text
    row = await Organisation.select(Organisation.arrangement_review_due_on) \
        .where(Organisation.name == "Riverside Housing").first()
    assert row is not None and row["arrangement_review_due_on"].isoformat() == "2029-04-01"
    assert await _audited("organisation.create") == 4
    backwards = await post_form(client, "/employers/new", {**answers, "arrangement_review_due_on": "2025-01-01",
                                                           "confirm": "yes"})
    assert backwards.status_code == 422 and "govuk-error-summary" in backwards.text


async def test_hr_may_not_add_an_employer(client: AsyncClient, world: World) -> None:
    await sign_in(client, "hr_a1")
    assert (await client.get("/employers/new")).status_code == 403
    token = TOKEN.search((await client.get("/employers")).text)
    assert token
    response = await client.post("/employers/new", data={
        "name": "Shadow Council", "kind": "council", "force_id": str(world.forces["A"]), "confirm": "yes",
        "_csrf_token": token.group(1)})
    assert response.status_code == 403 and "cannot add employers" in response.text
    assert await Organisation.count() == 3
