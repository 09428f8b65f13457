"""Issue 17: a CR/LF in an officer's name broke their calendar feed, and one control character made every XLSX
export containing it answer 500. Officer text fields refuse ASCII control characters (422, the field named) by
the API (create and change) and by the import, which goes through the same service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from httpx import AsyncClient

from core.errors import Invalid
from register.officers import services
from register.officers.rules import check_no_control_characters
from register.tables import Officer
from tests.factories import SYSTEM, World
from tests.register.officers.test_api import new_officer
from tests.reports.test_import_duplicate_headers import GOOD, post, sheet

CONTROLS = {"CR": "\r", "LF": "\n", "TAB": "\t", "CRLF": "\r\n", "BEL": "\x07", "ESC": "\x1b", "DEL": "\x7f",
            "US": "\x1f"}
FIELDS = ["given_name", "family_name", "staff_number", "email"]


def hostile(field: str, control: str) -> str:
    return {"email": f"ada{control}x@a1.example", "staff_number": f"CC{control}1"}.get(field, f"Ada{control}Evil")


def violation_fields(body: dict[str, Any]) -> set[str]:
    return {v["field"] for v in body.get("violations", []) if v["code"] == "control_character"}


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("control", CONTROLS.values(), ids=CONTROLS.keys())
async def test_creating_an_officer_with_a_control_character_is_refused(
    client: AsyncClient, world: World, field: str, control: str
) -> None:
    before = await Officer.count()
    response = await client.post("/api/officers", json=new_officer(world, **{field: hostile(field, control)}),
                                 headers=world.auth("hr_a1"))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in {v.get("field") for v in body["violations"]}
    if field != "email":  # the e-mail check may refuse whitespace first; the field is named either way
        assert violation_fields(body) == {field}
    assert await Officer.count() == before


@pytest.mark.parametrize("field", ["given_name", "family_name", "staff_number"])
@pytest.mark.parametrize("control", ["\r\n", "\t", "\x00", "\x0b"], ids=["CRLF", "TAB", "NUL", "VT"])
async def test_the_service_refuses_them_whoever_calls_it(world: World, field: str, control: str) -> None:
    """NUL included: the API's input guard refuses it earlier, the import and the CLI reach the service."""
    values = {"staff_number": "SV1", "given_name": "Ada", "family_name": "Lovelace",
              "email": "sv1@a1.example"} | {field: f"A{control}B"}
    with pytest.raises(Invalid) as refused:
        await services.create_officer(SYSTEM, organisation_id=world.orgs["A1"], team_id=None,
                                      started_on=dt.date(2025, 1, 1), **values)
    assert [(v.code, v.field) for v in refused.value.violations] == [("control_character", field)]


@pytest.mark.parametrize("field", ["given_name", "family_name", "staff_number", "email"])
async def test_changing_a_name_to_hold_a_control_character_is_refused(
    client: AsyncClient, world: World, field: str
) -> None:
    officer_id = world.officers["A1a-1"]
    before = await Officer.select().where(Officer.id == officer_id).first()
    response = await client.patch(f"/api/officers/{officer_id}", json={field: hostile(field, "\r\n")},
                                  headers=world.auth("admin"))
    assert response.status_code == 422, response.text
    assert field in {v.get("field") for v in response.json()["violations"]}
    assert await Officer.select().where(Officer.id == officer_id).first() == before


async def test_text_stored_before_the_rule_does_not_block_other_changes(client: AsyncClient,
                                                                        world: World) -> None:
    officer_id = world.officers["A1a-1"]
    await Officer.update({Officer.given_name: "Old\tName"}).where(Officer.id == officer_id)
    response = await client.patch(f"/api/officers/{officer_id}", json={"family_name": "Changed"},
                                  headers=world.auth("admin"))
    assert response.status_code == 200, response.text
    assert response.json()["given_name"] == "Old\tName"  # not migrated
    fixed = await client.patch(f"/api/officers/{officer_id}", json={"given_name": "New Name"},
                               headers=world.auth("admin"))
    assert fixed.status_code == 200, fixed.text


async def test_ordinary_names_still_go_through(client: AsyncClient, world: World) -> None:
    response = await client.post("/api/officers", headers=world.auth("hr_a1"), json=new_officer(
        world, given_name="Zoë-Anne", family_name="O'Brien Ñúñez", staff_number="ok-1"))
    assert response.status_code == 201, response.text
    assert check_no_control_characters({"given_name": "Ada Lovelace", "n": None}) == []


@pytest.mark.parametrize(("fmt", "control"), [
    ("csv", "\t"), ("csv", "\x07"), ("csv", "\x1b"),
    ("xlsx", "\t"), ("xlsx", "\n"), ("xlsx", "\r\n"),  # the only controls a workbook cell can hold
], ids=["csv-TAB", "csv-BEL", "csv-ESC", "xlsx-TAB", "xlsx-LF", "xlsx-CRLF"])
async def test_the_import_refuses_a_name_with_a_control_character(
    client: AsyncClient, world: World, fmt: str, control: str
) -> None:
    before = await Officer.count()
    row = ["Council A1", "IMP1", f"Ada{control}Evil", "Lovelace", "imp1@a1.example", "2025-01-01"]
    reply = await post(client, world, fmt, sheet(fmt, GOOD, row))
    assert reply.status_code == 422, reply.text
    body = reply.json()
    assert body["code"] == "import_invalid" and body["created"] == 0
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(2, "given_name")]
    assert await Officer.count() == before
