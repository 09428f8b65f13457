"""The policy and the catalogues' settings apply to every force: a coordinator changes them only while the register
serves their force alone (the common installation, and the demo's); once a second force exists, only an
administrator does. The two-force refusals of every such route are in tests/security (the authorisation matrix)."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from core.access import Role
from register.officers import services
from scheduler.policy_store import policy_document
from tests.admin_ui.test_pages_common import post_form, sign_in
from tests.factories import SYSTEM, World, make_user

REFUSAL = "This policy applies to every force in the register; only an administrator can change it."


@pytest.fixture
async def one_force() -> World:
    world = World()
    world.forces["A"] = (await services.create_force(SYSTEM, "Force A", "FA"))["id"]
    await make_user(world, "admin", Role.ADMIN)
    await make_user(world, "coord_a", Role.CSAS_COORDINATOR, force_id=world.forces["A"])
    return world


async def _second_force(world: World) -> None:
    world.forces["B"] = (await services.create_force(SYSTEM, "Force B", "FB"))["id"]
    await make_user(world, "coord_b", Role.CSAS_COORDINATOR, force_id=world.forces["B"])


async def _every_force_writes(client: AsyncClient, world: World, who: str) -> list[tuple[int, dict[str, object]]]:
    auth = world.auth(who)
    policy = (await client.get("/api/policy", headers=auth)).json()
    answers = [
        await client.put("/api/policy", headers=auth, json={"warning_days": policy["warning_days"] + 1}),
        await client.patch("/api/vetting/levels/NPPV2A", headers=auth, json={"renewal_months": 48}),
        await client.patch("/api/training/modules/FIRST_AID", headers=auth, json={"validity_months": 24}),
        await client.put("/api/training/prerequisites", headers=auth,
                         json={"items": policy["power_prerequisites"][1:]}),
    ]
    return [(a.status_code, a.json()) for a in answers]


async def test_the_coordinator_of_a_one_force_register_changes_the_policy(client: AsyncClient,
                                                                         one_force: World) -> None:
    before = await policy_document()
    answers = await _every_force_writes(client, one_force, "coord_a")
    assert [status for status, _ in answers] == [200, 200, 200, 200], answers
    after = await policy_document()
    assert after["warning_days"] == before["warning_days"] + 1
    assert len(after["power_prerequisites"]) == len(before["power_prerequisites"]) - 1


async def test_a_second_force_leaves_the_policy_to_administrators(client: AsyncClient, one_force: World) -> None:
    await _second_force(one_force)
    before = await policy_document()
    for who in ("coord_a", "coord_b"):
        answers = await _every_force_writes(client, one_force, who)
        assert {status for status, _ in answers} == {403}, answers
        assert {body["code"] for _, body in answers} == {"policy_spans_forces"}
        assert answers[0][1]["detail"] == REFUSAL
        assert all("only an administrator can change it" in str(body["detail"]) for _, body in answers)
    assert await policy_document() == before
    reading = await client.get("/api/policy", headers=one_force.auth("coord_a"))
    assert reading.status_code == 200 and reading.json() == before
    answers = await _every_force_writes(client, one_force, "admin")
    assert [status for status, _ in answers] == [200, 200, 200, 200], answers


async def test_the_policy_page_offers_changes_to_a_one_force_coordinator(client: AsyncClient,
                                                                         one_force: World) -> None:
    await sign_in(client, "coord_a")
    page = await client.get("/admin/policy")
    assert page.status_code == 200 and 'href="/admin/policy/lead-times"' in page.text
    assert REFUSAL not in page.text and 'href="/admin/policy"' in page.text  # in the coordinator's menu
    current = await policy_document()
    scalars = {n: current[n] for n in ("warning_days", "overdue_after_days", "manager_repeat_days",
                                       "coordinator_alert_days")}
    done = await post_form(client, "/admin/policy/warnings", {**scalars, "warning_days": 100, "confirm": "yes"})
    assert done.status_code == 303
    assert (await policy_document())["warning_days"] == 100


async def test_the_policy_page_is_read_only_for_a_coordinator_of_one_force_among_several(
        client: AsyncClient, one_force: World) -> None:
    await _second_force(one_force)
    await sign_in(client, "coord_b")
    page = await client.get("/admin/policy")
    assert page.status_code == 200
    assert REFUSAL in page.text and "/admin/policy/" not in page.text  # the reason, and no change buttons
    assert f"{(await policy_document())['warning_days']} days" in page.text
    form = await client.get("/admin/policy/warnings")
    assert form.status_code == 403 and REFUSAL in form.text
