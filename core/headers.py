"""Security headers on every response: a strict content security policy (no inline script, nothing from other
origins, no framing), nosniff, a referrer policy, HSTS when served over HTTPS, and `Cache-Control: no-store`
on everything but the public answers meant to be cached, so a page seen while signed in cannot come back from
the browser's cache (Back after sign-out) without asking the server, which checks the session and audits reads.

A `before_send` hook, not a middleware: Litestar's router answers unknown paths (404) and wrong methods (405)
outside every middleware, but each message the app sends passes through the app's `before_send` hooks."""

from __future__ import annotations

from typing import Any

from litestar.types import Message, Scope

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# The interactive API docs page is Litestar's own, with inline bootstrapping: it gets a looser policy of its own.
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline' https:; "
    "script-src 'self' 'unsafe-inline' https:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
NO_STORE = "no-store"
SESSION_COOKIE = b"csas_session="  # core.http.SESSION_COOKIE; not imported: this module stays below core.http


def is_cacheable_public(path: str) -> bool:
    """Public answers, the same for everyone and meant to be cached (or to say their own caching): left alone."""
    return path.startswith("/static/") or path == "/health" or path.startswith("/health/")


def _raw(headers: dict[str, str]) -> tuple[tuple[bytes, bytes], ...]:
    return tuple((name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items())


_COMMON = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}
# Each response's headers, as ASGI sends them (lower-case bytes): added to every response, so built once.
_ADDED = {
    (is_docs, is_https): _raw({"Content-Security-Policy": DOCS_CONTENT_SECURITY_POLICY if is_docs
                               else CONTENT_SECURITY_POLICY} | _COMMON
                              | ({"Strict-Transport-Security": HSTS} if is_https else {}))
    for is_docs in (False, True) for is_https in (False, True)
}
_NO_CACHE = _raw({"Cache-Control": NO_STORE, "Pragma": "no-cache"})
_CACHE_HEADERS = frozenset(name for name, _ in _NO_CACHE)


def carries_credentials(scope: Scope) -> bool:
    """A bearer token or a session cookie (valid or not: an expired one was valid when the page was shown)."""
    for name, value in scope.get("headers") or ():
        if name == b"authorization" or (name == b"cookie" and SESSION_COOKIE in value):
            return True
    return False


async def add_security_headers(message: Message, scope: Scope) -> None:
    """Adds each header the response has not set itself. Answers to a signed-in caller are never stored, whatever
    the handler said (a chart or an error page shows what only that caller may see); an anonymous answer keeps a
    Cache-Control its handler chose (a calendar feed, read by calendar apps with its token in the URL)."""
    if message["type"] != "http.response.start":
        return
    path = str(scope.get("path", ""))
    added = _ADDED[path.startswith("/schema"), scope.get("scheme") == "https"]
    headers = list(message.get("headers") or ())
    present = {name.lower() for name, _ in headers}
    headers.extend(header for header in added if header[0] not in present)
    if not is_cacheable_public(path):
        if carries_credentials(scope):
            headers = [header for header in headers if header[0].lower() not in _CACHE_HEADERS]
            headers.extend(_NO_CACHE)
        elif b"cache-control" not in present:
            headers.extend(header for header in _NO_CACHE if header[0] not in present)
    message["headers"] = headers


def _methods_by_path(app: Any) -> dict[str, str]:
    """Every path's methods, as the router knows them, joined for an Allow header."""
    return {path: ", ".join(sorted({*handlers} | {"OPTIONS"}))
            for path, handlers in app.route_handler_method_map.items()}


_ALLOW_STATE_KEY = "csas_allow_by_path"


async def complete_allow_header(message: Message, scope: Scope) -> None:
    """OPTIONS answers list every method of their path. Litestar builds a path's OPTIONS answer when the path's first
    handler is registered, so a controller with GET and PATCH on one path answered `Allow: GET, OPTIONS`; the
    router's own map, read once per app, knows them all."""
    if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS" or message["status"] != 204:
        return
    app = scope["litestar_app"]
    known: dict[str, str] | None = app.state.get(_ALLOW_STATE_KEY)
    if known is None:
        known = app.state[_ALLOW_STATE_KEY] = _methods_by_path(app)
    paths = getattr(scope.get("route_handler"), "paths", None) or ()
    allow = next((known[path] for path in paths if path in known), None)
    if allow is not None:
        headers = [header for header in message.get("headers") or () if header[0].lower() != b"allow"]
        message["headers"] = [*headers, (b"allow", allow.encode("latin-1"))]
