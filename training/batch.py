"""Recording many training completions at once (imports): everything loaded once, every item checked by the same
rules as the single-record path (training.services.completion_violations → training.rules.check_record), then
all written in ONE transaction with bulk inserts and one audit event per record.

The single-record service costs four or five queries a record; this costs a few queries for the whole batch plus
one INSERT (and one re-read for the audit) per chunk of CHUNK records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.access import Principal, require_role
from core.audit import record_audits
from core.db import write_transaction
from core.errors import Violation, raise_if_violations
from register.errors import RegisterErrorCode
from register.facts import employment_rows
from register.scope import Scope
from training.errors import TrainingErrorCode
from training.services import (
    RECORD_COLUMNS,
    WRITER_ROLES,
    completion_violations,
    list_modules,
    new_record,
)
from training.tables import TrainingRecord

CHUNK = 500  # rows per INSERT / IN list: well under SQLite's and PostgreSQL's bound-parameter limits


@dataclass(frozen=True)
class Completion:
    """One attempt at a module to record: the fields of record_completion."""

    officer_id: int
    module_code: str
    completed_on: dt.date
    result: str
    provider: str = ""
    certificate_ref: str = ""
    qualification_title: str = ""
    expires_on: dt.date | None = None
    expiry_override_reason: str = ""


@dataclass
class _Loaded:
    officers: dict[int, dict[str, Any]]
    modules: dict[str, dict[str, Any]]


def _chunks(items: Sequence[Any], size: int = CHUNK) -> list[Sequence[Any]]:
    return [items[start:start + size] for start in range(0, len(items), size)]


async def _load(items: Sequence[Completion]) -> _Loaded:
    # register's batch read: one statement for any number of ids, with what scope needs (employer, team, force)
    officers = await employment_rows(sorted({item.officer_id for item in items}))
    modules = {m["code"]: m for m in await list_modules()}
    return _Loaded(officers=officers, modules=modules)


def _check(actor: Principal, today: dt.date, item: Completion, loaded: _Loaded) -> list[Violation]:
    """What record_completion would refuse this item for, as violations (its 404/403 on the officer become
    violations of officer_id, so that one bad item does not hide the others)."""
    out: list[Violation] = []
    officer = loaded.officers.get(item.officer_id)
    if officer is None:
        out.append(Violation(RegisterErrorCode.OFFICER_NOT_FOUND, f"No officer with id {item.officer_id}.",
                             "officer_id"))
    elif not Scope.of(actor).allows(officer):
        out.append(Violation(RegisterErrorCode.OUT_OF_SCOPE, "That officer is outside your scope.", "officer_id"))
    module = loaded.modules.get(item.module_code)
    if module is None:
        out.append(Violation(TrainingErrorCode.UNKNOWN_MODULE, f"No training module with code '{item.module_code}'.",
                             "module_code"))
        return out
    out.extend(completion_violations(
        today=today, module=module, completed_on=item.completed_on, result=item.result, provider=item.provider,
        certificate_ref=item.certificate_ref, qualification_title=item.qualification_title,
        expires_on=item.expires_on, expiry_override_reason=item.expiry_override_reason,
    ))
    return out


async def check_completions(actor: Principal, *, today: dt.date, items: Sequence[Completion]) -> list[list[Violation]]:
    """For each item, in order, the violations that would refuse it (an empty list: it would be recorded).
    Role first (403). Reads only: one query for the modules and one per CHUNK distinct officers."""
    require_role(actor, *WRITER_ROLES, action="record training")
    loaded = await _load(items)
    return [_check(actor, today, item, loaded) for item in items]


async def record_completions(actor: Principal, *, today: dt.date, items: Sequence[Completion]) -> list[int]:
    """Records every item or none. Role first (403); any refused item refuses the lot (422, each violation's
    field is `items[i].<field>`) and writes nothing. The checks and the writes share one write transaction
    (joining the caller's, if any), with one audit event per record ("training_record.create", after = the
    stored row, as the single-record path records it). Returns the new ids, in insertion order."""
    require_role(actor, *WRITER_ROLES, action="record training")
    async with write_transaction():
        loaded = await _load(items)
        violations = [
            Violation(v.code, v.message, f"items[{index}].{v.field}" if v.field else f"items[{index}]")
            for index, item in enumerate(items)
            for v in _check(actor, today, item, loaded)
        ]
        raise_if_violations(violations)
        return await _write(actor, items, loaded)


async def _write(actor: Principal, items: Sequence[Completion], loaded: _Loaded) -> list[int]:
    new_ids: list[int] = []
    for chunk in _chunks(items):
        rows = [
            new_record(
                officer_id=item.officer_id, module=loaded.modules[item.module_code], completed_on=item.completed_on,
                result=item.result, provider=item.provider, certificate_ref=item.certificate_ref,
                qualification_title=item.qualification_title, expires_on=item.expires_on,
                expiry_override_reason=item.expiry_override_reason, booking_id=None,
            )
            for item in chunk
        ]
        inserted = await TrainingRecord.insert(*rows).returning(TrainingRecord.id)
        ids = sorted(row["id"] for row in inserted)
        stored = {row["id"]: row for row in await TrainingRecord.select(*RECORD_COLUMNS).where(
            TrainingRecord.id.is_in(ids))}
        await record_audits(actor, "training_record.create", "training_record",
                            ((new_id, None, stored[new_id]) for new_id in ids))
        new_ids.extend(ids)
    return new_ids
