"""Pure checks on user input shared by every domain. No I/O, no clock."""

from __future__ import annotations

import datetime as dt
import re

from core.access import Role
from core.errors import CoreErrorCode, Violation

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,150}$")
MIN_PASSWORD_LENGTH = 10


def check_email(email: str, field: str = "email", required: bool = True) -> list[Violation]:
    if not email:
        return [Violation(CoreErrorCode.REQUIRED, "An email address is required.", field)] if required else []
    if len(email) > 254 or not _EMAIL.match(email):
        return [Violation(CoreErrorCode.INVALID_EMAIL, f"'{email}' is not a valid email address.", field)]
    return []


def check_required_text(value: str, field: str, label: str, max_length: int = 200) -> list[Violation]:
    if not value or not value.strip():
        return [Violation(CoreErrorCode.REQUIRED, f"{label} is required.", field)]
    if len(value) > max_length:
        return [Violation(CoreErrorCode.TOO_LONG, f"{label} must be at most {max_length} characters.", field)]
    return []


def check_username(username: str) -> list[Violation]:
    if not _USERNAME.match(username or ""):
        return [
            Violation(
                CoreErrorCode.INVALID_USERNAME,
                "Usernames are 2-150 letters, digits or . _ @ - characters.",
                "username",
            )
        ]
    return []


def check_password(password: str) -> list[Violation]:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return [
            Violation(
                CoreErrorCode.WEAK_PASSWORD, f"Passwords must be at least {MIN_PASSWORD_LENGTH} characters.", "password"
            )
        ]
    return []


def check_role_scope(
    role: Role,
    force_id: int | None,
    organisation_id: int | None,
    team_ids: list[int],
    officer_id: int | None,
) -> list[Violation]:
    """Each role needs exactly the scope that bounds it (api.md, Roles)."""
    needs = {
        Role.CSAS_COORDINATOR: ("force_id", force_id is not None),
        Role.VETTING_OFFICER: ("force_id", force_id is not None),
        Role.HR: ("organisation_id", organisation_id is not None),
        Role.MANAGER: ("team_ids", bool(team_ids)),
        Role.OFFICER: ("officer_id", officer_id is not None),
    }
    if role in needs:
        field, present = needs[role]
        if not present:
            return [Violation(CoreErrorCode.SCOPE_REQUIRED, f"A {role.value} user needs {field}.", field)]
    return []


def check_date_order(
    earlier: dt.date | None, later: dt.date | None, earlier_field: str, later_field: str
) -> list[Violation]:
    if earlier is not None and later is not None and later <= earlier:
        return [Violation(CoreErrorCode.DATE_ORDER, f"{later_field} must be after {earlier_field}.", later_field)]
    return []
