"""What the forecast page shows, read once from the filter so the page, its chart and its downloads agree: the
window, the employer or team, the grouping (by officer or by power) and the page of groups."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from litestar import Request

from admin_ui.date_input import DateAnswer, read_date_from
from core.access import Principal
from core.dates import add_months, parse_day
from reports.data import month_label
from scheduler.policy import Names
from scheduler.services import capability, forecast

GROUPS_PER_PAGE = 50
GROUPINGS = {"officer": "Officer", "power": "Power"}


@dataclass
class Group:
    key: Any
    heading: str
    officer_id: int | None  # the officer a group by officer names (its heading links to their record)
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ForecastFilter:
    start: dt.date
    end: dt.date
    start_answer: DateAnswer
    end_answer: DateAnswer
    organisation_id: int | None
    team_id: int | None
    group: str
    page: int

    def query(self, **changes: Any) -> str:
        """The filter as a query string (days in ISO, as links carry them); the page only when asked for."""
        values: dict[str, Any] = {"from_": self.start.isoformat(), "to": self.end.isoformat(),
                                  "organisation_id": self.organisation_id, "team_id": self.team_id,
                                  "group": self.group} | changes
        return urlencode({k: v for k, v in values.items() if v is not None})


def _window_day(request: Request[Any, Any, Any], name: str, label: str, iso: str | None,
                default: dt.date) -> tuple[DateAnswer, dt.date]:
    """A day of the forecast's window: typed in the filter's date boxes, or ISO in a link (`from_`, `to`); the
    default when neither gives one (a refused day is shown with its error, and the default used meanwhile)."""
    answer = read_date_from(dict(request.query_params), name, label, required=False)
    if answer.value is None and not answer.error and iso:
        try:
            answer = DateAnswer.of(parse_day(iso))
        except ValueError:
            pass
    if answer.value is None and not answer.error:
        answer = DateAnswer.of(default)
    return answer, answer.value or default


def read_filter(request: Request[Any, Any, Any], today: dt.date) -> ForecastFilter:
    params = request.query_params

    def number(name: str) -> int | None:
        value = params.get(name) or ""
        return int(value) if value.isdigit() else None

    start_answer, start = _window_day(request, "from", "From", params.get("from_"), today)
    end_answer, end = _window_day(request, "to", "To", params.get("to"), start + dt.timedelta(days=90))
    group = params.get("group") if params.get("group") in GROUPINGS else "officer"
    return ForecastFilter(start, end, start_answer, end_answer, number("organisation_id"), number("team_id"),
                          str(group), max(number("page") or 1, 1))


def group_rows(rows: list[dict[str, Any]], by: str, names: Names) -> list[Group]:
    """The forecast's rows (earliest lapse first) in groups, each group where its earliest lapse puts it, so the
    first group is still the soonest to act on; rows keep their order within a group."""
    groups: dict[Any, Group] = {}
    for row in rows:
        key = row["officer_id"] if by == "officer" else row["code"]
        if key not in groups:
            groups[key] = (Group(key, row["name"], row["officer_id"]) if by == "officer"
                           else Group(key, names.power(row["code"]), None))
        groups[key].rows.append(row)
    return list(groups.values())


async def shown(principal: Principal, chosen: ForecastFilter, names: Names) -> list[Group]:
    """Every group the filter selects, on every page (the downloads hold these rows, in this order)."""
    rows = await forecast(principal, chosen.start, chosen.end, organisation_id=chosen.organisation_id,
                          team_id=chosen.team_id)
    return group_rows(rows, chosen.group, names)


def page_of(groups: list[Group], number: int) -> tuple[list[Group], int]:
    """The groups on page `number` (the last page when past it) and the count of pages."""
    pages = max((len(groups) + GROUPS_PER_PAGE - 1) // GROUPS_PER_PAGE, 1)
    number = min(number, pages)
    return groups[(number - 1) * GROUPS_PER_PAGE:number * GROUPS_PER_PAGE], pages


async def usable_by_month(principal: Principal, chosen: ForecastFilter,
                          names: Names) -> tuple[list[str], dict[str, list[int]]]:
    """The chart's data: the window's first day and each month start after it up to its last day, and for each
    power (by title) the officers able to use it on each of those days."""
    starts = [chosen.start]
    month = add_months(chosen.start.replace(day=1), 1)
    while month <= chosen.end:
        starts.append(month)
        month = add_months(month, 1)
    counts = await capability(principal, starts, chosen.organisation_id, chosen.team_id)
    labels = [chosen.start.strftime("%-d %b %Y"), *(month_label(d) for d in starts[1:])]
    series = {names.power(code): counts[code] for code in sorted(counts, key=names.power)}
    return labels, series
