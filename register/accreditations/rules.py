"""Pure rules for accreditations and designated powers. No I/O, no clock: the day is a parameter.

Conventions (domain.md §8, Dates): expires_on, withdrawn_on and ended_on are the first day no longer in force;
a suspension starting on S and reinstated on R covers S up to the day before R.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from core.dates import long_date
from core.errors import CoreErrorCode, Violation
from core.rules import check_date_order, check_required_text


class AccreditationStatus(StrEnum):
    NOT_YET_IN_FORCE = "not_yet_in_force"
    IN_FORCE = "in_force"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    ENDED = "ended"


class EventKind(StrEnum):
    GRANTED = "granted"
    SUSPENDED = "suspended"
    REINSTATED = "reinstated"
    WITHDRAWN = "withdrawn"
    ENDED = "ended"
    POWER_GRANTED = "power_granted"
    POWER_WITHDRAWN = "power_withdrawn"


# Events that change the accreditation's own state (and so must never run backwards in time).
STATE_EVENTS = frozenset({EventKind.SUSPENDED, EventKind.REINSTATED, EventKind.WITHDRAWN, EventKind.ENDED})

Period = tuple[dt.date, dt.date | None]


@dataclass(frozen=True)
class AccreditationDates:
    """What the rules need to know about one accreditation."""

    id: int
    granted_on: dt.date
    expires_on: dt.date
    withdrawn_on: dt.date | None = None
    ended_on: dt.date | None = None
    suspensions: tuple[Period, ...] = field(default_factory=tuple)

    @property
    def closed_on(self) -> dt.date | None:
        """The first day it stopped by withdrawal or ending, whichever came first."""
        days = [d for d in (self.withdrawn_on, self.ended_on) if d is not None]
        return min(days) if days else None

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def is_suspended_now(self) -> bool:
        """An open (not reinstated) suspension exists."""
        return any(end is None for _, end in self.suspensions)


def suspension_periods(events: Iterable[tuple[str, dt.date]]) -> tuple[Period, ...]:
    """(kind, effective_on) events in recorded order → suspension periods [start, reinstated_on)."""
    periods: list[Period] = []
    start: dt.date | None = None
    for kind, on in events:
        if kind == EventKind.SUSPENDED and start is None:
            start = on
        elif kind == EventKind.REINSTATED and start is not None:
            periods.append((start, on))
            start = None
    if start is not None:
        periods.append((start, None))
    return tuple(periods)


def is_suspended_on(suspensions: Sequence[Period], day: dt.date) -> bool:
    return any(start <= day and (end is None or day < end) for start, end in suspensions)


def is_open_on(acc: AccreditationDates, day: dt.date) -> bool:
    """Granted, not expired, not withdrawn or ended on day (suspension ignored): it occupies the force's slot."""
    closed = acc.closed_on
    return acc.granted_on <= day < acc.expires_on and (closed is None or day < closed)


def compute_accreditation_status(acc: AccreditationDates, day: dt.date) -> AccreditationStatus:
    closed = acc.closed_on
    if closed is not None and closed <= day:
        return AccreditationStatus.WITHDRAWN if closed == acc.withdrawn_on else AccreditationStatus.ENDED
    if day < acc.granted_on:
        return AccreditationStatus.NOT_YET_IN_FORCE
    if day >= acc.expires_on:
        return AccreditationStatus.EXPIRED
    if is_suspended_on(acc.suspensions, day):
        return AccreditationStatus.SUSPENDED
    return AccreditationStatus.IN_FORCE


def check_accreditation(
    number: str, granted_on: dt.date, expires_on: dt.date, conditions: str
) -> list[Violation]:
    out = check_required_text(number, "number", "Accreditation number", max_length=64)
    out += check_date_order(granted_on, expires_on, "granted_on", "expires_on")
    if len(conditions) > 5000:
        out.append(Violation(CoreErrorCode.TOO_LONG, "conditions must be at most 5000 characters.", "conditions"))
    return out


class Placement(StrEnum):
    NEW = "new"
    RENEWAL = "renewal"
    OVERLAP = "overlap"
    RENEW_SUSPENDED = "renew_suspended"


def place_new_accreditation(
    existing: Sequence[AccreditationDates], granted_on: dt.date, expires_on: dt.date
) -> tuple[Placement, AccreditationDates | None]:
    """Where a new accreditation for the same officer and force fits (one in force at a time).

    RENEWAL: one is open on the new granted_on and was granted earlier, so it is superseded from that day.
    OVERLAP: any other accreditation whose open period meets [granted_on, expires_on) → refuse.
    RENEW_SUSPENDED: the one it would supersede is suspended → refuse (reinstate or withdraw it first).
    """
    renewed: AccreditationDates | None = None
    for acc in existing:
        if is_open_on(acc, granted_on) and acc.granted_on < granted_on:
            renewed = acc
    for acc in existing:
        if acc is renewed:
            continue
        end = min(d for d in (acc.expires_on, acc.closed_on) if d is not None)
        if acc.granted_on < end and acc.granted_on < expires_on and granted_on < end:
            return Placement.OVERLAP, acc
    if renewed is None:
        return Placement.NEW, None
    if is_suspended_on(renewed.suspensions, granted_on) or renewed.is_suspended_now:
        return Placement.RENEW_SUSPENDED, renewed
    return Placement.RENEWAL, renewed


def check_event_day(granted_on: dt.date, on: dt.date, field_name: str = "on") -> list[Violation]:
    if on < granted_on:
        return [Violation(CoreErrorCode.DATE_ORDER, f"{field_name} cannot be before the accreditation's granted_on "
                                        f"({long_date(granted_on)}).", field_name)]
    return []


def check_reason(reason: str) -> list[Violation]:
    return check_required_text(reason, "reason", "Reason", max_length=500)


def is_out_of_order(last_event_on: dt.date | None, on: dt.date) -> bool:
    """Events never run backwards: a change cannot take effect before the last recorded change."""
    return last_event_on is not None and on < last_event_on


def check_power_grant(acc: AccreditationDates, granted_on: dt.date) -> list[Violation]:
    out = check_event_day(acc.granted_on, granted_on, "granted_on")
    if granted_on >= acc.expires_on:
        out.append(Violation(CoreErrorCode.DATE_ORDER,
                             "granted_on must be before the accreditation expires.", "granted_on"))
    return out
