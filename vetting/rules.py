"""Pure vetting rules: the lifecycle's transition table, expiry arithmetic, derived status, input checks.

No I/O, no clock: every date is a parameter. Policy values (renewal months, appeal window, review interval)
come in as arguments; the defaults named here are domain.md's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from core.dates import add_months, long_date
from core.errors import CoreErrorCode, Violation
from vetting.errors import VettingErrorCode

# domain.md §3: appeal within 14 days of the refusal. §5/§3: annual review every 12 months.
DEFAULT_APPEAL_WINDOW_DAYS = 14
DEFAULT_REVIEW_INTERVAL_MONTHS = 12
MAX_NOTE_LENGTH = 2000
MAX_REFERENCE_LENGTH = 100
MAX_REASON_LENGTH = 500


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    INFO_REQUESTED = "info_requested"
    IN_PROGRESS = "in_progress"
    GRANTED = "granted"
    REFUSED = "refused"
    APPEALED = "appealed"
    UPHELD = "upheld"
    OVERTURNED = "overturned"
    WITHDRAWN = "withdrawn"
    DISCONTINUED = "discontinued"
    REVOKED = "revoked"
    TERMINATED = "terminated"


EXPIRED = "expired"  # derived, never stored: a grant whose expires_on has come
READ_STATUSES = (*(s.value for s in Status), EXPIRED)

OPEN = frozenset({Status.DRAFT, Status.SUBMITTED, Status.INFO_REQUESTED, Status.IN_PROGRESS, Status.APPEALED})
GRANTS = frozenset({Status.GRANTED, Status.OVERTURNED})
CLOSING = frozenset({Status.WITHDRAWN, Status.DISCONTINUED, Status.REVOKED, Status.TERMINATED})
DECISIONS = frozenset({Status.GRANTED, Status.REFUSED, Status.UPHELD, Status.OVERTURNED})
_CLOSE_OPEN = frozenset({Status.WITHDRAWN, Status.DISCONTINUED})
_END_GRANT = frozenset({Status.REVOKED, Status.TERMINATED})

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED}) | _CLOSE_OPEN,
    Status.SUBMITTED: frozenset({Status.INFO_REQUESTED, Status.IN_PROGRESS}) | _CLOSE_OPEN,
    Status.INFO_REQUESTED: frozenset({Status.SUBMITTED, Status.IN_PROGRESS}) | _CLOSE_OPEN,
    Status.IN_PROGRESS: frozenset({Status.GRANTED, Status.REFUSED, Status.INFO_REQUESTED}) | _CLOSE_OPEN,
    Status.GRANTED: _END_GRANT,
    Status.REFUSED: frozenset({Status.APPEALED}),
    Status.APPEALED: frozenset({Status.UPHELD, Status.OVERTURNED}) | _CLOSE_OPEN,
    Status.UPHELD: frozenset(),
    Status.OVERTURNED: _END_GRANT,
    Status.WITHDRAWN: frozenset(),
    Status.DISCONTINUED: frozenset(),
    Status.REVOKED: frozenset(),
    Status.TERMINATED: frozenset(),
}


class DeclarationKind(StrEnum):
    CHANGE_OF_CIRCUMSTANCES = "change_of_circumstances"
    ANNUAL_SELF_DECLARATION = "annual_self_declaration"


DECLARATION_CATEGORIES = ("name", "address", "partner", "co_residents", "finances", "convictions", "other")


def parse_status(value: str, field: str = "status", allow_expired: bool = False) -> list[Violation]:
    allowed = READ_STATUSES if allow_expired else tuple(s.value for s in Status)
    if value in allowed:
        return []
    return [Violation(CoreErrorCode.INVALID_CHOICE, f"{field} must be one of: {', '.join(allowed)}.", field)]


def legal_next_statuses(current: Status, *, info_requested_before: bool) -> list[Status]:
    """The statuses an application may move to from `current`, in the lifecycle's order: what a form offers, so
    that a move check_transition would refuse for its kind is never offered (dates are checked on the way in)."""
    allowed = TRANSITIONS[current] - ({Status.INFO_REQUESTED} if info_requested_before else set())
    return [s for s in Status if s in allowed]


def check_note(note: str | None) -> list[Violation]:
    """A case note on its own (no status change): required, and no longer than one written with a change."""
    if note is None or not note.strip():
        return [Violation(CoreErrorCode.REQUIRED, "Enter the case note.", "note")]
    if len(note) > MAX_NOTE_LENGTH:
        return [Violation(CoreErrorCode.TOO_LONG, f"At most {MAX_NOTE_LENGTH} characters.", "note")]
    return []


def mark_note_only(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each timeline entry, given in the order it was written, with `note_only`: a case note added without a
    change repeats the status written before it, which no transition does (the table has no loops). The order
    written, not the dates: a change may be dated before a note written earlier."""
    previous: str | None = None
    for event in events:
        event["note_only"] = event["status"] == previous
        previous = event["status"]
    return events


def check_transition(
    current: Status,
    target: Status,
    on: dt.date,
    *,
    requested_on: dt.date,
    last_event_on: dt.date | None,
    info_requested_before: bool,
    refused_on: dt.date | None,
    appeal_window_days: int = DEFAULT_APPEAL_WINDOW_DAYS,
) -> tuple[VettingErrorCode, str] | None:
    """Why the event cannot happen (a 409 code and message), or None when it may."""
    if target not in TRANSITIONS[current]:
        return (VettingErrorCode.ILLEGAL_TRANSITION,
                f"An application that is {current.value} cannot become {target.value}.")
    if target is Status.INFO_REQUESTED and info_requested_before:
        return (VettingErrorCode.INFO_ALREADY_REQUESTED,
                "Missing information is requested once; withdraw the application instead.")
    if on < requested_on:
        return (VettingErrorCode.DATE_BEFORE_REQUEST,
                f"The event cannot be dated before the request ({long_date(requested_on)}).")
    if last_event_on is not None and on < last_event_on:
        return (VettingErrorCode.DATE_BEFORE_LAST_EVENT,
                f"The event cannot be dated before the last event ({long_date(last_event_on)}).")
    if target is Status.APPEALED and refused_on is not None and (on - refused_on).days > appeal_window_days:
        return (VettingErrorCode.APPEAL_WINDOW_CLOSED,
                f"An appeal must be made within {appeal_window_days} days of the refusal ({long_date(refused_on)}).")
    return None


def compute_expiry(granted_on: dt.date, renewal_months: int) -> dt.date:
    """First day no longer valid: the same day renewal_months later, month end when it does not exist."""
    return add_months(granted_on, renewal_months)


def compute_next_review(
    reviewed_from: dt.date, has_annual_review: bool, interval_months: int = DEFAULT_REVIEW_INTERVAL_MONTHS
) -> dt.date | None:
    return add_months(reviewed_from, interval_months) if has_annual_review else None


def compute_status(stored: str, expires_on: dt.date | None, as_of: dt.date) -> str:
    """The status a reader sees: a grant whose expiry has come reads 'expired' (the stored status stays)."""
    if stored in GRANTS and expires_on is not None and expires_on <= as_of:
        return EXPIRED
    return stored


def compute_days_waiting(requested_on: dt.date, as_of: dt.date) -> int:
    return max(0, (as_of - requested_on).days)


def check_event_fields(
    target: Status,
    on: dt.date,
    computed_expiry: dt.date | None,
    expires_on: dt.date | None,
    override_reason: str | None,
    note: str | None,
    force_reference: str | None,
) -> list[Violation]:
    out: list[Violation] = []
    if expires_on is not None and target not in GRANTS:
        out.append(Violation(VettingErrorCode.NOT_A_GRANT,
                             "expires_on is given only with granted or overturned.", "expires_on"))
    elif expires_on is not None and expires_on <= on:
        out.append(Violation(CoreErrorCode.DATE_ORDER, "expires_on must be after the grant date.", "expires_on"))
    elif expires_on is not None and expires_on != computed_expiry and not (override_reason or "").strip():
        out.append(Violation(VettingErrorCode.OVERRIDE_REASON_REQUIRED,
                             f"expires_on differs from the computed {computed_expiry}: give expiry_override_reason.",
                             "expiry_override_reason"))
    if override_reason is not None and len(override_reason) > MAX_REASON_LENGTH:
        out.append(Violation(CoreErrorCode.TOO_LONG,
                             f"At most {MAX_REASON_LENGTH} characters.", "expiry_override_reason"))
    if note is not None and len(note) > MAX_NOTE_LENGTH:
        out.append(Violation(CoreErrorCode.TOO_LONG, f"At most {MAX_NOTE_LENGTH} characters.", "note"))
    if force_reference is not None and (not force_reference.strip() or len(force_reference) > MAX_REFERENCE_LENGTH):
        out.append(Violation(CoreErrorCode.INVALID_VALUE,
                             f"1 to {MAX_REFERENCE_LENGTH} characters.", "force_reference"))
    return out


def check_not_future(day: dt.date, today: dt.date | None, field: str) -> list[Violation]:
    """Events record what happened: none is dated after today (when today is known)."""
    if today is not None and day > today:
        return [Violation(VettingErrorCode.FUTURE_DATE, f"{field} cannot be after today ({today}).", field)]
    return []


def check_imported_clearance(requested_on: dt.date | None, granted_on: dt.date | None,
                              today: dt.date) -> list[Violation]:
    """A clearance recorded after the fact (an import): granted on or after it was requested, and not yet to come.
    Either day may be missing (unreadable in the sheet): what can be checked is."""
    out: list[Violation] = []
    if requested_on and granted_on and granted_on < requested_on:
        out.append(Violation(CoreErrorCode.DATE_ORDER, "granted_on cannot be before requested_on.", "granted_on"))
    if granted_on and granted_on > today:
        out.append(Violation(VettingErrorCode.FUTURE_DATE, "granted_on cannot be in the future.", "granted_on"))
    return out


def check_level_update(renewal_months: int | None) -> list[Violation]:
    if renewal_months is not None and not 1 <= renewal_months <= 240:
        return [Violation(VettingErrorCode.OUT_OF_RANGE, "renewal_months must be between 1 and 240.", "renewal_months")]
    return []


def check_declaration(
    kind: str, categories: Iterable[str], made_on: dt.date, today: dt.date
) -> list[Violation]:
    out: list[Violation] = []
    cats = list(categories)
    if kind not in DeclarationKind.__members__.values():
        allowed = ", ".join(k.value for k in DeclarationKind)
        out.append(Violation(CoreErrorCode.INVALID_CHOICE, f"kind must be one of: {allowed}.", "kind"))
    unknown = [c for c in cats if c not in DECLARATION_CATEGORIES]
    if unknown:
        out.append(Violation(CoreErrorCode.INVALID_CHOICE,
                             f"categories must be among: {', '.join(DECLARATION_CATEGORIES)}.", "categories"))
    elif len(set(cats)) != len(cats):
        out.append(Violation(CoreErrorCode.DUPLICATE, "A category is listed twice.", "categories"))
    if kind == DeclarationKind.CHANGE_OF_CIRCUMSTANCES and not cats:
        out.append(Violation(CoreErrorCode.REQUIRED, "Name at least one category that changed.", "categories"))
    if made_on > today:
        out.append(Violation(VettingErrorCode.FUTURE_DATE, "made_on cannot be in the future.", "made_on"))
    return out


def check_acknowledgement(made_on: dt.date, on: dt.date, today: dt.date) -> list[Violation]:
    if on < made_on:
        return [Violation(CoreErrorCode.DATE_ORDER, "on cannot be before the declaration was made.", "on")]
    if on > today:
        return [Violation(VettingErrorCode.FUTURE_DATE, "on cannot be in the future.", "on")]
    return []


def order_categories(categories: Iterable[str]) -> list[str]:
    wanted = set(categories)
    return [c for c in DECLARATION_CATEGORIES if c in wanted]
