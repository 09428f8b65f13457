"""The in-process catalogue cache (policy + traffic powers): reused while the data is unchanged, rebuilt on the
next use after ANY change to the rows it is built from, including one written straight to the database by
another app instance (simulated here by writing the tables directly, bypassing this instance's services)."""

import json

from httpx import AsyncClient

from register.tables import Power
from scheduler import policy_store
from scheduler.policy_store import SCHEDULER_KEY, load_catalogue, load_policy
from scheduler.tables import PolicySetting
from tests.factories import World
from training.tables import PowerPrerequisite, TrainingModule
from vetting.tables import VettingLevel


async def test_unchanged_data_is_not_rebuilt() -> None:
    first = await load_catalogue()
    builds = policy_store._catalogue.builds
    assert await load_catalogue() is first
    assert policy_store._catalogue.builds == builds


async def test_a_policy_setting_written_by_another_instance_is_seen() -> None:
    before = await load_policy()
    wanted = before.warning_days + 7
    await PolicySetting.insert(PolicySetting(key=SCHEDULER_KEY, value=json.dumps({"warning_days": wanted})))
    assert (await load_policy()).warning_days == wanted
    await PolicySetting.update({PolicySetting.value: json.dumps({"warning_days": wanted + 1})}).where(
        PolicySetting.key == SCHEDULER_KEY)
    assert (await load_policy()).warning_days == wanted + 1


async def test_a_vetting_level_acceptance_change_is_seen() -> None:
    accepted = (await load_policy()).accepted_vetting_levels
    level = await VettingLevel.select(VettingLevel.code, VettingLevel.accepted_for_csas).first()
    assert level is not None
    await VettingLevel.update({VettingLevel.accepted_for_csas: not level["accepted_for_csas"]}).where(
        VettingLevel.code == level["code"])
    now = (await load_policy()).accepted_vetting_levels
    assert (level["code"] in now) == (not level["accepted_for_csas"])
    assert now ^ accepted == {level["code"]}


async def test_prerequisite_and_traffic_changes_are_seen() -> None:
    power = await Power.select(Power.code, Power.is_traffic).first()
    module = await TrainingModule.select(TrainingModule.id, TrainingModule.code).first()
    assert power is not None and module is not None
    await PowerPrerequisite.delete(force=True)
    assert (await load_policy()).prerequisites == {}
    await PowerPrerequisite.insert(PowerPrerequisite(power_code=power["code"], module=module["id"]))
    assert (await load_policy()).prerequisites == {power["code"]: (module["code"],)}
    await Power.update({Power.is_traffic: not power["is_traffic"]}).where(Power.code == power["code"])
    assert (power["code"] in (await load_catalogue()).traffic_powers) == (not power["is_traffic"])


async def test_a_policy_change_through_the_api_shows_at_once(client: AsyncClient, world: World) -> None:
    auth = world.auth("admin")
    before = (await client.get("/api/policy", headers=auth)).json()
    response = await client.put("/api/policy", headers=auth,
                                json={"warning_days": before["warning_days"] + 3})
    assert response.status_code == 200, response.text
    assert (await load_policy()).warning_days == before["warning_days"] + 3


async def test_single_officer_compliance_still_scopes(client: AsyncClient, world: World) -> None:
    """The single-officer judgement reads the officer with the scope check in one query: 404 / 403 / 200."""
    officer_b = world.officers["B1a-1"]
    assert (await client.get("/api/officers/999999/compliance", headers=world.auth("coord_a"))).status_code == 404
    refused = await client.get(f"/api/officers/{officer_b}/compliance", headers=world.auth("coord_a"))
    assert refused.status_code == 403
    assert refused.json()["code"] == "out_of_scope"
    mine = world.officers["A1a-1"]
    answer = await client.get(f"/api/officers/{mine}/compliance", headers=world.auth("off_a1a1"))
    assert answer.status_code == 200
    assert (await client.get(f"/api/officers/{officer_b}/plan", headers=world.auth("off_a1a1"))).status_code == 403
