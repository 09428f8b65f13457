"""HTTP routes for PDFs, charts, exports and imports (issue 8). Data is loaded with the async services in the
caller's scope; rendering (fpdf2, matplotlib, pandas/openpyxl) runs in a worker thread, off the event loop."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any
from urllib.parse import quote

from anyio import to_thread
from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, MultipartBody, QueryParameter

from core.errors import NotFound, Violation, raise_if_violations
from core.http import (
    PROBLEM_MEDIA_TYPE,
    ApiController,
    CurrentPrincipal,
    Day,
    Today,
    file_operation,
    problem_response,
)
from core.schemas import ProblemDetails
from reports.errors import ReportErrorCode
from reports.spreadsheets import MAX_UPLOAD_BYTES, upload_too_large

PDF = "application/pdf"
PNG = "image/png"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_LIMIT = MAX_UPLOAD_BYTES + 64 * 1024  # the file plus the multipart envelope


def _attachment(filename: str, inline: bool = False) -> dict[str, str]:
    """A staff number may hold any letter, or a quote mark: the name is sent plainly only when quoting leaves it
    as it is, otherwise percent-encoded (RFC 6266 filename*), as Litestar's File does. Headers are Latin-1."""
    kind = "inline" if inline else "attachment"
    quoted = quote(filename)
    value = f'{kind}; filename="{filename}"' if quoted == filename else f"{kind}; filename*=utf-8''{quoted}"
    return {"Content-Disposition": value}


class OfficerReportController(ApiController):
    tags = ["reports"]

    @get("/api/officers/{officer_id:int}/record.pdf", media_type=PDF)
    async def record(self, principal: CurrentPrincipal, today: Today, day: Day,
                     officer_id: FromPath[int]) -> Response[bytes]:
        loaded, pdf = await _officer_pdf("record", principal, officer_id, day, today)
        name = f"record-{loaded['officer']['staff_number']}-{day.isoformat()}.pdf"
        return Response(pdf, media_type=PDF, headers=_attachment(name, inline=True))

    @get("/api/officers/{officer_id:int}/card.pdf", media_type=PDF)
    async def card(self, principal: CurrentPrincipal, today: Today, day: Day,
                   officer_id: FromPath[int]) -> Response[bytes]:
        loaded, pdf = await _officer_pdf("card", principal, officer_id, day, today)
        return Response(pdf, media_type=PDF,
                        headers=_attachment(f"card-{loaded['officer']['staff_number']}.pdf", inline=True))


async def _officer_pdf(kind: str, principal: CurrentPrincipal, officer_id: int, day: Any,
                       today: Any) -> tuple[dict[str, Any], bytes]:
    """One officer's PDF: loaded in the caller's scope as it stood on `day`, rendered off the event loop."""
    from reports import data

    load, render = (data.officer_record_data, _render_record) if kind == "record" else (data.card_data, _render_card)
    loaded = await load(principal, officer_id, day)
    return loaded, await to_thread.run_sync(partial(render, loaded, today))


def _render_record(loaded: dict[str, Any], today: Any) -> bytes:
    from reports.pdf import officer_record

    return officer_record.render(loaded, today)


def _render_card(loaded: dict[str, Any], today: Any) -> bytes:
    from reports.pdf import id_card

    return id_card.render(loaded, today)


def _render_pack(title: str, loaded: dict[str, Any], today: Any) -> bytes:
    from reports.pdf import compliance_pack

    return compliance_pack.render(title, loaded, today)


def _render_chart(kind: str, loaded: dict[str, Any]) -> bytes:
    from reports.pdf import compliance_pack

    return compliance_pack.chart_pngs(loaded, only=kind)[kind]


StatementMoment = Annotated[str | None, QueryParameter(
    description="The moment stated, YYYY-MM-DDTHH:MM on the installation's clock (Europe/London); default now.")]


class StatementController(ApiController):
    tags = ["reports"]

    @get("/api/officers/{officer_id:int}/statement.pdf", media_type=PDF,
         responses={503: ResponseSpec(data_container=ProblemDetails, media_type=PROBLEM_MEDIA_TYPE,
                                      generate_examples=False,
                                      description="The signing key or certificate cannot be used "
                                                  "(`signing_unavailable`); the detail says what to fix.")})
    async def statement(self, principal: CurrentPrincipal, officer_id: FromPath[int],
                        at: StatementMoment = None) -> Response[bytes]:
        """One page: the officer's designated powers held and not held at the moment, with reasons; PAdES-signed.
        Coordinators, vetting officers, administrators (in scope) and the officer themself; audited."""
        from core.clock import now_utc
        from core.settings import get_settings
        from reports import statement

        timezone = get_settings().timezone
        now = now_utc()
        moment = statement.parse_at(at, now, timezone)
        data, pdf = await statement.issue_statement(principal, officer_id, moment, now, timezone)
        return statement_response(data, pdf)


def statement_response(data: dict[str, Any], pdf: bytes) -> Response[bytes]:
    """A signed statement as a download (the API's and the record page's): personal, so never stored by caches."""
    from reports import statement

    return Response(pdf, media_type=PDF, headers={**_attachment(statement.filename(data)), "Cache-Control": "no-store"})


class PackController(ApiController):
    tags = ["reports"]

    @get("/api/reports/compliance-pack.pdf", media_type=PDF)
    async def pack(self, principal: CurrentPrincipal, today: Today, day: Day,
                   organisation_id: FromQuery[int | None] = None) -> Response[bytes]:
        from reports import data

        loaded = await data.analytics(principal, day, organisation_id)
        title = await data.pack_title(principal, organisation_id)
        pdf = await to_thread.run_sync(partial(_render_pack, title, loaded, today))
        return Response(pdf, media_type=PDF, headers=_attachment(f"compliance-pack-{day.isoformat()}.pdf"))


CHARTS = {"expiry-cliff": "cliff", "capability-forecast": "capability", "compliance-trend": "trend"}


class ChartController(ApiController):
    tags = ["reports"]

    @get("/api/charts/{name:str}", media_type=PNG)
    async def chart(self, principal: CurrentPrincipal, day: Day, name: FromPath[str],
                    organisation_id: FromQuery[int | None] = None,
                    team_id: FromQuery[int | None] = None) -> Response[bytes]:
        from reports import data

        kind = CHARTS.get(name.removesuffix(".png")) if name.endswith(".png") else None
        if kind is None:
            raise NotFound(ReportErrorCode.UNKNOWN_CHART, f"No chart '{name}'. Charts: "
                                            + ", ".join(f"{c}.png" for c in CHARTS) + ".")
        loaded = await data.analytics(principal, day, organisation_id, team_id)
        png = await to_thread.run_sync(partial(_render_chart, kind, loaded))
        return Response(png, media_type=PNG, headers={"Cache-Control": "private, max-age=300"})


def _split_export(filename: str) -> tuple[str, str]:
    from reports import exports

    dataset, _, fmt = filename.rpartition(".")
    if fmt not in exports.CONTENT_TYPES:
        raise NotFound(ReportErrorCode.UNKNOWN_EXPORT_FORMAT, "Exports are .csv or .xlsx.")
    exports.require_dataset(dataset)
    return dataset, fmt


class ExportController(ApiController):
    tags = ["exports"]

    @get("/api/exports/{filename:str}", operation_class=file_operation("text/csv", XLSX))
    async def export(self, principal: CurrentPrincipal, today: Today, filename: FromPath[str]) -> Response[bytes]:
        from reports import exports

        dataset, fmt = _split_export(filename)
        rows = await exports.load_rows(principal, dataset, today)
        body = await to_thread.run_sync(partial(exports.render, dataset, fmt, rows))
        # Litestar adds "; charset=utf-8" to text/* itself.
        media_type = exports.CONTENT_TYPES[fmt].split(";")[0]
        return Response(body, media_type=media_type,
                        headers=_attachment(f"{dataset}-{today.isoformat()}.{fmt}"))


@dataclass
class ImportForm:
    file: UploadFile
    dry_run: bool = False


def _upload_too_large(_: Request[Any, Any, Any], __: RequestEntityTooLarge) -> Response[dict[str, Any]]:
    """Litestar refuses the body before the handler runs: answer as read_table does for a file over the limit."""
    refused = upload_too_large()
    return problem_response(refused.status, refused.title, refused.detail, refused.code, refused.violations)


class ImportController(ApiController):
    tags = ["imports"]

    @post("/api/imports/{dataset:str}", request_max_body_size=UPLOAD_LIMIT, status_code=200,
          exception_handlers={RequestEntityTooLarge: _upload_too_large},
          responses={413: ResponseSpec(data_container=ProblemDetails, media_type=PROBLEM_MEDIA_TYPE,
                                       generate_examples=False,
                                       description="The file is over the upload limit (`import_too_large`).")})
    async def import_(self, principal: CurrentPrincipal, today: Today, dataset: FromPath[str],
                      data: MultipartBody[ImportForm], dry_run: FromQuery[bool] = False) -> Response[dict[str, Any]]:
        from reports import import_files, imports

        imports.require_import_role(principal, dataset)
        if not isinstance(data.file, UploadFile):  # a plain form field named "file" is not a file
            raise_if_violations([Violation(ReportErrorCode.FILE_REQUIRED,
                                           "Send the table as a file part named 'file'.", "file")])
        content = await data.file.read()
        await data.file.close()
        rows = await to_thread.run_sync(partial(import_files.read_table, data.file.filename or "", content))
        result = await imports.run_import(principal, dataset, rows, today=today, dry_run=dry_run or data.dry_run)
        body = result.as_dict()
        if not result.errors:
            return Response(body, status_code=200)
        body |= {"status": 422, "title": "Invalid input", "code": ReportErrorCode.IMPORT_INVALID,
                 "detail": f"{len(result.errors)} problem(s) in {result.rows} rows; nothing was imported."}
        return Response(body, status_code=422, media_type=PROBLEM_MEDIA_TYPE)


ROUTE_HANDLERS: list[type] = [OfficerReportController, StatementController, PackController, ChartController,
                              ExportController, ImportController]
