"""An officer's record (any role, within scope) and the officer's own page: "My record", declarations,
calendar subscription."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, route
from litestar.params import FromPath

from admin_ui.errors import PAGE_ERRORS, AdminErrorCode
from admin_ui.forms import Action, Field, done, page, run_action
from admin_ui.templating import words
from core.access import Principal, Role
from core.errors import Forbidden
from core.http import CurrentPrincipal, Today
from register.leaving import record_leaving
from register.officers.photos import photo_details
from register.officers.services import get_officer
from register.record.services import officer_record
from reports.data import CARD_ROLES
from reports.statement import STATEMENT_ROLES
from scheduler.policy_store import load_catalogue
from scheduler.readiness import next_step, overdue_count
from scheduler.services import officer_judgement
from training.services import list_bookings, list_records
from vetting.rules import DECLARATION_CATEGORIES
from vetting.services import list_applications, list_declarations

NOTICES = {
    "declaration": "Your declaration was submitted.",
    "training": "The training record was saved.",
    "kit": "The kit was issued.",
    "kit_returned": "The kit return was recorded.",
    "kit_inspected": "The kit inspection was recorded.",
    "vetting": "The vetting application was requested.",
    "event": "The application's status was changed.",
    "suspended": "The accreditation was suspended.",
    "reinstated": "The accreditation was reinstated.",
    "withdrawn": "The accreditation was withdrawn.",
    "power_withdrawn": "The power was withdrawn.",
    "power_designated": "The power was designated.",
    "granted": "The accreditation was granted.",
    "policy": "The policy was changed.",
    "capacity": "The capacity settings were changed.",
    "left": "The officer's leaving date was recorded.",
    "acknowledged": "The declaration was acknowledged.",
    "user": "The user was added.",
    "user_deactivated": "The user was deactivated and signed out.",
    "user_reactivated": "The user was reactivated.",
    "user_invited": "The user was added and sent an email with a link to choose their password.",
    "password_changed": "Your password was changed. Your other signed-in sessions were signed out.",
    "password_set": "Your password was set. Sign in with it now.",
    "employer": "The employer was added.",
    "team": "The team was added.",
    "officer_added": "The officer was added.",
    "officer_changed": "The officer's details were changed.",
    "booking": "The training was booked.",
    "attended": "The attendance was recorded.",
    "note": "The case note was added.",
    "calendar_revoked": "The calendar address was revoked: calendar apps can no longer read it.",
    "photo": "The photo was saved.",
    "photo_removed": "The photo was removed.",
}

DECLARATION_KINDS = [("change_of_circumstances", "Change of circumstances"),
                     ("annual_self_declaration", "Annual self-declaration")]


# The roles register.officers.services lets add teams and officers and change officers' details (HR for its
# employer, coordinators for their force; the services enforce the scope).
PEOPLE_CHANGERS = (Role.CSAS_COORDINATOR, Role.HR)


def may_change_people(viewer: Principal) -> bool:
    return viewer.is_admin or viewer.role in PEOPLE_CHANGERS


def notice_for(request: Request[Any, Any, Any]) -> str | None:
    return NOTICES.get(request.query_params.get("done", ""))


async def record_context(viewer: Principal, officer_id: int, today: Any) -> dict[str, Any]:
    """Everything the record page shows, each part through the service that owns it (scope enforced there)."""
    officer = await get_officer(viewer, officer_id)
    compliance, plan = await officer_judgement(viewer, officer_id, today)
    register = await officer_record(viewer, officer_id, today)
    applications, _ = await list_applications(viewer, as_of=today, officer_id=officer_id, limit=20)
    training, _ = await list_records(viewer, as_of=today, officer_id=officer_id, limit=100)
    bookings, _ = await list_bookings(viewer, officer_id=officer_id, limit=20)
    declarations: list[dict[str, Any]] = []
    if viewer.is_admin or viewer.role in (Role.OFFICER, Role.HR, Role.VETTING_OFFICER):
        declarations, _ = await list_declarations(viewer, officer_id=officer_id, limit=20)
    return {
        "officer": officer, "compliance": compliance, "plan": plan, "register": register,
        "next_step": next_step(plan), "overdue": overdue_count(plan),
        "applications": applications, "training": training, "bookings": bookings, "declarations": declarations,
        "today": today,
        "photo": await photo_details(viewer, officer_id),
        "names": (await load_catalogue()).names,
        "can_train": viewer.is_admin or viewer.role in (Role.MANAGER, Role.HR),
        "can_kit": viewer.is_admin or viewer.role in (Role.MANAGER, Role.HR),
        "can_request_vetting": viewer.is_admin or viewer.role in (Role.HR, Role.VETTING_OFFICER),
        "can_card": viewer.is_admin or viewer.role in CARD_ROLES,
        "can_statement": viewer.is_admin or viewer.role in STATEMENT_ROLES,
        "can_grant": viewer.is_admin or viewer.role is Role.CSAS_COORDINATOR,
        "can_edit": may_change_people(viewer),
        "can_leave": (viewer.is_admin or viewer.role is Role.HR) and officer["left_on"] is None,
        "can_acknowledge": viewer.is_admin or viewer.role is Role.VETTING_OFFICER,
    }


def declaration_action(back: str) -> Action:
    return Action(
        title="Submit a declaration", caption="My record", submit="Continue", back_url=back,
        intro="Tell the vetting unit that something has changed. Give the kind and the areas only: "
              "no details are recorded here.",
        fields=[
            Field("kind", "Kind of declaration", "radios", DECLARATION_KINDS),
            Field("made_on", "Date of the declaration", "date"),
            Field("categories", "What has changed", "checkboxes",
                  [(c, words(c)) for c in DECLARATION_CATEGORIES],
                  hint="Select all that apply."),
        ],
        confirm_button="Submit declaration",
    )


class OfficerPages(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/me")
    async def me(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today) -> Response[Any]:
        if principal.officer_id is None:
            raise Forbidden(AdminErrorCode.NO_OFFICER_RECORD, "Your account is not linked to an officer's record.")
        context = await record_context(principal, principal.officer_id, today)
        return page("pages/record.html", principal, title="My record", nav_active="/me", own=True,
                    notice=notice_for(request), **context)

    @get("/officers/{officer_id:int}")
    async def record(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                     officer_id: FromPath[int]) -> Response[Any]:
        context = await record_context(principal, officer_id, today)
        o = context["officer"]
        own = principal.officer_id == officer_id
        return page("pages/record.html", principal, title=f"{o['given_name']} {o['family_name']}",
                    nav_active="/officers", own=own, back_url="/me" if own else "/officers",
                    notice=notice_for(request), **context)

    @route("/me/declaration", http_method=["GET", "POST"])
    async def declaration(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                          today: Today) -> Response[Any]:
        from vetting.services import create_declaration

        if principal.officer_id is None:
            raise Forbidden(AdminErrorCode.NO_OFFICER_RECORD, "Your account is not linked to an officer's record.")
        officer_id = principal.officer_id

        async def perform(values: dict[str, Any]) -> Response[Any]:
            await create_declaration(principal, officer_id=officer_id, kind=values["kind"],
                                     made_on=values["made_on"], categories=values["categories"], today=today)
            return done("/me", "declaration")

        return await run_action(request, principal, declaration_action("/me"), perform,
                                defaults={"made_on": today}, nav_active="/me")

    @route("/officers/{officer_id:int}/leave", http_method=["GET", "POST"])
    async def leave(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                    officer_id: FromPath[int]) -> Response[Any]:
        officer = await get_officer(principal, officer_id)
        back = f"/officers/{officer_id}"
        action = Action(
            title="Record that the officer is leaving", caption=f"{officer['given_name']} {officer['family_name']}",
            submit="Continue", back_url=back, confirm_title="Are you sure the officer is leaving?",
            confirm_button="Record leaving", destructive=True,
            warning="Their accreditations end that day and recovery of their ID card and badge begins.",
            fields=[Field("left_on", "Last day of employment", "date")],
        )

        async def perform(values: dict[str, Any]) -> Response[Any]:
            await record_leaving(principal, officer_id, values["left_on"])
            return done(back, "left")

        return await run_action(request, principal, action, perform, defaults={"left_on": today})


ROUTES: list[type] = [OfficerPages]
