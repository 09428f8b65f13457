"""HR and vetting officers: the vetting queue, each application's page with its timeline and actions, and
requesting vetting for an officer. Case notes appear only when the service says the viewer may read them."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, route
from litestar.params import FromPath, FromQuery

from admin_ui.forms import PAGE_ERRORS, Action, Field, done, page, run_action
from admin_ui.pages_officer import notice_for
from admin_ui.templating import words
from core.access import Role
from core.http import CurrentPrincipal, Today
from register.officers.services import get_officer
from vetting.rules import Status
from vetting.services import (
    acknowledge_declaration,
    create_application,
    get_application,
    get_application_summary,
    list_applications,
    list_levels,
    record_event,
    vetting_queue,
)

EVENT_STATUSES = [(s.value, words(s)) for s in Status if s is not Status.DRAFT]
QUEUE_FILTERS = ["draft", "submitted", "info_requested", "in_progress", "appealed"]


class VettingPages(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/vetting")
    async def queue(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                    status: FromQuery[str | None] = None, offset: FromQuery[int] = 0) -> Response[Any]:
        offset = max(offset, 0)
        status = status or None
        if principal.role is Role.VETTING_OFFICER or principal.is_admin:
            rows, total = await vetting_queue(principal, as_of=today, status=status, limit=50, offset=offset)
            heading = "Vetting queue"
        else:
            rows, total = await list_applications(principal, as_of=today, status=status, limit=50, offset=offset)
            heading = "Vetting applications"
        return page("pages/vetting_queue.html", principal, title=heading, heading=heading, nav_active="/vetting",
                    rows=rows, total=total, status=status or "", offset=offset, limit=50, today=today,
                    filters=QUEUE_FILTERS, queue=heading == "Vetting queue", notice=notice_for(request))

    @get("/vetting/applications/{application_id:int}")
    async def application(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                          application_id: FromPath[int]) -> Response[Any]:
        row, events, notes_visible = await get_application(principal, application_id)
        officer = await get_officer(principal, row["officer"])
        return page("pages/vetting_application.html", principal, title="Vetting application",
                    nav_active="/vetting", app=row, events=events, notes_visible=notes_visible, officer=officer,
                    can_act=principal.role is Role.VETTING_OFFICER or principal.is_admin,
                    notice=notice_for(request), back_url="/vetting")

    @route("/vetting/applications/{application_id:int}/event", http_method=["GET", "POST"])
    async def event(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                    application_id: FromPath[int]) -> Response[Any]:
        row, officer = await get_application_summary(principal, application_id)
        back = f"/vetting/applications/{application_id}"
        action = Action(
            title="Change the application's status",
            caption=f"{officer['given_name']} {officer['family_name']}, {row['level_code']}",
            submit="Continue", back_url=back, confirm_title="Are you sure you want to change the status?",
            confirm_button="Change status",
            warning="The timeline keeps every change; a status cannot be taken back.",
            fields=[
                Field("status", "New status", "select", EVENT_STATUSES,
                      hint=f"Now: {words(row['status'])}."),
                Field("on", "Date of the change", "date"),
                Field("force_reference", "Force vetting reference", required=False),
                Field("expires_on", "Clearance expires on", "date", required=False,
                      hint="Only when granting, and only to change the calculated expiry."),
                Field("expiry_override_reason", "Reason for a different expiry", required=False),
                Field("note", "Case note", "textarea", required=False,
                      hint="Seen only by vetting officers. Never record refusal reasons or intelligence."),
            ],
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            await record_event(principal, application_id, status=v["status"], on=v["on"],
                               force_reference=v["force_reference"], expires_on=v["expires_on"],
                               expiry_override_reason=v["expiry_override_reason"], note=v["note"], today=today)
            return done(back, "event")

        return await run_action(request, principal, action, perform, defaults={"on": today},
                                nav_active="/vetting")

    @route("/vetting/declarations/{declaration_id:int}/acknowledge", http_method=["GET", "POST"])
    async def acknowledge(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                          declaration_id: FromPath[int], officer_id: FromQuery[int]) -> Response[Any]:
        officer = await get_officer(principal, officer_id)
        back = f"/officers/{officer_id}"
        action = Action(
            title="Acknowledge a declaration", caption=f"{officer['given_name']} {officer['family_name']}",
            submit="Continue", back_url=back, confirm_button="Acknowledge declaration",
            fields=[Field("on", "Date acknowledged", "date")],
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            await acknowledge_declaration(principal, declaration_id, on=v["on"], today=today)
            return done(back, "acknowledged")

        return await run_action(request, principal, action, perform, defaults={"on": today})

    @route("/officers/{officer_id:int}/vetting/new", http_method=["GET", "POST"])
    async def request_vetting(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                              officer_id: FromPath[int]) -> Response[Any]:
        officer = await get_officer(principal, officer_id)
        levels = [(lv["code"], f"{lv['code']}: {lv['title']}" if lv.get("title") else lv["code"])
                  for lv in await list_levels()]
        back = f"/officers/{officer_id}"
        action = Action(
            title="Request vetting", caption=f"{officer['given_name']} {officer['family_name']}",
            submit="Continue", back_url=back, confirm_button="Request vetting",
            fields=[Field("level_code", "Vetting level", "select", levels),
                    Field("requested_on", "Date requested", "date")],
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            created = await create_application(principal, officer_id=officer_id, level_code=v["level_code"],
                                               requested_on=v["requested_on"], today=today)
            return done(f"/vetting/applications/{created['id']}", "vetting")

        return await run_action(request, principal, action, perform, defaults={"requested_on": today})


ROUTES: list[type] = [VettingPages]
