"""The manager's working pages: each officer's next renewal step with a link to the page that does it, booking
training on a module's date, and recording attendance (which records the completion)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, route
from litestar.params import FromPath, FromQuery

from admin_ui.errors import PAGE_ERRORS
from admin_ui.forms import Action, Field, done, page, run_action
from admin_ui.pages_manager import RESULTS
from core.access import Principal, Role
from core.http import CurrentPrincipal, Today
from register.officers.services import get_officer
from scheduler.kinds import Kind, PlanStep
from scheduler.policy_store import load_catalogue
from scheduler.readiness import next_step, overdue_count, urgency
from scheduler.services import judgements_for
from training.services import attend_booking, create_booking, get_booking, list_modules


@dataclass(frozen=True)
class StepAction:
    """What to do about a plan step: a link when the viewer's role does it, otherwise who does."""

    label: str
    href: str | None = None
    who: str = ""


def step_action(step: PlanStep, officer_id: int, viewer: Principal) -> StepAction:
    role = Role.ADMIN if viewer.is_admin else viewer.role
    # The roles training.services and register.kit.services let record training and kit.
    records_training_and_kit = role in (Role.ADMIN, Role.MANAGER, Role.HR, Role.CSAS_COORDINATOR)
    if step.kind is Kind.TRAINING:
        if records_training_and_kit:
            return StepAction("Book training", f"/officers/{officer_id}/training/book?module_code={step.code}")
        return StepAction("Book training", who="The officer's manager or HR")
    if step.kind is Kind.KIT:
        if not records_training_and_kit:
            return StepAction(step.title, who="The officer's manager or HR")
        if step.title.startswith("Inspect"):
            return StepAction("Record an inspection", f"/officers/{officer_id}#kit")
        return StepAction("Issue new kit", f"/officers/{officer_id}/kit/new?kit_type_code={step.code}")
    if step.kind is Kind.VETTING:
        if role in (Role.ADMIN, Role.HR, Role.VETTING_OFFICER):
            return StepAction("Request vetting", f"/officers/{officer_id}/vetting/new?level_code={step.code}")
        return StepAction("Request vetting", who="HR")
    if step.kind is Kind.ACCREDITATION:
        if role in (Role.ADMIN, Role.CSAS_COORDINATOR):
            return StepAction("Grant the renewal", f"/officers/{officer_id}/accreditations/new")
        return StepAction("Apply for re-accreditation", who="The CSAS coordinator, with the officer's evidence")
    return StepAction(step.title, who="The CSAS coordinator")


async def next_steps(viewer: Principal, today: dt.date, team_id: int | None) -> list[dict[str, Any]]:
    """Every officer in scope with their next step and what to do about it, most urgent first."""
    rows = []
    for facts, _, plan in await judgements_for(viewer, today, team_id=team_id):
        step = next_step(plan)
        rows.append({"officer_id": facts.officer_id, "name": facts.name, "next": step,
                     "overdue": overdue_count(plan),
                     "action": step_action(step, facts.officer_id, viewer) if step else None})
    return sorted(rows, key=lambda r: (urgency(r["next"]), r["name"]))


class NextStepPages(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/team/next-steps")
    async def steps(self, principal: CurrentPrincipal, today: Today,
                    team_id: FromQuery[int | None] = None) -> Response[Any]:
        names = (await load_catalogue()).names
        return page("pages/next_steps.html", principal, title="Next steps", nav_active="/team/next-steps",
                    rows=await next_steps(principal, today, team_id), today=today, names=names)

    @route("/officers/{officer_id:int}/training/book", http_method=["GET", "POST"])
    async def book(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                   officer_id: FromPath[int], module_code: FromQuery[str | None] = None) -> Response[Any]:
        officer = await get_officer(principal, officer_id)
        modules = [(m["code"], m["title"]) for m in await list_modules()]
        back = f"/officers/{officer_id}"
        action = Action(
            title="Book training", caption=f"{officer['given_name']} {officer['family_name']}",
            submit="Continue", back_url=back, confirm_button="Book training",
            fields=[Field("module_code", "Module", "select", modules),
                    Field("starts_on", "Date the course starts", "date"),
                    Field("provider", "Training provider", required=False)],
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            await create_booking(principal, officer_id=officer_id, module_code=v["module_code"],
                                 starts_on=v["starts_on"], today=today, provider=v["provider"] or "")
            return done(back, "booking")

        defaults = {"module_code": module_code} if module_code else {}
        return await run_action(request, principal, action, perform, defaults=defaults)

    @route("/bookings/{booking_id:int}/attend", http_method=["GET", "POST"])
    async def attend(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                     booking_id: FromPath[int]) -> Response[Any]:
        booking = await get_booking(principal, booking_id)
        officer = await get_officer(principal, booking["officer"])
        title = (await load_catalogue()).names.module(booking["module_code"])
        back = f"/officers/{booking['officer']}"
        action = Action(
            title="Record attendance", caption=f"{officer['given_name']} {officer['family_name']}, {title}",
            submit="Continue", back_url=back, confirm_button="Record attendance",
            intro="The result is saved as the officer's training record for the module.",
            fields=[Field("attended_on", "Date attended", "date"),
                    Field("result", "Result", "radios", RESULTS),
                    Field("certificate_ref", "Certificate reference", required=False)],
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            await attend_booking(principal, booking_id, today=today, attended_on=v["attended_on"],
                                 result=v["result"], certificate_ref=v["certificate_ref"] or "")
            return done(back, "attended")

        return await run_action(request, principal, action, perform,
                                defaults={"attended_on": min(booking["starts_on"], today)})


ROUTES: list[type] = [NextStepPages]
