"""Imports of officers, training records, vetting clearances and kit issues from CSV or XLSX sheets.

The sheet's columns are the fields of the matching POST (api.md); a readable column may stand in for an id or a
code: `organisation` and `team` (names), `officer` or `staff_number` (staff number), `module`, `level`,
`kit_type` (codes). This module only reads: the file (reports.import_files, bounded), then each row into the
fields of its domain's batch service, which checks and writes them all in ONE transaction (register.officers.batch,
register.kit.batch, vetting.batch, training.batch). Every row is tried; each failure becomes a per-row error
`{row, column, message}` (row = the spreadsheet's row number, the header being row 1), and nothing is written
when any row failed or on a dry run. So an import commits all or nothing. Rows already on the register are
unchanged (officers are updated only when a value changed), so importing the same sheet twice changes nothing.
Every value read has the exports' formula neutralisation undone (reports.spreadsheets), so an exported sheet
imports back with exactly its values, hostile names included.

Training records, the big sheets (issue 8: 10,000 rows in at most 20 s), are checked all at once by training.batch
with everything loaded once, and written with bulk inserts; the outcome is the same as row by row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.access import Principal, Role, require_role
from core.batch import Outcome
from core.db import EVERYTHING, long_running
from core.errors import DomainError, Violation
from register.kit.batch import KitIssueRow
from register.officers.batch import OfficerRow
from reports.errors import ReportErrorCode
from reports.import_files import file_error
from reports.import_rows import (
    FIELD_ALIASES,
    RowContext,
    RowErrors,
    as_id,
    columns_of,
    read_code,
    read_date,
    read_officer,
    read_organisation,
    read_required,
    read_value,
)
from vetting.batch import ClearanceRow
from vetting.rules import check_imported_clearance

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


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)
    # What each row without a problem would do (or did), by its spreadsheet row number: "created", "updated" or
    # "unchanged". For the import page's preview; the API's answer (as_dict) keeps to the counts.
    changes: dict[int, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "dry_run": self.dry_run, "errors": self.errors}


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
        raise file_error(f"Missing required column(s): {'; '.join(missing)}.", ReportErrorCode.IMPORT_MISSING_COLUMNS)
    for name, options in OPTIONAL[dataset].items():
        found = next((c for c in options if c in present), None)
        if found is not None:
            chosen[name] = found
    return chosen


# --- per-dataset: what is looked up by name, and each row as its batch service's item --------------------

async def _prepare(ctx: RowContext, dataset: str) -> None:
    from register.kit import services as kit
    from register.officers import services
    from training import services as training_services
    from vetting import services as vetting_services

    for org in await services.list_organisations(ctx.actor):
        if org["name"].lower() in ctx.organisations:
            ctx.shared_names.add(org["name"].lower())
        ctx.organisations.setdefault(org["name"].lower(), org)
        ctx.organisation_ids[org["id"]] = org
    for team in await services.list_teams(ctx.actor):
        ctx.teams[(team["organisation"], team["name"].lower())] = team
        ctx.team_ids[team["id"]] = team
    if dataset != "officers":  # rows naming an officer; the officers' own batch finds who is already there
        officers, _ = await services.list_officers(ctx.actor, today=ctx.today, limit=EVERYTHING)
        for officer in officers:
            ctx.officers[officer["id"]] = officer
            ctx.by_staff.setdefault(officer["staff_number"].lower(), []).append(officer)
    if dataset == "training":
        ctx.codes["module"] = {m["code"] for m in await training_services.list_modules()}
        records, _ = await training_services.list_records(ctx.actor, as_of=ctx.today, limit=EVERYTHING)
        ctx.existing = {(r["officer"], r["module_code"], r["completed_on"], r["result"]) for r in records}
    elif dataset == "vetting":
        ctx.codes["level"] = {lv["code"] for lv in await vetting_services.list_levels()}
    elif dataset == "kit":
        ctx.codes["kit_type"] = {k["code"] for k in await kit.list_kit_types()}


def _officer_item(ctx: RowContext, row: dict[str, str]) -> OfficerRow:
    errors: list[tuple[str | None, str]] = []
    organisation = read_organisation(ctx, row, errors, required=True)
    values = {name: read_required(ctx, row, name, errors) for name in ("staff_number", "given_name", "family_name",
                                                                     "email")}
    started_on = read_date(ctx, row, "started_on", errors)
    team_id: int | None = None
    team_text = read_value(ctx, row, "team")
    if team_text and organisation is not None:
        if ctx.column("team") == "team_id":
            team = (None if (key := as_id(team_text)) is None else ctx.team_ids.get(key))
        else:
            team = ctx.teams.get((organisation["id"], team_text.lower()))
        if team is None or team["organisation"] != organisation["id"]:
            errors.append((ctx.column("team"), f"No team '{team_text}' in {organisation['name']}."))
        else:
            team_id = team["id"]
    if errors:
        raise RowErrors(errors)
    assert organisation is not None and started_on is not None
    return OfficerRow(organisation_id=organisation["id"], started_on=started_on, team_id=team_id, **values)


def _vetting_item(ctx: RowContext, row: dict[str, str]) -> ClearanceRow | None:
    """The row's clearance; None for a row exported with a status that is not a clearance (passed over)."""
    if read_value(ctx, row, "status").lower() not in CLEARANCE_STATUSES:
        return None
    errors: list[tuple[str | None, str]] = []
    officer = read_officer(ctx, row, errors)
    level = read_code(ctx, row, "level", errors)
    requested_on = read_date(ctx, row, "requested_on", errors)
    granted_on = read_date(ctx, row, "granted_on", errors)
    expires_on = read_date(ctx, row, "expires_on", errors, required=False)
    errors.extend(columns_of(ctx, check_imported_clearance(requested_on, granted_on, ctx.today)))
    if errors:
        raise RowErrors(errors)
    assert officer is not None and requested_on is not None and granted_on is not None
    return ClearanceRow(officer_id=officer["id"], level_code=level, requested_on=requested_on,
                        granted_on=granted_on, expires_on=expires_on,
                        force_reference=read_value(ctx, row, "force_reference") or None)


def _kit_item(ctx: RowContext, row: dict[str, str]) -> KitIssueRow:
    errors: list[tuple[str | None, str]] = []
    officer = read_officer(ctx, row, errors)
    kit_type = read_code(ctx, row, "kit_type", errors)
    issued_on = read_date(ctx, row, "issued_on", errors)
    manufactured_on = read_date(ctx, row, "manufactured_on", errors, required=False)
    if errors:
        raise RowErrors(errors)
    assert officer is not None and issued_on is not None
    return KitIssueRow(officer_id=officer["id"], kit_type_code=kit_type, issued_on=issued_on,
                       serial_number=read_value(ctx, row, "serial_number"), size=read_value(ctx, row, "size"),
                       manufactured_on=manufactured_on)


ITEMS: dict[str, Callable[[RowContext, dict[str, str]], Any]] = {
    "officers": _officer_item, "vetting": _vetting_item, "kit": _kit_item,
}


async def _record(ctx: RowContext, dataset: str, items: list[Any], commit: bool) -> list[Outcome]:
    from register.kit import batch as kit_batch
    from register.officers import batch as officer_batch
    from vetting import batch as vetting_batch

    if dataset == "officers":
        return await officer_batch.record_officers(ctx.actor, items, today=ctx.today, commit=commit)
    if dataset == "vetting":
        return await vetting_batch.record_clearances(ctx.actor, items, today=ctx.today, commit=commit)
    return await kit_batch.record_kit_issues(ctx.actor, items, commit=commit)


async def _run_batch(ctx: RowContext, dataset: str, rows: list[dict[str, str]], result: ImportResult,
                     dry_run: bool, progress: Callable[[int], None] | None) -> None:
    """Every row read into its batch service's item, then every item handed to the batch at once: it commits
    only when no row failed (here or there) and this is not a dry run."""
    items: dict[int, Any] = {}
    row_errors: dict[int, list[tuple[str | None, str]]] = {}
    for index, row in enumerate(rows):
        try:
            item = ITEMS[dataset](ctx, row)
        except RowErrors as exc:
            row_errors[index] = exc.errors
        else:
            if item is not None:
                items[index] = item
        if progress is not None:
            progress(index + 1)
    outcomes = dict(zip(items, await _record(ctx, dataset, list(items.values()),
                                             commit=not (dry_run or row_errors)), strict=True))
    for index in range(len(rows)):
        outcome = outcomes.get(index)
        if index in row_errors:
            problems = row_errors[index]
        elif outcome is not None and outcome.applied is None:
            problems = columns_of(ctx, outcome.violations)
        else:
            problems = []
            applied = outcome.applied if outcome is not None and outcome.applied else "unchanged"
            result.changes[index + 2] = applied
            if applied == "created":
                result.created += 1
            elif applied == "updated":
                result.updated += 1
            else:
                result.unchanged += 1
        for column, message in problems:
            result.errors.append({"row": index + 2, "column": column, "message": message})


def _training_item(ctx: RowContext, row: dict[str, str]) -> tuple[tuple[Any, ...], Completion]:
    """The row as (its idempotency key, a training.batch.Completion); the rules are checked by the batch."""
    from training.batch import Completion

    errors: list[tuple[str | None, str]] = []
    officer = read_officer(ctx, row, errors)
    module = read_code(ctx, row, "module", errors)
    completed_on = read_date(ctx, row, "completed_on", errors)
    result = read_required(ctx, row, "result", errors).lower()
    expires_on = read_date(ctx, row, "expires_on", errors, required=False)
    if errors:
        raise RowErrors(errors)
    assert officer is not None and completed_on is not None
    item = Completion(
        officer_id=officer["id"], module_code=module, completed_on=completed_on, result=result,
        provider=read_value(ctx, row, "provider"), certificate_ref=read_value(ctx, row, "certificate_ref"),
        qualification_title=read_value(ctx, row, "qualification_title"), expires_on=expires_on,
        expiry_override_reason=read_value(ctx, row, "expiry_override_reason"),
    )
    return (officer["id"], module, completed_on, result), item


async def _run_training(ctx: RowContext, rows: list[dict[str, str]], result: ImportResult, dry_run: bool,
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
        except RowErrors as exc:
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
                result.changes[index + 2] = "unchanged"
                continue
            problems = columns_of(ctx, verdicts[index])
            if not problems:
                ctx.existing.add(key)
                to_create.append((index, item))
                result.created += 1
                result.changes[index + 2] = "created"
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


def require_import_role(actor: Principal, dataset: str) -> None:
    if dataset not in DATASETS:
        from core.errors import NotFound

        raise NotFound(ReportErrorCode.UNKNOWN_DATASET, f"No import for '{dataset}'. Imports: {', '.join(DATASETS)}.")
    require_role(actor, *IMPORT_ROLES[dataset], action=f"import {dataset}")


# A whole dataset in one request: its statements may rightly take longer than a page's (core.db).
@long_running
async def run_import(
    actor: Principal, dataset: str, rows: list[dict[str, str]], *, today: dt.date, dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Tries every row; writes every row, or none when any row failed or this is a dry run."""
    require_import_role(actor, dataset)
    ctx = RowContext(actor=actor, today=today, columns=check_columns(dataset, rows))
    await _prepare(ctx, dataset)
    result = ImportResult(rows=len(rows), dry_run=dry_run)
    if dataset == "training":
        await _run_training(ctx, rows, result, dry_run, progress)
    else:
        await _run_batch(ctx, dataset, rows, result, dry_run, progress)
    if result.errors:
        result.created = result.updated = 0
    return result
