from __future__ import annotations

import datetime as dt
from typing import Annotated, TypeVar

import msgspec

from core.access import Role
from core.errors import raise_if_days_out_of_range
from core.rules import MIN_PASSWORD_LENGTH

T = TypeVar("T")


class Body(msgspec.Struct):
    """Base of every request body (and of the structs inside one): a day outside the register's range
    (core/dates.py) is refused as the body is decoded, before any handler or service sees it (422, violation
    date_out_of_range). msgspec calls __post_init__ after decoding; a DomainError raised there reaches the API's
    error handler unchanged. tests/core/test_input_bounds.py checks that every route body holding a day is one."""

    def __post_init__(self) -> None:
        raise_if_days_out_of_range((name, getattr(self, name)) for name in self.__struct_fields__)


# List fields of request bodies: the decoder refuses a longer list (422) before any work is done on it. Each is
# far above any real register (ids: a manager's teams; codes: a catalogue of powers, modules or levels; small:
# reminder days, declaration categories) and far below what would take a request seconds to check.
MAX_IDS = 500
MAX_CODES = 500
MAX_SMALL = 50
IdList = Annotated[list[int], msgspec.Meta(max_length=MAX_IDS)]
CodeList = Annotated[list[str], msgspec.Meta(max_length=MAX_CODES)]
ShortList = Annotated[list[T], msgspec.Meta(max_length=MAX_SMALL)]
LongList = Annotated[list[T], msgspec.Meta(max_length=MAX_CODES)]

# Text the services refuse when blank (422 with their own message, which a decoder's refusal would replace): the
# document says so, for clients and for schemathesis, which checks that the server keeps to it.
Text = Annotated[str, msgspec.Meta(extra_json_schema={"extra": {"minLength": 1}})]
Password = Annotated[str, msgspec.Meta(extra_json_schema={"extra": {"minLength": MIN_PASSWORD_LENGTH}})]


class LoginRequest(Body):
    username: str
    password: str


class PasswordChange(Body):
    current_password: str
    new_password: Password


class Me(msgspec.Struct):
    id: int | None
    username: str
    role: Role
    force_id: int | None
    organisation_id: int | None
    team_ids: list[int]
    officer_id: int | None


class TokenCreate(Body):
    username: Text
    name: str = ""


class TokenRead(msgspec.Struct):
    id: int
    username: str
    name: str
    token: str
    created_at: dt.datetime


class UserRead(msgspec.Struct):
    id: int
    username: str
    email: str
    role: Role
    force_id: int | None
    organisation_id: int | None
    team_ids: list[int]
    officer_id: int | None
    is_active: bool


class Health(msgspec.Struct):
    status: str


class ViolationRead(msgspec.Struct, omit_defaults=True):
    code: str
    message: str
    field: str | None = None


class ProblemDetails(msgspec.Struct, omit_defaults=True):
    """RFC 9457 problem details, the body of every error the API returns (media type application/problem+json)."""

    status: int
    title: str
    detail: str
    code: str
    violations: list[ViolationRead] = msgspec.field(default_factory=list)
