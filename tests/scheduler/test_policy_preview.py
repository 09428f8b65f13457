"""POST /api/policy/preview on the Reigate and Banstead JET (tests/scheduler/scenario.py: five officers, NPPV2A
expiring 1 August 2025, CSAS_CORE 1 July 2025, accreditation 1 September 2025, powers FPN_LITTER and NA_ASB):
what a policy would change, exactly, and that nothing is saved."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from core.tables import AuditEvent
from scheduler.tables import PolicySetting
from tests.scheduler.scenario import Team, _ok, build_team

WINDOW = "from=2025-01-01&to=2025-06-01"  # the whole team is usable throughout: nothing lapses today


async def _preview(client: AsyncClient, team: Team, body: dict[str, Any], window: str = WINDOW,
                   who: str = "coordinator") -> dict[str, Any]:
    response = await client.post(f"/api/policy/preview?{window}", json=body, headers=team.world.auth(who))
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def _pass(client: AsyncClient, team: Team, officer_id: int, module: str, completed_on: str) -> None:
    await _ok(await client.post("/api/training/records", headers=team.world.auth("hr"), json={
        "officer_id": officer_id, "module_code": module, "completed_on": completed_on, "result": "pass"}))


def _keys(rows: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    return [(r["officer_id"], r["code"], r["usable_until"]) for r in rows]


async def test_a_prerequisite_adds_lapses_on_the_day_its_module_expires_or_at_once(client: AsyncClient) -> None:
    team = await build_team(client)
    first, *others = team.officer_ids
    await _pass(client, team, first, "PERSONAL_SAFETY", "2024-03-01")  # 12 months: expires 1 March 2025
    prerequisites = (await client.get("/api/policy", headers=team.world.auth("admin"))).json()["power_prerequisites"]
    body = {"power_prerequisites": [*prerequisites, {"power_code": "NA_ASB", "module_code": "PERSONAL_SAFETY"}]}
    result = await _preview(client, team, body)
    assert result["current"]["lapses"] == [] and result["removed"] == [] and result["changed"] == []
    # Earliest first: the four who never passed it lapse at once (their last usable day is the day before).
    assert _keys(result["added"]) == [*((o, "NA_ASB", "2024-12-31") for o in others), (first, "NA_ASB", "2025-02-28")]
    lapse = result["added"][-1]
    assert lapse["binding"] == {"kind": "training", "code": "PERSONAL_SAFETY", "expires_on": "2025-03-01"}
    assert lapse["name"] == "Officer Number1" and lapse["resumes_on"] is None
    at_once = result["added"][0]
    assert at_once["binding"] == {"kind": "training", "code": "PERSONAL_SAFETY", "expires_on": "2025-01-01"}
    assert at_once["reason"] == "PERSONAL_SAFETY has not been passed."
    assert result["proposed"]["lapses"] == result["added"]


async def test_taking_a_prerequisite_away_removes_its_lapse(client: AsyncClient) -> None:
    team = await build_team(client)
    first = team.officer_ids[0]
    for officer_id in team.officer_ids:
        await _pass(client, team, officer_id, "PERSONAL_SAFETY", "2024-03-01" if officer_id == first else "2024-12-01")
    prerequisites = (await client.get("/api/policy", headers=team.world.auth("admin"))).json()["power_prerequisites"]
    await _ok(await client.put("/api/policy", headers=team.world.auth("admin"), json={"power_prerequisites": [
        *prerequisites, {"power_code": "NA_ASB", "module_code": "PERSONAL_SAFETY"}]}), 200)
    result = await _preview(client, team, {"power_prerequisites": prerequisites})
    assert _keys(result["current"]["lapses"]) == [(first, "NA_ASB", "2025-02-28")]
    assert _keys(result["removed"]) == [(first, "NA_ASB", "2025-02-28")]
    assert result["added"] == [] and result["proposed"]["lapses"] == []


async def test_a_lapse_that_moves_is_changed_with_both_days_and_saving_gives_the_proposed_forecast(
        client: AsyncClient) -> None:
    team = await build_team(client)
    first = team.officer_ids[0]
    for officer_id in team.officer_ids:
        await _pass(client, team, officer_id, "PERSONAL_SAFETY", "2024-03-01" if officer_id == first else "2024-12-01")
    prerequisites = (await client.get("/api/policy", headers=team.world.auth("admin"))).json()["power_prerequisites"]
    body = {"power_prerequisites": [*prerequisites, {"power_code": "NA_ASB", "module_code": "PERSONAL_SAFETY"}]}
    window = "from=2025-01-01&to=2025-12-31"  # every power lapses on 1 July 2025 with CSAS_CORE
    result = await _preview(client, team, body, window)
    assert len(result["current"]["lapses"]) == 10 and result["added"] == [] and result["removed"] == []
    assert [(c["officer_id"], c["code"], c["current_usable_until"], c["usable_until"]) for c in result["changed"]] == [
        (first, "NA_ASB", "2025-06-30", "2025-02-28")]
    assert result["changed"][0]["current_binding"]["code"] == "CSAS_CORE"
    await _ok(await client.put("/api/policy", json=body, headers=team.world.auth("admin")), 200)
    forecast = (await client.get(f"/api/compliance/forecast?{window}", headers=team.world.auth("coordinator"))).json()
    assert forecast["items"] == result["proposed"]["lapses"]  # the preview is what saving does


async def test_a_level_no_longer_accepted_lapses_every_power_at_once(client: AsyncClient) -> None:
    team = await build_team(client)
    result = await _preview(client, team, {"required_vetting_levels": ["NPPV3", "MV"]})
    assert len(result["added"]) == 10 and result["current"]["lapses"] == []
    assert {(r["usable_until"], r["binding"]["kind"], r["binding"]["code"], r["binding"]["expires_on"])
            for r in result["added"]} == {("2024-12-31", "vetting", "NPPV2A", "2025-01-01")}
    assert result["added"][0]["reason"] == "NPPV2A is not a vetting level accepted for CSAS."
    # Its renewal is no longer planned either: the vetting step leaves the plans, and the demand.
    assert result["demand"]["current"]["2025-02"]["vetting"] == 5
    assert result["demand"]["proposed"]["2025-02"]["vetting"] == 0


async def test_an_annual_review_adds_the_lapse_on_the_review_day(client: AsyncClient) -> None:
    team = await build_team(client)
    result = await _preview(client, team, {"vetting_levels": [{"code": "NPPV2A", "has_annual_review": True}]},
                            "from=2023-01-01&to=2023-12-31")
    # FPN_LITTER is not usable in 2023 (PENALTY_NOTICES passed in 2024): NA_ASB alone lapses.
    assert _keys(result["added"]) == [(o, "NA_ASB", "2023-07-31") for o in team.officer_ids]
    assert result["added"][0]["binding"] == {"kind": "vetting", "code": "NPPV2A", "expires_on": "2023-08-01"}


async def test_a_longer_lead_time_makes_steps_overdue_and_moves_the_demand(client: AsyncClient) -> None:
    team = await build_team(client)
    result = await _preview(client, team, {"lead_times": {"vetting": 240}})
    # Vetting expires 1 August 2025: 240 days before is 4 December 2024, more than 14 days before 1 January.
    assert [(s["officer_id"], s["kind"], s["code"], s["start_by"], s["expires_on"])
            for s in result["overdue"]["added"]] == [
        (o, "vetting", "NPPV2A", "2024-12-04", "2025-08-01") for o in team.officer_ids]
    assert result["overdue"]["removed"] == []
    assert result["current"]["overdue_steps"] == 0 and result["proposed"]["overdue_steps"] == 5
    current, proposed = result["demand"]["current"], result["demand"]["proposed"]
    assert list(current) == [f"2025-{m:02d}" for m in range(1, 13)]
    assert (current["2025-01"]["vetting"], current["2025-02"]["vetting"]) == (0, 5)
    assert (proposed["2025-01"]["vetting"], proposed["2025-02"]["vetting"]) == (5, 0)  # overdue: due now
    assert current["2025-03"]["course"] == proposed["2025-03"]["course"] == 5  # CSAS refresher, unchanged
    assert result["added"] == result["removed"] == result["changed"] == []


async def test_a_shorter_overdue_grace_makes_open_steps_overdue(client: AsyncClient) -> None:
    team = await build_team(client)
    result = await _preview(client, team, {"overdue_after_days": 3}, "from=2025-02-10&to=2025-06-01")
    assert {(s["kind"], s["start_by"]) for s in result["overdue"]["added"]} == {("vetting", "2025-02-02")}


async def test_a_longer_validity_moves_no_lapse_as_saving_moves_none(client: AsyncClient) -> None:
    team = await build_team(client)
    body = {"module_validity": [{"code": "CSAS_CORE", "validity_months": 48}]}
    window = "from=2025-01-01&to=2025-12-31"
    result = await _preview(client, team, body, window)
    assert result["added"] == result["removed"] == result["changed"] == []
    assert result["notes"] == ["A module's validity applies to passes recorded from now on: passes already held "
                               "keep their expiry, so no lapse or step moves."]
    await _ok(await client.put("/api/policy", json=body, headers=team.world.auth("admin")), 200)
    forecast = (await client.get(f"/api/compliance/forecast?{window}", headers=team.world.auth("coordinator"))).json()
    assert forecast["items"] == result["proposed"]["lapses"] == result["current"]["lapses"]


async def test_nothing_is_saved(client: AsyncClient) -> None:
    team = await build_team(client)
    auth = team.world.auth("admin")
    before = (await client.get("/api/policy", headers=auth)).json()
    audits, settings = await AuditEvent.count(), await PolicySetting.select().order_by(PolicySetting.id)
    await _preview(client, team, {
        "warning_days": 30, "lead_times": {"vetting": 240}, "required_vetting_levels": ["NPPV3"],
        "vetting_levels": [{"code": "NPPV2A", "renewal_months": 24, "has_annual_review": True}],
        "module_validity": [{"code": "CSAS_CORE", "validity_months": 12}], "power_prerequisites": []}, who="admin")
    assert (await client.get("/api/policy", headers=auth)).json() == before
    assert await AuditEvent.count() == audits
    assert await PolicySetting.select().order_by(PolicySetting.id) == settings


@pytest.mark.parametrize("body", [
    {"warning_days": -1},
    {"manager_repeat_days": 0},
    {"lead_times": {"vetting": 99999}},
    {"lead_times": {"nonsense": 3}},
    {"officer_reminder_days": [1, -2]},
    {"required_vetting_levels": ["NPPV2A", "NOPE"]},
    {"vetting_levels": [{"code": "NPPV2A", "renewal_months": 0}]},
    {"vetting_levels": [{"code": "NOPE", "renewal_months": 12}]},
    {"module_validity": [{"code": "CSAS_CORE", "validity_months": 0}]},
    {"module_validity": [{"code": "NOPE", "validity_months": 12}]},
    {"power_prerequisites": [{"power_code": "NOPE", "module_code": "CSAS_CORE"}]},
    {"warning_days": "ninety"},
])
async def test_bad_input_is_refused_as_saving_refuses_it(client: AsyncClient, body: dict[str, Any]) -> None:
    team = await build_team(client)
    auth = team.world.auth("admin")
    saved = await client.put("/api/policy", json=body, headers=auth)
    previewed = await client.post("/api/policy/preview", json=body, headers=auth)
    assert saved.status_code >= 400
    assert (previewed.status_code, previewed.json().get("code"), previewed.json().get("violations")) == (
        saved.status_code, saved.json().get("code"), saved.json().get("violations"))


async def test_only_those_who_may_save_may_preview(client: AsyncClient, world: Any) -> None:
    body = {"lead_times": {"vetting": 200}}
    for who in ("vet_a", "hr_a1", "mgr_a1a", "off_a1a1"):
        response = await client.post("/api/policy/preview", json=body, headers=world.auth(who))
        assert response.status_code == 403, who
    spans = await client.post("/api/policy/preview", json=body, headers=world.auth("coord_a"))
    assert (spans.status_code, spans.json()["code"]) == (403, "policy_spans_forces")
    assert (await client.post("/api/policy/preview", json=body, headers=world.auth("admin"))).status_code == 200
