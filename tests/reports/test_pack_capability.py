"""The compliance pack's capability table and the forecast are one computation: on the demo force, each month's
count is the officers able to use the power today less those the forecast sees lapse before that month, and it
is what judging every officer directly gives."""

from __future__ import annotations

import datetime as dt

from core.dates import add_months
from reports import data
from scheduler import services as scheduler_services
from tests.factories import World
from tests.reports.reporting import SYSTEM, TODAY, load_demo_force


async def test_pack_capability_is_the_forecast_counted_by_month() -> None:
    await load_demo_force()
    loaded = await data.analytics(SYSTEM, TODAY)
    starts = loaded["capability_starts"]
    assert starts[0] == TODAY and starts[1] == add_months(TODAY.replace(day=1), 1) and len(starts) == 12

    judged = await scheduler_services.compliance_for(SYSTEM, TODAY)
    lapses = await scheduler_services.forecast(SYSTEM, TODAY, starts[-1])
    assert any(row["usable_until"] < starts[2] for row in lapses)  # the lapse team: within the first months
    codes = sorted({power.code for _, compliance in judged for power in compliance.powers})
    assert sorted(loaded["capability"]) == codes

    for code in codes:
        usable_today = sum(1 for _, c in judged for p in c.powers if p.code == code and p.usable)
        from_forecast = [usable_today - sum(1 for row in lapses if row["code"] == code and row["usable_until"] < day)
                         for day in starts]
        judged_directly = [sum(1 for _, c in judged for p in c.powers if p.code == code and p.usable
                               and (p.usable_until is None or p.usable_until >= day)) for day in starts]
        assert loaded["capability"][code] == from_forecast == judged_directly, code
    assert loaded["capability"]["FPN_LITTER"][0] > loaded["capability"]["FPN_LITTER"][-1]


async def test_a_gap_a_renewal_closes_is_counted_back_from_the_renewal(world: World) -> None:
    """Accredited until the end of next month, renewed from the month after that: the officer is missing from
    the capability count only in the month of the gap (the forecast's resumes_on), not for the rest of the year."""
    from register.accreditations import services as accreditations
    from tests.admin_ui.test_pages_common import cleared_trained_and_carded, today

    await cleared_trained_and_carded(world, granted_ago=100, accredited=False)
    day = today()
    first = add_months(day.replace(day=1), 1)
    for number, granted_on, expires_on in (("SP-001", day - dt.timedelta(days=30), add_months(first, 1)),
                                           ("SP-002", add_months(first, 2), add_months(first, 38))):
        await accreditations.grant_accreditation(
            SYSTEM, officer_id=world.officers["A1a-1"], force_id=world.forces["A"], number=number,
            granted_on=granted_on, expires_on=expires_on, power_codes=["FPN_LITTER"], conditions="", today=day)
    starts = [day, *(add_months(first, i) for i in range(11))]
    counts = (await scheduler_services.capability(SYSTEM, starts))["FPN_LITTER"]
    assert counts == [1, 1, 0, *[1] * 9]
