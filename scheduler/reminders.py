"""Which reminders fall due for one officer on a sweep day (domain.md §8 and §8a, Reminders). Pure.

Everything is judged on the sweep day with what is on record that day: a sweep that catches up after missed
days sends, for each item, only the latest reminder still due and still true then (the *latest* trigger of
each kind with date <= the day), never one for a step renewed meanwhile or a lapse a known renewal prevents.
The sweep claims each (recipient, trigger) once, so re-running a day sends nothing new.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from core.dates import long_date, long_month
from scheduler.capacity import KIND_OF_STEP, KIND_UNITS
from scheduler.dependencies import end_days, kind_of
from scheduler.facts import OfficerFacts
from scheduler.kinds import Kind, PlanStep, StepStatus
from scheduler.policy import Names, Policy
from scheduler.rules import Compliance, compute_compliance


class Audience(StrEnum):
    OFFICER = "officer"
    MANAGER = "manager"
    COORDINATOR = "coordinator"


class Trigger(StrEnum):
    STEP_OPEN = "step_open"
    DAYS_BEFORE = "days_before"
    OVERDUE = "overdue"
    POWER_WARNING = "power_warning"
    LAPSE = "lapse"
    RECOVERY = "recovery"
    START_EARLY = "start_early"


@dataclass(frozen=True)
class Reminder:
    audience: Audience
    officer_id: int
    item: str  # stable identity of the thing reminded about, e.g. "training:CSAS_CORE:2027-09-01"
    trigger: Trigger
    trigger_on: dt.date
    line: str  # what the digest says about it: the item, its dates and the next action

    @property
    def key(self) -> str:
        return f"{self.audience.value}|{self.officer_id}|{self.item}|{self.trigger.value}|{self.trigger_on.isoformat()}"


@dataclass(frozen=True)
class Lapse:
    officer_id: int
    power_codes: tuple[str, ...]
    lapsed_on: dt.date
    binding_kind: str
    binding_code: str
    also_ended: tuple[tuple[str, str], ...] = ()  # (kind, code) of other items that ended the same day


def step_item(step: PlanStep) -> str:
    return f"{step.kind.value}:{step.code}:{step.expires_on.isoformat()}"


def item_words(kind: str, code: str, facts: OfficerFacts, names: Names) -> str:
    """The item a step, warning or lapse is about, in words: the accreditation's number, the clearance's level,
    the module's or kit's title (each kind's words)."""
    return kind_of(kind).words(code, facts, names)


def is_suspension(kind: str, code: str, facts: OfficerFacts, on: dt.date) -> bool:
    """Whether accreditation `code` ends its holding on `on` by a suspension entered ahead, not by its expiry: the
    words then say so (a message is true on the day it is sent)."""
    return kind == Kind.ACCREDITATION and any(
        a.number == code and any(start == on for start, _ in a.suspensions)
        and on not in (a.expires_on, a.ended_on) for a in facts.accreditations)


def _renew_action(kind: str, words: str) -> str:
    return kind_of(kind).renew_action(words)


def _step_line(facts: OfficerFacts, step: PlanStep, action: str, names: Names) -> str:
    words = item_words(step.kind, step.code, facts, names)
    return (f"{facts.name}: {step.title} - {words} expires {long_date(step.expires_on)}, "
            f"start by {long_date(step.start_by)}. {action}")


def officer_step_reminders(
    facts: OfficerFacts, step: PlanStep, day: dt.date, policy: Policy, names: Names = Names()
) -> list[Reminder]:
    """To the officer: when the step opens, then N days before expiry (14 and 1 by default), while not done."""
    if step.status in (StepStatus.DONE, StepStatus.MISSED, StepStatus.UPCOMING):
        return []
    dates = [step.start_by] + [step.expires_on - dt.timedelta(days=n) for n in policy.officer_reminder_days]
    due = [d for d in dates if d <= day]
    latest = max(due)
    trigger = Trigger.STEP_OPEN if latest == step.start_by else Trigger.DAYS_BEFORE
    days_left = (step.expires_on - day).days
    task = step.title[:1].lower() + step.title[1:]  # "book CSAS refresher course": acronyms kept
    action = f"Next action: {task} now - {days_left} day{'s' if days_left != 1 else ''} left."
    return [Reminder(Audience.OFFICER, facts.officer_id, step_item(step), trigger, latest,
                     _step_line(facts, step, action, names))]


# A step as the capacity plan knows it (scheduler.capacity.Work without the officer): kind, code, start-by, expiry.
StepKey = tuple[str, str, dt.date, dt.date]


def step_key(step: PlanStep) -> StepKey:
    return KIND_OF_STEP.get(step.kind, step.kind.value), step.code, step.start_by, step.expires_on


def early_start_reminders(
    facts: OfficerFacts, step: PlanStep, start_month: dt.date, day: dt.date, names: Names = Names()
) -> list[Reminder]:
    """To the officer: a renewal the capacity plan, levelled on `day`, starts this month, before its start-by
    month, because every month from the next up to the start-by month is full (scheduler.capacity.level fills
    backwards, so a renewal goes earlier only past full months). Said while the step is not yet open."""
    if step.status is not StepStatus.UPCOMING or start_month != day.replace(day=1) \
            or step.start_by.replace(day=1) <= start_month:
        return []
    unit = KIND_UNITS[KIND_OF_STEP[step.kind]]
    action = (f"Please start in {long_month(start_month)}, earlier than {long_date(step.start_by)}, because "
              f"{unit} full in {long_month(step.start_by)}.")
    return [Reminder(Audience.OFFICER, facts.officer_id, step_item(step), Trigger.START_EARLY, start_month,
                     _step_line(facts, step, action, names))]


def manager_step_reminders(
    facts: OfficerFacts, step: PlanStep, day: dt.date, policy: Policy, names: Names = Names()
) -> list[Reminder]:
    """To the line manager: once a step is overdue, then weekly, until done or the item expires."""
    if step.status is not StepStatus.OVERDUE:
        return []
    first = step.start_by + dt.timedelta(days=policy.overdue_after_days + 1)
    weeks = (day - first).days // policy.manager_repeat_days
    latest = first + dt.timedelta(days=weeks * policy.manager_repeat_days)
    action = f"Overdue since {long_date(first)}: make sure it is started."
    return [Reminder(Audience.MANAGER, facts.officer_id, step_item(step), Trigger.OVERDUE, latest,
                     _step_line(facts, step, action, names))]


def coordinator_power_warnings(
    facts: OfficerFacts, compliance: Compliance, steps: list[PlanStep], day: dt.date, policy: Policy,
    names: Names = Names(),
) -> list[Reminder]:
    """To the force's coordinators: when powers are within N days (30) of becoming unusable, unless the item
    that binds them is already being renewed. Usable-until follows known renewals, so no lapse a renewal on
    record prevents is ever warned about."""
    done = {(s.kind, s.code) for s in steps if s.status is StepStatus.DONE}
    by_lapse: dict[dt.date, list[str]] = {}
    binding_of: dict[dt.date, tuple[Kind, str]] = {}
    for power in compliance.powers:
        if not power.usable or power.usable_until is None or power.binding is None:
            continue
        lapse_on = power.usable_until + dt.timedelta(days=1)
        # Silent only when everything ending that day is being renewed; otherwise name what is not.
        # A suspension is never "in hand": a re-accreditation on record does not lift it.
        unrenewed = [d for d in (power.ending or (power.binding,)) if d.suspended or (d.kind, d.code) not in done]
        if (lapse_on - day).days > policy.coordinator_alert_days or not unrenewed:
            continue
        by_lapse.setdefault(lapse_on, []).append(power.code)
        binding_of[lapse_on] = (unrenewed[0].kind, unrenewed[0].code)
    out = []
    for lapse_on, codes in sorted(by_lapse.items()):
        trigger_on = lapse_on - dt.timedelta(days=policy.coordinator_alert_days)
        kind, code = binding_of[lapse_on]
        words = item_words(kind, code, facts, names)
        last_day = long_date(lapse_on - dt.timedelta(days=1))
        if is_suspension(kind, code, facts, lapse_on):
            line = (f"{facts.name}: {_powers_words(codes, names)} become unusable on {long_date(lapse_on)}, when "
                    f"{words} is suspended (last usable day {last_day}). Next action: make sure the officer knows.")
        else:
            line = (f"{facts.name}: {_powers_words(codes, names)} become unusable on {long_date(lapse_on)}, when "
                    f"{words} expires (last usable day {last_day}). "
                    f"Next action: {_renew_action(kind, words)} or confirm it is in hand.")
        out.append(Reminder(Audience.COORDINATOR, facts.officer_id, f"powers:{lapse_on.isoformat()}",
                            Trigger.POWER_WARNING, trigger_on, line))
    return out


def _powers_words(codes: list[str] | tuple[str, ...], names: Names) -> str:
    titles = [names.power(code) for code in sorted(codes)]
    return ("power " if len(titles) == 1 else "powers ") + "; ".join(f'"{t}"' for t in titles)


def ends_between(facts: OfficerFacts, first: dt.date, last: dt.date) -> bool:
    """Whether anything the officer's powers depend on ends on a day from `first` to `last` (inclusive). When
    nothing does, no power can become unusable in that window: the sweep need not judge compliance to find
    lapses there or to warn about them."""
    return any(first <= end <= last for end in end_days(facts))


def may_warn_coordinators(facts: OfficerFacts, day: dt.date, policy: Policy) -> bool:
    """False when coordinator_power_warnings on `day` is certainly empty: no power can become unusable within
    the alert window, whatever compliance says."""
    return ends_between(facts, day, day + dt.timedelta(days=policy.coordinator_alert_days))


def find_lapses(facts: OfficerFacts, since: dt.date, day: dt.date, policy: Policy) -> list[Lapse]:
    """Powers that became unusable on a day L with since <= L <= day (usable on L - 1, not on L), each with the
    items whose end broke its run.

    A power can stop being usable only on a day something it depends on ends (scheduler.dependencies.end_days), so only
    those days are judged, with everything on record now: a renewal recorded in between is no lapse, and a power
    that came back within the window and lapsed again is found again.
    """
    if facts.left_on is not None and facts.left_on <= day:
        return []
    lapses = []
    for lapse_on in sorted({end for end in end_days(facts) if since <= end <= day}):
        before = {p.code: p for p in compute_compliance(facts, lapse_on - dt.timedelta(days=1), policy).powers
                  if p.usable and p.usable_until == lapse_on - dt.timedelta(days=1)}
        if not before:
            continue
        on_the_day = {p.code: p for p in compute_compliance(facts, lapse_on, policy).powers}
        lapsed = [before[c] for c in sorted(before) if c in on_the_day and not on_the_day[c].usable]
        if lapsed:
            ended = list(dict.fromkeys((d.kind, d.code) for p in lapsed for d in p.ending or (p.binding,)
                                       if d is not None))
            (kind, code), also = ended[0], tuple(ended[1:])
            lapses.append(Lapse(facts.officer_id, tuple(p.code for p in lapsed), lapse_on, kind, code, also))
    return lapses


def lapse_reminders(facts: OfficerFacts, lapse: Lapse, names: Names = Names(), day: dt.date | None = None,
                    usable_again: frozenset[str] = frozenset()) -> list[Reminder]:
    """The notice of a lapse, sent on `day` (default: the lapse day). A catch-up may send it after some of the
    powers came back: those are said to be usable again, not to be stopped, so each line is true on its day."""
    ended = [(lapse.binding_kind, lapse.binding_code), *lapse.also_ended]
    suspended = [(kind, code) for kind, code in ended if is_suspension(kind, code, facts, lapse.lapsed_on)]
    expired = [item for item in ended if item not in suspended]
    words = [item_words(kind, code, facts, names) for kind, code in expired]
    actions = list(dict.fromkeys(_renew_action(kind, w) for (kind, _), w in zip(expired, words, strict=True)))
    because = ([f"{' and '.join(words)} ended"] if words else []) + [
        f"{item_words(kind, code, facts, names)} was suspended" for kind, code in suspended]
    on = long_date(lapse.lapsed_on)
    out_still = [code for code in lapse.power_codes if code not in usable_again]
    back = [code for code in lapse.power_codes if code in usable_again]
    line = f"{facts.name}: LAPSED on {on} - "
    if out_still:
        line += (f"{_powers_words(out_still, names)} can no longer be used, because {' and '.join(because)} on "
                 f"{on}.")
    else:
        line += (f"{_powers_words(back, names)} could not be used from {on}, because {' and '.join(because)} on "
                 f"{on}.")
    if back and day is not None:
        words_back = _powers_words(back, names)
        line += (f" {words_back[:1].upper()}{words_back[1:]} {'is' if len(back) == 1 else 'are'} usable again as of "
                 f"{long_date(day)}.")
    if out_still:
        line += " Next action: stop using these powers" + (f" and {' and '.join(actions)}." if actions else ".")
    else:
        line += " Next action: check that they were not used while they had lapsed."
    item = f"lapse:{lapse.lapsed_on.isoformat()}"
    return [Reminder(audience, facts.officer_id, item, Trigger.LAPSE, lapse.lapsed_on, line) for audience in Audience]


def recovery_reminders(facts: OfficerFacts, day: dt.date, policy: Policy, names: Names = Names()) -> list[Reminder]:
    """To the line manager of an officer who has left: each item still out (not returned, nor recorded lost),
    on the leaving day and then weekly, until it is back."""
    if facts.left_on is None or facts.left_on > day:
        return []
    weeks = (day - facts.left_on).days // policy.manager_repeat_days
    trigger_on = facts.left_on + dt.timedelta(days=weeks * policy.manager_repeat_days)
    out = []
    for item in facts.kit:
        if item.issued_on > day or item.returned_on is not None or item.condition == "lost":
            continue
        serial = f" (serial {item.serial_number})" if item.serial_number else ""
        line = (f"{facts.name} left on {long_date(facts.left_on)}: {names.kit_type(item.kit_type_code)}{serial} "
                "is still to be recovered. Next action: recover it and record its return, or record it lost.")
        out.append(Reminder(Audience.MANAGER, facts.officer_id, f"recovery:{item.issue_id}", Trigger.RECOVERY,
                            trigger_on, line))
    return out


def due_reminders(
    facts: OfficerFacts, compliance: Compliance | None, steps: list[PlanStep], lapses: list[Lapse], day: dt.date,
    policy: Policy, names: Names = Names(), early: Mapping[StepKey, dt.date] | None = None,
) -> list[Reminder]:
    """Everything due for one officer on `day`. From the leaving day, only the kit still to recover.
    `compliance` (judged on `day`) may be None only when there are no lapses and may_warn_coordinators(facts,
    day, policy) is False (no power warnings can be due, so the caller need not judge it). `early`: the start
    month of each step the capacity plan, levelled on `day`, starts before its start-by month."""
    if facts.left_on is not None and facts.left_on <= day:
        return recovery_reminders(facts, day, policy, names)
    out: list[Reminder] = []
    for step in steps:
        out += officer_step_reminders(facts, step, day, policy, names)
        out += manager_step_reminders(facts, step, day, policy, names)
        if early and (month := early.get(step_key(step))) is not None:
            out += early_start_reminders(facts, step, month, day, names)
    if compliance is not None:
        out += coordinator_power_warnings(facts, compliance, steps, day, policy, names)
    # A catch-up finds lapses on missed days: a power usable again today is no longer one to stop using.
    usable_today = frozenset(p.code for p in compliance.powers if p.usable) if compliance is not None else frozenset()
    for lapse in lapses:
        out += lapse_reminders(facts, lapse, names, day, usable_today & frozenset(lapse.power_codes))
    return out
