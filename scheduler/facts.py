"""OfficerFacts: everything one officer's compliance is judged on, assembled by scheduler.services from the facts
each domain owns and loads (register.facts, vetting.facts, training.facts). The scheduler defines no fact of its
own: a new kind of dependency is a fact in its domain's facts module, a field here with its line in
DEPENDENCY_DAYS, and a rule in scheduler.rules.

Every date follows domain.md §8: `expires_on` is the first day no longer valid; an end date (`ended_on`,
`withdrawn_on`, `left_on`) is the first day something no longer holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from register.facts import AccreditationFact, KitFact, PersonFact
from training.facts import ModuleFact
from vetting.facts import ClearanceFact


@dataclass(frozen=True)
class OfficerFacts(PersonFact):
    """The officer's own row and employer (PersonFact) with everything their powers depend on."""

    accreditations: tuple[AccreditationFact, ...] = ()
    clearances: tuple[ClearanceFact, ...] = ()
    modules: dict[str, ModuleFact] = field(default_factory=dict)
    kit: tuple[KitFact, ...] = ()

    @cached_property
    def last_start_on(self) -> dt.date:
        """The last of the start days (DEPENDENCY_DAYS) on record: compliance follows renewals only up to it."""
        return max([d for kind in DEPENDENCY_DAYS for d in kind.starts(self) if d is not None], default=dt.date.min)


Days = Callable[[OfficerFacts], Iterable[dt.date | None]]


@dataclass(frozen=True)
class DependencyDays:
    """The days on which one kind of fact the powers depend on starts to count and stops counting: the one
    statement the day lists are read from (start_days, end_days), so they cannot disagree.

    starts: each day one of its items takes effect or resumes (a grant, a pass, an issue, a reinstatement),
    the only days a power can become usable again after a gap, and the days compliance follows a run up to;
    ends: each day one stops holding (None: never), the only days a power can become unusable (the sweep judges
    only those, scheduler.reminders.ends_between). A rule that makes a new kind of fact bind a power needs the
    kind's line here.
    """

    kind: str  # scheduler.rules.Kind's value
    starts: Days
    ends: Days


def _accreditation_starts(facts: OfficerFacts) -> Iterator[dt.date | None]:
    for accreditation in facts.accreditations:
        yield accreditation.granted_on
        for power in accreditation.powers:
            yield power.granted_on
        for _, reinstated_on in accreditation.suspensions:
            yield reinstated_on


def _accreditation_ends(facts: OfficerFacts) -> Iterator[dt.date | None]:
    for accreditation in facts.accreditations:
        yield accreditation.expires_on
        yield accreditation.ended_on
        for suspended_on, _ in accreditation.suspensions:
            yield suspended_on
        for power in accreditation.powers:
            yield power.withdrawn_on


def _clearance_ends(facts: OfficerFacts) -> Iterator[dt.date | None]:
    for clearance in facts.clearances:
        yield clearance.expires_on
        yield clearance.next_review_due_on
        yield clearance.ended_on


def _module_starts(facts: OfficerFacts) -> Iterator[dt.date | None]:
    """Earlier passes too: judging a past day (a catch-up sweep), one of them may be what brought a power back."""
    for module in facts.modules.values():
        yield module.completed_on
        for completed_on, _ in module.earlier_passes:
            yield completed_on


def _module_ends(facts: OfficerFacts) -> Iterator[dt.date | None]:
    for module in facts.modules.values():
        yield module.expires_on
        for _, expires_on in module.earlier_passes:
            yield expires_on


def _none(facts: OfficerFacts) -> tuple[dt.date, ...]:
    return ()


DEPENDENCY_DAYS: tuple[DependencyDays, ...] = (
    DependencyDays("accreditation", _accreditation_starts, _accreditation_ends),
    DependencyDays("vetting", lambda facts: [c.granted_on for c in facts.clearances], _clearance_ends),
    DependencyDays("training", _module_starts, _module_ends),
    DependencyDays("kit", lambda facts: [k.issued_on for k in facts.kit],
                   lambda facts: [d for k in facts.kit for d in (k.expires_on, k.returned_on)]),
    DependencyDays("employer", _none, lambda facts: (facts.employer.ended_on,)),
    DependencyDays("officer", _none, lambda facts: (facts.left_on,)),
)


def start_days(facts: OfficerFacts, kinds: Iterable[DependencyDays] = DEPENDENCY_DAYS) -> Iterator[dt.date]:
    """Every day on which something the powers depend on starts or resumes counting (with repeats)."""
    for kind in kinds:
        for day in kind.starts(facts):
            if day is not None:
                yield day


def end_days(facts: OfficerFacts, kinds: Iterable[DependencyDays] = DEPENDENCY_DAYS) -> Iterator[dt.date]:
    """Every day on which something the powers depend on stops holding (with repeats)."""
    for kind in kinds:
        for day in kind.ends(facts):
            if day is not None:
                yield day
