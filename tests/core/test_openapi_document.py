"""The OpenAPI document states what the server enforces: who must sign in, the choices a field takes, the bounds
of a page, text that may not be blank, bodies that refuse unknown fields or may be left out. The schemathesis run
(tests/fuzz) then holds the server to it with all its checks."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from tests.factories import World

PUBLIC = {("post", "/api/auth/login"), ("post", "/api/auth/logout"), ("get", "/api/calendars/{feed_file}"),
          ("head", "/api/calendars/{feed_file}"), ("get", "/health"), ("get", "/health/ready")}


@pytest.fixture
async def document(client: AsyncClient) -> dict[str, Any]:
    answer = await client.get("/schema/openapi.json")
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, item in document["paths"].items() for method, op in item.items()
            if isinstance(op, dict) and "responses" in op]


async def test_every_operation_but_the_public_ones_declares_how_to_sign_in(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerToken"] == {"type": "http", "scheme": "bearer", "description": schemes["bearerToken"]
                                      ["description"]}
    assert (schemes["sessionCookie"]["in"], schemes["sessionCookie"]["name"]) == ("cookie", "csas_session")
    public = set()
    for method, path, operation in _operations(document):
        if "security" in operation:
            assert operation["security"] == [{"bearerToken": []}, {"sessionCookie": []}], (method, path)
            assert "401" in operation["responses"], (method, path)
        else:
            public.add((method, path))
    assert public == PUBLIC


async def test_statuses_and_kinds_are_enumerated(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]

    def choices(struct: str, field: str) -> set[str]:
        prop = schemas[struct]["properties"][field]
        if "$ref" in prop:
            prop = schemas[prop["$ref"].rsplit("/", 1)[1]]
        return set(prop["enum"])

    assert choices("EventCreate", "status") >= {"submitted", "granted", "refused"}
    assert "expired" in choices("ApplicationRead", "status") and "expired" not in choices("EventCreate", "status")
    assert choices("StepRead", "status") == {"upcoming", "open", "overdue", "done", "missed"}
    assert choices("StepRead", "kind") >= {"vetting", "accreditation", "training", "kit", "employer"}
    assert choices("ComplianceRead", "status") == {"red", "amber", "green"}
    assert choices("RecordCreate", "result") == {"pass", "fail", "referred"}
    assert choices("CalendarCreate", "scope") == {"officer", "team", "organisation"}
    assert choices("UserCreate", "role") == {"admin", "csas_coordinator", "vetting_officer", "hr", "manager",
                                             "officer"}
    officers = next(p for p in document["paths"]["/api/officers"]["get"]["parameters"] if p["name"] == "status")
    assert officers["schema"]["enum"] == ["active", "left"]


async def test_pages_text_and_bodies_are_bounded_as_the_server_bounds_them(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    limit = next(p for p in document["paths"]["/api/officers"]["get"]["parameters"] if p["name"] == "limit")
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 500)
    assert schemas["UserCreate"]["properties"]["password"]["minLength"] == 10
    assert schemas["OfficerCreate"]["properties"]["family_name"]["minLength"] == 1
    assert schemas["UserCreate"]["properties"]["team_ids"]["maxItems"] == 500
    assert schemas["PolicyUpdate"]["additionalProperties"] is False
    assert document["paths"]["/api/sweep"]["post"]["requestBody"]["required"] is False
    assert document["paths"]["/api/officers"]["post"]["requestBody"]["required"] is True


async def test_what_the_document_says_the_server_does(client: AsyncClient, world: World) -> None:
    admin = world.auth("admin")
    unknown = await client.put("/api/policy", json={"warning_days": 30, "colour": "red"}, headers=admin)
    assert unknown.status_code == 422
    no_body = await client.post("/api/sweep", headers=admin)
    assert no_body.status_code == 200, no_body.text
    short = await client.post("/api/users", headers=admin, json={
        "username": "shorty", "password": "123456789", "email": "s@example.org", "role": "admin"})
    assert short.status_code == 422 and short.json()["violations"][0]["field"] == "password"
    bad_status = await client.get("/api/officers?status=retired", headers=admin)
    assert bad_status.status_code == 422
    assert (await client.get("/api/officers", headers={})).status_code == 401


# Every read that can be asked "as of" another day (core.http.Day, provide_day).
AS_OF_ROUTES = [
    "/api/officers/{officer_id}/compliance", "/api/officers/{officer_id}/plan", "/api/training/records",
    "/api/training/matrix", "/api/vetting/applications", "/api/vetting/applications/{application_id}",
    "/api/vetting/queue", "/api/officers/{officer_id}/record.pdf", "/api/officers/{officer_id}/card.pdf",
    "/api/reports/compliance-pack.pdf", "/api/charts/{name}",
    # The register's own reads (officers, accreditations, the officer's record) answer as of a day too.
    "/api/officers", "/api/officers/{officer_id}", "/api/officers/{officer_id}/record", "/api/accreditations",
    "/api/accreditations/{accreditation_id}",
]


@pytest.mark.parametrize("path", AS_OF_ROUTES)
async def test_as_of_is_documented_and_guarded_on_every_route_taking_a_day(
    client: AsyncClient, world: World, document: dict[str, Any], path: str
) -> None:
    """as_of is a query parameter of the Day dependency, not of the handlers: the document still shows it (an
    optional date), and the input guard still refuses a day outside the register's range before the handler."""
    (as_of,) = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == "as_of"]
    assert (as_of["in"], as_of["required"]) == ("query", False)
    assert {"type": "string", "format": "date"} in as_of["schema"].get("oneOf", [as_of["schema"]])
    url = path.format(officer_id=world.officers["A1a-1"], application_id=1, accreditation_id=1,
                      name="expiry-cliff.png")
    answer = await client.get(url, params={"as_of": "1899-12-31"}, headers=world.auth("admin"))
    assert answer.status_code == 422 and answer.json()["violations"][0]["code"] == "date_out_of_range", answer.text
