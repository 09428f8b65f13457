"""Litestar glue shared by every domain: the problem-details translation, who is calling, paging."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlsplit

import msgspec
from litestar import Request, Response
from litestar.di import NamedDependency
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.params import QueryParameter

from core.clock import business_today
from core.db import is_integrity_error, is_unique_violation
from core.errors import CoreErrorCode, DomainError, Forbidden, NotAuthenticated, Violation, problem_body
from core.roles import Principal
from core.services import principal_for_bearer, principal_for_session

logger = logging.getLogger("csas.http")

SESSION_COOKIE = "csas_session"
PROBLEM_MEDIA_TYPE = "application/problem+json"

T = TypeVar("T")


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    total: int


Limit = Annotated[int, QueryParameter(ge=1, le=500, description="Page size (max 500).")]
Offset = Annotated[int, QueryParameter(ge=0, description="Rows to skip.")]
# Handler parameters filled by the app-level dependencies of the same name (app.py).
CurrentPrincipal = NamedDependency[Principal]
Viewer = NamedDependency[Principal | None]
Today = NamedDependency[dt.date]

AsOf = Annotated[dt.date | None, QueryParameter(description="Answer as it stands on this day (default today).")]


def problem_response(
    status: int, title: str, detail: str, code: str, violations: list[Violation] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    return Response(
        problem_body(status, title, detail, code, violations),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _domain_error(_: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    return problem_response(exc.status, exc.title, exc.detail, exc.code, exc.violations, headers=exc.headers or None)


_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")
_AT_PATH = re.compile(r"at `\$\.([A-Za-z0-9_.\[\]]+)`")


def _violation_field(item: dict[str, Any]) -> str | None:
    """Names the body field itself: msgspec reports a whole-body problem against the parameter ('data')."""
    message = str(item.get("message", ""))
    key = str(item["key"]) if item.get("key") else None
    if key in (None, "data", "body"):
        found = _MISSING_FIELD.search(message) or _AT_PATH.search(message)
        if found:
            return found.group(1)
    return key


def _validation_error(_: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    violations = [
        Violation("invalid_value", str(item.get("message", "Invalid value.")), _violation_field(item))
        for item in extra
        if isinstance(item, dict)
    ]
    detail = str(exc.detail or "")
    if "malformed" in detail.lower() or "json is malformed" in " ".join(v.message for v in violations).lower():
        return problem_response(400, "Malformed request", "The request body is not valid JSON.",
                                CoreErrorCode.MALFORMED_REQUEST, violations)
    return problem_response(422, "Invalid input", detail or "The request has invalid fields.",
                            CoreErrorCode.VALIDATION_ERROR, violations)


_HTTP_CODES: dict[type[HTTPException], tuple[str, str]] = {
    NotFoundException: (CoreErrorCode.NOT_FOUND, "Not found"),
    MethodNotAllowedException: (CoreErrorCode.METHOD_NOT_ALLOWED, "Method not allowed"),
    NotAuthorizedException: (CoreErrorCode.NOT_AUTHENTICATED, "Not signed in"),
    PermissionDeniedException: (CoreErrorCode.FORBIDDEN, "Forbidden"),
}


def _http_error(_: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    code, title = _HTTP_CODES.get(type(exc), ("http_error", "Request failed"))
    if exc.status_code == 400:
        code, title = CoreErrorCode.MALFORMED_REQUEST, "Malformed request"
    if exc.status_code >= 500:
        logger.error("HTTP %s: %s", exc.status_code, exc.detail)
        return problem_response(exc.status_code, "Service error", "The service could not answer.",
                                CoreErrorCode.INTERNAL_ERROR)
    return problem_response(exc.status_code, title, str(exc.detail), code, headers=exc.headers)


def _unhandled(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    # Database constraints are the last line of defence against races the services could not see.
    if is_integrity_error(exc):
        code = CoreErrorCode.DUPLICATE if is_unique_violation(exc) else CoreErrorCode.CONFLICT
        return problem_response(409, "Conflict with the current state",
                                "The change conflicts with a record that already exists.", code)
    logger.exception("Unhandled error", exc_info=exc)
    return problem_response(500, "Service error", "The service could not answer; the error was logged.",
                            CoreErrorCode.INTERNAL_ERROR)


EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    DomainError: _domain_error,
    ValidationException: _validation_error,
    HTTPException: _http_error,
    Exception: _unhandled,
}


def client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else ""


def bearer_token(request: Request[Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


async def optional_principal(request: Request[Any, Any, Any]) -> Principal | None:
    """Who is calling, cached on the request: bearer token first, then the session cookie."""
    if "principal" in request.state:
        cached: Principal | None = request.state["principal"]
        return cached
    principal: Principal | None = None
    if token := bearer_token(request):
        principal = await principal_for_bearer(token)
    elif cookie := request.cookies.get(SESSION_COOKIE):
        refuse_cross_site_write(request)
        principal = await principal_for_session(cookie)
    request.state["principal"] = principal
    return principal


STATE_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def refuse_cross_site_write(request: Request[Any, Any, Any]) -> None:
    """A session cookie rides along on requests another site makes the browser send. SameSite=Lax stops most;
    browsers also say where a request came from, so a cookie-borne write from another origin is refused here.
    Scripts (bearer tokens, or cookies without Origin) are unaffected; pages also carry a CSRF token."""
    if request.method not in STATE_CHANGING_METHODS:
        return
    cross_site = request.headers.get("sec-fetch-site") == "cross-site"
    origin = request.headers.get("origin")
    if origin is not None:
        cross_site = cross_site or urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower()
    if cross_site:
        raise Forbidden(CoreErrorCode.CROSS_SITE_REQUEST,
                        "This change came from another site with your session; it was refused.")


async def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    principal = await optional_principal(request)
    if principal is None:
        raise NotAuthenticated(CoreErrorCode.NOT_AUTHENTICATED, "Sign in, or send a bearer token.")
    return principal


def provide_today() -> dt.date:
    return business_today()

