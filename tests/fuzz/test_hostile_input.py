"""Hostile input the fuzzer may not reach every run, pinned: NUL characters, ids and numbers no 64-bit column
holds, a form field posing as a file. Each is refused with a problem (never a 500) and writes nothing, on SQLite
and PostgreSQL alike. And the OpenAPI document tells clients about those problems."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from core.tables import AuditEvent
from register.tables import Officer
from tests.factories import World

BIG = 2**63  # one past the largest 64-bit integer
MAX_ID = 2**31 - 1  # ids are 32-bit serials on PostgreSQL

NEW_OFFICER = {
    "staff_number": "NEW001",
    "given_name": "Jo",
    "family_name": "Bloggs",
    "email": "jo.bloggs@council.example",
    "started_on": "2025-04-01",
}


def new_officer(world: World, **changes: object) -> dict[str, object]:
    return {"organisation_id": world.orgs["A1"], "team_id": world.teams["A1a"]} | NEW_OFFICER | changes


async def written() -> tuple[int, int]:
    return await Officer.count(), await AuditEvent.count()


@pytest.mark.parametrize("field", ["given_name", "family_name", "staff_number", "email"])
async def test_nul_in_a_json_string_is_422_naming_the_field_and_writes_nothing(
    client: AsyncClient, world: World, field: str
) -> None:
    before = await written()
    response = await client.post("/api/officers", json=new_officer(world, **{field: "Jo\x00e"}),
                                 headers=world.auth("admin"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["violations"] == [{"code": "nul_character", "message": "Text must not contain NUL characters.",
                                   "field": field}]
    assert await written() == before


async def test_nul_nested_in_a_json_list_is_422(client: AsyncClient, world: World) -> None:
    body = {"officer_id": world.officers["A1a-1"], "force_id": world.forces["A"], "number": "ACC-1",
            "granted_on": "2026-01-01", "expires_on": "2027-01-01", "power_codes": ["FPN\x00"]}
    response = await client.post("/api/accreditations", json=body, headers=world.auth("admin"))
    assert response.status_code == 422, response.text
    assert [v["field"] for v in response.json()["violations"]] == ["power_codes"]


async def test_escaped_backslash_u0000_is_text_not_nul(client: AsyncClient, world: World) -> None:
    """`\\\\u0000` in JSON is a backslash followed by 'u0000': ordinary text, stored as sent."""
    response = await client.post("/api/officers", json=new_officer(world, given_name="Jo\\u0000"),
                                 headers=world.auth("admin"))
    assert response.status_code == 201, response.text
    assert response.json()["given_name"] == "Jo\\u0000"


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/officers?q=Jo%00", "q"),
        ("/api/vetting/applications?status=%00", "status"),
        ("/api/notifications?recipient=a%00b", "recipient"),
    ],
)
async def test_nul_in_the_query_is_422(client: AsyncClient, world: World, url: str, field: str) -> None:
    response = await client.get(url, headers=world.auth("admin"))
    assert response.status_code == 422, response.text
    assert [v["field"] for v in response.json()["violations"]] == [field]


async def test_nul_in_a_text_path_segment_is_422(client: AsyncClient, world: World) -> None:
    response = await client.patch("/api/training/modules/CSAS%00", json={"validity_months": 12},
                                  headers=world.auth("admin"))
    assert response.status_code == 422, response.text
    assert [v["field"] for v in response.json()["violations"]] == ["code"]
    feed = await client.get("/api/calendars/abc%00.ics")
    assert feed.status_code == 422, feed.text


@pytest.mark.parametrize("officer_id", [0, -1, MAX_ID, MAX_ID + 1, BIG - 1, BIG, 10**30, -BIG - 1])
async def test_an_id_out_of_range_in_the_path_is_404(client: AsyncClient, world: World, officer_id: int) -> None:
    for url in (f"/api/officers/{officer_id}", f"/api/officers/{officer_id}/compliance",
                f"/api/officers/{officer_id}/record"):
        response = await client.get(url, headers=world.auth("admin"))
        assert response.status_code == 404, (url, response.text)
        assert response.json()["code"].endswith("not_found")


async def test_an_id_out_of_range_in_a_write_path_is_404_and_writes_nothing(
    client: AsyncClient, world: World
) -> None:
    before = await written()
    response = await client.post(f"/api/officers/{BIG}/leave", json={"left_on": "2026-01-01"},
                                 headers=world.auth("admin"))
    assert response.status_code == 404, response.text
    assert await written() == before


@pytest.mark.parametrize("field", ["organisation_id", "team_id"])
async def test_an_id_beyond_64_bits_in_the_body_is_422_and_writes_nothing(
    client: AsyncClient, world: World, field: str
) -> None:
    before = await written()
    response = await client.post("/api/officers", json=new_officer(world, **{field: 10**30}),
                                 headers=world.auth("admin"))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    assert await written() == before


@pytest.mark.parametrize("url", [f"/api/officers?team_id={10**30}", f"/api/accreditations?officer_id={BIG}",
                                 f"/api/officers?offset={BIG}"])
async def test_a_number_beyond_64_bits_in_the_query_is_422(client: AsyncClient, world: World, url: str) -> None:
    response = await client.get(url, headers=world.auth("admin"))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"


async def test_the_largest_offset_is_an_empty_page(client: AsyncClient, world: World) -> None:
    response = await client.get(f"/api/officers?offset={BIG - 1}", headers=world.auth("admin"))
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []


async def test_a_form_field_posing_as_the_file_is_422(client: AsyncClient, world: World) -> None:
    before = await written()
    response = await client.post("/api/imports/officers", data={"file": "staff_number,given_name"},
                                 files={"other": ("x.csv", b"a,b\n")}, headers=world.auth("admin"))
    assert response.status_code == 422, response.text
    assert [v["field"] for v in response.json()["violations"]] == ["file"]
    assert await written() == before


async def test_the_openapi_document_describes_problem_answers(client: AsyncClient) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    problem = {"$ref": "#/components/schemas/ProblemDetails"}
    for path, operations in document["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            responses = operation["responses"]
            problems = {status for status, answer in responses.items() if status[0] == "4"}
            assert problems or path == "/api/auth/logout", (method, path)  # logout takes nothing, needs no one
            for status in problems:
                assert responses[status]["content"] == {"application/problem+json": {"schema": problem}}, (
                    method, path, status)
    officer = document["paths"]["/api/officers/{officer_id}"]
    assert set(officer["get"]["responses"]) == {"200", "400", "401", "403", "404", "422"}
    assert "409" in officer["patch"]["responses"]
    assert {"401", "429"} <= set(document["paths"]["/api/auth/login"]["post"]["responses"])


def _value_for(schema: dict[str, object], components: dict[str, dict[str, object]], text: str) -> object:
    """A value of the schema's shape whose every string is `text` (dates and enums stay valid)."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return _value_for(components[ref.rsplit("/", 1)[1]], components, text)
    for key in ("oneOf", "anyOf"):
        options = schema.get(key)
        if isinstance(options, list):
            typed = [o for o in options if isinstance(o, dict) and o.get("type") != "null"]
            return _value_for(typed[0], components, text) if typed else None
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if "enum" in schema and isinstance(schema["enum"], list):
        return schema["enum"][0]
    if kind == "object":
        properties = schema.get("properties")
        return {k: _value_for(v, components, text) for k, v in properties.items()} if isinstance(properties,
                                                                                                   dict) else {}
    if kind == "array":
        items = schema.get("items")
        return [_value_for(items, components, text)] if isinstance(items, dict) else []
    if kind == "string":
        return {"date": "2026-01-01", "date-time": "2026-01-01T00:00:00Z"}.get(str(schema.get("format")), text)
    if kind == "integer":
        return 1
    if kind == "boolean":
        return True
    return None


async def test_over_long_text_in_every_json_body_is_never_a_server_error(client: AsyncClient, world: World) -> None:
    """Every string of every JSON body 5,000 characters long: refused by a rule or by the database (422 on
    PostgreSQL, whose varchar columns have limits), or stored where the column is free text, never a 500."""
    document = (await client.get("/schema/openapi.json")).json()
    components = document["components"]["schemas"]
    sent = 0
    for path, operations in document["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            url = path
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    value = "1" if parameter["schema"].get("type") == "integer" else "CSAS"
                    url = url.replace("{" + parameter["name"] + "}", value)
            body = _value_for(content["application/json"]["schema"], components, "x" * 5000)
            response = await client.request(method.upper(), url, json=body, headers=world.auth("admin"))
            sent += 1
            assert response.status_code < 500, (method, url, response.text)
            if response.status_code >= 400:
                assert response.headers["content-type"].startswith("application/problem+json"), (method, url)
    assert sent > 20
