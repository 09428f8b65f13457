"""The coordinator's downloads (issue 19): the compliance pack and every CSV/XLSX export, as links to the /api
routes of reports.controllers (a same-origin GET carries the session cookie, so each file is made in the
reader's scope, by the one code path scripts use). An officer's record and ID card are on the officer's page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get

from admin_ui.errors import PAGE_ERRORS
from admin_ui.forms import page
from admin_ui.pages_imports import importable
from core.access import Role, require_role
from core.http import CurrentPrincipal
from register.officers.services import list_organisations

# What each export holds, in the order the page lists them (reports.exports.COLUMNS has the columns).
EXPORTS = {
    "officers": ("Officers", "Every officer: staff number, name, email, employer, team, start and leaving dates, "
                             "status."),
    "accreditations": ("Accreditations", "Every accreditation: number, force, grant and expiry dates, status and "
                                         "designated powers."),
    "vetting": ("Vetting", "Every vetting application and clearance: level, status, dates and force reference "
                           "(never case notes)."),
    "training": ("Training", "Every training record: module, date, result, provider and expiry."),
    "kit": ("Kit", "Every item of kit issued: type, serial number, size, dates, condition and next inspection."),
    "forecast": ("Forecast", "Powers that stop being usable in the next 12 months, and what stops them."),
}


class DownloadPages(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/downloads")
    async def downloads(self, principal: CurrentPrincipal) -> Response[Any]:
        require_role(principal, Role.CSAS_COORDINATOR, action="use the downloads page")
        return page("pages/downloads.html", principal, title="Downloads", nav_active="/downloads",
                    exports=EXPORTS, organisations=await list_organisations(principal),
                    imports=importable(principal))


ROUTES: list[type] = [DownloadPages]
