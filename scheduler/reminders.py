"""Which reminders fall due for one officer on a sweep day (domain.md §8, Reminders). Pure.

Each trigger has a date; on sweep day D the *latest* trigger of each kind with date <= D is the one due, so a
sweep that catches up after missed days sends one line per item, not every reminder it missed. The sweep
claims each (recipient, trigger) once, so re-running a day sends nothing new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from core.dates import long_date
from scheduler.facts import OfficerFacts
from scheduler.policy import Policy
from scheduler.rules import Compliance, PlanStep, StepStatus, compute_compliance, dependency_end_dates


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


def step_item(step: PlanStep) -> str:
    return f"{step.kind.value}:{step.code}:{step.expires_on.isoformat()}"


def _step_line(facts: OfficerFacts, step: PlanStep, action: str) -> str:
    return (f"{facts.name}: {step.title} ({step.kind.value} {step.code}) - expires {long_date(step.expires_on)}, "
            f"start by {long_date(step.start_by)}. {action}")


def officer_step_reminders(facts: OfficerFacts, step: PlanStep, day: dt.date, policy: Policy) -> list[Reminder]:
    """To the officer: when the step opens, then N days before expiry (14 and 1 by default), while not done."""
    if step.status in (StepStatus.DONE, StepStatus.MISSED, StepStatus.UPCOMING):
        return []
    dates = [step.start_by] + [step.expires_on - dt.timedelta(days=n) for n in policy.officer_reminder_days]
    due = [d for d in dates if d <= day]
    latest = max(due)
    trigger = Trigger.STEP_OPEN if latest == step.start_by else Trigger.DAYS_BEFORE
    days_left = (step.expires_on - day).days
    action = f"Next action: {step.title.lower()} now - {days_left} day{'s' if days_left != 1 else ''} left."
    return [Reminder(Audience.OFFICER, facts.officer_id, step_item(step), trigger, latest,
                     _step_line(facts, step, action))]


def manager_step_reminders(facts: OfficerFacts, step: PlanStep, day: dt.date, policy: Policy) -> list[Reminder]:
    """To the line manager: once a step is overdue, then weekly, until done or the item expires."""
    if step.status is not StepStatus.OVERDUE:
        return []
    first = step.start_by + dt.timedelta(days=policy.overdue_after_days + 1)
    weeks = (day - first).days // policy.manager_repeat_days
    latest = first + dt.timedelta(days=weeks * policy.manager_repeat_days)
    action = f"Overdue since {long_date(first)}: make sure it is started."
    return [Reminder(Audience.MANAGER, facts.officer_id, step_item(step), Trigger.OVERDUE, latest,
                     _step_line(facts, step, action))]


def coordinator_power_warnings(
    facts: OfficerFacts, compliance: Compliance, steps: list[PlanStep], day: dt.date, policy: Policy
) -> list[Reminder]:
    """To the force's coordinators: when powers are within N days (30) of becoming unusable, unless the item
    that binds them is already being renewed."""
    done = {(s.kind, s.code) for s in steps if s.status is StepStatus.DONE}
    by_lapse: dict[dt.date, list[str]] = {}
    binding_of: dict[dt.date, str] = {}
    for power in compliance.powers:
        if not power.usable or power.usable_until is None or power.binding is None:
            continue
        lapse_on = power.usable_until + dt.timedelta(days=1)
        if (lapse_on - day).days > policy.coordinator_alert_days or (power.binding.kind, power.binding.code) in done:
            continue
        by_lapse.setdefault(lapse_on, []).append(power.code)
        binding_of[lapse_on] = f"{power.binding.kind.value} {power.binding.code}"
    out = []
    for lapse_on, codes in sorted(by_lapse.items()):
        trigger_on = lapse_on - dt.timedelta(days=policy.coordinator_alert_days)
        line = (f"{facts.name}: powers {', '.join(sorted(codes))} become unusable on {long_date(lapse_on)} "
                f"({binding_of[lapse_on]} expires). Next action: confirm the renewal is in hand.")
        out.append(Reminder(Audience.COORDINATOR, facts.officer_id, f"powers:{lapse_on.isoformat()}",
                            Trigger.POWER_WARNING, trigger_on, line))
    return out


def ends_between(facts: OfficerFacts, first: dt.date, last: dt.date) -> bool:
    """Whether anything the officer's powers depend on ends on a day from `first` to `last` (inclusive). When
    nothing does, no power can become unusable in that window: the sweep need not judge compliance to find
    lapses there or to warn about them."""
    return any(end is not None and first <= end <= last for end in dependency_end_dates(facts))


def may_warn_coordinators(facts: OfficerFacts, day: dt.date, policy: Policy) -> bool:
    """False when coordinator_power_warnings on `day` is certainly empty: no power can become unusable within
    the alert window, whatever compliance says."""
    return ends_between(facts, day, day + dt.timedelta(days=policy.coordinator_alert_days))


def find_lapses(facts: OfficerFacts, since: dt.date, day: dt.date, policy: Policy) -> list[Lapse]:
    """Powers usable the day before `since` that became unusable on a day L with since <= L <= day.

    Each candidate L comes from the usable-until dates seen the day before; L is confirmed by judging L itself,
    so a renewal recorded in between is no lapse. When nothing ends from `since` to `day` there is no candidate,
    and nothing is judged.
    """
    if facts.left_on is not None and facts.left_on <= day:
        return []
    if not ends_between(facts, since, day):
        return []
    before = compute_compliance(facts, since - dt.timedelta(days=1), policy)
    candidates: dict[dt.date, list[str]] = {}
    for power in before.powers:
        if power.usable and power.usable_until is not None:
            lapse_on = power.usable_until + dt.timedelta(days=1)
            if since <= lapse_on <= day:
                candidates.setdefault(lapse_on, []).append(power.code)
    lapses = []
    for lapse_on, codes in sorted(candidates.items()):
        on_the_day = {p.code: p for p in compute_compliance(facts, lapse_on, policy).powers}
        lapsed = tuple(sorted(c for c in codes if c in on_the_day and not on_the_day[c].usable))
        if lapsed:
            blocker = on_the_day[lapsed[0]].blocked_by[0]
            lapses.append(Lapse(facts.officer_id, lapsed, lapse_on, blocker.kind.value, blocker.code))
    return lapses


def lapse_reminders(facts: OfficerFacts, lapse: Lapse) -> list[Reminder]:
    line = (f"{facts.name}: LAPSED on {long_date(lapse.lapsed_on)} - powers {', '.join(lapse.power_codes)} can no "
            f"longer be used ({lapse.binding_kind} {lapse.binding_code}). Next action: stop using these powers and "
            f"renew {lapse.binding_kind} {lapse.binding_code}.")
    item = f"lapse:{lapse.lapsed_on.isoformat()}"
    return [Reminder(audience, facts.officer_id, item, Trigger.LAPSE, lapse.lapsed_on, line) for audience in Audience]


def due_reminders(
    facts: OfficerFacts, compliance: Compliance | None, steps: list[PlanStep], lapses: list[Lapse], day: dt.date,
    policy: Policy,
) -> list[Reminder]:
    """Everything due for one officer on `day`. Leavers get none (their kit recovery is handled separately).
    `compliance` may be None only when may_warn_coordinators(facts, day, policy) is False (no power warnings
    can be due, so the caller need not judge it)."""
    if facts.left_on is not None and facts.left_on <= day:
        return []
    out: list[Reminder] = []
    for step in steps:
        out += officer_step_reminders(facts, step, day, policy)
        out += manager_step_reminders(facts, step, day, policy)
    if compliance is not None:
        out += coordinator_power_warnings(facts, compliance, steps, day, policy)
    for lapse in lapses:
        out += lapse_reminders(facts, lapse)
    return out
