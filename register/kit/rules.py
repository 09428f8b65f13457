"""Pure rules for uniform and kit issues. No I/O, no clock: the day is a parameter."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from core.dates import add_months
from core.errors import CoreErrorCode, Violation


class KitCondition(StrEnum):
    NEW = "new"
    SERVICEABLE = "serviceable"
    DAMAGED = "damaged"
    CONDEMNED = "condemned"
    LOST = "lost"


ISSUE_CONDITIONS = (KitCondition.NEW, KitCondition.SERVICEABLE)
INSPECTION_CONDITIONS = (KitCondition.NEW, KitCondition.SERVICEABLE, KitCondition.DAMAGED, KitCondition.CONDEMNED)
# A lost card or badge is "returned" as lost, so its recovery task closes and the loss is on record.
RETURN_CONDITIONS = (*INSPECTION_CONDITIONS, KitCondition.LOST)


def _choice(value: str, allowed: tuple[KitCondition, ...], field: str) -> list[Violation]:
    if value not in {c.value for c in allowed}:
        return [Violation(CoreErrorCode.INVALID_CHOICE, f"{field} must be one of: {', '.join(allowed)}.", field)]
    return []


def compute_kit_expiry(
    *,
    issued_on: dt.date,
    manufactured_on: dt.date | None,
    service_life_months: int | None,
    expires_with_accreditation: bool,
    accreditation_expires_on: dt.date | None,
) -> dt.date | None:
    """First day the item is no longer valid: the accreditation's expiry for ID cards, otherwise manufacture
    (or issue) date + service life; None when the item does not expire."""
    if expires_with_accreditation:
        return accreditation_expires_on
    if service_life_months is None:
        return None
    return add_months(manufactured_on or issued_on, service_life_months)


def compute_next_inspection(day: dt.date, interval_months: int | None) -> dt.date | None:
    return add_months(day, interval_months) if interval_months else None


def check_kit_issue(
    *,
    tracks_serial: bool,
    serial_number: str | None,
    size: str,
    issued_on: dt.date,
    manufactured_on: dt.date | None,
    officer_started_on: dt.date,
    condition: str,
) -> list[Violation]:
    out: list[Violation] = []
    if tracks_serial and not (serial_number or "").strip():
        out.append(Violation(CoreErrorCode.REQUIRED, "This item needs a serial number.", "serial_number"))
    if serial_number is not None and len(serial_number) > 100:
        out.append(Violation(CoreErrorCode.TOO_LONG, "serial_number must be at most 100 characters.", "serial_number"))
    if len(size) > 32:
        out.append(Violation(CoreErrorCode.TOO_LONG, "size must be at most 32 characters.", "size"))
    if manufactured_on is not None and manufactured_on > issued_on:
        out.append(Violation(CoreErrorCode.DATE_ORDER, "manufactured_on cannot be after issued_on.", "manufactured_on"))
    if issued_on < officer_started_on:
        out.append(Violation(CoreErrorCode.DATE_ORDER, "issued_on cannot be before the officer started.", "issued_on"))
    out += _choice(condition, ISSUE_CONDITIONS, "condition")
    return out


def check_return(issued_on: dt.date, returned_on: dt.date, condition: str) -> list[Violation]:
    out = _choice(condition, RETURN_CONDITIONS, "condition")
    if returned_on < issued_on:
        out.append(Violation(CoreErrorCode.DATE_ORDER, "returned_on cannot be before issued_on.", "returned_on"))
    return out


def check_inspection(issued_on: dt.date, inspected_on: dt.date, condition: str) -> list[Violation]:
    out = _choice(condition, INSPECTION_CONDITIONS, "condition")
    if inspected_on < issued_on:
        out.append(Violation(CoreErrorCode.DATE_ORDER, "inspected_on cannot be before issued_on.", "inspected_on"))
    return out


def needs_replacement(condition: str) -> bool:
    """Condemned on inspection: the item must be replaced."""
    return condition == KitCondition.CONDEMNED


def is_kit_out(issued_on: dt.date, returned_on: dt.date | None, day: dt.date) -> bool:
    return issued_on <= day and (returned_on is None or day < returned_on)
