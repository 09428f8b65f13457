"""Server-rendered pages: sign in, land on the page for your job, sign out. Each role's pages live in
admin_ui/pages_*.py; ROUTE_HANDLERS is the registry of page controllers."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Redirect, Template

from admin_ui import (
    pages_account,
    pages_admin,
    pages_calendar,
    pages_capacity,
    pages_coordinator,
    pages_downloads,
    pages_imports,
    pages_manager,
    pages_next_steps,
    pages_officer,
    pages_people,
    pages_photo,
    pages_policy,
    pages_statement,
    pages_verify,
    pages_vetting,
)
from admin_ui.errors import NEXT, PAGE_ERRORS, local_path
from admin_ui.pages_officer import notice_for
from admin_ui.templating import LANDING
from core.controllers import session_cookie
from core.errors import NotAuthenticated, TooManyRequests
from core.http import SESSION_COOKIE, Viewer, client_address
from core.services import SESSION_LIFETIME, sign_in, sign_out


class SignInForm(msgspec.Struct):
    username: str = ""
    password: str = ""
    next: str = ""  # the page asked for before signing in (admin_ui.errors.sign_in_url)


def sign_in_page(username: str = "", error: str | None = None, next_page: str | None = None,
                 status_code: int = 200, headers: dict[str, str] | None = None, notice: Any = None) -> Template:
    return Template("signin.html", status_code=status_code, headers=headers, context={
        "error": error, "username": username, "title": "Sign in", "next": local_path(next_page), "notice": notice})


class PagesController(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/")
    async def home(self, request: Request[Any, Any, Any], viewer: Viewer,
                   next_page: Annotated[str | None, QueryParameter(name=NEXT)] = None) -> Response[Any]:
        if viewer is None:
            return sign_in_page(next_page=next_page, notice=notice_for(request))
        return Redirect(local_path(next_page) or LANDING.get(viewer.role.value, "/me"), status_code=303)

    @post("/login", status_code=200)
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[SignInForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        try:
            token, _ = await sign_in(data.username, data.password, client_address(request))
        except (NotAuthenticated, TooManyRequests) as exc:
            return sign_in_page(data.username, exc.detail, data.next, exc.status, exc.headers or None)
        # Back to the page asked for: a GET, so a form that was being posted is shown again, not replayed.
        return Redirect(local_path(data.next) or "/", status_code=303,
                        cookies=[session_cookie(request, token, int(SESSION_LIFETIME.total_seconds()))])

    @post("/logout", status_code=303)
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        if cookie := request.cookies.get(SESSION_COOKIE):
            await sign_out(cookie)
        return Redirect("/", status_code=303, cookies=[session_cookie(request, "", 0)])


ROUTE_HANDLERS: list[type] = [
    PagesController, *pages_officer.ROUTES, *pages_manager.ROUTES, *pages_vetting.ROUTES,
    *pages_coordinator.ROUTES, *pages_admin.ROUTES, *pages_people.ROUTES,
    *pages_next_steps.ROUTES, *pages_account.ROUTES, *pages_downloads.ROUTES, *pages_imports.ROUTES,
    *pages_policy.ROUTES, *pages_calendar.ROUTES, *pages_photo.ROUTES, *pages_verify.ROUTES, *pages_statement.ROUTES,
    *pages_capacity.ROUTES,
]
