"""What a browser is shown when a request goes wrong, and the codes of refusals only the pages make.

The rule for which answer an error gets:
- under /api/ it is always problem details (JSON), as api.md promises;
- on a page route (every controller with PAGE_ERRORS) it is always an HTML page: pages are for people;
- anywhere else (an unknown path, a wrong method, a missing static file, /health, /schema) it is an HTML page when
  the request's Accept header ranks text/html above JSON, as every browser's does, and problem details otherwise,
  so curl and scripts keep getting JSON.

Not signed in (or the session expired) on a page: a redirect to sign in that carries the path asked for, so
signing in lands back there (a GET: a posted form's answers are not replayed, the form is shown again)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode, urlsplit

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.response.base import ASGIResponse
from litestar.types import Empty, ExceptionHandler, ExceptionHandlersMap, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from core.errors import DomainError
from core.http import PROBLEM_MEDIA_TYPE, classify_unhandled, optional_principal


class AdminErrorCode(StrEnum):
    NO_OFFICER_RECORD = "no_officer_record"


# A person retries a page by hand, so the page says "in a minute"; scripts get the API's shorter Retry-After.
PAGE_RETRY_AFTER_SECONDS = "60"
CSRF_COOKIE = "csas_csrf"  # the CSRF middleware's cookie (app.py)
# The sign-in page's parameter naming the page to return to.
NEXT = "next"


def local_path(value: str | None) -> str | None:
    """`value` when it is a path on this site, else None: what a redirect may safely go to. Refuses other hosts in
    every spelling browsers accept (//host, /\\host, a scheme) and control characters (browsers drop tabs and
    newlines, so '/\\t/host' would become '//host')."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


def sign_in_url(request: Request[Any, Any, Any]) -> str:
    """The sign-in page, told to come back to the page asked for (a form's page when a form was posted)."""
    wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.url.path == "/" or local_path(wanted) is None:
        return "/"
    return "/?" + urlencode({NEXT: wanted})


def wants_page(request: Request[Any, Any, Any]) -> bool:
    path = request.url.path
    if path == "/api" or path.startswith("/api/"):
        return False
    return request.accept.best_match([PROBLEM_MEDIA_TYPE, "application/json", "text/html"]) == "text/html"


def _referrer(request: Request[Any, Any, Any]) -> str | None:
    """The page the person came from, when it was one of ours: the error page's back link."""
    referer = request.headers.get("referer")
    if not referer:
        return None
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc.lower() != request.headers.get("host", "").lower():
        return None
    back = local_path(parts.path + (f"?{parts.query}" if parts.query else ""))
    # A GET's own address would only show the error again; a refused form's address shows the form again.
    return back if back and (back != request.url.path or request.method != "GET") else None


NOT_FOUND_LINES = ["If you typed the web address, check it is correct.",
                   "If you pasted the web address, check you copied the entire address.",
                   "If you followed a link, the record it named may no longer exist."]
CSRF_LINES = ["For your security, the register only accepts a form it showed you recently, and this one had "
              "expired (or was sent from another site). Nothing was saved.",
              "Go back, reload the page and try again."]
SERVER_LINES = ["Try again later. If it keeps happening, tell your system administrator: the error was logged."]
UNAVAILABLE_LINES = ["It cannot reach its database just now. Try again in a minute; nothing you entered was saved."]


def _is_csrf_failure(exc: Exception) -> bool:
    # Litestar's CSRF middleware says so only in its message; a page's own refusals are DomainErrors.
    return isinstance(exc, PermissionDeniedException) and "csrf" in str(exc.detail).lower()


def _explain(request: Request[Any, Any, Any], exc: Exception) -> tuple[int, str, list[str]]:
    """Status, a heading in plain words, and what to do: never the exception's own text for a server fault."""
    if _is_csrf_failure(exc):
        return 403, "Your form could not be sent", CSRF_LINES
    if isinstance(exc, DomainError):
        status, detail = exc.status, [exc.detail] if exc.detail else []
    elif isinstance(exc, HTTPException):
        status, detail = exc.status_code, []
    else:  # classified as the API does; shown as a page
        status, detail = classify_unhandled(exc).status, []
    if isinstance(exc, NotFoundException) or status == 404:
        return 404, "Page not found", NOT_FOUND_LINES
    if isinstance(exc, MethodNotAllowedException) or status == 405:
        return 405, "This address cannot be used like that", [
            "Use the links and buttons on the register's pages rather than typing this address."]
    if status == 403:
        heading = "You do not have permission to see this page" if request.method in ("GET", "HEAD") \
            else "You do not have permission to do this"
        return 403, heading, detail or ["Your role or your scope does not cover it."]
    if status == 503:  # a service's own 503 says what is missing (the statement's signing key); else the database
        return 503, "Sorry, the register is unavailable", detail or UNAVAILABLE_LINES
    if status >= 500:
        return status, "Sorry, there is a problem with the service", SERVER_LINES
    if status == 409:
        return 409, "That could not be done", detail or ["It conflicts with the record as it stands now."]
    if status == 429:
        return 429, "Too many attempts", detail or ["Wait a minute, then try again."]
    return status, "The register could not use what was sent", detail or [
        "Go back and check what you entered, then try again."]


class _AfterSession(ASGIResponse):
    """An ASGI response built when it is sent, once `build` has awaited what it needs."""

    def __init__(self, build: Callable[[], Awaitable[ASGIResponse]]) -> None:
        self._build = build  # the parent's fields belong to the response `build` makes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await (await self._build())(scope, receive, send)


class _ErrorPage(Template):
    """An error page that finds who is signed in when no route did: the router answers an unknown path before any
    dependency runs, and exception handlers cannot await, so the session is read when the page is sent."""

    def to_asgi_response(self, app: Any, request: Request[Any, Any, Any], **kwargs: Any) -> ASGIResponse:
        async def build() -> ASGIResponse:
            if self.context.get("viewer") is None and "principal" not in request.state:
                try:
                    self.context["viewer"] = await optional_principal(request)
                except Exception:  # the error page is still sent when the session store is down
                    self.context["viewer"] = None
                state = ScopeState.from_scope(request.scope)
                if self.context["viewer"] is not None and state.csrf_token is Empty:
                    # The CSRF middleware did not run either; on a GET its token is the cookie's own value, which
                    # the header's Sign out form needs.
                    state.csrf_token = request.cookies.get(CSRF_COOKIE, Empty)
            return Template.to_asgi_response(self, app, request, **kwargs)

        return _AfterSession(build)


def page_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Domain, HTTP and unexpected errors as an HTML page with a way back (sign-in when not signed in)."""
    status = exc.status if isinstance(exc, DomainError) else getattr(exc, "status_code", 500)
    if status == 401:
        return Redirect(sign_in_url(request), status_code=303)
    status, heading, lines = _explain(request, exc)
    viewer = request.state.get("principal") if "principal" in request.state else None
    headers = {"Retry-After": PAGE_RETRY_AFTER_SECONDS} if status == 503 else None
    if isinstance(exc, HTTPException) and exc.headers and status == 405:
        headers = {**(headers or {}), **exc.headers}
    return _ErrorPage("pages/error.html", status_code=status, headers=headers, context={
        "viewer": viewer, "title": heading, "lines": lines, "status": status, "back_link": _referrer(request)})


# Every page controller's exception_handlers: errors as HTML pages, never problem+json or a stack trace.
PAGE_ERRORS: ExceptionHandlersMap = {
    DomainError: page_error, HTTPException: page_error, ValidationException: page_error, Exception: page_error,
}


def with_error_pages(api_handlers: ExceptionHandlersMap) -> ExceptionHandlersMap:
    """The app's own exception handlers (what answers outside every page controller: unknown paths, wrong methods),
    each answering a browser with an error page and everyone else as before."""

    def choose(api_handler: ExceptionHandler[Any]) -> ExceptionHandler[Any]:
        def handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
            return page_error(request, exc) if wants_page(request) else api_handler(request, exc)

        return handler

    return {kind: choose(api_handler) for kind, api_handler in api_handlers.items()}
