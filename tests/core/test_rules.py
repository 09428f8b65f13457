import pytest

from core.access import Role
from core.rules import check_email, check_password, check_role_scope, check_username


@pytest.mark.parametrize(
    ("email", "ok"),
    [
        ("jo.bloggs@council.gov.uk", True),
        ("a@b.co", True),
        ("", False),
        ("no-at-sign.example", False),
        ("two@@example.org", False),
        ("spaces in@example.org", False),
        ("user@nodot", False),
    ],
)
def test_check_email(email: str, ok: bool) -> None:
    assert (check_email(email) == []) is ok


@pytest.mark.parametrize(("password", "ok"), [("123456789", False), ("1234567890", True), ("", False)])
def test_password_needs_ten_characters(password: str, ok: bool) -> None:
    assert (check_password(password) == []) is ok


@pytest.mark.parametrize(("username", "ok"), [("hr", True), ("a", False), ("jo bloggs", False), ("jo.b-1@x", True)])
def test_check_username(username: str, ok: bool) -> None:
    assert (check_username(username) == []) is ok


@pytest.mark.parametrize(
    ("role", "scope", "field"),
    [
        (Role.ADMIN, {}, None),
        (Role.CSAS_COORDINATOR, {}, "force_id"),
        (Role.CSAS_COORDINATOR, {"force_id": 1}, None),
        (Role.VETTING_OFFICER, {}, "force_id"),
        (Role.HR, {"force_id": 1}, "organisation_id"),
        (Role.HR, {"organisation_id": 2}, None),
        (Role.MANAGER, {"team_ids": []}, "team_ids"),
        (Role.MANAGER, {"team_ids": [3]}, None),
        (Role.OFFICER, {}, "officer_id"),
        (Role.OFFICER, {"officer_id": 9}, None),
    ],
)
def test_each_role_needs_its_scope(role: Role, scope: dict, field: str | None) -> None:
    args = {"force_id": None, "organisation_id": None, "team_ids": [], "officer_id": None} | scope
    violations = check_role_scope(role, **args)
    assert [v.field for v in violations] == ([field] if field else [])
