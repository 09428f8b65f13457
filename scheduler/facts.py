"""The facts compliance is judged on: plain, immutable values loaded by scheduler.services from each domain.

Every date follows domain.md §8: `expires_on` is the first day no longer valid; an end date (`ended_on`,
`withdrawn_on`, `left_on`) is the first day something no longer holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property


def counted_from(recorded_on: dt.date | None, dated_on: dt.date) -> dt.date:
    """A record counts from the earlier of the day it was entered and the day it is dated (domain.md §8a)."""
    return dated_on if recorded_on is None else min(recorded_on, dated_on)


@dataclass(frozen=True)
class ApplicationFact:
    """A vetting application; stopped_on: the day it was refused, withdrawn, discontinued or ended."""

    application_id: int
    level_code: str
    requested_on: dt.date
    stopped_on: dt.date | None = None


@dataclass(frozen=True)
class BookingFact:
    starts_on: dt.date
    recorded_on: dt.date | None = None

    @property
    def counted_from(self) -> dt.date:
        return counted_from(self.recorded_on, self.starts_on)


@dataclass(frozen=True)
class EmployerFact:
    organisation_id: int
    name: str
    approved_on: dt.date | None
    ended_on: dt.date | None
    review_due_on: dt.date | None
    force_id: int | None = None  # the force the employer's arrangement is with


@dataclass(frozen=True)
class DesignatedPowerFact:
    code: str
    granted_on: dt.date
    withdrawn_on: dt.date | None = None
    is_traffic: bool = False


@dataclass(frozen=True)
class AccreditationFact:
    accreditation_id: int
    force_id: int
    number: str
    granted_on: dt.date
    expires_on: dt.date
    powers: tuple[DesignatedPowerFact, ...] = ()
    ended_on: dt.date | None = None  # withdrawn, superseded or ended by leaving: first day no longer in force
    suspensions: tuple[tuple[dt.date, dt.date | None], ...] = ()  # (suspended_on, reinstated_on)
    recorded_on: dt.date | None = None  # the day it was entered (None: entered before that was kept)

    @property
    def counted_from(self) -> dt.date:
        return counted_from(self.recorded_on, self.granted_on)


@dataclass(frozen=True)
class ClearanceFact:
    application_id: int
    level_code: str
    granted_on: dt.date
    expires_on: dt.date
    next_review_due_on: dt.date | None = None
    ended_on: dt.date | None = None  # revoked or terminated
    later_applications: tuple[ApplicationFact, ...] = ()  # requested on or after granted_on: candidate renewals


@dataclass(frozen=True)
class ModuleFact:
    module_code: str
    completed_on: dt.date
    expires_on: dt.date | None
    bookings: tuple[BookingFact, ...] = ()  # places booked from completed_on on: candidate renewals
    earlier: tuple[tuple[dt.date, dt.date | None], ...] = ()  # older passes, newest first: (completed, expires)

    def counting_on(self, day: dt.date) -> ModuleFact | None:
        """The pass that counted on `day`: this one, or an older one for a day before this was completed."""
        if self.completed_on <= day:
            return self
        for completed_on, expires_on in self.earlier:
            if completed_on <= day:
                return ModuleFact(self.module_code, completed_on, expires_on)
        return None


@dataclass(frozen=True)
class KitFact:
    issue_id: int
    kit_type_code: str
    issued_on: dt.date
    returned_on: dt.date | None = None
    expires_on: dt.date | None = None
    next_inspection_due_on: dt.date | None = None
    condition: str = "new"
    serial_number: str = ""


@dataclass(frozen=True)
class OfficerFacts:
    officer_id: int
    name: str
    team_id: int | None
    employer: EmployerFact
    left_on: dt.date | None = None
    email: str = ""  # where the officer's own reminders go (empty: none)
    accreditations: tuple[AccreditationFact, ...] = ()
    clearances: tuple[ClearanceFact, ...] = ()
    modules: dict[str, ModuleFact] = field(default_factory=dict)
    kit: tuple[KitFact, ...] = ()

    @cached_property
    def last_start_on(self) -> dt.date:
        """The last day on which anything on record takes effect (compliance follows renewals only up to it)."""
        return max([dt.date.min, *(a.granted_on for a in self.accreditations),
                    *(p.granted_on for a in self.accreditations for p in a.powers),
                    *(c.granted_on for c in self.clearances), *(k.issued_on for k in self.kit),
                    *(m.completed_on for m in self.modules.values())])
