"""Power prerequisites (policy data), the training matrix, the kit check and the facts the scheduler reads."""

import datetime as dt
import json

import pytest
from httpx import AsyncClient

from core.tables import AuditEvent
from register.hooks import check_kit_issue
from register.leaving import record_leaving
from tests.factories import SYSTEM, VISIBLE, World
from training import seed as training_seed
from training import services
from training.facts import ModuleFact, training_facts
from training.tables import PowerPrerequisite

ROLES = sorted(VISIBLE)
D = dt.date


async def add(world: World, officer: str, module: str, completed_on: dt.date, result: str = "pass") -> int:
    row = await services.record_completion(
        SYSTEM, today=D(2026, 11, 22), officer_id=world.officers[officer], module_code=module,
        completed_on=completed_on, result=result)
    return int(row["id"])


# --- prerequisites -----------------------------------------------------------------------------------


async def test_default_prerequisites_follow_domain_section_8(client: AsyncClient, world: World) -> None:
    body = (await client.get("/api/training/prerequisites", headers=world.auth("off_a1a1"))).json()
    pairs = {(i["power_code"], i["module_code"]) for i in body["items"]}
    assert {("FPN_LITTER", "PENALTY_NOTICES"), ("PND_DISORDER", "PENALTY_NOTICES"),
            ("FPN_DOG_FOULING", "PENALTY_NOTICES"), ("ALCOHOL_UNDER_18", "SAFEGUARDING"),
            ("TOBACCO_UNDER_16", "SAFEGUARDING"), ("TRAFFIC_CONTROL", "CSAS_TRAFFIC"),
            ("TRAFFIC_ESCORT", "CSAS_TRAFFIC"), ("TRAFFIC_SURVEY", "CSAS_TRAFFIC"),
            ("STOP_CYCLE", "CSAS_TRAFFIC"), ("STOP_VEHICLE_TESTING", "CSAS_TRAFFIC")} <= pairs
    assert not {p for p in pairs if p[0] in {"NA_ASB", "PHOTOGRAPH", "ALCOHOL_DESIGNATED_PLACE"}}
    assert not {p for p in pairs if p[1] == "CSAS_CORE"}  # rule 4 is the scheduler's
    assert body["total"] == len(pairs) == 15  # 7 FPN_ + 1 PND_ + 2 safeguarding + 5 traffic
    grouped = await services.prerequisites()
    assert grouped["FPN_LITTER"] == ["PENALTY_NOTICES"] and "NA_ASB" not in grouped


NEW_SET = {"items": [{"power_code": "FPN_LITTER", "module_code": "PENALTY_NOTICES"},
                     {"power_code": "FPN_LITTER", "module_code": "PREVENT"},
                     {"power_code": "NA_ASB", "module_code": "PERSONAL_SAFETY"}]}


# coord_a: the world serves two forces, and prerequisites apply to both (admin only, test_policy_every_force.py).
@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("coord_a", 403), ("hr_a1", 403), ("mgr_a1a", 403),
                                             ("vet_a", 403), ("off_a1a1", 403)])
async def test_put_replaces_the_whole_set_for_policy_roles(client, world: World, who: str, status: int) -> None:
    before = await services.list_prerequisites()
    response = await client.put("/api/training/prerequisites", json=NEW_SET, headers=world.auth(who))
    assert response.status_code == status
    after = await services.list_prerequisites()
    if status == 200:
        assert response.json()["items"] == after == sorted(NEW_SET["items"], key=lambda i: tuple(i.values()))
        event = await AuditEvent.select().where(AuditEvent.action == "training_prerequisites.replace").first()
        assert event["actor"] == who and len(json.loads(event["before"])["items"]) == len(before)
        assert await services.prerequisites() == {"FPN_LITTER": ["PENALTY_NOTICES", "PREVENT"],
                                                  "NA_ASB": ["PERSONAL_SAFETY"]}
    else:
        assert after == before


@pytest.mark.parametrize(("item", "field"), [
    ({"power_code": "FPN_NOPE", "module_code": "PENALTY_NOTICES"}, "items[1].power_code"),
    ({"power_code": "FPN_LITTER", "module_code": "NOPE"}, "items[1].module_code"),
])
async def test_unknown_codes_are_422_and_change_nothing(client, world: World, item: dict, field: str) -> None:
    before = await services.list_prerequisites()
    body = {"items": [NEW_SET["items"][0], item]}
    response = await client.put("/api/training/prerequisites", json=body, headers=world.auth("admin"))
    assert response.status_code == 422 and response.json()["violations"][0]["field"] == field
    assert await services.list_prerequisites() == before
    assert await AuditEvent.count().where(AuditEvent.action == "training_prerequisites.replace") == 0


async def test_duplicates_collapse_and_seeding_does_not_restore_removed_pairs(client, world: World) -> None:
    body = {"items": [NEW_SET["items"][0], NEW_SET["items"][0]]}
    response = await client.put("/api/training/prerequisites", json=body, headers=world.auth("admin"))
    assert response.status_code == 200 and response.json()["total"] == 1
    await training_seed.seed()
    assert await PowerPrerequisite.count() == 1
    emptied = await client.put("/api/training/prerequisites", json={"items": []}, headers=world.auth("admin"))
    assert emptied.status_code == 200
    await training_seed.seed()
    assert await PowerPrerequisite.count() == 0


# --- matrix ------------------------------------------------------------------------------------------


async def matrix(client: AsyncClient, world: World, query: str, who: str = "admin"):
    return await client.get(f"/api/training/matrix?{query}", headers=world.auth(who))


@pytest.mark.parametrize(
    ("as_of", "state"),
    [
        ("2026-03-02", "in_date"),  # 91 days before expiry
        ("2026-03-03", "expiring"),  # 90 days before: inside the warning window
        ("2026-05-31", "expiring"),  # last day in date
        ("2026-06-01", "expired"),  # expiry day
        ("2023-05-31", "missing"),  # before the course was passed
    ],
)
async def test_matrix_cell_states_around_the_window(client, world: World, as_of: str, state: str) -> None:
    await add(world, "A1a-1", "FIRST_AID", D(2023, 6, 1))  # expires 2026-06-01
    body = (await matrix(client, world, f"team_id={world.teams['A1a']}&as_of={as_of}")).json()
    assert body["as_of"] == as_of and body["modules"][0] == "CSAS_CORE" and len(body["modules"]) == 11
    row = next(r for r in body["rows"] if r["officer_id"] == world.officers["A1a-1"])
    expected_expiry = None if state == "missing" else "2026-06-01"
    assert row["cells"]["FIRST_AID"] == {"state": state, "expires_on": expected_expiry}
    assert row["cells"]["CSAS_CORE"] == {"state": "missing", "expires_on": None}


async def test_matrix_warning_window_is_a_parameter(client: AsyncClient, world: World) -> None:
    await add(world, "A1a-1", "FIRST_AID", D(2023, 6, 1))
    body = (await matrix(client, world, f"team_id={world.teams['A1a']}&as_of=2026-04-01&warning_days=30")).json()
    assert body["rows"][0]["cells"]["FIRST_AID"]["state"] == "in_date"
    bad = await matrix(client, world, f"team_id={world.teams['A1a']}&warning_days=-1")
    assert bad.status_code == 422


async def test_matrix_uses_the_newest_pass_and_ignores_fails_and_never_expiring(client, world: World) -> None:
    await add(world, "A1a-1", "CSAS_CORE", D(2022, 1, 10))
    await add(world, "A1a-1", "CSAS_CORE", D(2024, 12, 1), "referred")
    await add(world, "A1a-1", "CSAS_CORE", D(2025, 1, 10))
    await add(world, "A1a-1", "CSAS_CORE", D(2025, 6, 1), "fail")
    await add(world, "A1a-1", "RADIO", D(2015, 1, 1))
    await add(world, "A1a-2", "SAFEGUARDING", D(2025, 1, 1), "fail")
    body = (await matrix(client, world, f"team_id={world.teams['A1a']}&as_of=2026-01-01")).json()
    cells = {r["officer_id"]: r["cells"] for r in body["rows"]}
    one, two = cells[world.officers["A1a-1"]], cells[world.officers["A1a-2"]]
    assert one["CSAS_CORE"] == {"state": "in_date", "expires_on": "2028-01-10"}
    assert one["RADIO"] == {"state": "in_date", "expires_on": None}
    assert two["SAFEGUARDING"]["state"] == "missing"
    # As of a day when only the 2022 pass existed, it counts.
    old = (await matrix(client, world, f"team_id={world.teams['A1a']}&as_of=2024-12-31")).json()
    assert old["rows"][0]["cells"]["CSAS_CORE"]["expires_on"] == "2025-01-10"


async def test_matrix_leaves_out_officers_who_had_left(client: AsyncClient, world: World) -> None:
    await record_leaving(SYSTEM, world.officers["A1a-2"], D(2026, 5, 1))
    before = (await matrix(client, world, f"team_id={world.teams['A1a']}&as_of=2026-04-30")).json()
    after = (await matrix(client, world, f"team_id={world.teams['A1a']}&as_of=2026-05-01")).json()
    assert len(before["rows"]) == 2 and [r["officer_id"] for r in after["rows"]] == [world.officers["A1a-1"]]


TEAM_READERS = {
    "admin": {"A1a", "A1b", "A2a", "B1a"}, "coord_a": {"A1a", "A1b", "A2a"}, "vet_a": {"A1a", "A1b", "A2a"},
    "hr_a1": {"A1a", "A1b"}, "mgr_a1a": {"A1a"}, "off_a1a1": set(),
}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("team", ["A1a", "A1b", "A2a", "B1a"])
async def test_matrix_team_scope(client: AsyncClient, world: World, who: str, team: str) -> None:
    response = await matrix(client, world, f"team_id={world.teams[team]}", who=who)
    if team in TEAM_READERS[who]:
        assert response.status_code == 200
        assert {r["officer_id"] for r in response.json()["rows"]} == {
            world.officers[f"{team}-1"], world.officers[f"{team}-2"]}
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("org", ["A1", "A2", "B1"])
async def test_matrix_organisation_rows_stay_in_scope(client, world: World, who: str, org: str) -> None:
    response = await matrix(client, world, f"organisation_id={world.orgs[org]}", who=who)
    expected = {world.officers[k] for k in VISIBLE[who] if k.startswith(org)}
    if response.status_code == 200:
        assert {r["officer_id"] for r in response.json()["rows"]} == expected and expected
    else:
        assert response.status_code == 403 and not (expected and who != "off_a1a1")


@pytest.mark.parametrize(("query", "status"), [("", 422), ("team_id=1&organisation_id=1", 422),
                                               ("team_id=999999", 404), ("organisation_id=999999", 404),
                                               ("team_id=1&as_of=2026-02-30", 422)])
async def test_matrix_bad_queries(client: AsyncClient, world: World, query: str, status: int) -> None:
    assert (await matrix(client, world, query)).status_code == status


# --- kit check ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kit", "training", "issued_on", "refused"),
    [
        ("BODY_WORN_VIDEO", [], D(2026, 1, 1), True),
        ("BODY_WORN_VIDEO", [("BODY_WORN_VIDEO", D(2025, 5, 1), "pass")], D(2026, 1, 1), False),
        ("BODY_WORN_VIDEO", [("BODY_WORN_VIDEO", D(2025, 5, 1), "pass")], D(2025, 4, 30), True),  # not yet
        ("BODY_WORN_VIDEO", [("BODY_WORN_VIDEO", D(2025, 5, 1), "fail")], D(2026, 1, 1), True),
        ("BODY_WORN_VIDEO", [("RADIO", D(2025, 5, 1), "pass")], D(2026, 1, 1), True),
        ("RADIO", [("RADIO", D(2025, 5, 1), "pass")], D(2026, 1, 1), False),
        ("RADIO", [], D(2026, 1, 1), True),
        ("NOTEBOOK", [], D(2026, 1, 1), False),
        ("UNKNOWN_THING", [], D(2026, 1, 1), False),
    ],
)
async def test_kit_needs_training_before_issue(world: World, kit, training, issued_on, refused) -> None:
    for module, completed_on, result in training:
        await add(world, "A1a-1", module, completed_on, result)
    violations = await services.kit_training_violations(world.officers["A1a-1"], kit, issued_on)
    assert [(v.code, v.field) for v in violations] == ([("training_required", "kit_type_code")] if refused else [])
    # Installed as register's kit-issue hook (bootstrap.wire()).
    assert await check_kit_issue(world.officers["A1a-1"], kit, issued_on) == violations


async def test_kit_check_follows_an_expiry_override(world: World) -> None:
    await services.record_completion(
        SYSTEM, today=D(2026, 11, 22), officer_id=world.officers["A1a-1"], module_code="RADIO",
        completed_on=D(2024, 1, 1), result="pass", expires_on=D(2025, 1, 1),
        expiry_override_reason="Airwave procedures changed")
    assert await services.kit_training_violations(world.officers["A1a-1"], "RADIO", D(2024, 12, 31)) == []
    assert len(await services.kit_training_violations(world.officers["A1a-1"], "RADIO", D(2025, 1, 1))) == 1


async def test_issuing_body_worn_video_without_training_is_409(client: AsyncClient, world: World) -> None:
    body = {"officer_id": world.officers["A1a-1"], "kit_type_code": "BODY_WORN_VIDEO", "issued_on": "2026-01-05",
            "serial_number": "BWV-0001"}
    refused = await client.post("/api/kit/issues", json=body, headers=world.auth("mgr_a1a"))
    assert refused.status_code == 409 and refused.json()["code"] == "training_required"
    assert refused.json()["violations"][0]["field"] == "kit_type_code"
    await add(world, "A1a-1", "BODY_WORN_VIDEO", D(2025, 12, 1))
    issued = await client.post("/api/kit/issues", json=body, headers=world.auth("mgr_a1a"))
    assert issued.status_code == 201, issued.text


# --- facts for the scheduler -------------------------------------------------------------------------


async def test_training_facts(client: AsyncClient, world: World) -> None:
    first = await add(world, "A1a-1", "CSAS_CORE", D(2024, 2, 29))
    await add(world, "A1a-1", "CSAS_CORE", D(2025, 3, 1), "referred")
    radio = await add(world, "A1a-1", "RADIO", D(2024, 3, 1))
    newer_radio = await add(world, "A1a-1", "RADIO", D(2026, 6, 1))
    first_aid = await add(world, "A1a-2", "FIRST_AID", D(2023, 6, 1))
    await services.create_booking(SYSTEM, officer_id=world.officers["A1a-2"], module_code="FIRST_AID",
                                  starts_on=D(2026, 5, 1), today=D(2026, 5, 1))
    facts = await training_facts(
        [world.officers["A1a-1"], world.officers["A1a-2"], world.officers["B1a-1"]], D(2026, 1, 1))
    assert facts[world.officers["B1a-1"]] == {}
    one = facts[world.officers["A1a-1"]]
    assert one == {
        "CSAS_CORE": ModuleFact("CSAS_CORE", D(2024, 2, 29), D(2027, 2, 28), first),
        "RADIO": ModuleFact("RADIO", D(2024, 3, 1), None, radio),  # the newer pass is dated after as_of
    }
    aid = facts[world.officers["A1a-2"]]["FIRST_AID"]
    assert (aid.completed_on, aid.expires_on, aid.record_id) == (D(2023, 6, 1), D(2026, 6, 1), first_aid)
    assert [(b.starts_on, b.recorded_on) for b in aid.bookings] == [(D(2026, 5, 1), D(2026, 5, 1))]  # refresher
    later = await training_facts([world.officers["A1a-1"]], D(2026, 6, 1))
    assert later[world.officers["A1a-1"]]["RADIO"].record_id == newer_radio


async def test_matrix_warning_window_defaults_to_the_policy(client: AsyncClient, world: World) -> None:
    """Without warning_days the window is the scheduler policy's warning_days (90 until changed), so the matrix
    and the reminders call the same pass 'expiring'."""
    await add(world, "A1a-1", "FIRST_AID", D(2023, 6, 1))  # expires 2026-06-01, 61 days after 2026-04-01
    query = f"team_id={world.teams['A1a']}&as_of=2026-04-01"
    assert (await matrix(client, world, query)).json()["rows"][0]["cells"]["FIRST_AID"]["state"] == "expiring"
    changed = await client.put("/api/policy", json={"warning_days": 30}, headers=world.auth("admin"))
    assert changed.status_code == 200, changed.text
    assert (await matrix(client, world, query)).json()["rows"][0]["cells"]["FIRST_AID"]["state"] == "in_date"
    widened = await matrix(client, world, query + "&warning_days=90")
    assert widened.json()["rows"][0]["cells"]["FIRST_AID"]["state"] == "expiring"
