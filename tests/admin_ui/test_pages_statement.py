"""The record page's "Download a signed statement of powers": who sees the link, the form's date boxes and time
(now by default, errors in GOV.UK style), and the signed PDF it answers with."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from httpx import AsyncClient

from core.settings import get_settings
from core.tables import AuditEvent
from tests.admin_ui.test_pages_common import grant, sign_in, today
from tests.factories import World

LINK = "Download a signed statement of powers"


def url(world: World, officer: str = "A1a-1") -> str:
    return f"/officers/{world.officers[officer]}/statement"


@pytest.mark.parametrize(("who", "page", "shown"), [
    ("coord_a", "/officers/{id}", True), ("vet_a", "/officers/{id}", True), ("admin", "/officers/{id}", True),
    ("off_a1a1", "/me", True), ("hr_a1", "/officers/{id}", False), ("mgr_a1a", "/officers/{id}", False),
])
async def test_the_record_page_links_the_statement_for_those_who_may_have_it(
        client: AsyncClient, world: World, who: str, page: str, shown: bool) -> None:
    await sign_in(client, who)
    record = await client.get(page.format(id=world.officers["A1a-1"]))
    assert record.status_code == 200
    assert (f'href="{url(world)}"' in record.text) is shown
    assert (LINK in record.text) is shown


async def test_the_form_starts_at_now_and_answers_with_the_signed_pdf(client: AsyncClient, world: World) -> None:
    await grant(world)
    await sign_in(client, "coord_a")
    form = await client.get(url(world))
    assert form.status_code == 200
    day = today()
    for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
        assert re.search(rf'name="at-{part}" type="text" inputmode="numeric" value="{value}"', form.text)
    assert re.search(r'id="at-time" name="at-time"[^>]*value="\d{2}:\d{2}"', form.text)
    assert "Europe/London time" in form.text
    before = await AuditEvent.count().where(AuditEvent.action == "statement.issue")
    reply = await client.get(url(world), params={"at-day": "3", "at-month": "3", "at-year": "2026", "at-time": "9.05"})
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/pdf"
    assert 'filename="statement-A1A1-2026-03-03T0905.pdf"' in reply.headers["content-disposition"]
    assert b"/ETSI.CAdES.detached" in reply.content
    assert await AuditEvent.count().where(AuditEvent.action == "statement.issue") == before + 1


@pytest.mark.parametrize(("query", "message", "target"), [
    ({"at-day": "31", "at-month": "2", "at-year": "2027", "at-time": "10:00"}, "Date must be a real date", "at-day"),
    ({"at-day": "", "at-month": "3", "at-year": "2027", "at-time": "10:00"}, "Date must include a day", "at-day"),
    ({"at-day": "3", "at-month": "3", "at-year": "2027", "at-time": ""}, "Enter a time", "at-time"),
    ({"at-day": "3", "at-month": "3", "at-year": "2027", "at-time": "25:00"}, "Enter a real time", "at-time"),
    ({"at-day": "28", "at-month": "3", "at-year": "2027", "at-time": "01:30"}, "the clocks went forward", "at-time"),
])
async def test_a_bad_moment_shows_the_form_again_with_the_problem(client: AsyncClient, world: World,
                                                                 query: dict[str, str], message: str,
                                                                 target: str) -> None:
    await sign_in(client, "vet_a")
    before = await AuditEvent.count().where(AuditEvent.action == "statement.issue")
    reply = await client.get(url(world), params=query)
    assert reply.status_code == 422
    assert reply.headers["content-type"].startswith("text/html")
    assert "There is a problem" in reply.text and f'href="#{target}"' in reply.text
    assert message in reply.text
    assert f'value="{query["at-time"]}"' in reply.text  # what was typed is kept
    assert await AuditEvent.count().where(AuditEvent.action == "statement.issue") == before


@pytest.mark.parametrize(("who", "officer"), [("hr_a1", "A1a-1"), ("mgr_a1a", "A1a-1"), ("off_a1a1", "A1a-2"),
                                              ("coord_a", "B1a-1")])
async def test_others_get_the_403_page(client: AsyncClient, world: World, who: str, officer: str) -> None:
    await sign_in(client, who)
    reply = await client.get(url(world, officer))
    assert reply.status_code == 403 and reply.headers["content-type"].startswith("text/html")


async def test_an_unusable_key_is_a_page_saying_what_the_administrator_must_fix(
        client: AsyncClient, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "key.pem").write_bytes(b"not a key")
    (tmp_path / "cert.pem").write_bytes(b"not a certificate")
    monkeypatch.setenv("CSAS_SIGNING_KEY", str(tmp_path / "key.pem"))
    monkeypatch.setenv("CSAS_SIGNING_CERT", str(tmp_path / "cert.pem"))
    get_settings.cache_clear()
    try:
        await sign_in(client, "admin")
        reply = await client.get(url(world), params={"at-day": "3", "at-month": "3", "at-year": "2026",
                                                     "at-time": "10:00"})
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert reply.status_code == 503 and reply.headers["content-type"].startswith("text/html")
    assert "Signed statements cannot be made" in reply.text and "CSAS_SIGNING_KEY" in reply.text
    assert "cannot reach its database" not in reply.text and str(tmp_path) not in reply.text
