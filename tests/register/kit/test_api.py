import datetime as dt

import pytest
from httpx import AsyncClient

from core.db import is_unique_violation
from core.errors import Violation
from core.tables import AuditEvent
from register import hooks
from register.tables import KitEvent, KitInspection, KitIssue, KitType
from tests.factories import VISIBLE, World


def issue_body(world: World, **changes) -> dict:
    return {"officer_id": world.officers["A1a-1"], "kit_type_code": "STAB_VEST", "issued_on": "2025-03-01",
            "serial_number": "KR1-001", "size": "M", "manufactured_on": "2024-02-29"} | changes


async def issue(client: AsyncClient, world: World, who: str = "mgr_a1a", **changes) -> dict:
    response = await client.post("/api/kit/issues", json=issue_body(world, **changes), headers=world.auth(who))
    assert response.status_code == 201, response.text
    return response.json()


async def test_kit_catalogue(client: AsyncClient, world: World) -> None:
    response = await client.get("/api/kit/types", headers=world.auth("off_a1a1"))
    assert response.status_code == 200
    items = {t["code"]: t for t in response.json()["items"]}
    assert set(items) == {"ID_CARD", "CSAS_BADGE", "HI_VIS_JACKET", "UNIFORM", "STAB_VEST", "BODY_WORN_VIDEO",
                          "RADIO", "NOTEBOOK", "FPN_DEVICE"}
    assert items["STAB_VEST"]["service_life_months"] == 120 and items["STAB_VEST"]["inspection_interval_months"] == 12
    assert items["ID_CARD"]["expires_with_accreditation"] and items["CSAS_BADGE"]["recover_when_powers_end"]
    assert items["BODY_WORN_VIDEO"]["requires_module_code"] == "BODY_WORN_VIDEO"


async def test_manager_issues_a_stab_vest_with_expiry_and_inspection_due(client, world) -> None:
    vest = await issue(client, world)
    assert vest["expires_on"] == "2034-02-28"  # 10 years from a leap-day manufacture
    assert vest["next_inspection_due_on"] == "2026-03-01" and vest["issued_by"] == "mgr_a1a"
    assert vest["condition"] == "new" and vest["returned_on"] is None
    assert (await AuditEvent.select().where(AuditEvent.entity == "kit_issue").first())["action"] == "kit.issue"
    assert await KitEvent.count() == 1


async def test_id_card_expires_with_the_accreditation(client, world) -> None:
    await client.post("/api/accreditations", json={
        "officer_id": world.officers["A1a-1"], "force_id": world.forces["A"], "number": "SP-1",
        "granted_on": "2025-03-01", "expires_on": "2027-03-01", "power_codes": ["NA_ASB"]},
        headers=world.auth("coord_a"))
    card = await issue(client, world, kit_type_code="ID_CARD", serial_number="ID-1", manufactured_on=None, size="")
    assert card["expires_on"] == "2027-03-01"
    early = await issue(client, world, kit_type_code="ID_CARD", serial_number="ID-0", issued_on="2025-02-28",
                        manufactured_on=None)
    assert early["expires_on"] is None  # no accreditation in force that day


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"serial_number": None}, "serial_number"),
        ({"serial_number": ""}, "serial_number"),
        ({"kit_type_code": "JETPACK"}, "kit_type_code"),
        ({"manufactured_on": "2025-03-02"}, "manufactured_on"),  # made the day after issue
        ({"issued_on": "2024-01-14"}, "issued_on"),  # day before the officer started
        ({"issued_on": "not a date"}, "issued_on"),
        ({"condition": "lost"}, "condition"),
    ],
)
async def test_bad_issue_is_422_and_writes_nothing(client, world, changes, field) -> None:
    response = await client.post("/api/kit/issues", json=issue_body(world, **changes), headers=world.auth("hr_a1"))
    assert response.status_code == 422, response.text
    assert field in {v.get("field") for v in response.json()["violations"]}
    assert await KitIssue.count() == 0 and await KitEvent.count() == 0


async def test_serial_unique_among_items_out(client, world) -> None:
    first = await issue(client, world)
    response = await client.post("/api/kit/issues", json=issue_body(world, officer_id=world.officers["A1a-2"]),
                                 headers=world.auth("mgr_a1a"))
    assert response.status_code == 409 and response.json()["code"] == "serial_in_use"
    await issue(client, world, kit_type_code="NOTEBOOK", manufactured_on=None)  # same serial, other type: fine
    returned = await client.post(f"/api/kit/issues/{first['id']}/return",
                                 json={"returned_on": "2025-06-01", "condition": "serviceable"},
                                 headers=world.auth("mgr_a1a"))
    assert returned.status_code == 200
    again = await issue(client, world, officer_id=world.officers["A1a-2"], issued_on="2025-06-01")
    assert again["serial_number"] == "KR1-001"


async def test_the_database_refuses_a_second_serial_out(world) -> None:
    kit_type = await KitType.select(KitType.id).where(KitType.code == "RADIO").first()
    row = {"officer": world.officers["A1a-1"], "kit_type": kit_type["id"], "issued_on": dt.date(2025, 1, 1),
           "serial_number": "R-1"}
    await KitIssue.insert(KitIssue(**row))
    with pytest.raises(Exception) as caught:  # sqlite3 or asyncpg integrity error
        await KitIssue.insert(KitIssue(**row))
    assert is_unique_violation(caught.value)


async def test_returns(client, world) -> None:
    vest = await issue(client, world)
    url = f"/api/kit/issues/{vest['id']}/return"
    for payload, field in (({"returned_on": "2025-02-28", "condition": "serviceable"}, "returned_on"),
                           ({"returned_on": "2025-06-01", "condition": "shiny"}, "condition")):
        response = await client.post(url, json=payload, headers=world.auth("mgr_a1a"))
        assert response.status_code == 422 and response.json()["violations"][0]["field"] == field
    response = await client.post(url, json={"returned_on": "2025-03-01", "condition": "damaged"},
                                 headers=world.auth("mgr_a1a"))  # returned the day it was issued
    assert response.status_code == 200 and response.json()["returned_on"] == "2025-03-01"
    assert response.json()["condition"] == "damaged"
    response = await client.post(url, json={"returned_on": "2025-06-01", "condition": "serviceable"},
                                 headers=world.auth("mgr_a1a"))
    assert response.status_code == 409 and response.json()["code"] == "already_returned"
    response = await client.post(f"/api/kit/issues/{vest['id']}/inspections",
                                 json={"inspected_on": "2025-06-01", "condition": "serviceable"},
                                 headers=world.auth("mgr_a1a"))
    assert response.status_code == 409 and response.json()["code"] == "already_returned"
    response = await client.post("/api/kit/issues/999/return", json={"returned_on": "2025-06-01",
                                                                     "condition": "lost"},
                                 headers=world.auth("mgr_a1a"))
    assert response.status_code == 404 and response.json()["code"] == "kit_issue_not_found"


async def test_inspections_set_the_next_due_date_and_flag_condemned(client, world) -> None:
    vest = await issue(client, world)
    url = f"/api/kit/issues/{vest['id']}/inspections"
    response = await client.post(url, json={"inspected_on": "2026-02-28", "condition": "serviceable"},
                                 headers=world.auth("hr_a1"))
    assert response.status_code == 201
    body = response.json()
    assert body["last_inspected_on"] == "2026-02-28" and body["next_inspection_due_on"] == "2027-02-28"
    assert not body["needs_replacement"]
    response = await client.post(url, json={"inspected_on": "2026-02-27", "condition": "serviceable"},
                                 headers=world.auth("hr_a1"))
    assert response.status_code == 409 and response.json()["code"] == "event_out_of_order"
    for payload, field in (({"inspected_on": "2025-02-28", "condition": "serviceable"}, "inspected_on"),
                           ({"inspected_on": "2026-03-01", "condition": "lost"}, "condition")):
        response = await client.post(url, json=payload, headers=world.auth("hr_a1"))
        assert response.status_code == 422 and response.json()["violations"][0]["field"] == field
    response = await client.post(url, json={"inspected_on": "2026-04-01", "condition": "condemned"},
                                 headers=world.auth("hr_a1"))
    body = response.json()
    assert body["needs_replacement"] and body["condition"] == "condemned"
    assert [i["condition"] for i in body["inspections"]] == ["serviceable", "condemned"]
    assert await KitInspection.count() == 2


@pytest.mark.parametrize(
    ("who", "officer", "status"),
    [
        ("mgr_a1a", "A1a-2", 201),
        ("mgr_a1a", "A1b-1", 403),  # another team of the same employer
        ("hr_a1", "A1b-1", 201),
        ("hr_a1", "A2a-1", 403),
        ("coord_a", "A2a-1", 201),
        ("coord_a", "B1a-1", 403),
        ("admin", "B1a-1", 201),
        ("off_a1a1", "A1a-1", 403),  # officers cannot write, even their own record
        ("vet_a", "A1a-1", 403),
    ],
)
async def test_who_may_record_kit(client, world, who, officer, status) -> None:
    response = await client.post("/api/kit/issues", json=issue_body(world, officer_id=world.officers[officer]),
                                 headers=world.auth(who))
    assert response.status_code == status, response.text
    assert await KitIssue.count() == (1 if status == 201 else 0)


async def test_manager_cannot_return_another_teams_item(client, world) -> None:
    vest = await issue(client, world, "hr_a1", officer_id=world.officers["A1b-1"])
    response = await client.post(f"/api/kit/issues/{vest['id']}/return",
                                 json={"returned_on": "2025-06-01", "condition": "serviceable"},
                                 headers=world.auth("mgr_a1a"))
    assert response.status_code == 403
    assert (await KitIssue.select(KitIssue.returned_on).first())["returned_on"] is None


@pytest.mark.parametrize("who", sorted(VISIBLE))
async def test_kit_reads_are_scoped(client, world, who) -> None:
    for key in sorted(world.officers):
        await issue(client, world, "admin", officer_id=world.officers[key], serial_number=f"S-{key}")
    response = await client.get("/api/kit/issues", headers=world.auth(who))
    assert response.status_code == 200
    assert {i["serial_number"] for i in response.json()["items"]} == {f"S-{k}" for k in VISIBLE[who]}
    assert response.json()["total"] == len(VISIBLE[who])
    mine = await client.get("/api/kit/issues", params={"officer_id": world.officers["A1a-1"]},
                            headers=world.auth(who))
    assert mine.json()["total"] == 1


async def test_training_check_refuses_the_issue(client, world, monkeypatch) -> None:
    async def needs_training(officer_id: int, code: str, issued_on: dt.date) -> list[Violation]:
        if code == "BODY_WORN_VIDEO":
            return [Violation("module_missing", "BODY_WORN_VIDEO training is needed first.", "kit_type_code")]
        return []

    # Only this check, whatever the installed domains add (training's own check is tested in training).
    monkeypatch.setattr(hooks, "_kit_issue_checks", [needs_training])
    response = await client.post("/api/kit/issues", json=issue_body(world, kit_type_code="BODY_WORN_VIDEO",
                                                                    serial_number="BWV-1"),
                                 headers=world.auth("mgr_a1a"))
    assert response.status_code == 409 and response.json()["code"] == "training_required"
    assert response.json()["violations"][0]["code"] == "module_missing"
    assert await KitIssue.count() == 0
    await issue(client, world, kit_type_code="RADIO", serial_number="R-1")


async def test_no_kit_for_an_officer_who_has_left(client, world) -> None:
    await client.post(f"/api/officers/{world.officers['A1a-1']}/leave", json={"left_on": "2025-03-01"},
                      headers=world.auth("hr_a1"))
    response = await client.post("/api/kit/issues", json=issue_body(world), headers=world.auth("hr_a1"))
    assert response.status_code == 409 and response.json()["code"] == "officer_already_left"
    await issue(client, world, "hr_a1", issued_on="2025-02-28")  # the day before leaving is fine
