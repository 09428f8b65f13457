"""Capacity planning ("plan the cliff", issue 21): renewals due each month against the force's capacity, the
levelled schedule, the unavoidable lapses and the capacity that avoids them; its chart, downloads, and the form
that changes a force's capacity. Everything is computed by scheduler.planning, scoped there."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode

from anyio import to_thread
from litestar import Controller, Request, Response, get, route

from admin_ui.errors import PAGE_ERRORS
from admin_ui.forms import Action, Field, Values, done, page, run_action
from admin_ui.pages_officer import notice_for
from core.access import Principal, Role
from core.dates import long_month
from core.http import CurrentPrincipal, Today
from register.facts import employment_rows
from register.officers.services import list_forces, list_organisations
from reports import exports
from scheduler import planning
from scheduler.capacity import KIND_TITLES, WORK_KINDS, Work
from scheduler.policy import Names
from scheduler.policy_store import load_catalogue

MONTH_CHOICES = (6, 12, 18, 24)


@dataclass(frozen=True)
class CapacityFilter:
    months: int
    organisation_id: int | None

    def query(self) -> str:
        values = {"months": self.months, "organisation_id": self.organisation_id}
        return urlencode({k: v for k, v in values.items() if v is not None})


def read_filter(request: Request[Any, Any, Any]) -> CapacityFilter:
    """The page's choices from its query (a value out of range falls back to the default, as a filter does)."""
    params = request.query_params
    months = int(m) if (m := params.get("months") or "").isdigit() else planning.DEFAULT_MONTHS
    if not planning.MIN_MONTHS <= months <= planning.MAX_MONTHS:
        months = planning.DEFAULT_MONTHS
    org = params.get("organisation_id") or ""
    return CapacityFilter(months, int(org) if org.isdigit() else None)



def item_title(work: Work, names: Names) -> str:
    """The renewal in words, as every page says a plan step's item (Names.item: titles, not codes)."""
    return names.item("training" if work.kind == "course" else work.kind, work.code)


async def _plan(principal: Principal, today: dt.date, chosen: CapacityFilter) -> planning.CapacityPlan:
    return await planning.capacity_plan(principal, today, today, chosen.months, chosen.organisation_id)


async def unavoidable_rows(plan: planning.CapacityPlan, names: Names) -> list[dict[str, Any]]:
    work = plan.unavoidable()
    people = await employment_rows(sorted({w.officer_id for w in work}))
    return [{"officer_id": w.officer_id,
             "name": f"{people[w.officer_id]['given_name']} {people[w.officer_id]['family_name']}",
             "organisation": people[w.officer_id]["organisation_name"],
             "kind": KIND_TITLES[w.kind], "item": item_title(w, names), "code": w.code,
             "start_by": w.start_by, "expires_on": w.expires_on} for w in work if w.officer_id in people]


def month_rows(plan: planning.CapacityPlan) -> list[dict[str, Any]]:
    """The months table flattened for a spreadsheet: one column per kind and figure."""
    return [{"month": r["month"], **{f"{kind}_{field}": r[field][kind] for kind in WORK_KINDS
                                     for field in ("demand", "capacity", "levelled")}} for r in plan.rows()]


def may_change(viewer: Principal) -> bool:
    return viewer.is_admin or viewer.role is Role.CSAS_COORDINATOR


class CapacityPages(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/capacity")
    async def capacity_page(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                            today: Today) -> Response[Any]:
        from reports.charts import capacity_series, describe_capacity  # matplotlib: loaded on first use

        chosen = read_filter(request)
        plan = await _plan(principal, today, chosen)
        rows = plan.rows()
        labels, kinds = capacity_series(rows, KIND_TITLES)
        forces = {f["id"]: f["name"] for f in await list_forces(principal)}
        settings = [(f.force_id, forces.get(f.force_id, ""), f.capacity) for f in plan.forces
                    if f.force_id is not None]
        if not settings and principal.force_id is not None:  # a coordinator's force with no officers yet
            settings = [(principal.force_id, forces.get(principal.force_id, ""), dict.fromkeys(WORK_KINDS))]
        return page("pages/capacity.html", principal, title="Capacity", nav_active="/capacity", chosen=chosen,
                    rows=rows, month_title=long_month, kinds=WORK_KINDS, kind_titles=KIND_TITLES,
                    unavoidable=await unavoidable_rows(plan, (await load_catalogue()).names),
                    needed=plan.needed(), capacity=plan.capacity(), settings=settings,
                    may_change=may_change(principal), month_choices=MONTH_CHOICES,
                    organisations=await list_organisations(principal), notice=notice_for(request),
                    chart_alt=describe_capacity(labels, kinds))

    @get("/capacity/chart.svg", media_type="image/svg+xml")
    async def capacity_chart(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                             today: Today) -> Response[bytes]:
        from reports.charts import capacity_chart, capacity_series

        rows = (await _plan(principal, today, read_filter(request))).rows()
        labels, kinds = capacity_series(rows, KIND_TITLES)
        svg = await to_thread.run_sync(partial(capacity_chart, labels, kinds, "svg"))
        return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=300"})

    @get(["/capacity/months.csv", "/capacity/months.xlsx", "/capacity/unavoidable.csv",
          "/capacity/unavoidable.xlsx"])
    async def capacity_download(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                                today: Today) -> Response[bytes]:
        """The page's months table, or its list of unavoidable lapses, for the same choices, as a file."""
        chosen = read_filter(request)
        plan = await _plan(principal, today, chosen)
        table, _, fmt = request.url.path.rpartition("/")[2].partition(".")
        if table == "months":
            dataset, rows = "capacity_months", month_rows(plan)
        else:
            dataset, rows = "capacity_unavoidable", await unavoidable_rows(plan, (await load_catalogue()).names)
        body = await to_thread.run_sync(partial(exports.render, dataset, fmt, rows))
        name = f"capacity-{table}-{today.isoformat()}-{chosen.months}-months.{fmt}"
        return Response(body, media_type=exports.CONTENT_TYPES[fmt].split(";")[0],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @route("/capacity/settings", http_method=["GET", "POST"])
    async def settings(self, request: Request[Any, Any, Any], principal: CurrentPrincipal) -> Response[Any]:
        force = request.query_params.get("force_id") or ""
        force_id = int(force) if force.isdigit() else None
        current = await planning.capacity_settings(principal, force_id)  # 403 outside the caller's force
        hint = "Leave empty for no limit: renewals are then planned in the month they are due."
        action = Action(
            title="Change the capacity for renewals", caption="Capacity", submit="Continue", back_url="/capacity",
            intro="How many renewals can be started each month. The capacity plan fits renewals within it, "
                  "asking officers to start early where a later month is full.",
            confirm_title="Are you sure you want to change the capacity?", confirm_button="Change the capacity",
            warning="The capacity plan and the officers' reminders follow the new values at once.",
            fields=[Field(name, label, "number", required=False, width="govuk-input--width-5", hint=hint)
                    for name, label in (
                        ("vetting_per_month", "Vetting renewals the vetting unit can process each month"),
                        ("course_seats_per_month", "Course places each month (CSAS refresher and modules)"),
                        ("accreditations_per_month", "Re-accreditations that can be granted each month"))],
            check=_check_settings,
        )

        async def perform(v: Values) -> Response[Any]:
            await planning.update_capacity_settings(principal, {n: v.get(n) for n in planning.SETTINGS},
                                                    current["force_id"])
            return done("/capacity", "capacity")

        return await run_action(request, principal, action, perform, nav_active="/capacity",
                                defaults={n: current[n] for n in planning.SETTINGS})


def _check_settings(values: Values) -> dict[str, str]:
    # Checked before the check page, as the service would refuse it after "Are you sure?".
    return {v.field: f"Enter a whole number from 0 to {planning.MAX_PER_MONTH:,}, or leave it empty for no limit."
            for v in planning.check_settings(values) if v.field}


ROUTES: list[type] = [CapacityPages]
