"""The facts compliance is judged on: plain, immutable values loaded by scheduler.services from each domain.

Every date follows domain.md §8: `expires_on` is the first day no longer valid; an end date (`ended_on`,
`withdrawn_on`, `left_on`) is the first day something no longer holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


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


@dataclass(frozen=True)
class ClearanceFact:
    application_id: int
    level_code: str
    granted_on: dt.date
    expires_on: dt.date
    next_review_due_on: dt.date | None = None
    ended_on: dt.date | None = None  # revoked or terminated
    renewal_requested_on: dt.date | None = None  # a renewal application exists (requested on that day)


@dataclass(frozen=True)
class ModuleFact:
    module_code: str
    completed_on: dt.date
    expires_on: dt.date | None
    renewal_in_hand: bool = False  # booked refresher or newer pass


@dataclass(frozen=True)
class KitFact:
    issue_id: int
    kit_type_code: str
    issued_on: dt.date
    returned_on: dt.date | None = None
    expires_on: dt.date | None = None
    next_inspection_due_on: dt.date | None = None
    condition: str = "new"


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
