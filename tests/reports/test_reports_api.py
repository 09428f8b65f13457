"""The PDF and chart endpoints: status codes, content types, roles and scope."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import World
from tests.reports.reporting import pdf_text


async def test_record_pdf_for_admin_and_the_officer_themself(client: httpx.AsyncClient, world: World) -> None:
    own = world.officers["A1a-1"]
    reply = await client.get(f"/api/officers/{own}/record.pdf", headers=world.auth("off_a1a1"))
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/pdf"
    assert "A1A1" in pdf_text(reply.content)
    assert "record-A1A1-" in reply.headers["content-disposition"]
    reply = await client.get(f"/api/officers/{own}/record.pdf?as_of=2025-01-31", headers=world.auth("admin"))
    assert reply.status_code == 200 and "as of 31 Jan 2025" in pdf_text(reply.content)


@pytest.mark.parametrize(("who", "officer", "status"), [
    ("off_a1a1", "A1a-2", 403),   # another officer
    ("mgr_a1a", "A1b-1", 403),    # outside the manager's team
    ("hr_a1", "A2a-1", 403),      # another employer
    ("coord_a", "B1a-1", 403),    # another force
    ("hr_a1", "A1b-1", 200),
    ("coord_a", "A2a-1", 200),
])
async def test_record_pdf_is_scoped(client: httpx.AsyncClient, world: World, who: str, officer: str,
                                    status: int) -> None:
    reply = await client.get(f"/api/officers/{world.officers[officer]}/record.pdf", headers=world.auth(who))
    assert reply.status_code == status
    if status == 403:
        assert reply.json()["code"] == "out_of_scope"


async def test_record_pdf_unknown_officer_unauthenticated_and_bad_date(client: httpx.AsyncClient,
                                                                       world: World) -> None:
    assert (await client.get("/api/officers/9999/record.pdf", headers=world.auth("admin"))).status_code == 404
    assert (await client.get(f"/api/officers/{world.officers['A1a-1']}/record.pdf")).status_code == 401
    bad = await client.get(f"/api/officers/{world.officers['A1a-1']}/record.pdf?as_of=31/01/2025",
                           headers=world.auth("admin"))
    assert bad.status_code in (400, 422)


@pytest.mark.parametrize(("who", "officer", "status"), [
    ("hr_a1", "A1a-1", 200), ("mgr_a1a", "A1a-2", 200), ("coord_a", "A2a-1", 200), ("admin", "B1a-1", 200),
    ("off_a1a1", "A1a-1", 403), ("vet_a", "A1a-1", 403), ("mgr_a1a", "A1b-1", 403),
])
async def test_card_pdf_roles_and_scope(client: httpx.AsyncClient, world: World, who: str, officer: str,
                                        status: int) -> None:
    reply = await client.get(f"/api/officers/{world.officers[officer]}/card.pdf", headers=world.auth(who))
    assert reply.status_code == status
    if status == 200:
        assert "Community Safety Accreditation Scheme" in pdf_text(reply.content)


async def test_pack_scope_and_roles(client: httpx.AsyncClient, world: World) -> None:
    reply = await client.get("/api/reports/compliance-pack.pdf", headers=world.auth("hr_a1"))
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/pdf"
    text = pdf_text(reply.content)
    assert "Council A1" in text and "Council A2" not in text and "Council B1" not in text
    reply = await client.get(f"/api/reports/compliance-pack.pdf?organisation_id={world.orgs['A2']}",
                             headers=world.auth("coord_a"))
    assert reply.status_code == 200 and "Compliance pack: Council A2" in pdf_text(reply.content)
    denied = await client.get(f"/api/reports/compliance-pack.pdf?organisation_id={world.orgs['A2']}",
                              headers=world.auth("hr_a1"))
    assert denied.status_code == 403
    assert (await client.get("/api/reports/compliance-pack.pdf", headers=world.auth("off_a1a1"))).status_code == 403
    assert (await client.get("/api/reports/compliance-pack.pdf?organisation_id=999",
                             headers=world.auth("admin"))).status_code == 404


@pytest.mark.parametrize("name", ["expiry-cliff", "capability-forecast", "compliance-trend"])
async def test_charts_are_png_for_managers(client: httpx.AsyncClient, world: World, name: str) -> None:
    reply = await client.get(f"/api/charts/{name}.png?team_id={world.teams['A1a']}", headers=world.auth("mgr_a1a"))
    assert reply.status_code == 200 and reply.headers["content-type"] == "image/png"
    assert reply.content.startswith(b"\x89PNG")


async def test_charts_refuse_officers_and_unknown_names(client: httpx.AsyncClient, world: World) -> None:
    assert (await client.get("/api/charts/expiry-cliff.png", headers=world.auth("off_a1a1"))).status_code == 403
    missing = await client.get("/api/charts/pie.png", headers=world.auth("admin"))
    assert missing.status_code == 404 and missing.json()["code"] == "unknown_chart"
