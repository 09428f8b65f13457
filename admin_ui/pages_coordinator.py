"""The CSAS coordinator's pages: the forecast across employers, accreditations to renew, and granting,
suspending, reinstating and withdrawing accreditations and powers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from anyio import to_thread
from litestar import Controller, Request, Response, get, route
from litestar.params import FromPath

from admin_ui.errors import PAGE_ERRORS
from admin_ui.forecast_view import GROUPINGS, page_of, read_filter, shown, usable_by_month
from admin_ui.forms import Action, Field, done, page, run_action
from admin_ui.pages_officer import notice_for
from core.http import CurrentPrincipal, Today
from register import leaving
from register.accreditations import services as accreditations
from register.facts import employment_rows
from register.officers.services import get_officer, get_organisation, list_organisations, list_powers, list_teams
from reports import exports
from scheduler.policy_store import load_catalogue

RENEW_WINDOW_DAYS = 180
CHART_TITLE = "Officers able to use each power, at the window's start and each month start"


async def _grantable_powers(held: set[str] | None = None) -> list[tuple[str, str]]:
    """The powers a form may grant, by title: a repealed power is never offered (the service would refuse it only
    after the check page), nor one the accreditation already holds."""
    return [(p["code"], p["title"]) for p in await list_powers() if p["in_force"] and p["code"] not in (held or ())]


class CoordinatorPages(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/forecast")
    async def forecast_page(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                            today: Today) -> Response[Any]:
        from reports.charts import describe_capability_forecast  # matplotlib: loaded on first use, not at start-up

        chosen = read_filter(request, today)
        # Titles, not codes: the powers and modules as people know them.
        names = (await load_catalogue()).names
        groups = await shown(principal, chosen, names)
        on_page, pages = page_of(groups, chosen.page)
        months, series = await usable_by_month(principal, chosen, names)
        return page("pages/forecast.html", principal, title="Forecast", nav_active="/forecast", chosen=chosen,
                    groups=on_page, group_count=len(groups), row_count=sum(len(g.rows) for g in groups),
                    page_number=min(chosen.page, pages), pages=pages, groupings=GROUPINGS,
                    start=chosen.start, end=chosen.end, start_answer=chosen.start_answer,
                    end_answer=chosen.end_answer, organisations=await list_organisations(principal),
                    teams=await list_teams(principal), names=names, months=months, series=series,
                    chart_alt=describe_capability_forecast(months, series, CHART_TITLE))

    @get("/forecast/chart.svg", media_type="image/svg+xml")
    async def forecast_chart(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                             today: Today) -> Response[bytes]:
        from reports.charts import capability_forecast

        chosen = read_filter(request, today)
        months, series = await usable_by_month(principal, chosen, (await load_catalogue()).names)
        svg = await to_thread.run_sync(partial(capability_forecast, months, series, CHART_TITLE, "svg"))
        return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=300"})

    @get(["/forecast/download.csv", "/forecast/download.xlsx"])
    async def forecast_download(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                                today: Today) -> Response[bytes]:
        """What the page shows for the same filter (every page of it, in its grouping's order), as a file."""
        chosen = read_filter(request, today)
        groups = await shown(principal, chosen, (await load_catalogue()).names)
        rows = await exports.forecast_download(principal, [r for g in groups for r in g.rows], today)
        fmt = request.url.path.rpartition(".")[2]
        body = await to_thread.run_sync(partial(exports.render, "forecast", fmt, rows))
        name = f"forecast-{chosen.start.isoformat()}-to-{chosen.end.isoformat()}-by-{chosen.group}.{fmt}"
        return Response(body, media_type=exports.CONTENT_TYPES[fmt].split(";")[0],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @get("/accreditations")
    async def to_renew(self, principal: CurrentPrincipal, today: Today) -> Response[Any]:
        horizon = today + dt.timedelta(days=RENEW_WINDOW_DAYS)
        rows, _ = await accreditations.list_accreditations(principal, today=today, expiring_between=(today, horizon),
                                                           limit=None)
        due = sorted((r for r in rows if r["status"] in ("in_force", "suspended")),
                     key=lambda r: (r["expires_on"], r["number"]))
        # The accreditations are already limited to the caller's scope, so their officers are too.
        people = await employment_rows(sorted({r["officer_id"] for r in due}))
        names = {oid: f"{o['given_name']} {o['family_name']}" for oid, o in people.items()}
        return page("pages/accreditations.html", principal, title="Accreditations to renew",
                    nav_active="/accreditations", rows=due, names=names, today=today, days=RENEW_WINDOW_DAYS)

    @get("/accreditations/{accreditation_id:int}")
    async def accreditation(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                            accreditation_id: FromPath[int]) -> Response[Any]:
        acc = await accreditations.get_accreditation(principal, accreditation_id, today)
        officer = await get_officer(principal, acc["officer_id"])
        return page("pages/accreditation.html", principal, title=f"Accreditation {acc['number']}",
                    nav_active="/accreditations", acc=acc, officer=officer, notice=notice_for(request),
                    back_url=f"/officers/{officer['id']}", names=(await load_catalogue()).names)

    @route("/accreditations/{accreditation_id:int}/{change:str}", http_method=["GET", "POST"])
    async def change(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                     accreditation_id: FromPath[int], change: FromPath[str]) -> Response[Any]:
        acc = await accreditations.get_accreditation(principal, accreditation_id, today)
        services: dict[str, tuple[str, str, Callable[..., Awaitable[Any]], str]] = {
            "suspend": ("Suspend", "suspended", accreditations.suspend_accreditation,
                        "The officer's powers stop being usable from that day until it is reinstated."),
            "reinstate": ("Reinstate", "reinstated", accreditations.reinstate_accreditation, ""),
            "withdraw": ("Withdraw", "withdrawn", leaving.withdraw_accreditation,
                         "Withdrawal is final: the ID card and badge are to be recovered."),
        }
        if change not in services:
            from litestar.exceptions import NotFoundException

            raise NotFoundException("No such page.")
        verb, key, service, warning = services[change]
        back = f"/accreditations/{accreditation_id}"
        action = Action(
            title=f"{verb} accreditation {acc['number']}", submit="Continue", back_url=back,
            confirm_title=f"Are you sure you want to {verb.lower()} accreditation {acc['number']}?",
            confirm_button=f"{verb} accreditation", destructive=change != "reinstate", warning=warning,
            fields=[Field("on", "From", "date"),
                    Field("reason", "Reason", "textarea", hint="Give the reason in a few words. Do not record "
                          "intelligence or personal details.")],
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            await service(principal, accreditation_id, v["on"], v["reason"], today)
            return done(back, key)

        return await run_action(request, principal, action, perform, defaults={"on": today},
                                nav_active="/accreditations")

    @route("/accreditations/{accreditation_id:int}/powers/{code:str}/withdraw", http_method=["GET", "POST"])
    async def withdraw_power(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                             accreditation_id: FromPath[int], code: FromPath[str]) -> Response[Any]:
        acc = await accreditations.get_accreditation(principal, accreditation_id, today)
        back = f"/accreditations/{accreditation_id}"
        action = Action(
            title=f"Withdraw power {code}", caption=f"Accreditation {acc['number']}", submit="Continue",
            back_url=back, confirm_title=f"Are you sure you want to withdraw power {code}?",
            confirm_button="Withdraw power", destructive=True,
            fields=[Field("on", "From", "date"),
                    Field("reason", "Reason", "textarea")],
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            await accreditations.withdraw_power(principal, accreditation_id, code, v["on"], v["reason"], today)
            return done(back, "power_withdrawn")

        return await run_action(request, principal, action, perform, defaults={"on": today},
                                nav_active="/accreditations")

    @route("/accreditations/{accreditation_id:int}/powers/new", http_method=["GET", "POST"])
    async def designate_power(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                              accreditation_id: FromPath[int]) -> Response[Any]:
        acc = await accreditations.get_accreditation(principal, accreditation_id, today)
        held = {p["code"] for p in acc["powers"] if not p["withdrawn_on"]}
        powers = await _grantable_powers(held)
        back = f"/accreditations/{accreditation_id}"
        action = Action(
            title="Designate a further power", caption=f"Accreditation {acc['number']}", submit="Continue",
            back_url=back, confirm_button="Designate power",
            intro="The power is usable from the date given once its training prerequisites are met.",
            fields=[Field("code", "Power", "radios", powers),
                    Field("granted_on", "Granted on", "date")],
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            await accreditations.designate_power(principal, accreditation_id, v["code"], v["granted_on"], today)
            return done(back, "power_designated")

        return await run_action(request, principal, action, perform, defaults={"granted_on": today},
                                nav_active="/accreditations")

    @route("/officers/{officer_id:int}/accreditations/new", http_method=["GET", "POST"])
    async def grant(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                    officer_id: FromPath[int]) -> Response[Any]:
        officer = await get_officer(principal, officer_id)
        powers = await _grantable_powers()
        force_id = principal.force_id or (await get_organisation(principal, officer["organisation"]))["force"]
        back = f"/officers/{officer_id}"
        action = Action(
            title="Grant an accreditation", caption=f"{officer['given_name']} {officer['family_name']}",
            submit="Continue", back_url=back, confirm_button="Grant accreditation",
            intro="If an accreditation from your force is in force on the grant date, this renews it.",
            fields=[Field("number", "Accreditation number", width="govuk-input--width-10"),
                    Field("granted_on", "Granted on", "date"),
                    Field("expires_on", "Expires on", "date"),
                    Field("power_codes", "Powers", "checkboxes", powers, required=False,
                          hint="Leave empty when renewing to carry the current powers over."),
                    Field("conditions", "Conditions", "textarea", required=False)],
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            created = await accreditations.grant_accreditation(
                principal, officer_id=officer_id, force_id=force_id, number=v["number"],
                granted_on=v["granted_on"], expires_on=v["expires_on"], power_codes=v["power_codes"],
                conditions=v["conditions"] or "", today=today)
            return done(f"/accreditations/{created['id']}", "granted")

        return await run_action(request, principal, action, perform, defaults={"granted_on": today})


ROUTES: list[type] = [CoordinatorPages]
