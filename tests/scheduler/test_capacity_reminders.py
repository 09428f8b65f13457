"""An officer the capacity plan asks to start a renewal early is told so, and why, in the month it asks: each word
true on the day it is sent (domain.md §8a)."""

from __future__ import annotations

import datetime as dt

import pytest
from httpx import AsyncClient

from scheduler.reminders import Audience, Trigger, due_reminders, find_lapses
from scheduler.rules import compute_compliance, compute_plan
from scheduler.sweep import run_sweep
from tests.scheduler.builders import POLICY, D, officer
from tests.scheduler.scenario import build_team

# The accreditation SUR-001 expires 2027-06-01; its step (lead 60) should start by 2 April 2027.
KEY = ("accreditation", "SUR-001", D(2027, 4, 2), D(2027, 6, 1))
MARCH = D(2027, 3, 1)


def early(day: dt.date, start_month: dt.date) -> list[tuple[Trigger, dt.date, str]]:
    facts = officer()
    reminders = due_reminders(facts, compute_compliance(facts, day, POLICY), compute_plan(facts, day, POLICY),
                              find_lapses(facts, day, day, POLICY), day, POLICY, early={KEY: start_month})
    return [(r.trigger, r.trigger_on, r.line) for r in reminders
            if r.audience is Audience.OFFICER and r.item.startswith("accreditation:SUR-001")]


WHY = ("Please start in March 2027, earlier than 2 April 2027, because the accreditation team is full in "
       "April 2027.")


@pytest.mark.parametrize(("day", "start_month", "expected"), [
    (D(2027, 2, 28), MARCH, []),  # the month it is asked to start in has not come
    (D(2027, 3, 1), MARCH, [(Trigger.START_EARLY, MARCH)]),
    (D(2027, 3, 31), MARCH, [(Trigger.START_EARLY, MARCH)]),  # the same trigger: the sweep claims it once
    (D(2027, 4, 1), D(2027, 4, 1), []),  # its own month: not early, the step's opening reminder says it
    (D(2027, 4, 2), MARCH, [(Trigger.STEP_OPEN, D(2027, 4, 2))]),  # open: the usual reminder, nothing early
])
def test_the_officer_is_asked_to_start_early_in_the_levelled_month(
        day: dt.date, start_month: dt.date, expected: list[tuple[Trigger, dt.date]]) -> None:
    got = early(day, start_month)
    assert [(t, on) for t, on, _ in got] == expected
    for trigger, _, line in got:
        assert (WHY in line) == (trigger is Trigger.START_EARLY)
        assert "Jo Bloggs" in line and "SUR-001" in line


async def test_the_sweep_asks_those_the_vetting_unit_cannot_take_in_their_own_month(client: AsyncClient) -> None:
    team = await build_team(client)  # five vetting renewals, each to start by 2 February 2025
    response = await client.put("/api/planning/capacity-settings", headers=team.world.auth("coordinator"),
                                json={"vetting_per_month": 2})
    assert response.status_code == 200
    result = await run_sweep(D(2025, 1, 10))
    why = ("Please start in January 2025, earlier than 2 February 2025, because the vetting unit is full in "
           "February 2025.")
    told = {d["recipient_email"] for d in result.digests if why in d["body"]}
    ids = team.officer_ids
    # February takes two (the latest in the plan's order), January two more; the first cannot fit in time.
    assert told == {team.emails[ids[1]], team.emails[ids[2]]}
    assert all(why not in d["body"] for d in (await run_sweep(D(2025, 1, 11))).digests)  # once
