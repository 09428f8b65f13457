"""The administrator: users, policy (lead time change with confirmation and violations), catalogues, outbox,
scheduler health."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from scheduler.policy_store import policy_document
from tests.admin_ui.test_pages_common import post_form, sign_in
from tests.factories import World

LEADS = {"vetting": 180, "csas_course": 120, "accreditation": 60, "module": 60, "kit": 30, "employer": 90}


def _form(**changes: int | str) -> dict[str, object]:
    return {f"lead_times__{k}": v for k, v in (LEADS | changes).items()}


@pytest.mark.parametrize(("path", "text"), [
    ("/admin", "admin"), ("/admin/policy", "Lead times"), ("/admin/catalogues", "FPN_LITTER"),
    ("/admin/outbox", "Outbox"), ("/admin/scheduler", "Scheduler health"),
])
async def test_admin_pages_render(client: AsyncClient, world: World, path: str, text: str) -> None:
    await sign_in(client, "admin")
    page = await client.get(path)
    assert page.status_code == 200, page.text
    assert text in page.text


async def test_changing_a_lead_time_is_confirmed_then_written(client: AsyncClient, world: World) -> None:
    await sign_in(client, "admin")
    url = "/admin/policy/lead-times"
    check = await post_form(client, url, _form(accreditation=75))
    assert "Are you sure you want to change the lead times?" in check.text
    assert (await policy_document())["lead_times"]["accreditation"] == 60
    done = await post_form(client, url, {**_form(accreditation=75), "confirm": "yes"})
    assert done.status_code == 303
    assert (await policy_document())["lead_times"]["accreditation"] == 75
    page = await client.get(done.headers["location"])
    assert "The policy was changed." in page.text and "75 days" in page.text


@pytest.mark.parametrize(("value", "status"), [("-5", 422), ("soon", 422)])
async def test_a_bad_lead_time_is_shown_by_the_field(client: AsyncClient, world: World, value: str,
                                                     status: int) -> None:
    await sign_in(client, "admin")
    response = await post_form(client, "/admin/policy/lead-times", {**_form(kit=value), "confirm": "yes"})
    assert response.status_code == status
    assert 'id="lead_times__kit-error"' in response.text
    assert (await policy_document())["lead_times"]["kit"] == 30


async def test_adding_a_user_is_confirmed_and_a_missing_scope_is_shown_by_the_field(
        client: AsyncClient, world: World) -> None:
    from core.tables import User

    await sign_in(client, "admin")
    url = "/admin/users/new"
    answers = {"username": "mgr_new", "email": "mgr_new@example.org", "password_choice": "set",
               "password": "a long enough password 1", "role": "manager"}
    before = await User.count()
    missing = await post_form(client, url, {**answers, "confirm": "yes"})
    assert missing.status_code == 422 and 'id="team_ids-error"' in missing.text
    assert await User.count() == before
    check = await post_form(client, url, {**answers, "team_ids": [str(world.teams["A1a"])]})
    assert "Check the new user" in check.text and "a long enough password 1" not in check.text.split("<form")[0]
    assert "a long enough password 1" not in check.text  # not even in a hidden field: it is typed again
    assert 'type="password" autocomplete="new-password"' in check.text
    assert await User.count() == before
    done = await post_form(client, url, {**answers, "team_ids": [str(world.teams["A1a"])], "confirm": "yes"})
    assert done.status_code == 303, done.text
    assert await User.count() == before + 1
    assert "The user was added." in (await client.get(done.headers["location"])).text


async def test_changing_the_warning_period_and_a_module_validity(client: AsyncClient, world: World) -> None:
    await sign_in(client, "admin")
    current = await policy_document()
    scalars = {k: current[k] for k in ("warning_days", "overdue_after_days", "manager_repeat_days",
                                       "coordinator_alert_days")}
    done = await post_form(client, "/admin/policy/warnings", {**scalars, "warning_days": 100, "confirm": "yes"})
    assert done.status_code == 303
    assert (await policy_document())["warning_days"] == 100
    validity = {f"module_validity__{m['code']}": m["validity_months"] if m["validity_months"] is not None else ""
                for m in current["module_validity"]}
    done = await post_form(client, "/admin/policy/validity",
                           {**validity, "module_validity__FIRST_AID": 24, "confirm": "yes"})
    assert done.status_code == 303, done.text
    after = {m["code"]: m["validity_months"] for m in (await policy_document())["module_validity"]}
    assert after["FIRST_AID"] == 24
    assert {k: v for k, v in after.items() if k != "FIRST_AID"} == {
        m["code"]: m["validity_months"] for m in current["module_validity"] if m["code"] != "FIRST_AID"}


async def test_changing_the_power_prerequisites_from_the_page(client: AsyncClient, world: World) -> None:
    await sign_in(client, "admin")
    url = "/admin/policy/prerequisites"
    form = await client.get(url)
    assert form.status_code == 200 and "FPN_LITTER" in form.text and 'value="PENALTY_NOTICES" checked' in form.text
    before = (await policy_document())["power_prerequisites"]
    answers = {"prerequisites__FPN_LITTER": ["PENALTY_NOTICES", "BODY_WORN_VIDEO"]}
    check = await post_form(client, url, answers)
    assert "Are you sure you want to change the power prerequisites?" in check.text
    assert (await policy_document())["power_prerequisites"] == before
    done = await post_form(client, url, {**answers, "confirm": "yes"})
    assert done.status_code == 303
    after = {(p["power_code"], p["module_code"]) for p in (await policy_document())["power_prerequisites"]}
    assert after == {("FPN_LITTER", "PENALTY_NOTICES"), ("FPN_LITTER", "BODY_WORN_VIDEO")}


async def test_deactivating_a_user_from_the_users_page_is_confirmed(client: AsyncClient, world: World) -> None:
    from core.tables import User

    await sign_in(client, "admin")
    user_id = world.principals["mgr_a1a"].user_id
    listing = await client.get("/admin")
    assert f'href="/admin/users/{user_id}/deactivate"' in listing.text
    assert f'href="/admin/users/{world.principals["admin"].user_id}/deactivate"' not in listing.text
    url = f"/admin/users/{user_id}/deactivate"
    check = await post_form(client, url, {})
    assert "Are you sure you want to deactivate mgr_a1a?" in check.text
    assert (await User.select(User.is_active).where(User.id == user_id).first())["is_active"] is True  # type: ignore[index]
    done = await post_form(client, url, {"confirm": "yes"})
    assert done.status_code == 303 and done.headers["location"].endswith("done=user_deactivated")
    assert (await User.select(User.is_active).where(User.id == user_id).first())["is_active"] is False  # type: ignore[index]
    assert "Reactivate" in (await client.get("/admin")).text


async def test_the_scheduler_page_shows_times_as_people_in_london_read_them(client: AsyncClient, world: World) -> None:
    import datetime as dt

    from scheduler.tables import SweepRun

    # 05:00 UTC on a July day is 06:00 in London (British Summer Time).
    started = dt.datetime(2026, 7, 2, 5, 0, tzinfo=dt.UTC)
    await SweepRun.insert(SweepRun(as_of=dt.date(2026, 7, 2), started_at=started, status="succeeded",
                                   finished_at=started + dt.timedelta(minutes=3), officers=12, messages=4)).run()
    await sign_in(client, "admin")
    page = (await client.get("/admin/scheduler")).text
    assert "2 July 2026 at 06:00 (for 2 July 2026), Succeeded" in page
    assert "2 July 2026 at 06:03" in page
    assert "2026-07-02" not in page and "05:00" not in page
