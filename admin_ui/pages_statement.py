"""The record page's "Download a signed statement of powers": a day in the GOV.UK date boxes and a time (HH:MM),
now by default. A read, so a GET form, not forms.py's check-answers journey: the answer is the signed PDF itself,
made and audited by the same service as the API's (reports.statement.issue_statement)."""

from __future__ import annotations

import re
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from admin_ui.date_input import PARTS, DateAnswer, read_date_from
from admin_ui.errors import PAGE_ERRORS
from admin_ui.forms import page
from core.clock import now_utc
from core.errors import Invalid
from core.http import CurrentPrincipal
from core.settings import get_settings
from reports import statement
from reports.controllers import statement_response

FIELDS = (*(f"at-{part}" for part in PARTS), "at-time")
# People type 9:05, 09:05 or 09.05; seconds are not asked for.
TIME = re.compile(r"([01]?\d|2[0-3])[:.]([0-5]\d)")
TIME_HINT = "Use the 24-hour clock, for example 14:30"


def read_time(typed: str) -> tuple[str, str]:
    """(HH:MM, "") or ("", the message)."""
    text = typed.strip()
    if not text:
        return "", "Enter a time"
    found = TIME.fullmatch(text)
    if not found:
        return "", f"Enter a real time. {TIME_HINT}"
    return f"{int(found.group(1)):02d}:{found.group(2)}", ""


class StatementPages(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/officers/{officer_id:int}/statement")
    async def statement(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                        officer_id: FromPath[int]) -> Response[Any]:
        officer = await statement.statement_officer(principal, officer_id)
        timezone = get_settings().timezone
        now = now_utc()
        query = {name: request.query_params.get(name, "") for name in FIELDS}
        if not any(query.values()):
            local = statement.parse_at(None, now, timezone)
            return self._form(principal, officer, timezone, DateAnswer.of(local.date()), f"{local:%H:%M}")
        day = read_date_from(dict(query), "at", "Date")
        time, time_error = read_time(query["at-time"])
        if day.error or time_error:
            return self._form(principal, officer, timezone, day, query["at-time"].strip(), time_error)
        assert day.value is not None
        try:
            moment = statement.parse_at(f"{day.value.isoformat()}T{time}", now, timezone)
        except Invalid as refused:  # a time the clocks skip
            message = refused.violations[0].message if refused.violations else refused.detail
            return self._form(principal, officer, timezone, day, query["at-time"].strip(), message)
        data, pdf = await statement.issue_statement(principal, officer_id, moment, now, timezone)
        return statement_response(data, pdf)

    @staticmethod
    def _form(principal: Any, officer: dict[str, Any], timezone: str, day: DateAnswer, time: str,
              time_error: str = "") -> Response[Any]:
        own = principal.officer_id == officer["id"]
        errors = [(f"at-{day.first_bad}", day.error), ("at-time", time_error)]
        return page("pages/statement.html", principal, status_code=422 if day.error or time_error else 200,
                    title="Download a signed statement of powers", officer=officer, day=day, time=time,
                    time_error=time_error, time_hint=TIME_HINT, timezone=timezone,
                    error_list=[e for e in errors if e[1]], nav_active="/me" if own else "/officers",
                    back_url="/me" if own else f"/officers/{officer['id']}")


ROUTES: list[type] = [StatementPages]
