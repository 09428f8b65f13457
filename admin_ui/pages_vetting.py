"""HR and vetting officers: the vetting queue, each application's page with its timeline and actions, and
requesting vetting for an officer. Case notes appear only when the service says the viewer may read them."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, route
from litestar.params import FromPath, FromQuery

from admin_ui.errors import PAGE_ERRORS
from admin_ui.forms import Action, Field, done, page, run_action
from admin_ui.pages_officer import notice_for
from admin_ui.sorting import chosen_sort, page_query, sort_headers
from admin_ui.templating import words
from core.access import Role, require_role
from core.errors import Conflict
from core.http import CurrentPrincipal, Today
from register.officers.services import get_officer
from scheduler.policy_store import load_catalogue
from vetting.errors import VettingErrorCode
from vetting.rules import DEFAULT_APPEAL_WINDOW_DAYS, EXPIRED, READ_STATUSES, Status
from vetting.services import (
    APPLICATION_ORDERS,
    acknowledge_declaration,
    add_case_note,
    create_application,
    get_application,
    get_application_summary,
    list_applications,
    list_levels,
    next_statuses,
    read_status,
    record_event,
    vetting_queue,
)

QUEUE_FILTERS = ["draft", "submitted", "info_requested", "in_progress", "appealed"]
# HR follows every application of its officers, closed ones too: it filters on every status a reader sees.
LIST_FILTERS = list(READ_STATUSES)

# What happens after each status, and who does it: so that "requested" (a draft) is never the end of the story.
NEXT_STEPS: dict[str, tuple[str, str]] = {
    Status.DRAFT: ("The force's vetting officer",
                   "checks the request and submits the application to the force vetting unit. The officer will be "
                   "asked to fill in the vetting forms."),
    Status.SUBMITTED: ("The force's vetting officer", "starts the checks, or asks for missing information."),
    Status.INFO_REQUESTED: ("The officer, with HR",
                            "sends the information the vetting unit asked for; the vetting officer then resubmits "
                            "the application or carries on with the checks."),
    Status.IN_PROGRESS: ("The force's vetting officer", "finishes the checks and records the decision."),
    Status.GRANTED: ("HR", "nothing now: the register plans the renewal before the clearance expires."),
    Status.REFUSED: ("The officer", f"may appeal within {DEFAULT_APPEAL_WINDOW_DAYS} days of the refusal; the "
                                    "vetting officer records it."),
    Status.APPEALED: ("The force's vetting officer", "records the outcome of the appeal."),
    Status.UPHELD: ("HR", "nothing more on this application: the refusal stands."),
    Status.OVERTURNED: ("HR", "nothing now: the clearance counts as granted."),
    Status.WITHDRAWN: ("HR", "request vetting again if the officer still needs a clearance."),
    Status.DISCONTINUED: ("HR", "request vetting again if the officer still needs a clearance."),
    Status.REVOKED: ("HR", "the officer has no clearance at this level: talk to the vetting unit."),
    Status.TERMINATED: ("HR", "nothing: the clearance is no longer needed."),
    EXPIRED: ("HR", "request vetting again: the clearance has expired."),
}


# The table's columns and the order each header asks for (days waiting is the request day, the other way round).
LIST_COLUMNS: list[tuple[str, str | None]] = [
    ("Application", "application"), ("Officer", "officer"), ("Level", "level"), ("Status", "status"),
    ("Requested", "requested")]
QUEUE_COLUMNS = [*LIST_COLUMNS, ("Days waiting", None)]


def _status_options(statuses: list[Status]) -> list[tuple[str, str]]:
    return [(s.value, words(s)) for s in statuses]


async def _level(application: dict[str, Any]) -> str:
    return (await load_catalogue()).names.level(application["level_code"])


class VettingPages(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/vetting")
    async def queue(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                    status: FromQuery[str | None] = None, offset: FromQuery[int] = 0,
                    sort: FromQuery[str | None] = None) -> Response[Any]:
        offset = max(offset, 0)
        status = status or None
        is_queue = principal.role is Role.VETTING_OFFICER or principal.is_admin
        # The queue: oldest request first (who has waited longest); a list: newest first.
        order = chosen_sort(sort, APPLICATION_ORDERS, "requested" if is_queue else "-requested")
        if is_queue:
            rows, total = await vetting_queue(principal, as_of=today, status=status, limit=50, offset=offset,
                                              order=order)
            heading = "Vetting queue"
        else:
            rows, total = await list_applications(principal, as_of=today, status=status, limit=50, offset=offset,
                                                  order=order)
            heading = "Vetting applications"
        for row in rows:
            row["shown_status"] = read_status(row, today)
        kept = {"status": status or ""}
        return page("pages/vetting_queue.html", principal, title=heading, heading=heading, nav_active="/vetting",
                    rows=rows, total=total, status=status or "", offset=offset, limit=50, today=today,
                    filters=QUEUE_FILTERS if heading == "Vetting queue" else LIST_FILTERS,
                    queue=is_queue, notice=notice_for(request), names=(await load_catalogue()).names, sort=order,
                    headers=sort_headers("/vetting", kept, order, QUEUE_COLUMNS if is_queue else LIST_COLUMNS,
                                         numeric={"Days waiting"}),
                    previous=page_query(kept, order, max(offset - 50, 0)),
                    following=page_query(kept, order, offset + 50))

    @get("/vetting/applications/{application_id:int}")
    async def application(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                          application_id: FromPath[int]) -> Response[Any]:
        row, events, notes_visible = await get_application(principal, application_id)
        officer = await get_officer(principal, row["officer"])
        is_vetting_staff = principal.role is Role.VETTING_OFFICER or principal.is_admin
        status = read_status(row, today)
        who, what = NEXT_STEPS[status]
        return page("pages/vetting_application.html", principal, title="Vetting application",
                    nav_active="/vetting", app=row, status=status, events=events, notes_visible=notes_visible,
                    officer=officer, next_who=who, next_what=what, can_note=is_vetting_staff,
                    can_act=is_vetting_staff and bool(await next_statuses(principal, application_id)),
                    notice=notice_for(request), back_url="/vetting", names=(await load_catalogue()).names)

    @route("/vetting/applications/{application_id:int}/event", http_method=["GET", "POST"])
    async def event(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                    application_id: FromPath[int]) -> Response[Any]:
        row, officer = await get_application_summary(principal, application_id)
        back = f"/vetting/applications/{application_id}"
        legal = await next_statuses(principal, application_id)
        if not legal:
            raise Conflict(VettingErrorCode.ILLEGAL_TRANSITION,
                           f"An application that is {row['status'].replace('_', ' ')} cannot change status.")
        action = Action(
            title="Change the application's status",
            caption=f"{officer['given_name']} {officer['family_name']}, {await _level(row)}",
            submit="Continue", back_url=back, confirm_title="Are you sure you want to change the status?",
            confirm_button="Change status",
            warning="The timeline keeps every change; a status cannot be taken back.",
            fields=[
                Field("status", "New status", "select", _status_options(legal),
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

    @route("/vetting/applications/{application_id:int}/note", http_method=["GET", "POST"])
    async def note(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                   application_id: FromPath[int]) -> Response[Any]:
        require_role(principal, Role.VETTING_OFFICER, action="add vetting case notes")
        row, officer = await get_application_summary(principal, application_id)
        back = f"/vetting/applications/{application_id}"
        action = Action(
            title="Add a case note", caption=f"{officer['given_name']} {officer['family_name']}, {await _level(row)}",
            submit="Continue", back_url=back, confirm_button="Add case note",
            intro="The status stays as it is. The note is dated today.",
            fields=[Field("note", "Case note", "textarea",
                          hint="Seen only by vetting officers. Never record refusal reasons or intelligence.")],
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            await add_case_note(principal, application_id, note=v["note"], today=today)
            return done(back, "note")

        return await run_action(request, principal, action, perform, nav_active="/vetting")

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
                              officer_id: FromPath[int], level_code: FromQuery[str | None] = None) -> Response[Any]:
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

        return await run_action(request, principal, action, perform,
                                defaults={"requested_on": today, "level_code": level_code or ""})


ROUTES: list[type] = [VettingPages]
