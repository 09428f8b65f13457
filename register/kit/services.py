"""Use cases for uniform and kit: the catalogue, issues, inspections, returns and recovery tasks.

Who may write: admin, csas_coordinator (their force's officers), hr (their employer's), manager (their teams'
officers only). officer and vetting_officer cannot. Reads: anyone, for officers in their scope.
Every write: one transaction, a KitEvent and an audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from core.access import Principal, Role, require_role
from core.audit import record_audit
from core.dates import long_date
from core.db import is_unique_violation, write_transaction
from core.errors import Conflict, NotFound, Violation, raise_if_violations
from register import hooks
from register.accreditations.rules import AccreditationDates, suspension_periods
from register.errors import RegisterErrorCode
from register.facts import is_accreditation_in_force
from register.kit.rules import (
    check_inspection,
    check_kit_issue,
    check_return,
    compute_kit_expiry,
    compute_next_inspection,
    needs_replacement,
)
from register.officers.services import get_officer
from register.scope import Scope
from register.tables import (
    Accreditation,
    AccreditationEvent,
    KitEvent,
    KitInspection,
    KitIssue,
    KitRecoveryTask,
    KitType,
)

KIT_TYPE_COLUMNS = (
    KitType.id, KitType.code, KitType.title, KitType.tracks_size, KitType.tracks_serial,
    KitType.tracks_manufacture_date, KitType.service_life_months, KitType.inspection_interval_months,
    KitType.expires_with_accreditation, KitType.recover_when_powers_end, KitType.requires_module_code,
)
ISSUE_COLUMNS = (
    KitIssue.id, KitIssue.officer, KitIssue.kit_type.code.as_alias("kit_type_code"),
    KitIssue.kit_type.title.as_alias("kit_type_title"), KitIssue.kit_type.inspection_interval_months.as_alias(
        "inspection_interval_months"),
    KitIssue.issued_on, KitIssue.issued_by, KitIssue.serial_number, KitIssue.size, KitIssue.manufactured_on,
    KitIssue.expires_on, KitIssue.condition, KitIssue.last_inspected_on, KitIssue.next_inspection_due_on,
    KitIssue.needs_replacement, KitIssue.returned_on,
)
WRITE_ROLES = (Role.CSAS_COORDINATOR, Role.HR, Role.MANAGER)


class KitKind:
    ISSUED = "issued"
    INSPECTED = "inspected"
    RETURNED = "returned"
    RECOVERY_OPENED = "recovery_opened"
    RECOVERY_CLOSED = "recovery_closed"


# --- catalogue ----------------------------------------------------------------------------------------

async def list_kit_types() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await KitType.select(*KIT_TYPE_COLUMNS).order_by(KitType.id)
    return rows


async def _kit_type(code: str) -> dict[str, Any]:
    row = await KitType.select(*KIT_TYPE_COLUMNS).where(KitType.code == code).first()
    if row is None:
        raise_if_violations([Violation(RegisterErrorCode.UNKNOWN_KIT_TYPE,
                                       f"No kit type with code '{code}'.", "kit_type_code")])
    assert row is not None
    return row


# --- reading ------------------------------------------------------------------------------------------

async def _views(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [r["id"] for r in rows]
    inspections: dict[int, list[dict[str, Any]]] = defaultdict(list)
    tasks: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        for row in await KitInspection.select(
            KitInspection.kit_issue, KitInspection.inspected_on, KitInspection.condition, KitInspection.inspected_by
        ).where(KitInspection.kit_issue.is_in(ids)).order_by(KitInspection.id):
            inspections[row["kit_issue"]].append(row)
        for row in await KitRecoveryTask.select(
            KitRecoveryTask.id, KitRecoveryTask.kit_issue, KitRecoveryTask.opened_on, KitRecoveryTask.reason,
            KitRecoveryTask.closed_on,
        ).where(KitRecoveryTask.kit_issue.is_in(ids)).order_by(KitRecoveryTask.id):
            tasks[row["kit_issue"]].append(row)
    return [
        {
            "id": r["id"], "officer_id": r["officer"], "kit_type_code": r["kit_type_code"],
            "kit_type_title": r["kit_type_title"], "issued_on": r["issued_on"], "issued_by": r["issued_by"],
            "serial_number": r["serial_number"], "size": r["size"], "manufactured_on": r["manufactured_on"],
            "expires_on": r["expires_on"], "condition": r["condition"], "last_inspected_on": r["last_inspected_on"],
            "next_inspection_due_on": r["next_inspection_due_on"], "needs_replacement": r["needs_replacement"],
            "returned_on": r["returned_on"],
            "inspections": [{"inspected_on": i["inspected_on"], "condition": i["condition"],
                             "inspected_by": i["inspected_by"]} for i in inspections[r["id"]]],
            "recovery_tasks": [{"id": t["id"], "opened_on": t["opened_on"], "reason": t["reason"],
                                "closed_on": t["closed_on"]} for t in tasks[r["id"]]],
        }
        for r in rows
    ]


async def _load_row(issue_id: int) -> dict[str, Any]:
    row = await KitIssue.select(*ISSUE_COLUMNS).where(KitIssue.id == issue_id).first()
    if row is None:
        raise NotFound(RegisterErrorCode.KIT_ISSUE_NOT_FOUND, f"No kit issue with id {issue_id}.")
    return row


async def _load_view(issue_id: int) -> dict[str, Any]:
    return (await _views([await _load_row(issue_id)]))[0]


async def get_kit_issue(actor: Principal, issue_id: int) -> dict[str, Any]:
    row = await _load_row(issue_id)
    await get_officer(actor, row["officer"])
    return (await _views([row]))[0]


async def list_kit_issues(
    actor: Principal, *, officer_id: int | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    clauses = [c for c in (Scope.of(actor).where(KitIssue.officer),) if c is not None]
    if officer_id is not None:
        clauses.append(KitIssue.officer == officer_id)
    query = KitIssue.select(*ISSUE_COLUMNS).order_by(KitIssue.officer).order_by(KitIssue.issued_on) \
        .order_by(KitIssue.id).limit(limit).offset(offset)
    count = KitIssue.count()
    if clauses:
        where = clauses[0]
        for clause in clauses[1:]:
            where = where & clause
        query, count = query.where(where), count.where(where)
    return await _views(await query), await count


async def list_for_officer(officer_id: int) -> list[dict[str, Any]]:
    rows = await KitIssue.select(*ISSUE_COLUMNS).where(KitIssue.officer == officer_id) \
        .order_by(KitIssue.issued_on).order_by(KitIssue.id)
    return await _views(rows)


# --- writing ------------------------------------------------------------------------------------------

async def _event(actor: Principal, issue_id: int, kind: str, on: dt.date, note: str = "") -> None:
    await KitEvent.insert(KitEvent(kit_issue=issue_id, kind=kind, effective_on=on, note=note,
                                   actor=actor.username, actor_user_id=actor.user_id))


async def _require_writer(actor: Principal, officer_id: int) -> dict[str, Any]:
    require_role(actor, *WRITE_ROLES, action="record kit")
    return await get_officer(actor, officer_id)


async def _accreditation_expiry(officer_id: int, day: dt.date) -> dt.date | None:
    """The latest expiry among the officer's accreditations in force on day (an ID card expires with it)."""
    rows = await Accreditation.select(
        Accreditation.id, Accreditation.granted_on, Accreditation.expires_on, Accreditation.withdrawn_on,
        Accreditation.ended_on,
    ).where(Accreditation.officer == officer_id)
    if not rows:
        return None
    events: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    for e in await AccreditationEvent.select(
        AccreditationEvent.accreditation, AccreditationEvent.kind, AccreditationEvent.effective_on
    ).where(AccreditationEvent.accreditation.is_in([r["id"] for r in rows])).order_by(AccreditationEvent.id):
        events[e["accreditation"]].append((e["kind"], e["effective_on"]))
    expiries = [
        r["expires_on"] for r in rows
        if is_accreditation_in_force(AccreditationDates(
            id=r["id"], granted_on=r["granted_on"], expires_on=r["expires_on"], withdrawn_on=r["withdrawn_on"],
            ended_on=r["ended_on"], suspensions=suspension_periods(events[r["id"]])), day)
    ]
    return max(expiries) if expiries else None


def _serial_in_use(code: str, serial: str) -> Conflict:
    return Conflict(RegisterErrorCode.SERIAL_IN_USE, f"{code} serial '{serial}' is already out on issue.",
                    [Violation(RegisterErrorCode.SERIAL_IN_USE, "Already out on issue.", "serial_number")])


async def issue_kit(
    actor: Principal,
    *,
    officer_id: int,
    kit_type_code: str,
    issued_on: dt.date,
    serial_number: str | None = None,
    size: str = "",
    manufactured_on: dt.date | None = None,
    condition: str = "new",
) -> dict[str, Any]:
    officer = await _require_writer(actor, officer_id)
    kit_type = await _kit_type(kit_type_code)
    serial = serial_number.strip() if serial_number and serial_number.strip() else None
    raise_if_violations(check_kit_issue(
        tracks_serial=kit_type["tracks_serial"], serial_number=serial, size=size, issued_on=issued_on,
        manufactured_on=manufactured_on, officer_started_on=officer["started_on"], condition=condition,
    ))
    if officer["left_on"] is not None and officer["left_on"] <= issued_on:
        raise Conflict(RegisterErrorCode.OFFICER_ALREADY_LEFT, f"The officer left on {officer['left_on']}.")
    if violations := await hooks.check_kit_issue(officer_id, kit_type_code, issued_on):
        raise Conflict(RegisterErrorCode.TRAINING_REQUIRED,
                       f"{kit_type['title']} needs training the officer does not have.", violations)
    try:
        async with write_transaction():
            if serial is not None and await KitIssue.exists().where(
                (KitIssue.kit_type == kit_type["id"]) & (KitIssue.serial_number == serial)
                & KitIssue.returned_on.is_null()
            ):
                raise _serial_in_use(kit_type_code, serial)
            expires_on = compute_kit_expiry(
                issued_on=issued_on, manufactured_on=manufactured_on,
                service_life_months=kit_type["service_life_months"],
                expires_with_accreditation=kit_type["expires_with_accreditation"],
                accreditation_expires_on=await _accreditation_expiry(officer_id, issued_on)
                if kit_type["expires_with_accreditation"] else None,
            )
            new_id = (await KitIssue.insert(KitIssue(
                officer=officer_id, kit_type=kit_type["id"], issued_on=issued_on, issued_by=actor.username,
                serial_number=serial, size=size.strip(), manufactured_on=manufactured_on, expires_on=expires_on,
                condition=condition,
                next_inspection_due_on=compute_next_inspection(issued_on, kit_type["inspection_interval_months"]),
            )).returning(KitIssue.id))[0]["id"]
            await _event(actor, new_id, KitKind.ISSUED, issued_on, kit_type["title"])
            after = await _load_view(new_id)
            await record_audit(actor, "kit.issue", "kit_issue", new_id, None, after)
    except Exception as exc:
        if is_unique_violation(exc) and serial is not None:
            raise _serial_in_use(kit_type_code, serial) from exc
        raise
    return after


async def _prepare(actor: Principal, issue_id: int) -> dict[str, Any]:
    row = await _load_row(issue_id)
    await _require_writer(actor, row["officer"])
    return row


async def return_kit(actor: Principal, issue_id: int, returned_on: dt.date, condition: str) -> dict[str, Any]:
    """Records the return (a lost item is returned as 'lost') and closes any open recovery task."""
    async with write_transaction():
        row = await _prepare(actor, issue_id)
        raise_if_violations(check_return(row["issued_on"], returned_on, condition))
        if row["returned_on"] is not None:
            raise Conflict(RegisterErrorCode.ALREADY_RETURNED,
                           f"The item was already returned on {long_date(row['returned_on'])}.")
        if row["last_inspected_on"] is not None and returned_on < row["last_inspected_on"]:
            raise Conflict(RegisterErrorCode.EVENT_OUT_OF_ORDER,
                           "The item was inspected after that day; history cannot run backwards.")
        await KitIssue.update({KitIssue.returned_on: returned_on, KitIssue.condition: condition}) \
            .where(KitIssue.id == issue_id)
        await _event(actor, issue_id, KitKind.RETURNED, returned_on, condition)
        open_tasks = await KitRecoveryTask.select(KitRecoveryTask.id).where(
            (KitRecoveryTask.kit_issue == issue_id) & KitRecoveryTask.closed_on.is_null())
        if open_tasks:
            await KitRecoveryTask.update({KitRecoveryTask.closed_on: returned_on}).where(
                KitRecoveryTask.id.is_in([t["id"] for t in open_tasks]))
            await _event(actor, issue_id, KitKind.RECOVERY_CLOSED, returned_on, condition)
        after = await _load_view(issue_id)
        await record_audit(actor, "kit.return", "kit_issue", issue_id, row, after)
    return after


async def inspect_kit(actor: Principal, issue_id: int, inspected_on: dt.date, condition: str) -> dict[str, Any]:
    """Records an inspection: the item's condition, and the next inspection due from the type's interval.
    Condemned flags the item for replacement."""
    async with write_transaction():
        row = await _prepare(actor, issue_id)
        raise_if_violations(check_inspection(row["issued_on"], inspected_on, condition))
        if row["returned_on"] is not None:
            raise Conflict(RegisterErrorCode.ALREADY_RETURNED, "The item was returned: it cannot be inspected.")
        if row["last_inspected_on"] is not None and inspected_on < row["last_inspected_on"]:
            raise Conflict(RegisterErrorCode.EVENT_OUT_OF_ORDER,
                           f"The last inspection was on {long_date(row['last_inspected_on'])}; "
                           "history cannot run backwards.")
        await KitInspection.insert(KitInspection(kit_issue=issue_id, inspected_on=inspected_on,
                                                 condition=condition, inspected_by=actor.username))
        await KitIssue.update({
            KitIssue.condition: condition, KitIssue.last_inspected_on: inspected_on,
            KitIssue.next_inspection_due_on: compute_next_inspection(inspected_on,
                                                                     row["inspection_interval_months"]),
            KitIssue.needs_replacement: row["needs_replacement"] or needs_replacement(condition),
        }).where(KitIssue.id == issue_id)
        await _event(actor, issue_id, KitKind.INSPECTED, inspected_on, condition)
        after = await _load_view(issue_id)
        await record_audit(actor, "kit.inspect", "kit_issue", issue_id, row, after)
    return after


async def open_recovery_tasks(actor: Principal, officer_id: int, on: dt.date, reason: str) -> int:
    """Inside the caller's transaction: a recovery task for each item still out whose type is recovered when
    powers end (ID card, badge), unless one is already open. Returns how many were opened."""
    rows = await KitIssue.select(KitIssue.id).where(
        (KitIssue.officer == officer_id) & KitIssue.returned_on.is_null()
        & (KitIssue.kit_type.recover_when_powers_end == True)  # noqa: E712 - a query expression
    ).order_by(KitIssue.id)
    ids = [r["id"] for r in rows]
    if not ids:
        return 0
    already = {r["kit_issue"] for r in await KitRecoveryTask.select(KitRecoveryTask.kit_issue).where(
        KitRecoveryTask.kit_issue.is_in(ids) & KitRecoveryTask.closed_on.is_null())}
    opened = 0
    for issue_id in ids:
        if issue_id in already:
            continue
        task_id = (await KitRecoveryTask.insert(KitRecoveryTask(kit_issue=issue_id, opened_on=on, reason=reason))
                   .returning(KitRecoveryTask.id))[0]["id"]
        await _event(actor, issue_id, KitKind.RECOVERY_OPENED, on, reason)
        await record_audit(actor, "kit.recovery_open", "kit_recovery_task", task_id, None,
                           {"kit_issue": issue_id, "opened_on": on, "reason": reason})
        opened += 1
    return opened


async def open_recovery_for_officer(officer_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await KitRecoveryTask.select(
        KitRecoveryTask.id, KitRecoveryTask.kit_issue, KitRecoveryTask.kit_issue.kit_type.code.as_alias(  # type: ignore[union-attr]
            "kit_type_code"), KitRecoveryTask.kit_issue.serial_number.as_alias("serial_number"),
        KitRecoveryTask.opened_on, KitRecoveryTask.reason, KitRecoveryTask.closed_on,
    ).where((KitRecoveryTask.kit_issue.officer == officer_id) & KitRecoveryTask.closed_on.is_null()) \
        .order_by(KitRecoveryTask.id)
    return rows


async def events_for_officer(officer_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await KitEvent.select(
        KitEvent.kit_issue, KitEvent.kit_issue.kit_type.code.as_alias("kit_type_code"),  # type: ignore[union-attr]
        KitEvent.kind,
        KitEvent.effective_on, KitEvent.note, KitEvent.actor, KitEvent.recorded_at,
    ).where(KitEvent.kit_issue.officer == officer_id).order_by(KitEvent.id)
    return rows


async def leavers_with_kit_out(day: dt.date) -> list[int]:
    """Officers who have left by `day` with kit still out (not returned, nor returned as lost): the sweep tells
    their managers what is still to recover."""
    left_on = KitIssue.officer.left_on
    rows = await KitIssue.select(KitIssue.officer).where(
        left_on.is_not_null() & (left_on <= day) & KitIssue.returned_on.is_null(),
    ).distinct().order_by(KitIssue.officer)
    return [row["officer"] for row in rows]
