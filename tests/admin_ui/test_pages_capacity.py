"""The capacity page: the months table and chart, the unavoidable lapses linked to the officers, the downloads,
and the settings form (form, check page, confirm) for the force's coordinator."""

from __future__ import annotations

import datetime as dt

from httpx import AsyncClient

from core.dates import add_months
from core.tables import AuditEvent
from scheduler.tables import CapacitySetting
from tests.admin_ui.test_pages_common import post_form, sign_in, today
from tests.factories import SYSTEM, World

FORCE_A = ("A1a-1", "A1a-2", "A1b-1", "A1b-2", "A2a-1")


async def courses_due_next_month(world: World) -> str:
    """Five of force A's officers whose CSAS course refresher (120 days' lead) falls due next month."""
    from training import services as training

    start_by = add_months(today().replace(day=1), 1) + dt.timedelta(days=14)
    completed = add_months(start_by + dt.timedelta(days=120), -36)
    for key in FORCE_A:
        await training.record_completion(SYSTEM, today=today(), officer_id=world.officers[key],
                                         module_code="CSAS_CORE", completed_on=completed, result="pass")
    return f"{start_by.year:04d}-{start_by.month:02d}"


async def test_the_coordinator_sees_the_cliff_and_changes_the_capacity(client: AsyncClient, world: World) -> None:
    month = await courses_due_next_month(world)
    await sign_in(client, "coord_a")
    page = await client.get("/capacity")
    assert page.status_code == 200, page.text
    assert 'href="/capacity"' in page.text and "No limit set" in page.text
    assert "None: every renewal can start by its start-by date" in page.text
    form = await client.get("/capacity/settings")
    assert form.status_code == 200 and 'name="course_seats_per_month"' in form.text
    bad = await post_form(client, "/capacity/settings", {"course_seats_per_month": "-3"})
    assert bad.status_code == 422 and "Are you sure" not in bad.text
    check = await post_form(client, "/capacity/settings", {"course_seats_per_month": "2"})
    assert "Are you sure you want to change the capacity?" in check.text
    assert await CapacitySetting.count() == 0
    done = await post_form(client, "/capacity/settings", {"course_seats_per_month": "2", "confirm": "yes"})
    assert done.status_code == 303 and done.headers["location"] == "/capacity?done=capacity"
    assert await AuditEvent.count().where(AuditEvent.action == "capacity.update") == 1

    page = (await client.get("/capacity?done=capacity")).text
    assert "The capacity settings were changed." in page and "2 a month" in page
    # Two places this month and two next month for five due next month: one cannot start in time.
    assert "At this capacity, 1 renewal cannot start by its start-by date" in page
    assert f'href="/officers/{world.officers["A1a-1"]}"' in page
    assert "3 a month needed to avoid every lapse" in page
    assert 'src="/capacity/chart.svg?months=12"' in page

    chart = await client.get("/capacity/chart.svg?months=12")
    assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")
    months = await client.get("/capacity/months.csv?months=6")
    lines = months.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("month,vetting_demand,vetting_capacity,vetting_levelled,course_demand")
    assert len(lines) == 7 and any(line.startswith(f"{month},0,,0,5,2,2") for line in lines)
    listed = await client.get("/capacity/unavoidable.xlsx")
    assert listed.status_code == 200 and listed.content[:2] == b"PK"
    listed_csv = (await client.get("/capacity/unavoidable.csv")).content.decode("utf-8-sig").splitlines()
    assert len(listed_csv) == 2 and listed_csv[1].startswith("Alex OfficerA1A1,Council A1,Course places,")


async def test_readers_without_the_settings_and_others_refused(client: AsyncClient, world: World) -> None:
    await courses_due_next_month(world)
    await sign_in(client, "hr_a1")
    page = await client.get("/capacity")
    assert page.status_code == 200 and "Change the capacity" not in page.text
    assert (await client.get("/capacity/settings")).status_code == 403
    client.cookies.clear()
    await sign_in(client, "mgr_a1a")
    assert (await client.get("/capacity")).status_code == 403
