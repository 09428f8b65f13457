"""Pure training rules: expiry arithmetic, which record counts, in date or not, matrix cells, input checks.

No I/O, no clock: `today` and `as_of` are parameters; policy values (validity, warning window) are passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from core.dates import add_months
from core.dates import is_in_date as dates_in_date
from core.errors import CoreErrorCode, Violation
from training.errors import TrainingErrorCode

MAX_VALIDITY_MONTHS = 600
MAX_WARNING_DAYS = 3660


class TrainingResult(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    REFERRED = "referred"


class BookingStatus(StrEnum):
    BOOKED = "booked"
    ATTENDED = "attended"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class CellState(StrEnum):
    IN_DATE = "in_date"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    MISSING = "missing"


@dataclass(frozen=True)
class RecordFact:
    """What the rules need of a training record."""

    id: int
    module_code: str
    completed_on: dt.date
    result: str
    expires_on: dt.date | None


def compute_expiry(completed_on: dt.date, validity_months: int | None) -> dt.date | None:
    """completed_on + validity (month-end rule: 31 Jan + 1 → 28/29 Feb; 29 Feb + 12 → 28 Feb). None: never."""
    if validity_months is None:
        return None
    return add_months(completed_on, validity_months)


def resolve_expiry(
    result: str, completed_on: dt.date, validity_months: int | None, expires_on: dt.date | None
) -> tuple[dt.date | None, bool]:
    """(the expiry to store, whether it is an override). A fail or referral confers nothing, so no expiry."""
    if result != TrainingResult.PASS:
        return None, expires_on is not None
    computed = compute_expiry(completed_on, validity_months)
    if expires_on is None or expires_on == computed:
        return computed, False
    return expires_on, True


def check_record(
    *,
    result: str,
    completed_on: dt.date,
    today: dt.date,
    validity_months: int | None,
    expires_on: dt.date | None,
    override_reason: str,
    provider: str = "",
    certificate_ref: str = "",
    qualification_title: str = "",
) -> list[Violation]:
    """Checks a training record before it is written. An expiry other than the computed one needs a reason."""
    out: list[Violation] = []
    if result not in TrainingResult.__members__.values():
        allowed = ", ".join(r.value for r in TrainingResult)
        out.append(Violation(TrainingErrorCode.INVALID_RESULT, f"result must be one of: {allowed}.", "result"))
    if completed_on > today:
        out.append(Violation(TrainingErrorCode.COMPLETED_IN_FUTURE, "completed_on cannot be in the future.",
                             "completed_on"))
    if result == TrainingResult.PASS:
        _, overridden = resolve_expiry(result, completed_on, validity_months, expires_on)
        if overridden:
            if not override_reason.strip():
                out.append(Violation(
                    TrainingErrorCode.OVERRIDE_REASON_REQUIRED,
                    "An expiry other than completed_on + the module's validity needs expiry_override_reason.",
                    "expiry_override_reason",
                ))
            if expires_on is not None and expires_on <= completed_on:
                out.append(Violation(TrainingErrorCode.EXPIRY_NOT_AFTER_COMPLETION,
                                     "expires_on must be after completed_on.", "expires_on"))
    elif result in TrainingResult.__members__.values() and expires_on is not None:
        out.append(Violation(TrainingErrorCode.NO_EXPIRY_WITHOUT_PASS,
                             "Only a pass has an expiry: a fail or referral confers nothing.", "expires_on"))
    for value, field, limit in ((provider, "provider", 200), (certificate_ref, "certificate_ref", 100),
                                (qualification_title, "qualification_title", 300),
                                (override_reason, "expiry_override_reason", 500)):
        if len(value) > limit:
            out.append(Violation(CoreErrorCode.TOO_LONG, f"{field} must be at most {limit} characters.", field))
    return out


def counting_record(records: Iterable[RecordFact], module_code: str, as_of: dt.date) -> RecordFact | None:
    """The record that counts for a module on as_of: the newest pass completed on or before as_of.

    A fail or referral never counts and never cancels an earlier pass; records dated after as_of do not exist
    yet as of that day. Ties on the date go to the later-entered record.
    """
    best: RecordFact | None = None
    for record in records:
        if record.module_code != module_code or record.result != TrainingResult.PASS or record.completed_on > as_of:
            continue
        if best is None or (record.completed_on, record.id) > (best.completed_on, best.id):
            best = record
    return best


def is_in_date(record: RecordFact | None, as_of: dt.date) -> bool:
    """A pass is in date from its completion up to the day before expires_on (None: indefinitely)."""
    return (
        record is not None
        and record.result == TrainingResult.PASS
        and dates_in_date(record.completed_on, record.expires_on, as_of)
    )


def compute_cell_state(
    record: RecordFact | None, as_of: dt.date, warning_days: int
) -> CellState:
    """The matrix cell for the counting record: missing (no pass), expired (as_of on/after expires_on),
    expiring (in date and expires_on within warning_days of as_of: expires_on - as_of <= warning_days),
    else in_date."""
    if record is None:
        return CellState.MISSING
    if not is_in_date(record, as_of):
        return CellState.EXPIRED
    if record.expires_on is not None and (record.expires_on - as_of).days <= warning_days:
        return CellState.EXPIRING
    return CellState.IN_DATE


def check_booking(starts_on: dt.date | None, provider: str) -> list[Violation]:
    out: list[Violation] = []
    if starts_on is None:
        out.append(Violation(CoreErrorCode.REQUIRED, "starts_on is required.", "starts_on"))
    if len(provider) > 200:
        out.append(Violation(CoreErrorCode.TOO_LONG, "provider must be at most 200 characters.", "provider"))
    return out


def check_booking_change(status: str, action: str) -> Violation | None:
    """Only a booking still 'booked' can be attended, cancelled or marked as a no-show."""
    if status != BookingStatus.BOOKED:
        return Violation(TrainingErrorCode.BOOKING_NOT_OPEN,
                         f"The booking is {status}; only a booked place can be {action}.")
    return None


def check_attendance(starts_on: dt.date, attended_on: dt.date) -> list[Violation]:
    if attended_on < starts_on:
        return [Violation(TrainingErrorCode.ATTENDED_BEFORE_START,
                          "attended_on cannot be before the booked start.", "attended_on")]
    return []


def check_validity_months(validity_months: int | None) -> list[Violation]:
    if validity_months is not None and not 1 <= validity_months <= MAX_VALIDITY_MONTHS:
        return [Violation(TrainingErrorCode.INVALID_VALIDITY,
                          f"validity_months must be 1-{MAX_VALIDITY_MONTHS}, or null for never expires.",
                          "validity_months")]
    return []


def check_warning_days(warning_days: int) -> list[Violation]:
    if not 0 <= warning_days <= MAX_WARNING_DAYS:
        return [Violation(TrainingErrorCode.INVALID_WARNING_DAYS,
                          f"warning_days must be 0-{MAX_WARNING_DAYS}.", "warning_days")]
    return []


def check_prerequisites(
    pairs: Iterable[tuple[str, str]], power_codes: Iterable[str], module_codes: Iterable[str]
) -> list[Violation]:
    """Every pair names a known power and a known module; the field says which item is wrong."""
    powers, modules = set(power_codes), set(module_codes)
    out: list[Violation] = []
    for index, (power_code, module_code) in enumerate(pairs):
        if power_code not in powers:
            out.append(Violation(TrainingErrorCode.UNKNOWN_POWER, f"No power with code '{power_code}'.",
                                 f"items[{index}].power_code"))
        if module_code not in modules:
            out.append(Violation(TrainingErrorCode.UNKNOWN_MODULE, f"No training module with code '{module_code}'.",
                                 f"items[{index}].module_code"))
    return out


def group_prerequisites(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for power_code, module_code in sorted(set(pairs)):
        out.setdefault(power_code, []).append(module_code)
    return out
