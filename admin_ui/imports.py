"""Imports of officers, training records, vetting clearances and kit issues from CSV or XLSX sheets.

The sheet's columns are the fields of the matching POST (api.md); a readable column may stand in for an id or a
code: `organisation` and `team` (names), `officer` or `staff_number` (staff number), `module`, `level`,
`kit_type` (codes). Every row goes through the same domain services as the API, inside ONE write transaction:
every row is tried, each failure becomes a per-row error `{row, column, message}` (row = the spreadsheet's row
number, the header being row 1), and the transaction is rolled back when any row failed or on a dry run. So an
import commits all or nothing. Rows already on the register are skipped (or, for officers, updated only when a
value changed), so importing the same sheet twice changes nothing. A header row naming one column twice refuses
the whole file (issue 17). Every value read has the exports' formula neutralisation undone (spreadsheet_safety),
so an exported sheet imports back with exactly its values, hostile names included.

Training records, the big sheets (issue 8: 10,000 rows in at most 20 s), go through training.batch instead of
one service call a row: every row is checked first by the single-record path's own rules with everything loaded
once, then, only when no row failed and this is not a dry run, all are written in one transaction with bulk
inserts and one audit event per record. The outcome is the same as row by row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from admin_ui.errors import AdminErrorCode
from admin_ui.spreadsheet_safety import (
    MAX_UPLOAD_BYTES,
    BoundedTable,
    ImportFileError,
    not_a_workbook,
    read_csv,
    read_xlsx,
    unneutralise,
    upload_too_large,
)
from core.dates import in_range, out_of_range_message
from core.db import EVERYTHING, write_transaction
from core.errors import DomainError, Violation
from core.roles import Principal, Role
from register.scope import require_role

if TYPE_CHECKING:
    from training.batch import Completion

DATASETS = ("officers", "training", "vetting", "kit")
IMPORT_ROLES: dict[str, tuple[Role, ...]] = {
    "officers": (Role.CSAS_COORDINATOR, Role.HR),
    "training": (Role.CSAS_COORDINATOR, Role.HR, Role.MANAGER),
    "kit": (Role.CSAS_COORDINATOR, Role.HR, Role.MANAGER),
    "vetting": (Role.VETTING_OFFICER,),
}
# Each required field, with the columns that may carry it (first found wins).
REQUIRED: dict[str, dict[str, tuple[str, ...]]] = {
    "officers": {"organisation": ("organisation", "organisation_id"), "staff_number": ("staff_number",),
                 "given_name": ("given_name",), "family_name": ("family_name",), "email": ("email",),
                 "started_on": ("started_on",)},
    "training": {"officer": ("officer", "staff_number", "officer_id"), "module": ("module", "module_code"),
                 "completed_on": ("completed_on",), "result": ("result",)},
    "vetting": {"officer": ("officer", "staff_number", "officer_id"), "level": ("level", "level_code"),
                "requested_on": ("requested_on",), "granted_on": ("granted_on",)},
    "kit": {"officer": ("officer", "staff_number", "officer_id"), "kit_type": ("kit_type", "kit_type_code"),
            "issued_on": ("issued_on",)},
}
OPTIONAL: dict[str, dict[str, tuple[str, ...]]] = {
    "officers": {"team": ("team", "team_id")},
    "training": {"organisation": ("organisation", "organisation_id")},
    "vetting": {"organisation": ("organisation", "organisation_id")},
    "kit": {"organisation": ("organisation", "organisation_id")},
}
# Vetting rows exported with a status that is not a clearance (drafts, refusals…) are passed over.
CLEARANCE_STATUSES = frozenset({"", "granted", "overturned", "expired"})
# Service field names → the logical field of the sheet.
FIELD_ALIASES = {"organisation_id": "organisation", "team_id": "team", "officer_id": "officer",
                 "module_code": "module", "level_code": "level", "kit_type_code": "kit_type"}


def file_error(detail: str, code: str = AdminErrorCode.IMPORT_FILE_INVALID) -> ImportFileError:
    return ImportFileError(code, detail)


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "dry_run": self.dry_run, "errors": self.errors}


class _Rollback(Exception):
    pass


# --- reading the file (CPU work: run it off the event loop) ----------------------------------------------

def _header(name: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def read_table(filename: str, content: bytes) -> list[dict[str, str]]:
    """The sheet's rows as dicts of stripped strings keyed by normalised headers ('Staff number' → staff_number).

    Read by spreadsheet_safety's bounded readers (issue 17): a workbook is checked as an archive, then streamed;
    a CSV is read record by record; the first limit breached stops the read. The header row is read as a row
    of its own: two columns whose headers normalise to the same name refuse the whole file.
    """
    if len(content) > MAX_UPLOAD_BYTES:
        raise upload_too_large()
    if not content.strip():
        raise file_error("The file is empty.")
    is_xlsx = content[:4] == b"PK\x03\x04"
    if filename.lower().endswith((".xlsx", ".xlsm")) and not is_xlsx:
        raise not_a_workbook("it is named .xlsx but is not a zip archive.")
    table = BoundedTable()
    if is_xlsx:
        read_xlsx(content, table)
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise file_error("The file is neither an Excel workbook (.xlsx) nor UTF-8 CSV text.") from exc
        if "\x00" in text:
            raise file_error("The file is neither an Excel workbook (.xlsx) nor UTF-8 CSV text.")
        read_csv(text, table)
    if table.header is None or not table.rows:
        raise file_error("The file has a header row but no data rows.")
    headers = check_headers(table.header)
    return [{name: _cell(record[index]) if index < len(record) else "" for index, name in enumerate(headers)}
            for record in table.rows]


def _cell(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()


def check_headers(cells: list[Any]) -> list[str]:
    """The normalised name of each column; a name given to two or more columns refuses the whole file.

    A column without a header is named by its position ('unnamed_3') and is ignored like any column the
    import does not know.
    """
    from openpyxl.utils import get_column_letter

    names: list[str] = []
    where: dict[str, list[int]] = {}
    shown: dict[str, list[str]] = {}
    for index, cell in enumerate(cells):
        text = _cell(cell)
        name = _header(text)
        if not name:
            names.append(f"unnamed_{index}")
            continue
        names.append(name)
        where.setdefault(name, []).append(index)
        shown.setdefault(name, []).append(text)
    repeated = {name: ", ".join(get_column_letter(i + 1) for i in columns)
                for name, columns in where.items() if len(columns) > 1}
    if repeated:
        violations = []
        for name, letters in repeated.items():
            headed = " and ".join(f"'{h}'" for h in dict.fromkeys(shown[name]))
            violations.append(Violation(
                AdminErrorCode.DUPLICATE_COLUMN,
                f"Column {name} appears {len(where[name])} times (columns {letters}, headed "
                f"{headed}): keep one and remove or rename the others.", name))
        raise ImportFileError(
            AdminErrorCode.IMPORT_DUPLICATE_COLUMNS,
            "The header row names a column more than once: "
            + "; ".join(f"{name} ({letters})" for name, letters in repeated.items()) + ". Nothing was imported.",
            violations)
    return names


def check_columns(dataset: str, rows: list[dict[str, str]]) -> dict[str, str]:
    """Which column carries each field; a missing required column refuses the whole file."""
    present = set(rows[0])
    chosen: dict[str, str] = {}
    missing = []
    for name, options in REQUIRED[dataset].items():
        found = next((c for c in options if c in present), None)
        if found is None:
            missing.append(" or ".join(options))
        else:
            chosen[name] = found
    if missing:
        raise file_error(f"Missing required column(s): {'; '.join(missing)}.", AdminErrorCode.IMPORT_MISSING_COLUMNS)
    for name, options in OPTIONAL[dataset].items():
        found = next((c for c in options if c in present), None)
        if found is not None:
            chosen[name] = found
    return chosen


# --- parsing values --------------------------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_date(text: str) -> dt.date:
    text = text.strip()
    iso = text[:10]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso) and (len(text) == 10 or text[10:].strip() in ("00:00:00", "")
                                                    or text[10] in " T"):
        return dt.date.fromisoformat(iso)
    if m := _DMY.match(text):  # councils' sheets: day first (UK)
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    raise ValueError(text)


class _RowErrors(Exception):
    def __init__(self, errors: list[tuple[str | None, str]]) -> None:
        super().__init__("row errors")
        self.errors = errors


@dataclass
class _Context:
    actor: Principal
    today: dt.date
    columns: dict[str, str]
    organisations: dict[str, dict[str, Any]] = field(default_factory=dict)   # lower name → row
    organisation_ids: dict[int, dict[str, Any]] = field(default_factory=dict)
    teams: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)
    team_ids: dict[int, dict[str, Any]] = field(default_factory=dict)
    officers: dict[int, dict[str, Any]] = field(default_factory=dict)
    by_staff: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    codes: dict[str, Any] = field(default_factory=dict)
    existing: set[tuple[Any, ...]] = field(default_factory=set)

    def column(self, name: str) -> str:
        return self.columns.get(name, name)


def _value(ctx: _Context, row: dict[str, str], name: str) -> str:
    """Every value the import reads passes here: trimmed, then the export's formula neutralisation undone
    (a leading apostrophe before = + - @ TAB or CR, see spreadsheet_safety), so an exported sheet imports back
    with exactly its values."""
    return unneutralise(row.get(ctx.columns.get(name, name), "").strip())


def _required(ctx: _Context, row: dict[str, str], name: str, errors: list[tuple[str | None, str]]) -> str:
    value = _value(ctx, row, name)
    if not value:
        errors.append((ctx.column(name), "A value is required."))
    return value


def _date(ctx: _Context, row: dict[str, str], name: str, errors: list[tuple[str | None, str]],
          required: bool = True) -> dt.date | None:
    text = _required(ctx, row, name, errors) if required else _value(ctx, row, name)
    if not text:
        return None
    try:
        day = parse_date(text)
    except ValueError:
        errors.append((ctx.column(name), f"'{text}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)."))
        return None
    if not in_range(day):  # stored, 9999-12-31 broke the feeds and the training matrix for everyone
        errors.append((ctx.column(name), out_of_range_message(f"'{text}'")))
        return None
    return day


def _organisation(ctx: _Context, row: dict[str, str], errors: list[tuple[str | None, str]],
                  required: bool) -> dict[str, Any] | None:
    text = _required(ctx, row, "organisation", errors) if required else _value(ctx, row, "organisation")
    if not text:
        return None
    if ctx.column("organisation") == "organisation_id":
        found = ctx.organisation_ids.get(int(text)) if text.isdigit() else None
    else:
        found = ctx.organisations.get(text.lower())
    if found is None:
        errors.append((ctx.column("organisation"), f"No organisation '{text}' in your scope."))
    return found


def _officer(ctx: _Context, row: dict[str, str], errors: list[tuple[str | None, str]]) -> dict[str, Any] | None:
    text = _required(ctx, row, "officer", errors)
    if not text:
        return None
    column = ctx.column("officer")
    if column == "officer_id":
        found = ctx.officers.get(int(text)) if text.isdigit() else None
        if found is None:
            errors.append((column, f"No officer with id {text} in your scope."))
        return found
    candidates = ctx.by_staff.get(text.lower(), [])
    organisation = _organisation(ctx, row, errors, required=False) if "organisation" in ctx.columns else None
    if organisation is not None:
        candidates = [c for c in candidates if c["organisation"] == organisation["id"]]
    if not candidates:
        errors.append((column, f"No officer with staff number '{text}' in your scope."))
        return None
    if len(candidates) > 1:
        errors.append((column, f"Staff number '{text}' is used by several employers: add an organisation column."))
        return None
    return candidates[0]


def _code(ctx: _Context, row: dict[str, str], name: str, errors: list[tuple[str | None, str]]) -> str:
    text = _required(ctx, row, name, errors)
    if text and text.upper() not in ctx.codes[name]:
        errors.append((ctx.column(name), f"No {name.replace('_', ' ')} with code '{text}'."))
    return text.upper()


# --- per-dataset loading and writing ---------------------------------------------------------------------

async def _prepare(ctx: _Context, dataset: str) -> None:
    from register import kit, services
    from training import services as training_services
    from vetting import services as vetting_services

    for org in await services.list_organisations(ctx.actor):
        ctx.organisations.setdefault(org["name"].lower(), org)
        ctx.organisation_ids[org["id"]] = org
    for team in await services.list_teams(ctx.actor):
        ctx.teams[(team["organisation"], team["name"].lower())] = team
        ctx.team_ids[team["id"]] = team
    officers, _ = await services.list_officers(ctx.actor, today=ctx.today, limit=EVERYTHING)
    for officer in officers:
        ctx.officers[officer["id"]] = officer
        ctx.by_staff.setdefault(officer["staff_number"].lower(), []).append(officer)
    if dataset == "training":
        ctx.codes["module"] = {m["code"] for m in await training_services.list_modules()}
        records, _ = await training_services.list_records(ctx.actor, as_of=ctx.today, limit=EVERYTHING)
        ctx.existing = {(r["officer"], r["module_code"], r["completed_on"], r["result"]) for r in records}
    elif dataset == "vetting":
        ctx.codes["level"] = {lv["code"]: lv for lv in await vetting_services.list_levels()}
        apps, _ = await vetting_services.list_applications(ctx.actor, as_of=ctx.today, limit=EVERYTHING)
        ctx.existing = {(a["officer"], a["level_code"], a["granted_on"]) for a in apps if a["granted_on"]}
    elif dataset == "kit":
        ctx.codes["kit_type"] = {k["code"] for k in await kit.list_kit_types()}
        issues, _ = await kit.list_kit_issues(ctx.actor, limit=EVERYTHING)
        for issue in issues:
            ctx.existing.add(_kit_key(issue["officer_id"], issue["kit_type_code"], issue["serial_number"],
                                      issue["issued_on"]))


def _kit_key(officer_id: int, code: str, serial: str | None, issued_on: dt.date | None) -> tuple[Any, ...]:
    return (officer_id, code, "serial", serial.strip().lower()) if serial and serial.strip() \
        else (officer_id, code, "issued", issued_on)


async def _officer_row(ctx: _Context, row: dict[str, str]) -> str:
    from register import services

    errors: list[tuple[str | None, str]] = []
    organisation = _organisation(ctx, row, errors, required=True)
    values = {name: _required(ctx, row, name, errors) for name in ("staff_number", "given_name", "family_name",
                                                                     "email")}
    started_on = _date(ctx, row, "started_on", errors)
    team_id: int | None = None
    team_text = _value(ctx, row, "team")
    if team_text and organisation is not None:
        if ctx.column("team") == "team_id":
            team = ctx.team_ids.get(int(team_text)) if team_text.isdigit() else None
        else:
            team = ctx.teams.get((organisation["id"], team_text.lower()))
        if team is None or team["organisation"] != organisation["id"]:
            errors.append((ctx.column("team"), f"No team '{team_text}' in {organisation['name']}."))
        else:
            team_id = team["id"]
    if errors:
        raise _RowErrors(errors)
    assert organisation is not None and started_on is not None
    existing = next((o for o in ctx.by_staff.get(values["staff_number"].lower(), [])
                     if o["organisation"] == organisation["id"]), None)
    fields = {**values, "started_on": started_on, "team_id": team_id}
    if existing is None:
        created = await services.create_officer(
            ctx.actor, organisation_id=organisation["id"], team_id=team_id, staff_number=values["staff_number"],
            given_name=values["given_name"], family_name=values["family_name"], email=values["email"],
            started_on=started_on)
        ctx.by_staff.setdefault(created["staff_number"].lower(), []).append(created)
        return "created"
    current = {"staff_number": existing["staff_number"], "given_name": existing["given_name"],
               "family_name": existing["family_name"], "email": existing["email"],
               "started_on": existing["started_on"], "team_id": existing["team"]}
    if not team_text:
        fields["team_id"] = current["team_id"]
    changes = {k: v for k, v in fields.items() if current[k] != v}
    if not changes:
        return "unchanged"
    await services.update_officer(ctx.actor, existing["id"], changes)
    return "updated"


def _training_item(ctx: _Context, row: dict[str, str]) -> tuple[tuple[Any, ...], Completion]:
    """The row as (its idempotency key, a training.batch.Completion); the rules are checked by the batch."""
    from training.batch import Completion

    errors: list[tuple[str | None, str]] = []
    officer = _officer(ctx, row, errors)
    module = _code(ctx, row, "module", errors)
    completed_on = _date(ctx, row, "completed_on", errors)
    result = _required(ctx, row, "result", errors).lower()
    expires_on = _date(ctx, row, "expires_on", errors, required=False)
    if errors:
        raise _RowErrors(errors)
    assert officer is not None and completed_on is not None
    item = Completion(
        officer_id=officer["id"], module_code=module, completed_on=completed_on, result=result,
        provider=_value(ctx, row, "provider"), certificate_ref=_value(ctx, row, "certificate_ref"),
        qualification_title=_value(ctx, row, "qualification_title"), expires_on=expires_on,
        expiry_override_reason=_value(ctx, row, "expiry_override_reason"),
    )
    return (officer["id"], module, completed_on, result), item


async def _run_training(ctx: _Context, rows: list[dict[str, str]], result: ImportResult, dry_run: bool,
                        progress: Callable[[int], None] | None) -> None:
    """The training import as one batch (issue 8: 10,000 rows in seconds, not one service call a row).

    Same outcome as trying the rows one by one: every row is parsed, then every new row is checked at once by
    training.batch (the single-record path's rules, officers and modules loaded once); a row already on the
    register, or earlier in the sheet, is unchanged; when no row failed and this is not a dry run, every new row
    is written in one transaction with bulk inserts and one audit event per record.
    """
    from training import batch

    parsed: list[tuple[tuple[Any, ...], Completion] | None] = []
    row_errors: dict[int, list[tuple[str | None, str]]] = {}
    for index, row in enumerate(rows):
        try:
            parsed.append(_training_item(ctx, row))
        except _RowErrors as exc:
            parsed.append(None)
            row_errors[index] = exc.errors
        if progress is not None:
            progress(index + 1)
    candidates = [(i, p[1]) for i, p in enumerate(parsed) if p is not None and p[0] not in ctx.existing]
    verdicts: dict[int, list[Violation]] = {}
    if candidates:
        checks = await batch.check_completions(ctx.actor, today=ctx.today, items=[item for _, item in candidates])
        verdicts = {i: found for (i, _), found in zip(candidates, checks, strict=True)}
    to_create: list[tuple[int, Completion]] = []
    for index, outcome in enumerate(parsed):
        if outcome is None:
            problems = row_errors[index]
        else:
            key, item = outcome
            if key in ctx.existing:
                result.unchanged += 1
                continue
            problems = _columns_of(ctx, verdicts[index])
            if not problems:
                ctx.existing.add(key)
                to_create.append((index, item))
                result.created += 1
                continue
        for column, message in problems:
            result.errors.append({"row": index + 2, "column": column, "message": message})
    if result.errors or dry_run or not to_create:
        return
    try:  # one write transaction: the rows are checked again inside it, then written
        await batch.record_completions(ctx.actor, today=ctx.today, items=[item for _, item in to_create])
    except DomainError as exc:  # the register changed between the check and the write: report it per row
        for violation in exc.violations or [Violation(exc.code, exc.detail)]:
            found = re.match(r"items\[(\d+)\]\.?(\w*)", violation.field or "")
            row_number = to_create[int(found.group(1))][0] + 2 if found else None
            name = FIELD_ALIASES.get(found.group(2), found.group(2)) if found and found.group(2) else None
            result.errors.append({"row": row_number, "column": ctx.column(name) if name else None,
                                  "message": violation.message})


async def _vetting_row(ctx: _Context, row: dict[str, str]) -> str:
    from vetting import rules as vetting_rules
    from vetting import services as vetting_services

    if _value(ctx, row, "status").lower() not in CLEARANCE_STATUSES:
        return "unchanged"
    errors: list[tuple[str | None, str]] = []
    officer = _officer(ctx, row, errors)
    level = _code(ctx, row, "level", errors)
    requested_on = _date(ctx, row, "requested_on", errors)
    granted_on = _date(ctx, row, "granted_on", errors)
    expires_on = _date(ctx, row, "expires_on", errors, required=False)
    if requested_on and granted_on and granted_on < requested_on:
        errors.append((ctx.column("granted_on"), "granted_on cannot be before requested_on."))
    if granted_on and granted_on > ctx.today:
        errors.append((ctx.column("granted_on"), "granted_on cannot be in the future."))
    if errors:
        raise _RowErrors(errors)
    assert officer is not None and requested_on is not None and granted_on is not None
    key = (officer["id"], level, granted_on)
    if key in ctx.existing:
        return "unchanged"
    computed = vetting_rules.compute_expiry(granted_on, ctx.codes["level"][level]["renewal_months"])
    reference = _value(ctx, row, "force_reference") or None
    application = await vetting_services.create_application(
        ctx.actor, officer_id=officer["id"], level_code=level, requested_on=requested_on, today=ctx.today)
    await vetting_services.record_event(ctx.actor, application["id"], status="submitted", on=requested_on,
                                        force_reference=reference, today=ctx.today)
    await vetting_services.record_event(ctx.actor, application["id"], status="in_progress", on=requested_on,
                                        today=ctx.today)
    override = expires_on is not None and expires_on != computed
    await vetting_services.record_event(
        ctx.actor, application["id"], status="granted", on=granted_on, today=ctx.today,
        expires_on=expires_on if override else None,
        expiry_override_reason="expiry as recorded on the imported clearance" if override else None)
    ctx.existing.add(key)
    return "created"


async def _kit_row(ctx: _Context, row: dict[str, str]) -> str:
    from register import kit

    errors: list[tuple[str | None, str]] = []
    officer = _officer(ctx, row, errors)
    kit_type = _code(ctx, row, "kit_type", errors)
    issued_on = _date(ctx, row, "issued_on", errors)
    manufactured_on = _date(ctx, row, "manufactured_on", errors, required=False)
    if errors:
        raise _RowErrors(errors)
    assert officer is not None and issued_on is not None
    serial = _value(ctx, row, "serial_number")
    key = _kit_key(officer["id"], kit_type, serial, issued_on)
    if key in ctx.existing:
        return "unchanged"
    await kit.issue_kit(ctx.actor, officer_id=officer["id"], kit_type_code=kit_type, issued_on=issued_on,
                        serial_number=serial or None, size=_value(ctx, row, "size"),
                        manufactured_on=manufactured_on)
    ctx.existing.add(key)
    return "created"


ROW_HANDLERS = {"officers": _officer_row, "vetting": _vetting_row, "kit": _kit_row}


def _columns_of(ctx: _Context, violations: list[Violation]) -> list[tuple[str | None, str]]:
    out: list[tuple[str | None, str]] = []
    for violation in violations:
        name = FIELD_ALIASES.get(violation.field or "", violation.field)
        out.append((ctx.column(name) if name else None, violation.message))
    return out


def _errors_from(ctx: _Context, exc: DomainError) -> list[tuple[str | None, str]]:
    if not exc.violations:
        return [(None, exc.detail)]
    return _columns_of(ctx, exc.violations)


def require_import_role(actor: Principal, dataset: str) -> None:
    if dataset not in DATASETS:
        from core.errors import NotFound

        raise NotFound(AdminErrorCode.UNKNOWN_DATASET, f"No import for '{dataset}'. Imports: {', '.join(DATASETS)}.")
    require_role(actor, *IMPORT_ROLES[dataset], action=f"import {dataset}")


async def run_import(
    actor: Principal, dataset: str, rows: list[dict[str, str]], *, today: dt.date, dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Tries every row in one transaction; commits only when no row failed and this is not a dry run."""
    require_import_role(actor, dataset)
    ctx = _Context(actor=actor, today=today, columns=check_columns(dataset, rows))
    await _prepare(ctx, dataset)
    result = ImportResult(rows=len(rows), dry_run=dry_run)
    if dataset == "training":
        await _run_training(ctx, rows, result, dry_run, progress)
        if result.errors:
            result.created = result.updated = 0
        return result
    handler = ROW_HANDLERS[dataset]
    try:
        async with write_transaction():
            for index, row in enumerate(rows):
                try:
                    outcome = await handler(ctx, row)
                except _RowErrors as exc:
                    problems = exc.errors
                except DomainError as exc:
                    problems = _errors_from(ctx, exc)
                else:
                    problems = []
                    if outcome == "created":
                        result.created += 1
                    elif outcome == "updated":
                        result.updated += 1
                    else:
                        result.unchanged += 1
                for column, message in problems:
                    result.errors.append({"row": index + 2, "column": column, "message": message})
                if progress is not None:
                    progress(index + 1)
            if result.errors or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    if result.errors:
        result.created = result.updated = 0
    return result
