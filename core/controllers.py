"""Sign-in, who am I, API tokens, health."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import JSONBody

from core.http import (
    SESSION_COOKIE,
    SIGNS_IN,
    ApiController,
    CurrentPrincipal,
    client_address,
    optional_principal,
    problem_responses,
)
from core.schemas import Health, LoginRequest, Me, PasswordChange, TokenCreate, TokenRead
from core.services import SESSION_LIFETIME, change_password, create_token, sign_in, sign_out
from core.tables import User


def me_of(principal: CurrentPrincipal) -> Me:
    return Me(
        id=principal.user_id,
        username=principal.username,
        role=principal.role,
        force_id=principal.force_id,
        organisation_id=principal.organisation_id,
        team_ids=sorted(principal.team_ids),
        officer_id=principal.officer_id,
    )


def session_cookie(request: Request[Any, Any, Any], token: str, max_age: int) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
        max_age=max_age,
    )


class AuthController(ApiController):
    path = "/api/auth"
    tags = ["auth"]

    # Refused from another site, and taken only as JSON (core.http.guard_input): no login CSRF.
    @post("/login", status_code=200, responses=problem_responses(401, 403, 415, 429), opt={SIGNS_IN: True})
    async def login(self, request: Request[Any, Any, Any], data: JSONBody[LoginRequest]) -> Response[Me]:
        token, principal = await sign_in(data.username, data.password, client_address(request))
        return Response(me_of(principal),
                        cookies=[session_cookie(request, token, int(SESSION_LIFETIME.total_seconds()))])

    @post("/logout", status_code=200)
    async def logout(self, request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
        if cookie := request.cookies.get(SESSION_COOKIE):
            await sign_out(cookie)
        return Response({"status": "signed out"}, cookies=[session_cookie(request, "", 0)])

    @get("/me")
    async def me(self, principal: CurrentPrincipal) -> Me:
        return me_of(principal)

    @post("/password", status_code=200, responses=problem_responses(401, 422, 429))
    async def change_password(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                              data: JSONBody[PasswordChange]) -> dict[str, str]:
        """Your own password. Every other session of yours ends (the one sending this stays); API tokens stay."""
        await change_password(principal, data.current_password, data.new_password,
                              request.cookies.get(SESSION_COOKIE), client_address(request))
        return {"status": "changed"}

    @post("/tokens", status_code=201)
    async def create_token(self, principal: CurrentPrincipal, data: JSONBody[TokenCreate]) -> TokenRead:
        return TokenRead(**await create_token(principal, data.username, data.name))


class HealthController(Controller):
    path = "/health"
    tags = ["health"]

    @get("/")
    async def live(self) -> Health:
        return Health(status="ok")

    @get("/ready")
    async def ready(self) -> Response[Health]:
        try:
            await User.raw("SELECT 1")
        except Exception:
            return Response(Health(status="unavailable"), status_code=503)
        return Response(Health(status="ok"))


__all__ = ["AuthController", "HealthController", "optional_principal"]
