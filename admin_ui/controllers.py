"""Server-rendered pages. For now: sign in, see who you are, sign out."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from core.controllers import session_cookie
from core.errors import NotAuthenticated
from core.http import SESSION_COOKIE, Viewer
from core.services import SESSION_LIFETIME, sign_in, sign_out

ROLE_LABELS = {
    "admin": "System administrator",
    "csas_coordinator": "CSAS coordinator",
    "vetting_officer": "Vetting officer",
    "hr": "HR",
    "manager": "Team manager",
    "officer": "Accredited officer",
}


class SignInForm(msgspec.Struct):
    username: str = ""
    password: str = ""


class PagesController(Controller):
    include_in_schema = False

    @get("/")
    async def home(self, viewer: Viewer) -> Template:
        if viewer is None:
            return Template("signin.html", context={"error": None, "username": ""})
        return Template("home.html", context={"viewer": viewer, "role_label": ROLE_LABELS[viewer.role.value]})

    @post("/login", status_code=200)
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[SignInForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        try:
            token, _ = await sign_in(data.username, data.password)
        except NotAuthenticated:
            return Template(
                "signin.html",
                context={"error": "Unknown username or wrong password.", "username": data.username},
                status_code=401,
            )
        return Redirect("/", status_code=303,
                        cookies=[session_cookie(request, token, int(SESSION_LIFETIME.total_seconds()))])

    @post("/logout", status_code=303)
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        if cookie := request.cookies.get(SESSION_COOKIE):
            await sign_out(cookie)
        return Redirect("/", status_code=303, cookies=[session_cookie(request, "", 0)])


ROUTE_HANDLERS: list[type] = [PagesController]
