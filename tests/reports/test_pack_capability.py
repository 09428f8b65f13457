"""The compliance pack's capability table and the forecast are one computation: on the demo force, each month's
count is the officers able to use the power today less those the forecast sees lapse before that month, and it
is what judging every officer directly gives."""

from __future__ import annotations

from core.dates import add_months
from reports import data
from scheduler import services as scheduler_services
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
