"""Overdue is visible (domain.md §8a): the team board, the expiry calendar, the record page, the record PDF and
the compliance pack show each officer's next renewal step with its start-by day, mark overdue steps, and never
let a green or amber colour hide one. The team is set up through the API, dated from today."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass, field
from typing import Any

import pytest
from httpx import AsyncClient

from core.access import Role
from core.dates import add_months, add_years, long_date
from tests.admin_ui.test_pages_common import sign_in, today
from tests.factories import World, make_user

DAYS = dt.timedelta(days=1)


@dataclass
class Team:
    organisation_id: int
    team_id: int
    officers: dict[str, int] = field(default_factory=dict)
    # The start-by day of each officer's longest overdue step, as the pages should write it.
    overdue_since: dict[str, str] = field(default_factory=dict)


async def _post(client: AsyncClient, world: World, url: str, body: dict[str, Any]) -> dict[str, Any]:
    reply = await client.post(url, json=body, headers=world.auth("admin"))
    assert reply.status_code == 201, (url, reply.text)
    return dict(reply.json())


async def _clearance(client: AsyncClient, world: World, officer_id: int, expires: dt.date) -> None:
    granted = add_years(expires, -3)  # NPPV2A lasts three years
    app = await _post(client, world, "/api/vetting/applications", {
        "officer_id": officer_id, "level_code": "NPPV2A", "requested_on": (granted - 60 * DAYS).isoformat()})
    for status, on in (("submitted", granted - 50 * DAYS), ("in_progress", granted - 40 * DAYS),
                       ("granted", granted)):
        await _post(client, world, f"/api/vetting/applications/{app['id']}/events",
                    {"status": status, "on": on.isoformat()})


async def _ready_officer(client: AsyncClient, world: World, team: Team, key: str, *, vetting_expires: dt.date,
                        core_expires: dt.date, accreditation_expires: dt.date) -> None:
    """An officer who may use NA_ASB today, each item expiring on the day given."""
    day = today()
    officer = await _post(client, world, "/api/officers", {
        "organisation_id": team.organisation_id, "team_id": team.team_id, "staff_number": f"OV{len(team.officers)}",
        "given_name": "Alex", "family_name": key, "email": f"{key.lower()}@holmesdale.example",
        "started_on": "2019-05-01"})
    officer_id = team.officers[key] = officer["id"]
    await _clearance(client, world, officer_id, vetting_expires)
    await _post(client, world, "/api/training/records", {
        "officer_id": officer_id, "module_code": "CSAS_CORE", "result": "pass", "provider": "Police CPI",
        "completed_on": add_months(core_expires, -36).isoformat()})  # CSAS_CORE lasts 36 months
    await _post(client, world, "/api/accreditations", {
        "officer_id": officer_id, "force_id": world.forces["A"], "number": f"OV-{key}",
        "granted_on": (day - 300 * DAYS).isoformat(), "expires_on": accreditation_expires.isoformat(),
        "power_codes": ["NA_ASB"]})
    await _post(client, world, "/api/kit/issues", {"officer_id": officer_id, "kit_type_code": "ID_CARD",
                                                   "issued_on": (day - 299 * DAYS).isoformat(),
                                                   "serial_number": f"ID-{key}"})


async def build_team(client: AsyncClient, world: World) -> Team:
    """Four officers in a team of their own, under an arrangement reviewed years from now (no step of its own):
    Nothing   red (no accreditation): the most urgent by colour, but nothing overdue;
    Amber3    amber (accreditation expires in 40 days), three steps overdue, the longest for 30 days;
    Green2    green, two steps overdue (vetting for 60 days, the CSAS course for about 20);
    Fine      green, nothing due for a long while."""
    day = today()
    org = await _post(client, world, "/api/organisations", {
        "name": "Holmesdale Borough Council", "force_id": world.forces["A"], "kind": "council",
        "arrangement_approved_on": "2015-04-01", "arrangement_review_due_on": add_years(day, 5).isoformat()})
    team_row = await _post(client, world, "/api/teams", {"name": "Holmesdale team", "organisation_id": org["id"]})
    team = Team(org["id"], team_row["id"])
    nothing = await _post(client, world, "/api/officers", {
        "organisation_id": team.organisation_id, "team_id": team.team_id, "staff_number": "OVNONE",
        "given_name": "Alex", "family_name": "Nothing", "email": "nothing@holmesdale.example",
        "started_on": "2019-05-01"})
    team.officers["Nothing"] = nothing["id"]
    # Lead times: vetting 180 days, CSAS course 120, re-accreditation 60; overdue 14 days after the start-by day.
    await _ready_officer(client, world, team, "Amber3", vetting_expires=day + 150 * DAYS,
                         core_expires=day + 100 * DAYS, accreditation_expires=day + 40 * DAYS)
    await _ready_officer(client, world, team, "Green2", vetting_expires=day + 120 * DAYS,
                         core_expires=day + 100 * DAYS, accreditation_expires=day + 400 * DAYS)
    await _ready_officer(client, world, team, "Fine", vetting_expires=day + 900 * DAYS,
                         core_expires=day + 800 * DAYS, accreditation_expires=day + 700 * DAYS)
    team.overdue_since = {"Amber3": long_date(day - 30 * DAYS), "Green2": long_date(day - 60 * DAYS)}
    await make_user(world, "mgr_over", Role.MANAGER, team_ids=[team.team_id])
    return team


@pytest.fixture
async def team(client: AsyncClient, world: World) -> Team:
    return await build_team(client, world)


def _rows(html: str) -> list[str]:
    """The body rows of the page's first table of officers, in order."""
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [row for row in body.split('<tr class="govuk-table__row">')[1:]]


def _names(html: str) -> list[str]:
    return [re.search(r"Alex (\w+)</a>", row).group(1) for row in _rows(html)]  # type: ignore[union-attr]


def _row(html: str, name: str) -> str:
    return next(row for row in _rows(html) if f"Alex {name}<" in row)


def _text(fragment: str) -> str:
    """What a person reads: tags dropped (a line break is a space), whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", fragment.replace("<br>", " ")).split())


def _pdf_text(content: bytes) -> str:
    """The PDF's words in drawing order (-raw keeps a wrapped table cell together), whitespace collapsed."""
    assert content.startswith(b"%PDF-")
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


async def test_the_board_says_overdue_beside_green_and_amber_with_the_next_step(
        client: AsyncClient, world: World, team: Team) -> None:
    await sign_in(client, "mgr_over")
    page = await client.get("/team")
    assert page.status_code == 200
    green = _text(_row(page.text, "Green2"))
    assert "Green · 2 overdue" in green
    assert f"Submit vetting renewal (Vetting NPPV2A) Overdue: start by {team.overdue_since['Green2']}" in green
    amber = _text(_row(page.text, "Amber3"))
    assert "Amber · 3 overdue" in amber
    assert f"Submit vetting renewal (Vetting NPPV2A) Overdue: start by {team.overdue_since['Amber3']}" in amber
    fine = _text(_row(page.text, "Fine"))
    assert fine.startswith("Alex Fine Green ") and "overdue" not in fine.lower()
    assert f"Apply for re-accreditation (with evidence) (Accreditation OV-Fine) Start by " \
           f"{long_date(today() + 640 * DAYS)}" in fine
    nothing = _text(_row(page.text, "Nothing"))
    assert nothing.startswith("Alex Nothing Red None usable") and "overdue" not in nothing.lower()
    assert "2 of 4 officers have an overdue renewal step." in _text(page.text)


@pytest.mark.parametrize(("query", "order"), [
    ("", ["Nothing", "Amber3", "Green2", "Fine"]),  # most urgent: red, then the soonest lapse
    ("?sort=overdue", ["Green2", "Amber3", "Nothing", "Fine"]),  # longest overdue first, then most urgent
    ("?show=overdue", ["Amber3", "Green2"]),
    ("?sort=overdue&show=overdue", ["Green2", "Amber3"]),
    ("?sort=nonsense", ["Nothing", "Amber3", "Green2", "Fine"]),
])
async def test_the_board_sorts_and_filters_overdue_first(client: AsyncClient, world: World, team: Team,
                                                         query: str, order: list[str]) -> None:
    await sign_in(client, "mgr_over")
    page = await client.get(f"/team{query}")
    assert page.status_code == 200
    assert _names(page.text) == order


async def test_the_board_links_to_its_sorts_and_filter_keeping_the_others(
        client: AsyncClient, world: World, team: Team) -> None:
    await sign_in(client, "mgr_over")
    plain = await client.get("/team")
    assert 'href="/team?sort=overdue"' in plain.text and 'href="/team?show=overdue"' in plain.text
    assert '<strong aria-current="true">Most urgent</strong>' in plain.text
    sorted_page = await client.get(f"/team?team_id={team.team_id}&sort=overdue")
    assert f'href="/team?team_id={team.team_id}&amp;sort=overdue&amp;show=overdue"' in sorted_page.text
    assert f'href="/team?team_id={team.team_id}"' in sorted_page.text  # back to most urgent
    assert '<strong aria-current="true">Overdue first</strong>' in sorted_page.text
    only = await client.get(f"/team?team_id={team.team_id}&sort=overdue&show=overdue")
    assert f'href="/team?team_id={team.team_id}&amp;sort=overdue">All officers</a>' in only.text
    assert "Officers with an overdue renewal step, overdue first" in only.text


async def test_a_board_with_nothing_overdue_says_so(client: AsyncClient, world: World, team: Team) -> None:
    empty = await _post(client, world, "/api/teams", {"name": "Empty team", "organisation_id": team.organisation_id})
    await make_user(world, "mgr_empty", Role.MANAGER, team_ids=[empty["id"]])
    await sign_in(client, "mgr_empty")
    text = _text((await client.get("/team?show=overdue")).text)
    assert "No renewal step is overdue." in text and "No officer has an overdue renewal step." in text


async def test_the_calendar_lists_each_officers_next_step_overdue_first(
        client: AsyncClient, world: World, team: Team) -> None:
    await sign_in(client, "mgr_over")
    page = await client.get("/team/calendar")
    assert page.status_code == 200
    text = _text(page.text)
    assert "5 renewal steps are overdue." in text
    steps = page.text.split('id="next-steps"', 1)[1]
    assert _names(steps) == ["Green2", "Amber3", "Fine", "Nothing"]  # longest overdue first; no plan last
    assert f"Overdue: start by {team.overdue_since['Green2']}" in _text(_row(steps, "Green2"))
    assert f"Overdue: start by {team.overdue_since['Amber3']}" in _text(_row(steps, "Amber3"))
    assert "overdue" not in _text(_row(steps, "Fine")).lower()


async def test_the_calendar_month_marks_an_overdue_start_by_day(client: AsyncClient, world: World,
                                                               team: Team) -> None:
    await sign_in(client, "mgr_over")
    start_by = today() - 60 * DAYS
    page = await client.get(f"/team/calendar?month={start_by:%Y-%m}")
    cell = page.text.split(f"> {long_date(start_by)}</span>", 1)[1].split("</td>", 1)[0]
    assert "Overdue Start by: Alex Green2: Submit vetting renewal" in _text(cell)


async def test_the_record_page_shows_the_next_step_and_overdue(client: AsyncClient, world: World,
                                                              team: Team) -> None:
    await sign_in(client, "mgr_over")
    page = await client.get(f"/officers/{team.officers['Green2']}")
    assert page.status_code == 200
    headline = _text(page.text.split('id="headline"', 1)[1].split("</div>", 1)[0])
    assert "Readiness: Green · 2 overdue as of" in headline
    assert ("Next renewal step: Submit vetting renewal (Non-police personnel vetting 2 (abbreviated)). "
            f"Overdue: start by "
            f"{team.overdue_since['Green2']}. 1 more is overdue: see the renewal plan.") in headline
    fine = await client.get(f"/officers/{team.officers['Fine']}")
    headline = _text(fine.text.split('id="headline"', 1)[1].split("</div>", 1)[0])
    assert "overdue" not in headline.lower()
    assert f"Next renewal step: Apply for re-accreditation (with evidence) (Accreditation OV-Fine). Start by " \
           f"{long_date(today() + 640 * DAYS)}." in headline


async def test_the_record_pdf_shows_the_next_step_and_overdue(client: AsyncClient, world: World,
                                                             team: Team) -> None:
    reply = await client.get(f"/api/officers/{team.officers['Green2']}/record.pdf", headers=world.auth("mgr_over"))
    assert reply.status_code == 200
    text = _pdf_text(reply.content)
    assert "status GREEN · 2 overdue" in text
    assert f"Next renewal step: Submit vetting renewal (Overdue: start by {team.overdue_since['Green2']})" in text
    assert "2 renewal steps are overdue" in text
    fine = await client.get(f"/api/officers/{team.officers['Fine']}/record.pdf", headers=world.auth("mgr_over"))
    text = _pdf_text(fine.content)
    assert "status GREEN Binding item" in text and "overdue" not in text.lower()
    assert "Next renewal step: Apply for re-accreditation (with evidence) (Start by" in text


async def test_the_pack_lists_a_green_officer_with_an_overdue_step_at_risk(client: AsyncClient, world: World,
                                                                         team: Team) -> None:
    reply = await client.get(f"/api/reports/compliance-pack.pdf?organisation_id={team.organisation_id}",
                             headers=world.auth("mgr_over"))
    assert reply.status_code == 200
    text = _pdf_text(reply.content)
    assert "2 have an overdue renewal step" in text
    at_risk = text.rsplit("5 Officers at risk", 1)[1].rsplit("6 Compliance trend", 1)[0]  # not the contents
    assert "Alex Green2" in at_risk and "GREEN · 2 overdue" in at_risk
    assert f"Submit vetting renewal (Overdue: start by {team.overdue_since['Green2']})" in at_risk
    assert "AMBER · 3 overdue" in at_risk
    assert "Alex Fine" not in at_risk  # green and nothing overdue: not at risk
