"""The administrator's pages: users, the policy (lead times, validity, prerequisites; a coordinator reads it, and
changes it in a one-force register), the catalogues, the outbox and the scheduler's health."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from litestar import Controller, Request, Response, get, route
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery

from admin_ui.errors import PAGE_ERRORS
from admin_ui.forms import Action, Field, Values, done, page, run_action
from admin_ui.pages_account import PASSWORD_HINT, password_rule
from admin_ui.pages_officer import notice_for
from admin_ui.policy_preview_view import policy_preview
from admin_ui.templating import ROLE_LABELS
from core.access import Principal, Role, require_role
from core.clock import business_today
from core.db import EVERYTHING
from core.errors import CoreErrorCode, Forbidden
from core.http import CurrentPrincipal
from core.services import list_users, set_user_active
from core.settings import get_settings
from register.kit.services import list_kit_types
from register.officers.services import (
    create_user,
    list_forces,
    list_officers,
    list_organisations,
    list_powers,
    list_teams,
)
from register.scope import (
    INSTALLATION_WIDE,
    may_change_installation_settings,
    require_installation_writer,
)
from scheduler.delivery import list_notifications
from scheduler.jobs import background_delivery
from scheduler.policy import LeadTimes
from scheduler.policy_store import load_catalogue, policy_document, update_policy
from scheduler.status import scheduler_health
from training.services import list_modules
from vetting.services import list_levels

LEAD_LABELS = {f.name: f.metadata["label"] for f in fields(LeadTimes)}

SCALAR_LABELS = {
    "warning_days": "Warning period", "overdue_after_days": "Overdue after",
    "manager_repeat_days": "Manager reminders repeat every", "coordinator_alert_days": "Coordinator alert",
}


PASSWORD_CHOICES = [("invite", "Email them an invitation to choose their own (recommended)"),
                    ("set", "Set a password now and pass it on to them")]


def _password_given_when_set(values: Values) -> dict[str, str]:
    if values.get("password_choice") == "set" and not values.get("password"):
        return {"password": "Enter the password, or choose to email them an invitation."}
    return {}


async def _scope_names(principal: Principal) -> dict[str, dict[int, str]]:
    """Names of everything a user's scope can point at, so the users list says "Surrey Police", not "Force 1"."""
    officers, _ = await list_officers(principal, today=business_today(), limit=EVERYTHING)
    return {
        "force": {f["id"]: f["name"] for f in await list_forces(principal)},
        "organisation": {o["id"]: o["name"] for o in await list_organisations(principal)},
        "team": {t["id"]: t["name"] for t in await list_teams(principal)},
        "officer": {o["id"]: f"{o['given_name']} {o['family_name']}" for o in officers},
    }


def _scope_of(user: dict[str, Any], names: dict[str, dict[int, str]]) -> str:
    if user["force_id"] is not None:
        return names["force"].get(user["force_id"], f"Force {user['force_id']}")
    if user["organisation_id"] is not None:
        return names["organisation"].get(user["organisation_id"], f"Organisation {user['organisation_id']}")
    if user["team_ids"]:
        return ", ".join(names["team"].get(t, f"Team {t}") for t in user["team_ids"])
    if user["officer_id"] is not None:
        return names["officer"].get(user["officer_id"], f"Officer {user['officer_id']}")
    return "Everything"


def _require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden(CoreErrorCode.FORBIDDEN, "Only administrators can see this page.")


class AdminPages(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/admin")
    async def users(self, request: Request[Any, Any, Any], principal: CurrentPrincipal) -> Response[Any]:
        rows = await list_users(principal)
        names = await _scope_names(principal)
        return page("pages/admin_users.html", principal, title="Users", nav_active="/admin",
                    rows=[{**row, "scope": _scope_of(row, names)} for row in rows], notice=notice_for(request))

    @route("/admin/users/new", http_method=["GET", "POST"])
    async def new_user(self, request: Request[Any, Any, Any], principal: CurrentPrincipal) -> Response[Any]:
        _require_admin(principal)
        forces = [(str(f["id"]), f["name"]) for f in await list_forces(principal)]
        orgs = [(str(o["id"]), o["name"]) for o in await list_organisations(principal)]
        org_names = dict(orgs)
        teams = [(str(t["id"]), f"{t['name']} ({org_names.get(str(t['organisation']), '')})")
                 for t in await list_teams(principal)]
        officers, _ = await list_officers(principal, today=business_today(), limit=EVERYTHING)
        action = Action(
            title="Add a user", caption="Users", submit="Continue", back_url="/admin",
            intro="Give the scope the role needs: a force (coordinator, vetting officer), an organisation (hr), "
                  "teams (manager) or an officer's record (officer).",
            confirm_title="Check the new user's details", confirm_button="Add user",
            fields=[
                Field("username", "Username"), Field("email", "Email address"),
                Field("password_choice", "How they get their password", "radios", PASSWORD_CHOICES,
                      hint="An invitation emails them a link to choose their own; it works once, for "
                           f"{get_settings().invite_link_days} days."),
                Field("password", "Password", "password", required=False, check=password_rule,
                      hint=f"Only when you set it now. {PASSWORD_HINT}"),
                Field("role", "Role", "radios", [(r.value, ROLE_LABELS[r.value]) for r in Role]),
                Field("force_id", "Force", "select", forces, required=False),
                Field("organisation_id", "Organisation", "select", orgs, required=False),
                Field("team_ids", "Teams", "checkboxes", teams, required=False),
                Field("officer_id", "Officer", "select", required=False,
                      options=[(str(o["id"]), f"{o['family_name']}, {o['given_name']} ({o['organisation_name']})")
                               for o in officers],
                      hint="For an accredited officer: their own record. Listed by family name, with employer."),
            ],
            check=_password_given_when_set,
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            def number(name: str) -> int | None:
                return int(v[name]) if v[name] not in (None, "") else None

            inviting = v["password_choice"] == "invite"
            await create_user(principal, username=v["username"], password=None if inviting else v["password"],
                              email=v["email"], role=Role(v["role"]), force_id=number("force_id"),
                              organisation_id=number("organisation_id"),
                              team_ids=[int(t) for t in v["team_ids"]] or None, officer_id=number("officer_id"))
            if inviting:
                background_delivery.kick()
            return done("/admin", "user_invited" if inviting else "user")

        return await run_action(request, principal, action, perform, nav_active="/admin",
                                defaults={"password_choice": "invite"})

    @route("/admin/users/{user_id:int}/{change:str}", http_method=["GET", "POST"])
    async def activation(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                         user_id: FromPath[int], change: FromPath[str]) -> Response[Any]:
        _require_admin(principal)
        if change not in ("deactivate", "reactivate"):
            raise NotFoundException("No such page.")
        user = next((u for u in await list_users(principal) if u["id"] == user_id), None)
        if user is None:
            raise NotFoundException("No such user.")
        deactivating = change == "deactivate"
        action = Action(
            title=f"{change.capitalize()} {user['username']}", caption="Users", submit="Continue",
            back_url="/admin", fields=[], destructive=deactivating,
            confirm_title=f"Are you sure you want to {change} {user['username']}?",
            confirm_button=f"{change.capitalize()} user",
            warning="They are signed out at once and cannot sign in or use API tokens until reactivated."
            if deactivating else "",
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            await set_user_active(principal, user_id, active=not deactivating)
            return done("/admin", "user_" + change + "d")

        return await run_action(request, principal, action, perform, nav_active="/admin")

    @get("/admin/policy")
    async def policy(self, request: Request[Any, Any, Any], principal: CurrentPrincipal) -> Response[Any]:
        require_role(principal, Role.CSAS_COORDINATOR, action="see the policy")
        editable = await may_change_installation_settings(principal)
        reason = "" if editable else INSTALLATION_WIDE.format(subject="This policy")
        return page("pages/admin_policy.html", principal, title="Policy", nav_active="/admin/policy",
                    policy=await policy_document(), labels=LEAD_LABELS, notice=notice_for(request),
                    editable=editable, read_only_reason=reason, names=(await load_catalogue()).names)

    @route("/admin/policy/lead-times", http_method=["GET", "POST"])
    async def lead_times(self, request: Request[Any, Any, Any], principal: CurrentPrincipal) -> Response[Any]:
        await require_installation_writer(principal, action="change the policy")
        current = (await policy_document())["lead_times"]
        names = [f.name for f in fields(LeadTimes)]

        def changes(v: dict[str, Any]) -> dict[str, Any]:
            moved = {n: v[f"lead_times__{n}"] for n in names if v[f"lead_times__{n}"] != current.get(n)}
            return {"lead_times": moved} if moved else {}

        action = Action(
            title="Change the lead times", caption="Policy", submit="Continue", back_url="/admin/policy",
            intro="Days before an item's expiry by which its renewal must start.",
            confirm_title="Are you sure you want to change the lead times?", confirm_button="Change lead times",
            warning="Every officer's renewal plan and reminders follow the new values from the next sweep.",
            fields=[Field(f"lead_times__{n}", f"{LEAD_LABELS.get(n, n)} (days)", "number",
                          width="govuk-input--width-4") for n in names],
            preview=lambda v: policy_preview(principal, changes(v)),
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            if changed := changes(v):
                await update_policy(principal, changed)
            return done("/admin/policy", "policy")

        return await run_action(request, principal, action, perform, nav_active="/admin/policy",
                                defaults={f"lead_times__{n}": current.get(n) for n in names})

    @route("/admin/policy/warnings", http_method=["GET", "POST"])
    async def warnings(self, request: Request[Any, Any, Any], principal: CurrentPrincipal) -> Response[Any]:
        await require_installation_writer(principal, action="change the policy")
        current = await policy_document()

        def changes(v: dict[str, Any]) -> dict[str, Any]:
            return {n: v[n] for n in SCALAR_LABELS if v[n] != current.get(n)}

        action = Action(
            title="Change warnings and reminders", caption="Policy", submit="Continue", back_url="/admin/policy",
            confirm_title="Are you sure you want to change warnings and reminders?",
            confirm_button="Change warnings and reminders",
            fields=[Field(name, f"{label} (days)", "number", width="govuk-input--width-4")
                    for name, label in SCALAR_LABELS.items()],
            preview=lambda v: policy_preview(principal, changes(v)),
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            if changed := changes(v):
                await update_policy(principal, changed)
            return done("/admin/policy", "policy")

        return await run_action(request, principal, action, perform, nav_active="/admin/policy",
                                defaults={n: current.get(n) for n in SCALAR_LABELS})

    @route("/admin/policy/validity", http_method=["GET", "POST"])
    async def validity(self, request: Request[Any, Any, Any], principal: CurrentPrincipal) -> Response[Any]:
        await require_installation_writer(principal, action="change the policy")
        current = {m["code"]: m["validity_months"] for m in (await policy_document())["module_validity"]}
        names = (await load_catalogue()).names

        def changes(v: dict[str, Any]) -> dict[str, Any]:
            moved = [{"code": code, "validity_months": v[f"module_validity__{code}"]} for code in current
                     if v[f"module_validity__{code}"] != current[code]]
            return {"module_validity": moved} if moved else {}

        action = Action(
            title="Change how long training stays valid", caption="Policy", submit="Continue",
            back_url="/admin/policy", intro="Months each training module stays valid. Leave empty for no expiry.",
            confirm_title="Are you sure you want to change training validity?", confirm_button="Change validity",
            fields=[Field(f"module_validity__{code}", f"{names.module(code)} (months)", "number", required=False,
                          width="govuk-input--width-4") for code in current],
            preview=lambda v: policy_preview(principal, changes(v)),
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            if changed := changes(v):
                await update_policy(principal, changed)
            return done("/admin/policy", "policy")

        return await run_action(request, principal, action, perform, nav_active="/admin/policy",
                                defaults={f"module_validity__{c}": m for c, m in current.items()})

    @route("/admin/policy/prerequisites", http_method=["GET", "POST"])
    async def prerequisites(self, request: Request[Any, Any, Any], principal: CurrentPrincipal) -> Response[Any]:
        await require_installation_writer(principal, action="change the policy")
        powers = [p for p in await list_powers() if p["in_force"]]
        modules = [(m["code"], m["title"]) for m in await list_modules()]
        current: dict[str, list[str]] = {p["code"]: [] for p in powers}
        for pair in (await policy_document())["power_prerequisites"]:
            current.setdefault(pair["power_code"], []).append(pair["module_code"])

        def changes(v: dict[str, Any]) -> dict[str, Any]:
            return {"power_prerequisites": [{"power_code": code, "module_code": module}
                                            for code in current for module in (v.get(f"prerequisites__{code}") or [])]}

        action = Action(
            title="Change the training each power needs", caption="Policy", submit="Continue",
            back_url="/admin/policy",
            intro="Every power also needs the CSAS course (and traffic powers the traffic course): tick the "
                  "other modules an officer must hold in date to use it.",
            confirm_title="Are you sure you want to change the power prerequisites?",
            confirm_button="Change prerequisites",
            warning="Compliance, plans and reminders follow the new prerequisites at once.",
            fields=[Field(f"prerequisites__{p['code']}", f"{p['code']}: {p['title']}", "checkboxes",
                          options=modules, required=False) for p in powers],
            preview=lambda v: policy_preview(principal, changes(v)),
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            await update_policy(principal, changes(v))
            return done("/admin/policy", "policy")

        return await run_action(request, principal, action, perform, nav_active="/admin/policy",
                                defaults={f"prerequisites__{code}": modules_ for code, modules_ in current.items()})

    @get("/admin/catalogues")
    async def catalogues(self, principal: CurrentPrincipal) -> Response[Any]:
        _require_admin(principal)
        return page("pages/admin_catalogues.html", principal, title="Catalogues", nav_active="/admin/catalogues",
                    powers=await list_powers(), levels=await list_levels(), modules=await list_modules(),
                    kit_types=await list_kit_types())

    @get("/admin/outbox")
    async def outbox(self, principal: CurrentPrincipal, offset: FromQuery[int] = 0) -> Response[Any]:
        _require_admin(principal)
        rows, total = await list_notifications(limit=50, offset=max(offset, 0))
        return page("pages/admin_outbox.html", principal, title="Outbox", nav_active="/admin/outbox", rows=rows,
                    total=total, offset=max(offset, 0), limit=50)

    @get("/admin/scheduler")
    async def scheduler(self, principal: CurrentPrincipal) -> Response[Any]:
        _require_admin(principal)
        return page("pages/admin_scheduler.html", principal, title="Scheduler", nav_active="/admin/scheduler",
                    health=await scheduler_health())


ROUTES: list[type] = [AdminPages]
