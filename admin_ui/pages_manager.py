"""The manager's pages: team readiness, the expiry calendar, the training matrix; recording training and kit.
Also the officers list every office role uses."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from litestar import Controller, Request, Response, get, route
from litestar.params import FromPath, FromQuery

from admin_ui.errors import PAGE_ERRORS
from admin_ui.forms import Action, Field, done, page, run_action
from admin_ui.pages_officer import may_change_people, notice_for
from admin_ui.sorting import chosen_sort, page_query, sort_headers
from core.access import Principal
from core.dates import parse_day
from core.http import CurrentPrincipal, Today
from register.kit import rules as kit_rules
from register.kit import services as kit
from register.officers.services import DEFAULT_ORDER, OFFICER_ORDERS, get_officer, list_officers, list_teams
from scheduler.kinds import StepStatus
from scheduler.policy_store import load_catalogue, load_policy
from scheduler.readiness import next_step, overdue_count, urgency
from scheduler.services import compliance_of, judgements_for
from training.services import list_modules, record_completion, training_matrix

RAG_ORDER = {"red": 0, "amber": 1, "green": 2}
# The officer list's columns and the order each header asks for (readiness is judged, not stored: not sortable).
OFFICER_COLUMNS: list[tuple[str, str | None]] = [
    ("Name", "name"), ("Staff number", "staff_number"), ("Employer", "employer"), ("Team", "team"),
    ("Readiness", None), ("Serving", "serving")]
RESULTS = [("pass", "Pass"), ("fail", "Fail"), ("referred", "Referred")]
RETURN_CONDITIONS = [(str(c), str(c).capitalize()) for c in kit_rules.RETURN_CONDITIONS]
INSPECTION_CONDITIONS = [(str(c), str(c).capitalize()) for c in kit_rules.INSPECTION_CONDITIONS]


def _month(value: str | None, today: dt.date) -> dt.date:
    try:
        return parse_day(f"{value}-01") if value else today.replace(day=1)
    except ValueError:
        return today.replace(day=1)


# The board's orders (?sort=): most urgent by colour and lapse day, or officers with an overdue step first.
SORTS = {"urgent": "Most urgent", "overdue": "Overdue first"}


def _most_urgent(row: dict[str, Any]) -> tuple[Any, ...]:
    return RAG_ORDER.get(row["status"], 3), row["until"] or dt.date.max, row["name"]


def _overdue_first(row: dict[str, Any]) -> tuple[Any, ...]:
    # An officer with an overdue step has the longest overdue one as their next step: that orders them.
    late = urgency(row["next"]) if row["overdue"] else urgency(None)
    return late, _most_urgent(row)


async def readiness(viewer: Principal, today: dt.date, team_id: int | None, sort: str = "urgent"
                    ) -> list[dict[str, Any]]:
    rows = []
    for facts, comp, plan in await judgements_for(viewer, today, team_id=team_id):
        rows.append({"officer_id": facts.officer_id, "name": facts.name, "status": comp.status.value,
                     "until": comp.powers_usable_until, "binding": comp.binding,
                     "usable": sum(1 for p in comp.powers if p.usable), "powers": len(comp.powers),
                     "next": next_step(plan), "overdue": overdue_count(plan)})
    return sorted(rows, key=_overdue_first if sort == "overdue" else _most_urgent)


def _board_url(team_id: int | None, sort: str, only_overdue: bool) -> str:
    params = [f"team_id={team_id}"] if team_id is not None else []
    params += [f"sort={sort}"] if sort != "urgent" else []
    params += ["show=overdue"] if only_overdue else []
    return "/team" + ("?" + "&".join(params) if params else "")


async def team_events(viewer: Principal, today: dt.date, team_id: int | None
                      ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Plan-step start-by dates, expiries and power lapses for every officer in scope; and each officer's next
    step, those with an overdue one first."""
    events: list[dict[str, Any]] = []
    officers: list[dict[str, Any]] = []
    names = (await load_catalogue()).names
    for facts, comp, plan in await judgements_for(viewer, today, team_id=team_id):
        name = facts.name
        officers.append({"officer_id": facts.officer_id, "name": name, "next": next_step(plan),
                         "overdue": overdue_count(plan)})
        for step in plan:
            events.append({"on": step.start_by, "kind": "Start by", "text": f"{name}: {step.title}",
                           "officer_id": facts.officer_id, "overdue": step.status is StepStatus.OVERDUE})
            events.append({"on": step.expires_on, "kind": "Expires",
                           "text": f"{name}: {names.item(step.kind.value, step.code)}",
                           "officer_id": facts.officer_id, "overdue": False})
        if comp.powers_usable_until is not None:
            events.append({"on": comp.powers_usable_until, "kind": "Powers lapse", "text": f"{name}: powers lapse",
                           "officer_id": facts.officer_id, "overdue": False})
    officers.sort(key=lambda o: (urgency(o["next"]), o["name"]))
    return sorted(events, key=lambda e: (e["on"], e["text"])), officers


def month_grid(month: dt.date, events: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        weeks.append([{"day": d, "in_month": d.month == month.month,
                       "events": [e for e in events if e["on"] == d]} for d in week])
    return weeks


def _team_choice(viewer: Principal, team_id: int | None) -> int | None:
    return team_id if team_id is not None else (next(iter(sorted(viewer.team_ids))) if len(viewer.team_ids) == 1
                                                 else None)


class ManagerPages(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/team")
    async def team(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                   team_id: FromQuery[int | None] = None, sort: FromQuery[str | None] = None,
                   show: FromQuery[str | None] = None) -> Response[Any]:
        order = sort if sort in SORTS else "urgent"
        only_overdue = show == "overdue"
        everyone = await readiness(principal, today, team_id, order)
        rows = [r for r in everyone if r["overdue"]] if only_overdue else everyone
        counts = {k: sum(1 for r in everyone if r["status"] == k) for k in ("red", "amber", "green")}
        sorts = [(key, label, _board_url(team_id, key, only_overdue)) for key, label in SORTS.items()]
        return page("pages/team.html", principal, title="Team readiness", nav_active="/team", rows=rows,
                    counts=counts, with_overdue=sum(1 for r in everyone if r["overdue"]), total=len(everyone),
                    today=today, notice=notice_for(request), sort=order, sorts=sorts, only_overdue=only_overdue,
                    names=(await load_catalogue()).names,
                    show_all_url=_board_url(team_id, order, False), only_overdue_url=_board_url(team_id, order, True))

    @get("/team/calendar")
    async def team_calendar(self, principal: CurrentPrincipal, today: Today, month: FromQuery[str | None] = None,
                            team_id: FromQuery[int | None] = None) -> Response[Any]:
        first = _month(month, today)
        events, officers = await team_events(principal, today, team_id)
        prev_month = (first - dt.timedelta(days=1)).replace(day=1)
        next_month = (first + dt.timedelta(days=32)).replace(day=1)
        upcoming = [e for e in events if today <= e["on"] <= today + dt.timedelta(days=90)]
        return page("pages/team_calendar.html", principal, title="Expiry calendar", nav_active="/team/calendar",
                    weeks=month_grid(first, events), month=first, prev_month=prev_month, next_month=next_month,
                    upcoming=upcoming, officers=officers, overdue=sum(o["overdue"] for o in officers), today=today,
                    feed_team=_team_choice(principal, team_id), names=(await load_catalogue()).names)

    @get("/team/training")
    async def matrix(self, principal: CurrentPrincipal, today: Today,
                     team_id: FromQuery[int | None] = None) -> Response[Any]:
        teams = await list_teams(principal)
        if team_id is None and teams:
            team_id = teams[0]["id"]
        warning_days = (await load_policy()).warning_days
        data = (await training_matrix(principal, as_of=today, team_id=team_id, warning_days=warning_days)
                if team_id is not None else None)
        return page("pages/training_matrix.html", principal, title="Training matrix", nav_active="/team/training",
                    matrix=data, today=today, teams=teams, team_id=team_id, names=(await load_catalogue()).names)

    @get("/officers")
    async def officers(self, principal: CurrentPrincipal, today: Today, q: FromQuery[str | None] = None,
                       offset: FromQuery[int] = 0, sort: FromQuery[str | None] = None) -> Response[Any]:
        order = chosen_sort(sort, OFFICER_ORDERS, DEFAULT_ORDER)
        rows, total = await list_officers(principal, today=today, q=q or None, limit=50, offset=max(offset, 0),
                                          order=order)
        readiness = await compliance_of(principal, [r["id"] for r in rows], today)
        kept = {"q": q or ""}
        return page("pages/officers.html", principal, title="Officers", nav_active="/officers", rows=rows,
                    total=total, q=q or "", offset=max(offset, 0), limit=50, readiness=readiness,
                    can_add_officer=may_change_people(principal), sort=order,
                    headers=sort_headers("/officers", kept, order, OFFICER_COLUMNS),
                    previous=page_query(kept, order, max(offset - 50, 0)),
                    following=page_query(kept, order, offset + 50))

    @route("/officers/{officer_id:int}/training/new", http_method=["GET", "POST"])
    async def record_training(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                              officer_id: FromPath[int]) -> Response[Any]:
        officer = await get_officer(principal, officer_id)
        modules = [(m["code"], m["title"]) for m in await list_modules()]
        back = f"/officers/{officer_id}"
        action = Action(
            title="Record training", caption=f"{officer['given_name']} {officer['family_name']}",
            submit="Continue", back_url=back, confirm_button="Save training record",
            fields=[Field("module_code", "Module", "select", modules),
                    Field("completed_on", "Date completed", "date"),
                    Field("result", "Result", "radios", RESULTS),
                    Field("provider", "Provider", required=False),
                    Field("certificate_ref", "Certificate reference", required=False)],
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            await record_completion(principal, today=today, officer_id=officer_id, module_code=v["module_code"],
                                    completed_on=v["completed_on"], result=v["result"],
                                    provider=v["provider"] or "", certificate_ref=v["certificate_ref"] or "")
            return done(back, "training")

        return await run_action(request, principal, action, perform, defaults={"completed_on": today})

    @route("/officers/{officer_id:int}/kit/new", http_method=["GET", "POST"])
    async def issue(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                    officer_id: FromPath[int], kit_type_code: FromQuery[str | None] = None) -> Response[Any]:
        officer = await get_officer(principal, officer_id)
        types = [(t["code"], t["title"]) for t in await kit.list_kit_types()]
        back = f"/officers/{officer_id}"
        action = Action(
            title="Issue kit", caption=f"{officer['given_name']} {officer['family_name']}", submit="Continue",
            back_url=back, confirm_button="Issue kit",
            fields=[Field("kit_type_code", "Kit", "select", types),
                    Field("issued_on", "Date issued", "date"),
                    Field("serial_number", "Serial number", required=False),
                    Field("size", "Size", required=False, width="govuk-input--width-5")],
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            await kit.issue_kit(principal, officer_id=officer_id, kit_type_code=v["kit_type_code"],
                                issued_on=v["issued_on"], serial_number=v["serial_number"], size=v["size"] or "")
            return done(back, "kit")

        return await run_action(request, principal, action, perform,
                                defaults={"issued_on": today, "kit_type_code": kit_type_code or ""})

    @route("/kit/{issue_id:int}/return", http_method=["GET", "POST"])
    async def return_kit(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                         issue_id: FromPath[int]) -> Response[Any]:
        issue = await kit.get_kit_issue(principal, issue_id)
        back = f"/officers/{issue['officer_id']}"
        action = Action(
            title="Record a kit return", caption=f"{issue['kit_type_title']} {issue['serial_number'] or ''}",
            submit="Continue", back_url=back, confirm_title="Are you sure the kit was returned?",
            confirm_button="Record the return", destructive=True,
            warning="The item will no longer count as issued to the officer.",
            fields=[Field("returned_on", "Date returned", "date"),
                    Field("condition", "Condition", "radios", RETURN_CONDITIONS)],
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            await kit.return_kit(principal, issue_id, v["returned_on"], v["condition"])
            return done(back, "kit_returned")

        return await run_action(request, principal, action, perform, defaults={"returned_on": today})

    @route("/kit/{issue_id:int}/inspect", http_method=["GET", "POST"])
    async def inspect_kit(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                          issue_id: FromPath[int]) -> Response[Any]:
        issue = await kit.get_kit_issue(principal, issue_id)
        back = f"/officers/{issue['officer_id']}"
        action = Action(
            title="Record a kit inspection", caption=f"{issue['kit_type_title']} {issue['serial_number'] or ''}",
            submit="Continue", back_url=back, confirm_button="Record the inspection",
            fields=[Field("inspected_on", "Date inspected", "date"),
                    Field("condition", "Condition", "radios", INSPECTION_CONDITIONS)],
        )

        async def perform(v: dict[str, Any]) -> Response[Any]:
            await kit.inspect_kit(principal, issue_id, v["inspected_on"], v["condition"])
            return done(back, "kit_inspected")

        return await run_action(request, principal, action, perform, defaults={"inspected_on": today})


ROUTES: list[type] = [ManagerPages]
