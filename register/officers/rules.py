"""Pure checks for forces, employers, teams and officers. No I/O, no clock: today is a parameter."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from core.errors import CoreErrorCode, Violation
from core.rules import check_date_order, check_email, check_required_text
from register.errors import RegisterErrorCode


class OrganisationKind(StrEnum):
    COUNCIL = "council"
    HOUSING_TRUST = "housing_trust"
    COMPANY = "company"
    OTHER = "other"


class OfficerStatus(StrEnum):
    ACTIVE = "active"
    LEFT = "left"


def check_name(name: str) -> list[Violation]:
    """A force's, employer's or team's name: shown in pages, exports and calendar feeds, so one line of text."""
    return check_required_text(name, "name", "Name") + check_no_control_characters({"name": name})


def check_force(name: str, code: str) -> list[Violation]:
    out = check_name(name)
    out += check_required_text(code, "code", "Code", max_length=32)
    if code and not code.replace("_", "").isalnum():
        out.append(Violation(RegisterErrorCode.INVALID_CODE, "Codes use letters, digits and underscores.", "code"))
    return out


def check_organisation(
    name: str, kind: str, approved_on: dt.date | None, review_due_on: dt.date | None
) -> list[Violation]:
    out = check_name(name)
    if kind not in OrganisationKind.__members__.values():
        allowed = ", ".join(k.value for k in OrganisationKind)
        out.append(Violation(CoreErrorCode.INVALID_CHOICE, f"kind must be one of: {allowed}.", "kind"))
    out += check_date_order(approved_on, review_due_on, "arrangement_approved_on", "arrangement_review_due_on")
    return out


def check_officer(
    staff_number: str, given_name: str, family_name: str, email: str, started_on: dt.date | None
) -> list[Violation]:
    out = check_required_text(staff_number, "staff_number", "Staff number", max_length=50)
    out += check_required_text(given_name, "given_name", "Given name", max_length=100)
    out += check_required_text(family_name, "family_name", "Family name", max_length=100)
    out += check_email(email)
    if started_on is None:
        out.append(Violation(CoreErrorCode.REQUIRED, "started_on is required.", "started_on"))
    return out


# ASCII control characters (C0 and DEL): CR/LF break calendar lines, others make XML (XLSX) exports invalid.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")
OFFICER_TEXT_FIELDS = ("staff_number", "given_name", "family_name", "email")


def check_no_control_characters(values: Mapping[str, Any]) -> list[Violation]:
    """One violation per text field holding a control character (tab, CR, LF, NUL...)."""
    return [
        Violation(RegisterErrorCode.CONTROL_CHARACTER,
                  f"{field} must not contain control characters (tab, line breaks...).",
                  field)
        for field, value in values.items()
        if isinstance(value, str) and _CONTROL_CHARACTER.search(value)
    ]


def check_leaving(started_on: dt.date, left_on: dt.date) -> list[Violation]:
    if left_on < started_on:
        return [Violation(CoreErrorCode.DATE_ORDER, "left_on cannot be before started_on.", "left_on")]
    return []


def compute_officer_status(left_on: dt.date | None, day: dt.date) -> OfficerStatus:
    """left_on is the leaving day: like an expiry, the first day the officer no longer serves."""
    return OfficerStatus.LEFT if left_on is not None and left_on <= day else OfficerStatus.ACTIVE
