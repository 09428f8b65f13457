"""Policy values the first policy pages (admin_ui/pages_admin.py) did not offer (issue 19): the days before an
expiry on which officers are reminded, and the vetting levels (renewal period, annual review, accepted for CSAS).
Who may change them is who may change the rest of the policy (register.scope.require_installation_writer);
each change goes through scheduler.policy_store.update_policy, all or nothing, audited."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, route

from admin_ui.errors import PAGE_ERRORS
from admin_ui.forms import Action, Field, done, form_data, render_form, run_action
from admin_ui.policy_preview_view import policy_preview
from core.http import CurrentPrincipal
from register.scope import require_installation_writer
from scheduler.policy_store import MAX_DAYS, policy_document, update_policy
from vetting.rules import check_level_update
from vetting.services import list_levels

MAX_REMINDERS = 10


def parse_days(text: str) -> tuple[list[int], str | None]:
    """'14, 1' → [14, 1] (largest first, each once); the message says what is wrong with anything else."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        return [], "Enter whole numbers of days separated by commas, like 14, 1."
    days = sorted({int(p) for p in parts}, reverse=True)
    if any(d > MAX_DAYS for d in days):
        return [], f"Each number of days must be from 0 to {MAX_DAYS}."
    if len(days) > MAX_REMINDERS:
        return [], f"Enter at most {MAX_REMINDERS} reminder days."
    return days, None


class PolicyPages(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @route("/admin/policy/reminders", http_method=["GET", "POST"])
    async def reminders(self, request: Request[Any, Any, Any], principal: CurrentPrincipal) -> Response[Any]:
        await require_installation_writer(principal, action="change the policy")
        current = (await policy_document())["officer_reminder_days"]
        action = Action(
            title="Change the officers' reminders", caption="Policy", submit="Continue", back_url="/admin/policy",
            intro="Besides the reminder on the day a renewal should start, each officer is reminded this many days "
                  "before each of their expiries.",
            confirm_title="Are you sure you want to change the officers' reminders?",
            confirm_button="Change the reminders",
            fields=[Field("officer_reminder_days", "Days before an expiry", required=False,
                          width="govuk-input--width-10",
                          hint="Whole numbers separated by commas, for example 14, 1. Leave empty to send officers "
                               "only the start-by reminder.")],
        )
        if request.method == "POST":
            raw = await form_data(request)
            text = str(raw.get("officer_reminder_days") or "")
            _, problem = parse_days(text)
            if problem:  # checked before the check page, not after "Are you sure?"
                return render_form(principal, action, {"officer_reminder_days": text},
                                   {"officer_reminder_days": problem}, status_code=422, nav_active="/admin/policy")

        async def perform(v: dict[str, Any]) -> Response[Any]:
            days, _ = parse_days(v["officer_reminder_days"] or "")
            if days != current:
                await update_policy(principal, {"officer_reminder_days": days})
            return done("/admin/policy", "policy")

        return await run_action(request, principal, action, perform, nav_active="/admin/policy",
                                defaults={"officer_reminder_days": ", ".join(str(d) for d in current)})

    @route("/admin/policy/vetting-levels", http_method=["GET", "POST"])
    async def vetting_levels(self, request: Request[Any, Any, Any], principal: CurrentPrincipal) -> Response[Any]:
        await require_installation_writer(principal, action="change the policy")
        levels = (await policy_document())["vetting_levels"]
        titles = {lv["code"]: lv["title"] for lv in await list_levels()}
        codes = [(lv["code"], f"{titles.get(lv['code']) or lv['code']} ({lv['code']})") for lv in levels]

        def changes(v: dict[str, Any]) -> dict[str, Any]:
            changed = [{"code": lv["code"], "renewal_months": v[f"renewal__{lv['code']}"],
                        "has_annual_review": lv["code"] in v["annual_review"]} for lv in levels
                       if (v[f"renewal__{lv['code']}"], lv["code"] in v["annual_review"])
                       != (lv["renewal_months"], lv["has_annual_review"])]
            return {"required_vetting_levels": v["accepted"], "vetting_levels": changed}

        action = Action(
            title="Change the vetting levels", caption="Policy", submit="Continue", back_url="/admin/policy",
            confirm_title="Are you sure you want to change the vetting levels?",
            confirm_button="Change the vetting levels",
            warning="Compliance, plans and reminders follow the new values at once.",
            fields=[
                Field("accepted", "Levels accepted for CSAS", "checkboxes", codes,
                      hint="An officer needs a clearance at one of these levels to use any power."),
                Field("annual_review", "Levels with an annual review", "checkboxes", codes, required=False,
                      hint="A clearance at these levels stops counting at its review date until reviewed."),
                *[Field(f"renewal__{lv['code']}", f"{titles.get(lv['code']) or lv['code']}: renewal period (months)",
                        "number",
                        width="govuk-input--width-4") for lv in levels],
            ],
            preview=lambda v: policy_preview(principal, changes(v)),
        )
        if request.method == "POST":
            raw = await form_data(request)
            problems: dict[str, str] = {}
            for lv in levels:
                name = f"renewal__{lv['code']}"
                text = str(raw.get(name) or "").strip()
                if text.isdigit() and check_level_update(int(text)):
                    problems[name] = (f"{titles.get(lv['code']) or lv['code']}: the renewal period must be from 1 "
                                      "to 240 months.")
            if problems:
                ticked = {n: v if isinstance(v := raw.get(n, []), list) else [v] for n in ("accepted", "annual_review")}
                return render_form(principal, action, {**raw, **ticked}, problems, status_code=422,
                                   nav_active="/admin/policy")

        async def perform(v: dict[str, Any]) -> Response[Any]:
            await update_policy(principal, changes(v))
            return done("/admin/policy", "policy")

        return await run_action(request, principal, action, perform, nav_active="/admin/policy", defaults={
            "accepted": [lv["code"] for lv in levels if lv["accepted_for_csas"]],
            "annual_review": [lv["code"] for lv in levels if lv["has_annual_review"]],
            **{f"renewal__{lv['code']}": lv["renewal_months"] for lv in levels}})


ROUTES: list[type] = [PolicyPages]
