"""Calendar subscriptions (issue 19): the page for an officer's, a team's or an employer's feed, with a button
that makes its private address; the address shown once with a copy button and a webcal:// link; the user's own
feeds listed, each with a revoke button. Feeds are made, listed and revoked by scheduler.calendars (scope
checked and every change audited there)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from litestar import Controller, Request, Response, get, post, route
from litestar.params import FromPath, FromQuery

from admin_ui.errors import PAGE_ERRORS
from admin_ui.forms import Action, done, page, run_action
from admin_ui.pages_officer import notice_for
from core.access import Principal
from core.errors import CoreErrorCode, Forbidden
from core.http import CurrentPrincipal
from scheduler import calendars

INTRO = ("You get a private address to add to your calendar app (Outlook, Google, Apple) as a subscription: it "
         "shows expiries, the dates renewals should start by and when powers lapse. Anyone with the address can "
         "read the calendar: keep it to yourself, and revoke it here if it is shared by mistake.")


def webcal(url: str) -> str:
    """The same address with the webcal scheme, which calendar apps open as a subscription."""
    parts = urlsplit(url)
    return urlunsplit(("webcal", parts.netloc, parts.path, parts.query, ""))


def _back(principal: Principal, scope: str, scope_id: int) -> str:
    if scope == "officer":
        return "/me" if principal.officer_id == scope_id else f"/officers/{scope_id}"
    return "/team/calendar" if scope == "team" else "/calendar"


class CalendarPages(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/calendar")
    async def own_feeds(self, request: Request[Any, Any, Any], principal: CurrentPrincipal) -> Response[Any]:
        return page("pages/calendar_feeds.html", principal, title="Your calendar addresses",
                    feeds=await calendars.list_own_feeds(principal), notice=notice_for(request))

    @get("/calendar/{feed_scope:str}/{scope_id:int}")
    async def subscribe_page(self, principal: CurrentPrincipal, feed_scope: FromPath[str],
                             scope_id: FromPath[int]) -> Response[Any]:
        name = await calendars.feed_title(principal, feed_scope, scope_id)
        return page("pages/calendar_subscribe.html", principal, title="Subscribe to a calendar", name=name,
                    intro=INTRO, back_url=_back(principal, feed_scope, scope_id),
                    feeds=await calendars.list_own_feeds(principal))

    @post("/calendar/{feed_scope:str}/{scope_id:int}", status_code=200)
    async def subscribe(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                        feed_scope: FromPath[str], scope_id: FromPath[int]) -> Response[Any]:
        """The subscribe page's button posts confirm=yes: the page itself said what the address gives."""
        name = await calendars.feed_title(principal, feed_scope, scope_id)
        back = _back(principal, feed_scope, scope_id)
        action = Action(title="Subscribe to a calendar", caption=name, submit="Continue", back_url=back, fields=[],
                        intro=INTRO, confirm_title="Create a calendar address?", confirm_button="Create address")

        async def perform(_: dict[str, Any]) -> Response[Any]:
            feed = await calendars.create_feed(principal, feed_scope, scope_id)
            url = f"{str(request.base_url).rstrip('/')}/api/calendars/{feed['token']}.ics"
            return page("pages/calendar_url.html", principal, title="Your calendar address", url=url,
                        webcal_url=webcal(url), name=name, back_url=back)

        return await run_action(request, principal, action, perform)

    @route("/calendar/feeds/{feed_id:int}/revoke", http_method=["POST"], status_code=200)
    async def revoke(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                     feed_id: FromPath[int]) -> Response[Any]:
        """The list's Revoke button posts here: the check page asks "Are you sure?", its button revokes."""
        feed = next((f for f in await calendars.list_own_feeds(principal) if f["id"] == feed_id), None)
        what = f"the calendar address for {feed['name']}" if feed else "this calendar address"
        action = Action(title="Revoke a calendar address", submit="Continue", back_url="/calendar", fields=[],
                        confirm_title=f"Are you sure you want to revoke {what}?", confirm_button="Revoke address",
                        destructive=True, warning="Calendar apps subscribed to it stop getting updates at once. "
                                                  "This cannot be undone: you can make a new address.")

        async def perform(_: dict[str, Any]) -> Response[Any]:
            await calendars.revoke_own_feed(principal, feed_id)
            return done("/calendar", "calendar_revoked")

        return await run_action(request, principal, action, perform)


ADMIN_LIMIT = 50


def _require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden(CoreErrorCode.FORBIDDEN, "Only administrators can see every calendar address.")


class AdminCalendarPages(Controller):
    """Every calendar address, for an administrator: who made it and for what, and a Revoke button for one that
    was shared by mistake or belongs to someone who left (its token is never shown again)."""

    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/admin/calendars")
    async def all_feeds(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                        offset: FromQuery[int] = 0) -> Response[Any]:
        _require_admin(principal)
        offset = max(offset, 0)
        rows, total = await calendars.list_feeds(principal, limit=ADMIN_LIMIT, offset=offset)
        feeds = [{**row, "name": await calendars.feed_name(row["scope"], row["scope_id"]),
                  "made_at": row["created_at"]} for row in rows]
        return page("pages/admin_calendars.html", principal, title="Calendar addresses",
                    nav_active="/admin/calendars", feeds=feeds, total=total, offset=offset, limit=ADMIN_LIMIT,
                    notice=notice_for(request))

    @route("/admin/calendars/{feed_id:int}/revoke", http_method=["POST"], status_code=200)
    async def revoke_any(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                         feed_id: FromPath[int]) -> Response[Any]:
        """The list's Revoke button posts here: the check page asks "Are you sure?", its button revokes."""
        _require_admin(principal)
        action = Action(title="Revoke a calendar address", submit="Continue", back_url="/admin/calendars",
                        fields=[], confirm_title=f"Are you sure you want to revoke calendar address {feed_id}?",
                        confirm_button="Revoke address", destructive=True,
                        warning="Calendar apps subscribed to it stop getting updates at once. Whoever made it can "
                                "make a new address.")

        async def perform(_: dict[str, Any]) -> Response[Any]:
            await calendars.revoke_feed_by_id(principal, feed_id)
            return done("/admin/calendars", "calendar_revoked")

        return await run_action(request, principal, action, perform, nav_active="/admin/calendars")


ROUTES: list[type] = [CalendarPages, AdminCalendarPages]
