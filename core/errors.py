"""Domain errors and the one translation of every error into RFC 9457 problem details.

Services raise DomainError subclasses with a stable `code` clients can switch on; rules return
Violation values. Nothing else in the code base builds an error response.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from core.dates import in_range, out_of_range_message

logger = logging.getLogger("csas.errors")


class CoreErrorCode(StrEnum):
    NOT_AUTHENTICATED = "not_authenticated"
    BAD_CREDENTIALS = "bad_credentials"
    FORBIDDEN = "forbidden"
    ROLE_NOT_ALLOWED = "role_not_allowed"
    OUT_OF_SCOPE = "out_of_scope"
    NOT_FOUND = "not_found"
    VALIDATION_ERROR = "validation_error"
    MALFORMED_REQUEST = "malformed_request"
    CONFLICT = "conflict"
    DUPLICATE = "duplicate"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    TOO_MANY_REQUESTS = "too_many_requests"
    INTERNAL_ERROR = "internal_error"
    CLOCK_OVERRIDE_OFF = "clock_override_off"
    CROSS_SITE_REQUEST = "cross_site_request"
    CANNOT_DEACTIVATE_SELF = "cannot_deactivate_self"
    WRONG_PASSWORD = "wrong_password"
    PASSWORDS_DIFFER = "passwords_differ"
    LINK_NOT_VALID = "link_not_valid"
    LINK_EXPIRED = "link_expired"
    LINK_USED = "link_used"
    DATABASE_UNAVAILABLE = "database_unavailable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    # Field-level violations every domain reports alike.
    INVALID_VALUE = "invalid_value"
    NESTING_TOO_DEEP = "nesting_too_deep"
    NUL_CHARACTER = "nul_character"
    REQUIRED = "required"
    INVALID_EMAIL = "invalid_email"
    TOO_LONG = "too_long"
    INVALID_USERNAME = "invalid_username"
    WEAK_PASSWORD = "weak_password"
    SCOPE_REQUIRED = "scope_required"
    DATE_ORDER = "date_order"
    INVALID_CHOICE = "invalid_choice"


@dataclass(frozen=True)
class Violation:
    code: str
    message: str
    field: str | None = None

    def as_dict(self) -> dict[str, str]:
        out = {"code": self.code, "message": self.message}
        if self.field is not None:
            out["field"] = self.field
        return out


class DomainError(Exception):
    status = 400
    title = "Bad request"

    def __init__(
        self,
        code: str,
        detail: str,
        violations: list[Violation] | None = None,
    ) -> None:
        super().__init__(detail)
        self.code = str(code)
        self.detail = detail
        self.violations = violations or []
        self.headers: dict[str, str] = {}


class Malformed(DomainError):
    status = 400
    title = "Malformed request"


class NotAuthenticated(DomainError):
    status = 401
    title = "Not signed in"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    status = 409
    title = "Conflict with the current state"


class UnsupportedMediaType(DomainError):
    status = 415
    title = "Unsupported media type"


class Invalid(DomainError):
    status = 422
    title = "Invalid input"


class Unavailable(DomainError):
    """Something the installation must fix before the request can be served (not the client's input)."""

    status = 503
    title = "Service unavailable"


class TooManyRequests(DomainError):
    status = 429
    title = "Too many requests"

    def __init__(self, code: str, detail: str, retry_after: int) -> None:
        super().__init__(code, detail)
        self.headers = {"Retry-After": str(retry_after)}


def invalid(violations: list[Violation], detail: str = "The request has invalid fields.") -> Invalid:
    return Invalid(CoreErrorCode.VALIDATION_ERROR, detail, violations)


def raise_if_days_out_of_range(days: Iterable[tuple[str | None, Any]]) -> None:
    """Refuses (422, a date_out_of_range violation per field) any of the (field, value) pairs that is a day
    outside the register's range (core/dates.py); other values pass. The API's JSON bodies (core.schemas.Body)
    and date query parameters (core.http.guard_input) refuse an impossible day through this one check."""
    violations = [
        Violation(CoreErrorCode.DATE_OUT_OF_RANGE, out_of_range_message(field or "The date"), field)
        for field, value in days
        if isinstance(value, dt.date) and not in_range(value.date() if isinstance(value, dt.datetime) else value)
    ]
    if violations:
        raise invalid(violations, out_of_range_message("Dates"))


def raise_if_violations(violations: list[Violation], detail: str = "The request has invalid fields.") -> None:
    if violations:
        raise invalid(violations, detail)


def problem_body(
    status: int, title: str, detail: str, code: str, violations: list[Violation] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "title": title, "detail": detail, "code": code}
    if violations:
        body["violations"] = [v.as_dict() for v in violations]
    return body
