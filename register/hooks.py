"""Checks that domains above register add to register's writes, without register importing them.

training installs a kit-issue check (body-worn video and radio need their training first); bootstrap.wire()
installs every domain's hooks at start-up, in the app, the CLI and the tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from core.errors import Violation

# (officer_id, kit_type_code, issued_on) -> violations that refuse the issue
KitIssueCheck = Callable[[int, str, dt.date], Awaitable[list[Violation]]]

_kit_issue_checks: list[KitIssueCheck] = []


def add_kit_issue_check(check: KitIssueCheck) -> None:
    if check not in _kit_issue_checks:
        _kit_issue_checks.append(check)


async def check_kit_issue(officer_id: int, kit_type_code: str, issued_on: dt.date) -> list[Violation]:
    violations: list[Violation] = []
    for check in _kit_issue_checks:
        violations += await check(officer_id, kit_type_code, issued_on)
    return violations
