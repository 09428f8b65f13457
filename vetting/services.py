"""Vetting use cases. Every write: one transaction, audited. Every read of case notes: audited.

Who may do what (domain.md §2): hr requests vetting for its own organisation's officers; only vetting officers
(their force) and admins move applications through the lifecycle, see case notes and work the queue;
csas_coordinator, hr, manager and officer see level, status, force reference and dates, never notes.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, cast

from core.access import Principal, Role, require_role
from core.audit import record_audit
from core.dates import long_date
from core.db import all_of, check_order, write_transaction
from core.errors import Conflict, CoreErrorCode, NotFound, Violation, raise_if_violations
from register.officers.services import get_officer
from register.scope import Scope, require_installation_writer
from vetting import rules
from vetting.errors import VettingErrorCode
from vetting.rules import GRANTS, OPEN, DeclarationKind, Status
from vetting.tables import Declaration, VettingApplication, VettingEvent, VettingLevel

NOTE_READERS = frozenset({Role.ADMIN, Role.VETTING_OFFICER})
APPLICATION_ENTITY = "vetting_application"

LEVEL_COLUMNS = (
    VettingLevel.code, VettingLevel.title, VettingLevel.renewal_months, VettingLevel.has_annual_review,
    VettingLevel.accepted_for_csas,
)

APPLICATION_COLUMNS = (
    VettingApplication.id,
    VettingApplication.officer,
    VettingApplication.level,
    VettingApplication.requested_on,
    VettingApplication.status,
    VettingApplication.force_reference,
    VettingApplication.submitted_on,
    VettingApplication.decided_on,
    VettingApplication.granted_on,
    VettingApplication.expires_on,
    VettingApplication.expiry_override_reason,
    VettingApplication.next_review_due_on,
    VettingApplication.closed_on,
    VettingApplication.last_event_on,
    VettingApplication.renews,
    VettingApplication.level.code.as_alias("level_code"),
    VettingApplication.officer.organisation.as_alias("organisation_id"),
)

# Lists name the officer, so that a person reading one need not open each application to know whose it is.
OFFICER_NAME_COLUMNS = (
    VettingApplication.officer.given_name.as_alias("given_name"),
    VettingApplication.officer.family_name.as_alias("family_name"),
)

DECLARATION_COLUMNS = (
    Declaration.id, Declaration.officer, Declaration.kind, Declaration.categories, Declaration.made_on,
    Declaration.acknowledged_on, Declaration.acknowledged_by,
)


def can_read_notes(actor: Principal) -> bool:
    return actor.role in NOTE_READERS


# --- levels -------------------------------------------------------------------------------------------

async def list_levels() -> list[dict[str, Any]]:
    """The level catalogue with its policy values, in the order of domain.md §5."""
    rows: list[dict[str, Any]] = await VettingLevel.select(*LEVEL_COLUMNS).order_by(VettingLevel.sort_order) \
        .order_by(VettingLevel.id)
    return rows


async def _load_level(code: str) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await VettingLevel.select(VettingLevel.id, *LEVEL_COLUMNS) \
        .where(VettingLevel.code == code).first()
    return row


async def get_level(code: str) -> dict[str, Any]:
    row = await _load_level(code)
    if row is None:
        raise NotFound(VettingErrorCode.LEVEL_NOT_FOUND, f"No vetting level with code '{code}'.")
    return row


async def update_level(actor: Principal, code: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Policy edit of a level's renewal period, annual-review flag or CSAS acceptance (admin; a coordinator of a
    one-force installation)."""
    await require_installation_writer(actor, action="change vetting levels", subject="A vetting level")
    before = await get_level(code)
    raise_if_violations(rules.check_level_update(changes.get("renewal_months")))
    values = {getattr(VettingLevel, k): v for k, v in changes.items()
              if k in ("renewal_months", "has_annual_review", "accepted_for_csas")}
    async with write_transaction():
        if values:
            await VettingLevel.update(values).where(VettingLevel.code == code)
        after = await get_level(code)
        await record_audit(actor, "vetting_level.update", "vetting_level", before["id"], before, after)
    return after


# --- applications -------------------------------------------------------------------------------------

async def _load_application(application_id: int) -> dict[str, Any]:
    row: dict[str, Any] | None = await VettingApplication.select(*APPLICATION_COLUMNS) \
        .where(VettingApplication.id == application_id).first()
    if row is None:
        raise NotFound(VettingErrorCode.APPLICATION_NOT_FOUND, f"No vetting application with id {application_id}.")
    return row


def read_status(row: dict[str, Any], as_of: dt.date) -> str:
    return rules.compute_status(row["status"], row["expires_on"], as_of)


def _audit_view(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("level", "organisation_id")}


async def create_application(
    actor: Principal,
    *,
    officer_id: int,
    level_code: str,
    requested_on: dt.date,
    today: dt.date,
    renews_application_id: int | None = None,
) -> dict[str, Any]:
    """A draft application (hr for its organisation, vetting officers for their force, admin)."""
    require_role(actor, Role.HR, Role.VETTING_OFFICER, action="request vetting")
    await get_officer(actor, officer_id)
    violations: list[Violation] = []
    level = await _load_level(level_code)
    if level is None:
        violations.append(Violation(VettingErrorCode.UNKNOWN_LEVEL,
                                    f"No vetting level with code '{level_code}'.", "level_code"))
    if requested_on > today:
        violations.append(Violation(VettingErrorCode.FUTURE_DATE,
                                    "requested_on cannot be in the future.", "requested_on"))
    if renews_application_id is not None:
        renewed = await VettingApplication.select(VettingApplication.officer, VettingApplication.status) \
            .where(VettingApplication.id == renews_application_id).first()
        if renewed is None or renewed["officer"] != officer_id or renewed["status"] not in GRANTS:
            violations.append(Violation(VettingErrorCode.NOT_A_CLEARANCE,
                                        "renews_application_id must be a granted application of the same officer.",
                                        "renews_application_id"))
    raise_if_violations(violations)
    assert level is not None
    async with write_transaction():
        new_id = (await VettingApplication.insert(VettingApplication(
            officer=officer_id, level=level["id"], requested_on=requested_on, status=Status.DRAFT.value,
            renews=renews_application_id, last_event_on=requested_on,
        )).returning(VettingApplication.id))[0]["id"]
        await VettingEvent.insert(VettingEvent(
            application=new_id, status=Status.DRAFT.value, occurred_on=requested_on, note=None,
            actor_user_id=actor.user_id, actor=actor.username,
        ))
        row = await _load_application(new_id)
        await record_audit(actor, "vetting.application.create", APPLICATION_ENTITY, new_id, None, _audit_view(row))
    return row


def _status_clause(status: str, as_of: dt.date) -> Any:
    if status == rules.EXPIRED:
        return VettingApplication.status.is_in(sorted(GRANTS)) & VettingApplication.expires_on.is_not_null() \
            & (VettingApplication.expires_on <= as_of)
    if status in GRANTS:
        return (VettingApplication.status == status) & (
            VettingApplication.expires_on.is_null() | (VettingApplication.expires_on > as_of))
    return VettingApplication.status == status


# The orders a list of applications may be asked for (a page's column headers), each by its key, '-key' for the
# reverse; ties fall back to the application's id in the same direction.
APPLICATION_ORDERS: dict[str, tuple[Any, ...]] = {
    "application": (),
    "officer": (VettingApplication.officer.family_name, VettingApplication.officer.given_name),
    "level": (VettingApplication.level,),
    "status": (VettingApplication.status,),
    "requested": (VettingApplication.requested_on,),
}


def _ordered(query: Any, order: str) -> Any:
    check_order(order, APPLICATION_ORDERS)
    ascending = not order.startswith("-")
    for column in APPLICATION_ORDERS[order.removeprefix("-")]:
        query = query.order_by(column, ascending=ascending)
    return query.order_by(VettingApplication.id, ascending=ascending)


async def list_applications(
    actor: Principal,
    *,
    as_of: dt.date,
    officer_id: int | None = None,
    status: str | None = None,
    organisation_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
    order: str = "-requested",
) -> tuple[list[dict[str, Any]], int]:
    """Applications in the caller's scope, newest request first (or `order`, a key of APPLICATION_ORDERS).
    `status` filters on the status as read (so 'expired' finds grants whose expiry has come by as_of)."""
    check_order(order, APPLICATION_ORDERS)
    if status is not None:
        raise_if_violations(rules.parse_status(status, allow_expired=True))
    where = all_of(
        Scope.of(actor).where(VettingApplication.officer),
        VettingApplication.officer == officer_id if officer_id is not None else None,
        VettingApplication.officer.organisation == organisation_id if organisation_id is not None else None,
        _status_clause(status, as_of) if status is not None else None,
    )
    query = _ordered(VettingApplication.select(*APPLICATION_COLUMNS, *OFFICER_NAME_COLUMNS), order) \
        .limit(limit).offset(offset)
    count = VettingApplication.count()
    if where is not None:
        query, count = query.where(where), count.where(where)
    rows: list[dict[str, Any]] = await query
    return rows, await count


async def get_application_summary(actor: Principal, application_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The application and its officer, scope-checked, without the timeline: for forms that act on it. No case
    note is read, so no 'vetting.notes.read' event is recorded."""
    row = await _load_application(application_id)
    return row, await get_officer(actor, row["officer"])


async def get_application(
    actor: Principal, application_id: int
) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
    """The application with its timeline. Case notes only for vetting officers and admins: that read is audited
    as 'vetting.notes.read'. Returns (application, events, notes_visible); events carry 'note' only if visible."""
    row = await _load_application(application_id)
    await get_officer(actor, row["officer"])
    notes_visible = can_read_notes(actor)
    columns = [VettingEvent.id, VettingEvent.status, VettingEvent.occurred_on, VettingEvent.actor,
               VettingEvent.created_at]
    if notes_visible:
        columns.append(VettingEvent.note)
    written: list[dict[str, Any]] = await VettingEvent.select(*columns) \
        .where(VettingEvent.application == application_id).order_by(VettingEvent.id)
    # A note added on its own is a vetting staff's entry: to anyone else it is not part of the timeline at all.
    events = sorted((e for e in rules.mark_note_only(written) if notes_visible or not e["note_only"]),
                    key=lambda e: (e["occurred_on"], e["id"]))
    if notes_visible:
        async with write_transaction():
            await record_audit(actor, "vetting.notes.read", APPLICATION_ENTITY, application_id, None, {
                "event_ids_with_notes": [e["id"] for e in events if e["note"]],
            })
    return row, events, notes_visible


async def record_event(
    actor: Principal,
    application_id: int,
    *,
    status: str,
    on: dt.date,
    force_reference: str | None = None,
    expires_on: dt.date | None = None,
    expiry_override_reason: str | None = None,
    note: str | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The only way an application's status changes. 422 bad input; 409 illegal transition (stable code)."""
    require_role(actor, Role.VETTING_OFFICER, action="change vetting application status")
    before = await _load_application(application_id)
    await get_officer(actor, before["officer"])
    raise_if_violations(rules.parse_status(status))
    target = Status(status)
    level = await VettingLevel.select(VettingLevel.renewal_months, VettingLevel.has_annual_review) \
        .where(VettingLevel.id == before["level"]).first()
    assert level is not None
    computed_expiry = rules.compute_expiry(on, level["renewal_months"]) if target in GRANTS else None
    reason = expiry_override_reason.strip() if expiry_override_reason and expiry_override_reason.strip() else None
    clean_note = note.strip() if note and note.strip() else None
    raise_if_violations(rules.check_event_fields(
        target, on, computed_expiry, expires_on, expiry_override_reason, note, force_reference)
        + rules.check_not_future(on, today, "on"))
    async with write_transaction():
        current = await _load_application(application_id)
        info_before = await _info_requested_before(application_id)
        refusal = rules.check_transition(
            Status(current["status"]), target, on,
            requested_on=current["requested_on"], last_event_on=current["last_event_on"],
            info_requested_before=info_before,
            refused_on=current["decided_on"] if current["status"] == Status.REFUSED else None,
        )
        if refusal is not None:
            raise Conflict(refusal[0], refusal[1])
        values: dict[Any, Any] = {VettingApplication.status: target.value, VettingApplication.last_event_on: on}
        if force_reference is not None:
            values[VettingApplication.force_reference] = force_reference.strip()
        if target is Status.SUBMITTED and current["submitted_on"] is None:
            values[VettingApplication.submitted_on] = on
        if target in rules.DECISIONS:
            values[VettingApplication.decided_on] = on
        if target in GRANTS:
            final_expiry = expires_on if expires_on is not None else computed_expiry
            values[VettingApplication.granted_on] = on
            values[VettingApplication.expires_on] = final_expiry
            values[VettingApplication.expiry_override_reason] = reason if final_expiry != computed_expiry else None
            values[VettingApplication.next_review_due_on] = rules.compute_next_review(on, level["has_annual_review"])
        if target in rules.CLOSING:
            values[VettingApplication.closed_on] = on
        await VettingApplication.update(values).where(VettingApplication.id == application_id)
        event_id = (await VettingEvent.insert(VettingEvent(
            application=application_id, status=target.value, occurred_on=on, note=clean_note,
            actor_user_id=actor.user_id, actor=actor.username,
        )).returning(VettingEvent.id))[0]["id"]
        after = await _load_application(application_id)
        # The audit records that a note was written, never its text (notes are read only through the timeline).
        await record_audit(actor, "vetting.application.event", APPLICATION_ENTITY, application_id,
                           _audit_view(current),
                           _audit_view(after) | {"event_id": event_id, "has_note": clean_note is not None})
    return after


async def _info_requested_before(application_id: int) -> bool:
    return bool(await VettingEvent.exists().where(
        (VettingEvent.application == application_id) & (VettingEvent.status == Status.INFO_REQUESTED.value)))


async def next_statuses(actor: Principal, application_id: int) -> list[Status]:
    """The statuses the application may move to now (what the status form offers): only for those who may
    change it, and the officer in their scope."""
    require_role(actor, Role.VETTING_OFFICER, action="change vetting application status")
    row, _ = await get_application_summary(actor, application_id)
    return rules.legal_next_statuses(Status(row["status"]),
                                     info_requested_before=await _info_requested_before(application_id))


async def add_case_note(
    actor: Principal, application_id: int, *, note: str, today: dt.date
) -> dict[str, Any]:
    """A case note without a change of status, dated today: a timeline entry that keeps the current status.
    Vetting staff only; the audit says a note was written, never its text."""
    require_role(actor, Role.VETTING_OFFICER, action="add vetting case notes")
    row, _ = await get_application_summary(actor, application_id)
    raise_if_violations(rules.check_note(note))
    async with write_transaction():
        current = await _load_application(application_id)
        event_id = (await VettingEvent.insert(VettingEvent(
            application=application_id, status=current["status"], occurred_on=today, note=note.strip(),
            actor_user_id=actor.user_id, actor=actor.username,
        )).returning(VettingEvent.id))[0]["id"]
        await record_audit(actor, "vetting.application.note", APPLICATION_ENTITY, application_id, None,
                           {"event_id": event_id, "has_note": True})
    return row


async def vetting_queue(
    actor: Principal,
    *,
    as_of: dt.date,
    status: str | None = None,
    organisation_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
    order: str = "requested",
) -> tuple[list[dict[str, Any]], int]:
    """Open applications requested on or before as_of, oldest request first (or `order`, a key of
    APPLICATION_ORDERS), each with its days waiting."""
    require_role(actor, Role.VETTING_OFFICER, action="see the vetting queue")
    check_order(order, APPLICATION_ORDERS)
    statuses: list[str] = sorted(s.value for s in OPEN)
    if status is not None:
        if status not in OPEN:
            raise_if_violations([Violation(CoreErrorCode.INVALID_CHOICE,
                                           f"status must be one of: {', '.join(statuses)}.",
                                           "status")])
        statuses = [status]
    where = all_of(
        Scope.of(actor).where(VettingApplication.officer),
        VettingApplication.status.is_in(statuses),
        VettingApplication.requested_on <= as_of,
        VettingApplication.officer.organisation == organisation_id if organisation_id is not None else None,
    )
    rows: list[dict[str, Any]] = await _ordered(VettingApplication.select(
        *APPLICATION_COLUMNS, *OFFICER_NAME_COLUMNS,
        cast(Any, VettingApplication.officer.organisation).name.as_alias("organisation_name"),
    ).where(where), order).limit(limit).offset(offset)
    total: int = await VettingApplication.count().where(where)
    for row in rows:
        row["days_waiting"] = rules.compute_days_waiting(row["requested_on"], as_of)
    return rows, total


# --- declarations -------------------------------------------------------------------------------------

def _categories(row: dict[str, Any]) -> dict[str, Any]:
    if isinstance(row["categories"], str):
        row["categories"] = json.loads(row["categories"])
    return row


async def _load_declaration(declaration_id: int) -> dict[str, Any]:
    row: dict[str, Any] | None = await Declaration.select(*DECLARATION_COLUMNS) \
        .where(Declaration.id == declaration_id).first()
    if row is None:
        raise NotFound(VettingErrorCode.DECLARATION_NOT_FOUND, f"No declaration with id {declaration_id}.")
    return _categories(row)


async def create_declaration(
    actor: Principal, *, officer_id: int, kind: str, made_on: dt.date, categories: list[str], today: dt.date
) -> dict[str, Any]:
    """The officer for themselves, hr or vetting staff on their behalf. Kind, categories and dates only."""
    require_role(actor, Role.OFFICER, Role.HR, Role.VETTING_OFFICER, action="record declarations")
    await get_officer(actor, officer_id)
    raise_if_violations(rules.check_declaration(kind, categories, made_on, today))
    async with write_transaction():
        new_id = (await Declaration.insert(Declaration(
            officer=officer_id, kind=kind, categories=json.dumps(rules.order_categories(categories)),
            made_on=made_on, acknowledged_on=None, acknowledged_by=None,
        )).returning(Declaration.id))[0]["id"]
        row = await _load_declaration(new_id)
        await record_audit(actor, "vetting.declaration.create", "declaration", new_id, None, row)
    return row


async def list_declarations(
    actor: Principal,
    *,
    officer_id: int | None = None,
    acknowledged: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Declarations in scope for vetting staff, hr and the officer; coordinators and managers see none."""
    require_role(actor, Role.OFFICER, Role.HR, Role.VETTING_OFFICER, action="see declarations")
    where = all_of(
        Scope.of(actor).where(Declaration.officer),
        Declaration.officer == officer_id if officer_id is not None else None,
        None if acknowledged is None else (
            Declaration.acknowledged_on.is_not_null() if acknowledged else Declaration.acknowledged_on.is_null()),
    )
    query = Declaration.select(*DECLARATION_COLUMNS).order_by(Declaration.made_on, ascending=False) \
        .order_by(Declaration.id, ascending=False).limit(limit).offset(offset)
    count = Declaration.count()
    if where is not None:
        query, count = query.where(where), count.where(where)
    rows: list[dict[str, Any]] = await query
    return [_categories(r) for r in rows], await count


async def acknowledge_declaration(
    actor: Principal, declaration_id: int, *, on: dt.date, today: dt.date
) -> dict[str, Any]:
    """Vetting staff acknowledge a declaration (409 if already acknowledged). An acknowledged annual
    self-declaration counts as the annual review of the officer's in-date clearances that carry one."""
    require_role(actor, Role.VETTING_OFFICER, action="acknowledge declarations")
    before = await _load_declaration(declaration_id)
    await get_officer(actor, before["officer"])
    if before["acknowledged_on"] is not None:
        raise Conflict(VettingErrorCode.ALREADY_ACKNOWLEDGED,
                       f"The declaration was acknowledged on {long_date(before['acknowledged_on'])}.")
    raise_if_violations(rules.check_acknowledgement(before["made_on"], on, today))
    async with write_transaction():
        updated = await Declaration.update({Declaration.acknowledged_on: on, Declaration.acknowledged_by:
                                            actor.username}) \
            .where((Declaration.id == declaration_id) & Declaration.acknowledged_on.is_null()) \
            .returning(Declaration.id)
        if not updated:
            raise Conflict(VettingErrorCode.ALREADY_ACKNOWLEDGED, "The declaration was acknowledged meanwhile.")
        after = await _load_declaration(declaration_id)
        await record_audit(actor, "vetting.declaration.acknowledge", "declaration", declaration_id, before, after)
        if before["kind"] == DeclarationKind.ANNUAL_SELF_DECLARATION:
            await _advance_annual_reviews(actor, before["officer"], before["made_on"])
    return after


async def _advance_annual_reviews(actor: Principal, officer_id: int, made_on: dt.date) -> None:
    grants = await VettingApplication.select(*APPLICATION_COLUMNS).where(
        (VettingApplication.officer == officer_id) & VettingApplication.status.is_in(sorted(GRANTS))
        & VettingApplication.next_review_due_on.is_not_null() & (VettingApplication.granted_on <= made_on)
    )
    for grant in grants:
        due = rules.compute_next_review(made_on, True)
        if due is None or due <= grant["next_review_due_on"]:
            continue
        await VettingApplication.update({VettingApplication.next_review_due_on: due}) \
            .where(VettingApplication.id == grant["id"])
        await record_audit(actor, "vetting.application.review", APPLICATION_ENTITY, grant["id"],
                           {"next_review_due_on": grant["next_review_due_on"]}, {"next_review_due_on": due})
