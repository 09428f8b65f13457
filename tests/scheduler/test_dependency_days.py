"""The day lists compliance and the sweep read (start days, end days, last_start_on) come from one statement,
scheduler.facts.DEPENDENCY_DAYS (issue 18): a kind of dependency cannot be in one list and missing from another."""

from __future__ import annotations

import datetime as dt

from register.facts import AccreditationFact, DesignatedPowerFact
from scheduler.facts import DEPENDENCY_DAYS, OfficerFacts, start_days
from scheduler.rules import Kind, compute_compliance
from tests.scheduler.builders import CORE_EXPIRES, POLICY, officer

D = dt.date
ONE = dt.timedelta(days=1)


def test_every_kind_states_its_days() -> None:
    """A Kind without its line in DEPENDENCY_DAYS would bind powers on days the sweep never judges."""
    assert sorted(d.kind for d in DEPENDENCY_DAYS) == sorted(k.value for k in Kind)


def run_end(facts: OfficerFacts, code: str, day: dt.date) -> dt.date:
    """The last day of the power's unbroken run of usable days from `day`, judged day by day (domain.md §8a)."""
    while any(p.code == code and p.usable for p in compute_compliance(facts, day + ONE, POLICY).powers):
        day += ONE
    return day


def test_a_reinstatement_after_the_asked_day_carries_the_run_on() -> None:
    """The same power on another force's accreditation, suspended on the asked day and reinstated before the first
    accreditation expires: usable until follows the run to the next break. (last_start_on used to leave out the
    reinstatement that _start_days had, so compliance stopped at the first expiry.)"""
    first = officer().accreditations[0]
    other = AccreditationFact(2, 2, "TVP-002", D(2025, 6, 1), D(2028, 6, 1),
                              powers=(DesignatedPowerFact("FPN_LITTER", D(2025, 6, 1)),),
                              suspensions=((D(2026, 1, 1), D(2027, 3, 1)),))
    facts = officer(accreditations=(first, other))
    day = D(2026, 6, 1)
    assert facts.last_start_on == D(2027, 3, 1) == max(start_days(facts))
    power = next(p for p in compute_compliance(facts, day, POLICY).powers if p.code == "FPN_LITTER")
    assert power.usable_until == CORE_EXPIRES - ONE == run_end(facts, "FPN_LITTER", day)
    assert power.binding is not None and power.binding.kind == Kind.TRAINING
