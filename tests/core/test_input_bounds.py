"""Input no client may send, refused before any work (issue 17): days outside the register's range (core/dates.py),
in JSON bodies, query parameters and pages; oversize lists; control characters in names."""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
import pytest
from httpx import AsyncClient, Response
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from litestar import Litestar

from core.dates import EARLIEST_DAY, LATEST_DAY
from core.schemas import Body
from core.tables import User
from register.tables import Force, Organisation, Team
from tests.admin_ui.test_pages_common import post_form, sign_in
from tests.factories import World
from training.tables import TrainingRecord

REFUSED = ["1899-12-31", "2200-01-01", "0001-01-01", "9999-12-31"]
ACCEPTED = [EARLIEST_DAY.isoformat(), LATEST_DAY.isoformat()]
assert ACCEPTED == ["1900-01-01", "2199-12-31"]

Send = Callable[[AsyncClient, World, str], Awaitable[Response]]


async def _vetting_application(client: AsyncClient, world: World, *steps: tuple[str, str]) -> int:
    made = await client.post("/api/vetting/applications", headers=world.auth("hr_a1"), json={
        "officer_id": world.officers["A1a-1"], "level_code": "NPPV2A", "requested_on": "2026-01-05"})
    assert made.status_code == 201, made.text
    app_id: int = made.json()["id"]
    for status, on in steps:
        moved = await client.post(f"/api/vetting/applications/{app_id}/events", headers=world.auth("vet_a"),
                                  json={"status": status, "on": on})
        assert moved.status_code == 201, moved.text
    return app_id


def _post(path: str, who: str, body: Callable[[World, str], dict[str, Any]]) -> Send:
    async def send(client: AsyncClient, world: World, day: str) -> Response:
        return await client.post(path, json=body(world, day), headers=world.auth(who))
    return send


def _get(path: Callable[[World], str], name: str, who: str = "coord_a") -> Send:
    async def send(client: AsyncClient, world: World, day: str) -> Response:
        url = path(world)
        return await client.get(f"{url}{'&' if '?' in url else '?'}{name}={day}", headers=world.auth(who))
    return send


async def _vetting_event_on(client: AsyncClient, world: World, day: str) -> Response:
    app_id = await _vetting_application(client, world)
    return await client.post(f"/api/vetting/applications/{app_id}/events", headers=world.auth("vet_a"),
                             json={"status": "submitted", "on": day})


async def _vetting_grant_expires_on(client: AsyncClient, world: World, day: str) -> Response:
    app_id = await _vetting_application(client, world, ("submitted", "2026-01-10"), ("in_progress", "2026-01-20"))
    return await client.post(f"/api/vetting/applications/{app_id}/events", headers=world.auth("vet_a"),
                             json={"status": "granted", "on": "2026-02-01", "expires_on": day})


def _record(world: World, **days: str) -> dict[str, Any]:
    return {"officer_id": world.officers["A1a-1"], "module_code": "FIRST_AID", "completed_on": "2025-02-03",
            "result": "pass", "provider": "St John Ambulance"} | days


def _accreditation(world: World, **days: str) -> dict[str, Any]:
    return {"officer_id": world.officers["A1a-1"], "force_id": world.forces["A"], "number": "ACC-B-1",
            "granted_on": "2025-01-01", "expires_on": "2028-01-01", "power_codes": []} | days


# (field the violation names, how to send the day)
CASES: dict[str, tuple[str, Send]] = {
    "officer started_on": ("started_on", _post("/api/officers", "hr_a1", lambda w, d: {
        "organisation_id": w.orgs["A1"], "team_id": w.teams["A1a"], "staff_number": "BOUND1", "given_name": "Jo",
        "family_name": "Bound", "email": "jo.bound@council.example", "started_on": d})),
    "training completed_on": ("completed_on", _post("/api/training/records", "hr_a1",
                                                    lambda w, d: _record(w, completed_on=d))),
    "training expires_on": ("expires_on", _post("/api/training/records", "hr_a1", lambda w, d: _record(
        w, expires_on=d, expiry_override_reason="Certificate gives its own expiry"))),
    "booking starts_on": ("starts_on", _post("/api/training/bookings", "hr_a1", lambda w, d: {
        "officer_id": w.officers["A1a-1"], "module_code": "FIRST_AID", "starts_on": d})),
    "accreditation granted_on": ("granted_on", _post("/api/accreditations", "coord_a",
                                                     lambda w, d: _accreditation(w, granted_on=d))),
    "accreditation expires_on": ("expires_on", _post("/api/accreditations", "coord_a",
                                                     lambda w, d: _accreditation(w, expires_on=d))),
    "vetting event on": ("on", _vetting_event_on),
    "vetting event expires_on": ("expires_on", _vetting_grant_expires_on),
    "kit issued_on": ("issued_on", _post("/api/kit/issues", "hr_a1", lambda w, d: {
        "officer_id": w.officers["A1a-1"], "kit_type_code": "ID_CARD", "issued_on": d, "serial_number": "ID-B-1"})),
    "compliance as_of": ("as_of", _get(lambda w: f"/api/officers/{w.officers['A1a-1']}/compliance", "as_of")),
    "plan as_of": ("as_of", _get(lambda w: f"/api/officers/{w.officers['A1a-1']}/plan", "as_of")),
    "pack as_of": ("as_of", _get(lambda w: "/api/reports/compliance-pack.pdf", "as_of", who="hr_a1")),
    "chart as_of": ("as_of", _get(lambda w: "/api/charts/expiry-cliff.png", "as_of", who="hr_a1")),
    "matrix as_of": ("as_of", _get(lambda w: f"/api/training/matrix?team_id={w.teams['A1a']}", "as_of",
                                   who="hr_a1")),
    "forecast from": ("from", _get(lambda w: "/api/compliance/forecast", "from")),
    "forecast to": ("to", _get(lambda w: "/api/compliance/forecast", "to")),
}


def assert_out_of_range(response: Response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "validation_error"
    assert [(v["code"], v["field"]) for v in body["violations"]] == [("date_out_of_range", field)]
    assert "1 January 1900 and 31 December 2199" in body["violations"][0]["message"]


@pytest.mark.parametrize("case", CASES)
async def test_days_outside_the_range_are_refused_and_its_first_and_last_days_are_not(
    client: AsyncClient, world: World, case: str
) -> None:
    field, send = CASES[case]
    for day in REFUSED:
        assert_out_of_range(await send(client, world, day), field)
    for day in ACCEPTED:
        response = await send(client, world, day)
        # The range lets the day through; the domain's own rules (order of dates, ...) may still refuse it.
        assert response.status_code < 500, (day, response.text)
        if response.status_code == 422:
            assert "date_out_of_range" not in response.text, (day, response.text)


async def test_a_refused_day_writes_nothing(client: AsyncClient, world: World) -> None:
    field, send = CASES["officer started_on"]
    before = await client.get("/api/officers", headers=world.auth("hr_a1"))
    assert_out_of_range(await send(client, world, "9999-12-31"), field)
    after = await client.get("/api/officers", headers=world.auth("hr_a1"))
    assert after.json()["total"] == before.json()["total"]


async def test_records_on_the_first_and_last_days_leave_every_view_working(client: AsyncClient, world: World) -> None:
    """What a boundary day may be stored for, the views that do date arithmetic on it must still show."""
    officer = world.officers["A1a-1"]
    for completed_on, expires_on in (("1900-01-01", "1900-06-01"), ("2025-02-03", "2199-12-31")):
        stored = await client.post("/api/training/records", headers=world.auth("hr_a1"), json=_record(
            world, completed_on=completed_on, expires_on=expires_on, expiry_override_reason="Boundary"))
        assert stored.status_code == 201, stored.text
    booked = await client.post("/api/training/bookings", headers=world.auth("hr_a1"), json={
        "officer_id": officer, "module_code": "CSAS_CORE", "starts_on": "2199-12-31"})
    assert booked.status_code == 201, booked.text
    accredited = await client.post("/api/accreditations", headers=world.auth("coord_a"),
                                   json=_accreditation(world, expires_on="2199-12-31"))
    assert accredited.status_code == 201, accredited.text
    for path in (f"/api/officers/{officer}/compliance", f"/api/officers/{officer}/plan",
                 f"/api/training/matrix?team_id={world.teams['A1a']}", f"/api/training/records?officer_id={officer}",
                 f"/api/officers/{officer}/record.pdf", f"/api/officers/{officer}/card.pdf",
                 "/api/reports/compliance-pack.pdf"):
        for as_of in ("", "1900-01-01", "2199-12-31"):
            query = f"{'&' if '?' in path else '?'}as_of={as_of}" if as_of else ""
            response = await client.get(path + query, headers=world.auth("hr_a1"))
            assert response.status_code == 200, (path, as_of, response.text)


@pytest.mark.parametrize("day", REFUSED)
async def test_pages_refuse_days_outside_the_range_next_to_the_field(
    client: AsyncClient, world: World, day: str
) -> None:
    await sign_in(client, "mgr_a1a")
    response = await post_form(client, f"/officers/{world.officers['A1a-1']}/training/new", {
        "module_code": "FIRST_AID", "completed_on": day, "result": "pass", "confirm": "yes"})
    assert response.status_code == 422, response.text
    assert 'id="completed_on-error"' in response.text
    assert "Date completed must be between 1 January 1900 and 31 December 2199" in response.text
    assert await TrainingRecord.count() == 0


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(day=st.dates())
@example(day=dt.date.min)
@example(day=dt.date.max)
async def test_no_day_msgspec_can_read_is_a_server_error(client: AsyncClient, world: World, day: dt.date) -> None:
    officer = world.officers["A1a-1"]
    compliance = await client.get(f"/api/officers/{officer}/compliance", params={"as_of": day.isoformat()},
                                  headers=world.auth("hr_a1"))
    assert compliance.status_code < 500, (day, compliance.text)
    stored = await client.post("/api/training/records", headers=world.auth("hr_a1"),
                               json=_record(world, completed_on=day.isoformat()))
    assert stored.status_code < 500, (day, stored.text)
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        assert_out_of_range(stored, "completed_on")
        assert_out_of_range(compliance, "as_of")


# --- every request body refuses impossible days; every list in one is bounded ---------------------------

def _body_types(app: Litestar) -> set[type]:
    found: set[type] = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is not None:
                found |= {t for t in _structs(data.annotation)}
    return found


def _structs(annotation: Any) -> set[type]:
    """The msgspec Structs an annotation names, and those inside them."""
    out: set[type] = set()
    pending = [annotation]
    while pending:
        item = pending.pop()
        if isinstance(item, type) and issubclass(item, msgspec.Struct):
            if item not in out:
                out.add(item)
                pending.extend(typing.get_type_hints(item, include_extras=True).values())
        else:
            pending.extend(typing.get_args(item))
    return out


def _field_types(struct: type) -> list[tuple[str, Any]]:
    """Each field's msgspec type, once for each option of a union."""
    out = []
    for field in msgspec.structs.fields(struct):
        info = msgspec.inspect.type_info(field.type)
        options = info.types if isinstance(info, msgspec.inspect.UnionType) else (info,)
        out += [(field.name, option) for option in options]
    return out


def _holds_days(struct: type) -> bool:
    return any(isinstance(t, msgspec.inspect.DateType | msgspec.inspect.DateTimeType) for _, t in _field_types(struct))


def _unbounded_lists(struct: type) -> list[str]:
    return [f"{struct.__name__}.{name}" for name, t in _field_types(struct)
            if isinstance(t, msgspec.inspect.ListType) and t.max_length is None]


def test_every_request_body_is_a_body_and_bounds_its_lists(app: Litestar) -> None:
    bodies = _body_types(app)
    assert len(bodies) > 20 and sum(map(_holds_days, bodies)) > 15
    assert sorted(t.__name__ for t in bodies if _holds_days(t) and not issubclass(t, Body)) == []
    assert [name for t in bodies for name in _unbounded_lists(t)] == []


async def test_200000_team_ids_are_refused_by_the_decoder(client: AsyncClient, world: World) -> None:
    body = {"username": "many.teams", "password": "long enough password", "email": "many@example.org",
            "role": "manager", "team_ids": [world.teams["A1a"]] * 200_000}
    response = await client.post("/api/users", json=body, headers=world.auth("admin"))
    assert response.status_code == 422, response.text[:500]
    assert [v["field"] for v in response.json()["violations"]] == ["team_ids"]
    assert not await User.exists().where(User.username == "many.teams")


# --- names are one line of text ---------------------------------------------------------------------------

CONTROL = ["Line\nbreak", "Carriage\rreturn", "Tab\there", "Bell\x07", "Del\x7f"]


@pytest.mark.parametrize("text", CONTROL)
async def test_names_refuse_control_characters(client: AsyncClient, world: World, text: str) -> None:
    sends = {
        "/api/forces": ("admin", {"name": text, "code": "FX"}),
        "/api/organisations": ("coord_a", {"name": text, "force_id": world.forces["A"]}),
        "/api/teams": ("hr_a1", {"name": text, "organisation_id": world.orgs["A1"]}),
        "/api/officers": ("hr_a1", {"organisation_id": world.orgs["A1"], "staff_number": "CC1", "given_name": text,
                                    "family_name": text, "email": "cc1@council.example",
                                    "started_on": "2025-01-01"}),
    }
    for path, (who, body) in sends.items():
        response = await client.post(path, json=body, headers=world.auth(who))
        assert response.status_code == 422, (path, response.text)
        codes = {(v["code"], v["field"]) for v in response.json()["violations"]}
        expected = {"given_name", "family_name"} if path == "/api/officers" else {"name"}
        assert codes == {("control_character", f) for f in expected}, (path, codes)
    assert not await Force.exists().where(Force.code == "FX")
    assert not await Organisation.exists().where(Organisation.name == text)
    assert not await Team.exists().where(Team.name == text)
