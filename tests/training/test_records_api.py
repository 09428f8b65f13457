"""Training records and the module catalogue through the API: expiry, overrides, history, scope, audit."""

import json

import pytest
from httpx import AsyncClient

from core.tables import AuditEvent
from tests.factories import VISIBLE, World
from training.tables import TrainingRecord

ROLES = sorted(VISIBLE)
OFFICERS = ["A1a-1", "A1b-1", "A2a-1", "B1a-1"]
# Who may record training for which of the world's officers (issue 5, Scope).
WRITERS = {
    "admin": set(VISIBLE["admin"]),
    "coord_a": set(VISIBLE["coord_a"]),
    "hr_a1": set(VISIBLE["hr_a1"]),
    "mgr_a1a": set(VISIBLE["mgr_a1a"]),
}


def record(world: World, officer: str = "A1a-1", **changes) -> dict:
    return {"officer_id": world.officers[officer], "module_code": "CSAS_CORE", "completed_on": "2024-02-29",
            "result": "pass", "provider": "Police CPI", "certificate_ref": "CPI-2024-00123"} | changes


async def post(client: AsyncClient, world: World, who: str = "mgr_a1a", **changes):
    return await client.post("/api/training/records", json=record(world, **changes), headers=world.auth(who))


async def test_catalogue_is_seeded_from_domain_section_6(client: AsyncClient, world: World) -> None:
    body = (await client.get("/api/training/modules", headers=world.auth("off_a1a1"))).json()
    by_code = {m["code"]: m for m in body["items"]}
    assert body["total"] == 11 and list(by_code)[:2] == ["CSAS_CORE", "CSAS_TRAFFIC"]
    assert by_code["CSAS_CORE"]["validity_months"] == 36 and by_code["CSAS_CORE"]["is_csas_course"]
    assert by_code["CSAS_TRAFFIC"]["is_csas_course"] and not by_code["FIRST_AID"]["is_csas_course"]
    assert by_code["PERSONAL_SAFETY"]["validity_months"] == 12 and by_code["SAFEGUARDING"]["validity_months"] == 24
    assert by_code["BODY_WORN_VIDEO"]["validity_months"] is None and by_code["RADIO"]["validity_months"] is None


async def test_catalogue_needs_sign_in(client: AsyncClient, world: World) -> None:
    assert (await client.get("/api/training/modules")).status_code == 401


async def test_manager_records_the_csas_course_with_computed_expiry_and_audit(client, world: World) -> None:
    response = await post(client, world, qualification_title="Level 3 Award in Community Safety Accreditation")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["expires_on"] == "2027-02-28"  # 29 Feb 2024 + 36 months: month end
    assert body["module_code"] == "CSAS_CORE" and body["provider"] == "Police CPI"
    assert body["certificate_ref"] == "CPI-2024-00123" and body["expiry_override_reason"] == ""
    assert body["qualification_title"] == "Level 3 Award in Community Safety Accreditation"
    event = await AuditEvent.select().where(
        (AuditEvent.entity == "training_record") & (AuditEvent.entity_id == body["id"])).first()
    assert event["action"] == "training_record.create" and event["actor"] == "mgr_a1a"
    assert json.loads(event["after"])["expires_on"] == "2027-02-28"


async def test_override_needs_a_reason(client: AsyncClient, world: World) -> None:
    refused = await post(client, world, expires_on="2027-06-30")
    assert refused.status_code == 422
    assert {v["field"] for v in refused.json()["violations"]} == {"expiry_override_reason"}
    assert await TrainingRecord.count() == 0
    accepted = await post(client, world, expires_on="2027-06-30",
                          expiry_override_reason="Certificate states a later expiry.")
    assert accepted.status_code == 201
    assert accepted.json()["expires_on"] == "2027-06-30"
    assert accepted.json()["expiry_override_reason"] == "Certificate states a later expiry."


async def test_expiry_equal_to_computed_needs_no_reason(client: AsyncClient, world: World) -> None:
    response = await post(client, world, expires_on="2027-02-28")
    assert response.status_code == 201 and response.json()["expiry_override_reason"] == ""


async def test_never_expiring_module_has_no_expiry_unless_overridden(client: AsyncClient, world: World) -> None:
    plain = await post(client, world, module_code="RADIO")
    assert plain.status_code == 201 and plain.json()["expires_on"] is None
    overridden = await post(client, world, module_code="BODY_WORN_VIDEO", expires_on="2027-01-01",
                            expiry_override_reason="New camera model: retrain.")
    assert overridden.status_code == 201 and overridden.json()["expires_on"] == "2027-01-01"


@pytest.mark.parametrize("result", ["fail", "referred"])
async def test_fail_and_referral_are_kept_but_have_no_expiry(client, world: World, result: str) -> None:
    response = await post(client, world, result=result)
    assert response.status_code == 201 and response.json()["expires_on"] is None
    listed = (await client.get(f"/api/training/records?officer_id={world.officers['A1a-1']}&as_of=2025-01-01",
                               headers=world.auth("mgr_a1a"))).json()
    assert listed["items"][0]["is_counting"] is False and listed["items"][0]["is_in_date"] is False


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"result": "passed"}, "result"),
        ({"completed_on": "2099-01-01"}, "completed_on"),
        ({"completed_on": "2024-02-30"}, "completed_on"),
        ({"module_code": "NOPE"}, "module_code"),
        ({"result": "fail", "expires_on": "2027-01-01", "expiry_override_reason": "x"}, "expires_on"),
        ({"expires_on": "2024-01-01", "expiry_override_reason": "x"}, "expires_on"),
        ({"provider": "p" * 201}, "provider"),
        ({"officer_id": "one"}, "officer_id"),
    ],
)
async def test_bad_input_is_422_and_writes_nothing(client, world: World, change: dict, field: str) -> None:
    response = await post(client, world, **change)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    assert field in {v.get("field") for v in response.json()["violations"]}
    assert await TrainingRecord.count() == 0
    assert await AuditEvent.count().where(AuditEvent.entity == "training_record") == 0


async def test_missing_result_is_422(client: AsyncClient, world: World) -> None:
    body = record(world)
    del body["result"]
    response = await client.post("/api/training/records", json=body, headers=world.auth("admin"))
    assert response.status_code == 422 and await TrainingRecord.count() == 0


async def test_unknown_officer_is_404(client: AsyncClient, world: World) -> None:
    response = await client.post("/api/training/records", json=record(world) | {"officer_id": 999_999},
                                 headers=world.auth("admin"))
    assert response.status_code == 404 and response.json()["code"] == "officer_not_found"
    listed = await client.get("/api/training/records?officer_id=999999", headers=world.auth("admin"))
    assert listed.status_code == 404


async def test_history_is_kept_newest_first_and_the_newest_pass_counts(client, world: World) -> None:
    for completed_on, result in [("2020-05-01", "pass"), ("2023-04-10", "referred"), ("2023-05-02", "pass"),
                                 ("2024-06-01", "fail")]:
        assert (await post(client, world, completed_on=completed_on, result=result)).status_code == 201
    url = f"/api/training/records?officer_id={world.officers['A1a-1']}"
    body = (await client.get(url + "&as_of=2025-01-01", headers=world.auth("off_a1a1"))).json()
    assert body["total"] == 4
    assert [(r["completed_on"], r["is_counting"], r["is_in_date"]) for r in body["items"]] == [
        ("2024-06-01", False, False),  # a fail after a pass does not remove the pass
        ("2023-05-02", True, True),
        ("2023-04-10", False, False),
        ("2020-05-01", False, False),
    ]
    # As of a day before the 2023 pass, the 2020 pass counts, but it had expired.
    earlier = (await client.get(url + "&as_of=2023-05-01", headers=world.auth("off_a1a1"))).json()
    flags = {r["completed_on"]: (r["is_counting"], r["is_in_date"]) for r in earlier["items"]}
    assert flags["2020-05-01"] == (True, False) and flags["2023-05-02"] == (False, False)
    # The day before the 2023 pass expires it is in date, on the day it expires it no longer is.
    last = (await client.get(url + "&as_of=2026-05-01", headers=world.auth("off_a1a1"))).json()
    gone = (await client.get(url + "&as_of=2026-05-02", headers=world.auth("off_a1a1"))).json()
    assert [r["is_in_date"] for r in last["items"] if r["is_counting"]] == [True]
    assert [r["is_in_date"] for r in gone["items"] if r["is_counting"]] == [False]


async def test_list_pages_and_filters_by_module(client: AsyncClient, world: World) -> None:
    await post(client, world, completed_on="2024-01-01")
    await post(client, world, module_code="FIRST_AID", completed_on="2024-02-01")
    await post(client, world, module_code="FIRST_AID", completed_on="2024-03-01")
    page = (await client.get("/api/training/records?limit=2&offset=0", headers=world.auth("admin"))).json()
    assert page["total"] == 3 and len(page["items"]) == 2 and page["items"][0]["completed_on"] == "2024-03-01"
    only = (await client.get("/api/training/records?module_code=FIRST_AID&as_of=2025-01-01",
                             headers=world.auth("admin"))).json()
    assert only["total"] == 2 and [r["is_counting"] for r in only["items"]] == [True, False]


# --- scope -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("officer", OFFICERS)
async def test_record_write_scope(client: AsyncClient, world: World, who: str, officer: str) -> None:
    response = await post(client, world, who=who, officer=officer)
    if officer in WRITERS.get(who, set()):
        assert response.status_code == 201, response.text
    else:
        assert response.status_code == 403
        expected = "role_not_allowed" if who not in WRITERS else "out_of_scope"
        assert response.json()["code"] == expected
        assert await TrainingRecord.count() == 0


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("officer", OFFICERS)
async def test_record_read_scope(client: AsyncClient, world: World, who: str, officer: str) -> None:
    await post(client, world, who="admin", officer=officer)
    response = await client.get(f"/api/training/records?officer_id={world.officers[officer]}",
                                headers=world.auth(who))
    if officer in VISIBLE[who]:
        assert response.status_code == 200 and response.json()["total"] == 1
    else:
        assert response.status_code == 403 and response.json()["code"] == "out_of_scope"


@pytest.mark.parametrize("who", ROLES)
async def test_record_list_is_scoped(client: AsyncClient, world: World, who: str) -> None:
    for officer in world.officers:
        await post(client, world, who="admin", officer=officer)
    body = (await client.get("/api/training/records?limit=500", headers=world.auth(who))).json()
    assert {r["officer_id"] for r in body["items"]} == {world.officers[k] for k in VISIBLE[who]}
    assert body["total"] == len(VISIBLE[who])


# --- validity policy ---------------------------------------------------------------------------------


# coord_a: the world serves two forces, and validity applies to both (admin only, test_policy_every_force.py).
@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("coord_a", 403), ("hr_a1", 403), ("mgr_a1a", 403),
                                             ("vet_a", 403), ("off_a1a1", 403)])
async def test_validity_is_editable_by_policy_roles_only(client, world: World, who: str, status: int) -> None:
    response = await client.patch("/api/training/modules/FIRST_AID", json={"validity_months": 24},
                                  headers=world.auth(who))
    assert response.status_code == status
    module = (await client.get("/api/training/modules", headers=world.auth("admin"))).json()["items"]
    validity = {m["code"]: m["validity_months"] for m in module}["FIRST_AID"]
    assert validity == (24 if status == 200 else 36)
    events = await AuditEvent.count().where(AuditEvent.action == "training_module.update")
    assert events == (1 if status == 200 else 0)


async def test_new_validity_applies_to_new_records(client: AsyncClient, world: World) -> None:
    await client.patch("/api/training/modules/FIRST_AID", json={"validity_months": 24}, headers=world.auth("admin"))
    assert (await post(client, world, module_code="FIRST_AID")).json()["expires_on"] == "2026-02-28"
    never = await client.patch("/api/training/modules/FIRST_AID", json={"validity_months": None},
                               headers=world.auth("admin"))
    assert never.status_code == 200 and never.json()["validity_months"] is None
    assert (await post(client, world, module_code="FIRST_AID")).json()["expires_on"] is None


@pytest.mark.parametrize(("path", "body", "status"), [
    ("/api/training/modules/NOPE", {"validity_months": 12}, 404),
    ("/api/training/modules/FIRST_AID", {"validity_months": 0}, 422),
    ("/api/training/modules/FIRST_AID", {"validity_months": "twelve"}, 422),
    ("/api/training/modules/FIRST_AID", {}, 422),
])
async def test_bad_validity_changes_nothing(client, world: World, path: str, body: dict, status: int) -> None:
    response = await client.patch(path, json=body, headers=world.auth("admin"))
    assert response.status_code == status
    modules = (await client.get("/api/training/modules", headers=world.auth("admin"))).json()["items"]
    assert {m["code"]: m["validity_months"] for m in modules}["FIRST_AID"] == 36
