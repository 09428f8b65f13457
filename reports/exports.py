"""Spreadsheets of every dataset in api.md, scoped to the caller, with readable and stable columns.

load_rows() reads through the domain services (async); to_csv()/to_xlsx() turn the rows into bytes (CPU work,
run off the event loop). Vetting case notes are never exported. Every text value is written through
reports.spreadsheets.neutralise(), in both formats, so no cell is ever a formula (issue 17: formula injection).
XLSX dates are date cells; CSV is RFC 4180 with a UTF-8 byte order mark, so Excel opens both as they are.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

from core.access import Principal
from core.db import EVERYTHING, long_running
from core.errors import NotFound
from reports.errors import ReportErrorCode
from reports.spreadsheets import neutralise, xml_safe

FORECAST_DAYS = 365

COLUMNS: dict[str, list[str]] = {
    "officers": ["staff_number", "given_name", "family_name", "email", "organisation", "team", "started_on",
                 "left_on", "status"],
    "accreditations": ["staff_number", "organisation", "number", "force", "granted_on", "expires_on", "status",
                       "powers"],
    "vetting": ["staff_number", "organisation", "level", "status", "requested_on", "granted_on", "expires_on",
                "force_reference"],
    "training": ["staff_number", "organisation", "module", "completed_on", "result", "provider",
                 "certificate_ref", "expires_on"],
    "kit": ["staff_number", "organisation", "kit_type", "serial_number", "size", "issued_on", "returned_on",
            "condition", "expires_on", "next_inspection_due_on"],
    "forecast": ["name", "staff_number", "organisation", "power", "usable_until", "binding_kind", "binding_code",
                 "binding_expires_on", "resumes_on"],
}
DATASETS = tuple(COLUMNS)
# Tables pages offer for download that are not datasets of /api/exports (the capacity page's, admin_ui/pages_capacity).
PAGE_COLUMNS: dict[str, list[str]] = {
    "capacity_months": ["month", *(f"{kind}_{figure}" for kind in ("vetting", "course", "accreditation")
                                   for figure in ("demand", "capacity", "levelled"))],
    "capacity_unavoidable": ["name", "organisation", "kind", "item", "code", "start_by",
                             "expires_on"],
}


def require_dataset(dataset: str) -> None:
    if dataset not in COLUMNS:
        raise NotFound(ReportErrorCode.UNKNOWN_DATASET, f"No dataset '{dataset}'. Datasets: {', '.join(DATASETS)}.")


async def _officers(actor: Principal, today: dt.date) -> dict[int, dict[str, Any]]:
    from register.officers import services

    rows, _ = await services.list_officers(actor, today=today, limit=EVERYTHING)
    return {r["id"]: r for r in rows}


# A whole dataset in one request: its statements may rightly take longer than a page's (core.db).
@long_running
async def load_rows(actor: Principal, dataset: str, today: dt.date) -> list[dict[str, Any]]:
    """The dataset's rows as plain dicts keyed by COLUMNS[dataset], in the caller's scope."""
    from register.accreditations import services as accreditations
    from register.kit import services as kit
    from register.officers import services
    from scheduler import services as scheduler_services
    from training import services as training_services
    from vetting import services as vetting_services

    require_dataset(dataset)
    people = await _officers(actor, today)

    def who(officer_id: int) -> dict[str, Any]:
        person = people.get(officer_id)
        return {"staff_number": person["staff_number"] if person else "",
                "organisation": person["organisation_name"] if person else ""}

    if dataset == "officers":
        return [{"staff_number": r["staff_number"], "given_name": r["given_name"], "family_name": r["family_name"],
                 "email": r["email"], "organisation": r["organisation_name"], "team": r["team_name"] or "",
                 "started_on": r["started_on"], "left_on": r["left_on"],
                 "status": services.officer_status(r, today)} for r in people.values()]
    if dataset == "accreditations":
        accs, _ = await accreditations.list_accreditations(actor, today=today, limit=EVERYTHING)
        forces: dict[int, str] = {}
        for acc in accs:
            if acc["force_id"] not in forces:
                forces[acc["force_id"]] = (await services.get_force(acc["force_id"]))["name"]
        return [who(a["officer_id"]) | {
            "number": a["number"], "force": forces[a["force_id"]], "granted_on": a["granted_on"],
            "expires_on": a["expires_on"], "status": a["status"],
            "powers": ";".join(p["code"] for p in a["powers"] if p["withdrawn_on"] is None)} for a in accs]
    if dataset == "vetting":
        apps, _ = await vetting_services.list_applications(actor, as_of=today, limit=EVERYTHING)
        return [who(v["officer"]) | {
            "level": v["level_code"], "status": vetting_services.read_status(v, today),
            "requested_on": v["requested_on"], "granted_on": v["granted_on"], "expires_on": v["expires_on"],
            "force_reference": v["force_reference"] or ""} for v in reversed(apps)]
    if dataset == "training":
        records, _ = await training_services.list_records(actor, as_of=today, limit=EVERYTHING)
        return [who(t["officer"]) | {
            "module": t["module_code"], "completed_on": t["completed_on"], "result": t["result"],
            "provider": t["provider"], "certificate_ref": t["certificate_ref"], "expires_on": t["expires_on"]}
            for t in reversed(records)]
    if dataset == "kit":
        issues, _ = await kit.list_kit_issues(actor, limit=EVERYTHING)
        return [who(k["officer_id"]) | {
            "kit_type": k["kit_type_code"], "serial_number": k["serial_number"] or "", "size": k["size"],
            "issued_on": k["issued_on"], "returned_on": k["returned_on"], "condition": k["condition"],
            "expires_on": k["expires_on"], "next_inspection_due_on": k["next_inspection_due_on"]} for k in issues]
    items = await scheduler_services.forecast(actor, today, today + dt.timedelta(days=FORECAST_DAYS))
    return forecast_rows(items, people)


def forecast_rows(items: list[dict[str, Any]], people: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Forecast items (scheduler.services.forecast) as the forecast dataset's rows, in the order given: the export
    and the forecast page's download of what it shows."""
    return [{
        "name": f["name"], "staff_number": people[f["officer_id"]]["staff_number"] if f["officer_id"] in people else "",
        "organisation": people[f["officer_id"]]["organisation_name"] if f["officer_id"] in people else "",
        "power": f["code"], "usable_until": f["usable_until"],
        "binding_kind": f["binding"].kind.value if f["binding"] else "",
        "binding_code": f["binding"].code if f["binding"] else "",
        "binding_expires_on": f["binding"].expires_on if f["binding"] else None,
        "resumes_on": f["resumes_on"]} for f in items]


@long_running
async def forecast_download(actor: Principal, items: list[dict[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    """The rows of the forecast page's download: these items, named with the caller's view of each officer."""
    return forecast_rows(items, await _officers(actor, today))


def frame(dataset: str, rows: list[dict[str, Any]]) -> Any:
    import pandas as pd

    return pd.DataFrame(rows, columns=COLUMNS.get(dataset) or PAGE_COLUMNS[dataset])


def _text(value: Any) -> Any:
    """A CSV cell as written: dates as ISO text, text that a spreadsheet would run as a formula neutralised."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(value)


def _cell(value: Any) -> Any:
    """An XLSX cell as written: dates stay dates (real date cells, shown as YYYY-MM-DD), text is neutralised
    and made holdable by XML."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value
    return xml_safe(neutralise(value))


def to_csv(dataset: str, rows: list[dict[str, Any]]) -> bytes:
    """RFC 4180 (CRLF line ends), with a UTF-8 byte order mark: without it Excel reads the file as the
    machine's legacy code page and shows 'Zoë £' as 'ZoÃ« Â£'. The import reads the mark (utf-8-sig)."""
    data = frame(dataset, [{k: _text(v) for k, v in r.items()} for r in rows])
    return str(data.to_csv(index=False, lineterminator="\r\n")).encode("utf-8-sig")


def to_xlsx(dataset: str, rows: list[dict[str, Any]]) -> bytes:
    import pandas as pd
    from openpyxl.utils import get_column_letter

    data = frame(dataset, [{k: _cell(v) for k, v in r.items()} for r in rows])
    buffer = BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl", date_format="YYYY-MM-DD",
                        datetime_format="YYYY-MM-DD HH:MM:SS") as writer:
        data.to_excel(writer, sheet_name=dataset, index=False)
        sheet = writer.sheets[dataset]
        sheet.freeze_panes = "A2"
        for index, column in enumerate(data.columns, start=1):
            longest = max([len(str(column)), *(len(str(v)) for v in data[column].head(500))])
            sheet.column_dimensions[get_column_letter(index)].width = min(max(10, longest + 2), 60)
    return buffer.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render(dataset: str, fmt: str, rows: list[dict[str, Any]]) -> bytes:
    return to_csv(dataset, rows) if fmt == "csv" else to_xlsx(dataset, rows)
