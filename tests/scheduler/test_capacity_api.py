"""GET /api/planning/capacity and the capacity settings, on the five-officer JET whose renewals all fall due in
the same months (tests/scheduler/scenario.py): vetting start-by 2 February 2025, CSAS refresher 3 March 2025."""

from __future__ import annotations

import datetime as dt

from httpx import AsyncClient

from core.audit import audit_trail
from tests.scheduler.scenario import build_team, submit_renewal

URL = "/api/planning/capacity?as_of=2025-01-01&months=6"


def column(body: dict, field: str, kind: str) -> dict[str, int | None]:
    return {row["month"]: row[field][kind] for row in body["months"]}


async def test_demand_capacity_levelled_and_the_unavoidable_lapses(client: AsyncClient) -> None:
    team = await build_team(client)
    coordinator = team.world.auth("coordinator")
    body = (await client.get(URL, headers=coordinator)).json()
    assert [row["month"] for row in body["months"]] == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05",
                                                        "2025-06"]
    assert column(body, "demand", "vetting") == {"2025-01": 0, "2025-02": 5, "2025-03": 0, "2025-04": 0,
                                                  "2025-05": 0, "2025-06": 0}
    assert column(body, "demand", "course")["2025-03"] == 5  # CSAS_CORE refreshers
    assert column(body, "capacity", "vetting")["2025-02"] is None  # nothing set: no limit, nothing levelled
    assert column(body, "levelled", "vetting") == column(body, "demand", "vetting")
    assert body["unavoidable"] == []

    changed = await client.put("/api/planning/capacity-settings", headers=coordinator,
                               json={"vetting_per_month": 2})
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"force_id": team.force_id, "vetting_per_month": 2, "course_seats_per_month": None,
                              "accreditations_per_month": None}
    body = (await client.get(URL, headers=coordinator)).json()
    assert column(body, "levelled", "vetting") == {"2025-01": 2, "2025-02": 2, "2025-03": 0, "2025-04": 0,
                                                    "2025-05": 0, "2025-06": 0}
    assert column(body, "capacity", "vetting")["2025-06"] == 2
    assert [(w["officer_id"], w["kind"], w["code"], w["start_by"], w["expires_on"]) for w in body["unavoidable"]] == [
        (team.officer_ids[0], "vetting", "NPPV2A", "2025-02-02", "2025-08-01")]
    assert body["needed"]["vetting"] == 3  # five due by February: three a month over January and February
    assert "starts" not in body
    starts = (await client.get(URL + "&starts=true", headers=coordinator)).json()["starts"]
    vetting = [(s["officer_id"], s["start_in"]) for s in starts if s["kind"] == "vetting"]
    ids = team.officer_ids
    assert sorted(vetting) == [(ids[1], "2025-01"), (ids[2], "2025-01"), (ids[3], "2025-02"), (ids[4], "2025-02")]

    # A renewal on record is no longer demand: one fewer to fit, and the lapse is avoided.
    await submit_renewal(client, team, team.officer_ids[3], dt.date(2024, 12, 20))
    body = (await client.get(URL, headers=coordinator)).json()
    assert column(body, "demand", "vetting")["2025-02"] == 4 and body["unavoidable"] == []


async def test_months_out_of_range_are_refused(client: AsyncClient) -> None:
    team = await build_team(client)
    for months in (5, 25, 0):
        response = await client.get(f"/api/planning/capacity?months={months}", headers=team.world.auth("coordinator"))
        assert response.status_code == 422, response.text
        assert response.json()["violations"][0]["field"] == "months"
    for months in (6, 24):
        assert (await client.get(f"/api/planning/capacity?months={months}",
                                 headers=team.world.auth("coordinator"))).status_code == 200


async def test_readers_and_writers(client: AsyncClient) -> None:
    team = await build_team(client)
    for who in ("manager",):
        assert (await client.get(URL, headers=team.world.auth(who))).status_code == 403
    for who in ("hr", "vetting", "coordinator", "admin"):
        assert (await client.get(URL, headers=team.world.auth(who))).status_code == 200
    for who in ("hr", "vetting", "manager"):
        response = await client.put("/api/planning/capacity-settings", headers=team.world.auth(who),
                                    json={"vetting_per_month": 1})
        assert response.status_code == 403, who
        assert (await client.get("/api/planning/capacity-settings", headers=team.world.auth(who))).status_code == 403


async def test_settings_are_validated_audited_and_kept_per_force(client: AsyncClient) -> None:
    team = await build_team(client)
    coordinator = team.world.auth("coordinator")
    for bad in ({"vetting_per_month": -1}, {"course_seats_per_month": 100_001}, {"vetting_per_month": "many"},
                {"per_month": 3}):
        response = await client.put("/api/planning/capacity-settings", headers=coordinator, json=bad)
        assert response.status_code == 422, (bad, response.text)
    await client.put("/api/planning/capacity-settings", headers=coordinator,
                     json={"vetting_per_month": 4, "course_seats_per_month": 10})
    kept = await client.put("/api/planning/capacity-settings", headers=coordinator,
                            json={"course_seats_per_month": None})
    assert kept.json()["vetting_per_month"] == 4 and kept.json()["course_seats_per_month"] is None
    events = await audit_trail("force", team.force_id)
    assert [e["action"] for e in events if e["action"] == "capacity.update"] == ["capacity.update"] * 2
    # An administrator names the force once there are two; a coordinator cannot reach another force.
    admin = team.world.auth("admin")
    other = (await client.post("/api/forces", json={"name": "Sussex Police", "code": "SUSSEX"}, headers=admin)).json()
    assert (await client.get("/api/planning/capacity-settings", headers=admin)).status_code == 422
    answer = await client.get(f"/api/planning/capacity-settings?force_id={other['id']}", headers=admin)
    assert answer.json()["vetting_per_month"] is None
    assert (await client.get("/api/planning/capacity-settings?force_id=99999", headers=admin)).status_code == 404
    refused = await client.put("/api/planning/capacity-settings", headers=coordinator,
                               json={"force_id": other["id"], "vetting_per_month": 1})
    assert refused.status_code == 403
