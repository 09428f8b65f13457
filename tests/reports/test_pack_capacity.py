"""The compliance pack's capacity section: the demo force's renewals against the capacity the demo sets, the same
unavoidable lapses the capacity plan lists; none in a team's or a manager's pack."""

from __future__ import annotations

from demo import DEMO_CAPACITY
from reports import data
from reports.pdf import compliance_pack
from scheduler import planning
from tests.factories import World
from tests.reports.reporting import SYSTEM, TODAY, load_demo_force, pdf_text


async def test_the_pack_shows_the_capacity_plan_and_its_unavoidable_lapses() -> None:
    people = await load_demo_force()
    await planning.update_capacity_settings(SYSTEM, DEMO_CAPACITY, people.force_id)
    plan = await planning.capacity_plan(SYSTEM, TODAY, TODAY)
    loaded = await data.analytics(SYSTEM, TODAY)
    assert loaded["capacity"]["rows"] == plan.rows()
    assert len(loaded["capacity"]["unavoidable"]) == len(plan.unavoidable()) >= 1
    text = " ".join(pdf_text(compliance_pack.render("Compliance pack", loaded, TODAY)).split())
    assert "7 Capacity: renewals due against what can be processed" in text
    count = len(plan.unavoidable())
    assert f"{count} renewal{'' if count == 1 else 's'} cannot start by the start-by date" in text
    assert loaded["capacity"]["unavoidable"][0]["name"] in text


async def test_no_capacity_section_for_a_team_or_a_manager(world: World) -> None:
    assert (await data.analytics(SYSTEM, TODAY, team_id=world.teams["A1a"]))["capacity"] is None
    assert (await data.analytics(world.principals["mgr_a1a"], TODAY))["capacity"] is None
    loaded = await data.analytics(world.principals["coord_a"], TODAY)
    assert loaded["capacity"] is not None and loaded["capacity"]["unavoidable"] == []
    assert "7 Capacity" not in pdf_text(compliance_pack.render("Compliance pack", {**loaded, "capacity": None}, TODAY))
