"""Use cases for training: catalogue, records, bookings, prerequisites, the matrix, and facts for the scheduler.

Every write: role and scope first, then the rules, then one transaction with its audit events.
Writers: admin, csas_coordinator (their force), hr (their organisation), manager (their teams).
Readers: those, plus vetting officers (their force) and officers (themselves).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.access import Principal, Role, require_role
from core.audit import record_audit
from core.dates import long_date
from core.db import all_of, is_unique_violation, write_transaction
from core.errors import Conflict, CoreErrorCode, Forbidden, NotFound, Violation, raise_if_violations
from core.tables import AuditEvent
from register.officers import services as register_services
from register.scope import Scope, require_installation_writer
from register.tables import KitType
from training.errors import TrainingErrorCode
from training.facts import record_fact, record_facts
from training.rules import (
    BookingStatus,
    CellState,
    check_attendance,
    check_booking,
    check_booking_change,
    check_prerequisites,
    check_record,
    check_validity_months,
    check_warning_days,
    compute_cell_state,
    counting_record,
    group_prerequisites,
    is_in_date,
    resolve_expiry,
)
from training.tables import PowerPrerequisite, TrainingBooking, TrainingModule, TrainingRecord

WRITER_ROLES = (Role.CSAS_COORDINATOR, Role.HR, Role.MANAGER)

# Kit that needs training before issue (domain.md §7), used when register's KitType has no row for the code.
KIT_TRAINING_REQUIREMENTS: dict[str, str] = {"BODY_WORN_VIDEO": "BODY_WORN_VIDEO", "RADIO": "RADIO"}

PREREQUISITES_AUDIT_ACTION = "training_prerequisites.replace"


# --- modules ------------------------------------------------------------------------------------------

MODULE_COLUMNS = (
    TrainingModule.id, TrainingModule.code, TrainingModule.title, TrainingModule.validity_months,
    TrainingModule.hours, TrainingModule.is_csas_course, TrainingModule.sort_order,
)


async def list_modules() -> list[dict[str, Any]]:
    """The catalogue in display order: id, code, title, validity_months (None: never expires), hours,
    is_csas_course, sort_order."""
    rows: list[dict[str, Any]] = await TrainingModule.select(*MODULE_COLUMNS).order_by(
        TrainingModule.sort_order).order_by(TrainingModule.id)
    return rows


async def get_module(code: str) -> dict[str, Any]:
    row: dict[str, Any] | None = await TrainingModule.select(*MODULE_COLUMNS).where(
        TrainingModule.code == code).first()
    if row is None:
        raise NotFound(TrainingErrorCode.MODULE_NOT_FOUND, f"No training module with code '{code}'.")
    return row


async def _module_for_input(code: str, field: str = "module_code") -> dict[str, Any]:
    row: dict[str, Any] | None = await TrainingModule.select(*MODULE_COLUMNS).where(
        TrainingModule.code == code).first()
    if row is None:
        raise_if_violations([Violation(TrainingErrorCode.UNKNOWN_MODULE, f"No training module with code '{code}'.",
                                       field)])
    assert row is not None
    return row


async def update_module_validity(actor: Principal, code: str, validity_months: int | None) -> dict[str, Any]:
    """Policy: how long a pass of the module stays valid. Applies to records entered from now on; records
    already held keep the expiry they were given (the certificate's)."""
    await require_installation_writer(actor, action="change training policy",
                                      subject="A training module's validity")
    before = await get_module(code)
    raise_if_violations(check_validity_months(validity_months))
    async with write_transaction():
        await TrainingModule.update({TrainingModule.validity_months: validity_months}).where(
            TrainingModule.id == before["id"])
        after = await get_module(code)
        await record_audit(actor, "training_module.update", "training_module", before["id"], before, after)
    return after


# --- records ------------------------------------------------------------------------------------------

RECORD_COLUMNS = (
    TrainingRecord.id,
    TrainingRecord.officer,
    TrainingRecord.module.code.as_alias("module_code"),
    TrainingRecord.module.title.as_alias("module_title"),
    TrainingRecord.completed_on,
    TrainingRecord.result,
    TrainingRecord.provider,
    TrainingRecord.certificate_ref,
    TrainingRecord.qualification_title,
    TrainingRecord.expires_on,
    TrainingRecord.expiry_override_reason,
    TrainingRecord.booking,
    TrainingRecord.created_at,
)


async def _load_record(record_id: int) -> dict[str, Any]:
    row: dict[str, Any] | None = await TrainingRecord.select(*RECORD_COLUMNS).where(
        TrainingRecord.id == record_id).first()
    assert row is not None
    return row


async def _require_writer(actor: Principal, officer_id: int, action: str) -> dict[str, Any]:
    """Role first (403), then the officer: 404 unknown, 403 outside the caller's scope."""
    require_role(actor, *WRITER_ROLES, action=action)
    return await register_services.get_officer(actor, officer_id)


async def record_completion(
    actor: Principal,
    *,
    today: dt.date,
    officer_id: int,
    module_code: str,
    completed_on: dt.date,
    result: str,
    provider: str = "",
    certificate_ref: str = "",
    qualification_title: str = "",
    expires_on: dt.date | None = None,
    expiry_override_reason: str = "",
) -> dict[str, Any]:
    """Records an attempt at a module. A pass expires completed_on + validity unless overridden with a reason."""
    await _require_writer(actor, officer_id, "record training")
    module = await _module_for_input(module_code)
    async with write_transaction():
        return await _insert_record(
            actor, today=today, officer_id=officer_id, module=module, completed_on=completed_on, result=result,
            provider=provider, certificate_ref=certificate_ref, qualification_title=qualification_title,
            expires_on=expires_on, expiry_override_reason=expiry_override_reason, booking_id=None,
        )


def completion_violations(
    *,
    today: dt.date,
    module: dict[str, Any],
    completed_on: dt.date,
    result: str,
    provider: str,
    certificate_ref: str,
    qualification_title: str,
    expires_on: dt.date | None,
    expiry_override_reason: str,
) -> list[Violation]:
    """The rules a new record must pass (training.rules.check_record with the module's validity). Shared by the
    single-record path and the batch import (training.batch)."""
    return check_record(
        result=result, completed_on=completed_on, today=today, validity_months=module["validity_months"],
        expires_on=expires_on, override_reason=expiry_override_reason, provider=provider,
        certificate_ref=certificate_ref, qualification_title=qualification_title,
    )


def new_record(
    *,
    officer_id: int,
    module: dict[str, Any],
    completed_on: dt.date,
    result: str,
    provider: str,
    certificate_ref: str,
    qualification_title: str,
    expires_on: dt.date | None,
    expiry_override_reason: str,
    booking_id: int | None,
) -> TrainingRecord:
    """The row to insert for a checked record: the stored expiry (training.rules.resolve_expiry), stripped text."""
    stored_expiry, overridden = resolve_expiry(result, completed_on, module["validity_months"], expires_on)
    return TrainingRecord(
        officer=officer_id, module=module["id"], completed_on=completed_on, result=result,
        provider=provider.strip(), certificate_ref=certificate_ref.strip(),
        qualification_title=qualification_title.strip(), expires_on=stored_expiry,
        expiry_override_reason=expiry_override_reason.strip() if overridden else "", booking=booking_id,
    )


async def _insert_record(
    actor: Principal,
    *,
    today: dt.date,
    officer_id: int,
    module: dict[str, Any],
    completed_on: dt.date,
    result: str,
    provider: str,
    certificate_ref: str,
    qualification_title: str,
    expires_on: dt.date | None,
    expiry_override_reason: str,
    booking_id: int | None,
    field_names: dict[str, str] | None = None,
) -> dict[str, Any]:
    violations = completion_violations(
        today=today, module=module, completed_on=completed_on, result=result, provider=provider,
        certificate_ref=certificate_ref, qualification_title=qualification_title, expires_on=expires_on,
        expiry_override_reason=expiry_override_reason,
    )
    if field_names:
        violations = [Violation(v.code, v.message, field_names.get(v.field or "", v.field)) for v in violations]
    raise_if_violations(violations)
    new_id = (
        await TrainingRecord.insert(
            new_record(
                officer_id=officer_id, module=module, completed_on=completed_on, result=result, provider=provider,
                certificate_ref=certificate_ref, qualification_title=qualification_title, expires_on=expires_on,
                expiry_override_reason=expiry_override_reason, booking_id=booking_id,
            )
        ).returning(TrainingRecord.id)
    )[0]["id"]
    row = await _load_record(new_id)
    await record_audit(actor, "training_record.create", "training_record", new_id, None, row)
    return row


async def _annotate(rows: list[dict[str, Any]], as_of: dt.date) -> list[dict[str, Any]]:
    """Adds is_counting and is_in_date (as of as_of) to record rows, judged against each officer's full history
    of the module (one query for every officer on the page)."""
    facts = await record_facts([r["officer"] for r in rows], as_of)
    counting_ids: set[int] = set()
    for records in facts.values():
        for code in {r.module_code for r in records}:
            counting = counting_record(records, code, as_of)
            if counting is not None:
                counting_ids.add(counting.id)
    out = []
    for row in rows:
        is_counting = row["id"] in counting_ids
        out.append(row | {"is_counting": is_counting,
                          "is_in_date": is_counting and is_in_date(record_fact(row), as_of)})
    return out


async def list_records(
    actor: Principal,
    *,
    as_of: dt.date,
    officer_id: int | None = None,
    module_code: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Records in the caller's scope, newest first, each marked is_counting / is_in_date as of as_of."""
    if officer_id is not None:
        await register_services.get_officer(actor, officer_id)
    where = all_of(
        Scope.of(actor).where(TrainingRecord.officer),
        TrainingRecord.officer == officer_id if officer_id is not None else None,
        TrainingRecord.module.code == module_code if module_code else None,
    )
    query = TrainingRecord.select(*RECORD_COLUMNS).order_by(TrainingRecord.completed_on, ascending=False) \
        .order_by(TrainingRecord.id, ascending=False).limit(limit).offset(offset)
    count = TrainingRecord.count()
    if where is not None:
        query = query.where(where)
        count = count.where(where)
    rows: list[dict[str, Any]] = await query
    return await _annotate(rows, as_of), await count


# --- bookings -----------------------------------------------------------------------------------------

BOOKING_COLUMNS = (
    TrainingBooking.id,
    TrainingBooking.officer,
    TrainingBooking.module.code.as_alias("module_code"),
    TrainingBooking.starts_on,
    TrainingBooking.provider,
    TrainingBooking.status,
    TrainingBooking.status_on,
    TrainingBooking.status_reason,
    TrainingBooking.created_at,
)


async def _with_record_ids(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [r["id"] for r in rows]
    links: dict[int, int] = {}
    if ids:
        for link in await TrainingRecord.select(TrainingRecord.id, TrainingRecord.booking).where(
                TrainingRecord.booking.is_in(ids)):
            links[link["booking"]] = link["id"]
    return [r | {"record_id": links.get(r["id"])} for r in rows]


async def _load_booking(booking_id: int) -> dict[str, Any]:
    row: dict[str, Any] | None = await TrainingBooking.select(*BOOKING_COLUMNS).where(
        TrainingBooking.id == booking_id).first()
    if row is None:
        raise NotFound(TrainingErrorCode.BOOKING_NOT_FOUND, f"No training booking with id {booking_id}.")
    return (await _with_record_ids([row]))[0]


async def get_booking(actor: Principal, booking_id: int) -> dict[str, Any]:
    row = await _load_booking(booking_id)
    await register_services.get_officer(actor, row["officer"])
    return row


async def create_booking(
    actor: Principal, *, officer_id: int, module_code: str, starts_on: dt.date, today: dt.date, provider: str = ""
) -> dict[str, Any]:
    """Books a place on a planned course. One open booking per officer and module at a time (409)."""
    await _require_writer(actor, officer_id, "book training")
    module = await _module_for_input(module_code)
    raise_if_violations(check_booking(starts_on, provider))
    async with write_transaction():
        if await TrainingBooking.exists().where(
            (TrainingBooking.officer == officer_id) & (TrainingBooking.module == module["id"])
            & (TrainingBooking.status == BookingStatus.BOOKED.value)
        ):
            raise Conflict(TrainingErrorCode.ALREADY_BOOKED,
                           f"The officer already has an open booking for {module_code}; cancel it first.")
        new_id = (
            await TrainingBooking.insert(
                TrainingBooking(officer=officer_id, module=module["id"], starts_on=starts_on,
                                provider=provider.strip(), status=BookingStatus.BOOKED.value, status_on=None,
                                recorded_on=today)
            ).returning(TrainingBooking.id)
        )[0]["id"]
        row = await _load_booking(new_id)
        await record_audit(actor, "training_booking.create", "training_booking", new_id, None, row)
    return row


async def list_bookings(
    actor: Principal, *, officer_id: int | None = None, status: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    if officer_id is not None:
        await register_services.get_officer(actor, officer_id)
    if status is not None and status not in BookingStatus.__members__.values():
        allowed = ", ".join(s.value for s in BookingStatus)
        raise_if_violations([Violation(CoreErrorCode.INVALID_CHOICE, f"status must be one of: {allowed}.", "status")])
    where = all_of(
        Scope.of(actor).where(TrainingBooking.officer),
        TrainingBooking.officer == officer_id if officer_id is not None else None,
        TrainingBooking.status == status if status is not None else None,
    )
    query = TrainingBooking.select(*BOOKING_COLUMNS).order_by(TrainingBooking.starts_on, ascending=False) \
        .order_by(TrainingBooking.id, ascending=False).limit(limit).offset(offset)
    count = TrainingBooking.count()
    if where is not None:
        query = query.where(where)
        count = count.where(where)
    rows: list[dict[str, Any]] = await query
    return await _with_record_ids(rows), await count


async def _booking_for_change(actor: Principal, booking_id: int, action: str) -> dict[str, Any]:
    require_role(actor, *WRITER_ROLES, action="change training bookings")
    booking = await get_booking(actor, booking_id)
    if (violation := check_booking_change(booking["status"], action)) is not None:
        raise Conflict(violation.code, violation.message)
    return booking


async def _set_booking_status(
    actor: Principal, booking: dict[str, Any], status: BookingStatus, on: dt.date, reason: str, action: str
) -> dict[str, Any]:
    """Inside the write transaction: re-checks the status (a concurrent change wins) and writes the change."""
    current = await TrainingBooking.select(TrainingBooking.status).where(TrainingBooking.id == booking["id"]).first()
    assert current is not None
    if (violation := check_booking_change(current["status"], action)) is not None:
        raise Conflict(violation.code, violation.message)
    await TrainingBooking.update({
        TrainingBooking.status: status.value, TrainingBooking.status_on: on, TrainingBooking.status_reason: reason,
    }).where(TrainingBooking.id == booking["id"])
    return await _load_booking(booking["id"])


async def attend_booking(
    actor: Principal,
    booking_id: int,
    *,
    today: dt.date,
    attended_on: dt.date,
    result: str,
    certificate_ref: str = "",
    provider: str | None = None,
    qualification_title: str = "",
    expires_on: dt.date | None = None,
    expiry_override_reason: str = "",
) -> dict[str, Any]:
    """Marks the booking attended and records the attempt (linked to the booking) in the same transaction."""
    booking = await _booking_for_change(actor, booking_id, "attended")
    module = await get_module(booking["module_code"])
    raise_if_violations(check_attendance(booking["starts_on"], attended_on))
    try:
        async with write_transaction():
            after = await _set_booking_status(actor, booking, BookingStatus.ATTENDED, attended_on, "", "attended")
            record = await _insert_record(
                actor, today=today, officer_id=booking["officer"], module=module, completed_on=attended_on,
                result=result, provider=booking["provider"] if provider is None else provider,
                certificate_ref=certificate_ref, qualification_title=qualification_title, expires_on=expires_on,
                expiry_override_reason=expiry_override_reason, booking_id=booking_id,
                field_names={"completed_on": "attended_on"},
            )
            after = after | {"record_id": record["id"]}
            await record_audit(actor, "training_booking.attend", "training_booking", booking_id, booking, after)
    except Exception as exc:
        if is_unique_violation(exc):
            raise Conflict(TrainingErrorCode.BOOKING_NOT_OPEN, "The booking was attended already.") from exc
        raise
    return after


async def cancel_booking(actor: Principal, booking_id: int, *, on: dt.date, reason: str = "") -> dict[str, Any]:
    booking = await _booking_for_change(actor, booking_id, "cancelled")
    if len(reason) > 500:
        raise_if_violations([Violation(CoreErrorCode.TOO_LONG, "reason must be at most 500 characters.", "reason")])
    async with write_transaction():
        after = await _set_booking_status(actor, booking, BookingStatus.CANCELLED, on, reason.strip(), "cancelled")
        await record_audit(actor, "training_booking.cancel", "training_booking", booking_id, booking, after)
    return after


async def record_no_show(actor: Principal, booking_id: int, *, on: dt.date) -> dict[str, Any]:
    booking = await _booking_for_change(actor, booking_id, "marked as a no-show")
    async with write_transaction():
        after = await _set_booking_status(actor, booking, BookingStatus.NO_SHOW, on, "", "marked as a no-show")
        await record_audit(actor, "training_booking.no_show", "training_booking", booking_id, booking, after)
    return after


# --- power prerequisites (policy data) ----------------------------------------------------------------

async def list_prerequisites() -> list[dict[str, str]]:
    """Every (power_code, module_code) pair, sorted."""
    rows = await PowerPrerequisite.select(
        PowerPrerequisite.power_code, PowerPrerequisite.module.code.as_alias("module_code"))
    return sorted(({"power_code": r["power_code"], "module_code": r["module_code"]} for r in rows),
                  key=lambda r: (r["power_code"], r["module_code"]))


async def prerequisites() -> dict[str, list[str]]:
    """power_code -> the module codes it needs (domain.md §8 rule 5; CSAS_CORE for all is the scheduler's)."""
    return group_prerequisites((r["power_code"], r["module_code"]) for r in await list_prerequisites())


async def replace_prerequisites(actor: Principal, pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Replaces the whole set. Any unknown power or module code refuses the lot (422) and changes nothing."""
    await require_installation_writer(actor, action="change training policy",
                                      subject="The training each power needs")
    powers = [p["code"] for p in await register_services.list_powers()]
    modules = {m["code"]: m["id"] for m in await list_modules()}
    raise_if_violations(check_prerequisites(pairs, powers, modules))
    wanted = sorted(set(pairs))
    async with write_transaction():
        before = await list_prerequisites()
        await PowerPrerequisite.delete(force=True)
        if wanted:
            await PowerPrerequisite.insert(
                *(PowerPrerequisite(power_code=power, module=modules[module]) for power, module in wanted))
        after = await list_prerequisites()
        await record_audit(actor, PREREQUISITES_AUDIT_ACTION, "training_prerequisites", None,
                           {"items": before}, {"items": after})
    return after


async def prerequisites_ever_replaced() -> bool:
    """Whether anyone has set the prerequisites by hand (the seed then leaves an empty set alone)."""
    return bool(await AuditEvent.exists().where(AuditEvent.action == PREREQUISITES_AUDIT_ACTION))


# --- the matrix ---------------------------------------------------------------------------------------

async def _matrix_officers(
    actor: Principal, team_id: int | None, organisation_id: int | None, as_of: dt.date
) -> list[dict[str, Any]]:
    if (team_id is None) == (organisation_id is None):
        raise_if_violations([Violation(TrainingErrorCode.MATRIX_SCOPE_REQUIRED,
                                       "Give exactly one of team_id or organisation_id.", "team_id")])
    if team_id is not None:
        team = await register_services.get_team(team_id)
        visible = await register_services.list_teams(actor, team["organisation"])
        if team_id not in {t["id"] for t in visible}:
            raise Forbidden(TrainingErrorCode.OUT_OF_SCOPE, "That team is outside your scope.")
    else:
        assert organisation_id is not None
        await register_services.get_organisation(actor, organisation_id)
    rows, _ = await register_services.list_officers(
        actor, today=as_of, organisation_id=organisation_id, team_id=team_id, status="active",
        limit=1_000_000, offset=0,
    )
    return rows


async def training_matrix(
    actor: Principal,
    *,
    as_of: dt.date,
    team_id: int | None = None,
    organisation_id: int | None = None,
    warning_days: int,
) -> dict[str, Any]:
    """Officers (serving on as_of, in the caller's scope) x modules: each cell's state and expiry as of as_of; a
    pass expiring within warning_days (the scheduler's policy, which callers outside training read) is expiring."""
    raise_if_violations(check_warning_days(warning_days))
    officers = await _matrix_officers(actor, team_id, organisation_id, as_of)
    modules = [m["code"] for m in await list_modules()]
    facts = await record_facts([o["id"] for o in officers], as_of)
    rows = []
    for officer in officers:
        records = facts.get(officer["id"], [])
        cells: dict[str, dict[str, Any]] = {}
        for code in modules:
            counting = counting_record(records, code, as_of)
            state: CellState = compute_cell_state(counting, as_of, warning_days)
            cells[code] = {"state": state.value, "expires_on": counting.expires_on if counting else None}
        rows.append({"officer_id": officer["id"], "name": f"{officer['given_name']} {officer['family_name']}",
                     "cells": cells})
    return {"as_of": as_of, "modules": modules, "rows": rows}


# --- the kit check ---------------------------------------------------------------------------------

async def kit_required_module(kit_type_code: str) -> str | None:
    """The module an item needs before issue: register's KitType.requires_module_code, else the default map."""
    row = await KitType.select(KitType.requires_module_code).where(KitType.code == kit_type_code).first()
    if row is not None:
        code: str | None = row["requires_module_code"] or None
        return code
    return KIT_TRAINING_REQUIREMENTS.get(kit_type_code)


async def kit_training_violations(officer_id: int, kit_type_code: str, issued_on: dt.date) -> list[Violation]:
    """Refuses issuing kit that needs training unless the officer's counting pass is in date on issued_on."""
    module_code = await kit_required_module(kit_type_code)
    if module_code is None:
        return []
    records = (await record_facts([officer_id], issued_on)).get(officer_id, [])
    if is_in_date(counting_record(records, module_code, issued_on), issued_on):
        return []
    return [Violation(TrainingErrorCode.TRAINING_REQUIRED,
                      f"{kit_type_code} can be issued only after {module_code} training has been passed "
                      f"(in date on {long_date(issued_on)}).", "kit_type_code")]
