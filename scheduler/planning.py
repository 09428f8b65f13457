"""Capacity planning for the officers in the caller's scope: each force's renewals levelled within its capacity
(scheduler.capacity), and the capacity settings forces keep as policy data (scheduler.tables.CapacitySetting)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core.access import Principal, Role, require_role
from core.audit import record_audit
from core.clock import now_utc
from core.db import write_transaction
from core.errors import CoreErrorCode, Forbidden, Violation, raise_if_violations
from register.errors import RegisterErrorCode
from register.facts import person_facts
from register.officers import services as register_services
from register.officers.employment import scoped_officer_ids
from scheduler.capacity import (
    WORK_KINDS,
    Levelled,
    Work,
    level,
    month_key,
    month_start,
    monthly_demand,
    needed_capacity,
    uniform,
    work_from_plans,
)
from scheduler.policy_store import load_catalogue
from scheduler.rules import compute_plan
from scheduler.services import iter_facts
from scheduler.tables import CapacitySetting

MIN_MONTHS, MAX_MONTHS, DEFAULT_MONTHS = 6, 24, 12
MAX_PER_MONTH = 100_000
# The settings' field for each kind of work (api.md: GET/PUT /api/planning/capacity-settings).
SETTING_OF_KIND = {"vetting": "vetting_per_month", "course": "course_seats_per_month",
                   "accreditation": "accreditations_per_month"}
SETTINGS = tuple(SETTING_OF_KIND.values())
READERS = (Role.CSAS_COORDINATOR, Role.VETTING_OFFICER, Role.HR)  # whole employers (and admin)


@dataclass(frozen=True)
class ForcePlan:
    """One force's renewals, levelled within its capacity (None per kind: not set, no limit)."""

    force_id: int | None
    capacity: dict[str, int | None]
    work: list[Work]
    levelled: Levelled


@dataclass(frozen=True)
class CapacityPlan:
    first_month: dt.date
    months: int
    forces: list[ForcePlan]
    in_scope: frozenset[int]  # the officers the caller sees: every figure counts only theirs

    def work(self) -> list[Work]:
        return [w for f in self.forces for w in f.work if w.officer_id in self.in_scope]

    def unavoidable(self) -> list[Work]:
        return sorted((w for f in self.forces for w in f.levelled.unavoidable if w.officer_id in self.in_scope),
                      key=lambda w: (w.start_by, w.expires_on, w.officer_id, w.code))

    def start_months(self) -> dict[Work, dt.date]:
        return {w: m for f in self.forces for w, m in f.levelled.starts if w.officer_id in self.in_scope}

    def capacity(self) -> dict[str, int | None]:
        """Per kind, the forces' capacity added up (None once any force sets no limit for it)."""
        out: dict[str, int | None] = {}
        for kind in WORK_KINDS:
            values = [f.capacity[kind] for f in self.forces]
            out[kind] = None if any(v is None for v in values) else sum(v or 0 for v in values)
        return out

    def needed(self) -> dict[str, int]:
        """The least capacity per month that avoids every unavoidable lapse, per kind, forces added up."""
        out = dict.fromkeys(WORK_KINDS, 0)
        for force in self.forces:
            for kind, n in needed_capacity(force.work, self.first_month, self.months).items():
                out[kind] += n
        return out

    def rows(self) -> list[dict[str, Any]]:
        """api.md's months: demand, capacity and levelled starts per month and kind."""
        demand = monthly_demand(self.work(), self.first_month, self.months)
        levelled = {key: dict.fromkeys(WORK_KINDS, 0) for key in demand}
        for work, month in self.start_months().items():
            levelled[month_key(month)][work.kind] += 1
        capacity = self.capacity()
        return [{"month": key, "demand": demand[key], "capacity": capacity, "levelled": levelled[key]}
                for key in demand]


def check_months(months: int) -> None:
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        raise_if_violations([Violation(CoreErrorCode.INVALID_VALUE,
                                       f"months must be from {MIN_MONTHS} to {MAX_MONTHS}.", "months")])


async def capacity_plan(actor: Principal, day: dt.date, first_month: dt.date | None = None,
                        months: int = DEFAULT_MONTHS, organisation_id: int | None = None) -> CapacityPlan:
    """The plans on `day` of the officers the actor sees (narrowed to an employer), levelled force by force.

    A force's capacity serves all its employers, so each force touched is levelled whole, and only the actor's
    officers are reported: an employer sees where its own renewals fall in the force's queue."""
    require_role(actor, *READERS, action="read the capacity plan")
    check_months(months)
    first = month_start(first_month or day)
    in_scope = await scoped_officer_ids(actor, organisation_id, None, active_on=day)
    people = await person_facts(in_scope)
    force_ids = sorted({p.employer.force_id for p in people.values()}, key=lambda f: (f is None, f or 0))
    settings = await _stored_settings()
    catalogue = await load_catalogue()
    plans: list[ForcePlan] = []
    for force_id in force_ids:
        ids = await _force_officers(force_id, day) if force_id is not None else [
            i for i, p in people.items() if p.employer.force_id is None]
        work: list[Work] = []
        async for batch in iter_facts(ids, day, catalogue):
            work += work_from_plans({i: compute_plan(f, day, catalogue.policy) for i, f in batch.items()})
        capacity = _capacity(settings.get(force_id) if force_id is not None else None)
        plans.append(ForcePlan(force_id, capacity, work, level(work, first, months, uniform(capacity, months))))
    return CapacityPlan(first, months, plans, frozenset(in_scope))


async def _force_officers(force_id: int, day: dt.date) -> list[int]:
    # The force's officers whoever asks: its capacity is shared by all of them (the actor sees their own only).
    return await scoped_officer_ids(Principal(None, "capacity", Role.CSAS_COORDINATOR, force_id=force_id),
                                    active_on=day)


async def early_starts(day: dt.date) -> dict[int, dict[tuple[str, str, dt.date, dt.date], dt.date]]:
    """For the sweep on `day`: officer -> (kind, code, start-by, expiry) -> this month, for each renewal the
    capacity plan levelled on `day` starts this month though its start-by falls in a later month. Only forces that
    set a capacity are planned (the others start everything in its own month, so no one is asked early)."""
    settings = {force: row for force, row in (await _stored_settings()).items()
                if any(row.get(name) is not None for name in SETTINGS)}
    if not settings:
        return {}
    first = month_start(day)
    catalogue = await load_catalogue()
    out: dict[int, dict[tuple[str, str, dt.date, dt.date], dt.date]] = {}
    for force_id, row in sorted(settings.items()):
        work: list[Work] = []
        async for batch in iter_facts(await _force_officers(force_id, day), day, catalogue):
            work += work_from_plans({i: compute_plan(f, day, catalogue.policy) for i, f in batch.items()})
        capacity = _capacity(row)
        for item, month in level(work, first, MAX_MONTHS, uniform(capacity, MAX_MONTHS)).starts:
            if month == first and month_start(item.start_by) > first:
                out.setdefault(item.officer_id, {})[(item.kind, item.code, item.start_by, item.expires_on)] = month
    return out


def _capacity(row: dict[str, Any] | None) -> dict[str, int | None]:
    return {kind: (row or {}).get(field) for kind, field in SETTING_OF_KIND.items()}


async def _stored_settings() -> dict[int, dict[str, Any]]:
    rows = await CapacitySetting.select(CapacitySetting.force_id, *[getattr(CapacitySetting, f) for f in SETTINGS])
    return {row["force_id"]: row for row in rows}


# --- the settings -------------------------------------------------------------------------------------------

async def _settings_force(actor: Principal, force_id: int | None, action: str) -> int:
    """The force whose settings are meant: a coordinator's own (another force's: 403); an administrator names one,
    unless the register holds a single force."""
    require_role(actor, Role.CSAS_COORDINATOR, action=action)
    if not actor.is_admin:
        if force_id is not None and force_id != actor.force_id:
            raise Forbidden(RegisterErrorCode.FORCE_OUT_OF_SCOPE, "You can only plan your own force's capacity.")
        if actor.force_id is None:
            raise Forbidden(RegisterErrorCode.FORCE_OUT_OF_SCOPE, "Your account is not linked to a force.")
        return actor.force_id
    if force_id is None:
        forces = await register_services.list_forces(actor)
        if len(forces) != 1:
            raise_if_violations([Violation(CoreErrorCode.INVALID_VALUE,
                                           "force_id is required: the register holds several forces.", "force_id")])
        return int(forces[0]["id"])
    await register_services.get_force(force_id)  # 404 for an unknown force
    return force_id


async def capacity_settings(actor: Principal, force_id: int | None = None) -> dict[str, Any]:
    force = await _settings_force(actor, force_id, "read capacity settings")
    row = (await _stored_settings()).get(force, {})
    return {"force_id": force, **{name: row.get(name) for name in SETTINGS}}


def check_settings(changes: dict[str, Any]) -> list[Violation]:
    out: list[Violation] = []
    for name in SETTINGS:
        value = changes.get(name)
        if name in changes and value is not None and (
                not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_PER_MONTH):
            out.append(Violation(CoreErrorCode.INVALID_VALUE,
                                 f"{name} must be a whole number from 0 to {MAX_PER_MONTH}, or null for no limit.",
                                 name))
    return out


async def update_capacity_settings(actor: Principal, changes: dict[str, Any],
                                   force_id: int | None = None) -> dict[str, Any]:
    """Changes the fields given (null: no limit), audited; the others keep their values."""
    force = await _settings_force(actor, force_id, "change capacity settings")
    raise_if_violations(check_settings(changes))
    own = {name: changes[name] for name in SETTINGS if name in changes}
    async with write_transaction():
        before = await capacity_settings(actor, force)
        if own:
            if await CapacitySetting.exists().where(CapacitySetting.force_id == force):
                await CapacitySetting.update({getattr(CapacitySetting, k): v for k, v in own.items()}
                                             | {CapacitySetting.updated_at: now_utc()}).where(
                    CapacitySetting.force_id == force)
            else:
                await CapacitySetting.insert(CapacitySetting(force_id=force, **own))
            await record_audit(actor, "capacity.update", "force", force, {k: before[k] for k in own}, own)
    return await capacity_settings(actor, force)
