from __future__ import annotations

import datetime as dt

import msgspec


class LoginRequest(msgspec.Struct):
    username: str
    password: str


class Me(msgspec.Struct):
    id: int | None
    username: str
    role: str
    force_id: int | None
    organisation_id: int | None
    team_ids: list[int]
    officer_id: int | None


class TokenCreate(msgspec.Struct):
    username: str
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
    role: str
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
