"""The public card check (issue 20): GET /verify/{token}, what an ID card's QR code opens. No sign-in, and the
signed-in app's menu is never shown (the page is rendered as for nobody, whoever asks). HTML for browsers, the
same answer as JSON for machines (`Accept: application/json`). Throttled per client address (core.throttle,
which keeps no address); never cached; core.logs keeps the asker's address and the token out of the access log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from admin_ui.errors import PAGE_ERRORS
from core.errors import TooManyRequests
from core.http import PROBLEM_MEDIA_TYPE, Today, client_address, problem_response
from core.settings import get_settings
from core.throttle import count_request
from scheduler.verification import Verdict, card_photo, verify_card

THROTTLE_BUCKET = "verify"
PHOTO_THROTTLE_BUCKET = "verify-photo"  # a page's photo is its second request: counted apart
JSON = "application/json"
# Every answer differs by Accept, and none may be kept: a suspension must show at the very next look.
HEADERS = {"Cache-Control": "no-store", "Vary": "Accept"}
MAX_POWER_CODE = 64  # the catalogue's column: a longer code names no power


def wants_json(request: Request[Any, Any, Any]) -> bool:
    """HTML unless the client ranks JSON above it (a browser's Accept ranks HTML first; no Accept gets HTML)."""
    return request.accept.best_match(["text/html", JSON, PROBLEM_MEDIA_TYPE]) in (JSON, PROBLEM_MEDIA_TYPE)


def _answer(request: Request[Any, Any, Any], verdict: Verdict, today: dt.date, token: str) -> Response[Any]:
    status = 200 if verdict.valid else 404
    if wants_json(request):
        return Response(verdict.as_json(), status_code=status, media_type=JSON, headers=HEADERS)
    template = "pages/verify.html" if verdict.valid else "pages/verify_not_valid.html"
    title = ("Accredited" if verdict.accredited_today else "Not accredited today") if verdict.valid \
        else "Not a valid card"
    return Template(template, status_code=status, headers=HEADERS,
                    context={"viewer": None, "title": title, "verdict": verdict, "today": today,
                             "photo_url": f"/verify/{token}/photo.jpg"})


def _too_many(request: Request[Any, Any, Any], exc: TooManyRequests) -> Response[Any]:
    headers = {**HEADERS, **(exc.headers or {})}
    if wants_json(request):
        return problem_response(exc.status, exc.title, exc.detail, exc.code, headers=headers)
    return Template("pages/error.html", status_code=exc.status, headers=headers, context={
        "viewer": None, "title": "Too many checks", "status": exc.status, "back_link": None,
        "lines": [exc.detail, "Each address may check a limited number of cards a minute."]})


class VerifyPage(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/verify/{token:str}")
    async def verify(self, request: Request[Any, Any, Any], today: Today, token: FromPath[str],
                     power: FromQuery[str | None] = None) -> Response[Any]:
        try:
            await count_request(THROTTLE_BUCKET, client_address(request), get_settings().verify_checks_per_minute,
                                dt.timedelta(minutes=1))
        except TooManyRequests as exc:
            return _too_many(request, exc)
        asked = power.strip().upper()[:MAX_POWER_CODE] if power is not None else None
        return _answer(request, await verify_card(token, today, asked or None), today, token)

    @get("/verify/{token:str}/photo.jpg")
    async def photo(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[Any]:
        try:
            await count_request(PHOTO_THROTTLE_BUCKET, client_address(request),
                                get_settings().verify_checks_per_minute, dt.timedelta(minutes=1))
        except TooManyRequests as exc:
            return _too_many(request, exc)
        jpeg = await card_photo(token)
        if jpeg is None:
            return Response(b"", status_code=404, headers=HEADERS)
        return Response(jpeg, media_type="image/jpeg", headers=HEADERS)


ROUTES: list[type] = [VerifyPage]
