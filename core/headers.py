"""Security headers on every response: a strict content security policy (no inline script, nothing from other
origins, no framing), nosniff, a referrer policy, and HSTS when served over HTTPS."""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

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


class SecurityHeadersMiddleware:
    """Adds each header the response has not set itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        added = _ADDED[str(scope.get("path", "")).startswith("/schema"), scope.get("scheme") == "https"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or ())
                present = {name.lower() for name, _ in headers}
                headers.extend(header for header in added if header[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
