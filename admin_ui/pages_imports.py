"""Import pages (issue 19): upload a CSV or XLSX sheet of officers, vetting clearances, kit issues or training
records, see the dry run's preview (each row's problems, the change each good row would make), then confirm to
import it, all or nothing, through the same reader (reports.import_files, bounded) and the same import
(reports.imports.run_import, the domains' batch services, audited) as POST /api/imports/{dataset}.

Between the preview and the confirmation the file travels back with the page (base64 in a hidden field of the
confirm form) instead of being kept on the server. Instances stay stateless (design.md: any instance may answer
the confirmation, nothing needs a shared disk, a sweep to delete abandoned uploads or a table), and no copy of a
sheet of personal data is left behind when someone walks away from a preview. The hidden file carries a stamp
(a keyed hash of the user, the dataset, the file's digest and the time of the preview): a confirmation imports
only the file this user previewed, within PREVIEW_LIFETIME; and the import checks every row again as it writes.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
from functools import partial
from typing import Any

from anyio import to_thread
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import FromPath
from litestar.response import Redirect

from admin_ui.errors import PAGE_ERRORS, page_error
from admin_ui.forms import page, violations_by_field
from admin_ui.templating import ROLE_LABELS
from core.access import Principal
from core.clock import now_utc
from core.errors import CoreErrorCode, DomainError, Forbidden
from core.http import CurrentPrincipal, Today
from core.security import hash_token
from reports import import_files, imports
from reports.controllers import UPLOAD_LIMIT
from reports.spreadsheets import MAX_UPLOAD_BYTES, upload_too_large

TITLES = {"officers": "Officers", "vetting": "Vetting clearances", "kit": "Kit issues",
          "training": "Training records"}
WHAT = {"officers": "officers' details (new officers are added; an officer already on the register is updated "
                    "when a value differs)",
        "vetting": "vetting clearances already granted by the force vetting unit",
        "kit": "uniform and kit issued to officers",
        "training": "training completed (the CSAS course, its assessment and other modules)"}
# The columns that say which row is which in the preview (the rest are in the file).
SUMMARY = {"officers": ("staff_number", "given_name", "family_name"), "vetting": ("officer", "level", "granted_on"),
           "kit": ("officer", "kit_type", "issued_on"), "training": ("officer", "module", "completed_on")}
CHANGE_WORDS = {"created": "Add", "updated": "Update", "unchanged": "No change"}
PREVIEW_ROWS = 200
PREVIEW_ERRORS = 500
PREVIEW_LIFETIME_SECONDS = 3600
# The confirmation carries the file as base64 (4 bytes for every 3) inside a multipart form.
CONFIRM_LIMIT = UPLOAD_LIMIT * 4 // 3 + 64 * 1024


def _may_import(principal: Principal, dataset: str) -> bool:
    try:
        imports.require_import_role(principal, dataset)
    except Forbidden:
        return False
    return True


def importable(principal: Principal) -> list[tuple[str, str]]:
    """The datasets this user may import, with their titles, in the order the page lists them."""
    return [(d, TITLES[d]) for d in TITLES if _may_import(principal, d)]


def _stamp(principal: Principal, dataset: str, issued: int, content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()
    return hash_token(f"import-preview:{principal.user_id}:{dataset}:{issued}:{digest}")


def _notice(request: Request[Any, Any, Any]) -> str | None:
    query = request.query_params
    if query.get("done") != "imported":
        return None
    counts = {k: int(v) if (v := query.get(k, "0")).isdigit() else 0 for k in ("rows", "created", "updated")}
    rows = counts["rows"]
    return (f"{rows} {'row was' if rows == 1 else 'rows were'} imported: {counts['created']} added, "
            f"{counts['updated']} updated, the rest unchanged.")


def _upload_page(principal: Principal, dataset: str, status_code: int = 200, errors: list[str] | None = None,
                 notice: str | None = None) -> Response[Any]:
    required = [" or ".join(options) for options in imports.REQUIRED[dataset].values()]
    optional = [" or ".join(options) for options in imports.OPTIONAL[dataset].values()]
    title = f"Import {TITLES[dataset].lower()}"  # base.html puts "Error: " first when error_list is given
    return page("pages/import_upload.html", principal, status_code=status_code, title=title,
                nav_active="/imports", dataset=dataset, heading=TITLES[dataset], what=WHAT[dataset],
                required=required, optional=optional, limit_mb=MAX_UPLOAD_BYTES // (1024 * 1024),
                error_list=[("file", message) for message in errors or []], back_url="/imports", notice=notice)


def _too_large(request: Request[Any, Any, Any], _: RequestEntityTooLarge) -> Response[Any]:
    """Litestar refuses an oversized body before the handler runs (in the CSRF middleware, which reads the form,
    before the user is known): the error page says what the API says, with the same limit."""
    return page_error(request, upload_too_large())


def _file_problems(exc: DomainError) -> list[str]:
    """Each reason the whole file was refused, in words (the detail when there is no list of violations)."""
    return violations_by_field(exc, [])[1]


class ImportPages(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/imports")
    async def index(self, principal: CurrentPrincipal) -> Response[Any]:
        datasets = importable(principal)
        if not datasets:
            raise Forbidden(CoreErrorCode.ROLE_NOT_ALLOWED,
                            f"Your role ({ROLE_LABELS[principal.role.value]}) cannot import anything.")
        return page("pages/imports.html", principal, title="Imports", nav_active="/imports", datasets=datasets,
                    what=WHAT)

    @get("/imports/{dataset:str}")
    async def upload(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                     dataset: FromPath[str]) -> Response[Any]:
        self._check(principal, dataset)
        return _upload_page(principal, dataset, notice=_notice(request))

    @post("/imports/{dataset:str}", status_code=200, request_max_body_size=CONFIRM_LIMIT,
          exception_handlers={**PAGE_ERRORS, RequestEntityTooLarge: _too_large})
    async def preview_or_import(self, request: Request[Any, Any, Any], principal: CurrentPrincipal, today: Today,
                                dataset: FromPath[str]) -> Response[Any]:
        """Without confirm=yes: the uploaded file's dry run. With it: the previewed file, imported for real."""
        self._check(principal, dataset)
        form = await request.form()
        try:
            return await self._act(principal, today, dataset, form)
        finally:  # every file part, the one read included, is spooled to a temporary file: let it go now
            for value in form.values():
                if isinstance(value, UploadFile):
                    await value.close()

    async def _act(self, principal: Principal, today: dt.date, dataset: str, form: Any) -> Response[Any]:
        confirming = form.get("confirm") == "yes"
        if confirming:
            content, filename = self._previewed_file(principal, dataset, form)
            if content is None:
                return _upload_page(principal, dataset, 422, [
                    "The preview has expired or the file could not be read back: upload the file again."])
        else:
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                return _upload_page(principal, dataset, 422, ["Select a CSV or Excel file to upload."])
            content, filename = await upload.read(), upload.filename
        try:
            rows = await to_thread.run_sync(partial(import_files.read_table, filename, content))
            result = await imports.run_import(principal, dataset, rows, today=today, dry_run=not confirming)
        except DomainError as exc:
            if exc.status == 403:
                raise
            return _upload_page(principal, dataset, exc.status if exc.status >= 400 else 422,
                                _file_problems(exc))
        if confirming and not result.errors:
            return Redirect(f"/imports/{dataset}?done=imported&rows={result.rows}&created={result.created}"
                            f"&updated={result.updated}", status_code=303)
        return self._preview(principal, dataset, filename, content, rows, result)

    @staticmethod
    def _check(principal: Principal, dataset: str) -> None:
        if dataset not in TITLES:
            raise NotFoundException("No such import.")
        imports.require_import_role(principal, dataset)

    @staticmethod
    def _previewed_file(principal: Principal, dataset: str, form: Any) -> tuple[bytes | None, str]:
        """The file the confirm form carried back, if this user previewed exactly it, recently enough."""
        try:
            issued = int(str(form.get("issued", "")))
            content = base64.b64decode(str(form.get("content", "")), validate=True)
        except (ValueError, binascii.Error):
            return None, ""
        fresh = 0 <= now_utc().timestamp() - issued <= PREVIEW_LIFETIME_SECONDS
        if not fresh or not hmac.compare_digest(str(form.get("stamp", "")),
                                                _stamp(principal, dataset, issued, content)):
            return None, ""
        return content, str(form.get("filename", ""))

    @staticmethod
    def _preview(principal: Principal, dataset: str, filename: str, content: bytes, rows: list[dict[str, str]],
                 result: imports.ImportResult) -> Response[Any]:
        columns = imports.check_columns(dataset, rows)
        summary_columns = [columns[name] for name in SUMMARY[dataset] if name in columns]
        changes = [(number, ", ".join(rows[number - 2].get(c, "") for c in summary_columns),
                    CHANGE_WORDS.get(change, change)) for number, change in sorted(result.changes.items())]
        issued = int(now_utc().timestamp())
        changing = result.created + result.updated
        return page(
            "pages/import_preview.html", principal, status_code=422 if result.errors else 200,
            title=("Error: " if result.errors else "") + f"Check the {TITLES[dataset].lower()} to import",
            nav_active="/imports", dataset=dataset, heading=TITLES[dataset], filename=filename, result=result,
            errors=result.errors[:PREVIEW_ERRORS], more_errors=max(len(result.errors) - PREVIEW_ERRORS, 0),
            changes=[c for c in changes if c[2] != "No change"][:PREVIEW_ROWS],
            more_changes=max(changing - PREVIEW_ROWS, 0), can_confirm=not result.errors and changing > 0,
            content=base64.b64encode(content).decode("ascii") if not result.errors and changing else "",
            issued=issued, stamp=_stamp(principal, dataset, issued, content), back_url=f"/imports/{dataset}",
        )


ROUTES: list[type] = [ImportPages]
