"""HR's and coordinators' people-and-places pages: employers and their teams, adding an employer, a team or an
officer, and editing an officer's details. Who may do which is the register's services' decision (a refusal
is shown as an error page); the pages only leave out the buttons a role cannot use."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, route
from litestar.params import FromPath

from admin_ui.errors import PAGE_ERRORS
from admin_ui.forms import Action, Field, done, page, run_action
from admin_ui.pages_officer import PEOPLE_CHANGERS, may_change_people, notice_for
from core.access import Principal, Role, require_role
from core.http import CurrentPrincipal, Today
from register.officers.rules import OrganisationKind
from register.officers.services import (
    create_officer,
    create_organisation,
    create_team,
    get_officer,
    list_forces,
    list_organisations,
    list_teams,
    update_officer,
)

KINDS = [(k.value, k.value.replace("_", " ").capitalize()) for k in OrganisationKind]


# The roles register.officers.services.create_organisation lets add employers: employers enter arrangements with
# a force, so it is the force's coordinator's job. The pages refuse other roles before the form (here and with
# PEOPLE_CHANGERS), so nobody fills one in only to be refused.
EMPLOYER_ADDERS = (Role.CSAS_COORDINATOR,)


def may_add_employer(viewer: Principal) -> bool:
    return viewer.is_admin or viewer.role in EMPLOYER_ADDERS


async def _organisation_options(viewer: Principal) -> list[tuple[str, str]]:
    return [(str(o["id"]), o["name"]) for o in await list_organisations(viewer)]


async def _team_options(viewer: Principal, organisation_id: int | None = None) -> list[tuple[str, str]]:
    names = {o["id"]: o["name"] for o in await list_organisations(viewer)}
    return [(str(t["id"]), f"{t['name']} ({names[t['organisation']]})" if organisation_id is None and
             t["organisation"] in names else t["name"])
            for t in await list_teams(viewer, organisation_id)]


def _int(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


def officer_fields(teams: list[tuple[str, str]]) -> list[Field]:
    return [
        Field("team_id", "Team", "select", teams, required=False, hint="Leave blank if they are in no team yet."),
        Field("staff_number", "Staff number", width="govuk-input--width-10"),
        Field("given_name", "Given name"),
        Field("family_name", "Family name"),
        Field("email", "Email address", hint="Reminders about their renewals go here."),
        Field("started_on", "Date they started", "date"),
    ]


class PeoplePages(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/employers")
    async def employers(self, request: Request[Any, Any, Any], principal: CurrentPrincipal) -> Response[Any]:
        organisations = await list_organisations(principal)
        teams = await list_teams(principal)
        for o in organisations:
            o["teams"] = [t for t in teams if t["organisation"] == o["id"]]
        return page("pages/employers.html", principal, title="Employers and teams", nav_active="/employers",
                    organisations=organisations, kinds=dict(KINDS), notice=notice_for(request),
                    can_add_employer=may_add_employer(principal), can_add_team=may_change_people(principal),
                    can_add_officer=may_change_people(principal))

    @route("/employers/new", http_method=["GET", "POST"])
    async def new_employer(self, request: Request[Any, Any, Any], principal: CurrentPrincipal) -> Response[Any]:
        require_role(principal, *EMPLOYER_ADDERS, action="add employers")
        forces = [(str(f["id"]), f["name"]) for f in await list_forces(principal)]
        action = Action(
            title="Add an employer", submit="Continue", back_url="/employers", confirm_button="Add employer",
            intro="An employer (a council, housing trust or company) whose staff the force accredits under its "
                  "scheme arrangement.",
            fields=[Field("name", "Name of the employer"),
                    Field("kind", "Kind of employer", "radios", KINDS),
                    Field("force_id", "Force", "select", forces),
                    Field("arrangement_approved_on", "Scheme arrangement approved on", "date", required=False),
                    Field("arrangement_review_due_on", "Scheme arrangement review due on", "date", required=False,
                          hint="Usually 3 years after approval.")],
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            await create_organisation(principal, name=v["name"], force_id=int(v["force_id"]), kind=v["kind"],
                                      arrangement_approved_on=v["arrangement_approved_on"],
                                      arrangement_review_due_on=v["arrangement_review_due_on"])
            return done("/employers", "employer")

        defaults = {"force_id": forces[0][0]} if len(forces) == 1 else {}
        return await run_action(request, principal, action, perform, defaults=defaults, nav_active="/employers")

    @route("/teams/new", http_method=["GET", "POST"])
    async def new_team(self, request: Request[Any, Any, Any], principal: CurrentPrincipal) -> Response[Any]:
        require_role(principal, *PEOPLE_CHANGERS, action="add teams")
        organisations = await _organisation_options(principal)
        action = Action(
            title="Add a team", submit="Continue", back_url="/employers", confirm_button="Add team",
            fields=[Field("organisation_id", "Employer", "select", organisations),
                    Field("name", "Name of the team")],
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            await create_team(principal, name=v["name"], organisation_id=int(v["organisation_id"]))
            return done("/employers", "team")

        defaults = {"organisation_id": organisations[0][0]} if len(organisations) == 1 else {}
        return await run_action(request, principal, action, perform, defaults=defaults, nav_active="/employers")

    @route("/officers/new", http_method=["GET", "POST"])
    async def new_officer(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                          today: Today) -> Response[Any]:
        require_role(principal, *PEOPLE_CHANGERS, action="add officers")
        organisations = await _organisation_options(principal)
        action = Action(
            title="Add an officer", submit="Continue", back_url="/officers", confirm_button="Add officer",
            fields=[Field("organisation_id", "Employer", "select", organisations),
                    *officer_fields(await _team_options(principal))],
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            created = await create_officer(
                principal, organisation_id=int(v["organisation_id"]), team_id=_int(v["team_id"]),
                staff_number=v["staff_number"], given_name=v["given_name"], family_name=v["family_name"],
                email=v["email"], started_on=v["started_on"])
            return done(f"/officers/{created['id']}", "officer_added")

        defaults: dict[str, Any] = {"started_on": today}
        if len(organisations) == 1:
            defaults["organisation_id"] = organisations[0][0]
        return await run_action(request, principal, action, perform, defaults=defaults, nav_active="/officers")

    @route("/officers/{officer_id:int}/edit", http_method=["GET", "POST"])
    async def edit_officer(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                           officer_id: FromPath[int]) -> Response[Any]:
        require_role(principal, *PEOPLE_CHANGERS, action="change officers' details")
        officer = await get_officer(principal, officer_id)
        back = f"/officers/{officer_id}"
        action = Action(
            title="Change the officer's details", caption=f"{officer['given_name']} {officer['family_name']}",
            submit="Continue", back_url=back, confirm_button="Save changes",
            fields=officer_fields(await _team_options(principal, officer["organisation"])),
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            await update_officer(principal, officer_id, v | {"team_id": _int(v["team_id"])})
            return done(back, "officer_changed")

        defaults = {"team_id": officer["team"] or "", "staff_number": officer["staff_number"],
                    "given_name": officer["given_name"], "family_name": officer["family_name"],
                    "email": officer["email"], "started_on": officer["started_on"]}
        return await run_action(request, principal, action, perform, defaults=defaults, nav_active="/officers")


ROUTES: list[type] = [PeoplePages]
