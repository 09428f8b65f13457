import pytest
from httpx import AsyncClient

from core.settings import get_settings
from scheduler.tables import SweepRun
from tests.scheduler.scenario import CORE_EXPIRES, build_team


@pytest.fixture
def clock_override(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CSAS_CLOCK_OVERRIDE", "on")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("CSAS_CLOCK_OVERRIDE")
    get_settings.cache_clear()


async def test_compliance_answers_as_of_any_day(client: AsyncClient) -> None:
    team = await build_team(client)
    officer_id = team.officer_ids[0]
    auth = team.world.auth("manager")
    green = (await client.get(f"/api/officers/{officer_id}/compliance?as_of=2024-06-01", headers=auth)).json()
    assert green["status"] == "green" and green["powers_usable_until"] == "2025-06-30"
    assert green["binding"] == {"kind": "training", "code": "CSAS_CORE", "expires_on": "2025-07-01"}
    assert {p["code"] for p in green["powers"]} == {"FPN_LITTER", "NA_ASB"}
    amber = (await client.get(f"/api/officers/{officer_id}/compliance?as_of=2025-04-02", headers=auth)).json()
    assert amber["status"] == "amber"
    red = (await client.get(f"/api/officers/{officer_id}/compliance?as_of=2025-07-01", headers=auth)).json()
    assert red["status"] == "red" and red["powers_usable_until"] is None
    assert red["powers"][0]["blocked_by"] == [
        {"kind": "training", "code": "CSAS_CORE", "message": "CSAS_CORE expired on 1 July 2025."}]
    before_any = (await client.get(f"/api/officers/{officer_id}/compliance?as_of=2022-01-01", headers=auth)).json()
    assert before_any["status"] == "red" and before_any["powers"] == []  # records dated later do not count


async def test_plan_lists_steps_earliest_start_first(client: AsyncClient) -> None:
    team = await build_team(client)
    plan = (await client.get(f"/api/officers/{team.officer_ids[0]}/plan?as_of=2025-02-20",
                             headers=team.world.auth("hr"))).json()
    steps = {(s["kind"], s["code"]): s for s in plan["steps"]}
    assert steps[("vetting", "NPPV2A")] | {} == {
        "kind": "vetting", "code": "NPPV2A", "title": "Submit vetting renewal", "expires_on": "2025-08-01",
        "start_by": "2025-02-02", "status": "overdue"}
    assert steps[("training", "CSAS_CORE")]["status"] == "upcoming"
    assert [s["start_by"] for s in plan["steps"]] == sorted(s["start_by"] for s in plan["steps"])


async def test_forecast_lists_powers_lapsing_in_the_window(client: AsyncClient) -> None:
    team = await build_team(client)
    url = "/api/compliance/forecast?from=2025-01-01&to=2025-12-31"
    body = (await client.get(url, headers=team.world.auth("coordinator"))).json()
    assert body["total"] == 10  # five officers x two powers, all bound by CSAS_CORE
    first = body["items"][0]
    assert first["usable_until"] == "2025-06-30" and first["binding"]["code"] == "CSAS_CORE"
    assert set(first) == {"officer_id", "name", "code", "usable_until", "binding", "resumes_on"}
    assert first["resumes_on"] is None  # no renewal on record
    short = (await client.get("/api/compliance/forecast?from=2025-01-01&to=2025-06-30",
                              headers=team.world.auth("coordinator"))).json()
    assert short["total"] == 0  # they become unusable on 1 July, outside the window
    bad = await client.get("/api/compliance/forecast?from=2025-02-01&to=2025-01-01",
                           headers=team.world.auth("coordinator"))
    assert bad.status_code == 422


async def test_out_of_scope_compliance_is_403(client: AsyncClient, world) -> None:
    response = await client.get(f"/api/officers/{world.officers['B1a-1']}/compliance", headers=world.auth("hr_a1"))
    assert response.status_code == 403


async def test_policy_round_trip_and_validation(client: AsyncClient, world) -> None:
    auth = world.auth("admin")
    policy = (await client.get("/api/policy", headers=auth)).json()
    assert policy["lead_times"]["vetting"] == 180 and policy["warning_days"] == 90
    assert "NPPV2A" in policy["required_vetting_levels"] and "NPPV1" not in policy["required_vetting_levels"]
    changed = await client.put("/api/policy", headers=auth, json={
        "lead_times": {"vetting": 200}, "warning_days": 60, "required_vetting_levels": ["NPPV3", "MV"]})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["lead_times"]["vetting"] == 200 and body["lead_times"]["kit"] == 30 and body["warning_days"] == 60
    assert body["required_vetting_levels"] == ["MV", "NPPV3"]
    bad = await client.put("/api/policy", headers=auth, json={"warning_days": -1, "lead_times": {"vetting": 10}})
    assert bad.status_code == 422
    unknown = await client.put("/api/policy", headers=auth, json={"required_vetting_levels": ["NOPE"],
                                                                  "warning_days": 10})
    assert unknown.status_code == 422
    again = (await client.get("/api/policy", headers=auth)).json()
    assert again["lead_times"]["vetting"] == 200 and again["warning_days"] == 60  # the bad PUTs changed nothing
    assert (await client.put("/api/policy", headers=world.auth("hr_a1"), json={"warning_days": 5})).status_code == 403


async def test_sweep_endpoint_needs_the_clock_override_to_move_the_day(client: AsyncClient, world) -> None:
    response = await client.post("/api/sweep", json={"as_of": "2025-01-01"}, headers=world.auth("admin"))
    assert response.status_code == 409 and response.json()["code"] == "clock_override_off"
    assert (await client.post("/api/sweep", json={}, headers=world.auth("mgr_a1a"))).status_code == 403
    today = await client.post("/api/sweep", json={"dry_run": True}, headers=world.auth("admin"))
    assert today.status_code == 200 and today.json()["dry_run"] is True


async def test_sweep_endpoint_with_clock_override_and_outbox_scope(client: AsyncClient, clock_override) -> None:
    team = await build_team(client)
    dry = (await client.post("/api/sweep", json={"as_of": CORE_EXPIRES.isoformat(), "dry_run": True},
                             headers=team.world.auth("admin"))).json()
    assert dry["messages"] >= 7 and await SweepRun.count() == 0
    run = (await client.post("/api/sweep", json={"as_of": CORE_EXPIRES.isoformat()},
                             headers=team.world.auth("coordinator"))).json()
    assert run["lapses"] == 10 and run["messages"] == dry["messages"] and run["delivered"] == run["messages"]
    rerun = (await client.post("/api/sweep", json={"as_of": CORE_EXPIRES.isoformat()},
                               headers=team.world.auth("coordinator"))).json()
    assert rerun["messages"] == 0 and rerun["lapses"] == 0
    officer_id = team.officer_ids[0]
    mine = (await client.get(f"/api/notifications?officer_id={officer_id}", headers=team.world.auth("manager"))).json()
    assert mine["total"] >= 2 and all(officer_id in n["officer_ids"] for n in mine["items"])
    item = mine["items"][0]
    assert set(item) >= {"id", "recipient_email", "subject", "body", "officer_ids", "kind", "due_on", "sent_at",
                         "status"}
    assert item["due_on"] == "2025-07-01" and item["status"] == "sent"
    health = (await client.get("/api/scheduler/health", headers=team.world.auth("admin"))).json()
    assert health["last_success"]["as_of"] == "2025-07-01"
    assert [r["lapses"] for r in health["recent_runs"]] == [0, 10] and health["failed_messages"] == 0

