"""The audit log: every write, and every read of vetting case notes, records who, when, what, before → after."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from core.access import Principal
from core.tables import AuditEvent


def to_jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    return value


async def record_audit(
    actor: Principal,
    action: str,
    entity: str,
    entity_id: int | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Call inside the write's transaction so the event and the change land together or not at all."""
    await AuditEvent.insert(_audit_row(actor, action, entity, entity_id, before, after))


AUDIT_CHUNK = 500  # rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits


def _audit_row(
    actor: Principal, action: str, entity: str, entity_id: int | None,
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None,
) -> AuditEvent:
    return AuditEvent(
        actor_user_id=actor.user_id,
        actor=actor.username,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=to_jsonable(dict(before)) if before is not None else None,
        after=to_jsonable(dict(after)) if after is not None else None,
    )


async def record_audits(
    actor: Principal,
    action: str,
    entity: str,
    events: Iterable[tuple[int | None, Mapping[str, Any] | None, Mapping[str, Any] | None]],
) -> int:
    """The bulk form of record_audit for batch writes: one event per (entity_id, before, after), inserted in
    chunks. Call inside the write's transaction. Returns how many events were recorded."""
    rows = [_audit_row(actor, action, entity, entity_id, before, after) for entity_id, before, after in events]
    for start in range(0, len(rows), AUDIT_CHUNK):
        await AuditEvent.insert(*rows[start:start + AUDIT_CHUNK])
    return len(rows)


async def audit_trail(entity: str, entity_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        await AuditEvent.select()
        .where((AuditEvent.entity == entity) & (AuditEvent.entity_id == entity_id))
        .order_by(AuditEvent.id)
    )
    return rows
