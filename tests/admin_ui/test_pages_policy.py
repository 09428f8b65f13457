"""Every policy value is editable on the policy page: the officers' reminder days and the vetting levels (accepted
for CSAS, annual review, renewal period) too, by whoever may change the policy (an administrator; a coordinator
only while theirs is the one force), with the usual check step; anything else sees the page read-only."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from core.access import Role
from core.tables import AuditEvent
from register.officers import services
from scheduler.policy_store import policy_document
from tests.admin_ui.test_pages_common import post_form, sign_in
from tests.factories import SYSTEM, World, make_user


async def test_the_admin_changes_the_officers_reminder_days(client: AsyncClient, world: World) -> None:
    await sign_in(client, "admin")
    policy = await client.get("/admin/policy")
    assert 'href="/admin/policy/reminders"' in policy.text
    url = "/admin/policy/reminders"
    form = await client.get(url)
    assert 'value="14, 1"' in form.text
    check = await post_form(client, url, {"officer_reminder_days": "30, 7,7"})
    assert "Are you sure you want to change the officers" in check.text
    assert (await policy_document())["officer_reminder_days"] == [14, 1]
    done = await post_form(client, url, {"officer_reminder_days": "30, 7,7", "confirm": "yes"})
    assert done.status_code == 303
    assert (await policy_document())["officer_reminder_days"] == [30, 7]
    assert await AuditEvent.count().where(AuditEvent.action == "policy.update") >= 1
    assert "30, 7 days before each expiry" in (await client.get("/admin/policy")).text


@pytest.mark.parametrize("value", ["two weeks", "14, -1", "99999"])
async def test_bad_reminder_days_are_refused_before_the_check_page(client: AsyncClient, world: World,
                                                                   value: str) -> None:
    await sign_in(client, "admin")
    response = await post_form(client, "/admin/policy/reminders", {"officer_reminder_days": value})
    assert response.status_code == 422 and 'id="officer_reminder_days-error"' in response.text
    assert "Are you sure" not in response.text


async def test_the_admin_changes_the_vetting_levels(client: AsyncClient, world: World) -> None:
    await sign_in(client, "admin")
    assert 'href="/admin/policy/vetting-levels"' in (await client.get("/admin/policy")).text
    before = {lv["code"]: lv for lv in (await policy_document())["vetting_levels"]}
    url = "/admin/policy/vetting-levels"
    answers = {f"renewal__{code}": str(lv["renewal_months"]) for code, lv in before.items()}
    answers |= {"accepted": ["NPPV3"], "annual_review": [c for c, lv in before.items() if lv["has_annual_review"]],
                "renewal__NPPV3": "60"}
    check = await post_form(client, url, answers)
    assert "Are you sure you want to change the vetting levels?" in check.text
    done = await post_form(client, url, {**answers, "confirm": "yes"})
    assert done.status_code == 303, done.text
    after = {lv["code"]: lv for lv in (await policy_document())["vetting_levels"]}
    assert [c for c, lv in after.items() if lv["accepted_for_csas"]] == ["NPPV3"]
    assert after["NPPV3"]["renewal_months"] == 60
    assert (await policy_document())["required_vetting_levels"] == ["NPPV3"]


async def test_a_renewal_period_out_of_range_is_shown_by_its_field(client: AsyncClient, world: World) -> None:
    await sign_in(client, "admin")
    response = await post_form(client, "/admin/policy/vetting-levels",
                               {"accepted": "NPPV3", "renewal__NPPV3": "500"})
    assert response.status_code == 422 and 'id="renewal__NPPV3-error"' in response.text
    assert "Are you sure" not in response.text


async def test_a_coordinator_of_two_forces_reads_the_policy_only(client: AsyncClient, world: World) -> None:
    await sign_in(client, "coord_a")
    policy = await client.get("/admin/policy")
    assert policy.status_code == 200 and 'id="policy-read-only"' in policy.text
    assert 'href="/admin/policy/reminders"' not in policy.text
    assert 'href="/admin/policy/vetting-levels"' not in policy.text
    for url in ("/admin/policy/reminders", "/admin/policy/vetting-levels"):
        assert (await client.get(url)).status_code == 403


@pytest.mark.parametrize("who", ["hr_a1", "mgr_a1a", "vet_a", "off_a1a1"])
async def test_other_roles_cannot_change_the_policy(client: AsyncClient, world: World, who: str) -> None:
    await sign_in(client, who)
    assert (await client.get("/admin/policy/reminders")).status_code == 403


async def test_the_coordinator_of_the_only_force_changes_the_reminders(client: AsyncClient) -> None:
    world = World()
    world.forces["A"] = (await services.create_force(SYSTEM, "Force A", "FA"))["id"]
    await make_user(world, "coord_a", Role.CSAS_COORDINATOR, force_id=world.forces["A"])
    await sign_in(client, "coord_a")
    assert 'href="/admin/policy/reminders"' in (await client.get("/admin/policy")).text
    done = await post_form(client, "/admin/policy/reminders", {"officer_reminder_days": "", "confirm": "yes"})
    assert done.status_code == 303
    assert (await policy_document())["officer_reminder_days"] == []
    assert "None besides the start-by reminder" in (await client.get("/admin/policy")).text
