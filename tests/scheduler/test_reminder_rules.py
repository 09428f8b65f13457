import datetime as dt
from dataclasses import replace

import pytest

from register.facts import KitFact
from scheduler.reminders import Audience, Trigger, due_reminders, find_lapses
from scheduler.rules import compute_compliance, compute_plan
from tests.scheduler.builders import POLICY, D, officer

# The accreditation SUR-001 expires 2027-06-01; its step (lead 60) opens 2027-04-02.
E = D(2027, 6, 1)
OPENS = D(2027, 4, 2)


def due(facts, day, since=None):
    compliance = compute_compliance(facts, day, POLICY)
    steps = compute_plan(facts, day, POLICY)
    lapses = find_lapses(facts, since or day, day, POLICY)
    return due_reminders(facts, compliance, steps, lapses, day, POLICY)


def about_accreditation(reminders, audience):
    return [r for r in reminders if r.audience is audience and r.item.startswith("accreditation:SUR-001")]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (OPENS - dt.timedelta(days=1), []),
        (OPENS, [(Trigger.STEP_OPEN, OPENS)]),
        (OPENS + dt.timedelta(days=3), [(Trigger.STEP_OPEN, OPENS)]),  # same trigger: claimed once by the sweep
        (E - dt.timedelta(days=14), [(Trigger.DAYS_BEFORE, E - dt.timedelta(days=14))]),
        (E - dt.timedelta(days=2), [(Trigger.DAYS_BEFORE, E - dt.timedelta(days=14))]),
        (E - dt.timedelta(days=1), [(Trigger.DAYS_BEFORE, E - dt.timedelta(days=1))]),
        (E, []),  # expired: the lapse notice takes over
    ],
)
def test_officer_is_reminded_when_the_step_opens_then_14_and_1_days_before(day, expected) -> None:
    got = [(r.trigger, r.trigger_on) for r in about_accreditation(due(officer(), day), Audience.OFFICER)]
    assert got == expected


@pytest.mark.parametrize(
    ("day", "trigger_on"),
    [
        (OPENS + dt.timedelta(days=14), None),  # 14 days past start: not overdue yet
        (OPENS + dt.timedelta(days=15), OPENS + dt.timedelta(days=15)),
        (OPENS + dt.timedelta(days=21), OPENS + dt.timedelta(days=15)),
        (OPENS + dt.timedelta(days=22), OPENS + dt.timedelta(days=22)),  # weekly
        (OPENS + dt.timedelta(days=36), OPENS + dt.timedelta(days=36)),
    ],
)
def test_manager_hears_once_overdue_then_weekly(day, trigger_on) -> None:
    got = about_accreditation(due(officer(), day), Audience.MANAGER)
    assert [r.trigger_on for r in got] == ([trigger_on] if trigger_on else [])


def test_nothing_for_a_step_already_renewed() -> None:
    old = replace(officer().accreditations[0], ended_on=D(2027, 7, 1))
    new = replace(old, accreditation_id=2, number="SUR-002", granted_on=D(2027, 7, 1), expires_on=D(2030, 7, 1),
                  ended_on=None, recorded_on=D(2027, 5, 1))
    facts = officer(accreditations=(old, new))
    assert about_accreditation(due(facts, E - dt.timedelta(days=1)), Audience.OFFICER) == []


def test_coordinators_warned_30_days_before_powers_become_unusable() -> None:
    warnings = [r for r in due(officer(), E - dt.timedelta(days=30)) if r.audience is Audience.COORDINATOR]
    assert [(r.trigger, r.trigger_on, r.item) for r in warnings] == [
        (Trigger.POWER_WARNING, E - dt.timedelta(days=30), "powers:2027-06-01")]
    assert '"ALCOHOL_UNDER_18"; "FPN_LITTER" become unusable on 1 June 2027, when accreditation SUR-001' \
        in warnings[0].line  # no titles given here: the codes stand in
    early = [r for r in due(officer(), E - dt.timedelta(days=31)) if r.audience is Audience.COORDINATOR]
    assert early == []


def test_lapse_notice_goes_to_everyone_on_the_day() -> None:
    reminders = [r for r in due(officer(), E) if r.trigger is Trigger.LAPSE]
    assert {r.audience for r in reminders} == set(Audience)
    assert all(r.trigger_on == E and "LAPSED on 1 June 2027" in r.line for r in reminders)


def test_lapses_found_when_catching_up_after_missed_days() -> None:
    lapses = find_lapses(officer(), D(2027, 5, 28), D(2027, 6, 4), POLICY)
    assert [(lapse.lapsed_on, lapse.power_codes) for lapse in lapses] == [(E, ("ALCOHOL_UNDER_18", "FPN_LITTER"))]
    assert find_lapses(officer(), D(2027, 6, 2), D(2027, 6, 4), POLICY) == []


def test_a_renewal_recorded_before_the_expiry_is_no_lapse() -> None:
    old = replace(officer().accreditations[0], ended_on=D(2027, 5, 20))
    new = replace(old, accreditation_id=2, number="SUR-002", granted_on=D(2027, 5, 20), expires_on=D(2030, 5, 20),
                  ended_on=None)
    card = KitFact(101, "ID_CARD", D(2027, 5, 20), expires_on=D(2030, 5, 20))
    facts = officer(accreditations=(old, new), kit=(*officer().kit, card))
    assert find_lapses(facts, D(2027, 5, 28), D(2027, 6, 4), POLICY) == []


def test_renewal_without_a_new_card_carries_the_powers_on_and_plans_the_card() -> None:
    """The card's printed date is the old accreditation's: rule 6 asks only that a card is held, so the renewal
    carries the powers on, and replacing the card is a plan step of its own."""
    old = replace(officer().accreditations[0], ended_on=D(2027, 5, 20))
    new = replace(old, accreditation_id=2, number="SUR-002", granted_on=D(2027, 5, 20), expires_on=D(2030, 5, 20),
                  ended_on=None)
    facts = officer(accreditations=(old, new))
    assert find_lapses(facts, D(2027, 5, 28), D(2027, 6, 4), POLICY) == []
    steps = [s for s in compute_plan(facts, D(2027, 5, 21), POLICY) if s.kind.value == "kit"]
    assert [(s.code, s.expires_on, s.status.value) for s in steps] == [("ID_CARD", E, "overdue")]


def test_leavers_get_nothing_but_kit_recovery() -> None:
    left = officer(left_on=D(2027, 4, 1))
    reminders = due(left, OPENS + dt.timedelta(days=20))
    assert [(r.audience, r.item, r.trigger) for r in reminders] == [
        (Audience.MANAGER, "recovery:100", Trigger.RECOVERY)]
    returned = officer(left_on=D(2027, 4, 1), kit=(replace(officer().kit[0], returned_on=D(2027, 4, 3)),))
    assert due(returned, OPENS + dt.timedelta(days=20)) == []


def test_reminder_keys_are_stable_and_distinct() -> None:
    reminders = due(officer(), E - dt.timedelta(days=1))
    keys = [r.key for r in reminders]
    assert len(keys) == len(set(keys))
    assert keys == [r.key for r in due(officer(), E - dt.timedelta(days=1))]
