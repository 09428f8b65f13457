"""The day lists compliance and the sweep read (start days, end days) come from one statement per kind,
scheduler.dependencies.KINDS (issue 18): a kind of dependency cannot be in one list and missing from another."""

from __future__ import annotations

import datetime as dt

from register.facts import AccreditationFact, DesignatedPowerFact, KitFact
from scheduler.dependencies import KINDS, end_days, start_days
from scheduler.facts import OfficerFacts
from scheduler.kinds import Kind
from scheduler.rules import compute_compliance
from tests.scheduler.builders import ACCREDITATION_EXPIRES, CORE_EXPIRES, POLICY, officer, with_accreditation

D = dt.date
ONE = dt.timedelta(days=1)


def test_every_kind_states_its_days() -> None:
    """A Kind without its DependencyKind would be named by the API but judged by nothing."""
    assert sorted(d.kind for d in KINDS) == sorted(k.value for k in Kind)
    assert len({d.precedence for d in KINDS}) == len(KINDS)  # a tie between bindings always has one answer


def run_end(facts: OfficerFacts, code: str, day: dt.date) -> dt.date:
    """The last day of the power's unbroken run of usable days from `day`, judged day by day (domain.md §8a)."""
    while any(p.code == code and p.usable for p in compute_compliance(facts, day + ONE, POLICY).powers):
        day += ONE
    return day


def test_a_reinstatement_after_the_asked_day_carries_the_run_on() -> None:
    """The same power on another force's accreditation, suspended on the asked day and reinstated before the first
    accreditation expires: usable until follows the run to the next break. (The last start day used to leave out the
    reinstatement that _start_days had, so compliance stopped at the first expiry.)"""
    first = officer().accreditations[0]
    other = AccreditationFact(2, 2, "TVP-002", D(2025, 6, 1), D(2028, 6, 1),
                              powers=(DesignatedPowerFact("FPN_LITTER", D(2025, 6, 1)),),
                              suspensions=((D(2026, 1, 1), D(2027, 3, 1)),))
    facts = officer(accreditations=(first, other))
    day = D(2026, 6, 1)
    assert max(start_days(facts)) == D(2027, 3, 1)
    power = next(p for p in compute_compliance(facts, day, POLICY).powers if p.code == "FPN_LITTER")
    assert power.usable_until == CORE_EXPIRES - ONE == run_end(facts, "FPN_LITTER", day)
    assert power.binding is not None and power.binding.kind == Kind.TRAINING


def test_a_suspension_on_record_ends_the_run_the_day_before_it_starts() -> None:
    """A suspension entered ahead of its day (from 1 March 2027, reinstated 1 May 2027): the powers are usable until
    28 February, not until the accreditation's expiry, and usable again from the reinstatement."""
    facts = with_accreditation(suspensions=((D(2027, 3, 1), D(2027, 5, 1)),))
    day = D(2026, 12, 2)
    power = next(p for p in compute_compliance(facts, day, POLICY).powers if p.code == "FPN_LITTER")
    assert power.usable_until == D(2027, 2, 28) == run_end(facts, "FPN_LITTER", day)
    assert power.binding is not None and power.binding.kind == Kind.ACCREDITATION
    assert power.resumes_on == D(2027, 5, 1)
    assert D(2027, 3, 1) in set(end_days(facts))  # the sweep judges the day the suspension starts


def test_an_id_card_returned_is_a_day_the_sweep_judges() -> None:
    facts = officer(kit=(KitFact(100, "ID_CARD", D(2025, 6, 2), returned_on=D(2026, 11, 20),
                                 expires_on=ACCREDITATION_EXPIRES),))
    assert D(2026, 11, 20) in set(end_days(facts))
    assert not any(p.usable for p in compute_compliance(facts, D(2026, 11, 20), POLICY).powers)


def test_messages_about_a_coming_suspension_say_suspended_not_expires() -> None:
    """Every item of a message is true on its day: the accreditation does not expire on 1 March, it is suspended."""
    from scheduler.reminders import coordinator_power_warnings, find_lapses, lapse_reminders
    from scheduler.rules import compute_plan

    facts = with_accreditation(suspensions=((D(2027, 3, 1), D(2027, 5, 1)),))
    day = D(2027, 2, 10)
    warnings = coordinator_power_warnings(facts, compute_compliance(facts, day, POLICY),
                                          compute_plan(facts, day, POLICY), day, POLICY)
    assert [w.line for w in warnings] == [
        'Jo Bloggs: powers "ALCOHOL_UNDER_18"; "FPN_LITTER" become unusable on 1 March 2027, when accreditation '
        "SUR-001 is suspended (last usable day 28 February 2027). Next action: make sure the officer knows."]
    (lapse,) = find_lapses(facts, D(2027, 2, 25), D(2027, 3, 1), POLICY)
    (line,) = {r.line for r in lapse_reminders(facts, lapse)}
    assert line == ('Jo Bloggs: LAPSED on 1 March 2027 - powers "ALCOHOL_UNDER_18"; "FPN_LITTER" can no longer be '
                    "used, because accreditation SUR-001 was suspended on 1 March 2027. Next action: stop using "
                    "these powers.")


def _warnings(facts: OfficerFacts, day: dt.date) -> list[str]:
    from scheduler.reminders import coordinator_power_warnings
    from scheduler.rules import compute_plan

    return [w.line for w in coordinator_power_warnings(facts, compute_compliance(facts, day, POLICY),
                                                       compute_plan(facts, day, POLICY), day, POLICY)]


def test_a_re_accreditation_on_record_does_not_silence_a_coming_suspension() -> None:
    suspended = with_accreditation(suspensions=((D(2027, 3, 1), D(2027, 5, 1)),))
    renewal = AccreditationFact(2, 1, "SUR-002", D(2027, 6, 1), D(2030, 6, 1), recorded_on=D(2027, 1, 5),
                                powers=(DesignatedPowerFact("FPN_LITTER", D(2027, 6, 1)),
                                        DesignatedPowerFact("ALCOHOL_UNDER_18", D(2027, 6, 1))))
    facts = officer(accreditations=(*suspended.accreditations, renewal))
    (line,) = _warnings(facts, D(2027, 2, 10))
    assert "SUR-001 is suspended" in line


def test_a_suspension_from_the_expiry_day_is_still_an_expiry_to_renew() -> None:
    from scheduler.reminders import find_lapses, lapse_reminders

    facts = with_accreditation(suspensions=((ACCREDITATION_EXPIRES, None),))
    power = next(p for p in compute_compliance(facts, D(2027, 5, 1), POLICY).powers if p.code == "FPN_LITTER")
    assert power.binding is not None and not power.binding.suspended
    (lapse,) = find_lapses(facts, ACCREDITATION_EXPIRES, ACCREDITATION_EXPIRES, POLICY)
    (line,) = {r.line for r in lapse_reminders(facts, lapse)}
    assert "accreditation SUR-001 ended on 1 June 2027" in line and "apply for re-accreditation" in line


def test_a_catch_up_names_no_lapse_for_a_power_usable_again_on_its_day() -> None:
    """Suspended 1 to 4 March, swept next on 10 March: the lapse is told, but as past; nothing tells anyone to stop
    using powers usable that day."""
    from scheduler.reminders import Trigger, due_reminders, find_lapses
    from scheduler.rules import compute_plan

    facts = with_accreditation(suspensions=((D(2027, 3, 1), D(2027, 3, 5)),))
    day = D(2027, 3, 10)
    lapses = find_lapses(facts, D(2027, 2, 25), day, POLICY)
    assert [lapse.lapsed_on for lapse in lapses] == [D(2027, 3, 1)]  # history keeps it
    sent = due_reminders(facts, compute_compliance(facts, day, POLICY), compute_plan(facts, day, POLICY), lapses,
                         day, POLICY)
    (line,) = {r.line for r in sent if r.trigger is Trigger.LAPSE}
    assert "can no longer be used" not in line and "stop using" not in line
    assert line == ('Jo Bloggs: LAPSED on 1 March 2027 - powers "ALCOHOL_UNDER_18"; "FPN_LITTER" could not be used '
                    "from 1 March 2027, because accreditation SUR-001 was suspended on 1 March 2027. Powers "
                    '"ALCOHOL_UNDER_18"; "FPN_LITTER" are usable again as of 10 March 2027. Next action: check that '
                    "they were not used while they had lapsed.")
