"""Server-rendered pages: sign in, land on the page for your job, sign out. Each role's pages live in
admin_ui/pages_*.py; ROUTE_HANDLERS is the registry of page controllers."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from admin_ui import (
    pages_admin,
    pages_calendar,
    pages_coordinator,
    pages_downloads,
    pages_imports,
    pages_manager,
    pages_officer,
    pages_policy,
    pages_vetting,
)
from admin_ui.forms import PAGE_ERRORS
from core.controllers import session_cookie
from core.errors import NotAuthenticated, TooManyRequests
from core.http import SESSION_COOKIE, Viewer, client_address
from core.services import SESSION_LIFETIME, sign_in, sign_out

LANDING = {
    "admin": "/admin",
    "csas_coordinator": "/forecast",
    "vetting_officer": "/vetting",
    "hr": "/vetting",
    "manager": "/team",
    "officer": "/me",
}


class SignInForm(msgspec.Struct):
    username: str = ""
    password: str = ""


class PagesController(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/")
    async def home(self, viewer: Viewer) -> Response[Any]:
        if viewer is None:
            return Template("signin.html", context={"error": None, "username": "", "title": "Sign in"})
        return Redirect(LANDING.get(viewer.role.value, "/me"), status_code=303)

    @post("/login", status_code=200)
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[SignInForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        try:
            token, _ = await sign_in(data.username, data.password, client_address(request))
        except (NotAuthenticated, TooManyRequests) as exc:
            return Template(
                "signin.html",
                context={"error": exc.detail, "username": data.username, "title": "Sign in"},
                status_code=exc.status,
                headers=exc.headers or None,
            )
        return Redirect("/", status_code=303,
                        cookies=[session_cookie(request, token, int(SESSION_LIFETIME.total_seconds()))])

    @post("/logout", status_code=303)
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        if cookie := request.cookies.get(SESSION_COOKIE):
            await sign_out(cookie)
        return Redirect("/", status_code=303, cookies=[session_cookie(request, "", 0)])


ROUTE_HANDLERS: list[type] = [
    PagesController, *pages_officer.ROUTES, *pages_manager.ROUTES, *pages_vetting.ROUTES,
    *pages_coordinator.ROUTES, *pages_admin.ROUTES, *pages_downloads.ROUTES, *pages_imports.ROUTES,
    *pages_policy.ROUTES, *pages_calendar.ROUTES,
]
