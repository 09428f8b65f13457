"""What a kind of dependency is: the shape every kind of thing the powers depend on fills in (DependencyKind), and
the vocabulary the judgements and plans are written in. The kinds themselves are in scheduler.dependencies.

A kind states, in one place, everything the engine (scheduler.rules), the sweep and the reminders need of it:
the days its items start and stop counting, how it judges a power on a day, the renewal steps it plans with
which lead time, and how its items are put in words. Nothing else in the scheduler names a kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from register.facts import AccreditationFact, DesignatedPowerFact
from scheduler.facts import OfficerFacts
from scheduler.policy import Names, Policy


# scheduler.dependencies.KINDS states each member's rules (this docstring-less enum is the API's `kind`).
class Kind(StrEnum):

    ACCREDITATION = "accreditation"
    VETTING = "vetting"
    TRAINING = "training"
    KIT = "kit"
    EMPLOYER = "employer"
    OFFICER = "officer"


class StepStatus(StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    OVERDUE = "overdue"
    DONE = "done"
    MISSED = "missed"


@dataclass(frozen=True)
class Dependency:
    """Something a power depends on that stops holding on `expires_on` (the binding item when earliest)."""

    kind: Kind
    code: str
    expires_on: dt.date
    suspended: bool = False  # an accreditation whose holding ends by a suspension entered ahead, not by expiry


@dataclass(frozen=True)
class Blocker:
    kind: Kind
    code: str
    message: str


@dataclass(frozen=True)
class PlanStep:
    kind: Kind
    code: str
    title: str
    expires_on: dt.date
    start_by: dt.date
    status: StepStatus


Judgement = tuple[Dependency | None, Blocker | None]
# The powers designated on the day judged: power code -> the accreditation listing it and the power as listed.
Designated = dict[str, tuple[AccreditationFact, DesignatedPowerFact]]
# How a kind judges each designated power on one day, from what it worked out once for the officer and the day.
PowerJudge = Callable[[DesignatedPowerFact], Iterable[Judgement]]
Days = Callable[[OfficerFacts], Iterable[dt.date | None]]


@dataclass(frozen=True)
class DependencyKind:
    """One kind of thing the powers depend on.

    starts: each day one of its items takes effect or resumes (a grant, a pass, an issue, a reinstatement): the
    only days a power can become usable again after a gap, and the days compliance follows a run up to.
    ends: each day one stops holding (None: never): the only days a power can become unusable (the sweep judges
    only those, scheduler.reminders.ends_between).
    judge: for an officer and a day with powers designated, what each power gets from this kind: dependencies
    (what ends its use, the earliest binding) and blockers (why it is not usable).
    plan: the kind's renewal steps on the day, each started `lead time` days before its item expires.
    words: an item of the kind in words ("accreditation SP-1", "Conflict management"); renew_action: what to do
    about it, from those words. label: the kind's name in a calendar.
    precedence: which binding is named when items of several kinds end on the same day (the lowest).
    lead_days: the lead time its plan starts a step renewing item `code` by (None: a step of the kind is planned
    again rather than re-timed, scheduler.rules.replan).
    """

    kind: Kind
    precedence: int
    starts: Days
    ends: Days
    judge: Callable[[OfficerFacts, dt.date, Policy, Designated], PowerJudge]
    plan: Callable[[OfficerFacts, dt.date, Policy], Iterable[PlanStep]]
    words: Callable[[str, OfficerFacts, Names], str]
    renew_action: Callable[[str], str]
    label: str
    lead_days: Callable[[str, Policy], int] | None = None


def compute_step_status(
    expires_on: dt.date, start_by: dt.date, done: bool, day: dt.date, policy: Policy
) -> StepStatus:
    if done:
        return StepStatus.DONE
    if day >= expires_on:
        return StepStatus.MISSED
    if (day - start_by).days > policy.overdue_after_days:
        return StepStatus.OVERDUE
    if day >= start_by:
        return StepStatus.OPEN
    return StepStatus.UPCOMING


def plan_step(kind: Kind, code: str, title: str, expires_on: dt.date, lead_days: int, done: bool,
              day: dt.date, policy: Policy) -> PlanStep:
    """The step renewing an item that expires on `expires_on`, to be started `lead_days` before."""
    start_by = expires_on - dt.timedelta(days=lead_days)
    return PlanStep(kind, code, title, expires_on, start_by,
                    compute_step_status(expires_on, start_by, done, day, policy))


def no_days(facts: OfficerFacts) -> tuple[dt.date, ...]:
    return ()


def before(day: dt.date, end: dt.date | None) -> bool:
    return end is None or day < end
