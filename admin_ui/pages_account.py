"""Your own account, for every role: change your password; and, before signing in, a forgotten password's reset
and an invited user's first password, both by a one-time link sent by e-mail (core.accounts)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post, route
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect

from admin_ui.errors import PAGE_ERRORS
from admin_ui.forms import Action, Field, Values, done, page, run_action
from admin_ui.pages_officer import notice_for
from admin_ui.templating import LANDING
from core.accounts import LinkPurpose, password_link_state, request_password_reset, set_password_with_link
from core.errors import CoreErrorCode, NotFound, TooManyRequests
from core.http import SESSION_COOKIE, CurrentPrincipal, Viewer, client_address
from core.rules import MIN_PASSWORD_LENGTH, check_password
from core.services import change_password as change_own_password
from scheduler.jobs import background_delivery

PASSWORD_HINT = f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words make a strong one."


def password_rule(value: str) -> str | None:
    """The policy's rule, checked on the first page (core.rules.check_password, as the service checks it)."""
    violations = check_password(value)
    return violations[0].message if violations else None


def typed_twice(values: Values) -> dict[str, str]:
    if values.get("new_password") != values.get("confirm_password"):
        return {"confirm_password": "The passwords do not match. Type the same new password twice."}
    return {}


def new_password_fields() -> list[Field]:
    return [Field("new_password", "New password", "password", hint=PASSWORD_HINT, check=password_rule),
            Field("confirm_password", "Confirm the new password", "password")]


class ForgottenForm(msgspec.Struct):
    identifier: str = ""


LINK_PROBLEMS = {
    CoreErrorCode.LINK_EXPIRED: ("This link has expired", "Links to set a password work for a limited time."),
    CoreErrorCode.LINK_USED: ("This link has already been used", "Each link sets a password once."),
    CoreErrorCode.LINK_NOT_VALID: ("This link is not valid",
                                   "It may have been copied wrongly, or replaced by a newer link."),
}


class AccountPages(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @route("/account/password", http_method=["GET", "POST"])
    async def change_password(self, request: Request[Any, Any, Any], principal: CurrentPrincipal) -> Response[Any]:
        action = Action(
            title="Change your password", caption="Your account", submit="Change password",
            back_url=LANDING.get(principal.role.value, "/"),
            intro="Your other signed-in sessions end when you change it; this one stays signed in.",
            fields=[Field("current_password", "Current password", "password", autocomplete="current-password"),
                    *new_password_fields()],
            check=typed_twice,
        )

        async def perform(v: Values) -> Response[Any]:
            await change_own_password(principal, v["current_password"], v["new_password"],
                                      request.cookies.get(SESSION_COOKIE), client_address(request))
            # Back here, not to the landing page: every role's landing page does not show a banner.
            return done("/account/password", "password_changed")

        return await run_action(request, principal, action, perform, notice=notice_for(request))

    @get("/password/forgotten")
    async def forgotten(self, viewer: Viewer) -> Response[Any]:
        return page("pages/password_forgotten.html", viewer, title="Reset your password", back_url="/",
                    identifier="", error=None)

    @post("/password/forgotten", status_code=200)
    async def ask_for_link(
        self, request: Request[Any, Any, Any], viewer: Viewer,
        data: Annotated[ForgottenForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        identifier = data.identifier.strip()
        if not identifier:
            return page("pages/password_forgotten.html", viewer, status_code=422, back_url="/",
                        title="Error: Reset your password", identifier="",
                        error="Enter your username or email address.")
        try:
            await request_password_reset(identifier, client_address(request))
        except TooManyRequests as exc:
            return page("pages/password_forgotten.html", viewer, status_code=exc.status, back_url="/",
                        title="Error: Reset your password", identifier=identifier, error=exc.detail)
        background_delivery.kick()
        return page("pages/password_sent.html", viewer, title="Check your email")

    @route(["/password/reset/{token:str}", "/password/set/{token:str}"], http_method=["GET", "POST"])
    async def set_password(self, request: Request[Any, Any, Any], viewer: Viewer,
                           token: FromPath[str]) -> Response[Any]:
        try:
            state = await password_link_state(token)
        except NotFound as exc:
            heading, reason = LINK_PROBLEMS.get(CoreErrorCode(exc.code), LINK_PROBLEMS[CoreErrorCode.LINK_NOT_VALID])
            return page("pages/password_link.html", viewer, status_code=404, title=heading, heading=heading,
                        reason=reason)
        inviting = state.purpose is LinkPurpose.INVITE
        action = Action(
            title="Choose your password" if inviting else "Choose a new password", caption=state.username,
            submit="Set password", back_url="/", fields=new_password_fields(), check=typed_twice,
            intro="This link works once. You sign in with the new password straight after.",
        )

        async def perform(v: Values) -> Response[Any]:
            await set_password_with_link(token, v["new_password"])
            return Redirect("/?done=password_set", status_code=303)

        return await run_action(request, viewer, action, perform)


ROUTES: list[type] = [AccountPages]
