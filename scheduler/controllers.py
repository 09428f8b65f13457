"""Compliance, plans, the forecast, the policy, the sweep, the outbox and scheduler health."""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from typing import Annotated, Any

from litestar import HttpMethod, Request, Response, delete, get, post, put, route
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from core.access import Role, require_role
from core.clock import now_utc
from core.errors import Conflict, CoreErrorCode, Violation, raise_if_violations
from core.http import ApiController, CurrentPrincipal, Day, Limit, Offset, Page, Today
from core.settings import get_settings
from register.officers.employment import scoped_officer_ids
from scheduler import calendars, planning, services
from scheduler.delivery import delivery_limit, list_notifications
from scheduler.jobs import background_delivery
from scheduler.policy_preview import preview_policy
from scheduler.policy_store import load_policy, policy_document, update_policy
from scheduler.schemas import (
    BindingRead,
    CalendarCreate,
    CalendarFeedRead,
    CalendarRead,
    CapacityRead,
    CapacitySettingsRead,
    CapacitySettingsUpdate,
    ComplianceRead,
    DigestRead,
    ForecastItem,
    PlanRead,
    PolicyUpdate,
    StepRead,
    SweepRead,
    SweepRequest,
)
from scheduler.status import scheduler_health
from scheduler.sweep import run_sweep_for

FromDay = Annotated[dt.date | None, QueryParameter(name="from", description="First day of the window.")]
ToDay = Annotated[dt.date | None, QueryParameter(name="to", description="Last day of the window.")]


WarningDays = Annotated[int | None, QueryParameter(
    description="Days before an expiry a cell shows as expiring (default: the policy's warning_days).")]


async def provide_warning_window(warning_days: WarningDays = None) -> int:
    """The training matrix's warning window (training.controllers.WarningWindow): the request's warning_days,
    else the stored policy's."""
    return (await load_policy()).warning_days if warning_days is None else warning_days


def _window(from_: dt.date | None, to: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """The forecast's window: from `from` (default today) to `to` (default a year on)."""
    start = from_ or today
    end = to or start + dt.timedelta(days=365)
    if end < start:
        raise_if_violations([Violation(CoreErrorCode.DATE_ORDER, "to must not be before from.", "to")])
    return start, end


class ComplianceController(ApiController):
    tags = ["compliance"]

    @get("/api/officers/{officer_id:int}/compliance")
    async def compliance(self, principal: CurrentPrincipal, day: Day, officer_id: FromPath[int]) -> ComplianceRead:
        return ComplianceRead.of(await services.officer_compliance(principal, officer_id, day))

    @get("/api/officers/{officer_id:int}/plan")
    async def plan(self, principal: CurrentPrincipal, day: Day, officer_id: FromPath[int]) -> PlanRead:
        steps = await services.officer_plan(principal, officer_id, day)
        return PlanRead(officer_id=officer_id, as_of=day, steps=[StepRead.of(s) for s in steps])

    @get("/api/compliance/forecast")
    async def forecast(
        self, principal: CurrentPrincipal, today: Today,
        from_: FromDay = None,
        to: ToDay = None,
        organisation_id: FromQuery[int | None] = None,
        team_id: FromQuery[int | None] = None,
    ) -> Page[ForecastItem]:
        start, end = _window(from_, to, today)
        rows = await services.forecast(principal, start, end, organisation_id, team_id)
        items = [ForecastItem(officer_id=r["officer_id"], name=r["name"], code=r["code"],
                              usable_until=r["usable_until"], binding=BindingRead.of(r["binding"]),
                              resumes_on=r["resumes_on"]) for r in rows]
        return Page(items=items, total=len(items))


class PolicyController(ApiController):
    path = "/api/policy"
    tags = ["policy"]

    @get("/")
    async def get_policy(self, principal: CurrentPrincipal) -> dict[str, Any]:
        require_role(principal, Role.CSAS_COORDINATOR, action="read the policy")
        return await policy_document()

    @put("/")
    async def put_policy(self, principal: CurrentPrincipal, data: JSONBody[PolicyUpdate]) -> dict[str, Any]:
        return await update_policy(principal, data.changes())

    @post("/preview", status_code=200)
    async def preview(self, principal: CurrentPrincipal, today: Today, data: JSONBody[PolicyUpdate],
                      from_: FromDay = None, to: ToDay = None) -> dict[str, Any]:
        """What PUT /api/policy with this body would change, saving nothing: the forecast's lapses under the current
        and the proposed policy (added, removed, changed), steps that become overdue, and renewals due to start
        per month. Window as the forecast's."""
        start, end = _window(from_, to, today)
        return await preview_policy(principal, data.changes(), start, end)


def _sweep_day(requested: dt.date | None, today: dt.date) -> dt.date:
    if requested is not None and requested != today and not get_settings().clock_override:
        raise Conflict(CoreErrorCode.CLOCK_OVERRIDE_OFF,
                       "as_of other than today needs the clock override (CSAS_CLOCK_OVERRIDE=on).")
    return requested or today


class SweepController(ApiController):
    tags = ["scheduler"]

    @post("/api/sweep", status_code=200)
    async def sweep(self, principal: CurrentPrincipal, today: Today,
                    data: JSONBody[SweepRequest | None] = None) -> SweepRead:
        """With SMTP, the answer comes once the messages are queued (`delivered` 0): they are sent beside the
        request, so a slow or silent server never holds it. Written to .eml files (fast, local), they are delivered
        before the answer, as `delivered` says."""
        request = data or SweepRequest()
        smtp = get_settings().smtp_url is not None
        with delivery_limit(lambda: True) if smtp else nullcontext():
            result = await run_sweep_for(principal, _sweep_day(request.as_of, today), request.dry_run, now_utc())
        if smtp and not result.dry_run:
            background_delivery.kick()
        return SweepRead(as_of=result.as_of, dry_run=result.dry_run, officers=result.officers,
                         lapses=result.lapses, messages=result.messages, delivered=result.delivered,
                         digests=[DigestRead(**d) for d in result.digests])

    @get("/api/scheduler/health")
    async def health(self, principal: CurrentPrincipal) -> dict[str, Any]:
        require_role(principal, Role.CSAS_COORDINATOR, action="see scheduler health")
        return await scheduler_health()

    @get("/api/notifications")
    async def notifications(
        self, principal: CurrentPrincipal,
        officer_id: FromQuery[int | None] = None,
        recipient: FromQuery[str | None] = None,
        from_: FromDay = None,
        to: ToDay = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[dict[str, Any]]:
        allowed = None if principal.is_admin else frozenset(await scoped_officer_ids(principal))
        items, total = await list_notifications(
            officer_id=officer_id, recipient=recipient, from_on=from_, to_on=to, limit=limit, offset=offset,
            allowed_officer_ids=allowed, recipient_user_id=None if principal.is_admin else principal.user_id,
        )
        return Page(items=items, total=total)


class CalendarController(ApiController):
    path = "/api/calendars"
    tags = ["calendars"]

    @get("/")
    async def list_feeds(self, principal: CurrentPrincipal, limit: Limit = 50,
                         offset: Offset = 0) -> Page[CalendarFeedRead]:
        """Every calendar feed, for administrators (never a token)."""
        items, total = await calendars.list_feeds(principal, limit=limit, offset=offset)
        return Page(items=[CalendarFeedRead(**item) for item in items], total=total)

    @delete("/by-id/{feed_id:int}", status_code=204)
    async def revoke_by_id(self, principal: CurrentPrincipal, feed_id: FromPath[int]) -> None:
        await calendars.revoke_feed_by_id(principal, feed_id)

    @post("/", status_code=201)
    async def create(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                     data: JSONBody[CalendarCreate]) -> CalendarRead:
        feed = await calendars.create_feed(principal, data.scope, data.id)
        url = f"{str(request.base_url).rstrip('/')}/api/calendars/{feed['token']}.ics"
        return CalendarRead(url=url, token=feed["token"], scope=feed["scope"], id=feed["id"])

    # Path parameters are whole segments, so the feed's "TOKEN.ics" is one segment, split here. HEAD answers as
    # GET does (calendar apps check a feed with it); the server sends no body for HEAD.
    @route("/{feed_file:str}", http_method=[HttpMethod.GET, HttpMethod.HEAD], media_type="text/calendar")
    async def feed(self, feed_file: FromPath[str]) -> Response[bytes]:
        token = feed_file.removesuffix(".ics") if feed_file.endswith(".ics") else ""
        # Litestar adds the one charset parameter itself.
        return Response(await calendars.feed_ics(token), media_type="text/calendar",
                        headers={"Cache-Control": "private, max-age=300"})

    @delete("/{feed_file:str}", status_code=204)
    async def revoke(self, principal: CurrentPrincipal, feed_file: FromPath[str]) -> None:
        await calendars.revoke_feed(principal, feed_file.removesuffix(".ics"))


class PlanningController(ApiController):
    path = "/api/planning"
    tags = ["planning"]

    @get("/capacity")
    async def capacity(
        self, principal: CurrentPrincipal, day: Day,
        from_: Annotated[dt.date | None, QueryParameter(
            name="from", description="A day in the first month planned (default: this month).")] = None,
        months: Annotated[int, QueryParameter(description="Months planned, 6 to 24.")] = planning.DEFAULT_MONTHS,
        organisation_id: FromQuery[int | None] = None,
        starts: Annotated[bool, QueryParameter(
            description="Also list each renewal fitted in time with the month it starts (start_in).")] = False,
    ) -> CapacityRead:
        plan = await planning.capacity_plan(principal, day, from_, months, organisation_id)
        return CapacityRead.of(plan, starts)

    @get("/capacity-settings")
    async def get_settings(self, principal: CurrentPrincipal,
                           force_id: FromQuery[int | None] = None) -> CapacitySettingsRead:
        return CapacitySettingsRead(**await planning.capacity_settings(principal, force_id))

    @put("/capacity-settings")
    async def put_settings(self, principal: CurrentPrincipal,
                           data: JSONBody[CapacitySettingsUpdate]) -> CapacitySettingsRead:
        changes = data.changes()
        force_id = changes.pop("force_id", None)
        return CapacitySettingsRead(**await planning.update_capacity_settings(principal, changes, force_id))


ROUTE_HANDLERS: list[type] = [ComplianceController, PolicyController, SweepController, CalendarController,
                              PlanningController]
