"""Litestar glue shared by every domain: the problem-details translation, who is calling, paging."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlsplit

import msgspec
from litestar import Controller, Litestar, Request, Response
from litestar.di import NamedDependency, Provide
from litestar.enums import ParamType
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Schema,
    SecurityScheme,
)
from litestar.params import QueryParameter
from litestar.types import ExceptionHandlersMap
from litestar.utils.signature import ParsedSignature

from core.access import Principal
from core.clock import business_today
from core.db import is_integrity_error, is_unique_violation
from core.errors import (
    CoreErrorCode,
    DomainError,
    Forbidden,
    Malformed,
    NotAuthenticated,
    NotFound,
    UnsupportedMediaType,
    Violation,
    invalid,
    problem_body,
    raise_if_days_out_of_range,
)
from core.lifecycle import is_database_unavailable
from core.schemas import ProblemDetails
from core.services import principal_for_bearer, principal_for_session

logger = logging.getLogger("csas.http")

SESSION_COOKIE = "csas_session"
PROBLEM_MEDIA_TYPE = "application/problem+json"

T = TypeVar("T")


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    total: int


Limit = Annotated[int, QueryParameter(ge=1, le=500, description="Page size (max 500).")]
# Row ids are Piccolo serials: 32-bit on PostgreSQL (64-bit on SQLite), so no row has an id above MAX_ID.
MAX_ID = 2**31 - 1
MAX_BIGINT = 2**63 - 1
Offset = Annotated[int, QueryParameter(ge=0, le=MAX_BIGINT, description="Rows to skip.")]
# Handler parameters filled by the app-level dependencies of the same name (app.py).
CurrentPrincipal = NamedDependency[Principal]
Viewer = NamedDependency[Principal | None]
Today = NamedDependency[dt.date]
# The day a read answers for: the client's as_of, else today (provide_day). Its as_of query parameter is the
# dependency's, so Litestar documents it on every route taking a Day, and guard_input checks it.
Day = NamedDependency[dt.date]

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
        Violation(CoreErrorCode.INVALID_VALUE, str(item.get("message", "Invalid value.")), _violation_field(item))
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


def is_invalid_data(exc: BaseException) -> bool:
    """A value the database (or the date arithmetic before it) cannot hold: a number out of range, a string
    too long for its column, text the encoding refuses. The request carried it, so it is invalid input."""
    if isinstance(exc, OverflowError):  # SQLite: int beyond 64 bits; dates beyond year 9999
        return True
    try:
        import asyncpg
    except ImportError:  # pragma: no cover
        return False
    # Server-side class 22 (data exception) and the client-side encoder's refusal of a query argument.
    return isinstance(exc, asyncpg.exceptions.DataError | asyncpg.exceptions._base.DataError)


RETRY_AFTER_SECONDS = "5"


@dataclass(frozen=True)
class UnhandledAnswer:
    """What an exception no service turned into a domain error means for the caller: the API answers it as problem
    details (_unhandled), the pages as an HTML error page (admin_ui.forms.page_error)."""

    status: int
    title: str
    detail: str
    code: str
    violations: list[Violation] | None = None

    @property
    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": RETRY_AFTER_SECONDS} if self.status == 503 else None


def is_too_deep_body(exc: BaseException) -> bool:
    """msgspec's refusal of a body nested deeper than the interpreter's recursion limit: the client sent it."""
    return isinstance(exc, RecursionError) and "deserializing" in str(exc)


def classify_unhandled(exc: Exception) -> UnhandledAnswer:
    # A body too deeply nested to decode (the API's guard refuses these first; this covers every other route).
    if is_too_deep_body(exc):
        return UnhandledAnswer(400, "Malformed request", "The request body is nested too deeply.",
                               CoreErrorCode.MALFORMED_REQUEST, [_too_deep_violation()])
    # Database constraints are the last line of defence against races the services could not see.
    if is_integrity_error(exc):
        code = CoreErrorCode.DUPLICATE if is_unique_violation(exc) else CoreErrorCode.CONFLICT
        return UnhandledAnswer(409, "Conflict with the current state",
                               "The change conflicts with a record that already exists.", code)
    if is_invalid_data(exc):
        logger.info("Invalid data refused: %s", type(exc).__name__)
        return UnhandledAnswer(422, "Invalid input", "A value is out of range or not acceptable text.",
                               CoreErrorCode.VALIDATION_ERROR,
                               [Violation(CoreErrorCode.INVALID_VALUE,
                                          "A value is out of range or not acceptable text.")])
    if is_database_unavailable(exc):  # a database restart or outage: a clean, retryable answer, no traceback
        logger.warning("Database unavailable: %s: %s", type(exc).__name__, exc)
        return UnhandledAnswer(503, "Service unavailable", "The database cannot be reached or did not answer in time; "
                               "try again shortly.",
                               CoreErrorCode.DATABASE_UNAVAILABLE)
    logger.exception("Unhandled error", exc_info=exc)
    return UnhandledAnswer(500, "Service error", "The service could not answer; the error was logged.",
                           CoreErrorCode.INTERNAL_ERROR)


def _unhandled(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    answer = classify_unhandled(exc)
    return problem_response(answer.status, answer.title, answer.detail, answer.code, answer.violations,
                            headers=answer.headers)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    DomainError: _domain_error,
    ValidationException: _validation_error,
    HTTPException: _http_error,
    Exception: _unhandled,
}


# --- Hostile input, refused once for every API route (ApiController) ------------------------------------

_JSON_NUL = b"\\u0000"
# No request body has more than a few levels; decoders recurse per level, so a deep one must never reach them.
MAX_JSON_DEPTH = 32


def _nesting_exceeds(value: Any, limit: int) -> bool:
    """Whether a decoded JSON value nests lists/objects more than `limit` deep (walked without recursion)."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON body nests arrays/objects more than `limit` deep. Free for ordinary bodies: only one
    with more than `limit` opening brackets is decoded to look (msgspec, in C, linear; a body too deep for
    it to decode at all raises RecursionError). Malformed JSON is left to the body parser (400)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    try:
        decoded = msgspec.json.decode(body)
    except RecursionError:
        return True
    except msgspec.DecodeError:
        return False
    return _nesting_exceeds(decoded, limit)


def _too_deep_violation() -> Violation:
    return Violation(CoreErrorCode.NESTING_TOO_DEEP, f"JSON may nest arrays and objects at most {MAX_JSON_DEPTH} deep.")


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _nul_violation(field: str | None) -> Violation:
    return Violation(CoreErrorCode.NUL_CHARACTER, "Text must not contain NUL characters.", field)


@functools.cache
def _day_query_names(handler: BaseRouteHandler) -> frozenset[str]:
    """The query parameters of a route that are days (as_of, from, to...), by the name clients send: the
    handler's own and those of the dependencies it takes (as_of is provide_day's)."""
    dependencies = handler.resolve_dependencies()
    return frozenset(_day_names(handler.parsed_fn_signature, dependencies))


def _day_names(signature: ParsedSignature, dependencies: dict[str, Provide]) -> Iterator[str]:
    for name, parameter in signature.parameters.items():
        if name in dependencies:  # filled by the app, never sent: only the dependency's own parameters are
            yield from _day_names(dependencies[name].parsed_fn_signature, dependencies)
            continue
        kwarg = parameter.kwarg_definition
        is_query = kwarg is None or getattr(kwarg, "param_type", None) == ParamType.QUERY
        if is_query and (parameter.is_subclass_of(dt.date) or parameter.has_inner_subclass_of(dt.date)):
            yield getattr(kwarg, "name", None) or getattr(kwarg, "query", None) or name


def _leading_day(value: str) -> dt.date | None:
    """The day a date (or timestamp) query value names; None when it names none, which the parameter's own parsing
    then refuses."""
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


async def guard_input(request: Request[Any, Any, Any]) -> None:
    """Refuses what no field may hold, before any handler sees it: an id in the path (every integer path
    parameter is a row id) outside 1..MAX_ID (404: no such record, without asking a database that cannot
    even compare it), NUL characters anywhere in the path, query or JSON body (422: PostgreSQL cannot
    store them, so neither engine accepts them), and a day outside the register's range in a date query parameter
    (422, violation date_out_of_range; a JSON body refuses its own as it is decoded, core.schemas.Body)."""
    # Every API route, login and logout included, before any dependency runs (pages carry CSRF tokens instead).
    signs_in = bool(request.route_handler.opt.get(SIGNS_IN))
    if signs_in or (bearer_token(request) is None and SESSION_COOKIE in request.cookies):
        # Signing in writes the cookie, so it is refused from another site with or without one (login CSRF).
        refuse_cross_site_write(request)
    if signs_in and request.content_type[0] != "application/json":
        # Only a JSON body: a form or text/plain post is what another site can make a browser send unasked.
        raise UnsupportedMediaType(CoreErrorCode.UNSUPPORTED_MEDIA_TYPE,
                                   "Send the credentials as JSON (Content-Type: application/json).")
    violations: list[Violation] = []
    for name, value in request.path_params.items():
        if isinstance(value, int) and not 0 < value <= MAX_ID:
            raise NotFound(CoreErrorCode.NOT_FOUND, f"No record has this {name}.")
        if isinstance(value, str) and "\x00" in value:
            violations.append(_nul_violation(name))
    for name, value in request.query_params.multi_items():
        if "\x00" in name or "\x00" in value:
            violations.append(_nul_violation(name.replace("\x00", "")))
    if violations:
        raise invalid(violations)
    days = _day_query_names(request.route_handler)
    if days:
        raise_if_days_out_of_range((name, _leading_day(value)) for name, value in request.query_params.multi_items()
                                   if name in days)
    if request.content_type[0].endswith("json"):
        body = await request.body()
        if json_too_deep(body):
            raise Malformed(CoreErrorCode.MALFORMED_REQUEST, "The request body is nested too deeply.",
                            [_too_deep_violation()])
        if _JSON_NUL in body:
            try:
                decoded = msgspec.json.decode(body)
            except msgspec.DecodeError:
                return  # malformed: the body parser answers 400
            if isinstance(decoded, dict):
                violations = [_nul_violation(str(k).replace("\x00", "")) for k, v in decoded.items()
                              if _has_nul(k) or _has_nul(v)]
            elif _has_nul(decoded):
                violations = [_nul_violation(None)]
            if violations:
                raise invalid(violations)


_PROBLEM_TEXT = {
    400: "Malformed request: the body is not valid JSON or not a valid form.",
    401: "Not signed in: sign in, or send a bearer token.",
    403: "Outside the caller's role or scope (or, signing in, sent from another site).",
    404: "Unknown id (or a path that names nothing).",
    409: "Conflicts with the current state (an illegal status change, a duplicate); `code` says which.",
    415: "The body is not in the media type this route takes (signing in: application/json).",
    422: "Invalid input; `violations` name the fields.",
    429: "Too many failed attempts; retry after the Retry-After header's seconds.",
}


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI documentation of problem-details answers, for a handler's `responses=`."""
    return {
        status: ResponseSpec(data_container=ProblemDetails, description=_PROBLEM_TEXT[status],
                             media_type=PROBLEM_MEDIA_TYPE, generate_examples=False)
        for status in statuses
    }


_CONTEXT_PARAMETERS = {"self", "request", "principal", "viewer", "today", "data"}


def _problem_statuses(handler: HTTPRouteHandler) -> Iterator[int]:
    """The problem answers a handler can give, from its shape: who it needs, what input it takes, whether it
    writes."""
    names = set(inspect.signature(handler.fn).parameters)
    takes_input = "data" in names or bool(names - _CONTEXT_PARAMETERS) or any("{" in p for p in handler.paths)
    if "principal" in names:
        yield from (401, 403)
    if takes_input:
        yield from (400, 404, 422)
    if handler.http_methods - {"GET", "HEAD"} and (takes_input or "principal" in names):
        yield 409


def file_operation(*media_types: str) -> type[Operation]:
    """An OpenAPI operation class for a route whose 200 answer is a file in one of several formats (Litestar
    documents one media type per status): pass it as the handler's `operation_class`."""

    @dataclass
    class FileOperation(Operation):
        def __post_init__(self) -> None:
            ok = (self.responses or {}).get("200")
            if isinstance(ok, OpenAPIResponse):
                binary = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
                ok.content = {media_type: OpenAPIMediaType(schema=binary) for media_type in media_types}

    return FileOperation


# How a caller signs in, for the OpenAPI document (app.py names the schemes): a route that needs a principal
# takes either; the rest (sign-in, calendar feeds by their token) declare none, so clients and fuzzers know which
# answers 401 without one.
BEARER_SCHEME, SESSION_SCHEME = "bearerToken", "sessionCookie"
SIGNED_IN: list[dict[str, list[str]]] = [{BEARER_SCHEME: []}, {SESSION_SCHEME: []}]
SECURITY_SCHEMES = {
    BEARER_SCHEME: SecurityScheme(type="http", scheme="bearer",
                                  description="A token from `csas token create` or POST /api/auth/tokens."),
    SESSION_SCHEME: SecurityScheme(type="apiKey", security_scheme_in="cookie", name=SESSION_COOKIE,
                                   description="The session cookie POST /api/auth/login sets."),
}


class ApiController(Controller):
    """Base of every JSON API controller: documents the problem-details answers each route can give (so the
    OpenAPI document is true to what clients receive) and refuses hostile input before any handler runs."""

    before_request = staticmethod(guard_input)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "before_request" in vars(cls):
            raise TypeError(f"{cls.__name__} must not replace ApiController's input guard (before_request).")
        for value in vars(cls).values():
            if isinstance(value, HTTPRouteHandler):
                value.responses = {**problem_responses(*_problem_statuses(value)), **(value.responses or {})}
                if "principal" in inspect.signature(value.fn).parameters and value.security is None:
                    value.security = SIGNED_IN


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
        principal = await principal_for_session(cookie)
    request.state["principal"] = principal
    return principal


# Route handler opt key: the route signs the browser in (sets the session cookie).
SIGNS_IN = "signs_in"
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


def provide_day(today: Today, as_of: AsOf = None) -> dt.date:
    return as_of or today



def finish_openapi_document(app: Litestar) -> None:
    """Two things the server enforces that Litestar 2.25 leaves out of the OpenAPI document: a body whose struct
    forbids unknown fields says `additionalProperties: false` (PUT /api/policy), and a body the handler may go
    without (a `data` parameter with a default, POST /api/sweep) is not required. Built once, with the app."""
    from core.schemas import Body

    document = app.openapi_schema
    components = (document.components.schemas or {}) if document.components else {}
    pending: list[type[msgspec.Struct]] = [Body]
    while pending:
        struct = pending.pop()
        pending.extend(struct.__subclasses__())
        schema = components.get(struct.__name__)
        if schema is not None and struct.__struct_config__.forbid_unknown_fields:
            schema.additional_properties = False
    for path, handlers in app.route_handler_method_map.items():
        for method, handler in handlers.items():
            data = handler.parsed_fn_signature.parameters.get("data") if isinstance(handler, HTTPRouteHandler) \
                else None
            item = (document.paths or {}).get(_path_format(path))
            operation = getattr(item, str(method).lower(), None) if item else None
            if data is not None and data.has_default and operation is not None and operation.request_body:
                operation.request_body.required = False


def _path_format(path: str) -> str:
    """'/api/officers/{officer_id:int}' as the document writes it: '/api/officers/{officer_id}'."""
    return re.sub(r"\{(\w+):[^}]+\}", r"{\1}", path)
